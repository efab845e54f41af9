"""The plan's targets against the recorded figures: attainment, 序時進度 and a light per indicator."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from parktrack.deadlines import half_width, period_bounds, year_share
from parktrack.errors import UsageError
from parktrack.i18n import N_, _, display
from parktrack.models import Actual, Indicator

PERCENT_KINDS = frozenset({"growth", "share"})
WHOLE_UNITS = frozenset({"個", "戶", "家", "人", "篇", "次", "位次"})
ABOUT_TOLERANCE = 0.10  # 左右: within 10% of the target
MARGIN_DECIMALS = 9  # a difference of two typed figures, rid of binary floating point's last-digit noise
TOO_FAR_BEHIND = 0.5  # below half of 序時進度 cannot reasonably be made up
_YES = {"是", "yes"}  # a milestone takes these words only: `1` or `done` could be a slip of the finger
_NO = {"否", "no"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_value(indicator: Indicator, text: str) -> bool | float:
    """A typed figure checked against the indicator's unit and kind: 12.5, 12.5%, 是/yes."""
    value = half_width(text).strip().lower()
    if indicator.kind == "milestone":
        if value in _YES or text.strip() in _YES:
            return True
        if value in _NO or text.strip() in _NO:
            return False
        raise UsageError(
            _("{id} is a yes/no milestone; give 是/yes or 否/no, not '{text}'").format(id=indicator.id, text=text)
        )
    if value.endswith("%"):
        if indicator.unit != "%":
            raise UsageError(
                _("{id} is measured in {unit}, not %; give a plain number").format(
                    id=indicator.id, unit=display(indicator.unit)
                )
            )
        value = value[:-1].strip()
    value = value.removesuffix(indicator.unit.lower()).strip()
    if not _NUMBER.match(value):  # the unit as a zh-Hans sheet or screen shows it: 3个 for 個
        from parktrack.names import fold

        value = value.removesuffix(fold(indicator.unit).lower()).strip()
    number = float(value) if _NUMBER.match(value) else math.inf
    if not math.isfinite(number):  # not a number at all, or too many digits for one (1e309 is inf)
        raise UsageError(
            _("'{text}' is not a number for {id} ({unit})").format(
                text=text, id=indicator.id, unit=display(indicator.unit)
            )
        )
    if indicator.unit in WHOLE_UNITS and not number.is_integer():
        raise UsageError(
            _("{id} counts whole {unit}; '{text}' is not a whole number").format(
                id=indicator.id, unit=display(indicator.unit), text=text
            )
        )
    if indicator.kind in ("count", "periodic_count") and number < 0:
        raise UsageError(_("{id} counts what was added; '{text}' is negative").format(id=indicator.id, text=text))
    return number


def early_figure(period: str, day: date) -> str | None:
    """Why a figure for `period` cannot be dated `day`: before the period began nobody knew it (a typo in
    the year, 2014 for 2024); None when it can."""
    start = period_bounds(period)[0]
    if day >= start:
        return None
    message = _("a figure for {period} dated {day}, before the period began on {start}; check the date")
    return message.format(period=period, day=day.isoformat(), start=start.isoformat())


def series(indicator: Indicator, day: date) -> list[Actual]:
    """The figures known on `day`, one per period (a correction replaces the earlier figure), by period."""
    latest: dict[str, Actual] = {}
    for actual in indicator.actuals:
        if actual.recorded > day:
            continue
        if actual.withdrawn:
            latest.pop(actual.period, None)
        else:
            latest[actual.period] = actual
    return sorted(latest.values(), key=lambda actual: period_bounds(actual.period)[::-1])


def effective_value(indicator: Indicator, actual: Actual) -> float:
    """What is compared with the target: the figure, its margin over the reference, or 1/0."""
    if actual.value is None:  # a withdrawal; `series` leaves them out
        return 0.0
    if isinstance(actual.value, bool):
        return 1.0 if actual.value else 0.0
    if indicator.kind == "margin":  # figures are typed decimals: 10.2 - 5.2 is 5, not 4.999999999999999
        return round(actual.value - (actual.reference or 0.0), MARGIN_DECIMALS)
    return actual.value


def meets(indicator: Indicator, value: float, target: float | None = None) -> bool:
    goal = indicator.target if target is None else target
    if indicator.comparison == "at_most":
        return value <= goal
    if indicator.comparison == "about":
        return value >= goal - abs(goal) * ABOUT_TOLERANCE
    return value >= goal


@dataclass(frozen=True)
class Progress:
    """An indicator on one day: its latest figure and how it stands against the target."""

    indicator: Indicator
    day: date
    latest: Actual | None
    value: float | None
    attainment: float | None
    stretch_attainment: float | None
    pace: float | None
    expected: float | None
    light: str | None
    verdict: str


def assess(indicator: Indicator, day: date, year: int) -> Progress:
    known = series(indicator, day)
    year_end = date(year, 12, 31)
    if indicator.kind == "periodic_count":
        return _assess_periodic(indicator, day, known, year)
    latest = known[-1] if known else None
    if latest is None:
        return Progress(
            indicator, day, None, None, None, None, _pace(indicator, day, year), None, None, "no figure yet"
        )
    value = effective_value(indicator, latest)
    figure_day = period_bounds(latest.period)[1]
    final = day > year_end or figure_day >= year_end  # the year's last day is on time, as an item's deadline day
    common = (indicator, day, latest, value, _ratio(indicator, value), _ratio(indicator, value, indicator.stretch))
    if meets(indicator, value):
        stretched = indicator.stretch is not None and meets(indicator, value, indicator.stretch)
        return Progress(*common, _pace(indicator, day, year), None, "green", "stretch met" if stretched else "met")
    if final:
        return Progress(*common, _pace(indicator, day, year), None, "red", "missed")
    if not indicator.cumulative:
        return Progress(*common, None, None, "yellow", "not yet met")
    expected = indicator.target * year_share(figure_day)
    if value >= expected:
        light, verdict = "green", "on pace"
    elif value >= expected * TOO_FAR_BEHIND:
        light, verdict = "yellow", "behind pace"
    else:
        light, verdict = "red", "too far behind"
    return Progress(*common, plan_share(day, year), expected, light, verdict)


