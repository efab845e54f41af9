"""Rich tables for people, in the interface language, fitted to the screen or written whole to a pipe.

Every table's title carries its as-of day and its caption says where the data came from and what
its markers mean. On a terminal the long text column is cut with … or dropped first when the
screen is narrow; the id, unit, days overdue and light columns are never dropped. Written to a pipe
or a file, nothing is cut: without COLUMNS the rows are as long as their text; with it, text wraps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from rich import box
from rich.cells import cell_len
from rich.console import Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from parktrack.i18n import N_, _, display, ngettext
from parktrack.render import field_words, figure_words, iso, percent_text
from parktrack.vocab import (
    COMPARISON_WORDS,
    INDICATOR_KIND_WORDS,
    change_label,
    kind_label,
    light_label,
    status_label,
)

if TYPE_CHECKING:  # the item tables need none of these at run time: no git plumbing, no indicator arithmetic
    from parktrack.history import AuditRow
    from parktrack.indicators import Progress
    from parktrack.ledger import Ledger
    from parktrack.models import Task
    from parktrack.query import LeaderSummary, Row, Tally, UnitSummary

LIGHT_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green", "late": "magenta", "waiting": "cyan"}


@dataclass(frozen=True)
class Screen:
    """Where a table goes: `width` None means no limit (a pipe without COLUMNS); on a `terminal`
    long text is cut with …, elsewhere it is never cut."""

    width: int | None = 80
    terminal: bool = False
    limit: int | None = None  # on a terminal without --all: rows shown, the rest counted in the caption


# --- markers and captions ---------------------------------------------------------

IMPLIED = "*"
CONTINUES = "+"
MARKERS = {
    IMPLIED: N_("* implied deadline: the plan gives none, so its year end"),
    CONTINUES: N_("+ continues after the deadline (long-term item)"),
}


def source_line(ledger: Ledger) -> str:
    if ledger.data.bundled:
        return _("Data: the bundled plan (read-only)")
    return _("Data: {folder}").format(folder=ledger.data.path)


def caption(ledger: Ledger, *notes: str) -> Text:
    return Text("\n".join([source_line(ledger), *notes]), style="dim")


def _markers_used(rows: Iterable[Row]) -> list[str]:
    tasks = [row.task for row in rows]
    used = []
    if any(task.deadline_implied for task in tasks):
        used.append(_(MARKERS[IMPLIED]))
    if any(task.long_term for task in tasks):
        used.append(_(MARKERS[CONTINUES]))
    return used


def as_of_title(what: str, day: date) -> str:
    return _("{what} (as of {day})").format(what=what, day=day.isoformat())


# --- cells ----------------------------------------------------------------------


def _titled_table(title: str | None, note: str | Text | None, **options: Any) -> Table:
    """The house style of every table: a title above and a caption below, both left-aligned."""
    return Table(
        title=title,
        caption=note,
        box=box.SIMPLE_HEAD,
        header_style="bold",
        title_justify="left",
        caption_justify="left",
        **options,
    )


def light_text(light: str | None) -> Text:
    if light is None:
        return Text(_("none"), style="dim")
    return Text(light_label(light), style=LIGHT_STYLES.get(light, ""))


def _units(ledger: Ledger, names: Iterable[str]) -> str:
    return "、".join(display(ledger.canonical(name)) for name in names)


def _deadline_cell(row: Row) -> str:
    task = row.task
    if task.deadline is None:
        return _("on condition")
    mark = IMPLIED if task.deadline_implied else ""
    return f"{task.deadline.isoformat()}{mark}{' ' + CONTINUES if task.long_term else ''}"


# --- fitting item tables to the screen ----------------------------------------------

_COLUMN_GAP = 3  # SIMPLE_HEAD: a separator and one space of padding each side
_UNITS_MAX = 16
_SUMMARY_GAP = 2  # the summary tables collapse their padding: one space each side of a column
_NAME_FOLDED = 12  # a unit's or official's name folds to this (6 characters a line) before columns go


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Any], RenderableType | str]  # of a Row, a Progress ...
    keep: bool = False  # never dropped (id, unit, days overdue, light)
    text: bool = False  # the long text column: wrapped or cut, and dropped first on a narrow terminal
    justify: JustifyMethod = "left"
    max_width: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


_TEXT_MIN = 12
_TEXT_COMFORT = 20  # optional columns are dropped before the text gets narrower than this


def _natural(column: Column, cells: Sequence[RenderableType | str]) -> int:
    widest = max((cell_len(cell.plain if isinstance(cell, Text) else str(cell)) for cell in cells), default=0)
    natural = max(cell_len(column.header), widest)
    return min(natural, column.max_width) if column.max_width else natural


def _fit(
    columns: list[Column], widths: list[int], screen: Screen, comfort: int = _TEXT_COMFORT, gap: int = _COLUMN_GAP
) -> list[int]:
    """Which columns to show on a screen of limited width. The long text column gives way first: it
    wraps (or is cut on a terminal) down to a comfortable width, then the optional columns are dropped
    from the right, and only when it cannot get its minimum is the text column dropped. The columns
    marked `keep` (id, unit, days overdue, light) are never dropped. Without a width limit, all."""
    shown = list(range(len(columns)))
    if screen.width is None:
        return shown
    text = [i for i in shown if columns[i].text]

    def need(text_width: int) -> int:
        fixed = sum(widths[i] + gap for i in shown if not columns[i].text)
        return fixed + 2 + sum(min(widths[i], text_width) + gap for i in shown if columns[i].text)

    for index in [i for i in reversed(shown) if not columns[i].keep and not columns[i].text]:
        if need(comfort) <= screen.width:
            break
        shown.remove(index)
    if text and need(_TEXT_MIN) > screen.width:
        shown = [i for i in shown if i not in text]
    return shown


R = TypeVar("R")


def _limited(rows: Sequence[R], screen: Screen, latest: bool = False) -> tuple[Sequence[R], list[str]]:
    """A terminal shows the first rows (`latest`: the last ones) and says how to see the rest, as gh
    does; Rich takes about 1 ms a row. Elsewhere every row."""
    if screen.limit is None or len(rows) <= screen.limit:
        return rows, []
    hidden = len(rows) - screen.limit
    if latest:
        more = ngettext(
            "… {count} earlier row not shown; --all shows every row",
            "… {count} earlier rows not shown; --all shows every row",
            hidden,
        )
        return rows[hidden:], [more.format(count=hidden)]
    more = ngettext(
        "… {count} more row not shown; --all shows every row",
        "… {count} more rows not shown; --all shows every row",
        hidden,
    )
    return rows[: screen.limit], [more.format(count=hidden)]


def _task_table(ledger: Ledger, rows: Sequence[Row], columns: list[Column], title: str | None, screen: Screen) -> Table:
    rows, notes = _limited(rows, screen)
    cells = [[column.cell(row) for row in rows] for column in columns]
    widths = [_natural(column, column_cells) for column, column_cells in zip(columns, cells, strict=True)]
    shown = _fit(columns, widths, screen)
    table = _titled_table(title, caption(ledger, *notes, *_markers_used(rows)))
    used = sum(widths[i] + _COLUMN_GAP for i in shown if not columns[i].text) + 2
    for i in shown:
        column = columns[i]
        if column.text:
            if screen.width is None:
                options: dict[str, Any] = {"no_wrap": True}
            elif screen.terminal:
                options = {"no_wrap": True, "overflow": "ellipsis", "max_width": max(_TEXT_MIN, screen.width - used)}
            else:
                options = {"overflow": "fold", "max_width": max(_TEXT_MIN, screen.width - used)}
            table.add_column(column.header, min_width=_TEXT_MIN, **options)
        else:
            wraps = column.max_width is not None and screen.width is not None
            table.add_column(
                column.header,
                justify=column.justify,
                no_wrap=not wraps,
                overflow="fold",
                min_width=min(widths[i], 8) if wraps else widths[i],
                max_width=column.max_width if wraps else None,
            )
    for index in range(len(rows)):
        table.add_row(*(cells[i][index] for i in shown))
    return table


def _item_columns(ledger: Ledger) -> list[Column]:
    """The columns every item table starts with: id, text, lead units."""
    return [
        Column(_("ID"), lambda r: r.task.id, keep=True),
        Column(_("Task"), lambda r: display(r.task.text), text=True),
        Column(_("Lead units"), lambda r: _units(ledger, r.task.lead_units), keep=True, max_width=_UNITS_MAX),
    ]


def _status_column() -> Column:
    return Column(_("Status"), lambda r: status_label(r.state.status))


def _deadline_column() -> Column:
    return Column(_("Deadline"), _deadline_cell)


def list_table(ledger: Ledger, rows: Sequence[Row], title: str | None = None, screen: Screen | None = None) -> Table:
    light = Column(_("Light"), lambda r: light_text(r.state.light), keep=True)
    columns = [*_item_columns(ledger), _deadline_column(), _status_column(), light]
    return _task_table(ledger, rows, columns, title, screen or Screen())


def overdue_table(ledger: Ledger, rows: Sequence[Row], title: str | None = None, screen: Screen | None = None) -> Table:
    leaders = Column(_("Lead officials"), lambda r: "、".join(display(name) for name in r.task.leaders))
    late = Column(_("Days overdue"), lambda r: str(r.state.days_overdue), keep=True, justify="right")
    columns = [*_item_columns(ledger), late, _deadline_column(), leaders]
    return _task_table(ledger, rows, columns, title, screen or Screen())


def due_table(ledger: Ledger, rows: Sequence[Row], title: str | None = None, screen: Screen | None = None) -> Table:
    left = Column(_("Days left"), lambda r: str(r.state.days_left), keep=True, justify="right")
    columns = [*_item_columns(ledger), left, _deadline_column(), _status_column()]
    return _task_table(ledger, rows, columns, title, screen or Screen())


def grouped(tables: Iterable[RenderableType]) -> Group:
    return Group(*tables)


# --- per unit and per official --------------------------------------------------------


def _tally_cells(tally: Tally) -> list[str]:
    next_deadline = tally.next_deadline.isoformat() if tally.next_deadline else "-"
    return [str(tally.done), str(tally.in_progress), str(tally.overdue), str(tally.due_soon), next_deadline]


def _tally_headers() -> tuple[tuple[str, int], ...]:
    """The tally's headers, each with when a narrow screen drops it (1 first; 0 never)."""
    return ((_("Done"), 4), (_("In progress"), 3), (_("Overdue"), 0), (_("Due soon"), 2), (_("Next deadline"), 1))


