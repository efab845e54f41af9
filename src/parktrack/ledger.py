"""Loading the ledger: every file validated, every cross-reference checked, all problems at once."""

from __future__ import annotations

import marshal
import os
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from sys import intern
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload

from pydantic import BaseModel, ValidationError

from parktrack import names
from parktrack.collector import paused
from parktrack.datadir import DataDir
from parktrack.deadlines import deadline_from_text, is_long_term
from parktrack.errors import DataError, Problem, brief, shown
from parktrack.i18n import N_, _
from parktrack.models import (
    NO_CONTROLS,
    Indicator,
    IndicatorsFile,
    Plan,
    Section,
    Task,
    TasksFile,
    Unit,
    UnitsFile,
    control_problem,
)
from parktrack.names import Matcher, did_you_mean

if TYPE_CHECKING:  # store imports YAML; a cached read never needs it (see cache.py)
    from parktrack.store import Loc, YamlDoc

M = TypeVar("M", bound=BaseModel)


class StatusChange(NamedTuple):
    """A history entry as `assess` reads it: its day and the status it set (None for a note)."""

    date: date
    status: str | None


class Sketch(NamedTuple):
    """What the accountability views (`units`, `leaders`) need of an item: its units and officials,
    its deadline, its dated statuses and whether it is long-term. `deadlines.assess` reads it as it
    reads the item itself."""

    lead_units: tuple[str, ...]
    support_units: tuple[str, ...]
    groups: tuple[str, ...]
    leaders: tuple[str, ...]
    deadline: date | None
    history: tuple[StatusChange, ...]
    long_term: bool

    @staticmethod
    def plain(task: Task) -> tuple[Any, ...]:
        """The item's sketch as plain builtins (days as day numbers), for the read cache. Names and
        statuses are interned, so marshal writes one mentioned twice in an item once."""
        history = tuple((entry.date.toordinal(), entry.status and intern(entry.status)) for entry in task.history)
        deadline = task.deadline.toordinal() if task.deadline else None
        names = (tuple(map(intern, listed)) for listed in _sketched_names(task))
        return (*names, deadline, history, task.long_term)

    @classmethod
    def from_plain(cls, plain: Sequence[Any]) -> Sketch:
        lead_units, support_units, groups, leaders, deadline, history, long_term = plain
        day = date.fromordinal
        changes = tuple([StatusChange(day(number), status) for number, status in history])
        return cls(lead_units, support_units, groups, leaders, day(deadline) if deadline else None, changes, long_term)


def _sketched_names(task: Task) -> tuple[list[str], ...]:
    return task.lead_units, task.support_units, task.groups, task.leaders


@dataclass
class TaskIndex:
    """Where filters look first: the positions of the items that name each unit or group (as written)
    and each lead official, and each item's deadline (a day number). A filter builds only the items
    that may match, then tests each of them exactly; the index never decides alone.

    It also keeps each item's sketch (see `Sketch`), a marshal blob each, so the views over every item
    (`units`, `leaders`) read sketches instead of building every item, and a write re-encodes only the
    sketches of the items it changed."""

    names: dict[str, list[int]]
    leaders: dict[str, list[int]]
    deadlines: list[int | None]
    sketches: list[bytes]

    @classmethod
    def of(cls, tasks: Iterable[Task]) -> TaskIndex:
        return cls.of_sketches([Sketch.plain(task) for task in tasks])

    @classmethod
    def of_sketches(cls, sketches: Sequence[tuple[Any, ...]]) -> TaskIndex:
        """The index of items given by their plain sketches (see `Sketch.plain`), in file order."""
        index = cls({}, {}, [None] * len(sketches), [b""] * len(sketches))
        for position, sketch in enumerate(sketches):
            index.put(position, sketch)
        return index

    def sketch(self, position: int) -> Any:
        """The plain sketch of the item at `position`."""
        return marshal.loads(self.sketches[position])

    def plain_sketches(self) -> list[Any]:
        return [marshal.loads(blob) for blob in self.sketches]

    def put(self, position: int, sketch: tuple[Any, ...], replacing: bool = False) -> None:
        """File the item sketched by `sketch` (plain) at `position`; when `replacing`, the item there is
        taken out first."""
        if replacing:
            for lists, keys in zip((self.names, self.leaders), _filed_names(self.sketch(position)), strict=True):
                for key in keys:
                    positions = lists[key]
                    del positions[bisect_left(positions, position)]
                    if not positions:  # as a fresh index has it: no name without an item
                        del lists[key]
        for lists, keys in zip((self.names, self.leaders), _filed_names(sketch), strict=True):
            for key in keys:
                insort(lists.setdefault(key, []), position)
        self.deadlines[position] = sketch[4]
        self.sketches[position] = marshal.dumps(sketch)

    def as_plain(self) -> dict[str, Any]:
        return {"names": self.names, "leaders": self.leaders, "deadlines": self.deadlines, "sketches": self.sketches}

    def copy(self) -> TaskIndex:
        """An index to `put` into, leaving this one as it is (its lists copied; their numbers and blobs shared)."""
        names = {name: list(positions) for name, positions in self.names.items()}
        leaders = {name: list(positions) for name, positions in self.leaders.items()}
        return TaskIndex(names, leaders, list(self.deadlines), list(self.sketches))

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> TaskIndex:
        sketches = plain["sketches"]
        if not isinstance(sketches, list) or len(sketches) != len(plain["deadlines"]):
            raise TypeError("sketches")
        return cls(plain["names"], plain["leaders"], plain["deadlines"], sketches)


