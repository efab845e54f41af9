"""The parktrack command line: parses options, calls the domain modules, prints their results."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from parktrack.errors import EXIT_OVERDUE, ParktrackError, UsageError

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
    add_completion=False,
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
def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, markup=False, emoji=False)


def _width() -> int:
    return _console().width


def _emit(renderable: RenderableType | str) -> None:
    if isinstance(renderable, str):
        sys.stdout.write(renderable)
    else:
        _console().print(renderable)


def _load(data: Path | None, indicators: bool = False) -> Ledger:
    from parktrack import ledger, store

    return ledger.load(store.find_data_dir(data), indicators=indicators)


def _day(text: str) -> date:
    from parktrack.deadlines import parse_day

    return parse_day(text)


def _filters(
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


def _records(ledger: Ledger, rows: list[Row]) -> list[dict[str, Any]]:
    from parktrack.render import task_record

    return [task_record(ledger, row) for row in rows]


def _title(what: str, count: int, day: date) -> str:
    return f"{what}: {count} item{'s' * (count != 1)} as of {day.isoformat()}"


# --- commands -----------------------------------------------------------------------


@app.command()
def validate(data: DataOpt = None) -> None:
    """Check the ledger files: shapes, dates, ids, unit references. Exit 1 listing every problem."""
    from parktrack import ledger, store

    folder = store.find_data_dir(data)
    loaded = ledger.load(folder)
    units = sum(1 for unit in loaded.units if not unit.is_group)
    groups = len(loaded.units) - units
    counts = f"{len(loaded.tasks)} tasks, {len(loaded.indicators)} indicators, {units} units, {groups} groups"
    print(f"{folder.path}: ok, {counts}")


@app.command("list")
def list_items(
    data: DataOpt = None,
    unit: UnitOpt = None,
    role: RoleOpt = None,
    leader: LeaderOpt = None,
    section: Annotated[
        int | None,
        typer.Option(help="Key-task section 1-8 or measure campaign 1-5 (narrow with --kind).", show_default=False),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="not_started, in_progress, done, blocked or ongoing (or 未啟動, 推進中 ...).", show_default=False
        ),
    ] = None,
    kind: Annotated[
        Kind | None, typer.Option(help="key: the ledger's key tasks; measure: the plan's measure items.")
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="Text that the item's wording contains.", show_default=False)
    ] = None,
    light: Annotated[Light | None, typer.Option(help="Only items with this light on the as-of day.")] = None,
    as_of: AsOfOpt = "today",
    warn_days: WarnOpt = 15,
    fmt: FormatOpt = Format.table,
) -> None:
    """List the plan's items, filtered; shows each item's status and light on the as-of day."""
    from parktrack import query

    ledger = _load(data)
    day = _day(as_of)
    filters = _filters(
        ledger,
        unit=unit,
        role=role,
        leader=leader,
        section=section,
        status=status,
        kind=kind,
        search=search,
        light=light,
    )
    rows = query.select(ledger, day, filters, warn_days)
    _print_rows(ledger, rows, fmt, _title("Items", len(rows), day))


@app.command()
def show(
    task_id: Annotated[str, typer.Argument(metavar="ID", help="A task id such as T07 or M03.1.")],
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    warn_days: WarnOpt = 15,
    fmt: FormatOpt = Format.table,
) -> None:
    """Show everything about one item: full text, units, deadline, status and history."""
    from parktrack.deadlines import assess
    from parktrack.query import Row

    ledger = _load(data)
    task = ledger.task(task_id)
    row = Row(task, assess(task, _day(as_of), warn_days))
    if fmt is Format.table:
        from parktrack import tables

        _emit(tables.task_detail(ledger, row))
        return
    from parktrack import render

    record = render.task_record(ledger, row)
    record["history"] = [entry.model_dump(mode="json", exclude_none=True) for entry in task.history]
    _emit(render.to_json(record) + "\n" if fmt is Format.json else render.to_csv([record]))


@app.command()
def overdue(
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    unit: UnitOpt = None,
    role: RoleOpt = None,
    leader: LeaderOpt = None,
    by_unit: Annotated[bool, typer.Option("--by-unit", help="Group the items under each lead unit.")] = False,
    fail_if_any: Annotated[bool, typer.Option("--fail-if-any", help="Exit 3 when anything is overdue.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """List the items overdue on the as-of day, most days overdue first."""
    from parktrack import query

    ledger = _load(data)
    day = _day(as_of)
    rows = query.overdue(ledger, day, _filters(ledger, unit=unit, role=role, leader=leader))
    title = _title("Overdue", len(rows), day)

    def table(tables: ModuleType) -> RenderableType:
        if not by_unit:
            return tables.overdue_table(ledger, rows, title, _width())  # type: ignore[no-any-return]
        groups = query.by_lead_unit(ledger, rows).items()
        parts = [tables.overdue_table(ledger, group, f"{name}: {len(group)}", _width()) for name, group in groups]
        return tables.grouped(parts) if parts else f"{title}\n"

    _output(fmt, lambda: _records(ledger, rows), table)
    if fail_if_any and rows:
        raise typer.Exit(EXIT_OVERDUE)


@app.command()
def due(
    within: Annotated[int, typer.Option("--within", min=0, help="Window length in days, from the as-of day.")] = 30,
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    unit: UnitOpt = None,
    role: RoleOpt = None,
    leader: LeaderOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List the open items falling due within a window after the as-of day, soonest first."""
    from parktrack import query

    ledger = _load(data)
    day = _day(as_of)
    rows = query.due_within(ledger, day, within, _filters(ledger, unit=unit, role=role, leader=leader))
    title = _title(f"Due within {within} days", len(rows), day)
    _output(fmt, lambda: _records(ledger, rows), lambda tables: tables.due_table(ledger, rows, title, _width()))


