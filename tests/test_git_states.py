"""Writes and `history` in the git states a county office's repository really gets into: a merge, rebase or
cherry-pick in progress, other people's work staged beside the ledger, shallow clones, hooks and so on.

Each write must either be recorded and committed alone, or write nothing and say why (in the
interface's language); `history` must not credit a change to a commit that did not make it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import Cli, Outcome, git


def _tasks(root: Path) -> Path:
    return root / "data" / "tasks.yaml"


def _head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def _git_may_fail(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def _update(cli: Cli, root: Path, task: str = "T07", lang: str = "en") -> Outcome:
    return cli("--lang", lang, "update", task, "--status", "done", "--date", "2024-06-28", cwd=root)


# --- the same messages in Chinese ----------------------------------------------------------------------


def test_a_status_the_item_already_has_is_named_in_chinese(cli: Cli, repo: Path) -> None:
    assert _update(cli, repo).exit_code == 0
    again = _update(cli, repo, lang="zh-Hans")
    assert again.exit_code == 2
    assert "已完成" in again.stderr and "done" not in again.stderr


# --- a merge, cherry-pick, revert, rebase or bisect in progress ------------------------------------------


def _diverged(root: Path) -> None:
    """main and side changed notes.txt differently: merging, picking or rebasing one onto the other stops."""
    (root / "notes.txt").write_text("base\n", encoding="utf-8")
    git(root, "add", "notes.txt")
    git(root, "commit", "-q", "-m", "notes")
    git(root, "checkout", "-q", "-b", "side")
    (root / "notes.txt").write_text("side\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "side's notes")
    git(root, "checkout", "-q", "main")
    (root / "notes.txt").write_text("main\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "main's notes")


def _stopped(root: Path, operation: str) -> None:
    """`operation` started and stopped half-way, as git leaves it for the user to finish."""
    _diverged(root)
    if operation == "bisect":  # bisect stops by design: HEAD detached at a commit to test
        git(root, "bisect", "start", "HEAD", "HEAD~3")
        return
    commands = {
        "merge": ["merge", "side"],
        "cherry-pick": ["cherry-pick", "side"],
        "revert": ["revert", "--no-edit", "HEAD~1"],  # un-adding notes.txt, which main changed since
        "rebase": ["rebase", "side"],
    }
    stopped = _git_may_fail(root, *commands[operation])
    assert stopped.returncode != 0, f"git {operation} did not stop: {stopped.stdout}"


@pytest.mark.parametrize("operation", ["merge", "cherry-pick", "revert", "rebase", "bisect"])
def test_a_write_in_the_middle_of_a_git_operation_writes_nothing(cli: Cli, repo: Path, operation: str) -> None:
    """A merge or cherry-pick refuses parktrack's commit (after the ledger was written); a commit made
    during a rebase or bisect is dropped by `git rebase --abort` / `git bisect reset`. Refused before writing."""
    _stopped(repo, operation)
    before, head = _tasks(repo).read_bytes(), _head(repo)
    result = _update(cli, repo)
    assert result.exit_code == 4, (result.stdout, result.stderr)
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert _tasks(repo).read_bytes() == before and _head(repo) == head


def _ledger_files(root: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (root / "data").glob("*.yaml")}


WRITES = {
    "update": ("update", "T07", "--status", "done", "--date", "2024-06-28"),
    "note": ("note", "T07", "調度", "--date", "2024-06-28"),
    "record": ("record", "gross-output", "10.5", "--period", "2024Q1", "--date", "2024-04-10"),
    "add": ("add", "--text", "會議交辦", "--lead", "縣財政局", "--deadline", "2024-09-30", "--date", "2024-06-01"),
    "init": ("init", "second", "--title", "另一方案", "--year", "2024"),
}


@pytest.mark.parametrize("command", WRITES)
def test_every_write_refuses_a_merge_under_way_in_chinese(cli: Cli, repo: Path, command: str) -> None:
    _stopped(repo, "merge")
    before = _ledger_files(repo)
    status = git(repo, "status", "--porcelain")
    result = cli("--lang", "zh-Hans", *WRITES[command], cwd=repo)
    assert result.exit_code == 4, (result.stdout, result.stderr)
    assert "合并" in result.stderr and "未写入" in result.stderr, result.stderr
    assert "git merge --abort" in result.stderr
    assert _ledger_files(repo) == before
    assert git(repo, "status", "--porcelain") == status and not (repo / "second").exists()


# --- other work in the repository when a write commits --------------------------------------------------


NEW_UNIT = "  - id: new-bureau\n    name: 縣新設局\n    aliases: []\n    kind: unit\n"


def test_add_does_not_commit_an_item_naming_a_unit_only_an_uncommitted_edit_knows(cli: Cli, repo: Path) -> None:
    """The item was checked against units.yaml on disk; a commit of tasks.yaml alone would hold a ledger
    that does not validate (a clone, CI, `history` all read 縣新設局 as unknown)."""
    units = repo / "data" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + NEW_UNIT, encoding="utf-8")
    before, head = _ledger_files(repo), _head(repo)
    added = cli("--lang", "en", *WRITES["add"][:3], "--lead", "縣新設局", *WRITES["add"][5:], cwd=repo)
    assert added.exit_code == 5, (added.stdout, added.stderr)
    assert f"{units} has changes that are not committed" in added.stderr
    assert _ledger_files(repo) == before and _head(repo) == head
    # the way out, as printed: the unit committed first, then the item goes in and HEAD validates
    git(repo, "add", "--", "data/units.yaml")
    git(repo, "commit", "-q", "-m", "hand edit", "--", "data/units.yaml")
    again = cli("--lang", "en", *WRITES["add"][:3], "--lead", "縣新設局", *WRITES["add"][5:], cwd=repo)
    assert again.exit_code == 0, again.stderr
    assert git(repo, "status", "--porcelain") == ""
    assert cli("--lang", "en", "validate", cwd=repo).exit_code == 0


def test_the_users_staged_and_unstaged_work_stays_as_it_was(cli: Cli, repo: Path) -> None:
    (repo / "notes.txt").write_text("會議紀要\n", encoding="utf-8")
    (repo / "draft.txt").write_text("草稿\n", encoding="utf-8")
    git(repo, "add", "notes.txt")
    schema_note = repo / "data" / "README.txt"
    schema_note.write_text("說明\n", encoding="utf-8")
    git(repo, "add", "data/README.txt")
    status = git(repo, "status", "--porcelain", "--untracked-files=all")
    for command in ("update", "record"):
        result = cli("--lang", "en", *WRITES[command], cwd=repo)
        assert result.exit_code == 0, result.stderr
        committed = git(repo, "show", "--format=", "--name-only", "HEAD").split()
        assert committed == ["data/tasks.yaml" if command == "update" else "data/indicators.yaml"]
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == status
    assert git(repo, "diff", "--cached", "--name-only").split() == ["data/README.txt", "notes.txt"]


# --- history where git's record is cut or moved --------------------------------------------------------


def _three_changes(cli: Cli, root: Path) -> list[str]:
    """T07, T08, T09 started, one commit each; their shas, oldest first."""
    for task, day in (("T07", "2024-05-07"), ("T08", "2024-05-08"), ("T09", "2024-05-09")):
        result = cli("--lang", "en", "update", task, "--status", "in_progress", "--date", day, cwd=root)
        assert result.exit_code == 0, result.stderr
    return git(root, "log", "-3", "--reverse", "--format=%H").split()


def _trail(cli: Cli, root: Path, *args: str) -> tuple[list[tuple[str, str]], str]:
    result = cli("--lang", "en", "history", "--format", "json", *args, cwd=root)
    assert result.exit_code == 0, result.stderr
    return [(row["id"], row["commit"]) for row in json.loads(result.stdout)], result.stderr


def test_history_during_a_conflicted_merge_shows_the_trail_with_the_ledger_as_committed(cli: Cli, repo: Path) -> None:
    """Reading the trail is how one decides what to keep of each side; the markers made every read fail."""
    branch = git(repo, "branch", "--show-current").strip()
    git(repo, "checkout", "-q", "-b", "other")
    assert cli("--lang", "en", "note", "T07", "甲方进展", "--date", "2024-06-02", cwd=repo).exit_code == 0
    git(repo, "checkout", "-q", branch)
    assert cli("--lang", "en", "note", "T07", "乙方进展", "--date", "2024-06-03", cwd=repo).exit_code == 0
    assert _git_may_fail(repo, "merge", "other").returncode != 0
    assert "<<<<<<<" in _tasks(repo).read_text(encoding="utf-8")
    shown = cli("--lang", "zh-Hans", "history", "T07", "-f", "json", cwd=repo)
    assert shown.exit_code == 0, shown.stderr
    assert "tasks.yaml：有未解决的合并冲突；变更记录按 HEAD 中已提交的台账显示" in shown.stderr
    notes = [row["note"] for row in json.loads(shown.stdout)]
    assert notes == ["乙方进展"]  # this branch's; the other side's comes with the merge
    assert cli("--lang", "en", "list", cwd=repo).exit_code == 1  # anything else still says what to resolve


def test_a_shallow_clone_says_its_trail_is_cut_where_it_is(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """CI clones shallow (GitLab's default depth is 20): the oldest commit it has holds every change made
    before it, and `history` must not pass them off as that commit's without a word."""
    shas = _three_changes(cli, repo)
    full, warned = _trail(cli, repo)
    assert full == [("T07", shas[0][:10]), ("T08", shas[1][:10]), ("T09", shas[2][:10])] and warned == ""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone))
    rows, warned = _trail(cli, clone)
    assert rows == [("T07", shas[2][:10]), ("T08", shas[2][:10]), ("T09", shas[2][:10])]  # all git can say
    assert shas[2][:10] in warned and "git fetch --unshallow" in warned, warned
    zh = cli("--lang", "zh-Hans", "history", "--format", "json", cwd=clone)
    assert zh.exit_code == 0 and "git fetch --unshallow" in zh.stderr and "浅" in zh.stderr, zh.stderr
    git(clone, "fetch", "-q", "--unshallow")
    assert _trail(cli, clone) == (full, "")


