"""Reading a unit's fill-in sheet back and planning what it changes (`parktrack import`).

A sheet is read (xlsx through openpyxl, or CSV exported from one), every cell checked against
the ledger, and turned into a plan: per row, what it records, what it would change, whether it is
already recorded (importing twice records nothing) or conflicts with a change made in the ledger
since the sheet was cut. Every bad cell is reported at once (`縣財政局.xlsx!F7: …`). The run over
several files, previewed together and written one by one, is `importrun`'s.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from parktrack import store
from parktrack.deadlines import half_width, normal_period, parse_day, period_bounds
from parktrack.errors import Problem, UsageError
from parktrack.i18n import _, display
from parktrack.indicators import early_figure, parse_value
from parktrack.ledger import Ledger
from parktrack.models import Indicator, Task, Unit, control_problem
from parktrack.names import fold
from parktrack.sheets import (
    FIRST_ROW,
    INDICATOR_FIELDS,
    INDICATOR_OPEN,
    ITEM_FIELDS,
    ITEM_ID,
    ITEM_OPEN,
    META_FORMAT,
    META_SHEET,
    unit_indicators,
    unit_items,
)
from parktrack.store import DataDir
from parktrack.tableread import csv_rows, unreadable_workbook
from parktrack.updates import Change, Figure, plan_change
from parktrack.vocab import STATUS_LABELS, STATUSES, status_from_input

State = Literal["record", "recorded", "conflict", "theirs", "after"]  # after: an earlier file of the run changes it
_COUNT = re.compile(r"^([0-9]+)(?:\.0*)?$")  # a whole number as a cell or a CSV writes it
# what Excel, WPS and LibreOffice show (and save) for a formula that fails; LibreOffice's own CSV has Err:502
_FORMULA_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!"})
_LIBREOFFICE_ERROR = re.compile(r"^Err:\d{3}$")
_COMMIT = re.compile(r"^[0-9a-f]{7,64}$")
# a day, and the time of day a date-and-time cell saved as text carries (2024/6/30 8:00): the day is read
_DAY_SHAPE = re.compile(
    r"^(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日號号]?)(?:\s*[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


# --- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One sheet's cells as values, row 1 first; `prefix` names it in a cell reference."""

    prefix: str
    rows: list[list[Any]]

    def cell(self, row: int, column: int) -> Any:
        values = self.rows[row - 1] if row <= len(self.rows) else []
        return values[column - 1] if column <= len(values) else None

    def ref(self, row: int, column: int) -> str:
        return f"{self.prefix}!{column_letter(column)}{row}"


@dataclass(frozen=True)
class Upload:
    """One file as read: its tables (hidden ones too) and what its parktrack sheet says it was cut for."""

    path: Path
    tables: list[Table]
    meta: dict[str, str] | None


