"""What every command shares: the Typer app, option types, loading, and output."""

from __future__ import annotations

import io
import os
import sys
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from parktrack.errors import UsageError, WriteError
from parktrack.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import ModuleType

    from rich.console import Console, RenderableType

    from parktrack.ledger import Ledger
    from parktrack.query import Filters, Row
    from parktrack.render import Record
    from parktrack.tables import Screen

# The panels help groups the commands in, in the order it shows them: the everyday ones first.
LOOK_UP = N_("Look up")
RECORD = N_("Record progress")
ROUND = N_("The monthly round and the meeting")
LEDGER = N_("The ledger itself")
PANELS = (LOOK_UP, RECORD, ROUND, LEDGER)

app = typer.Typer(
    name="parktrack",
    help="Track the Wuding County 2024 park-economy action plan (武定縣2024年園區經濟攻堅年行動方案) "
    "and its 52-task ledger, kept as YAML in git.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (issue 13)
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    table = "table"
    tsv = "tsv"
    json = "json"
    csv = "csv"


class Role(StrEnum):
    lead = "lead"
    support = "support"


class Kind(StrEnum):
    key = "key"
    measure = "measure"
    assigned = "assigned"


class Light(StrEnum):
    red = "red"
    yellow = "yellow"
    green = "green"
    late = "late"
    waiting = "waiting"


class Sort(StrEnum):
    ledger = "ledger"
    overdue = "overdue"
    items = "items"
    name = "name"


DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        envvar="PARKTRACK_DATA",
        help="Data folder holding tasks.yaml and units.yaml. Default: the nearest data/ "
        "at or above the current folder, else the bundled plan.",
        show_default=False,
    ),
]
FORMAT_ENV = "PARKTRACK_FORMAT"
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format: table, tsv (tab-separated), json or csv. Default: PARKTRACK_FORMAT if set, "
        "else a table on a terminal or with -o, tsv when piped (every row).",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file instead of the screen (replaced whole; CSV starts with a UTF-8 BOM for Excel).",
        show_default=False,
        dir_okay=False,
    ),
]
AsOfOpt = Annotated[
    str,
    typer.Option(
        "--as-of",
        help="The day to judge on: 2024-06-30, 2024/6/30, 2024年6月30日, 2024-06 or 2024Q2 "
        "(the period's last day), or today (今天).",
    ),
]
WarnOpt = Annotated[
    int, typer.Option("--warn-days", min=0, help="Days before a deadline that an open item turns yellow.")
]
UnitOpt = Annotated[
    str | None,
    typer.Option(
        "--unit", "-u", help="A unit by name, alias, id or unique part; simplified or traditional.", show_default=False
    ),
]
RoleOpt = Annotated[
    Role | None, typer.Option("--role", help="With --unit: only items it leads, or only items it supports.")
]
AllOpt = Annotated[
    bool,
    typer.Option(
        "--all",
        help="On a terminal, show every row: a long table shows its first 50 rows and counts the rest. "
        "Piped or written to a file, every row is always shown.",
    ),
]
LeaderOpt = Annotated[
    str | None, typer.Option("--leader", help="A lead official (牽頭領導), by name or unique part.", show_default=False)
]


# --- helpers shared by the commands ------------------------------------------------


def is_terminal() -> bool:
    """Whether stdout is a terminal, judged as Rich judges it (without importing Rich): TTY_COMPATIBLE=1
    or 0 says so outright, a non-empty FORCE_COLOR means yes, else the stream itself is asked."""
    forced = os.environ.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    try:
        return sys.stdout.isatty()
    except ValueError:  # a closed stream
        return False


def chosen_format(fmt: Format | None, out: Path | None = None) -> Format:
    """The format asked for (-f, else PARKTRACK_FORMAT), else gh's rule: a Rich table for a person at a
    terminal or in a file named with -o, TSV (every row, no Rich) for a pipe or a redirection."""
    if fmt is not None:
        return fmt
    setting = os.environ.get(FORMAT_ENV, "").strip().lower()
    if setting:
        try:
            return Format(setting)
        except ValueError:
            choices = ", ".join(member.value for member in Format)
            message = _("{source}: unknown format '{value}'; use one of {choices}")
            raise UsageError(message.format(source=FORMAT_ENV, value=setting, choices=choices)) from None
    return Format.table if out is not None or is_terminal() else Format.tsv


@cache
def console() -> Console:
    from rich.console import Console

    # Written to a pipe or file without COLUMNS, nothing is cut: lines are as long as their text.
    terminal = is_terminal()
    unlimited = not terminal and not os.environ.get("COLUMNS")
    return Console(
        highlight=False, markup=False, emoji=False, width=100_000 if unlimited else None, force_terminal=terminal
    )


TERMINAL_ROWS = 50  # rows a terminal table shows without --all


def screen(show_all: bool = False, to_file: bool = False) -> Screen:
    """The width tables fit to (None: a pipe without COLUMNS, no limit), whether it is a terminal, and
    how many rows a terminal shows (all with `show_all`; a pipe or file always gets every row)."""
    from parktrack.tables import Screen

    current = console()
    if to_file:
        return Screen(None, False)  # a file: nothing cut, whatever the terminal's width
    unlimited = not current.is_terminal and not os.environ.get("COLUMNS")
    limit = TERMINAL_ROWS if current.is_terminal and not show_all else None
    return Screen(None if unlimited else current.width, current.is_terminal, limit)