def test_history_follows_a_moved_data_folder(cli: Cli, repo: Path) -> None:
    """A new year's ledger beside the old one: `git mv data 2024/data`. The changes are still the commits'
    that made them, not the move's."""
    shas = _three_changes(cli, repo)
    (repo / "2024").mkdir()
    git(repo, "mv", "data", "2024/data")
    git(repo, "commit", "-q", "-m", "move the data folder")
    expected = [("T07", shas[0][:10]), ("T08", shas[1][:10]), ("T09", shas[2][:10])]
    assert _trail(cli, repo, "--data", "2024/data") == (expected, "")
    git(repo, "mv", "2024", "archive")  # and moved again
    git(repo, "commit", "-q", "-m", "archive the 2024 ledger")
    result = cli(
        "--lang", "en", "update", "T10", "--status", "done", "--date", "2024-06-28", "--data", "archive/data", cwd=repo
    )
    assert result.exit_code == 0, result.stderr
    rows, warned = _trail(cli, repo, "--data", "archive/data")
    assert rows == [*expected, ("T10", _head(repo)[:10])] and warned == ""


def _way_out(message: str, verb: str) -> str:
    """The command the refusal prints after `verb` (look at them with / discard them with)."""
    return message.split(f"{verb} `", 1)[1].split("`", 1)[0]


