"""Pydantic models of the ledger files: their shape and types, field by field."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StringConstraints

from parktrack.errors import UsageError, shown
from parktrack.i18n import _
from parktrack.vocab import STATUSES

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: Any) -> Any:
    """Dates are written YYYY-MM-DD; the loader hands them over as text."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise ValueError(_("expected a date written YYYY-MM-DD, got {value}").format(value=shown(value)))
    return value


def _known_status(value: Any) -> Any:
    if value not in STATUSES:
        message = _("unknown status {value}; the life cycle is {statuses}")
        raise ValueError(message.format(value=shown(value), statuses=", ".join(STATUSES)))
    return value


# Control characters but tab and line breaks (C0), DEL and C1: no sheet or screen shows them, a workbook
# cannot hold them (openpyxl refuses the cell), git refuses NUL in a message, and a terminal acts on
# some (escape sequences). Pasted from Word, a line break can come as U+000B. U+FFFE and U+FFFF are no
# characters at all: XML cannot hold them, so export, sheets and report -o .docx failed on them. The
# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder what follows
# them on screen, a table's borders included ("Trojan Source"); no text of this ledger needs them.
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff"
NO_CONTROLS = rf"^[^{_CONTROLS}]*$"  # checked by pydantic-core's own regex engine, at a load's speed
_CONTROL = re.compile(f"[{_CONTROLS}]")


def control_problem(what: str, text: str | None) -> str | None:
    """Why `text` cannot go into the ledger, naming `what` (the note, --meeting ...): its first control
    character (see NO_CONTROLS); None when it holds none."""
    found = _CONTROL.search(text) if text else None
    if found is None:
        return None
    message = _("{what} holds a control character (U+{code:04X}), which no sheet or screen shows; remove it")
    return message.format(what=what, code=ord(found.group()))


def require_printable(what: str, *texts: str | None) -> None:
    """Refuse typed texts when one holds a control character; `what` names them (--meeting, the note)."""
    for text in texts:
        problem = control_problem(what, text)
        if problem is not None:
            raise UsageError(problem)


Day = Annotated[date, BeforeValidator(_iso_day)]
Status = Annotated[str, BeforeValidator(_known_status)]
CELL_MAX = 32767  # the most characters a workbook cell holds: export and sheets put every text in one
Text = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=CELL_MAX, pattern=NO_CONTROLS)]
Plain = Annotated[str, StringConstraints(pattern=NO_CONTROLS)]  # text that may be empty
TASK_ID = r"^(T\d{2,}|M\d{2,}(\.\d+)?|J\d{2,})$"
TaskId = Annotated[str, StringConstraints(pattern=TASK_ID)]
# key_task (T01…), measure (M01…), assigned: an item decided at a meeting (交辦事項, J01…)
TaskKind = Literal["key_task", "measure", "assigned"]
UnitId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class Model(BaseModel):
    # defer_build: validators are built on first use; a read served from the cache never pays for them
    # allow_inf_nan=False: a figure or target of .nan or .inf means nothing, and NaN is unequal to itself
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False)


# --- units.yaml ---


class Unit(Model):
    id: UnitId
    name: Text
    aliases: list[Text] = []
    kind: Literal["unit", "group"] = "unit"

    @property
    def is_group(self) -> bool:
        return self.kind == "group"


class UnitsFile(Model):
    units: list[Unit] = []


# --- tasks.yaml ---


class HistoryEntry(Model):
    date: Day
    status: Status | None = None
    note: Text | None = None


class Section(Model):
    kind: TaskKind
    number: int = Field(ge=1)
    title: Text
    goal: Text | None = None


class Source(Model):
    """Where an assigned item was decided: the meeting and its day."""

    meeting: Text | None = None
    date: Day


class Task(Model):
    id: TaskId
    kind: TaskKind
    section: int = Field(ge=1)
    measure: Text | None = None
    text: Text
    leaders: list[Text] = []
    lead_units: list[Text] = Field(min_length=1)
    support_units: list[Text] = []
    groups: list[Text] = []
    deadline_text: Text | None = None
    deadline: Day | None
    deadline_implied: bool = False
    long_term: bool = False
    status: Status = "not_started"
    history: list[HistoryEntry] = []
    source: Source | None = None

    @property
    def title(self) -> str:
        return self.text

    @property
    def condition(self) -> str | None:
        """The condition an undated deadline waits on (key task 44)."""
        return self.deadline_text if self.deadline is None else None


class Plan(Model):
    title: Text
    ledger: Text | None = None
    issued: Day | None = None
    year: int


class TasksFile(Model):
    """The file's frame; its tasks are validated one by one so one bad item hides no other."""

    plan: Plan
    sections: list[Section] = []
    tasks: list[dict[str, Any]] = []


# --- indicators.yaml ---

IndicatorKind = Literal["level", "growth", "share", "count", "periodic_count", "rank_change", "margin", "milestone"]
Comparison = Literal["at_least", "at_most", "about"]
PeriodText = Annotated[str, StringConstraints(pattern=r"^\d{4}(Q[1-4]|H[12]|-(0[1-9]|1[0-2]))?$")]


class Actual(Model):
    """One figure recorded for one period; a correction replaces an earlier one, a withdrawal removes it."""

    period: PeriodText
    value: StrictBool | float | None = None  # None only on a withdrawal
    reference: float | None = None
    recorded: Day
    note: Text | None = None
    source: Text | None = None
    correction: bool = False
    withdrawn: bool = False


class Indicator(Model):
    id: UnitId
    name: Text
    unit: Text
    kind: IndicatorKind
    comparison: Comparison = "at_least"
    target: float
    stretch: float | None = None
    aspirational: bool = False  # the document strives for it (力爭 / 爭取) rather than sets it
    reference: Text | None = None
    period: Literal["year", "quarter", "half"] = "year"
    cumulative: bool = False
    alternative: Plain | None = None
    units: list[Text] = []
    items: list[Plain] = []
    source: Text
    actuals: list[Actual] = []


class IndicatorsFile(Model):
    """The file's frame; indicators are validated one by one, like tasks."""

    indicators: list[dict[str, Any]] = []
