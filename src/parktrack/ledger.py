"""Loading the ledger: every file validated, every cross-reference checked, all problems at once."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from parktrack import store
from parktrack.deadlines import deadline_from_text, is_long_term
from parktrack.errors import DataError, Problem, UsageError
from parktrack.models import Plan, Section, Task, TasksFile, Unit, UnitsFile
from parktrack.names import Matcher, did_you_mean
from parktrack.store import DataDir, Loc, YamlDoc

M = TypeVar("M", bound=BaseModel)


@dataclass
class Ledger:
    """The validated plan: its tasks, sections and units, with lookups."""

    data: DataDir
    plan: Plan
    sections: list[Section]
    tasks: list[Task]
    units: list[Unit]

    @cached_property
    def unit_by_name(self) -> dict[str, Unit]:
        return _unit_names(self.units)

    def canonical(self, name: str) -> str:
        """A unit or group as the document writes it -> its canonical name."""
        return self.unit_by_name[name].name

    def task(self, task_id: str) -> Task:
        wanted = task_id.strip().upper()
        for task in self.tasks:
            if task.id == wanted:
                return task
        ids = [task.id for task in self.tasks]
        raise UsageError(f"unknown task '{task_id}'{did_you_mean(wanted, ids)}")

    def find_unit(self, text: str) -> Unit:
        keys: dict[str, Unit] = {unit.id: unit for unit in self.units}
        keys.update(self.unit_by_name)
        return Matcher("unit", keys, self.unit_by_name).find(text)

    @property
    def leaders(self) -> list[str]:
        return list(dict.fromkeys(leader for task in self.tasks for leader in task.leaders))

    def find_leader(self, text: str) -> str:
        return Matcher("lead official", {name: name for name in self.leaders}).find(text)

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


def load(data: DataDir, replacing: Mapping[str, str] | None = None) -> Ledger:
    """Load and validate the ledger in `data`; raise DataError listing every problem.

    `replacing` maps a file name to new text to validate in place of the file on disk.
    """
    replacing = replacing or {}
    units_doc = store.read_yaml(data.file(store.UNITS_FILE), replacing.get(store.UNITS_FILE))
    tasks_doc = store.read_yaml(data.file(store.TASKS_FILE), replacing.get(store.TASKS_FILE))
    problems = units_doc.problems + tasks_doc.problems
    units_file = _validate(units_doc, UnitsFile, problems)
    tasks_file = _validate(tasks_doc, TasksFile, problems)
    if units_file:
        problems += check_units(units_doc, units_file.units)
    tasks: list[tuple[int, Task]] = []
    if tasks_file:
        tasks = _validate_tasks(tasks_doc, tasks_file, problems)
        problems += check_tasks(tasks_doc, tasks_file, tasks, units_file.units if units_file else None)
    if problems:
        raise DataError(problems)
    assert units_file and tasks_file
    return Ledger(data, tasks_file.plan, tasks_file.sections, [task for _, task in tasks], units_file.units)


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


def _message(err: Any) -> str:
    kind, loc = err["type"], err["loc"]
    if kind == "extra_forbidden":
        return f"unknown field '{loc[-1]}'"
    if kind == "missing":
        return f"missing field '{loc[-1]}'"
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind not in ("value_error",) and "input" in err and not isinstance(err["input"], dict | list):
        message += f", got {err['input']!r}"
    return message


# --- cross-checks ---------------------------------------------------------------


def check_units(doc: YamlDoc, units: list[Unit]) -> list[Problem]:
    problems = []
    seen_ids: set[str] = set()
    seen_names: dict[str, str] = {}
    for index, unit in enumerate(units):
        if unit.id in seen_ids:
            problems.append(doc.problem(("units", index, "id"), f"duplicate unit id '{unit.id}'"))
        seen_ids.add(unit.id)
        for name in (unit.name, *unit.aliases):
            if name in seen_names and seen_names[name] != unit.id:
                message = f"name '{name}' is already used by unit '{seen_names[name]}'"
                problems.append(doc.problem(("units", index, "name"), message))
            seen_names.setdefault(name, unit.id)
    return problems


def check_tasks(
    doc: YamlDoc, tasks_file: TasksFile, tasks: list[tuple[int, Task]], units: list[Unit] | None
) -> list[Problem]:
    names = _unit_names(units) if units is not None else None
    problems: list[Problem] = []
    seen: set[Any] = set()
    sections: set[tuple[str, int]] = {(s.kind, s.number) for s in tasks_file.sections}
    for index, raw in enumerate(tasks_file.tasks):
        task_id = raw.get("id")
        if task_id in seen:
            problems.append(doc.problem(("tasks", index, "id"), f"duplicate task id '{task_id}'"))
        seen.add(task_id)
    for index, task in tasks:
        findings = list(_task_findings(task, tasks_file.plan, sections, names))
        problems += [doc.problem(("tasks", index, *loc), message) for loc, message in findings]
    return problems


Finding = tuple[Loc, str]


def _task_findings(
    task: Task, plan: Plan, sections: set[tuple[str, int]], names: dict[str, Unit] | None
) -> Iterator[Finding]:
    expected_kind = "key_task" if task.id.startswith("T") else "measure"
    if task.kind != expected_kind:
        yield ("kind",), f"id '{task.id}' belongs to kind '{expected_kind}', not '{task.kind}'"
    if (task.kind, task.section) not in sections:
        yield ("section",), f"no {task.kind} section {task.section} in sections"
    if task.kind == "key_task" and not task.leaders:
        yield ("leaders",), "a key task names at least one lead official (牽頭領導)"
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
    for field, values, kind in fields:
        for position, name in enumerate(values):
            unit = names.get(name)
            if unit is None:
                yield (field, position), f"unknown {kind} '{name}'{did_you_mean(name, names)}"
            elif unit.kind != kind:
                where = "groups" if unit.kind == "group" else "lead_units or support_units"
                yield (field, position), f"'{name}' is a {unit.kind}; list it under {where}"


def _deadline_findings(task: Task, plan: Plan) -> Iterator[Finding]:
    if task.deadline_text is None:
        year_end = f"{plan.year}-12-31"
        if not task.deadline_implied or task.deadline is None or task.deadline.isoformat() != year_end:
            yield ("deadline",), f"without a written 完成時限 the deadline is the plan's year end, {year_end}, implied"
        return
    if task.deadline_implied:
        yield ("deadline_implied",), "a written 完成時限 is not implied"
    meant = deadline_from_text(task.deadline_text)
    if meant != task.deadline:
        meant_text = meant.isoformat() if meant else "no date (a condition)"
        yield ("deadline",), f"does not agree with 完成時限 '{task.deadline_text}', which means {meant_text}"
    if task.long_term != is_long_term(task.deadline_text):
        yield ("long_term",), f"should be {str(not task.long_term).lower()} for 完成時限 '{task.deadline_text}'"


def _history_findings(task: Task) -> Iterator[Finding]:
    last_date = None
    current = "not_started"
    for position, entry in enumerate(task.history):
        if last_date and entry.date < last_date:
            yield ("history", position, "date"), f"history goes back in time: {entry.date} after {last_date}"
        if entry.status is None and entry.note is None:
            yield ("history", position), "a history entry records a status, a note, or both"
        if entry.status == "ongoing" and not task.long_term:
            yield ("history", position, "status"), "'ongoing' is only for long-term items (並長期堅持 / 持續推進)"
        last_date = entry.date
        current = entry.status or current
    if task.status != current:
        yield ("status",), f"status '{task.status}' disagrees with the last status in history, '{current}'"