def test_a_staged_hand_edit_is_shown_and_discarded_by_the_commands_the_refusal_prints(cli: Cli, repo: Path) -> None:
    tasks = _tasks(repo)
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("  - id: T10\n", "  # 重點\n  - id: T10\n"), "utf-8")
    git(repo, "add", "data/tasks.yaml")  # staged, as an editor's git panel does
    refused = _update(cli, repo)
    assert refused.exit_code == 5, refused.stderr
    shown = subprocess.run(_way_out(refused.stderr, "Look at them with"), shell=True, capture_output=True, text=True)
    assert "+  # 重點" in shown.stdout, shown
    subprocess.run(_way_out(refused.stderr, "discard them with"), shell=True, check=True)
    assert git(repo, "status", "--porcelain") == ""
    assert _update(cli, repo).exit_code == 0


def test_an_index_entry_left_behind_by_a_commit_killed_midway_is_brought_up_to_date(cli: Cli, repo: Path) -> None:
    """git writes the commit, moves the branch, then the index: killed in between (and its lock removed),
    the index still holds the file as it was before the commit, though the file and HEAD agree."""
    assert cli("--lang", "en", "note", "T08", "调度", "--date", "2024-06-20", cwd=repo).exit_code == 0
    before = git(repo, "rev-parse", "HEAD^:data/tasks.yaml").strip()
    git(repo, "update-index", "--cacheinfo", f"100644,{before},data/tasks.yaml")
    assert git(repo, "status", "--porcelain") == "MM data/tasks.yaml\n"
    assert _update(cli, repo).exit_code == 0
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "diff", "--name-only", "HEAD^", "HEAD").split() == ["data/tasks.yaml"]
    assert "调度" in git(repo, "show", "HEAD:data/tasks.yaml")  # the earlier commit's note is kept


