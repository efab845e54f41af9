"""The files parktrack writes for people, opened and printed as the office would: the report's DOCX and the
export and fill-in workbooks converted to PDF by LibreOffice (the office's WPS/Word stand-in), read back
with poppler (pdfinfo, pdftotext -layout, pdffonts), python-docx and openpyxl. Each document is written
and converted once for the module."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import DATA, REPO, SOFFICE_PROFILE, SUITE_CACHE, browser, run_cli

A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)


def _parktrack(*args: str) -> None:
    """One in-process run of the CLI (as the `cli` fixture does, which is per test): must succeed."""
    settings: dict[str, str | None] = {
        "COLUMNS": "120",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "PARKTRACK_CACHE_DIR": str(SUITE_CACHE),
    }
    outcome = run_cli(args, REPO, settings)
    assert outcome.exit_code == 0, outcome.stderr


def _poppler(tool: str, *args: str) -> str:
    assert shutil.which(tool), f"{tool} is missing: apt-get install poppler-utils (.ci/run does)"
    return subprocess.check_output([tool, *args], text=True)


@dataclass(frozen=True)
class Printed:
    source: Path
    pdf: Path

    @property
    def pages(self) -> list[str]:
        return _poppler("pdftotext", "-layout", str(self.pdf), "-").split("\f")[:-1]

    def sizes(self) -> list[tuple[int, int]]:
        info = _poppler("pdfinfo", "-f", "1", "-l", "999", str(self.pdf))
        return [
            (round(float(w)), round(float(h))) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
        ]

    def fonts(self) -> str:
        return _poppler("pdffonts", str(self.pdf))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[dict[str, Printed]]:
    """The documents below, printed once per test run: xdist's workers share them through the run's
    temporary folder, under a lock (each would otherwise start LibreOffice and Chromium again)."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    folder = (base if worker_id == "master" else base.parent) / "documents-opened"
    with FileLock(f"{folder}.lock"):
        if not (folder / "printed").exists():
            folder.mkdir(exist_ok=True)
            _print_documents(folder)
            (folder / "printed").touch()
    yield {name: Printed(folder / source, folder / pdf) for name, (source, pdf) in DOCUMENTS.items()}


DOCUMENTS = {
    "report": ("report.docx", "pdf/report.pdf"),
    "export": ("export.xlsx", "pdf/export.pdf"),
    "sheet": ("sheets/縣財政局.xlsx", "pdf/縣財政局.pdf"),
    "noted": ("noted.docx", "pdf/noted.pdf"),
    "noted html": ("noted.html", "noted.pdf"),
}


def _print_documents(folder: Path) -> None:
    """The report (zh-Hans, the bundled plan on 2024-06-30: 8 overdue) as DOCX, the export (zh-Hant, on
    2025-01-15: everything not done is overdue), one unit's fill-in sheet (en) and the report on a ledger
    with long notes (2024-12-31) as DOCX and (en) HTML, each printed to PDF."""
    _parktrack("report", "-o", str(folder / "report.docx"), "--as-of", "2024-06-30", "--lang", "zh-Hans")
    noted = _noted_ledger(folder / "noted" / "data")
    _parktrack(
        "report", "--data", str(noted), "-o", str(folder / "noted.docx"), "--as-of", "2024-12-31", "--lang", "zh-Hans"
    )
    _parktrack("export", "-o", str(folder / "export.xlsx"), "--as-of", "2025-01-15", "--lang", "zh-Hant")
    _parktrack("sheets", "-o", str(folder / "sheets"), "--unit", "縣財政局", "--as-of", "2024-06-30", "--lang", "en")
    _print_all([folder / source for source, pdf in DOCUMENTS.values() if pdf.startswith("pdf/")], folder / "pdf")
    html = folder / "noted.html"
    _parktrack("report", "--data", str(noted), "-o", str(html), "--as-of", "2024-12-31", "--lang", "en")
    _browser_print(html, folder / "chromium")


