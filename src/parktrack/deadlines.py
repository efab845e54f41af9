"""Deadlines as the ledger writes them, as-of dates, and the traffic light of an item."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Protocol

from parktrack.errors import UsageError
from parktrack.i18n import N_, _

DONE_STATUSES = frozenset({"done", "ongoing"})
LIGHTS = ("red", "yellow", "green", "late", "waiting")
DEFAULT_WARN_DAYS = 15

# The county's calendar: China Standard Time, UTC+8 all year. "Today" is the county's day whatever zone
# the machine is set to: a CI runner or a laptop in UTC would otherwise see the county's morning as the
# future, and date the county's evening entries a day early.
COUNTY_ZONE = timezone(timedelta(hours=8), "UTC+8")


def county_today() -> date:
    """Today in the county (UTC+8), the day `today` means in every command."""
    return datetime.now(COUNTY_ZONE).date()


_LONG_TERM_MARKS = ("長期堅持", "持續推進", "長期推進", "长期坚持", "持续推进", "长期推进")


def month_end(year: int, month: int) -> date:
    """The last day of a month (ValueError for a month outside 1-12, as date() gives)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be in 1..12, not {month}")
    return date(year, 12, 31) if month == 12 else date(year, month + 1, 1) - timedelta(days=1)


def deadline_from_text(text: str) -> date | None:
    """The day a written 完成時限 means, or None when it names no date (a condition) or cannot be read.

    `2024年4月底以前,并長期堅持` is 2024-04-30; see `read_deadline` for every form understood.
    """
    return read_deadline(text)[0]


def is_long_term(text: str) -> bool:
    """並長期堅持 / 持續推進: the work continues after its first deadline."""
    return any(mark in text for mark in _LONG_TERM_MARKS)


# A 完成時限 is a date form at the start, then filler words (以前, 完成 ...), then at most a
# long-term mark. Anything else (two dates, "6月前", "第二季度前", a condition) is not read: a guess there
# would make an item overdue on a day nobody agreed to.
# The patterns in this module are compiled on first use (re keeps them): a read served from the
# cache never reads a 完成時限, and an ISO --as-of needs none of them.
_DATE_FORMS: tuple[tuple[str, str], ...] = (
    (r"(\d{4})年(\d{1,2})月(\d{1,2})[日號号]", "day"),
    (r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", "day"),
    (r"(\d{4})年(\d{1,2})月(?:底|末|份)", "month"),
    (r"(\d{4})年(\d{1,2})月(?!以前|之前|前)", "month"),
    (r"(\d{4})年(?:年底|年末|年內|年内|底|末|內|内|全年)", "year"),
    (r"(\d{4})年(上|下)半年(?:末|底|(?!以前|之前|前))", "half"),  # 上半年前: before it, or by its end?
    (r"(\d{4})年第?([一二三四1-4])季度(?:末|底|(?!以前|之前|前))", "quarter"),
)
_FILLER = r"^(?:以前|之前|前|以內|以内|內|内|為止|为止|止|完成|[,，、;；。.])*"
_LONG_TERM_TAIL = r"^(?:并且|並且|并|並|且)?(?:" + "|".join(_LONG_TERM_MARKS) + r")[。.]?$"
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}


def read_deadline(text: str) -> tuple[date | None, bool]:
    """(the day a 完成時限 means or None, whether the text was read as a date form).

    Full-width digits and stray spaces are allowed (`２０２４年６月底前`).
    """
    import unicodedata

    value = "".join(unicodedata.normalize("NFKC", text).split())
    for pattern, form in _DATE_FORMS:
        match = re.match(pattern, value)
        if match is None:
            continue
        try:
            day = _form_day(form, match)
        except ValueError:  # 2024年13月, 2月30日
            return None, False
        rest = re.sub(_FILLER, "", value[match.end() :], count=1)
        if rest and not re.match(_LONG_TERM_TAIL, rest):
            return None, False
        return day, True
    return None, False


def _form_day(form: str, match: re.Match[str]) -> date:
    year = int(match[1])
    if form == "day":
        return date(year, int(match[2]), int(match[3]))
    if form == "month":
        return month_end(year, int(match[2]))
    if form == "half":
        return month_end(year, 6 if match[2] == "上" else 12)
    if form == "quarter":
        return month_end(year, 3 * (_QUARTERS.get(match[2]) or int(match[2])))
    return date(year, 12, 31)


# --- as-of dates -------------------------------------------------------------

_QUARTER = r"^(\d{4})\s*-?\s*[Qq]([1-4])$"
_MONTH = r"^(\d{4})[-/.](\d{1,2})$"
_CHINESE_DAY = r"^(\d{4})年(\d{1,2})月(\d{1,2})[日號号]?$"
_CHINESE_MONTH = r"^(\d{4})年(\d{1,2})月(?:底)?$"
_NUMERIC_DAY = r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$"
_YEAR = r"^(\d{4})年?$"

DATE_FORMS = N_("YYYY-MM-DD, YYYY/M/D, YYYY年M月D日, YYYY-MM, YYYYQn, YYYY, or 'today' (今天)")
_TODAY = ("today", "今天", "今日")  # as typed in a terminal set to either language


