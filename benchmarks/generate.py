"""Generate a valid parktrack ledger of any size, for benchmarks.

    python benchmarks/generate.py OUT_DIR --items 10000 [--seed 1] [--taskwarrior tasks.json] [--commits 200]

The ledger starts with the bundled plan's 83 items and indicators (so every reference in them stays
valid), then adds key tasks T53... and measure items until it holds `--items` items. New items take
their wording from the plan's own sentences, their units and officials from data/units.yaml and the
plan, deadlines across the year as the plan writes them (2024年N月底以前, 並長期堅持, 持續推進, a
condition), and about a third carry a dated history. One extra indicator per 50 items follows the
plan's own indicators, pointing at the new items. `--taskwarrior` also writes the same items as
Taskwarrior import JSON (description, due, project, status), for the side-by-side benchmark.
`--commits N` makes OUT_DIR's parent a git repository holding the ledger and N commits after it, as
parktrack's writes make them (see `history_commits`), for the `history` benchmark.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import re
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
YEAR = 2024
HISTORY_END = date(YEAR, 10, 31)  # generated history stops here, so benchmark writes can follow it

_NOTES = (
    "已召開專題會議研究部署",
    "已與縣稅務局對接",
    "已制定工作方案并印發",
    "項目前期工作推進中",
    "已完成第一階段任務",
    "資金已落實到位",
    "正在征求有關部門意見",
    "已上報州級主管部門",
)


def _load(name: str) -> Any:
    return yaml.load((DATA / name).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _sentences(tasks: list[dict[str, Any]]) -> list[str]:
    """The plan's own clauses, to recombine into realistic item texts."""
    parts: list[str] = []
    for task in tasks:
        parts += [part for part in re.split(r"[;。]", task["text"]) if len(part) >= 8]
    return parts


def _month_end(month: int) -> date:
    return date(YEAR, month, calendar.monthrange(YEAR, month)[1])


def _deadline(rng: random.Random) -> tuple[str | None, date | None, bool]:
    """(完成時限 as written, the date it means, long-term)."""
    roll = rng.random()
    if roll < 0.01:
        return "在中央有關政策明確后持續推進", None, True
    month = rng.randint(1, 12)
    written = f"{YEAR}年{month}月底以前"
    if roll < 0.2:
        return written + ",并長期堅持", _month_end(month), True
    if roll < 0.25:
        return written + "持續推進", _month_end(month), True
    return written, _month_end(month), False


def _history(rng: random.Random, long_term: bool) -> list[dict[str, Any]]:
    if rng.random() > 0.35:
        return []
    statuses = ["in_progress", "done", "blocked", "in_progress"]
    if long_term:
        statuses.append("ongoing")
    day = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 200))
    entries: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 3)):
        entry: dict[str, Any] = {"date": day, "status": rng.choice(statuses)}
        if rng.random() < 0.5:
            entry["note"] = rng.choice(_NOTES)
        entries.append(entry)
        day = min(HISTORY_END, day + timedelta(days=rng.randint(1, 60)))
    return entries


def _item(rng: random.Random, number: int, pools: dict[str, Any]) -> dict[str, Any]:
    measure = rng.random() < 0.2
    units = rng.sample(pools["units"], 4)
    text = ",".join(rng.sample(pools["sentences"], rng.randint(1, 3))) + "。"
    history = _history(rng, long_term=False)
    item: dict[str, Any] = {
        "id": f"M{number:02d}.1" if measure else f"T{number:02d}",
        "kind": "measure" if measure else "key_task",
        "section": rng.randint(1, 5 if measure else 8),
    }
    if measure:
        item["measure"] = rng.choice(pools["measures"])
    item["text"] = text
    if not measure:
        item["leaders"] = rng.sample(pools["leaders"], rng.randint(1, 2))
    item["lead_units"] = units[:1]
    item["support_units"] = units[1 : rng.randint(1, 4)]
    item["groups"] = [rng.choice(pools["groups"])] if rng.random() < 0.1 else []
    if measure:
        item["deadline"] = date(YEAR, 12, 31)
        item["deadline_implied"] = True
        item["long_term"] = False
    else:
        written, meant, long_term = _deadline(rng)
        item["deadline_text"] = written
        item["deadline"] = meant
        item["long_term"] = long_term
        history = _history(rng, long_term)
    item["status"] = next((e["status"] for e in reversed(history) if "status" in e), "not_started")
    item["history"] = history
    return item


def _indicators(
    rng: random.Random, bundled: list[dict[str, Any]], new_ids: list[str], count: int
) -> list[dict[str, Any]]:
    """Copies of the plan's indicators under new ids, tied to new items; milestones and margins left out."""
    models = [i for i in bundled if i["kind"] in ("level", "count", "growth", "share") and not i.get("alternative")]
    made = []
    for n in range(count):
        copy = {**rng.choice(models), "id": f"generated-{n + 1}", "actuals": []}
        copy["items"] = rng.sample(new_ids, min(2, len(new_ids)))
        made.append(copy)
    return made