def _filed_names(sketch: Sequence[Any]) -> tuple[set[str], set[str]]:
    """The unit and group names, and the lead officials, an item is filed under (see Sketch.plain)."""
    lead_units, support_units, groups, leaders = sketch[:4]
    return {*lead_units, *support_units, *groups}, set(leaders)


class Tasks(Sequence[Task]):
    """The ledger's items in file order, each built on first use.

    A ledger read from the cache keeps its items as stored dumps until asked for them, so `show T5000`
    or a write to one item of 10,000 builds one model, not 10,000; its `lookup` lets filters build
    only the items that may match.
    """

    def __init__(self, ids: list[str], build: Callable[[int], Task], lookup: TaskIndex | None = None) -> None:
        self.ids = ids
        self.lookup = lookup
        self._build = build
        self._built: list[Task | None] = [None] * len(ids)

    @classmethod
    def of(cls, tasks: Sequence[Task]) -> Tasks:
        built = cls([task.id for task in tasks], tasks.__getitem__)
        built._built = list(tasks)
        return built

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Task: ...
    @overload
    def __getitem__(self, index: slice) -> list[Task]: ...
    def __getitem__(self, index: int | slice) -> Task | list[Task]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        task = self._built[index]
        if task is None:
            task = self._built[index] = self._build(index % len(self))
        return task

    def __iter__(self) -> Iterator[Task]:
        return iter(self.take(range(len(self))))

    def sketches(self) -> Sequence[Sketch | Task]:
        """Every item's sketch, in file order: from the lookup when there is one, else the items themselves."""
        return self if self.lookup is None else self._looked_up_sketches

    @cached_property
    def _looked_up_sketches(self) -> list[Sketch]:  # built once: `leaders` and the views share them
        assert self.lookup is not None
        return [Sketch.from_plain(plain) for plain in self.lookup.plain_sketches()]

    def take(self, positions: Iterable[int]) -> list[Task]:
        """The items at `positions`, built together with the collector paused (see collector.py)."""
        with paused():
            return [self[position] for position in positions]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Tasks({len(self)} items)"

    @cached_property
    def positions(self) -> dict[str, int]:
        return {task_id: position for position, task_id in enumerate(self.ids)}


