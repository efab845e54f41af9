"""The dispatch-meeting report (調度會議) as plain data, composed from the ledger on one day.

Everything here is facts: counts, dated changes, rows and series. Words and layout belong to
`layout` and the writers; numbers are asserted against this module by the tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from parktrack import query
from parktrack.deadlines import DEFAULT_WARN_DAYS, DONE_STATUSES, month_end, period_bounds
from parktrack.deadlines import assess as assess_item
from parktrack.errors import UsageError
from parktrack.i18n import _
from parktrack.indicators import Progress, assess, effective_value, series
from parktrack.ledger import Ledger
from parktrack.models import Indicator, Plan, Task
from parktrack.query import LeaderSummary, Row, UnitSummary

ChangeKind = Literal["completed", "overdue", "status", "note", "figure"]
SinceSource = Literal["option", "previous_report", "quarter"]
LIGHT_ORDER = ("red", "yellow", "green", None)
_KIND_ORDER: dict[ChangeKind, int] = {"completed": 0, "overdue": 1, "status": 2, "note": 3, "figure": 4}


@dataclass(frozen=True)
class Provenance:
    """Where the data came from: its folder, and the git commit it was read at."""

    folder: str
    bundled: bool
    commit: str | None = None
    dirty: bool = False


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the report, on one day."""

    day: date
    items: int
    done: int
    in_progress: int
    overdue: int
    due_soon: int
    lights: dict[str | None, int]  # indicators by light; None: no figure yet


@dataclass(frozen=True)
class Change:
    """One change that took effect inside the window, dated by when it took effect."""

    day: date
    kind: ChangeKind
    subject_id: str
    subject: str  # the item's text or the indicator's name, as the ledger writes it
    status_from: str | None = None
    status_to: str | None = None
    note: str | None = None
    figure: Indicator | None = None
    period: str | None = None
    value: bool | float | None = None
    correction: bool = False
    reference: float | None = None  # a margin's reference figure, recorded with the figure
    withdrawn: bool = False  # the period's figure withdrawn (it has none again)


@dataclass(frozen=True)
class OverdueRow:
    task: Task
    status: str
    days_overdue: int
    latest_note: str | None
    latest_note_day: date | None


@dataclass(frozen=True)
class UnitOverdue:
    unit: str  # canonical name
    rows: list[OverdueRow]


@dataclass(frozen=True)
class MonthPoint:
    """Items due by the end of a month, and items done by then (None for months after the as-of day)."""

    month: int
    due: int
    done: int | None


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    day: date  # the period's last day
    value: float


@dataclass(frozen=True)
class IndicatorSeries:
    """A cumulative indicator's recorded figures, to draw against the 序時進度 line."""

    indicator: Indicator
    points: list[SeriesPoint]


@dataclass(frozen=True)
class Report:
    plan: Plan
    as_of: date
    since: date
    since_source: SinceSource
    provenance: Provenance
    headline: Headline
    before: Headline  # the same figures on the day before `since`
    changes: list[Change]
    overdue: list[UnitOverdue]
    units: list[UnitSummary]
    leaders: list[LeaderSummary]
    indicators: list[Progress]
    months: list[MonthPoint]
    series: list[IndicatorSeries]
    overdue_per_unit: list[tuple[str, int]] = field(default_factory=list)

    def changes_of(self, kind: ChangeKind) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def default_since(as_of: date, previous_reports: list[date]) -> tuple[date, SinceSource]:
    """The day after the latest earlier report's as-of day, else the first day of the as-of quarter."""
    earlier = [day for day in previous_reports if day < as_of]
    if earlier:
        return max(earlier) + timedelta(days=1), "previous_report"
    return quarter_start(as_of), "quarter"


def window_start(
    as_of: date, asked: date | None, previous_reports: Callable[[], list[date]]
) -> tuple[date, SinceSource]:
    """--since as asked, else the default; never after the as-of day, nor on the calendar's first day (the
    report compares with the day before its window)."""
    if asked is None:
        start, source = default_since(as_of, previous_reports())
    elif asked > as_of:
        raise UsageError(_("--since {since} is after --as-of {as_of}").format(since=asked, as_of=as_of))
    else:
        start, source = asked, "option"
    if start == date.min:
        raise UsageError(_("a report cannot start on {day}: it compares with the day before").format(day=start))
    return start, source


def compose(
    ledger: Ledger,
    as_of: date,
    since: date,
    since_source: SinceSource,
    provenance: Provenance,
    warn_days: int = DEFAULT_WARN_DAYS,
) -> Report:
    """Everything the report shows, as of `as_of`; changes are those effective from `since` to `as_of`."""
    rows = query.select(ledger, as_of, warn_days=warn_days)
    overdue_rows = query.overdue(ledger, as_of)
    grouped = query.by_lead_unit(ledger, overdue_rows)
    overdue = [
        UnitOverdue(name, [_overdue_row(row, as_of) for row in group])
        for name, group in sorted(grouped.items(), key=lambda item: -len(item[1]))
    ]
    units = [s for s in query.unit_summaries(ledger, as_of, warn_days) if not s.unit.is_group]
    units.sort(key=lambda s: (-s.overdue_lead, -s.leads))
    leaders = sorted(query.leader_summaries(ledger, as_of, warn_days), key=lambda s: (-s.tally.overdue, -s.tally.items))
    progress = [assess(indicator, as_of, ledger.plan.year) for indicator in ledger.indicators]
    return Report(
        plan=ledger.plan,
        as_of=as_of,
        since=since,
        since_source=since_source,
        provenance=provenance,
        headline=_headline(ledger, as_of, rows, progress),
        before=headline_on(ledger, since - timedelta(days=1), warn_days),
        changes=sorted(changes_between(ledger, since, as_of), key=lambda c: (c.day, _KIND_ORDER[c.kind])),
        overdue=overdue,
        units=units,
        leaders=leaders,
        indicators=progress,
        months=month_points(ledger, as_of),
        series=cumulative_series(ledger, as_of),
        overdue_per_unit=[(group.unit, len(group.rows)) for group in overdue],
    )


