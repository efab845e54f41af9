"""Boundaries no other test pinned (found by mutating the domain code by hand): the day an entry is dated,
the first day of a period, a figure exactly on 序時進度, a withdrawal, the order of overlapping periods.

Every expected value is worked out by hand in the comment beside it, never by calling the code under test.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Cli, git
from item_stand_ins import Entry, Item
from parktrack.deadlines import assess as assess_item
from parktrack.deadlines import half_width, parse_day, period_bounds, read_deadline, status_on
from parktrack.errors import UsageError
from parktrack.indicators import assess, early_figure, parse_value, plan_share, target_text, verdict_text
from parktrack.models import Actual, Indicator
from parktrack.render import number_text, percent_text, text_units, to_csv, to_json


def indicator(*figures: dict[str, Any], **fields: Any) -> Indicator:
    base: dict[str, Any] = {"id": "x", "name": "x", "unit": "個", "kind": "count", "target": 4, "source": "s"}
    return Indicator.model_validate({**base, **fields, "actuals": [Actual.model_validate(f) for f in figures]})


# --- deadlines -------------------------------------------------------------------


def test_a_quarter_written_in_arabic_digits_is_that_quarter() -> None:
    # 第2季度 ends on 30 June, 第4季度 on 31 December (not the first quarter's 31 March)
    assert read_deadline("2024年第2季度") == (date(2024, 6, 30), True)
    assert read_deadline("2024年4季度末") == (date(2024, 12, 31), True)


def test_the_status_recorded_on_a_day_is_in_force_that_day() -> None:
    history = [Entry(date(2024, 5, 1), "in_progress"), Entry(date(2024, 6, 10), "blocked")]
    assert status_on(history, date(2024, 6, 9)) == "in_progress"
    assert status_on(history, date(2024, 6, 10)) == "blocked"
    assert status_on(history, date(2024, 5, 1)) == "in_progress"
    item = Item(date(2024, 6, 30), history)
    assert assess_item(item, date(2024, 6, 10)).status == "blocked"


def test_a_slashed_day_is_read_year_month_day() -> None:
    # 2024/6/3 is 3 June (yearfirst, month before day), never 6 March
    assert parse_day("2024/6/3") == date(2024, 6, 3)
    assert parse_day("2024.1.12") == date(2024, 1, 12)


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2024H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("2024H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024-07", date(2024, 7, 1), date(2024, 7, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_period_bounds(period: str, first: date, last: date) -> None:
    assert period_bounds(period) == (first, last)


# --- indicators ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "first"), [("2024Q3", "2024-07-01"), ("2024H2", "2024-07-01"), ("2024-08", "2024-08-01")]
)
def test_a_figure_may_be_dated_the_first_day_of_its_period_not_the_day_before(
    english: None, period: str, first: str
) -> None:
    start = date.fromisoformat(first)
    assert early_figure(period, start) is None
    message = early_figure(period, date.fromordinal(start.toordinal() - 1))
    assert message is not None and f"before the period began on {first}" in message


def test_a_withdrawn_figure_is_no_figure() -> None:
    recorded = {"period": "2024Q2", "value": 3, "recorded": "2024-07-05"}
    withdrawn = {"period": "2024Q2", "recorded": "2024-07-08", "withdrawn": True}
    firms = indicator(recorded, withdrawn)
    assert assess(firms, date(2024, 7, 6), 2024).value == 3  # before the withdrawal
    after = assess(firms, date(2024, 7, 8), 2024)
    assert after.latest is None and after.value is None and after.verdict == "no figure yet"


def test_the_year_figure_is_later_than_a_quarter_of_the_same_year() -> None:
    # 2024 ends on 31 December, after 2024Q3 (30 September): the year's figure is the latest, although its
    # period began first
    firms = indicator(
        {"period": "2024", "value": 5, "recorded": "2025-01-20"},
        {"period": "2024Q3", "value": 2, "recorded": "2024-10-10"},
    )
    progress = assess(firms, date(2025, 1, 20), 2024)
    assert progress.value == 5 and progress.verdict == "met"


def test_a_margin_of_typed_decimals_is_exact() -> None:
    # 10.2 - 5.2 is 5 in decimal arithmetic (4.999999999999999 in binary): a margin of 5 is met
    margin = indicator(
        {"period": "2024", "value": 10.2, "reference": 5.2, "recorded": "2025-01-20"},
        unit="%",
        kind="margin",
        target=5,
        reference="全縣增速",
    )
    progress = assess(margin, date(2025, 1, 20), 2024)
    assert progress.value == 5 and progress.verdict == "met" and progress.light == "green"


def test_at_most_is_met_exactly_on_the_target_and_attainment_is_target_over_value() -> None:
    energy = indicator(
        {"period": "2024", "value": 0.8, "reference": 0.8, "recorded": "2025-02-01"},
        unit="噸標準煤/萬元",
        kind="margin",
        comparison="at_most",
        target=0,
        reference="全省平均",
    )
    assert assess(energy, date(2025, 2, 1), 2024).light == "green"  # 0.8 - 0.8 = 0 <= 0
    land = indicator(
        {"period": "2024", "value": 4, "recorded": "2025-02-01"},
        unit="畝",
        kind="level",
        comparison="at_most",
        target=2,
    )
    progress = assess(land, date(2025, 2, 1), 2024)
    assert progress.light == "red" and progress.attainment == pytest.approx(0.5)  # 2 / 4, twice the ceiling


def test_a_figure_for_the_last_quarter_on_the_years_last_day_is_final() -> None:
    # 2024Q4 ends on 31 December: short of the target then, the year is missed, as an item on its deadline day
    growth = indicator({"period": "2024Q4", "value": 9, "recorded": "2024-12-31"}, unit="%", kind="growth", target=10)
    progress = assess(growth, date(2024, 12, 31), 2024)
    assert progress.light == "red" and progress.verdict == "missed"


@pytest.mark.parametrize(
    ("value", "light", "verdict"),
    [
        # target 366 over the 366 days of 2024; 2024Q2 ends on day 182, so 序時進度 expects exactly 182
        (182, "green", "on pace"),
        (181, "yellow", "behind pace"),
        (91, "yellow", "behind pace"),  # exactly half of 182
        (90, "red", "too far behind"),
    ],
)
def test_pace_boundaries(value: int, light: str, verdict: str) -> None:
    land = indicator({"period": "2024Q2", "value": value, "recorded": "2024-07-05"}, target=366, cumulative=True)
    progress = assess(land, date(2024, 7, 5), 2024)
    assert (progress.light, progress.verdict) == (light, verdict)
    assert progress.expected == 182
    assert progress.pace == pytest.approx(187 / 366)  # 5 July is day 187 of 2024


def test_plan_share_before_during_and_after_the_plan_year() -> None:
    assert plan_share(date(2023, 12, 31), 2024) == 0.0
    assert plan_share(date(2024, 1, 1), 2024) == pytest.approx(1 / 366)
    assert plan_share(date(2024, 12, 31), 2024) == 1.0
    assert plan_share(date(2025, 1, 31), 2024) == 1.0


def test_a_quarter_met_on_its_first_day_counts() -> None:
    starts = indicator(
        {"period": "2024Q1", "value": 1, "recorded": "2024-04-05"},
        {"period": "2024Q2", "value": 1, "recorded": "2024-07-01"},
        {"period": "2024Q3", "value": 1, "recorded": "2024-07-01"},
        kind="periodic_count",
        period="quarter",
        target=1,
    )
    assert assess(starts, date(2024, 7, 1), 2024).verdict == "met 2024Q1, 2024Q2, 2024Q3"


def test_a_per_quarter_count_is_not_negative(english: None) -> None:
    starts = indicator(kind="periodic_count", period="quarter", target=1)
    with pytest.raises(UsageError, match="negative"):
        parse_value(starts, "-1")


# --- query: filters, windows, tallies and sorts, end to end on the bundled plan -----------------------
# The bundled ledger's dated items, in ledger order (tasks.yaml): T01 4-30, T02 6-30, T03 4-30, T05 6-30,
# T06 6-30, T09 3-31, T11 4-30, T14 4-30, T16 4-30, T17 4-30, T24 6-30, T41 3-31; every other item is due
# 2024-12-31 or waits on a condition. Nothing is started.


def _rows(cli: Cli, *args: str, cwd: Path | None = None) -> list[dict[str, Any]]:
    result = cli("--lang", "en", *args, "--format", "json", cwd=cwd)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_due_lists_the_window_soonest_first_and_includes_its_last_day(cli: Cli) -> None:
    # from 1 March 2024, 200 days reach 17 September: the 3-31, 4-30 and 6-30 items, soonest first and in
    # ledger order within a day; 12-31 is outside
    rows = _rows(cli, "due", "--within", "200", "--as-of", "2024-03-01")
    assert [row["id"] for row in rows] == [
        "T09", "T41",
        "T01", "T03", "T11", "T14", "T16", "T17",
        "T02", "T05", "T06", "T24",
    ]  # fmt: skip
    # from 1 June the 6-30 items are 29 days away: a 29-day window holds them, a 28-day one does not
    assert [row["id"] for row in _rows(cli, "due", "--within", "29", "--as-of", "2024-06-01")] == [
        "T02", "T05", "T06", "T24",
    ]  # fmt: skip
    assert _rows(cli, "due", "--within", "28", "--as-of", "2024-06-01") == []


def test_search_reads_the_measure_heading(cli: Cli) -> None:
    # 推動園區黨建質量提升 is the heading of measure M01 (its `measure` field), not in any item's text
    rows = _rows(cli, "list", "--search", "推動園區黨建質量提升", "--as-of", "2024-06-30")
    assert [row["id"] for row in rows] == ["M01"]


def test_a_units_tally_counts_items_standing_alike_and_its_nearest_open_deadline(cli: Cli) -> None:
    # 縣委組織部 on 2024-06-30 leads T02, T04, T05, T35, M02 and supports M01. T02 and T05 are due that very
    # day (0 days left: yellow, not yet overdue, and their deadline is still the nearest one ahead);
    # the others are due 2024-12-31.
    rows = {row["id"]: row for row in _rows(cli, "units", "--as-of", "2024-06-30")}
    organisation = rows["organization-dept"]
    assert {key: organisation[key] for key in ("leads", "supports", "items", "overdue", "due_soon")} == {
        "leads": 5, "supports": 1, "items": 6, "overdue": 0, "due_soon": 2,
    }  # fmt: skip
    assert organisation["next_deadline"] == "2024-06-30"
    # a day later T02 and T05 are overdue and the nearest deadline ahead is the year's end
    later = {row["id"]: row for row in _rows(cli, "units", "--as-of", "2024-07-01")}["organization-dept"]
    assert (later["overdue"], later["overdue_lead"], later["due_soon"], later["next_deadline"]) == (
        2,
        2,
        0,
        "2024-12-31",
    )


def test_the_status_filter_narrows_to_the_recorded_status(cli: Cli, repo: Path) -> None:
    assert (
        cli("--lang", "en", "update", "T02", "--status", "in_progress", "--date", "2024-06-01", cwd=repo).exit_code == 0
    )
    assert [row["id"] for row in _rows(cli, "list", "--status", "in_progress", "--as-of", "2024-06-30", cwd=repo)] == [
        "T02"
    ]
    assert [row["id"] for row in _rows(cli, "list", "--status", "in_progress", "--as-of", "2024-05-31", cwd=repo)] == []
    # T02 is led by 縣委組織部 and supported by the park committee: each now counts one item in progress
    units = {row["id"]: row for row in _rows(cli, "units", "--as-of", "2024-06-30", cwd=repo)}
    assert (units["organization-dept"]["in_progress"], units["park-committee"]["in_progress"]) == (1, 1)
    assert units["finance"]["in_progress"] == 0


def _is_ledger_order_within_ties(rows: list[dict[str, Any]], ledger: list[str], key: str) -> None:
    """Rows with the same `key` value keep the order `ledger` gives them."""
    for value in {row[key] for row in rows}:
        tied = [row["id"] for row in rows if row[key] == value]
        assert tied == [unit for unit in ledger if unit in tied]


def test_unit_sorts(cli: Cli) -> None:
    ledger = [row["id"] for row in _rows(cli, "units", "--as-of", "2024-06-30")]
    by_overdue = _rows(cli, "units", "--as-of", "2024-06-30", "--sort", "overdue")
    pairs = [(row["overdue"], row["due_soon"]) for row in by_overdue]
    assert pairs == sorted(pairs, reverse=True) and len(set(pairs)) > 2
    # 縣委組織部 has nothing overdue but two items due soon: before every unit with neither
    ids = [row["id"] for row in by_overdue]
    assert ids.index("organization-dept") < ids.index("park-party-committee")
    by_items = _rows(cli, "units", "--as-of", "2024-06-30", "--sort", "items")
    counts = [row["items"] for row in by_items]
    assert counts == sorted(counts, reverse=True) and counts[0] == 81  # the park committee names 81 items
    _is_ledger_order_within_ties(by_items, ledger, "items")
    by_name = [row["name"] for row in _rows(cli, "units", "--as-of", "2024-06-30", "--sort", "name")]
    assert by_name == sorted(by_name) and by_name[0] == "云南武定產業園區管委會"
    assert sorted(ids) == sorted(ledger)


def test_a_unit_no_item_names_is_not_listed(cli: Cli, data_copy: Path) -> None:
    units = data_copy / "units.yaml"
    units.write_text(
        units.read_text(encoding="utf-8") + "  - id: spare-unit\n    name: 縣備用局\n    aliases: []\n    kind: unit\n",
        encoding="utf-8",
    )
    ids = [row["id"] for row in _rows(cli, "units", "--data", str(data_copy), "--as-of", "2024-06-30")]
    assert "spare-unit" not in ids and "organization-dept" in ids and len(ids) == 31


# --- updates: where an entry goes, which days are refused, which bytes change ---------------------------


def _task_yaml(repo: Path, task_id: str) -> dict[str, Any]:
    tasks = yaml.safe_load((repo / "data" / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
    task: dict[str, Any] = next(task for task in tasks if task["id"] == task_id)
    return task


def _update(cli: Cli, repo: Path, *args: str) -> Any:
    return cli("--lang", "en", "update", *args, cwd=repo)


def test_a_second_change_on_the_same_day_comes_after_the_first(cli: Cli, repo: Path) -> None:
    assert _update(cli, repo, "T01", "--status", "in_progress", "--date", "2024-04-01").exit_code == 0
    assert _update(cli, repo, "T01", "--status", "done", "--date", "2024-04-01").exit_code == 0
    task = _task_yaml(repo, "T01")
    assert [entry["status"] for entry in task["history"]] == ["in_progress", "done"] and task["status"] == "done"
    # so a note the same day goes last too, and leaves the status as it is
    assert cli("--lang", "en", "note", "T01", "報告已報送", "--date", "2024-04-01", cwd=repo).exit_code == 0
    task = _task_yaml(repo, "T01")
    assert [entry.get("note") for entry in task["history"]] == [None, None, "報告已報送"] and task["status"] == "done"
    assert [row["status"] for row in _rows(cli, "list", "--search", "T01", "--as-of", "2024-04-01", cwd=repo)] == [
        "done"
    ]


def test_the_year_before_the_plan_is_accepted_and_earlier_years_are_refused(cli: Cli, repo: Path) -> None:
    # preparatory work late in 2023 belongs to the 2024 plan; 2022 is a typo
    assert _update(cli, repo, "T01", "--status", "in_progress", "--date", "2023-12-20").exit_code == 0
    refused = _update(cli, repo, "T02", "--status", "in_progress", "--date", "2022-12-31")
    assert refused.exit_code == 2 and "years before the plan's year 2024" in refused.stderr


def test_a_status_dated_tomorrow_in_the_county_is_refused(cli: Cli, repo: Path) -> None:
    county_today = datetime.now(timezone(timedelta(hours=8))).date()
    tomorrow = (county_today + timedelta(days=1)).isoformat()
    refused = _update(cli, repo, "T01", "--status", "in_progress", "--date", tomorrow)
    assert refused.exit_code == 2 and "in the future" in refused.stderr
    assert _update(cli, repo, "T01", "--status", "in_progress", "--date", county_today.isoformat()).exit_code == 0


def test_an_item_named_twice_gets_one_entry(cli: Cli, repo: Path) -> None:
    assert _update(cli, repo, "T01", "T01", "--status", "in_progress", "--date", "2024-04-01").exit_code == 0
    assert len(_task_yaml(repo, "T01")["history"]) == 1


def test_two_figures_recorded_on_the_same_day_are_both_taken(cli: Cli, repo: Path) -> None:
    for period in ("2024Q1", "2024Q2"):
        result = cli(
            "--lang", "en", "record", "gross-output", "10", "--period", period, "--date", "2024-07-10", cwd=repo
        )
        assert result.exit_code == 0, result.stderr
    # a day earlier than the last figure is still refused
    earlier = cli(
        "--lang", "en", "record", "gross-output", "10", "--period", "2024-03", "--date", "2024-07-09", cwd=repo
    )
    assert earlier.exit_code == 2 and "dated before the last one, 2024-07-10" in earlier.stderr


@pytest.mark.parametrize(
    ("status_line", "kept"),
    [
        ("    status: not_started\n", "    status: not_started\n"),  # no change of status: the line stays
        ("    status: 'not_started'\n", "    status: 'not_started'\n"),  # as typed, quotes and all
        ("", ""),  # no status written (not_started): none added for a note
    ],
    ids=["plain", "quoted", "absent"],
)
def test_a_note_changes_only_the_history_line(cli: Cli, repo: Path, status_line: str, kept: str) -> None:
    path = repo / "data" / "tasks.yaml"
    original = path.read_text(encoding="utf-8")
    block = "    status: not_started\n    history: []\n  - id: T02\n"
    assert original.count(block) == 1  # T01's last two lines
    before = original.replace(block, f"{status_line}    history: []\n  - id: T02\n")
    path.write_text(before, encoding="utf-8")
    git(repo, "commit", "-q", "--allow-empty", "-am", "status as typed")
    assert cli("--lang", "en", "note", "T01", "已部署", "--date", "2024-04-01", cwd=repo).exit_code == 0
    expected = before.replace(
        f"{status_line}    history: []\n  - id: T02\n",
        f'{kept}    history:\n    - {{date: 2024-04-01, note: "已部署"}}\n  - id: T02\n',
    )
    assert path.read_text(encoding="utf-8") == expected


def test_an_item_written_as_one_flow_mapping_gets_its_new_keys_before_the_closing_brace(cli: Cli, repo: Path) -> None:
    path = repo / "data" / "tasks.yaml"
    original = path.read_text(encoding="utf-8")
    start = original.index("  - id: T01\n")
    end = original.index("  - id: T02\n")
    line = (
        "  - {id: T01, kind: key_task, section: 1, text: 壓緊壓實產業園區黨工委主體責任, leaders: [鄧開榮],"
        " lead_units: [云南武定產業園區管委會], support_units: [縣委辦公室], groups: [],"
        " deadline_text: 2024年4月底以前, deadline: 2024-04-30}\n"
    )
    path.write_text(original[:start] + line + original[end:], encoding="utf-8")
    git(repo, "commit", "-qam", "T01 on one line, with no status or history")
    assert _update(cli, repo, "T01", "--status", "in_progress", "--date", "2024-04-01").exit_code == 0
    after = path.read_text(encoding="utf-8")
    assert after[:start] == original[:start] and after.endswith(original[end:])
    new_line = after[start : len(after) - len(original[end:])]
    kept = line.removesuffix("}\n")  # every byte up to the closing brace stays; the new keys follow
    assert new_line.startswith(kept + ", ") and new_line.endswith("}\n") and new_line.count("\n") == 1
    status, history = "status: in_progress", "history: [{date: 2024-04-01, status: in_progress}]"
    assert new_line[len(kept) :] in (f", {status}, {history}}}\n", f", {history}, {status}}}\n")
    assert _task_yaml(repo, "T01")["status"] == "in_progress"


# --- names: abbreviations, did-you-mean, ambiguity ---------------------------------------------------


def _error(cli: Cli, *args: str) -> str:
    result = cli("--lang", "en", *args, "--as-of", "2024-06-30", "--format", "json")
    assert result.exit_code == 2 and result.stdout == "", (result.exit_code, result.stdout)
    return str(result.stderr)


def test_an_abbreviation_keeps_the_names_order(cli: Cli) -> None:
    # 財政局 abbreviates 縣財政局; the same characters out of order name nothing
    assert {row["id"] for row in _rows(cli, "list", "--unit", "縣財局", "--as-of", "2024-06-30")} == {
        row["id"] for row in _rows(cli, "list", "--unit", "縣財政局", "--as-of", "2024-06-30")
    }
    assert _error(cli, "list", "--unit", "局財政") == "error: unknown unit '局財政'\n"


def test_an_ascii_slip_gets_a_did_you_mean_over_the_ids(cli: Cli) -> None:
    assert _error(cli, "list", "--unit", "finanse") == "error: unknown unit 'finanse' (did you mean finance?)\n"


def test_an_ambiguous_unit_lists_each_unit_once_by_its_name(cli: Cli) -> None:
    # 園區 is in both park bodies' names and in three aliases of the committee (武定產業園區 ...): each
    # body is listed once, by its name
    assert _error(cli, "list", "--unit", "園區") == (
        "error: unit '園區' is ambiguous: it matches 云南武定產業園區管委會、云南武定產業園區黨工委\n"
    )


def test_an_indicator_id_is_found_in_any_case(cli: Cli) -> None:
    result = cli("--lang", "en", "indicators", "GROSS-OUTPUT", "--as-of", "2024-06-30", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "gross-output"


# --- render: the cells of CSV and TSV, JSON's empty list -------------------------------------------------


@pytest.fixture
def english() -> Iterator[None]:
    from parktrack.i18n import current_language, set_language

    previous = current_language()
    set_language("en")
    yield
    set_language(previous)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12.0, "12"),  # no trailing point
        (41.9, "41.9"),
        (0.47494033412887826, "0.4749"),
        (-0.00001, "0"),  # rounds to -0.0: no minus sign before nothing
        (1234.5, "1234.5"),
    ],
)
def test_number_cells(value: float, text: str) -> None:
    assert number_text(value) == text


@pytest.mark.parametrize(
    ("share", "text"),
    # the decimal each float stands for, rounded half away from zero as a spreadsheet's 0.0% shows it
    [(1.0625, "106.3%"), (0.5, "50.0%"), (0.12345, "12.3%"), (0.00049, "0.0%")],
)
def test_percent_cells(share: float, text: str) -> None:
    assert percent_text(share) == text


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_cells_defuse_formulas_but_keep_negative_numbers(english: None) -> None:
    records = [{"note": "-2.5"}, {"note": "-見附件"}, {"note": "=HYPERLINK(1)"}, {"note": "+86 1"}, {"note": "@a"}]
    cells = [row[0] for row in _csv_rows(to_csv(records))[1:]]
    assert cells == ["-2.5", "'-見附件", "'=HYPERLINK(1)", "'+86 1", "'@a"]


def test_csv_cells_of_lists_mappings_and_booleans(english: None) -> None:
    record = {
        "units": ["縣財政局", "縣稅務局"],
        "entries": [{"date": "2024-05-01", "note": "首次"}, {"date": "2024-05-02", "note": None}],
        "long_term": True,
        "done": False,
    }
    header, row = _csv_rows(to_csv([record]))
    assert header == ["units", "entries", "long_term", "done"]
    # a list of words with 、; mappings with "; " between them and no empty key; booleans as JSON writes them
    assert row == ["縣財政局、縣稅務局", "date: 2024-05-01, note: 首次; date: 2024-05-02", "true", "false"]


def test_csv_columns_are_every_records_keys_in_order_of_first_use(english: None) -> None:
    rows = _csv_rows(to_csv([{"id": "T01"}, {"id": "T02", "meeting": "第1次調度會"}]))
    assert rows == [["id", "meeting"], ["T01", ""], ["T02", "第1次調度會"]]


def test_an_empty_json_list_is_two_brackets() -> None:
    assert to_json([]) == "[]"
    assert json.loads(to_json([{"id": "T01"}])) == [{"id": "T01"}]


def test_text_units_count_a_cjk_character_twice() -> None:
    assert text_units("T01 園區") == 8  # T, 0, 1 and the space count one each, 園 and 區 two each
    assert text_units("") == 0


def test_half_width_reads_narrow_forms_too() -> None:
    # ｡ and ､ (U+FF61, U+FF64, half-width ideographic stop and comma) are narrow forms of 。 and 、;
    # ０ and ％ wide forms of 0 and %; a circled digit is neither and stays
    assert half_width("２０２４｡６､３０％①") == "2024。6、30%①"


def test_an_empty_history_inside_a_flow_mapping_stays_flow(cli: Cli, repo: Path) -> None:
    path = repo / "data" / "tasks.yaml"
    original = path.read_text(encoding="utf-8")
    start, end = original.index("  - id: T01\n"), original.index("  - id: T02\n")
    line = (
        "  - {id: T01, kind: key_task, section: 1, text: 壓緊壓實產業園區黨工委主體責任, leaders: [鄧開榮],"
        " lead_units: [云南武定產業園區管委會], support_units: [縣委辦公室], groups: [],"
        " deadline_text: 2024年4月底以前, deadline: 2024-04-30, status: not_started, history: []}\n"
    )
    path.write_text(original[:start] + line + original[end:], encoding="utf-8")
    git(repo, "commit", "-qam", "T01 on one line")
    assert _update(cli, repo, "T01", "--status", "in_progress", "--date", "2024-04-01").exit_code == 0
    # a block list cannot open inside a flow mapping: the [] is filled in place, the line stays one line
    expected = line.replace(
        "status: not_started, history: []}", "status: in_progress, history: [{date: 2024-04-01, status: in_progress}]}"
    )
    assert path.read_text(encoding="utf-8") == original[:start] + expected + original[end:]


def test_a_count_typed_with_the_simplified_unit_is_read() -> None:
    # a zh-Hans sheet or screen shows 個 as 个: "3个" is 3 of 個
    assert parse_value(indicator(unit="個"), "3个") == 3.0


def test_about_a_negative_target_allows_ten_percent_below_it() -> None:
    # about -10 (a fall of ten places): -10.5 is within 10% (down to -11), -11.5 is not
    rank = {"unit": "位次", "kind": "rank_change", "comparison": "about", "target": -10}
    for value, light in ((-10.5, "green"), (-11.5, "red")):
        final = indicator({"period": "2024", "value": value, "recorded": "2025-03-01"}, **rank)
        assert assess(final, date(2025, 3, 1), 2024).light == light, value


def test_at_most_with_a_figure_of_zero_has_no_attainment_ratio() -> None:
    # a ceiling of 2 and a figure of 0: met, and target / figure is undefined (no division by zero)
    land = indicator({"period": "2024", "value": 0, "recorded": "2025-02-01"}, unit="畝", kind="level",
                     comparison="at_most", target=2)  # fmt: skip
    progress = assess(land, date(2025, 2, 1), 2024)
    assert progress.light == "green" and progress.attainment is None


def test_verdicts_and_targets_in_words(english: None) -> None:
    assert verdict_text("missed 2024Q1, 2024Q2") == "missed 2024Q1, 2024Q2"
    assert verdict_text("no figure for 2024Q3") == "no figure for 2024Q3"
    assert target_text(indicator(kind="periodic_count", period="quarter", target=1)) == "≥1個 per quarter"
    assert target_text(indicator(kind="periodic_count", period="half", target=2)) == "≥2個 per half-year"
    assert target_text(indicator(target=4)) == "≥4個"


def test_a_long_term_item_met_and_reopened_on_one_day_met_its_deadline_that_day() -> None:
    # due 5 June, done on 10 June and reopened (blocked) the same day: it met its first deadline five days
    # late, on the 10th itself; what it continues afterwards has no deadline, so it is late, not overdue
    item = Item(date(2024, 6, 5), [Entry(date(2024, 6, 10), "done"), Entry(date(2024, 6, 10), "blocked")], True)
    state = assess_item(item, date(2024, 6, 10))
    assert (state.status, state.light, state.completed, state.days_overdue) == (
        "blocked",
        "late",
        date(2024, 6, 10),
        None,
    )


@pytest.mark.parametrize("text", ["2024年年內", "2024年年内完成", "2024年年內,并長期堅持"])
def test_within_the_year_written_with_the_year_twice_is_the_years_end(text: str) -> None:
    # 年內 and 年年底 are read as 31 December; 年年內 (2024年年內完成, within the year 2024) names the same day
    assert read_deadline(text) == (date(2024, 12, 31), True)
