"""Control characters (U+000B pasted from Word, an escape sequence, NUL): no sheet or screen shows them,
a workbook cannot hold them and git refuses NUL in a message. The ledger never holds one: validate names
each, every command refuses such a ledger in one clean line, and typed input holding one is refused
before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli, git

EN = ("--lang", "en")
HISTORY = "    history: []\n"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


@pytest.fixture
def marked(data_copy: Path) -> Path:
    """The bundled ledger with three escaped control characters in three files."""
    _replace(data_copy / "tasks.yaml", HISTORY, '    history:\n    - {date: 2024-04-01, note: "第一行\\v第二行"}\n')
    _replace(data_copy / "units.yaml", "name: 縣財政局", 'name: "縣財政局\\e[31m"')
    _replace(data_copy / "indicators.yaml", "    source: 一、攻堅目標", '    source: "\\0一、攻堅目標')
    _replace(
        data_copy / "indicators.yaml",
        "(措施15力爭達到;見 rank-gain-striven)",
        '(措施15力爭達到;見 rank-gain-striven)"',
    )
    return data_copy


def test_validate_names_every_control_character_at_once(cli: Cli, marked: Path) -> None:
    result = cli("validate", "--data", str(marked), *EN)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    note_line = _line_of(marked / "tasks.yaml", "第一行")
    assert (
        f"{marked / 'tasks.yaml'}:{note_line}:32: T01.history[0].note: the text holds a control character (U+000B),"
        " which no sheet or screen shows; remove it"
    ) in lines
    for file, field, code in (("units.yaml", "name", "001B"), ("indicators.yaml", "source", "0000")):
        assert any(
            line.startswith(f"{marked / file}:") and f"{field}: the text holds a control character (U+{code})" in line
            for line in lines
        ), lines
    assert lines[-1] == "error: 3 problems found"


@pytest.mark.parametrize(
    "command",
    [
        ("list", "--as-of", "2024-06-30"),
        ("show", "T01", "--as-of", "2024-06-30"),
        ("export", "-o", "{tmp}/台賬.xlsx", "--as-of", "2024-06-30"),
        ("sheets", "-o", "{tmp}/sheets", "--as-of", "2024-06-30"),
    ],
    ids=lambda command: command[0],
)
def test_no_command_reads_or_exports_a_ledger_holding_one(
    cli: Cli, marked: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """export and sheets used to stop with openpyxl's traceback; show printed the escape sequence raw."""
    args = [part.format(tmp=tmp_path) for part in command]
    result = cli(*args, "--data", str(marked), *EN)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stdout + result.stderr
    assert "holds a control character (U+000B)" in result.stderr
    assert not list(tmp_path.glob("*.xlsx")) and not (tmp_path / "sheets").exists()


RECORD = ("record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-05")
ADD = ("add", "--lead", "縣財政局", "--deadline", "2024-12-31")


@pytest.mark.parametrize(
    ("command", "option", "code"),
    [
        (("update", "T07", "--status", "in_progress", "--date", "2024-05-01", "--note", "已完成\x0b"), "the note", 11),
        (("note", "T07", "進展\x00", "--date", "2024-05-01"), "the note", 0),
        ((*RECORD, "--note", "\x1b[2J"), "--note", 27),
        ((*RECORD, "--source", "統計局\x7f"), "--source", 127),
        (("note", "T07", "已對接\u202e行銀", "--date", "2024-05-01"), "the note", 0x202E),
        ((*ADD, "--text", "新事項\x00"), "--text", 0),
        ((*ADD, "--text", "新事項", "--meeting", "\x9b會議"), "--meeting", 155),
        ((*ADD, "--text", "新事項", "--leader", "張\x0c三"), "--leader", 12),
        (("add", "--text", "新事項", "--lead", "新單位\x08", "--new-unit", "--deadline", "2024-12-31"), "--lead", 8),
        (("import", "unused.xlsx", "--author", "张丽\x1b[8m <zhangli@example.org>"), "--author", 27),
    ],
    ids=[
        "update",
        "note",
        "record note",
        "record source",
        "note with a right-to-left override",
        "add text",
        "add meeting",
        "add leader",
        "add new unit",
        "import author",
    ],
)
def test_typed_text_holding_one_is_refused_and_nothing_is_written(
    cli: Cli, repo: Path, command: tuple[str, ...], option: str, code: int
) -> None:
    """A NUL used to be written and then refused by git: the ledger was left changed and uncommitted."""
    before = {name: (repo / "data" / name).read_bytes() for name in ("tasks.yaml", "units.yaml", "indicators.yaml")}
    head = git(repo, "rev-parse", "HEAD")
    result = cli(*command, *EN, cwd=repo)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        f"error: {option} holds a control character (U+{code:04X}), which no sheet or screen shows; remove it"
    ]
    assert {name: (repo / "data" / name).read_bytes() for name in before} == before
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == ""


def test_a_new_ledgers_title_holding_one_is_refused(cli: Cli, tmp_path: Path) -> None:
    result = cli("init", str(tmp_path / "north"), "--title", "北園區\x0b台賬", "--year", "2025", *EN)
    assert result.exit_code == 2 and "--title holds a control character (U+000B)" in result.stderr
    assert not (tmp_path / "north").exists()


def test_tab_and_line_breaks_are_text(cli: Cli, repo: Path) -> None:
    """The characters a note may hold: a tab, and line breaks in either style."""
    result = cli("note", "T07", "第一行\r\n第二行\n\t第三行", "--date", "2024-05-01", *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert cli("validate", *EN, cwd=repo).exit_code == 0


def test_a_text_longer_than_a_workbook_cell_holds_is_refused(cli: Cli, repo: Path) -> None:
    """Excel holds 32,767 characters in a cell; export and sheets put each text in one."""
    tasks = repo / "data" / "tasks.yaml"
    before = tasks.read_bytes()
    result = cli("note", "T07", "长" * 32768, "--date", "2024-05-01", *EN, cwd=repo)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "T07.history[0].note: is longer than a workbook cell holds (32767 characters)" in result.stderr
    assert tasks.read_bytes() == before and git(repo, "status", "--porcelain") == ""
    longest = cli("note", "T07", "长" * 32767, "--date", "2024-05-01", *EN, cwd=repo)
    assert longest.exit_code == 0, longest.stderr
