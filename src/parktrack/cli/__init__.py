"""The parktrack command line: parses options, calls the domain modules, prints their results.

Commands live in one module per area (views, writes, ...); importing them registers them on `app`.
The interface language is chosen once per run, before Click parses anything, so that help,
Click's own messages and ours all speak it. Errors become messages and exit codes here, in
`main`, and nowhere else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, NoReturn

import typer

from parktrack.cli import views, writes  # noqa: F401  (registers the commands)
from parktrack.cli.common import app, console
from parktrack.errors import ParktrackError
from parktrack.i18n import LANGUAGES, N_, _, choose_language, set_language

__all__ = ["app", "main"]

LANG_HELP = N_(
    "Interface language: zh-Hans (simplified, the default), zh-Hant (traditional) or en; works on every command."
)


def _take_lang(args: list[str]) -> tuple[str | None, list[str]]:
    """Take --lang out of the arguments wherever it stands before a `--`, so every command takes it."""
    for position, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and position + 1 < len(args):
            return args[position + 1], args[:position] + args[position + 2 :]
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang="), args[:position] + args[position + 1 :]
    return None, args


def _translate_help(command: Any) -> Any:
    """Translate the help texts of a Click command tree in place (the msgids are the English texts)."""
    for holder in (command, *command.params):
        for attribute in ("help", "short_help"):
            text = getattr(holder, attribute, None)
            if text:
                setattr(holder, attribute, _(text))
    for sub in getattr(command, "commands", {}).values():
        _translate_help(sub)
    return command


@app.callback()
def _global_options(
    lang: Annotated[
        str | None, typer.Option("--lang", help=LANG_HELP, metavar="|".join(LANGUAGES), show_default=False)
    ] = None,
) -> None:
    """Documents --lang; main() has already acted on it (it works on every command)."""


@cache
def _command(language: str) -> Any:
    """The Click command tree with its help in `language`, built once per language per process."""
    return _translate_help(typer.main.get_command(app))


def _fail(error: ParktrackError) -> NoReturn:
    for line in error.lines():
        print(line, file=sys.stderr)
    raise SystemExit(error.exit_code)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point; tests call it in process with `argv`."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        console.cache_clear()  # one console per run, measured afresh (tests run many in one process)
        lang, args = _take_lang(args)
        language = choose_language(lang, os.environ)
        set_language(language)
        _command(language).main(args=args, prog_name="parktrack")
    except ParktrackError as error:
        _fail(error)
    except BrokenPipeError:  # e.g. `parktrack list | head`
        sys.stderr.close()
        raise SystemExit(0) from None
