"""The report's content laid out as a document: titled sections of paragraphs, tables and charts.

Words come from here, in the interface language (`_()` for ours, `display()` for the ledger's);
the writers (html, docx, md) only render this shape, so the three formats say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from parktrack.i18n import N_, _, current_language, display, pgettext
from parktrack.indicators import Progress, striven
from parktrack.models import Indicator
from parktrack.render import CSV_DECIMALS, percent_text
from parktrack.reporting.content import Change, ChangeKind, Headline, Report
from parktrack.vocab import STATUS_LABELS

TEXT_LIMIT = 60  # characters of an item's text shown in a table row


def lines_of(text: str) -> list[str]:
    """A text's lines, a CR (pasted from Windows) or CRLF ending one as LF does: the writers keep each."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Subheading:
    text: str


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns aligned right
    wrap: frozenset[int] = frozenset()  # columns of running text; the others keep to one line
    css: str = ""


@dataclass(frozen=True)
class Image:
    """A chart already drawn: SVG text for HTML, PNG bytes for DOCX, a file name for Markdown."""

    title: str
    name: str
    data: bytes
    media_type: str  # image/svg+xml or image/png


Block = Paragraph | Subheading | Table | Image


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: list[Block]
    wide: bool = False  # holds wide tables: a landscape page in DOCX


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    lines: list[str]  # the header's facts: as-of day, window, data source
    sections: list[Section] = field(default_factory=list)
    language: str = "en"

    @property
    def full_title(self) -> str:
        """The title and the plan, as a window or a file's properties name the document."""
        return _("{title}: {subtitle}").format(title=self.title, subtitle=self.subtitle)


# --- words shared by the sections ----------------------------------------------------


def day_text(day: date | None) -> str:
    return day.isoformat() if day else "—"


def long_day(day: date) -> str:
    if current_language() == "en":
        return f"{day.day} {day:%B} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def counted(title: str, count: int) -> str:
    """A heading with its count, in the language's brackets: 新逾期事项（8）, Items that fell overdue (8)."""
    return _("{title} ({count})").format(title=title, count=count)


def status_label(status: str) -> str:
    if current_language() == "en":
        return status.replace("_", " ")
    return display(STATUS_LABELS.get(status, status))


def light_label(light: str | None) -> str:
    labels = {"red": _("Red"), "yellow": _("Yellow"), "green": _("Green"), None: _("No figure yet")}
    return labels.get(light, light or "")