@dataclass
class Ledger:
    """The validated plan: its tasks, sections and units, with lookups."""

    data: DataDir
    plan: Plan
    sections: list[Section]
    tasks: Tasks
    units: list[Unit]
    indicators: list[Indicator] = field(default_factory=list)
    # byte offsets cutting tasks.yaml into its items (store.item_boundaries), when the file is laid out
    # regularly: a write to a few items then parses those items' text alone
    task_cuts: list[int] | None = None

    @cached_property
    def unit_by_name(self) -> dict[str, Unit]:
        return _unit_names(self.units)

    def canonical(self, name: str) -> str:
        """A unit or group as the document writes it -> its canonical name."""
        return self.unit_by_name[name].name

    def task(self, task_id: str) -> Task:
        position = self.tasks.positions.get(names.item_id(task_id))
        return self.tasks[position] if position is not None else names.find_item(self.tasks, task_id)

    def find_unit(self, text: str) -> Unit:
        keys: dict[str, Unit] = {unit.id: unit for unit in self.units}
        keys.update(self.unit_by_name)
        return Matcher("unit", keys, self.unit_by_name).find(text)

    @property
    def leaders(self) -> list[str]:
        return list(dict.fromkeys(leader for item in self.tasks.sketches() for leader in item.leaders))

    def find_leader(self, text: str) -> str:
        return Matcher("lead official", {name: name for name in self.leaders}).find(text)

    def indicator(self, indicator_id: str) -> Indicator:
        return names.find_indicator(self.indicators, indicator_id)

    def section(self, kind: str, number: int) -> Section | None:
        for section in self.sections:
            if section.kind == kind and section.number == number:
                return section
        return None


def _unit_names(units: list[Unit]) -> dict[str, Unit]:
    names: dict[str, Unit] = {}
    for unit in units:
        for name in (unit.name, *unit.aliases):
            names.setdefault(name, unit)
    return names


# How often this process loaded each data folder in full (for the tests that check a command goes
# through the read cache instead of parsing every file).
FULL_LOADS: Counter[str] = Counter()


def load(data: DataDir, replacing: Mapping[str, str] | None = None, indicators: bool = True) -> Ledger:
    """Load and validate the ledger in `data`; raise DataError listing every problem.

    `replacing` maps a file name to new text to validate in place of the file on disk.
    `indicators=False` skips indicators.yaml, for commands about tasks only (`validate` checks it).
    """
    from parktrack import store

    FULL_LOADS[str(data.path)] += 1
    replacing = replacing or {}
    units_doc = store.read_yaml(data.file(store.UNITS_FILE), replacing.get(store.UNITS_FILE))
    tasks_doc = store.read_yaml(data.file(store.TASKS_FILE), replacing.get(store.TASKS_FILE), cut="tasks")
    problems = units_doc.problems + tasks_doc.problems
    units_file = _validate(units_doc, UnitsFile, problems)
    tasks_file = _validate(tasks_doc, TasksFile, problems)
    if units_file:
        problems += check_units(units_doc, units_file.units)
    tasks: list[tuple[int, Task]] = []
    if tasks_file:
        tasks = _validate_tasks(tasks_doc, tasks_file, problems)
        problems += check_tasks(tasks_doc, tasks_file, tasks, units_file.units if units_file else None)
    # when tasks.yaml itself is broken, its ids are unknown: checking indicators' items against nothing
    # would only echo the one real problem dozens of times
    task_ids = {_raw_id(raw) for raw in tasks_file.tasks} - {None} if tasks_file else None
    units = units_file.units if units_file else None
    targets = _load_indicators(data, replacing, problems, units, task_ids) if indicators else []
    if problems:
        raise DataError(problems)
    assert units_file and tasks_file
    built = Tasks.of([task for _, task in tasks])
    return Ledger(data, tasks_file.plan, tasks_file.sections, built, units_file.units, targets, tasks_doc.cuts)


def _load_indicators(
    data: DataDir,
    replacing: Mapping[str, str],
    problems: list[Problem],
    units: list[Unit] | None,
    task_ids: set[str | None] | None,
) -> list[Indicator]:
    """indicators.yaml is optional: a ledger of tasks alone is still a ledger."""
    from parktrack import store

    path = data.file(store.INDICATORS_FILE)
    if store.INDICATORS_FILE not in replacing and not os.path.lexists(path):  # a dangling link is an error
        return []
    doc = store.read_yaml(path, replacing.get(store.INDICATORS_FILE))
    problems += doc.problems
    frame = _validate(doc, IndicatorsFile, problems)
    if frame is None:
        return []
    checked = [
        (index, _validate(doc, Indicator, problems, ("indicators", index), raw))
        for index, raw in enumerate(frame.indicators)
    ]
    valid = [(index, indicator) for index, indicator in checked if indicator is not None]
    names = _unit_names(units) if units is not None else None
    findings = check_indicators(valid, frame.indicators, task_ids, names)
    problems += [doc.problem(("indicators", index, *loc), message) for index, loc, message in findings]
    return [indicator for _, indicator in valid]


