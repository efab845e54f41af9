"""Recording progress: status changes and notes, spliced into tasks.yaml, validated, committed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from parktrack import store
from parktrack.errors import UsageError
from parktrack.ledger import Ledger, load
from parktrack.models import Indicator, Task
from parktrack.store import DataDir, Splice
from parktrack.vocab import STATUS_LABELS


@dataclass(frozen=True)
class Change:
    """One item's new history entry."""

    task_id: str
    old_status: str
    new_status: str | None
    day: date
    note: str | None


@dataclass(frozen=True)
class Outcome:
    changes: list[Change]
    commit: str | None
    repo: str | None


def record(
    data: DataDir, task_ids: Sequence[str], status: str | None, day: date, note: str | None, commit: bool = True
) -> Outcome:
    """Append a dated entry to each item's history (and set its status), as one write and one commit."""
    if note is not None and not note.strip():
        raise UsageError("the note is empty")
    if status is None and note is None:
        raise UsageError("nothing to record: give a status or a note")
    with store.locked(data):
        ledger = load(data, indicators=False)
        tasks = _distinct(ledger, task_ids)
        changes = [_change(task, status, day, note) for task in tasks]
        write_spliced(data, store.TASKS_FILE, lambda doc: [s for c in changes for s in _splices(doc, c)])
        sha, repo = commit_file(data, store.TASKS_FILE, *commit_message(changes)) if commit else (None, None)
    return Outcome(changes, sha, repo)


def write_spliced(data: DataDir, file_name: str, splices: Callable[[store.YamlDoc], list[Splice]]) -> None:
    """Splice new text into one ledger file, validate the whole ledger with it, then replace the file."""
    path = data.file(file_name)
    doc = store.read_yaml(path)
    new_text = store.apply_splices(doc.text, splices(doc))
    load(data, replacing={file_name: new_text})
    store.atomic_write(path, new_text)


def commit_file(
    data: DataDir, file_name: str, subject: str, body: str, trailers: list[tuple[str, str]]
) -> tuple[str | None, str | None]:
    """One commit of just this file, when the data lives in a git repository."""
    from parktrack import history

    repo = history.repo_root(data.path)
    if repo is None:
        return None, None
    return history.commit(repo, [data.file(file_name)], subject, body, trailers), str(repo)


def _distinct(ledger: Ledger, task_ids: Sequence[str]) -> list[Task]:
    tasks = {task.id: task for task in (ledger.task(task_id) for task_id in task_ids)}
    return list(tasks.values())


def _change(task: Task, status: str | None, day: date, note: str | None) -> Change:
    last = task.history[-1].date if task.history else None
    if last is not None and day < last:
        raise UsageError(f"{task.id}: a change dated {day} is before its last recorded change, on {last}")
    if status == "ongoing" and not task.long_term:
        raise UsageError(f"{task.id}: 'ongoing' is only for long-term items (並長期堅持 / 持續推進)")
    if status is not None and status == task.status and note is None:
        raise UsageError(f"{task.id} is already {status}; add --note to record progress without a change")
    return Change(task.id, task.status, status, day, note)


def _splices(doc: store.YamlDoc, change: Change) -> list[Splice]:
    task_node = _entry_node(doc, "tasks", change.task_id)
    entry: dict[str, Any] = {"date": change.day}
    splices = []
    if change.new_status is not None:
        entry["status"] = change.new_status
        splices.append(store.replace_value(_field(task_node, "status"), change.new_status))
    if change.note is not None:
        entry["note"] = change.note
    history_key = _key(task_node, "history")
    splices.append(store.append_to_sequence(history_key, _field(task_node, "history"), entry))
    return splices


def _entry_node(doc: store.YamlDoc, collection: str, entry_id: str) -> Any:
    entries = store.mapping_value(doc.root(), collection)
    for node in getattr(entries, "value", []):
        id_node = store.mapping_value(node, "id")
        if id_node is not None and id_node.value == entry_id:
            return node
    raise UsageError(f"no '{entry_id}' in {collection}")


def _field(task_node: Any, key: str) -> Any:
    node = store.mapping_value(task_node, key)
    if node is None:
        raise UsageError(f"{task_node.start_mark.line + 1}: the item has no '{key}' field to update")
    return node


def _key(task_node: Any, key: str) -> Any:
    for key_node, _ in task_node.value:
        if key_node.value == key:
            return key_node
    raise UsageError(f"the item has no '{key}' field")


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
    """One recorded figure for one indicator and period."""

    indicator_id: str
    period: str
    value: bool | float
    reference: float | None
    recorded: date
    note: str | None
    source: str | None
    replaces: bool | float | None = None  # the figure a correction supersedes


@dataclass(frozen=True)
class FigureOutcome:
    figure: Figure
    commit: str | None
    repo: str | None


