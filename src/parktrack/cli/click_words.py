"""Typer's and Click's own words in the interface language: help texts and panels, usage lines, the
kind of value an option takes, usage errors, and what --install-completion says.

Typer 0.29 vendors Click with its words written in English in the code (no gettext); these functions
put the interface language's words in their place on the command tree or the error, and print nothing.
"""

from __future__ import annotations

import re
from typing import Any

from parktrack.errors import UsageError
from parktrack.i18n import N_, _

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


def translate_help(command: Any) -> Any:
    """Translate the help texts of a Click command tree in place (the msgids are the English texts).

    Flags get an empty metavar and arguments no type, so help shows no `<bool>` or `<list[str]>`.
    """
    for holder in (command, *command.params):
        for attribute in ("help", "short_help", "rich_help_panel"):
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
        translate_help(sub)
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


def localize_help(command: Any) -> None:
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


def usage_message(error: Any) -> str:
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
