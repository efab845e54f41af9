"""Git as the audit trail: committing updates, and reading who changed what from the commits."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from parktrack.errors import GitError

_IDENTITY_HINT = (
    'set one with: git config --global user.name "Your Name" && git config --global user.email you@example.org'
)


# git speaks English to us whatever the user's locale: its messages are parsed ("does not have any commits").
_GIT_ENV = {"LC_ALL": "C"}


def _git(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_GIT_ENV}
    return subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, encoding="utf-8", check=False, env=env
    )


def repo_root(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`, or None outside any repository."""
    try:
        result = _git(folder, "rev-parse", "--show-toplevel")
    except FileNotFoundError:  # git is not installed
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def commit(
    repo: Path,
    paths: Sequence[Path],
    subject: str,
    body: str,
    trailers: Sequence[tuple[str, str]],
    author: str | None = None,
) -> str:
    """Commit exactly `paths`, leaving any other staged or unstaged work alone. Returns the new sha.

    `author` ("NAME <email>") credits someone else with the change (a unit's liaison); the
    committer is still the local git identity.
    """
    if _git(repo, "var", "GIT_AUTHOR_IDENT").returncode or _git(repo, "var", "GIT_COMMITTER_IDENT").returncode:
        raise GitError(f"the data was written but not committed: git has no identity; {_IDENTITY_HINT}")
    relative = [str(path.resolve().relative_to(repo.resolve())) for path in paths]
    message = subject + (f"\n\n{body}" if body else "") + "\n\n" + "\n".join(f"{k}: {v}" for k, v in trailers)
    credit = (f"--author={author}",) if author else ()
    for args in (("add", "--", *relative), ("commit", "--quiet", *credit, "--only", "-F", "-", "--", *relative)):
        result = _git(repo, *args, stdin=message if args[0] == "commit" else None)
        if result.returncode:
            raise GitError(f"the data was written but git {args[0]} failed: {result.stderr.strip()}")
    return _git(repo, "rev-parse", "HEAD").stdout.strip()


def head_commit(folder: Path) -> tuple[str | None, bool]:
    """The commit HEAD points at in the repository holding `folder`, and whether `folder` has uncommitted changes."""
    repo = repo_root(folder)
    if repo is None:
        return None, False
    head = _git(repo, "rev-parse", "--verify", "--quiet", "HEAD")
    if head.returncode:
        return None, False
    dirty = _git(repo, "status", "--porcelain", "--", str(folder.resolve())).stdout.strip() != ""
    return head.stdout.strip(), dirty


def has_commit(folder: Path, sha: str) -> bool:
    """Whether the repository holding `folder` knows commit `sha` (outside git: nothing to check)."""
    repo = repo_root(folder)
    if repo is None:
        return True
    return _git(repo, "cat-file", "-e", f"{sha}^{{commit}}").returncode == 0


# --- reading the trail -------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    """One change to one item, as a commit made it."""

    commit: str
    author: str
    email: str
    committed: str
    task_id: str
    change: str  # status, note or edit
    old: str | None
    new: str | None
    effective: date | None
    note: str | None


@dataclass(frozen=True)
class _Commit:
    sha: str
    parent: str | None
    author: str
    email: str
    when: str


def audit_trail(data_dir: Path, file_name: str, since: date | None = None) -> list[AuditRow]:
    """Every item change to `file_name` in the history of the repository holding `data_dir`, oldest first."""
    repo = repo_root(data_dir)
    if repo is None:
        raise GitError(f"{data_dir} is not inside a git repository, so there is no audit trail to read")
    path = str((data_dir / file_name).resolve().relative_to(repo.resolve()))
    commits = list(_commits(repo, path, since))
    blobs = _blobs(repo, [f"{c.sha}:{path}" for c in commits] + [f"{c.parent}:{path}" for c in commits if c.parent])
    rows: list[AuditRow] = []
    for c in commits:
        old = _tasks(blobs.get(f"{c.parent}:{path}")) if c.parent else {}
        new = _tasks(blobs.get(f"{c.sha}:{path}"))
        rows += [AuditRow(c.sha[:10], c.author, c.email, c.when, *change) for change in _diff(old, new)]
    return rows


def _commits(repo: Path, path: str, since: date | None) -> Iterator[_Commit]:
    args = ["log", "--reverse", "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI"]
    if since:
        args.append(f"--since={since.isoformat()}T00:00:00")
    result = _git(repo, *args, "--", path)
    if result.returncode:
        if "does not have any commits" in result.stderr:
            return
        raise GitError(f"git log failed: {result.stderr.strip()}")
    for line in result.stdout.splitlines():
        sha, parents, author, email, when = line.split("\x1f")
        yield _Commit(sha, parents.split()[0] if parents else None, author, email, when)


def _blobs(repo: Path, specs: list[str]) -> dict[str, str]:
    """Read many `rev:path` blobs through one `git cat-file --batch`."""
    if not specs:
        return {}
    result = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        input="\n".join(specs).encode() + b"\n",
        capture_output=True,
        check=False,
    )
    out, position, blobs = result.stdout, 0, {}
    for spec in specs:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        position = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        blobs[spec] = out[position : position + size].decode("utf-8", errors="replace")
        position += size + 1
    return blobs


def _tasks(text: str | None) -> dict[str, dict[str, Any]]:
    from parktrack.store import load_plain

    data = load_plain(text) if text else None
    tasks = data.get("tasks") if isinstance(data, dict) else None
    if not isinstance(tasks, list):
        return {}
    return {str(task["id"]): task for task in tasks if isinstance(task, dict) and "id" in task}


_Change = tuple[str, str, str | None, str | None, date | None, str | None]
_TRACKED_ELSEWHERE = frozenset({"status", "history"})


def _diff(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> Iterator[_Change]:
    for task_id, after in new.items():
        before = old.get(task_id, {})
        yield from _history_changes(task_id, before, after)
        edited = sorted(
            key
            for key in set(before) | set(after)
            if key not in _TRACKED_ELSEWHERE and before and before.get(key) != after.get(key)
        )
        old_history = before.get("history") or []
        if (after.get("history") or [])[: len(old_history)] != old_history:
            edited.append("history")  # earlier entries rewritten, not appended to
        if edited:
            yield task_id, "edit", None, ", ".join(edited), None, None


def _history_changes(task_id: str, before: dict[str, Any], after: dict[str, Any]) -> Iterator[_Change]:
    old_status = str(before.get("status", "not_started"))
    new_status = str(after.get("status", "not_started"))
    old_history = before.get("history") or []
    added = [entry for entry in (after.get("history") or [])[len(old_history) :] if isinstance(entry, dict)]
    status_entries = [entry for entry in added if entry.get("status")]
    for entry in added:
        effective = _as_date(entry.get("date"))
        if entry.get("status"):
            yield task_id, "status", old_status, str(entry["status"]), effective, entry.get("note")
            old_status = str(entry["status"])
        else:
            yield task_id, "note", None, None, effective, entry.get("note")
    if not status_entries and old_status != new_status and before:
        # a hand edit of the status field without a history entry
        yield task_id, "status", old_status, new_status, None, None


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