def test_a_staged_version_never_committed_is_still_refused_though_the_file_is_as_committed(
    cli: Cli, repo: Path
) -> None:
    tasks = _tasks(repo)
    committed = tasks.read_text(encoding="utf-8")
    tasks.write_text(committed.replace("  - id: T10\n", "  # 重點\n  - id: T10\n"), "utf-8")
    git(repo, "add", "data/tasks.yaml")
    tasks.write_text(committed, "utf-8")  # the file back as committed; the staged edit is only in the index
    refused = _update(cli, repo)
    assert refused.exit_code == 5, refused.stderr
    assert "# 重點" in git(repo, "show", ":data/tasks.yaml")  # the staged edit is kept


# --- files git is told not to look at -------------------------------------------------------------------


@pytest.mark.parametrize("mark", ["--assume-unchanged", "--skip-worktree"])
def test_a_data_file_git_is_told_not_to_look_at_is_not_written(cli: Cli, repo: Path, mark: str) -> None:
    """GUI clients offer both marks to "ignore local changes". git status then hides a hand edit, which
    the commit would carry (assume-unchanged), or git refuses to commit the file at all after the write
    (skip-worktree: `git commit` fails without a word)."""
    git(repo, "update-index", mark, "data/tasks.yaml")
    tasks = _tasks(repo)
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("  - id: T10\n", "  # 重點\n  - id: T10\n"), "utf-8")
    before, head = tasks.read_bytes(), _head(repo)
    result = _update(cli, repo, lang="zh-Hans")
    assert result.exit_code == 4, (result.stdout, result.stderr)
    assert "未写入" in result.stderr and "update-index" in result.stderr and f"--no-{mark[2:]}" in result.stderr
    assert tasks.read_bytes() == before and _head(repo) == head


def test_a_data_folder_git_ignores_is_not_written_and_the_way_out_works(cli: Cli, repo: Path) -> None:
    """A .gitignore copied from a template (`data/`): git status shows nothing, and the commit fails after
    the write (pathspec 'data/tasks.yaml' did not match any file known to git)."""
    git(repo, "rm", "-q", "-r", "--cached", "data")
    (repo / ".gitignore").write_text("data/\n", encoding="utf-8")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-q", "-m", "ignore the data")
    before, head = _tasks(repo).read_bytes(), _head(repo)
    result = _update(cli, repo, lang="zh-Hans")
    assert result.exit_code == 5, (result.stdout, result.stderr)
    assert "未写入" in result.stderr and ".gitignore" in result.stderr, result.stderr
    assert _tasks(repo).read_bytes() == before and _head(repo) == head
    subprocess.run(_way_out(result.stderr, "请用"), shell=True, check=True, capture_output=True)
    assert _update(cli, repo).exit_code == 0
    assert git(repo, "show", "--format=", "--name-only", "HEAD").split() == ["data/tasks.yaml"]


