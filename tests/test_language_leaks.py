"""Places where the interface stopped speaking the user's language: the report's prose dates and its
counted headings, PyYAML's own English inside a Chinese syntax error, history's milestone figure, and
the transcriber's English notes inside the ledger's indicator sources."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import docx
import pytest

from conftest import Cli, git

ZH = ("--lang", "zh-Hans")
ZH_HANT = ("--lang", "zh-Hant")
EN = ("--lang", "en")
AS_OF = ("--as-of", "2024-06-30")


def test_the_report_says_its_dates_and_counts_as_the_language_does(cli: Cli, tmp_path: Path) -> None:
    """The header said 截至：2024年6月30日 and, two lines on, 2024-04-01至2024-06-30期间生效的变化; the chart
    of overdue units read 2024-06-30逾期事项数; headings counted in half-width brackets, 新逾期事项 (8),
    beside 逾期事项（按牵头单位，共8项）; the document's title was 园区发展情况调度会议材料: 武定县…; the
    DOCX's charts were named "Picture 1", "Picture 2" with no description.
    A date in prose is written one way in a language, as the header writes it."""
    html = tmp_path / "调度会议.html"
    assert cli("report", "-o", str(html), *AS_OF, *ZH).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "2024年4月1日至2024年6月30日期间生效的变化" in page
    assert "2024-04-01至" not in page and "2024-06-30逾期" not in page
    assert "2024年6月30日逾期事项数" in page  # the chart's axis, as the SVG keeps its text
    assert "新逾期事项（8）" in page and not re.search(r"[\u4e00-\u9fff] \(\d+\)", page)
    title = re.search(r"<title>(.*)</title>", page)
    assert title is not None and title[1] == "园区发展情况调度会议材料：武定县2024年园区经济攻坚年行动方案"

    word = tmp_path / "調度會議.docx"
    assert cli("report", "-o", str(word), *AS_OF, *ZH_HANT).exit_code == 0
    document = docx.Document(str(word))
    assert document.core_properties.title == "園區發展情況調度會議材料：武定縣2024年園區經濟攻堅年行動方案"
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "2024年4月1日至2024年6月30日期間生效的變化（按生效日期）：共8項。" in texts, texts
    assert "新逾期事項（8）" in texts and "云南武定產業園區管委會（5）" in texts, texts
    # Word's selection pane and a screen reader name each chart: python-docx's "Picture 1" was all they had
    pictures = [shape._inline.docPr for shape in document.inline_shapes]
    assert [picture.get("descr") for picture in pictures] == [picture.get("name") for picture in pictures]
    assert "各牽頭單位逾期事項數" in [picture.get("descr") for picture in pictures], pictures

    markdown = tmp_path / "report.md"
    assert cli("report", "-o", str(markdown), *AS_OF, *EN).exit_code == 0
    text = markdown.read_text(encoding="utf-8")
    assert "from 1 April 2024 to 30 June 2024, by the date each took effect: 8." in text
    assert "### Items that fell overdue (8)" in text


def test_a_yaml_syntax_error_is_explained_in_the_language(cli: Cli, data_copy: Path) -> None:
    """PyYAML's English came through a Chinese message: `YAML 语法错误：did not find expected ',' or ']'`."""
    units = data_copy / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "\n  - [bad\n", encoding="utf-8")
    tasks = data_copy / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(text.replace("    number: 8\n", "    number: 8: 9\n", 1), encoding="utf-8")
    indicators = data_copy / "indicators.yaml"
    lines = indicators.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("    name: "))
    lines[at] = "      " + lines[at].lstrip()  # indented deeper than its neighbours: not a key of theirs
    lines.insert(at + 1, "   stray: 1")
    indicators.write_text("\n".join(lines), encoding="utf-8")

    chinese = cli("validate", "--data", str(data_copy), *ZH)
    assert chinese.exit_code == 1
    problems = [line for line in chinese.stderr.splitlines() if "YAML 语法错误" in line]
    assert len(problems) == 3, chinese.stderr
    for problem in problems:
        reason = problem.partition("YAML 语法错误：")[2]
        assert not re.search(r"[A-Za-z]{3,}", reason), problem  # no PyYAML words: `did`, `found`, `mapping`
    assert any("此处应有 ',' 或 ']'" in problem for problem in problems), problems
    english = cli("validate", "--data", str(data_copy), *EN).stderr
    assert "YAML syntax error: expected ',' or ']' here" in english, english