def _summary_table(
    title: str,
    first: str,
    headers: Sequence[tuple[str, int]],
    rows: Sequence[Sequence[str]],
    note: Text,
    screen: Screen,
) -> Table:
    """Per unit or per official. The name wraps within its width; on a narrow screen the other columns
    are dropped in the order `headers` gives, never the name or its overdue count, and no cell is split
    (a date over three lines said nothing)."""
    columns = [Column(first, str, keep=True, max_width=_UNITS_MAX)]
    columns += [Column(header, str, keep=drop == 0, justify="right") for header, drop in headers]
    drops = [0] + [drop for _header, drop in headers]
    widths = [_natural(column, [row[i] for row in rows]) for i, column in enumerate(columns)]
    widths[0] = min(widths[0], _NAME_FOLDED)  # the name folds before any column is dropped
    # _fit drops from the right: the kept columns first, then the rest, the first to go last
    order = sorted(range(len(columns)), key=lambda i: (drops[i] != 0, -drops[i]))
    kept = _fit([columns[i] for i in order], [widths[i] for i in order], screen, gap=_SUMMARY_GAP)
    shown = sorted(order[i] for i in kept)
    table = _titled_table(title, note, collapse_padding=True)
    for i in shown:
        if i == 0:
            table.add_column(first, max_width=_UNITS_MAX, min_width=6, overflow="fold")
        else:
            table.add_column(columns[i].header, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*(row[i] for i in shown))
    return table


