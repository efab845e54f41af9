"""parktrack's speed as ratios against baselines measured in the same run, whole processes, medians.

    python benchmarks/bench_cli.py [--runs 7] [--sizes 10000,50000] [--skip-writes] [--src DIR] [--history-commits 200]

Prints one Markdown table (the one README's Speed section quotes):
- every read command on the bundled plan against a bare two-command Typer app from this venv (goal 1.2),
  piped (TSV, the default when stdout is no terminal), and `overdue` and `list` on a terminal (Rich);
- at 10,000 items `overdue`, `list --unit`, `units` and `show` against Taskwarrior 2.6's
  `task due.before:… list` on the same 10,000 tasks (goal 1.0; skipped, and said so, without `task`);
- `validate` at each size against PyYAML's C loader alone on the same files (goal 1.5), and its cost
  per item at the largest size against the smallest (linear is 1.0);
- `update`, `note` and `record` at each size: time and peak memory (goals 1 s / 3 s, 300 MiB);
- `history` over 200 commits of a 10,000-item ledger (goal 1 s): the commits are the status changes,
  notes and figures parktrack's writes make, trailers and all (generate.py's `history_commits`); timed
  as a first run, as a second run (what it learnt is remembered in the read cache), after one more
  write, and on a terminal.
Read commands run with the read cache warm (the first, warm-up run fills it) unless marked --no-cache.
Baseline and command runs alternate, so a busy machine slows both alike. `--src DIR` measures
another checkout's src/ (e.g. the code before a change) with this venv.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, history_commits, taskwarrior_json  # benchmarks/ is not a package

REPO = Path(__file__).resolve().parents[1]
PARKTRACK = str(Path(sys.executable).parent / "parktrack")
AS_OF = "2024-06-30"
MIB = 1024 * 1024

BARE_TYPER = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


@app.command()
def bye() -> None:
    """Say bye."""
    print("bye")


app()
'''


class CommandFailedError(Exception):
    """A measured command exited with an error."""


@dataclass
class Timing:
    seconds: float
    peak_bytes: int
    cpu: float = 0.0  # user + system seconds: less swayed than wall time by other work on the machine


def run_once(command: list[str], env: dict[str, str], cwd: Path, peak: bool = False) -> Timing:
    """Wall time, CPU time and (with `peak`) peak resident memory of one whole process.

    Peak memory comes from GNU time's report on the command: a child's own rusage would also count the
    pages it inherited from this process at fork, which holds generated ledgers.
    """
    report = cwd / ".peak-rss"
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if peak and gnu_time:
        command = [gnu_time, "-f", "%M", "-o", str(report), *command]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 3):
        print(f"failed ({process.returncode}): {' '.join(command)}\n{stderr}", file=sys.stderr)
        raise CommandFailedError(f"exit {process.returncode}")
    peak_bytes = int(report.read_text().split()[-1]) * 1024 if peak and gnu_time else 0
    return Timing(seconds, peak_bytes, usage.ru_utime + usage.ru_stime)


def paired(command: list[str], baseline: list[str], runs: int, env: dict[str, str], cwd: Path) -> tuple[Timing, Timing]:
    """Medians (wall and CPU) of alternating runs of a command and its baseline, after a warm-up run of each."""
    run_once(command, env, cwd)
    run_once(baseline, env, cwd)
    mine, theirs = [], []
    for _ in range(runs):
        mine.append(run_once(command, env, cwd))
        theirs.append(run_once(baseline, env, cwd))
    return _median(mine), _median(theirs)


def _median(timings: list[Timing]) -> Timing:
    return Timing(
        statistics.median(t.seconds for t in timings),
        max(t.peak_bytes for t in timings),
        statistics.median(t.cpu for t in timings),
    )


@dataclass
class Line:
    case: str
    ours: str
    baseline: str
    against: str
    ratio: str
    goal: str
    cpu_ratio: str = ""

    def cells(self) -> list[str]:
        return [self.case, self.ours, self.against, self.baseline, self.ratio, self.cpu_ratio, self.goal]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def verdict(ratio: float, goal: float) -> str:
    return f"≤ {goal:g} {'met' if ratio <= goal else 'MISSED'}"


class Bench:
    def __init__(self, args: argparse.Namespace, temp: Path) -> None:
        self.runs = args.runs
        self.big_runs = args.big_runs
        self.temp = temp
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("PARKTRACK")}
        for hint in ("TTY_COMPATIBLE", "FORCE_COLOR"):  # piped cases must be piped
            self.env.pop(hint, None)
        # an installed package has its bytecode compiled; without this every run would compile parktrack anew
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env.update(
            PARKTRACK_CACHE_DIR=str(temp / "cache"),
            PARKTRACK_LANG="en",
            COLUMNS="120",
            GIT_AUTHOR_NAME="Bench",
            GIT_AUTHOR_EMAIL="bench@example.org",
            GIT_COMMITTER_NAME="Bench",
            GIT_COMMITTER_EMAIL="bench@example.org",
        )
        if args.src:
            self.env["PYTHONPATH"] = str(Path(args.src).resolve() / "src")
        self.lines: list[Line] = []
        self.notes: list[str] = []

    def compare(
        self,
        case: str,
        command: list[str],
        baseline: list[str],
        against: str,
        goal: float,
        runs: int = 0,
        cwd: Path | None = None,
    ) -> None:
        try:
            mine, theirs = paired(command, baseline, runs or self.runs, self.env, cwd or self.temp)
        except CommandFailedError as failure:  # e.g. an option the measured checkout (--src) does not have
            self.lines.append(Line(case, "failed", "", against, "", f"not measured: {failure}"))
            return
        ratio, cpu = mine.seconds / theirs.seconds, mine.cpu / theirs.cpu
        line = Line(case, ms(mine.seconds), ms(theirs.seconds), against, f"{ratio:.2f}", verdict(ratio, goal))
        line.cpu_ratio = f"{cpu:.2f}"
        self.lines.append(line)
        print(f"  {case}: {ms(mine.seconds)} vs {ms(theirs.seconds)} = {ratio:.2f} (cpu {cpu:.2f})", file=sys.stderr)

    def report(self) -> None:
        headers = ["case", "parktrack", "against", "baseline", "ratio (wall)", "ratio (CPU)", "goal (wall)"]
        print("| " + " | ".join(headers) + " |")
        print("|" + "|".join(["---", "---:", "---", "---:", "---:", "---:", "---"]) + "|")
        for line in self.lines:
            print("| " + " | ".join(line.cells()) + " |")
        for note in self.notes:
            print(f"\n{note}")


def parktrack(*args: str) -> list[str]:
    return [PARKTRACK, *args]


def bundled_plan(bench: Bench) -> None:
    """The plan's 83 items as a user has them: data/ in a git repository, found from the working folder."""
    bare = bench.temp / "bare_typer.py"
    bare.write_text(BARE_TYPER, encoding="utf-8")
    baseline = [sys.executable, str(bare), "hello"]
    root = bench.temp / "plan"
    shutil.copytree(REPO / "data", root / "data")
    _git_repository(bench, root)
    cases = {
        "validate": parktrack("validate"),
        "list": parktrack("list", "--as-of", AS_OF),
        "list --format json": parktrack("list", "--as-of", AS_OF, "-f", "json"),
        "show T07": parktrack("show", "T07", "--as-of", AS_OF),
        "overdue": parktrack("overdue", "--as-of", AS_OF),
        "overdue --no-cache": parktrack("overdue", "--as-of", AS_OF, "--no-cache"),
        "due": parktrack("due", "--as-of", "2024-06-01"),
        "units": parktrack("units", "--as-of", AS_OF),
        "leaders": parktrack("leaders", "--as-of", AS_OF),
        "indicators": parktrack("indicators", "--as-of", AS_OF),
        "history T01": parktrack("history", "T01"),
    }
    for name, command in cases.items():
        bench.compare(f"bundled plan (83 items): `{name}`", command, baseline, "bare Typer app", 1.2, cwd=root)
    # the cases above are piped (TSV, no Rich); a person at a terminal gets the Rich table
    with on_a_terminal(bench):
        for name in ("overdue", "list"):
            case = f"bundled plan (83 items): `{name}` on a terminal (Rich table)"
            bench.compare(case, cases[name], baseline, "bare Typer app", 1.2, cwd=root)


