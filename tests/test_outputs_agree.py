"""Every output tells the same story: the office prepares the quarterly 調度會議 from parktrack's views,
the workbook, the report and the notices, and never retypes a table. The same ledger and --as-of must give
the same counts, lights, days overdue and percentages in each, in every interface language."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli, git, repo_with_history

# A ledger with the boundary cases the office meets: done on the deadline day, done late, done on
# 2024-02-29, ongoing before the deadline, reopened after the deadline, the item waiting on a
# condition, figures for several periods, a margin against a 0 target.
HISTORY = [
    ("update", "T03", "--status", "done", "--date", "2024-04-30"),
    ("update", "T01", "--status", "done", "--date", "2024-05-10", "--note", "已制定三張清單"),
    ("update", "T09", "--status", "ongoing", "--date", "2024-03-20"),
    ("update", "T16", "--status", "done", "--date", "2024-02-29"),
    ("update", "T11", "--status", "in_progress", "--date", "2024-04-01", "--note", "對接中"),
    ("update", "T05", "--status", "in_progress", "--date", "2024-06-01"),
    ("update", "T44", "--status", "in_progress", "--date", "2024-05-01"),
    ("update", "T45", "--status", "done", "--date", "2024-12-20"),
    ("update", "T45", "--status", "in_progress", "--date", "2025-01-10", "--note", "reopened: 項目退回重報"),
    ("record", "gross-output", "10", "--period", "2024Q1", "--date", "2024-04-10"),
    ("record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-10"),
    ("record", "energy-per-value-added", "0.5", "--reference", "0.6", "--period", "2024Q2", "--date", "2024-06-30"),
    ("record", "quarterly-project-starts", "1", "--period", "2024Q1", "--date", "2024-04-01"),
    ("record", "provincial-green-park", "是", "--period", "2024Q2", "--date", "2024-06-25"),
    ("record", "industrial-investment-margin", "12", "--reference", "9", "--period", "2024Q2", "--date", "2024-06-20"),
]


@pytest.fixture
def ledger(cli: Cli, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled ledger in a git repository with HISTORY written through the CLI: built once, copied."""
    return repo_with_history(cli, tmp_path_factory, tmp_path / "ledger", "agree", HISTORY)


def _json(cli: Cli, root: Path, *args: str) -> Any:
    result = cli("--lang", "en", *args, "-f", "json", cwd=root)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _overdue_ids(cli: Cli, root: Path, day: str) -> set[str]:
    return {row["id"] for row in _json(cli, root, "overdue", "--as-of", day)}


def _md_section(text: str, title: str) -> str:
    """The body of one `###` (or `##`) section of a Markdown report, up to the next heading of its level."""
    level = "#" * (len(title) - len(title.lstrip("#")))
    start = text.index(title + " ") if title + " " in text else text.index(title + "\n")
    rest = text[start + len(title) :]
    end = re.search(rf"^{level} ", rest, re.M)
    return rest[: end.start()] if end else rest


def _md_row(report: Path, first: str) -> list[str]:
    """The cells of the Markdown report's table row that starts with `first` (cell 0 keeps the leading |)."""
    lines = report.read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if line.startswith(f"| {first} |")).split(" | ")


def _md_ids(section: str) -> list[str]:
    return re.findall(r"^\| (?:\d{4}-\d\d-\d\d \| )?([TM][\d.]+) \|", section, re.M)


# --- the report's "what changed" against the views -----------------------------------------------


