"""Days, time zones and the clock: the county is in Yunnan (UTC+8), its CI and git servers run in UTC,
and a liaison's laptop may be set to any zone. The same question asked at the same instant gets the same
answer in every zone; a commit is dated by the day its own date shows."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from conftest import Cli, Run, cli_env, git
from parktrack import cache_upkeep
from test_cache import answer, entries
from test_exchange import EN, FINANCE, cut, fill, show

BEIJING = timezone(timedelta(hours=8))
# Between them, at any instant one of these is on another calendar day than Beijing: UTC-12 until 20:00
# Beijing time, Kiritimati (UTC+14) from 18:00.
ZONES = ["Asia/Shanghai", "UTC", "America/Los_Angeles", "Etc/GMT+12", "Pacific/Kiritimati"]


@pytest.fixture
def zone() -> Iterator[Callable[[str], None]]:
    """Set this process's time zone (TZ, re-read by the C library: date.today() follows it; git's
    processes inherit it); the zone it had is put back afterwards."""
    before = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def _beijing_today() -> date:
    return datetime.now(BEIJING).date()


def test_the_zones_are_real_and_one_is_on_another_day(zone: Callable[[str], None]) -> None:
    """The zones the tests below use exist on this machine (a missing one would read as UTC and prove
    nothing), and at this instant one of them is not on Beijing's day."""
    offsets = {}
    for name in ZONES:
        zone(name)
        offsets[name] = time.localtime().tm_gmtoff
    assert offsets["Asia/Shanghai"] == 8 * 3600
    assert offsets["Etc/GMT+12"] == -12 * 3600
    assert offsets["Pacific/Kiritimati"] == 14 * 3600
    days = set()
    for name in ZONES:
        zone(name)
        days.add(date.today())
    assert len(days) > 1


# --- "today" is the county's day ---------------------------------------------------------------------


