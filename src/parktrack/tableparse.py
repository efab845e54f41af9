"""Making sense of a 台賬 table: its header, section rows, items, unit lists, groups and 完成時限.

The standard layout: title row(s), then a header row 序號 | 具體工作舉措 | 牽頭領導 | 牽頭單位 |
配合單位 | 完成時限 (any further columns, an id column, simplified or English headers are
tolerated), then section rows whose number cell holds 一、二、… and item rows. Every cell that
cannot be read with confidence becomes a finding with its cell reference; a finding that would
make the ledger invalid is an error, the others are notes (the value is kept in a safe form).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from parktrack.deadlines import is_long_term, read_deadline
from parktrack.i18n import _
from parktrack.tableread import Grid

# Header words per column, matched as parts of the normalised header text (traditional, simplified, English).
COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("id", ("id", "編碼", "编码")),
    ("number", ("序號", "序号", "編號", "编号", "no.", "no", "#")),
    ("leaders", ("牽頭領導", "牵头领导", "責任領導", "责任领导", "分管領導", "分管领导", "leader", "official")),
    ("lead_units", ("牽頭單位", "牵头单位", "牽頭部門", "牵头部门", "lead")),
    ("support_units", ("配合單位", "配合单位", "配合部門", "配合部门", "責任單位", "责任单位", "support")),
    ("deadline", ("完成時限", "完成时限", "完成時間", "完成时间", "時限", "时限", "deadline")),
    ("text", ("舉措", "举措", "任務", "任务", "工作內容", "工作内容", "measure", "task", "text")),
)
_EXACT_ONLY = {"id", "no", "no.", "#", "編號", "编号", "編碼", "编码"}
HEADER_SEARCH_ROWS = 30

_NUMERALS = "一二三四五六七八九十"
_SECTION_HEAD = re.compile(rf"^([{_NUMERALS}]+)\s*[、.．,，]?\s*(.*)$", re.DOTALL)
# 黨建質量提升行動(2024年度工作目標:…), with or without the brackets (the goal may sit in a cell of its own)
_SECTION_GOAL = re.compile(
    r"^(.*?)\s*[(（]?\s*(?:\d{4}\s*年度?)?\s*工作目[標标]\s*[:：]\s*(.*?)\s*[)）]?\s*$", re.DOTALL
)
_ITEM_NUMBER = re.compile(r"^[(（]?(\d+)[)）]?[.、．]?$")
_TASK_ID = re.compile(r"^T\d{2,}$")
UNIT_SEPARATORS = re.compile(r"[、，,;；]")
# A unit's name ends in one of these; a line ending otherwise was wrapped inside a name (縣工 / 信商務科技局).
_NAME_ENDINGS = set(
    "局委辦办部會会室院所行司隊队站心位門门府鎮镇鄉乡區区庭社團团校廳厅處处科組组館馆臺台盟聯联協协園园"
)
_GROUP_WORDS = ("有關", "有关")
_GROUP_ENDINGS = ("成員單位", "成员单位")
_AFTER_ETC = ("部門", "部门", "單位", "单位", "銀行", "银行")


@dataclass(frozen=True)
class Finding:
    ref: str
    message: str
    error: bool = False  # an error stops the ledger being written; a note only asks for a look
    literal: bool = False  # shown as written, not in the interface's script (it is about the script)

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}"


@dataclass
class TableSection:
    number: int
    title: str
    goal: str | None


@dataclass
class TableItem:
    id: str
    section: int
    text: str
    leaders: list[str]
    lead_units: list[str]
    support_units: list[str]
    groups: list[str]
    deadline_text: str | None
    deadline: date | None
    deadline_implied: bool
    long_term: bool


@dataclass
class TableLedger:
    """What a table holds, ready to be written as tasks.yaml and units.yaml."""

    source: str
    title: str | None
    year: int | None
    sections: list[TableSection] = field(default_factory=list)
    items: list[TableItem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    spellings: dict[str, str] = field(default_factory=dict)  # a name in one script -> its first spelling
    plan_title: str | None = None  # the plan's own title, where the workbook's cover states it

    def one_spelling(self, names: list[str], ref: str, item_id: str) -> list[str]:
        """`names` as first written: rows typed by different hands spell one unit or official in either
        script (縣財政局, 县财政局), and each spelling would make a unit or official of its own."""
        from parktrack.names import fold

        kept = []
        for name in names:
            first = self.spellings.setdefault(fold(name), name)
            if first != name:
                message = _("{id}: {name} and {first} differ only in script: both taken as {first}")
                self.findings.append(Finding(ref, message.format(id=item_id, name=name, first=first), literal=True))
            kept.append(first)
        return list(dict.fromkeys(kept))

    @property
    def units(self) -> list[str]:
        names = (name for item in self.items for name in (*item.lead_units, *item.support_units))
        return list(dict.fromkeys(names))

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(name for item in self.items for name in item.groups))

    @property
    def leaders(self) -> list[str]:
        return list(dict.fromkeys(name for item in self.items for name in item.leaders))

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.error]

    @property
    def notes(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.error]


# --- normalising cell text -----------------------------------------------------------


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def join_lines(text: str) -> str:
    """A cell's lines as one line: Chinese runs join directly, other words with a space."""
    parts = [line.strip() for line in text.splitlines() if line.strip()]
    joined = ""
    for part in parts:
        if joined and not (_is_cjk(joined[-1]) or _is_cjk(part[0]) or not joined[-1].isalnum()):
            joined += " "
        joined += part
    return joined


