"""The parktrack command line: parses options, calls the domain modules, prints their results.

Commands live in one module per area (views, writes, ...); importing them registers them on `app`.
The interface language is chosen once per run, before Click parses anything, so that help,
Click's own messages and ours all speak it. Errors become messages and exit codes here, in
`main`, and nowhere else.
"""

from __future__ import annotations

import copy
import io
import os
import sys
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, NoReturn

import typer

from parktrack import cache as read_cache
from parktrack.cli import click_words, config, exchange, meeting, setup, views, writes  # noqa: F401  (registers the commands)
from parktrack.cli.common import PANELS, app, console
from parktrack.config import choose_language
from parktrack.errors import ParktrackError, UsageError
from parktrack.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    Language,
    _,
    current_language,
    locale_language,
    set_language,
)

__all__ = ["app", "main"]

NO_CACHE_HELP = N_("Read the ledger files without the read cache (also PARKTRACK_NO_CACHE=1); works on every command.")
LANG_HELP = N_(
    "Interface language: zh-Hans (simplified, the default), zh-Hant (traditional) or en; works on every command."
)


def _take_lang(args: list[str]) -> tuple[str | None, list[str]]:
    """Take --lang out of the arguments wherever it stands before a `--`, so every command takes it.
    Given more than once (an alias's, then the user's own), the last wins, as for a repeated option."""
    lang, rest = _take_one_lang(args)
    while lang is not None:
        later, rest = _take_one_lang(rest)
        if later is None:
            break
        lang = later
    return lang, rest


def _take_one_lang(args: list[str]) -> tuple[str | None, list[str]]:
    for position, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang":
            if position + 1 == len(args):
                raise UsageError(_("--lang needs a value: {choices}").format(choices=", ".join(LANGUAGES)))
            return args[position + 1], args[:position] + args[position + 2 :]
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang="), args[:position] + args[position + 1 :]
    return None, args


def _take_flag(args: list[str], flag: str) -> tuple[bool, list[str]]:
    """Take a global flag out of the arguments wherever it stands before a `--`, like --lang."""
    end = args.index("--") if "--" in args else len(args)
    if flag not in args[:end]:
        return False, args
    return True, [arg for position, arg in enumerate(args) if position >= end or arg != flag]


def _fail_usage(error: Any) -> NoReturn:
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        click_words.localize_help(ctx.command)
        print(ctx.get_usage(), file=sys.stderr)
    print(_("error: {message}").format(message=click_words.usage_message(error)), file=sys.stderr)
    if ctx is not None:
        hint = _("Try '{command} {option}' for help.").format(command=ctx.command_path, option="-h")
        print(hint, file=sys.stderr)
    raise SystemExit(error.exit_code)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version  # cheap: reads the installed package's metadata

        print(f"parktrack {version('parktrack')}")
        raise typer.Exit()


@app.callback()
def _global_options(
    lang: Annotated[
        str | None, typer.Option("--lang", help=LANG_HELP, metavar="|".join(LANGUAGES), show_default=False)
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=NO_CACHE_HELP)] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help=N_("Show the version and exit."), callback=_show_version, is_eager=True),
    ] = False,
) -> None:
    """Documents --lang and --no-cache; main() has already acted on them (they work on every command)."""


@cache
def _command(language: str, name: str | None = None) -> Any:
    """The Click command tree with its help in `language`, built once per language and subcommand per
    process. With `name` it holds only that subcommand: building all of them cost more than running one."""
    return click_words.translate_help(typer.main.get_command(_only(name)))


def _subcommand(args: list[str]) -> str | None:
    """The subcommand `args` name, if it is one of ours; else None (help, --version, a typo: the whole tree)."""
    name = next((arg for arg in args if not arg.startswith("-")), None)
    return name if name is not None and name in _command_names() else None


@cache
def _command_names() -> frozenset[str]:
    return frozenset(_name(info) for info in app.registered_commands)


def _name(info: Any) -> str:
    return str(info.name or typer.main.get_command_name(info.callback.__name__))