def check_task_alone(raw: Any, ledger: Ledger) -> Task | None:
    """One item, as parsed from its own text, checked as `load` checks it against the rest of the ledger.

    The Task, or None when anything is wrong with it (the caller then checks the whole ledger, which
    says what and where). Together with its id being unchanged, this is everything a full check finds
    about a change to one item: the other checks (ids unique, indicators' items known) see only ids.
    """
    try:
        task = Task.model_validate(raw)
    except ValidationError:
        return None
    sections: set[tuple[str, int]] = {(section.kind, section.number) for section in ledger.sections}
    problems = _task_findings(task, ledger.plan, sections, ledger.unit_by_name)
    return None if next(problems, None) is not None else task


def check_indicators_text(ledger: Ledger, text: str) -> list[Indicator] | None:
    """indicators.yaml as `text`, checked in full against the ledger's units and items; None when invalid."""
    from parktrack import store

    problems: list[Problem] = []
    replacing = {store.INDICATORS_FILE: text}
    indicators = _load_indicators(ledger.data, replacing, problems, ledger.units, set(ledger.tasks.ids))
    return None if problems else indicators


def _validate(doc: YamlDoc, model: type[M], problems: list[Problem], loc: Loc = (), data: Any = None) -> M | None:
    if not doc.ok:
        return None
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        problems += [doc.problem((*loc, *err["loc"]), _message(err)) for err in exc.errors()]
        return None


def _validate_tasks(doc: YamlDoc, tasks_file: TasksFile, problems: list[Problem]) -> list[tuple[int, Task]]:
    """Each task on its own, with its index; invalid ones are reported and left out of later checks."""
    tasks = [
        (index, _validate(doc, Task, problems, ("tasks", index), raw)) for index, raw in enumerate(tasks_file.tasks)
    ]
    return [(index, task) for index, task in tasks if task is not None]


def _raw_id(raw: dict[str, Any]) -> str | None:
    """An entry's id as written, or None when it is not a plain value (`id: [T01]`)."""
    value = raw.get("id")
    return str(value) if isinstance(value, str | int | float) else None


# Pydantic's error types, as sentences for people (its own wording stays for the rare others).
_TYPE_MESSAGES = {
    "string_type": N_("should be text"),
    "string_pattern_mismatch": N_("is not in the expected form"),
    "int_type": N_("should be a whole number"),
    "int_parsing": N_("should be a whole number"),
    "int_from_float": N_("should be a whole number"),
    "float_type": N_("should be a number"),
    "float_parsing": N_("should be a number"),
    "finite_number": N_("should be a finite number"),
    "bool_type": N_("should be true or false"),
    "bool_parsing": N_("should be true or false"),
    "date_type": N_("should be a date such as 2024-06-30"),
    "date_parsing": N_("should be a date such as 2024-06-30"),
    "date_from_datetime_parsing": N_("should be a date such as 2024-06-30"),
    "date_from_datetime_inexact": N_("should be a date such as 2024-06-30"),
    "list_type": N_("should be a list"),
    "dict_type": N_("should be a mapping of fields"),
    "model_type": N_("should be a mapping of fields"),
    "model_attributes_type": N_("should be a mapping of fields"),
    "literal_error": N_("should be one of {expected}"),
    "enum": N_("should be one of {expected}"),
    "greater_than": N_("should be greater than {gt}"),
    "greater_than_equal": N_("should be at least {ge}"),
    "less_than_equal": N_("should be at most {le}"),
    "string_too_short": N_("should not be empty"),
    "string_too_long": N_("is longer than a workbook cell holds ({max_length} characters)"),
    "too_short": N_("should not be empty"),
}


