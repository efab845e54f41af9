"""The report's footing in git: which commit the data was read at, and the as-of days of earlier reports.

A report is remembered only when it is issued with `report --mark`: an empty commit whose message
carries the trailer `Parktrack-Report: <as-of day>`. It changes no file, so it never touches the
ledger, the index or the work tree; previews (`report` without --mark) leave no trace.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from parktrack.errors import GitError, WriteError
from parktrack.gitrepo import commit_text, git, head_commit, repo_root
from parktrack.i18n import _
from parktrack.reporting.content import Provenance
from parktrack.store import DataDir, locked

TRAILER = "Parktrack-Report"


def provenance(data: DataDir) -> Provenance:
    folder = str(data.path)
    commit, dirty = (None, False) if data.bundled else head_commit(data.path)
    if commit is None:
        return Provenance(folder, data.bundled)
    return Provenance(folder, data.bundled, commit[:10], dirty)


def previous_reports(data: DataDir) -> list[date]:
    """The as-of days of the reports marked in the history of the data's repository."""
    repo = None if data.bundled else repo_root(data.path)
    if repo is None:
        return []
    result = git(repo, "log", f"--format=%(trailers:key={TRAILER},valueonly,separator=%x00)", f"--grep=^{TRAILER}:")
    days = []
    for value in result.stdout.replace("\x00", "\n").split():
        try:
            days.append(date.fromisoformat(value.strip()))
        except ValueError:
            continue
    return days


def markable(data: DataDir) -> Path:
    """The repository a report on `data` can be marked in; checked before the report is written."""
    if data.bundled:
        raise WriteError(_("the bundled plan is read-only; --mark needs a ledger in a git repository (--data)"))
    repo = repo_root(data.path)
    if repo is None:
        message = _("{folder} is not inside a git repository, so the report cannot be marked")
        raise GitError(message.format(folder=data.path))
    return repo


def mark(data: DataDir, as_of: date, plan_title: str) -> str:
    """Remember a report as of `as_of` with an empty commit on HEAD; returns its sha.

    Plumbing (commit-tree and a compare-and-swap update-ref) keeps whatever is staged staged.
    """
    repo = markable(data)
    with locked(data):  # HEAD read and moved in one turn: another mark or a write commits before or after
        return _mark_head(repo, as_of, plan_title)


def _mark_head(repo: Path, as_of: date, plan_title: str) -> str:
    head = git(repo, "rev-parse", "HEAD")
    if head.returncode:
        raise GitError(_("cannot mark the report: the repository at {repo} has no commit yet").format(repo=repo))
    parent = head.stdout.strip()
    message = commit_text(f"{plan_title}: report as of {as_of.isoformat()}", "", [(TRAILER, as_of.isoformat())])
    made = git(repo, "commit-tree", f"{parent}^{{tree}}", "-p", parent, "-F", "-", stdin=message)
    _check(made, "commit-tree")
    sha = made.stdout.strip()
    _check(git(repo, "update-ref", "-m", "parktrack report --mark", "HEAD", sha, parent), "update-ref")
    return sha


def _check(result: subprocess.CompletedProcess[str], command: str) -> None:
    if result.returncode:
        failed = _("cannot mark the report: git {command} failed: {reason}")
        raise GitError(failed.format(command=command, reason=result.stderr.strip()))