def _squeeze(name: str) -> str:
    """Names hold no spaces (`鄧　開榮`, `云南武 定產業園區管委會`); other text keeps single ones."""
    name = name.strip()
    if any(_is_cjk(char) for char in name):
        return "".join(name.split())
    return " ".join(name.split())


def _header_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def split_names(text: str, wrapped: bool = True) -> list[str]:
    """Split a cell of names on the documents' separators (、，,;； and line breaks).

    With `wrapped` (unit names), a line that does not end like a unit's name was wrapped inside
    one and joins the next line; people's names end in anything, so for them every break separates.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    pieces: list[str] = []
    carry = ""
    for line in lines:
        line = carry + line
        carry = ""
        if wrapped and _is_cjk(line[-1]) and line[-1] not in _NAME_ENDINGS:
            carry = line
            continue
        pieces.append(line)
    if carry:
        pieces.append(carry)
    names = [_squeeze(name) for piece in pieces for name in UNIT_SEPARATORS.split(piece)]
    return [name for name in names if name]


def is_group(name: str) -> bool:
    """縣級有關部門, 領導小組成員單位, 各縣級政策性和商業銀行: open-ended sets, not accountable units."""
    return any(word in name for word in _GROUP_WORDS) or name.endswith(_GROUP_ENDINGS) or name.startswith("各")


def units_and_groups(text: str) -> tuple[list[str], list[str]]:
    """`縣財政局、縣稅務局等縣級有關部門` -> ([縣財政局, 縣稅務局], [縣級有關部門])."""
    units: list[str] = []
    groups: list[str] = []
    for name in split_names(text):
        head, etc, tail = name.rpartition("等")
        if etc and head and (is_group(tail) or tail.endswith(_AFTER_ETC)):
            units.append(head)
            groups.append(tail)
        elif is_group(name):
            groups.append(name)
        else:
            units.append(name)
    return units, groups


# --- the table -------------------------------------------------------------------------


def find_header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    """The header row and the column of each field; None when no row names the text and lead units."""
    for row_index, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for column, text in enumerate(row):
            field_name = _column_field(_header_key(text))
            if field_name and field_name not in columns:
                columns[field_name] = column
        if "text" in columns and "lead_units" in columns:
            return row_index, columns
    return None


def _column_field(key: str) -> str | None:
    if not key:
        return None
    for field_name, words in COLUMNS:
        for word in words:
            if (word in _EXACT_ONLY and key == word) or (word not in _EXACT_ONLY and word in key):
                return field_name
    return None


def parse_table(grid: Grid, year: int | None = None) -> TableLedger | None:
    """The ledger a table holds; None when the grid has no recognisable header row."""
    found = find_header(grid)
    if found is None:
        return None
    header, columns = found
    title = next((join_lines(cell) for row in grid.rows[:header] for cell in row if cell.strip()), None)
    ledger = TableLedger(grid.source, title, year or _year_in(title))
    header_keys = [_header_key(cell) for cell in grid.rows[header]]
    drafts: list[_Draft] = []
    for index in range(header + 1, len(grid.rows)):
        row = grid.rows[index]
        if not any(cell.strip() for cell in row) or [_header_key(cell) for cell in row] == header_keys:
            continue  # blank, or the header repeated on every printed page
        cells = {name: grid.cell(index, column) for name, column in columns.items()}
        section = _section_heading(grid, index, cells, columns)
        if section is not None:
            ledger.sections.append(TableSection(len(ledger.sections) + 1, *section))
        elif _item_row(grid, index, cells, columns, ledger):
            if not ledger.sections:  # items above any heading: one section named after the table
                ledger.sections.append(TableSection(1, title or _("Key tasks"), None))
            drafts.append(_Draft(index, cells, len(ledger.sections)))
    if ledger.year is None:
        ledger.year = _commonest_year([draft.cells.get("deadline", "") for draft in drafts])
    ids = _item_ids(grid, drafts, columns, ledger)
    for draft, item_id in zip(drafts, ids, strict=True):
        ledger.items.append(_item(grid, draft, columns, item_id, ledger))
    ledger.findings.sort(key=lambda finding: _cell_order(finding.ref))
    return ledger


# The labels of the cover `export` writes (workbook._cover_sheet), in each interface language.
_COVER_PLAN = ("方案", "Plan")
_COVER_LEDGER = ("台账", "台賬", "Ledger")


def take_cover(ledger: TableLedger, grids: list[Grid]) -> None:
    """The plan's title and the ledger's name from an exported workbook's cover, where the items' sheet
    has no title rows of its own (the export puts them on the cover): not the file's name."""
    for grid in grids:
        stated: dict[bool, str] = {}  # True: the plan, False: the ledger
        for row in grid.rows[:12]:
            cells = [cell.strip() for cell in row if cell.strip()]
            if len(cells) == 2 and cells[0] in (*_COVER_PLAN, *_COVER_LEDGER):
                stated.setdefault(cells[0] in _COVER_PLAN, cells[1])
        if True in stated:
            ledger.plan_title = ledger.plan_title or stated[True]
            ledger.title = ledger.title or stated.get(False)
            return