def _tally_legend(warn_days: int) -> str:
    return _("Due soon: open, with the deadline within {days} days. -: no open deadline.").format(days=warn_days)


def units_table(
    ledger: Ledger, summaries: Sequence[UnitSummary], title: str, warn_days: int, screen: Screen | None = None
) -> Table:
    headers = ((_("Leads"), 6), (_("Supports"), 5), *_tally_headers(), (_("Lead overdue"), 7))
    rows = [
        [display(s.unit.name), str(s.leads), str(s.supports), *_tally_cells(s.tally), str(s.overdue_lead)]
        for s in summaries
    ]
    note = caption(ledger, _tally_legend(warn_days))
    return _summary_table(title, _("Unit"), headers, rows, note, screen or Screen())


def leaders_table(
    ledger: Ledger, summaries: Sequence[LeaderSummary], title: str, warn_days: int, screen: Screen | None = None
) -> Table:
    headers = ((_("Items"), 5), *_tally_headers())
    rows = [[display(s.leader), str(s.tally.items), *_tally_cells(s.tally)] for s in summaries]
    note = caption(ledger, _tally_legend(warn_days))
    return _summary_table(title, _("Lead official"), headers, rows, note, screen or Screen())


# --- one item -------------------------------------------------------------------------------


def task_detail(ledger: Ledger, row: Row) -> RenderableType:
    """Everything about one item, with its full text."""
    task, state = row.task, row.state
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # CJK text has no spaces to wrap at
    section = ledger.section(task.kind, task.section)
    fields: list[tuple[str, RenderableType | str | None]] = [
        (_("ID"), task.id),
        (_("Kind"), kind_label(task.kind)),
        (_("Section"), f"{task.section} {display(section.title)}" if section else str(task.section)),
        (_("Measure"), display(task.measure) if task.measure else None),
        (_("Source"), _source_text(task)),
        (_("Task"), display(task.text)),
        (_("Lead officials"), "、".join(display(name) for name in task.leaders) or None),
        (_("Lead units"), _units(ledger, task.lead_units)),
        (_("Supporting units"), _units(ledger, task.support_units) or None),
        (_("Groups"), _units(ledger, task.groups) or None),
        (
            _("Deadline as written"),
            display(task.deadline_text) if task.deadline_text else _("(none written; the plan's year end)"),
        ),
        (_("Deadline"), _detail_deadline(task)),
        (_("Status"), _("{status} (as of {day})").format(status=status_label(state.status), day=state.day.isoformat())),
        (_("Light"), light_text(state.light)),
    ]
    for label, value in fields:
        if value is not None:
            grid.add_row(label, value)
    parts: list[RenderableType] = [grid]
    if task.history:
        parts += [Text(""), history_table(task, state.day)]
    parts += [Text(""), caption(ledger)]
    return Group(*parts)