@app.command()
def units(
    name: Annotated[
        str | None, typer.Argument(help="One unit: list its items, the ones it leads first.", show_default=False)
    ] = None,
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    warn_days: WarnOpt = 15,
    sort: Annotated[
        Sort, typer.Option(help="Row order: as in units.yaml, most overdue, most items, or by name.")
    ] = Sort.ledger,
    fmt: FormatOpt = Format.table,
) -> None:
    """Per-unit accountability: what each unit leads and supports, and how it stands."""
    from parktrack import query, render

    ledger = _load(data)
    day = _day(as_of)
    if name is not None:
        unit = ledger.find_unit(name)
        rows = query.select(ledger, day, _filters(ledger, unit=unit.id), warn_days)
        rows.sort(key=lambda row: "lead" not in row.roles)
        _print_rows(ledger, rows, fmt, f"{unit.name}: {len(rows)} items as of {day.isoformat()}")
        return
    summaries = query.unit_summaries(ledger, day, warn_days, sort.value)
    bodies = [s for s in summaries if not s.unit.is_group]
    groups = [s for s in summaries if s.unit.is_group]

    def table(tables: ModuleType) -> RenderableType:
        return tables.grouped(  # type: ignore[no-any-return]
            [
                tables.units_table(bodies, f"Units as of {day.isoformat()}; 臨期 = due within {warn_days} days"),
                tables.units_table(groups, "Groups (open-ended; not one accountable unit)"),
            ]
        )

    _output(fmt, lambda: [render.unit_record(s) for s in summaries], table)


