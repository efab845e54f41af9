"""The audit trail read back from git: merges, bad past versions, indicator figures, effective dates."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

from conftest import Cli, git


def _history(cli: Cli, repo: Path, *args: str) -> list[dict[str, str]]:
    result = cli("--lang", "en", "history", *args, "--format", "json", cwd=repo)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _as(name: str) -> dict[str, str | None]:
    return {"GIT_AUTHOR_NAME": name, "GIT_COMMITTER_NAME": name}


def test_a_merged_change_appears_once_under_the_commit_that_made_it(cli: Cli, repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "finance")
    assert (
        cli(
            "--lang", "en", "update", "T49", "--status", "done", "--date", "2024-09-01", cwd=repo, env=_as("財政 李")
        ).exit_code
        == 0
    )
    git(repo, "checkout", "-q", "main")
    assert (
        cli("--lang", "en", "update", "T48", "--status", "in_progress", "--date", "2024-09-02", cwd=repo).exit_code == 0
    )
    merged = subprocess.run(
        ["git", "merge", "--no-ff", "--no-edit", "finance"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "GIT_AUTHOR_NAME": "Merger Wang", "GIT_COMMITTER_NAME": "Merger Wang"},
    )
    assert merged.returncode == 0, merged.stderr
    assert len(git(repo, "log", "--merges", "--format=%H").split()) == 1
    rows = _history(cli, repo)
    assert [(r["id"], r["to"], r["author"]) for r in rows] == [
        ("T49", "done", "財政 李"),
        ("T48", "in_progress", "Liaison Zhang"),
    ] or [(r["id"], r["to"], r["author"]) for r in rows] == [
        ("T48", "in_progress", "Liaison Zhang"),
        ("T49", "done", "財政 李"),
    ]
    assert "Merger Wang" not in {r["author"] for r in rows}


def test_a_malformed_past_version_is_skipped_with_a_warning(cli: Cli, repo: Path) -> None:
    tasks = repo / "data" / "tasks.yaml"
    good = tasks.read_text(encoding="utf-8")
    assert (
        cli("--lang", "en", "update", "T01", "--status", "in_progress", "--date", "2024-04-01", cwd=repo).exit_code == 0
    )
    for bad in ("history: 5", "history: {a: b}", "history: &x [*x]"):
        start = tasks.read_text(encoding="utf-8")
        at = start.index("    history: []\n", start.index("  - id: T02\n"))
        tasks.write_text(start[:at] + "    " + bad + "\n" + start[at + len("    history: []\n") :], encoding="utf-8")
        git(repo, "commit", "-qam", f"a bad hand edit: {bad}")
        tasks.write_text(start, encoding="utf-8")
        git(repo, "commit", "-qam", "undo it")
    assert cli("--lang", "en", "update", "T01", "--status", "done", "--date", "2024-04-20", cwd=repo).exit_code == 0
    result = cli("--lang", "en", "history", "--format", "json", cwd=repo)
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    bad_commits = git(repo, "log", "--format=%h %s", "--grep", "a bad hand edit").splitlines()
    warnings = result.stderr.splitlines()
    assert len(warnings) == 3 and all(line.startswith("warning: skipping commit ") for line in warnings)
    for line in bad_commits:
        assert any(line.split()[0][:7] in warning for warning in warnings)
    rows = json.loads(result.stdout)
    assert [(r["id"], r["from"], r["to"]) for r in rows] == [
        ("T01", "not_started", "in_progress"),
        ("T01", "in_progress", "done"),
    ]
    assert good  # the file we started from was fine


def test_history_of_an_indicator_shows_figures_with_authors(cli: Cli, repo: Path) -> None:
    record = ("record", "gross-output")
    assert (
        cli(
            "--lang", "en", *record, "9.5", "--period", "2024Q1", "--date", "2024-04-10", cwd=repo, env=_as("統計 趙")
        ).exit_code
        == 0
    )
    assert (
        cli(
            "--lang", "en", *record, "19.9", "--period", "2024Q2", "--date", "2024-07-10", "--note", "季報", cwd=repo
        ).exit_code
        == 0
    )
    assert (
        cli(
            "--lang", "en", *record, "19.5", "--period", "2024Q2", "--date", "2024-07-11", "--correct", cwd=repo
        ).exit_code
        == 0
    )
    assert (
        cli("--lang", "en", *record, "--period", "2024Q1", "--withdraw", "--date", "2024-07-12", cwd=repo).exit_code
        == 0
    )
    rows = _history(cli, repo, "gross-output")
    assert [(r["period"], r["change"], r["from"], r["to"], r["date"], r["author"]) for r in rows] == [
        ("2024Q1", "figure", None, "9.5", "2024-04-10", "統計 趙"),
        ("2024Q2", "figure", None, "19.9", "2024-07-10", "Liaison Zhang"),
        ("2024Q2", "correction", "19.9", "19.5", "2024-07-11", "Liaison Zhang"),
        ("2024Q1", "withdrawal", "9.5", None, "2024-07-12", "Liaison Zhang"),
    ]
    assert rows[1]["note"] == "季報"
    table = cli("--lang", "en", "history", "gross-output", cwd=repo).stdout
    assert "統計 趙" in table and "2024Q2 correction: 19.9 → 19.5" in table


def test_since_and_until_go_by_the_day_a_change_took_effect(cli: Cli, repo: Path) -> None:
    stamp = {"GIT_AUTHOR_DATE": "2024-09-01T10:00:00+08:00", "GIT_COMMITTER_DATE": "2024-09-01T10:00:00+08:00"}
    for task_id, day in (("T01", "2024-04-20"), ("T03", "2024-08-01"), ("T05", "2024-06-15")):  # all entered on 9-1
        assert (
            cli("--lang", "en", "update", task_id, "--status", "done", "--date", day, cwd=repo, env=stamp).exit_code
            == 0
        )
    later = {"GIT_AUTHOR_DATE": "2024-10-01T10:00:00+08:00", "GIT_COMMITTER_DATE": "2024-10-01T10:00:00+08:00"}
    assert cli("--lang", "en", "note", "T07", "十月", "--date", "2024-09-30", cwd=repo, env=later).exit_code == 0
    ids = lambda *args: [r["id"] for r in _history(cli, repo, *args)]  # noqa: E731
    assert ids("--since", "2024-06-01") == ["T03", "T05", "T07"]
    assert ids("--until", "2024-06-30") == ["T01", "T05"]
    assert ids("--since", "2024-06-01", "--until", "2024-08-31") == ["T03", "T05"]
    assert ids("--committed-since", "2024-09-15") == ["T07"]
    assert ids("--committed-since", "2024-08-15") == ["T01", "T03", "T05", "T07"]


def test_csv_cells_are_readable_text_and_numbers_are_rounded(cli: Cli, repo: Path) -> None:
    assert (
        cli(
            "--lang", "en", "record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-10", cwd=repo
        ).exit_code
        == 0
    )
    out = cli("--lang", "en", "indicators", "--as-of", "2024-07-10", "--format", "csv", cwd=repo).stdout
    assert "{'" not in out and "[" not in out
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out))}
    gross = rows["gross-output"]
    assert gross["actuals"] == "period: 2024Q2, value: 19.9, recorded: 2024-07-10, correction: false, withdrawn: false"
    assert gross["latest"].startswith("period: 2024Q2, value: 19.9")
    for value in (gross["attainment"], gross["pace"], gross["expected"]):
        assert len(value.partition(".")[2]) <= 4, value
    assert float(gross["attainment"]) == round(19.9 / 41.9, 4)
    data = json.loads(cli("--lang", "en", "indicators", "--as-of", "2024-07-10", "--format", "json", cwd=repo).stdout)
    latest = next(row for row in data if row["id"] == "gross-output")["latest"]
    assert latest["period"] == "2024Q2" and latest["value"] == 19.9  # structure, in JSON


def test_overdue_by_unit_groups_json_and_csv(cli: Cli) -> None:
    grouped = json.loads(
        cli("--lang", "en", "overdue", "--as-of", "2024-07-01", "--by-unit", "--format", "json").stdout
    )
    flat = json.loads(cli("--lang", "en", "overdue", "--as-of", "2024-07-01", "--format", "json").stdout)
    assert grouped and all(set(group) == {"lead_unit", "count", "items"} for group in grouped)
    assert sum(group["count"] for group in grouped) >= len(flat)
    assert {item["id"] for group in grouped for item in group["items"]} == {row["id"] for row in flat}
    for group in grouped:
        assert all(group["lead_unit"] in item["lead_units"] for item in group["items"])
    rows = list(
        csv.DictReader(
            io.StringIO(cli("--lang", "en", "overdue", "--as-of", "2024-07-01", "--by-unit", "--format", "csv").stdout)
        )
    )
    assert [row["lead_unit"] for row in rows] == [group["lead_unit"] for group in grouped for _ in group["items"]]


def test_an_added_item_and_a_hand_added_indicator_appear_once_added(cli: Cli, repo: Path) -> None:
    """`history` said nothing of an item `add` brought (nor of an indicator added by hand): the audit
    trail of a 調度會議's decisions began with their first status. The commit that brought the ledger
    adds nothing: its items were there from the start."""
    added = ("add", "--text", "督查整改", "--lead", "縣財政局", "--leader", "鄧開榮", "--deadline", "2024年9月底以前")
    assert cli(*added, "--meeting", "調度會議", "--date", "2024-07-15", "--lang", "en", cwd=repo).exit_code == 0
    indicators = repo / "data" / "indicators.yaml"
    entry = "  - id: new-metric\n    name: 新指標\n    unit: 個\n    kind: count\n    comparison: at_least\n"
    entry += "    target: 3\n    period: year\n    units: [縣財政局]\n    items: []\n"
    entry += "    source: 調度會議\n    actuals: []\n"
    indicators.write_text(indicators.read_text(encoding="utf-8") + entry, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "a new indicator, by hand")
    rows = _history(cli, repo)
    assert [(r["id"], r["change"], r["to"], r["date"]) for r in rows] == [
        ("J01", "add", "督查整改", "2024-07-15"),
        ("new-metric", "add", "新指標", None),
    ]
    assert _history(cli, repo, "J01") == rows[:1]
    table = cli("history", "J01", "--lang", "zh-Hans", "--format", "table", cwd=repo)
    assert "J01    新增：督查整改" in table.stdout, table.stdout


def test_a_file_deleted_and_restored_shows_only_what_changed_while_it_was_away(cli: Cli, repo: Path) -> None:
    """indicators.yaml deleted by mistake, then restored from the commit before: every figure was listed
    again under the restoring commit, as if its author had recorded them. A restore brings no change; one
    that restores an older version shows what that version differs by."""
    asked = ("--lang", "en", "record", "gross-output", "20.1", "--period", "2024Q2", "--date", "2024-07-10")
    assert cli(*asked, cwd=repo).exit_code == 0
    git(repo, "rm", "-q", "data/indicators.yaml")
    git(repo, "commit", "-q", "-m", "oops")
    git(repo, "checkout", "-q", "HEAD~1", "--", "data/indicators.yaml")
    git(repo, "commit", "-q", "-m", "restore it")
    rows = _history(cli, repo, "gross-output")
    assert [(row["change"], row["to"]) for row in rows] == [("figure", "20.1")]
    assert rows[0]["commit"] == git(repo, "rev-parse", "--short=10", "HEAD~2").strip()
    git(repo, "rm", "-q", "data/indicators.yaml")
    git(repo, "commit", "-q", "-m", "oops again")
    git(repo, "checkout", "-q", "HEAD~4", "--", "data/indicators.yaml")  # the version before the figure
    git(repo, "commit", "-q", "-m", "restore the old one")
    rows = _history(cli, repo, "gross-output")
    assert len(rows) == 2 and rows[1]["commit"] == git(repo, "rev-parse", "--short=10", "HEAD").strip()
    assert (rows[1]["change"], rows[1]["to"]) == ("edit", "actuals")  # the figure taken out, as a hand edit
