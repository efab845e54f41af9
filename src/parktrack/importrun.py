"""An import run: the units' sheets previewed together, then written one by one (`parktrack import`).

Each file is checked alone against the ledger (`intake.check_sheet`), then after the files before it
in the run: a row an earlier file sets otherwise is not taken, one it sets alike is found recorded,
and one dated before an earlier file's change stops the run before anything is written. Writing goes
through `updates.write_batch`: one validated, atomic write and one commit per file, under the
ledger's lock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from parktrack import store
from parktrack.errors import DataError, Problem, UsageError
from parktrack.i18n import _
from parktrack.intake import Line, SheetOutcome, SheetPlan, Upload, check_sheet, figure_text
from parktrack.ledger import Ledger
from parktrack.models import require_printable
from parktrack.store import DataDir
from parktrack.updates import write_batch
from parktrack.vocab import STATUS_LABELS
from parktrack.writing import commit_target

_AUTHOR = re.compile(r"^[^<>]+ <[^<>\s]+@[^<>\s]+>$")


def check_author(author: str | None) -> None:
    """The liaison credited with a sheet's commits: `NAME <email>`, shown by `history` as typed."""
    require_printable("--author", author)
    if author is not None and not _AUTHOR.match(author.strip()):
        raise UsageError(_("--author '{author}': write it as \"NAME <email>\"").format(author=author))


def plan_all(ledger: Ledger, uploads: Sequence[Upload], today: date, theirs: bool) -> list[SheetPlan]:
    """Check every cell of every upload; raise DataError listing every bad cell, else return the plans."""
    problems: list[Problem] = []
    plans: list[SheetPlan] = []
    for upload in uploads:
        plan, found = check_sheet(ledger, upload, today, theirs)
        problems += found
        if plan is not None:
            plans.append(plan)
    if problems:
        raise DataError(problems)
    return plans


def preview(data: DataDir, uploads: Sequence[Upload], today: date, theirs: bool = False) -> list[SheetPlan]:
    """Check the files as read and say what importing them would record; writes nothing."""
    plans = plan_all(_ledger(data), uploads, today, theirs)
    _across_files(plans, theirs)
    return plans


def _across_files(plans: list[SheetPlan], theirs: bool) -> None:
    """What each file's rows do after the files before it: not taken, found recorded, or (DataError) dated
    before what an earlier file writes."""
    _first_file_goes_first(plans, theirs)
    _dated_after_earlier_files(plans)


def _first_file_goes_first(plans: list[SheetPlan], theirs: bool) -> None:
    """Mark the rows that `apply` will find in conflict with an earlier file of the same run: a status
    or figure set otherwise by that file, which is written first (the lead unit's sheet and a
    supporting unit's, both reporting on one item). Each file is planned against the ledger as it
    stands, so without this the preview promised to record both. With --theirs each file's value is
    taken in turn; either way a row setting again what the file before it set is found recorded."""
    taken: dict[tuple[str, ...], tuple[SheetPlan, Line]] = {}  # the first file's, or the last with --theirs
    for plan in plans:
        for index, line in enumerate(plan.lines):
            sets = line.what_it_sets() if line.writes else None
            if sets is None:
                continue
            key = sets[0]
            earlier, its_line = taken.setdefault(key, (plan, line))
            if earlier is plan:
                continue
            if its_line.what_it_sets() != sets:
                if theirs:
                    taken[key] = (plan, line)
                else:
                    plan.lines[index] = replace(line, state="after", earlier=earlier.path.name)
            elif _found_recorded_after(line, its_line):
                plan.lines[index] = replace(line, state="recorded")  # as import will find it (a copy sent twice)


def _found_recorded_after(line: Line, earlier: Line) -> bool:
    """Whether `line`, setting what `earlier` (of an earlier file) sets, finds nothing new once that is
    written: no note, or the same note (an item's on the same day, as its history entry is matched)."""
    if line.note is None:
        return True
    return line.note == earlier.note and (line.figure is not None or _day_written(line) == _day_written(earlier))


