"""Recording progress: status changes, notes and figures, spliced into the ledger, validated, committed.

Every write follows one path (`write_change`): take the lock, check that git can commit and that the
file holds no uncommitted changes (which would ride along in our commit), validate the ledger as it is,
splice the new text in, validate the ledger as it would be, replace the file atomically, commit it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from parktrack import store
from parktrack.errors import DataError, Problem, RefusedChangeError, UsageError, WriteError
from parktrack.i18n import _
from parktrack.ledger import Ledger, load
from parktrack.models import Actual, Indicator, Task
from parktrack.store import DataDir, Splice
from parktrack.vocab import STATUS_LABELS


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
    if status is None and note is None:
        raise UsageError(_("nothing to record: give a status or a note"))
    if status is not None and day > (today or date.today()) and not allow_future:
        message = _("a status change dated {day} is in the future; pass --allow-future if that is really meant")
        raise UsageError(message.format(day=day.isoformat()))
    changes: list[Change] = []

    def prepare(ledger: Ledger) -> Callable[[store.YamlDoc], list[Splice]]:
        changes.extend(plan_change(task, status, day, note) for task in _distinct(ledger, task_ids))
        return lambda doc: [splice for change in changes for splice in _splices(doc, change)]

    sha, repo = write_change(data, store.TASKS_FILE, prepare, lambda: commit_message(changes), commit, False)
    return Outcome(changes, sha, repo)


def write_change(
    data: DataDir,
    file_name: str,
    prepare: Callable[[Ledger], Callable[[store.YamlDoc], list[Splice]]],
    message: Callable[[], tuple[str, str, list[tuple[str, str]]]],
    commit: bool,
    indicators: bool,
) -> tuple[str | None, str | None]:
    """The one write path: lock, check git, load, splice, validate, replace, commit."""
    from parktrack import cache

    with store.locked(data):
        repo = _commit_target(data, file_name) if commit else None
        # the ledger as it stands, validated: from the read cache when the files are unchanged since
        # the last read or write (an entry keyed by their bytes), else loaded and checked in full
        ledger = cache.load_ledger(data, indicators=indicators)
        write_spliced(data, {file_name: prepare(ledger)})
        if repo is None:
            return None, None
        from parktrack import history

        return history.commit(repo, [data.file(file_name)], *message()), str(repo)


def _commit_target(data: DataDir, file_name: str) -> Path | None:
    """The repository to commit in (None: truly outside git), refusing a file with uncommitted changes."""
    from parktrack import history

    repo = history.repo_root(data.path)
    if repo is not None:
        history.check_index_unlocked(repo)
    if repo is not None and history.uncommitted(repo, data.file(file_name)):
        path = data.file(file_name)
        relative = path.resolve().relative_to(repo.resolve())
        message = _(
            "{path} has changes that are not committed (a hand edit, or a write interrupted before its commit); "
            "a parktrack commit holds only its own change, so nothing was written. Look at them with "
            "`git -C {repo} diff -- {file}`, then commit them with "
            '`git -C {repo} add -- {file} && git -C {repo} commit -m "hand edit" -- {file}` '
            "or discard them with `git -C {repo} checkout -- {file}`, and run this again"
        )
        raise WriteError(message.format(path=path, repo=repo, file=relative))
    return repo


def write_spliced(data: DataDir, splicers: Mapping[str, Callable[[store.YamlDoc], list[Splice]]]) -> None:
    """Splice new text into ledger files, validate the whole ledger with all of it, then replace each file.

    Every file is read once, as bytes: the file to change is parsed once (its data and the node tree the
    splices need come from the same pass), the whole ledger with the new text is validated in full, and
    the validated ledger is remembered in the read cache under the bytes written, so the next command
    does not parse it again. The garbage collector is paused meanwhile (see cache.collector_paused).
    """
    from parktrack import cache

    with cache.collector_paused():
        raw = cache.read_files(data)  # None when one cannot be read: each file is then read by the loader
        texts = {name: _decoded(content) for name, content in (raw or {}).items()}
        docs: dict[str, store.YamlDoc] = {}
        new_texts: dict[str, str] = {}
        for file_name, splices in splicers.items():
            doc = store.read_yaml(data.file(file_name), texts.get(file_name), marks=True)
            if not doc.ok:
                raise DataError(doc.problems)
            docs[file_name], new_texts[file_name] = doc, store.apply_splices(doc.text, splices(doc))
        unchanged = {name: text for name, text in texts.items() if text is not None and name not in new_texts}
        try:
            validated = load(data, replacing={**unchanged, **new_texts})
        except DataError as error:
            # the problems are in text that was never written: cite the item and field, not a line on disk
            refused = [Problem(p.path, None, None, p.where, p.message) for p in error.problems]
            raise RefusedChangeError(data.file(next(iter(splicers))), refused) from None
        for file_name, text in new_texts.items():
            store.replace_file(data.file(file_name), text, docs[file_name])
        if raw is not None and all(text is not None for text in texts.values()):
            written = dict(raw)
            for file_name, text in new_texts.items():
                written[file_name] = (("\ufeff" if docs[file_name].bom else "") + text).encode("utf-8")
            cache.remember(data, validated, written)


def _decoded(raw: bytes) -> str | None:
    """The text of a file's bytes; None when it is not UTF-8 (the loader reads the file and says where)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


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
        raise UsageError(message.format(id=task.id, status=status, day=day.isoformat()))
    current = after[-1] if after else (status or task.status)
    return Change(task.id, in_effect, status, day, note, position, current)