def _git_repository(bench: Bench, root: Path) -> None:
    for git_args in (["init", "-q", "-b", "main"], ["add", "data"], ["commit", "-q", "-m", "the ledger"]):
        subprocess.run(["git", *git_args], cwd=root, env=bench.env, check=True, capture_output=True)


def make_ledger(bench: Bench, size: int) -> Path:
    """A generated ledger in its own git repository (writes commit), and its Taskwarrior twin."""
    root = bench.temp / f"ledger-{size}"
    tasks = generate(root / "data", size)
    (bench.temp / f"tasks-{size}.json").write_text(taskwarrior_json(tasks), encoding="utf-8")
    _git_repository(bench, root)
    return root / "data"


def taskwarrior(bench: Bench, size: int) -> list[str] | None:
    """`task due.before:… list` over a throwaway TASKDATA holding the same items, or None without `task`."""
    task = shutil.which("task")
    if task is None:
        return None
    home = bench.temp / f"taskwarrior-{size}"
    (home / "data").mkdir(parents=True)
    rc = home / "taskrc"
    rc.write_text(f"data.location={home / 'data'}\nconfirmation=off\nhooks=off\nnews.version=2.6.2\n", encoding="utf-8")
    bench.env["TASKRC"] = str(rc)
    imported = bench.temp / f"tasks-{size}.json"
    subprocess.run([task, "import", str(imported)], env=bench.env, check=True, capture_output=True)
    return [task, f"due.before:{AS_OF}", "list"]