def _dated_after_earlier_files(plans: list[SheetPlan]) -> None:
    """Raise DataError for every row dated before a change or figure an earlier file of the run records
    on that item or indicator: written after it, the row would break the date order, and the import
    would stop there with the earlier files already committed. Each file alone passed (planned against
    the ledger as it stands)."""
    problems: list[Problem] = []
    latest: dict[str, tuple[date, str]] = {}  # item or indicator id -> the last day an earlier file writes, its file
    sets: dict[tuple[str, ...], object] = {}  # what earlier files leave each status or period's figure at
    for plan in plans:
        for line in plan.lines:
            day = _day_written(line)
            if day is None or line.item_id not in latest:
                continue
            last, file = latest[line.item_id]
            what = line.what_it_sets()
            already_so = what is not None and sets.get(what[0]) == what[1] and not line.note  # found recorded
            if day < last and not already_so:
                message = _(
                    "{id} is dated {day}, before the change {file} above records on {last}; "
                    "import this file first, or date the row later"
                )
                text = message.format(id=line.item_id, day=day.isoformat(), file=file, last=last.isoformat())
                problems.append(Problem(line.date_ref or line.ref, None, None, "", text))
        for line in plan.lines:
            day = _day_written(line)
            if day is not None:
                latest[line.item_id] = (max(day, latest.get(line.item_id, (day, ""))[0]), plan.path.name)
                what = line.what_it_sets()
                if what is not None:
                    sets[what[0]] = what[1]
    if problems:
        raise DataError(problems)


def _day_written(line: Line) -> date | None:
    """The day of the history entry or figure a row writes; None for a row not written."""
    if not line.writes:
        return None
    if line.change is not None:
        return line.change.day
    return line.figure.recorded if line.figure is not None else None


def _ledger(data: DataDir) -> Ledger:
    """The ledger as it stands, through the read cache: each sheet's write leaves it current, so a run
    of 27 sheets parses the ledger's YAML at most once, not three times a sheet."""
    from parktrack import cache

    return cache.load_ledger(data, indicators=True)


def apply(
    data: DataDir,
    uploads: Sequence[Upload],
    today: date,
    theirs: bool = False,
    author: str | None = None,
    commit: bool = True,
) -> list[SheetOutcome]:
    """Import the files as read: all checked first (against the ledger as it is once the lock is held,
    and with commits, its files holding no uncommitted change), then one validated write and one commit
    per file."""
    check_author(author)
    outcomes = []
    with store.locked(data):
        # every file is checked before anything is written, each alone and after the files before it
        plans = plan_all(_ledger(data), uploads, today, theirs)
        _across_files(plans, theirs)
        if commit:  # rows found recorded only in an uncommitted file (a run killed before its commit) are not done
            commit_target(data, _files_written(plans))
        for upload in uploads:
            plan = plan_all(_ledger(data), [upload], today, theirs)[0]  # against the ledger as it now is
            sha, repo = None, None
            if plan.changes or plan.figures:
                message = commit_message(plan)
                sha, repo = write_batch(data, plan.changes, plan.figures, message, author, commit)
            outcomes.append(SheetOutcome(plan, sha, repo))
    return outcomes


def _files_written(plans: Sequence[SheetPlan]) -> list[str]:
    """The ledger files the sheets' rows go to, whether or not they are found recorded."""
    lines = [line for plan in plans for line in plan.lines]
    files = [store.TASKS_FILE] if any(line.what != "figure" for line in lines) else []
    return files + ([store.INDICATORS_FILE] if any(line.what == "figure" for line in lines) else [])


def commit_message(plan: SheetPlan) -> tuple[str, str, list[tuple[str, str]]]:
    """`縣財政局: 事項 3 項, 數據 1 項 (縣財政局.xlsx, 截至 2024-06-30)`, a line per change, trailers: in the
    ledger's own words whatever the interface's language, as `update` writes 推進中 → 已完成."""
    changes, figures = plan.changes, plan.figures
    subject = f"{plan.unit.name}: 事項 {len(changes)} 項, 數據 {len(figures)} 項 ({plan.path.name}, 截至 {plan.as_of})"
    body = []
    for change in changes:  # in the ledger's own words, as `update` writes them
        what = (
            f"{STATUS_LABELS[change.old_status]} → {STATUS_LABELS[change.new_status]}"
            if change.new_status
            else "進展情況"
        )
        body.append(f"{change.task_id}: {what}" + (f" — {change.note}" if change.note else ""))
    for figure in figures:
        correction = f" (更正 {figure_text(figure.replaces)})" if figure.replaces is not None else ""
        body.append(f"{figure.indicator_id} {figure.period}: {figure_text(figure.value)}{correction}")
    trailers = [("Parktrack-Unit", plan.unit.name), ("Parktrack-Sheet", plan.path.name)]
    trailers.append(("Parktrack-As-Of", plan.as_of.isoformat()))
    if plan.commit:
        trailers.append(("Parktrack-Cut-From", plan.commit))
    trailers += [("Parktrack-Task", change.task_id) for change in changes]
    trailers += [("Parktrack-Indicator", figure.indicator_id) for figure in figures]
    return subject, "\n".join(body), trailers
