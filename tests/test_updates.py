"""`update`, `note` and `history` in real git repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import Cli, git


def _tasks(root: Path) -> Path:
    return root / "data" / "tasks.yaml"


def _changed_lines(root: Path, rev: str = "HEAD") -> list[str]:
    diff = git(root, "show", "--format=", "--unified=0", rev)
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_update_makes_one_commit_touching_only_that_item(cli: Cli, repo: Path) -> None:
    before = git(repo, "rev-list", "--count", "HEAD")
    result = cli(
        "--lang",
        "en",
        "update",
        "T01",
        "--status",
        "done",
        "--date",
        "2024-04-20",
        "--note",
        "已制定三張清單",
        cwd=repo,
    )
    assert result.exit_code == 0, result.stderr
    assert int(git(repo, "rev-list", "--count", "HEAD")) == int(before) + 1
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["data/tasks.yaml"]
    assert _changed_lines(repo) == [
        "-    status: not_started",
        "-    history: []",
        "+    status: done",
        "+    history:",
        '+    - {date: 2024-04-20, status: done, note: "已制定三張清單"}',
    ]
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("T01: 未啟動 → 已完成\n")
    assert "Parktrack-Task: T01\nParktrack-Status: done" in message
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == "Liaison Zhang <zhang@example.org>"


def test_as_of_questions_use_the_dated_history(cli: Cli, repo: Path) -> None:
    cli("--lang", "en", "update", "T01", "--status", "done", "--date", "2024-04-20", cwd=repo)

    def overdue_ids(day: str) -> list[str]:
        out = cli("--lang", "en", "overdue", "--as-of", day, "--format", "json", cwd=repo).stdout
        return [row["id"] for row in json.loads(out)]

    assert "T01" not in overdue_ids("2024-06-30")
    early = json.loads(cli("--lang", "en", "show", "T01", "--as-of", "2024-04-15", "--format", "json", cwd=repo).stdout)
    assert early["status"] == "not_started" and early["completed"] is None
    late = cli("--lang", "en", "update", "T03", "--status", "done", "--date", "2024-07-10", cwd=repo)
    assert late.exit_code == 0
    assert "T03" in overdue_ids("2024-07-05")
    shown = json.loads(cli("--lang", "en", "show", "T03", "--as-of", "2024-07-20", "--format", "json", cwd=repo).stdout)
    assert shown["light"] == "late"


def test_history_shows_who_changed_what_and_when(cli: Cli, repo: Path) -> None:
    cli("--lang", "en", "update", "T01", "--status", "in_progress", "--date", "2024-04-01", cwd=repo)
    cli("--lang", "en", "update", "T01", "--status", "done", "--date", "2024-04-20", "--note", "報告已報送", cwd=repo)
    rows = json.loads(cli("--lang", "en", "history", "T01", "--format", "json", cwd=repo).stdout)
    assert [(r["from"], r["to"], r["date"]) for r in rows] == [
        ("not_started", "in_progress", "2024-04-01"),
        ("in_progress", "done", "2024-04-20"),
    ]
    assert {r["author"] for r in rows} == {"Liaison Zhang"}
    assert rows[1]["note"] == "報告已報送"
    table = cli("--lang", "zh-Hant", "history", "T01", cwd=repo).stdout
    assert "Liaison Zhang" in table and "推進中 → 已完成" in table


def test_history_finds_hand_edits(cli: Cli, repo: Path) -> None:
    tasks = _tasks(repo)
    text = tasks.read_text(encoding="utf-8")
    start = text.index("  - id: T05")
    edited = text[:start] + text[start:].replace("status: not_started", "status: blocked", 1)
    edited = edited.replace(
        "history: []\n  - id: T06", "history:\n    - {date: 2024-05-02, status: blocked}\n  - id: T06"
    )
    edited = edited.replace("縣委編辦, 云南武定產業園區管委會]", "縣委編辦, 云南武定產業園區管委會, 縣財政局]", 1)
    tasks.write_text(edited, encoding="utf-8")
    git(repo, "commit", "-qam", "hand edit in an editor")
    rows = json.loads(cli("--lang", "en", "history", "--format", "json", cwd=repo).stdout)
    assert [(r["id"], r["change"], r["to"]) for r in rows] == [
        ("T05", "status", "blocked"),
        ("T05", "edit", "support_units"),
    ]
    assert (
        json.loads(cli("--lang", "en", "history", "--unit", "縣財政局", "--format", "json", cwd=repo).stdout)[0]["id"]
        == "T05"
    )


def test_note_keeps_odd_text_exactly(cli: Cli, repo: Path) -> None:
    note = '第一行: "quoted" #not-a-comment\n第二行,mixed、標點; it\'s {ok} [x] & *y* 100%'
    result = cli("--lang", "en", "note", "T07", note, "--date", "2024-05-01", cwd=repo)
    assert result.exit_code == 0, result.stderr
    shown = json.loads(cli("--lang", "en", "show", "T07", "--format", "json", cwd=repo).stdout)
    assert shown["history"] == [{"date": "2024-05-01", "note": note}]
    assert shown["status"] == "not_started"
    assert git(repo, "log", "-1", "--format=%s").strip() == "T07: 進展情況"


def test_several_ids_make_one_change(cli: Cli, repo: Path) -> None:
    result = cli(
        "--lang", "en", "update", "T07", "T08", "M03.1", "--status", "推进中", "--date", "2024-05-01", cwd=repo
    )
    assert result.exit_code == 0, result.stderr
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "2"
    trailers = git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-Task,valueonly)").split()
    assert trailers == ["T07", "T08", "M03.1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["update", "T99", "--status", "done"], "error: unknown task 'T99' (did you mean "),
        (["update", "T01", "--status", "finished"], "error: unknown status 'finished'"),
        (
            ["update", "T01", "--status", "done", "--date", "2024-02-30"],
            "error: there is no day 2024-02-30 in the calendar",
        ),
        (["note", "T01", "   "], "error: the note is empty"),
        (["update", "T07", "--status", "ongoing"], "error: T07: 'ongoing' is only for long-term items"),
    ],
)
def test_bad_input_writes_nothing(cli: Cli, repo: Path, args: list[str], message: str) -> None:
    before = _tasks(repo).read_bytes()
    result = cli("--lang", "en", *args, cwd=repo)
    assert result.exit_code == 2 and result.stderr.startswith(message), result.stderr
    assert _tasks(repo).read_bytes() == before
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


def test_a_late_entry_goes_in_date_order(cli: Cli, repo: Path) -> None:
    """補記: an entry dated before the item's last change is placed where its date puts it."""
    assert cli("--lang", "en", "update", "T01", "--status", "done", "--date", "2024-05-10", cwd=repo).exit_code == 0
    late = cli(
        "--lang", "en", "update", "T01", "--status", "in_progress", "--date", "2024-04-15", "--note", "補記", cwd=repo
    )
    assert late.exit_code == 0, late.stderr
    shown = json.loads(cli("--lang", "en", "show", "T01", "--as-of", "2024-06-30", "--format", "json", cwd=repo).stdout)
    assert shown["history"] == [
        {"date": "2024-04-15", "status": "in_progress", "note": "補記"},
        {"date": "2024-05-10", "status": "done"},
    ]
    assert shown["status"] == "done"
    early = json.loads(cli("--lang", "en", "show", "T01", "--as-of", "2024-04-20", "--format", "json", cwd=repo).stdout)
    assert early["status"] == "in_progress"
    assert git(repo, "log", "-1", "--format=%s").strip() == "T01: 未啟動 → 推進中"
    assert cli("--lang", "en", "validate", cwd=repo).exit_code == 0
    rows = json.loads(cli("--lang", "en", "history", "T01", "--format", "json", cwd=repo).stdout)
    assert [(r["change"], r["from"], r["to"], r["date"]) for r in rows] == [
        ("status", "not_started", "done", "2024-05-10"),
        ("status", "not_started", "in_progress", "2024-04-15"),
    ]