def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read(path: Path) -> Upload:
    """Read a fill-in workbook (.xlsx) or one of its sheets exported as CSV."""
    if not path.is_file():
        raise UsageError(_("{path}: no such file").format(path=path))
    if path.name.startswith("~$"):  # what Excel keeps beside a workbook it has open
        message = _(
            "{path}: Excel's owner file of a workbook open in Excel, not a sheet; "
            "close it in Excel, and leave this file out"
        )
        raise UsageError(message.format(path=path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Upload(path, [Table(path.name, _read_csv(path))], None)
    if suffix not in _WORKBOOKS:  # .xls (Excel 97-2003, WPS's compatibility mode), .et, .ods …: no number formats
        message = _(
            "{path}: not a sheet parktrack reads; save it as an Excel workbook (.xlsx) or as CSV, then import that"
        )
        raise UsageError(message.format(path=path))
    return _read_xlsx(path)


_WORKBOOKS = (".xlsx", ".xlsm")  # what openpyxl reads, number formats and all (12.5% is stored as 0.125)


def _read_csv(path: Path) -> list[list[Any]]:
    return [[cell if cell != "" else None for cell in row] for row in csv_rows(path)]


def _read_xlsx(path: Path) -> Upload:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, data_only=True)
    except zipfile.BadZipFile:
        raise unreadable_workbook(path) from None
    except (InvalidFileException, KeyError, ValueError, OSError) as error:
        raise unreadable_workbook(path, str(error)) from None
    tables: list[Table] = []
    meta: dict[str, str] | None = None
    for sheet in book.worksheets:
        rows = [[_cell_value(cell) for cell in row] for row in sheet.iter_rows()]
        if sheet.title == META_SHEET and _text(sheet.cell(1, 1).value) == "format":  # hidden, or unhidden since
            meta = {str(row[0]): _text(row[1]) if len(row) > 1 else "" for row in rows if row and row[0] is not None}
            continue
        prefix = path.name if not tables else f"{path.name}!{sheet.title}"
        tables.append(Table(prefix, rows))  # hidden or not: a liaison may hide a sheet once it is filled in
    return Upload(path, tables, meta)


# what a number format prints as it stands: "quoted text" and a \-escaped character (0.0"%" shows 19.9 as 19.9%)
_FORMAT_LITERAL = re.compile(r'"[^"]*"|\\.')


def _cell_value(cell: Any) -> Any:
    """A cell's value; a number shown as a percentage (12% typed into Excel is stored as 0.12) as that text."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and _is_percent(cell.number_format):
        return f"{_text(round(value * 100, 10))}%"  # every digit typed (:g kept six: 12.34567% was 12.3457)
    return value


def _is_percent(number_format: str | None) -> bool:
    """Whether the format scales by 100: a bare %, not one the format only prints as text."""
    return "%" in _FORMAT_LITERAL.sub("", number_format or "")


# --- the plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One row of a sheet that records something, as the preview shows it."""

    ref: str
    item_id: str
    what: str  # status, note or figure
    old: str
    new: str
    note: str | None
    state: State
    change: Change | None = None
    figure: Figure | None = None
    earlier: str | None = None  # state "after": the file of the run whose change goes first
    date_ref: str | None = None  # the cell of the row's date, where a written row's date is refused

    @property
    def writes(self) -> bool:
        return self.state in ("record", "theirs")

    def what_it_sets(self) -> tuple[tuple[str, ...], object] | None:
        """What a written status or figure sets, keyed by what it sets it on (a note sets nothing)."""
        if self.change is not None and self.change.new_status is not None:
            return (self.item_id,), self.change.new_status
        if self.figure is not None:
            return (self.item_id, self.figure.period), (self.figure.value, self.figure.reference)
        return None


@dataclass
class SheetPlan:
    """What one file records, and for which unit, day and ledger commit it was cut."""

    path: Path
    unit: Unit
    as_of: date
    commit: str | None
    lines: list[Line] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [line.change for line in self.lines if line.writes and line.change]

    @property
    def figures(self) -> list[Figure]:
        return [line.figure for line in self.lines if line.writes and line.figure]

    @property
    def conflicts(self) -> list[Line]:
        return [line for line in self.lines if line.state == "conflict"]


@dataclass(frozen=True)
class SheetOutcome:
    plan: SheetPlan
    commit: str | None
    repo: str | None


class _Checker:
    """Collects every bad cell of one upload as a Problem, and plans the rest."""

    def __init__(self, ledger: Ledger, upload: Upload, today: date, theirs: bool) -> None:
        self.ledger, self.upload, self.today, self.theirs = ledger, upload, today, theirs
        self.indicator_ids = frozenset(indicator.id for indicator in ledger.indicators)
        # a sheet added to a workbook of ours is left alone; a CSV is the unit's one sheet, whatever it holds
        self.tables = [table for table in upload.tables if upload.meta is None or self._ours(table)]
        self.problems: list[Problem] = []
        self.seen: set[str] = set()  # ids met on any sheet of the file: a copied sheet is a copied row
        self.commit: str | None = None  # the ledger commit the sheet was cut from
        self.cut_texts: dict[str, dict[str, str]] = {}  # per data file, the locked texts at that commit
        self.cut_statuses: dict[str, str] | None = None  # the items' statuses at that commit, read when needed

    def _ours(self, table: Table) -> bool:
        """Whether a sheet is one to read: a sheet the liaison added (a cover note, a list of their own) has
        neither the unit, day or commit as cut in row 1 nor any id of the ledger in its first column, so
        nothing to record or check (headers across its row 1, or rows numbered 1, 2, 3, do not make it ours)."""
        meta = self.upload.meta or {}
        if any(
            meta.get(key) and _as_cut(key, _text(table.cell(1, column)), meta[key])
            for key, column in (("unit", 2), ("as_of", 4), ("commit", 6))
        ):
            return True
        return any(self._known_id(_text(table.cell(row, 1))) for row in range(1, len(table.rows) + 1))

    def _known_id(self, text: str) -> bool:
        """An id as the ledger writes it (a name's part, as `show` takes it, is not: 1 matched an indicator)."""
        return text in self.ledger.tasks.positions or text in self.indicator_ids

    def bad(self, ref: str, message: str) -> None:
        self.problems.append(Problem(ref, None, None, "", message))

    def plan(self) -> SheetPlan | None:
        header = self._header()
        if header is None:
            return None
        unit, as_of, commit = header
        self.commit = commit
        plan = SheetPlan(self.upload.path, unit, as_of, commit)
        is_indicator_id = self.indicator_ids.__contains__
        for table in self.tables:
            kind = _kind(table, self.indicator_ids)
            if kind == "items" and self._columns_as_cut(table, ITEM_FIELDS, _is_item_id):
                plan.lines += self._item_lines(table, unit)
                self._rows_without_id(table, ITEM_FIELDS, ITEM_OPEN, _is_item_id)
            elif kind == "indicators" and self._columns_as_cut(table, INDICATOR_FIELDS, is_indicator_id):
                plan.lines += self._figure_lines(table, unit)
                self._rows_without_id(table, INDICATOR_FIELDS, INDICATOR_OPEN, is_indicator_id)
        return plan

    def _rows_without_id(
        self, table: Table, fields: tuple[str, ...], open_fields: frozenset[str], is_id: Callable[[str], bool]
    ) -> None:
        """A row below the first id with an open cell filled and no id (inserted for a second report, or a
        figure under the table) records nothing: it is reported, not silently left out."""
        first = _first_id_row(table, is_id)
        if first is None:
            return
        for row in range(first + 1, len(table.rows) + 1):
            if not _text(table.cell(row, 1)) and _filled(table, row, fields, open_fields):
                self.bad(table.ref(row, 1), _("a row without an id; write on the row of the item or indicator"))

    def _columns_as_cut(self, table: Table, fields: tuple[str, ...], is_id: Callable[[str], bool]) -> bool:
        """Whether the header row above the first id has a title in each column as cut: an inserted or
        deleted column shifts every column after it, and is one bad cell, not one per row. Columns a
        liaison added after the last (a remark of their own) are left alone while the last, the hidden
        entries, still holds each row's count where it was cut."""
        first = _first_id_row(table, is_id)
        if first is None or first <= 2:
            return True  # row 1 says what the sheet was cut for; no header is left above the ids
        header = first - 1
        titles = [_text(value) for value in table.rows[header - 1]]
        if sum(map(bool, titles)) <= 1 or _COUNT.match(_text(table.cell(header, len(fields)))):
            return True  # not a header: the instruction row (the header deleted), or a row of data
        titles += [""] * (len(fields) - len(titles))  # a deleted column leaves the row shorter
        missing = next((column for column in range(1, len(fields) + 1) if not titles[column - 1]), None)
        added = next((column for column in range(len(fields) + 1, len(titles) + 1) if titles[column - 1]), None)
        wrong = missing or (added if added and not _entries_in_place(table, first, fields, is_id) else None)
        if wrong is not None:
            message = _("the columns were changed; keep them as the sheet was cut, inserting or deleting none")
            self.bad(table.ref(header, wrong), message)
            return False
        return True

    # the header: unit, as-of day and commit, checked against the hidden sheet

    def _header(self) -> tuple[Unit, date, str | None] | None:
        upload = self.upload
        if not self.tables:
            self.bad(upload.path.name, _("no visible sheet to read"))
            return None
        first = self.tables[0]
        shown = {key: _text(first.cell(1, column)) for key, column in (("unit", 2), ("as_of", 4), ("commit", 6))}
        meta = upload.meta
        if meta is not None and meta.get("format") != META_FORMAT:
            self.bad(upload.path.name, _("not a parktrack fill-in sheet (its hidden sheet is not ours)"))
            return None
        if meta is not None:
            self._check_row_one(meta)
        source = meta or shown
        if not source["unit"]:
            self.bad(first.ref(1, 2), _("not a parktrack fill-in sheet: no unit in row 1"))
            return None
        try:
            unit = self.ledger.find_unit(source["unit"])
        except UsageError as error:
            self.bad(first.ref(1, 2), str(error))
            return None
        as_of = self._day(first.ref(1, 4), source["as_of"], future=True)  # a round cut ahead, as of month end
        commit = source["commit"] or None
        if commit is not None and not (_COMMIT.match(commit) and _commit_known(self.ledger.data, commit)):
            message = _("cut from ledger commit {commit}, which this repository does not have")
            if _COMMIT.match(commit):  # a real id: the sheets were cut in a fuller clone of the ledger
                message += _(" (`git fetch` brings it from the repository the sheets were cut in; "
                             "`git fetch --unshallow` in a shallow clone)")  # fmt: skip
            self.bad(first.ref(1, 6), message.format(commit=commit[:10]))
        if as_of is None:
            return None
        return unit, as_of, commit

    def _check_row_one(self, meta: dict[str, str]) -> None:
        """Row 1 of every sheet says what the hidden sheet says (the cells are locked; a CSV keeps only row 1)."""
        for key, column in (("unit", 2), ("as_of", 4), ("commit", 6)):
            expected = meta.get(key, "")
            for table in self.tables:
                if not _as_cut(key, _text(table.cell(1, column)), expected):
                    message = _("changed: the sheet was cut for '{expected}'").format(expected=expected)
                    self.bad(table.ref(1, column), message)

    def _day(self, ref: str, value: Any, future: bool = False) -> date | None:
        """A calendar day from a date cell or text; impossible days, and future ones unless `future`, are bad cells."""
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        else:
            text = half_width(_text(value))
            shape = _DAY_SHAPE.match(text)
            if not shape:
                self.bad(ref, _("'{text}' is not a date; write it as YYYY-MM-DD").format(text=text))
                return None
            try:
                day = parse_day("".join(shape[1].split()))  # the spaces the shape allows: 2024 年 6 月 20 日
            except (UsageError, ValueError, OverflowError):
                self.bad(ref, _("impossible date '{text}'").format(text=text))
                return None
        if day > self.today and not future:
            self.bad(ref, _("the date {day} is in the future").format(day=day.isoformat()))
            return None
        return day

    def _change_day(self, ref: str, value: Any) -> date | None:
        """An item's change day: a `_day`, not years before the plan's (a figure's has its period's check)."""
        day = self._day(ref, value)
        if day is not None and day.year < self.ledger.plan.year - 1:  # Excel reads a bare 30 as 1900-01-30
            message = _(
                "the date {day} is years before the plan's year {year}; check the year (a bare number in a"
                " date cell is a day counted from 1900)"
            )
            self.bad(ref, message.format(day=day.isoformat(), year=self.ledger.plan.year))
            return None
        return day

    def _entries(self, table: Table, row: int, fields: tuple[str, ...]) -> int | None:
        position = fields.index("entries") + 1
        count = _COUNT.match(_text(table.cell(row, position)))
        if count is None:  # not a count as cut: inf ended in an OverflowError, -1 was taken
            self.bad(table.ref(row, position), _("the hidden column of entries was changed; cut a new sheet"))
            return None
        return int(count[1])

    # items

    def _item_lines(self, table: Table, unit: Unit) -> Iterator[Line]:
        mine = {task.id: task for task, _role in unit_items(self.ledger, unit)}
        col = {name: position for position, name in enumerate(ITEM_FIELDS, start=1)}
        for row in _data_rows(table, _is_item_id):
            item_id = _text(table.cell(row, col["id"]))
            filled = _filled(table, row, ITEM_FIELDS, ITEM_OPEN)
            if not item_id or (item_id not in mine and not filled and self._left_as_cut(table, row, store.TASKS_FILE)):
                continue
            task = self._task(table.ref(row, col["id"]), item_id, mine, unit)
            if task is None or self._repeated(table.ref(row, col["id"]), task.id, filled):
                continue
            if self._locked_changed(_text(table.cell(row, col["text"])), task.text, task.id, store.TASKS_FILE):
                self.bad(
                    table.ref(row, col["text"]), _("the text of {id} was changed; it is locked").format(id=task.id)
                )
            line = self._item_line(table, row, col, task)
            if line is not None:
                yield line

    def _locked_changed(self, shown: str, now: str, entry_id: str, file: str) -> bool:
        """Whether a locked text (an item's text, an indicator's name) differs from the one the sheet was cut
        with: the ledger's own, or the one at the commit of the cut (the office may have edited it since)."""
        if fold(shown) == fold(now):
            return False
        then = self._cut_text(file, entry_id)
        return then is None or fold(shown) != fold(then)

    def _cut_text(self, file: str, entry_id: str) -> str | None:
        if file not in self.cut_texts:
            self.cut_texts[file] = _texts_at(self.ledger.data.path, self.commit, file)
        return self.cut_texts[file].get(entry_id)

    def _status_changed(self, task: Task, shown: str, entries: int) -> bool:
        """Whether 当前状态 says another status than the sheet was cut with: the one the item's first
        `entries` history entries leave, or, where an entry went in before them since (a 補記), the item's
        status at the commit of the cut."""
        if shown == _status_at_cut(task, entries):
            return False
        if self.cut_statuses is None:
            self.cut_statuses = _statuses_at(self.ledger.data.path, self.commit)
        then = self.cut_statuses.get(task.id)
        return then is None or shown != then

    def _left_as_cut(self, table: Table, row: int, file: str) -> bool:
        """Whether an empty row of an entry that is not the unit's (it moved to another unit, or left the
        ledger, since the cut) is as it was cut: its id and locked text as the ledger had them then. It
        records nothing, so an old sheet is not refused for it."""
        then = self._cut_text(file, _text(table.cell(row, 1)))
        shown = _text(table.cell(row, 2))  # the item's text, the indicator's name
        return then is not None and fold(shown) == fold(then)

    def _repeated(self, ref: str, entry_id: str, filled: bool) -> bool:
        """One filled row per item or indicator: a copied row would record twice. A row left empty records
        nothing (the blank original of a sheet the liaison copied, filled and hid it behind)."""
        if not filled:
            return False
        if entry_id in self.seen:
            self.bad(ref, _("{id} appears on more than one row; keep one").format(id=entry_id))
            return True
        self.seen.add(entry_id)
        return False

    def _task(self, ref: str, item_id: str, mine: dict[str, Task], unit: Unit) -> Task | None:
        if item_id in mine:
            return mine[item_id]
        try:
            task = self.ledger.task(item_id)
        except UsageError:
            self.bad(ref, _("unknown item '{id}'; the id column is locked").format(id=item_id))
            return None
        if task.id in mine:  # T1 for T01: typed over
            message = _("'{typed}' is not the id as cut, {id}; the id column is locked")
            self.bad(ref, message.format(typed=item_id, id=task.id))
            return None
        self.bad(ref, _("{id} is not an item of {unit}").format(id=task.id, unit=display(unit.name)))
        return None

    def _item_line(self, table: Table, row: int, col: dict[str, int], task: Task) -> Line | None:
        if self._formula_errors(table, row, col, ITEM_OPEN):
            return None
        status_text = _text(table.cell(row, col["status"]))
        note = self._note(table.ref(row, col["note"]), table.cell(row, col["note"]))
        day_value = table.cell(row, col["date"])
        date_ref = table.ref(row, col["date"])
        entries = self._entries(table, row, ITEM_FIELDS)
        cut_status = status_from_input(_text(table.cell(row, col["current"])))
        if cut_status is None or (entries is not None and self._status_changed(task, cut_status, entries)):
            # typed over (the protection has no password): 已完成 there and under 新状态 asked for no change
            self.bad(table.ref(row, col["current"]), _("the current status was changed; it is locked"))
            cut_status = None
        if not _latest_as_cut(task, _text(table.cell(row, col["latest"]))):
            message = _("the latest progress was changed; it is locked: write progress under 進展情況")
            self.bad(table.ref(row, col["latest"]), message)
        wanted = self._status(table.ref(row, col["status"]), status_text, task) if status_text else None
        bad_status = bool(status_text) and wanted is None  # reported; the row's other cells are checked too
        if wanted is not None and wanted == cut_status:
            wanted = None  # the status as it was cut: no change asked for
        if wanted is None and note is None and not bad_status:
            if _text(day_value) and not status_text:
                self.bad(date_ref, _("a date without a new status or a note"))
            return None
        if not _text(day_value):
            self.bad(date_ref, _("give the date of the change"))
            return None
        day = self._change_day(date_ref, day_value)
        if bad_status and day is not None and entries is not None:
            self._date_as_for_a_status(date_ref, task, day, entries)
        if bad_status or day is None or entries is None or cut_status is None:
            return None
        return self._plan_item(table.ref(row, col["id"]), date_ref, task, wanted, note, day, entries)

    def _date_as_for_a_status(self, date_ref: str, task: Task, day: date, entries: int) -> None:
        """What a row's date would be refused for had its unknown status been a known one: checked unless
        the row would be a conflict (the item changed since the cut, and not --theirs)."""
        if self.theirs or not _changed_since(task, entries):
            self._before_last(date_ref, task, day)

    def _formula_errors(self, table: Table, row: int, col: dict[str, int], open_fields: frozenset[str]) -> bool:
        """Whether an open cell of the row shows a formula's error (#NAME?: a spreadsheet took a note typed
        as -已对接 for a formula): reported, as it is not what the unit wrote."""
        found = False
        for name in sorted(open_fields, key=col.__getitem__):
            text = _text(table.cell(row, col[name]))
            if text in _FORMULA_ERRORS or _LIBREOFFICE_ERROR.match(text):
                message = _(
                    "the cell shows a formula's error, {error}; type the text itself "
                    "(start it with ' to keep a leading = + or -)"
                )
                self.bad(table.ref(row, col[name]), message.format(error=text))
                found = True
        return found

    def _note(self, ref: str, value: Any) -> str | None:
        """A note cell's text; one holding a control character is reported (and kept, so the row's other
        cells are checked too: nothing is written while any cell is bad)."""
        note = _text(value) or None
        problem = control_problem(_("the note"), note)
        if problem is not None:
            self.bad(ref, problem)
        return note

    def _before_last(self, date_ref: str, task: Task, day: date) -> bool:
        """Whether `day` comes before the item's last recorded change (reported)."""
        last = task.history[-1].date if task.history else None
        if last is not None and day < last:
            message = _("dated {day}, before the last recorded change of {id}, on {last}").format(
                day=day.isoformat(), id=task.id, last=last.isoformat()
            )
            self.bad(date_ref, message)
            return True
        return False

    def _status(self, ref: str, text: str, task: Task) -> str | None:
        status = status_from_input(text)
        if status is None:
            self.bad(ref, _("unknown status '{text}'").format(text=text) + _status_hint(text))
        elif status == "ongoing" and not task.long_term:
            self.bad(ref, _("{label} is only for long-term items (並長期堅持 / 持續推進)").format(label=text))
            return None
        return status

    def _plan_item(
        self, ref: str, date_ref: str, task: Task, wanted: str | None, note: str | None, day: date, entries: int
    ) -> Line | None:
        changed_since = _changed_since(task, entries)
        what = "status" if wanted else "note"
        old, new = (_label(task.status), _label(wanted)) if wanted else ("", "")

        def line(state: State, change: Change | None = None) -> Line:
            return Line(ref, task.id, what, old, new, note, state, change=change)

        if any(entry.date == day and entry.status == wanted and entry.note == note for entry in task.history):
            return line("recorded")
        if wanted is not None and wanted == task.status:
            if note is None or any(entry.note == note and entry.date == day for entry in task.history):
                return line("recorded")  # the ledger already says so
            wanted, what, old, new = None, "note", "", ""
        conflict = wanted is not None and changed_since
        if conflict and not self.theirs:
            return line("conflict")
        if self._before_last(date_ref, task, day):
            return None
        try:
            change = plan_change(task, wanted, day, note)
        except UsageError as error:
            self.bad(ref, str(error))
            return None
        state: State = "theirs" if conflict else "record"
        return Line(ref, task.id, what, old, new, note, state, change=change, date_ref=date_ref)

    # indicators

    def _figure_lines(self, table: Table, unit: Unit) -> Iterator[Line]:
        mine = {indicator.id: indicator for indicator in unit_indicators(self.ledger, unit)}
        col = {name: position for position, name in enumerate(INDICATOR_FIELDS, start=1)}
        for row in _data_rows(table, self.indicator_ids.__contains__):
            indicator_id = _text(table.cell(row, col["id"]))
            filled = _filled(table, row, INDICATOR_FIELDS, INDICATOR_OPEN)
            if not indicator_id or (
                indicator_id not in mine and not filled and self._left_as_cut(table, row, store.INDICATORS_FILE)
            ):
                continue
            indicator = self._indicator(table.ref(row, col["id"]), indicator_id, mine, unit)
            if indicator is None or self._repeated(table.ref(row, col["id"]), indicator.id, filled):
                continue
            if self._locked_changed(
                _text(table.cell(row, col["name"])), indicator.name, indicator.id, store.INDICATORS_FILE
            ):
                message = _("the name of {id} was changed; it is locked").format(id=indicator.id)
                self.bad(table.ref(row, col["name"]), message)
            line = self._figure_line(table, row, col, indicator)
            if line is not None:
                yield line

    def _indicator(self, ref: str, indicator_id: str, mine: dict[str, Indicator], unit: Unit) -> Indicator | None:
        if indicator_id in mine:
            return mine[indicator_id]
        try:
            indicator = self.ledger.indicator(indicator_id)
        except UsageError:
            self.bad(ref, _("unknown indicator '{id}'; the id column is locked").format(id=indicator_id))
            return None
        self.bad(ref, _("{id} is not an indicator of {unit}").format(id=indicator.id, unit=display(unit.name)))
        return None

    def _figure_line(self, table: Table, row: int, col: dict[str, int], indicator: Indicator) -> Line | None:
        if self._formula_errors(table, row, col, INDICATOR_OPEN):
            return None
        cells = {name: table.cell(row, col[name]) for name in ("figure", "period", "reference", "date", "note")}
        texts = {name: _text(value) for name, value in cells.items()}
        entries = self._entries(table, row, INDICATOR_FIELDS)
        note = self._note(table.ref(row, col["note"]), cells["note"])
        if not _latest_figure_as_cut(indicator, _text(table.cell(row, col["latest"]))):
            message = _("the latest figure was changed; it is locked: write the figure in the Figure column")
            self.bad(table.ref(row, col["latest"]), message)
        if not texts["figure"]:
            for name in ("period", "reference", "date", "note"):
                if texts[name]:
                    self.bad(table.ref(row, col["figure"]), _("give the figure, or clear the row"))
                    break
            return None
        value = self._figure_value(table.ref(row, col["figure"]), indicator, cells["figure"])
        period = self._period(table.ref(row, col["period"]), indicator, cells["period"])
        reference = self._reference(table.ref(row, col["reference"]), indicator, cells["reference"])
        if not texts["date"]:
            self.bad(table.ref(row, col["date"]), _("give the date of the figure"))
            return None
        day = self._day(table.ref(row, col["date"]), cells["date"])
        if value is None and period is not None and day is not None and entries is not None:
            self._date_of_a_bad_figure(table.ref(row, col["date"]), indicator, period, day, entries)
        if value is None or period is None or day is None or entries is None or reference is False:
            return None
        early = early_figure(period, day)
        if early is not None:
            self.bad(table.ref(row, col["date"]), early)
            return None
        figure = Figure(indicator.id, period, value, reference or None, day, note, None)
        return self._plan_figure(table.ref(row, col["id"]), table.ref(row, col["date"]), indicator, figure, entries)

    def _date_of_a_bad_figure(self, date_ref: str, indicator: Indicator, period: str, day: date, entries: int) -> None:
        """The checks a good figure's date gets, so that the row's bad cells are all reported at once
        (none where the figure would be a conflict)."""
        if self.theirs or not _recorded_since(indicator, period, entries):
            self._before_last_figure(date_ref, indicator, day)

    def _before_last_figure(self, date_ref: str, indicator: Indicator, day: date) -> None:
        last = max((actual.recorded for actual in indicator.actuals), default=None)
        if last is not None and day < last:
            message = _("dated {day}, before the last figure of {id}, recorded on {last}").format(
                day=day.isoformat(), id=indicator.id, last=last.isoformat()
            )
            self.bad(date_ref, message)

    def _figure_value(self, ref: str, indicator: Indicator, value: Any) -> bool | float | None:
        try:
            return parse_value(indicator, _text(value))
        except UsageError as error:
            self.bad(ref, str(error))
            return None

    def _period(self, ref: str, indicator: Indicator, value: Any) -> str | None:
        # a spreadsheet that read 2024-06 as a day gives it back as that month
        text = f"{value.year}-{value.month:02d}" if isinstance(value, datetime | date) else _text(value)
        if not text:
            self.bad(ref, _("give the period of the figure, such as {year}Q2").format(year=self.ledger.plan.year))
            return None
        try:
            period = normal_period(text)
        except UsageError as error:
            self.bad(ref, str(error))
            return None
        year = self.ledger.plan.year
        if period_bounds(period)[0].year != year:
            self.bad(ref, _("period {period} is outside the plan's year, {year}").format(period=period, year=year))
            return None
        wanted = {"quarter": "Q", "half": "H"}.get(indicator.period)
        if wanted and wanted not in period:
            example = f"{year}Q1" if wanted == "Q" else f"{year}H1"
            self.bad(ref, _("{id} is reported per period such as {example}").format(id=indicator.id, example=example))
            return None
        return period

    def _reference(self, ref: str, indicator: Indicator, value: Any) -> float | Literal[False] | None:
        """The reference figure of a margin target; False when the cell is bad."""
        text = _text(value)
        if indicator.kind != "margin":
            if text:
                self.bad(ref, _("{id} has no reference figure; clear this cell").format(id=indicator.id))
                return False
            return None
        if not text:
            message = _("{id} is measured against {what}; give that figure").format(
                id=indicator.id, what=display(indicator.reference or "")
            )
            self.bad(ref, message)
            return False
        try:
            return float(parse_value(indicator, text))
        except UsageError as error:
            self.bad(ref, str(error))
            return False

    def _plan_figure(self, ref: str, date_ref: str, indicator: Indicator, figure: Figure, entries: int) -> Line:
        same_period = [index for index, actual in enumerate(indicator.actuals) if actual.period == figure.period]
        shown = figure_text(figure.value)
        old = ""
        state: State = "record"
        if same_period:
            latest = indicator.actuals[same_period[-1]]
            old = f"{figure_text(latest.value)} ({latest.period})"
            same = latest.value == figure.value and latest.reference == figure.reference
            if same and (figure.note is None or any(indicator.actuals[i].note == figure.note for i in same_period)):
                return Line(ref, indicator.id, "figure", old, f"{shown} ({figure.period})", figure.note, "recorded")
            # a new value is a correction, as `record --correct`; so is the same one with a new note, which
            # agrees with a figure recorded since the cut (no conflict), as a note-only row of an item does
            if not same and _recorded_since(indicator, figure.period, entries):
                state = "theirs" if self.theirs else "conflict"
            figure = replace(figure, replaces=latest.value)
        if state != "conflict":
            self._before_last_figure(date_ref, indicator, figure.recorded)
        new = f"{shown} ({figure.period})"
        return Line(ref, indicator.id, "figure", old, new, figure.note, state, figure=figure, date_ref=date_ref)


def _recorded_since(indicator: Indicator, period: str, entries: int) -> bool:
    """Whether a figure for `period` was recorded in the ledger since the sheet was cut (`entries` then)."""
    return any(index >= entries for index, actual in enumerate(indicator.actuals) if actual.period == period)


def _status_at_cut(task: Task, entries: int) -> str:
    """The status the sheet showed as 当前状态: the last one the item's first `entries` history entries set,
    else the one it had before any entry set one."""
    statuses = [entry.status for entry in task.history if entry.status]
    set_then = [entry.status for entry in task.history[:entries] if entry.status]
    return set_then[-1] if set_then else ("not_started" if statuses else task.status)


def _latest_as_cut(task: Task, shown: str) -> bool:
    """Whether 最新进展 holds what a sheet cut from the ledger shows there (a dated note of the item, in
    either script, however the spreadsheet spaced or broke it) or nothing: not progress typed there."""
    if not shown:
        return True
    return _squeezed(shown) in {
        _squeezed(f"{entry.date.isoformat()} {entry.note}") for entry in task.history if entry.note
    }


def _latest_figure_as_cut(indicator: Indicator, shown: str) -> bool:
    """Whether 最新数据 holds what a sheet cut from the ledger shows there (a figure of the indicator with its
    period) or nothing: not a figure typed there."""
    if not shown:
        return True
    return _squeezed(shown) in {
        _squeezed(f"{figure_text(actual.value)} ({actual.period})") for actual in indicator.actuals
    }


def _squeezed(text: str) -> str:
    """Text compared as a spreadsheet may give it back: either script, no spaces or line breaks."""
    return "".join(fold(text).split())


def _changed_since(task: Task, entries: int) -> bool:
    """Whether the item's status was changed in the ledger since the sheet was cut (`entries` then)."""
    since = task.history[entries:] if entries <= len(task.history) else task.history
    return any(entry.status for entry in since) or entries > len(task.history)


def _kind(table: Table, indicator_ids: frozenset[str]) -> str | None:
    """Items or indicators, told by the ids in the first column (any language, any spreadsheet): any item
    id makes it the items sheet, whatever stands above it (a header pushed down by an inserted row)."""
    if any(_is_item_id(_text(table.cell(row, 1))) for row in range(2, len(table.rows) + 1)):
        return "items"
    return "indicators" if _data_rows(table, indicator_ids.__contains__) else None


def _is_item_id(text: str) -> bool:
    return ITEM_ID.match(text) is not None


def _entries_in_place(table: Table, first: int, fields: tuple[str, ...], is_id: Callable[[str], bool]) -> bool:
    """Whether every row holding an id, from `first` on, has its count of entries in the last column as cut."""
    rows = [row for row in range(first, len(table.rows) + 1) if is_id(_text(table.cell(row, 1)))]
    return all(_COUNT.match(_text(table.cell(row, len(fields)))) for row in rows)


def _filled(table: Table, row: int, fields: tuple[str, ...], open_fields: frozenset[str]) -> bool:
    """Whether the unit wrote in any of a row's open cells."""
    return any(_text(table.cell(row, fields.index(name) + 1)) for name in open_fields)


def _first_id_row(table: Table, is_id: Callable[[str], bool]) -> int | None:
    """The first row below row 1 whose first cell holds an id; None when none does."""
    return next((row for row in range(2, len(table.rows) + 1) if is_id(_text(table.cell(row, 1)))), None)


def _data_rows(table: Table, is_id: Callable[[str], bool]) -> list[int]:
    """The rows holding something in the first column from the first data row on, and the rows above it
    holding an id (a deleted row above the header moved the first ones up)."""
    rows = []
    for row in range(2, len(table.rows) + 1):
        text = _text(table.cell(row, 1))
        if text and (row >= FIRST_ROW or is_id(text)):
            rows.append(row)
    return rows


def _as_cut(key: str, shown: str, expected: str) -> bool:
    """Whether a cell of row 1 says what the hidden sheet does; a zh-Hans sheet shows the unit simplified."""
    return shown == expected or (key == "unit" and fold(shown) == fold(expected))


def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _label(status: str) -> str:
    return display(STATUS_LABELS[status])


def figure_text(value: bool | float | None) -> str:
    if value is None:  # a withdrawn figure
        return ""
    return ("是" if value else "否") if isinstance(value, bool) else f"{value:g}"


def _status_hint(text: str) -> str:
    """Suggest the label sharing most characters (完了 -> 已完成), or the closest id for Latin text."""
    if text.isascii():
        from parktrack.names import suggestions

        close = suggestions(text.lower(), STATUSES, limit=1)
        return _(" (did you mean {choice}?)").format(choice=close[0]) if close else ""
    labels = [display(label) for label in STATUS_LABELS.values()]
    folded = set(fold(text))
    overlap = {label: len(folded & set(fold(label))) for label in labels}
    best = max(labels, key=lambda label: overlap[label])
    return _(" (did you mean {choice}?)").format(choice=best) if overlap[best] else ""


@cache  # a commit's version never changes: read once per run, not once per sheet and check
def _texts_at(folder: Path, commit: str | None, file: str) -> dict[str, str]:
    """Each entry's locked text (`text` of an item, `name` of an indicator) in `file` at `commit`; {} when
    there is no such version to read."""
    field = "text" if file == store.TASKS_FILE else "name"
    return {str(entry["id"]): str(entry[field]) for entry in _entries_at(folder, commit, file) if field in entry}


def _statuses_at(folder: Path, commit: str | None) -> dict[str, str]:
    """Each item's status at `commit`; {} when there is no such version to read."""
    entries = _entries_at(folder, commit, store.TASKS_FILE)
    return {str(entry["id"]): str(entry.get("status", "not_started")) for entry in entries}


def _entries_at(folder: Path, commit: str | None, file: str) -> list[dict[str, Any]]:
    """The items (or indicators) of `file` at `commit`, as plain data; [] when there is no such version."""
    from parktrack import gitrepo

    repo = gitrepo.repo_root(folder)
    if commit is None or repo is None or not _COMMIT.match(commit):  # a cell's text is never an option to git
        return []
    try:
        text = gitrepo.committed_text(repo, folder / file, commit)
    except ValueError:  # the data folder is not inside the repository's work tree as resolved
        return []
    content = store.load_plain(text) if text is not None else None
    entries = content.get("tasks" if file == store.TASKS_FILE else "indicators") if isinstance(content, dict) else None
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, dict) and "id" in entry]


