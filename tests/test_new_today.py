"""What main gained on 2026-11-30, met as its users would meet it: validate's formats for programs,
init --from reading workbooks with calamine (.xls too), import's preview, history's added entries."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import DATA, Cli, git
from test_exchange import EN, FINANCE, INDUSTRY, cut, fill, show

ZH = ("--lang", "zh-Hans")
MEND = "文件已损坏，或未保存为 Excel 工作簿（.xlsx）；请用 Excel 或 WPS 重新保存"


def small_workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序號", "具體工作舉措", "牽頭領導", "牽頭單位", "配合單位", "完成時限"])
    sheet.append(["1", "推進標準廠房建設。", "王偉", "縣工信商務科技局", "", "2024年6月底以前"])
    book.save(path)
    return path


def _web_page(path: Path) -> Path:
    """What many government systems' 'export to Excel' download is: an HTML table named .xls."""
    path.write_text("<html><body><table><tr><td>序號</td></tr></table></body></html>", encoding="utf-8")
    return path


def _xlsx_named_xls(path: Path) -> Path:
    small_workbook(path.with_suffix(".xlsx")).rename(path)
    return path


def _broken_inside(path: Path) -> Path:
    """A zip that opens, whose sheet was cut short inside (a text cell's string never written)."""
    small_workbook(path.with_suffix(".tmp.xlsx"))
    with zipfile.ZipFile(path.with_suffix(".tmp.xlsx")) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b'<c r="A1"')] + b'<c r="A1" t="s"><v>99</v></c>'
            target.writestr(entry, data)
    return path


@pytest.mark.parametrize(
    ("name", "make"),
    [("網頁導出.xls", _web_page), ("另存.xls", _xlsx_named_xls), ("內部損壞.xlsx", _broken_inside)],
)
def test_a_workbook_calamine_cannot_read_is_refused_in_chinese(
    cli: Cli, tmp_path: Path, name: str, make: object
) -> None:
    """init --from reads .xls now; a web page or an .xlsx named .xls (both common downloads), or a sheet
    broken inside its zip, gave calamine's English (Cfb error: Invalid OLE …; Cell string index not
    found in shared strings table) in the middle of the Chinese line."""
    assert callable(make)
    table = make(tmp_path / name)
    result = cli("init", str(tmp_path / "new"), "--from", str(table), *ZH)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr == f"错误：{table}：无法读取工作簿：{MEND}\n"
    assert not (tmp_path / "new").exists()


# --- import: several files in one run -----------------------------------------------------