def _browser_print(page: Path, profile: Path) -> Path:
    """`page` printed to PDF by headless Chromium (A4 by the page's own CSS)."""
    pdf = page.with_suffix(".pdf")
    browser(profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists(), f"Chromium did not print {page}"
    return pdf


LONG_NOTE = "；".join(
    f"第{i}項：已與有關部門對接，完成方案初稿並報送審核，下一步將按照時間節點推進落實" for i in range(1, 26)
)


def _noted_ledger(target: Path) -> Path:
    """The bundled data with a progress note of a thousand characters on T01, T03 and T09."""
    shutil.copytree(DATA, target)
    tasks = target / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    for task in ("T01", "T03", "T09"):
        start = text.index(f"- id: {task}\n")
        empty = text.index("    history: []\n", start)
        entry = f'    history:\n      - date: 2024-06-15\n        note: "{LONG_NOTE}"\n'
        text = text[:empty] + entry + text[empty + len("    history: []\n") :]
    tasks.write_text(text, encoding="utf-8")
    return target


def _print_all(sources: list[Path], target: Path) -> list[Path]:
    """The documents printed to PDF by one LibreOffice run (each start costs a second or more)."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed (apt-get install libreoffice-calc-nogui libreoffice-writer-nogui)"
    subprocess.run(
        [soffice, f"-env:UserInstallation={SOFFICE_PROFILE.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(target), *map(str, sources)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    printed = [target / f"{source.stem}.pdf" for source in sources]
    missing = [pdf.name for pdf in printed if not pdf.exists()]
    assert not missing, (
        f"LibreOffice did not print {missing} (a .docx needs libreoffice-writer-nogui; .ci/run installs it)"
    )
    return printed


# --- the report as DOCX ------------------------------------------------------------------------------------


def test_docx_prints_on_a4_with_the_wide_sections_landscape(printed: dict[str, Printed]) -> None:
    report = printed["report"]
    sizes = report.sizes()
    assert set(sizes) == {A4_PORTRAIT, A4_LANDSCAPE}, sizes
    pages = report.pages
    overdue = next(i for i, page in enumerate(pages) if page.lstrip().startswith("逾期事项"))
    indicators = next(i for i, page in enumerate(pages) if page.lstrip().startswith("主要指标"))
    assert sizes[0] == A4_PORTRAIT and sizes[overdue] == sizes[indicators] == A4_LANDSCAPE
    # Chinese text is drawn with an embedded CJK font, not boxes
    assert re.search(r"CJK\S*\s.*\byes\b", report.fonts()), report.fonts()


def test_docx_headings_are_word_headings_a_navigation_pane_lists(printed: dict[str, Printed]) -> None:
    import docx

    document = docx.Document(str(printed["report"].source))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    level_one = [text for style, text in headings if style == "Heading 1"]
    assert headings[0] == ("Title", "园区发展情况调度会议材料")
    assert level_one[:2] == ["总体情况", "期间变化"] and any(t.startswith("逾期事项") for t in level_one)
    assert ("Heading 2", "云南武定产业园区管委会（5）") in headings  # a lead unit under the overdue section
    # every table repeats its header row on each printed page
    for table in document.tables:
        assert (
            table.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader")
            is not None
        )


def test_docx_is_tagged_with_the_reports_language(printed: dict[str, Printed]) -> None:
    """python-docx's template tags every run English (Latin) and English (East Asian): Word proofs the
    Chinese as English, and falls back to fonts for English text. A zh-Hans report is zh-CN."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(printed["report"].source))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    tag = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert (tag.get(qn("w:val")), tag.get(qn("w:eastAsia"))) == ("zh-CN", "zh-CN")


def test_docx_item_text_gets_the_width_of_its_column(printed: dict[str, Printed]) -> None:
    """A table's columns are as wide as what they hold: an item's text is not squeezed into a column as
    narrow as its two-digit ID's, eight characters a line down half a page."""
    text = "\n".join(printed["report"].pages)
    rows = re.findall(r"^.*\bT09\s+(\S+)", text, re.MULTILINE)
    assert len(rows) == 2, rows  # fell overdue in the window, and overdue under its lead unit
    for shown in rows:
        assert shown.startswith("认真对照与州人民政府") and len(shown) >= 20, rows
    assert not re.search(r"\d{4}-\d\d-\s*$", text, re.MULTILINE)  # a date is not broken over two lines


def test_docx_item_text_keeps_its_width_beside_a_long_note(printed: dict[str, Printed]) -> None:
    """A progress note of a thousand characters does not take the item's text's width too."""
    text = "\n".join(printed["noted"].pages)
    assert re.search(r"第\s*25\s*项", text)  # the note is shown whole, simplified
    rows = re.findall(r"^\s*T09\s+(\S+)\s+未启动\s+第\s*1\s*项", text, re.MULTILINE)
    assert len(rows) == 1 and len(rows[0]) >= 15, rows  # the two running-text columns share the width


def test_printed_html_item_text_keeps_its_width_beside_a_long_note(printed: dict[str, Printed]) -> None:
    """The HTML report printed (English, the ledger's text as stored): the item's text beside a note of a
    thousand characters is not squeezed to three characters a line."""
    noted = printed["noted html"]
    assert set(noted.sizes()) == {A4_PORTRAIT}
    text = "\n".join(noted.pages)
    rows = re.findall(r"^\s*T09\s+(\S+)\s+not started\s+第1項", text, re.MULTILINE)
    assert len(rows) == 1 and len(rows[0]) >= 8, rows


# --- the export workbook -----------------------------------------------------------------------------------


def test_export_prints_a4_landscape_with_its_header_on_every_page(printed: dict[str, Printed]) -> None:
    export = printed["export"]
    sizes = export.sizes()
    assert sizes[0] == A4_PORTRAIT and set(sizes[1:]) == {A4_LANDSCAPE}, sizes
    pages = export.pages
    assert not any("###" in page for page in pages)  # no number or date too wide for its column
    item_pages = [page for page in pages[1:] if "序號" in page or "編號" in page]
    assert len(item_pages) == len(pages) - 1  # every page after the cover starts with its header row
    assert re.search(r"CJK\S*\s.*\byes\b", export.fonts())
    # on 2025-01-15 nothing is done: T01 (due by end of April 2024) is overdue, in traditional script
    days = (date(2025, 1, 15) - date(2024, 4, 30)).days
    assert re.search(rf"^\s*1 壓緊壓實產業園區黨工委.*T01\s+未啟動\s+紅燈\s+{days}\s*$", "\n".join(pages), re.MULTILINE)


def test_export_cells_hold_numbers_dates_and_percentages(printed: dict[str, Printed]) -> None:
    from openpyxl import load_workbook

    book = load_workbook(printed["export"].source)
    cover, tasks, indicators = book["封面"], book["重點任務"], book["指標"]
    assert isinstance(cover["B5"].value, datetime) and cover["B5"].number_format == "yyyy-mm-dd"
    assert tasks.freeze_panes == "A2" and tasks.print_title_rows == "$1:$1"
    assert int(tasks.page_setup.paperSize) == int(tasks.PAPERSIZE_A4) and tasks.page_setup.orientation == "landscape"
    headers = [cell.value for cell in tasks[1]]
    overdue = headers.index("逾期天數") + 1
    days = [row[overdue - 1].value for row in tasks.iter_rows(min_row=2) if isinstance(row[0].value, int)]
    assert len(days) == 52 and all(isinstance(value, int) for value in days if value is not None)
    assert days[0] == (date(2025, 1, 15) - date(2024, 4, 30)).days
    columns = [cell.value for cell in indicators[1]]
    for name in ("完成率", "序時進度"):
        column = columns.index(name) + 1
        values = [indicators.cell(row=row, column=column) for row in range(2, indicators.max_row + 1)]
        assert all(cell.number_format == "0.0%" for cell in values)
    pace = [
        indicators.cell(row=row, column=columns.index("序時進度") + 1).value for row in range(2, indicators.max_row + 1)
    ]
    assert 1 in pace and all(value is None or isinstance(value, int | float) for value in pace)  # a number, not "100%"


# --- a unit's fill-in sheet ----------------------------------------------------------------------------------


def test_fill_in_sheet_prints_with_its_header_on_every_page(printed: dict[str, Printed]) -> None:
    sheet = printed["sheet"]
    sizes = sheet.sizes()
    assert set(sizes) == {A4_LANDSCAPE}, sizes
    pages = [page for page in sheet.pages if page.strip()]
    assert not any("###" in page for page in pages)
    for page in pages:
        assert re.search(r"^\s*ID\s", page, re.MULTILINE), page[:300]
    # row 1's labels are whole, not cut off by the value beside them
    assert re.search(
        r"^\s*Unit\s+縣財政局\s+As of\s+2024-06-30\s+Ledger commit\s+[0-9a-f]{40}\s*$", pages[0], re.MULTILINE
    ), pages[0][:400]
