"""The report's charts, drawn by matplotlib (Agg, no pyplot state): SVG for HTML and Markdown, PNG for DOCX.

Imported only by `report`: matplotlib costs ~0.5 s to import. Chinese labels need a CJK font;
`cjk_font()` names the one found (Debian: fonts-noto-cjk or fonts-wqy-zenhei), None if there is none.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

from parktrack.deadlines import year_share
from parktrack.i18n import _, current_language, display, pgettext
from parktrack.reporting.content import IndicatorSeries, Report
from parktrack.reporting.layout import Image, long_day

ChartFormat = Literal["svg", "png"]
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
)
_CJK_FILES = ("notosanscjk", "wqy-zenhei", "sourcehansans", "msyh", "simhei", "pingfang")
_WIDTH, _HEIGHT = 7.0, 3.2  # inches
_DPI = 150
_DUE, _DONE, _PACE, _RED = "#9aa5b1", "#2f7d32", "#9aa5b1", "#c62828"


@cache
def cjk_font() -> str | None:
    """The first CJK-capable font matplotlib can find, configured as the family to draw with."""
    found = _first_cjk()
    if found is None:  # matplotlib's font cache predates the font's installation: look again
        for path in font_manager.findSystemFonts():
            if any(mark in Path(path).name.lower() for mark in _CJK_FILES):
                font_manager.fontManager.addfont(path)
        found = _first_cjk()
    # the one found draws; SVG text names the others too, for a reader's machine that lacks it
    families = [found, *(name for name in CJK_FONTS if name != found)] if found else list(CJK_FONTS)
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [*families, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["text.parse_math"] = False  # a unit named with $…$ is text, not TeX (a bad one raised)
    matplotlib.rcParams["svg.hashsalt"] = "parktrack"  # stable ids: the same report twice is the same file
    # SVG text as text, not glyph outlines: selectable and searchable like the page around it, half the
    # size, a third less time to draw; CJK glyphs are one em wide in any CJK font, so the layout holds.
    matplotlib.rcParams["svg.fonttype"] = "none"
    return found


def _first_cjk() -> str | None:
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def draw(report: Report, fmt: ChartFormat) -> list[Image]:
    cjk_font()
    images = [_image("months", _("Items done against items due, month by month"), _months(report), fmt)]
    for found in report.series:
        if found.points:
            title = _("{name}: recorded against 序時進度").format(name=display(found.indicator.name))
            images.append(_image(f"indicator-{found.indicator.id}", title, _series(report, found), fmt))
    if report.overdue_per_unit:
        images.append(_image("overdue-units", _("Overdue items per lead unit"), _overdue(report), fmt))
    return images


def _image(name: str, title: str, figure: Figure, fmt: ChartFormat) -> Image:
    buffer = io.BytesIO()
    options: dict[str, Any] = {"format": fmt, "bbox_inches": "tight"}
    if fmt == "svg":
        options["metadata"] = {"Date": None}
    else:
        options["dpi"] = _DPI
    figure.savefig(buffer, **options)
    return Image(title, name, buffer.getvalue(), "image/svg+xml" if fmt == "svg" else "image/png")


def _figure(height: float = _HEIGHT) -> tuple[Figure, Any]:
    figure = Figure(figsize=(_WIDTH, height))
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#e5e5e5", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _month_label(month: int) -> str:
    return f"{month}月" if current_language() != "en" else date(2000, month, 1).strftime("%b")


def _months(report: Report) -> Figure:
    figure, axes = _figure()
    months = [point.month for point in report.months]
    axes.bar(months, [point.due for point in report.months], color=_DUE, width=0.6, label=_("Due by the month's end"))
    done = [(point.month, point.done) for point in report.months if point.done is not None]
    axes.plot([m for m, _n in done], [n for _m, n in done], color=_DONE, marker="o", label=_("Done by the month's end"))
    axes.set_xticks(months, [_month_label(m) for m in months])
    axes.set_ylabel(_("Items (cumulative)"))
    axes.set_title(_("{year}: items due and done").format(year=report.plan.year), loc="left", fontsize=11)
    axes.legend(frameon=False, loc="upper left")
    return figure


def _series(report: Report, found: IndicatorSeries) -> Figure:
    figure, axes = _figure()
    indicator = found.indicator
    year = report.plan.year
    days = [date(year, 1, 1), *(date(year, month, 1) for month in range(2, 13)), date(year, 12, 31)]
    axes.plot(
        days,
        [indicator.target * year_share(day) for day in days],
        color=_PACE,
        linestyle="--",
        label=_("序時進度 (target × share of the year)"),
    )
    axes.plot(
        [point.day for point in found.points],
        [point.value for point in found.points],
        color=_DONE,
        marker="o",
        label=pgettext("chart", "Recorded"),
    )
    for point in found.points:
        axes.annotate(point.period, (point.day, point.value), textcoords="offset points", xytext=(4, 4), fontsize=8)
    axes.set_xlim(date(year, 1, 1), date(year, 12, 31))
    axes.set_xticks([date(year, month, 1) for month in range(1, 13)], [_month_label(m) for m in range(1, 13)])
    axes.set_ylabel(display(indicator.unit))
    axes.set_title(display(indicator.name), loc="left", fontsize=11)
    axes.legend(frameon=False, loc="upper left")
    return figure


def _overdue(report: Report) -> Figure:
    ranked = list(reversed(report.overdue_per_unit))  # the largest at the top
    figure, axes = _figure(max(1.6, 0.32 * len(ranked) + 0.8))
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    axes.barh([display(name) for name, _count in ranked], [count for _name, count in ranked], color=_RED)
    axes.set_xlabel(_("Overdue items on {day}").format(day=long_day(report.as_of)))
    axes.xaxis.get_major_locator().set_params(integer=True)
    return figure
