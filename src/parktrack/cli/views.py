"""Read-only views: validate, list, show, overdue, due, units, leaders, history, indicators."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parktrack.cli.common import (
    LEDGER,
    LOOK_UP,
    AllOpt,
    AsOfOpt,
    DataOpt,
    Format,
    FormatOpt,
    Kind,
    LeaderOpt,
    Light,
    OutputOpt,
    RoleOpt,
    Sort,
    UnitOpt,
    WarnOpt,
    app,
    as_day,
    chosen_format,
    count_title,
    emit,
    load_ledger,
    output,
    print_rows,
    resolve_filters,
    task_records,
)
from parktrack.errors import EXIT_OVERDUE, DataError, Problem, ReportedDataError, UsageError
from parktrack.i18n import _, display, ngettext

if TYPE_CHECKING:
    from types import ModuleType

    from rich.console import RenderableType

    from parktrack.datadir import DataDir
    from parktrack.ledger import Ledger
    from parktrack.query import Row
    from parktrack.tables import Screen


class ProblemFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"


@app.command(rich_help_panel=LEDGER)
def validate(
    data: DataOpt = None,
    fmt: Annotated[
        ProblemFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: one line a problem; json: one object for programs; github: GitHub Actions annotations, "
            "each problem shown on its line of the pull request; gitlab: GitLab's code quality report, each "
            "problem listed in the merge request (write it with -o).",
        ),
    ] = ProblemFormat.text,
    out: OutputOpt = None,
) -> None:
    """Check the ledger files: shapes, dates, ids, unit references. Exit 1 listing every problem."""
    from parktrack import cache, datadir

    folder = datadir.find_data_dir(data)
    if folder.bundled:  # the bundled copy always validates; passing it off as yours would hide a missing ledger
        raise UsageError(_("no ledger to validate: no data/tasks.yaml at or above this folder; pass --data DIR"))
    if fmt is not ProblemFormat.text:
        _report_problems(folder, fmt, out)
        return
    emit(_ok_line(folder, _counts(cache.validate(folder))) + "\n", out)  # always the full check, never the cache


def _ok_line(folder: DataDir, counts: dict[str, int]) -> str:
    text = _("{tasks} tasks, {indicators} indicators, {units} units, {groups} groups").format(**counts)
    return _("{folder}: ok, {counts}").format(folder=folder.path, counts=text)


def _counts(loaded: Ledger) -> dict[str, int]:
    units = sum(1 for unit in loaded.units if not unit.is_group)
    return {"tasks": len(loaded.tasks), "indicators": len(loaded.indicators), "units": units,
            "groups": len(loaded.units) - units}  # fmt: skip


def _report_problems(folder: DataDir, fmt: ProblemFormat, out: Path | None) -> None:
    """The full check's outcome for a program, on stdout or in `out`; exit 1 when it fails, with the count
    on stderr (and, for GitLab, whose report goes to a file, every problem as the text format says it)."""
    from parktrack import cache, problem_report

    counts: dict[str, int] | None = None
    problems: list[Problem] = []
    try:
        counts = _counts(cache.validate(folder))
    except DataError as error:
        problems = error.problems
    if fmt is ProblemFormat.json:
        text = problem_report.as_json(folder.path, problems, counts)
    elif fmt is ProblemFormat.gitlab:
        text = problem_report.as_gitlab(problems, Path.cwd())
    elif counts is None:
        text = problem_report.as_github(problems, Path.cwd())
    else:
        text = _ok_line(folder, counts)  # GitHub's job log: the ledger validates
    emit(text + "\n", out, json=fmt in (ProblemFormat.json, ProblemFormat.gitlab))
    if problems:
        raise DataError(problems) if fmt is ProblemFormat.gitlab else ReportedDataError(problems)


@app.command("list", rich_help_panel=LOOK_UP)
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
            help="not_started, in_progress, done, blocked or ongoing; or in Chinese 未啟動, 推進中, 已完成, 受阻, "
            "常態化推進 (完成, 進行中, 未開始 and simplified spellings work too).",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        Kind | None,
        typer.Option(
            help="key: the ledger's key tasks; measure: the plan's measure items; assigned: items decided at meetings."
        ),
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="Text that the item's wording contains.", show_default=False)
    ] = None,
    light: Annotated[Light | None, typer.Option(help="Only items with this light on the as-of day.")] = None,
    as_of: AsOfOpt = "today",
    warn_days: WarnOpt = 15,
    fmt: FormatOpt = None,
    out: OutputOpt = None,
    show_all: AllOpt = False,
) -> None:
    """List the plan's items, filtered; shows each item's status and light on the as-of day."""
    from parktrack import query

    ledger = load_ledger(data)
    day = as_day(as_of)
    filters = resolve_filters(
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
    print_rows(ledger, rows, fmt, count_title(_("Items"), len(rows), day), out, show_all)


@app.command(rich_help_panel=LOOK_UP)
def show(
    task_id: Annotated[
        str, typer.Argument(metavar="ID", help="A task id such as T07 or M03.1 (t7 and m3.1 work too).")
    ],
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    warn_days: WarnOpt = 15,
    fmt: FormatOpt = None,
    out: OutputOpt = None,
) -> None:
    """Show everything about one item: full text, units, deadline, status and history."""
    from parktrack.deadlines import assess
    from parktrack.query import Row

    ledger = load_ledger(data)
    task = ledger.task(task_id)
    row = Row(task, assess(task, as_day(as_of), warn_days))
    fmt = chosen_format(fmt, out)
    if fmt is Format.table:
        from parktrack import tables

        emit(tables.task_detail(ledger, row), out)
        return
    from parktrack import render

    record = render.task_record(ledger, row)
    known = [entry for entry in task.history if entry.date <= row.state.day]  # as the table: none after the day
    record["history"] = [entry.model_dump(mode="json", exclude_none=True) for entry in known]
    if fmt is Format.json:
        emit(render.to_json(record) + "\n", out, json=True)
        return
    record["history"] = render.history_lines(known)
    output(fmt, lambda: [record], lambda tables, _shown: tables.task_detail(ledger, row), out, single=True)


@app.command(rich_help_panel=LOOK_UP)
def overdue(
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    unit: UnitOpt = None,
    role: RoleOpt = None,
    leader: LeaderOpt = None,
    by_unit: Annotated[bool, typer.Option("--by-unit", help="Group the items under each lead unit.")] = False,
    fail_if_any: Annotated[bool, typer.Option("--fail-if-any", help="Exit 3 when anything is overdue.")] = False,
    fmt: FormatOpt = None,
    out: OutputOpt = None,
    show_all: AllOpt = False,
) -> None:
    """List the items overdue on the as-of day, most days overdue first."""
    from parktrack import query

    ledger = load_ledger(data)
    day = as_day(as_of)
    rows = query.overdue(ledger, day, resolve_filters(ledger, unit=unit, role=role, leader=leader))
    title = count_title(_("Overdue"), len(rows), day)

    def table(tables: ModuleType, shown: Screen) -> RenderableType:
        if not by_unit:
            return tables.overdue_table(ledger, rows, title, shown)  # type: ignore[no-any-return]
        groups = query.by_lead_unit(ledger, rows).items()
        parts = [tables.overdue_table(ledger, group, _unit_title(name, group, day), shown) for name, group in groups]
        return tables.grouped([title, *parts]) if parts else f"{title}\n"

    fmt = chosen_format(fmt, out)
    if by_unit and fmt is not Format.table:
        from parktrack import render

        groups = {name: task_records(ledger, group) for name, group in query.by_lead_unit(ledger, rows).items()}
        json = fmt is Format.json
        emit(render.grouped_data(groups, "lead_unit", fmt.value), out, bom=not json, json=json)
    else:
        output(fmt, lambda: task_records(ledger, rows), table, out, show_all)
    if fail_if_any and rows:
        raise typer.Exit(EXIT_OVERDUE)


@app.command(rich_help_panel=LOOK_UP)
def due(
    within: Annotated[int, typer.Option("--within", min=0, help="Window length in days, from the as-of day.")] = 30,
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    unit: UnitOpt = None,
    role: RoleOpt = None,
    leader: LeaderOpt = None,
    fmt: FormatOpt = None,
    out: OutputOpt = None,
    show_all: AllOpt = False,
) -> None:
    """List the open items falling due within a window after the as-of day, soonest first."""
    from parktrack import query

    ledger = load_ledger(data)
    day = as_day(as_of)
    rows = query.due_within(ledger, day, within, resolve_filters(ledger, unit=unit, role=role, leader=leader))
    what = ngettext("Due within {days} day", "Due within {days} days", within).format(days=within)
    title = count_title(what, len(rows), day)
    output(
        fmt,
        lambda: task_records(ledger, rows),
        lambda tables, shown: tables.due_table(ledger, rows, title, shown),
        out,
        show_all,
    )


@app.command(rich_help_panel=LOOK_UP)
def units(
    name: Annotated[
        str | None,
        typer.Argument(metavar="UNIT", help="One unit: list its items, the ones it leads first.", show_default=False),
    ] = None,
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    warn_days: WarnOpt = 15,
    sort: Annotated[
        Sort, typer.Option(help="Row order: as in units.yaml, most overdue, most items, or by name.")
    ] = Sort.ledger,
    fmt: FormatOpt = None,
    out: OutputOpt = None,
    show_all: AllOpt = False,
) -> None:
    """Per-unit accountability: what each unit leads and supports, and how it stands."""
    from parktrack import query, render

    ledger = load_ledger(data)
    day = as_day(as_of)
    if name is not None:
        unit = ledger.find_unit(name)
        rows = query.select(ledger, day, resolve_filters(ledger, unit=unit.id), warn_days)
        rows.sort(key=lambda row: "lead" not in row.roles)
        print_rows(ledger, rows, fmt, count_title(display(unit.name), len(rows), day), out, show_all)
        return
    summaries = query.unit_summaries(ledger, day, warn_days, sort.value)
    bodies = [s for s in summaries if not s.unit.is_group]
    groups = [s for s in summaries if s.unit.is_group]

    def table(tables: ModuleType, shown: Screen) -> RenderableType:
        group_title = _("Groups (open-ended; not one accountable unit)")
        return tables.grouped(  # type: ignore[no-any-return]
            [
                tables.units_table(ledger, bodies, tables.as_of_title(_("Units"), day), warn_days, shown),
                tables.units_table(ledger, groups, tables.as_of_title(group_title, day), warn_days, shown),
            ]
        )

    output(fmt, lambda: [render.unit_record(s) for s in summaries], table, out)


@app.command(rich_help_panel=LOOK_UP)
def leaders(
    name: Annotated[
        str | None,
        typer.Argument(metavar="NAME", help="One lead official: list the items they lead.", show_default=False),
    ] = None,
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    warn_days: WarnOpt = 15,
    sort: Annotated[
        Sort, typer.Option(help="Row order: as in the ledger, most overdue, most items, or by name.")
    ] = Sort.ledger,
    fmt: FormatOpt = None,
    out: OutputOpt = None,
    show_all: AllOpt = False,
) -> None:
    """Per-official accountability: the items each lead official (牽頭領導) answers for."""
    from parktrack import query, render

    ledger = load_ledger(data)
    day = as_day(as_of)
    if name is not None:
        leader = ledger.find_leader(name)
        rows = query.select(ledger, day, resolve_filters(ledger, leader=leader), warn_days)
        print_rows(ledger, rows, fmt, count_title(display(leader), len(rows), day), out, show_all)
        return
    summaries = query.leader_summaries(ledger, day, warn_days, sort.value)

    def table(tables: ModuleType, shown: Screen) -> RenderableType:
        title = tables.as_of_title(_("Lead officials"), day)
        return tables.leaders_table(ledger, summaries, title, warn_days, shown)  # type: ignore[no-any-return]

    output(fmt, lambda: [render.leader_record(s) for s in summaries], table, out)


@app.command(rich_help_panel=LOOK_UP)
def history(
    task_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="Only this item or indicator.", show_default=False)
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only changes that took effect on or after this day.", show_default=False)
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only changes that took effect on or before this day.", show_default=False)
    ] = None,
    committed_since: Annotated[
        str | None, typer.Option(help="Only commits made on or after this day.", show_default=False)
    ] = None,
    unit: UnitOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = None,
    out: OutputOpt = None,
    show_all: AllOpt = False,
) -> None:
    """The audit trail from git: who changed which item or figure, when, from what to what (hand edits too)."""
    from parktrack import cache, datadir, query, render
    from parktrack import history as trail
    from parktrack.datadir import INDICATORS_FILE, TASKS_FILE  # not from store: that imports YAML
    from parktrack.deadlines import county_today

    data_dir = datadir.find_data_dir(data)
    ledger = trail.ledger_to_show_it_with(data_dir, lambda: cache.load_ledger(data_dir, indicators=True))
    wanted: set[str] | None = None
    files = [TASKS_FILE, INDICATORS_FILE]
    if task_id:
        known = {indicator.id for indicator in ledger.indicators}
        is_indicator = task_id.strip().lower() in known
        wanted = {ledger.indicator(task_id).id if is_indicator else ledger.task(task_id).id}
        files = [INDICATORS_FILE if is_indicator else TASKS_FILE]
    if unit:
        found = ledger.find_unit(unit)
        involved = {task.id for task in ledger.tasks if query.roles_of(ledger, task, found)}
        involved |= {i.id for i in ledger.indicators if any(ledger.canonical(n) == found.name for n in i.units)}
        wanted = involved if wanted is None else wanted & involved
    days = {key: as_day(value) if value else None for key, value in (("since", since), ("until", until))}
    committed = as_day(committed_since) if committed_since else None
    rows = [
        row
        for name in files
        if name == TASKS_FILE or data_dir.file(name).exists()
        for row in trail.audit_trail(data_dir.path, name, committed, days["since"], days["until"])
    ]
    # by the instant each commit was made: its date's text sorts 01:00+00:00 before 08:30+08:00, made earlier
    rows = sorted((row for row in rows if wanted is None or row.task_id in wanted), key=lambda row: row.stamp)
    title = ngettext("History: {count} change as of {day}", "History: {count} changes as of {day}", len(rows)).format(
        count=len(rows), day=county_today().isoformat()
    )
    output(
        fmt,
        lambda: [render.audit_record(row) for row in rows],
        lambda tables, shown: tables.audit_table(ledger, rows, title, shown),
        out,
        show_all,
    )


@app.command(rich_help_panel=LOOK_UP)
def indicators(
    indicator_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID",
            help="One indicator, by id or Chinese name (or a unique part of it): its whole series, charted.",
            show_default=False,
        ),
    ] = None,
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    unit: UnitOpt = None,
    light: Annotated[Light | None, typer.Option(help="Only indicators with this light (red, yellow, green).")] = None,
    fmt: FormatOpt = None,
    out: OutputOpt = None,
) -> None:
    """The plan's targets against the recorded figures: attainment, 序時進度 and a light each."""
    from parktrack import indicators as measures
    from parktrack import render

    ledger = load_ledger(data, indicators=True)
    day = as_day(as_of)
    chosen = [ledger.indicator(indicator_id)] if indicator_id else ledger.indicators
    if unit:
        found = ledger.find_unit(unit)
        chosen = [i for i in chosen if any(ledger.canonical(name) == found.name for name in i.units)]
    progress = [measures.assess(indicator, day, ledger.plan.year) for indicator in chosen]
    if light:
        progress = [p for p in progress if p.light == light.value]
    title = ngettext("Indicators: {count} as of {day}", "Indicators: {count} as of {day}", len(progress)).format(
        count=len(progress), day=day.isoformat()
    )

    def table(tables: ModuleType, shown: Screen) -> RenderableType:
        if indicator_id and progress:
            return tables.indicator_detail(ledger, progress[0])  # type: ignore[no-any-return]
        return tables.indicators_table(ledger, progress, title, shown)  # type: ignore[no-any-return]

    def records() -> list[dict[str, Any]]:
        return [render.indicator_record(p, ledger) for p in progress]

    output(fmt, records, table, out, single=indicator_id is not None, headers=render.INDICATOR_HEADERS)


def _unit_title(name: str, rows: list[Row], day: date) -> str:
    return count_title(display(name), len(rows), day)
