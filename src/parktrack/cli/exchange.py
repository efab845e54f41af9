"""The monthly round with the units: the ledger as a workbook, fill-in sheets out, progress back in.

openpyxl is imported only inside these commands (through workbook, sheets and intake).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parktrack.cli.common import ROUND, AsOfOpt, DataOpt, NoCommitOpt, app, as_day, emit, load_ledger, report_commit
from parktrack.i18n import N_, _, display

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table

    from parktrack.intake import SheetPlan as Plan


@app.command(rich_help_panel=ROUND)
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The workbook to write, such as 台賬.xlsx.")],
    as_of: AsOfOpt = "today",
    data: DataOpt = None,
) -> None:
    """Export the ledger as an Excel workbook: key tasks, measures, indicators and a cover sheet."""
    from parktrack import gitrepo, workbook

    ledger = load_ledger(data, indicators=True)
    commit, dirty = gitrepo.head_commit(ledger.data.path)
    source = workbook.Source(str(ledger.data.path.resolve()), commit, dirty)
    summary = workbook.export(ledger, as_day(as_of), source, output)
    counts = {"tasks": summary.key_tasks, "measures": summary.measures, "indicators": summary.indicators}
    if summary.assigned:
        line = _("{path}: {tasks} key tasks, {measures} measure items, {assigned} assigned items, {indicators} "
                 "indicators as of {day}")  # fmt: skip
    else:
        line = _("{path}: {tasks} key tasks, {measures} measure items, {indicators} indicators as of {day}")
    print(line.format(path=summary.path, assigned=summary.assigned, day=summary.day.isoformat(), **counts))


@app.command(rich_help_panel=ROUND)
def sheets(
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder to write one workbook per unit into.")],
    unit: Annotated[
        str | None,
        typer.Option("--unit", "-u", help="Only this unit (name, alias, id or unique part).", show_default=False),
    ] = None,
    as_of: AsOfOpt = "today",
    data: DataOpt = None,
) -> None:
    """Cut a fill-in workbook for each unit: its items and indicators, with locked and open columns."""
    from parktrack import gitrepo, sheets

    ledger = load_ledger(data, indicators=True)
    commit, _dirty = gitrepo.head_commit(ledger.data.path)
    cuts = sheets.cut(ledger, as_day(as_of), output, commit, unit)
    for cut in cuts:
        print(
            _("{path}: {items} items, {indicators} indicators").format(
                path=cut.path, items=cut.items, indicators=cut.indicators
            )
        )


@app.command("import", rich_help_panel=ROUND)
def import_sheets(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Fill-in workbooks (.xlsx) or sheets exported as CSV.")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change, and stop there.")] = False,
    author: Annotated[
        str | None,
        typer.Option(
            "--author", help='The liaison who reported, "NAME <email>": the author of the commits.', show_default=False
        ),
    ] = None,
    theirs: Annotated[
        bool,
        typer.Option("--theirs", help="Where an item changed in the ledger since the sheet was cut, the sheet wins."),
    ] = False,
    data: DataOpt = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Import filled-in sheets: preview, check every cell, then one commit per sheet."""
    from parktrack import importrun, intake, store
    from parktrack.deadlines import county_today

    folder = store.find_data_dir(data)
    importrun.check_author(author)
    today = county_today()
    uploads = intake.read_all(files)
    plans = importrun.preview(folder, uploads, today, theirs)
    emit(_preview(plans))
    if dry_run:
        print(_("dry run: nothing written"))
        return
    outcomes = importrun.apply(folder, uploads, today, theirs, author, commit=not no_commit)
    for outcome in outcomes:
        plan = outcome.plan
        if not (plan.changes or plan.figures):
            print(_("{file}: nothing new to record").format(file=plan.path.name))
            continue
        print(
            _("{file}: {items} item changes, {figures} figures recorded for {unit}").format(
                file=plan.path.name, items=len(plan.changes), figures=len(plan.figures), unit=display(plan.unit.name)
            )
        )
        report_commit(outcome.commit, outcome.repo, no_commit)
    conflict = _(
        "warning: {ref}: {id} changed in the ledger since the sheet was cut; kept the ledger's "
        "(--theirs takes the sheet's)"
    )
    for outcome in outcomes:  # as applied: an earlier sheet of this run may have changed the item
        for line in outcome.plan.conflicts:
            print(conflict.format(ref=line.ref, id=line.item_id), file=sys.stderr)


_STATES = {
    "record": N_("will record"),
    "recorded": N_("already recorded"),
    "conflict": N_("conflict: the ledger changed since the sheet was cut; not taken"),
    "theirs": N_("conflict: the sheet's value wins (--theirs)"),
    "after": N_("not taken: {file} above changes it first (--theirs takes this one)"),
}


def _preview(plans: list[Plan]) -> Group:
    """One table per sheet: each row it records, old and new, and what import does with it."""
    from rich.console import Group

    return Group(*(_preview_table(plan) for plan in plans))


def _preview_table(plan: Plan) -> Table:
    from rich.table import Table

    title = _("{file}: {unit}, as of {day}").format(
        file=plan.path.name, unit=display(plan.unit.name), day=plan.as_of.isoformat()
    )
    table = Table(title=title, title_justify="left")
    for header in (_("Cell"), _("ID"), _("Change"), _("Old"), _("New"), _("Note"), _("Outcome")):
        table.add_column(header, overflow="fold")
    for line in plan.lines:
        what = {"status": _("status"), "note": _("note"), "figure": _("figure")}[line.what]
        cell = line.ref.removeprefix(f"{plan.path.name}!")
        outcome = _(_STATES[line.state]).format(file=line.earlier)
        table.add_row(cell, line.item_id, what, line.old, line.new, line.note or "", outcome)
    if not plan.lines:
        table.caption = _("nothing to record")
    return table