def _detail_deadline(task: Task) -> str:
    if task.deadline is None:
        return _("none: waits on a condition ({condition})").format(condition=display(task.condition or ""))
    notes = [
        note for flag, note in ((task.deadline_implied, _("implied")), (task.long_term, _("then kept up"))) if flag
    ]
    return task.deadline.isoformat() + (" (" + _(", ").join(notes) + ")" if notes else "")


def history_table(task: Task, day: date) -> Table:
    """The item's dated entries up to `day` (the status shown is the one in force then)."""
    later = sum(1 for entry in task.history if entry.date > day)
    note = ngettext(
        "{count} later entry, after {day}, not shown.", "{count} later entries, after {day}, not shown.", later
    )
    table = Table(
        title=as_of_title(_("Progress history"), day),
        min_width=40,
        caption=note.format(count=later, day=day.isoformat()) if later else None,
        header_style="bold",
        title_justify="left",
        caption_justify="left",
    )
    for header, wraps in ((_("Date"), False), (_("Status"), False), (_("Note"), True)):
        table.add_column(header, no_wrap=not wraps, overflow="fold")
    for entry in task.history:
        if entry.date <= day:
            status = status_label(entry.status) if entry.status else ""
            table.add_row(entry.date.isoformat(), status, display(entry.note or ""))
    return table


# --- the audit trail ------------------------------------------------------------------------


