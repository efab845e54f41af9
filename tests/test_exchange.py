"""The monthly round: `export` a workbook, cut `sheets` for the units, `import` what they fill in.

Workbooks are real files: written by parktrack, filled in with openpyxl as a liaison would, re-saved
by LibreOffice, read back by a second, independent reader (python-calamine).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import shutil
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from python_calamine import CalamineWorkbook

from conftest import DATA, Cli, git, soffice_convert
from parktrack import ledger

# the indicator ids as the ledger holds them: the workbook must carry every one
INDICATORS = {
    entry["id"] for entry in yaml.safe_load((DATA / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]
}

ZH = ("--lang", "zh-Hans")
EN = ("--lang", "en")
FINANCE = "縣財政局"
INDUSTRY = "縣工信商務科技局"
AUTHOR = "张丽 <zhangli@example.org>"
LIGHTS_ZH = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "late": "逾期完成", "waiting": "等待条件"}


def rows_of(path: Path, sheet: int | str) -> list[list[Any]]:
    """A sheet as the second, independent reader (calamine, in Rust) sees it."""
    book = CalamineWorkbook.from_path(str(path))
    chosen = book.get_sheet_by_index(sheet) if isinstance(sheet, int) else book.get_sheet_by_name(sheet)
    return chosen.to_python()


def table_of(path: Path, sheet: int | str = 0) -> list[list[Any]]:
    """A sheet's cells as a CSV holds them: an empty cell is empty text."""
    return [["" if value is None else value for value in row] for row in rows_of(path, sheet)]


def write_csv(path: Path, table: list[list[Any]], encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    """The table saved as a CSV, as Excel's "CSV UTF-8" saves one unless told otherwise."""
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(table)
    return path


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def show(cli: Cli, repo: Path, task_id: str) -> dict[str, Any]:
    result = cli("show", task_id, "--format", "json", cwd=repo)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


_CUTS: dict[tuple[str, ...], Path] = {}
_CUTS_KEPT = Path(tempfile.mkdtemp(prefix="parktrack-test-cuts-"))
atexit.register(shutil.rmtree, _CUTS_KEPT, ignore_errors=True)


def cut(cli: Cli, repo: Path, folder: Path, unit: str | None = None, as_of: str = "2024-06-30") -> Path:
    """`sheets` into `folder` (one unit's sheet, or every unit's). A unit's sheet already cut in this
    process from the same commit and data files, for the same day, is copied from that cut: `sheets`
    would write the same cells (openpyxl's time stamp aside)."""
    key = (git(repo, "rev-parse", "HEAD"), as_of, unit or "", *_data_digests(repo / "data"))
    if unit and key in _CUTS:
        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy2(_CUTS[key], folder / f"{unit}.xlsx"))
    args = ["sheets", "-o", str(folder), "--as-of", as_of, *ZH]
    result = cli(*args, *(["--unit", unit] if unit else []), cwd=repo)
    assert result.exit_code == 0, result.stderr
    if not unit:
        return folder
    _CUTS[key] = Path(shutil.copy2(folder / f"{unit}.xlsx", _CUTS_KEPT / f"{len(_CUTS)}.xlsx"))
    return folder / f"{unit}.xlsx"


def _data_digests(data: Path) -> list[str]:
    return [hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(data.glob("*.yaml"))]


def fill(path: Path, values: dict[str, dict[str, Any]], sheet: int = 0) -> dict[str, int]:
    """Type into the sheet by its headers, as a liaison would; returns each id's row."""
    book = openpyxl.load_workbook(path)
    ws = book.worksheets[sheet]
    headers = {cell.value: cell.column for cell in ws[3]}
    rows = {ws.cell(row=row, column=1).value: row for row in range(4, ws.max_row + 1)}
    for item_id, cells in values.items():
        for header, value in cells.items():
            ws.cell(row=rows[item_id], column=headers[header]).value = value  # None empties the cell
    book.save(path)
    return {str(item_id): row for item_id, row in rows.items()}


def data_bytes(repo: Path) -> dict[str, bytes]:
    return {name: (repo / "data" / name).read_bytes() for name in ("tasks.yaml", "indicators.yaml")}


# --- export ----------------------------------------------------------------------------


def test_export_is_the_ledger_as_a_workbook(cli: Cli, repo: Path, tmp_path: Path) -> None:
    steps = [
        ("update", "T01", "--status", "done", "--date", "2024-04-20", "--note", "已制定三張清單"),
        ("record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-05"),
    ]
    for step in steps:
        assert cli(*step, cwd=repo).exit_code == 0
    out = tmp_path / "台賬.xlsx"
    result = cli("export", "-o", str(out), "--as-of", "2024-07-10", *ZH, cwd=repo)
    assert result.exit_code == 0, result.stderr
    day = date(2024, 7, 10)

    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["封面", "重点任务", "攻坚措施", "指标"]
    key = rows_of(out, "重点任务")
    assert key[0] == [
        "序号", "具体工作举措", "牵头领导", "牵头单位", "配合单位", "完成时限",
        "编号", "状态", "灯号", "最新进展", "进展日期", "逾期天数",
    ]  # fmt: skip
    sections = [row[0] for row in key[1:] if isinstance(row[0], str)]
    assert [text[:2] for text in sections] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"]
    assert sections[0] == "一、党建质量提升行动(2024年度工作目标:党对产业园区的领导进一步加强)"
    items = [row for row in key[1:] if not isinstance(row[0], str)]
    assert [int(row[0]) for row in items] == list(range(1, 53))
    assert [row[6] for row in items] == [f"T{n:02d}" for n in range(1, 53)]
    t01, t02 = items[0], items[1]
    assert (
        t01[1].startswith("压紧压实产业园区党工委主体责任")
        and t01[2] == "邓开荣"
        and t01[3] == "云南武定产业园区管委会"
    )
    assert t01[7:10] == ["已完成", LIGHTS_ZH["green"], "已制定三張清單"]  # notes as typed
    assert t01[10] in (datetime(2024, 4, 20), date(2024, 4, 20))
    assert t02[5] == "2024年6月底以前,并长期坚持" and t02[7] == "未启动"
    assert t02[8] == LIGHTS_ZH["red"] and t02[11] == (day - date(2024, 6, 30)).days

    measures = rows_of(out, "攻坚措施")
    ids = [row[6] for row in measures[1:] if row[6]]
    assert len(ids) == 31 and ids[:4] == ["M01", "M02", "M03.1", "M03.2"]
    assert [row[0] for row in measures[1:] if row[6] == "M03.1"] == ["3(1)"]
    assert next(row[0] for row in measures[1:] if not row[6]).startswith("(一)开展党建引领强化攻坚行动")

    indicators = {row[0]: row for row in rows_of(out, "指标")[1:]}
    assert len(indicators) == len(INDICATORS) and set(indicators) == INDICATORS
    gross = indicators["gross-output"]
    assert gross[1:5] == ["规上工业总产值", "亿元", "力争 ≥41.9", ""]  # 力爭: the plan strives for it
    assert gross[6:9] == [19.9, "", "2024Q2"]  # no reference figure: gross output is no margin
    assert gross[9] == pytest.approx(19.9 / 41.9)
    assert gross[10] == pytest.approx(day.timetuple().tm_yday / 366)
    # 19.9 against 41.9 x (182/366) = 20.8 expected by the end of June: behind pace, not too far
    assert gross[11] == LIGHTS_ZH["yellow"]
    assert indicators["value-added-growth"][4] == 11.0  # 力爭 11%

    cover = {row[0]: row[1] for row in rows_of(out, "封面") if row and row[0]}
    assert cover["方案"] == "武定县2024年园区经济攻坚年行动方案"
    assert cover["Git 提交"] == head(repo)
    assert cover["数据目录"] == str(repo / "data")
    assert (cover["重点任务"], cover["措施事项"], cover["指标"]) == (52, 31, len(INDICATORS))
    assert cover["事项：已完成"] == 1


