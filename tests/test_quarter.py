"""One quarter of the park office's round, played as README tells it, in simplified Chinese: views at
the quarter's start, fill-in sheets out to the units and back (filled with openpyxl as Excel saves them),
hand records, items added at the 調度會議, the report in three formats and the 催辦 notices, history and
the workbook, then the next quarter from the marked report. Each number and word is checked across the
outputs that show it; each bug the round found has a test of its own here."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl

from conftest import Cli

ZH = ("--lang", "zh-Hans")


def ok(cli: Cli, repo: Path, *args: str, columns: int = 120) -> str:
    result = cli(*args, *ZH, cwd=repo, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


def spreadsheet_percent(value: float, number_format: str) -> str:
    """What Excel, WPS and LibreOffice print for a number under a `0.0%` format: the decimal the cell
    holds (its shortest repr, as they read 15 digits) times 100, rounded half away from zero."""
    assert number_format == "0.0%", number_format
    return f"{(Decimal(repr(value)) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def indicator_rows_of_docx(path: Path) -> dict[str, list[str]]:
    """The report's indicator table (the one headed 指标 … 完成率), by the indicator's name."""
    import docx

    for table in docx.Document(str(path)).tables:
        header = [cell.text for cell in table.rows[0].cells]
        if header[:1] == ["指标"] and "完成率" in header:
            return {row.cells[0].text: [cell.text for cell in row.cells] for row in table.rows[1:]}
    raise AssertionError(f"no indicator table in {path}")


def indicator_rows_of_workbook(path: Path) -> dict[str, dict[str, Any]]:
    """The exported workbook's 指标 sheet: each indicator id's cells by header, with their number formats."""
    sheet = openpyxl.load_workbook(path)["指标"]
    headers = [cell.value for cell in sheet[1]]
    rows = {}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value:
            rows[str(row[0].value)] = {
                str(h): (cell.value, cell.number_format) for h, cell in zip(headers, row, strict=True)
            }
    return rows


# --- 完成率 where the share ends in a half tenth -------------------------------------------------------


def test_an_attainment_ending_in_a_half_tenth_reads_in_the_report_as_the_workbook_shows_it(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """县自然资源局 sent 42.5% for 工业项目“标准地”出让规模 (target 40%): 106.25% attained. The workbook
    holds 1.0625 as 0.0%, which Excel and WPS print 106.3%; the report (and the indicators table) said
    106.2%, Python's rounding half to even, so the meeting's two papers disagreed."""
    ok(cli, repo, "record", "standard-land-share", "42.5%", "--period", "2024Q2", "--date", "2024-06-28")
    ok(cli, repo, "export", "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-30")
    ok(cli, repo, "report", "-o", str(tmp_path / "调度会议.docx"), "--as-of", "2024-06-30")

    value, number_format = indicator_rows_of_workbook(tmp_path / "台账.xlsx")["standard-land-share"]["完成率"]
    assert value == 1.0625
    in_the_workbook = spreadsheet_percent(value, number_format)
    assert in_the_workbook == "106.3%"
    report_row = indicator_rows_of_docx(tmp_path / "调度会议.docx")["工业项目“标准地”出让规模"]
    assert report_row[5] == in_the_workbook, report_row
    shown = json.loads(ok(cli, repo, "indicators", "standard-land-share", "--as-of", "2024-06-30", "-f", "json"))
    assert shown["attainment"] == 1.0625
    table = ok(cli, repo, "indicators", "--as-of", "2024-06-30", "-f", "table")
    line = next(line for line in table.splitlines() if line.strip().startswith("standard-land-share"))
    assert in_the_workbook in line, line


# --- the fill-in sheet's row 1 -------------------------------------------------------------------------


def test_a_chinese_sheet_names_its_unit_in_simplified_and_still_imports(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """Row 1 of 县财政局's sheet said 填报单位 縣財政局, in the document's characters, above a table whose
    item text and 牵头/配合 read simplified: the unit is the ledger's own text, shown simplified in zh-Hans.
    The sheet still imports, and a zh-Hant sheet keeps the document's characters."""
    ok(cli, repo, "sheets", "-o", str(tmp_path / "填报"), "--unit", "县财政局", "--as-of", "2024-03-31")
    path = tmp_path / "填报" / "縣財政局.xlsx"
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        if sheet.sheet_state == "visible":
            assert [cell.value for cell in sheet[1]][:2] == ["填报单位", "县财政局"], sheet.title
    rows = {sheet_row[0].value: sheet_row for sheet_row in book["事项"].iter_rows(min_row=4)}
    rows["T45"][5].value, rows["T45"][6].value, rows["T45"][7].value = "推進中", "已梳理项目3个", "2024年4月15日"
    book.save(path)
    out = ok(cli, repo, "import", str(path))
    assert "为县财政局记录了 1 项事项变更" in out, out
    assert [entry["status"] for entry in json.loads(ok(cli, repo, "show", "T45", "-f", "json"))["history"]] == [
        "in_progress"
    ]

    result = cli("sheets", "-o", str(tmp_path / "填報"), "--unit", "县财政局", "--lang", "zh-Hant", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert openpyxl.load_workbook(tmp_path / "填報" / "縣財政局.xlsx")["事項"]["B1"].value == "縣財政局"


# --- a margin's reference figure -----------------------------------------------------------------------


def test_a_margins_reference_figure_follows_it_without_a_space_before_the_full_width_bracket(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """工业固定资产增速高于全县增速: 12 against the county's 9 read 12% （参照值 9）, a space before the
    full-width bracket, in record's line, the indicators table and the report, where （更正） has none
    (test_new_today); English keeps its space: 12% (reference 9)."""
    args = ("record", "industrial-investment-margin", "12", "--reference", "9", "--period", "2024Q1")
    recorded = ok(cli, repo, *args, "--date", "2024-04-25")
    assert recorded.splitlines()[0] == "industrial-investment-margin 2024Q1: 12%（参照值 9）"
    table = ok(cli, repo, "indicators", "industrial-investment-margin", "--as-of", "2024-06-30", "-f", "table")
    assert "12%（参照值 9）" in table and "12% （" not in table
    ok(cli, repo, "report", "-o", str(tmp_path / "调度会议.md"), "--as-of", "2024-06-30")
    report = (tmp_path / "调度会议.md").read_text(encoding="utf-8")
    assert report.count("12%（参照值 9）") == 2 and "12% （" not in report  # what changed; the indicators
    english = cli("indicators", "industrial-investment-margin", "--as-of", "2024-06-30", "--lang", "en", cwd=repo)
    assert "12% (reference 9)" in english.stdout, english.stdout


def test_history_words_a_margins_reference_figure_in_chinese(cli: Cli, repo: Path) -> None:
    """history named a margin's figure 12 (reference 9), English in the Chinese table and CSV; JSON keeps
    its language-free text."""
    args = ("record", "industrial-investment-margin", "12", "--reference", "9", "--period", "2024Q1")
    ok(cli, repo, *args, "--date", "2024-04-25")
    ok(cli, repo, *args[:2], "13", *args[3:], "--correct", "--date", "2024-05-25")
    table = ok(cli, repo, "history", "industrial-investment-margin", "-f", "table", columns=200)
    assert "2024Q1 录入数据：12（参照值 9）" in table and "2024Q1 更正数据：12（参照值 9） → 13（参照值 9）" in table
    rows = ok(cli, repo, "history", "industrial-investment-margin", "-f", "csv").lstrip("\ufeff").splitlines()
    assert ",,12（参照值 9）,2024-04-25," in rows[1] and ",12（参照值 9）,13（参照值 9）,2024-05-25," in rows[2]
    assert "reference" not in table + "".join(rows)
    records = json.loads(ok(cli, repo, "history", "industrial-investment-margin", "-f", "json"))
    assert [(record["from"], record["to"]) for record in records] == [
        (None, "12 (reference 9)"),
        ("12 (reference 9)", "13 (reference 9)"),
    ]


# --- a liaison who took the sheet's protection off -----------------------------------------------------


def _unprotected_and_typed(path: Path, rows: dict[str, dict[int, Any]]) -> dict[str, int]:
    """The sheet's protection taken off (审阅 › 撤销工作表保护: it has no password) and cells typed, by
    column number, as a liaison who did so would; returns each id's row."""
    book = openpyxl.load_workbook(path)
    sheet = book["事项"]
    sheet.protection.sheet = False
    where = {str(sheet.cell(row, 1).value): row for row in range(4, sheet.max_row + 1)}
    for item_id, cells in rows.items():
        for column, value in cells.items():
            sheet.cell(where[item_id], column).value = value
    book.save(path)
    return where


def test_a_status_typed_over_the_locked_current_status_is_not_lost(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """县工信商务科技局's liaison took the protection off and wrote 已完成 both under 当前状态 and 新状态
    for T31 (with a note and a date): import recorded only the note, said 将记录 进展情况 and exited 0, and
    T31 stayed 未启动. A progress written under the locked 最新进展 (T32) was passed over in silence. Both
    cells are locked: each is reported where it is, and nothing is written."""
    ok(cli, repo, "sheets", "-o", str(tmp_path / "填报"), "--unit", "县工信商务科技局", "--as-of", "2024-06-30")
    path = tmp_path / "填报" / "縣工信商務科技局.xlsx"
    where = _unprotected_and_typed(
        path,
        {
            "T31": {5: "已完成", 6: "已完成", 7: "新认定高新技术企业2户", 8: "2024-06-20"},
            "T32": {9: "2024-06-18 已组织申报专精特新企业3户"},
        },
    )
    before = ok(cli, repo, "show", "T31", "-f", "json")
    result = cli("import", str(path), *ZH, cwd=repo)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.splitlines()[:2] == [
        f"縣工信商務科技局.xlsx!E{where['T31']}: 当前状态被改动；此列已锁定",
        f"縣工信商務科技局.xlsx!I{where['T32']}: 最新进展被改动；此列已锁定，进展请写在“进展情况”列",
    ], result.stderr
    assert ok(cli, repo, "show", "T31", "-f", "json") == before

    # the office puts the locked cells back: the status goes in, and the sheet's own cells are as cut
    _unprotected_and_typed(path, {"T31": {5: "未启动"}, "T32": {9: None}})
    imported = ok(cli, repo, "import", str(path))
    assert "为县工信商务科技局记录了 1 项事项变更" in imported, imported
    assert json.loads(ok(cli, repo, "show", "T31", "-f", "json"))["status"] == "done"


def test_a_late_entry_made_after_the_cut_leaves_the_locked_cells_as_cut(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The office put in a 补记 (a status dated before T31's last change) after the sheets went out: the
    sheet's 当前状态 and 最新进展, untouched, are still what it was cut with (read at the cut's commit)."""
    ok(cli, repo, "update", "T31", "--status", "in_progress", "--date", "2024-05-01", "--note", "已摸底")
    ok(cli, repo, "sheets", "-o", str(tmp_path / "填报"), "--unit", "县工信商务科技局", "--as-of", "2024-06-30")
    ok(cli, repo, "update", "T31", "--status", "blocked", "--date", "2024-04-01", "--note", "补记：4月受阻")
    path = tmp_path / "填报" / "縣工信商務科技局.xlsx"
    _unprotected_and_typed(path, {"T31": {7: "已认定2户", 8: "2024-06-20"}})
    imported = ok(cli, repo, "import", str(path))
    assert "为县工信商务科技局记录了 1 项事项变更" in imported, imported
    history = json.loads(ok(cli, repo, "show", "T31", "-f", "json"))["history"]
    assert [(entry.get("status"), entry["note"]) for entry in history] == [
        ("blocked", "补记：4月受阻"),
        ("in_progress", "已摸底"),
        (None, "已认定2户"),
    ]


def test_a_figure_typed_over_the_locked_latest_figure_is_not_lost(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """县自然资源局's liaison, the protection off, wrote the quarter's figure over 最新数据 (120.5 (2024Q2))
    instead of under 本期数值: import found nothing to record and exited 0. It is a bad cell, as on the
    items sheet; a 最新数据 left as cut imports."""
    ok(cli, repo, "record", "unsupplied-land-disposed", "120.5", "--period", "2024Q2", "--date", "2024-06-28")
    ok(cli, repo, "sheets", "-o", str(tmp_path / "填报"), "--unit", "县自然资源局", "--as-of", "2024-09-30")
    path = tmp_path / "填报" / "縣自然資源局.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["指标"]
    sheet.protection.sheet = False
    where = {str(sheet.cell(row, 1).value): row for row in range(4, sheet.max_row + 1)}
    assert sheet.cell(where["unsupplied-land-disposed"], 5).value == "120.5 (2024Q2)"
    sheet.cell(where["unsupplied-land-disposed"], 5).value = "200.3亩 2024Q3"
    book.save(path)
    result = cli("import", str(path), *ZH, cwd=repo)
    assert result.exit_code == 1, result.stdout
    cell = f"縣自然資源局.xlsx!指标!E{where['unsupplied-land-disposed']}"
    assert result.stderr.splitlines()[0] == f"{cell}: 最新数据被改动；此列已锁定，数据请写在“本期数值”列", result.stderr

    sheet.cell(where["unsupplied-land-disposed"], 5).value = "120.5 (2024Q2)"
    for column, value in ((6, "200.3亩"), (7, "2024Q3"), (9, "2024-09-25")):
        sheet.cell(where["unsupplied-land-disposed"], column).value = value
    book.save(path)
    assert "为县自然资源局记录了 0 项事项变更、1 个数据" in ok(cli, repo, "import", str(path))


# --- the whole quarter, every number and word agreeing ------------------------------------------------

OFFICE_WRITES = [
    ("update", "T02", "--status", "已完成", "--date", "2024-05-30", "--note", "5月30日县委常委会专题研究园区党建"),
    ("update", "T09", "--status", "进行中", "--date", "2024-04-02", "--note", "已报送典型经验材料1篇"),
    ("note", "T06", "职责边界清单初稿已形成", "--date", "2024-06-15"),
    ("update", "t3", "T5", "--status", "受阻", "--date", "2024-06-25", "--note", "待州级政策明确"),
    ("record", "规上工业总产值", "9.6亿元", "--period", "2024Q1", "--source", "统计局季报", "--date", "2024-04-20"),
    ("record", "value-added-growth", "8.5%", "--period", "2024Q1", "--date", "2024-04-20"),
    ("record", "industrial-investment-margin", "12", "--reference", "9", "--period", "2024Q1", "--date", "2024-04-25"),
    ("record", "provincial-green-park", "否", "--period", "2024H1", "--date", "2024-06-29"),
    ("add", "--text", "協調解決鈦產業園供水管網問題", "--lead", "縣財政局", "--support", "稅務", "--leader", "鄧開榮",
     "--deadline", "2024年6月20日前", "--meeting", "2024年第二季度调度会议", "--date", "2024-05-15"),
    ("add", "--text", "推进园区标准化厂房招租", "--lead", "自然资源局", "--deadline", "2024年9月底以前",
     "--meeting", "2024年第二季度调度会议", "--date", "2024-05-15"),
]  # fmt: skip


def _fill(path: Path, cells: dict[str, dict[str, dict[int, Any]]], blank_before: str | None = None) -> None:
    """A liaison's typing, by sheet, id and column number (F status, G note, H date on 事项; F figure,
    G period, I date, J note on 指标); `blank_before` inserts an empty row above that item."""
    book = openpyxl.load_workbook(path)
    for title, rows in cells.items():
        sheet = book[title]
        where = {str(sheet.cell(row, 1).value): row for row in range(4, sheet.max_row + 1)}
        for entry_id, typed in rows.items():
            for column, value in typed.items():
                cell = sheet.cell(where[entry_id], column)
                if isinstance(value, tuple):  # a number with its number format, as Excel stores 42.5% typed
                    cell.value, cell.number_format = value
                else:
                    cell.value = value
        if blank_before:
            sheet.insert_rows(where[blank_before])
    book.save(path)


def _md_tables(text: str) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            if not set("".join(cells)) <= set("-: "):
                rows.append(cells)
        elif rows:
            tables.append(rows)
            rows = []
    return tables


def _docx_tables(path: Path) -> list[list[list[str]]]:
    import docx

    return [
        [[cell.text.strip() for cell in row.cells] for row in table.rows] for table in docx.Document(str(path)).tables
    ]


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def _html_tables(path: Path, profile: Path) -> tuple[list[list[list[str]]], str]:
    """The report's tables and text (charts left out) as headless Chromium builds the page."""
    from html.parser import HTMLParser

    from conftest import browser

    dumped = browser(profile, "--dump-dom", path.as_uri())
    assert dumped.returncode == 0 and "<table" in dumped.stdout, dumped.stderr[-2000:]

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables: list[list[list[str]]] = []
            self.cell: str | None = None
            self.text: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.hidden += tag in ("svg", "style", "script")
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                self.cell = ""

        def handle_endtag(self, tag: str) -> None:
            self.hidden -= tag in ("svg", "style", "script")
            if tag in ("td", "th") and self.cell is not None:
                self.tables[-1][-1].append(self.cell.strip())
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell += data
            if not self.hidden:
                self.text.append(data)

    parser = Tables()
    parser.feed(dumped.stdout)
    return parser.tables, "\n".join(parser.text)


def _json(cli: Cli, repo: Path, *args: str) -> Any:
    return json.loads(ok(cli, repo, *args, "-f", "json"))


def _traditional_or_english(text: str, allowed: set[str]) -> list[str]:
    """Runs of Chinese that simplified conversion changes, and Latin words outside `allowed` (ids, git)."""
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    found = [run for run in re.findall(r"[\u3400-\u9fff]+", text) if to_simplified.convert(run) != run]
    words = re.findall(r"[A-Za-z][A-Za-z0-9.-]*[A-Za-z0-9]", text)
    return found + [word for word in words if word not in allowed]


def _headline(tables: list[list[list[str]]]) -> dict[str, list[str]]:
    first = next(table for table in tables if table[0][0] == "项目")
    return {row[0]: row[1:] for row in first[1:]}


def test_a_whole_quarter_agrees_from_start_to_end(cli: Cli, repo: Path, tmp_path: Path) -> None:
    from parktrack.names import fold

    # the quarter opens: nothing is overdue, every item is there
    assert _json(cli, repo, "overdue", "--as-of", "2024-03-31") == []
    assert len(_json(cli, repo, "list", "--as-of", "2024-03-31")) == 83
    units_then = {unit["name"]: unit for unit in _json(cli, repo, "units", "--as-of", "2024-03-31")}
    assert sum(leader["items"] for leader in _json(cli, repo, "leaders", "--as-of", "2024-03-31")) == 52  # key tasks
    assert {indicator["light"] for indicator in _json(cli, repo, "indicators", "--as-of", "2024-03-31")} == {None}
    ok(cli, repo, "record", "new-above-scale-firms", "1", "--period", "2024Q1", "--date", "2024-04-08")

    # the sheets go out: one per unit, holding the items it leads and supports
    cut = ok(cli, repo, "sheets", "-o", str(tmp_path / "填报"), "--as-of", "2024-03-31")
    for unit, row in units_then.items():
        if row["kind"] == "unit" and row["items"]:
            assert f"{unit}.xlsx：{row['items']} 个事项" in cut, unit
    sheets = tmp_path / "填报"
    _fill(
        sheets / "縣財政局.xlsx",
        {"事项": {
            "T45": {6: "推進中", 7: "已梳理符合条件项目3个，贷款需求约2.3亿元", 8: "2024年4月15日"},
            "T47": {6: "已完成", 7: "5月召开政银企对接会，签约授信8500万元", 8: datetime(2024, 5, 20)},
            "M05": {6: "进行中", 7: "引导基金方案已报县政府，拟设规模1亿元", 8: "2024/6/3"},
        }},
        blank_before="T49",
    )  # fmt: skip
    _fill(
        sheets / "縣自然資源局.xlsx",
        {
            "事项": {"T39": {6: "推进中", 7: "台账清单已建立，处置率12.5%", 8: datetime(2024, 6, 12)}},
            "指标": {
                "unsupplied-land-disposed": {6: "120.5亩", 7: "2024Q2", 9: datetime(2024, 6, 28), 10: "上半年处置"},
                "unsupplied-land-disposal-rate": {6: "12.5%", 7: "2024H1", 9: "2024-06-28"},
                "standard-land-share": {6: (0.425, "0.0%"), 7: "2024Q2", 9: datetime(2024, 6, 28)},
            },
        },
    )
    _fill(
        sheets / "縣工信商務科技局.xlsx",
        {
            "事项": {
                "T17": {6: "推進中", 7: "每月召开民营企业座谈会", 8: "2024-04-30"},
                "T31": {6: "已 完成", 7: "新认定高新技术企业2户，兑现奖补50万元", 8: "2024.6.20"},
            },
            "指标": {  # a figure for a period the sheet already showed: a correction
                "new-above-scale-firms": {6: "2个", 7: "2024Q1", 9: "2024-04-10", 10: "一季度新增"},
                "new-high-tech-firms": {6: 2, 7: "2024Q2", 9: datetime(2024, 6, 20)},
            },
        },
    )
    # 县委组织部 wrote on a row of another unit's item and a status of its own words: refused whole
    organisation = sheets / "縣委組織部.xlsx"
    book = openpyxl.load_workbook(organisation)
    items = book["事项"]
    extra = items.max_row + 1
    items.cell(extra, 1).value, items.cell(extra, 6).value, items.cell(extra, 8).value = "T45", "已完成", "2024-06-01"
    book.save(organisation)
    _fill(organisation, {"事项": {"T04": {6: "完了", 7: "已选派3名干部到园区挂职", 8: "2024-06-01"}}})
    head = json.dumps(_json(cli, repo, "history"))
    refused = cli("import", str(organisation), *ZH, cwd=repo)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "縣委組織部.xlsx!F5: 未知状态“完了”（是否想填 已完成？）",
        f"縣委組織部.xlsx!A{extra}: T45 不是县委组织部的事项",
        "错误：发现 2 个问题",
    ]
    book = openpyxl.load_workbook(organisation)
    book["事项"].delete_rows(extra)
    book.save(organisation)
    _fill(organisation, {"事项": {"T04": {6: "推进中"}}})

    # preview, then apply, one liaison at a time
    returned = [sheets / f"{name}.xlsx" for name in ("縣財政局", "縣自然資源局", "縣工信商務科技局", "縣委組織部")]
    preview = ok(cli, repo, "import", *map(str, returned), "--dry-run", columns=250)
    assert preview.count("将记录") == 12 and "试运行：未写入任何内容" in preview
    assert json.dumps(_json(cli, repo, "history")) == head
    authors = {"縣財政局": "王芳", "縣自然資源局": "李强", "縣工信商務科技局": "赵敏", "縣委組織部": "周红"}
    for path in returned:
        ok(cli, repo, "import", str(path), "--author", f"{authors[path.stem]} <liaison@example.org>")
    for write in OFFICE_WRITES:
        ok(cli, repo, *write)

    # history: each sheet under its unit, by its liaison, on the days the rows gave
    imported = {
        "縣財政局": [("T45", "2024-04-15"), ("T47", "2024-05-20"), ("M05", "2024-06-03")],
        "縣自然資源局": [("T39", "2024-06-12"), ("unsupplied-land-disposed", "2024-06-28"),
                          ("unsupplied-land-disposal-rate", "2024-06-28"), ("standard-land-share", "2024-06-28")],
        "縣工信商務科技局": [("T17", "2024-04-30"), ("T31", "2024-06-20"), ("new-above-scale-firms", "2024-04-10"),
                              ("new-high-tech-firms", "2024-06-20")],
        "縣委組織部": [("T04", "2024-06-01")],
    }  # fmt: skip
    for unit, changes in imported.items():
        trail = [row for row in _json(cli, repo, "history", "--unit", unit) if row["author"] == authors[unit]]
        assert sorted((row["id"], row["date"]) for row in trail) == sorted(changes), unit

    # the quarter's end: the views, the workbook, the report in three formats, the notices
    day = "2024-06-30"
    overdue = _json(cli, repo, "overdue", "--as-of", day)
    due = _json(cli, repo, "due", "--within", "15", "--as-of", day)
    listed = _json(cli, repo, "list", "--as-of", day)
    units = _json(cli, repo, "units", "--as-of", day)
    leaders = _json(cli, repo, "leaders", "--as-of", day)
    indicators = {row["id"]: row for row in _json(cli, repo, "indicators", "--as-of", day)}
    assert {row["id"] for row in overdue} == {"T09", "T41", "T01", "T03", "T11", "T14", "T16", "T17", "J01"}
    out = tmp_path / "会议"
    out.mkdir()
    for suffix in ("docx", "html", "md"):
        ok(cli, repo, "report", "-o", str(out / f"调度会议.{suffix}"), "--as-of", day)
    ok(cli, repo, "export", "-o", str(out / "台账.xlsx"), "--as-of", day)
    md = _md_tables((out / "调度会议.md").read_text(encoding="utf-8"))
    html, html_text = _html_tables(out / "调度会议.html", tmp_path / "chromium")
    assert md == _docx_tables(out / "调度会议.docx") == html  # every cell of every table, in every format

    lights = [row["light"] for row in indicators.values()]
    headline = _headline(md)
    assert headline["事项总数"][0] == str(len(listed)) == "85"
    assert headline["已完成"][0] == str(sum(row["status"] in ("done", "ongoing") for row in listed)) == "3"
    assert headline["推进中"][0] == str(sum(row["status"] == "in_progress" for row in listed)) == "6"
    assert headline["已逾期"][0] == str(len(overdue)) and headline["临期"][0] == str(len(due)) == "3"
    for light, label in (("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯"), (None, "尚无数据")):
        assert headline[f"指标：{label}"][0] == str(lights.count(light)), label

    by_unit = next(table for table in md if table[0][:2] == ["单位", "逾期（牵头）"])
    for row in units:
        if row["kind"] == "unit":
            shown = next(cells for cells in by_unit if fold(cells[0]) == fold(row["name"]))
            wanted = [row["overdue_lead"], row["leads"], row["supports"], row["due_soon"], row["done"]]
            assert shown[1:] == [str(count) for count in wanted], row["name"]
    by_leader = next(table for table in md if table[0][:2] == ["牵头领导", "逾期"])
    for row in leaders:
        shown = next(cells for cells in by_leader if fold(cells[0]) == fold(row["leader"]))
        assert shown[1:] == [str(row[key]) for key in ("overdue", "items", "due_soon", "done")], row["leader"]

    workbook = indicator_rows_of_workbook(out / "台账.xlsx")
    report_rows = indicator_rows_of_docx(out / "调度会议.docx")
    for indicator_id, row in indicators.items():
        cells = workbook[indicator_id]
        name = cells["指标"][0]
        attained = cells["完成率"]
        in_workbook = "—" if attained[0] is None else spreadsheet_percent(*attained)
        assert report_rows[name][5] == in_workbook, name
        if row["latest"] is not None and not isinstance(row["latest"]["value"], bool):
            figure, unit = cells["最新数据"][0], cells["计量单位"][0]
            assert report_rows[name][3].startswith(f"{figure:g}{unit}"), (report_rows[name], figure)
    assert report_rows["工业项目“标准地”出让规模"][3:6] == ["42.5%", "2024Q2", "106.3%"]
    assert report_rows["新增规模以上工业企业"][3:6] == ["2个", "2024Q1", "100.0%"]
    assert report_rows["工业固定资产增速高于全县增速"][3] == "12%（参照值 9）"

    # one 催办 notice per lead unit with something overdue or due, naming exactly those items
    ok(cli, repo, "notice", "--all", "-o", str(out / "催办"), "--as-of", day)
    chased: dict[str, set[str]] = {}
    for row in [*overdue, *due]:
        chased.setdefault(fold(row["lead_units"][0]), set()).add(row["id"])
    notices = {path.stem.removeprefix(f"{day}-"): path.read_text(encoding="utf-8") for path in (out / "催办").iterdir()}
    assert {fold(name) for name in notices} == set(chased)
    for name, text in notices.items():
        assert set(re.findall(r"^\d+\. ([TMJ][\d.]+) ", text, re.M)) == chased[fold(name)], name

    # nothing English or traditional where simplified Chinese is expected
    allowed = {*indicators, *(row["id"] for row in listed), "git"}
    for label, text in (
        ("md", (out / "调度会议.md").read_text(encoding="utf-8")),
        ("docx", _docx_text(out / "调度会议.docx")),
        ("html", html_text),
        *((path.name, path.read_text(encoding="utf-8")) for path in (out / "催办").iterdir()),
    ):
        plain = re.sub(
            r"\d{4}[QH]\d|数据来源：\S+?，git 提交 \w+|\(\S+\.charts/\S+\.svg\)", "", text
        )  # the data; the charts
        assert _traditional_or_english(plain, allowed) == [], label

    # the next quarter starts where the marked report ended
    marked = ok(cli, repo, "report", "-o", str(out / "二季度.docx"), "--as-of", day, "--mark")
    assert "变化自2024-04-01起" in marked
    q2 = _headline(_docx_tables(out / "二季度.docx"))
    ok(cli, repo, "sheets", "-o", str(tmp_path / "三季度"), "--as-of", "2024-09-30")
    _fill(
        tmp_path / "三季度" / "縣財政局.xlsx",
        {"事项": {"J01": {6: "已完成", 7: "供水管网改造资金300万元已拨付", 8: "2024年7月20日"}}},
    )
    ok(cli, repo, "import", str(tmp_path / "三季度" / "縣財政局.xlsx"), "--author", "王芳 <liaison@example.org>")
    ok(cli, repo, "update", "T09", "--status", "done", "--date", "2024-07-10", "--note", "典型经验已被州委刊物采用")
    ok(cli, repo, "report", "-o", str(out / "三季度.md"), "--as-of", "2024-09-30")
    third = (out / "三季度.md").read_text(encoding="utf-8")
    assert "- 变化起算：2024年7月1日（上次报告的次日）" in third
    q3 = _headline(_md_tables(third))
    assert {label: values[1] for label, values in q3.items()} == {label: values[0] for label, values in q2.items()}
    assert q3["已完成"] == ["5", "3", "+2"], q3
    assert len(_json(cli, repo, "overdue", "--as-of", "2024-09-30")) == int(q3["已逾期"][0])


# --- a milestone's target ------------------------------------------------------------------------------


def test_a_milestones_target_reads_as_in_the_report_not_as_achieved(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """创建省级绿美园区 with 否 recorded for 2024H1: the indicators view gave its target as 是（已实现）,
    "already achieved", beside the 否 and the yellow light, where the report and the workbook say 是."""
    ok(cli, repo, "record", "provincial-green-park", "否", "--period", "2024H1", "--date", "2024-06-29")
    ok(cli, repo, "report", "-o", str(tmp_path / "调度会议.docx"), "--as-of", "2024-06-30")
    ok(cli, repo, "export", "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-30")
    in_report = indicator_rows_of_docx(tmp_path / "调度会议.docx")["创建省级绿美园区"][1]
    in_workbook = indicator_rows_of_workbook(tmp_path / "台账.xlsx")["provincial-green-park"]["目标"][0]
    assert in_report == in_workbook == "是"
    shown = ok(cli, repo, "indicators", "provincial-green-park", "--as-of", "2024-06-30", "-f", "table")
    assert "\n目标    是\n" in shown and "已实现" not in shown, shown
    table = ok(cli, repo, "indicators", "--as-of", "2024-06-30", "-f", "table", columns=250)
    assert "已实现" not in table
    assert "力争 是" in next(line for line in table.splitlines() if "provincial-green-park-striven" in line)


# --- the documents' own properties (文件 › 属性, Explorer's 作者 column) ----------------------------------


def test_the_report_and_workbooks_are_not_signed_by_the_libraries_that_wrote_them(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """The report's properties said 作者 python-docx, 备注 generated by python-docx, made and saved on
    2013-12-23 (python-docx's template), and every workbook 作者 openpyxl: English beside a Chinese
    title, and a date ten years off, in WPS's 属性 and Explorer's columns."""
    import docx

    started = datetime.now(UTC).replace(microsecond=0)
    ok(cli, repo, "report", "-o", str(tmp_path / "调度会议.docx"), "--as-of", "2024-06-30")
    ok(cli, repo, "export", "-o", str(tmp_path / "台账.xlsx"), "--as-of", "2024-06-30")
    ok(cli, repo, "sheets", "-o", str(tmp_path / "填报"), "--unit", "县财政局", "--as-of", "2024-06-30")
    properties = docx.Document(str(tmp_path / "调度会议.docx")).core_properties
    assert properties.title == "园区发展情况调度会议材料：武定县2024年园区经济攻坚年行动方案"
    assert (properties.author, properties.comments) == ("", "")
    for stamp in (properties.created, properties.modified):
        assert stamp is not None and stamp.replace(tzinfo=stamp.tzinfo or UTC) >= started, stamp
    for path in (tmp_path / "台账.xlsx", tmp_path / "填报" / "縣財政局.xlsx"):
        assert openpyxl.load_workbook(path).properties.creator in ("", None), path
