"""催辦 notices: per lead unit, what is overdue and what falls due soon, as plain text to paste or print.

A unit is chased for the items it leads (牽頭); a unit with nothing overdue or due soon gets no notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from parktrack import query
from parktrack.errors import WriteError
from parktrack.files import atomic_write, distinct_name_parts
from parktrack.i18n import _, current_language, display, ngettext
from parktrack.ledger import Ledger
from parktrack.models import Task, Unit
from parktrack.query import Filters
from parktrack.reporting.layout import long_day

DEFAULT_WITHIN = 15
SENDER = "云南武定產業園區領導小組辦公室"  # the office that convenes the 調度會議 (plan, 三(二))
_CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class NoticeItem:
    task: Task
    days_overdue: int | None
    days_left: int | None
    last_progress: date | None  # the item's last recorded status or note, on or before the as-of day


@dataclass(frozen=True)
class Notice:
    unit: Unit
    as_of: date
    within: int
    overdue: list[NoticeItem]
    due: list[NoticeItem]


def notices(ledger: Ledger, as_of: date, within: int = DEFAULT_WITHIN, unit: Unit | None = None) -> list[Notice]:
    """One notice per unit with something to chase, in units.yaml order (or only `unit`'s)."""
    chosen = [unit] if unit is not None else [u for u in ledger.units if not u.is_group]
    found = []
    for each in chosen:
        notice = _notice(ledger, each, as_of, within)
        if notice.overdue or notice.due:
            found.append(notice)
    return found


def _notice(ledger: Ledger, unit: Unit, as_of: date, within: int) -> Notice:
    led = Filters(unit=unit, role="lead")
    overdue = [_item(row, as_of) for row in query.overdue(ledger, as_of, led)]
    due = [_item(row, as_of) for row in query.due_within(ledger, as_of, within, led)]
    return Notice(unit, as_of, within, overdue, due)


def _item(row: query.Row, as_of: date) -> NoticeItem:
    days = [entry.date for entry in row.task.history if entry.date <= as_of]
    return NoticeItem(row.task, row.state.days_overdue, row.state.days_left, days[-1] if days else None)


def write_all(ledger: Ledger, found: list[Notice], folder: Path) -> None:
    """Each notice as its own file in `folder` (made if needed), replaced whole, named by the day and the
    unit, distinct from every other unit's; OS errors as WriteError."""
    path = folder
    names = distinct_name_parts({unit.id: display(unit.name) for unit in ledger.units})  # in the interface's script
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for notice in found:
            path = folder / f"{notice.as_of.isoformat()}-{names[notice.unit.id]}.txt"  # 2024-07-01-縣財政局.txt
            atomic_write(path, text(notice, ledger.plan.title))
    except OSError as error:  # a read-only folder, a full disk
        raise WriteError.refused(path, error) from None


# --- the text ----------------------------------------------------------------------------


def text(notice: Notice, plan_title: str) -> str:
    lines = [_("Reminder notice (催辦)"), "", _("{unit}:").format(unit=display(notice.unit.name)), ""]
    lines.append(
        _("As of {day}, the following items that your unit leads under {plan} need your attention:").format(
            day=long_day(notice.as_of), plan=display(plan_title)
        )
    )
    parts = []
    if notice.overdue:
        parts.append((_("Overdue items ({count})").format(count=len(notice.overdue)), notice.overdue))
    if notice.due:
        heading = _("Items due within {days} days ({count})").format(days=notice.within, count=len(notice.due))
        parts.append((heading, notice.due))
    for position, (heading, items) in enumerate(parts):
        lines += ["", f"{_ordinal(position)}{heading}"]
        for number, item in enumerate(items, 1):
            lines += [f"{number}. {item.task.id} {display(item.task.text)}", "   " + _details(item, notice.as_of)]
    lines += [
        "",
        _("Please press on with these items and report their progress to the office within three working days."),
        "",
        display(SENDER),
        long_day(notice.as_of),
    ]
    return "\n".join(lines) + "\n"


def _details(item: NoticeItem, as_of: date) -> str:
    task = item.task
    if task.deadline_text:
        deadline = display(task.deadline_text)
    else:
        deadline = _("{day} (the plan's year end)").format(day=long_day(task.deadline or as_of))
    if item.days_overdue is not None:
        timing = ngettext("{days} day overdue", "{days} days overdue", item.days_overdue).format(days=item.days_overdue)
    elif item.days_left == 0:
        timing = _("due today")
    else:
        days = item.days_left or 0
        timing = ngettext("{days} day left", "{days} days left", days).format(days=days)
    leaders = "、".join(display(name) for name in task.leaders) or _("none named")
    last = long_day(item.last_progress) if item.last_progress else _("nothing yet")
    return _("Deadline: {deadline}; {timing}; lead official: {leaders}; last progress recorded: {last}.").format(
        deadline=deadline, timing=timing, leaders=leaders, last=last
    )


def _ordinal(position: int) -> str:
    if current_language() == "en":
        return f"{'ABCDEFGHIJ'[position]}. "
    return f"{_CHINESE_NUMERALS[position]}、"