def ten_thousand(bench: Bench, data: Path, size: int) -> None:
    baseline = taskwarrior(bench, size)
    if baseline is None:
        bench.notes.append(f"Taskwarrior (`task`) is not installed: the {size:,}-item comparison was skipped.")
        return
    at = ["--data", str(data), "--as-of", AS_OF]
    cases = {
        "overdue": parktrack("overdue", *at),
        "list --unit 縣財政局": parktrack("list", "--unit", "縣財政局", *at),
        "units": parktrack("units", *at),
        "show T5000": parktrack("show", "T5000", *at),
        "overdue --format json": parktrack("overdue", *at, "-f", "json"),
        # the cases run in English (PARKTRACK_LANG=en); the default, zh-Hans, also simplifies the ledger's text
        "overdue --lang zh-Hans": parktrack("overdue", *at, "--lang", "zh-Hans"),
    }
    for name, command in cases.items():
        against = "Taskwarrior `due.before:… list`"
        bench.compare(f"{size:,} items: `{name}`", command, baseline, against, 1.0)
    # what a person at a terminal sees: the Rich table's first 50 rows and a count of the rest; the
    # cases above are piped, so they write every row as TSV
    with on_a_terminal(bench):
        for name in ("overdue", "list --unit 縣財政局"):
            command = cases[name]
            case = f"{size:,} items: `{name}` on a terminal (first 50 rows)"
            bench.compare(case, command, baseline, "Taskwarrior `due.before:… list`", 1.0)


@contextmanager
def on_a_terminal(bench: Bench) -> Iterator[None]:
    """TTY_COMPATIBLE=1: Rich, and parktrack's choice of format, take the benchmark's pipe for a terminal."""
    bench.env["TTY_COMPATIBLE"] = "1"
    try:
        yield
    finally:
        del bench.env["TTY_COMPATIBLE"]