def headline_on(ledger: Ledger, day: date, warn_days: int = DEFAULT_WARN_DAYS) -> Headline:
    rows = query.select(ledger, day, warn_days=warn_days)
    progress = [assess(indicator, day, ledger.plan.year) for indicator in ledger.indicators]
    return _headline(ledger, day, rows, progress)


def _headline(ledger: Ledger, day: date, rows: list[Row], progress: list[Progress]) -> Headline:
    lights = Counter(p.light for p in progress)
    tally = query.Tally()  # the same counts as the accountability tables
    for row in rows:
        tally.add(query.Standing.of(row.task.deadline, row.state))
    return Headline(
        day=day,
        items=tally.items,
        done=tally.done,
        in_progress=tally.in_progress,
        overdue=tally.overdue,
        due_soon=tally.due_soon,
        lights={light: lights.get(light, 0) for light in LIGHT_ORDER},
    )


def _overdue_row(row: Row, as_of: date) -> OverdueRow:
    noted = [entry for entry in row.task.history if entry.note and entry.date <= as_of]
    latest = noted[-1] if noted else None
    return OverdueRow(
        task=row.task,
        status=row.state.status,
        days_overdue=row.state.days_overdue or 0,
        latest_note=latest.note if latest else None,
        latest_note_day=latest.date if latest else None,
    )


def last_progress(task: Task, as_of: date) -> date | None:
    """The day of the item's last recorded entry (a status or a note) on or before `as_of`."""
    days = [entry.date for entry in task.history if entry.date <= as_of]
    return days[-1] if days else None


# --- what changed ---------------------------------------------------------------------


def changes_between(ledger: Ledger, since: date, as_of: date) -> Iterator[Change]:
    """Every change that took effect from `since` to `as_of` (both included), by effective date."""

    def inside(day: date) -> bool:
        return since <= day <= as_of

    for task in ledger.tasks:
        yield from _task_changes(task, inside)
        for fell in _fell_overdue(task):
            if inside(fell):
                yield Change(fell, "overdue", task.id, task.text)
    for indicator in ledger.indicators:
        for actual in indicator.actuals:
            if inside(actual.recorded):
                yield Change(
                    actual.recorded,
                    "figure",
                    indicator.id,
                    indicator.name,
                    note=actual.note,
                    figure=indicator,
                    period=actual.period,
                    value=actual.value,
                    correction=actual.correction,
                    reference=actual.reference,
                    withdrawn=actual.withdrawn,
                )


def _fell_overdue(task: Task) -> Iterator[date]:
    """The days an item turned red: the day after its deadline, and any later day its history reopened
    it (done before, open again after the deadline)."""
    if task.deadline is None or task.deadline == date.max:  # 9999-12-31, "no end date": no day after it
        return
    after = task.deadline + timedelta(days=1)
    days = sorted({after, *(entry.date for entry in task.history if entry.date > after)})
    for day in days:
        if assess_item(task, day).light == "red" and assess_item(task, day - timedelta(days=1)).light != "red":
            yield day


def _task_changes(task: Task, inside: Callable[[date], bool]) -> Iterator[Change]:
    status = "not_started"
    for entry in task.history:
        before, status = status, entry.status or status
        if not inside(entry.date):
            continue
        if entry.status and entry.status != before:
            done = entry.status in DONE_STATUSES and before not in DONE_STATUSES
            kind: ChangeKind = "completed" if done else "status"
            yield Change(entry.date, kind, task.id, task.text, before, entry.status, entry.note)
        elif entry.note:
            yield Change(entry.date, "note", task.id, task.text, note=entry.note)


# --- chart series -----------------------------------------------------------------------


def month_points(ledger: Ledger, as_of: date) -> list[MonthPoint]:
    """Month by month through the plan's year: items due by each month's end, and items done by then."""
    year = ledger.plan.year
    points = []
    for month in range(1, 13):
        end = month_end(year, month)
        due = sum(task.deadline is not None and task.deadline <= end for task in ledger.tasks)
        done = None
        if end <= as_of or (end.year, end.month) == (as_of.year, as_of.month):
            day = min(end, as_of)
            done = sum(assess_item(task, day).completed is not None for task in ledger.tasks)
        points.append(MonthPoint(month, due, done))
    return points


def cumulative_series(ledger: Ledger, as_of: date) -> list[IndicatorSeries]:
    """Each cumulative indicator with the figures known on `as_of`, oldest period first."""
    found = []
    for indicator in ledger.indicators:
        if not indicator.cumulative:
            continue
        points = [
            SeriesPoint(actual.period, period_bounds(actual.period)[1], effective_value(indicator, actual))
            for actual in series(indicator, as_of)
        ]
        found.append(IndicatorSeries(indicator, points))
    return found