def test_export_looks_finished(cli: Cli, repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"
    assert cli("export", "-o", str(out), "--as-of", "2024-07-01", *ZH, cwd=repo).exit_code == 0
    book = openpyxl.load_workbook(out)
    for name in ("重点任务", "攻坚措施", "指标"):
        ws = book[name]
        assert ws.freeze_panes in ("A2", "C2")
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
    ws = book["重点任务"]
    assert ws.column_dimensions["B"].width >= 50 and ws.cell(row=3, column=2).alignment.wrap_text
    # T01's 80 characters take three lines: the row is tall enough to show them (not every program fits rows)
    assert ws.cell(row=3, column=7).value == "T01" and ws.row_dimensions[3].height >= 3 * 14
    merged = {str(cell_range) for cell_range in ws.merged_cells.ranges}
    section_rows = [row for row in range(2, ws.max_row + 1) if isinstance(ws.cell(row=row, column=1).value, str)]
    assert len(section_rows) == 8 and all(f"A{row}:L{row}" in merged for row in section_rows)
    lights = {ws.cell(row=row, column=9).value: ws.cell(row=row, column=9).fill.fgColor.rgb for row in range(2, 70)}
    assert lights["红灯"].endswith("FFC7CE") and lights["绿灯"].endswith("C6EFCE")
    header, section, item = ws["A1"], ws.cell(row=section_rows[0], column=1), ws.cell(row=3, column=9)
    assert header.font.b and header.fill.fgColor.rgb.endswith("DDEBF7") and header.border.bottom.style == "thin"
    assert section.font.b and section.fill.fgColor.rgb.endswith("F2F2F2")
    assert item.border.left.style == "thin" and item.alignment.vertical == "top"  # a painted cell keeps its frame
    item_rows = [row for row in range(2, ws.max_row + 1) if ws.cell(row=row, column=7).value]
    assert len(item_rows) == 52 and {ws.cell(row=row, column=11).number_format for row in item_rows} == {"yyyy-mm-dd"}
    # the cover: each light's count painted in its light, nothing else painted, the as-of day a date
    cover = book["封面"]
    painted = {
        cover.cell(row=row, column=1).value: cover.cell(row=row, column=2).fill.fgColor.rgb
        for row in range(3, cover.max_row + 1)
        if cover.cell(row=row, column=2).fill.fill_type == "solid"
    }
    assert painted.keys() == {f"事项：{label}" for label in LIGHTS_ZH.values()}, painted
    assert painted["事项：红灯"].endswith("FFC7CE") and painted["事项：等待条件"].endswith("D9D9D9")
    as_of = next(row for row in range(3, cover.max_row + 1) if cover.cell(row=row, column=1).value == "截至")
    assert cover.cell(row=as_of, column=2).number_format == "yyyy-mm-dd"


def test_export_in_english_keeps_the_documents_column_names(cli: Cli, repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"
    assert cli("export", "-o", str(out), "--as-of", "2024-07-01", *EN, cwd=repo).exit_code == 0
    assert CalamineWorkbook.from_path(str(out)).sheet_names == ["Cover", "Key tasks", "Measures", "Indicators"]
    header = rows_of(out, "Key tasks")[0]
    assert header[:6] == ["序號", "具體工作舉措", "牽頭領導", "牽頭單位", "配合單位", "完成時限"]
    assert header[6:] == ["ID", "Status", "Light", "Latest progress", "Progress date", "Days overdue"]


def test_export_has_a_sheet_of_the_items_assigned_at_meetings(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """Items added with `add` (J01 …) used to be in no sheet of the export, though the cover counted them."""
    meeting = ("--meeting", "2024年第二季度園區調度會議", "--date", "2024-07-15")
    for text, lead, deadline in (
        ("協調解決供水管網問題", "縣財政局", "2024年9月底以前"),
        ("乙", "縣統計局", "2024年6月底以前"),
    ):
        added = cli(
            "add", "--text", text, "--lead", lead, "--leader", "鄧開榮", "--deadline", deadline, *meeting, *ZH, cwd=repo
        )
        assert added.exit_code == 0, added.stderr
    out = tmp_path / "台賬.xlsx"
    result = cli("export", "-o", str(out), "--as-of", "2024-07-20", *ZH, cwd=repo)
    assert result.exit_code == 0 and "2 项交办事项" in result.stdout, result.stdout + result.stderr
    assert CalamineWorkbook.from_path(str(out)).sheet_names == ["封面", "重点任务", "攻坚措施", "交办事项", "指标"]
    header, section, *items = rows_of(out, "交办事项")
    assert header == [
        "序号", "交办事项", "牵头领导", "牵头单位", "配合单位", "完成时限", "会议", "交办日期",
        "编号", "状态", "灯号", "最新进展", "进展日期", "逾期天数",
    ]  # fmt: skip
    assert section[0] == "交办事项"
    assert [row[0] for row in items] == [1, 2] and [row[8] for row in items] == ["J01", "J02"]
    assert items[0][1:7] == [
        "协调解决供水管网问题",
        "邓开荣",
        "县财政局",
        "",
        "2024年9月底以前",
        "2024年第二季度园区调度会议",
    ]
    assert items[0][7] in (datetime(2024, 7, 15), date(2024, 7, 15))
    assert (items[0][9], items[1][10], items[1][13]) == ("未启动", LIGHTS_ZH["red"], 20)
    cover = {row[0]: row[1] for row in rows_of(out, "封面") if row}
    assert cover["交办事项"] == 2


# --- sheets ------------------------------------------------------------------------------


def _units_with_work(repo: Path) -> set[str]:
    """Independently of parktrack: the units named by an item or an indicator (groups left out)."""
    units = yaml.safe_load((repo / "data" / "units.yaml").read_text(encoding="utf-8"))["units"]
    canonical = {
        name: unit["name"] for unit in units if unit["kind"] == "unit" for name in [unit["name"], *unit["aliases"]]
    }
    named: set[str] = set()
    for task in yaml.safe_load((repo / "data" / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]:
        named |= {canonical[name] for name in task["lead_units"] + task["support_units"] if name in canonical}
    for indicator in yaml.safe_load((repo / "data" / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]:
        named |= {canonical[name] for name in indicator["units"] if name in canonical}
    return named


def test_sheets_one_workbook_per_unit(cli: Cli, repo: Path, tmp_path: Path) -> None:
    folder = cut(cli, repo, tmp_path / "sheets")
    assert {path.stem for path in folder.glob("*.xlsx")} == _units_with_work(repo)


def test_a_units_sheet_locks_what_it_must_not_change(cli: Cli, repo: Path, tmp_path: Path) -> None:
    path = cut(cli, repo, tmp_path / "sheets", FINANCE)
    listed = json.loads(cli("list", "--unit", FINANCE, "--format", "json", cwd=repo).stdout)
    rows = rows_of(path, 0)
    assert rows[0][:6] == ["填报单位", "县财政局", "截至日期", "2024-06-30", "台账版本", head(repo)]
    assert rows[2][:9] == [
        "编号",
        "具体工作举措",
        "角色",
        "完成时限",
        "当前状态",
        "新状态",
        "进展情况",
        "变更日期",
        "最新进展",
    ]
    data = rows[3:]
    assert sorted(row[0] for row in data) == sorted(item["id"] for item in listed)
    roles = [row[2] for row in data]
    assert roles == sorted(roles, key=lambda role: role != "牵头") and roles[0] == "牵头" and roles[-1] == "配合"
    assert {row[4] for row in data} == {"未启动"}

    book = openpyxl.load_workbook(path)
    ws = book.worksheets[0]
    assert ws.protection.sheet
    for row in range(4, 4 + len(data)):
        assert [ws.cell(row=row, column=column).protection.locked for column in range(1, 10)] == [
            True, True, True, True, True, False, False, False, True,
        ]  # fmt: skip
    assert ws.column_dimensions["J"].hidden  # the entries each item had when cut
    for row in range(4, 4 + len(data)):  # the open cells are tinted; the date cell stays a date
        assert {ws.cell(row=row, column=column).fill.fgColor.rgb[-6:] for column in (6, 7, 8)} == {"FFF9DB"}
        assert ws.cell(row=row, column=8).number_format == "yyyy-mm-dd"
        assert ws.cell(row=row, column=2).fill.fill_type is None
    choices = {False: '"未启动,推进中,已完成,受阻"', True: '"未启动,推进中,已完成,受阻,常态化推进"'}
    long_term = {item["id"]: item["long_term"] for item in listed}
    assert set(long_term.values()) == {False, True}  # both lists are offered
    for row, values in enumerate(data, start=4):  # each status cell offers its item's list, and only it
        offered = [dv.formula1 for dv in ws.data_validations.dataValidation if f"F{row}" in dv.sqref]
        assert offered == [choices[long_term[values[0]]]], values[0]
    assert not any(f"F{4 + len(data)}" in dv.sqref or "F3" in dv.sqref for dv in ws.data_validations.dataValidation)
    meta = book["parktrack"]
    assert meta.sheet_state == "veryHidden"
    recorded = {meta.cell(row=row, column=1).value: meta.cell(row=row, column=2).value for row in range(1, 8)}
    assert (recorded["unit"], recorded["as_of"], recorded["commit"]) == (FINANCE, "2024-06-30", head(repo))

    result = cli("sheets", "-o", str(tmp_path / "x"), "--unit", "縣級有關部門", *EN, cwd=repo)
    assert result.exit_code == 2 and "is a group of units" in result.stderr


# --- import -------------------------------------------------------------------------------


def test_an_import_reads_the_ledger_through_the_read_cache(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """Sheets in a row each plan against the ledger as the last one left it, read from the cache (each
    write leaves it current), not parsed again three times a sheet: the same files as with --no-cache."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    fill(finance, {"T45": {"新状态": "已完成", "进展情况": "已报送项目清单", "变更日期": "2024-06-20"}})
    fill(industry, {"new-above-scale-firms": {"本期数值": 1, "所属期间": "2024Q2", "变更日期": "2024-07-02"}}, 1)
    twin = tmp_path / "twin"
    shutil.copytree(repo, twin)
    assert cli("list", cwd=repo).exit_code == 0  # the office has read the ledger: the cache is warm
    before = commits(repo)
    ledger.FULL_LOADS.clear()
    result = cli("import", str(finance), str(industry), "--author", AUTHOR, *ZH, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert commits(repo) == before + 2 and sum(ledger.FULL_LOADS.values()) == 0
    uncached = cli("import", str(finance), str(industry), "--author", AUTHOR, "--no-cache", *ZH, cwd=twin)
    assert uncached.exit_code == 0, uncached.stderr
    assert sum(ledger.FULL_LOADS.values()) >= 3  # the counter sees full loads: --no-cache makes them
    for name in ("tasks.yaml", "indicators.yaml", "units.yaml"):
        assert (repo / "data" / name).read_bytes() == (twin / "data" / name).read_bytes(), name


def test_import_records_what_the_units_report(cli: Cli, repo: Path, tmp_path: Path) -> None:
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    fill(
        finance,
        {
            "T45": {"新状态": "已完成", "进展情况": "已报送项目清单", "变更日期": datetime(2024, 6, 20)},
            "T47": {"新状态": "推进中", "变更日期": "2024/6/5"},
            "M05": {"进展情况": "已与担保公司对接", "变更日期": "2024年6月28日"},
            "T07": {"新状态": "未启动"},  # picked the status it already had, nothing else: no change
        },
    )
    lead = rows_of(industry, 0)[3][0]
    fill(industry, {lead: {"新状态": "推进中", "进展情况": "按月调度", "变更日期": datetime(2024, 7, 1)}})
    fill(industry, {"new-above-scale-firms": {"本期数值": 1, "所属期间": "2024Q2", "变更日期": "2024-07-02"}}, 1)
    before = commits(repo)

    result = cli("import", str(finance), str(industry), "--author", AUTHOR, *ZH, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert f"{FINANCE}.xlsx：县财政局，截至 2024-06-30" in result.stdout and "将记录" in result.stdout
    assert commits(repo) == before + 2
    for rev, unit, files in (
        ("HEAD~1", FINANCE, ["data/tasks.yaml"]),
        ("HEAD", INDUSTRY, ["data/indicators.yaml", "data/tasks.yaml"]),
    ):
        assert git(repo, "log", "-1", "--format=%an <%ae>", rev).strip() == AUTHOR
        assert git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-Unit,valueonly)", rev).split() == [unit]
        assert sorted(git(repo, "show", "--name-only", "--format=", rev).split()) == files
    tasks = git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-Task,valueonly)", "HEAD~1").split()
    assert tasks == ["T45", "T47", "M05"]
    # the subject in the ledger's own words, whatever the interface's language (as `update` writes them)
    subject = git(repo, "log", "-1", "--format=%s", "HEAD~1").strip()
    assert subject == f"{FINANCE}: 事項 3 項, 數據 0 項 ({FINANCE}.xlsx, 截至 2024-06-30)"

    t45 = show(cli, repo, "T45")
    assert t45["status"] == "done"
    assert t45["history"] == [{"date": "2024-06-20", "status": "done", "note": "已报送项目清单"}]
    assert show(cli, repo, "T47")["history"] == [{"date": "2024-06-05", "status": "in_progress"}]
    assert show(cli, repo, "M05")["history"] == [{"date": "2024-06-28", "note": "已与担保公司对接"}]
    assert show(cli, repo, "T07")["history"] == []
    figures = json.loads(cli("indicators", "new-above-scale-firms", "--format", "json", cwd=repo).stdout)
    assert figures["actuals"] == [
        {"period": "2024Q2", "value": 1.0, "recorded": "2024-07-02", "correction": False, "withdrawn": False}
    ]
    audit = json.loads(cli("history", "T45", "--format", "json", cwd=repo).stdout)
    assert [(row["author"], row["to"]) for row in audit] == [("张丽", "done")]
    assert cli("validate", cwd=repo).exit_code == 0

    # the same sheets again: nothing new
    written = data_bytes(repo)
    again = cli("import", str(finance), str(industry), "--author", AUTHOR, *ZH, cwd=repo)
    assert again.exit_code == 0, again.stderr
    assert again.stdout.count("没有新的内容需要记录") == 2 and "已记录过" in again.stdout
    assert commits(repo) == before + 2 and data_bytes(repo) == written


def test_every_bad_cell_is_reported_and_nothing_is_written(cli: Cli, repo: Path, tmp_path: Path) -> None:
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    rows = fill(
        finance,
        {
            "T45": {"新状态": "完了", "变更日期": "2024-06-31"},  # two bad cells in one row: both reported
            "T47": {"新状态": "已完成", "变更日期": "2099-01-01"},
            "T49": {"进展情况": "已研究", "变更日期": "2024-02-30"},
            "M05": {"新状态": "常态化推进", "变更日期": "2024-06-20"},  # not a long-term item
        },
    )
    book = openpyxl.load_workbook(finance)
    ws = book.worksheets[0]
    support = [row for row in range(4, ws.max_row + 1) if ws.cell(row=row, column=3).value == "配合"]
    ws.cell(row=support[0], column=1, value="T01")  # an item that is not the unit's
    ws.cell(row=support[1], column=2, value="改写了的内容")  # locked text altered
    book.save(finance)
    figures = fill(
        industry,
        {
            "new-above-scale-firms": {"本期数值": "两个", "所属期间": "2024Q2", "变更日期": "2024-07-02"},
            "new-high-tech-firms": {"本期数值": 1, "所属期间": "2023Q4", "变更日期": "2024-07-02"},
        },
        1,
    )
    before, written = commits(repo), data_bytes(repo)

    result = cli("import", str(finance), str(industry), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    f, i = "縣財政局.xlsx", "縣工信商務科技局.xlsx!指标"  # sheets keep the names they were cut with
    assert result.stderr.splitlines() == [
        f"{f}!F{rows['T45']}: unknown status '完了' (did you mean 已完成?)",
        f"{f}!H{rows['T45']}: impossible date '2024-06-31'",
        f"{f}!H{rows['T47']}: the date 2099-01-01 is in the future",
        f"{f}!H{rows['T49']}: impossible date '2024-02-30'",
        f"{f}!F{rows['M05']}: 常态化推进 is only for long-term items (並長期堅持 / 持續推進)",
        f"{f}!A{support[0]}: T01 is not an item of 縣財政局",
        f"{f}!B{support[1]}: the text of {ws.cell(row=support[1], column=1).value} was changed; it is locked",
        f"{i}!F{figures['new-above-scale-firms']}: '两个' is not a number for new-above-scale-firms (個)",
        f"{i}!G{figures['new-high-tech-firms']}: period 2023Q4 is outside the plan's year, 2024",
        "error: 9 problems found",
    ]
    assert result.stdout == ""
    assert commits(repo) == before and data_bytes(repo) == written


def test_a_tampered_header_or_a_bad_author_is_refused(cli: Cli, repo: Path, tmp_path: Path) -> None:
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    bad = cli("import", str(finance), "--author", "just a name", *EN, cwd=repo)
    assert bad.exit_code == 2 and 'write it as "NAME <email>"' in bad.stderr
    book = openpyxl.load_workbook(finance)
    book.worksheets[0]["B1"] = INDUSTRY
    book.save(finance)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{FINANCE}.xlsx!B1: changed: the sheet was cut for '{FINANCE}'"


def test_dry_run_previews_and_writes_nothing(cli: Cli, repo: Path, tmp_path: Path) -> None:
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "进展情况": "已报送", "变更日期": "2024-06-20"}})
    before, written = commits(repo), data_bytes(repo)
    result = cli("import", str(finance), "--dry-run", *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    preview = [line for line in result.stdout.splitlines() if "T45" in line]
    assert len(preview) == 1 and "未啟動" in preview[0] and "已完成" in preview[0] and "will record" in preview[0]
    assert result.stdout.rstrip().endswith("dry run: nothing written")
    assert commits(repo) == before and data_bytes(repo) == written


def test_a_conflict_keeps_the_ledgers_change_unless_theirs(cli: Cli, repo: Path, tmp_path: Path) -> None:
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    # after the sheets went out, the park office recorded changes of its own
    assert cli("update", "T45", "--status", "blocked", "--date", "2024-07-01", cwd=repo).exit_code == 0
    assert (
        cli("record", "new-above-scale-firms", "1", "--period", "2024Q2", "--date", "2024-07-01", cwd=repo).exit_code
        == 0
    )
    rows = fill(
        finance,
        {
            "T45": {"新状态": "已完成", "变更日期": "2024-07-02"},  # conflicts with 受阻
            "T47": {"新状态": "推进中", "变更日期": "2024-07-02"},  # untouched in the ledger
        },
    )
    figures = fill(
        industry, {"new-above-scale-firms": {"本期数值": 2, "所属期间": "2024Q2", "变更日期": "2024-07-03"}}, 1
    )
    before = commits(repo)

    result = cli("import", str(finance), str(industry), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["status"] == "blocked" and show(cli, repo, "T47")["status"] == "in_progress"
    assert result.stderr.splitlines() == [
        f"warning: {FINANCE}.xlsx!A{rows['T45']}: T45 changed in the ledger since the sheet was cut; "
        "kept the ledger's (--theirs takes the sheet's)",
        f"warning: {INDUSTRY}.xlsx!指标!A{figures['new-above-scale-firms']}: new-above-scale-firms changed in the "
        "ledger since the sheet was cut; kept the ledger's (--theirs takes the sheet's)",
    ]
    assert commits(repo) == before + 1  # the industry sheet had nothing else

    theirs = cli("import", str(finance), str(industry), "--theirs", *EN, cwd=repo)
    assert theirs.exit_code == 0, theirs.stderr
    assert show(cli, repo, "T45")["history"][-1] == {"date": "2024-07-02", "status": "done"}
    actuals = json.loads(cli("indicators", "new-above-scale-firms", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["value"], a["correction"]) for a in actuals] == [(1.0, False), (2.0, True)]
    assert commits(repo) == before + 3
    assert cli("validate", cwd=repo).exit_code == 0


# --- other spreadsheets ---------------------------------------------------------------------


def test_resaved_by_libreoffice_or_as_csv_imports_the_same(cli: Cli, repo: Path, tmp_path: Path) -> None:
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(
        finance,
        {
            "T45": {"新状态": "已完成", "进展情况": "已报送项目清单", "变更日期": datetime(2024, 6, 20)},
            "T47": {"新状态": "推进中", "变更日期": "2024-06-05"},
            "M05": {"进展情况": "已与担保公司对接", "变更日期": datetime(2024, 6, 28)},
        },
    )
    resaved = soffice_convert(finance, tmp_path / "resaved", "xlsx:Calc MS Excel 2007 XML")
    kept = openpyxl.load_workbook(resaved)
    assert kept["parktrack"].sheet_state in ("hidden", "veryHidden")  # LibreOffice keeps it (as hidden)
    assert kept.worksheets[0].protection.sheet and not kept.worksheets[0]["F4"].protection.locked
    csv_utf8 = soffice_convert(finance, tmp_path / "csv", "csv:Text - txt - csv (StarCalc):44,34,76,1")
    # Excel on a Chinese Windows saves CSV as GB18030: write one from the second reader's view
    seen = [
        [value.date().isoformat() if isinstance(value, datetime) else value for value in row]
        for row in rows_of(finance, 0)
    ]
    gb = write_csv(tmp_path / "gb" / f"{FINANCE}.csv", seen, encoding="gb18030")

    results = {}
    start = head(repo)
    for name, path in (("openpyxl", finance), ("libreoffice", resaved), ("csv", csv_utf8), ("gb18030", gb)):
        git(repo, "reset", "-q", "--hard", start)
        outcome = cli("import", str(path), "--author", AUTHOR, *EN, cwd=repo)
        assert outcome.exit_code == 0, (name, outcome.stderr)
        assert commits(repo) == 2, name
        results[name] = (repo / "data" / "tasks.yaml").read_bytes()
        assert git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-Unit,valueonly)").split() == [FINANCE]
    assert results["libreoffice"] == results["openpyxl"] == results["csv"] == results["gb18030"]
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done", "note": "已报送项目清单"}]


def test_a_csv_with_a_copied_row_or_an_unknown_id_is_refused(cli: Cli, repo: Path, tmp_path: Path) -> None:
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    table = table_of(finance)
    table.append(list(table[rows["T45"] - 1]))  # the row copied below the others
    table[rows["T47"] - 1][0] = "T99"
    sheet = write_csv(tmp_path / f"{FINANCE}.csv", table)
    before = data_bytes(repo)
    result = cli("import", str(sheet), *EN, cwd=repo)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{FINANCE}.csv!A{rows['T47']}: unknown item 'T99'; the id column is locked",
        f"{FINANCE}.csv!A{len(table)}: T45 appears on more than one row; keep one",
        "error: 2 problems found",
    ]
    assert data_bytes(repo) == before


def test_a_csv_cell_keeps_its_line_breaks(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A note typed over two lines (Alt+Enter) is one quoted cell of a CSV: it used to lose its line
    break, and a U+2028 in a cell split its row in two."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}, "T47": {"变更日期": "2024-06-21"}})
    table = table_of(finance)
    note = table[2].index("进展情况")
    table[rows["T45"] - 1][note] = "已报送项目清单\n待财政评审"
    table[rows["T47"] - 1][note] = "甲\u2028乙"
    sheet = write_csv(tmp_path / f"{FINANCE}.csv", table)
    result = cli("import", str(sheet), "--author", AUTHOR, *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"][-1]["note"] == "已报送项目清单\n待财政评审"
    assert show(cli, repo, "T47")["history"][-1]["note"] == "甲\u2028乙"


def test_a_note_holding_a_control_character_is_a_bad_cell(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A CSV can carry what a workbook cannot (a line break pasted from Word is U+000B): each such note
    is reported at its cell with the row's other bad cells, and nothing is written."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(finance, {"T45": {"新状态": "完了", "变更日期": "2024-06-20"}, "T47": {"变更日期": "2024-06-20"}})
    table = table_of(finance)
    headers = table[2]
    table[rows["T45"] - 1][headers.index("进展情况")] = "第一行\v第二行"
    table[rows["T47"] - 1][headers.index("进展情况")] = "\x1b[31m已对接"
    sheet = write_csv(tmp_path / f"{FINANCE}.csv", table)
    before = data_bytes(repo)
    result = cli("import", str(sheet), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    note = chr(ord("A") + headers.index("进展情况"))
    assert sorted(result.stderr.splitlines()[:-1]) == sorted(
        [
            f"{FINANCE}.csv!{note}{rows['T45']}: the note holds a control character (U+000B), which no sheet or"
            " screen shows; remove it",
            f"{FINANCE}.csv!F{rows['T45']}: unknown status '完了' (did you mean 已完成?)",
            f"{FINANCE}.csv!{note}{rows['T47']}: the note holds a control character (U+001B), which no sheet or"
            " screen shows; remove it",
        ]
    )
    assert result.stderr.splitlines()[-1] == "error: 3 problems found"
    assert data_bytes(repo) == before


FORMULA = '=HYPERLINK("http://example.org/x","点击查看")'


def test_text_that_looks_like_a_formula_stays_text_in_every_file(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A note typed as =HYPERLINK(…) (or +, -, @) must not become a formula a spreadsheet runs: in the
    workbooks it is a text cell (openpyxl took any text starting with = for a formula), in a CSV it is
    prefixed with an apostrophe; numbers, negative ones too, stay numbers."""
    steps = [
        ("note", "T45", FORMULA, "--date", "2024-05-01"),
        ("note", "T47", "--date", "2024-05-01", "--", "-已对接3家银行"),
        ("record", "gross-output-growth", "-2.5", "--period", "2024Q1", "--date", "2024-04-20"),
    ]
    for step in steps:
        assert cli(*EN, *step, cwd=repo).exit_code == 0
    out = tmp_path / "台賬.xlsx"
    assert cli("export", "-o", str(out), "--as-of", "2024-06-30", *EN, cwd=repo).exit_code == 0
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    for path in (out, finance):
        cells = [
            cell
            for sheet in openpyxl.load_workbook(path).worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and "HYPERLINK" in cell.value
        ]
        assert cells and all(cell.data_type == "s" and cell.value.endswith(FORMULA) for cell in cells), path

    history = csv_of(cli, repo, "history", "T45")
    assert [row["note"] for row in history if row["note"].endswith(FORMULA)] == ["'" + FORMULA]
    assert [row["note"] for row in csv_of(cli, repo, "history", "T47") if "银行" in row["note"]] == ["'-已对接3家银行"]
    assert [row["to"] for row in csv_of(cli, repo, "history", "gross-output-growth")] == ["-2.5"]


def csv_of(cli: Cli, repo: Path, *args: str) -> list[dict[str, str]]:
    import csv
    import io

    result = cli(*args, "-f", "csv", *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_a_csv_naming_a_branch_for_its_commit_is_refused(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A CSV keeps row 1 only as text: a commit cell turned into HEAD or main named no cut, and went into
    the commit's Parktrack-Cut-From trailer."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    table = table_of(finance)
    for name in ("HEAD", "main"):
        table[0][5] = name
        sheet = write_csv(tmp_path / f"{FINANCE}.csv", table)
        result = cli("import", str(sheet), *EN, cwd=repo)
        assert result.exit_code == 1, result.stdout + result.stderr
        assert result.stderr.splitlines()[0] == (
            f"{FINANCE}.csv!F1: cut from ledger commit {name}, which this repository does not have"
        )


def test_a_sheet_cut_from_a_commit_this_clone_lacks_says_how_to_fetch_it(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """Sheets cut in the office's full repository, imported in a clone that lacks that commit (a shallow
    CI clone, a clone not pulled since): the refusal names the way to bring the commit."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    table = table_of(finance)
    table[0][5] = "0123456789abcdef0123456789abcdef01234567"
    sheet = write_csv(tmp_path / f"{FINANCE}.csv", table)
    result = cli("import", str(sheet), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr.splitlines()[0] == (
        f"{FINANCE}.csv!F1: cut from ledger commit 0123456789, which this repository does not have (`git fetch` "
        "brings it from the repository the sheets were cut in; `git fetch --unshallow` in a shallow clone)"
    )
    chinese = cli("import", str(sheet), *ZH, cwd=repo)
    assert chinese.exit_code == 1 and "git fetch --unshallow" in chinese.stderr.splitlines()[0]
    assert "brings" not in chinese.stderr and "repository" not in chinese.stderr


def test_a_sheet_saved_in_an_old_format_is_refused_with_how_to_save_it(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A liaison's WPS saved the sheet as Excel 97-2003 (.xls): openpyxl's English advice to use xlrd
    reached the office. Its number formats (12.5% is stored as 0.125) are not read from .xls, so it is
    refused, saying how to save it."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    old_format = soffice_convert(finance, tmp_path / "saved", "xls:MS Excel 97")
    before = data_bytes(repo)
    for lang, hint in ((EN, "save it as an Excel workbook (.xlsx)"), (ZH, "另存为 Excel 工作簿（.xlsx）")):
        result = cli("import", str(old_format), *lang, cwd=repo)
        assert result.exit_code == 2, result.stdout + result.stderr
        assert result.stderr.startswith(f"{'error' if lang == EN else '错误'}") and hint in result.stderr
        assert "xlrd" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert data_bytes(repo) == before


def test_a_damaged_workbook_is_refused_saying_how_to_mend_it(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A sheet cut short in a chat app's download: the readers' English (File is not a zip file; invalid
    Zip archive: Could not find EOCD) reached the office in the middle of a Chinese line."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    finance.write_bytes(finance.read_bytes()[:5000])
    mend = "文件已损坏，或未保存为 Excel 工作簿（.xlsx）；请用 Excel 或 WPS 重新保存"
    for command in (("import", str(finance)), ("init", str(tmp_path / "new"), "--from", str(finance))):
        result = cli(*command, *ZH, cwd=repo)
        assert result.exit_code == 2, result.stdout + result.stderr
        assert result.stderr == f"错误：{finance}：无法读取工作簿：{mend}\n"
    assert not (tmp_path / "new").exists()


def test_an_id_typed_over_a_huge_figure_a_cut_meta_sheet_and_utf16_are_clear_errors(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """Each is one located error, never a traceback nor a wrong one: an id typed over (T1 for T01) was
    'not an item of' the unit it belongs to; a figure of 310 digits (infinity) was refused only when
    the file was written; the parktrack sheet cut down to one column stopped the import with an
    IndexError; Excel's "Unicode Text" (UTF-16) was read as text full of NULs."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    table = table_of(finance)
    table[rows["T45"] - 1][0] = "T45"
    table[rows["T47"] - 1][0] = "t47"
    sheet = write_csv(tmp_path / f"{FINANCE}.csv", table)
    typed = cli("import", str(sheet), *EN, cwd=repo)
    assert typed.exit_code == 1 and typed.stderr.splitlines()[0] == (
        f"{FINANCE}.csv!A{rows['T47']}: 't47' is not the id as cut, T47; the id column is locked"
    )
    unicode_text = tmp_path / "unicode" / f"{FINANCE}.txt.csv"
    unicode_text.parent.mkdir()
    unicode_text.write_bytes(sheet.read_text(encoding="utf-8-sig").encode("utf-16-le"))
    utf16 = cli("import", str(unicode_text), *EN, cwd=repo)
    assert utf16.exit_code == 2 and "is neither UTF-8 nor GB18030 text" in utf16.stderr

    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    figures = fill(
        industry, {"new-tech-smes": {"本期数值": "9" * 310, "所属期间": "2024H1", "变更日期": "2024-07-05"}}, 1
    )
    huge = cli("import", str(industry), *EN, cwd=repo)
    assert huge.exit_code == 1 and huge.stderr.splitlines()[0].startswith(
        f"縣工信商務科技局.xlsx!指标!F{figures['new-tech-smes']}: '999"
    )
    book = openpyxl.load_workbook(industry)
    book["parktrack"].delete_cols(2)
    book.save(industry)
    cut_down = cli("import", str(industry), *EN, cwd=repo)
    assert cut_down.exit_code == 1 and "Traceback" not in cut_down.stderr, cut_down.stderr
    assert (
        cut_down.stderr.splitlines()[0]
        == "縣工信商務科技局.xlsx: not a parktrack fill-in sheet (its hidden sheet is not ours)"
    )


def test_export_to_a_name_without_xlsx_is_refused(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """`-o 台賬` or `-o 台賬.csv` wrote a workbook under that name, which nothing opened as one."""
    out = tmp_path / "out"
    out.mkdir()
    for name in ("台賬", "台賬.csv"):
        result = cli("export", "-o", str(out / name), "--as-of", "2024-07-01", *ZH, cwd=repo)
        assert result.exit_code == 2, result.stdout + result.stderr
        assert result.stderr == f"错误：{out / name}：export 写出的是 Excel 工作簿；文件名请以 .xlsx 结尾\n"
    assert list(out.iterdir()) == []
    assert cli("export", "-o", str(out / "台賬.XLSX"), "--as-of", "2024-07-01", *ZH, cwd=repo).exit_code == 0


def test_export_to_a_folder_in_the_way_is_a_write_error(cli: Cli, repo: Path, tmp_path: Path) -> None:
    (tmp_path / "taken.xlsx").mkdir()
    result = cli("export", "-o", str(tmp_path / "taken.xlsx"), "--as-of", "2024-07-01", *EN, cwd=repo)
    assert result.exit_code == 5 and result.stderr.startswith(f"error: {tmp_path / 'taken.xlsx'}: cannot write: ")
    assert "Traceback" not in result.stderr


def test_two_units_reporting_on_one_item_in_one_run(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """T07 is led by the park committee and supported by the finance bureau: the first sheet wins."""
    committee = cut(cli, repo, tmp_path / "round", "云南武定產業園區管委會")
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(committee, {"T07": {"新状态": "已完成", "变更日期": "2024-06-10"}})
    rows = fill(finance, {"T07": {"新状态": "推进中", "进展情况": "配合梳理财税体系", "变更日期": "2024-06-12"}})
    preview = cli("import", str(committee), str(finance), "--dry-run", *EN, env={"COLUMNS": "200"}, cwd=repo)
    assert preview.exit_code == 0, preview.stderr
    outcomes = [line.split("│")[-2].strip() for line in preview.stdout.splitlines() if "│ T07 " in line]
    committee_file = committee.name
    assert outcomes == ["will record", f"not taken: {committee_file} above changes it first (--theirs takes this one)"]
    result = cli("import", str(committee), str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T07")["history"] == [{"date": "2024-06-10", "status": "done"}]
    assert result.stderr == (
        f"warning: {FINANCE}.xlsx!A{rows['T07']}: T07 changed in the ledger since the sheet was cut; "
        "kept the ledger's (--theirs takes the sheet's)\n"
    )
    assert f"{FINANCE}.xlsx: nothing new to record" in result.stdout


def test_two_units_reporting_one_figure_in_one_run(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """gigabit-coverage is reported by two units: the preview says which figure is taken, as import does."""
    committee = cut(cli, repo, tmp_path / "round", "云南武定產業園區管委會")
    reform = cut(cli, repo, tmp_path / "round", "縣發展改革局")
    for sheet, value in ((committee, 90), (reform, 85)):
        fill(sheet, {"gigabit-coverage": {"本期数值": value, "所属期间": "2024", "变更日期": "2024-06-28"}}, 1)
    preview = cli("import", str(committee), str(reform), "--dry-run", *EN, env={"COLUMNS": "200"}, cwd=repo)
    assert preview.exit_code == 0, preview.stderr
    outcomes = [line.split("│")[-2].strip() for line in preview.stdout.splitlines() if "gigabit-coverage" in line]
    assert outcomes == ["will record", f"not taken: {committee.name} above changes it first (--theirs takes this one)"]
    result = cli("import", str(committee), str(reform), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    actuals = json.loads(cli("indicators", "gigabit-coverage", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [a["value"] for a in actuals] == [90.0]
    assert "gigabit-coverage changed in the ledger since the sheet was cut" in result.stderr


def test_a_figure_the_sheet_showed_is_corrected_not_a_conflict(cli: Cli, repo: Path, tmp_path: Path) -> None:
    recorded = cli("record", "new-above-scale-firms", "1", "--period", "2024Q2", "--date", "2024-06-15", cwd=repo)
    assert recorded.exit_code == 0, recorded.stderr
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    shown = {row[0]: row for row in rows_of(industry, 1)[3:]}
    assert shown["new-above-scale-firms"][4] == "1 (2024Q2)"
    fill(industry, {"new-above-scale-firms": {"本期数值": 2, "所属期间": "2024Q2", "变更日期": "2024-07-02"}}, 1)
    result = cli("import", str(industry), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    actuals = json.loads(cli("indicators", "new-above-scale-firms", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["value"], a["correction"]) for a in actuals] == [(1.0, False), (2.0, True)]
    assert "new-above-scale-firms 2024Q2: 2 (更正 1)" in git(repo, "log", "-1", "--format=%b")


def test_a_figure_sent_again_with_a_note_records_the_note(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The same sheet sent again with a note added to a figure already imported: the note was dropped,
    the row called "already recorded"."""
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    figure = {"本期数值": 3, "所属期间": "2024H1", "变更日期": "2024-07-05"}
    fill(industry, {"new-tech-smes": figure}, 1)
    assert cli("import", str(industry), *EN, cwd=repo).exit_code == 0
    fill(industry, {"new-tech-smes": {**figure, "备注": "省科技厅公布"}}, 1)
    result = cli("import", str(industry), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    actuals = json.loads(cli("indicators", "new-tech-smes", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["value"], a.get("note"), a["correction"]) for a in actuals] == [
        (3.0, None, False),
        (3.0, "省科技厅公布", True),
    ]
    sent = commits(repo)
    again = cli("import", str(industry), *EN, cwd=repo)  # the note is recorded now: nothing new
    assert again.exit_code == 0 and commits(repo) == sent, again.stdout + again.stderr
    assert f"{INDUSTRY}.xlsx: nothing new to record" in again.stdout


def test_the_indicators_sheet_exported_as_csv_imports_too(cli: Cli, repo: Path, tmp_path: Path) -> None:
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    fill(
        industry,
        {"new-tech-smes": {"本期数值": 3, "所属期间": "2024H1", "变更日期": "2024-07-05", "备注": "省科技厅公布"}},
        1,
    )
    sheet = write_csv(tmp_path / "指标.csv", table_of(industry, 1))
    result = cli("import", str(sheet), "--author", AUTHOR, *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    actuals = json.loads(cli("indicators", "new-tech-smes", "--format", "json", cwd=repo).stdout)["actuals"]
    assert actuals == [
        {
            "period": "2024H1",
            "value": 3.0,
            "recorded": "2024-07-05",
            "note": "省科技厅公布",
            "correction": False,
            "withdrawn": False,
        }
    ]
    trailers = git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-Indicator,valueonly)").split()
    assert trailers == ["new-tech-smes"]
    assert git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-Unit,valueonly)").split() == [INDUSTRY]


def test_a_percentage_typed_into_excel_is_read_as_typed(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """Excel stores 12.5% as 0.125 with a percent format; it is 12.5 for a % indicator."""
    committee = cut(cli, repo, tmp_path / "round", "云南武定產業園區管委會")
    rows = fill(
        committee, {"gross-output-growth": {"本期数值": 0.125, "所属期间": "2024Q2", "变更日期": "2024-07-05"}}, 1
    )
    book = openpyxl.load_workbook(committee)
    book.worksheets[1].cell(row=rows["gross-output-growth"], column=6).number_format = "0.0%"
    book.save(committee)
    result = cli("import", str(committee), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    actuals = json.loads(cli("indicators", "gross-output-growth", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["period"], a["value"]) for a in actuals] == [("2024Q2", 12.5)]


def test_a_row_with_an_unknown_status_has_its_date_checked_against_the_history(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """Every bad cell of a row at once: an unknown status does not hide a date before the last change."""
    for item_id, day in (("T45", "2024-06-10"), ("T47", "2024-06-12")):
        recorded = cli("update", item_id, "--status", "in_progress", "--date", day, *EN, cwd=repo)
        assert recorded.exit_code == 0, recorded.stderr
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(
        finance,
        {
            "T45": {"新状态": "完了", "变更日期": "2024-06-01"},
            "T47": {"新状态": "已完成", "变更日期": "2024-06-01"},
            "T49": {"新状态": "完了", "变更日期": "2024-06-15"},  # a conflict once the status is known
        },
    )
    recorded = cli("update", "T49", "--status", "in_progress", "--date", "2024-06-20", *EN, cwd=repo)
    assert recorded.exit_code == 0, recorded.stderr  # after the cut: the row's date is not to be checked
    before, written = commits(repo), data_bytes(repo)

    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    f = "縣財政局.xlsx"
    assert result.stderr.splitlines() == [
        f"{f}!F{rows['T45']}: unknown status '完了' (did you mean 已完成?)",
        f"{f}!H{rows['T45']}: dated 2024-06-01, before the last recorded change of T45, on 2024-06-10",
        f"{f}!H{rows['T47']}: dated 2024-06-01, before the last recorded change of T47, on 2024-06-12",
        f"{f}!F{rows['T49']}: unknown status '完了' (did you mean 已完成?)",
        "error: 4 problems found",
    ]
    assert commits(repo) == before and data_bytes(repo) == written

    # --theirs would take T49's known status over the later change, so its date is checked as for T45
    theirs = cli("import", str(finance), "--theirs", *EN, cwd=repo)
    assert theirs.exit_code == 1, theirs.stdout + theirs.stderr
    assert theirs.stderr.splitlines()[3:] == [
        f"{f}!F{rows['T49']}: unknown status '完了' (did you mean 已完成?)",
        f"{f}!H{rows['T49']}: dated 2024-06-15, before the last recorded change of T49, on 2024-06-20",
        "error: 5 problems found",
    ]
    fill(finance, {"T45": {"新状态": None, "变更日期": None}, "T47": {"新状态": None, "变更日期": None}})
    fill(finance, {"T49": {"新状态": "已完成"}})  # the same row with a known status: the same refusal
    as_known = cli("import", str(finance), "--theirs", *EN, cwd=repo)
    assert as_known.stderr.splitlines() == [
        f"{f}!H{rows['T49']}: dated 2024-06-15, before the last recorded change of T49, on 2024-06-20",
        "error: 1 problem found",
    ]
    assert commits(repo) == before and data_bytes(repo) == written


def test_a_row_with_a_bad_figure_has_its_date_checked_against_the_last_figure(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """Every bad cell of an indicator row at once: a figure that is not a number does not hide a date
    before the indicator's last figure."""
    recorded = cli("record", "new-above-scale-firms", "1", "--period", "2024Q1", "--date", "2024-06-20", *EN, cwd=repo)
    assert recorded.exit_code == 0, recorded.stderr
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    figures = fill(
        industry,
        {"new-above-scale-firms": {"本期数值": "两个", "所属期间": "2024Q2", "变更日期": "2024-06-01"}},
        1,
    )
    before, written = commits(repo), data_bytes(repo)

    result = cli("import", str(industry), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    row, i = figures["new-above-scale-firms"], "縣工信商務科技局.xlsx!指标"
    assert result.stderr.splitlines() == [
        f"{i}!F{row}: '两个' is not a number for new-above-scale-firms (個)",
        f"{i}!I{row}: dated 2024-06-01, before the last figure of new-above-scale-firms, recorded on 2024-06-20",
        "error: 2 problems found",
    ]
    assert commits(repo) == before and data_bytes(repo) == written


def test_a_figure_dated_before_its_period_began_is_a_bad_cell(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A typo in the year (2014 for 2024) dated a figure before anyone could know it: refused at its date."""
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    figures = fill(
        industry,
        {"new-above-scale-firms": {"本期数值": 2, "所属期间": "2024Q2", "变更日期": "2014-06-20"}},
        1,
    )
    before, written = commits(repo), data_bytes(repo)
    result = cli("import", str(industry), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"縣工信商務科技局.xlsx!指标!I{figures['new-above-scale-firms']}: a figure for 2024Q2 dated 2014-06-20,"
        " before the period began on 2024-04-01; check the date",
        "error: 1 problem found",
    ]
    assert commits(repo) == before and data_bytes(repo) == written


def test_a_copied_sheet_is_a_copied_row(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A liaison keeps a draft as a copy of the items sheet (Move or Copy > Create a copy): an item filled
    in on two sheets of one file is one row too many, reported at the copy's cell; it was planned twice
    and the write failed on YAML it had spliced itself (exit 2). Rows left empty on either record nothing
    and are not reported."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(finance, {"T45": {"新状态": "已完成", "进展情况": "已报送", "变更日期": "2024-06-20"}})
    book = openpyxl.load_workbook(finance)
    draft = book.copy_worksheet(book.worksheets[0])
    draft.title = "草稿"
    draft.cell(row=rows["T45"], column=6, value="推进中")
    book.save(finance)
    before, written = commits(repo), data_bytes(repo)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"{FINANCE}.xlsx!草稿!A{rows['T45']}: T45 appears on more than one row; keep one",
        "error: 1 problem found",
    ]
    assert commits(repo) == before and data_bytes(repo) == written


def test_a_sheet_filled_on_a_copy_with_the_blank_original_hidden_imports(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A liaison copies the items sheet, fills the copy in and hides the blank original: hidden sheets are
    read (a filled one may be hidden), and the original's empty rows record nothing, so they are no
    copied rows (every item was reported as on more than one row)."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    book = openpyxl.load_workbook(finance)
    original = book.worksheets[0]
    copy = book.copy_worksheet(original)
    copy.title = "填报"
    rows = {copy.cell(row=row, column=1).value: row for row in range(4, copy.max_row + 1)}
    copy.cell(row=rows["T45"], column=6, value="已完成")
    copy.cell(row=rows["T45"], column=8, value="2024-06-20")
    original.sheet_state = "hidden"
    book.save(finance)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]


@pytest.mark.parametrize("number_format", ['0.0"%"', "0.0\\%"])
def test_a_percent_sign_written_into_a_number_format_is_not_a_percentage(
    cli: Cli, repo: Path, tmp_path: Path, number_format: str
) -> None:
    """A liaison shows 19.9 as 19.9% with the format 0.0"%" (or 0.0\\%): the sign is text the format
    prints, the cell holds 19.9, so the figure is 19.9 (it was read as a percentage and became 1990)."""
    committee = cut(cli, repo, tmp_path / "round", "云南武定產業園區管委會")
    rows = fill(
        committee, {"gross-output-growth": {"本期数值": 19.9, "所属期间": "2024Q2", "变更日期": "2024-07-05"}}, 1
    )
    book = openpyxl.load_workbook(committee)
    book.worksheets[1].cell(row=rows["gross-output-growth"], column=6).number_format = number_format
    book.save(committee)
    result = cli("import", str(committee), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    actuals = json.loads(cli("indicators", "gross-output-growth", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["period"], a["value"]) for a in actuals] == [("2024Q2", 19.9)]


def test_a_figure_written_with_the_unit_the_sheet_shows_is_read(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The zh-Hans sheet shows the unit of measure simplified (个, 亿元); a figure typed with it, as
    `3个`, is 3 (only the ledger's own 個 was taken off, so the sheet's own word was refused)."""
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    shown = {row[0]: row[2] for row in rows_of(industry, 1)[3:]}
    assert shown["new-above-scale-firms"] == "个"
    fill(
        industry,
        {"new-above-scale-firms": {"本期数值": "3个", "所属期间": "2024Q2", "变更日期": "2024-07-02"}},
        1,
    )
    result = cli("import", str(industry), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    recorded = cli("record", "new-tech-smes", "2 个", "--period", "2024H1", "--date", "2024-07-03", *ZH, cwd=repo)
    assert recorded.exit_code == 0, recorded.stderr
    for indicator, figure in (("new-above-scale-firms", ("2024Q2", 3.0)), ("new-tech-smes", ("2024H1", 2.0))):
        actuals = json.loads(cli("indicators", indicator, "--format", "json", cwd=repo).stdout)["actuals"]
        assert [(a["period"], a["value"]) for a in actuals] == [figure]


def test_a_workbook_whose_hidden_sheet_was_unhidden_imports_the_same(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """LibreOffice keeps the sheet that says what the workbook was cut for as a hidden sheet, which Excel,
    WPS or LibreOffice then unhide with a right click: it is still that sheet (it was read as an
    indicators sheet: `unknown indicator 'unit_id'` and the like, and the unit's report refused)."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "进展情况": "已报送", "变更日期": "2024-06-20"}})
    book = openpyxl.load_workbook(finance)
    book["parktrack"].sheet_state = "visible"
    book.save(finance)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done", "note": "已报送"}]

    book["事项"]["B1"] = INDUSTRY  # what it says is still checked against every sheet's row 1
    book.save(finance)
    tampered = cli("import", str(finance), *EN, cwd=repo)
    assert tampered.exit_code == 1
    assert tampered.stderr.splitlines()[0] == f"{FINANCE}.xlsx!B1: changed: the sheet was cut for '{FINANCE}'"


def test_a_date_with_the_time_of_day_a_csv_kept_is_read_as_its_day(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A date-and-time cell saved as CSV keeps its time as text (2024/6/20 8:00, 2024-06-28 17:30:00):
    the day is what was meant, where it was refused as "not a date"; a time alone is still not a date."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": "x"}, "T47": {"新状态": "推进中", "变更日期": "x"}})
    table = table_of(finance)
    column = table[2].index("变更日期")
    rows = {row[0]: row for row in table}
    rows["T45"][column], rows["T47"][column] = "2024/6/20 8:00", "2024-06-28 17:30:00"
    sheet = write_csv(tmp_path / f"{FINANCE}.csv", table)
    result = cli("import", str(sheet), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]
    assert show(cli, repo, "T47")["history"][-1] == {"date": "2024-06-28", "status": "in_progress"}
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    rows["T45"][column] = "8:00"
    refused = cli("import", str(write_csv(tmp_path / f"{FINANCE}.csv", table)), *EN, cwd=repo)
    assert refused.exit_code == 1 and "'8:00' is not a date" in refused.stderr


def test_full_width_digits_typed_in_a_chinese_input_method_are_read(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """An input method left in full-width mode types ２０２４－０６－２０, １９．９ and ２０２４Ｑ２: they are the
    date, figure and period meant, stored in the usual form (the date was 'impossible', the figure not a
    number, a year ２０２４ stored as written: another period than 2024)."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    committee = cut(cli, repo, tmp_path / "round", "云南武定產業園區管委會")
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": "２０２４－０６－２０"}})
    fill(
        committee,
        {
            "gross-output-growth": {
                "本期数值": "１９．９％",
                "所属期间": "２０２４Ｑ２",
                "变更日期": "２０２４／７／５",
            },
            "annual-new-projects": {"本期数值": "３", "所属期间": "２０２４", "变更日期": "２０２４年７月５日"},
        },
        1,
    )
    result = cli("import", str(finance), str(committee), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]
    for indicator, figure in (("gross-output-growth", ("2024Q2", 19.9)), ("annual-new-projects", ("2024", 3.0))):
        actuals = json.loads(cli("indicators", indicator, "--format", "json", cwd=repo).stdout)["actuals"]
        assert [(a["period"], a["value"], a["recorded"]) for a in actuals] == [(*figure, "2024-07-05")]
    assert cli("validate", cwd=repo).exit_code == 0


def test_an_old_sheet_after_the_office_edited_a_locked_text(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """After the sheets went out the office corrected an item's text and an indicator's name: a sheet
    showing them as they were cut was not altered by the unit, and imports (it was refused: `the text of
    T45 was changed; it is locked`); a text the unit did alter is still refused."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    rows = fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    fill(industry, {"new-above-scale-firms": {"本期数值": 2, "所属期间": "2024Q2", "变更日期": "2024-07-02"}}, 1)
    for name, old, new in (
        ("tasks.yaml", "指導產業園區謀劃、儲備、申報", "指導產業園區謀劃、儲備和申報"),
        ("indicators.yaml", "name: 新增規模以上工業企業", "name: 新增規上工業企業"),
    ):
        path = repo / "data" / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    git(repo, "commit", "-qam", "the office corrects an item's text and an indicator's name")
    assert cli("validate", cwd=repo).exit_code == 0

    result = cli("import", str(finance), str(industry), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]
    actuals = json.loads(cli("indicators", "new-above-scale-firms", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["period"], a["value"]) for a in actuals] == [("2024Q2", 2.0)]

    book = openpyxl.load_workbook(finance)
    book.worksheets[0].cell(row=rows["T47"], column=2, value="改写了的内容")
    book.worksheets[0].cell(row=rows["T47"], column=6, value="推进中")
    book.worksheets[0].cell(row=rows["T47"], column=8, value="2024-06-21")
    book.save(finance)
    altered = cli("import", str(finance), *EN, cwd=repo)
    assert altered.exit_code == 1
    assert altered.stderr.splitlines() == [
        f"{FINANCE}.xlsx!B{rows['T47']}: the text of T47 was changed; it is locked",
        "error: 1 problem found",
    ]


def test_a_row_inserted_above_the_header_is_one_bad_cell(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A liaison inserts a row above the header (for a title of their own): the header row now stands
    where the first item was, and that one cell is reported (the sheet was taken for an indicators sheet
    and every item reported as an unknown indicator)."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    book = openpyxl.load_workbook(finance)
    sheet = book.worksheets[0]
    sheet.protection.sheet = False  # no password: one click in Excel, WPS or LibreOffice
    sheet.insert_rows(3)
    sheet["A3"] = "县财政局2024年6月报送"
    book.save(finance)
    before = data_bytes(repo)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{FINANCE}.xlsx!A4: unknown item '编号'; the id column is locked",
        "error: 1 problem found",
    ]
    assert data_bytes(repo) == before


def test_a_sheet_the_liaison_added_is_left_alone(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A sheet of the liaison's own (a cover note, before or after ours) holds no id of the ledger and no
    unit, day or commit in row 1: there is nothing in it to record or check (its cells were reported as a
    tampered row 1 and unknown indicators). A sheet holding an id of the ledger is still read and checked."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "进展情况": "已报送", "变更日期": "2024-06-20"}})
    book = openpyxl.load_workbook(finance)
    for title, position in (("说明", 0), ("附件", None)):
        added = book.create_sheet(title, position)
        added["A1"] = "填报说明"
        added["A5"] = "填报人：张丽，电话 0878-1234567"
    book.save(finance)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done", "note": "已报送"}]

    book["附件"]["A6"] = "T47"  # rows copied out of ours are not left alone
    book.save(finance)
    copied = cli("import", str(finance), *EN, cwd=repo)
    assert copied.exit_code == 1
    assert f"{FINANCE}.xlsx!附件!B1: changed: the sheet was cut for '{FINANCE}'" in copied.stderr.splitlines()


def test_an_old_sheet_after_an_item_moved_to_another_unit(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """After the sheets went out the office gave T49 and an indicator to other units: the unit's rows for
    them, left as they were cut, hold nothing to record (the sheet was refused: `T49 is not an item of
    縣財政局`); a row that reports on them is still refused."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    rows = fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    fill(industry, {"new-tech-smes": {"本期数值": 3, "所属期间": "2024H1", "变更日期": "2024-07-05"}}, 1)
    for name, start, old, new in (
        ("tasks.yaml", "  - id: T49\n", "lead_units: [縣財政局]", "lead_units: [縣發展改革局]"),
        ("indicators.yaml", "  - id: new-above-scale-firms\n", "units: [縣工信商務科技局]", "units: [縣統計局]"),
    ):
        path = repo / "data" / name
        text = path.read_text(encoding="utf-8")
        at = text.index(old, text.index(start))
        path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    git(repo, "commit", "-qam", "T49 and a figure move to other units")
    assert cli("validate", cwd=repo).exit_code == 0

    result = cli("import", str(finance), str(industry), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]
    actuals = json.loads(cli("indicators", "new-tech-smes", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["period"], a["value"]) for a in actuals] == [("2024H1", 3.0)]

    fill(finance, {"T49": {"新状态": "推进中", "变更日期": "2024-06-21"}})
    reported = cli("import", str(finance), *EN, cwd=repo)
    assert reported.exit_code == 1
    assert reported.stderr.splitlines() == [
        f"{FINANCE}.xlsx!A{rows['T49']}: T49 is not an item of 縣財政局",
        "error: 1 problem found",
    ]


def test_a_csv_split_by_another_delimiter_is_named_at_its_row_one(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A CSV holds one sheet, the unit's: split by semicolons (another locale's Excel) it has no unit in
    row 1, and says so at B1 (not that the file has no sheet to read)."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    sheet = write_csv(tmp_path / f"{FINANCE}.csv", table_of(finance), delimiter=";")
    result = cli("import", str(sheet), *EN, cwd=repo)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{FINANCE}.csv!B1: not a parktrack fill-in sheet: no unit in row 1",
        "error: 1 problem found",
    ]


def test_rows_moved_up_by_a_deleted_row_are_still_read(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A liaison deletes the instruction row (row 2) to tidy the sheet: the first item and the only
    indicator move up into row 3 and are read there (they were silently left out: exit 0, nothing
    recorded for them)."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    party = cut(cli, repo, tmp_path / "round", "云南武定產業園區黨工委")
    rows = fill(
        finance,
        {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}, "T47": {"新状态": "推进中", "变更日期": "2024-06-21"}},
    )
    assert rows["T45"] == 4
    indicator = rows_of(party, 1)[3][0]
    assert [row[0] for row in rows_of(party, 1)[3:]] == [indicator]  # the sheet's only indicator
    fill(party, {indicator: {"本期数值": 2, "所属期间": "2024H1", "变更日期": "2024-07-02"}}, 1)
    for path in (finance, party):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets[:2]:
            sheet.protection.sheet = False
            for merged in list(sheet.merged_cells.ranges):
                sheet.unmerge_cells(str(merged))
            sheet.delete_rows(2)
        book.save(path)
    result = cli("import", str(finance), str(party), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]
    assert show(cli, repo, "T47")["history"] == [{"date": "2024-06-21", "status": "in_progress"}]
    actuals = json.loads(cli("indicators", indicator, "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["period"], a["value"]) for a in actuals] == [("2024H1", 2.0)]


@pytest.mark.parametrize("typed", ["2024 年 6 月 20 日", "2024年 6月 20日", "2024 - 06 - 20", "2024/ 6/20"])
def test_a_date_typed_with_spaces_is_the_day_meant(cli: Cli, repo: Path, tmp_path: Path, typed: str) -> None:
    """Spaces around the numbers (as Word sets Chinese text) do not change the day: it was reported as an
    'impossible date'."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": typed}})
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]


def test_an_edited_entries_cell_is_a_bad_cell_never_a_traceback(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The hidden column of entries holds a count as cut; a CSV has no lock, and what is typed there is
    reported at its cell: `inf` ended in a traceback (OverflowError), `-1` was taken as a count."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(
        finance,
        {
            "T45": {"新状态": "已完成", "变更日期": "2024-06-20"},
            "T47": {"新状态": "已完成", "变更日期": "2024-06-20"},
            "T49": {"新状态": "已完成", "变更日期": "2024-06-20"},
        },
    )
    table = table_of(finance)
    for item, typed in (("T45", "inf"), ("T47", "1e400"), ("T49", "-1")):
        table[rows[item] - 1][9] = typed
    sheet = write_csv(tmp_path / f"{FINANCE}.csv", table)
    before = data_bytes(repo)
    result = cli("import", str(sheet), *EN, cwd=repo)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"{FINANCE}.csv!J{rows[item]}: the hidden column of entries was changed; cut a new sheet"
        for item in ("T45", "T47", "T49")
    ] + ["error: 3 problems found"]
    assert data_bytes(repo) == before


@pytest.mark.parametrize(("at", "header"), [(7, "备注"), (8, None), (10, "备注"), (10, None)])
def test_an_inserted_or_deleted_column_is_one_bad_cell(
    cli: Cli, repo: Path, tmp_path: Path, at: int, header: str | None
) -> None:
    """A liaison who unprotects the sheet (it has no password) and inserts a column, or deletes one, has
    every column after it read as another: that is one error at the header, not a flood of wrong ones
    (`'已报送' is not a date`, `the hidden column of entries was changed` on every row)."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "进展情况": "已报送", "变更日期": "2024-06-20"}})
    book = openpyxl.load_workbook(finance)
    sheet = book.worksheets[0]
    sheet.protection.sheet = False
    if header is None and at == 10:
        sheet.delete_cols(at)  # the hidden column, unhidden and deleted
    else:
        sheet.insert_cols(at)
        sheet.cell(row=3, column=at, value=header)
    book.save(finance)
    before = data_bytes(repo)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 1
    first = at if header is None else 11  # the first header cell missing, or the first one too many
    assert result.stderr.splitlines() == [
        f"{FINANCE}.xlsx!{chr(64 + first)}3: the columns were changed; keep them as the sheet was cut, "
        "inserting or deleting none",
        "error: 1 problem found",
    ]
    assert data_bytes(repo) == before


def test_a_column_added_after_the_last_is_left_alone(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A remark column of the liaison's own after the last one shifts nothing: the sheet imports, the
    remarks are not read."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    book = openpyxl.load_workbook(finance)
    sheet = book.worksheets[0]
    sheet.protection.sheet = False
    sheet.cell(row=3, column=11, value="单位备注")
    sheet.cell(row=rows["T45"], column=11, value="已报分管领导")
    book.save(finance)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]


def test_a_sheet_cut_ahead_for_the_month_end_imports_before_that_day(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The office cuts the round a few days early, as of the month's end; a unit that answers before
    that day has its sheet read (it was refused at the locked D1: `the date … is in the future`). The
    rows' own dates are still checked against today."""
    ahead = (date.today() + timedelta(days=3)).isoformat()
    finance = cut(cli, repo, tmp_path / "round", FINANCE, as_of=ahead)
    rows = fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]
    assert git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-As-Of,valueonly)").split() == [ahead]

    fill(finance, {"T47": {"新状态": "已完成", "变更日期": ahead}})
    future_row = cli("import", str(finance), *EN, cwd=repo)
    assert future_row.exit_code == 1
    assert future_row.stderr.splitlines() == [
        f"{FINANCE}.xlsx!H{rows['T47']}: the date {ahead} is in the future",
        "error: 1 problem found",
    ]


def test_a_filled_sheet_the_liaison_hid_is_still_read(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A liaison hides a sheet (right click > Hide) once it is filled in, or the one they do not use:
    what it holds is still the unit's report (a hidden sheet was skipped, its figures silently lost)."""
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    lead = rows_of(industry, 0)[3][0]
    fill(industry, {lead: {"新状态": "推进中", "变更日期": "2024-06-20"}})
    fill(industry, {"new-tech-smes": {"本期数值": 3, "所属期间": "2024H1", "变更日期": "2024-07-05"}}, 1)
    book = openpyxl.load_workbook(industry)
    book.worksheets[1].sheet_state = "hidden"
    book.save(industry)
    result = cli("import", str(industry), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, lead)["history"] == [{"date": "2024-06-20", "status": "in_progress"}]
    actuals = json.loads(cli("indicators", "new-tech-smes", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["period"], a["value"]) for a in actuals] == [("2024H1", 3.0)]


def test_a_cell_showing_a_formula_error_is_a_bad_cell(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """Excel, WPS and LibreOffice take a note typed as -已对接3家银行 for a formula and show #NAME?: that is
    not what the unit wrote, and is reported at its cell (it was recorded as the note '#NAME?')."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(
        finance,
        {
            "T45": {"新状态": "已完成", "进展情况": "=-已对接3家银行", "变更日期": "2024-06-20"},
            "M05": {"进展情况": "=1/0", "变更日期": "2024-06-21"},
        },
    )
    resaved = soffice_convert(finance, tmp_path / "resaved", "xlsx:Calc MS Excel 2007 XML")
    shown = openpyxl.load_workbook(resaved, data_only=True).worksheets[0]
    assert (shown.cell(row=rows["T45"], column=7).value, shown.cell(row=rows["M05"], column=7).value) == (
        "#NAME?",
        "#DIV/0!",
    )
    before = data_bytes(repo)
    result = cli("import", str(resaved), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"{FINANCE}.xlsx!G{rows['T45']}: the cell shows a formula's error, #NAME?; type the text itself "
        "(start it with ' to keep a leading = + or -)",
        f"{FINANCE}.xlsx!G{rows['M05']}: the cell shows a formula's error, #DIV/0!; type the text itself "
        "(start it with ' to keep a leading = + or -)",
        "error: 2 problems found",
    ]
    assert data_bytes(repo) == before


@pytest.mark.parametrize(
    ("typed", "status"), [("已 完成", "done"), ("推進\u3000中", "in_progress"), (" 受 阻 ", "blocked")]
)
def test_a_status_with_spaces_inside_is_the_status_meant(
    cli: Cli, repo: Path, tmp_path: Path, typed: str, status: str
) -> None:
    """A status pasted from a document set with spaces between its characters (ASCII or full-width) is
    that status (it was an unknown status)."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": typed, "变更日期": "2024-06-20"}})
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": status}]


@pytest.mark.parametrize("typed", ["3①", "3²", "⑩"])
def test_a_footnote_mark_or_circled_digit_in_a_figure_is_not_a_digit(
    cli: Cli, repo: Path, tmp_path: Path, typed: str
) -> None:
    """Full-width digits are digits, but a footnote mark (3①, 3²) or a circled number is not one to add to
    the figure: it was read as 31, 32 or 10 (NFKC) and recorded with exit 0; it is a bad cell."""
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    rows = fill(industry, {"new-tech-smes": {"本期数值": typed, "所属期间": "2024H1", "变更日期": "2024-07-05"}}, 1)
    before = data_bytes(repo)
    result = cli("import", str(industry), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.splitlines() == [
        f"{INDUSTRY}.xlsx!指标!F{rows['new-tech-smes']}: '{typed}' is not a number for new-tech-smes (個)",
        "error: 1 problem found",
    ]
    assert data_bytes(repo) == before


def test_a_table_of_the_liaisons_own_is_left_alone(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A sheet the liaison added for their own list (headers across row 1, 序号 1, 2, 3 and project names in
    its first columns) holds neither the unit, day and commit as cut nor an id of the ledger: it was taken
    for one of ours (any text in B1, D1 or F1; the number 1 matched an indicator by its name) and refused."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    fill(finance, {"T45": {"新状态": "已完成", "变更日期": "2024-06-20"}})
    book = openpyxl.load_workbook(finance)
    own = book.create_sheet("项目清单")
    own.append(["序号", "项目名称", "计划投资（亿元）", "进度", "责任人", "备注"])
    for number, name in enumerate(["园区标准厂房", "供水管网", "污水处理厂"], start=1):
        own.append([number, name, 1.5, "推进中", "张丽", ""])
    listed = book.create_sheet("附表")  # row 1 a title only: the numbers alone made it one of ours
    listed["A1"] = "附表：已对接银行"
    for number, bank in enumerate(["农业银行", "建设银行"], start=1):
        listed.append([number, bank])
    book.save(finance)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2024-06-20", "status": "done"}]


def test_a_filled_row_without_an_id_is_a_bad_cell(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A liaison who inserts a row under an item for a second report (the sheet unprotected, or its CSV)
    fills in a status, note and date on a row with no id: it was silently left out (exit 0, nothing
    recorded for it); it is reported at its id cell, as is a figure written on a row of its own."""
    industry = cut(cli, repo, tmp_path / "round", INDUSTRY)
    lead = rows_of(industry, 0)[3][0]
    rows = fill(industry, {lead: {"新状态": "推进中", "变更日期": "2024-06-20"}})
    indicator_rows = fill(
        industry, {"new-tech-smes": {"本期数值": 3, "所属期间": "2024H1", "变更日期": "2024-07-05"}}, 1
    )
    book = openpyxl.load_workbook(industry)
    items, indicators = book.worksheets[0], book.worksheets[1]
    added = rows[lead] + 1
    items.protection.sheet = False
    items.insert_rows(added)
    items.cell(row=added, column=7, value="已完成首批企业入库")
    items.cell(row=added, column=8, value="2024-06-25")
    below = indicators.max_row + 2  # under the table, after a blank row
    assert indicator_rows["new-tech-smes"] < below
    indicators.cell(row=below, column=6, value=5)
    indicators.cell(row=below, column=7, value="2024H1")
    book.save(industry)
    before = data_bytes(repo)
    result = cli("import", str(industry), *EN, cwd=repo)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.splitlines() == [
        f"{INDUSTRY}.xlsx!A{added}: a row without an id; write on the row of the item or indicator",
        f"{INDUSTRY}.xlsx!指标!A{below}: a row without an id; write on the row of the item or indicator",
        "error: 2 problems found",
    ]
    assert data_bytes(repo) == before


@pytest.mark.parametrize(("stored", "meant"), [(0.1234567, 12.34567), (1.0512345, 105.12345)])
def test_a_percentage_keeps_every_digit_typed(
    cli: Cli, repo: Path, tmp_path: Path, stored: float, meant: float
) -> None:
    """Excel stores 12.34567% as 0.1234567: it is 12.34567, not rounded to six significant digits
    (12.3457 was recorded, with exit 0)."""
    committee = cut(cli, repo, tmp_path / "round", "云南武定產業園區管委會")
    rows = fill(
        committee, {"gross-output-growth": {"本期数值": stored, "所属期间": "2024Q2", "变更日期": "2024-07-05"}}, 1
    )
    book = openpyxl.load_workbook(committee)
    book.worksheets[1].cell(row=rows["gross-output-growth"], column=6).number_format = "0.00%"
    book.save(committee)
    result = cli("import", str(committee), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    actuals = json.loads(cli("indicators", "gross-output-growth", "--format", "json", cwd=repo).stdout)["actuals"]
    assert [(a["period"], a["value"]) for a in actuals] == [("2024Q2", meant)]
