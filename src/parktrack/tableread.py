"""Reading a 台賬 table (xlsx or csv) into cells, each with the reference a spreadsheet shows (`台賬.xlsx!F23`).

Only the grid is read here; `tableparse` makes sense of it. openpyxl is imported only when a
workbook is read, so nothing on the CLI's read path pays for it.
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
    if suffix in (".xlsx", ".xlsm"):
        return _workbook_grids(path)
    raise UsageError(_("{path}: not a table parktrack reads; give an .xlsx or .csv file").format(path=path))


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
    from zipfile import BadZipFile

    from openpyxl import load_workbook  # a heavy import, for this command only

    try:
        # not read-only: merged ranges are only known to a fully loaded sheet
        book = load_workbook(path, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UsageError(_("{path}: cannot read the workbook: {reason}").format(path=path, reason=exc)) from None
    grids = []
    for sheet in book.worksheets:
        rows = [[cell_text(cell.value) for cell in row] for row in sheet.iter_rows()]
        for merged in sheet.merged_cells.ranges:
            value = cell_text(sheet.cell(merged.min_row, merged.min_col).value)
            for row in range(merged.min_row - 1, merged.max_row):
                for column in range(merged.min_col - 1, merged.max_col):
                    if row < len(rows) and column < len(rows[row]):
                        rows[row][column] = value
        source = path.name if len(book.worksheets) == 1 else f"{path.name}!{sheet.title}"
        grids.append(Grid(source, rows, sheet.title))
    return grids


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
