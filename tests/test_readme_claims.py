"""README.md's claims, checked as a new clerk meets them: each test runs what the README shows and
compares what happens with what the README says."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from tests.conftest import Cli


def indicator_json(cli: Cli, indicator: str, as_of: str) -> dict[str, object]:
    outcome = cli("indicators", indicator, "--as-of", as_of, "-f", "json", "--lang", "en")
    assert outcome.exit_code == 0, outcome.stderr
    record = json.loads(outcome.stdout)  # `indicators ID -f json` is the one record, as `show -f json` is
    assert isinstance(record, dict)
    return record


# README, "Indicators": "序時進度 is the share of the year elapsed (182/366 on 2024-06-30)". The year is
# the plan's (2024): once it has ended all of it has elapsed, and none of it before it begins.
@pytest.mark.parametrize(
    ("as_of", "pace"),
    [
        ("2024-06-30", 182 / 366),
        ("2024-12-31", 1.0),
        ("2025-01-15", 1.0),
        ("2025-06-30", 1.0),
        ("2026-11-30", 1.0),
        ("2023-12-01", 0.0),
    ],
)
def test_pace_is_the_share_of_the_plan_year_elapsed(cli: Cli, as_of: str, pace: float) -> None:
    record = indicator_json(cli, "gross-output", as_of)
    assert record["pace"] == pytest.approx(pace, abs=1e-4)


def csv_rows(cli: Cli, lang: str, *args: str) -> list[list[str]]:
    outcome = cli(*args, "-f", "csv", "--lang", lang)
    assert outcome.exit_code == 0, outcome.stderr
    return list(csv.reader(io.StringIO(outcome.stdout.lstrip("\ufeff"))))


# README, "Languages": "CSV is for spreadsheets, so its headers and values (statuses, lights, yes/no, the
# ledger's text) follow the language; in English a CSV has the JSON keys as headers and the codes as
# values." So in Chinese no header is an English key and no coded value is left as its code.
@pytest.mark.parametrize(
    ("view", "coded"),
    [
        (("indicators", "--as-of", "2024-06-30"), ("kind", "comparison", "period")),
        (("units", "--as-of", "2024-06-30"), ("kind",)),
    ],
    ids=["indicators", "units"],
)
@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_chinese_csv_has_no_english_header_or_code(
    cli: Cli, lang: str, view: tuple[str, ...], coded: tuple[str, ...]
) -> None:
    english, chinese = csv_rows(cli, "en", *view), csv_rows(cli, lang, *view)
    keys, headers = english[0], chinese[0]
    assert len(english) == len(chinese) > 1
    untranslated = [header for header in headers if re.fullmatch(r"[a-z_]+", header)]
    assert not untranslated, f"{view[0]}: headers left in English: {untranslated}"
    for key in coded:
        column = keys.index(key)
        codes = {row[column] for row in english[1:]}
        words = {row[column] for row in chinese[1:]}
        assert words and not words & codes, f"{view[0]} {key}: codes left untranslated: {words & codes}"


def test_an_items_column_is_headed_by_what_it_holds(cli: Cli) -> None:
    """An indicator's items (its related item ids) were headed 事项数, "number of items", as a unit's count is."""
    indicators, units = csv_rows(cli, "zh-Hans", "indicators"), csv_rows(cli, "zh-Hans", "units")
    related = [row[indicators[0].index("相关事项")] for row in indicators[1:]]
    assert "事项数" not in indicators[0] and any(re.fullmatch(r"[TM]\d\d", ids) for ids in related)
    assert all(units_row[units[0].index("事项数")].isdigit() for units_row in units[1:])


# README, "The meeting report and 催辦 notices": `notice --all -o DIR` writes one file per unit, named
# with the day and the unit in the interface's script.
@pytest.mark.parametrize(("lang", "name"), [("zh-Hans", "县委组织部"), ("zh-Hant", "縣委組織部"), ("en", "縣委組織部")])
def test_notice_files_are_named_in_the_interface_script(cli: Cli, tmp_path: Path, lang: str, name: str) -> None:
    folder = tmp_path / "催辦"
    outcome = cli("notice", "--all", "-o", str(folder), "--as-of", "2024-07-01", "--lang", lang)
    assert outcome.exit_code == 0, outcome.stderr
    assert (folder / f"2024-07-01-{name}.txt").is_file(), sorted(path.name for path in folder.iterdir())


# README, "Languages": the ledger's text (units ...) is shown simplified in zh-Hans; "Names as people type
# them": a unit is found by any alias or a unique part. The message names the unit found, as shown.
@pytest.mark.parametrize("typed", ["縣財政局", "财政", "finance"])
def test_notice_with_nothing_to_chase_names_the_unit_found(cli: Cli, typed: str) -> None:
    outcome = cli("notice", "--unit", typed, "--as-of", "2024-07-01", "--lang", "zh-Hans")
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == ""
    assert outcome.stderr.strip() == "县财政局截至2024-07-01无需催办事项"


# README, "Exit codes": 4 when git made no commit (no identity: nothing recorded, the ledger put back as
# it was), in the interface language, with the commands that set an identity.
@pytest.mark.parametrize(("lang", "words"), [("zh-Hans", "设置"), ("zh-Hant", "設置"), ("en", "set one with")])
def test_no_git_identity_is_said_in_the_interface_language(
    cli: Cli, data_copy: Path, tmp_path: Path, lang: str, words: str
) -> None:
    ledger = data_copy.parent
    subprocess.run(["git", "init", "-q", str(ledger)], check=True)
    who = ["-c", "user.name=Office", "-c", "user.email=office@example.org"]
    subprocess.run(["git", *who, "-C", str(ledger), "add", "data"], check=True)
    subprocess.run(["git", *who, "-C", str(ledger), "commit", "-q", "-m", "ledger"], check=True)
    nobody = tmp_path / "gitconfig"
    nobody.write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "GIT_CONFIG_GLOBAL": str(nobody)}
    outcome = cli(
        "note",
        "T07",
        "已对接",
        "--date",
        "2024-05-10",
        "--lang",
        lang,
        cwd=ledger,
        env=env | {"GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert outcome.exit_code == 4, outcome.stderr
    message = outcome.stderr.strip()
    assert 'git config --global user.name "' in message and words in message
    assert subprocess.run(["git", "-C", str(ledger), "status", "--porcelain"], capture_output=True).stdout == b""
    if lang != "en":
        assert "set one with" not in message
        assert "Your Name" not in message  # the command's placeholder is in the language too


NO_LOCALE: dict[str, str | None] = {"PARKTRACK_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None}


# README, "Languages": the language is chosen from --lang, PARKTRACK_LANG, the config file, the locale,
# "otherwise zh-Hans". A config file or a --lang that names no language is an error (exit 2); the
# message is in the language the rest of that chain gives, not in the code's English.
@pytest.mark.parametrize(
    ("config", "args"),
    [('lang = "xx"\n', ()), ("lang = \n", ()), ("", ("--lang", "xx"))],
    ids=["unknown-language", "not-toml", "bad-option"],
)
def test_a_bad_language_setting_is_reported_in_the_default_language(
    cli: Cli, tmp_path: Path, config: str, args: tuple[str, ...]
) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text(config, encoding="utf-8")
    outcome = cli(*args, "leaders", env={**NO_LOCALE, "PARKTRACK_CONFIG": str(settings)})
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("错误："), outcome.stderr
    chinese = cli(*args, "leaders", env={**NO_LOCALE, "PARKTRACK_CONFIG": str(settings), "LANG": "zh_TW.UTF-8"})
    assert chinese.stderr.startswith("錯誤："), chinese.stderr


# README, "Starting a new ledger": the 完成時限 forms `init --from` reads as dates, and those it keeps as
# conditions (listed by cell). Every form the README names, in one table.
README_READ = {
    "2024年6月底以前": "2024-06-30",
    "2024年6月底前": "2024-06-30",
    "2024年9月30日前": "2024-09-30",
    "2024年底前": "2024-12-31",
    "2024年上半年": "2024-06-30",
    "2024年第三季度": "2024-09-30",
    "2024-09-30": "2024-09-30",
    "2024年9月30日前,并長期堅持": "2024-09-30",
}
README_NOT_GUESSED = ["長期堅持", "6月前", "6月底前", "2024年3月底、6月底"]


def test_init_reads_the_deadline_forms_the_readme_names(cli: Cli, tmp_path: Path) -> None:
    texts = [*README_READ, *README_NOT_GUESSED]
    rows = [["序號", "具體工作舉措", "牽頭領導", "牽頭單位", "配合單位", "完成時限"], ["一、招商引資"]]
    rows += [[str(number), f"工作{number}", "張三", "縣財政局", "", text] for number, text in enumerate(texts, 1)]
    table = tmp_path / "台賬.csv"
    with table.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    outcome = cli("init", str(tmp_path / "park"), "--from", str(table), "--title", "園區", "--lang", "en")
    assert outcome.exit_code == 0, outcome.stderr
    listed = cli("list", "-f", "json", "--as-of", "2024-07-01", cwd=tmp_path / "park")
    items = {item["deadline_text"]: item for item in json.loads(listed.stdout)}
    assert {text: items[text]["deadline"] for text in README_READ} == README_READ
    assert items["2024年9月30日前,并長期堅持"]["long_term"] is True
    for number, text in enumerate(README_NOT_GUESSED, len(README_READ) + 1):
        assert items[text]["deadline"] is None and items[text]["condition"] == text
        assert f"台賬.csv!F{number + 2}: T{number:02d}: no date could be read" in outcome.stdout


# README, "Adding items decided at meetings": `add` gives items the kind `assigned`, and `list --kind`
# offers it; its help explains every choice it offers, in every language.
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("assigned: ", "meetings")),
        ("zh-Hans", ("assigned：", "交办事项")),
        ("zh-Hant", ("assigned：", "交辦事項")),
    ],
)
def test_list_kind_help_explains_assigned(cli: Cli, lang: str, words: tuple[str, str]) -> None:
    outcome = cli("list", "-h", "--lang", lang, env={"COLUMNS": "400"})
    assert outcome.exit_code == 0
    (line,) = [line for line in outcome.stdout.splitlines() if "<key|measure|assigned>" in line]
    assert line.split()[1] == "--kind" and all(word in line for word in words)


# README, "Languages": CSV and TSV values follow the language ("in English ... the codes"), and the
# table's words too. `history` reports status changes, notes, and an indicator's figures, corrections
# and withdrawals: in Chinese none of them is left as its English code.
def test_history_words_its_changes_in_chinese(cli: Cli, repo: Path) -> None:
    steps = [
        ("update", "T07", "--status", "in_progress", "--date", "2024-05-10"),
        ("note", "T07", "已对接", "--date", "2024-05-20"),
        ("record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-05"),
        ("record", "gross-output", "20.1", "--period", "2024Q2", "--correct", "--date", "2024-07-06"),
        ("record", "gross-output", "--period", "2024Q2", "--withdraw", "--date", "2024-07-07"),
    ]
    for step in steps:
        outcome = cli(*step, cwd=repo)
        assert outcome.exit_code == 0, outcome.stderr
    english = csv_rows_in(cli, repo, "en")
    codes = {"status", "note", "figure", "correction", "withdrawal"}
    column = english[0].index("change")
    assert {row[column] for row in english[1:]} == codes
    for lang in ("zh-Hans", "zh-Hant"):
        chinese = csv_rows_in(cli, repo, lang)
        words = {row[column] for row in chinese[1:]}
        assert len(words) == len(codes) and not words & codes, words
        table = cli("history", "--lang", lang, "-f", "table", cwd=repo, env={"COLUMNS": "200"})
        assert not re.search(r"\b(figure|correction|withdrawal)\b", table.stdout), table.stdout


def csv_rows_in(cli: Cli, repo: Path, lang: str) -> list[list[str]]:
    outcome = cli("history", "-f", "csv", "--lang", lang, cwd=repo)
    assert outcome.exit_code == 0, outcome.stderr
    return list(csv.reader(io.StringIO(outcome.stdout.lstrip("\ufeff"))))


# README, "Languages": messages follow the interface language; "Names as people type them": a typo gets
# a "did you mean". A mistyped command is both, with no English left in a Chinese message.
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "error: No such command: 'lsit' (did you mean 'list'?)."),
        ("zh-Hans", "错误：没有这个命令：'lsit'（您是不是要找 'list'？）。"),
        ("zh-Hant", "錯誤：沒有這個命令：'lsit'（您是不是要找 'list'？）。"),
    ],
)
def test_a_mistyped_command_gets_did_you_mean_in_the_interface_language(cli: Cli, lang: str, expected: str) -> None:
    outcome = cli("--lang", lang, "lsit")
    assert outcome.exit_code == 2
    assert expected in outcome.stderr.splitlines()


# README, "Exit codes": 2 for bad usage; "Languages": messages in the interface language. Click's and
# Pydantic's own English must not show through a Chinese message.
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("list", "--as-of"), "错误：选项 --as-of 需要一个值。"),
        (("notice", "--all", "-o"), "错误：选项 -o 需要一个值。"),
        (("list", "--warn-days", "-3"), "错误：--warn-days 的值无效：请给出不小于 0 的数。"),
        (("due", "--within", "-1"), "错误：--within 的值无效：请给出不小于 0 的数。"),
    ],
)
def test_usage_errors_are_all_chinese(cli: Cli, args: tuple[str, ...], expected: str) -> None:
    outcome = cli("--lang", "zh-Hans", *args)
    assert outcome.exit_code == 2
    assert expected in outcome.stderr.splitlines(), outcome.stderr


# README, "Exit codes": "No input ever produces a traceback"; a folder that cannot be written is exit 5.
# An output folder that is in fact a file (a typo, a name taken) is such input.
@pytest.mark.parametrize(
    "args",
    [("sheets", "-o", "{file}"), ("export", "-o", "{file}/台賬.xlsx"), ("schema", "-o", "{file}")],
    ids=["sheets", "export", "schema"],
)
def test_an_output_folder_that_is_a_file_is_an_error_not_a_traceback(
    cli: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    taken = tmp_path / "填報"
    taken.write_text("not a folder\n", encoding="utf-8")
    argv = [arg.format(file=taken) for arg in args]
    outcome = cli(*argv, "--lang", "en")
    assert "Traceback" not in outcome.stderr
    assert outcome.exit_code == 5, outcome.stderr
    (line,) = outcome.stderr.splitlines()
    assert line.startswith(f"error: {taken}") and "cannot write" in line
    assert taken.read_text(encoding="utf-8") == "not a folder\n"


# README, "Exit codes": OS errors on writing are exit 5 and "No input ever produces a traceback". /proc
# is a real folder in which no file can be made (as a read-only share or a full disk refuses them, which
# root, who runs CI, is never refused): every command writing an output file is told so.
UNWRITABLE = Path("/proc")


@pytest.mark.parametrize(
    "args",
    [
        ("list", "-o", "{folder}/逾期.csv"),
        ("show", "T07", "-o", "{folder}/T07.txt"),
        ("report", "-o", "{folder}/調度會議.html", "--as-of", "2024-06-30"),
        ("report", "-o", "{folder}/調度會議.md", "--as-of", "2024-06-30"),
        ("notice", "--all", "-o", "{folder}/催辦", "--as-of", "2024-07-01"),
        ("config", "lang", "en"),
    ],
    ids=["list", "show", "report-html", "report-md", "notice", "config"],
)
def test_an_output_that_cannot_be_written_is_exit_5_not_a_traceback(cli: Cli, args: tuple[str, ...]) -> None:
    assert UNWRITABLE.is_dir(), "the test needs Linux's /proc"
    argv = [arg.format(folder=UNWRITABLE) for arg in args]
    outcome = cli(*argv, "--lang", "en", env={"PARKTRACK_CONFIG": str(UNWRITABLE / "parktrack.toml")})
    assert "Traceback" not in outcome.stderr
    assert outcome.exit_code == 5, outcome.stderr
    (line,) = outcome.stderr.splitlines()
    assert line.startswith(f"error: {UNWRITABLE}/") and "cannot write" in line, line


# README, "Reading the tables", "Fitting the screen": on a narrow terminal the optional columns are
# dropped (the deadline among them) before anything is broken, and the unit and its overdue count stay.
# The per-unit and per-official tables too: a date is never split over lines, a row never overflows.
@pytest.mark.parametrize("view", ["units", "leaders"])
@pytest.mark.parametrize("width", [40, 60])
def test_summary_tables_fit_a_narrow_terminal(cli: Cli, view: str, width: int) -> None:
    from rich.cells import cell_len

    terminal = {"TTY_COMPATIBLE": "1", "COLUMNS": str(width), "PARKTRACK_FORMAT": None}
    outcome = cli(view, "--as-of", "2024-07-01", "--lang", "en", env=terminal)
    assert outcome.exit_code == 0, outcome.stderr
    lines = outcome.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    text = outcome.stdout
    assert len(re.findall(r"20\d\d", text)) == len(re.findall(r"20\d\d-\d\d-\d\d", text)), text
    header = next(line for line in lines if "Overdue" in line)
    assert ("Unit" if view == "units" else "Lead official") in header, text


# README, "The data": --data DIR names the data folder (the one holding tasks.yaml). Given the ledger's
# own folder, the one holding data/, the error says which folder was meant ("did you mean", as the
# team's standard asks where it helps).
def test_data_option_given_the_ledger_folder_suggests_its_data_folder(cli: Cli, data_copy: Path) -> None:
    ledger = data_copy.parent
    outcome = cli("list", "--data", str(ledger), "--lang", "en")
    assert outcome.exit_code == 2
    assert outcome.stderr.strip() == (
        f"error: {ledger}: no tasks.yaml in this folder (from --data or PARKTRACK_DATA); did you mean {data_copy}?"
    )
    plain = cli("list", "--data", str(data_copy / "nowhere"), "--lang", "en")
    assert plain.exit_code == 2 and "did you mean" not in plain.stderr


# README, "Languages": `--lang` works on any command, anywhere before a `--`. Given twice (a shell alias
# with one, the user's own after it) the last wins, as a repeated option does, rather than the second
# being taken for an unknown option ("did you mean --light?").
def test_lang_given_twice_the_last_wins(cli: Cli) -> None:
    outcome = cli("--lang", "en", "leaders", "--lang", "zh-Hant", "--as-of", "2024-07-01", "-f", "csv")
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.lstrip("\ufeff").startswith("牽頭領導,")


README = Path(__file__).resolve().parents[1] / "README.md"


def readme_block(heading: str) -> list[str]:
    """The command lines of the first ```sh block under `heading`, comments and continuations joined."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(f"\n{heading}\n") :]
    block = section[section.index("```sh\n") + len("```sh\n") :]
    block = block[: block.index("```")].replace("\\\n", " ")
    return [line for line in (shlex.split(row, comments=True) for row in block.splitlines()) if line]


# README: every command a section shows runs, in its order, on a ledger of one's own (a git repository
# holding a copy of the plan), and does what its exit code promises: 0, and 3 for `overdue
# --fail-if-any` (the plan's year has ended with items open). Globs are the shell's.
@pytest.mark.parametrize(
    ("heading", "count"),
    [
        ("## Everyday use", 20),
        ("## Recording progress", 4),
        ("## The monthly round", 5),
        ("## The meeting report and 催辦 notices", 6),
        ("## Starting a new ledger", 1),
        ("## Adding items decided at meetings", 1),
    ],
)
def test_every_command_a_section_shows_runs(cli: Cli, repo: Path, heading: str, count: int) -> None:
    lines = readme_block(heading)
    assert len(lines) >= count
    commands = [command.split("\0") for words in lines for command in "\0".join(words).split("\0&&\0")]
    for argv in commands:
        assert argv[0] == "parktrack", argv
        args = [str(path) for arg in argv[1:] for path in (sorted(repo.glob(arg)) if "*" in arg else [arg])]
        outcome = cli(*args, cwd=repo)
        expected = 3 if "--fail-if-any" in args else 0
        assert outcome.exit_code == expected, f"{argv}: {outcome.stderr}"
        assert "Traceback" not in outcome.stderr