def parse_day(text: str, today: date | None = None) -> date:
    """Parse an as-of DATE; a month, quarter or year means its last day."""
    value = half_width(text).strip()
    if value.lower() in _TODAY:
        return today or county_today()
    try:
        if len(value) == 10 and value[4] == value[7] == "-" and value.replace("-", "").isascii():
            return date.fromisoformat(value)  # the common form, before trying the others
        return _period_end(value) or _calendar_day(value)
    except ValueError:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):  # the form is right: the calendar has no such day
            raise UsageError(_("there is no day {text} in the calendar").format(text=value)) from None
    raise UsageError(_("'{text}' is not a date; use {forms}").format(text=text, forms=_(DATE_FORMS)))


def _period_end(value: str) -> date | None:
    if match := re.match(_QUARTER, value):
        return month_end(int(match[1]), int(match[2]) * 3)
    if match := re.match(_MONTH, value) or re.match(_CHINESE_MONTH, value):
        return month_end(int(match[1]), int(match[2]))
    if match := re.match(_YEAR, value):
        return date(int(match[1]), 12, 31)
    return None


def _calendar_day(value: str) -> date:
    if match := re.match(_CHINESE_DAY, value):
        return date(int(match[1]), int(match[2]), int(match[3]))
    if not re.match(_NUMERIC_DAY, value):
        raise ValueError(value)
    if len(value) == 10 and value[4] == value[7] == "-":
        return date.fromisoformat(value)  # the common case, without importing dateutil
    from dateutil import parser  # 2024/6/30, 2024.6.30 ...

    return parser.parse(value, yearfirst=True, dayfirst=False).date()


# --- status on a day and the light ---------------------------------------------


class Dated(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def status(self) -> str | None: ...


class Trackable(Protocol):
    @property
    def deadline(self) -> date | None: ...
    @property
    def history(self) -> Sequence[Dated]: ...
    @property
    def long_term(self) -> bool: ...


def status_on(history: Sequence[Dated], day: date) -> str:
    """The status in force on `day`, from the dated history (not_started before any)."""
    status = "not_started"
    for entry in history:
        if entry.date > day:
            break
        if entry.status:
            status = entry.status
    return status


def completed_on(history: Sequence[Dated], day: date) -> date | None:
    """When the item's current run of done/ongoing began, if it is done on `day`.

    An item reopened after being done is not complete until it is done again.
    """
    since: date | None = None
    for entry in history:
        if entry.date > day:
            break
        if entry.status in DONE_STATUSES:
            since = since or entry.date
        elif entry.status:
            since = None
    return since


def met_on(history: Sequence[Dated], day: date) -> date | None:
    """The day a long-term item first met its deadline (done, or ongoing 常態化推進), on or before `day`:
    what it continues afterwards has no deadline, so reopening it makes it no later than it was."""
    return next((entry.date for entry in history if entry.date <= day and entry.status in DONE_STATUSES), None)


@dataclass(frozen=True)
class Assessment:
    """Where one item stands on one day."""

    day: date
    status: str
    light: str
    completed: date | None
    days_overdue: int | None
    days_left: int | None


def assess(item: Trackable, day: date, warn_days: int = DEFAULT_WARN_DAYS) -> Assessment:
    status = status_on(item.history, day)
    completed = completed_on(item.history, day) or (met_on(item.history, day) if item.long_term else None)
    deadline = item.deadline
    if deadline is None:
        light = "green" if completed else "waiting"
        return Assessment(day, status, light, completed, None, None)
    if completed is not None:
        light = "late" if completed > deadline else "green"
        return Assessment(day, status, light, completed, None, None)
    days_left = (deadline - day).days
    if days_left < 0:
        return Assessment(day, status, "red", None, -days_left, None)
    light = "yellow" if days_left <= warn_days else "green"
    return Assessment(day, status, light, None, None, days_left)


# --- reporting periods ---------------------------------------------------------

_PERIOD = r"^(\d{4})(?:Q([1-4])|H([12])|-(0[1-9]|1[0-2]))?$"
PERIOD_FORMS = N_("2024 (the year), 2024Q1-2024Q4, 2024H1/2024H2, or a month such as 2024-06")


def period_bounds(text: str) -> tuple[date, date]:
    """First and last day of a reporting period."""
    match = re.match(_PERIOD, text.strip().upper())
    if not match:
        raise UsageError(_("'{text}' is not a period; use {forms}").format(text=text, forms=_(PERIOD_FORMS)))
    year = int(match[1])
    if match[2]:
        last_month = int(match[2]) * 3
        return date(year, last_month - 2, 1), month_end(year, last_month)
    if match[3]:
        last_month = int(match[3]) * 6
        return date(year, last_month - 5, 1), month_end(year, last_month)
    if match[4]:
        month = int(match[4])
        return date(year, month, 1), month_end(year, month)
    return date(year, 1, 1), date(year, 12, 31)


def normal_period(text: str) -> str:
    text = half_width(text)
    period_bounds(text)
    return text.strip().upper()


def half_width(text: str) -> str:
    """Full-width digits, letters and signs as ASCII: ２０２４－０６ is 2024-06 (an input method in full-width mode).
    Only width forms: NFKC as a whole also read a footnote mark as a digit (3① as 31, 3² as 32)."""
    return "".join(
        unicodedata.normalize("NFKC", char)
        if unicodedata.decomposition(char).startswith(("<wide>", "<narrow>"))
        else char
        for char in text
    )


def year_share(day: date) -> float:
    """序時進度: the share of `day`'s year that has elapsed by the end of `day`."""
    start, end = date(day.year, 1, 1), date(day.year, 12, 31)
    return ((day - start).days + 1) / ((end - start).days + 1)
