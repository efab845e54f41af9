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
import re
import sys
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, NoReturn

import typer

from parktrack import cache as read_cache
from parktrack.cli import config, exchange, meeting, setup, views, writes  # noqa: F401  (registers the commands)
from parktrack.cli.common import app, console
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


_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _install_completion(ctx: Any, param: Any, value: Any) -> Any:
    """Typer's --install-completion, saying what it did in the interface language (Typer's own callback
    prints `bash completion installed in ...` and `Shell x is not supported.` in English)."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import _get_shell_name, install

    shell = value if isinstance(value, str) else _get_shell_name()
    if shell not in _SHELLS:
        message = _("cannot install completion for the shell {shell}: give one of {shells}")
        raise UsageError(message.format(shell=shell or "?", shells=", ".join(_SHELLS)))
    shell, path = install(shell=shell)
    print(_("{shell} completion installed in {path}").format(shell=shell, path=path))
    print(_("Completion takes effect once you restart the terminal."))
    raise SystemExit(0)


# Click's and Typer's words in a usage line and for the kind of value an option takes (`--as-of <str>`)
_USAGE_OPTIONS = N_("[OPTIONS]")
_USAGE_COMMAND = N_("COMMAND [ARGS]...")
# what an argument takes, in the usage line and its help: parktrack note [选项] {ID} {文字}
_ARGUMENT_WORDS = {
    "UNIT": N_("UNIT"),
    "NAME": N_("NAME"),
    "TEXT": N_("TEXT"),
    "FIGURE": N_("FIGURE"),
    "KEY": N_("KEY"),
    "VALUE": N_("VALUE"),
    "FILE...": N_("FILE..."),
    "DIR": N_("DIR"),
}
_TYPE_WORDS = {
    "<str>": N_("<str>"),
    "<int>": N_("<int>"),
    "<int range>": N_("<int range>"),
    "<path>": N_("<path>"),
    "<file>": N_("<file>"),
    "<dir>": N_("<dir>"),
}


def _typed_in_words(display_type: Any) -> Any:
    """An option's `<str>`, `<path>` ... in the interface language; its choices (`<table|tsv>`) as they are."""

    def in_words(ctx: Any) -> Any:
        shown = display_type(ctx)
        return _(_TYPE_WORDS[shown]) if shown in _TYPE_WORDS else shown

    return in_words


def _translate_help(command: Any) -> Any:
    """Translate the help texts of a Click command tree in place (the msgids are the English texts).

    Flags get an empty metavar and arguments no type, so help shows no `<bool>` or `<list[str]>`.
    """
    for holder in (command, *command.params):
        for attribute in ("help", "short_help"):
            text = getattr(holder, attribute, None)
            if text:
                setattr(holder, attribute, _(text))
        if getattr(holder, "is_flag", False) and getattr(holder, "metavar", None) is None:
            holder.metavar = ""
        if getattr(holder, "param_type_name", None) == "argument":
            # its metavar (ID, ID...) already says what it takes: no <str> or <list[str]> beside it
            holder.display_type_rich = lambda ctx: None
            if holder.metavar in _ARGUMENT_WORDS:  # ID stays ID, as the tables head it in every language
                holder.metavar = _(_ARGUMENT_WORDS[holder.metavar])
        elif getattr(holder, "param_type_name", None) == "option" and holder.metavar is None:
            holder.display_type_rich = _typed_in_words(holder.display_type_rich)
        elif getattr(holder, "param_type_name", None) == "option" and holder.metavar in _ARGUMENT_WORDS:
            holder.metavar = _(_ARGUMENT_WORDS[holder.metavar])  # add --lead UNIT
        if getattr(holder, "name", None) == "install_completion":
            holder.callback = _install_completion
    if getattr(command, "options_metavar", None) == "[OPTIONS]":  # the usage line: parktrack list [OPTIONS]
        command.options_metavar = _(_USAGE_OPTIONS)
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = _(_USAGE_COMMAND)
    for sub in getattr(command, "commands", {}).values():
        _translate_help(sub)
    return command


# Typer 0.29 vendors Click with its words written in English in the code (no gettext), and its Rich
# help reads module constants fixed at import. These are its words for people, in the interface
# language: set on the help path only (Rich is imported for help anyway).
_HELP_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
}
HELP_OPTION_HELP = N_("Show this message and exit.")
USAGE = N_("Usage:")


