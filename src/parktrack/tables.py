"""Rich tables for people: widths that suit CJK text, truncated titles, lights in colour and words."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from parktrack.history import AuditRow
from parktrack.indicators import Progress, effective_value, series, target_text, value_text
from parktrack.ledger import Ledger
from parktrack.models import Task
from parktrack.query import LeaderSummary, Row, Tally, UnitSummary
from parktrack.render import iso
from parktrack.vocab import STATUS_LABELS

LIGHT_STYLES = {"red": "bold red", "yellow": "yellow", "green": "green", "late": "magenta", "waiting": "cyan"}


# --- tables -------------------------------------------------------------------


def light_text(light: str) -> Text:
    return Text(light, style=LIGHT_STYLES.get(light, ""))


def status_text(status: str) -> str:
    return f"{status} {STATUS_LABELS.get(status, '')}".strip()


def _units(ledger: Ledger, names: Iterable[str]) -> str:
    return "、".join(ledger.canonical(name) for name in names)


Column = tuple[str, Callable[[Row], RenderableType | str], Mapping[str, Any]]


def _task_table(ledger: Ledger, rows: Sequence[Row], columns: Sequence[Column], title: str | None, width: int) -> Table:
    """A table whose text column takes what the other columns leave of `width`, truncated."""
    table = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold", title_justify="left")
    cells = [[cell(row) for _, cell, _ in columns] for row in rows]
    for position, (header, _, options) in enumerate(columns):
        if options is _TEXT:
            options = {**options, "max_width": _text_width(columns, cells, position, width)}
        table.add_column(header, **options)
    for row_cells in cells:
        table.add_row(*row_cells)
    return table


def _text_width(columns: Sequence[Column], cells: list[list[Any]], text_column: int, width: int) -> int:
    used = 0
    for position, (header, _, options) in enumerate(columns):
        if position == text_column:
            continue
        widest = max((cell_len(str(row[position])) for row in cells), default=0)
        used += min(max(cell_len(header), widest), options.get("max_width", 10**6)) + _COLUMN_GAP
    return max(_TEXT_MIN, width - used - 2 * _COLUMN_GAP)


def _deadline_cell(row: Row) -> str:
    task = row.task
    if task.deadline is None:
        return "on condition"
    mark = "*" if task.deadline_implied else ""
    return f"{task.deadline.isoformat()}{mark}{' +' if task.long_term else ''}"


_TEXT_MIN = 12
_COLUMN_GAP = 3  # SIMPLE_HEAD: a separator and one space of padding each side
_TEXT: dict[str, Any] = {"overflow": "ellipsis", "no_wrap": True, "min_width": _TEXT_MIN}
_NARROW: dict[str, Any] = {"no_wrap": True}
_UNITS_COL: dict[str, Any] = {"max_width": 16, "overflow": "fold"}


def _item_columns(ledger: Ledger) -> list[Column]:
    """The columns every item table starts with: id, truncated title, lead units."""
    return [
        ("ID", lambda r: r.task.id, _NARROW),
        ("具體工作舉措", lambda r: r.task.text, _TEXT),
        ("牽頭單位", lambda r: _units(ledger, r.task.lead_units), _UNITS_COL),
    ]


_RIGHT: dict[str, Any] = {"justify": "right", "no_wrap": True}
_STATUS: Column = ("狀態", lambda r: STATUS_LABELS[r.state.status], _NARROW)
_DEADLINE: Column = ("完成時限", lambda r: _deadline_cell(r), _NARROW)


def list_table(ledger: Ledger, rows: Sequence[Row], title: str | None = None, width: int = 80) -> Table:
    light: Column = ("Light", lambda r: light_text(r.state.light), _NARROW)
    return _task_table(ledger, rows, [*_item_columns(ledger), _DEADLINE, _STATUS, light], title, width)


def overdue_table(ledger: Ledger, rows: Sequence[Row], title: str | None = None, width: int = 80) -> Table:
    leaders: Column = ("牽頭領導", lambda r: "、".join(r.task.leaders), _NARROW)
    late: Column = ("逾期天數", lambda r: str(r.state.days_overdue), _RIGHT)
    return _task_table(ledger, rows, [*_item_columns(ledger), leaders, _DEADLINE, late], title, width)


def due_table(ledger: Ledger, rows: Sequence[Row], title: str | None = None, width: int = 80) -> Table:
    left: Column = ("剩餘天數", lambda r: str(r.state.days_left), _RIGHT)
    return _task_table(ledger, rows, [*_item_columns(ledger), _DEADLINE, left, _STATUS], title, width)


def grouped(tables: Iterable[Table]) -> Group:
    return Group(*tables)


def _tally_cells(tally: Tally) -> list[str]:
    next_deadline = tally.next_deadline.isoformat() if tally.next_deadline else "-"
    return [str(tally.done), str(tally.in_progress), str(tally.overdue), str(tally.due_soon), next_deadline]


# 完成 done, 推進中 in progress, 逾期 overdue, 臨期 due within the warning window
_TALLY_HEADERS = ("完成", "推進中", "逾期", "臨期", "下一時限")


def _summary_table(title: str, first: str, headers: Sequence[str]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold", title_justify="left", collapse_padding=True)
    table.add_column(first, max_width=16, overflow="fold")
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True)
    return table


def units_table(summaries: Sequence[UnitSummary], title: str) -> Table:
    table = _summary_table(title, "單位", ("牽頭", "配合", *_TALLY_HEADERS, "牽頭逾期"))
    for s in summaries:
        tally = _tally_cells(s.tally)
        table.add_row(s.unit.name, str(s.leads), str(s.supports), *tally, str(s.overdue_lead))
    return table


def leaders_table(summaries: Sequence[LeaderSummary], title: str) -> Table:
    table = _summary_table(title, "牽頭領導", ("任務", *_TALLY_HEADERS))
    for s in summaries:
        table.add_row(s.leader, str(s.tally.items), *_tally_cells(s.tally))
    return table


def task_detail(ledger: Ledger, row: Row) -> RenderableType:
    """Everything about one item, with its full text."""
    task, state = row.task, row.state
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # CJK text has no spaces to wrap at
    section = ledger.section(task.kind, task.section)
    kind = "key task 重點任務" if task.kind == "key_task" else "measure 攻堅措施"
    fields: list[tuple[str, RenderableType | str | None]] = [
        ("ID", task.id),
        ("Kind", kind),
        ("Section", f"{task.section} {section.title}" if section else str(task.section)),
        ("Measure", task.measure),
        ("具體工作舉措", task.text),
        ("牽頭領導", "、".join(task.leaders) or None),
        ("牽頭單位", _units(ledger, task.lead_units)),
        ("配合單位", _units(ledger, task.support_units) or None),
        ("Groups", _units(ledger, task.groups) or None),
        ("完成時限", task.deadline_text or "(none written; the plan's year end)"),
        ("Deadline", _detail_deadline(task)),
        ("Status", f"{status_text(state.status)} (as of {state.day.isoformat()})"),
        ("Light", light_text(state.light)),
    ]
    for label, value in fields:
        if value is not None:
            grid.add_row(label, value)
    if not task.history:
        return grid
    return Group(grid, Text(""), history_table(task))


def _detail_deadline(task: Task) -> str:
    if task.deadline is None:
        return f"none: waits on a condition ({task.condition})"
    notes = [note for flag, note in ((task.deadline_implied, "implied"), (task.long_term, "then kept up")) if flag]
    return task.deadline.isoformat() + (f" ({', '.join(notes)})" if notes else "")


def history_table(task: Task) -> Table:
    table = Table(title="進展情況 History", header_style="bold", title_justify="left")
    for header in ("Date", "Status", "Note"):
        table.add_column(header, no_wrap=header != "Note", overflow="fold")
    for entry in task.history:
        table.add_row(entry.date.isoformat(), status_text(entry.status) if entry.status else "", entry.note or "")
    return table


def audit_table(rows: Sequence[AuditRow], title: str) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold", title_justify="left")
    for header in ("Commit", "Committed", "Author", "ID", "Change", "Effective", "Note"):
        table.add_column(header, no_wrap=header in ("Commit", "Committed", "ID", "Effective"), overflow="fold")
    for row in rows:
        if row.change == "status":
            change = f"{_label(row.old)} → {_label(row.new)}"
        elif row.change == "edit":
            change = f"edited {row.new}"
        elif row.period is not None:  # an indicator's figure, correction or withdrawal
            change = f"{row.period} {row.change}: {row.old + ' → ' if row.old else ''}{row.new or ''}"
        else:
            change = "進展情況 note"
        effective = iso(row.effective) or ""
        table.add_row(row.commit[:7], row.committed[:10], row.author, row.task_id, change, effective, row.note or "")
    return table


def _label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "?")


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def indicators_table(progress: Sequence[Progress], title: str) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold", title_justify="left", collapse_padding=True)
    table.add_column("指標 / ID", overflow="fold", max_width=20)
    table.add_column("目標", overflow="fold", max_width=12)
    table.add_column("最新", overflow="fold", max_width=12)
    for header in ("完成率", "序時進度"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("Light", no_wrap=True)
    for p in progress:
        indicator = p.indicator
        named = Text(indicator.name + "\n") + Text(indicator.id, style="dim")
        latest = f"{value_text(indicator, p.latest)} {p.latest.period}" if p.latest else "-"
        light = light_text(p.light) if p.light else Text("none")
        table.add_row(named, target_text(indicator), latest, _percent(p.attainment), _percent(p.pace), light)
    return table


_BAR = "█"


def indicator_detail(progress: Progress) -> RenderableType:
    """One indicator: its definition, verdict, and the whole series with a bar per figure."""
    indicator = progress.indicator
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    rows: list[tuple[str, RenderableType | str]] = [
        ("ID", indicator.id),
        ("指標", indicator.name),
        ("目標", target_text(indicator)),
        ("Kind", f"{indicator.kind}, {indicator.comparison}" + (", cumulative" if indicator.cumulative else "")),
        ("Source", indicator.source),
        ("As of", progress.day.isoformat()),
        ("Verdict", progress.verdict),
        ("Light", light_text(progress.light) if progress.light else "none"),
    ]
    if indicator.alternative:
        rows.insert(3, ("Or", f"{indicator.alternative} (either target meets the plan)"))
    for label, value in rows:
        grid.add_row(label, value)
    return Group(grid, Text(""), series_chart(progress))


def series_chart(progress: Progress) -> Table:
    """The figures known on the day, with a bar scaled to the larger of target and figure."""
    indicator = progress.indicator
    known = series(indicator, progress.day)
    values = [abs(effective_value(indicator, actual)) for actual in known]
    scale = max([abs(indicator.target), *values, 1e-9])
    table = Table(title="Series", box=box.SIMPLE_HEAD, header_style="bold", title_justify="left")
    for header in ("Period", "Figure", "", "Recorded", "Note"):
        table.add_column(header, no_wrap=header != "Note", overflow="fold")
    for actual, value in zip(known, values, strict=True):
        bar = _BAR * max(1, round(20 * value / scale)) if value else ""
        table.add_row(actual.period, value_text(indicator, actual), bar, actual.recorded.isoformat(), actual.note or "")
    if indicator.kind != "milestone":
        target_bar = (
            "┊" + " " * (round(20 * abs(indicator.target) / scale) - 1) + "┊ target" if indicator.target else ""
        )
        table.add_row("", "", target_bar, "", "")
    return table