def _commit_known(data: DataDir, commit: str) -> bool:
    from parktrack import gitrepo

    return gitrepo.has_commit(data.path, commit)


def check_sheet(ledger: Ledger, upload: Upload, today: date, theirs: bool) -> tuple[SheetPlan | None, list[Problem]]:
    """One upload checked cell by cell against `ledger`: its plan (None when it is no sheet of ours to
    read) and every bad cell found."""
    checker = _Checker(ledger, upload, today, theirs)
    return checker.plan(), checker.problems


def read_all(paths: Sequence[Path]) -> list[Upload]:
    """The files, each read once: what the preview shows is what is applied, even if a file changes meanwhile."""
    return [read(path) for path in expand_wildcards(paths)]


_WILDCARD = re.compile(r"[*?[]")


def expand_wildcards(paths: Sequence[Path]) -> list[Path]:
    """The files a pattern such as 填報/*.xlsx names, where no file has that very name: cmd.exe and
    PowerShell pass the * as typed (expanding it is the program's job on Windows). Excel's owner file
    (~$縣財政局.xlsx, beside a workbook open in Excel) is no sheet and is left out."""
    found: list[Path] = []
    for path in paths:
        if path.exists() or not _WILDCARD.search(str(path)):
            found.append(path)
            continue
        anchor = Path(path.anchor)  # Path.glob takes a relative pattern: D:\ (or /) and the rest
        matches = sorted(
            match for match in anchor.glob(str(path.relative_to(anchor))) if not match.name.startswith("~$")
        )
        if not matches:
            raise UsageError(_("{pattern}: no file matches").format(pattern=path))
        found += matches
    return found
