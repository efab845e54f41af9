"""Wall time of parktrack commands as a ratio against `python -c pass`, measured in the same run.

    python benchmarks/bench_cli.py [--runs N]

Times `list` and `validate` on the bundled plan and on a generated ledger of 10,000 items.
Ratios, not seconds, are what compare across machines.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PARKTRACK = str(Path(sys.executable).parent / "parktrack")


def wall_time(command: list[str], runs: int, cwd: Path) -> float:
    """The median of `runs` wall times, after one warm-up run."""
    subprocess.run(command, cwd=cwd, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def generated_ledger(folder: Path, size: int) -> Path:
    """A valid ledger of `size` key tasks, made by repeating the bundled ones under new ids."""
    data = folder / "data"
    shutil.copytree(REPO / "data", data)
    (data / "indicators.yaml").unlink()  # its task references would not survive the renumbering
    tasks_path = data / "tasks.yaml"
    document = yaml.safe_load(tasks_path.read_text(encoding="utf-8"))
    key_tasks = [task for task in document["tasks"] if task["kind"] == "key_task"]
    document["tasks"] = [{**key_tasks[n % len(key_tasks)], "id": f"T{n + 1:05d}"} for n in range(size)]
    tasks_path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        big = generated_ledger(Path(temp), 10_000)
        baseline = wall_time([sys.executable, "-c", "pass"], args.runs, REPO)
        cases = {
            "list (bundled plan, 83 items)": [PARKTRACK, "list", "--as-of", "2024-06-30"],
            "validate (bundled plan)": [PARKTRACK, "validate"],
            "overdue (bundled plan)": [PARKTRACK, "overdue", "--as-of", "2024-06-30"],
            # the default above is zh-Hans (config file looked up, ledger text through OpenCC); English needs neither
            "overdue --lang en (bundled plan)": [PARKTRACK, "overdue", "--as-of", "2024-06-30", "--lang", "en"],
            "list --format json (10,000 items)": [
                PARKTRACK,
                "list",
                "--as-of",
                "2024-06-30",
                "-f",
                "json",
                "--data",
                str(big),
            ],
            "overdue (10,000 items)": [PARKTRACK, "overdue", "--as-of", "2024-06-30", "--data", str(big)],
            "validate (10,000 items)": [PARKTRACK, "validate", "--data", str(big)],
        }
        print(f"python -c pass: {baseline * 1000:.0f} ms (ratio 1.0)")
        print(f"{'command':<38} {'ms':>7} {'ratio':>7}")
        for name, command in cases.items():
            seconds = wall_time(command, args.runs, REPO)
            print(f"{name:<38} {seconds * 1000:>7.0f} {seconds / baseline:>7.1f}")


if __name__ == "__main__":
    main()