def test_a_contradictory_late_entry_is_refused(cli: Cli, repo: Path) -> None:
    assert (
        cli("--lang", "en", "update", "T01", "--status", "in_progress", "--date", "2024-04-01", cwd=repo).exit_code == 0
    )
    assert cli("--lang", "en", "update", "T01", "--status", "done", "--date", "2024-05-10", cwd=repo).exit_code == 0
    before = _tasks(repo).read_bytes()
    result = cli("--lang", "en", "update", "T01", "--status", "in_progress", "--date", "2024-04-20", cwd=repo)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: T01 is already in progress on 2024-04-20; add --note to record progress without a change\n"
    )
    assert _tasks(repo).read_bytes() == before


def test_a_future_status_change_needs_allow_future(cli: Cli, repo: Path) -> None:
    before = _tasks(repo).read_bytes()
    result = cli("--lang", "en", "update", "T01", "--status", "done", "--date", "2099-01-01", cwd=repo)
    assert result.exit_code == 2 and "is in the future; pass --allow-future" in result.stderr
    assert _tasks(repo).read_bytes() == before
    allowed = cli(
        "--lang", "en", "update", "T01", "--status", "done", "--date", "2099-01-01", "--allow-future", cwd=repo
    )
    assert allowed.exit_code == 0, allowed.stderr
    assert "{date: 2099-01-01, status: done}" in _tasks(repo).read_text(encoding="utf-8")


