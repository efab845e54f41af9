"""Recording progress: status changes, notes and figures, as edits to the ledger's entries.

Every write follows one path (writing.write_change): take the lock, check that git can commit and
that the file holds no uncommitted changes (which would ride along in our commit), take the ledger as
it is, splice the new text in, validate it, replace the file atomically, commit it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from parktrack import store
from parktrack.deadlines import county_today
from parktrack.errors import UsageError
from parktrack.i18n import _
from parktrack.ledger import Ledger
from parktrack.models import Actual, Indicator, Task, require_printable
from parktrack.store import DataDir, Splice
from parktrack.vocab import STATUS_LABELS, status_label
from parktrack.writing import Edit, write_change, write_locked


@dataclass(frozen=True)
class Change:
    """One item's new history entry."""

    task_id: str
    old_status: str  # the status in effect on the entry's day, before it
    new_status: str | None
    day: date
    note: str | None
    position: int  # where the entry goes in the item's history (date order)
    current: str  # the item's status after the change (a late entry may leave it as it was)


@dataclass(frozen=True)
class Outcome:
    changes: list[Change]
    commit: str | None
    repo: str | None


def record(
    data: DataDir,
    task_ids: Sequence[str],
    status: str | None,
    day: date,
    note: str | None,
    commit: bool = True,
    allow_future: bool = False,
    today: date | None = None,
) -> Outcome:
    """Add a dated entry to each item's history (and set its status), as one write and one commit."""
    if note is not None and not note.strip():
        raise UsageError(_("the note is empty"))
    require_printable(_("the note"), note)  # update --note, or note TEXT
    if status is None and note is None:
        raise UsageError(_("nothing to record: give a status or a note"))
    if status is not None and day > (today or county_today()) and not allow_future:
        message = _("a status change dated {day} is in the future; pass --allow-future if that is really meant")
        raise UsageError(message.format(day=day.isoformat()))
    changes: list[Change] = []

    def prepare(ledger: Ledger) -> list[Edit]:
        tasks = _distinct(ledger, task_ids)
        if day.year < ledger.plan.year - 1:  # 2014 for 2024; the year before may hold preparatory work
            message = _("{id}: the date {day} is years before the plan's year {year}; check the year")
            ids = ", ".join(task.id for task in tasks)
            raise UsageError(message.format(id=ids, day=day.isoformat(), year=ledger.plan.year))
        changes.extend(plan_change(task, status, day, note) for task in tasks)
        return [change_edit(change) for change in changes]

    sha, repo = write_change(data, prepare, lambda: commit_message(changes), commit, files=[store.TASKS_FILE])
    return Outcome(changes, sha, repo)


def _distinct(ledger: Ledger, task_ids: Sequence[str]) -> list[Task]:
    tasks = {task.id: task for task in (ledger.task(task_id) for task_id in task_ids)}
    return list(tasks.values())


def plan_change(task: Task, status: str | None, day: date, note: str | None) -> Change:
    """The entry, placed in date order: a late entry (補記) goes before the later ones."""
    position = sum(1 for entry in task.history if entry.date <= day)
    before = [entry.status for entry in task.history[:position] if entry.status]
    in_effect = before[-1] if before else "not_started"
    after = [entry.status for entry in task.history[position:] if entry.status]
    if status == "ongoing" and not task.long_term:
        raise UsageError(_("{id}: 'ongoing' is only for long-term items (並長期堅持 / 持續推進)").format(id=task.id))
    if status is not None and status == in_effect and note is None:
        message = _("{id} is already {status} on {day}; add --note to record progress without a change")
        raise UsageError(message.format(id=task.id, status=status_label(status), day=day.isoformat()))
    current = after[-1] if after else (status or task.status)
    return Change(task.id, in_effect, status, day, note, position, current)


def change_edit(change: Change) -> Edit:
    """The change as an edit of its item: the status set (or added), the entry inserted in date order."""
    return Edit(store.TASKS_FILE, "tasks", change.task_id, lambda text, node: _change_splices(text, node, change))


def _change_splices(text: str, task_node: Any, change: Change) -> list[Splice]:
    entry: dict[str, Any] = {"date": change.day}
    if change.new_status is not None:
        entry["status"] = change.new_status
    if change.note is not None:
        entry["note"] = change.note
    splices = []
    status_node = store.mapping_value(task_node, "status")
    if status_node is not None:
        if change.current != str(status_node.value):
            splices.append(store.replace_value(status_node, change.current))
    elif change.current != "not_started":
        splices.append(store.add_to_mapping(text, task_node, "status", change.current))
    splices.append(_add_entry(text, task_node, "history", entry, change.position))
    return splices