def emit(renderable: RenderableType | str, out: Path | None = None, bom: bool = False, json: bool = False) -> None:
    """Print, or with `out` write the text to that file atomically (CSV with a BOM, for Excel). `json`
    goes to a pipe or file as UTF-8 whatever the console's encoding: JSON is UTF-8 for every program that
    reads it, where Windows redirects output in the ANSI code page (GBK)."""
    if out is not None:
        text = renderable if isinstance(renderable, str) else _render_plain(renderable)
        _write_atomically(out, ("\ufeff" if bom else "") + text)
        print(_("written to {path}").format(path=out), file=sys.stderr)
        return
    if isinstance(renderable, str) and json and _not_utf8(sys.stdout) and not is_terminal():  # Rich not imported
        sys.stdout.flush()
        sys.stdout.buffer.write(renderable.encode("utf-8", "surrogateescape"))
        sys.stdout.buffer.flush()
    elif isinstance(renderable, str):
        sys.stdout.write(renderable)
    elif console().is_terminal:
        console().print(renderable)
    else:  # a pipe or file: no padding after the text on each line
        with console().capture() as captured:
            console().print(renderable)
        sys.stdout.write("".join(line.rstrip() + "\n" for line in _lines(captured.get())))


def _not_utf8(stream: TextIO) -> bool:
    return (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "") != "utf8"


def _render_plain(renderable: RenderableType) -> str:
    from rich.console import Console

    recorder = Console(record=True, width=100_000, file=io.StringIO(), highlight=False, markup=False, emoji=False)
    recorder.print(renderable)
    return "\n".join(line.rstrip() for line in _lines(recorder.export_text())) + "\n"


def _lines(text: str) -> list[str]:
    """Rich's lines: split at \\n only (splitlines also breaks at U+2028 and U+2029, which a note may hold;
    a table's row was cut in two, its second piece outside the borders)."""
    return text.removesuffix("\n").split("\n") if text else []


def _write_atomically(path: Path, text: str) -> None:
    from parktrack.files import atomic_write

    folder = path.resolve().parent
    if not folder.is_dir():
        raise UsageError(_("{path}: no such folder").format(path=folder))
    try:
        atomic_write(path, text)
    except OSError as error:  # a read-only folder, a full disk
        raise WriteError.refused(path, error) from None


def load_ledger(data: Path | None, indicators: bool = False) -> Ledger:
    """The validated ledger, through the read cache (see cache.py; --no-cache bypasses it)."""
    from parktrack import cache, datadir

    return cache.load_ledger(datadir.find_data_dir(data), indicators=indicators)


def as_day(text: str) -> date:
    from parktrack.deadlines import parse_day

    return parse_day(text)


def resolve_filters(
    ledger: Ledger,
    unit: str | None = None,
    role: Role | None = None,
    leader: str | None = None,
    section: int | None = None,
    status: str | None = None,
    kind: Kind | None = None,
    search: str | None = None,
    light: Light | None = None,
) -> Filters:
    """Resolve what the user typed (names in either script, Chinese status words) into filters."""
    from parktrack.query import Filters
    from parktrack.vocab import KINDS, parse_status

    if role and not unit:
        raise UsageError(_("--role needs --unit"))
    return Filters(
        unit=ledger.find_unit(unit) if unit else None,
        role=role.value if role else None,
        leader=ledger.find_leader(leader) if leader else None,
        section=section,
        kind=KINDS[kind.value] if kind else None,
        status=parse_status(status) if status is not None else None,
        search=search,
        light=light.value if light else None,
    )


def task_records(ledger: Ledger, rows: list[Row]) -> list[dict[str, Any]]:
    from parktrack.render import task_record

    return [task_record(ledger, row) for row in rows]


def count_title(what: str, count: int, day: date) -> str:
    """`Overdue: 12 items as of 2024-07-01`, in the interface language."""
    return ngettext("{what}: {count} item as of {day}", "{what}: {count} items as of {day}", count).format(
        what=what, count=count, day=day.isoformat()
    )


def print_rows(
    ledger: Ledger, rows: list[Row], fmt: Format | None, title: str, out: Path | None = None, show_all: bool = False
) -> None:
    output(
        fmt,
        lambda: task_records(ledger, rows),
        lambda tables, shown: tables.list_table(ledger, rows, title, shown),
        out,
        show_all,
    )


def output(
    fmt: Format | None,
    records: Callable[[], list[Record]],
    table: Callable[[ModuleType, Screen], RenderableType],
    out: Path | None = None,
    show_all: bool = False,
    single: bool = False,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Print a table (importing Rich only then) fitted to the screen, or the records as TSV, JSON or
    CSV; `out` writes a file (a table then fitted to no width and cut nowhere). Without a format asked
    for, a pipe gets TSV (see chosen_format). A `single` record (one item, one indicator) is written
    as TSV in label<TAB>value lines, as gh's `issue view` does when piped, and as one JSON object.
    `headers`: the records' own CSV headers for keys they read their own way."""
    fmt = chosen_format(fmt, out)
    if fmt is Format.table:
        from parktrack import tables

        emit(table(tables, screen(show_all, to_file=out is not None)), out)
        return
    from parktrack import render

    found = records()
    if single and fmt is Format.tsv and found:
        text = render.as_fields(found[0], headers)
    elif single and fmt is Format.json and found:  # one object, as `show -f json` writes one item
        text = render.to_json(found[0]) + "\n"
    else:
        text = render.as_data(found, fmt.value, headers)
    emit(text, out, bom=fmt in (Format.csv, Format.tsv), json=fmt is Format.json)


NoCommitOpt = Annotated[bool, typer.Option("--no-commit", help="Write the ledger but make no git commit.")]
DateOpt = Annotated[str, typer.Option("--date", help="The day the change took effect (same forms as --as-of).")]


def report_commit(sha: str | None, repo: str | None, no_commit: bool) -> None:
    if sha:
        print(_("committed {sha} in {repo}").format(sha=sha[:10], repo=repo))
    elif not no_commit:
        print(_("not in a git repository: written, not committed"))
