"""Plain stand-ins for a ledger item and its history entries: what `parktrack.deadlines` reads of them
(a deadline, dated statuses, long-term), without building the Pydantic models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Entry:
    date: date
    status: str | None = None


@dataclass(frozen=True)
class Item:
    deadline: date | None
    history: list[Entry] = field(default_factory=list)
    long_term: bool = False
