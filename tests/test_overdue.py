"""`overdue`, `due`, `units` and `leaders` on the bundled plan, end to end."""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import Cli
from plan_source import read_plan, split_units

PLAN = read_plan()


def _written_deadline(text: str | None) -> date | None:
    match = re.match(r"(\d{4})年(\d{1,2})月底", text or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    return date(year, month, calendar.monthrange(year, month)[1])


def _expected_overdue(day: date) -> list[tuple[str, int]]:
    """(id, days overdue) straight from the document's 完成時限, most overdue first, then ledger order."""
    late = []
    for item in PLAN.key_tasks:
        deadline = _written_deadline(item.deadline_text)
        if deadline and deadline < day:
            late.append((item.id, (day - deadline).days))
    year_end = date(2024, 12, 31)
    late += [(item.id, (day - year_end).days) for item in PLAN.measures if year_end < day]
    return sorted(late, key=lambda pair: -pair[1])


def _json(cli: Cli, *args: str) -> list[dict[str, object]]:
    result = cli("--lang", "en", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("day", ["2024-06-30", "2024-07-01", "2024-04-30", "2024-05-01", "2025-01-01"])
def test_overdue_lists_exactly_the_late_items(cli: Cli, day: str) -> None:
    rows = _json(cli, "overdue", "--as-of", day)
    assert [(row["id"], row["days_overdue"]) for row in rows] == _expected_overdue(date.fromisoformat(day))


def test_the_quick_start_numbers(cli: Cli) -> None:
    assert len(_json(cli, "overdue", "--as-of", "2024-06-30")) == 8
    assert len(_json(cli, "overdue", "--as-of", "2024-07-01")) == 12


def test_as_of_forms_agree(cli: Cli) -> None:
    expected = _json(cli, "overdue", "--as-of", "2024-06-30")
    for form in ("2024/6/30", "2024年6月30日", "2024-06", "2024Q2"):
        assert _json(cli, "overdue", "--as-of", form) == expected


def test_bad_as_of_exits_2(cli: Cli) -> None:
    result = cli("--lang", "en", "overdue", "--as-of", "2024-06-31")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: there is no day 2024-06-31 in the calendar"


def test_table_and_csv_give_the_same_rows(cli: Cli) -> None:
    table = cli("--lang", "en", "overdue", "--as-of", "2024-07-01").stdout
    ids = [pair[0] for pair in _expected_overdue(date(2024, 7, 1))]
    assert re.findall(r"^\s+(T\d\d)\s", table, flags=re.MULTILINE) == ids
    rows = list(
        csv.DictReader(io.StringIO(cli("--lang", "en", "overdue", "--as-of", "2024-07-01", "--format", "csv").stdout))
    )
    assert [row["id"] for row in rows] == ids


def test_overdue_filters_by_unit_and_leader(cli: Cli) -> None:
    rows = _json(cli, "overdue", "--as-of", "2024-07-01", "--unit", "縣委組織部", "--role", "lead")
    assert [row["id"] for row in rows] == ["T02", "T05"]
    rows = _json(cli, "overdue", "--as-of", "2024-07-01", "--leader", "楊艷")
    assert [row["id"] for row in rows] == ["T24"]


def test_by_unit_groups_under_lead_units(cli: Cli) -> None:
    out = cli("--lang", "en", "overdue", "--as-of", "2024-07-01", "--by-unit").stdout
    found = re.findall(r"^(\S+): (\d+) items? as of 2024-07-01 *$", out, flags=re.MULTILINE)
    assert found[0] == ("Overdue", "12")  # the whole list's title first, then one per lead unit
    headings = found[1:]
    assert ("云南武定產業園區管委會", "5") in headings and ("縣委組織部", "2") in headings
    assert sum(int(count) for _, count in headings) == 12


def test_fail_if_any(cli: Cli) -> None:
    assert cli("--lang", "en", "overdue", "--as-of", "2024-03-31", "--fail-if-any").exit_code == 0
    assert cli("--lang", "en", "overdue", "--as-of", "2024-04-01", "--fail-if-any").exit_code == 3


def test_output_reads_without_colour(cli: Cli) -> None:
    out = cli("--lang", "en", "list", "--as-of", "2024-07-01", "--light", "red", env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in out and out.count(" red") == 12


def test_due_within_window(cli: Cli) -> None:
    rows = _json(cli, "due", "--within", "30", "--as-of", "2024-06-01")
    expected = [i.id for i in PLAN.key_tasks if _written_deadline(i.deadline_text) == date(2024, 6, 30)]
    assert [row["id"] for row in rows] == expected
    assert all(row["days_left"] == 29 for row in rows)
    assert _json(cli, "due", "--within", "28", "--as-of", "2024-06-01") == []


def test_units_view_counts_overdue_by_unit(cli: Cli) -> None:
    rows = {row["name"]: row for row in _json(cli, "units", "--as-of", "2024-07-01")}
    late_ids = {pair[0] for pair in _expected_overdue(date(2024, 7, 1))}
    by_id = {item.id: item for item in PLAN.key_tasks + PLAN.measures}
    organisation = rows["縣委組織部"]
    leads = [i for i in by_id.values() if "縣委組織部" in split_units(i.lead_cell)[0]]
    assert organisation["leads"] == len(leads)
    assert organisation["overdue_lead"] == len([i for i in leads if i.id in late_ids])
    assert rows["領導小組成員單位"]["kind"] == "group"
    assert sum(row["overdue_lead"] for row in rows.values()) == 12


def test_units_sorted_by_overdue(cli: Cli) -> None:
    rows = _json(cli, "units", "--as-of", "2024-07-01", "--sort", "overdue")
    counts = [row["overdue"] for row in rows]
    assert counts == sorted(counts, reverse=True) and rows[0]["name"] == "云南武定產業園區管委會"


def test_units_table_shows_groups_apart(cli: Cli) -> None:
    out = cli("--lang", "en", "units", "--as-of", "2024-07-01").stdout
    assert out.index("Groups") > out.index("縣財政局")
    assert out.index("縣級有關部門") > out.index("Groups")


def test_one_unit_lists_what_it_leads_first(cli: Cli) -> None:
    rows = _json(cli, "units", "縣財政局", "--as-of", "2024-07-01")
    roles = [row["roles"] for row in rows]
    leading = [r for r in roles if "lead" in r]
    assert roles[: len(leading)] == leading and len(leading) == 4 and len(rows) == 17


def test_leaders_view(cli: Cli) -> None:
    rows = {row["leader"]: row for row in _json(cli, "leaders", "--as-of", "2024-07-01")}
    assert set(rows) == {t.leaders[0] for t in PLAN.key_tasks}
    assert rows["鄧開榮"]["items"] == sum(t.leaders == ["鄧開榮"] for t in PLAN.key_tasks)
    assert sum(row["overdue"] for row in rows.values()) == 12
    one = _json(cli, "leaders", "潘德志", "--as-of", "2024-07-01")
    assert [row["id"] for row in one] == [t.id for t in PLAN.key_tasks if t.leaders == ["潘德志"]]


def test_a_long_term_item_blocked_after_meeting_its_deadline_is_overdue_nowhere(cli: Cli, repo: Path) -> None:
    """T01 (2024年4月底以前,并長期堅持) done on time, then blocked in June: every view counted it overdue
    since 04-30, a deadline it had met (README: once met, a long-term item is never overdue again)."""
    for status, day in (("done", "2024-04-20"), ("blocked", "2024-06-01")):
        assert cli("update", "T01", "--status", status, "--date", day, "--lang", "en", cwd=repo).exit_code == 0
    overdue = json.loads(cli("overdue", "--as-of", "2024-07-01", "-f", "json", cwd=repo).stdout)
    assert "T01" not in [row["id"] for row in overdue]
    shown = json.loads(cli("show", "T01", "--as-of", "2024-07-01", "-f", "json", cwd=repo).stdout)
    assert (shown["status"], shown["light"], shown["completed"], shown["days_overdue"]) == (
        "blocked",
        "green",
        "2024-04-20",
        None,
    )
    lead = shown["lead_units"][0]
    units = json.loads(cli("units", "--as-of", "2024-07-01", "-f", "json", cwd=repo).stdout)
    from_units = next(row["overdue_lead"] for row in units if row["name"] == lead)
    assert from_units == len([row for row in overdue if lead in row["lead_units"]])