def _localize_help(command: Any) -> None:
    from typer import rich_utils
    from typer._click import formatting

    for name, message in _HELP_WORDS.items():
        setattr(rich_utils, name, _(message))
    make_text = rich_utils._make_rich_text
    if not getattr(make_text, "_parktrack", False):

        def fold_long_runs(**options: Any) -> Any:
            # Chinese has no spaces to wrap at: fold long runs instead of cutting them with "…".
            text = make_text(**options)
            if hasattr(text, "overflow"):
                text.overflow = "fold"
            return text

        fold_long_runs._parktrack = True  # type: ignore[attr-defined]
        rich_utils._make_rich_text = fold_long_runs
    original = formatting.HelpFormatter.write_usage
    if not getattr(original, "_parktrack", False):

        def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            original(self, prog, args, _(USAGE) + " " if prefix is None else prefix)

        write_usage._parktrack = True  # type: ignore[attr-defined]
        formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    _translate_help_option(command)


def _translate_help_option(command: Any, names: list[str] | None = None) -> None:
    from typer._click import Context

    names = names or command.context_settings.get("help_option_names", ["--help"])
    option = command.get_help_option(Context(command, info_name=command.name, help_option_names=names))
    if option is not None:
        option.help, option.metavar = _(HELP_OPTION_HELP), ""
    for sub in getattr(command, "commands", {}).values():
        _translate_help_option(sub, names)


def _click_message(error: Any) -> str:
    """A Click usage error as a sentence in the interface language."""
    from typer._click import exceptions

    if isinstance(error, exceptions.NoSuchOption):
        message = _("No such option: {option}").format(option=error.option_name)
        if error.possibilities:
            message += _(" (did you mean {names}?)").format(names=_(" or ").join(sorted(error.possibilities)))
        return message
    if isinstance(error, exceptions.MissingParameter):
        param = error.param
        if param is not None and param.param_type_name == "option":
            return _("Missing option {name}.").format(name=" / ".join(param.opts))
        name = (param.metavar or (param.name or "").upper()) if param is not None else str(error.param_hint or "")
        return _("Missing argument {name}.").format(name=name)
    if isinstance(error, exceptions.BadParameter):
        param = error.param
        hint = error.param_hint or (" / ".join(getattr(param, "opts", [])) if param is not None else "")
        choices = getattr(getattr(param, "type_descriptor", None), "choices", None)
        if choices:
            listed = ", ".join(str(getattr(c, "value", c)) for c in choices)
            return _("Invalid value for {option}: use one of {choices}.").format(option=hint, choices=listed)
        if "integer" in error.message:
            return _("Invalid value for {option}: give a whole number.").format(option=hint)
        minimum = re.fullmatch(r"Input should be greater than or equal to (\S+)", error.message)
        if minimum:  # Pydantic's words for typer.Option(min=...)
            return _("Invalid value for {option}: give a number of at least {minimum}.").format(
                option=hint, minimum=minimum[1]
            )
        wrong_kind = _wrong_kind_of_path(error.message)
        if wrong_kind:
            return _("Invalid value for {option}: {reason}.").format(option=hint, reason=wrong_kind)
        reason = error.message.removeprefix("Value error, ").rstrip(".")
        return _("Invalid value for {option}: {reason}.").format(option=hint, reason=reason)
    if isinstance(error, exceptions.BadOptionUsage) and error.message.endswith("requires an argument."):
        return _("Option {option} needs a value.").format(option=error.option_name)
    if error.message.startswith("Got unexpected extra argument"):
        extra = error.message.rpartition("(")[2].rstrip(")")
        return _("Unexpected extra arguments: {arguments}.").format(arguments=extra)
    if error.message.startswith("No such command"):
        # Click's "No such command 'lsit'.", to which Typer adds " Did you mean 'list'?"
        name, _dot, suggested = error.message.removeprefix("No such command ").partition(". Did you mean ")
        if suggested:
            name += _(" (did you mean {names}?)").format(names=_(" or ").join(suggested.rstrip("?").split(", ")))
        return _("No such command: {name}.").format(name=name.rstrip("."))
    return str(error.message)


def _wrong_kind_of_path(message: str) -> str | None:
    """Typer's words for a path of the other kind (`-o 催办` where 催办 is a folder) in the interface
    language; None for any other message."""
    found = re.fullmatch(r"(?:file|dir|path) ('.*'|\".*\") is a (file|directory)\.", message, re.DOTALL)
    if found is None:
        return None
    import ast

    path = ast.literal_eval(found[1])  # Typer shows it as its repr: D:\\台账 on Windows
    if found[2] == "directory":
        return _("{path} is a folder; give a file").format(path=path)
    return _("{path} is a file; give a folder").format(path=path)


def _fail_usage(error: Any) -> NoReturn:
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        _localize_help(ctx.command)
        print(ctx.get_usage(), file=sys.stderr)
    print(_("error: {message}").format(message=_click_message(error)), file=sys.stderr)
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
    return _translate_help(typer.main.get_command(_only(name)))


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
    """The app with only the subcommand `name` registered (the whole app for None)."""
    if name is None:
        return app
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
            _localize_help(command)
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
