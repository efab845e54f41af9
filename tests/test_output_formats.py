"""The output format: a Rich table at a terminal, TSV when piped (as gh does), -f and PARKTRACK_FORMAT.

Piped TSV carries the CSV's rows (headers and coded values in the interface language), tab-separated,
one record a line, and the piped path never imports Rich.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import opencc
import pytest

from conftest import REPO, Cli, cli_env

DAY = "2024-06-30"
PIPED = {"PARKTRACK_FORMAT": None}  # the captured stdout is a pipe; no format chosen
TERMINAL = {"PARKTRACK_FORMAT": None, "TTY_COMPATIBLE": "1"}  # Rich and parktrack take it for a terminal

VIEWS = [
    ["list"],
    ["list", "--unit", "縣財政局"],
    ["overdue"],
    ["overdue", "--by-unit"],
    ["due", "--within", "60"],
    ["units"],
    ["units", "縣財政局"],
    ["leaders"],
    ["leaders", "鄧開榮"],
    ["indicators"],
]


def tsv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), dialect="excel-tab"))


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("view", VIEWS, ids=" ".join)
def test_piped_output_is_the_csv_rows_tab_separated(cli: Cli, view: list[str]) -> None:
    args = [*view, "--as-of", DAY, "--lang", "zh-Hans"]
    piped = cli(*args, env=PIPED)
    assert piped.exit_code == 0, piped.stderr
    as_csv = cli(*args, "-f", "csv")
    records = json.loads(cli(*args, "-f", "json").stdout)
    rows = tsv_rows(piped.stdout)
    assert rows == csv_rows(as_csv.stdout)
    if view == ["overdue", "--by-unit"]:
        records = [item for group in records for item in group["items"]]
    assert len(rows) == len(records) + 1  # every record, after one header line
    assert len(piped.stdout.splitlines()) == len(rows)  # one record a line
    assert all("\t" in line for line in piped.stdout.splitlines())
    assert "│" not in piped.stdout and "数据：" not in piped.stdout  # no table, no caption


def test_piped_tsv_speaks_the_interface_language(cli: Cli) -> None:
    zh = tsv_rows(cli("overdue", "--as-of", "2024-07-01", "--lang", "zh-Hans", env=PIPED).stdout)
    en = tsv_rows(cli("overdue", "--as-of", "2024-07-01", "--lang", "en", env=PIPED).stdout)
    assert zh[0][:2] == ["编号", "类别"] and "状态" in zh[0] and "灯" in zh[0]
    assert en[0][:2] == ["id", "kind"]  # in English, the JSON keys and codes, as CSV has them
    zh_status = {row[0]: row[zh[0].index("状态")] for row in zh[1:]}
    en_status = {row[0]: row[en[0].index("status")] for row in en[1:]}
    assert zh_status.keys() == en_status.keys() and zh_status
    labels = {"not_started": "未启动", "in_progress": "推进中", "blocked": "受阻"}
    assert all(zh_status[key] == labels[code] for key, code in en_status.items())
    texts = [row[zh[0].index("具体工作举措")] for row in zh[1:]]
    assert any("产业园区" in text for text in texts)  # the ledger's 產業園區, shown simplified
    assert not any("產業園區" in text for text in texts)


def test_csv_cells_in_chinese_are_the_json_values_in_words(cli: Cli) -> None:
    """Each cell of the zh-Hans CSV against the item's JSON: roles and yes/no as words, the units'
    names (lists too) simplified, the rest as JSON has it."""
    args = ["list", "--unit", "縣財政局", "--as-of", "2024-07-01", "--lang", "zh-Hans"]
    items = json.loads(cli(*args, "-f", "json").stdout)
    header, *rows = csv_rows(cli(*args, "-f", "csv").stdout)
    assert len(rows) == len(items) > 1
    words = {"lead": "牵头", "support": "配合", True: "是", False: "否"}
    simplified = opencc.OpenCC("t2s").convert
    for row, item in zip(rows, items, strict=True):
        cell = dict(zip(header, row, strict=True))
        assert cell["编号"] == item["id"] and cell["完成时限"] == (item["deadline"] or "")
        assert cell["角色"] == "、".join(words[role] for role in item["roles"])
        assert cell["长期"] == words[item["long_term"]] and cell["推定时限"] == words[item["deadline_implied"]]
        assert cell["配合单位"] == "、".join(simplified(name) for name in item["support_units"])
    assert any("配合" in row[header.index("角色")] for row in rows)
    assert any("县财政局" in row[header.index("配合单位")] for row in rows)


def test_overdue_by_unit_csv_and_tsv_name_the_lead_unit_in_chinese(cli: Cli) -> None:
    args = ["overdue", "--by-unit", "--as-of", "2024-07-01", "--lang", "zh-Hans"]
    groups = json.loads(cli(*args, "-f", "json").stdout)
    for fmt, read in (("csv", csv_rows), ("tsv", tsv_rows)):
        rows = read(cli(*args, "-f", fmt).stdout)
        assert rows[0][:2] == ["牵头单位（分组）", "编号"]
        assert [row[1] for row in rows[1:]] == [item["id"] for group in groups for item in group["items"]]
        assert all("縣" not in row[0] for row in rows[1:])  # the unit's name shown simplified


def test_a_terminal_gets_the_rich_table(cli: Cli) -> None:
    outcome = cli("overdue", "--as-of", "2024-07-01", "--lang", "en", env=TERMINAL)
    assert outcome.exit_code == 0, outcome.stderr
    assert "Overdue: " in outcome.stdout and "Days overdue" in outcome.stdout
    assert "Data: " in outcome.stdout  # the table's caption
    assert "\t" not in outcome.stdout


def test_format_flags_beat_the_automatic_choice(cli: Cli) -> None:
    args = ["overdue", "--as-of", "2024-07-01", "--lang", "en"]
    table = cli(*args, "-f", "table", env=PIPED).stdout
    assert "Days overdue" in table and "\t" not in table
    tsv = cli(*args, "-f", "tsv", env=TERMINAL).stdout
    assert tsv_rows(tsv)[0][:3] == ["id", "kind", "section"]
    assert tsv_rows(tsv) == tsv_rows(cli(*args, env=PIPED).stdout)


def test_parktrack_format_sets_the_default(cli: Cli) -> None:
    args = ["overdue", "--as-of", "2024-07-01", "--lang", "en"]
    as_json = cli(*args, env={"PARKTRACK_FORMAT": "json", "TTY_COMPATIBLE": "1"})
    ids = [record["id"] for record in json.loads(as_json.stdout)]
    assert ids
    as_tsv = cli(*args, env={"PARKTRACK_FORMAT": "TSV", "TTY_COMPATIBLE": "1"})
    assert [row[0] for row in tsv_rows(as_tsv.stdout)[1:]] == ids
    flag = cli(*args, "-f", "csv", env={"PARKTRACK_FORMAT": "json"})
    assert [row[0] for row in csv_rows(flag.stdout)[1:]] == ids  # -f beats the variable
    table = cli(*args, env={"PARKTRACK_FORMAT": "table"})
    assert "Days overdue" in table.stdout
    blank = cli(*args, env={"PARKTRACK_FORMAT": ""})  # set but empty: as if unset
    assert tsv_rows(blank.stdout) == tsv_rows(as_tsv.stdout)


def test_an_unknown_parktrack_format_is_a_usage_error(cli: Cli) -> None:
    outcome = cli("list", "--as-of", DAY, "--lang", "en", env={"PARKTRACK_FORMAT": "xml"})
    assert outcome.exit_code == 2
    assert outcome.stderr.strip() == ("error: PARKTRACK_FORMAT: unknown format 'xml'; use one of table, tsv, json, csv")
    assert outcome.stdout == ""


def test_a_file_without_a_format_is_a_plain_table(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "overdue.txt"
    outcome = cli("overdue", "--as-of", "2024-07-01", "--lang", "en", "-o", str(target), env=PIPED)
    assert outcome.exit_code == 0, outcome.stderr
    text = target.read_text(encoding="utf-8")
    assert text.startswith("Overdue: ") and "Days overdue" in text and "\t" not in text


def test_a_tsv_file_starts_with_a_bom_for_excel(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "逾期.tsv"
    args = ["overdue", "--as-of", "2024-07-01", "--lang", "zh-Hans"]
    assert cli(*args, "-f", "tsv", "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert raw.decode("utf-8-sig") == cli(*args, "-f", "tsv").stdout


def fields(text: str) -> dict[str, str]:
    rows = tsv_rows(text)
    assert all(len(row) == 2 for row in rows), rows
    return dict(rows)


def piped_fields(cli: Cli, *args: str) -> tuple[dict[str, str], str]:
    """One record piped, as label->value, checked against its CSV row in the CSV's order; and the piped text."""
    piped = cli(*args, env=PIPED)
    assert piped.exit_code == 0, piped.stderr
    header, row = csv_rows(cli(*args, "-f", "csv").stdout)
    found = fields(piped.stdout)
    assert found == dict(zip(header, row, strict=True))
    assert list(found) == header
    return found, piped.stdout


