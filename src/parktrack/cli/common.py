"""What every command shares: the Typer app, option types, loading, and output."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parktrack.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from rich.console import Console, RenderableType

    from parktrack.ledger import Ledger
    from parktrack.query import Filters, Row
    from parktrack.render import Record

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
    json = "json"
    csv = "csv"


class Role(StrEnum):
    lead = "lead"
    support = "support"


class Kind(StrEnum):
    key = "key"
    measure = "measure"


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
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
AsOfOpt = Annotated[
    str,
    typer.Option(
        "--as-of",
        help="The day to judge on: 2024-06-30, 2024/6/30, 2024年6月30日, 2024-06 or 2024Q2 "
        "(the period's last day), or today.",
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
LeaderOpt = Annotated[
    str | None, typer.Option("--leader", help="A lead official (牽頭領導), by name or unique part.", show_default=False)
]


# --- helpers shared by the commands ------------------------------------------------


@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, markup=False, emoji=False)


def width() -> int:
    return console().width


def emit(renderable: RenderableType | str) -> None:
    if isinstance(renderable, str):
        sys.stdout.write(renderable)
    else:
        console().print(renderable)


def load_ledger(data: Path | None, indicators: bool = False) -> Ledger:
    from parktrack import ledger, store

    return ledger.load(store.find_data_dir(data), indicators=indicators)


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
    """Resolve what the user typed (names in either script, Chinese status labels) into filters."""
    from parktrack.query import Filters
    from parktrack.vocab import KINDS, status_from_input

    if role and not unit:
        raise UsageError("--role needs --unit")
    wanted_status = status_from_input(status) if status is not None else None
    if status is not None and wanted_status is None:
        raise UsageError(f"unknown status '{status}'")
    return Filters(
        unit=ledger.find_unit(unit) if unit else None,
        role=role.value if role else None,
        leader=ledger.find_leader(leader) if leader else None,
        section=section,
        kind=KINDS[kind.value] if kind else None,
        status=wanted_status,
        search=search,
        light=light.value if light else None,
    )


def task_records(ledger: Ledger, rows: list[Row]) -> list[dict[str, Any]]:
    from parktrack.render import task_record

    return [task_record(ledger, row) for row in rows]


def count_title(what: str, count: int, day: date) -> str:
    return f"{what}: {count} item{'s' * (count != 1)} as of {day.isoformat()}"


def print_rows(ledger: Ledger, rows: list[Row], fmt: Format, title: str) -> None:
    output(fmt, lambda: task_records(ledger, rows), lambda tables: tables.list_table(ledger, rows, title, width()))


def output(fmt: Format, records: Callable[[], list[Record]], table: Callable[[ModuleType], RenderableType]) -> None:
    """Print a table (importing Rich only then) or the records as JSON or CSV."""
    if fmt is Format.table:
        from parktrack import tables

        emit(table(tables))
        return
    from parktrack import render

    emit(render.as_data(records(), fmt.value))


NoCommitOpt = Annotated[bool, typer.Option("--no-commit", help="Write the ledger but make no git commit.")]
DateOpt = Annotated[str, typer.Option("--date", help="The day the change took effect (same forms as --as-of).")]


def report_commit(sha: str | None, repo: str | None, no_commit: bool) -> None:
    if sha:
        print(f"committed {sha[:10]} in {repo}")
    elif not no_commit:
        print("not in a git repository: written, not committed")