def test_a_ledger_never_committed_is_named_so_with_a_way_out_that_works(cli: Cli, data_copy: Path) -> None:
    """The first day: the data folder copied into a fresh `git init`, nothing committed (an unborn branch).
    The refusal must not call the file a hand edit, nor offer `git diff HEAD` / `git checkout HEAD`, which
    fail where HEAD is not there."""
    root = data_copy.parent
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Liaison Zhang")
    git(root, "config", "user.email", "zhang@example.org")
    before = _tasks(root).read_bytes()
    refused = _update(cli, root, lang="zh-Hans")
    assert refused.exit_code == 5, (refused.stdout, refused.stderr)
    assert "未写入" in refused.stderr and "HEAD" not in refused.stderr and "手工修改" not in refused.stderr
    assert _tasks(root).read_bytes() == before
    subprocess.run(_way_out(refused.stderr, "请先用"), shell=True, check=True, capture_output=True)
    assert _update(cli, root).exit_code == 0
    assert git(root, "show", "--format=", "--name-only", "HEAD").split() == ["data/tasks.yaml"]
    assert len(git(root, "rev-list", "HEAD").split()) == 2


def test_init_in_a_folder_the_repository_ignores_writes_nothing(cli: Cli, repo: Path) -> None:
    (repo / ".gitignore").write_text("ledgers/\n", encoding="utf-8")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-q", "-m", "ignore the ledgers")
    head = _head(repo)
    result = cli("--lang", "zh-Hans", "init", "ledgers/2025", "--title", "另一方案", "--year", "2025", cwd=repo)
    assert result.exit_code == 5, (result.stdout, result.stderr)
    assert "未写入" in result.stderr and ".gitignore" in result.stderr, result.stderr
    assert not (repo / "ledgers").exists() and _head(repo) == head
    assert git(repo, "status", "--porcelain") == ""


# --- what held (a few representatives) -----------------------------------------------------------------


def test_a_linked_worktree_commits_on_its_own_branch_and_minds_its_own_index_lock(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """`git worktree add`: .git is a file, the index and its lock are the worktree's own."""
    other = tmp_path / "second"
    git(repo, "worktree", "add", "-q", "-b", "unit-b", str(other))
    assert (other / ".git").is_file()
    (repo / ".git" / "index.lock").write_text("", encoding="utf-8")  # the main worktree's: not ours
    assert _update(cli, other).exit_code == 0
    assert git(other, "log", "-1", "--format=%s", "unit-b").startswith("T07:")
    assert git(repo, "log", "-1", "--format=%s", "main").strip() == "import the 2024 ledger"
    (repo / ".git" / "index.lock").unlink()
    lock = repo / ".git" / "worktrees" / "second" / "index.lock"
    lock.write_text("", encoding="utf-8")
    refused = _update(cli, other, task="T08")
    assert refused.exit_code == 4 and str(lock) in refused.stderr


def test_a_hook_that_rejects_the_commit_leaves_the_ledger_as_it_was(cli: Cli, repo: Path) -> None:
    """A pre-commit hook refuses the commit: exit 4 in the hook's own words, and the file is put back as
    it was (it stayed written, and the same command then said "already done" while nothing was in git);
    once the hook lets it through, the same command records the change."""
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text('#!/bin/sh\necho "拒绝：先写周报" >&2\nexit 1\n', encoding="utf-8")
    hook.chmod(0o755)
    head, before = _head(repo), _tasks(repo).read_bytes()
    result = _update(cli, repo, lang="zh-Hans")
    assert result.exit_code == 4 and "Traceback" not in result.stderr
    assert result.stderr.startswith("错误：未记录任何内容：git commit 失败") and "拒绝：先写周报" in result.stderr
    assert "台账保持原样" in result.stderr
    assert _head(repo) == head and _tasks(repo).read_bytes() == before
    assert git(repo, "status", "--porcelain") == ""
    hook.unlink()
    again = _update(cli, repo)
    assert again.exit_code == 0, again.stderr
    assert _head(repo) != head and git(repo, "status", "--porcelain") == ""


@pytest.mark.parametrize("autocrlf", ["false", "true"])
def test_a_refused_commit_puts_back_a_notepad_file_byte_for_byte(cli: Cli, repo: Path, autocrlf: str) -> None:
    """The file put back after a refused commit is the one that was there: a BOM and CRLF line ends as
    Notepad saves them, committed as they are or through core.autocrlf as Git for Windows does."""
    git(repo, "config", "core.autocrlf", autocrlf)
    tasks = _tasks(repo)
    tasks.write_bytes(b"\xef\xbb\xbf" + tasks.read_bytes().replace(b"\n", b"\r\n"))
    git(repo, "add", "data/tasks.yaml")
    git(repo, "commit", "-q", "-m", "saved in Notepad")
    if autocrlf == "true":  # the work tree as a checkout leaves it
        tasks.unlink()
        git(repo, "checkout", "--", "data/tasks.yaml")
    before, head = tasks.read_bytes(), _head(repo)
    assert before.startswith(b"\xef\xbb\xbf") and b"\r\n" in before
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    assert _update(cli, repo).exit_code == 4
    assert tasks.read_bytes() == before and _head(repo) == head
    assert git(repo, "status", "--porcelain") == ""


def test_a_write_on_a_detached_head_writes_nothing(cli: Cli, repo: Path) -> None:
    """`git checkout <commit>` to look at last month's ledger, then a write: its commit is on no branch, and
    the next `git checkout main` leaves it behind (only the reflog keeps it)."""
    assert _update(cli, repo, task="T08").exit_code == 0
    git(repo, "checkout", "-q", "HEAD~1")
    before, head = _tasks(repo).read_bytes(), _head(repo)
    result = _update(cli, repo, lang="zh-Hans")
    assert result.exit_code == 4, (result.stdout, result.stderr)
    assert "未写入" in result.stderr and "git -C" in result.stderr and "switch" in result.stderr, result.stderr
    assert _tasks(repo).read_bytes() == before and _head(repo) == head
    assert (
        cli(
            "--lang", "en", "update", "T07", "--status", "done", "--date", "2024-06-28", "--no-commit", cwd=repo
        ).exit_code
        == 0
    )


LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 51234\n"
)