def test_a_field_outside_its_choices_lists_them_in_the_language(cli: Cli, data_copy: Path) -> None:
    """Pydantic's choices came with its English joint: `应为以下之一：'unit' or 'group'，实际为 'body'`."""
    units = data_copy / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("    kind: unit\n", "    kind: body\n", 1), "utf-8")
    chinese = cli("validate", "--data", str(data_copy), *ZH)
    assert chinese.exit_code == 1
    assert "kind: 应为以下之一：'unit' 或 'group'，实际为 'body'" in chinese.stderr, chinese.stderr
    english = cli("validate", "--data", str(data_copy), *EN)
    assert "kind: should be one of 'unit' or 'group', got 'body'" in english.stderr, english.stderr


def test_a_milestone_figure_in_history_reads_in_the_language(cli: Cli, repo: Path) -> None:
    """`history` in English showed a milestone's figure as `2024 figure: 是`; in Chinese the colon after
    录入数据 was a half-width one."""
    recorded = cli("record", "provincial-green-park", "是", "--period", "2024", "--date", "2024-06-20", *EN, cwd=repo)
    assert recorded.exit_code == 0, recorded.stderr
    english = cli("history", "provincial-green-park", "-f", "table", *EN, cwd=repo)
    assert "2024 figure: yes" in english.stdout and "是" not in english.stdout, english.stdout
    chinese = cli("history", "provincial-green-park", "-f", "table", *ZH, cwd=repo)
    assert "2024 录入数据：是" in chinese.stdout, chinese.stdout
    trail = json.loads(cli("history", "provincial-green-park", "-f", "json", *EN, cwd=repo).stdout)
    assert [row["to"] for row in trail] == ["是"]  # JSON is the same in every language


def test_a_hand_edit_of_an_indicator_names_its_fields_as_the_csv_heads_them(cli: Cli, repo: Path) -> None:
    """A hand edit of gross-output's related items read `编辑了 事项数` (the units view's count of items)
    in history, where the indicator's CSV heads that field 相关事项."""
    path = repo / "data" / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    items: [T19]\n", "    items: [T19, T20]\n", 1), encoding="utf-8")
    git(repo, "-c", "user.name=Office", "-c", "user.email=o@example.org", "commit", "-qam", "hand edit")
    shown = cli("history", "gross-output", "-f", "table", *ZH, cwd=repo).stdout
    assert "编辑了 相关事项" in shown and "事项数" not in shown, shown
    header = cli("indicators", "-f", "csv", *AS_OF, *ZH, cwd=repo).stdout.lstrip("\ufeff").splitlines()[0]
    assert "相关事项" in header.split(","), header


def test_indicator_sources_are_the_ledger_s_words_only(cli: Cli) -> None:
    """Six indicators' sources ended in a transcriber's English note, which zh-Hans showed as the ledger's
    text: 出处 一、攻坚目标:在省级考核位次提升5个位次左右 (措施15 strives for it; see rank-gain-striven)."""
    indicators = json.loads(cli("indicators", "-f", "json", *AS_OF, *EN).stdout)
    ids = {indicator["id"] for indicator in indicators}
    for indicator in indicators:
        words = re.findall(r"[A-Za-z][A-Za-z-]*", indicator["source"])
        assert set(words) <= ids, (indicator["id"], indicator["source"])
    shown = cli("indicators", "rank-gain", "-f", "tsv", *AS_OF, *ZH).stdout
    assert "出处\t一、攻坚目标:在省级考核位次提升5个位次左右 (措施15力争达到;见 rank-gain-striven)" in shown, shown


