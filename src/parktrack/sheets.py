"""Fill-in sheets for the monthly round: one workbook per unit, cut from the ledger (`parktrack sheets`).

Each workbook has an items sheet and, where the unit answers for any, an indicators sheet. The
columns the unit must not change are locked and the sheet protected; the columns it fills in
are open (and tinted). Row 1 says which unit, day and ledger commit the sheet was cut for, in
locked cells that survive a CSV export; a very hidden sheet repeats them for `import` to verify.
A hidden column keeps how many entries each item (figures each indicator) had when the sheet
was cut, so that `import` can tell what changed in the ledger since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from parktrack.errors import UsageError
from parktrack.files import distinct_name_parts
from parktrack.i18n import _, current_language, display, pgettext
from parktrack.indicators import series
from parktrack.ledger import Ledger
from parktrack.models import TASK_ID, Indicator, Task, Unit
from parktrack.query import Filters, select
from parktrack.vocab import STATUS_LABELS
from parktrack.workbook import (
    OPEN_STYLE,
    Column,
    doc,
    label_width,
    merge_across,
    new_workbook,
    print_setup,
    put,
    restyle,
    save,
    status_label,
    target_cell,
    write_header,
    write_row,
)

META_SHEET = "parktrack"
META_FORMAT = "parktrack-sheet"
META_VERSION = "1"
HEADER_ROW = 3
FIRST_ROW = 4
ITEM_FIELDS = ("id", "text", "role", "deadline", "current", "status", "note", "date", "latest", "entries")
INDICATOR_FIELDS = (
    "id",
    "name",
    "unit",
    "target",
    "latest",
    "figure",
    "period",
    "reference",
    "date",
    "note",
    "entries",
)
ITEM_OPEN = frozenset({"status", "note", "date"})
INDICATOR_OPEN = frozenset({"figure", "period", "reference", "date", "note"})
ITEM_ID = re.compile(TASK_ID)


@dataclass(frozen=True)
class Cut:
    """One workbook cut for one unit."""

    unit: Unit
    path: Path
    items: int
    indicators: int


def column(fields: tuple[str, ...], name: str) -> int:
    """The 1-based column of a field."""
    return fields.index(name) + 1


def unit_items(ledger: Ledger, unit: Unit) -> list[tuple[Task, str]]:
    """The unit's items with its role in each, the ones it leads first (in ledger order)."""
    rows = select(ledger, date(ledger.plan.year, 12, 31), Filters(unit=unit))
    leads = [(row.task, "lead") for row in rows if "lead" in row.roles]
    supports = [(row.task, "support") for row in rows if "lead" not in row.roles]
    return leads + supports


def unit_indicators(ledger: Ledger, unit: Unit) -> list[Indicator]:
    return [item for item in ledger.indicators if any(ledger.canonical(name) == unit.name for name in item.units)]


def cut(ledger: Ledger, day: date, folder: Path, commit: str | None, unit_name: str | None = None) -> list[Cut]:
    """Write one fill-in workbook per unit (or only for `unit_name`) into `folder`."""
    if unit_name is not None:
        unit = ledger.find_unit(unit_name)
        if unit.is_group:
            raise UsageError(
                _("'{name}' is a group of units, not one unit; cut sheets for its members").format(name=unit.name)
            )
        units = [unit]
    else:
        units = [unit for unit in ledger.units if not unit.is_group]
    cuts = []
    names = distinct_name_parts({unit.id: unit.name for unit in ledger.units})  # the same, whichever units are cut
    for unit in units:
        items, indicators = unit_items(ledger, unit), unit_indicators(ledger, unit)
        if not items and not indicators:
            if unit_name is not None:
                raise UsageError(_("{name} has no items or indicators to report on").format(name=unit.name))
            continue
        path = folder / f"{names[unit.id]}.xlsx"
        save(_workbook(unit, day, commit, items, indicators), path)
        cuts.append(Cut(unit, path, len(items), len(indicators)))
    return cuts


def _workbook(
    unit: Unit, day: date, commit: str | None, items: list[tuple[Task, str]], indicators: list[Indicator]
) -> Workbook:
    book = new_workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Items")
    _items_sheet(sheet, unit, day, commit, items)
    if indicators:
        _indicators_sheet(book.create_sheet(_("Indicators")), unit, day, commit, indicators)
    _meta_sheet(book, unit, day, commit)
    return book


def _meta_row(sheet: Worksheet, unit: Unit, day: date, commit: str | None, width: int) -> None:
    """Row 1: the unit, the day and the commit, locked, where a CSV export keeps them."""
    cells = [
        pgettext("form", "Unit"),
        display(unit.name),  # the hidden sheet keeps the name as stored
        pgettext("form", "As of"),
        day.isoformat(),
        _("Ledger commit"),
        commit or "",
    ]
    for position, value in enumerate(cells, start=1):
        cell = put(sheet, 1, position, value)
        cell.font = Font(bold=position % 2 == 1)
        if position % 2 == 1:  # a label: its column as wide as it, or the value beside it cuts it off
            dimension = sheet.column_dimensions[get_column_letter(position)]
            dimension.width = max(dimension.width, label_width(value))
    note = _(
        "Fill in only the tinted columns: pick the new status from the list, write the progress (進展情況) "
        "and the date of the change (YYYY-MM-DD); leave a row empty when nothing changed. "
        "Send the file back as it is."
    )
    cell = sheet.cell(row=2, column=1, value=note)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    merge_across(sheet, 2, width)
    sheet.row_dimensions[2].height = 36