def test_report_lists_every_item_that_fell_overdue_in_the_window(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    """T45, done on 2024-12-20 and reopened on 2025-01-10 (after its deadline), is overdue from that day:
    the report's headline counts it among the new overdue items, so its list of them must name it."""
    report = tmp_path / "調度會議.md"
    result = cli(
        "--lang", "en", "report", "-o", str(report), "--as-of", "2025-01-31", "--since", "2025-01-01", cwd=ledger
    )
    assert result.exit_code == 0, result.stderr
    text = report.read_text(encoding="utf-8")
    fell = _md_section(text, "### Items that fell overdue")
    newly = _overdue_ids(cli, ledger, "2025-01-31") - _overdue_ids(cli, ledger, "2024-12-31")
    assert "T45" in newly
    assert newly <= set(_md_ids(fell))
    assert re.search(r"^\| 2025-01-10 \| T45 \|", fell, re.M), fell


# --- 序時進度 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "pace", "shown"), [("2025-01-31", 1.0, "100.0%"), ("2023-12-31", 0.0, "0.0%")])
def test_pace_is_the_share_of_the_plans_year_outside_it_too(
    cli: Cli, ledger: Path, tmp_path: Path, day: str, pace: float, shown: str
) -> None:
    """序時進度 is the share of the plan's year (2024) elapsed: all of it after the year, none before.
    On 2025-01-31 the views, the workbook and the report said 8.5% (the share of 2025), beside 'missed'."""
    import openpyxl

    gross = next(row for row in _json(cli, ledger, "indicators", "--as-of", day) if row["id"] == "gross-output")
    assert gross["pace"] == pace
    book = tmp_path / "台賬.xlsx"
    assert cli("--lang", "en", "export", "-o", str(book), "--as-of", day, cwd=ledger).exit_code == 0
    sheet = openpyxl.load_workbook(book)["Indicators"]
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "gross-output")
    assert row[header.index("序時進度")] == pace
    report = tmp_path / "report.md"
    assert cli("--lang", "en", "report", "-o", str(report), "--as-of", day, cwd=ledger).exit_code == 0
    assert _md_row(report, "規上工業總產值")[6] == shown


# --- one language per output -------------------------------------------------------------------

# The codes JSON carries, which a Chinese CSV or TSV must show as words (README: "CSV is for
# spreadsheets, so its headers and values ... follow the language").
CODES = {
    "kind": {"key_task", "measure", "assigned", "unit", "group", "level", "count", "growth", "share",
             "periodic_count", "rank_change", "margin", "milestone"},
    "comparison": {"at_least", "at_most", "about"},
    "period": {"year", "quarter", "half"},
    "status": {"not_started", "in_progress", "done", "blocked", "ongoing"},
    "light": {"red", "yellow", "green", "late", "waiting"},
}  # fmt: skip


def _table_of(text: str, fmt: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="," if fmt == "csv" else "\t"))


def _one_record(text: str, fmt: str) -> list[tuple[str, str]]:
    """One record's (label, value) pairs: a CSV's header and row, or TSV's label<TAB>value lines."""
    rows = _table_of(text, fmt)
    if fmt == "csv":
        header, row = rows
        return list(zip(header, row, strict=True))
    return [(label, value) for label, value in rows]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize(
    ("view", "columns"),
    [
        (("indicators",), {"kind", "comparison", "period"}),
        (("units",), {"kind"}),
        (("leaders",), set()),
        (("list",), {"kind", "status", "light"}),
        (("overdue", "--by-unit"), {"kind", "status", "light"}),
    ],
)
def test_chinese_csv_has_chinese_headers_and_words_for_codes(
    cli: Cli, ledger: Path, lang: str, fmt: str, view: tuple[str, ...], columns: set[str]
) -> None:
    """A header left in English (aspirational) or a code left as it is in JSON (rank_change, at_least, year,
    unit) is a mix of languages in a sheet the office pastes into its minutes."""
    result = cli("--lang", lang, *view, "--as-of", "2024-07-01", "-f", fmt, cwd=ledger)
    assert result.exit_code == 0, result.stderr
    header, *rows = _table_of(result.stdout, fmt)
    assert rows
    assert [cell for cell in header if re.search("[A-Za-z]", cell)] == []
    keys = _table_of(cli("--lang", "en", *view, "--as-of", "2024-07-01", "-f", fmt, cwd=ledger).stdout, fmt)[0]
    for key in columns:
        column = keys.index(key)
        left = {row[column] for row in rows} & CODES[key]
        assert left == set(), (key, left)


# --- show: one item, the same history in every format -----------------------------------------------


def test_show_history_is_the_as_of_days_in_every_format(cli: Cli, ledger: Path) -> None:
    """On 2024-07-01 T45 is not started; its table leaves out the entries after that day and says so. CSV,
    TSV and JSON listed them ('2024-12-20 done') beside the status 'not started' of the same row."""
    table = cli("--lang", "en", "show", "T45", "--as-of", "2024-07-01", "-f", "table", cwd=ledger).stdout
    assert "2 later entries, after 2024-07-01, not shown." in " ".join(table.split())
    shown = _json(cli, ledger, "show", "T45", "--as-of", "2024-07-01")
    assert (shown["status"], shown["history"]) == ("not_started", [])
    for fmt in ("csv", "tsv"):
        result = cli("--lang", "en", "show", "T45", "--as-of", "2024-07-01", "-f", fmt, cwd=ledger)
        assert dict(_one_record(result.stdout, fmt))["history"] == ""
    later = _json(cli, ledger, "show", "T45", "--as-of", "2024-12-31")
    assert [(entry["date"], entry["status"]) for entry in later["history"]] == [("2024-12-20", "done")]


