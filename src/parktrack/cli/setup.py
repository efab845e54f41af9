"""Setting a ledger up: init (empty or from a 台賬 table), add (items decided at meetings), schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parktrack.cli.common import LEDGER, DataOpt, NoCommitOpt, app, as_day, report_commit
from parktrack.errors import DataError, Problem, UsageError
from parktrack.i18n import _, display, ngettext

if TYPE_CHECKING:
    from parktrack.tableparse import TableLedger


@app.command(rich_help_panel=LEDGER)
def init(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The folder for the new ledger (created if needed).")],
    title: Annotated[
        str | None, typer.Option("--title", help="The plan's title (default: the table's title).", show_default=False)
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="The plan's year (default: found in the table).", show_default=False),
    ] = None,
    table: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="A 台賬 table (.xlsx or .csv) in the standard layout to build the ledger from.",
            show_default=False,
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet", help="The workbook sheet to read (default: the first with a 台賬 header).", show_default=False
        ),
    ] = None,
) -> None:
    """Start a new ledger in DIR: empty, or built from a 台賬 table; a git repository, one commit."""
    from parktrack import newledger

    if table is None:
        if title is None or year is None:
            raise UsageError(_("give --title and --year for an empty ledger, or --from TABLE"))
        created = newledger.empty_ledger(folder, title, year)
    else:
        parsed = _read_table(table, sheet, year)
        _print_summary(parsed)
        created = newledger.ledger_from_table(folder, parsed, title, year)
    for path in created.files:
        print(_("wrote {path}").format(path=path))
    if created.initialised_git:
        print(_("made {folder} a git repository").format(folder=folder))
    report_commit(created.commit, str(created.repo), False)


def _read_table(path: Path, sheet: str | None, year: int | None) -> TableLedger:
    from parktrack.tableparse import parse_table, take_cover
    from parktrack.tableread import read_grids

    grids = read_grids(path)
    if sheet is not None:
        grids = [grid for grid in grids if grid.sheet == sheet]
        if not grids:
            raise UsageError(_("{path}: no sheet named '{sheet}'").format(path=path, sheet=sheet))
    # a header without rows (an empty template sheet, often hidden): a later sheet may hold the table
    no_items: UsageError | None = None
    for grid in grids:
        parsed = parse_table(grid, year)
        if parsed is None:
            continue
        if not parsed.items:
            no_items = no_items or UsageError(
                _("{source}: the table has a header but no items").format(source=grid.source)
            )
            continue
        if parsed.errors:
            problems = [Problem(finding.ref, None, None, "", finding.message) for finding in parsed.errors]
            raise DataError(problems)
        if parsed.title is None:
            take_cover(parsed, grids)
        return parsed
    if no_items is not None:
        raise no_items
    raise UsageError(
        _("{path}: no header row naming 具體工作舉措 and 牽頭單位 in the first rows of any sheet").format(path=path)
    )


def _print_summary(parsed: TableLedger) -> None:
    counts = [
        ngettext("{count} section", "{count} sections", len(parsed.sections)).format(count=len(parsed.sections)),
        ngettext("{count} item", "{count} items", len(parsed.items)).format(count=len(parsed.items)),
        ngettext("{count} unit", "{count} units", len(parsed.units)).format(count=len(parsed.units)),
        ngettext("{count} group", "{count} groups", len(parsed.groups)).format(count=len(parsed.groups)),
        ngettext("{count} lead official", "{count} lead officials", len(parsed.leaders)).format(
            count=len(parsed.leaders)
        ),
    ]
    dated = sum(1 for item in parsed.items if item.deadline is not None and not item.deadline_implied)
    print(_("read {source}: {counts}").format(source=parsed.source, counts=_(", ").join(counts)))  # ，in Chinese
    print(_("deadlines: {dated} read as dates, {other} to check").format(dated=dated, other=len(parsed.items) - dated))
    for finding in parsed.notes:
        shown = finding.message if finding.literal else display(finding.message)
        print(f"{finding.ref}: {shown}")  # the file name exactly as on disk


@app.command(rich_help_panel=LEDGER)
def add(
    text: Annotated[str, typer.Option("--text", help="What is to be done (具體工作舉措).", show_default=False)],
    lead: Annotated[
        list[str],
        typer.Option(
            "--lead", metavar="UNIT", help="A lead unit (牽頭單位), by name, alias, id or unique part; repeat for more."
        ),
    ],
    deadline: Annotated[
        str,
        typer.Option(
            "--deadline",
            help="完成時限 as written: 2024年9月底以前, 2024年9月30日前, 2024-09-30 ...",
            show_default=False,
        ),
    ],
    support: Annotated[
        list[str] | None,
        typer.Option("--support", metavar="UNIT", help="A supporting unit (配合單位); repeat for more."),
    ] = None,
    leader: Annotated[
        list[str] | None, typer.Option("--leader", metavar="NAME", help="A lead official (牽頭領導); repeat for more.")
    ] = None,
    meeting: Annotated[
        str | None, typer.Option("--meeting", help="The meeting that decided the item.", show_default=False)
    ] = None,
    when: Annotated[str, typer.Option("--date", help="The day of the meeting (same forms as --as-of).")] = "today",
    condition: Annotated[
        bool, typer.Option("--condition", help="The deadline is a condition, not a date: the item waits on it.")
    ] = False,
    new_unit: Annotated[
        bool, typer.Option("--new-unit", help="Add units not yet in units.yaml, in the same commit.")
    ] = False,
    data: DataOpt = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Add an item decided at a meeting (交辦事項) with a new J id; one git commit."""
    from parktrack import store
    from parktrack.additem import NewItem, add_item

    item = NewItem(
        text=text,
        lead=lead,
        deadline=deadline,
        support=support or (),
        leaders=leader or (),
        meeting=meeting,
        decided=as_day(when),
        condition=condition,
    )
    added = add_item(store.find_data_dir(data), item, new_unit=new_unit, commit=not no_commit)
    shown = added.deadline.isoformat() if added.deadline else _("a condition")
    print(_("{id}: added, due {deadline}").format(id=added.task_id, deadline=shown))
    for name in added.new_units:
        print(_("new unit in units.yaml: {name}").format(name=display(name)))
    for name in added.new_leaders:
        print(_("new lead official: {name}").format(name=display(name)))
    report_commit(added.commit, added.repo, no_commit)


@app.command(rich_help_panel=LEDGER)
def schema(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The folder to write the schemas into (created if needed).")
    ] = Path("schemas"),
) -> None:
    """Write a JSON Schema for each data file, for editors to check and complete the YAML."""
    from parktrack.schema import write_schemas

    for path in write_schemas(output):
        print(_("wrote {path}").format(path=path))
