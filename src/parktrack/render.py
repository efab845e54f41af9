"""Turning query results into records, TSV, JSON and CSV. Returns text; never prints. (Rich tables: tables.py.)

The piped path (TSV) must stay cheap: this module imports nothing heavy, and the domain types it
reads are for annotations only.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from parktrack.i18n import N_, _, display, pgettext

if TYPE_CHECKING:
    from parktrack.history import AuditRow
    from parktrack.indicators import Progress
    from parktrack.ledger import Ledger
    from parktrack.models import HistoryEntry
    from parktrack.query import LeaderSummary, Row, Tally, UnitSummary

FORMATS = ("table", "tsv", "json", "csv")

Record = dict[str, Any]
Headers = Mapping[str, str]  # a kind of record's own CSV headers for some keys (msgids)


# --- records: the JSON/CSV contract ---------------------------------------------


def task_record(ledger: Ledger, row: Row) -> Record:
    task, state = row.task, row.state
    record: Record = {
        "id": task.id,
        "kind": task.kind,
        "section": task.section,
        "measure": task.measure,
        "text": task.text,
        "leaders": list(task.leaders),
        "lead_units": [ledger.canonical(name) for name in task.lead_units],
        "support_units": [ledger.canonical(name) for name in task.support_units],
        "groups": [ledger.canonical(name) for name in task.groups],
        "deadline": iso(task.deadline),
        "deadline_text": task.deadline_text,
        "deadline_implied": task.deadline_implied,
        "long_term": task.long_term,
        "condition": task.condition,
        "status": state.status,
        "light": state.light,
        "completed": iso(state.completed),
        "days_overdue": state.days_overdue,
        "days_left": state.days_left,
        "as_of": state.day.isoformat(),
    }
    if task.source is not None:  # an item decided at a meeting (交辦事項): where it came from, as the table says
        record["meeting"] = task.source.meeting
        record["decided_on"] = iso(task.source.date)
    if row.roles:
        record["roles"] = list(row.roles)
    return record


def history_lines(entries: Sequence[HistoryEntry]) -> list[str]:
    """An item's history entries as CSV and TSV show them: the day, the status and the note, in the
    interface language as the table shows them (in English the status code, as JSON has it)."""
    from parktrack.i18n import current_language
    from parktrack.vocab import status_label

    english = current_language() == "en"
    lines = []
    for entry in entries:
        status = entry.status and (entry.status if english else status_label(entry.status))
        note = entry.note and display(entry.note)
        lines.append(" ".join(filter(None, (entry.date.isoformat(), status, note))))
    return lines


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def tally_record(tally: Tally) -> Record:
    return {
        "items": tally.items,
        "done": tally.done,
        "in_progress": tally.in_progress,
        "overdue": tally.overdue,
        "due_soon": tally.due_soon,
        "next_deadline": iso(tally.next_deadline),
    }


def unit_record(summary: UnitSummary) -> Record:
    unit = summary.unit
    head = {"id": unit.id, "name": unit.name, "kind": unit.kind, "leads": summary.leads, "supports": summary.supports}
    return {**head, **tally_record(summary.tally), "overdue_lead": summary.overdue_lead}


def leader_record(summary: LeaderSummary) -> Record:
    return {"leader": summary.leader, **tally_record(summary.tally)}


def to_json(records: Sequence[Record] | Record) -> str:
    """One record indented; a list of them one record a line, which the standard library's C encoder
    writes (with `indent` it falls back to pure Python: a quarter second for 3,000 items)."""
    import json

    if isinstance(records, dict):
        return json.dumps(records, ensure_ascii=False, indent=2)
    if not records:
        return "[]"
    lines = ",\n".join("  " + json.dumps(record, ensure_ascii=False) for record in records)
    return "[\n" + lines + "\n]"


def to_csv(records: Sequence[Record], headers: Headers | None = None) -> str:
    """The records as CSV for people: headers and values in the interface language (see `_column`)."""
    return _delimited(records, "excel", headers=headers)


def to_tsv(records: Sequence[Record], headers: Headers | None = None) -> str:
    """The CSV's rows, tab-separated (what Excel and WPS split into columns on paste). Tabs and line
    breaks inside a cell become spaces, so every record is one line for grep, cut and awk."""
    return _delimited(records, "excel-tab", flatten=True, headers=headers)


def as_fields(record: Record, headers: Headers | None = None) -> str:
    """One record for people as label<TAB>value lines (as gh's `issue view` prints when piped): the
    labels and values of its CSV row, cells flattened as in TSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel-tab", lineterminator="\n")
    for key, value in record.items():
        header, cell = _column(key, flatten=True, headers=headers)
        writer.writerow([_flat(header), cell(value)])
    return buffer.getvalue()


def _delimited(records: Sequence[Record], dialect: str, flatten: bool = False, headers: Headers | None = None) -> str:
    """The records as rows under a header of their keys, in the interface language, each cell
    written by its column's own function (thousands of rows: one call a cell, no DictWriter)."""
    if not records:
        return ""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=dialect, lineterminator="\n")
    fields = list(dict.fromkeys(key for record in records for key in record))  # in order of first use
    clean = _flat if flatten else str
    names, cells = zip(*(_column(key, flatten, headers) for key in fields), strict=True)
    writer.writerow([clean(name) for name in names])
    columns = list(zip(fields, cells, strict=True))
    writer.writerows([cell(record.get(key)) for key, cell in columns] for record in records)
    return buffer.getvalue()


