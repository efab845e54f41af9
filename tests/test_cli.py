"""The command line's own contract: help for every command, documented exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from conftest import Cli, Run, cli_env
from parktrack.cli import app

COMMANDS = [info.name or (info.callback.__name__ if info.callback else "") for info in app.registered_commands]


def test_every_command_has_a_docstring() -> None:
    assert COMMANDS
    for info in app.registered_commands:
        assert info.callback is not None and (info.callback.__doc__ or "").strip(), info.name


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(cli: Cli, command: str) -> None:
    result = cli("--lang", "en", command, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage: parktrack" in result.stdout and "--help" in result.stdout
    assert "Traceback" not in result.stderr


def test_help_groups_every_command_under_one_panel_the_everyday_ones_first(cli: Cli) -> None:
    panels = {"查询": [], "记录进展": [], "月度填报与调度会议": [], "台账维护": []}
    shown: list[str] = []
    panel: list[str] | None = None
    for line in cli("--lang", "zh-Hans", "--help").stdout.splitlines():
        title = line.strip("╭─╮ ")
        if line.startswith("╭"):
            panel, shown = panels.get(title), [*shown, title]
        elif panel is not None and line.startswith("│ ") and line[2:3] != " ":
            panel.append(line.split()[1])
    assert [title for title in shown if title in panels] == list(panels)  # in this order, after 选项
    assert panels["查询"][:3] == ["list", "show", "overdue"] and panels["记录进展"] == ["update", "note", "record"]
    assert sorted(name for names in panels.values() for name in names) == sorted(COMMANDS)  # each once


def test_every_option_has_help() -> None:
    command = typer.main.get_command(app)
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        for param in sub.params:
            if param.param_type_name == "option" and param.name != "help":
                assert param.help, f"{name} {param.name}"


def test_unknown_option_is_a_usage_error(cli: Cli) -> None:
    result = cli("--lang", "en", "list", "--colour")
    assert result.exit_code == 2 and "No such option" in result.stderr and "Traceback" not in result.stderr


def test_a_run_in_process_leaves_no_language_or_cache_choice_behind(cli: Cli) -> None:
    """`main` is called in process (tests, scripts): the next domain call speaks English and uses the cache."""
    from parktrack import cache
    from parktrack.i18n import _, current_language

    assert current_language() == "en" and not cache.bypass_asked()
    outcome = cli("overdue", "--as-of", "2024-06-30", "--no-cache", "--lang", "zh-Hans", "--format", "json")
    assert outcome.exit_code == 0, outcome.stderr
    assert current_language() == "en" and _("Overdue") == "Overdue"
    assert not cache.bypass_asked() and not cache.bypassed()


def test_the_installed_entry_point_runs(run: Run, tmp_path: Path) -> None:
    """One real process: the console script, its exit codes and its streams."""
    shown = run("--lang", "en", "overdue", "--as-of", "2024-06-30", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert len(json.loads(shown.stdout)) == 8
    wrong = run("--lang", "en", "list", "--colour")
    assert wrong.returncode == 2 and "No such option" in wrong.stderr and "Traceback" not in wrong.stderr
    module = subprocess.run(
        [sys.executable, "-m", "parktrack", "--lang", "en", "show", "T99"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=cli_env(),
        check=False,
    )
    assert module.returncode == 2 and "unknown task 'T99'" in module.stderr


def test_a_console_that_cannot_encode_a_character_shows_a_question_mark(cli: Cli, repo: Path) -> None:
    """Output redirected on a Chinese Windows is GBK: an emoji a liaison typed in a note (from a phone)
    was a UnicodeEncodeError traceback in every view that showed it. One real process, as the console
    script's own streams are what is at stake; the rest of the line prints as the encoding holds it."""
    noted = cli("note", "T07", "已对接👍", "--date", "2024-05-01", "--lang", "en", cwd=repo)
    assert noted.exit_code == 0, noted.stderr
    env = cli_env(PYTHONIOENCODING="gbk")
    day = ("--as-of", "2024-06-30")
    views = (["show", "T07", "-f", "table", *day], ["show", "T07", "-f", "tsv", *day], ["history", "T07", "-f", "tsv"])
    for view in views:
        shown = subprocess.run(
            [sys.executable, "-m", "parktrack", "--lang", "zh-Hans", *view],
            capture_output=True, cwd=repo, env=env, check=False,
        )  # fmt: skip
        assert shown.returncode == 0, (view, shown.stderr.decode("gbk", "replace"))
        assert "已对接?" in shown.stdout.decode("gbk"), view


def test_json_is_utf8_whatever_the_console_encoding(cli: Cli, repo: Path) -> None:
    """Windows redirects output in the ANSI code page (GBK): JSON went out in GBK, which no JSON reader
    takes, and lost what GBK lacks. JSON to a pipe or file is UTF-8, whole; a table or TSV is for the
    console and stays in its encoding."""
    noted = cli("note", "T07", "已对接👍", "--date", "2024-05-01", "--lang", "en", cwd=repo)
    assert noted.exit_code == 0, noted.stderr
    env = cli_env(PYTHONIOENCODING="gbk")

    def piped(*args: str) -> bytes:
        done = subprocess.run([sys.executable, "-m", "parktrack", *args], capture_output=True, cwd=repo, env=env)
        assert done.returncode == 0, (args, done.stderr.decode("gbk", "replace"))
        return done.stdout

    shown = json.loads(piped("show", "T07", "-f", "json", "--as-of", "2024-06-30").decode("utf-8"))
    assert shown["history"][-1]["note"] == "已对接👍"
    grouped = json.loads(piped("overdue", "--by-unit", "-f", "json", "--as-of", "2024-06-30").decode("utf-8"))
    assert grouped and all("lead_unit" in group for group in grouped)
    checked = json.loads(piped("validate", "--format", "json").decode("utf-8"))
    assert checked["ok"] is True
    assert "编号" in piped("--lang", "zh-Hans", "list", "-f", "tsv", "--as-of", "2024-06-30").decode("gbk")


def test_why_the_system_refused_a_file_is_said_in_the_interface_language(cli: Cli, tmp_path: Path) -> None:
    """The system's own reason (strerror) is English on Linux and macOS: "Not a directory" reached an
    office that reads Chinese."""
    (tmp_path / "会议").write_text("a file where the folder goes", encoding="utf-8")
    target = tmp_path / "会议" / "台账.xlsx"
    result = cli("export", "-o", str(target), "--as-of", "2024-06-30", "--lang", "zh-Hans")
    assert result.exit_code == 5, result.stderr
    assert result.stderr.strip() == f"错误：{target}：无法写入：同名的文件或文件夹挡在那里"
    english = cli("export", "-o", str(target), "--as-of", "2024-06-30", "--lang", "en")
    assert english.stderr.strip() == f"error: {target}: cannot write: a file or folder of that name is in the way"
