"""The ledger as a workbook a county office recognises as its own 台賬 (`parktrack export`).

openpyxl is imported here at module level: only the exchange commands import this module.
The key-task sheet is a plain table the issue-13 reader takes back (`init --from`): one header row,
section rows whose 序號 cell holds 一、二…, item rows numbered as the document numbers them, the id
in its own column.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from parktrack import vocab
from parktrack.deadlines import assess as assess_item
from parktrack.errors import UsageError, WriteError
from parktrack.files import replace_through_temporary
from parktrack.i18n import _, display, pgettext
from parktrack.indicators import Progress, striven
from parktrack.indicators import assess as assess_indicator
from parktrack.ledger import Ledger
from parktrack.models import Indicator, Task
from parktrack.render import text_units
from parktrack.vocab import STATUS_LABELS

CHINESE_NUMERALS = "一二三四五六七八九十"
LIGHT_FILLS = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE", "late": "F8CBAD", "waiting": "D9D9D9"}
HEADER_FILL = "DDEBF7"
SECTION_FILL = "F2F2F2"
OPEN_FILL = "FFF9DB"  # the cells a liaison fills in
LINE_HEIGHT = 14.5  # points, for the default 11-point font
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# (header, width in Excel character units; a Chinese character is about two)
Column = tuple[str, float]


@dataclass(frozen=True)
class Source:
    """Where the exported data came from."""

    folder: str
    commit: str | None
    dirty: bool = False


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    day: date
    sheets: list[str]
    key_tasks: int
    measures: int
    assigned: int
    indicators: int
    lights: dict[str, int]


# --- shared look ---------------------------------------------------------------------


def fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


# Each kind of cell takes its look as one named style: openpyxl hashes every Font, Border and Alignment
# given to a cell one by one, which took seconds for a ledger of 10,000 items.
HEADER_STYLE = "parktrack header"
CELL_STYLE = "parktrack cell"
SECTION_STYLE = "parktrack section"
OPEN_STYLE = "parktrack open cell"  # a cell a liaison fills in: tinted and unlocked


def _light_style(light: str) -> str:
    return f"parktrack {light}"


def _named_styles() -> list[NamedStyle]:
    def cell(name: str, **look: Any) -> NamedStyle:
        return NamedStyle(name, alignment=Alignment(vertical="top", wrap_text=True), border=BORDER, **look)

    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    middle = Alignment(vertical="center", wrap_text=True)
    return [
        NamedStyle(HEADER_STYLE, font=bold, fill=fill(HEADER_FILL), alignment=centred, border=BORDER),
        cell(CELL_STYLE),
        NamedStyle(SECTION_STYLE, font=bold, fill=fill(SECTION_FILL), alignment=middle),
        cell(OPEN_STYLE, fill=fill(OPEN_FILL), protection=Protection(locked=False)),
        *(cell(_light_style(light), fill=fill(color)) for light, color in LIGHT_FILLS.items()),
    ]


def new_workbook() -> Workbook:
    """An empty workbook knowing the named styles its cells take."""
    book = Workbook()
    book.properties.creator = ""  # not openpyxl, in WPS's 属性 and Explorer's 作者 column
    for style in _named_styles():
        book.add_named_style(style)
    return book


def light_label(light: str | None) -> str:
    """A light in the words the tables and CSV use (late, 等待条件 …); empty for none."""
    return vocab.light_label(light) if light else ""


def status_label(status: str) -> str:
    """The ledger's own word for a status (未啟動 …), in the interface's script: what a unit's fill-in sheet
    offers and `import` reads back, whatever the language."""
    return display(STATUS_LABELS[status])


def status_word(status: str) -> str:
    """A status as the export shows it, in the interface language like its lights and headers (done in
    English; 已完成 in Chinese, the ledger's own word)."""
    return vocab.status_label(status)


def write_header(sheet: Worksheet, row: int, columns: Sequence[Column]) -> list[float]:
    """The header row, and the columns' widths set; the widths, for `write_row`."""
    for position, (title, width) in enumerate(columns, start=1):
        sheet.cell(row=row, column=position, value=title).style = HEADER_STYLE
        sheet.column_dimensions[get_column_letter(position)].width = width
    return [width for _title, width in columns]


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell; text stays text. openpyxl takes any text starting with = for a formula, which a
    spreadsheet would run: a note =HYPERLINK(…) typed into a unit's sheet must come back as it was typed."""
    cell: Cell = sheet.cell(row=row, column=column, value=value)
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def write_row(sheet: Worksheet, row: int, values: Sequence[Any], widths: Sequence[float]) -> None:
    """A row of cells, tall enough for its longest text in its column's width."""
    lines = 1
    for position, (value, width) in enumerate(zip(values, widths, strict=True), start=1):
        put(sheet, row, position, value).style = CELL_STYLE
        if isinstance(value, str):
            lines = max(lines, wrapped_lines(value, width))
    # Spreadsheets do not all fit row heights on opening (LibreOffice keeps one line): set them.
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 3


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide (a CJK character is two)."""
    total = 0
    for paragraph in text.split("\n"):
        units = text_units(paragraph)
        total += max(1, math.ceil(units / max(width - 1.5, 1)))
    return total


def label_width(text: str) -> float:
    """The column width (Excel's character units) a one-line bold label needs."""
    return text_units(text) * 1.1 + 2


def merge_across(sheet: Worksheet, row: int, width: int) -> None:
    """Merge a row's first `width` cells, of which only the first was written. The range goes into
    the sheet's ranges directly: openpyxl's merge_cells compares each new range with every earlier
    one (minutes for thousands of section rows) and clears cells such a row does not have."""
    sheet.merged_cells.ranges.add(MergedCellRange(sheet, f"A{row}:{get_column_letter(width)}{row}"))


def section_row(sheet: Worksheet, row: int, text: str, width: int) -> None:
    """A heading across the table, merged, its text in the first (序號) cell."""
    put(sheet, row, 1, text).style = SECTION_STYLE
    merge_across(sheet, row, width)
    sheet.row_dimensions[row].height = 30


def paint_light(sheet: Worksheet, row: int, column: int, light: str | None) -> None:
    if light in LIGHT_FILLS:
        restyle(sheet.cell(row=row, column=column), _light_style(light))


def restyle(cell: Cell | MergedCell, style: str) -> None:
    """Give a written cell another named style, keeping its number format (a named style carries one)."""
    number_format = cell.number_format
    cell.style = style
    cell.number_format = number_format


def print_setup(sheet: Worksheet, header_rows: str, freeze: str) -> None:
    """A4 landscape, the header rows on every page, fitted to the page width; the header frozen."""
    sheet.freeze_panes = freeze
    sheet.print_title_rows = header_rows
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def units_text(names: Iterable[str]) -> str:
    return "、".join(display(name) for name in names)


def doc(text: str) -> str:
    """The document's own words (its column names), as the interface shows ledger text."""
    return display(text)


# --- the workbook ----------------------------------------------------------------------


def build(ledger: Ledger, day: date, source: Source) -> Workbook:
    """The whole 台賬: cover, key tasks, measures, the items assigned at meetings (if any), indicators."""
    book = new_workbook()
    cover = book.active
    assert cover is not None
    cover.title = _("Cover")
    progress = [assess_indicator(indicator, day, ledger.plan.year) for indicator in ledger.indicators]
    _key_task_sheet(book.create_sheet(_("Key tasks")), ledger, day)
    _measure_sheet(book.create_sheet(_("Measures")), ledger, day)
    if any(task.kind == "assigned" for task in ledger.tasks):
        _assigned_sheet(book.create_sheet(_("Assigned items")), ledger, day)
    _indicator_sheet(book.create_sheet(_("Indicators")), ledger, progress)
    _cover_sheet(cover, ledger, day, source, progress)
    return book


def export(ledger: Ledger, day: date, source: Source, path: Path) -> ExportSummary:
    """Write the 台賬 workbook to `path` (through a temporary file, so a failed save leaves no half file)."""
    if path.suffix.lower() != ".xlsx":  # `-o 台賬` or `-o 台賬.csv` made an xlsx that nothing opened as one
        raise UsageError(_("{path}: export writes an Excel workbook; end the file name with .xlsx").format(path=path))
    book = build(ledger, day, source)
    save(book, path)
    lights = Counter(assess_item(task, day).light for task in ledger.tasks)
    return ExportSummary(
        path,
        day,
        book.sheetnames,
        sum(task.kind == "key_task" for task in ledger.tasks),
        sum(task.kind == "measure" for task in ledger.tasks),
        sum(task.kind == "assigned" for task in ledger.tasks),
        len(ledger.indicators),
        dict(lights),
    )


def save(book: Workbook, path: Path) -> None:
    """Save through a temporary file; a folder in the way or a file held open by Excel is a WriteError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_through_temporary(path, book.save)
    except OSError as error:
        raise WriteError.refused(path, error) from None


def key_task_columns() -> list[Column]:
    """The attachment's six columns, then the tracking columns."""
    return [
        (doc("序號"), 7),
        (doc("具體工作舉措"), 60),
        (doc("牽頭領導"), 10),
        (doc("牽頭單位"), 18),
        (doc("配合單位"), 24),
        (doc("完成時限"), 16),
        (_("ID"), 8),
        *_tracking_columns(),
    ]


def _tracking_columns() -> list[Column]:
    return [
        (_("Status"), 10),
        (pgettext("workbook", "Light"), 10),
        (_("Latest progress"), 36),
        (_("Progress date"), 12),
        (_("Days overdue"), 9),
    ]


def _tracking_cells(task: Task, day: date) -> tuple[list[Any], str]:
    state = assess_item(task, day)
    noted = [entry for entry in task.history if entry.note and entry.date <= day]
    latest = noted[-1] if noted else None
    cells = [
        status_word(state.status),
        light_label(state.light),
        latest.note if latest else None,
        latest.date if latest else None,
        state.days_overdue,
    ]
    return cells, state.light


def section_heading(ledger: Ledger, kind: str, number: int) -> str:
    section = ledger.section(kind, number)
    title = display(section.title) if section else ""
    goal = display(section.goal) if section and section.goal else None
    numeral = CHINESE_NUMERALS[number - 1]
    if kind == "assigned":  # one section, 交辦事項: its title says it
        return title
    if kind == "key_task":  # as the attachment writes them: 一、…(2024年度工作目標:…)
        head = f"{numeral}、{title}"
        return f"{head}({doc('2024年度工作目標')}:{goal})" if goal else head
    head = f"({numeral}){title}"  # as 二、攻堅措施 writes them: (一)… then 2024年工作目標:…
    return f"{head} {doc('2024年工作目標')}:{goal}" if goal else head


def document_number(task: Task) -> str | int:
    """T07 -> 7 (the attachment's 序號); M03.1 -> 3(1) (措施3, item (1)); J02 -> 2."""
    digits = task.id[1:]
    if task.kind in ("key_task", "assigned"):
        return int(digits)
    measure, _dot, item = digits.partition(".")
    return f"{int(measure)}({item})" if item else str(int(measure))


def _item_sheet(
    sheet: Worksheet,
    ledger: Ledger,
    day: date,
    kind: str,
    columns: list[Column],
    cells: Callable[[Task], list[Any]],
    dates: Sequence[int] = (),
) -> None:
    """One kind of item under its sections; `dates`: columns of `cells` holding a day, besides the
    progress date every item sheet has."""
    widths = write_header(sheet, 1, columns)
    row, section = 2, 0
    light_column = len(columns) - 3
    for task in (task for task in ledger.tasks if task.kind == kind):
        if task.section != section:
            section = task.section
            section_row(sheet, row, section_heading(ledger, kind, section), len(columns))
            row += 1
        tracking, light = _tracking_cells(task, day)
        write_row(sheet, row, [*cells(task), *tracking], widths)
        paint_light(sheet, row, light_column, light)
        for column in (*dates, len(columns) - 1):
            sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd"
        row += 1
    print_setup(sheet, "1:1", "A2")


def _attachment_cells(task: Task) -> list[Any]:
    """An item as the attachment's six columns write it: 序號, the text, 牽頭領導, 牽頭單位, 配合單位, 完成時限."""
    return [
        document_number(task),
        display(task.text),
        "、".join(display(name) for name in task.leaders),
        units_text(task.lead_units),
        units_text([*task.support_units, *task.groups]),
        display(task.deadline_text) if task.deadline_text else None,
    ]


def _key_task_sheet(sheet: Worksheet, ledger: Ledger, day: date) -> None:
    def cells(task: Task) -> list[Any]:
        return [*_attachment_cells(task), task.id]

    _item_sheet(sheet, ledger, day, "key_task", key_task_columns(), cells)


def _measure_sheet(sheet: Worksheet, ledger: Ledger, day: date) -> None:
    columns: list[Column] = [
        (doc("序號"), 7),
        (doc("措施"), 18),
        (doc("具體內容"), 60),
        (doc("牽頭單位"), 18),
        (doc("責任單位"), 24),
        (doc("完成時限"), 16),
        (_("ID"), 8),
        *_tracking_columns(),
    ]

    def cells(task: Task) -> list[Any]:
        deadline = display(task.deadline_text) if task.deadline_text else task.deadline
        if task.deadline_implied and task.deadline is not None:
            deadline = _("{day} (implied: the plan's year)").format(day=task.deadline.isoformat())
        return [
            document_number(task),
            display(task.measure or ""),
            display(task.text),
            units_text(task.lead_units),
            units_text([*task.support_units, *task.groups]),
            deadline,
            task.id,
        ]

    _item_sheet(sheet, ledger, day, "measure", columns, cells)


def _assigned_sheet(sheet: Worksheet, ledger: Ledger, day: date) -> None:
    """The items decided at meetings (交辦事項, J01 …), with the meeting and its day."""
    columns: list[Column] = [
        (doc("序號"), 7),
        (doc("交辦事項"), 60),
        (doc("牽頭領導"), 10),
        (doc("牽頭單位"), 18),
        (doc("配合單位"), 24),
        (doc("完成時限"), 16),
        (_("Meeting"), 20),
        (_("Decided on"), 12),
        (_("ID"), 8),
        *_tracking_columns(),
    ]

    def cells(task: Task) -> list[Any]:
        meeting = display(task.source.meeting) if task.source and task.source.meeting else None
        return [*_attachment_cells(task), meeting, task.source.date if task.source else None, task.id]

    _item_sheet(sheet, ledger, day, "assigned", columns, cells, dates=(8,))


def comparison_sign(indicator: Indicator) -> str:
    return {"at_least": "≥", "at_most": "≤", "about": "≈"}[indicator.comparison]


def target_cell(indicator: Indicator) -> str:
    if indicator.kind == "milestone":
        return _("yes")  # 是 in Chinese, as `record` and `import` take it; yes in English
    text = f"{comparison_sign(indicator)}{indicator.target:g}"
    if indicator.period != "year":
        text += " " + (_("per quarter") if indicator.period == "quarter" else _("per half-year"))
    return text


def latest_cell(progress: Progress) -> Any:
    latest = progress.latest
    if latest is None:
        return None
    if isinstance(latest.value, bool):
        return _("yes") if latest.value else _("no")
    return latest.value


def _indicator_sheet(sheet: Worksheet, ledger: Ledger, progress: Sequence[Progress]) -> None:
    columns: list[Column] = [
        (_("ID"), 24),
        (_("Indicator"), 30),
        (_("Unit of measure"), 8),
        (_("Target"), 14),
        (doc("力爭"), 8),
        (_("Reference"), 18),
        (_("Latest figure"), 12),
        (_("Reference figure"), 10),
        (_("Period"), 10),
        (doc("完成率"), 10),
        (doc("序時進度"), 10),
        (pgettext("workbook", "Light"), 10),
        (_("Responsible units"), 24),
    ]
    widths = write_header(sheet, 1, columns)
    for row, item in enumerate(progress, start=2):
        indicator = item.indicator
        write_row(
            sheet,
            row,
            [
                indicator.id,
                display(indicator.name),
                display(indicator.unit),
                striven(indicator) + target_cell(indicator),  # 力爭 ≥41.9, as the table
                indicator.stretch,
                display(indicator.reference) if indicator.reference else None,
                latest_cell(item),
                item.latest.reference if item.latest else None,
                item.latest.period if item.latest else None,
                item.attainment,
                item.pace,
                light_label(item.light),
                units_text(indicator.units),
            ],
            widths,
        )
        for column in (10, 11):
            sheet.cell(row=row, column=column).number_format = "0.0%"
        paint_light(sheet, row, 12, item.light)
    print_setup(sheet, "1:1", "C2")


def _cover_sheet(sheet: Worksheet, ledger: Ledger, day: date, source: Source, progress: Sequence[Progress]) -> None:
    states = [assess_item(task, day) for task in ledger.tasks]
    lights = Counter(state.light for state in states)
    statuses = Counter(state.status for state in states)
    commit = source.commit or _("not in a git repository")
    if source.commit and source.dirty:
        commit += " " + _("(with uncommitted changes)")
    facts: list[tuple[str, Any]] = [
        (_("Plan"), display(ledger.plan.title)),
        (_("Ledger"), display(ledger.plan.ledger or "")),
        (_("As of"), day),
        (_("Data folder"), source.folder),
        (_("Git commit"), commit),
        (_("Key tasks"), sum(task.kind == "key_task" for task in ledger.tasks)),
        (_("Measure items"), sum(task.kind == "measure" for task in ledger.tasks)),
        (_("Assigned items"), sum(task.kind == "assigned" for task in ledger.tasks)),
        (_("Indicators"), len(ledger.indicators)),
    ]
    rows = facts + [(_("Items: {light}").format(light=light_label(light)), lights[light]) for light in LIGHT_FILLS]
    rows += [(_("Items: {status}").format(status=status_word(status)), statuses[status]) for status in STATUS_LABELS]
    indicator_lights = Counter(item.light for item in progress)
    rows += [
        (_("Indicators: {light}").format(light=light_label(light)), indicator_lights[light])
        for light in ("red", "yellow", "green")
    ]
    rows.append((_("Indicators: no figure yet"), indicator_lights[None]))
    widths = [24, 70]
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = widths
    title = put(sheet, 1, 1, display(ledger.plan.ledger or ledger.plan.title))
    title.font = Font(bold=True, size=14)
    merge_across(sheet, 1, 2)
    first = 3  # below the title
    for row, (label, value) in enumerate(rows, start=first):
        write_row(sheet, row, [label, value], widths)
        sheet.cell(row=row, column=1).font = Font(bold=True)
        if isinstance(value, date):  # the as-of day
            sheet.cell(row=row, column=2).number_format = "yyyy-mm-dd"
    for offset, light in enumerate(LIGHT_FILLS):  # the items' lights follow the facts
        paint_light(sheet, first + len(facts) + offset, 2, light)
    print_setup(sheet, "1:1", "A2")
    sheet.page_setup.orientation = "portrait"
