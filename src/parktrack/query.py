"""Questions asked of the ledger: which items, how late, whose. Plain data in, plain data out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple, TypeVar

from parktrack.deadlines import DEFAULT_WARN_DAYS, Assessment, assess
from parktrack.ledger import Ledger, Sketch
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
    """How `unit` takes part in `task`: lead, support, or neither. A unit named both as lead and as
    cooperating unit leads, as `unit_summaries` counts it."""
    if any(ledger.canonical(name) == unit.name for name in task.lead_units):
        return ("lead",)
    if any(ledger.canonical(name) == unit.name for name in (*task.support_units, *task.groups)):
        return ("support",)
    return ()


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
    if text.isascii():  # an id or a Latin word as typed: t07 finds T07, as ids are found everywhere else
        wanted = text.lower()
        return [row for row in rows if wanted in _haystack(row.task).lower()]
    plain = [row for row in rows if text in _haystack(row.task)]
    if plain:
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
    """Group rows under each lead unit; an item with two lead units shows under both, and once under a
    unit it names twice (by two of its names)."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        for name in dict.fromkeys(ledger.canonical(name) for name in row.task.lead_units):
            groups.setdefault(name, []).append(row)
    return groups


# --- accountability views -----------------------------------------------------


class Standing(NamedTuple):
    """What a tally counts of one item on one day: items standing alike are counted together."""

    done: bool
    in_progress: bool
    light: str
    ahead: date | None  # the deadline while the item is open and the deadline not yet past

    @classmethod
    def of(cls, deadline: date | None, state: Assessment) -> Standing:
        open_ahead = state.completed is None and deadline is not None and deadline >= state.day
        return cls(
            state.completed is not None, state.status == "in_progress", state.light, deadline if open_ahead else None
        )


@dataclass
class Tally:
    """Counts over a set of items on one day."""

    items: int = 0
    done: int = 0
    in_progress: int = 0
    overdue: int = 0
    due_soon: int = 0
    next_deadline: date | None = None

    def add(self, standing: Standing, count: int = 1) -> None:
        """Count `count` items standing as `standing`."""
        self.items += count
        self.done += standing.done * count
        self.in_progress += standing.in_progress * count
        self.overdue += (standing.light == "red") * count
        self.due_soon += (standing.light == "yellow") * count
        if standing.ahead is not None:
            self.next_deadline = min(filter(None, (self.next_deadline, standing.ahead)))


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
    id_of = {name: unit.id for name, unit in ledger.unit_by_name.items()}
    counted: Counter[tuple[str, bool, Standing]] = Counter()  # (unit id, leads it, standing): items
    for item, standing in _standings(ledger, day, warn_days):
        leads = {id_of[name] for name in item.lead_units}
        supports = {id_of[name] for name in (*item.support_units, *item.groups)} - leads
        counted.update([(unit_id, True, standing) for unit_id in leads])
        counted.update([(unit_id, False, standing) for unit_id in supports])
    for (unit_id, lead, standing), count in counted.items():
        summary = summaries[unit_id]
        summary.tally.add(standing, count)
        if lead:
            summary.leads += count
            summary.overdue_lead += count * (standing.light == "red")
        else:
            summary.supports += count
    ordered = [s for s in summaries.values() if s.tally.items]
    return _sorted(ordered, sort, lambda s: s.unit.name, lambda s: s.tally)


def leader_summaries(
    ledger: Ledger, day: date, warn_days: int = DEFAULT_WARN_DAYS, sort: str = "ledger"
) -> list[LeaderSummary]:
    summaries = {name: LeaderSummary(name) for name in ledger.leaders}
    counted: Counter[tuple[str, Standing]] = Counter()
    for item, standing in _standings(ledger, day, warn_days):
        counted.update([(leader, standing) for leader in item.leaders])
    for (leader, standing), count in counted.items():
        summaries[leader].tally.add(standing, count)
    return _sorted(list(summaries.values()), sort, lambda s: s.leader, lambda s: s.tally)


def _standings(ledger: Ledger, day: date, warn_days: int) -> Iterator[tuple[Sketch | Task, Standing]]:
    """Every item and how it stands on `day`, read from sketches (no filter applies to these views)."""
    for item in ledger.tasks.sketches():
        yield item, Standing.of(item.deadline, assess(item, day, warn_days))


def _sorted(summaries: list[S], sort: str, name: Callable[[S], str], tally: Callable[[S], Tally]) -> list[S]:
    if sort == "overdue":
        return sorted(summaries, key=lambda s: (-tally(s).overdue, -tally(s).due_soon))
    if sort == "items":
        return sorted(summaries, key=lambda s: -tally(s).items)
    if sort == "name":
        return sorted(summaries, key=name)
    return summaries