def validate(bench: Bench, sizes: dict[int, Path]) -> None:
    per_item: dict[int, float] = {}
    for size, data in sizes.items():
        files = [str(data / name) for name in ("units.yaml", "tasks.yaml", "indicators.yaml")]
        loader = "import sys, yaml\nfor name in sys.argv[1:]:\n    yaml.load(open(name, 'rb'), Loader=yaml.CSafeLoader)"
        baseline = [sys.executable, "-c", loader, *files]
        runs = bench.runs if size <= 10_000 else bench.big_runs
        bench.compare(
            f"{size:,} items: `validate`",
            parktrack("validate", "--data", str(data)),
            baseline,
            "PyYAML C loader alone",
            1.5,
            runs,
        )
        per_item[size] = float(bench.lines[-1].ours.removesuffix(" ms").replace(",", "")) / size
    if len(per_item) > 1:
        small, large = min(per_item), max(per_item)
        growth = per_item[large] / per_item[small]
        case = f"`validate` cost per item, {large:,} against {small:,} items"
        per = f"{per_item[large] * 1000:.0f} µs"
        line = Line(case, per, f"{per_item[small] * 1000:.0f} µs", "the same", f"{growth:.2f}", verdict(growth, 1.2))
        bench.lines.append(line)


def writes(bench: Bench, size: int, data: Path, runs: int) -> None:
    """Each run changes another item, so no run repeats a change.

    As at the office, the ledger has been read before it is written (`overdue` first), so the writes
    start from the read cache; one more row times a write with the cache empty (after a `git pull`
    changed the files, or with --no-cache), which validates everything in full.
    """
    at = ["--data", str(data)]
    indicators = _recordable(data)
    commands: dict[str, Callable[[int], list[str]]] = {
        "update": lambda n: parktrack("update", f"T{1000 + n}", "--status", "in_progress", "--date", "2024-11-15", *at),
        "note": lambda n: parktrack("note", f"T{2000 + n}", "已召開調度會議", "--date", "2024-11-15", *at),
        "record": lambda n: parktrack("record", indicators[n], "12", "--period", "2024-11", *at),
    }
    goal = WriteGoal(1.0) if size <= 10_000 else WriteGoal(3.0, 300.0)
    run_once(parktrack("overdue", "--as-of", AS_OF, *at), bench.env, bench.temp)  # what the office reads first
    for name, command in commands.items():
        timing = _median([run_once(command(n), bench.env, bench.temp, peak=True) for n in range(runs)])
        _write_line(bench, f"{size:,} items: `{name}` (one item)", timing, goal)
    added = 0

    def add() -> list[str]:  # an item decided at a meeting (交辦事項), J01, J02 …
        nonlocal added
        added += 1
        text = f"協調解決第{added}批項目用地問題"
        return parktrack("add", "--text", text, "--lead", "縣財政局", "--deadline", "2024年12月底以前", *MEETING, *at)

    first = run_once(add(), bench.env, bench.temp, peak=True)  # adds the 交辦事項 section: the whole files
    _write_line(bench, f"{size:,} items: `add`, the first (adds its section: validated in full)", first, goal)
    timing = _median([run_once(add(), bench.env, bench.temp, peak=True) for _ in range(runs)])
    _write_line(bench, f"{size:,} items: `add` (one item)", timing, goal)
    many = _open_key_tasks(data)[-1000:]  # far from the items the runs above changed
    bulk = parktrack("update", *many, "--status", "in_progress", "--date", "2024-11-16", *at)
    _write_line(
        bench,
        f"{size:,} items: `update` of 1,000 items at once",
        run_once(bulk, bench.env, bench.temp, True),
        goal,
    )
    cold = {**bench.env, "PARKTRACK_CACHE_DIR": str(bench.temp / f"cold-cache-{size}")}
    first = run_once(commands["note"](runs), cold, bench.temp, peak=True)
    _write_line(bench, f"{size:,} items: `note` with the read cache empty (validates in full)", first, goal)
    after_edit = "after a hand edit of another item (the cache stale: changed items read again)"
    _hand_edit(bench, data, "T3000")
    read = run_once(parktrack("overdue", "--as-of", AS_OF, *at), bench.env, bench.temp, peak=True)
    _write_line(bench, f"{size:,} items: `overdue` {after_edit}", read, goal)
    _hand_edit(bench, data, "T3001")
    written = run_once(commands["note"](runs + 1), bench.env, bench.temp, peak=True)
    _write_line(bench, f"{size:,} items: `note` {after_edit}", written, goal)


MEETING = ("--meeting", "第四季度園區調度會議", "--date", "2024-11-15")


