"""`parktrack init`: an empty ledger, and ledgers built from 台賬 tables (xlsx and csv), end to end with git."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from conftest import Cli, git, soffice_convert
from ledger_tables import HEADER, bundled_ledger, write_key_task_table
from parktrack import store
from parktrack.ledger import Ledger, load
from plan_source import read_plan


def new_ledger(folder: Path) -> Ledger:
    return load(store.DataDir(folder / "data"))


def commits(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s").splitlines()


# --- an empty ledger -------------------------------------------------------------


def test_init_without_git_writes_the_ledger_and_says_it_is_no_repository(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    folder = tmp_path / "north"
    result = cli("init", str(folder), "--title", "North", "--year", "2025", "--lang", "en", env={"PATH": str(empty)})
    assert result.exit_code == 4, result.stdout + result.stderr
    assert result.stderr.strip() == "error: the ledger was written but git is not installed, so it is not a repository"
    assert new_ledger(folder).plan.title == "North" and not (folder / ".git").exists()


def test_init_writes_a_commented_empty_ledger_that_validates(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "wuding-2025"
    result = cli("init", str(folder), "--title", "武定縣2025年園區經濟行動方案", "--year", "2025", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "made" in result.stdout and "committed" in result.stdout

    ledger = new_ledger(folder)
    assert (ledger.plan.title, ledger.plan.year, ledger.plan.issued) == ("武定縣2025年園區經濟行動方案", 2025, None)
    assert ledger.tasks == [] and ledger.units == [] and ledger.indicators == []
    tasks_text = (folder / "data" / "tasks.yaml").read_text(encoding="utf-8")
    for field in ("deadline_text:", "lead_units:", "support_units:", "groups:", "long_term:", "source:"):
        assert field in tasks_text.split("\nplan:")[0], f"no comment explains {field}"
    assert "kind: unit (one accountable body) or group" in (folder / "data" / "units.yaml").read_text(encoding="utf-8")
    assert "comparison (at_least" in (folder / "data" / "indicators.yaml").read_text(encoding="utf-8")

    assert (folder / ".git").is_dir()
    assert commits(folder) == ["Start the ledger of 武定縣2025年園區經濟行動方案"]
    tracked = set(git(folder, "ls-files").split())
    assert {"data/tasks.yaml", "data/units.yaml", "data/indicators.yaml", "schemas/tasks.schema.json"} <= tracked
    assert git(folder, "status", "--porcelain") == ""

    checked = cli("validate", "--data", str(folder / "data"), "--lang", "en")
    assert checked.exit_code == 0, checked.stderr


def test_init_inside_a_repository_commits_there_without_a_new_repository(cli: Cli, tmp_path: Path) -> None:
    outer = tmp_path / "county"
    outer.mkdir()
    git(outer, "init", "-q")
    git(outer, "config", "user.name", "Park Office")
    git(outer, "config", "user.email", "office@example.org")
    result = cli("init", str(outer / "parks" / "north"), "--title", "North park", "--year", "2025", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert not (outer / "parks" / "north" / ".git").exists()
    assert commits(outer) == ["Start the ledger of North park"]
    assert "parks/north/data/tasks.yaml" in git(outer, "ls-files")
    sha = git(outer, "rev-parse", "--short=10", "HEAD").strip()
    assert f"committed {sha} in {outer}" in result.stdout.splitlines()  # the repository it went into


def test_init_refuses_a_folder_that_holds_a_ledger(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    assert cli("init", str(folder), "--title", "One", "--year", "2025").exit_code == 0
    before = (folder / "data" / "tasks.yaml").read_bytes()
    again = cli("init", str(folder), "--title", "Two", "--year", "2026", "--lang", "en")
    assert again.exit_code == 2
    assert "already holds a ledger" in again.stderr and "Traceback" not in again.stderr
    assert (folder / "data" / "tasks.yaml").read_bytes() == before
    assert len(commits(folder)) == 1


def test_init_without_a_table_needs_title_and_year(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", str(tmp_path / "x"), "--title", "No year", "--lang", "en")
    assert result.exit_code == 2 and "--year" in result.stderr
    assert not (tmp_path / "x").exists()


# --- the bundled plan, round trip ---------------------------------------------------


def test_bundled_plan_round_trips_through_a_workbook(cli: Cli, tmp_path: Path) -> None:
    plan = bundled_ledger()
    sections = [section for section in plan.sections if section.kind == "key_task"]
    tasks = [task for task in plan.tasks if task.kind == "key_task"]
    table = write_key_task_table(
        tmp_path / "台賬.xlsx", plan.plan.ledger or "", sections, tasks, extra_columns=["狀態", "進展情況"]
    )
    folder = tmp_path / "again"
    result = cli("init", str(folder), "--from", str(table.path), "--title", plan.plan.title, "--lang", "zh-Hant")
    assert result.exit_code == 0, result.stderr

    rebuilt = new_ledger(folder)
    assert (rebuilt.plan.title, rebuilt.plan.ledger, rebuilt.plan.year) == (plan.plan.title, plan.plan.ledger, 2024)
    assert [(s.number, s.title, s.goal) for s in rebuilt.sections] == [(s.number, s.title, s.goal) for s in sections]
    fields = (
        "id", "section", "text", "leaders", "lead_units", "support_units", "groups",
        "deadline_text", "deadline", "deadline_implied", "long_term", "status",
    )  # fmt: skip
    assert [task.model_dump(include=set(fields)) for task in rebuilt.tasks] == [
        task.model_dump(include=set(fields)) for task in tasks
    ]
    named = {name for task in tasks for name in (*task.lead_units, *task.support_units)}
    assert {unit.name for unit in rebuilt.units if not unit.is_group} == named
    assert {unit.name for unit in rebuilt.units if unit.is_group} == {g for task in tasks for g in task.groups}
    assert rebuilt.leaders == list(dict.fromkeys(leader for task in tasks for leader in task.leaders))

    # the summary, and the one 完成時限 with no date, by its cell
    assert "8 個部分，52 項" in result.stdout and "51 項讀為日期，1 項待核對" in result.stdout
    assert f"台賬.xlsx!F{table.row_of['T44']}: T44：無法從完成時限" in result.stdout
    assert "在中央有關政策明確" in result.stdout
    flagged = [line for line in result.stdout.splitlines() if "台賬.xlsx!" in line]
    assert len(flagged) == 1, flagged


@pytest.mark.parametrize("lang", ["zh-Hant", "en"])
def test_the_exported_ledger_round_trips_through_init_from(cli: Cli, tmp_path: Path, lang: str) -> None:
    """`parktrack export` of the bundled plan, fed to `init --from`, gives the same key tasks back, and
    the plan's title and the ledger's name from the export's cover (not the file's name)."""
    plan = bundled_ledger()
    tasks = [task for task in plan.tasks if task.kind == "key_task"]
    workbook = tmp_path / "台賬.xlsx"
    exported = cli("export", "-o", str(workbook), "--as-of", "2024-06-30", "--lang", lang)
    assert exported.exit_code == 0, exported.stderr
    folder = tmp_path / "again"
    result = cli("init", str(folder), "--from", str(workbook), "--lang", lang)
    assert result.exit_code == 0, result.stderr

    rebuilt = new_ledger(folder)
    assert (rebuilt.plan.title, rebuilt.plan.ledger) == (plan.plan.title, plan.plan.ledger)
    fields = (
        "id", "section", "text", "leaders", "lead_units", "support_units", "groups",
        "deadline_text", "deadline", "deadline_implied", "long_term",
    )  # fmt: skip
    assert [task.model_dump(include=set(fields)) for task in rebuilt.tasks] == [
        task.model_dump(include=set(fields)) for task in tasks
    ]
    named = {name for task in tasks for name in (*task.lead_units, *task.support_units)}
    assert {unit.name for unit in rebuilt.units if not unit.is_group} == named
    assert rebuilt.leaders == list(dict.fromkeys(leader for task in tasks for leader in task.leaders))


def test_an_id_column_is_used_for_the_ids(cli: Cli, tmp_path: Path) -> None:
    plan = bundled_ledger()
    sections = [section for section in plan.sections if section.kind == "key_task"][:2]
    tasks = [task for task in plan.tasks if task.kind == "key_task" and task.section <= 2]
    table = write_key_task_table(tmp_path / "t.xlsx", "清單", sections, tasks, id_column=True)
    result = cli("init", str(tmp_path / "l"), "--from", str(table.path), "--year", "2024", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert [task.id for task in new_ledger(tmp_path / "l").tasks] == [task.id for task in tasks]


def test_the_documents_own_cells_give_the_bundled_units_and_groups(cli: Cli, tmp_path: Path) -> None:
    """The attachment's cells as written (X等縣級有關部門, lists joined with 、 and ,) read like the transcription."""
    source = read_plan()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["云南武定產業園區提質增效三年行動2024年度重點任務清單"])
    sheet.append(HEADER)
    current = 0
    for item in source.key_tasks:
        if item.section != current:
            current = item.section
            section = source.key_sections[current - 1]
            goal = f"(2024年度工作目標:{section.goal})" if section.goal else ""
            sheet.append([f"{'一二三四五六七八'[current - 1]}、{section.title}{goal}"])
        number = int(item.id[1:])
        sheet.append([number, item.text, *item.leaders, item.lead_cell, item.support_cell, item.deadline_text])
    book.save(tmp_path / "附件.xlsx")
    result = cli("init", str(tmp_path / "l"), "--from", str(tmp_path / "附件.xlsx"), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    rebuilt = {task.id: task for task in new_ledger(tmp_path / "l").tasks}
    for task in bundled_ledger().tasks:
        if task.kind == "key_task":
            got = rebuilt[task.id]
            assert (got.lead_units, got.support_units, got.groups) == (
                task.lead_units,
                task.support_units,
                task.groups,
            ), task.id


# --- awkward tables ------------------------------------------------------------------


def awkward_workbook(path: Path) -> None:
    """What offices really send: a two-row title, merged cells, blank rows, full-width digits,
    unit lists broken over lines, 序號 restarting per section, a repeated header, a note at the end."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    rows: list[list[object]] = [
        ["北園區2025年度重點任務臺賬"],  # 1, merged A1:G1
        ["(截至2025年3月)"],  # 2
        [],  # 3 blank
        [*HEADER, "備註"],  # 4
        ["一、項目建設(2025年度工作目標:新開工項目10個)"],  # 5, merged A5:G5
        [
            "１",
            "推進標準廠房建設。",
            "王　偉",
            "縣工信商務科技局",
            "縣財政局、\n縣稅務局",
            "２０２５年６月底以前",
            "",
        ],  # 6
        ["2", "完成園區道路\n設計。", None, "縣交通運輸局", "縣工\n信商務科技局\n縣自然資源局", "2025年底前", ""],  # 7
        [],  # 8 blank
        ["二", "要素保障", None, None, None, None, None],  # 9: numeral alone, heading in the next cell
        ["1", "盤活閑置土地。", "李　明", "縣自然資源局", "縣財政局等縣級有關部門", "2025年6月前", ""],  # 10
        [*HEADER, "備註"],  # 11: the header again (a new printed page)
        ["2", "建立企業服務專員制度。", "李　明", "縣工信商務科技局", "領導小組成員單位", "長期堅持", ""],  # 12
        ["3", "爭取專項債券。", "李　明", "縣財政局", "縣發展改革局", "2025年9月30日前完成，并長期堅持", ""],  # 13
        ["注:本表由園區辦公室匯總。"],  # 14, merged A14:G14
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A1:G1")
    sheet.merge_cells("A5:G5")
    sheet.merge_cells("C6:C7")  # one official leads both items: one merged cell
    sheet.merge_cells("A14:G14")
    book.save(path)


def test_an_awkward_workbook_is_read_cell_by_cell(cli: Cli, tmp_path: Path) -> None:
    awkward_workbook(tmp_path / "北園區台賬.xlsx")
    folder = tmp_path / "north"
    result = cli("init", str(folder), "--from", str(tmp_path / "北園區台賬.xlsx"), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    ledger = new_ledger(folder)
    assert ledger.plan.title == "北園區2025年度重點任務臺賬" and ledger.plan.year == 2025
    assert [(s.number, s.title, s.goal) for s in ledger.sections] == [
        (1, "項目建設", "新開工項目10個"),
        (2, "要素保障", None),
    ]
    rows = [
        (t.id, t.section, t.text, t.leaders, t.lead_units, t.support_units, t.groups, str(t.deadline), t.long_term)
        for t in ledger.tasks
    ]
    assert rows == [
        ("T01", 1, "推進標準廠房建設。", ["王偉"], ["縣工信商務科技局"], ["縣財政局", "縣稅務局"], [], "2025-06-30", False),  # noqa: E501
        ("T02", 1, "完成園區道路設計。", ["王偉"], ["縣交通運輸局"], ["縣工信商務科技局", "縣自然資源局"], [],
         "2025-12-31", False),
        ("T03", 2, "盤活閑置土地。", ["李明"], ["縣自然資源局"], ["縣財政局"], ["縣級有關部門"], "None", False),
        ("T04", 2, "建立企業服務專員制度。", ["李明"], ["縣工信商務科技局"], [], ["領導小組成員單位"], "None", True),
        ("T05", 2, "爭取專項債券。", ["李明"], ["縣財政局"], ["縣發展改革局"], [], "2025-09-30", True),
    ]  # fmt: skip
    assert ledger.tasks[0].deadline_text == "２０２５年６月底以前"  # kept as written
    flagged = [line for line in result.stdout.splitlines() if "!" in line]
    assert flagged == [
        "北園區台賬.xlsx!F10: T03: no date could be read in 完成時限 '2025年6月前': kept as a condition "
        "(the item waits and is never overdue); write a date such as 2024年6月底以前 if one is meant",
        "北園區台賬.xlsx!F12: T04: no date could be read in 完成時限 '長期堅持': kept as a condition "
        "(the item waits and is never overdue); write a date such as 2024年6月底以前 if one is meant",
        "北園區台賬.xlsx!A14: not a 序號, a section heading or an item: row skipped",
    ]
    assert "5 items" in result.stdout and "2 sections" in result.stdout


def test_an_excel_97_workbook_gives_the_same_ledger(cli: Cli, tmp_path: Path) -> None:
    """The awkward workbook saved as .xls (Excel 97-2003, as many offices and WPS still save) by
    LibreOffice: merged cells and all, the ledger is the one the .xlsx gives, and cells are named alike."""
    awkward_workbook(tmp_path / "北園區台賬.xlsx")
    old_format = soffice_convert(tmp_path / "北園區台賬.xlsx", tmp_path / "saved", "xls:MS Excel 97")
    outcomes = {}
    for name, table in (("xlsx", tmp_path / "北園區台賬.xlsx"), ("xls", old_format)):
        (tmp_path / name).mkdir()
        result = cli("init", "north", "--from", str(table), "--lang", "en", cwd=tmp_path / name)
        assert result.exit_code == 0, result.stderr
        files = {
            file: (tmp_path / name / "north" / "data" / file).read_bytes() for file in ("tasks.yaml", "units.yaml")
        }
        said = re.sub(r"committed [0-9a-f]+", "committed SHA", result.stdout.replace(table.name, "TABLE"))
        outcomes[name] = (files, said)
    assert outcomes["xls"] == outcomes["xlsx"]
    assert "TABLE!F10: T03: no date could be read" in outcomes["xls"][1]


def test_a_csv_table_in_gb18030(cli: Cli, tmp_path: Path) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["南園區重點任務清單", "", "", "", "", ""])
    writer.writerow(HEADER)
    writer.writerow(["一、招商引資", "", "", "", "", ""])
    writer.writerow(
        ["1", "引進鋰電池項目。", "趙剛", "縣投資促進局", "縣工信商務科技局；縣發展改革局", "2025年第三季度"]
    )
    writer.writerow(["", "", "", "", "", ""])
    writer.writerow(["2", "舉辦招商推介會。", "趙剛", "縣投資促進局", "", ""])
    (tmp_path / "南園區.csv").write_bytes(out.getvalue().encode("gb18030"))
    result = cli("init", str(tmp_path / "south"), "--from", str(tmp_path / "南園區.csv"), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    ledger = new_ledger(tmp_path / "south")
    first, second = ledger.tasks
    assert first.support_units == ["縣工信商務科技局", "縣發展改革局"] and str(first.deadline) == "2025-09-30"
    assert second.deadline_text is None and second.deadline_implied and str(second.deadline) == "2025-12-31"
    assert "南園區.csv!F6: T02: no 完成時限 written: the plan's year end, 2025-12-31, is implied" in result.stdout


def test_one_unit_or_official_typed_in_both_scripts_is_one(cli: Cli, tmp_path: Path) -> None:
    """Rows typed by different hands spell one unit (縣財政局, 县财政局) and one official (楊艷, 杨艳) in
    either script: each spelling made a unit of its own, shown twice as 县财政局, and `list --unit`
    found half the unit's items. The first spelling is kept, and the summary says so."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["北園區重點任務清單", "", "", "", "", ""])
    writer.writerow(HEADER)
    writer.writerow(["1", "做甲事。", "楊艷", "縣財政局", "縣稅務局", "2024年6月底前"])
    writer.writerow(["2", "做乙事。", "杨艳", "县财政局", "县税务局", "2024年9月底前"])
    (tmp_path / "北園區.csv").write_text(out.getvalue(), encoding="utf-8")
    result = cli("init", str(tmp_path / "north"), "--from", str(tmp_path / "北園區.csv"), "--lang", "zh-Hans")
    assert result.exit_code == 0, result.stderr
    ledger = new_ledger(tmp_path / "north")
    assert [unit.name for unit in ledger.units] == ["縣財政局", "縣稅務局"]
    second = ledger.tasks[1]
    assert (second.leaders, second.lead_units, second.support_units) == (["楊艷"], ["縣財政局"], ["縣稅務局"])
    assert "北園區.csv!D4: T02：县财政局 与 縣財政局 只是繁简写法不同，均按 縣財政局 记" in result.stdout.splitlines()
    assert "北園區.csv!C4: T02：杨艳 与 楊艷 只是繁简写法不同，均按 楊艷 记" in result.stdout.splitlines()
    found = cli("list", "--unit", "县财政局", "--as-of", "2024-06-30", "-f", "json", cwd=tmp_path / "north")
    assert [row["id"] for row in json.loads(found.stdout)] == ["T01", "T02"]


# --- tables that cannot make a ledger ------------------------------------------------


def test_cells_that_would_make_an_invalid_ledger_are_all_reported_and_nothing_is_written(
    cli: Cli, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["清單"])
    sheet.append(HEADER)
    sheet.append(["1", "有牽頭單位。", "甲", "縣財政局", "", "2025年6月底以前"])
    sheet.append(["2", "沒有牽頭單位。", "乙", "", "縣財政局", "2025年6月底以前"])
    sheet.append(["3", "沒有牽頭領導。", "", "縣財政局", "", "2025年6月底以前"])
    book.save(tmp_path / "bad.xlsx")
    result = cli("init", str(tmp_path / "l"), "--from", str(tmp_path / "bad.xlsx"), "--lang", "en")
    assert result.exit_code == 1
    assert "bad.xlsx!D4: T02: no 牽頭單位 (lead unit) named" in result.stderr
    assert "bad.xlsx!C5: T03: no 牽頭領導 (lead official) named" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "l").exists()


