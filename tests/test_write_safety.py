"""Writes that never lose or misattribute an update, in real git repositories (in process)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import Cli, cli_env, git, parktrack_executable
from parktrack import store


def _tasks(root: Path) -> Path:
    return root / "data" / "tasks.yaml"


def _count(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def _update(cli: Cli, repo: Path, *args: str, env: dict[str, str | None] | None = None) -> object:
    return cli("--lang", "en", "update", *args, cwd=repo, env=env)


# --- the lock ---------------------------------------------------------------------


def test_the_lock_lives_beside_the_data_and_out_of_git(cli: Cli, repo: Path) -> None:
    result = cli("--lang", "en", "update", "T02", "--status", "in_progress", "--date", "2024-05-01", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert (repo / "data" / ".parktrack.lock").is_file()
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(repo, "check-ignore", "data/.parktrack.lock").strip() == "data/.parktrack.lock"


@pytest.mark.parametrize("kind", ["symlink", "folder", "dangling"])
def test_an_unusable_lock_path_is_a_clean_write_error(cli: Cli, repo: Path, tmp_path: Path, kind: str) -> None:
    lock = repo / "data" / ".parktrack.lock"
    if kind == "symlink":
        (tmp_path / "elsewhere").write_text("", encoding="utf-8")
        lock.symlink_to(tmp_path / "elsewhere")
    elif kind == "folder":
        lock.mkdir()
    else:
        lock.symlink_to(tmp_path / "nowhere")
    before = _tasks(repo).read_bytes()
    result = cli("--lang", "en", "update", "T02", "--status", "blocked", "--date", "2024-05-01", cwd=repo)
    assert result.exit_code == 5 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"error: the write lock {lock} is not a plain file (a symlink or folder?); remove it and try again\n"
    )
    assert _tasks(repo).read_bytes() == before


# --- changes riding along ------------------------------------------------------------


def test_uncommitted_changes_in_the_file_are_refused_with_the_way_out(cli: Cli, repo: Path) -> None:
    tasks = _tasks(repo)
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("  - id: T10\n", "  # 重點\n  - id: T10\n"), "utf-8")
    edited = tasks.read_bytes()
    result = cli("--lang", "en", "note", "T01", "調度", "--date", "2024-05-01", cwd=repo)
    assert result.exit_code == 5
    assert f"error: {tasks} has changes that are not committed" in result.stderr
    assert f"git -C {repo} checkout HEAD -- data/tasks.yaml" in result.stderr
    assert f'git -C {repo} add -- data/tasks.yaml && git -C {repo} commit -m "hand edit" -- data/tasks.yaml' in (
        result.stderr
    )
    assert tasks.read_bytes() == edited and _count(repo) == 1
    # the way out, as printed, then the write goes through and its commit holds only its own change
    git(repo, "add", "--", "data/tasks.yaml")
    git(repo, "commit", "-q", "-m", "hand edit", "--", "data/tasks.yaml")
    assert cli("--lang", "en", "note", "T01", "調度", "--date", "2024-05-01", cwd=repo).exit_code == 0
    diff = git(repo, "show", "--format=", "--unified=0", "HEAD")
    assert "重點" not in diff and '+    - {date: 2024-05-01, note: "調度"}' in diff


def test_no_commit_writes_over_uncommitted_changes(cli: Cli, repo: Path) -> None:
    tasks = _tasks(repo)
    tasks.write_text(tasks.read_text(encoding="utf-8") + "# 手改\n", encoding="utf-8")
    result = cli("--lang", "en", "note", "T01", "調度", "--date", "2024-05-01", "--no-commit", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert tasks.read_text(encoding="utf-8").endswith("# 手改\n")


# --- git that cannot be used -----------------------------------------------------------


def test_a_held_git_index_lock_stops_the_write_before_it_starts(cli: Cli, repo: Path) -> None:
    """A git killed mid-commit leaves index.lock behind: writing then would leave a change uncommitted."""
    lock = repo / ".git" / "index.lock"
    lock.write_text("", encoding="utf-8")
    before = _tasks(repo).read_bytes()
    result = cli("--lang", "en", "update", "T02", "--status", "blocked", "--date", "2024-05-01", cwd=repo)
    assert result.exit_code == 4
    assert f"git's index is locked ({lock})" in result.stderr and "nothing was written" in result.stderr
    assert _tasks(repo).read_bytes() == before
    lock.unlink()
    assert cli("--lang", "en", "update", "T02", "--status", "blocked", "--date", "2024-05-01", cwd=repo).exit_code == 0


@pytest.mark.parametrize("sign", ["\u2028", "\x85", "\x1c", "\x0c"])
def test_a_repository_in_a_folder_named_with_a_sign_splitlines_breaks_at(cli: Cli, repo: Path, sign: str) -> None:
    """git prints one path a line, ended by \\n; str.splitlines also breaks at these, which a folder name may hold."""
    moved = repo.rename(repo.with_name(f"台賬{sign}2024"))
    result = _update(cli, moved, "T02", "--status", "blocked", "--date", "2024-05-01")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert f"committed {git(moved, 'rev-parse', 'HEAD')[:10]} in {moved}" in result.stdout  # type: ignore[attr-defined]
    assert _count(moved) == 2 and git(moved, "status", "--porcelain") == ""
    trail = cli("--lang", "en", "history", "T02", "--format", "json", cwd=moved)
    assert trail.exit_code == 0, trail.stderr
    assert [row["to"] for row in json.loads(trail.stdout)] == ["blocked"]


def test_a_repository_in_a_folder_named_in_no_encoding_is_written_read_and_named(repo: Path) -> None:
    """A folder name that is no UTF-8 (a zip from a GBK system, unpacked on Linux): the commands work,
    and the folder is printed as its own bytes, even where stdout would refuse what it cannot encode."""
    moved = repo.rename(repo.with_name(os.fsdecode("台賬".encode("gbk"))))
    env = {**cli_env(), "PYTHONIOENCODING": "utf-8:strict", "PARKTRACK_FORMAT": "tsv"}
    args = (["note", "T07", "checked"], ["list", "--as-of", "2024-07-01"], ["history", "T07"])
    runs = [subprocess.run([parktrack_executable(), *a], cwd=moved, env=env, capture_output=True) for a in args]
    assert [run.returncode for run in runs] == [0, 0, 0], [run.stderr for run in runs]
    head = git(moved, "rev-parse", "HEAD")[:10].encode()
    assert b"committed " + head + b" in " + os.fsencode(moved) + b"\n" in runs[0].stdout
    assert b"T07\t" in runs[1].stdout and b"note" in runs[2].stdout and b"checked" in runs[2].stdout
    assert _count(moved) == 2 and git(moved, "status", "--porcelain") == ""


def test_relative_git_dir_and_work_tree_mean_where_parktrack_was_run(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """GIT_DIR and GIT_WORK_TREE relative to the folder the user runs in, as git takes them there (git
    runs in the data folder: read from there, the repository was missing and the write went uncommitted)."""
    apart = tmp_path / "apart.git"
    (repo / ".git").rename(apart)
    env: dict[str, str | None] = {"GIT_DIR": os.path.relpath(apart, repo), "GIT_WORK_TREE": "."}
    result = _update(cli, repo, "T02", "--status", "blocked", "--date", "2024-05-01", env=env)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert f"committed {git(apart, 'rev-parse', 'HEAD')[:10]} in {repo}" in result.stdout  # type: ignore[attr-defined]
    assert _count(apart) == 2
    assert git(repo, "--git-dir", str(apart), "--work-tree", str(repo), "status", "--porcelain") == ""


def test_git_dir_alone_means_the_folder_parktrack_was_run_in_is_the_work_tree(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """GIT_DIR without GIT_WORK_TREE: git takes the folder it runs in as the top of the work tree, so in
    the user's shell that is where they are, not the data folder parktrack runs git in. `history` reads
    the blobs with the same variables (relative ones too, typed in the data folder)."""
    apart = tmp_path / "apart.git"
    (repo / ".git").rename(apart)
    result = _update(cli, repo, "T02", "--status", "blocked", "--date", "2024-05-01", env={"GIT_DIR": str(apart)})
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert f"committed {git(apart, 'rev-parse', 'HEAD')[:10]} in {repo}" in result.stdout  # type: ignore[attr-defined]
    assert _count(apart) == 2
    assert git(repo, "--git-dir", str(apart), "--work-tree", str(repo), "status", "--porcelain") == ""
    from_data = {"GIT_DIR": os.path.relpath(apart, repo / "data"), "GIT_WORK_TREE": ".."}  # relative, as typed there
    for where, env in ((repo, {"GIT_DIR": str(apart)}), (repo / "data", from_data)):
        trail = cli("--lang", "en", "history", "T02", "--format", "json", cwd=where, env=env)
        assert trail.exit_code == 0, trail.stderr  # git reads the blobs in the repository's top folder
        assert [row["to"] for row in json.loads(trail.stdout)] == ["blocked"]


def test_git_missing_from_path_inside_a_repository_writes_nothing(cli: Cli, repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    before = _tasks(repo).read_bytes()
    result = _update(cli, repo, "T02", "--status", "blocked", "--date", "2024-05-01", env={"PATH": str(empty)})
    assert result.exit_code == 4  # type: ignore[attr-defined]
    assert "git is not installed (or not on PATH)" in result.stderr  # type: ignore[attr-defined]
    assert _tasks(repo).read_bytes() == before


def test_git_missing_from_path_outside_any_repository_writes_and_says_so(
    cli: Cli, data_copy: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    args = ("update", "T02", "--status", "blocked", "--date", "2024-05-01", "--data", str(data_copy))
    result = cli("--lang", "en", *args, env={"PATH": str(empty)})
    assert result.exit_code == 0, result.stderr
    assert "not in a git repository: written, not committed" in result.stdout
    assert "status: blocked" in (data_copy / "tasks.yaml").read_text(encoding="utf-8")


def test_a_repository_git_refuses_is_not_taken_for_no_repository(cli: Cli, repo: Path) -> None:
    if os.geteuid() == 0:
        os.chown(repo / ".git", 65534, 65534)  # a repository owned by someone else: git's "dubious ownership"
        env: dict[str, str | None] = {}
    else:
        env = {"GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"}  # git's own switch for the same refusal
    before = _tasks(repo).read_bytes()
    result = _update(cli, repo, "T02", "--status", "blocked", "--date", "2024-05-01", env=env)
    assert result.exit_code == 4, result.stderr  # type: ignore[attr-defined]
    assert "git cannot use the repository" in result.stderr and "dubious ownership" in result.stderr  # type: ignore[attr-defined]
    assert _tasks(repo).read_bytes() == before


# --- the bundled plan ------------------------------------------------------------------


def test_every_command_says_when_it_reads_the_bundled_plan(cli: Cli, tmp_path: Path) -> None:
    for command in (["list", "--as-of", "2024-06-30"], ["overdue", "--as-of", "2024-06-30"], ["indicators"]):
        result = cli("--lang", "en", *command, cwd=tmp_path)
        assert result.exit_code == 0, result.stderr
        assert "reading the bundled read-only plan" in result.stderr, command


def test_a_repository_whose_ledger_is_gone_says_it_reads_the_bundled_plan(cli: Cli, repo: Path) -> None:
    tasks = _tasks(repo)
    tasks.unlink()
    tasks.symlink_to(repo / "data" / "moved-away.yaml")  # dangling
    result = cli("--lang", "en", "list", "--as-of", "2024-06-30", "--format", "json", cwd=repo)
    assert result.exit_code == 0
    assert f"no ledger (data/tasks.yaml) found at or above {repo.resolve()}" in result.stderr


def test_validate_without_a_ledger_is_an_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("--lang", "en", "validate", cwd=tmp_path)
    assert result.exit_code == 2 and "ok" not in result.stdout
    assert "error: no ledger to validate" in result.stderr


# --- writes take whatever validate takes -------------------------------------------------


def _rewrite_t10(tasks: Path, old: str, new: str) -> None:
    text = tasks.read_text(encoding="utf-8")
    start = text.index("  - id: T10\n")
    end = text.index("  - id: T11\n")
    assert old in text[start:end], old
    tasks.write_text(text[:start] + text[start:end].replace(old, new) + text[end:], encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (  # a block-style history written by hand
            "    status: not_started\n    history: []\n",
            "    status: in_progress\n    history:\n      - date: 2024-04-01\n        status: in_progress\n"
            "        note: |\n          手寫的進展\n",
        ),
        (  # a flow list that is not empty
            "    status: not_started\n    history: []\n",
            "    status: in_progress\n    history: [{date: 2024-04-01, status: in_progress}]\n",
        ),
        ("    status: not_started\n    history: []\n", ""),  # no status, no history
        ("    history: []\n", ""),  # no history
        (  # a block list under an indented dash, then a comment
            "    status: not_started\n    history: []\n",
            "    status: in_progress\n    history:\n    - {date: 2024-04-01, status: in_progress}  # 手改\n",
        ),
    ],
)
def test_writes_take_every_shape_validate_takes(cli: Cli, repo: Path, old: str, new: str) -> None:
    tasks = _tasks(repo)
    _rewrite_t10(tasks, old, new)
    git(repo, "commit", "-qam", "hand-written shape")
    assert cli("--lang", "en", "validate", cwd=repo).exit_code == 0
    before = json.loads(cli("--lang", "en", "show", "T10", "--format", "json", cwd=repo).stdout)["history"]
    result = _update(cli, repo, "T10", "--status", "done", "--date", "2024-05-02", "--note", "完成")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    note = cli("--lang", "en", "note", "T10", "再記一筆", "--date", "2024-05-03", cwd=repo)
    assert note.exit_code == 0, note.stderr
    late = cli("--lang", "en", "note", "T10", "補記", "--date", "2024-03-01", cwd=repo)
    assert late.exit_code == 0, late.stderr
    assert cli("--lang", "en", "validate", cwd=repo).exit_code == 0
    shown = json.loads(cli("--lang", "en", "show", "T10", "--format", "json", cwd=repo).stdout)
    assert shown["status"] == "done"
    assert shown["history"] == [
        {"date": "2024-03-01", "note": "補記"},
        *before,
        {"date": "2024-05-02", "status": "done", "note": "完成"},
        {"date": "2024-05-03", "note": "再記一筆"},
    ]
    text = tasks.read_text(encoding="utf-8")
    assert text.count("\n  - id: ") == 83  # nothing else moved into or out of the list
    if "# 手改" in new:
        assert "status: in_progress}  # 手改\n" in text


def test_an_indicator_without_actuals_takes_a_figure(cli: Cli, repo: Path) -> None:
    indicators = repo / "data" / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    start = text.index("  - id: gross-output\n")
    cut = text.index("    actuals: []\n", start)
    indicators.write_text(text[:cut] + text[cut + len("    actuals: []\n") :], encoding="utf-8")
    git(repo, "commit", "-qam", "no actuals key")
    result = cli(
        "--lang", "en", "record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-10", cwd=repo
    )
    assert result.exit_code == 0, result.stderr
    assert '    actuals:\n    - {period: "2024Q2", value: 19.9, recorded: 2024-07-10}\n' in indicators.read_text(
        "utf-8"
    )


def test_a_refused_write_cites_no_line_on_disk(cli: Cli, repo: Path) -> None:
    indicators = repo / "data" / "indicators.yaml"
    before = indicators.read_bytes()
    args = ("record", "quarterly-project-starts", "1", "--period", "2024H1", "--date", "2024-07-10")
    result = cli("--lang", "en", *args, cwd=repo)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == (f"error: the change was refused, nothing was written: {indicators} would not validate with it")
    assert lines[1:] == [
        "  quarterly-project-starts.actuals[0].period: a per-quarter target is recorded per quarter, such as 2024Q1"
    ]
    assert f"{indicators}:" not in result.stderr
    assert indicators.read_bytes() == before and _count(repo) == 1


def test_a_byte_order_mark_survives_a_write(cli: Cli, repo: Path) -> None:
    tasks = _tasks(repo)
    tasks.write_bytes(b"\xef\xbb\xbf" + tasks.read_bytes())
    git(repo, "commit", "-qam", "saved by an editor that writes a BOM")
    assert _update(cli, repo, "T10", "--status", "in_progress", "--date", "2024-05-01").exit_code == 0  # type: ignore[attr-defined]
    raw = tasks.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    assert cli("--lang", "en", "validate", cwd=repo).exit_code == 0


def test_a_file_replaced_underneath_the_writer_is_not_overwritten(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = _tasks(repo)
    theirs = tasks.read_text(encoding="utf-8").replace("  - id: T10\n", "  # 另一程序寫的\n  - id: T10\n")
    splice = store.apply_splices

    def another_program_saves_meanwhile(text: str, splices: list[store.Splice], newline: str | None = None) -> str:
        tasks.with_suffix(".new").write_text(theirs, encoding="utf-8")
        tasks.with_suffix(".new").replace(tasks)  # as an editor saves: a new file renamed over the old
        return splice(text, splices, newline)

    monkeypatch.setattr(store, "apply_splices", another_program_saves_meanwhile)
    result = _update(cli, repo, "T10", "--status", "in_progress", "--date", "2024-05-01")
    assert result.exit_code == 5  # type: ignore[attr-defined]
    assert "was changed by another program while this write was prepared" in result.stderr  # type: ignore[attr-defined]
    assert tasks.read_text(encoding="utf-8") == theirs


# --- recording mistakes ---------------------------------------------------------------------


def _record(cli: Cli, repo: Path, *args: str) -> object:
    return cli("--lang", "en", "record", *args, cwd=repo)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gross-output", "3", "--period", "2025Q1"], "2025Q1 is outside the plan's year, 2024"),
        (["provincial-green-park", "1", "--period", "2024Q3"], "give 是/yes or 否/no, not '1'"),
        (["provincial-green-park", "done", "--period", "2024Q3"], "give 是/yes or 否/no, not 'done'"),
        (["gross-output", "--period", "2024Q2", "--withdraw"], "gross-output has no figure for 2024Q2 to withdraw"),
        (["gross-output", "3", "--period", "2024Q2", "--withdraw"], "give a figure, or --withdraw"),
    ],
)
def test_figure_mistakes_are_refused(cli: Cli, repo: Path, args: list[str], message: str) -> None:
    before = (repo / "data" / "indicators.yaml").read_bytes()
    result = _record(cli, repo, *args, "--date", "2024-07-10")
    assert result.exit_code == 2 and message in result.stderr, result.stderr  # type: ignore[attr-defined]
    assert (repo / "data" / "indicators.yaml").read_bytes() == before


def test_negative_figures_need_no_double_dash(cli: Cli, repo: Path) -> None:
    result = _record(cli, repo, "value-added-growth", "-3.5", "--period", "2024Q3", "--date", "2024-10-10")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert '{period: "2024Q3", value: -3.5, recorded: 2024-10-10}' in (repo / "data" / "indicators.yaml").read_text(
        "utf-8"
    )
    margin = ("industrial-investment-margin", "-2", "--reference", "-4.5", "--period", "2024Q3", "--date", "2024-10-11")
    assert _record(cli, repo, *margin).exit_code == 0  # type: ignore[attr-defined]
    rows = json.loads(cli("--lang", "en", "indicators", "--as-of", "2024-10-11", "--format", "json", cwd=repo).stdout)
    assert {row["id"]: row["value"] for row in rows}["industrial-investment-margin"] == 2.5


def test_a_wrong_figure_is_withdrawn_and_the_trail_keeps_it(cli: Cli, repo: Path) -> None:
    assert _record(cli, repo, "gross-output", "199", "--period", "2024Q2", "--date", "2024-07-10").exit_code == 0  # type: ignore[attr-defined]
    withdrawn = _record(cli, repo, "gross-output", "--period", "2024Q2", "--withdraw", "--date", "2024-07-11")
    assert withdrawn.exit_code == 0, withdrawn.stderr  # type: ignore[attr-defined]
    text = (repo / "data" / "indicators.yaml").read_text(encoding="utf-8")
    assert '{period: "2024Q2", value: 199.0, recorded: 2024-07-10}' in text
    assert '{period: "2024Q2", withdrawn: true, recorded: 2024-07-11}' in text
    shown = json.loads(
        cli("--lang", "en", "indicators", "gross-output", "--as-of", "2024-07-12", "--format", "json", cwd=repo).stdout
    )
    assert shown["latest"] is None and shown["light"] is None
    before = json.loads(
        cli("--lang", "en", "indicators", "gross-output", "--as-of", "2024-07-10", "--format", "json", cwd=repo).stdout
    )
    assert before["value"] == 199  # as-of views before the withdrawal still see it
    assert git(repo, "log", "-1", "--format=%s").strip() == "gross-output 2024Q2: 撤回 199.0"
    again = _record(cli, repo, "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-12")
    assert again.exit_code == 0, again.stderr  # type: ignore[attr-defined]
    assert cli("--lang", "en", "validate", cwd=repo).exit_code == 0


def test_a_note_starting_with_a_dash_goes_after_double_dash(cli: Cli, repo: Path) -> None:
    result = cli("--lang", "en", "note", "T01", "--date", "2024-05-01", "--", "- 已對接", cwd=repo)
    assert result.exit_code == 0, result.stderr
    shown = json.loads(cli("--lang", "en", "show", "T01", "--format", "json", cwd=repo).stdout)
    assert shown["history"] == [{"date": "2024-05-01", "note": "- 已對接"}]


FORGERIES = [
    "Parktrack-Task: T99\nParktrack-Status: done",
    "正文\n\nParktrack-Task: T99\n---\nSigned-off-by: Mallory <m@example.org>",
    "x\r\nParktrack-Date: 1999-01-01\r\n\r\n---",
    "---\nParktrack-Task: T99",
    "\n\nCo-authored-by: Mallory <m@example.org>",
]


@pytest.mark.parametrize("text", FORGERIES)
def test_user_text_cannot_forge_trailers(cli: Cli, repo: Path, text: str) -> None:
    assert cli("--lang", "en", "note", "T01", "--date", "2024-05-01", "--", text, cwd=repo).exit_code == 0
    message = git(repo, "log", "-1", "--format=%B")
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=message, capture_output=True, text=True, check=True
    ).stdout
    assert parsed == "Parktrack-Task: T01\nParktrack-Date: 2024-05-01\n"
    assert git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-Task,valueonly)").split() == ["T01"]
    source = (
        "gross-output",
        "19.9",
        "--period",
        "2024Q2",
        "--date",
        "2024-07-10",
        f"--source={text}",
        f"--note={text}",
    )
    assert cli("--lang", "en", "record", *source, cwd=repo).exit_code == 0
    message = git(repo, "log", "-1", "--format=%B")
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=message, capture_output=True, text=True, check=True
    ).stdout
    assert parsed == "Parktrack-Indicator: gross-output\nParktrack-Period: 2024Q2\n"


@pytest.mark.parametrize(
    "actuals",
    [
        "    actuals:\n      - period: 2024Q1\n        value: 9.5\n        recorded: 2024-04-10\n",
        '    actuals: [{period: "2024Q1", value: 9.5, recorded: 2024-04-10}]\n',
    ],
)
def test_figures_go_into_hand_written_series(cli: Cli, repo: Path, actuals: str) -> None:
    indicators = repo / "data" / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    start = text.index("  - id: gross-output\n")
    cut = text.index("    actuals: []\n", start)
    indicators.write_text(text[:cut] + actuals + text[cut + len("    actuals: []\n") :], encoding="utf-8")
    git(repo, "commit", "-qam", "figures typed by hand")
    args = ("record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-10")
    result = cli("--lang", "en", *args, cwd=repo)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(
        cli("--lang", "en", "indicators", "gross-output", "--as-of", "2024-07-10", "--format", "json", cwd=repo).stdout
    )
    assert [(a["period"], a["value"]) for a in rows["actuals"]] == [("2024Q1", 9.5), ("2024Q2", 19.9)]
    assert cli("--lang", "en", "validate", cwd=repo).exit_code == 0
