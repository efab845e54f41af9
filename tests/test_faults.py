"""Faults only a real process shows: kills mid-write, writers with different temp folders, full and
read-only file systems (in a user and mount namespace: `unshare`, from util-linux)."""

from __future__ import annotations

import random
import subprocess
import time
from pathlib import Path

from conftest import Run, cli_env, git, kill, parktrack_executable, remove_stale_git_locks, start
from parktrack.ledger import load
from parktrack.store import DataDir


def _recover(repo: Path) -> None:
    """What a user does after a killed write, as parktrack's refusal tells them."""
    remove_stale_git_locks(repo)
    if git(repo, "status", "--porcelain", "--", "data/tasks.yaml").strip():
        git(repo, "add", "--", "data/tasks.yaml")
        # nothing staged when git was killed inside its commit after moving the branch: the file is as
        # committed, only the index was left behind (parktrack brings it up to date itself), and git
        # commit would say "nothing to commit" (exit 1)
        staged = subprocess.run(["git", "diff", "--cached", "--quiet", "--", "data/tasks.yaml"], cwd=repo, check=False)
        if staged.returncode:
            git(repo, "commit", "-q", "-m", "hand edit", "--", "data/tasks.yaml")


def test_writers_with_different_temp_folders_exclude_each_other(repo: Path, tmp_path: Path) -> None:
    procs = []
    for number, task_id in enumerate(("T10", "T20", "T30", "T40", "T50", "M01")):
        temp = tmp_path / f"tmp{number}"
        temp.mkdir()
        env = cli_env(TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp))
        procs.append(start(repo, "update", task_id, "--status", "in_progress", "--date", "2024-05-01", env=env))
    outcomes = [(proc.wait(timeout=120), proc.stderr.read() if proc.stderr else "") for proc in procs]
    assert [code for code, _ in outcomes] == [0] * 6, outcomes
    text = (repo / "data" / "tasks.yaml").read_text(encoding="utf-8")
    assert text.count("{date: 2024-05-01, status: in_progress}") == 6
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "7"
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_kill_between_rename_and_commit_is_caught_by_the_next_write(repo: Path, tmp_path: Path, run: Run) -> None:
    marker = tmp_path / "in-commit"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f'#!/bin/sh\ntouch "{marker}"\nsleep 60\n', encoding="utf-8")
    hook.chmod(0o755)
    proc = start(repo, "update", "T10", "--status", "in_progress", "--date", "2024-05-01", "--note", "被打斷")
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the write never reached its commit"
    kill(proc)  # the file is renamed into place; the commit never happens
    hook.unlink()
    remove_stale_git_locks(repo)
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"
    assert load(DataDir(repo / "data")).task("T10").status == "in_progress"  # whole and valid
    refused = run("--lang", "en", "note", "T20", "調度", "--date", "2024-05-02", cwd=repo)
    assert refused.returncode == 5 and "has changes that are not committed" in refused.stderr
    assert "T20" not in git(repo, "diff")
    _recover(repo)
    later = run("--lang", "en", "note", "T20", "調度", "--date", "2024-05-02", cwd=repo)
    assert later.returncode == 0, later.stderr
    changed = [
        line
        for line in git(repo, "show", "--format=", "--unified=0", "HEAD").splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ["-    history: []", "+    history:", '+    - {date: 2024-05-02, note: "調度"}']


def test_kills_at_random_moments_never_leave_a_broken_or_misattributed_ledger(repo: Path) -> None:
    started = time.monotonic()
    first = start(repo, "update", "T09", "--status", "in_progress", "--date", "2024-05-01")
    assert first.wait(timeout=120) == 0
    whole = time.monotonic() - started  # one write, start to end, on this machine now
    chance = random.Random(8)
    outcomes = []
    aim = 1.0  # how late to kill, in writes' lengths: moved towards the write itself, whatever the machine's load
    for number in range(10, 16):
        task_id = f"T{number:02d}"
        proc = start(repo, "update", task_id, "--status", "in_progress", "--date", "2024-05-01")
        time.sleep(whole * aim * chance.uniform(0.6, 1.05))  # most kills land in the write itself, after start-up
        kill(proc)
        ledger = load(DataDir(repo / "data"))  # raises if the file were torn or invalid
        outcome = (ledger.task(task_id).status, bool(git(repo, "status", "--porcelain").strip()))
        outcomes.append(outcome)
        aim *= 1.3 if outcome[0] != "in_progress" else 0.85 if not outcome[1] else 1.0  # too early, too late
        _recover(repo)
    assert ("in_progress", True) in outcomes or ("in_progress", False) in outcomes, outcomes
    for sha in git(repo, "rev-list", "HEAD").split():
        trailer = git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-Task,valueonly)", sha).split()
        if not trailer:
            continue
        added = [
            line
            for line in git(repo, "show", "--format=", "--unified=0", sha).splitlines()
            if line.startswith("+") and not line.startswith("+++")
        ]
        # a parktrack commit holds its own item's entry and nothing else
        assert [line for line in added if "{date:" in line] == ["+    - {date: 2024-05-01, status: in_progress}"]
        assert len(added) == 3, (sha, added)
    assert git(repo, "status", "--porcelain") == ""


def _in_namespace(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["unshare", "--map-root-user", "--mount", "sh", "-euc", script],
        env=cli_env(PARKTRACK=parktrack_executable(), **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_read_only_data_folder_is_exit_5(data_copy: Path) -> None:
    before = (data_copy / "tasks.yaml").read_bytes()
    result = _in_namespace(
        'mount --bind "$DATA" "$DATA" && mount -o remount,bind,ro "$DATA" && '
        '"$PARKTRACK" --lang en update T10 --status in_progress --date 2024-05-01 --data "$DATA"',
        DATA=str(data_copy),
    )
    assert result.returncode == 5, (result.stdout, result.stderr)
    assert "the disk or folder is read-only" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert (data_copy / "tasks.yaml").read_bytes() == before


def test_a_full_disk_is_exit_5_and_the_file_stays_whole(data_copy: Path, tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    result = _in_namespace(
        'mount -t tmpfs -o size=160k tmpfs "$SMALL" && cp -r "$DATA" "$SMALL/data" && '
        '(dd if=/dev/zero of="$SMALL/filler" bs=1k 2>/dev/null || true) && '
        '"$PARKTRACK" --lang en update T10 --status in_progress --date 2024-05-01 --note "$(seq 1 200)" '
        '--data "$SMALL/data"; code=$?; cmp "$DATA/tasks.yaml" "$SMALL/data/tasks.yaml" && exit $code',
        DATA=str(data_copy),
        SMALL=str(small),
    )
    assert result.returncode == 5, (result.stdout, result.stderr)
    assert "the disk is full" in result.stderr and "the file is unchanged" in result.stderr
    assert "Traceback" not in result.stderr