def test_show_piped_is_label_tab_value_lines(cli: Cli) -> None:
    args = ["show", "T07", "--as-of", DAY, "--lang", "zh-Hans"]
    found, piped = piped_fields(cli, *args)
    assert found["编号"] == "T07" and found["状态"] == "未启动"
    assert cli(*args, "-f", "tsv").stdout == piped


def test_one_indicator_piped_is_label_tab_value_lines(cli: Cli) -> None:
    found, _piped = piped_fields(cli, "indicators", "gross-output", "--as-of", DAY, "--lang", "zh-Hans")
    assert found["指标"] == "规上工业总产值"


def test_tabs_and_line_breaks_in_the_ledger_text_stay_inside_one_line(cli: Cli, repo: Path) -> None:
    note = "第一行\n第二行\t制表\r\n第三行"
    data = str(repo / "data")
    written = cli("note", "T07", note, "--date", "2024-05-10", "--data", data, "--lang", "en")
    assert written.exit_code == 0, written.stderr
    history = cli("history", "T07", "--data", data, "--lang", "en", env=PIPED)
    assert history.exit_code == 0, history.stderr
    rows = tsv_rows(history.stdout)
    assert len(history.stdout.splitlines()) == len(rows) == 2
    assert rows[1][rows[0].index("note")] == "第一行 第二行 制表  第三行"
    shown = fields(cli("show", "T07", "--as-of", DAY, "--data", data, "--lang", "en", env=PIPED).stdout)
    assert shown["history"].startswith("2024-05-10 ") and shown["history"].endswith("第一行 第二行 制表  第三行")
    as_json = json.loads(cli("show", "T07", "--data", data, "-f", "json").stdout)
    assert as_json["history"][-1]["note"] == note  # JSON keeps the text whole