@app.command()
def leaders(
    name: Annotated[
        str | None, typer.Argument(help="One lead official: list the items they lead.", show_default=False)
    ] = None,
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    warn_days: WarnOpt = 15,
    sort: Annotated[
        Sort, typer.Option(help="Row order: as in the ledger, most overdue, most items, or by name.")
    ] = Sort.ledger,
    fmt: FormatOpt = Format.table,
) -> None:
    """Per-official accountability: the items each lead official (牽頭領導) answers for."""
    from parktrack import query, render

    ledger = _load(data)
    day = _day(as_of)
    if name is not None:
        leader = ledger.find_leader(name)
        rows = query.select(ledger, day, _filters(ledger, leader=leader), warn_days)
        _print_rows(ledger, rows, fmt, f"{leader}: {len(rows)} items as of {day.isoformat()}")
        return
    summaries = query.leader_summaries(ledger, day, warn_days, sort.value)
    title = f"Lead officials as of {day.isoformat()}"
    _output(fmt, lambda: [render.leader_record(s) for s in summaries], lambda t: t.leaders_table(summaries, title))


def _print_rows(ledger: Ledger, rows: list[Row], fmt: Format, title: str) -> None:
    _output(fmt, lambda: _records(ledger, rows), lambda tables: tables.list_table(ledger, rows, title, _width()))


def _output(fmt: Format, records: Callable[[], list[Record]], table: Callable[[ModuleType], RenderableType]) -> None:
    """Print a table (importing Rich only then) or the records as JSON or CSV."""
    if fmt is Format.table:
        from parktrack import tables

        _emit(table(tables))
        return
    from parktrack import render

    _emit(render.as_data(records(), fmt.value))


NoCommitOpt = Annotated[bool, typer.Option("--no-commit", help="Write the ledger but make no git commit.")]
DateOpt = Annotated[str, typer.Option("--date", help="The day the change took effect (same forms as --as-of).")]


@app.command()
def update(
    task_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="One or more task ids; all change together.")],
    status: Annotated[
        str,
        typer.Option(
            "--status",
            "-s",
            help="not_started 未啟動, in_progress 推進中, done 已完成, blocked 受阻, or ongoing 常態化推進 "
            "(long-term items, once their first milestone is met).",
        ),
    ],
    when: DateOpt = "today",
    note: Annotated[
        str | None,
        typer.Option("--note", "-n", help="A progress note (進展情況) to keep with the change.", show_default=False),
    ] = None,
    data: DataOpt = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Change the status of items, dated, with an optional note; one git commit."""
    from parktrack.vocab import STATUSES, status_from_input

    wanted = status_from_input(status)
    if wanted is None:
        from parktrack.names import did_you_mean

        raise UsageError(f"unknown status '{status}'{did_you_mean(status, STATUSES)}; use one of {', '.join(STATUSES)}")
    _record(task_ids, wanted, when, note, data, no_commit)


@app.command()
def note(
    task_id: Annotated[str, typer.Argument(metavar="ID", help="The task id.")],
    text: Annotated[str, typer.Argument(help="The progress note (進展情況).")],
    when: DateOpt = "today",
    data: DataOpt = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Add a dated progress note to an item without changing its status; one git commit."""
    _record([task_id], None, when, text, data, no_commit)


def _record(
    task_ids: list[str], status: str | None, when: str, text: str | None, data: Path | None, no_commit: bool
) -> None:
    from parktrack import store, updates

    outcome = updates.record(store.find_data_dir(data), task_ids, status, _day(when), text, commit=not no_commit)
    for change in outcome.changes:
        what = f"{change.old_status} -> {change.new_status}" if change.new_status else "note added"
        print(f"{change.task_id}: {what} ({change.day.isoformat()})")
    _report_commit(outcome.commit, outcome.repo, no_commit)


def _report_commit(sha: str | None, repo: str | None, no_commit: bool) -> None:
    if sha:
        print(f"committed {sha[:10]} in {repo}")
    elif not no_commit:
        print("not in a git repository: written, not committed")