def _pace(indicator: Indicator, day: date, year: int) -> float | None:
    return plan_share(day, year) if indicator.cumulative else None


def plan_share(day: date, year: int) -> float:
    """序時進度 on `day` of the plan's `year`: none of it before the year began, all of it once it ended
    (2025-01-31 is not 8% of a 2024 plan)."""
    if day.year < year:
        return 0.0
    return year_share(day) if day.year == year else 1.0


def _ratio(indicator: Indicator, value: float, goal: float | None = None) -> float | None:
    """Attainment: 1.0 means exactly on target. Undefined for a zero target."""
    target = indicator.target if goal is None else goal
    if target == 0 or (value == 0 and indicator.comparison == "at_most"):
        return None
    return target / value if indicator.comparison == "at_most" else value / target


def _assess_periodic(indicator: Indicator, day: date, known: Sequence[Actual], year: int) -> Progress:
    """Each completed quarter (or half) judged on its own: a missed one cannot be made up later.

    The period under way counts only once its target is met.
    """
    by_period = {actual.period: actual for actual in known}
    periods = [f"{year}Q{n}" for n in range(1, 5)] if indicator.period == "quarter" else [f"{year}H1", f"{year}H2"]
    met: list[str] = []
    missed: list[str] = []
    unreported: list[str] = []
    for period in periods:
        start, end = period_bounds(period)
        actual = by_period.get(period)
        if start > day:
            break
        if actual is not None and meets(indicator, effective_value(indicator, actual)):
            met.append(period)
        elif end < day:
            (missed if actual is not None else unreported).append(period)
    latest = known[-1] if known else None
    judged = len(met) + len(missed) + len(unreported)
    if latest is None:
        light, verdict = None, "no figure yet"
    elif missed:
        light, verdict = "red", "missed " + ", ".join(missed)
    elif unreported:
        light, verdict = "yellow", "no figure for " + ", ".join(unreported)
    elif met:
        light, verdict = "green", "met " + ", ".join(met)
    else:
        light, verdict = "yellow", "not yet met"
    value = effective_value(indicator, latest) if latest else None
    attainment = len(met) / judged if latest and judged else None
    return Progress(indicator, day, latest, value, attainment, None, None, None, light, verdict)


def striven(indicator: Indicator) -> str:
    """The document's 力爭 before an aspirational target, in the ledger's own word."""
    return display("力爭") + " " if indicator.aspirational else ""


def target_text(indicator: Indicator) -> str:
    """The target as people read it, in the interface language (the ledger's units through display)."""
    sign = {"at_least": "≥", "at_most": "≤", "about": "≈"}[indicator.comparison]
    if indicator.kind == "milestone":
        return striven(indicator) + _("yes")  # 是, as the report and the workbook write it (not 已实现, achieved)
    unit = "" if indicator.unit == "%" and indicator.kind == "margin" else display(indicator.unit)
    text = f"{striven(indicator)}{sign}{_number(indicator.target)}{unit}"
    if indicator.kind == "margin":
        reference = display(indicator.reference) if indicator.reference else _("the reference")
        text = _("{target} over {reference}").format(target=text, reference=reference)
    if indicator.period != "year":
        text += " " + (_("per quarter") if indicator.period == "quarter" else _("per half-year"))
    if indicator.stretch is not None:
        stretch = f"{_number(indicator.stretch)}{display(indicator.unit)}"
        text += " " + _("(stretch {target})").format(target=stretch)
    return text


def value_text(indicator: Indicator, actual: Actual) -> str:
    if actual.value is None:
        return "—"
    if isinstance(actual.value, bool):
        return _("yes") if actual.value else _("no")
    text = f"{_number(actual.value)}{display(indicator.unit)}"
    if actual.reference is not None:
        # （参照值 9） in Chinese, with no space before it
        text += _(" (reference {figure})").format(figure=_number(actual.reference))
    return text


# Verdicts are English codes in JSON ("missed 2024Q1, 2024Q2"); people read them translated.
_VERDICTS = (
    N_("no figure yet"),
    N_("stretch met"),
    N_("met"),
    N_("missed"),
    N_("not yet met"),
    N_("on pace"),
    N_("behind pace"),
    N_("too far behind"),
)
_VERDICT_PREFIXES = {
    "missed ": N_("missed {periods}"),
    "no figure for ": N_("no figure for {periods}"),
    "met ": N_("met {periods}"),
}


def verdict_text(verdict: str) -> str:
    """A verdict in the interface language."""
    if verdict in _VERDICTS:
        return _(verdict)
    for prefix, message in _VERDICT_PREFIXES.items():
        if verdict.startswith(prefix):
            return _(message).format(periods=verdict.removeprefix(prefix))
    return verdict


def _number(value: float) -> str:
    return f"{value:g}"