def test_a_git_lfs_pointer_in_place_of_the_ledger_is_named_with_the_way_out(cli: Cli, repo: Path) -> None:
    """A repository whose YAML went to Git LFS, cloned where git-lfs is missing: each file holds a pointer."""
    _tasks(repo).write_text(LFS_POINTER, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "tasks.yaml to LFS")
    for command in (("validate",), ("list",), WRITES["update"]):
        result = cli("--lang", "zh-Hans", *command, cwd=repo)
        assert result.exit_code == 1, (command, result.stderr)
        assert f"{_tasks(repo)}:1:1:" in result.stderr and "git lfs pull" in result.stderr, result.stderr
        assert "LFS" in result.stderr and "映射" not in result.stderr
    assert _tasks(repo).read_text(encoding="utf-8") == LFS_POINTER


def test_history_follows_a_move_made_on_a_branch_while_main_went_on_writing(cli: Cli, repo: Path) -> None:
    """The office moves the folder on a branch while a liaison records on main; git's merge carries the
    record into the moved file. Each change stays under the commit that made it, not the merge."""
    first = _three_changes(cli, repo)[0]
    git(repo, "checkout", "-q", "-b", "reorganise")
    (repo / "2024").mkdir()
    git(repo, "mv", "data", "2024/data")
    git(repo, "commit", "-q", "-m", "move the data folder")
    git(repo, "checkout", "-q", "main")
    assert cli("--lang", "en", "update", "T10", "--status", "done", "--date", "2024-06-28", cwd=repo).exit_code == 0
    recorded = _head(repo)
    git(repo, "merge", "-q", "--no-edit", "reorganise")
    assert not _tasks(repo).exists() and "2024-06-28" in (repo / "2024" / "data" / "tasks.yaml").read_text("utf-8")
    rows, warned = _trail(cli, repo, "--data", "2024/data")
    assert rows[0] == ("T07", first[:10]) and rows[-1] == ("T10", recorded[:10]) and len(rows) == 4, rows
    assert warned == ""
