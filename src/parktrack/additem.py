"""Adding an item decided at a meeting (交辦事項): a J-numbered item, spliced in, validated, one commit.

Assigned items are numbered J01, J02 … (J for 交辦) after the highest J number in the ledger, so
they never collide with the plan's own T and M numbers. They have the kind `assigned`, live in a
section of that kind (交辦事項, added the first time), and keep the meeting and day that decided
them as their `source`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from parktrack import cache, store
from parktrack.cache import Base
from parktrack.deadlines import county_today
from parktrack.errors import UsageError
from parktrack.i18n import _
from parktrack.ledger import Ledger, load
from parktrack.models import Unit, require_printable
from parktrack.store import DataDir, Splice, scalar_text
from parktrack.writing import commit_target, committed_or_restored

ASSIGNED_SECTION_TITLE = "交辦事項"
Validated = tuple[Ledger, dict[str, Any]]  # a ledger and its read-cache payload (cache.validated_after)
_ASSIGNED_ID = re.compile(r"^J(\d+)$")


@dataclass(frozen=True)
class NewItem:
    """What the user asked for, as typed."""

    text: str
    lead: Sequence[str]
    deadline: str
    support: Sequence[str] = ()
    leaders: Sequence[str] = ()
    meeting: str | None = None
    decided: date | None = None
    condition: bool = False  # the deadline text names a condition, not a date

    def typed(self) -> dict[str, Sequence[str | None]]:
        """What goes into the ledger as typed, by option (units and officials new to it too)."""
        return {
            "--text": [self.text],
            "--lead": self.lead,
            "--support": self.support,
            "--deadline": [self.deadline],
            "--leader": self.leaders,
            "--meeting": [self.meeting],
        }


@dataclass(frozen=True)
class Added:
    task_id: str
    lead_units: list[str]
    support_units: list[str]
    groups: list[str]
    new_units: list[str]
    new_leaders: list[str]
    deadline: date | None
    commit: str | None
    repo: str | None
    files: list[str] = field(default_factory=list)


def add_item(data: DataDir, item: NewItem, new_unit: bool = False, commit: bool = True) -> Added:
    """Validate, splice the item (and any new units) in, write atomically under the lock, commit once."""
    text = " ".join(item.text.split())
    if not text:
        raise UsageError(_("the item's text is empty"))
    for option, texts in item.typed().items():
        require_printable(option, *texts)
    if not item.lead:
        raise UsageError(_("name at least one lead unit with --lead"))
    if item.decided is not None and item.decided > county_today():  # a typo for the meeting's day
        message = _("the meeting's day {day} is in the future; give the day the meeting decided the item")
        raise UsageError(message.format(day=item.decided.isoformat()))
    deadline, long_term = _deadline(item.deadline, item.condition)
    with store.locked(data):
        base = cache.load_for_write(data)
        ledger = base.ledger
        names = _Names(ledger, new_unit)
        lead_units, lead_groups = names.resolve(item.lead)
        support_units, support_groups = names.resolve(item.support)
        if not lead_units:
            raise UsageError(_("a lead unit must be one accountable unit, not only a group"))
        leaders, new_leaders = _leaders(ledger, item.leaders)
        task_id = next_id(ledger)
        entry: dict[str, Any] = {
            "id": task_id,
            "kind": "assigned",
            "section": _section_number(ledger),
            "text": text,
            "leaders": leaders,
            "lead_units": lead_units,
            "support_units": [name for name in support_units if name not in lead_units],
            "groups": list(dict.fromkeys(lead_groups + support_groups)),
            "deadline_text": " ".join(item.deadline.split()),
            "deadline": deadline,
            "long_term": long_term,
            "status": "not_started",
            "history": [],
            "source": {"meeting": item.meeting, "date": item.decided or county_today()},
        }
        files, validated = _validated_files(data, base, entry, names.added)
        # checked before writing, as every write; units.yaml too: the item's names were resolved against it
        repo = commit_target(data, list(dict.fromkeys([store.UNITS_FILE, *files]))) if commit else None
        written = [name for name in (store.UNITS_FILE, store.TASKS_FILE) if name in files]
        for name in written:  # units first: a crash between leaves it valid
            store.atomic_write(data.file(name), files[name])
        _remember(data, base, files, validated)
        sha = _commit(repo, [data.file(name) for name in written], entry) if repo is not None else None
    return Added(
        task_id,
        lead_units,
        entry["support_units"],
        entry["groups"],
        [unit.name for unit in names.added],
        new_leaders,
        deadline,
        sha,
        None if repo is None else str(repo),
        list(files),
    )


def _deadline(text: str, condition: bool) -> tuple[date | None, bool]:
    from parktrack.deadlines import is_long_term, read_deadline

    if not text.strip():
        raise UsageError(_("the deadline (--deadline) is empty"))
    day, read = read_deadline(text)
    if condition:
        if read:
            raise UsageError(_("'{text}' is a date, not a condition; drop --condition").format(text=text))
        return None, is_long_term(text)
    if not read:
        raise UsageError(
            _(
                "cannot read a date in '{text}'; write it like 2024年9月底以前, 2024年9月30日前 or 2024-09-30, "
                "or pass --condition if the item waits on a condition"
            ).format(text=text)
        )
    return day, is_long_term(text)


def next_id(ledger: Ledger) -> str:
    numbers = [int(match[1]) for task_id in ledger.tasks.ids if (match := _ASSIGNED_ID.match(task_id))]
    return f"J{max(numbers, default=0) + 1:02d}"


def _section_number(ledger: Ledger) -> int:
    numbers = [section.number for section in ledger.sections if section.kind == "assigned"]
    return numbers[0] if numbers else 1


class _Names:
    """Units by what was typed; unknown ones become new units when allowed."""

    def __init__(self, ledger: Ledger, allow_new: bool) -> None:
        self.ledger = ledger
        self.allow_new = allow_new
        self.added: list[Unit] = []

    def resolve(self, typed: Sequence[str]) -> tuple[list[str], list[str]]:
        units: list[str] = []
        groups: list[str] = []
        for text in typed:
            for name in _split(text):
                unit = self._find(name)
                (groups if unit.is_group else units).append(unit.name)
        return list(dict.fromkeys(units)), list(dict.fromkeys(groups))

    def _find(self, name: str) -> Unit:
        for unit in self.added:
            if unit.name == name:
                return unit
        if self.allow_new and not _known(self.ledger, name):
            unit = Unit(id=_new_unit_id(self.ledger, len(self.added)), name=name, aliases=[], kind="unit")
            self.added.append(unit)
            return unit
        return self.ledger.find_unit(name)  # unknown or ambiguous: an error with the candidates


def _split(text: str) -> list[str]:
    from parktrack.tableparse import split_names

    return split_names(text)


def _known(ledger: Ledger, name: str) -> bool:
    """Whether the name finds any unit (exactly, in part, or in the other script)."""
    return _finds_any(name, [*ledger.unit_by_name, *(unit.id for unit in ledger.units)])


def _finds_any(name: str, names: list[str]) -> bool:
    from parktrack.names import fold

    if any(name in known for known in names):
        return True
    folded = fold(name)
    return any(folded in fold(known) for known in names)


def _new_unit_id(ledger: Ledger, offset: int) -> str:
    taken = {unit.id for unit in ledger.units}
    number = len(ledger.units) + 1 + offset
    while f"unit-{number:02d}" in taken:
        number += 1
    return f"unit-{number:02d}"


def _leaders(ledger: Ledger, typed: Sequence[str]) -> tuple[list[str], list[str]]:
    """Known officials by name or unique part, in either script; a name matching none is new, kept as typed."""
    from parktrack.tableparse import split_names

    leaders: list[str] = []
    new: list[str] = []
    for text in typed:
        for name in split_names(text, wrapped=False):
            if _finds_any(name, ledger.leaders):
                leaders.append(ledger.find_leader(name))  # ambiguous: an error listing the candidates
            else:
                leaders.append(name)
                new.append(name)
    return list(dict.fromkeys(leaders)), new


def _validated_files(
    data: DataDir, base: Base, entry: dict[str, Any], new_units: list[Unit]
) -> tuple[Mapping[str, str | bytes], Validated | Ledger]:
    """The files' new texts and the ledger they make, validated before anything is written.

    When only tasks.yaml changes and only after its last item (the 交辦事項 section is there, no new
    unit), the new item is validated alone, as a refresh validates an item text it does not know
    (`cache.validated_after`); when that is not sure (no cache entry, an irregular layout), or the
    section or units change too, the whole ledger is validated with the new texts."""
    section = None if any(section.kind == "assigned" for section in base.ledger.sections) else _new_section()
    tasks = _spliced_by_parts(data, base, entry, section)
    if tasks is not None and section is None and not new_units and base.texts is not None:
        validated = cache.validated_after(base, {**base.texts, store.TASKS_FILE: tasks})
        if validated is not None:
            return {store.TASKS_FILE: tasks}, validated
    texts = _new_texts(data, entry, section, tasks, new_units)
    return texts, load(data, replacing=texts)


def _spliced_by_parts(data: DataDir, base: Base, entry: dict[str, Any], section: dict[str, Any] | None) -> bytes | None:
    """tasks.yaml with the entry after the last item, and `section` after the last section: the splices
    `_spliced_whole` makes in the whole file's nodes, made in the nodes of two parts parsed alone (the
    text before the list, as a load by items parses it, and the last item's text), so that a large
    file's nodes are never all held. None when the file was not cut into items surely."""
    texts, cuts = base.texts, base.ledger.task_cuts
    if texts is None or cuts is None or len(cuts) < 2:
        return None
    path, raw = data.file(store.TASKS_FILE), texts[store.TASKS_FILE]
    newline = store.file_newline(raw)  # the whole file's style, as `_spliced_whole` sees it
    try:
        head, last = raw[: cuts[0]].decode("utf-8"), raw[cuts[-2] : cuts[-1]].decode("utf-8")
    except UnicodeDecodeError:
        return None
    item = store.read_item(path, last)
    if item is None:
        return None
    if section is not None:
        head_doc = store.read_yaml(path, head, marks=True)
        if not head_doc.ok or store.mapping_value(head_doc.root(), "sections") is None:
            return None  # the sections list written after the tasks: not in the head
        splice = store.append_block_to_sequence(head_doc.root(), "sections", _block(section))
        head = head_doc.with_bom(store.apply_splices(head_doc.text, [splice], newline))
    tail = store.apply_splices(last, [store.append_after_item(item, _block(entry))], newline)
    return head.encode("utf-8") + raw[cuts[0] : cuts[-2]] + tail.encode("utf-8") + raw[cuts[-1] :]