def test_a_note_dated_before_an_earlier_files_change_is_refused_before_anything_is_written(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """The park committee (lead) marks T07 done on 06-20; the finance bureau (supporting) sends a progress
    note dated 06-12. The preview promised to record both; import then committed the committee's sheet,
    failed on the bureau's date with exit 1 and never said the first sheet was committed."""
    committee = cut(cli, repo, tmp_path / "round", "云南武定產業園區管委會")
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(committee, {"T07": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    rows = fill(finance, {"T07": {"进展情况": "配合梳理财税体系", "变更日期": "2024-06-12"}})
    before = git(repo, "rev-parse", "HEAD")
    said = (
        f"{FINANCE}.xlsx!H{rows['T07']}: T07 is dated 2024-06-12, before the change 云南武定產業園區管委會.xlsx "
        "above records on 2024-06-20; import this file first, or date the row later"
    )
    for dry_run in (("--dry-run",), ()):
        result = cli("import", str(committee), str(finance), *dry_run, *EN, cwd=repo)
        assert result.exit_code == 1, result.stdout + result.stderr
        assert result.stderr.splitlines()[0] == said
        assert git(repo, "rev-parse", "HEAD") == before and git(repo, "status", "--porcelain") == ""
    in_order = cli("import", str(finance), str(committee), *EN, cwd=repo)
    assert in_order.exit_code == 0, in_order.stderr
    assert show(cli, repo, "T07")["history"] == [
        {"date": "2024-06-12", "note": "配合梳理财税体系"},
        {"date": "2024-06-20", "status": "done"},
    ]


def test_a_figure_dated_before_an_earlier_files_figure_is_refused_before_anything_is_written(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """gigabit-coverage is reported by two units; with --theirs the later sheet's figure is taken, but
    it is dated before the first sheet's: the first sheet was committed, then the import stopped (exit 1)."""
    committee = cut(cli, repo, tmp_path / "round", "云南武定產業園區管委會")
    reform = cut(cli, repo, tmp_path / "round", "縣發展改革局")
    fill(committee, {"gigabit-coverage": {"本期数值": 90, "所属期间": "2024", "变更日期": "2024-06-28"}}, 1)
    rows = fill(reform, {"gigabit-coverage": {"本期数值": 85, "所属期间": "2024", "变更日期": "2024-06-20"}}, 1)
    before = git(repo, "rev-parse", "HEAD")
    result = cli("import", str(committee), str(reform), "--theirs", *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr.splitlines()[0] == (
        f"縣發展改革局.xlsx!指标!I{rows['gigabit-coverage']}: gigabit-coverage is dated 2024-06-20, before the change "
        "云南武定產業園區管委會.xlsx above records on 2024-06-28; import this file first, or date the row later"
    )
    assert git(repo, "rev-parse", "HEAD") == before and git(repo, "status", "--porcelain") == ""


# --- history: added items ---------------------------------------------------------------


def test_an_item_added_by_hand_reads_simplified_in_a_chinese_csv_as_in_the_table(cli: Cli, repo: Path) -> None:
    """history's table shows an added item's text simplified in zh-Hans (新增：压紧压实…), and the CSV its
    notes (已对接银行); the CSV gave the added text as stored (壓緊壓實…)."""
    tasks = repo / "data" / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    first, second = text.index("  - id: T01\n"), text.index("  - id: T02\n")
    tasks.write_text(text[:second] + text[first:second].replace("id: T01", "id: T99", 1) + text[second:], "utf-8")
    git(repo, "commit", "-qam", "T99 added by hand")
    rows = list(csv.reader(io.StringIO(cli("history", "T99", "-f", "csv", *ZH, cwd=repo).stdout.lstrip("\ufeff"))))
    header, added = rows
    assert (added[header.index("变更")], added[header.index("编号")]) == ("新增", "T99")
    shown = added[header.index("新状态")]
    assert shown.startswith("压紧压实产业园区党工委主体责任") and "壓" not in shown
    table = cli("history", "T99", "-f", "table", *ZH, env={"COLUMNS": "400"}, cwd=repo).stdout
    assert f"新增：{shown}" in table


def test_a_sheet_sent_twice_in_one_run_is_previewed_as_already_recorded_the_second_time(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """A chat download saved twice (縣工信商務科技局.xlsx and …(1).xlsx) imported together: the preview said
    the second would record the status and the figure again; import found them recorded."""
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    fill(industry, {"T08": {"新状态": "推进中", "进展情况": "已对接三家企业", "变更日期": "2024-06-12"}})
    fill(industry, {"new-tech-smes": {"本期数值": 3, "所属期间": "2024H1", "变更日期": "2024-07-05"}}, 1)
    copy = tmp_path / f"{INDUSTRY}(1).xlsx"
    copy.write_bytes(industry.read_bytes())
    for theirs in ((), ("--theirs",)):
        preview = cli("import", str(industry), str(copy), *theirs, "--dry-run", *EN, env={"COLUMNS": "200"}, cwd=repo)
        assert preview.exit_code == 0, preview.stderr
        outcomes = [line.split("│")[-2].strip() for line in preview.stdout.splitlines() if line.startswith("│ ")]
        assert outcomes == ["will record", "will record", "already recorded", "already recorded"], theirs
    result = cli("import", str(industry), str(copy), *EN, cwd=repo)
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    assert f"{copy.name}: nothing new to record" in result.stdout


def test_a_status_not_taken_is_no_date_problem(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The finance bureau's other status for T07, dated before the committee's, is not taken (the first
    file goes first): its date breaks no order, so the import goes on, as without the date check."""
    committee = cut(cli, repo, tmp_path / "round", "云南武定產業園區管委會")
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(committee, {"T07": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    fill(finance, {"T07": {"新状态": "推进中", "变更日期": "2024-06-12"}})
    for dry_run in (("--dry-run",), ()):
        result = cli("import", str(committee), str(finance), *dry_run, *EN, env={"COLUMNS": "200"}, cwd=repo)
        assert result.exit_code == 0, result.stdout + result.stderr
    assert "T07 changed in the ledger since the sheet was cut" in result.stderr
    assert show(cli, repo, "T07")["history"] == [{"date": "2024-06-20", "status": "done"}]


# --- init --from: calamine reads what openpyxl read -----------------------------------------


def _openpyxl_grids(path: Path) -> dict[str, list[list[str]]]:
    """The grid the openpyxl reader gave before calamine (7891231): every cell from A1, merged ranges
    filled with their first cell's value; sheets by name."""
    from openpyxl import load_workbook

    from parktrack.tableread import cell_text

    book = load_workbook(path, data_only=True)
    grids = {}
    for sheet in book.worksheets:
        rows = [[cell_text(cell.value) for cell in row] for row in sheet.iter_rows()]
        for merged in sheet.merged_cells.ranges:
            value = cell_text(sheet.cell(merged.min_row, merged.min_col).value)
            for row in range(merged.min_row - 1, merged.max_row):
                for column in range(merged.min_col - 1, merged.max_col):
                    if row < len(rows) and column < len(rows[row]):
                        rows[row][column] = value
        grids[sheet.title] = rows
    return grids


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Rows without trailing empty cells and trailing empty rows: what either reader adds past the data."""
    kept = [list(row) for row in rows]
    for row in kept:
        while row and row[-1] == "":
            row.pop()
    while kept and not kept[-1]:
        kept.pop()
    return kept


def test_calamine_reads_an_awkward_workbook_as_openpyxl_did(tmp_path: Path) -> None:
    """A two-row header merged over both rows (序號, 具體工作舉措, 完成時限) and across (責任分工), a lead unit
    merged down three items, a section row merged across, dates, a date and time, a time, a percentage,
    a boolean, a whole float, a hidden sheet and a chart sheet: the grids agree cell for cell."""
    from datetime import date, datetime, time

    from openpyxl.chart import BarChart, Reference

    from parktrack.tableread import read_grids

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "重點任務"
    sheet.append(["武定縣園區台賬"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序號", "具體工作舉措", "責任分工", None, None, "完成時限"])
    sheet.append([None, None, "牽頭領導", "牽頭單位", "配合單位", None])
    for column in "ABF":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("C2:E2")
    sheet.append(["一、招商引資"])
    sheet.merge_cells("A4:F4")
    sheet.append([1.0, "引進項目。", "趙剛", "縣投資促進局", True, date(2024, 6, 30)])
    sheet.append([2, "舉辦推介會。", "趙剛", None, 0.125, datetime(2024, 9, 30, 17, 45)])
    sheet.append([3, "走訪企業。", "趙剛", None, time(9, 30), "2024年底前"])
    sheet["E6"].number_format = "0.0%"
    sheet.merge_cells("D5:D7")
    hidden = book.create_sheet("舊表")
    hidden.append(["序號", "具體工作舉措"])
    hidden.sheet_state = "hidden"
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=1, min_row=5, max_row=7))
    book.create_chartsheet("圖表").add_chart(chart)
    path = tmp_path / "台賬.xlsx"
    book.save(path)

    grids = read_grids(path)
    assert [grid.sheet for grid in grids] == ["重點任務", "舊表"]
    expected = _openpyxl_grids(path)
    assert {grid.sheet: _trimmed(grid.rows) for grid in grids} == {
        name: _trimmed(rows) for name, rows in expected.items()
    }
    assert _trimmed(grids[0].rows)[6] == ["3", "走訪企業。", "趙剛", "縣投資促進局", "09:30:00", "2024年底前"]


# --- validate for programs ----------------------------------------------------------------


def test_github_annotations_escape_a_folder_named_with_commas_colons_and_percent(cli: Cli, tmp_path: Path) -> None:
    """Two files broken at once in a folder named `台賬,2024:第1版%` beside the job's folder: each problem
    is one workflow command, its file property escaped (, : %) and its message's % too; the JSON names
    the same files unescaped; the count goes to stderr, in the interface language."""
    data = tmp_path / "台賬,2024:第1版%" / "data"
    shutil.copytree(DATA, data)
    units = data / "units.yaml"
    units.write_bytes(units.read_bytes() + b"\xff\n")
    tasks = data / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(text.replace("deadline: 2024-06-30", 'deadline: "50%"', 1), encoding="utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), 1) if "deadline: 2024-06-30" in row)
    units_line = units.read_bytes().count(b"\n")

    result = cli("validate", "-f", "github", "--data", "台賬,2024:第1版%/data", *ZH, cwd=tmp_path)
    assert result.exit_code == 1 and result.stderr == "错误：发现 2 个问题\n", result.stderr
    escaped = "台賬%2C2024%3A第1版%25/data"
    assert result.stdout.splitlines() == [
        f"::error file={escaped}/units.yaml,line={units_line},col=1::"
        "不是有效的 UTF-8（字节 0xff）；请以 UTF-8 保存文件",
        f"::error file={escaped}/tasks.yaml,line={line},col=15::"
        "T02.deadline: 应为 YYYY-MM-DD 格式的日期，实际为 '50%25'",
    ]
    report = cli("validate", "-f", "json", "--data", str(data), *ZH, cwd=tmp_path)
    assert report.exit_code == 1
    assert [problem["file"] for problem in json.loads(report.stdout)["problems"]] == [str(units), str(tasks)]


# --- record: the confirmation --------------------------------------------------------------


def test_record_puts_no_space_before_a_full_width_bracket_and_names_a_withdrawn_figure_as_shown(
    cli: Cli, repo: Path
) -> None:
    """record says the figure as stored (10.5%, not as typed); its Chinese line put a space before
    （更正） (gross-output 2024Q1: 5亿元 （更正）), and a withdrawal named the figure as Python's float
    (已撤回（5.0）; withdrawn (12.0)) where the line before said 5亿元 / 12億元. The colon after the period
    stays as test_indicators has it (2024Q2: 10.5%)."""
    args = ("record", "gross-output", "--period", "2024Q1")
    first = cli(*args, "４１．９", "--date", "2024-04-05", *ZH, cwd=repo)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.splitlines()[0] == "gross-output 2024Q1: 41.9亿元"
    corrected = cli(*args, "5", "--correct", "--date", "2024-04-06", *ZH, cwd=repo)
    assert corrected.stdout.splitlines()[0] == "gross-output 2024Q1: 5亿元（更正）"
    withdrawn = cli(*args, "--withdraw", "--date", "2024-04-07", *ZH, cwd=repo)
    assert withdrawn.exit_code == 0, withdrawn.stderr
    assert withdrawn.stdout.splitlines()[0] == "gross-output 2024Q1：已撤回（5亿元）"
    cli("record", "gross-output", "12", "--period", "2024Q2", "--date", "2024-07-07", *EN, cwd=repo)
    english = cli("record", "gross-output", "--period", "2024Q2", "--withdraw", "--date", "2024-07-08", *EN, cwd=repo)
    assert english.stdout.splitlines()[0] == "gross-output 2024Q2: withdrawn (12億元)"


def test_a_hand_edit_names_its_fields_in_the_interface_language(cli: Cli, repo: Path) -> None:
    """history words its kinds of change in Chinese (编辑), but the fields a hand edit changed stayed
    YAML's English keys: 编辑了 deadline, text."""
    tasks = repo / "data" / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    start = text.index("  - id: T02\n")
    edited = text[start:].replace("deadline: 2024-06-30", "deadline: 2024-07-31", 1)
    edited = edited.replace("deadline_text: 2024年6月底以前", "deadline_text: 2024年7月底以前", 1)
    edited = edited.replace("text: ", "text: 【已調整】", 1)
    tasks.write_text(text[:start] + edited, encoding="utf-8")
    assert cli("validate", cwd=repo).exit_code == 0
    git(repo, "commit", "-qam", "T02 moved to July by hand")
    shown = {}
    for lang in ("zh-Hans", "en"):
        table = cli("history", "T02", "-f", "table", "--lang", lang, env={"COLUMNS": "200"}, cwd=repo)
        assert table.exit_code == 0, table.stderr
        shown[lang] = table.stdout
    assert "编辑了 完成时限，时限原文，具体工作举措" in shown["zh-Hans"]
    assert not any(key in shown["zh-Hans"] for key in ("deadline", "text"))
    assert "edited deadline, deadline as written, task text" in shown["en"]
    csv_zh = cli("history", "T02", "-f", "csv", "--lang", "zh-Hans", cwd=repo).stdout  # its `to` cell too
    assert "完成时限，时限原文，具体工作举措" in csv_zh and "deadline, deadline_text" not in csv_zh
    csv_en = cli("history", "T02", "-f", "csv", "--lang", "en", cwd=repo).stdout  # English CSV: the JSON's keys
    assert "deadline, deadline_text, text" in csv_en


def test_a_hidden_template_sheet_before_the_table_does_not_stop_init(cli: Cli, tmp_path: Path) -> None:
    """A workbook whose first sheet is a hidden, empty template (a header, no rows) and whose visible
    sheet holds the 台賬: init stopped on the sheet the office cannot see (hid.xlsx!模板: the table has a
    header but no items)."""
    book = Workbook()
    template = book.active
    assert template is not None
    template.title = "模板"
    template.append(["序號", "具體工作舉措", "牽頭領導", "牽頭單位", "配合單位", "完成時限"])
    template.sheet_state = "hidden"
    table = book.create_sheet("台賬")
    table.append(["序號", "具體工作舉措", "牽頭領導", "牽頭單位", "配合單位", "完成時限"])
    table.append(["1", "推進標準廠房建設。", "王偉", "縣工信商務科技局", "", "2024年6月底以前"])
    book.active = 1
    book.save(tmp_path / "hid.xlsx")
    result = cli("init", "north", "--from", str(tmp_path / "hid.xlsx"), "--lang", "en", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "read hid.xlsx!台賬: 1 section, 1 item" in result.stdout.lower()
    only_template = tmp_path / "template.xlsx"
    book.remove(table)
    template.sheet_state = "visible"
    book.save(only_template)
    refused = cli("init", "south", "--from", str(only_template), "--lang", "en", cwd=tmp_path)
    assert refused.exit_code == 2 and refused.stderr == "error: template.xlsx: the table has a header but no items\n"


def test_three_files_with_theirs_each_taken_in_turn(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """With --theirs every sheet's status is taken in turn: the third file setting again the first
    file's status is a change after the second's, not already recorded."""
    sheets = [cut(cli, repo, tmp_path / "round", unit) for unit in ("云南武定產業園區管委會", FINANCE, "縣稅務局")]
    for sheet, (status, day) in zip(
        sheets, (("已完成", "2024-06-10"), ("推进中", "2024-06-12"), ("已完成", "2024-06-15")), strict=True
    ):
        fill(sheet, {"T07": {"新状态": status, "变更日期": day}})
    files = [str(sheet) for sheet in sheets]
    preview = cli("import", *files, "--theirs", "--dry-run", *EN, env={"COLUMNS": "200"}, cwd=repo)
    assert preview.exit_code == 0, preview.stderr
    outcomes = [line.split("│")[-2].strip() for line in preview.stdout.splitlines() if "│ T07 " in line]
    assert outcomes == ["will record"] * 3
    assert cli("import", *files, "--theirs", *EN, cwd=repo).exit_code == 0
    assert show(cli, repo, "T07")["history"] == [
        {"date": "2024-06-10", "status": "done"},
        {"date": "2024-06-12", "status": "in_progress"},
        {"date": "2024-06-15", "status": "done"},
    ]