def audit_table(ledger: Ledger, rows: Sequence[AuditRow], title: str, screen: Screen | None = None) -> Table:
    """The audit trail, oldest first; a terminal shows the latest rows."""
    rows, notes = _limited(rows, screen or Screen(), latest=True)
    table = _titled_table(title, caption(ledger, *notes))
    headers = (_("Commit"), _("Committed"), _("Author"), _("ID"), _("Change"), _("Effective"), _("Note"))
    for position, header in enumerate(headers):
        table.add_column(header, no_wrap=position in (0, 1, 3, 5), overflow="fold")
    for row in rows:
        if row.change == "status":
            change = f"{_label(row.old)} → {_label(row.new)}"
        elif row.change == "edit":
            change = _("edited {field}").format(field=field_words(row.new or ""))
        elif row.change == "add":
            change = _("added: {text}").format(text=display(row.new or ""))
        elif row.period is not None:  # an indicator's figure, correction or withdrawal
            old, new = (figure_words(value) if value else "" for value in (row.old, row.new))
            change = _("{period} {change}: {figure}").format(
                period=row.period, change=change_label(row.change), figure=f"{old + ' → ' if old else ''}{new}"
            )
        else:
            change = _("progress note")
        effective = iso(row.effective) or ""
        table.add_row(
            row.commit[:7],
            row.committed.partition("T")[0],
            row.author,
            row.task_id,
            change,
            effective,
            display(row.note or ""),
        )
    return table


def _label(status: str | None) -> str:
    return status_label(status) if status else "?"


# --- indicators ---------------------------------------------------------------------------


def _percent(share: float | None) -> str:
    """One decimal, as the report and the workbook (0.0%) show it: 99.6% is not met, and reads so."""
    return "-" if share is None else percent_text(share)


def wrap_id(identifier: str, width: int) -> str:
    """An id on lines of at most `width`, broken only after its hyphens (never inside a word)."""
    lines: list[str] = []
    for part in identifier.replace("-", "-\n").split("\n"):
        if lines and cell_len(lines[-1] + part) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return "\n".join(lines)


_ID_NARROW = 20  # indicator ids wrap at hyphens to this width on screens narrower than _ID_WIDE
_ID_NARROWEST = 14  # below 60 columns
_ID_WIDE = 160
_FIGURE_MAX = 14  # target and latest figure wrap within this width on a narrow screen


def indicators_table(ledger: Ledger, progress: Sequence[Progress], title: str, screen: Screen | None = None) -> Table:
    """One row per indicator; its id breaks only at hyphens, its name (the long text) wraps or goes first."""
    from parktrack.indicators import target_text, value_text

    screen = screen or Screen()
    narrow = screen.width is not None and screen.width < _ID_WIDE

    def latest(p: Progress) -> str:
        return f"{value_text(p.indicator, p.latest)} {p.latest.period}" if p.latest else "-"

    id_width = _ID_NARROW if screen.width is None or screen.width >= 60 else _ID_NARROWEST

    def identifier(p: Progress) -> str:
        return wrap_id(p.indicator.id, id_width) if narrow else p.indicator.id

    figure_max = _FIGURE_MAX if narrow else 24
    columns = [
        Column(_("ID"), identifier, keep=True),
        Column(_("Indicator"), lambda p: display(p.indicator.name), text=True),
        Column(_("Target"), lambda p: target_text(p.indicator), max_width=figure_max),
        Column(_("Latest"), latest, max_width=figure_max),
        Column(_("Attained"), lambda p: _percent(p.attainment), keep=True, justify="right"),
        Column(_("Pace"), lambda p: _percent(p.pace), justify="right"),
        Column(_("Light"), lambda p: light_text(p.light), keep=True),
    ]
    cells = [[column.cell(p) for p in progress] for column in columns]
    widths = [_natural_lines(column, column_cells) for column, column_cells in zip(columns, cells, strict=True)]
    # Pace goes before the latest figure, which goes before the target
    order = [0, 1, 2, 3, 4, 6, 5]
    shown = sorted(_fit([columns[i] for i in order], [widths[i] for i in order], screen, comfort=_TEXT_MIN))
    shown = sorted(order[i] for i in shown)
    notes = [
        _("Attained: the figure against the year's target. Pace (序時進度): the share of the year elapsed."),
        _("-: no figure recorded yet."),
    ]
    table = _titled_table(title, caption(ledger, *notes))
    used = sum(widths[i] + _COLUMN_GAP for i in shown if not columns[i].text) + 2
    for i in shown:
        column = columns[i]
        if column.text:
            room = None if screen.width is None else max(_TEXT_MIN, screen.width - used)
            table.add_column(
                column.header,
                overflow="ellipsis" if screen.terminal else "fold",
                min_width=6,
                max_width=room,
                no_wrap=screen.terminal,
            )
        elif column.max_width:
            table.add_column(column.header, overflow="fold", max_width=column.max_width)
        else:
            table.add_column(column.header, no_wrap=True, min_width=widths[i], justify=column.justify)
    for index in range(len(progress)):
        table.add_row(*(cells[i][index] for i in shown))
    return table