def _column(key: str, flatten: bool, headers: Headers | None = None) -> tuple[str, Callable[[Any], str]]:
    """A column's header (`headers`' where a kind of record reads a key its own way, else CSV_HEADERS')
    and the function writing its cells: the value as the interface language shows it (yes/no,
    `_converter`), as readable text (`_csv_cell`), on one line when `flatten`."""
    from parktrack.i18n import current_language

    english = current_language() == "en"  # English is the JSON's keys and values
    header = key if english else _((headers or {}).get(key) or CSV_HEADERS.get(key, key))
    words = None if english else {True: _("yes"), False: _("no")}
    convert = None if english else _converter(key)

    def cell(value: Any) -> str:
        if words is not None and value.__class__ is bool:
            value = words[value]
        elif convert is not None:
            value = convert(value)
        text: str = value if value.__class__ is str else _csv_cell(value)
        if flatten:  # TSV is pasted into spreadsheets too: as inert as the CSV
            return _inert(text if text.isprintable() else text.translate(_FLAT))
        return _inert(text)

    return header, cell


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet opening a CSV may run as a formula


def _inert(text: str) -> str:
    """A CSV cell a spreadsheet shows as it is: text that could start a formula (a note =HYPERLINK(…)
    from a unit's sheet) is prefixed with an apostrophe, as OWASP advises for CSV injection; a number
    (-2.5) is left a number."""
    if not text.startswith(_FORMULA_STARTS):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


_FLAT = str.maketrans({"\t": " ", "\r": " ", "\n": " ", "\v": " ", "\f": " ", "\x1c": " ", "\x1d": " ",
                       "\x1e": " ", "\x85": " ", "\u2028": " ", "\u2029": " "})  # fmt: skip


def _flat(cell: str) -> str:
    """A cell on one line: tabs and every line break Python's splitlines knows become spaces."""
    return cell if cell.isprintable() else cell.translate(_FLAT)  # isprintable: the common case, in C


CSV_DECIMALS = 4  # enough for 序時進度 and attainment (0.4749), exact for every figure the plan uses


def _csv_cell(value: Any) -> str:
    """One cell as readable text: lists joined with 、, mappings as `key: value`, numbers rounded."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_csv_cell(item)}" for key, item in value.items() if item is not None)
    if isinstance(value, list | tuple):
        separator = "; " if any(isinstance(item, dict) for item in value) else "、"
        return separator.join(_csv_cell(item) for item in value)
    return str(value)


_WIDE = re.compile("[\u2e80-\U0010ffff]")  # CJK and beyond: about two Latin characters wide


def text_units(text: str) -> int:
    """How wide `text` runs, in Latin character widths: a CJK character (or anything beyond) counts two.
    Workbook columns and the report's DOCX columns are sized by it."""
    return len(text) + len(_WIDE.findall(text))


def number_text(value: float) -> str:
    """A float rounded for a spreadsheet cell: 0.47494033412887826 -> 0.4749, 41.9 -> 41.9, 12.0 -> 12."""
    text = f"{round(value, CSV_DECIMALS):.{CSV_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent_text(share: float) -> str:
    """A share to one decimal as a spreadsheet prints it under 0.0% (the workbook's format): the decimal the
    float stands for, rounded half away from zero, so 1.0625 reads 106.3% on paper and on screen alike."""
    from decimal import ROUND_HALF_UP, Decimal

    return f"{(Decimal(repr(share)) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def as_data(records: Sequence[Record], fmt: str, headers: Headers | None = None) -> str:
    """`records` as JSON (the contract: codes, never translated), or as CSV or TSV for people."""
    if fmt == "json":
        return to_json(list(records))
    return to_tsv(records, headers) if fmt == "tsv" else to_csv(records, headers)


# --- CSV for people: headers and values in the interface language (JSON never changes) ---------