def _message(err: Any) -> str:
    kind, loc = err["type"], err["loc"]
    if kind == "extra_forbidden":
        return _("unknown field '{field}'").format(field=brief(loc[-1]))
    if kind == "missing":
        return _("missing field '{field}'").format(field=brief(loc[-1]))
    if kind == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == NO_CONTROLS:
        return control_problem(_("the text"), err["input"]) or _("is not in the expected form")
    if kind in _TYPE_MESSAGES:
        # Pydantic lists the choices in English words ('unit' or 'group'): the last joint in the language
        words = {key: str(value).replace(" or ", _(" or ")) for key, value in err.get("ctx", {}).items()}
        message = _(_TYPE_MESSAGES[kind]).format(**words)
    else:
        message = str(err["msg"]).removeprefix("Value error, ")
    if kind not in ("value_error",) and "input" in err:
        message += _(", got {value}").format(value=shown(err["input"]))
    return message


# --- cross-checks ---------------------------------------------------------------


def check_units(doc: YamlDoc, units: list[Unit]) -> list[Problem]:
    problems = []
    seen_ids: set[str] = set()
    seen_names: dict[str, str] = {}
    for index, unit in enumerate(units):
        if unit.id in seen_ids:
            problems.append(doc.problem(("units", index, "id"), _("duplicate unit id '{id}'").format(id=unit.id)))
        seen_ids.add(unit.id)
        for name in (unit.name, *unit.aliases):
            if name in seen_names and seen_names[name] != unit.id:
                message = _("name '{name}' is already used by unit '{unit}'").format(name=name, unit=seen_names[name])
                problems.append(doc.problem(("units", index, "name"), message))
            seen_names.setdefault(name, unit.id)
    return problems + _one_script_apart(doc, units)


def _one_script_apart(doc: YamlDoc, units: list[Unit]) -> list[Problem]:
    """Names of two units that differ only in script (縣財政局, 县财政局): one body written by two hands,
    which every Chinese table shows as one name and `--unit` finds only half of."""
    from parktrack.names import fold

    problems = []
    first: dict[str, tuple[str, str]] = {}  # folded -> (unit id, name as written)
    for index, unit in enumerate(units):
        for name in (unit.name, *unit.aliases):
            other = first.setdefault(fold(name), (unit.id, name))
            if other[0] != unit.id and other[1] != name:  # the same spelling is reported above
                message = _(
                    "name '{name}' is '{other}' of unit '{unit}' in the other script: one body as two units; keep one "
                    "(the other spelling may be its alias) and name it in the items"
                )
                where = ("name",) if name == unit.name else ("aliases", unit.aliases.index(name))
                text = message.format(name=name, unit=other[0], other=other[1])
                problems.append(doc.problem(("units", index, *where), text))
    return problems


def check_tasks(
    doc: YamlDoc, tasks_file: TasksFile, tasks: list[tuple[int, Task]], units: list[Unit] | None
) -> list[Problem]:
    names = _unit_names(units) if units is not None else None
    problems: list[Problem] = []
    seen: set[str] = set()
    sections: set[tuple[str, int]] = {(s.kind, s.number) for s in tasks_file.sections}
    for index, raw in enumerate(tasks_file.tasks):
        task_id = _raw_id(raw)
        if task_id is None:
            continue  # a malformed id is reported by the task's own validation
        if task_id in seen:
            message = _("duplicate task id '{id}'").format(id=brief(task_id))
            problems.append(doc.problem(("tasks", index, "id"), message))
        seen.add(task_id)
    for index, task in tasks:
        findings = list(_task_findings(task, tasks_file.plan, sections, names))
        problems += [doc.problem(("tasks", index, *loc), message) for loc, message in findings]
    return problems


Finding = tuple["Loc", str]


def _task_findings(
    task: Task, plan: Plan, sections: set[tuple[str, int]], names: dict[str, Unit] | None
) -> Iterator[Finding]:
    expected_kind = {"T": "key_task", "M": "measure", "J": "assigned"}[task.id[0]]
    if task.kind != expected_kind:
        message = _("id '{id}' belongs to kind '{expected}', not '{kind}'")
        yield ("kind",), message.format(id=task.id, expected=expected_kind, kind=task.kind)
    if (task.kind, task.section) not in sections:
        yield ("section",), _("no {kind} section {section} in sections").format(kind=task.kind, section=task.section)
    if task.kind == "key_task" and not task.leaders:
        yield ("leaders",), _("a key task names at least one lead official (牽頭領導)")
    if names is not None:
        yield from _unit_findings(task, names)
    yield from _deadline_findings(task, plan)
    yield from _history_findings(task)


