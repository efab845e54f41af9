"""Deadline forms, as-of dates and the light of an item on a day."""

from __future__ import annotations

from datetime import date

import pytest

from item_stand_ins import Entry, Item
from parktrack.deadlines import assess, completed_on, deadline_from_text, is_long_term, parse_day, status_on
from parktrack.errors import UsageError
from plan_source import read_plan


@pytest.mark.parametrize(
    ("text", "meant", "long_term"),
    [
        ("2024年12月底以前", date(2024, 12, 31), False),
        ("2024年4月底以前,并長期堅持", date(2024, 4, 30), True),
        ("2024年6月底以前,并長期堅持", date(2024, 6, 30), True),
        ("2024年3月底以前,并長期堅持", date(2024, 3, 31), True),
        ("2024年2月底以前", date(2024, 2, 29), False),  # leap year
        ("2023年2月底以前", date(2023, 2, 28), False),
        ("在中央有關政策明確和相關行業產業基金設立后持續推進", None, True),
    ],
)
def test_written_deadline_forms(text: str, meant: date | None, long_term: bool) -> None:
    assert deadline_from_text(text) == meant
    assert is_long_term(text) is long_term


def test_every_form_the_document_uses_is_understood() -> None:
    forms = {item.deadline_text for item in read_plan().key_tasks}
    assert len(forms) == 5
    undated = [form for form in forms if form and deadline_from_text(form) is None]
    assert undated == ["在中央有關政策明確和相關行業產業基金設立后持續推進"]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-06-30", date(2024, 6, 30)),
        ("2024/6/30", date(2024, 6, 30)),
        ("2024年6月30日", date(2024, 6, 30)),
        ("2024-06", date(2024, 6, 30)),
        ("2024Q2", date(2024, 6, 30)),
        ("2024q1", date(2024, 3, 31)),
        ("2024Q4", date(2024, 12, 31)),
        ("2024-02", date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 28)),
        ("2024年2月", date(2024, 2, 29)),
        ("2024", date(2024, 12, 31)),
        ("2024-02-29", date(2024, 2, 29)),
        ("today", date(2024, 5, 6)),
        ("Today", date(2024, 5, 6)),
        ("今天", date(2024, 5, 6)),  # as a Chinese user types it
        ("今日", date(2024, 5, 6)),
    ],
)
def test_as_of_forms(text: str, day: date) -> None:
    assert parse_day(text, today=date(2024, 5, 6)) == day


@pytest.mark.parametrize("text", ["2024Q5", "yesterday", "30/6/2024", ""])
def test_bad_as_of_is_a_clear_error(text: str) -> None:
    with pytest.raises(UsageError, match=r"is not a date; use YYYY-MM-DD"):
        parse_day(text)


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13-01", "2024-06-31"])
def test_a_day_in_the_right_form_that_the_calendar_lacks_is_named_so(text: str) -> None:
    """2023-02-29 is in the form asked for: "not a date; use YYYY-MM-DD" sent people to the form."""
    with pytest.raises(UsageError, match=rf"^there is no day {text} in the calendar$"):
        parse_day(text)


JUNE_END = date(2024, 6, 30)


def test_deadline_day_is_on_time_and_the_next_day_is_overdue() -> None:
    item = Item(JUNE_END)
    on_the_day = assess(item, JUNE_END)
    assert on_the_day.light == "yellow" and on_the_day.days_left == 0 and on_the_day.days_overdue is None
    day_after = assess(item, date(2024, 7, 1))
    assert day_after.light == "red" and day_after.days_overdue == 1


def test_leap_day_counts() -> None:
    assert assess(Item(date(2024, 2, 28)), date(2024, 3, 1)).days_overdue == 2


def test_yellow_window() -> None:
    item = Item(JUNE_END)
    assert assess(item, date(2024, 6, 15)).light == "yellow"
    assert assess(item, date(2024, 6, 14)).light == "green"
    assert assess(item, date(2024, 6, 14), warn_days=16).light == "yellow"


def test_done_on_time_late_and_not_yet() -> None:
    on_time = Item(JUNE_END, [Entry(date(2024, 6, 30), "done")])
    late = Item(JUNE_END, [Entry(date(2024, 7, 10), "done")])
    assert assess(on_time, date(2024, 8, 1)).light == "green"
    assert assess(late, date(2024, 8, 1)).light == "late"
    assert assess(late, date(2024, 7, 5)).light == "red"  # not yet done on that day
    assert assess(late, date(2024, 7, 5)).status == "not_started"


def test_long_term_item_is_ongoing_once_its_milestone_is_met() -> None:
    item = Item(date(2024, 4, 30), [Entry(date(2024, 4, 1), "in_progress"), Entry(date(2024, 4, 28), "ongoing")])
    assert assess(item, date(2024, 12, 31)).light == "green"
    assert status_on(item.history, date(2024, 4, 15)) == "in_progress"
    assert assess(item, date(2024, 4, 29)).status == "ongoing"


def test_waiting_on_a_condition_is_never_overdue() -> None:
    assert assess(Item(None), date(2030, 1, 1)).light == "waiting"
    assert assess(Item(None, [Entry(date(2024, 9, 1), "done")]), date(2024, 9, 2)).light == "green"


def test_a_long_term_item_reopened_after_meeting_its_deadline_is_not_overdue_again() -> None:
    """README: once met (done, or ongoing), a long-term item is never overdue again. Reopened (blocked)
    after meeting its deadline, it was red, counting days from a deadline it had met."""
    history = [Entry(date(2024, 4, 28), "done"), Entry(date(2024, 6, 1), "blocked")]
    reopened = assess(Item(date(2024, 4, 30), history, long_term=True), date(2024, 7, 1))
    assert (reopened.light, reopened.status, reopened.completed, reopened.days_overdue) == (
        "green",
        "blocked",
        date(2024, 4, 28),
        None,
    )
    late = [Entry(date(2024, 5, 20), "ongoing"), Entry(date(2024, 6, 1), "blocked")]
    assert assess(Item(date(2024, 4, 30), late, long_term=True), date(2024, 7, 1)).light == "late"
    assert assess(Item(date(2024, 4, 30), history), date(2024, 7, 1)).light == "red"  # not long-term: open again


def test_reopened_item_is_not_complete() -> None:
    history = [Entry(date(2024, 5, 1), "done"), Entry(date(2024, 6, 1), "in_progress")]
    assert completed_on(history, date(2024, 5, 15)) == date(2024, 5, 1)
    assert completed_on(history, date(2024, 7, 1)) is None
    assert assess(Item(JUNE_END, history), date(2024, 7, 1)).light == "red"