CSV_HEADERS = {
    "id": N_("ID"), "kind": N_("kind"), "section": N_("section"), "measure": N_("measure (campaign)"),
    "text": N_("task text"), "leaders": N_("lead officials"), "lead_units": N_("lead units"),
    "support_units": N_("supporting units"), "groups": N_("groups"), "deadline": N_("deadline"),
    "deadline_text": N_("deadline as written"), "deadline_implied": N_("deadline implied"),
    "long_term": N_("long-term"), "condition": N_("condition"), "status": N_("status"), "light": N_("light"),
    "completed": N_("completed on"), "days_overdue": N_("days overdue"), "days_left": N_("days left"),
    "as_of": N_("as of"), "roles": N_("roles"), "history": N_("history"), "name": N_("name"),
    "leads": N_("leads"), "supports": N_("supports"), "items": N_("items"), "done": N_("items done"),
    "in_progress": N_("items in progress"), "overdue": N_("items overdue"), "due_soon": N_("items due soon"),
    "next_deadline": N_("next deadline"), "overdue_lead": N_("overdue where it leads"), "leader": N_("lead official"),
    "lead_unit": N_("lead unit (group)"), "meeting": N_("meeting"), "decided_on": N_("decided on"),
    "commit": N_("commit"), "author": N_("author"), "email": N_("email"), "committed": N_("committed"),
    "change": N_("change"), "from": N_("from"), "to": N_("to"), "date": N_("effective date"), "note": N_("note"),
    "unit": N_("unit of measure"), "comparison": N_("comparison"), "target": N_("target"),
    "stretch_target": N_("stretch target"), "aspirational": N_("striven for"), "period": N_("period"),
    "cumulative": N_("cumulative"),
    "reference": N_("reference"), "alternative": N_("alternative"), "units": N_("responsible units"),
    "source": N_("source"), "actuals": N_("figures"), "latest": N_("latest figure"), "value": N_("value"),
    "attainment": N_("attainment"), "stretch_attainment": N_("stretch attainment"), "pace": N_("pace"),
    "expected": N_("expected by now"), "verdict": N_("verdict"),
}  # fmt: skip
# an indicator's `items` are the ids of its items, where a unit's or leader's are how many it has
# an indicator's name is headed as the table, the workbook and the report head it (指标), not 名称
INDICATOR_HEADERS: Headers = {"items": N_("related items"), "name": N_("Indicator")}
# The ledger's own text, shown simplified in zh-Hans like everywhere else.
_LEDGER_TEXT = frozenset(
    {"text", "leaders", "lead_units", "support_units", "groups", "deadline_text", "condition", "measure", "name",
     "leader", "units", "source", "reference", "unit", "note", "lead_unit", "meeting"}
)  # fmt: skip


_STATUS_KEYS = frozenset({"status", "from", "to"})


def _converter(key: str) -> Callable[[Any], Any] | None:
    """How the values under `key` read in the interface language (booleans aside, which `_column`
    words): labels for codes, the ledger's text as displayed; None where they read as they are. One
    function a column, worked out once: thousands of rows call it."""
    from parktrack import vocab

    label: Callable[[str], str] | None = None
    if key in _STATUS_KEYS:
        label = _status_or_text
    elif key in ("light", "kind"):
        label = vocab.light_label if key == "light" else vocab.kind_label
    elif key == "verdict":
        from parktrack.indicators import verdict_text  # only indicator records carry one

        label = verdict_text
    elif key == "roles":
        label = vocab.role_label
    elif key == "change":
        label = vocab.change_label
    elif key in ("comparison", "period"):  # an indicator's; a history row's period (2024Q2) reads as it is
        label = vocab.comparison_label if key == "comparison" else vocab.period_label
    elif key in ("actuals", "latest"):  # an indicator's figures: as its series reads, not as JSON's keys
        return _figures_in_words
    if label is not None:
        return _labelled(cache(label), each=key == "roles")
    return _shown if key in _LEDGER_TEXT else None


def _figures_in_words(value: Any) -> Any:
    """An indicator's recorded figures (JSON's `{period, value, recorded, ...}`) as a Chinese CSV reads
    them, one figure as its series shows it: `2024Q2 12（参照值 9） 2024-06-20 更正数据`; `；` between."""
    if isinstance(value, list):
        return "；".join(_figure_in_words(figure) for figure in value)
    return _figure_in_words(value) if isinstance(value, dict) else value


