"""Finding units, officials, items and indicators by what people type, simplified or traditional.

A name is found, in this order, by: its exact key (name, alias, id); a unique part of it; the same
two after folding simplified and traditional together (县财政局 = 縣財政局); and last an abbreviation
whose characters appear in order in the name (发改局 -> 縣發展改革局, 人社局 -> 縣人力資源和社會保障局).
An ambiguous text lists the candidates; an unknown one gets a "did you mean" when something is close.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Generic, Protocol, TypeVar

from parktrack.errors import UsageError
from parktrack.i18n import N_, _, display

T = TypeVar("T")

# What a Matcher looks for; marked here so the catalogs carry them (shown through _()).
WHAT = (N_("unit"), N_("lead official"), N_("task"), N_("indicator"))


@cache
def _converter() -> object:
    import opencc  # imported only when a plain match fails

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """A form in which simplified and traditional spellings compare equal."""
    return _converter().convert(text).strip()  # type: ignore[attr-defined,no-any-return]


def suggestions(word: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    return difflib.get_close_matches(word, list(choices), n=limit, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = suggestions(word, choices)
    return _(" (did you mean {names}?)").format(names=_(" or ").join(close)) if close else ""


def in_order(short: str, name: str) -> bool:
    """Whether every character of `short` appears in `name`, in order (an abbreviation)."""
    rest = iter(name)
    return all(char in rest for char in short)


class Matcher(Generic[T]):
    """Resolve typed text to one thing by exact key, unique part, script folding, then abbreviation."""

    def __init__(self, what: str, keys: Mapping[str, T], display: Mapping[str, T] | None = None) -> None:
        self.what = what
        self.keys = dict(keys)
        # names shown to the user when listing candidates, mapped to their thing
        self.display = dict(display or keys)

    def find(self, text: str) -> T:
        query = text.strip()
        found = self._exact(query) or self._partial(query, self.display)
        if found is None:
            found = self._folded(query)
        if found is None:
            raise UsageError(_("unknown {what} '{text}'").format(what=_(self.what), text=text) + self._close(query))
        return found

    def _close(self, query: str) -> str:
        """A "did you mean" over the names (compared folded, shown in the interface's script), else the keys."""
        if query.isascii():
            return did_you_mean(query, self.keys)
        shown = {fold(name): display(name) for name in self.display}
        close = suggestions(fold(query), shown)
        if not close:
            return ""
        return _(" (did you mean {names}?)").format(names=_(" or ").join(shown[name] for name in close))

    def _exact(self, query: str) -> T | None:
        return self.keys.get(query)

    def _partial(self, query: str, names: Mapping[str, T]) -> T | None:
        return self._one(query, {name: thing for name, thing in names.items() if query and query in name})

    def _one(self, query: str, hits: Mapping[str, T]) -> T | None:
        things = {id(thing): thing for thing in hits.values()}
        if len(things) > 1:
            listed = "、".join(sorted(display(name) for name in self._shown(hits.values())))
            raise UsageError(
                _("{what} '{text}' is ambiguous: it matches {names}").format(
                    what=_(self.what), text=query, names=listed
                )
            )
        return next(iter(things.values()), None)

    def _folded(self, query: str) -> T | None:
        folded_query = fold(query)
        exact = {fold(key): thing for key, thing in self.keys.items()}
        if folded_query in exact:
            return exact[folded_query]
        folded_names = {fold(name): thing for name, thing in self.display.items()}
        found = self._partial(folded_query, folded_names)
        if found is None and len(folded_query) >= 2 and not folded_query.isascii():
            hits = {name: thing for name, thing in folded_names.items() if in_order(folded_query, name)}
            found = self._one(query, hits)
        return found

    def _shown(self, things: Iterable[T]) -> set[str]:
        wanted = {id(thing) for thing in things}
        firsts: dict[int, str] = {}
        for name, thing in self.display.items():
            firsts.setdefault(id(thing), name)
        # a folded name maps back to the first display name of its thing
        return {name for key, name in firsts.items() if key in wanted}


# --- item ids: T7, t07, T 07 -> T07; m3.1 -> M03.1; j1 -> J01 ---------------------------

_ITEM_ID = re.compile(r"^([TtMmJj])\s*-?\s*0*(\d{1,3})(?:\s*[.．]\s*0*(\d{1,3}))?$")


def item_id(text: str) -> str:
    """The canonical spelling of an item id as people type it (in full width too: Ｔ０７, the Chinese input
    method's full-width mode); other text is returned as is, upper-cased."""
    match = _ITEM_ID.match(unicodedata.normalize("NFKC", text).strip())
    if not match:
        return text.strip().upper()
    letter, number, sub = match.groups()
    return f"{letter.upper()}{int(number):02d}" + (f".{int(sub)}" if sub else "")


class HasId(Protocol):
    @property
    def id(self) -> str: ...


Identified = TypeVar("Identified", bound=HasId)


def find_item(items: Sequence[Identified], text: str) -> Identified:
    wanted = item_id(text)
    for item in items:
        if item.id == wanted:
            return item
    raise UsageError(
        _("unknown {what} '{text}'").format(what=_("task"), text=text)
        + did_you_mean(wanted, [item.id for item in items])
    )


class Named(HasId, Protocol):
    @property
    def name(self) -> str: ...


NamedThing = TypeVar("NamedThing", bound=Named)


def find_indicator(indicators: Sequence[NamedThing], text: str) -> NamedThing:
    """By id (gross-output), Chinese name (規上工業總產值, 规上工业总产值) or a unique part of the name."""
    keys: dict[str, NamedThing] = {indicator.id: indicator for indicator in indicators}
    wanted = text.strip().lower()
    if wanted in keys:
        return keys[wanted]
    names = {indicator.name: indicator for indicator in indicators}
    return Matcher(WHAT[3], {**keys, **names}, names).find(text)