def short(text: str, limit: int = TEXT_LIMIT) -> str:
    shown = display(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def percent(share: float | None) -> str:
    return "—" if share is None else percent_text(share)


def number(value: float) -> str:
    """A target or figure to its last digit, as the tables and the workbook show it (79.703畝, not 79.7),
    rounded to the 4 decimals of the CSV; thousands grouped."""
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{round(value, CSV_DECIMALS):,.{CSV_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def signed(delta: int) -> str:
    return f"+{delta}" if delta > 0 else ("±0" if delta == 0 else str(delta))


def unit_text(indicator: Indicator) -> str:
    return display(indicator.unit)


def target_text(indicator: Indicator, value: float | None) -> str:
    if value is None:
        return "—"
    if indicator.kind == "milestone":
        return _("Yes")
    sign = {"at_least": "≥", "at_most": "≤", "about": "≈"}[indicator.comparison]
    text = f"{sign}{number(value)}{unit_text(indicator)}"
    if indicator.period == "quarter":
        text += _(" per quarter")
    elif indicator.period == "half":
        text += _(" per half-year")
    return text


def figure_text(indicator: Indicator, value: bool | float | None, reference: float | None = None) -> str:
    """A recorded figure, with the reference figure a margin is judged against (12% (reference 9))."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    text = f"{number(value)}{unit_text(indicator)}"
    if reference is not None:
        # （参照值 9） in Chinese, with no space before it
        text += _(" (reference {figure})").format(figure=number(reference))
    return text


# --- the document ------------------------------------------------------------------------


def document(report: Report, charts: Sequence[Image]) -> Document:
    plan = display(report.plan.title)
    return Document(
        title=_("Dispatch-meeting report"),
        subtitle=plan,
        lines=_header_lines(report),
        sections=[
            _headline_section(report),
            _changes_section(report),
            _overdue_section(report),
            _accountability_section(report),
            _indicators_section(report),
            _charts_section(report, charts),
        ],
        language=current_language(),
    )


def _charts_section(report: Report, charts: Sequence[Image]) -> Section:
    blocks: list[Block] = list(charts) or [Paragraph(_("No charts."))]
    bare = [display(found.indicator.name) for found in report.series if not found.points]
    if bare:
        names = "、".join(bare)
        blocks.append(Paragraph(_("Not charted, no figure recorded yet: {names}.").format(names=names)))
    return Section("charts", _("Charts"), blocks)


def _header_lines(report: Report) -> list[str]:
    source = report.provenance
    if source.bundled:
        data = _("the plan bundled with parktrack (no recorded progress)")
    elif source.commit:
        data = _("{folder}, git commit {commit}").format(folder=source.folder, commit=source.commit)
        if source.dirty:
            data += _(" (with uncommitted changes)")
    else:
        data = _("{folder} (not in git)").format(folder=source.folder)
    since_reason = {
        "option": _("as asked"),
        "previous_report": _("the day after the previous report"),
        "quarter": _("the start of the quarter"),
    }[report.since_source]
    return [
        _("As of: {day}").format(day=long_day(report.as_of)),
        _("Changes since: {day} ({reason})").format(day=long_day(report.since), reason=since_reason),
        _("Data: {source}").format(source=data),
    ]


def _headline_section(report: Report) -> Section:
    now, before = report.headline, report.before

    def row(label: str, pick: int, was: int) -> list[str]:
        return [label, str(pick), str(was), signed(pick - was)]

    figures: list[tuple[str, int, int]] = [
        (_("Items in total"), now.items, before.items),
        (_("Done"), now.done, before.done),
        (_("In progress"), now.in_progress, before.in_progress),
        (pgettext("report", "Overdue"), now.overdue, before.overdue),
        (_("Due soon"), now.due_soon, before.due_soon),
    ]
    figures += [
        (_("Indicators: {light}").format(light=light_label(light)), count, before.lights.get(light, 0))
        for light, count in now.lights.items()
    ]
    headers = [pgettext("report", "Measure"), day_text(now.day), day_text(before.day), _("Change")]
    table = Table(headers, [row(*figure) for figure in figures], frozenset({1, 2, 3}), css="facts")
    return Section("headline", _("Headline figures"), [_summary(now), table])


def _summary(now: Headline) -> Paragraph:
    return Paragraph(
        _("{items} items: {done} done, {in_progress} in progress, {overdue} overdue, {due_soon} due soon.").format(
            items=now.items, done=now.done, in_progress=now.in_progress, overdue=now.overdue, due_soon=now.due_soon
        )
    )


_CHANGE_TITLES: dict[ChangeKind, str] = {
    "completed": N_("Items completed"),
    "overdue": N_("Items that fell overdue"),
    "status": N_("Other status changes"),
    "note": N_("Progress notes recorded"),
    "figure": N_("Figures recorded"),
}


def _changes_section(report: Report) -> Section:
    intro = Paragraph(
        _("Changes that took effect from {since} to {as_of}, by the date each took effect: {count}.").format(
            since=long_day(report.since), as_of=long_day(report.as_of), count=len(report.changes)
        )
    )
    blocks: list[Block] = [intro]
    for kind, title in _CHANGE_TITLES.items():
        changes = report.changes_of(kind)
        blocks.append(Subheading(counted(_(title), len(changes))))
        if changes:
            blocks.append(_change_table(kind, changes))
    return Section("changes", _("What changed"), blocks)


def _figure_cell(change: Change) -> str:
    if change.withdrawn:
        return pgettext("figure", "withdrawn")
    text = figure_text(change.figure, change.value, change.reference) if change.figure else ""
    return text + _(" (correction)") if change.correction else text


def _change_table(kind: ChangeKind, changes: list[Change]) -> Table:
    if kind == "figure":
        headers = [_("Date"), _("Indicator"), _("Period"), _("Figure"), _("Note")]
        rows = [
            [
                day_text(c.day),
                display(c.subject),
                c.period or "",
                _figure_cell(c),
                display(c.note or ""),
            ]
            for c in changes
        ]
        return Table(headers, rows, wrap=frozenset({1, 4}))
    headers = [_("Date"), _("ID"), _("Item")]
    if kind in ("completed", "status"):
        headers += [_("Status"), _("Note")]
    elif kind == "note":
        headers += [_("Note")]
    rows = []
    for c in changes:
        cells = [day_text(c.day), c.subject_id, short(c.subject)]
        if kind in ("completed", "status"):
            cells += [f"{status_label(c.status_from or '')} → {status_label(c.status_to or '')}", display(c.note or "")]
        elif kind == "note":
            cells.append(display(c.note or ""))
        rows.append(cells)
    return Table(headers, rows, wrap=frozenset({2, 4} if kind in ("completed", "status") else {2, 3}))


def _overdue_section(report: Report) -> Section:
    total = report.headline.overdue  # an item led by two units shows under both
    blocks: list[Block] = []
    if not report.overdue:
        blocks.append(Paragraph(_("Nothing is overdue on {day}.").format(day=long_day(report.as_of))))
    headers = [_("ID"), _("Item"), _("Status"), _("Latest note"), _("Noted on"), _("Days overdue"), _("Lead official")]
    for group in report.overdue:
        blocks.append(Subheading(counted(display(group.unit), len(group.rows))))
        rows = [
            [
                row.task.id,
                short(row.task.text),
                status_label(row.status),
                display(row.latest_note) if row.latest_note else _("none recorded"),
                day_text(row.latest_note_day),
                str(row.days_overdue),
                "、".join(display(name) for name in row.task.leaders) or "—",
            ]
            for row in group.rows
        ]
        blocks.append(Table(headers, rows, frozenset({5}), wrap=frozenset({1, 3})))
    title = _("Overdue items by lead unit ({count})").format(count=total)
    return Section("overdue", title, blocks, wide=True)


def _accountability_section(report: Report) -> Section:
    unit_rows = [
        [display(s.unit.name), *map(str, (s.overdue_lead, s.leads, s.supports, s.tally.due_soon, s.tally.done))]
        for s in report.units
    ]
    unit_headers = [_("Unit"), _("Overdue (led)"), _("Leads"), _("Supports"), _("Due soon"), _("Done")]
    leader_rows = [
        [display(s.leader), str(s.tally.overdue), str(s.tally.items), str(s.tally.due_soon), str(s.tally.done)]
        for s in report.leaders
    ]
    leader_headers = [_("Lead official"), _("Overdue"), _("Items led"), _("Due soon"), _("Done")]
    return Section(
        "accountability",
        _("Accountability"),
        [
            Paragraph(_("Ranked by overdue items, then by items led.")),
            Subheading(_("By unit")),
            Table(unit_headers, unit_rows, frozenset({1, 2, 3, 4, 5}), wrap=frozenset({0})),
            Subheading(_("By lead official")),
            Table(leader_headers, leader_rows, frozenset({1, 2, 3, 4})),
        ],
    )


def _indicators_section(report: Report) -> Section:
    headers = [
        _("Indicator"),
        _("Target"),
        _("力爭 (stretch)"),
        _("Latest figure"),
        _("Period"),
        _("完成率"),
        _("序時進度"),
        _("Light"),
    ]
    rows = [_indicator_row(p) for p in report.indicators]
    blocks: list[Block] = (
        [Table(headers, rows, frozenset({5, 6}), wrap=frozenset({0, 1, 2, 3}))]
        if rows
        else [Paragraph(_("No indicators."))]
    )
    return Section("indicators", pgettext("report", "Indicators"), blocks, wide=True)


def _indicator_row(progress: Progress) -> list[str]:
    indicator, latest = progress.indicator, progress.latest
    return [
        display(indicator.name),
        striven(indicator) + target_text(indicator, indicator.target),  # 力爭 ≥41.9億元, as the table
        target_text(indicator, indicator.stretch) if indicator.stretch is not None else "—",
        figure_text(indicator, latest.value, latest.reference) if latest else "—",
        latest.period if latest else "—",
        percent(progress.attainment),
        percent(progress.pace),
        light_label(progress.light),
    ]