def record_figure(
    data: DataDir,
    indicator_id: str,
    value: str,
    period: str,
    day: date,
    note: str | None = None,
    source: str | None = None,
    reference: str | None = None,
    correct: bool = False,
    commit: bool = True,
) -> FigureOutcome:
    """Append a figure, as typed, to an indicator's series; a correction keeps the old figure above it."""
    from parktrack.deadlines import normal_period
    from parktrack.indicators import parse_value

    with store.locked(data):
        indicator = load(data).indicator(indicator_id)
        typed = Figure(
            indicator.id,
            normal_period(period),
            parse_value(indicator, value),
            _reference(indicator, reference),
            day,
            note,
            source,
        )
        figure = _checked_figure(indicator, typed, correct)
        entry = _figure_entry(figure, correct)

        def splices(doc: store.YamlDoc) -> list[Splice]:
            node = _entry_node(doc, "indicators", indicator.id)
            return [store.append_to_sequence(_key(node, "actuals"), _field(node, "actuals"), entry)]

        write_spliced(data, store.INDICATORS_FILE, splices)
        message = _figure_message(indicator, figure)
        sha, repo = commit_file(data, store.INDICATORS_FILE, *message) if commit else (None, None)
    return FigureOutcome(figure, sha, repo)


def _reference(indicator: Indicator, text: str | None) -> float | None:
    from parktrack.indicators import parse_value

    if text is None:
        if indicator.kind == "margin":
            raise UsageError(f"{indicator.id} is measured against {indicator.reference}; give it with --reference")
        return None
    if indicator.kind != "margin":
        raise UsageError(f"{indicator.id} is not measured against a reference figure; drop --reference")
    return float(parse_value(indicator, text))


def _checked_figure(indicator: Indicator, figure: Figure, correct: bool) -> Figure:
    from dataclasses import replace

    earlier = [actual for actual in indicator.actuals if actual.period == figure.period]
    if earlier and not correct:
        old = earlier[-1].value
        raise UsageError(
            f"{indicator.id} already has {old} for {figure.period}; "
            "pass --correct to record a corrected figure (the old one stays in the history)"
        )
    if correct and not earlier:
        raise UsageError(f"{indicator.id} has nothing recorded for {figure.period} to correct")
    last = max((actual.recorded for actual in indicator.actuals), default=None)
    if last is not None and figure.recorded < last:
        raise UsageError(f"{indicator.id}: a figure recorded on {figure.recorded} is dated before the last one, {last}")
    return replace(figure, replaces=earlier[-1].value if earlier else None)


def _figure_entry(figure: Figure, correct: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"period": figure.period, "value": figure.value}
    if figure.reference is not None:
        entry["reference"] = figure.reference
    entry["recorded"] = figure.recorded
    for key, value in (("note", figure.note), ("source", figure.source)):
        if value is not None:
            entry[key] = value
    if correct:
        entry["correction"] = True
    return entry


def _figure_message(indicator: Indicator, figure: Figure) -> tuple[str, str, list[tuple[str, str]]]:
    from parktrack.indicators import value_text
    from parktrack.models import Actual

    shown = value_text(
        indicator,
        Actual(period=figure.period, value=figure.value, reference=figure.reference, recorded=figure.recorded),
    )
    subject = f"{indicator.id} {figure.period}: {shown}"
    if figure.replaces is not None:
        subject += f" (corrects {figure.replaces})"
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

    The caller holds `store.locked(data)` and has checked each change as `record` and
    `record_figure` do; at most one change per item and one figure per indicator. A figure with
    `replaces` set is written as a correction. `author` ("NAME <email>") is the commit's author.
    """
    splicers: dict[str, Callable[[store.YamlDoc], list[Splice]]] = {}
    if changes:
        splicers[store.TASKS_FILE] = lambda doc: [s for c in changes for s in _splices(doc, c)]
    if figures:
        splicers[store.INDICATORS_FILE] = lambda doc: [_figure_splice(doc, figure) for figure in figures]
    if not splicers:
        return None, None
    new_texts = {}
    for file_name, splices in splicers.items():
        doc = store.read_yaml(data.file(file_name))
        new_texts[file_name] = store.apply_splices(doc.text, splices(doc))
    load(data, replacing=new_texts)
    for file_name, text in new_texts.items():
        store.atomic_write(data.file(file_name), text)
    if not commit:
        return None, None
    from parktrack import history

    repo = history.repo_root(data.path)
    if repo is None:
        return None, None
    paths = [data.file(file_name) for file_name in new_texts]
    return history.commit(repo, paths, *message, author=author), str(repo)


def _figure_splice(doc: store.YamlDoc, figure: Figure) -> Splice:
    node = _entry_node(doc, "indicators", figure.indicator_id)
    entry = _figure_entry(figure, correct=figure.replaces is not None)
    return store.append_to_sequence(_key(node, "actuals"), _field(node, "actuals"), entry)