def test_a_table_placed_below_and_right_of_a1_is_referred_to_by_its_own_cells(cli: Cli, tmp_path: Path) -> None:
    """A table starting at C3, two blank rows and columns before it: the references count from A1, as
    the spreadsheet shows them (calamine counts from the first filled cell unless told otherwise)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    rows = [["清單"], HEADER, ["1", "有牽頭單位。", "甲", "縣財政局", "", "2025年6月底以前"]]
    rows.append(["2", "沒有牽頭單位。", "乙", "", "縣財政局", "2025年6月底以前"])
    for row_number, row in enumerate(rows, start=3):
        for column_number, value in enumerate(row, start=3):
            sheet.cell(row=row_number, column=column_number, value=value)
    book.save(tmp_path / "bad.xlsx")
    result = cli("init", str(tmp_path / "l"), "--from", str(tmp_path / "bad.xlsx"), "--lang", "en")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "bad.xlsx!F6: T02: no 牽頭單位 (lead unit) named" in result.stderr


def test_a_table_without_the_header_is_refused(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = cli("init", str(tmp_path / "l"), "--from", str(tmp_path / "notes.csv"), "--lang", "en")
    assert result.exit_code == 2 and "no header row" in result.stderr
    assert not (tmp_path / "l").exists()


def test_a_workbook_reads_back_as_written(tmp_path: Path) -> None:
    """The awkward workbook really holds merged ranges (the reader's fill is what is tested above)."""
    awkward_workbook(tmp_path / "a.xlsx")
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet is not None
    assert "C6:C7" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet["C7"].value is None


@pytest.mark.parametrize(
    ("cell", "units", "groups"),
    [
        ("縣財政局、縣稅務局", ["縣財政局", "縣稅務局"], []),
        (
            "縣財政局，縣稅務局;縣統計局；縣林草局,縣總工會",
            ["縣財政局", "縣稅務局", "縣統計局", "縣林草局", "縣總工會"],
            [],
        ),
        ("縣發展改革局、云南武定產業園區管委會等有關部門", ["縣發展改革局", "云南武定產業園區管委會"], ["有關部門"]),
        ("縣財政局等縣級有關部門,各縣級政策性和商業銀行", ["縣財政局"], ["縣級有關部門", "各縣級政策性和商業銀行"]),
        ("領導小組成員單位", [], ["領導小組成員單位"]),
        ("縣財政局\n縣稅務局", ["縣財政局", "縣稅務局"], []),
        ("云南武 定產業園區管委會", ["云南武定產業園區管委會"], []),
    ],
)
def test_unit_cells(cell: str, units: list[str], groups: list[str]) -> None:
    from parktrack.tableparse import units_and_groups

    assert units_and_groups(cell) == (units, groups)


def test_the_written_files_are_plain_yaml(cli: Cli, tmp_path: Path) -> None:
    awkward_workbook(tmp_path / "t.xlsx")
    assert cli("init", str(tmp_path / "l"), "--from", str(tmp_path / "t.xlsx")).exit_code == 0
    data = yaml.safe_load((tmp_path / "l" / "data" / "units.yaml").read_text(encoding="utf-8"))
    names = [unit["name"] for unit in data["units"]]
    assert names == ["縣工信商務科技局", "縣財政局", "縣稅務局", "縣交通運輸局", "縣自然資源局", "縣發展改革局",
                     "縣級有關部門", "領導小組成員單位"]  # fmt: skip


def test_cell_references_keep_the_file_name_in_chinese_output(cli: Cli, tmp_path: Path) -> None:
    awkward_workbook(tmp_path / "北園區台賬.xlsx")
    result = cli("init", str(tmp_path / "l"), "--from", str(tmp_path / "北園區台賬.xlsx"), "--lang", "zh-Hans")
    assert result.exit_code == 0, result.stderr
    assert "北園區台賬.xlsx!F10: T03：无法从完成时限 '2025年6月前' 读出日期" in result.stdout


def test_people_are_split_on_every_line_break() -> None:
    from parktrack.tableparse import split_names

    assert split_names("王偉\n李明、趙　剛", wrapped=False) == ["王偉", "李明", "趙剛"]


def test_items_numbered_with_chinese_numerals_are_items_not_headings(cli: Cli, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2025年交辦清單"])
    sheet.append(HEADER)
    sheet.append(["一", "完成規劃修編。", "王偉", "縣自然資源局", "", "2025年6月底以前"])
    sheet.append(["二", "完成道路驗收。", "王偉", "縣交通運輸局", "", "2025年9月底以前"])
    book.save(tmp_path / "t.xlsx")
    result = cli("init", str(tmp_path / "l"), "--from", str(tmp_path / "t.xlsx"), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    ledger = new_ledger(tmp_path / "l")
    assert [(task.id, task.text, task.section) for task in ledger.tasks] == [
        ("T01", "完成規劃修編。", 1),
        ("T02", "完成道路驗收。", 1),
    ]
    assert [section.title for section in ledger.sections] == ["2025年交辦清單"]


def test_a_folder_that_cannot_hold_a_ledger_is_a_write_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder\n", encoding="utf-8")
    result = cli("init", str(tmp_path / "taken"), "--title", "T", "--year", "2025", "--lang", "en")
    assert result.exit_code == 5, result.stderr
    assert "cannot write the ledger" in result.stderr and "Traceback" not in result.stderr


def test_a_heading_split_over_cells_with_its_goal_in_a_cell_of_its_own(cli: Cli, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["清單"])
    sheet.append(["ID", *HEADER, "狀態", "進展情況"])
    sheet.append(["", "一、", "黨建質量提升行動", "2024年度工作目標:黨對產業園區的領導進一步加強"])
    sheet.append(
        ["T01", "1", "壓實責任。", "鄧開榮", "縣委組織部", "", "2024年4月底以前,并長期堅持", "推進中", "已部署"]
    )
    book.save(tmp_path / "t.xlsx")
    result = cli("init", str(tmp_path / "l"), "--from", str(tmp_path / "t.xlsx"), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    ledger = new_ledger(tmp_path / "l")
    assert [(s.title, s.goal) for s in ledger.sections] == [("黨建質量提升行動", "黨對產業園區的領導進一步加強")]
    (task,) = ledger.tasks
    assert (task.id, task.status, str(task.deadline), task.long_term) == ("T01", "not_started", "2024-04-30", True)


def test_a_ledger_from_a_table_answers_overdue(cli: Cli, tmp_path: Path) -> None:
    awkward_workbook(tmp_path / "t.xlsx")
    assert cli("init", str(tmp_path / "north"), "--from", str(tmp_path / "t.xlsx")).exit_code == 0
    result = cli("overdue", "--as-of", "2025-07-01", "--format", "json", "--lang", "en", cwd=tmp_path / "north")
    assert result.exit_code == 0, result.stderr
    assert [record["id"] for record in json.loads(result.stdout)] == ["T01"]  # T03 waits on its unread 完成時限


def test_sheet_chooses_among_several(cli: Cli, tmp_path: Path) -> None:
    plan = bundled_ledger()
    sections = [section for section in plan.sections if section.kind == "key_task"][:1]
    tasks = [task for task in plan.tasks if task.kind == "key_task" and task.section == 1]
    path = write_key_task_table(tmp_path / "t.xlsx", "清單", sections, tasks).path
    book = load_workbook(path)
    book.create_sheet("說明", 0).append(["本工作簿由園區辦公室維護"])
    book.save(path)
    missing = cli("init", str(tmp_path / "a"), "--from", str(path), "--sheet", "指標", "--lang", "en")
    assert missing.exit_code == 2 and "no sheet named '指標'" in missing.stderr
    result = cli("init", str(tmp_path / "b"), "--from", str(path), "--sheet", "重點任務", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "read t.xlsx!重點任務: 1 section, 5 items" in result.stdout
    assert len(new_ledger(tmp_path / "b").tasks) == 5
