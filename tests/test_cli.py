"""The command line's own contract: help for every command, documented exit codes."""

from __future__ import annotations

import pytest
import typer

from conftest import Run
from parktrack.cli import app

COMMANDS = [info.name or (info.callback.__name__ if info.callback else "") for info in app.registered_commands]


def test_every_command_has_a_docstring() -> None:
    assert COMMANDS
    for info in app.registered_commands:
        assert info.callback is not None and (info.callback.__doc__ or "").strip(), info.name


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run: Run, command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage: parktrack" in result.stdout and "--help" in result.stdout
    assert "Traceback" not in result.stderr


def test_every_option_has_help() -> None:
    command = typer.main.get_command(app)
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        for param in sub.params:
            if param.param_type_name == "option" and param.name != "help":
                assert param.help, f"{name} {param.name}"


def test_unknown_option_is_a_usage_error(run: Run) -> None:
    result = run("list", "--colour")
    assert result.returncode == 2 and "No such option" in result.stderr and "Traceback" not in result.stderr