@pytest.mark.parametrize(
    ("lang", "words"), [("zh-Hans", "已完成 已制定三张清单"), ("zh-Hant", "已完成 已制定三張清單")]
)
def test_show_history_in_chinese_csv_has_status_words(cli: Cli, ledger: Path, lang: str, words: str) -> None:
    """The table shows a history entry's status as 已完成; the CSV and TSV wrote the code (done)."""
    for fmt in ("csv", "tsv"):
        result = cli("--lang", lang, "show", "T01", "--as-of", "2024-07-01", "-f", fmt, cwd=ledger)
        label, value = _one_record(result.stdout, fmt)[-1]
        assert (label, value) == ("进展情况" if lang == "zh-Hans" else "進展情況", f"2024-05-10 {words}")


# --- an item naming its lead unit twice, or as a cooperating unit too -------------------------------


def _edit_item(text: str, item: str, old: str, new: str) -> str:
    """`old` replaced by `new` inside one item's block of tasks.yaml, and nowhere else."""
    start = text.index(f"  - id: {item}\n")
    end = text.index("  - id: ", start + 1)
    block = text[start:end]
    assert block.count(old) == 1, (item, old)
    return text[:start] + block.replace(old, new) + text[end:]


def _name_units_twice(root: Path) -> None:
    """T41 names its lead unit twice (the 管委會 and its alias 武定產業園區), T17 names its lead unit among the
    cooperating units too: both validate, as a clerk's table may well say it."""
    tasks = root / "data" / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    text = _edit_item(
        text, "T41", "lead_units: [云南武定產業園區管委會]", "lead_units: [云南武定產業園區管委會, 武定產業園區]"
    )
    text = _edit_item(text, "T17", "support_units: [縣發展改革局, ", "support_units: [縣發展改革局, 縣工信商務科技局, ")
    tasks.write_text(text, encoding="utf-8")
    git(root, "commit", "-q", "-am", "T41 and T17 name a unit twice")


