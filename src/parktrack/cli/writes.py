"""Writes to the ledger: status updates, progress notes, indicator figures; each one git commit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parktrack.cli.common import RECORD, DataOpt, DateOpt, NoCommitOpt, app, as_day, report_commit
from parktrack.i18n import _
from parktrack.vocab import status_label


@app.command(rich_help_panel=RECORD)
def update(
    task_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="One or more task ids; all change together.")],
    status: Annotated[
        str,
        typer.Option(
            "--status",
            "-s",
            help="not_started 未啟動, in_progress 推進中, done 已完成, blocked 受阻, or ongoing 常態化推進 "
            "(long-term items, once their first milestone is met); 完成, 進行中, 未開始, Done and simplified "
            "spellings work too.",
        ),
    ],
    when: DateOpt = "today",
    note: Annotated[
        str | None,
        typer.Option("--note", "-n", help="A progress note (進展情況) to keep with the change.", show_default=False),
    ] = None,
    data: DataOpt = None,
    no_commit: NoCommitOpt = False,
    allow_future: Annotated[
        bool, typer.Option("--allow-future", help="Accept a status change dated after today.")
    ] = False,
) -> None:
    """Change the status of items, dated, with an optional note; one git commit."""
    from parktrack.vocab import parse_status

    _record(task_ids, parse_status(status), when, note, data, no_commit, allow_future)


@app.command(rich_help_panel=RECORD)
def note(
    task_id: Annotated[str, typer.Argument(metavar="ID", help="The task id.")],
    text: Annotated[
        str,
        typer.Argument(
            metavar="TEXT", help='The progress note (進展情況); one starting with - goes after --: note T01 -- "- x".'
        ),
    ],
    when: DateOpt = "today",
    data: DataOpt = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Add a dated progress note to an item without changing its status; one git commit."""
    _record([task_id], None, when, text, data, no_commit)


def _record(
    task_ids: list[str],
    status: str | None,
    when: str,
    text: str | None,
    data: Path | None,
    no_commit: bool,
    allow_future: bool = False,
) -> None:
    from parktrack import store, updates

    folder = store.find_data_dir(data)
    outcome = updates.record(folder, task_ids, status, as_day(when), text, not no_commit, allow_future)
    for change in outcome.changes:
        if change.new_status:
            what = f"{status_label(change.old_status)} → {status_label(change.new_status)}"
        else:
            what = _("note added")
        print(f"{change.task_id}: {what} ({change.day.isoformat()})")
    report_commit(outcome.commit, outcome.repo, no_commit)


# ignore_unknown_options: so that -3.5 is a figure, not an option
@app.command(context_settings={"ignore_unknown_options": True}, rich_help_panel=RECORD)
def record(
    indicator_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The indicator: its id (gross-output), Chinese name (規上工業總產值) or a unique part."
        ),
    ],
    period: Annotated[str, typer.Option("--period", "-p", help="2024Q1-2024Q4, 2024H1/H2, 2024-06, or 2024.")],
    value: Annotated[
        str | None,
        typer.Argument(
            metavar="FIGURE",
            help="The figure: 12.5, -3.5, 12.5% for a percentage, 是/yes or 否/no.",
            show_default=False,
        ),
    ] = None,
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
    withdraw: Annotated[
        bool,
        typer.Option("--withdraw", help="Withdraw the figure recorded for the period; the trail and git keep it."),
    ] = False,
    when: DateOpt = "today",
    data: DataOpt = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Record an actual figure for an indicator and period (or withdraw one); one git commit."""
    from parktrack import store, updates
    from parktrack.indicators import value_text

    outcome = updates.record_figure(
        store.find_data_dir(data),
        indicator_id,
        value,
        period,
        as_day(when),
        note,
        source,
        reference,
        correct=correct,
        commit=not no_commit,
        withdraw=withdraw,
    )
    figure = outcome.figure
    if withdraw:  # the figure withdrawn, shown as it was recorded (5亿元), not as Python writes the number
        was = figure.as_actual().model_copy(update={"value": figure.replaces, "reference": None})
        withdrawn = value_text(outcome.indicator, was)
        message = _("{id} {period}: withdrawn ({value})")
        print(message.format(id=figure.indicator_id, period=figure.period, value=withdrawn))
    else:
        shown = value_text(outcome.indicator, figure.as_actual())  # as stored: 10.5%, not １０．５％ as typed
        shown += _(" (correction)") if correct else ""  # （更正） in Chinese, with no space before it
        print(f"{figure.indicator_id} {figure.period}: {shown}")
    report_commit(outcome.commit, outcome.repo, no_commit)
