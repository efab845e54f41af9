"""Reading a 台賬 table (xlsx or csv) into cells, each with the reference a spreadsheet shows (`台賬.xlsx!F23`).

Only the grid is read here; `tableparse` makes sense of it. The workbook reader is imported only
when a workbook is read, so nothing on the CLI's read path pays for it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from parktrack.errors import UsageError
from parktrack.i18n import _

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel's UTF-8 with BOM, and what WPS/Excel save on a Chinese Windows


@dataclass(frozen=True)
class Grid:
    """A sheet as rows of text; merged cells carry their value into every cell they cover."""

    source: str  # what references start with: `台賬.xlsx` or `台賬.xlsx!重點任務`
    rows: list[list[str]]
    sheet: str | None = None  # the workbook sheet's name; None for a CSV file

    def ref(self, row: int, column: int) -> str:
        """`台賬.xlsx!F23` for the 0-based row and column."""
        return f"{self.source}!{column_letter(column)}{row + 1}"

    def cell(self, row: int, column: int | None) -> str:
        if column is None or column >= len(self.rows[row]):
            return ""
        return self.rows[row][column]


def column_letter(column: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as spreadsheets name columns."""
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def read_grids(path: Path) -> list[Grid]:
    """Every sheet of a workbook, or the one table of a CSV file."""
    if not path.is_file():
        raise UsageError(_("{path}: no such file").format(path=path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [Grid(path.name, _csv_rows(path))]
    if suffix in (".xlsx", ".xlsm", ".xls"):  # .xls: Excel 97-2003, still what many offices and WPS save
        return _workbook_grids(path)
    raise UsageError(_("{path}: not a table parktrack reads; give an .xlsx, .xls or .csv file").format(path=path))


def _csv_rows(path: Path) -> list[list[str]]:
    return [[cell_text(value) for value in row] for row in csv_rows(path)]


def csv_rows(path: Path) -> list[list[str]]:
    """A CSV file's rows as Excel or WPS saved them: UTF-8 (with or without a BOM) or GB18030.

    Read with newline="": a line break inside a quoted cell (Alt+Enter) stays in the cell, and only CR
    and LF end rows (str.splitlines also breaks at U+000B, U+2028 …, splitting a row in two)."""
    raw = path.read_bytes()
    if b"\x00" in raw:  # UTF-16 (Excel's "Unicode Text"), which both encodings below would read as garbage
        raise UsageError(_("{path}: the file is neither UTF-8 nor GB18030 text").format(path=path))
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text, newline="")))
    raise UsageError(_("{path}: the file is neither UTF-8 nor GB18030 text").format(path=path))


def _workbook_grids(path: Path) -> list[Grid]:
    """Every worksheet's cells from A1, merged ranges filled with their first cell's value.

    Read by calamine, not openpyxl: openpyxl styles the border of every merged range as it loads a
    sheet, a minute for a 10,000-row 台賬 whose section rows are merged (calamine: a second)."""
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum  # for this command only

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = [sheet.name for sheet in book.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet]
        grids = [_grid(path, book.get_sheet_by_name(name), len(sheets) > 1) for name in sheets]
    except (CalamineError, ValueError):  # its words are English (Cfb error: Invalid OLE …): say what it means
        raise unreadable_workbook(path) from None
    except OSError as exc:
        raise unreadable_workbook(path, str(exc)) from None
    return grids


def unreadable_workbook(path: Path, reason: str | None = None) -> UsageError:
    """The error for a workbook that cannot be read; without a `reason` (the reader's own words, in
    English), what it usually means: a damaged file, or another format renamed."""
    if reason is None:
        reason = _(
            "the file is damaged, or was not saved as an Excel workbook (.xlsx); save it again from Excel or WPS"
        )
    return UsageError(_("{path}: cannot read the workbook: {reason}").format(path=path, reason=reason))


def _grid(path: Path, sheet: Any, named: bool) -> Grid:
    rows = [[cell_text(value) for value in row] for row in sheet.to_python(skip_empty_area=False)]
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or ():
        value = rows[top][left] if top < len(rows) and left < len(rows[top]) else ""
        for row in rows[top : bottom + 1]:
            row[left : right + 1] = [value] * len(row[left : right + 1])
    return Grid(f"{path.name}!{sheet.name}" if named else path.name, rows, sheet.name)


def cell_text(value: Any) -> str:
    """A cell's value as text: whole numbers without `.0`, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