def test_help_names_its_placeholders_in_the_language(cli: Cli) -> None:
    """Chinese help translated 用法 but kept Click's `[OPTIONS] COMMAND [ARGS]...` after it and Typer's
    `<str>`, `<path>`, `<int range>` beside every option taking a value; a usage error printed the same."""
    for lang, options, command, text in (
        ("zh-Hans", "[选项]", "命令 [参数]...", "<文本>"),
        ("zh-Hant", "[選項]", "命令 [參數]...", "<文本>"),
    ):
        top = cli("--help", "--lang", lang, env={"COLUMNS": "120"}).stdout
        assert f"parktrack {options} {command}" in top, top
        for name in ("list", "report", "due", "sheets"):
            page = cli(name, "-h", "--lang", lang, env={"COLUMNS": "120"}).stdout
            assert f"parktrack {name} {options}" in page and text in page, page
            assert not re.findall(r"<[a-z][a-z ]*>|OPTIONS|COMMAND", page), (name, re.findall(r"<[a-z][a-z ]*>", page))
        error = cli("show", "--lang", lang).stderr
        assert f"parktrack show {options} {{ID}}" in error, error
    # what an argument takes: `name`, `text` and `value` were the code's own parameter names
    for args, usage in (
        (("note", "T01"), "parktrack note [选项] {ID} {文字}"),
        (("units", "-h"), "parktrack units [选项] [单位]"),
        (("record", "-h"), "parktrack record [选项] {ID} [数据]"),
        (("config", "-h"), "parktrack config [选项] [设置项] [值]"),
    ):
        outcome = cli(*args, *ZH, env={"COLUMNS": "120"})
        assert usage in outcome.stdout + outcome.stderr, (args, outcome.stdout, outcome.stderr)
    assert "错误：缺少参数 文字。" in cli("note", "T01", *ZH).stderr
    assert "--lead               单位" in cli("add", "-h", *ZH, env={"COLUMNS": "120"}).stdout
    english = cli("due", "-h", *EN, env={"COLUMNS": "120"}).stdout
    assert "Usage: parktrack due [OPTIONS]" in english and "<int range>" in english and "<path>" in english
    assert "Usage: parktrack note [OPTIONS] {ID} {TEXT}" in cli("note", "-h", *EN, env={"COLUMNS": "120"}).stdout