def test_today_is_the_county_day_in_every_zone(cli: Cli, data_copy: Path, zone: Callable[[str], None]) -> None:
    """An update without --date is dated the county's day, whatever the laptop's zone; a change dated
    the county's today is accepted and one dated its tomorrow refused, in every zone (on a UTC laptop
    the county's morning was refused as the future, and its evening's entries written a day early)."""
    for name in ZONES:
        zone(name)
        data = data_copy.parent.parent / name.replace("/", "-") / "data"
        shutil.copytree(data_copy, data)
        today = _beijing_today()
        recorded = cli(*EN, "update", "T01", "--status", "in_progress", "--data", str(data))
        assert recorded.exit_code == 0, (name, recorded.stderr)
        same_day = cli(*EN, "update", "T02", "--status", "done", "--date", today.isoformat(), "--data", str(data))
        assert same_day.exit_code == 0, (name, same_day.stderr)
        tomorrow = (today + timedelta(days=1)).isoformat()
        ahead = cli(*EN, "update", "T03", "--status", "done", "--date", tomorrow, "--data", str(data))
        assert ahead.exit_code == 2, (name, ahead.stdout, ahead.stderr)
        written = yaml.safe_load((data / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]
        tasks = {task["id"]: task for task in written}
        assert [entry["date"] for entry in tasks["T01"]["history"]] == [today], name
        assert [entry["date"] for entry in tasks["T02"]["history"]] == [today], name
        assert tasks["T03"].get("history", []) == [], name


def test_the_installed_command_takes_the_county_day_whatever_its_tz(run: Run, data_copy: Path) -> None:
    """The console script, started with TZ set (as a shell or a CI runner starts it), at the two ends of
    the clock: an entry without --date is dated the county's day in both."""
    for name in ("Etc/GMT+12", "Pacific/Kiritimati"):
        data = data_copy.parent.parent / name.replace("/", "-") / "data"
        shutil.copytree(data_copy, data)
        today = _beijing_today()
        result = run("--lang", "en", "note", "T01", "已對接", "--data", str(data), env=cli_env(TZ=name))
        assert result.returncode == 0, (name, result.stderr)
        assert result.stdout.startswith(f"T01: note added ({today.isoformat()})"), (name, result.stdout)


def test_the_default_as_of_is_the_county_day(cli: Cli, data_copy: Path, zone: Callable[[str], None]) -> None:
    """`--as-of today` (the default) judges on the county's day in every zone."""
    for name in ZONES:
        zone(name)
        today = _beijing_today()
        result = cli(*EN, "overdue", "--data", str(data_copy), "-f", "table")
        assert result.exit_code == 0, (name, result.stderr)
        assert f"as of {today.isoformat()}" in result.stdout, (name, result.stdout[:200])


def test_import_takes_a_sheet_dated_the_county_day_in_every_zone(
    cli: Cli, repo: Path, tmp_path: Path, zone: Callable[[str], None]
) -> None:
    """A sheet filled this morning in Wuding, dated today, imports on a laptop or server in any zone
    (in UTC it was refused as `in the future` until 08:00 Beijing time); one dated the county's
    tomorrow is refused in every zone."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    for name in ZONES:
        zone(name)
        today = _beijing_today()
        rows = fill(finance, {"T45": {"新状态": "推进中", "变更日期": (today + timedelta(days=1)).isoformat()}})
        ahead = cli("import", str(finance), *EN, cwd=repo)
        assert ahead.exit_code == 1, (name, ahead.stderr)
        assert f"{FINANCE}.xlsx!H{rows['T45']}: the date" in ahead.stderr, name
        fill(finance, {"T45": {"变更日期": today.isoformat()}})
        preview = cli("import", str(finance), "--dry-run", *EN, cwd=repo)
        assert preview.exit_code == 0, (name, preview.stderr)
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": _beijing_today().isoformat(), "status": "in_progress"}]


# --- history: commit days and order ------------------------------------------------------------------


def _ledger_repo(data_copy: Path) -> Path:
    root = data_copy.parent
    when = "2024-06-01T10:00:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Liaison Zhang")
    git(root, "config", "user.email", "zhang@example.org")
    git(root, "add", "data")
    git(root, "commit", "-q", "-m", "import the 2024 ledger", env=env)
    return root


def _update_at(cli: Cli, repo: Path, task_id: str, day: str, author: str, committer: str | None = None) -> None:
    env: dict[str, str | None] = {"GIT_AUTHOR_DATE": author, "GIT_COMMITTER_DATE": committer or author}
    result = cli(*EN, "update", task_id, "--status", "in_progress", "--date", day, cwd=repo, env=env)
    assert result.exit_code == 0, result.stderr


def _history(cli: Cli, repo: Path, *args: str) -> list[dict[str, str]]:
    result = cli(*EN, "history", *args, "--format", "json", cwd=repo)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_committed_since_is_the_day_each_commit_shows_in_every_zone(
    cli: Cli, data_copy: Path, zone: Callable[[str], None]
) -> None:
    """Commits made in Wuding at 23:30 on June 30 and at 00:30 on July 1 (different UTC days), one from
    a UTC machine, and one from a laptop whose clock ran behind (its date before its parent's):
    `--committed-since 2024-07-01` gives the rows whose `committed` shows July 1, the same in every zone.
    (git's own --since read the day in the local zone, so UTC dropped the 00:30 commit, and it stopped
    at the commit dated before its parent: in UTC the answer was empty.)"""
    repo = _ledger_repo(data_copy)
    _update_at(cli, repo, "T01", "2024-06-30", "2024-06-30T23:30:00+08:00")
    _update_at(cli, repo, "T02", "2024-07-01", "2024-07-01T00:30:00+08:00")
    _update_at(cli, repo, "T03", "2024-07-01", "2024-07-01T01:00:00+00:00")  # 09:00 in Wuding
    _update_at(cli, repo, "T04", "2024-07-01", "2024-07-01T07:00:00+08:00")  # a clock two hours behind
    answers = {}
    for name in ZONES:
        zone(name)
        rows = _history(cli, repo, "--committed-since", "2024-07-01")
        assert all(row["committed"][:10] >= "2024-07-01" for row in rows), (name, rows)
        answers[name] = sorted(row["id"] for row in rows)
    assert answers == {name: ["T02", "T03", "T04"] for name in ZONES}
    zone("UTC")
    everything = _history(cli, repo)
    assert sorted(row["id"] for row in everything) == ["T01", "T02", "T03", "T04"]
    assert [r["id"] for r in _history(cli, repo, "--committed-since", "2024-06-30")] == [r["id"] for r in everything]


def test_a_commit_whose_committer_date_is_before_its_author_date_is_kept(
    cli: Cli, data_copy: Path, zone: Callable[[str], None]
) -> None:
    """A change authored on July 2 and committed (the committer's clock wrong) with a June date: the row
    shows July 2, so `--committed-since 2024-07-01` keeps it and the commits before it."""
    zone("UTC")
    repo = _ledger_repo(data_copy)
    _update_at(cli, repo, "T01", "2024-07-01", "2024-07-01T10:00:00+08:00")
    _update_at(cli, repo, "T02", "2024-07-02", "2024-07-02T10:00:00+08:00", committer="2024-06-15T10:00:00+08:00")
    rows = _history(cli, repo, "--committed-since", "2024-07-01")
    assert [(row["id"], row["committed"]) for row in rows] == [
        ("T01", "2024-07-01T10:00:00+08:00"),
        ("T02", "2024-07-02T10:00:00+08:00"),
    ]


def test_history_lists_changes_in_the_order_they_were_made_across_offsets(
    cli: Cli, data_copy: Path, zone: Callable[[str], None]
) -> None:
    """A liaison in Wuding commits at 08:30 (+08:00), then CI commits at 01:00 UTC (09:00 in Wuding):
    the trail, oldest first, lists the liaison's change first (the dates' text sorted the other way)."""
    zone("Asia/Shanghai")
    repo = _ledger_repo(data_copy)
    _update_at(cli, repo, "T01", "2024-07-01", "2024-07-01T08:30:00+08:00")
    _update_at(cli, repo, "T02", "2024-07-01", "2024-07-01T01:00:00+00:00")
    assert [row["id"] for row in _history(cli, repo)] == ["T01", "T02"]


def test_a_commit_dated_by_a_broken_clock_is_listed_not_a_traceback(
    cli: Cli, data_copy: Path, zone: Callable[[str], None]
) -> None:
    """A tool that wrote milliseconds where git wants seconds dates its commit in the year 56468 (git
    writes it `56468-04-16T…`), one of 1970 before it: `history`, filtered or not, lists both in the
    order they were made; a date past 9999 was a ValueError traceback."""
    zone("UTC")
    repo = _ledger_repo(data_copy)
    _update_at(cli, repo, "T01", "2024-07-01", "@0 +0000")
    _update_at(cli, repo, "T02", "2024-07-02", "@1719800000000 +0800")
    whole = _history(cli, repo)
    assert [(row["id"], row["committed"]) for row in whole] == [
        ("T01", "1970-01-01T00:00:00+00:00"),
        ("T02", "56468-04-16T22:13:20+08:00"),
    ]
    assert [row["id"] for row in _history(cli, repo, "--committed-since", "2024-07-01")] == ["T02"]
    assert [row["id"] for row in _history(cli, repo, "--committed-since", "9999-12-31")] == ["T02"]
    assert [row["id"] for row in _history(cli, repo, "--until", "2024-07-31")] == ["T01", "T02"]
    table = cli(*EN, "history", "-f", "table", cwd=repo)
    assert table.exit_code == 0, table.stderr
    assert "56468-04-16" in table.stdout


def test_record_refuses_a_figure_dated_after_the_county_day(
    cli: Cli, data_copy: Path, zone: Callable[[str], None]
) -> None:
    """`record --date` the county's tomorrow is refused in every zone, as `import` refuses the same row
    (it was written, and the figure then missed from every view up to that day); its today is taken."""
    for name in ZONES:
        zone(name)
        data = data_copy.parent.parent / name.replace("/", "-") / "data"
        shutil.copytree(data_copy, data)
        today = _beijing_today()
        before = (data / "indicators.yaml").read_bytes()
        tomorrow = (today + timedelta(days=1)).isoformat()
        ahead = cli(
            *EN, "record", "gross-output", "19.9", "--period", "2024Q2", "--date", tomorrow, "--data", str(data)
        )
        assert ahead.exit_code == 2, (name, ahead.stdout, ahead.stderr)
        assert ahead.stderr.splitlines() == [
            f"error: a figure dated {tomorrow} is in the future; record it on the day it is known"
        ], name
        assert (data / "indicators.yaml").read_bytes() == before, name
        taken = cli(*EN, "record", "gross-output", "19.9", "--period", "2024Q2", "--data", str(data))
        assert taken.exit_code == 0, (name, taken.stderr)
        shown = cli(*EN, "indicators", "gross-output", "--as-of", today.isoformat(), "--data", str(data), "-f", "json")
        assert json.loads(shown.stdout)["latest"]["recorded"] == today.isoformat(), name


def test_the_daily_sweep_runs_again_after_a_clock_that_ran_ahead(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    """A machine whose clock once ran a year ahead (a flat CMOS battery, a wrong time server) left the
    sweep's mark dated then; with the clock right again, a run that writes an entry still sweeps the
    entries unused for a month (the mark dated ahead stopped every sweep for that year)."""
    cache_dir = tmp_path / "cache"
    answer(cli, cache_dir, data_copy, "list", "--as-of", "2024-07-01")
    [current] = entries(cache_dir)
    stale = cache_dir / "0123456789abcdef0123456789abcdef-full.cache"
    stale.write_bytes(current.read_bytes())
    month_ago = time.time() - 40 * cache_upkeep.DAY
    os.utime(stale, (month_ago, month_ago))
    ahead = time.time() + 365 * cache_upkeep.DAY
    os.utime(cache_dir / cache_upkeep.SWEPT_MARK, (ahead, ahead))
    other = tmp_path / "other" / "data"
    shutil.copytree(data_copy, other)
    answer(cli, cache_dir, other, "list", "--as-of", "2024-07-01")  # a miss: writes an entry, sweeps
    assert not stale.exists()
    assert current.exists() and len(entries(cache_dir)) == 2
    assert (cache_dir / cache_upkeep.SWEPT_MARK).stat().st_mtime < time.time() + 600  # back to now


def test_explicit_days_answer_alike_in_every_zone(cli: Cli, data_copy: Path, zone: Callable[[str], None]) -> None:
    """With --as-of given, the answers are pure calendar arithmetic: the same in a zone with daylight
    saving (New York, across its changes on 2024-03-10 and 2024-11-03) as in Beijing and UTC; days
    overdue count calendar days, and 序時進度 divides by the 366 days of 2024."""
    days = ["2024-02-29", "2024-03-11", "2024-11-04", "2024-12-31", "2025-01-01"]
    answers: dict[str, list[str]] = {}
    for name in ["Asia/Shanghai", "UTC", "America/New_York"]:
        zone(name)
        for day in days:
            for command in (["overdue"], ["due", "--within", "30"], ["indicators"]):
                result = cli(*EN, *command, "--as-of", day, "--data", str(data_copy), "-f", "json")
                assert result.exit_code == 0, (name, command, day, result.stderr)
                answers.setdefault(name, []).append(result.stdout)
    assert answers["UTC"] == answers["Asia/Shanghai"] == answers["America/New_York"]
    zone("America/New_York")
    late = json.loads(cli(*EN, "overdue", "--as-of", "2024-11-04", "--data", str(data_copy), "-f", "json").stdout)
    t09 = next(row for row in late if row["id"] == "T09")
    assert (t09["deadline"], t09["days_overdue"]) == ("2024-03-31", 218)
    paced = json.loads(cli(*EN, "indicators", "--as-of", "2024-02-29", "--data", str(data_copy), "-f", "json").stdout)
    assert {row["pace"] for row in paced if row["pace"] is not None} == {60 / 366}


def test_validate_in_any_zone_accepts_entries_dated_the_county_day_and_after(
    cli: Cli, data_copy: Path, zone: Callable[[str], None]
) -> None:
    """CI (UTC, or a runner 12 hours behind) validates a ledger whose newest entries are dated the county's
    today and, written with --allow-future, its tomorrow: `validate` checks no date against the clock."""
    zone("Asia/Shanghai")
    today = _beijing_today()
    for task_id, day in (("T01", today), ("T02", today + timedelta(days=1))):
        args = ("update", task_id, "--status", "done", "--date", day.isoformat(), "--allow-future")
        assert cli(*EN, *args, "--data", str(data_copy)).exit_code == 0
    for name in ZONES:
        zone(name)
        result = cli(*EN, "validate", "--data", str(data_copy))
        assert (result.exit_code, result.stderr) == (0, ""), name


def test_a_day_typed_as_a_bare_number_in_a_date_cell_is_refused(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A liaison types 30 (for June 30) into the date column: Excel stores day 30 of its calendar,
    1900-01-30, and the import recorded the item done in 1900 without a word. A date before the year
    ahead of the plan's is refused, naming the cell; December of the year before (a 補記 of preparatory
    work) is taken."""
    finance = cut(cli, repo, tmp_path / "round", FINANCE)
    rows = fill(finance, {"T45": {"新状态": "已完成", "变更日期": 30}})
    result = cli("import", str(finance), *EN, cwd=repo)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"{FINANCE}.xlsx!H{rows['T45']}: the date 1900-01-30 is years before the plan's year 2024; check the"
        " year (a bare number in a date cell is a day counted from 1900)",
        "error: 1 problem found",
    ]
    fill(finance, {"T45": {"变更日期": "2023-12-20"}})
    taken = cli("import", str(finance), *EN, cwd=repo)
    assert taken.exit_code == 0, taken.stderr
    assert show(cli, repo, "T45")["history"] == [{"date": "2023-12-20", "status": "done"}]


def test_update_refuses_a_day_years_before_the_plan(cli: Cli, data_copy: Path) -> None:
    """`update --date 2014-06-30` (2014 for 2024) is refused, as a figure dated before its period is;
    the year before the plan's is taken."""
    before = (data_copy / "tasks.yaml").read_bytes()
    for args in (("update", "T01", "--status", "done"), ("note", "T01", "已對接")):
        result = cli(*EN, *args, "--date", "2014-06-30", "--data", str(data_copy))
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert result.stderr.splitlines() == [
            "error: T01: the date 2014-06-30 is years before the plan's year 2024; check the year"
        ]
    assert (data_copy / "tasks.yaml").read_bytes() == before
    taken = cli(*EN, "update", "T01", "--status", "in_progress", "--date", "2023-12-20", "--data", str(data_copy))
    assert taken.exit_code == 0, taken.stderr


def test_a_deadline_on_the_last_day_a_date_can_be_reports(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    """9999-12-31, the placeholder many systems write for "no end date", as an item's deadline: the
    report is written, with the item open and never overdue (the day after it was an OverflowError
    traceback, for every report of the ledger)."""
    added = cli(
        *EN, "add", "--text", "長期跟蹤事項", "--lead", "縣財政局", "--deadline", "9999年12月31日",
        "--date", "2024-06-01", "--data", str(data_copy),
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    for day in ("2024-06-30", "9999-12-31"):
        out = tmp_path / f"report-{day}.md"
        result = cli(*EN, "report", "-o", str(out), "--as-of", day, "--data", str(data_copy))
        assert result.exit_code == 0, (day, result.stderr)
        assert "武定縣2024年園區經濟攻堅年行動方案" in out.read_text(encoding="utf-8"), day
    late = cli(*EN, "overdue", "--as-of", "9999-12-31", "--data", str(data_copy), "-f", "json")
    assert late.exit_code == 0 and "長期跟蹤事項" not in late.stdout
    [shown] = json.loads(cli(*EN, "list", "--as-of", "9999-12-31", "--data", str(data_copy), "-f", "json").stdout)[-1:]
    assert (shown["text"], shown["deadline"], shown["light"]) == ("長期跟蹤事項", "9999-12-31", "yellow")
