"""Wall time of `report` (and `notice --all`) as a ratio against `python -c pass`, measured in the same run.

    python benchmarks/bench_report.py [--runs N]

Times the meeting report in each format on the bundled plan and as HTML on a generated ledger
of 2,000 items (its overdue tables hold ~300 rows). Ratios, not seconds, are what compare across machines.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_cli import PARKTRACK, REPO, generated_ledger, wall_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp)
        big = generated_ledger(out, 2_000)
        baseline = wall_time([sys.executable, "-c", "pass"], args.runs, REPO)
        day = ["--as-of", "2024-07-01"]
        cases = {
            "report .md (bundled plan)": [PARKTRACK, "report", "-o", str(out / "r.md"), *day],
            "report .html (bundled plan)": [PARKTRACK, "report", "-o", str(out / "r.html"), *day],
            "report .docx (bundled plan)": [PARKTRACK, "report", "-o", str(out / "r.docx"), *day],
            "report .html (2,000 items)": [PARKTRACK, "report", "-o", str(out / "b.html"), *day, "--data", str(big)],
            "notice --all (bundled plan)": [PARKTRACK, "notice", "--all", "-o", str(out / "notices"), *day],
        }
        print(f"python -c pass: {baseline * 1000:.0f} ms (ratio 1.0)")
        print(f"{'command':<38} {'ms':>7} {'ratio':>7}")
        for name, command in cases.items():
            seconds = wall_time(command, args.runs, REPO)
            print(f"{name:<38} {seconds * 1000:>7.0f} {seconds / baseline:>7.1f}")


if __name__ == "__main__":
    main()