def _unit_findings(task: Task, names: dict[str, Unit]) -> Iterator[Finding]:
    fields = (
        ("lead_units", task.lead_units, "unit"),
        ("support_units", task.support_units, "unit"),
        ("groups", task.groups, "group"),
    )
    for key, values, kind in fields:
        for position, name in enumerate(values):
            unit = names.get(name)
            if unit is None:
                unknown = _("unknown unit '{name}'") if kind == "unit" else _("unknown group '{name}'")
                yield (key, position), unknown.format(name=name) + did_you_mean(name, names)
            elif unit.kind != kind:
                message = (
                    _("'{name}' is a group; list it under groups")
                    if unit.kind == "group"
                    else _("'{name}' is a unit; list it under lead_units or support_units")
                )
                yield (key, position), message.format(name=name)


def _deadline_findings(task: Task, plan: Plan) -> Iterator[Finding]:
    if task.deadline_text is None:
        year_end = f"{plan.year}-12-31"
        if not task.deadline_implied or task.deadline is None or task.deadline.isoformat() != year_end:
            message = _("without a written 完成時限 the deadline is the plan's year end, {day}, implied")
            yield ("deadline",), message.format(day=year_end)
        return
    if task.deadline_implied:
        yield ("deadline_implied",), _("a written 完成時限 is not implied")
    meant = deadline_from_text(task.deadline_text)
    if meant != task.deadline:
        meant_text = meant.isoformat() if meant else _("no date (a condition)")
        message = _("does not agree with 完成時限 '{text}', which means {meant}")
        yield ("deadline",), message.format(text=task.deadline_text, meant=meant_text)
    if task.long_term != is_long_term(task.deadline_text):
        message = _("should be {value} for 完成時限 '{text}'")
        yield ("long_term",), message.format(value=str(not task.long_term).lower(), text=task.deadline_text)


def _history_findings(task: Task) -> Iterator[Finding]:
    last_date = None
    current = "not_started"
    for position, entry in enumerate(task.history):
        if last_date and entry.date < last_date:
            message = _("history goes back in time: {day} after {last}").format(day=entry.date, last=last_date)
            yield ("history", position, "date"), message
        if entry.status is None and entry.note is None:
            yield ("history", position), _("a history entry records a status, a note, or both")
        if entry.status == "ongoing" and not task.long_term:
            yield ("history", position, "status"), _("'ongoing' is only for long-term items (並長期堅持 / 持續推進)")
        last_date = entry.date
        current = entry.status or current
    if task.status != current:
        message = _("status '{status}' disagrees with the last status in history, '{last}'")
        yield ("status",), message.format(status=task.status, last=current)


# --- indicators -----------------------------------------------------------------

_KIND_UNITS = {"growth": "%", "share": "%", "milestone": "是否", "rank_change": "位次"}


def check_indicators(
    indicators: list[tuple[int, Indicator]],
    raw: list[dict[str, Any]],
    task_ids: set[str | None] | None,
    names: dict[str, Unit] | None,
) -> Iterator[tuple[int, Loc, str]]:
    ids = [_raw_id(entry) for entry in raw]
    seen: set[str] = set()
    for index, indicator_id in enumerate(ids):
        if indicator_id in seen:
            yield index, ("id",), _("duplicate indicator id '{id}'").format(id=brief(indicator_id))
        if indicator_id is not None:
            seen.add(indicator_id)
    known: set[Any] = seen
    for index, indicator in indicators:
        for loc, message in _indicator_findings(indicator, known, task_ids, names):
            yield index, loc, message


def _indicator_findings(
    indicator: Indicator, known: set[Any], task_ids: set[str | None] | None, names: dict[str, Unit] | None
) -> Iterator[Finding]:
    yield from _kind_findings(indicator)
    if task_ids is not None:
        for position, item in enumerate(indicator.items):
            if item not in task_ids:
                ids = [task_id for task_id in task_ids if task_id]  # only here: a list per indicator is quadratic
                yield ("items", position), _("unknown task '{id}'").format(id=item) + did_you_mean(item, ids)
    if names is not None:
        for position, name in enumerate(indicator.units):
            if name not in names:
                yield ("units", position), _("unknown unit '{name}'").format(name=name) + did_you_mean(name, names)
    if indicator.alternative is not None and indicator.alternative not in known:
        yield (
            ("alternative",),
            _("unknown indicator '{id}'").format(id=indicator.alternative) + did_you_mean(indicator.alternative, known),
        )
    yield from _actual_findings(indicator)