def _protect(sheet: Worksheet, fields: tuple[str, ...], open_fields: frozenset[str], last_row: int) -> None:
    """Lock everything but the open columns of the data rows; allow resizing and selecting."""
    for name in open_fields:
        position = column(fields, name)
        for row in range(FIRST_ROW, last_row + 1):
            restyle(sheet.cell(row=row, column=position), OPEN_STYLE)
    entries = get_column_letter(column(fields, "entries"))
    sheet.column_dimensions[entries].hidden = True
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}", f"C{FIRST_ROW}")


def _items_sheet(sheet: Worksheet, unit: Unit, day: date, commit: str | None, items: list[tuple[Task, str]]) -> None:
    columns: list[Column] = [
        (_("ID"), 8),
        (doc("具體工作舉措"), 56),
        (_("Role"), 7),
        (doc("完成時限"), 16),
        (_("Current status"), 10),
        (_("New status"), 12),
        (doc("進展情況"), 40),
        (_("Date of change"), 13),
        (_("Latest progress"), 30),
        (_("Entries when cut (do not edit)"), 6),
    ]
    widths = write_header(sheet, HEADER_ROW, columns)
    _meta_row(sheet, unit, day, commit, len(columns))
    for row, (task, role) in enumerate(items, start=FIRST_ROW):
        noted = [entry for entry in task.history if entry.note]
        latest = f"{noted[-1].date.isoformat()} {noted[-1].note}" if noted else None
        deadline = display(task.deadline_text) if task.deadline_text else (task.deadline or "")
        write_row(
            sheet,
            row,
            [
                task.id,
                display(task.text),
                display("牽頭" if role == "lead" else "配合"),
                str(deadline),
                status_label(task.status),
                None,
                None,
                None,
                latest,
                len(task.history),
            ],
            widths,
        )
        sheet.cell(row=row, column=column(ITEM_FIELDS, "date")).number_format = "yyyy-mm-dd"
    last = FIRST_ROW + len(items) - 1
    _status_lists(sheet, items)
    _protect(sheet, ITEM_FIELDS, ITEM_OPEN, last)


def status_choices(long_term: bool) -> list[str]:
    """The drop-down: the ledger's statuses in Chinese; 常態化推進 only for long-term items."""
    return [status_label(status) for status in STATUS_LABELS if long_term or status != "ongoing"]


def _status_lists(sheet: Worksheet, items: list[tuple[Task, str]]) -> None:
    letter = get_column_letter(column(ITEM_FIELDS, "status"))
    for long_term in (False, True):
        rows = [FIRST_ROW + index for index, (task, _role) in enumerate(items) if task.long_term == long_term]
        if not rows:
            continue
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(status_choices(long_term)) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Unknown status"),
            error=_("Pick a status from the list."),
            # given whole, as runs of rows: added a cell at a time, each is checked against every
            # earlier one (minutes for a unit with thousands of items)
            sqref=" ".join(f"{letter}{first}:{letter}{last}" for first, last in _runs(rows)),
        )
        sheet.add_data_validation(validation)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as runs of consecutive rows: [4, 5, 6, 9] -> [(4, 6), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _latest_text(indicator: Indicator) -> str | None:
    known = series(indicator, date.max)
    if not known:
        return None
    latest = known[-1]
    value = ("是" if latest.value else "否") if isinstance(latest.value, bool) else f"{latest.value:g}"
    return f"{value} ({latest.period})"


def _indicators_sheet(sheet: Worksheet, unit: Unit, day: date, commit: str | None, indicators: list[Indicator]) -> None:
    columns: list[Column] = [
        (_("ID"), 22),
        (_("Indicator"), 28),
        (_("Unit of measure"), 8),
        (_("Target"), 12),
        (_("Latest figure"), 14),
        (pgettext("form", "Figure"), 10),
        (pgettext("form", "Period"), 10),
        (_("Reference figure"), 10),
        (_("Date of change"), 13),
        (pgettext("form", "Note"), 30),
        (_("Entries when cut (do not edit)"), 6),
    ]
    widths = write_header(sheet, HEADER_ROW, columns)
    _meta_row(sheet, unit, day, commit, len(columns))
    for row, indicator in enumerate(indicators, start=FIRST_ROW):
        target = target_cell(indicator)
        if indicator.reference:
            target += " " + _("over {what}").format(what=display(indicator.reference))
        write_row(
            sheet,
            row,
            [
                indicator.id,
                display(indicator.name),
                display(indicator.unit),
                target,
                _latest_text(indicator),
                None,
                None,
                None,
                None,
                None,
                len(indicator.actuals),
            ],
            widths,
        )
        sheet.cell(row=row, column=column(INDICATOR_FIELDS, "date")).number_format = "yyyy-mm-dd"
        sheet.cell(row=row, column=column(INDICATOR_FIELDS, "period")).number_format = "@"  # 2024-06 stays text
    _protect(sheet, INDICATOR_FIELDS, INDICATOR_OPEN, FIRST_ROW + len(indicators) - 1)


def _meta_sheet(book: Workbook, unit: Unit, day: date, commit: str | None) -> None:
    """What the sheet was cut for, where the liaison does not see it (a very hidden sheet)."""
    sheet = book.create_sheet(META_SHEET)
    rows: list[tuple[str, Any]] = [
        ("format", META_FORMAT),
        ("version", META_VERSION),
        ("unit", unit.name),
        ("unit_id", unit.id),
        ("as_of", day.isoformat()),
        ("commit", commit or ""),
        ("language", current_language()),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        sheet.cell(row=row, column=1, value=key)
        put(sheet, row, 2, value)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
