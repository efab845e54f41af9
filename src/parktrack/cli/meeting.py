"""For the 調度會議: the meeting report (html, docx, md) and the 催辦 notices to units."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from parktrack.cli.common import ROUND, AsOfOpt, DataOpt, WarnOpt, app, as_day, load_ledger
from parktrack.errors import UsageError
from parktrack.i18n import _, display, ngettext


@app.command(rich_help_panel=ROUND)
def report(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The report file; .html, .docx or .md chooses the format.", dir_okay=False),
    ],
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
    since: Annotated[
        str | None,
        typer.Option(
            help="Changes from this day on. Default: the day after the previous report marked in git "
            "(report --mark), else the first day of the as-of quarter.",
            show_default=False,
        ),
    ] = None,
    warn_days: WarnOpt = 15,
    mark: Annotated[
        bool,
        typer.Option(
            "--mark",
            help="Remember this report's as-of day in git (an empty commit), so the next report starts from it.",
        ),
    ] = False,
) -> None:
    """Write the dispatch-meeting report: headline figures, changes, overdue items, accountability, charts."""
    from parktrack import reporting
    from parktrack.reporting import content, trail

    reporting.format_of(output)  # a bad extension fails before any work
    ledger = load_ledger(data, indicators=True)
    if mark:
        trail.markable(ledger.data)  # refuse before writing anything
    day = as_day(as_of)
    asked = as_day(since) if since is not None else None
    start, source = content.window_start(day, asked, lambda: trail.previous_reports(ledger.data))
    composed = content.compose(ledger, day, start, source, trail.provenance(ledger.data), warn_days)
    written = reporting.write(composed, output)
    if written.cjk_font is None:
        warning = _("warning: no CJK font found; Chinese labels in the charts will not show (install fonts-noto-cjk)")
        print(warning, file=sys.stderr)
    for path in written.files[1:]:
        print(_("chart: {path}").format(path=path))
    print(_("report as of {day}, changes since {since}: {path}").format(day=day, since=start, path=output))
    if mark:
        sha = trail.mark(ledger.data, day, ledger.plan.title)
        print(_("marked in git: {sha}").format(sha=sha[:10]))


@app.command(rich_help_panel=ROUND)
def notice(
    unit: Annotated[
        str | None,
        typer.Option("--unit", "-u", help="The unit to chase, by name, alias, id or unique part.", show_default=False),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="A notice for every unit with something to chase.")] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="With --all: the folder to write one file per unit into.", file_okay=False),
    ] = None,
    within: Annotated[
        int, typer.Option("--within", min=0, help="Also chase items falling due within this many days.")
    ] = 15,
    data: DataOpt = None,
    as_of: AsOfOpt = "today",
) -> None:
    """催辦 notices: per lead unit, its overdue items and those falling due soon, as plain text."""
    from parktrack import notice as notices

    if (unit is None) == (not every):
        raise UsageError(_("give --unit NAME for one unit's notice, or --all (with -o DIR to write files)"))
    if output is not None and not every:
        raise UsageError(_("-o DIR goes with --all; one unit's notice is printed"))
    ledger = load_ledger(data)
    day = as_day(as_of)
    chased = ledger.find_unit(unit) if unit else None
    found = notices.notices(ledger, day, within, chased)
    if output is None:
        if chased and not found:
            print(_("nothing to chase for {unit} on {day}").format(unit=display(chased.name), day=day), file=sys.stderr)
        sys.stdout.write("\n\n".join(notices.text(each, ledger.plan.title) for each in found))
        return
    notices.write_all(ledger, found, output)
    message = ngettext("wrote {count} notice to {folder}", "wrote {count} notices to {folder}", len(found))
    print(message.format(count=len(found), folder=output))