def _hand_edit(bench: Bench, data: Path, task_id: str) -> None:
    """What the office does in an editor: a comment and a reworded text in one item, committed."""
    tasks = data / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    start = text.index(f"- id: {task_id}\n")
    at = text.index("  text: ", start)
    tasks.write_text(
        text[:at] + "  # checked with the unit by phone\n  text: 經核實," + text[at + len("  text: ") :],
        encoding="utf-8",
    )
    for git_args in (["add", "tasks.yaml"], ["commit", "-q", "-m", f"hand edit of {task_id}"]):
        subprocess.run(["git", *git_args], cwd=data, env=bench.env, check=True, capture_output=True)


@dataclass(frozen=True)
class WriteGoal:
    """Issue 12's goal for a write: its time, and at 50,000 items its peak memory too."""

    seconds: float
    mib: float | None = None


def _write_line(bench: Bench, case: str, timing: Timing, goal: WriteGoal) -> None:
    peak = timing.peak_bytes / MIB
    memory = f"peak memory {peak:,.0f} MiB" if peak else "peak memory not measured (no GNU time)"
    ratio = timing.seconds / goal.seconds
    judged = verdict(ratio, 1.0)
    if goal.mib is not None and peak > goal.mib:
        judged = "≤ 1 MISSED (memory)"
    shown = f"{goal.seconds:g} s" + (f", {goal.mib:g} MiB" if goal.mib else "")
    bench.lines.append(Line(f"{case}, {memory}", ms(timing.seconds), shown, "the goal", f"{ratio:.2f}", judged))
    print(f"  {case}, {memory}: {ms(timing.seconds)}", file=sys.stderr, flush=True)


