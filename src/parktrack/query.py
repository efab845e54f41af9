"""Questions asked of the ledger: which items, how late, whose. Plain data in, plain data out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

from parktrack.deadlines import DEFAULT_WARN_DAYS, Assessment, assess
from parktrack.ledger import Ledger
from parktrack.models import Task, Unit


@dataclass(frozen=True)
class Filters:
    """What `list`, `overdue`, `due` and friends narrow the items by; None means any."""

    unit: Unit | None = None
    role: str | None = None
    leader: str | None = None
    section: int | None = None
    kind: str | None = None
    status: str | None = None
    search: str | None = None
    light: str | None = None


@dataclass(frozen=True)
class Row:
    """One item and where it stands on the as-of day."""

    task: Task
    state: Assessment
    roles: tuple[str, ...] = ()


def roles_of(ledger: Ledger, task: Task, unit: Unit) -> tuple[str, ...]:
    """How `unit` takes part in `task`: lead, support, or neither."""
    roles = []
    if any(ledger.canonical(name) == unit.name for name in task.lead_units):
        roles.append("lead")
    if any(ledger.canonical(name) == unit.name for name in (*task.support_units, *task.groups)):
        roles.append("support")
    return tuple(roles)


def select(ledger: Ledger, day: date, filters: Filters = Filters(), warn_days: int = DEFAULT_WARN_DAYS) -> list[Row]:
    rows = []
    for task in _candidates(ledger, day, filters):
        roles: tuple[str, ...] = ()
        if filters.unit is not None:
            roles = roles_of(ledger, task, filters.unit)
            if not roles or (filters.role and filters.role not in roles):
                continue
        if not _static_match(task, filters):
            continue
        state = assess(task, day, warn_days)
        if filters.status and state.status != filters.status:
            continue
        if filters.light and state.light != filters.light:
            continue
        rows.append(Row(task, state, roles))
    if filters.search:
        rows = _search(rows, filters.search)
    return rows


def _candidates(ledger: Ledger, day: date, filters: Filters) -> Iterable[Task]:
    """The items that may pass the filters, in ledger order: all of them, or (when the ledger came from
    the cache with its lookup) only those naming the unit or official, or past their deadline for red.
    Each is still tested in full, so the lookup can only save work, never change an answer."""
    lookup = ledger.tasks.lookup
    if lookup is None:
        return ledger.tasks
    narrowed: set[int] | None = None
    if filters.unit is not None:
        names = (filters.unit.name, *filters.unit.aliases)
        narrowed = {position for name in names for position in lookup.names.get(name, ())}
    if filters.leader is not None:
        narrowed = _narrow(narrowed, lookup.leaders.get(filters.leader, ()))
    if filters.light == "red":  # red is past the deadline: a day before `day` at the latest
        today = day.toordinal()
        late = (position for position, deadline in enumerate(lookup.deadlines) if deadline and deadline < today)
        narrowed = _narrow(narrowed, late)
    if narrowed is None:
        return ledger.tasks
    return ledger.tasks.take(sorted(narrowed))


def _narrow(narrowed: set[int] | None, positions: Iterable[int]) -> set[int]:
    return set(positions) if narrowed is None else narrowed.intersection(positions)


def _static_match(task: Task, filters: Filters) -> bool:
    return (
        (filters.leader is None or filters.leader in task.leaders)
        and (filters.section is None or task.section == filters.section)
        and (filters.kind is None or task.kind == filters.kind)
    )


def _search(rows: list[Row], text: str) -> list[Row]:
    plain = [row for row in rows if text in _haystack(row.task)]
    if plain or text.isascii():
        return plain
    from parktrack.names import fold

    folded = fold(text)
    return [row for row in rows if folded in fold(_haystack(row.task))]


def _haystack(task: Task) -> str:
    return " ".join((task.id, task.text, task.measure or "", task.deadline_text or ""))


def overdue(ledger: Ledger, day: date, filters: Filters = Filters()) -> list[Row]:
    """Items overdue on `day`, most days overdue first."""
    rows = select(ledger, day, replace(filters, light="red"))
    return sorted(rows, key=lambda row: -(row.state.days_overdue or 0))


def due_within(ledger: Ledger, day: date, days: int, filters: Filters = Filters()) -> list[Row]:
    """Open items whose deadline falls on `day` or in the `days` after it, soonest first."""
    rows = [
        row
        for row in select(ledger, day, filters, warn_days=days)
        if row.state.days_left is not None and row.state.days_left <= days
    ]
    return sorted(rows, key=lambda row: row.state.days_left or 0)


def by_lead_unit(ledger: Ledger, rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Group rows under each lead unit; an item with two lead units shows under both."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        for name in row.task.lead_units:
            groups.setdefault(ledger.canonical(name), []).append(row)
    return groups


# --- accountability views -----------------------------------------------------


@dataclass
class Tally:
    """Counts over a set of items on one day."""

    items: int = 0
    done: int = 0
    in_progress: int = 0
    overdue: int = 0
    due_soon: int = 0
    next_deadline: date | None = None

    def add(self, row: Row) -> None:
        state = row.state
        self.items += 1
        self.done += state.completed is not None
        self.in_progress += state.status == "in_progress"
        self.overdue += state.light == "red"
        self.due_soon += state.light == "yellow"
        deadline = row.task.deadline
        if state.completed is None and deadline is not None and deadline >= state.day:
            self.next_deadline = min(filter(None, (self.next_deadline, deadline)))


@dataclass
class UnitSummary:
    unit: Unit
    leads: int = 0
    supports: int = 0
    overdue_lead: int = 0
    tally: Tally = field(default_factory=Tally)


@dataclass
class LeaderSummary:
    leader: str
    tally: Tally = field(default_factory=Tally)


SORTS = ("ledger", "overdue", "items", "name")
S = TypeVar("S")


def unit_summaries(
    ledger: Ledger, day: date, warn_days: int = DEFAULT_WARN_DAYS, sort: str = "ledger"
) -> list[UnitSummary]:
    summaries = {unit.id: UnitSummary(unit) for unit in ledger.units}
    for row in select(ledger, day, warn_days=warn_days):
        leads = {ledger.unit_by_name[name].id for name in row.task.lead_units}
        supports = {ledger.unit_by_name[name].id for name in (*row.task.support_units, *row.task.groups)}
        for unit_id in leads | supports:
            summary = summaries[unit_id]
            summary.tally.add(row)
            summary.leads += unit_id in leads
            summary.supports += unit_id in supports - leads
            summary.overdue_lead += unit_id in leads and row.state.light == "red"
    ordered = [s for s in summaries.values() if s.tally.items]
    return _sorted(ordered, sort, lambda s: s.unit.name, lambda s: s.tally)


def leader_summaries(
    ledger: Ledger, day: date, warn_days: int = DEFAULT_WARN_DAYS, sort: str = "ledger"
) -> list[LeaderSummary]:
    summaries = {name: LeaderSummary(name) for name in ledger.leaders}
    for row in select(ledger, day, warn_days=warn_days):
        for leader in row.task.leaders:
            summaries[leader].tally.add(row)
    return _sorted(list(summaries.values()), sort, lambda s: s.leader, lambda s: s.tally)


def _sorted(summaries: list[S], sort: str, name: Callable[[S], str], tally: Callable[[S], Tally]) -> list[S]:
    if sort == "overdue":
        return sorted(summaries, key=lambda s: (-tally(s).overdue, -tally(s).due_soon))
    if sort == "items":
        return sorted(summaries, key=lambda s: -tally(s).items)
    if sort == "name":
        return sorted(summaries, key=name)
    return summaries
