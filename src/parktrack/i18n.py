"""The interface language: gettext catalogs for parktrack's own words, OpenCC for the ledger's text.

Messages are written in English in the code and wrapped in `_()` (or `ngettext`, or `N_` where the
text is only marked and translated later); the catalogs under `locale/` give simplified and
traditional Chinese. The ledger's own text (items, units, officials) is stored as the document
writes it and converted only for display, by `display`.

Nothing here translates until `set_language` is called: domain code imported by tests or scripts
speaks English, and the CLI chooses the language once per run (see `config.choose_language`).
"""

from __future__ import annotations

import gettext
import sys
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal, get_args

Language = Literal["zh-Hans", "zh-Hant", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "zh-Hans"
DOMAIN = "parktrack"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

# gettext folder names for each language (BCP 47 script subtags, as gettext expects them)
_CATALOG_NAMES: dict[Language, str] = {"zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant", "en": "en"}

_state: dict[str, object] = {"language": "en", "translations": gettext.NullTranslations()}


def _translations() -> gettext.NullTranslations:
    return _state["translations"]  # type: ignore[return-value]


def current_language() -> Language:
    return _state["language"]  # type: ignore[return-value]


def set_language(language: Language) -> None:
    """Speak `language` from now on; English needs no catalog."""
    translations: gettext.NullTranslations = gettext.NullTranslations()
    if language != "en":
        translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_CATALOG_NAMES[language]])
    _state.update(language=language, translations=translations)


def _(message: str) -> str:
    """Translate one message into the interface language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message that depends on a count (Chinese has one form for both)."""
    return _translations().ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """Translate a message that reads differently in `context` (a form's column, a chart's legend)."""
    return _translations().pgettext(context, message)


def N_(message: str) -> str:  # noqa: N802  (gettext's own name for "mark only")
    """Mark a message for the catalogs without translating it here; `_()` it where it is shown."""
    return message


# Windows names its locales in English words: "Chinese (Traditional)_Taiwan.950", "Chinese_China.936" ...
_TRADITIONAL_WORDS = ("traditional", "taiwan", "hong kong", "hongkong", "macao", "macau")
_TRADITIONAL_TAGS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


def parse_language(text: str) -> Language | None:
    """`zh-Hans`, `zh_CN`, `zh-TW`, `en_US.UTF-8`, `Chinese (Traditional)_Taiwan.950` ... as one of the three.

    None when the text names no language we speak (`fr_FR`, `C`, ...).
    """
    tag = text.strip().split(".")[0].split("@")[0].replace("_", "-").lower()
    if not tag:
        return None
    if tag.startswith("chinese"):  # a Windows locale name
        return "zh-Hant" if any(word in tag for word in _TRADITIONAL_WORDS) else "zh-Hans"
    if tag.startswith(_TRADITIONAL_TAGS):
        return "zh-Hant"
    if tag == "zh" or tag.startswith("zh-"):
        return "zh-Hans"
    if tag == "en" or tag.startswith(("en-", "english")):
        return "en"
    return None


LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def locale_language(environ: Mapping[str, str]) -> Language | None:
    """The language the user's locale asks for: LC_ALL, LC_MESSAGES, LANG (the first set wins, as in
    POSIX), else on Windows the user's default locale. None for C/POSIX or a language we don't speak."""
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable)
        if value:
            return parse_language(value)
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_language()
    return None


def _windows_language() -> Language | None:  # pragma: no cover - Windows only
    import ctypes
    import locale

    buffer = ctypes.create_unicode_buffer(85)
    if ctypes.windll.kernel32.GetUserDefaultLocaleName(buffer, len(buffer)):  # type: ignore[attr-defined]
        found = parse_language(buffer.value)  # "zh-CN", "zh-TW" ...
        if found:
            return found
    name = locale.getlocale()[0]  # "Chinese (Simplified)_China" ...
    return parse_language(name) if name else None


def display(text: str) -> str:
    """The ledger's own text as the interface shows it: simplified for zh-Hans, else as stored."""
    if current_language() != "zh-Hans" or text.isascii():
        return text
    return _simplified(text)


@lru_cache(maxsize=8192)  # unit and official names repeat on every row
def _simplified(text: str) -> str:
    return _to_simplified().convert(text)  # type: ignore[attr-defined,no-any-return]


@cache
def _to_simplified() -> object:
    import opencc  # imported only when Chinese text is shown in simplified

    return opencc.OpenCC("t2s")