def _open_key_tasks(data: Path) -> list[str]:
    """Generated key tasks not in progress and with no history after the day the bulk update is dated."""
    import yaml

    document = yaml.load((data / "tasks.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    return [
        task["id"]
        for task in document["tasks"]
        if task["id"].startswith("T") and task["status"] != "in_progress" and not task["history"]
    ]


def _recordable(data: Path) -> list[str]:
    import yaml

    document = yaml.load((data / "indicators.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    return [i["id"] for i in document["indicators"] if i["id"].startswith("generated-") and i["kind"] != "milestone"]


def history_trail(bench: Bench, size: int, commits: int, runs: int) -> None:
    """`history` over `commits` commits of a `size`-item ledger, in a repository of its own."""
    root = bench.temp / f"history-{size}"
    started = time.perf_counter()
    generate(root / "data", size)
    _git_repository(bench, root)
    history_commits(root, root / "data", commits)
    print(f"  generated {size:,} items and {commits} commits in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    at = ["--data", str(root / "data")]
    run_once(parktrack("indicators", *at), bench.env, bench.temp)  # the read cache of the ledger with indicators

    def forget() -> None:
        """A first run: nothing learnt about any trail yet (the ledger's own read cache stays)."""
        cache = bench.temp / "cache"
        for entry in [*cache.glob("*-history.cache"), *cache.glob("*-newest.cache")]:
            entry.unlink()

    trail = f"{size:,} items: `history` over {commits} commits"
    command = parktrack("history", *at, "-f", "json")
    timings = []
    for _ in range(runs):
        forget()
        timings.append(run_once(command, bench.env, bench.temp))
    _goal_line(bench, f"{trail}, `--format json`, first run", _median(timings).seconds)
    timings = [run_once(command, bench.env, bench.temp) for _ in range(runs)]  # the first run filled the memo
    _goal_line(bench, f"{trail}, `--format json`", _median(timings).seconds)
    timings = []
    for run in range(runs):  # what a run after a write reads: that commit's region, over the newest version kept
        history_commits(root, root / "data", 1, seed=100 + run)
        run_once(parktrack("indicators", *at), bench.env, bench.temp)  # a real write leaves the cache current
        timings.append(run_once(command, bench.env, bench.temp))
    _goal_line(bench, f"{trail}, `--format json`, after one more write", _median(timings).seconds)
    bench.env["TTY_COMPATIBLE"] = "1"
    try:
        table = parktrack("history", *at)
        timings = [run_once(table, bench.env, bench.temp) for _ in range(runs)]
        _goal_line(bench, f"{trail}, on a terminal (first 50 rows)", _median(timings).seconds)
    finally:
        del bench.env["TTY_COMPATIBLE"]


def outputs(bench: Bench, size: int, data: Path) -> None:
    """The files the office hands round, written from a ledger of `size` items (one run each, cache warm).

    Issue 12 sets no number for them ("a table of thousands of rows stays fast"): the rows say how long.
    The generated items change section from one item to the next, so every item has a section row
    above it: the worst case for the workbook's merged rows.
    """
    folder = bench.temp / f"outputs-{size}"
    at = ["--data", str(data), "--as-of", AS_OF]
    cases = {
        "`export` (the ledger as a workbook)": parktrack("export", "-o", str(folder / "台賬.xlsx"), *at),
        "`sheets` (a workbook per unit)": parktrack("sheets", "-o", str(folder / "sheets"), *at),
        "`report -o .docx`": parktrack("report", "-o", str(folder / "report.docx"), *at),
        "`report -o .html`": parktrack("report", "-o", str(folder / "report.html"), *at),
    }
    run_once(parktrack("indicators", *at), bench.env, bench.temp)  # the read cache of the ledger with indicators
    for name, command in cases.items():
        timing = run_once(command, bench.env, bench.temp, peak=True)
        peak = f"peak memory {timing.peak_bytes / MIB:,.0f} MiB" if timing.peak_bytes else "peak memory not measured"
        case = f"{size:,} items: {name}, {peak}"
        bench.lines.append(Line(case, ms(timing.seconds), "", "", "", "none set"))
        print(f"  {case}: {ms(timing.seconds)}", file=sys.stderr, flush=True)


def _goal_line(bench: Bench, case: str, seconds: float, goal_seconds: float = 1.0) -> None:
    ratio = seconds / goal_seconds
    line = Line(case, ms(seconds), f"{goal_seconds:g} s", "the goal", f"{ratio:.2f}", verdict(ratio, 1.0))
    bench.lines.append(line)
    print(f"  {case}: {ms(seconds)}", file=sys.stderr, flush=True)


# --- helpers bench_report.py uses ---------------------------------------------------


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
    """A valid generated ledger of `size` items in `folder`/data (see generate.py)."""
    generate(folder / "data", size)
    return folder / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (medians)")
    parser.add_argument("--big-runs", type=int, default=3, help="timed runs of validate above 10,000 items")
    parser.add_argument("--sizes", default="10000,50000", help="generated ledger sizes, comma-separated")
    parser.add_argument("--write-runs", type=int, default=3, help="timed runs per write command and size")
    parser.add_argument("--skip-writes", action="store_true", help="leave out update, note and record")
    parser.add_argument("--skip-bundled", action="store_true", help="leave out the bundled plan")
    parser.add_argument("--skip-reads", action="store_true", help="leave out the generated ledgers' read cases")
    parser.add_argument("--skip-outputs", action="store_true", help="leave out export, sheets and report")
    parser.add_argument("--src", help="measure this checkout's src/ instead of the installed one")
    parser.add_argument("--history-commits", type=int, default=200, help="commits for `history` (0: leave it out)")
    parser.add_argument("--history-items", type=int, default=10_000, help="items in the `history` ledger")
    parser.add_argument("--history-runs", type=int, default=3, help="timed runs of each `history` case")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    with tempfile.TemporaryDirectory(prefix="parktrack-bench-") as temp:
        bench = Bench(args, Path(temp))
        if not args.skip_bundled:
            bundled_plan(bench)
        ledgers = {size: make_ledger(bench, size) for size in sizes}
        if 10_000 in ledgers and not args.skip_reads:
            ten_thousand(bench, ledgers[10_000], 10_000)
        if not args.skip_reads:
            validate(bench, ledgers)
        if 10_000 in ledgers and not args.skip_outputs:
            outputs(bench, 10_000, ledgers[10_000])
        if not args.skip_writes:
            for size, data in ledgers.items():
                writes(bench, size, data, args.write_runs)
        if args.history_commits:
            history_trail(bench, args.history_items, args.history_commits, args.history_runs)
        bench.report()


if __name__ == "__main__":
    main()
