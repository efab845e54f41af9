"""Starting a ledger: the three data files (empty, or built from a 台賬 table), validated, in git, one commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from parktrack import store
from parktrack.deadlines import county_today
from parktrack.errors import CommitRefusedError, GitError, UsageError, WriteError, os_reason
from parktrack.i18n import _
from parktrack.models import require_printable
from parktrack.store import DataDir, scalar_text
from parktrack.tableparse import TableItem, TableLedger, TableSection

DATA_FOLDER = "data"
# The same lines as the bundled data/.gitignore: the write lock and a killed write's temporary file stay out of git.
DATA_GITIGNORE = """\
# parktrack's write lock (see README, "Recording progress"): local to each working copy, never committed
.parktrack.lock
# a write killed before its rename leaves its temporary file behind; the ledger itself stays whole
.*.yaml.*.tmp
"""
SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/{name}.schema.json\n"

TASKS_HEAD = """\
# The ledger (台賬) of a plan: the plan itself, its sections, and its items.
# plan:     title: the plan's name; ledger: the ledger table's own name (optional);
#           issued: the day the plan was issued (YYYY-MM-DD, or null); year: the plan's year.
# sections: kind (key_task, measure, or assigned for items decided at meetings), number (1, 2, ...),
#           title, and goal (the section's 工作目標, or null).
# tasks:    one entry per item:
#   id: T01... key tasks, M01... measures, J01... items decided at a meeting (parktrack add)
#   kind, section: which section it belongs to
#   text: 具體工作舉措; leaders: 牽頭領導; lead_units: 牽頭單位; support_units: 配合單位;
#   groups: open-ended sets such as 縣級有關部門 (see units.yaml); names as the document writes them
#   deadline_text: 完成時限 as written; deadline: the day it means (YYYY-MM-DD), null for a condition;
#   deadline_implied: true when nothing is written and the year end applies;
#   long_term: true for 並長期堅持 / 持續推進; status and history: changed by `parktrack update`;
#   source: for assigned items, the meeting and date that decided them.
"""

UNITS_HEAD = """\
# Every body the ledger names.
# id: a stable key (lower-case letters, digits, hyphens); name: the form the documents use most;
# aliases: the other forms they use; kind: unit (one accountable body) or group (an open-ended set
# such as 縣級有關部門, which a task may name without it being one accountable unit).
"""

INDICATORS_HEAD = """\
# The plan's quantitative targets (指標). Each: id, name, unit (億元, %, 個 ...), kind (level, growth,
# share, count, periodic_count, rank_change, margin, milestone), comparison (at_least, at_most,
# about), target, stretch (力爭, optional), period (year, quarter, half), cumulative, units
# responsible, items (task ids), source (where the plan sets it), and actuals (`parktrack record`).
"""


@dataclass(frozen=True)
class Created:
    folder: Path
    files: list[Path]
    initialised_git: bool
    commit: str | None
    repo: Path  # the repository committed in: FOLDER, or one enclosing it


# --- the files' text ------------------------------------------------------------------


def _flow(values: Sequence[str]) -> str:
    return "[" + ", ".join(scalar_text(value) for value in values) + "]"


def tasks_text(
    title: str, year: int, ledger_name: str | None, sections: list[TableSection], items: list[TableItem]
) -> str:
    lines = [SCHEMA_LINE.format(name="tasks") + TASKS_HEAD.rstrip("\n"), "plan:", f"  title: {scalar_text(title)}"]
    if ledger_name:
        lines.append(f"  ledger: {scalar_text(ledger_name)}")
    lines += ["  issued: null", f"  year: {year}"]
    lines.append("sections:" if sections else "sections: []")
    for section in sections:
        lines += [
            "  - kind: key_task",
            f"    number: {section.number}",
            f"    title: {scalar_text(section.title)}",
            f"    goal: {scalar_text(section.goal) if section.goal else 'null'}",
        ]
    lines.append("tasks:" if items else "tasks: []")
    for item in items:
        lines += task_lines(item)
    return "\n".join(lines) + "\n"


def task_lines(item: TableItem, indent: str = "  ") -> list[str]:
    lines = [
        f"- id: {item.id}",
        "  kind: key_task",
        f"  section: {item.section}",
        f"  text: {scalar_text(item.text)}",
        f"  leaders: {_flow(item.leaders)}",
        f"  lead_units: {_flow(item.lead_units)}",
        f"  support_units: {_flow(item.support_units)}",
        f"  groups: {_flow(item.groups)}",
    ]
    if item.deadline_text is not None:
        lines.append(f"  deadline_text: {scalar_text(item.deadline_text)}")
    lines.append(f"  deadline: {item.deadline.isoformat() if item.deadline else 'null'}")
    if item.deadline_implied:
        lines.append("  deadline_implied: true")
    lines += [f"  long_term: {str(item.long_term).lower()}", "  status: not_started", "  history: []"]
    return [indent + line for line in lines]


def units_text(units: list[str], groups: list[str]) -> str:
    lines = [SCHEMA_LINE.format(name="units") + UNITS_HEAD.rstrip("\n")]
    lines.append("units:" if units or groups else "units: []")
    width = len(str(max(len(units), len(groups), 1)))
    for prefix, kind, names in (("u", "unit", units), ("g", "group", groups)):
        for number, name in enumerate(names, start=1):
            lines += [
                f"  - id: {prefix}{number:0{max(width, 2)}d}",
                f"    name: {scalar_text(name)}",
                "    aliases: []",
                f"    kind: {kind}",
            ]
    return "\n".join(lines) + "\n"


def indicators_text() -> str:
    return SCHEMA_LINE.format(name="indicators") + INDICATORS_HEAD + "indicators: []\n"


# --- creating the ledger -------------------------------------------------------------


def empty_ledger(folder: Path, title: str, year: int) -> Created:
    """A ledger with no items yet: the three files, commented, validated, committed."""
    require_printable("--title", title)
    files = {
        store.TASKS_FILE: tasks_text(title, year, None, [], []),
        store.UNITS_FILE: units_text([], []),
        store.INDICATORS_FILE: indicators_text(),
    }
    return create(folder, files, _("Start the ledger of {title}").format(title=title))


def ledger_from_table(folder: Path, table: TableLedger, title: str | None, year: int | None) -> Created:
    """The ledger a table holds (already parsed, errors handled by the caller)."""
    require_printable("--title", title)
    plan_title = title or table.plan_title or table.title or Path(table.source.split("!")[0]).stem
    plan_year = year or table.year
    if plan_year is None:
        raise UsageError(_("no year found in the table's title or 完成時限; pass --year"))
    files = {
        store.TASKS_FILE: tasks_text(plan_title, plan_year, table.title, table.sections, table.items),
        store.UNITS_FILE: units_text(table.units, table.groups),
        store.INDICATORS_FILE: indicators_text(),
    }
    subject = _("Start the ledger of {title} from {source}").format(title=plan_title, source=table.source)
    return create(folder, files, subject)


def create(folder: Path, files: dict[str, str], subject: str) -> Created:
    """Validate the files, write them under FOLDER/data, make FOLDER a git repository if needed, commit."""
    from parktrack import gitrepo, ledger
    from parktrack.schema import write_schemas

    data = folder / DATA_FOLDER
    existing = [name for name in files if (data / name).exists()]
    if existing:
        raise UsageError(
            _("{folder} already holds a ledger ({files}); choose a new folder").format(
                folder=data, files=", ".join(existing)
            )
        )
    ledger.load(DataDir(data), replacing=files)  # refuse to write what would not validate
    existing_folder = next(parent for parent in (folder.absolute(), *folder.absolute().parents) if parent.is_dir())
    repo = gitrepo.repo_to_write_in(existing_folder)  # git's index locked, a merge under way ...: nothing written
    if repo is not None and gitrepo.ignored(repo, data / store.TASKS_FILE):
        message = _(
            "{folder} is in a folder the .gitignore of {repo} ignores, so its ledger could not be committed; "
            "nothing was written. Choose another folder, or stop ignoring this one"
        )
        raise WriteError(message.format(folder=folder, repo=repo))
    try:
        data.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in {**files, ".gitignore": DATA_GITIGNORE}.items():
            store.atomic_write(data / name, text)
            written.append(data / name)
        written += write_schemas(folder / "schemas")
    except OSError as exc:
        message = _("{folder}: cannot write the ledger: {reason}")
        raise WriteError(message.format(folder=folder, reason=os_reason(exc))) from None
    initialised = repo is None
    if repo is None:
        gitrepo.init(folder)
        repo = folder
    trailers = [("Parktrack-Init", county_today().isoformat())]
    gitrepo.track(repo, written)
    try:
        sha = gitrepo.commit(repo, written, subject, "", trailers)
    except CommitRefusedError as failed:  # a new folder: nothing to put back; its files wait to be committed
        raise GitError(_("the ledger was written but not committed: {reason}").format(reason=failed.reason)) from None
    return Created(folder, written, initialised, sha, repo)