def _natural_lines(column: Column, cells: Sequence[RenderableType | str]) -> int:
    """The natural width of a column whose cells may hold several lines."""
    widest = 0
    for cell in cells:
        text = cell.plain if isinstance(cell, Text) else str(cell)
        widest = max([widest, *(cell_len(line) for line in text.splitlines())])
    natural = max(cell_len(column.header), widest)
    return min(natural, column.max_width) if column.max_width else natural


_BAR = "█"


def indicator_detail(ledger: Ledger, progress: Progress) -> RenderableType:
    """One indicator: its definition, verdict, and the whole series with a bar per figure."""
    from parktrack.indicators import target_text, verdict_text

    indicator = progress.indicator
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    words = [INDICATOR_KIND_WORDS.get(indicator.kind, indicator.kind), COMPARISON_WORDS.get(indicator.comparison, "")]
    if indicator.cumulative:
        words.append(N_("cumulative"))
    kind = _(", ").join(_(word) for word in words if word)
    rows: list[tuple[str, RenderableType | str]] = [
        (_("ID"), indicator.id),
        (_("Indicator"), display(indicator.name)),
        (_("Target"), target_text(indicator)),
        (_("Kind"), kind),
        (_("Source"), display(indicator.source)),
        (_("As of"), progress.day.isoformat()),
        (_("Verdict"), verdict_text(progress.verdict)),
        *_standing(progress),
        (_("Light"), light_text(progress.light)),
    ]
    if indicator.alternative:
        either = _("{alternative} (either target meets the plan)").format(alternative=indicator.alternative)
        rows.insert(3, (_("Or"), either))
    for label, value in rows:
        grid.add_row(label, value)
    return Group(grid, Text(""), series_chart(progress), Text(""), caption(ledger))


def _standing(progress: Progress) -> list[tuple[str, str]]:
    """The figure against the target and the year, and what the verdict weighed it against: the pace
    at the end of the figure's own period, not the as-of day's (a Q1 figure read in July)."""
    rows = [(_("Attained"), _percent(progress.attainment))] if progress.attainment is not None else []
    if progress.pace is not None:
        rows.append((_("Pace"), _percent(progress.pace)))
    if progress.expected is not None and progress.latest is not None:
        value = f"{round(progress.expected, 2):g}{display(progress.indicator.unit)}"
        judged = _("{value} by the end of {period}, the pace the verdict weighs its figure against")
        rows.append((_("Expected"), judged.format(value=value, period=progress.latest.period)))
    return rows


def series_chart(progress: Progress) -> Table:
    """The figures known on the day, with a bar scaled to the larger of target and figure."""
    from parktrack.indicators import effective_value, series, value_text

    indicator = progress.indicator
    known = series(indicator, progress.day)
    values = [abs(effective_value(indicator, actual)) for actual in known]
    scale = max([abs(indicator.target), *values, 1e-9])
    table = Table(
        title=as_of_title(_("Series"), progress.day), box=box.SIMPLE_HEAD, header_style="bold", title_justify="left"
    )
    for header, wraps in ((_("Period"), False), (_("Figure"), False), ("", False), (_("Recorded"), False)):
        table.add_column(header, no_wrap=not wraps)
    table.add_column(_("Note"), overflow="fold")
    for actual, value in zip(known, values, strict=True):
        bar = _BAR * max(1, round(20 * value / scale)) if value else ""
        note = display(actual.note or "")
        table.add_row(actual.period, value_text(indicator, actual), bar, actual.recorded.isoformat(), note)
    if indicator.kind != "milestone" and indicator.target:
        target_bar = "┊" + " " * (round(20 * abs(indicator.target) / scale) - 1) + "┊ " + _("target")
        table.add_row("", "", target_bar, "", "")
    return table


def _source_text(task: Task) -> str | None:
    """Where an assigned item (交辦事項) comes from: its meeting and date."""
    if task.source is None:
        return None
    return " ".join(filter(None, (display(task.source.meeting or ""), str(task.source.date or "")))) or None