def _add_entry(text: str, node: Any, key: str, entry: dict[str, Any], position: int | None) -> Splice:
    """Add an entry to a list field, creating the field when the item has none."""
    key_node = _key(node, key)
    if key_node is None:
        return store.add_to_mapping(text, node, key, entry, as_list=True)
    sequence = store.mapping_value(node, key) or key_node
    return store.insert_into_sequence(text, key_node, sequence, entry, position, in_flow=bool(node.flow_style))


def _key(node: Any, key: str) -> Any:
    for key_node, _value in node.value:
        if key_node.value == key:
            return key_node
    return None


def commit_message(changes: list[Change]) -> tuple[str, str, list[tuple[str, str]]]:
    """`T07: 推進中 → 已完成`, the note as the body, and machine-readable trailers."""
    parts = []
    for change in changes:
        if change.new_status is None:
            parts.append(f"{change.task_id}: 進展情況")
        else:
            parts.append(f"{change.task_id}: {_label(change.old_status)} → {_label(change.new_status)}")
    notes = {change.note for change in changes if change.note}
    trailers = [("Parktrack-Task", change.task_id) for change in changes]
    status = changes[0].new_status
    if status is not None:
        trailers.append(("Parktrack-Status", status))
    trailers.append(("Parktrack-Date", changes[0].day.isoformat()))
    return "; ".join(parts), "\n\n".join(sorted(notes)), trailers


def _label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


# --- indicator figures ------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One recorded figure (or the withdrawal of one) for one indicator and period."""

    indicator_id: str
    period: str
    value: bool | float | None  # None: the period's figure is withdrawn
    reference: float | None
    recorded: date
    note: str | None
    source: str | None
    replaces: bool | float | None = None  # the figure a correction or withdrawal supersedes

    def as_actual(self) -> Actual:
        """The figure as the ledger's series holds it (a withdrawal: no value)."""
        return Actual(period=self.period, value=self.value, reference=self.reference, recorded=self.recorded)


@dataclass(frozen=True)
class FigureOutcome:
    figure: Figure
    commit: str | None
    repo: str | None
    indicator: Indicator


def record_figure(
    data: DataDir,
    indicator_id: str,
    value: str | None,
    period: str,
    day: date,
    note: str | None = None,
    source: str | None = None,
    reference: str | None = None,
    correct: bool = False,
    commit: bool = True,
    withdraw: bool = False,
) -> FigureOutcome:
    """Append a figure, as typed, to an indicator's series; a correction or withdrawal keeps the old one above it."""
    if withdraw == (value is not None):
        raise UsageError(_("give a figure, or --withdraw to withdraw the one recorded for the period (not both)"))
    if withdraw and (correct or reference is not None):
        raise UsageError(_("--withdraw takes no --correct or --reference"))
    require_printable("--note", note)
    require_printable("--source", source)
    if day > county_today():  # as import refuses the row: a figure is recorded once known, and views hide it till then
        refused = _("a figure dated {day} is in the future; record it on the day it is known")
        raise UsageError(refused.format(day=day.isoformat()))
    figures: list[tuple[Indicator, Figure]] = []

    def prepare(ledger: Ledger) -> list[Edit]:
        indicator = ledger.indicator(indicator_id)
        typed = _typed_figure(ledger, indicator, value, period, day, note, source, reference)
        figure = _checked_figure(indicator, typed, correct)
        figures.append((indicator, figure))
        return [figure_edit(figure, correct)]

    def message() -> tuple[str, str, list[tuple[str, str]]]:
        return figure_message(*figures[0])

    sha, repo = write_change(data, prepare, message, commit, files=[store.INDICATORS_FILE])
    indicator, figure = figures[0]
    return FigureOutcome(figure, sha, repo, indicator)


def _typed_figure(
    ledger: Ledger,
    indicator: Indicator,
    value: str | None,
    period: str,
    day: date,
    note: str | None,
    source: str | None,
    reference: str | None,
) -> Figure:
    from parktrack.deadlines import normal_period
    from parktrack.indicators import early_figure, parse_value

    normal = normal_period(period)
    if not normal.startswith(str(ledger.plan.year)):
        message = _("{period} is outside the plan's year, {year}; the plan's targets are for {year}")
        raise UsageError(message.format(period=normal, year=ledger.plan.year))
    parsed = parse_value(indicator, value) if value is not None else None
    early = early_figure(normal, day) if value is not None else None
    if early is not None:
        raise UsageError(early)
    checked_reference = _reference(indicator, reference) if value is not None else None
    return Figure(indicator.id, normal, parsed, checked_reference, day, note, source)