def _remember(data: DataDir, base: Base, files: Mapping[str, str | bytes], validated: Validated | Ledger) -> None:
    """Leave the read cache current for the files as written, so the next command starts from it."""
    if base.texts is None:
        return
    written = {**base.texts, **{name: _bytes(text) for name, text in files.items()}}
    if isinstance(validated, tuple):
        cache.remember_validated(data, validated, written)
    else:
        cache.remember(data, validated, written)


def _bytes(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8")  # as atomic_write writes text


def _new_texts(
    data: DataDir, entry: dict[str, Any], section: dict[str, Any] | None, tasks: bytes | None, new_units: list[Unit]
) -> dict[str, str]:
    """The files' new texts, for the full check: tasks.yaml as spliced by parts (`tasks`), else spliced
    whole (the item, and `section` the first time, after the last of their lists), and any new units
    after the last unit."""
    files = {store.TASKS_FILE: tasks.decode("utf-8") if tasks is not None else _spliced_whole(data, entry, section)}
    if new_units:
        units_doc = store.read_yaml(data.file(store.UNITS_FILE))
        unit_splices = [
            store.append_block_to_sequence(units_doc.root(), "units", _block(unit.model_dump())) for unit in new_units
        ]
        files[store.UNITS_FILE] = units_doc.with_bom(store.apply_splices(units_doc.text, unit_splices))
    return files


def _new_section() -> dict[str, Any]:
    return {"kind": "assigned", "number": 1, "title": ASSIGNED_SECTION_TITLE, "goal": None}


def _spliced_whole(data: DataDir, entry: dict[str, Any], section: dict[str, Any] | None) -> str:
    """tasks.yaml with the entry (and `section`) appended, spliced at the whole file's nodes."""
    tasks_doc = store.read_yaml(data.file(store.TASKS_FILE))
    splices: list[Splice] = []
    if section is not None:
        splices.append(store.append_block_to_sequence(tasks_doc.root(), "sections", _block(section)))
    splices.append(store.append_block_to_sequence(tasks_doc.root(), "tasks", _block(entry)))
    return tasks_doc.with_bom(store.apply_splices(tasks_doc.text, splices))


def _block(entry: dict[str, Any]) -> list[str]:
    """A mapping as block lines (`- key: value`, then `  key: value`), values on one line each."""
    lines = []
    for position, (key, value) in enumerate(entry.items()):
        if isinstance(value, dict):
            value = {inner: item for inner, item in value.items() if item is not None}
        shown = "null" if value is None else _inline(value)
        lines.append(("- " if position == 0 else "  ") + f"{key}: {shown}")
    return lines


def _inline(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(scalar_text(item) for item in value) + "]"
    return scalar_text(value)


def _commit(repo: Path, paths: list[Path], entry: dict[str, Any]) -> str:
    source = entry["source"]
    decided = " ".join(str(part) for part in (source.get("meeting"), source["date"]) if part)
    subject = f"{entry['id']}: 新增交辦事項 ({decided})"
    trailers = [("Parktrack-Task", entry["id"]), ("Parktrack-Date", source["date"].isoformat())]
    if source.get("meeting"):
        trailers.append(("Parktrack-Meeting", source["meeting"]))
    return committed_or_restored(repo, paths, subject, entry["text"], trailers)