class _PlainDumper(yaml.CSafeDumper):
    """No anchors or aliases for values shared in memory: a ledger file may not hold them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def generate(out: Path, items: int, seed: int = 1) -> list[dict[str, Any]]:
    """Write tasks.yaml, units.yaml and indicators.yaml for `items` items into `out`; return the items."""
    rng = random.Random(seed)
    tasks_doc, units_doc, indicators_doc = _load("tasks.yaml"), _load("units.yaml"), _load("indicators.yaml")
    bundled = tasks_doc["tasks"]
    every_unit = units_doc["units"]
    pools = {
        "sentences": _sentences(bundled),
        "units": [rng.choice([u["name"], *u["aliases"]]) for u in every_unit if u["kind"] == "unit"],
        "groups": [u["name"] for u in every_unit if u["kind"] == "group"],
        "leaders": sorted({leader for task in bundled for leader in task.get("leaders", [])}),
        "measures": sorted({task["measure"] for task in bundled if task.get("measure")}),
    }
    made = [_item(rng, len(bundled) + 1 + n, pools) for n in range(max(0, items - len(bundled)))]
    tasks_doc["tasks"] = bundled + made
    extra = _indicators(rng, indicators_doc["indicators"], [t["id"] for t in made], len(made) // 50)
    indicators_doc["indicators"] += extra
    out.mkdir(parents=True, exist_ok=True)
    header = "# A generated ledger for parktrack's benchmarks (benchmarks/generate.py); not the real plan.\n"
    for name, document in (("tasks.yaml", tasks_doc), ("units.yaml", units_doc), ("indicators.yaml", indicators_doc)):
        text = yaml.dump(
            document, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=None
        )
        (out / name).write_text(header + text, encoding="utf-8")
    return list(tasks_doc["tasks"])


def taskwarrior_json(tasks: list[dict[str, Any]]) -> str:
    """The same items as Taskwarrior import lines: one JSON object per task."""
    lines = []
    for task in tasks:
        record: dict[str, Any] = {
            "description": f"{task['id']} {task['text'][:60]}",
            "project": task["lead_units"][0],
            "entry": "20240725T000000Z",
            "status": "completed" if task["status"] in ("done", "ongoing") else "pending",
        }
        if task["deadline"] is not None:
            record["due"] = task["deadline"].strftime("%Y%m%dT000000Z")
        if record["status"] == "completed":
            record["end"] = "20241031T000000Z"
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


# --- history: commits as parktrack's writes make them ----------------------------------

_LIAISONS = (("財政 李", "li@example.org"), ("工信 王", "wang@example.org"), ("園區 張", "zhang@example.org"))
_STATUSES = ("in_progress", "done", "blocked")


class _Chunks:
    """A generated ledger file as its text before the entries and one text per entry (`- id: ...` to the next)."""

    def __init__(self, text: str, collection: str) -> None:
        at = text.index(f"\n{collection}:\n") + len(collection) + 3
        starts = [m.start() for m in re.finditer(r"^- ", text[at:], re.MULTILINE)]
        self.collection, self.head = collection, text[: at + starts[0]]
        ends = [*starts[1:], len(text) - at]
        self.entries = [text[at + start : at + end] for start, end in zip(starts, ends, strict=True)]
        self.position = {self._id(entry): n for n, entry in enumerate(self.entries)}

    @staticmethod
    def _id(entry: str) -> str:
        return entry[len("- id: ") : entry.index("\n")]

    def text(self) -> str:
        return self.head + "".join(self.entries)

    def splice(self, edit: Any) -> None:
        """Apply parktrack's own edit (writing.Edit) to its entry's text alone."""
        from parktrack import store

        n = self.position[edit.entry_id]
        small = f"{self.collection}:\n{self.entries[n]}"
        doc = store.read_yaml(Path(f"{self.collection}.yaml"), small, marks=True)
        node = store.entry_node(doc, self.collection, edit.entry_id)
        self.entries[n] = store.apply_splices(small, edit.splices(doc.text, node))[len(self.collection) + 2 :]

    def model(self, entry_id: str, kind: type[Any]) -> Any:
        from parktrack import store

        data = store.load_plain(f"{self.collection}:\n{self.entries[self.position[entry_id]]}")
        return kind.model_validate(data[self.collection][0])


def history_commits(root: Path, data: Path, count: int, seed: int = 1) -> None:
    """Add `count` commits to the git repository `root`: status changes, notes and figures on generated items.

    Each is what `parktrack update`, `note` or `record` would commit: the entry's text changed by
    parktrack's own edits (updates.change_edit and figure_edit, applied to that entry's text alone, so
    a 10,000-item file is never parsed), the message from its own commit_message / figure_message /
    commit_text, so the trailers are parktrack's. Written through one `git fast-import`, in seconds,
    then stored as loose objects (see `as_loose_objects`).
    """
    from parktrack import gitrepo, updates
    from parktrack.indicators import parse_value
    from parktrack.models import Indicator, Task

    rng = random.Random(seed)
    tasks = _Chunks((data / "tasks.yaml").read_text(encoding="utf-8"), "tasks")
    indicators = _Chunks((data / "indicators.yaml").read_text(encoding="utf-8"), "indicators")
    task_ids = list(tasks.position)[len(_load("tasks.yaml")["tasks"]) :]  # the generated items
    figure_ids = [i for i in indicators.position if i.startswith("generated-")]
    relative = data.resolve().relative_to(root.resolve())

    def commits() -> Iterator[tuple[str, dict[str, str], int]]:
        for n in range(count):
            day = date(YEAR, 11, 1) + timedelta(days=n // 5)
            roll = rng.random()
            if roll < 0.15 and figure_ids:
                indicator = indicators.model(figure_ids[n % len(figure_ids)], Indicator)
                taken = {actual.period for actual in indicator.actuals}  # earlier calls' figures too
                period = next(f"{YEAR}-{m:02d}" for m in range(1, 13) if f"{YEAR}-{m:02d}" not in taken)
                value = parse_value(indicator, str(rng.randint(1, 40)))
                on = max([day, *(actual.recorded for actual in indicator.actuals)])
                figure = updates.Figure(indicator.id, period, value, None, on, None, None)
                indicators.splice(updates.figure_edit(figure, correct=False))
                message = gitrepo.commit_text(*updates.figure_message(indicator, figure))
                yield message, {"indicators.yaml": indicators.text()}, n
                continue
            chosen = rng.sample(task_ids, 3 if roll > 0.95 else 1)
            note = rng.choice(_NOTES) if roll < 0.55 else None
            models = [tasks.model(task_id, Task) for task_id in chosen]
            if roll < 0.35:
                changes = [updates.plan_change(task, None, day, note) for task in models]
            else:
                status = rng.choice([s for s in _STATUSES if s != models[0].status])
                models = [task for task in models if task.status != status]
                changes = [updates.plan_change(task, status, day, note) for task in models]
            for change in changes:
                tasks.splice(updates.change_edit(change))
            yield gitrepo.commit_text(*updates.commit_message(changes)), {"tasks.yaml": tasks.text()}, n

    start = datetime(YEAR, 11, 1, 9, tzinfo=timezone(timedelta(hours=8)))
    packs_before = _packs(root)
    stream = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE)
    assert stream.stdin is not None
    for message, files, n in commits():
        name, email = _LIAISONS[n % len(_LIAISONS)]
        when = f"{int((start + timedelta(hours=3 * n)).timestamp())} +0800"
        raw = message.encode()
        parts = [
            b"commit refs/heads/main\n",
            f"author {name} <{email}> {when}\ncommitter {name} <{email}> {when}\n".encode(),
            f"data {len(raw)}\n".encode() + raw + b"\n",
            b"from refs/heads/main^0\n" if n == 0 else b"",
        ]
        for file_name, text in files.items():
            content = text.encode()
            parts.append(f"M 100644 inline {relative / file_name}\ndata {len(content)}\n".encode() + content + b"\n")
        stream.stdin.write(b"".join(parts))
    stream.stdin.close()
    if stream.wait():
        raise RuntimeError("git fast-import failed")
    as_loose_objects(root, packs_before)
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=root, check=True)


def _packs(root: Path) -> set[Path]:
    return set((root / ".git" / "objects" / "pack").glob("*.pack"))


def as_loose_objects(root: Path, keep: set[Path] | frozenset[Path] = frozenset()) -> None:
    """Turn the packs other than `keep` (those there before fast-import ran) into loose objects, as
    the commits parktrack makes leave them.

    fast-import stores each version of a file as a delta on the one before, so the newest lies deepest
    in a chain and git rebuilds it from dozens of deltas (0.3 s for a 6 MB ledger), which neither a
    commit (a loose object, read in ~15 ms) nor git's own packing (the newest kept whole) ever does.
    """
    for pack in _packs(root) - set(keep):
        content = pack.read_bytes()
        for part in pack.parent.glob(pack.stem + ".*"):
            part.unlink()
        subprocess.run(["git", "unpack-objects", "-q"], cwd=root, input=content, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the ledger files into")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--taskwarrior", type=Path, help="also write the items as Taskwarrior import JSON")
    parser.add_argument("--commits", type=int, default=0, help="a git repository around OUT with this many commits")
    args = parser.parse_args()
    tasks = generate(args.out, args.items, args.seed)
    if args.taskwarrior:
        args.taskwarrior.write_text(taskwarrior_json(tasks), encoding="utf-8")
    if args.commits:
        root = args.out.resolve().parent
        for command in (
            ["init", "-q", "-b", "main"],
            ["add", str(args.out.resolve())],
            ["commit", "-q", "-m", "ledger"],
        ):
            subprocess.run(["git", *command], cwd=root, check=True)
        history_commits(root, args.out, args.commits, args.seed)
    print(f"{args.out}: {len(tasks)} items" + (f", {args.commits} commits after it" if args.commits else ""))


if __name__ == "__main__":
    main()
