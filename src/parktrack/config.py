"""The user's own settings: a small TOML file in the platform's usual place for them.

    ~/.config/parktrack/config.toml          (Linux; $XDG_CONFIG_HOME is honoured)
    ~/Library/Application Support/parktrack  (macOS)
    %APPDATA%\\parktrack                      (Windows)

`PARKTRACK_CONFIG` names another file. Today it holds one setting, the interface language:

    lang = "zh-Hans"

`choose_language` decides the interface language for a run. platformdirs is imported only when
neither --lang nor PARKTRACK_LANG chose it, and tomllib only when the file exists, so a run without
a config file pays for platformdirs alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from parktrack.errors import UsageError, WriteError, os_reason
from parktrack.files import atomic_write
from parktrack.i18n import DEFAULT_LANGUAGE, LANGUAGES, Language, _, locale_language, parse_language

CONFIG_ENV = "PARKTRACK_CONFIG"
CONFIG_NAME = "config.toml"
KEYS = ("lang",)


def config_path(environ: Mapping[str, str]) -> Path:
    """Where the user's config file is (whether or not it exists yet)."""
    explicit = environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_config_dir("parktrack", appauthor=False, roaming=True)) / CONFIG_NAME


def read_config(path: Path) -> dict[str, Any]:
    """The settings in `path`; an empty dict when there is no file. A broken file is a usage error."""
    text = _config_text(path)
    if text is None:
        return {}
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(_("{path}: not a valid TOML file: {reason}").format(path=path, reason=error)) from None


def _config_text(path: Path) -> str | None:
    """The file's text, None when there is none; one that cannot be read or decoded is a usage error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UsageError(
            _("{path}: cannot read the config file ({reason})").format(path=path, reason=os_reason(error))
        ) from None
    return _decoded(path, raw)


def _decoded(path: Path, raw: bytes) -> str:
    """The file's text; one saved in another encoding (Notepad's 'ANSI', GBK on a Chinese Windows) is a
    usage error saying where and what to do, not Python's codec message."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = _("{path}: not valid UTF-8 at line {line} (byte 0x{byte:02x}); save the file as UTF-8")
        raise UsageError(message.format(path=path, line=line, byte=raw[error.start])) from None
    control = _CONTROL.search(text)  # TOML's own message is English: Invalid statement (at line 3, column 1)
    if control:
        line, code = text.count("\n", 0, control.start()) + 1, ord(control[0])
        message = _(
            "{path}: control character U+{code:04X} at line {line} "
            "(Ctrl-Z is U+001A, which old editors put at the end of a file); delete it"
        )
        raise UsageError(message.format(path=path, code=code, line=line))
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # what TOML refuses: all but tab, LF and CR


def configured_language(environ: Mapping[str, str]) -> Language | None:
    """The `lang` setting of the user's config file, if there is one."""
    path = config_path(environ)
    value = read_config(path).get("lang")
    if value is None:
        return None
    language = parse_language(str(value))
    if language is None:
        raise UsageError(
            _("{path}: unknown language '{value}' in lang; use one of {choices}").format(
                path=path, value=value, choices=", ".join(LANGUAGES)
            )
        )
    return language


def check_key(key: str) -> None:
    if key not in KEYS:
        raise UsageError(_("unknown setting '{key}'; settings: {keys}").format(key=key, keys=", ".join(KEYS)))


def check_setting(key: str, value: str) -> str:
    """The value to store for `key`, checked (a language is stored in its canonical spelling)."""
    check_key(key)
    language = parse_language(value)
    if language is None:
        raise UsageError(
            _("unknown language '{value}'; use one of {choices}").format(value=value, choices=", ".join(LANGUAGES))
        )
    return language


def write_setting(path: Path, key: str, value: str) -> None:
    """Set `key = "value"` in the file, keeping its other lines; written atomically."""
    old = _config_text(path) or ""
    line = f'{key} = "{value}"'
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=.*$", re.MULTILINE)
    if pattern.search(old):
        new = pattern.sub(line.replace("\\", "\\\\"), old, count=1)
    else:
        new = old + ("" if not old or old.endswith("\n") else "\n") + line + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, new)
    except OSError as error:  # a read-only folder, a full disk
        raise WriteError.refused(path, error) from None


def choose_language(option: str | None, environ: Mapping[str, str]) -> Language:
    """--lang, else PARKTRACK_LANG, else the user config file, else the locale, else DEFAULT_LANGUAGE."""
    for source, value in (("--lang", option), ("PARKTRACK_LANG", environ.get("PARKTRACK_LANG"))):
        if value:
            language = parse_language(value)
            if language is None:
                raise UsageError(
                    _("{source}: unknown language '{value}'; use one of {choices}").format(
                        source=source, value=value, choices=", ".join(LANGUAGES)
                    )
                )
            return language
    return configured_language(environ) or locale_language(environ) or DEFAULT_LANGUAGE
