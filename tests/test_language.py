"""Issue 9: the interface speaks zh-Hans, zh-Hant or en; names as people type them; output that fits."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from rich.cells import cell_len

from conftest import REPO, Cli
from parktrack.cli import app

LANGS = ("zh-Hans", "zh-Hant", "en")
DAY = "2024-07-01"
# Characters that exist only in one script: an interface in zh-Hans shows none of the traditional
# ones (the ledger's text too goes through OpenCC), one in zh-Hant none of our simplified words.
TRADITIONAL_ONLY = "縣單項領產區檔華狀態燈"
SIMPLIFIED_WORDS = ("项", "状态", "单位", "数据", "灯")


def _no_config(tmp_path: Path, **env: str | None) -> dict[str, str | None]:
    """An environment in which no user config file and no locale says anything, plus `env`."""
    base: dict[str, str | None] = {
        "PARKTRACK_LANG": None,
        "PARKTRACK_CONFIG": str(tmp_path / "absent" / "config.toml"),
        "LC_ALL": None,
        "LC_MESSAGES": None,
        "LANG": None,
    }
    return {**base, **env}


# --- each command in each language ------------------------------------------------------

READS: list[tuple[str, ...]] = [
    ("list", "--as-of", DAY),
    ("show", "T07", "--as-of", DAY),
    ("overdue", "--as-of", DAY),
    ("overdue", "--as-of", DAY, "--by-unit"),
    ("due", "--as-of", "2024-06-01"),
    ("units", "--as-of", DAY),
    ("units", "財政", "--as-of", DAY),
    ("leaders", "--as-of", DAY),
    ("leaders", "鄧開榮", "--as-of", DAY),
    ("indicators", "--as-of", DAY),
    ("indicators", "gross-output", "--as-of", DAY),
]
AS_OF = {"zh-Hans": "截至", "zh-Hant": "截至", "en": "as of"}


def _speaks(lang: str, text: str) -> None:
    if lang == "zh-Hans":
        assert not set(TRADITIONAL_ONLY) & set(text), text
        assert "Items" not in text and "Light" not in text and "Data:" not in text
    elif lang == "zh-Hant":
        assert not [word for word in SIMPLIFIED_WORDS if word in text], text
        assert "Data:" not in text
    else:
        assert not re.search(r"[数据项状态灯截]", text), text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a[:2]))
def test_every_view_speaks_the_language(cli: Cli, lang: str, args: tuple[str, ...]) -> None:
    result = cli(*args, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    assert AS_OF[lang] in result.stdout
    _speaks(lang, result.stdout)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh-Hans", ("数据：内置方案（只读）", "红灯", "具体工作举措", "牵头单位", "县委组织部")),
        ("zh-Hant", ("數據：內置方案（只讀）", "紅燈", "具體工作舉措", "牽頭單位", "縣委組織部")),
        ("en", ("Data: the bundled plan (read-only)", "red", "Task", "Lead units", "縣委組織部")),
    ],
)
def test_labels_statuses_lights_and_ledger_text(cli: Cli, tmp_path: Path, lang: str, words: tuple[str, ...]) -> None:
    out = cli("list", "--as-of", DAY, "--lang", lang, env={"COLUMNS": "200"}, cwd=tmp_path).stdout
    for word in words:
        assert word in out, word


@pytest.mark.parametrize("lang", LANGS)
def test_validate_and_history_speak(cli: Cli, repo: Path, lang: str) -> None:
    validated = cli("validate", "--lang", lang)
    assert validated.exit_code == 0
    assert {"zh-Hans": "通过", "zh-Hant": "通過", "en": ": ok, "}[lang] in validated.stdout
    cli("update", "T07", "--status", "done", "--date", "2024-05-01", cwd=repo)
    history = cli("history", "--lang", lang, cwd=repo)
    assert history.exit_code == 0
    assert {"zh-Hans": "未启动 → 已完成", "zh-Hant": "未啟動 → 已完成", "en": "not started → done"}[
        lang
    ] in history.stdout


@pytest.mark.parametrize(
    ("lang", "changed", "noted", "committed"),
    [
        ("zh-Hans", "T07: 未启动 → 推进中", "已添加进展情况", "已提交"),
        ("zh-Hant", "T07: 未啟動 → 推進中", "已添加進展情況", "已提交"),
        ("en", "T07: not started → in progress", "note added", "committed"),
    ],
)
def test_writes_speak(cli: Cli, repo: Path, lang: str, changed: str, noted: str, committed: str) -> None:
    update = cli("update", "t7", "--status", "進行中", "--date", "2024-05-01", "--lang", lang, cwd=repo)
    assert update.exit_code == 0, update.stderr
    assert changed in update.stdout and committed in update.stdout
    note = cli("note", "T07", "已對接", "--date", "2024-05-02", "--lang", lang, cwd=repo)
    assert noted in note.stdout
    record = cli("record", "规上工业总产值", "19.9", "--period", "2024Q2", "--lang", lang, cwd=repo)
    assert record.exit_code == 0, record.stderr
    shown = json.loads(cli("indicators", "gross-output", "--format", "json", cwd=repo).stdout)
    assert [actual["value"] for actual in shown["actuals"]] == [19.9]


@pytest.mark.parametrize("args", [("list", "--as-of", DAY), ("units", "--as-of", DAY), ("indicators", "--as-of", DAY)])
def test_json_is_the_same_in_every_language(cli: Cli, args: tuple[str, ...]) -> None:
    outputs = {lang: cli(*args, "--format", "json", "--lang", lang).stdout for lang in LANGS}
    assert outputs["zh-Hans"] == outputs["zh-Hant"] == outputs["en"]
    rows = json.loads(outputs["zh-Hans"])
    assert rows and all(row.get("light") in (None, "red", "yellow", "green", "late", "waiting") for row in rows)


@pytest.mark.parametrize("lang", LANGS)
def test_exit_codes_are_the_same(cli: Cli, lang: str) -> None:
    assert cli("overdue", "--as-of", DAY, "--fail-if-any", "--lang", lang).exit_code == 3
    assert cli("show", "T99", "--lang", lang).exit_code == 2
    assert cli("list", "--colour", "--lang", lang).exit_code == 2


# --- CSV --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "header", "light", "status"),
    [("zh-Hans", "编号", "红灯", "状态"), ("zh-Hant", "編號", "紅燈", "狀態"), ("en", "id", "red", "status")],
)
def test_csv_follows_the_language(cli: Cli, lang: str, header: str, light: str, status: str) -> None:
    out = cli("overdue", "--as-of", DAY, "--format", "csv", "--lang", lang).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    ids = [row["id"] for row in json.loads(cli("overdue", "--as-of", DAY, "--format", "json").stdout)]
    assert [row[header] for row in rows] == ids
    assert status in rows[0]
    light_header = {"zh-Hans": "灯", "zh-Hant": "燈", "en": "light"}[lang]
    assert {row[light_header] for row in rows} == {light}


def test_csv_to_a_file_starts_with_a_bom(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "逾期.csv"
    result = cli("overdue", "--as-of", DAY, "--format", "csv", "-o", str(target), "--lang", "zh-Hans")
    assert result.exit_code == 0 and result.stdout == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    printed = cli("overdue", "--as-of", DAY, "--format", "csv", "--lang", "zh-Hans").stdout
    assert raw.decode("utf-8-sig") == printed
    assert [p.name for p in tmp_path.iterdir()] == ["逾期.csv"]  # no temporary file left behind


def test_table_to_a_file_is_whole(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "list.txt"
    assert cli("list", "--as-of", DAY, "-o", str(target), "--lang", "en", env={"COLUMNS": "40"}).exit_code == 0
    text = target.read_text(encoding="utf-8")
    rows = json.loads(cli("list", "--as-of", DAY, "--format", "json").stdout)
    assert all(row["text"] in text for row in rows) and "…" not in text


# --- user config and locale ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh-Hans"),
        ({"LANG": "zh_SG.UTF-8"}, "zh-Hans"),
        ({"LANG": "zh_TW.UTF-8"}, "zh-Hant"),
        ({"LANG": "zh_HK.Big5"}, "zh-Hant"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_TW.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "zh-Hant"),
        ({"LANG": "C.UTF-8"}, "zh-Hans"),  # C says nothing: the default
        ({"LANG": "fr_FR.UTF-8"}, "zh-Hans"),
        ({}, "zh-Hans"),
    ],
)
def test_the_locale_chooses(cli: Cli, tmp_path: Path, env: dict[str, str], expected: str) -> None:
    out = cli("overdue", "--as-of", DAY, env=_no_config(tmp_path, **env)).stdout
    assert out.startswith({"zh-Hans": "逾期：12 项", "zh-Hant": "逾期：12 項", "en": "Overdue: 12 items"}[expected])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Chinese (Simplified)_China.936", "zh-Hans"),
        ("Chinese (Simplified)_Singapore.936", "zh-Hans"),
        ("Chinese (Traditional)_Taiwan.950", "zh-Hant"),
        ("Chinese_Taiwan.950", "zh-Hant"),
        ("Chinese (Traditional)_Hong Kong SAR.950", "zh-Hant"),
        ("Chinese_China.936", "zh-Hans"),
        ("English_United States.1252", "en"),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("French_France.1252", None),
        ("C", None),
    ],
)
def test_windows_and_bcp47_locale_names(name: str, expected: str | None) -> None:
    from parktrack.i18n import parse_language

    assert parse_language(name) == expected


def test_config_lang_sets_the_language(cli: Cli, tmp_path: Path) -> None:
    env = _no_config(tmp_path, PARKTRACK_CONFIG=None, XDG_CONFIG_HOME=str(tmp_path / "xdg"), LANG="en_US.UTF-8")
    assert cli("overdue", "--as-of", DAY, env=env).stdout.startswith("Overdue")  # the locale, before any config
    result = cli("config", "lang", "zh-hant", env=env)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "xdg" / "parktrack" / "config.toml"
    assert path.read_text(encoding="utf-8") == 'lang = "zh-Hant"\n'
    assert cli("overdue", "--as-of", DAY, env=env).stdout.startswith("逾期：12 項")  # config beats the locale
    beaten = cli("overdue", "--as-of", DAY, env={**env, "PARKTRACK_LANG": "en"})
    assert beaten.stdout.startswith("Overdue")  # PARKTRACK_LANG beats the config
    assert cli("overdue", "--as-of", DAY, "--lang", "zh-Hans", env={**env, "PARKTRACK_LANG": "en"}).stdout.startswith(
        "逾期：12 项"
    )  # --lang beats everything
    assert cli("config", "lang", env=env).stdout == "zh-Hant\n"
    assert cli("config", "lang", "en", env=env).exit_code == 0
    assert path.read_text(encoding="utf-8") == 'lang = "en"\n'


def test_a_broken_config_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('lang = "zh-Hans\n', encoding="utf-8")
    result = cli("list", "--lang", "en", env=_no_config(tmp_path, PARKTRACK_CONFIG=str(path)))
    assert result.exit_code == 0  # --lang: the config file is not even read
    result = cli("list", env=_no_config(tmp_path, PARKTRACK_CONFIG=str(path), LANG="en_US.UTF-8"))
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {path}: ") and "line 1" in result.stderr
    path.write_text('lang = "klingon"\n', encoding="utf-8")
    result = cli("list", env=_no_config(tmp_path, PARKTRACK_CONFIG=str(path)))
    assert result.exit_code == 2 and "klingon" in result.stderr and "Traceback" not in result.stderr
    assert cli("config", "colour", "red", env=_no_config(tmp_path)).exit_code == 2
    mended = cli("config", "lang", "zh-Hant", env=_no_config(tmp_path, PARKTRACK_CONFIG=str(path)))
    assert mended.exit_code == 0, mended.stderr  # the config command mends a broken file
    assert path.read_text(encoding="utf-8") == 'lang = "zh-Hant"\n'
    assert cli("list", env=_no_config(tmp_path, PARKTRACK_CONFIG=str(path))).exit_code == 0


def test_bad_language_is_a_usage_error(cli: Cli) -> None:
    result = cli("list", "--lang", "fr")
    assert result.exit_code == 2 and "zh-Hans, zh-Hant, en" in result.stderr


def test_choosing_the_language_stays_cheap() -> None:
    """--lang or PARKTRACK_LANG needs neither platformdirs nor tomllib; no config file needs no tomllib."""
    code = (
        "import sys, os\n"
        "from parktrack.config import choose_language\n"
        "choose_language('en', {})\n"
        "print('platformdirs' in sys.modules, 'tomllib' in sys.modules)\n"
        "choose_language(None, {'PARKTRACK_CONFIG': os.devnull + '.absent'})\n"
        "print('tomllib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


# --- names as people type them -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("發改局", "縣發展改革局"),
        ("发改", "縣發展改革局"),
        ("住建", "縣住房和城鄉建設局"),
        ("人社局", "縣人力資源和社會保障局"),
        ("工信局", "縣工信商務科技局"),
        ("县财政局", "縣財政局"),
    ],
)
def test_units_by_abbreviation(cli: Cli, typed: str, unit: str) -> None:
    result = cli("units", typed, "--as-of", DAY, "--lang", "zh-Hant")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{unit}：")


def test_ambiguous_and_misspelt_units(cli: Cli) -> None:
    ambiguous = cli("list", "--unit", "武定", "--lang", "zh-Hans")
    assert ambiguous.exit_code == 2
    assert (
        "不唯一" in ambiguous.stderr
        and "楚雄武定供电局" in ambiguous.stderr
        and "云南武定产业园区管委会" in ambiguous.stderr
    )
    typo = cli("list", "--unit", "县财正局", "--lang", "zh-Hans")
    assert typo.exit_code == 2 and "您是不是要找 县财政局" in typo.stderr
    typo_hant = cli("list", "--unit", "县财正局", "--lang", "zh-Hant")
    assert "縣財政局" in typo_hant.stderr
    typo_en = cli("list", "--unit", "县财正局", "--lang", "en")
    assert typo_en.stderr.startswith("error: unknown unit '县财正局' (did you mean 縣財政局?)")


@pytest.mark.parametrize(("typed", "canonical"), [("T7", "T07"), ("t07", "T07"), ("t 7", "T07"), ("m3.1", "M03.1")])
def test_forgiving_item_ids(cli: Cli, typed: str, canonical: str) -> None:
    result = cli("show", typed, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == canonical


@pytest.mark.parametrize(
    ("typed", "indicator"),
    [
        ("gross-output", "gross-output"),
        ("規上工業總產值", "gross-output"),
        ("规上工业总产值", "gross-output"),
        ("總產值增長", "gross-output-growth"),
        ("增加值增速", "value-added-growth"),
    ],
)
def test_indicators_by_chinese_name(cli: Cli, typed: str, indicator: str) -> None:
    result = cli("indicators", typed, "--format", "json", "--as-of", DAY)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == indicator


def test_an_ambiguous_indicator_lists_candidates(cli: Cli) -> None:
    result = cli("indicators", "总产值", "--lang", "zh-Hans")
    assert result.exit_code == 2 and "规上工业总产值、规上工业总产值增长" in result.stderr


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("完成", "done"),
        ("已完成", "done"),
        ("Done", "done"),
        ("進行中", "in_progress"),
        ("进行中", "in_progress"),
        ("推進中", "in_progress"),
        ("in progress", "in_progress"),
        ("未開始", "not_started"),
        ("未启动", "not_started"),
        ("常態化推進", "ongoing"),
    ],
)
def test_status_words(cli: Cli, typed: str, status: str) -> None:
    by_word = cli("list", "--status", typed, "--as-of", DAY, "--format", "json")
    by_code = cli("list", "--status", status, "--as-of", DAY, "--format", "json")
    assert by_word.exit_code == 0, by_word.stderr
    assert by_word.stdout == by_code.stdout


@pytest.mark.parametrize(
    ("lang", "listed"),
    [
        ("zh-Hans", "未启动、推进中、已完成、受阻、常态化推进"),
        ("zh-Hant", "未啟動、推進中、已完成、受阻、常態化推進"),
        ("en", "not_started, in_progress, done, blocked, ongoing"),
    ],
)
def test_unknown_status_lists_the_accepted_ones(cli: Cli, repo: Path, lang: str, listed: str) -> None:
    result = cli("update", "T07", "--status", "搞定", "--lang", lang, cwd=repo)
    assert result.exit_code == 2 and listed in result.stderr


# --- output that fits -----------------------------------------------------------------------


def _ids_in(table: str) -> list[str]:
    return re.findall(r"^\s+([TM]\d\d(?:\.\d+)?)\s", table, flags=re.MULTILINE)


@pytest.mark.parametrize("width", [40, 60, 80, 200])
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_overdue_fits_and_keeps_id_unit_and_days(cli: Cli, width: int, lang: str) -> None:
    out = cli("overdue", "--as-of", DAY, "--lang", lang, env={"COLUMNS": str(width)}).stdout
    assert max(cell_len(line) for line in out.splitlines()) <= width
    rows = json.loads(cli("overdue", "--as-of", DAY, "--format", "json").stdout)
    assert _ids_in(out) == [row["id"] for row in rows]
    unit_header, days_header = {"zh-Hans": ("牵头单位", "逾期天数"), "en": ("Lead units", "Days overdue")}[lang]
    assert unit_header in out and days_header in out
    for row in rows:  # the row shows its days overdue
        line = next(line for line in out.splitlines() if line.strip().startswith(row["id"] + " "))
        assert re.search(rf"\s{row['days_overdue']}(\s|$)", line), line
    assert "…" not in out  # not a terminal: wrapped or dropped, never cut


@pytest.mark.parametrize("width", [40, 60, 80, 200])
def test_list_fits_and_keeps_id_unit_and_light(cli: Cli, width: int) -> None:
    out = cli("list", "--as-of", DAY, "--lang", "zh-Hans", env={"COLUMNS": str(width)}).stdout
    assert max(cell_len(line) for line in out.splitlines()) <= width
    rows = json.loads(cli("list", "--as-of", DAY, "--format", "json").stdout)
    assert _ids_in(out) == [row["id"] for row in rows]
    words = {"red": "红灯", "yellow": "黄灯", "green": "绿灯", "late": "逾期完成", "waiting": "等待条件"}
    for row in rows:
        line = next(line for line in out.splitlines() if line.strip().startswith(row["id"] + " "))
        assert words[row["light"]] in line
    assert "牵头单位" in out
    if width >= 80:
        assert "具体工作举措" in out  # the text column is there, wrapped, from 80 columns up


@pytest.mark.parametrize("width", [40, 60, 80, 200])
def test_indicator_ids_never_break_inside_a_word(cli: Cli, width: int) -> None:
    out = cli("indicators", "--as-of", DAY, "--lang", "en", env={"COLUMNS": str(width)}).stdout
    assert max(cell_len(line) for line in out.splitlines()) <= width
    ids = [row["id"] for row in json.loads(cli("indicators", "--as-of", DAY, "--format", "json").stdout)]
    body = out.split("─" * 10, 1)[1].split("\n\n")[0]
    firsts = [line.split()[0] if line.strip() else "" for line in body.splitlines()[1:]]
    found, pending = [], ""
    for token in firsts:
        if not token:
            continue
        if pending or re.fullmatch(r"[a-z0-9-]+-", token) or token in ids:
            pending += token
            if not pending.endswith("-"):
                found.append(pending)
                pending = ""
    assert found == ids


def test_piped_output_is_never_cut(cli: Cli) -> None:
    out = cli("list", "--as-of", DAY, "--lang", "en", env={"COLUMNS": None}).stdout  # type: ignore[dict-item]
    rows = json.loads(cli("list", "--as-of", DAY, "--format", "json").stdout)
    lines = out.splitlines()
    for row in rows:  # each item on one line, with its whole text
        assert any(row["id"] in line and row["text"] in line for line in lines), row["id"]
    assert "…" not in out and not any(line != line.rstrip() for line in lines)


def test_a_terminal_cuts_the_text_but_keeps_the_rest() -> None:
    """On a terminal the text column is cut with … to fit; at 40 it is dropped; id, unit, light stay."""
    from datetime import date

    from rich.console import Console

    from parktrack import ledger, query, store, tables
    from parktrack.i18n import set_language

    set_language("en")
    loaded = ledger.load(store.find_data_dir(None))
    rows = query.select(loaded, date(2024, 7, 1), query.Filters(), 15)
    for width in (40, 60, 80):
        console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
        console.print(tables.list_table(loaded, rows, "Items", tables.Screen(width, terminal=True)))
        out = console.export_text()
        assert max(cell_len(line) for line in out.splitlines()) <= width
        assert _ids_in(out) == [row.task.id for row in rows]
        assert "Lead units" in out and "Light" in out
        assert ("…" in out) == (width > 40) and ("Task" in out) == (width > 40)


def test_captions_say_where_the_data_came_from_and_explain_markers(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    bundled = cli("list", "--as-of", DAY, "--lang", "en", cwd=tmp_path).stdout
    assert "Data: the bundled plan (read-only)" in bundled
    assert "* implied deadline" in bundled and "+ continues after the deadline" in bundled
    assert re.search(r"2024-12-31\*", bundled) and re.search(r"\d \+", bundled)
    copied = cli("list", "--as-of", DAY, "--kind", "key", "--lang", "zh-Hans", "--data", str(data_copy)).stdout
    assert f"数据：{data_copy}" in copied
    assert "* 推定时限" not in copied  # key tasks all have written deadlines: no marker, no legend line
    assert "+ 时限后持续推进" in copied


def test_every_marker_is_in_the_readme() -> None:
    from parktrack.i18n import set_language
    from parktrack.tables import MARKERS

    set_language("en")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for explanation in MARKERS.values():
        assert f"`{explanation[0]}`" in readme and explanation[2:] in readme


# --- help and messages for people -------------------------------------------------------------------


@pytest.mark.parametrize("width", ["60", "80", "120"])
def test_help_in_full_without_placeholders(cli: Cli, width: str) -> None:
    out = cli("list", "-h", "--lang", "zh-Hans", env={"COLUMNS": width}).stdout
    assert "<bool>" not in out and "…" not in out
    flat = re.sub(r"[\s│╭╮╰╯─]", "", out)
    assert "用法：" in flat and "选项" in flat and "显示本帮助并退出。" in flat
    assert "未启动、推进中、已完成、受阻或常态化推进" in flat
    update = cli("update", "-h", "--lang", "en", env={"COLUMNS": width}).stdout
    assert "<list[str]>" not in update and "<bool>" not in update and "Usage:" in update


@pytest.mark.parametrize(
    ("args", "english", "chinese"),
    [
        (
            ("list", "--section", "x"),
            "Invalid value for --section: give a whole number.",
            "--section 的值无效：请给出整数",
        ),
        (("list", "--kind", "foo"), "Invalid value for --kind: use one of key, measure, assigned.", "--kind 的值无效"),
        (("list", "--colour"), "No such option: --colour", "没有这个选项：--colour"),
        (("show",), "Missing argument ID.", "缺少参数 ID"),
    ],
)
def test_usage_errors_read_as_sentences(cli: Cli, args: tuple[str, ...], english: str, chinese: str) -> None:
    en = cli(*args, "--lang", "en")
    assert en.exit_code == 2 and f"error: {english}" in en.stderr and "Value error" not in en.stderr
    zh = cli(*args, "--lang", "zh-Hans")
    assert zh.exit_code == 2 and chinese in zh.stderr and "错误：" in zh.stderr and "用法：" in zh.stderr


def _command_name(info: typer.models.CommandInfo) -> str:
    return info.name or (info.callback.__name__ if info.callback else "")


COMMANDS = [_command_name(info) for info in app.registered_commands]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_in_every_language(cli: Cli, lang: str, command: str) -> None:
    from parktrack.i18n import _, set_language

    info = next(info for info in app.registered_commands if _command_name(info) == command)
    set_language(lang)  # type: ignore[arg-type]
    summary = _(" ".join((info.callback.__doc__ or "").split()))  # type: ignore[union-attr]
    result = cli(command, "-h", "--lang", lang, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    flat = re.sub(r"[\s│╭╮╰╯─]", "", result.stdout)
    assert {"zh-Hans": "用法：", "zh-Hant": "用法：", "en": "Usage:"}[lang] in flat
    assert re.sub(r"\s", "", summary) in flat
    assert "<bool>" not in flat and "<list[" not in flat and "…" not in flat


# --- the catalogs ---------------------------------------------------------------------------------


def test_every_message_is_translated_and_the_catalogs_are_current() -> None:
    """tools/catalogs.py --check: every msgid of the code and the help tree has a simplified and a
    traditional translation, and the .po/.mo files are what the tool would write now."""
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "catalogs.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    from babel.messages.pofile import read_po

    for name in ("zh_Hans", "zh_Hant"):
        path = REPO / "src" / "parktrack" / "locale" / name / "LC_MESSAGES" / "parktrack.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=name)
        strings = [m.string for m in catalog if m.id]
        assert len(strings) > 250 and all(s if isinstance(s, str) else all(s) for s in strings)
    hant = (REPO / "src/parktrack/locale/zh_Hant/LC_MESSAGES/parktrack.po").read_text(encoding="utf-8")
    assert 'msgstr "紅燈"' in hant and 'msgstr "未啟動"' in hant


# ASCII punctuation in a Chinese sentence: beside a Chinese character, or after a placeholder that the
# sentence runs on from (截至{day},贵单位); YAML a user types (withdrawn: true) stays ASCII
_HALF_WIDTH_IN_CHINESE = re.compile(r"[\u3400-\u9fff（）：；，][,:;?!()]|[,:;?!()][\u3400-\u9fff]|\}[,:;]")


def test_chinese_messages_use_chinese_punctuation() -> None:
    """A 催辦 notice read `截至2024年7月1日,贵单位…推进:` with half-width punctuation, a third of the
    messages so; formal Chinese writes ，：；（）."""
    from babel.messages.pofile import read_po

    for name in ("zh_Hans", "zh_Hant"):
        with (REPO / "src" / "parktrack" / "locale" / name / "LC_MESSAGES" / "parktrack.po").open("rb") as handle:
            catalog = read_po(handle, locale=name)
        texts = [text for message in catalog if message.id for text in _strings(message.string)]
        chinese = [text for text in texts if re.search(r"[\u3400-\u9fff]", text)]
        assert len(chinese) > 250
        assert [text for text in chinese if _HALF_WIDTH_IN_CHINESE.search(text)] == []


def _strings(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else string