def _cell_order(ref: str) -> tuple[int, int]:
    """`台賬.xlsx!F23` -> (23, 6): findings are listed down the table, as a person reads it."""
    match = re.search(r"!([A-Z]+)(\d+)$", ref)
    if match is None:
        return 0, 0
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match[2]), column


@dataclass(frozen=True)
class _Draft:
    row: int
    cells: dict[str, str]
    section: int


def _year_in(text: str | None) -> int | None:
    match = re.search(r"(\d{4})\s*年", unicodedata.normalize("NFKC", text or ""))
    return int(match[1]) if match else None


def _commonest_year(texts: list[str]) -> int | None:
    years: dict[int, int] = {}
    for text in texts:
        found = _year_in(text)
        if found:
            years[found] = years.get(found, 0) + 1
    return max(years, key=lambda year: years[year]) if years else None


def _section_heading(
    grid: Grid, index: int, cells: dict[str, str], columns: dict[str, int]
) -> tuple[str, str | None] | None:
    """(title, goal) when the row is a section heading: 一、… in the number (or, with no number, the text) cell.

    A heading names no lead unit (a heading merged across the row repeats itself there); a row that
    does is an item numbered 一、二… itself.
    """
    number = unicodedata.normalize("NFKC", cells.get("number", "")).strip()
    lead = cells.get("lead_units", "").strip()
    candidate = number if "number" in columns and number else cells.get("text", "").strip()
    match = _SECTION_HEAD.match(candidate)
    if not match or (lead and lead not in (cells.get("number", "").strip(), cells.get("text", "").strip())):
        return None
    heading = match[2].strip()
    if not heading:  # the numeral alone; the heading sits in the next cells
        used = {columns.get("number")}
        rest = [cell for column, cell in enumerate(grid.rows[index]) if column not in used and cell.strip()]
        heading = "".join(dict.fromkeys(rest))
    heading = join_lines(heading)
    goal_match = _SECTION_GOAL.match(heading)
    if goal_match:
        return goal_match[1].strip(), goal_match[2].strip() or None
    return heading, None


