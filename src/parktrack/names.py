"""Finding units, officials and ids by what a user types, simplified or traditional."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Generic, TypeVar

from parktrack.errors import UsageError

T = TypeVar("T")


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
    return f" (did you mean {' or '.join(close)}?)" if close else ""


class Matcher(Generic[T]):
    """Resolve typed text to one thing by exact key, unique part, then script folding."""

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
            raise UsageError(f"unknown {self.what} '{text}'{did_you_mean(query, self.display)}")
        return found

    def _exact(self, query: str) -> T | None:
        return self.keys.get(query)

    def _partial(self, query: str, names: Mapping[str, T]) -> T | None:
        hits = {name: thing for name, thing in names.items() if query and query in name}
        things = {id(thing): thing for thing in hits.values()}
        if len(things) > 1:
            listed = ", ".join(sorted(self._shown(hits.values())))
            raise UsageError(f"{self.what} '{query}' is ambiguous: it matches {listed}")
        return next(iter(things.values()), None)

    def _folded(self, query: str) -> T | None:
        folded_query = fold(query)
        exact = {fold(key): thing for key, thing in self.keys.items()}
        if folded_query in exact:
            return exact[folded_query]
        return self._partial(folded_query, {fold(name): thing for name, thing in self.display.items()})

    def _shown(self, things: Iterable[T]) -> set[str]:
        wanted = {id(thing) for thing in things}
        firsts: dict[int, str] = {}
        for name, thing in self.display.items():
            firsts.setdefault(id(thing), name)
        return {name for key, name in firsts.items() if key in wanted}
