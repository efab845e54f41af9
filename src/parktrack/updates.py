"""Recording progress: status changes and notes, spliced into tasks.yaml, validated, committed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from parktrack import store
from parktrack.errors import UsageError
from parktrack.ledger import Ledger, load
from parktrack.models import Task
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
        ledger = load(data)
        tasks = _distinct(ledger, task_ids)
        changes = [_change(task, status, day, note) for task in tasks]
        path = data.file(store.TASKS_FILE)
        doc = store.read_yaml(path)
        new_text = store.apply_splices(doc.text, [s for c in changes for s in _splices(doc, c)])
        load(data, replacing={store.TASKS_FILE: new_text})  # validate before writing
        store.atomic_write(path, new_text)
        sha, repo = _commit(data, changes) if commit else (None, None)
    return Outcome(changes, sha, repo)


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
    task_node = _task_node(doc, change.task_id)
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


def _task_node(doc: store.YamlDoc, task_id: str) -> Any:
    tasks = store.mapping_value(doc.root(), "tasks")
    for node in getattr(tasks, "value", []):
        id_node = store.mapping_value(node, "id")
        if id_node is not None and id_node.value == task_id:
            return node
    raise UsageError(f"unknown task '{task_id}'")


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


def _commit(data: DataDir, changes: list[Change]) -> tuple[str | None, str | None]:
    from parktrack import history

    repo = history.repo_root(data.path)
    if repo is None:
        return None, None
    subject, body, trailers = commit_message(changes)
    sha = history.commit(repo, [data.file(store.TASKS_FILE)], subject, body, trailers)
    return sha, str(repo)


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