def _item_row(grid: Grid, index: int, cells: dict[str, str], columns: dict[str, int], ledger: TableLedger) -> bool:
    """Whether a row (not a heading) is an item; rows that are not are listed and skipped."""
    filled = [cell.strip() for cell in grid.rows[index] if cell.strip()]
    if len(filled) > 1 and len(set(filled)) == 1:  # one text merged across the row: a note, not an item
        first = next(column for column, cell in enumerate(grid.rows[index]) if cell.strip())
        ledger.findings.append(
            Finding(grid.ref(index, first), _("not a 序號, a section heading or an item: row skipped"))
        )
        return False
    if not cells.get("text", "").strip():
        ref = grid.ref(index, columns["text"])
        ledger.findings.append(Finding(ref, _("no 具體工作舉措 in this row: row skipped")))
        return False
    return True


def _item_ids(grid: Grid, drafts: list[_Draft], columns: dict[str, int], ledger: TableLedger) -> list[str]:
    """An id column's T01… when it has them; else the 序號 when they number the whole table once; else the order."""
    given = [draft.cells.get("id", "").strip().upper() for draft in drafts]
    if "id" in columns and all(_TASK_ID.match(value) for value in given):
        if len(set(given)) == len(given):
            return given
        seen: set[str] = set()
        for draft, value in zip(drafts, given, strict=True):
            if value in seen:
                message = _("duplicate id {id}").format(id=value)
                ledger.findings.append(Finding(grid.ref(draft.row, columns["id"]), message, True))
            seen.add(value)
        return given
    numbers = []
    for draft in drafts:
        match = _ITEM_NUMBER.match(unicodedata.normalize("NFKC", draft.cells.get("number", "").strip()))
        numbers.append(int(match[1]) if match else None)
    if all(numbers) and len(set(numbers)) == len(numbers):
        return [f"T{number:02d}" for number in numbers]
    return [f"T{position:02d}" for position in range(1, len(drafts) + 1)]


def _item(grid: Grid, draft: _Draft, columns: dict[str, int], item_id: str, ledger: TableLedger) -> TableItem:
    cells = draft.cells

    def ref(name: str) -> str:
        return grid.ref(draft.row, columns.get(name, columns["text"]))

    def spelled(column: str, names: list[str]) -> list[str]:
        return ledger.one_spelling(names, ref(column), item_id)

    leaders = spelled("leaders", split_names(cells.get("leaders", ""), wrapped=False))
    lead_units, lead_groups = (spelled("lead_units", names) for names in units_and_groups(cells.get("lead_units", "")))
    support_units, support_groups = (
        spelled("support_units", names) for names in units_and_groups(cells.get("support_units", ""))
    )
    if not lead_units:
        ledger.findings.append(
            Finding(ref("lead_units"), _("{id}: no 牽頭單位 (lead unit) named").format(id=item_id), True)
        )
    if not leaders:
        ledger.findings.append(
            Finding(ref("leaders"), _("{id}: no 牽頭領導 (lead official) named").format(id=item_id), True)
        )
    deadline_text = join_lines(cells.get("deadline", "")) or None
    deadline, implied, long_term = _deadline(deadline_text, ref("deadline"), item_id, ledger)
    return TableItem(
        id=item_id,
        section=draft.section,
        text=join_lines(cells["text"]),
        leaders=leaders,
        lead_units=lead_units,
        support_units=support_units,
        groups=list(dict.fromkeys(lead_groups + support_groups)),
        deadline_text=deadline_text,
        deadline=deadline,
        deadline_implied=implied,
        long_term=long_term,
    )


def _deadline(text: str | None, ref: str, item_id: str, ledger: TableLedger) -> tuple[date | None, bool, bool]:
    """(deadline, implied, long_term); a text with no readable date is kept as a condition and flagged."""
    if text is None:
        if ledger.year is None:
            ledger.findings.append(
                Finding(
                    ref, _("{id}: no 完成時限, and no year to imply one from; pass --year").format(id=item_id), True
                )
            )
            return None, True, False
        message = _("{id}: no 完成時限 written: the plan's year end, {day}, is implied").format(
            id=item_id, day=f"{ledger.year}-12-31"
        )
        ledger.findings.append(Finding(ref, message))
        return date(ledger.year, 12, 31), True, False
    deadline, read = read_deadline(text)
    if not read:
        message = _(
            "{id}: no date could be read in 完成時限 '{text}': kept as a condition "
            "(the item waits and is never overdue); write a date such as 2024年6月底以前 if one is meant"
        ).format(id=item_id, text=text)
        ledger.findings.append(Finding(ref, message))
    return deadline, False, is_long_term(text)