def test_commit_leaves_other_work_alone(cli: Cli, repo: Path) -> None:
    (repo / "minutes.md").write_text("調度會議紀要\n", encoding="utf-8")
    git(repo, "add", "minutes.md")
    units = repo / "data" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "# unstaged note\n", encoding="utf-8")
    assert (
        cli("--lang", "en", "update", "T02", "--status", "in_progress", "--date", "2024-05-01", cwd=repo).exit_code == 0
    )
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["data/tasks.yaml"]
    status = git(repo, "status", "--porcelain").splitlines()
    assert sorted(status) == [" M data/units.yaml", "A  minutes.md"]


def test_no_commit_writes_only(cli: Cli, repo: Path) -> None:
    assert cli("--lang", "en", "update", "T02", "--status", "blocked", "--no-commit", cwd=repo).exit_code == 0
    assert git(repo, "status", "--porcelain").strip() == "M data/tasks.yaml"


def test_without_git_identity_nothing_is_recorded_until_there_is_one(cli: Cli, repo: Path, tmp_path: Path) -> None:
    git(repo, "config", "--unset", "user.name")
    git(repo, "config", "--unset", "user.email")
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "XDG_CONFIG_HOME": str(home), "EMAIL": None}
    before = _tasks(repo).read_bytes()
    asked = ("--lang", "en", "update", "T02", "--status", "in_progress", "--date", "2024-05-01")
    result = cli(*asked, cwd=repo, env=env)
    assert result.exit_code == 4, result.stderr
    assert "git has no identity" in result.stderr and "git config --global user.name" in result.stderr
    assert "nothing was recorded" in result.stderr and _tasks(repo).read_bytes() == before
    git(repo, "config", "user.name", "Liaison Zhang")
    git(repo, "config", "user.email", "zhang@example.org")
    assert cli(*asked, cwd=repo, env=env).exit_code == 0
    assert "status: in_progress" in _tasks(repo).read_text(encoding="utf-8")
    assert git(repo, "status", "--porcelain") == ""


def test_bundled_plan_is_read_only(cli: Cli, tmp_path: Path) -> None:
    result = cli("--lang", "en", "update", "T01", "--status", "done", cwd=tmp_path)
    assert result.exit_code == 5
    assert "bundled plan and is read-only" in result.stderr and "--data" in result.stderr