def _figure_in_words(figure: dict[str, Any]) -> str:
    from parktrack import vocab

    shown = figure.get("value")
    if isinstance(shown, bool):
        shown = _("yes") if shown else _("no")
    elif isinstance(shown, int | float):
        shown = number_text(shown)
        if isinstance(figure.get("reference"), int | float):
            shown += _(" (reference {figure})").format(figure=number_text(figure["reference"]))
    change = "withdrawal" if figure.get("withdrawn") else "correction" if figure.get("correction") else None
    parts = (figure.get("period"), shown, figure.get("recorded"), change and vocab.change_label(change))
    words = " ".join(str(part) for part in parts if part not in (None, ""))
    labels = {"note": pgettext("form", "Note"), "source": pgettext("figure", "Source")}
    for key, label in labels.items():
        if figure.get(key):
            words += _(", {label}: {text}").format(label=label, text=display(figure[key]))
    return words


def _status_or_text(value: str) -> str:
    """A status's label; a margin's figure (history's `from`/`to`) and a hand edit's fields (history's `to`
    of an edit) in words; anything else under a status key (history's `to` of an added item: its text) is
    the ledger's own text, shown as displayed."""
    from parktrack import vocab

    if value in vocab.STATUSES:
        return vocab.status_label(value)
    if _REFERENCED.fullmatch(value):
        return figure_words(value)
    return field_words(value) if all(key in CSV_HEADERS for key in value.split(", ")) else display(value)


# history's language-free text of a margin's figure (history._value): 12 (reference 9)
_REFERENCED = re.compile(r"(\S+) \(reference (\S+)\)")
_MILESTONE_WORDS = {"是": "yes", "否": "no"}


def figure_words(value: str) -> str:
    """A figure as history's JSON writes it, in the interface's words: 12（参照值 9） in Chinese."""
    if value in _MILESTONE_WORDS:  # a milestone's 是/否, as history's JSON writes it whatever the language
        return _(_MILESTONE_WORDS[value])
    referenced = _REFERENCED.fullmatch(value)
    if referenced is None:
        return value
    return referenced[1] + _(" (reference {figure})").format(figure=referenced[2])


def field_words(fields: str) -> str:
    """A hand edit's fields (`deadline, text`, as JSON gives them) in the words CSV heads them with."""
    # an edit is of a task or an indicator: `items` is an indicator's related items there, never a count
    headers = {**CSV_HEADERS, **INDICATOR_HEADERS}
    return _(", ").join(_(headers[key]) if key in headers else key for key in fields.split(", "))


def _labelled(label: Callable[[str], str], each: bool) -> Callable[[Any], Any]:
    """Codes as their labels: the value (a status, a light ...), or `each` code in a list (roles)."""

    def labelled(value: Any) -> Any:
        if each:
            return [label(code) for code in value] if isinstance(value, list) else value
        return label(value) if isinstance(value, str) else value

    return labelled


def _shown(value: Any) -> Any:
    """The ledger's own text as the interface shows it (simplified in zh-Hans), a list's texts too."""
    if isinstance(value, str):
        return display(value)
    if isinstance(value, list):
        return [display(item) if isinstance(item, str) else item for item in value]
    return value


def grouped_data(groups: dict[str, list[Record]], key: str, fmt: str) -> str:
    """Records under group names: nested in JSON ([{key: name, count, items}]), a leading column in CSV."""
    if fmt == "json":
        return to_json([{key: name, "count": len(items), "items": items} for name, items in groups.items()])
    return as_data([{key: name, **record} for name, items in groups.items() for record in items], fmt)


def audit_record(row: AuditRow) -> Record:
    return {
        "commit": row.commit,
        "author": row.author,
        "email": row.email,
        "committed": row.committed,
        "id": row.task_id,
        "change": row.change,
        "from": row.old,
        "to": row.new,
        "date": iso(row.effective),
        "note": row.note,
        "period": row.period,
    }


def indicator_record(progress: Progress, ledger: Ledger) -> Record:
    indicator = progress.indicator
    return {
        "id": indicator.id,
        "name": indicator.name,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "comparison": indicator.comparison,
        "target": indicator.target,
        "stretch_target": indicator.stretch,
        "aspirational": indicator.aspirational,
        "period": indicator.period,
        "cumulative": indicator.cumulative,
        "reference": indicator.reference,
        "alternative": indicator.alternative,
        "units": [ledger.canonical(name) for name in indicator.units],
        "items": list(indicator.items),
        "source": indicator.source,
        "actuals": [  # as the table's series: what was recorded by the as-of day, corrections and withdrawals too
            actual.model_dump(mode="json", exclude_none=True)
            for actual in indicator.actuals
            if actual.recorded <= progress.day
        ],
        "latest": progress.latest.model_dump(mode="json", exclude_none=True) if progress.latest else None,
        "value": progress.value,
        "attainment": progress.attainment,
        "stretch_attainment": progress.stretch_attainment,
        "pace": progress.pace,
        "expected": progress.expected,
        "light": progress.light,
        "verdict": progress.verdict,
        "as_of": progress.day.isoformat(),
    }