def _splices(doc: store.YamlDoc, change: Change) -> list[Splice]:
    task_node = _entry_node(doc, "tasks", change.task_id)
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
        splices.append(store.add_to_mapping(doc.text, task_node, "status", change.current))
    splices.append(_add_entry(doc, task_node, "history", entry, change.position))
    return splices


def _add_entry(doc: store.YamlDoc, node: Any, key: str, entry: dict[str, Any], position: int | None) -> Splice:
    """Add an entry to a list field, creating the field when the item has none."""
    key_node = _key(node, key)
    if key_node is None:
        return store.add_to_mapping(doc.text, node, key, entry, as_list=True)
    sequence = store.mapping_value(node, key) or key_node
    return store.insert_into_sequence(doc.text, key_node, sequence, entry, position, in_flow=bool(node.flow_style))


def _entry_node(doc: store.YamlDoc, collection: str, entry_id: str) -> Any:
    entries = store.mapping_value(doc.root(), collection)
    for node in getattr(entries, "value", []):
        id_node = store.mapping_value(node, "id")
        if isinstance(id_node, yaml.ScalarNode) and id_node.value == entry_id:
            return node
    raise UsageError(_("no '{id}' in {collection}").format(id=entry_id, collection=collection))


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


@dataclass(frozen=True)
class FigureOutcome:
    figure: Figure
    commit: str | None
    repo: str | None


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
    figures: list[tuple[Indicator, Figure]] = []

    def prepare(ledger: Ledger) -> Callable[[store.YamlDoc], list[Splice]]:
        indicator = ledger.indicator(indicator_id)
        typed = _typed_figure(ledger, indicator, value, period, day, note, source, reference)
        figure = _checked_figure(indicator, typed, correct)
        figures.append((indicator, figure))
        entry = _figure_entry(figure, correct)

        def splices(doc: store.YamlDoc) -> list[Splice]:
            node = _entry_node(doc, "indicators", indicator.id)
            return [_add_entry(doc, node, "actuals", entry, None)]

        return splices

    def message() -> tuple[str, str, list[tuple[str, str]]]:
        return _figure_message(*figures[0])

    sha, repo = write_change(data, store.INDICATORS_FILE, prepare, message, commit, True)
    return FigureOutcome(figures[0][1], sha, repo)


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
    from parktrack.indicators import parse_value

    normal = normal_period(period)
    if not normal.startswith(str(ledger.plan.year)):
        message = _("{period} is outside the plan's year, {year}; the plan's targets are for {year}")
        raise UsageError(message.format(period=normal, year=ledger.plan.year))
    parsed = parse_value(indicator, value) if value is not None else None
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


def _figure_message(indicator: Indicator, figure: Figure) -> tuple[str, str, list[tuple[str, str]]]:
    from parktrack.indicators import value_text

    if figure.value is None:
        subject = f"{indicator.id} {figure.period}: withdrawn {figure.replaces}"
    else:
        actual = Actual(period=figure.period, value=figure.value, reference=figure.reference, recorded=figure.recorded)
        subject = f"{indicator.id} {figure.period}: {value_text(indicator, actual)}"
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

    The caller holds `store.locked(data)` and has planned each change with `plan_change` and checked
    each figure as `record_figure` does; at most one change per item and one figure per indicator. A
    figure with `replaces` set is written as a correction. `author` ("NAME <email>") is the commit's author.
    """
    splicers: dict[str, Callable[[store.YamlDoc], list[Splice]]] = {}
    if changes:
        splicers[store.TASKS_FILE] = lambda doc: [s for c in changes for s in _splices(doc, c)]
    if figures:
        splicers[store.INDICATORS_FILE] = lambda doc: [_figure_splice(doc, figure) for figure in figures]
    if not splicers:
        return None, None
    repos = [_commit_target(data, file_name) for file_name in splicers] if commit else []
    write_spliced(data, splicers)
    repo = next((found for found in repos if found is not None), None)
    if repo is None:
        return None, None
    from parktrack import history

    paths = [data.file(file_name) for file_name in splicers]
    return history.commit(repo, paths, *message, author=author), str(repo)


def _figure_splice(doc: store.YamlDoc, figure: Figure) -> Splice:
    node = _entry_node(doc, "indicators", figure.indicator_id)
    return _add_entry(doc, node, "actuals", _figure_entry(figure, correct=figure.replaces is not None), None)