def test_lang_without_its_value_is_reported_in_the_language_otherwise_chosen(cli: Cli) -> None:
    """`parktrack --lang` alone printed `error: --lang needs a value: ...` in English whatever the user's
    PARKTRACK_LANG or locale said (zh-Hans by default), where a bad value (`--lang xx`) spoke it."""
    for env, expected in (
        ({"PARKTRACK_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}, "错误：--lang 需要一个值"),
        ({"PARKTRACK_LANG": "zh-Hant"}, "錯誤：--lang 需要一個值"),
        ({"PARKTRACK_LANG": None, "LC_ALL": "zh_CN.UTF-8"}, "错误：--lang 需要一个值"),
        ({"PARKTRACK_LANG": "en"}, "error: --lang needs a value"),
    ):
        outcome = cli("list", "--lang", env={**env, "PARKTRACK_CONFIG": "/nonexistent/config.toml"})
        assert outcome.exit_code == 2 and outcome.stderr.startswith(expected), (env, outcome.stderr)


def test_install_completion_says_what_it_did_in_the_language(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typer's own callback answered a Chinese user `bash completion installed in ...` and `Completion will
    take effect once you restart the terminal`, and for a shell it cannot serve `Shell tcsh is not
    supported.` on stdout. The shell is named here as shellingham would detect it from the process tree."""
    from typer import _completion_shared

    home = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / ".config")}
    monkeypatch.setattr(_completion_shared, "_get_shell_name", lambda: "bash")
    done = cli("--install-completion", *ZH, env=home)
    assert done.exit_code == 0, done.stderr
    script = tmp_path / ".bash_completions" / "parktrack.sh"
    assert done.stdout.splitlines() == [f"已为 bash 安装命令补全：{script}", "重新打开终端后补全生效。"]
    assert script.is_file() and str(script) in (tmp_path / ".bashrc").read_text(encoding="utf-8")

    monkeypatch.setattr(_completion_shared, "_get_shell_name", lambda: "tcsh")
    refused = cli("--install-completion", *ZH_HANT, env=home)
    assert refused.exit_code == 2 and refused.stdout == "", refused.stdout
    assert refused.stderr.startswith("錯誤：無法為 tcsh 安裝命令補全"), refused.stderr


def test_an_indicator_s_name_is_headed_alike_in_every_output(cli: Cli, tmp_path: Path) -> None:
    """The table, the workbook and the report head the indicator's name 指标; its CSV and TSV said 名称."""
    import openpyxl

    table = cli("indicators", *AS_OF, *ZH).stdout
    assert "指标" in table.splitlines()[2], table
    book = tmp_path / "台账.xlsx"
    assert cli("export", "-o", str(book), *AS_OF, *ZH).exit_code == 0
    workbook = [cell.value for cell in openpyxl.load_workbook(book)["指标"][1]]
    for fmt in ("csv", "tsv"):
        header = cli("indicators", "-f", fmt, *AS_OF, *ZH).stdout.lstrip("\ufeff").splitlines()[0]
        names = header.split("," if fmt == "csv" else "\t")
        assert names[:2] == workbook[:2] == ["编号", "指标"], (names, workbook)


def test_an_indicator_s_figures_read_in_the_language_in_csv_and_tsv(cli: Cli, repo: Path) -> None:
    """A Chinese CSV of the indicators wrote each figure as JSON's keys and codes: `period: 2024Q2, value:
    19.9, recorded: 2024-07-10, correction: false, withdrawn: false`; English keeps that form."""
    for args in (
        ("gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-10", "--note", "快报", "--source", "统计局"),
        ("gross-output", "20.1", "--period", "2024Q2", "--date", "2024-07-12", "--correct"),
        ("industrial-investment-margin", "12", "--reference", "9", "--period", "2024Q2", "--date", "2024-07-10"),
        ("provincial-green-park", "是", "--period", "2024", "--date", "2024-07-10"),
    ):
        assert cli("record", *args, *EN, cwd=repo).exit_code == 0, args
    csv_text = cli("indicators", "-f", "csv", "--as-of", "2024-07-31", *ZH, cwd=repo).stdout.lstrip("\ufeff")
    rows = {row["编号"]: row for row in csv.DictReader(io.StringIO(csv_text))}
    gross = rows["gross-output"]
    assert gross["数据"] == "2024Q2 19.9 2024-07-10，备注：快报，数据来源：统计局；2024Q2 20.1 2024-07-12 更正数据"
    assert gross["最新数据"] == "2024Q2 20.1 2024-07-12 更正数据"
    assert rows["industrial-investment-margin"]["最新数据"] == "2024Q2 12（参照值 9） 2024-07-10"
    assert rows["provincial-green-park"]["最新数据"] == "2024 是 2024-07-10"
    piped = cli("indicators", "gross-output", "-f", "tsv", "--as-of", "2024-07-31", *ZH_HANT, cwd=repo).stdout
    assert "最新數據\t2024Q2 20.1 2024-07-12 更正數據" in piped.splitlines(), piped
    english = cli("indicators", "-f", "csv", "--as-of", "2024-07-31", *EN, cwd=repo).stdout
    latest = {row["id"]: row["latest"] for row in csv.DictReader(io.StringIO(english))}
    assert (
        latest["provincial-green-park"]
        == "period: 2024, value: true, recorded: 2024-07-10, correction: false, withdrawn: false"
    )