CHECK_IMPORTS = """
import json
import sys
from parktrack.cli import main

for args in ({commands}):
    try:
        main(args)
    except SystemExit as exit_:
        assert exit_.code in (0, None), (args, exit_.code)
rich = sorted(name for name in sys.modules if name == "rich" or name.startswith("rich."))
print("RICH " + json.dumps(rich), file=sys.stderr)
"""


def imported_rich(env_extra: dict[str, str]) -> list[str]:
    commands = [
        ["overdue", "--as-of", DAY],
        ["list", "--as-of", DAY],
        ["show", "T07", "--as-of", DAY],
        ["units", "--as-of", DAY],
        ["leaders", "--as-of", DAY],
        ["indicators", "--as-of", DAY],
        ["indicators", "gross-output", "--as-of", DAY],
        ["due", "--as-of", DAY],
        ["list", "--as-of", DAY, "-f", "json"],  # JSON is for programs: no Rich either
        ["show", "T07", "--as-of", DAY, "-f", "json"],
        ["overdue", "--by-unit", "--as-of", DAY, "-f", "json"],
    ]
    env = cli_env(**env_extra)
    env.pop("PARKTRACK_FORMAT")
    script = CHECK_IMPORTS.format(commands=", ".join(repr(command) for command in commands))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") > 50  # the commands wrote their rows into the pipe
    line = next(line for line in result.stderr.splitlines() if line.startswith("RICH "))
    return list(json.loads(line.removeprefix("RICH ")))


def test_piped_read_commands_never_import_rich() -> None:
    assert imported_rich({}) == []
    assert "rich.table" in imported_rich({"TTY_COMPATIBLE": "1"})  # the check can see Rich when it is used


@pytest.mark.parametrize("view", [["list"], ["overdue"], ["units"], ["show", "T07"]], ids=" ".join)
def test_json_lists_hold_one_record_a_line_and_parse(cli: Cli, view: list[str]) -> None:
    """A list is written one record a line (the C encoder's speed, grep-able); one record is indented."""
    outcome = cli(*view, "--as-of", DAY, "--format", "json", env=PIPED)
    assert outcome.exit_code == 0, outcome.stderr
    parsed = json.loads(outcome.stdout)
    lines = outcome.stdout.rstrip("\n").splitlines()
    if isinstance(parsed, list):
        assert len(parsed) > 1 and lines[0] == "[" and lines[-1] == "]"
        assert [json.loads(line.strip().removesuffix(",")) for line in lines[1:-1]] == parsed
    else:
        assert parsed["id"] == "T07" and lines[0] == "{" and lines[1].startswith('  "id": "T07"')
