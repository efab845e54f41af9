"""The report as a Word document (python-docx), editable in Word and WPS.

A4 portrait; sections with wide tables on landscape pages; headings are Word's own Heading styles
(so the navigation pane and a table of contents work); every table repeats its header row on each
page; charts are embedded PNGs. Imported only by `report`.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from parktrack.render import text_units
from parktrack.reporting.layout import Document, Image, Paragraph, Section, Subheading, Table, lines_of

EAST_ASIAN_FONT = "宋体"  # SimSun: present wherever Word or WPS is installed in China
LATIN_FONT = "Calibri"
A4 = (Mm(210), Mm(297))
MARGIN = Cm(2)


def write(doc: Document, path: Path) -> None:
    word = docx.Document()
    _base_style(word)
    _language(word, doc.language)
    _page(word.sections[0], landscape=False)
    word.add_heading(doc.title, level=0)
    word.add_paragraph(doc.subtitle)
    for line in doc.lines:
        word.add_paragraph(line, style="List Bullet")
    landscape = False
    for section in doc.sections:
        if section.wide != landscape:
            landscape = section.wide
            _page(word.add_section(WD_SECTION.NEW_PAGE), landscape)
        _section(word, section, landscape)
    properties = word.core_properties
    properties.title = doc.full_title
    properties.language = doc.language
    # python-docx's template says python-docx wrote it on 2013-12-23: WPS's 属性 and Explorer show that
    properties.author = properties.comments = ""
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    word.save(str(path))


def _base_style(word: Any) -> None:
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet"):
        style = word.styles[name]
        style.font.name = LATIN_FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would win over the fonts named here
        fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    word.styles["Normal"].font.size = Pt(10.5)  # 五號


# Word's language tags for the interface languages: proofing, and the face CJK text is drawn in
_WORD_LANGUAGES = {"zh-Hans": ("zh-CN", "zh-CN"), "zh-Hant": ("zh-TW", "zh-TW"), "en": ("en-US", "zh-CN")}


def _language(word: Any, language: str) -> None:
    """The document's languages (Latin text, East Asian text): the template says English for both, so
    Word proofed the Chinese as English."""
    latin, east_asian = _WORD_LANGUAGES.get(language, _WORD_LANGUAGES["en"])
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    tag = run.find(qn("w:lang"))
    if tag is None:
        tag = OxmlElement("w:lang")
        run.append(tag)
    tag.set(qn("w:val"), latin)
    tag.set(qn("w:eastAsia"), east_asian)


def _page(section: Any, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _section(word: Any, section: Section, landscape: bool) -> None:
    word.add_heading(section.title, level=1)
    text_width = (A4[1] if landscape else A4[0]) - 2 * MARGIN
    for block in section.blocks:
        if isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        elif isinstance(block, Subheading):
            word.add_heading(block.text, level=2)
        elif isinstance(block, Table):
            _table(word, block, text_width)
        else:
            _picture(word, block, min(text_width, Cm(17)))


def _table(word: Any, table: Table, text_width: int) -> None:
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    # python-docx gives every column the same width, which LibreOffice keeps (and Word on a fixed layout):
    # an item's text as narrow as its ID's column, eight characters a line. Set each column's width.
    grid.autofit = False
    widths = column_widths(table, text_width)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    # rows and their cells taken once each: python-docx finds `rows[i]` and `row.cells` by walking the table
    for row_index, (row, texts) in enumerate(zip(grid.rows, [table.headers, *table.rows], strict=True)):
        for column, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            cell.width = widths[column]
            cell.text = text
            paragraph = cell.paragraphs[0]
            if column in table.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if row_index == 0:
                for run in paragraph.runs:
                    run.bold = True
    _repeat_header(grid.rows[0])
    word.add_paragraph()


CHARACTER = Pt(6.5)  # a Latin character or half a Chinese one at 10.5 points, in a wide fallback font too
CELL_PADDING = Cm(0.6)  # the cell's margins and border, both sides
NARROWEST_TEXT = Cm(3)  # a running-text column keeps at least this much


def column_widths(table: Table, text_width: int) -> list[int]:
    """Columns kept to one line (IDs, dates, figures) as wide as their longest text; the columns of
    running text share the rest, each in proportion to its longest text."""
    texts = [table.headers, *table.rows]
    natural = [
        max(text_units(line) for row in texts for line in lines_of(row[i])) * CHARACTER + CELL_PADDING
        for i in range(len(table.headers))
    ]
    running = [i for i in range(len(natural)) if i in table.wrap] or list(range(len(natural)))
    fixed = sum(width for i, width in enumerate(natural) if i not in running)
    left = max(text_width - fixed, NARROWEST_TEXT * len(running))
    # a column's claim is capped at an equal share: a note of a thousand characters beside an item's text
    # would otherwise leave the text a few characters a line
    claim = {i: min(natural[i], left // len(running)) for i in running}
    share = {i: max(NARROWEST_TEXT, left * claim[i] // sum(claim.values())) for i in running}
    return [int(share.get(i, width)) for i, width in enumerate(natural)]


def _repeat_header(row: Any) -> None:
    """Mark the row as a header row: Word and WPS repeat it at the top of every page the table spans."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)


def _picture(word: Any, image: Image, width: Any) -> None:
    picture = word.add_picture(io.BytesIO(image.data), width=width)
    # python-docx names each picture "Picture N", which Word's selection pane and a screen reader show:
    # the chart's own title instead, in the report's language, as the HTML report's <svg> has it
    shape = picture._inline.docPr
    shape.set("name", image.title)
    shape.set("descr", image.title)
    caption = word.add_paragraph(image.title)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