def _kind_findings(indicator: Indicator) -> Iterator[Finding]:
    wanted_unit = _KIND_UNITS.get(indicator.kind)
    if wanted_unit and indicator.unit != wanted_unit:
        message = _("a {kind} indicator is measured in {wanted}, not {unit}")
        yield ("unit",), message.format(kind=indicator.kind, wanted=wanted_unit, unit=indicator.unit)
    if indicator.kind in ("level", "count") and indicator.unit in ("%", "是否"):
        yield ("unit",), _("a {kind} is an amount, not {unit}").format(kind=indicator.kind, unit=indicator.unit)
    if (indicator.kind == "periodic_count") != (indicator.period != "year"):
        yield ("period",), _("per-quarter or per-half-year targets are periodic_count, and only they")
    if indicator.cumulative and (indicator.kind not in ("level", "count") or indicator.comparison != "at_least"):
        yield ("cumulative",), _("only an at-least level or count builds up over the year")
    if indicator.kind == "margin" and not indicator.reference:
        yield ("reference",), _("a margin names the reference figure it is measured against")
    if indicator.stretch is not None:
        beyond = (
            indicator.stretch < indicator.target
            if indicator.comparison == "at_most"
            else indicator.stretch > indicator.target
        )
        if not beyond:
            yield (
                ("stretch",),
                _("the stretch target {stretch:g} does not lie beyond the target {target:g}").format(
                    stretch=indicator.stretch, target=indicator.target
                ),
            )


def _actual_findings(indicator: Indicator) -> Iterator[Finding]:
    from parktrack.indicators import WHOLE_UNITS

    live: set[str] = set()
    last = None
    for position, actual in enumerate(indicator.actuals):
        here = ("actuals", position)
        yield from _entry_findings(indicator, actual, here, actual.period in live)
        if actual.withdrawn:
            live.discard(actual.period)
        else:
            live.add(actual.period)
        if last and actual.recorded < last:
            yield (
                (*here, "recorded"),
                _("recorded dates go back in time: {day} after {last}").format(day=actual.recorded, last=last),
            )
        last = actual.recorded
        if actual.value is None:
            continue
        is_flag = isinstance(actual.value, bool)
        if is_flag != (indicator.kind == "milestone"):
            yield (*here, "value"), _("a milestone takes yes/no; other indicators take a number")
        elif not is_flag and indicator.unit in WHOLE_UNITS and not float(actual.value).is_integer():
            yield (*here, "value"), _("{unit} are counted in whole numbers").format(unit=indicator.unit)
        if (indicator.kind == "margin") != (actual.reference is not None):
            yield (*here, "reference"), _("a margin figure comes with its reference figure, and only a margin")


def _entry_findings(indicator: Indicator, actual: Any, here: Loc, is_live: bool) -> Iterator[Finding]:
    """One entry of a series against what is in force for its period before it."""
    period = actual.period
    if actual.withdrawn:
        if actual.value is not None or actual.correction:
            yield (*here, "withdrawn"), _("a withdrawal names the period only: no value, no correction")
        if not is_live:
            yield (*here, "withdrawn"), _("nothing recorded for {period} earlier to withdraw").format(period=period)
        return
    if actual.value is None:
        yield (*here, "value"), _("a figure needs a value (or withdrawn: true to withdraw the period's figure)")
    if is_live and not actual.correction:
        message = _("duplicate period {period}; mark a corrected figure with correction: true")
        yield (*here, "period"), message.format(period=period)
    if actual.correction and not is_live:
        yield (*here, "correction"), _("nothing recorded for {period} earlier to correct").format(period=period)
    if indicator.period == "quarter" and "Q" not in period:
        yield (*here, "period"), _("a per-quarter target is recorded per quarter, such as 2024Q1")
    if indicator.period == "half" and "H" not in period:
        yield (*here, "period"), _("a per-half-year target is recorded per half-year, such as 2024H1")