def _only(name: str | None) -> typer.Typer:
    """The app with only the subcommand `name` registered (the whole app for None, its commands in the
    order of help's panels: Typer shows a panel where its first command stands)."""
    if name is None:
        whole = copy.copy(app)
        whole.registered_commands = sorted(app.registered_commands, key=lambda info: PANELS.index(info.rich_help_panel))
        return whole
    lean = copy.copy(app)
    lean.registered_commands = [info for info in app.registered_commands if _name(info) == name]
    return lean


def _fail(error: ParktrackError) -> NoReturn:
    for line in error.lines():
        if line.startswith("error: "):  # errors.py writes the English prefix; people read their own
            line = _("error: {message}").format(message=line.removeprefix("error: "))
        print(line, file=sys.stderr)
    raise SystemExit(error.exit_code)


def _lang_option(args: list[str]) -> tuple[str | None, list[str]]:
    """--lang's value and the other arguments. A --lang without its value is reported in the language the
    rest of the chain (PARKTRACK_LANG, config, locale, zh-Hans) chooses, not in the code's English."""
    try:
        return _take_lang(args)
    except UsageError:
        set_language(_language(None, args))
        return _take_lang(args)  # raises again, its message now in that language


def _language(option: str | None, args: list[str]) -> Language:
    """The language for this run; `parktrack config ...` still runs when the config file is broken,
    so that it can mend it. A setting that names no language is reported in the locale's language
    (else zh-Hans), as the rest of the chain would have chosen, not in the code's English."""
    try:
        return choose_language(option, os.environ)
    except UsageError:
        fallback = locale_language(os.environ) or DEFAULT_LANGUAGE
        if args[:1] == ["config"] and not option and not os.environ.get("PARKTRACK_LANG"):
            return fallback
        set_language(fallback)
        return choose_language(option, os.environ)  # raises again, its message now in `fallback`


@cache
def _console_errors() -> str:
    """An error handler for what the console's encoding cannot hold: a path in no encoding prints as its
    own bytes (as `ls` shows it), and a character the encoding lacks as `?` (an emoji in a note, on a
    Chinese Windows whose redirected output is GBK), where printing it raised UnicodeEncodeError."""
    import codecs

    def unencodable(error: UnicodeError) -> tuple[bytes, int]:
        if not isinstance(error, UnicodeEncodeError):
            raise error
        text = error.object[error.start : error.end]
        return bytes(ord(c) - 0xDC00 if 0xDC80 <= ord(c) <= 0xDCFF else ord("?") for c in text), error.end

    codecs.register_error("parktrack-console", unencodable)
    return "parktrack-console"


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point; tests call it in process with `argv`. A run's language and
    --no-cache apply to that run only: domain code called afterwards in the same process is as before."""
    language, bypass = current_language(), read_cache.bypass_asked()
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors=_console_errors())
    try:
        _main(list(sys.argv[1:] if argv is None else argv))
    finally:
        set_language(language)
        read_cache.set_bypass(bypass)


def _main(args: list[str]) -> None:
    from typer._click import exceptions

    try:
        console.cache_clear()  # one console per run, measured afresh (tests run many in one process)
        lang, args = _lang_option(args)
        no_cache, args = _take_flag(args, "--no-cache")
        read_cache.set_bypass(no_cache)
        language = _language(lang, args)
        set_language(language)
        command = _command(language, _subcommand(args))
        if not args or any(arg in ("-h", "--help") for arg in args):
            click_words.localize_help(command)
        code = command.main(args=args, prog_name="parktrack", standalone_mode=False)
        raise SystemExit(code if isinstance(code, int) else 0)
    except exceptions.NoArgsIsHelpError as error:  # the help has been printed
        raise SystemExit(error.exit_code) from None
    except exceptions.ClickException as error:
        _fail_usage(error)
    except typer.Abort:
        print(_("Aborted."), file=sys.stderr)
        raise SystemExit(1) from None
    except ParktrackError as error:
        _fail(error)
    except BrokenPipeError:  # e.g. `parktrack list | head`
        sys.stderr.close()
        raise SystemExit(0) from None