@app.command()
def history(
    task_id: Annotated[str | None, typer.Argument(metavar="[ID]", help="Only this item.", show_default=False)] = None,
    since: Annotated[str | None, typer.Option(help="Only commits on or after this day.", show_default=False)] = None,
    unit: UnitOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The audit trail from git: who changed which item, when, from what to what (hand edits too)."""
    from parktrack import history as trail
    from parktrack import query, render, store

    ledger = _load(data)
    wanted = {ledger.task(task_id).id} if task_id else None
    if unit:
        found = ledger.find_unit(unit)
        involved = {task.id for task in ledger.tasks if query.roles_of(ledger, task, found)}
        wanted = involved if wanted is None else wanted & involved
    rows = trail.audit_trail(ledger.data.path, store.TASKS_FILE, _day(since) if since else None)
    rows = [row for row in rows if wanted is None or row.task_id in wanted]
    title = f"History: {len(rows)} change{'s' * (len(rows) != 1)}"
    _output(fmt, lambda: [render.audit_record(row) for row in rows], lambda tables: tables.audit_table(rows, title))


@app.command()
def indicators(
    indicator_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="One indicator: its whole series, charted.", show_default=False)
    ] = None,
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    unit: UnitOpt = None,
    light: Annotated[Light | None, typer.Option(help="Only indicators with this light (red, yellow, green).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The plan's targets against the recorded figures: attainment, 序時進度 and a light each."""
    from parktrack import indicators as measures
    from parktrack import render

    ledger = _load(data, indicators=True)
    day = _day(as_of)
    chosen = [ledger.indicator(indicator_id)] if indicator_id else ledger.indicators
    if unit:
        found = ledger.find_unit(unit)
        chosen = [i for i in chosen if any(ledger.canonical(name) == found.name for name in i.units)]
    progress = [measures.assess(indicator, day, ledger.plan.year) for indicator in chosen]
    if light:
        progress = [p for p in progress if p.light == light.value]
    title = f"Indicators as of {day.isoformat()}: {len(progress)}"

    def table(tables: ModuleType) -> RenderableType:
        if indicator_id:
            return tables.indicator_detail(progress[0])  # type: ignore[no-any-return]
        return tables.indicators_table(progress, title)  # type: ignore[no-any-return]

    _output(fmt, lambda: [render.indicator_record(p, ledger) for p in progress], table)


@app.command()
def record(
    indicator_id: Annotated[str, typer.Argument(metavar="ID", help="The indicator id, such as gross-output.")],
    value: Annotated[str, typer.Argument(help="The figure: 12.5, 12.5% for a percentage, 是/yes or 否/no.")],
    period: Annotated[str, typer.Option("--period", "-p", help="2024Q1-2024Q4, 2024H1/H2, 2024-06, or 2024.")],
    note: Annotated[str | None, typer.Option(help="A note kept with the figure.", show_default=False)] = None,
    source: Annotated[
        str | None, typer.Option(help="Where the figure comes from (統計局月報 ...).", show_default=False)
    ] = None,
    reference: Annotated[
        str | None,
        typer.Option(
            help="For a margin target: the reference figure, e.g. the county's own growth rate.", show_default=False
        ),
    ] = None,
    correct: Annotated[
        bool, typer.Option("--correct", help="Replace the figure already recorded for the period; the old one is kept.")
    ] = False,
    when: DateOpt = "today",
    data: DataOpt = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Record an actual figure for an indicator and period; one git commit."""
    from parktrack import store, updates

    outcome = updates.record_figure(
        store.find_data_dir(data),
        indicator_id,
        value,
        period,
        _day(when),
        note,
        source,
        reference,
        correct=correct,
        commit=not no_commit,
    )
    figure = outcome.figure
    print(f"{figure.indicator_id} {figure.period}: {value}" + (" (correction)" if correct else ""))
    _report_commit(outcome.commit, outcome.repo, no_commit)


# --- the one place errors become messages and exit codes ---------------------------


def _fail(error: ParktrackError) -> NoReturn:
    for line in error.lines():
        print(line, file=sys.stderr)
    raise SystemExit(error.exit_code)


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="parktrack")
    except ParktrackError as error:
        _fail(error)
    except BrokenPipeError:  # e.g. `parktrack list | head`
        sys.stderr.close()
        raise SystemExit(0) from None