def test_an_item_naming_its_lead_unit_twice_counts_once(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    """overdue --by-unit, the report's overdue section and its count listed T41 twice under the 管委會,
    where units, the notice and the overdue list count it once."""
    _name_units_twice(ledger)
    assert cli("validate", cwd=ledger).exit_code == 0
    day = "2024-06-30"
    groups = {group["lead_unit"]: group for group in _json(cli, ledger, "overdue", "--by-unit", "--as-of", day)}
    managing = groups["云南武定產業園區管委會"]
    ids = [item["id"] for item in managing["items"]]
    assert "T41" in ids and len(ids) == len(set(ids)) == managing["count"]
    units = {unit["name"]: unit for unit in _json(cli, ledger, "units", "--as-of", day)}
    assert {name: group["count"] for name, group in groups.items()} == {
        name: unit["overdue_lead"] for name, unit in units.items() if unit["overdue_lead"]
    }
    notice = cli("--lang", "en", "notice", "--unit", "管委會", "--as-of", day, cwd=ledger).stdout
    assert f"A. Overdue items ({len(ids)})" in notice
    report = tmp_path / "report.md"
    assert cli("--lang", "en", "report", "-o", str(report), "--as-of", day, cwd=ledger).exit_code == 0
    section = _md_section(report.read_text(encoding="utf-8"), f"### 云南武定產業園區管委會 ({len(ids)})")
    assert _md_ids(section) == ids


def test_a_lead_unit_also_cooperating_is_counted_as_lead_everywhere(cli: Cli, ledger: Path) -> None:
    """units counts T17 once for 縣工信商務科技局, as an item it leads; list --role support listed it too, so
    the list of items the unit supports had one more than the units table's 'Supports'."""
    _name_units_twice(ledger)
    day = "2024-06-30"
    (unit,) = [unit for unit in _json(cli, ledger, "units", "--as-of", day) if unit["name"] == "縣工信商務科技局"]
    leads = _json(cli, ledger, "list", "--unit", "工信局", "--role", "lead", "--as-of", day)
    supports = _json(cli, ledger, "list", "--unit", "工信局", "--role", "support", "--as-of", day)
    every = _json(cli, ledger, "list", "--unit", "工信局", "--as-of", day)
    assert (len(leads), len(supports), len(every)) == (unit["leads"], unit["supports"], unit["items"])
    (t17,) = [row for row in every if row["id"] == "T17"]
    assert t17["roles"] == ["lead"]


# --- percentages ----------------------------------------------------------------------------------


def test_indicator_percentages_read_the_same_on_screen_in_the_workbook_and_the_report(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    """9.96% against ≥10% is not met (yellow): the report and the workbook (0.0%) say 完成率 99.6%, the
    table said 100% beside the yellow light; its 序時進度 said 50% where they say 49.7%."""
    import openpyxl

    day = "2024-06-30"
    recorded = cli("record", "value-added-growth", "9.96", "--period", "2024Q2", "--date", day, cwd=ledger)
    assert recorded.exit_code == 0, recorded.stderr
    rows = {row["id"]: row for row in _json(cli, ledger, "indicators", "--as-of", day)}
    assert rows["value-added-growth"]["light"] == "yellow"
    assert rows["value-added-growth"]["attainment"] == pytest.approx(0.996)
    table = cli("--lang", "en", "indicators", "--as-of", day, "-f", "table", env={"COLUMNS": "250"}, cwd=ledger).stdout
    growth = next(line for line in table.splitlines() if line.strip().startswith("value-added-growth "))
    gross = next(line for line in table.splitlines() if line.strip().startswith("gross-output "))
    assert growth.split()[-3:] == ["99.6%", "-", "yellow"], growth
    book = tmp_path / "台賬.xlsx"
    assert cli("--lang", "en", "export", "-o", str(book), "--as-of", day, cwd=ledger).exit_code == 0
    sheet = openpyxl.load_workbook(book)["Indicators"]
    header = [cell.value for cell in sheet[1]]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    attained = cells["value-added-growth"][header.index("完成率")]
    pace = cells["gross-output"][header.index("序時進度")]
    assert (attained.number_format, pace.number_format) == ("0.0%", "0.0%")
    assert f"{attained.value * 100:.1f}%" == "99.6%"
    assert f"{pace.value * 100:.1f}%" in gross.split()  # 49.7%
    report = tmp_path / "report.md"
    assert cli("--lang", "en", "report", "-o", str(report), "--as-of", day, cwd=ledger).exit_code == 0
    line = next(
        line for line in report.read_text(encoding="utf-8").splitlines() if line.startswith("| 規上工業增加值增速 |")
    )
    assert line.split(" | ")[5] == "99.6%", line


def test_a_margin_figure_shows_its_reference_figure_wherever_it_is_judged(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    """工業固定資產增速高于全縣增速 ≥5: 12% against the county's 9% is a margin of 3, 完成率 60%, yellow. The
    table says '12% (reference 9)'; the report and the workbook said only 12%, beside ≥5% and a yellow
    light, so nobody reading them could tell why."""
    import openpyxl

    day = "2024-06-30"
    (margin,) = [row for row in _json(cli, ledger, "indicators", "--as-of", day) if row["id"].endswith("-margin")]
    assert (margin["value"], margin["attainment"], margin["light"]) == (3, 0.6, "yellow")
    table = cli("--lang", "en", "indicators", "--as-of", day, "-f", "table", env={"COLUMNS": "250"}, cwd=ledger).stdout
    assert "12% (reference 9) 2024Q2" in " ".join(table.split())
    report = tmp_path / "report.md"
    assert (
        cli("--lang", "en", "report", "-o", str(report), "--as-of", day, "--since", "2024-06-01", cwd=ledger).exit_code
        == 0
    )
    assert _md_row(report, "工業固定資產增速高于全縣增速")[3] == "12% (reference 9)"
    assert _md_row(report, "2024-06-20")[1:4] == ["工業固定資產增速高于全縣增速", "2024Q2", "12% (reference 9)"]
    book = tmp_path / "台賬.xlsx"
    assert cli("--lang", "en", "export", "-o", str(book), "--as-of", day, cwd=ledger).exit_code == 0
    sheet = openpyxl.load_workbook(book)["Indicators"]
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == margin["id"])
    assert (row[header.index("Latest figure")], row[header.index("Reference figure")]) == (12, 9)
    assert (row[header.index("完成率")], row[header.index("Light")]) == (0.6, "yellow")


def test_the_report_writes_the_documents_targets_and_figures_to_their_last_digit(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    """閑置土地處置不少于79.703畝: the table and the workbook say 79.703, the report said 79.7; a figure of
    40.125畝 became 40.12 (two decimals, rounded half to even)."""
    import openpyxl

    day = "2024-06-30"
    recorded = cli("record", "idle-land-disposed", "40.125", "--period", "2024Q2", "--date", day, cwd=ledger)
    assert recorded.exit_code == 0, recorded.stderr
    table = cli("--lang", "en", "indicators", "--as-of", day, "-f", "table", env={"COLUMNS": "250"}, cwd=ledger).stdout
    idle = next(line for line in table.splitlines() if line.strip().startswith("idle-land-disposed "))
    assert "≥79.703畝" in idle and "40.125畝" in idle
    book = tmp_path / "台賬.xlsx"
    assert cli("--lang", "en", "export", "-o", str(book), "--as-of", day, cwd=ledger).exit_code == 0
    sheet = openpyxl.load_workbook(book)["Indicators"]
    row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "idle-land-disposed")
    assert (row[3], row[6]) == ("≥79.703", 40.125)
    report = tmp_path / "report.md"
    since = ("--since", "2024-06-01")
    assert cli("--lang", "en", "report", "-o", str(report), "--as-of", day, *since, cwd=ledger).exit_code == 0
    assert _md_row(report, "閑置土地處置")[1:4] == ["≥79.703畝", "—", "40.125畝"]
    lines = report.read_text(encoding="utf-8").splitlines()
    figures = [line.split(" | ")[1:4] for line in lines if line.startswith(f"| {day} |")]
    assert ["閑置土地處置", "2024Q2", "40.125畝"] in figures


@pytest.mark.parametrize(("lang", "yes"), [("en", "yes"), ("zh-Hans", "是"), ("zh-Hant", "是")])
def test_a_milestone_reads_yes_in_the_workbooks_language(
    cli: Cli, ledger: Path, tmp_path: Path, lang: str, yes: str
) -> None:
    """創建省級綠美園區 (yes/no): the English workbook wrote its target and figure as 是 under English headers,
    where the English table and report say yes."""
    import openpyxl

    book = tmp_path / "台賬.xlsx"
    assert cli("--lang", lang, "export", "-o", str(book), "--as-of", "2024-06-30", cwd=ledger).exit_code == 0
    sheet = openpyxl.load_workbook(book).worksheets[-1]
    row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "provincial-green-park")
    assert (row[3], row[6]) == (yes, yes)


def test_the_report_says_a_withdrawn_figure_was_withdrawn(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    """A figure withdrawn on 06-25 was listed under 'Figures recorded' with the figure '—', as if an empty
    figure had been recorded; `history` calls it a withdrawal, and the indicator has no figure again."""
    steps = [
        ("record", "new-tech-smes", "2", "--period", "2024Q2", "--date", "2024-06-20"),
        ("record", "new-tech-smes", "--period", "2024Q2", "--withdraw", "--date", "2024-06-25"),
    ]
    for step in steps:
        assert cli(*step, cwd=ledger).exit_code == 0
    (smes,) = [row for row in _json(cli, ledger, "indicators", "--as-of", "2024-06-30") if row["id"] == "new-tech-smes"]
    assert (smes["latest"], smes["verdict"]) == (None, "no figure yet")
    for lang, withdrawn in (("en", "withdrawn"), ("zh-Hans", "已撤回")):
        report = tmp_path / f"report-{lang}.md"
        since = ("--since", "2024-06-01")
        assert (
            cli("--lang", lang, "report", "-o", str(report), "--as-of", "2024-06-30", *since, cwd=ledger).exit_code == 0
        )
        assert _md_row(report, "2024-06-25")[2:4] == ["2024Q2", withdrawn]


def test_english_outputs_name_the_pace_as_the_document_writes_it(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    """The English report and workbook keep the document's own term 序時進度; the English table's caption
    said 序时进度, in simplified characters, which no English output uses for the document's words."""
    table = cli("--lang", "en", "indicators", "--as-of", "2024-06-30", "-f", "table", cwd=ledger).stdout
    report = tmp_path / "report.md"
    assert cli("--lang", "en", "report", "-o", str(report), "--as-of", "2024-06-30", cwd=ledger).exit_code == 0
    for text in (table, report.read_text(encoding="utf-8")):
        assert "序時進度" in text and "序时进度" not in text


def test_the_english_workbook_names_statuses_in_english_like_its_lights(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    """The English workbook wrote its lights in English (red, late) and its statuses as 已完成 and 推進中,
    and its cover counted 'Items: 未啟動': one sheet in two languages, where the English list and report say
    done and in progress."""
    import openpyxl

    day = "2024-07-01"
    book = tmp_path / "ledger.xlsx"
    assert cli("--lang", "en", "export", "-o", str(book), "--as-of", day, cwd=ledger).exit_code == 0
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Key tasks"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[header.index("ID")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    listed = cli("--lang", "en", "list", "--as-of", day, "-f", "table", env={"COLUMNS": "300"}, cwd=ledger).stdout
    t11 = next(line for line in listed.splitlines() if line.strip().startswith("T11 "))
    assert "in progress" in t11
    assert (rows["T01"][header.index("Status")], rows["T11"][header.index("Status")]) == ("done", "in progress")
    assert (rows["T01"][header.index("Light")], rows["T11"][header.index("Light")]) == ("late", "red")
    cover = {row[0]: row[1] for row in workbook["Cover"].iter_rows(values_only=True) if row[0]}
    assert cover["Items: not started"] + cover["Items: in progress"] + cover["Items: done"] > 0
    counts = [str(label) for label in cover if str(label).startswith(("Items: ", "Indicators: "))]
    assert len(counts) == 14 and not [label for label in counts if re.search(r"[\u4e00-\u9fff]", label)]


def test_an_indicators_figures_are_the_as_of_days_in_every_format(cli: Cli, ledger: Path) -> None:
    """On 2024-06-30 規上工業總產值 has its 2024Q1 figure only (2024Q2's was recorded on 07-10): the table's
    series shows that one; JSON, CSV and TSV listed the 2024Q2 figure too, beside 'latest: 2024Q1'."""
    day = "2024-06-30"
    table = cli("--lang", "en", "indicators", "gross-output", "--as-of", day, "-f", "table", cwd=ledger).stdout
    assert "2024Q1" in table and "2024Q2" not in table
    one = _json(cli, ledger, "indicators", "gross-output", "--as-of", day)  # one record: an object
    for gross in (
        one,
        *(row for row in _json(cli, ledger, "indicators", "--as-of", day) if row["id"] == "gross-output"),
    ):
        assert [actual["period"] for actual in gross["actuals"]] == ["2024Q1"]
        assert gross["latest"]["period"] == "2024Q1"
    for fmt in ("csv", "tsv"):
        result = cli("--lang", "en", "indicators", "gross-output", "--as-of", day, "-f", fmt, cwd=ledger)
        record = dict(_one_record(result.stdout, fmt))
        assert "2024Q2" not in record["actuals"] and record["actuals"].startswith("period: 2024Q1, value: 10")
    later = _json(cli, ledger, "indicators", "gross-output", "--as-of", "2024-07-10")
    assert [actual["period"] for actual in later["actuals"]] == ["2024Q1", "2024Q2"]


@pytest.mark.parametrize("window", [("--as-of", "0001-03-01"), ("--as-of", "0001-01-02", "--since", "0001-01-01")])
def test_a_report_starting_on_the_first_day_of_the_calendar_is_a_usage_error(
    cli: Cli, ledger: Path, tmp_path: Path, window: tuple[str, ...]
) -> None:
    """A report compares with the day before its window: from 0001-01-01 there is none, which was an
    OverflowError and a traceback."""
    result = cli("--lang", "en", "report", "-o", str(tmp_path / "r.md"), *window, cwd=ledger)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "0001-01-01" in result.stderr and not (tmp_path / "r.md").exists()


def _workbook_items(book: Path) -> dict[str, tuple[str, str, str]]:
    """Each item's (status, light, days overdue) in an export's item sheets (between cover and indicators)."""
    import openpyxl

    found = {}
    for sheet in openpyxl.load_workbook(book).worksheets[1:-1]:
        # ID, status, light, latest progress, its date, days overdue end every item sheet
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row[-6]:
                found[row[-6]] = (row[-5], row[-4], "" if row[-1] is None else str(row[-1]))
    return found


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_the_workbook_and_the_list_say_each_items_status_light_and_days_in_the_same_words(
    cli: Cli, ledger: Path, tmp_path: Path, lang: str
) -> None:
    """The office pastes `list` into one sheet and opens the export beside it: T01's light read 逾期完成 in
    both, but T44's read 等待条件 in the list and 待条件 in the workbook."""
    day = "2024-07-01"
    book = tmp_path / "ledger.xlsx"
    assert cli("--lang", lang, "export", "-o", str(book), "--as-of", day, cwd=ledger).exit_code == 0
    keys = _table_of(cli("--lang", "en", "list", "--as-of", day, "-f", "csv", cwd=ledger).stdout, "csv")[0]
    listed = _table_of(cli("--lang", lang, "list", "--as-of", day, "-f", "csv", cwd=ledger).stdout, "csv")[1:]
    at = [keys.index(key) for key in ("id", "status", "light", "days_overdue")]
    assert _workbook_items(book) == {row[at[0]]: (row[at[1]], row[at[2]], row[at[3]]) for row in listed}


def test_the_english_workbook_and_table_say_each_items_light_in_the_same_words(
    cli: Cli, ledger: Path, tmp_path: Path
) -> None:
    """In English the list's table says late and waiting where the workbook said done late and waiting on
    a condition (the CSV has the codes, as JSON)."""
    day = "2024-07-01"
    book = tmp_path / "ledger.xlsx"
    assert cli("--lang", "en", "export", "-o", str(book), "--as-of", day, cwd=ledger).exit_code == 0
    table = cli("--lang", "en", "list", "--as-of", day, "-f", "table", env={"COLUMNS": "400"}, cwd=ledger).stdout
    rows = {line.split()[0]: line.split() for line in table.splitlines() if re.match(r"\s+[TMJ][\d.]+ ", line)}
    found = _workbook_items(book)
    assert set(found) == set(rows)
    for item, (_status, light, _days) in found.items():
        assert rows[item][-1] == light, item


def test_an_assigned_items_meeting_is_in_every_format(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    """An item decided at a meeting: `show` as a table and the workbook name the meeting and its day; JSON,
    CSV and TSV (of show and list) did not, so a pasted list lost where the item came from."""
    import openpyxl

    added = cli(
        "add", "--text", "協調解決供水管網問題", "--lead", "縣財政局", "--deadline", "2024年2月29日前",
        "--meeting", "一季度調度會議", "--date", "2024-02-01", cwd=ledger,
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    day = "2024-03-01"
    table = cli("--lang", "en", "show", "J01", "--as-of", day, "-f", "table", cwd=ledger).stdout
    assert "一季度調度會議 2024-02-01" in table
    shown = _json(cli, ledger, "show", "J01", "--as-of", day)
    assert (shown["meeting"], shown["decided_on"], shown["days_overdue"]) == ("一季度調度會議", "2024-02-01", 1)
    (listed,) = [row for row in _json(cli, ledger, "list", "--as-of", day) if row["id"] == "J01"]
    assert (listed["meeting"], listed["decided_on"]) == ("一季度調度會議", "2024-02-01")
    assert "meeting" not in _json(cli, ledger, "show", "T01", "--as-of", day)  # only items decided at a meeting
    for fmt in ("csv", "tsv"):
        record = dict(
            _one_record(cli("--lang", "zh-Hans", "show", "J01", "--as-of", day, "-f", fmt, cwd=ledger).stdout, fmt)
        )
        assert (record["会议"], record["交办日期"]) == ("一季度调度会议", "2024-02-01")
    book = tmp_path / "ledger.xlsx"
    assert cli("--lang", "zh-Hans", "export", "-o", str(book), "--as-of", day, cwd=ledger).exit_code == 0
    sheet = openpyxl.load_workbook(book).worksheets[-2]
    row = next(row for row in sheet.iter_rows(values_only=True) if "J01" in row)
    assert "一季度调度会议" in row and _workbook_items(book)["J01"][1:] == ("红灯", "1")


def test_the_years_last_day_is_still_inside_the_year_for_indicators_as_for_items(cli: Cli, ledger: Path) -> None:
    """On 2024-12-31 the items due 2024年12月底 are due today (yellow), not overdue: the deadline day is on
    time. The indicators judged the year over that same day: 12% against the county's 9% (a margin of 3,
    short of 5) was already red, 'missed', before the year's figure could be in."""
    (margin,) = [
        row for row in _json(cli, ledger, "indicators", "--as-of", "2024-12-31") if row["id"].endswith("-margin")
    ]
    (t04,) = [row for row in _json(cli, ledger, "list", "--as-of", "2024-12-31") if row["id"] == "T04"]
    assert (t04["light"], t04["days_left"]) == ("yellow", 0)
    assert (margin["light"], margin["verdict"]) == ("yellow", "not yet met")
    (after,) = [
        row for row in _json(cli, ledger, "indicators", "--as-of", "2025-01-01") if row["id"].endswith("-margin")
    ]
    assert (after["light"], after["verdict"]) == ("red", "missed")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_the_items_column_is_named_for_what_it_holds(cli: Cli, ledger: Path, fmt: str) -> None:
    """`items` is a count in units and leaders (事项数: 81) but the ids of the items an indicator belongs to
    in indicators (M06.2、T14), which the Chinese CSV also headed 事项数."""
    day = "2024-07-01"
    units = _table_of(cli("--lang", "zh-Hans", "units", "--as-of", day, "-f", fmt, cwd=ledger).stdout, fmt)
    keys = _table_of(cli("--lang", "en", "indicators", "--as-of", day, "-f", fmt, cwd=ledger).stdout, fmt)[0]
    indicators = _table_of(cli("--lang", "zh-Hans", "indicators", "--as-of", day, "-f", fmt, cwd=ledger).stdout, fmt)
    assert "事项数" in units[0] and units[1][units[0].index("事项数")].isdigit()
    column = keys.index("items")
    assert {row[column] for row in indicators[1:]} >= {"M06.2、T14"}
    assert indicators[0][column] == "相关事项"
    single = cli("--lang", "zh-Hans", "indicators", "new-above-scale-firms", "--as-of", day, "-f", "tsv", cwd=ledger)
    assert "相关事项\tM06.2、T14" in single.stdout.splitlines()


def test_a_target_the_plan_strives_for_reads_striven_everywhere(cli: Cli, ledger: Path, tmp_path: Path) -> None:
    """力爭全年完成規上工業總產值41.9億元: the table shows the target as '力爭 ≥41.9億元' (README: 'shown as
    力爭 before the target'); the report and the workbook showed a plain ≥41.9, a firm target."""
    import openpyxl

    day = "2024-06-30"
    table = cli("--lang", "en", "indicators", "--as-of", day, "-f", "table", env={"COLUMNS": "250"}, cwd=ledger).stdout
    assert "力爭 ≥41.9億元" in next(line for line in table.splitlines() if line.strip().startswith("gross-output "))
    report = tmp_path / "report.md"
    assert cli("--lang", "en", "report", "-o", str(report), "--as-of", day, cwd=ledger).exit_code == 0
    assert _md_row(report, "規上工業總產值")[1] == "力爭 ≥41.9億元"
    assert _md_row(report, "營業收入增速")[1] == "≥10%"  # a firm target stays as it is
    book = tmp_path / "台賬.xlsx"
    assert cli("--lang", "en", "export", "-o", str(book), "--as-of", day, cwd=ledger).exit_code == 0
    sheet = openpyxl.load_workbook(book)["Indicators"]
    row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "gross-output")
    assert row[3] == "力爭 ≥41.9"


def test_a_margin_exactly_on_target_is_met(cli: Cli, ledger: Path) -> None:
    """10.2% against the county's 5.2% is 5 points over, the target (高于全縣增速5%以上): met. In binary
    floating point 10.2 - 5.2 is 4.999999999999999, so every output said 100.0% and yellow, 'not yet met'."""
    step = ("record", "industrial-investment-margin", "10.2", "--reference", "5.2", "--period", "2024Q3")
    recorded = cli(*step, "--date", "2024-10-10", cwd=ledger)
    assert recorded.exit_code == 0, recorded.stderr
    (margin,) = [
        row for row in _json(cli, ledger, "indicators", "--as-of", "2024-10-31") if row["id"].endswith("-margin")
    ]
    assert (margin["value"], margin["attainment"], margin["light"], margin["verdict"]) == (5, 1, "green", "met")