def _reference(indicator: Indicator, text: str | None) -> float | None:
    from parktrack.indicators import parse_value

    if text is None:
        if indicator.kind == "margin":
            message = _("{id} is measured against {reference}; give it with --reference")
            raise UsageError(message.format(id=indicator.id, reference=indicator.reference))
        return None
    if indicator.kind != "margin":
        raise UsageError(_("{id} is not measured against a reference figure; drop --reference").format(id=indicator.id))
    return float(parse_value(indicator, text))


def _checked_figure(indicator: Indicator, figure: Figure, correct: bool) -> Figure:
    live = _live_figures(indicator.actuals).get(figure.period)
    if figure.value is None:
        if live is None:
            message = _("{id} has no figure for {period} to withdraw")
            raise UsageError(message.format(id=indicator.id, period=figure.period))
    elif live is not None and not correct:
        message = _(
            "{id} already has {value} for {period}; pass --correct to record a corrected figure "
            "(the old one stays in the history), or --withdraw to withdraw it"
        )
        raise UsageError(message.format(id=indicator.id, value=live.value, period=figure.period))
    elif correct and live is None:
        message = _("{id} has nothing recorded for {period} to correct")
        raise UsageError(message.format(id=indicator.id, period=figure.period))
    last = max((actual.recorded for actual in indicator.actuals), default=None)
    if last is not None and figure.recorded < last:
        message = _("{id}: a figure recorded on {day} is dated before the last one, {last}")
        raise UsageError(message.format(id=indicator.id, day=figure.recorded.isoformat(), last=last.isoformat()))
    return replace(figure, replaces=live.value if live is not None else None)


def _live_figures(actuals: Sequence[Actual]) -> dict[str, Actual]:
    """Each period's figure in force: the last recorded, unless withdrawn since."""
    live: dict[str, Actual] = {}
    for actual in actuals:
        if actual.withdrawn:
            live.pop(actual.period, None)
        else:
            live[actual.period] = actual
    return live


def _figure_entry(figure: Figure, correct: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"period": figure.period}
    if figure.value is None:
        entry["withdrawn"] = True
    else:
        entry["value"] = figure.value
    if figure.reference is not None:
        entry["reference"] = figure.reference
    entry["recorded"] = figure.recorded
    for key, value in (("note", figure.note), ("source", figure.source)):
        if value is not None:
            entry[key] = value
    if correct:
        entry["correction"] = True
    return entry


def figure_message(indicator: Indicator, figure: Figure) -> tuple[str, str, list[tuple[str, str]]]:
    from parktrack.indicators import value_text

    # in the ledger's own words whatever the interface's language, as `update` writes 推進中 → 已完成
    if figure.value is None:
        subject = f"{indicator.id} {figure.period}: 撤回 {figure.replaces}"
    else:
        subject = f"{indicator.id} {figure.period}: {value_text(indicator, figure.as_actual())}"
        if figure.replaces is not None:
            subject += f" (更正 {figure.replaces})"
    body = "\n\n".join(text for text in (indicator.name, figure.note, figure.source) if text)
    trailers = [("Parktrack-Indicator", indicator.id), ("Parktrack-Period", figure.period)]
    return subject, body, trailers


# --- several changes in one write ----------------------------------------------------


def write_batch(
    data: DataDir,
    changes: Sequence[Change],
    figures: Sequence[Figure],
    message: tuple[str, str, list[tuple[str, str]]],
    author: str | None = None,
    commit: bool = True,
) -> tuple[str | None, str | None]:
    """Items' history entries and indicators' figures as one validated write and one commit.

    The caller holds `store.locked(data)` and has planned each change with `plan_change` and checked
    each figure as `record_figure` does, against the ledger as it now is; at most one change per item
    and one figure per indicator. A figure with `replaces` set is written as a correction. `author`
    ("NAME <email>") is the commit's author.
    """
    edits = [change_edit(change) for change in changes]
    edits += [figure_edit(figure, figure.replaces is not None) for figure in figures]
    return write_locked(data, lambda _ledger: edits, lambda: message, commit, author)


def figure_edit(figure: Figure, correct: bool) -> Edit:
    """The figure as an edit of its indicator: appended to its series (a correction marked as one)."""
    entry = _figure_entry(figure, correct)
    return Edit(
        store.INDICATORS_FILE,
        "indicators",
        figure.indicator_id,
        lambda text, node: [_add_entry(text, node, "actuals", entry, None)],
    )
