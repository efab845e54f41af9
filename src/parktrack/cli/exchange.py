"""The monthly round with the units: the ledger as a workbook, fill-in sheets out, progress back in.

openpyxl is imported only inside these commands (through workbook, sheets and intake).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parktrack.cli.common import AsOfOpt, DataOpt, app, as_day, load_ledger
from parktrack.i18n import _

if TYPE_CHECKING:
    pass


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="The workbook to write, such as 台賬.xlsx.")],
    as_of: AsOfOpt = "today",
    data: DataOpt = None,
) -> None:
    """Export the ledger as an Excel workbook: key tasks, measures, indicators and a cover sheet."""
    from parktrack import history, workbook

    ledger = load_ledger(data, indicators=True)
    commit, dirty = history.head_commit(ledger.data.path)
    source = workbook.Source(str(ledger.data.path), commit, dirty)
    summary = workbook.export(ledger, as_day(as_of), source, output)
    print(
        _("{path}: {tasks} key tasks, {measures} measure items, {indicators} indicators as of {day}").format(
            path=summary.path,
            tasks=summary.key_tasks,
            measures=summary.measures,
            indicators=summary.indicators,
            day=summary.day.isoformat(),
        )
    )


@app.command()
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
    from parktrack import history, sheets

    ledger = load_ledger(data, indicators=True)
    commit, _dirty = history.head_commit(ledger.data.path)
    cuts = sheets.cut(ledger, as_day(as_of), output, commit, unit)
    for cut in cuts:
        print(
            _("{path}: {items} items, {indicators} indicators").format(
                path=cut.path, items=cut.items, indicators=cut.indicators
            )
        )