def test_outside_git_the_data_is_written_uncommitted(cli: Cli, data_copy: Path) -> None:
    result = cli("--lang", "en", "update", "T01", "--status", "done", "--date", "2024-04-20", "--data", str(data_copy))
    assert result.exit_code == 0
    assert "not in a git repository" in result.stdout
    assert cli("--lang", "en", "validate", "--data", str(data_copy)).exit_code == 0


def test_branches_updating_different_items_merge_cleanly(cli: Cli, repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "finance")
    assert cli("--lang", "en", "update", "T49", "--status", "done", "--date", "2024-09-01", cwd=repo).exit_code == 0
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", "organisation")
    assert (
        cli("--lang", "en", "update", "T48", "--status", "in_progress", "--date", "2024-09-02", cwd=repo).exit_code == 0
    )
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "finance")
    merge = subprocess.run(["git", "merge", "--no-edit", "organisation"], cwd=repo, capture_output=True, text=True)
    assert merge.returncode == 0, merge.stdout + merge.stderr
    rows = json.loads(cli("--lang", "en", "list", "--status", "done", "--format", "json", cwd=repo).stdout)
    assert [row["id"] for row in rows] == ["T49"]
    assert cli("--lang", "en", "validate", cwd=repo).exit_code == 0


def test_validate_guards_the_life_cycle_in_ci(cli: Cli, repo: Path) -> None:
    cli("--lang", "en", "update", "T01", "--status", "done", "--date", "2024-04-20", cwd=repo)
    tasks = _tasks(repo)
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("status: done}", "status: finished}"), encoding="utf-8")
    result = cli("--lang", "en", "validate", cwd=repo)
    assert result.exit_code == 1 and "T01.history[0].status: unknown status 'finished'" in result.stderr


def test_env_var_names_the_data(cli: Cli, repo: Path, tmp_path: Path) -> None:
    env = {"PARKTRACK_DATA": str(repo / "data")}
    assert (
        cli("--lang", "en", "note", "T01", "from elsewhere", "--date", "2024-05-01", cwd=tmp_path, env=env).exit_code
        == 0
    )
    assert git(repo, "log", "-1", "--format=%s").strip() == "T01: 進展情況"
    assert Path(git(repo, "rev-parse", "--show-toplevel").strip()).samefile(repo)


def test_history_since_and_csv(cli: Cli, repo: Path) -> None:
    for task_id, when in (("T01", "2024-04-20"), ("T03", "2024-08-01")):
        stamp = f"{when}T10:00:00+08:00"
        env = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        assert (
            cli("--lang", "en", "update", task_id, "--status", "done", "--date", when, cwd=repo, env=env).exit_code == 0
        )
    rows = json.loads(cli("--lang", "en", "history", "--since", "2024-07-01", "--format", "json", cwd=repo).stdout)
    assert [(r["id"], r["committed"][:10]) for r in rows] == [("T03", "2024-08-01")]
    out = cli("--lang", "en", "history", "--format", "csv", cwd=repo).stdout.splitlines()
    assert out[0].startswith("commit,author,email,committed,id,change,from,to,date,note")
    assert [line.split(",")[4] for line in out[1:]] == ["T01", "T03"]


def test_history_reports_rewritten_entries(cli: Cli, repo: Path) -> None:
    cli("--lang", "en", "update", "T01", "--status", "done", "--date", "2024-04-20", cwd=repo)
    tasks = _tasks(repo)
    tasks.write_text(
        tasks.read_text(encoding="utf-8").replace("date: 2024-04-20", "date: 2024-04-21"), encoding="utf-8"
    )
    git(repo, "commit", "-qam", "fix the date by hand")
    rows = json.loads(cli("--lang", "en", "history", "T01", "--format", "json", cwd=repo).stdout)
    assert [(r["change"], r["to"]) for r in rows] == [("status", "done"), ("edit", "history")]
