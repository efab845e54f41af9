"""Git as the audit trail: committing updates, and reading who changed what from the commits."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from parktrack.errors import GitError, shown, warn
from parktrack.i18n import _

_IDENTITY_HINT = (
    'set one with: git config --global user.name "Your Name" && git config --global user.email you@example.org'
)


def _git(cwd: Path, *args: str, stdin: str | None = None, plain: bool = False) -> subprocess.CompletedProcess[str]:
    """Run git; `plain` makes it speak untranslated English, for the messages we read."""
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "C"} if plain else None
    return subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, text=True, encoding="utf-8", check=False, env=env
    )


def repo_root(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`; None only when `folder` truly is in no repository.

    git missing from PATH, or a repository git refuses to use (dubious ownership ...), is an error:
    it must never pass for "not a repository" and let a write go uncommitted without a word.
    """
    try:
        result = _git(folder, "rev-parse", "--show-toplevel", plain=True)
    except FileNotFoundError:
        marker = _git_marker(folder)
        if marker is None:
            return None
        message = _("git is not installed (or not on PATH), but {folder} is in the git repository at {repo}")
        raise GitError(message.format(folder=folder, repo=marker.parent)) from None
    except OSError as exc:
        raise GitError(_("cannot run git: {reason}").format(reason=exc.strerror or exc)) from None
    if result.returncode == 0:
        return Path(result.stdout.strip())
    if "not a git repository" in result.stderr and _git_marker(folder) is None:
        return None
    reason = " ".join(result.stderr.split())
    raise GitError(_("git cannot use the repository holding {folder}: {reason}").format(folder=folder, reason=reason))


def _git_marker(folder: Path) -> Path | None:
    """The nearest `.git` at or above `folder`, looked for without git."""
    for candidate in (folder.resolve(), *folder.resolve().parents):
        if (candidate / ".git").exists():
            return candidate / ".git"
    return None


def check_index_unlocked(repo: Path) -> None:
    """Refuse to write what could not be committed: git's index lock is held (or left by a killed git)."""
    result = _git(repo, "rev-parse", "--git-path", "index.lock", plain=True)
    lock = repo / result.stdout.strip() if result.returncode == 0 else None
    if lock is not None and lock.exists():
        message = _(
            "git's index is locked ({lock}): another git command is running, or one was killed; "
            "nothing was written. If no git command is running, remove that file and run this again"
        )
        raise GitError(message.format(lock=lock))


def uncommitted(repo: Path, path: Path) -> bool:
    """Whether `path` differs from what is committed (changed, staged or untracked)."""
    relative = str(path.resolve().relative_to(repo.resolve()))
    result = _git(repo, "status", "--porcelain", "--untracked-files=all", "--", relative, plain=True)
    if result.returncode:
        raise GitError(_("git status failed: {reason}").format(reason=" ".join(result.stderr.split())))
    return bool(result.stdout.strip())


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
        message = _("the data was written but not committed: git has no identity; {hint}")
        raise GitError(message.format(hint=_IDENTITY_HINT))
    relative = [str(path.resolve().relative_to(repo.resolve())) for path in paths]
    message = commit_text(subject, body, trailers)
    # the files are tracked and held no other change (see updates): `--only` commits exactly them
    credit = (f"--author={author}",) if author else ()
    command = ("commit", "--quiet", *credit, "--cleanup=verbatim", "--only", "-F", "-", "--", *relative)
    result = _git(repo, *command, stdin=message)
    if result.returncode:
        error = _("the data was written but git {command} failed: {reason}")
        raise GitError(error.format(command="commit", reason=result.stderr.strip()))
    return _git(repo, "rev-parse", "HEAD").stdout.strip()


def track(repo: Path, paths: Sequence[Path]) -> None:
    """Make new files known to git, so that `commit` (which commits only tracked files) can take them."""
    relative = [str(path.resolve().relative_to(repo.resolve())) for path in paths]
    result = _git(repo, "add", "--", *relative)
    if result.returncode:
        error = _("the data was written but git {command} failed: {reason}")
        raise GitError(error.format(command="add", reason=result.stderr.strip()))


def commit_text(subject: str, body: str, trailers: Sequence[tuple[str, str]]) -> str:
    """The commit message: subject, the user's text indented, then our trailers as the last paragraph.

    Every line of user text starts with four spaces, so it can never produce a line that git reads as
    a trailer (`Key: value` at the start of a line) nor the `---` divider that ends a message for
    git's trailer parser; the blank line before the trailers is the separator.
    """
    subject = " ".join(subject.split())
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n") if body else []
    quoted = "\n".join(f"    {line}".rstrip() for line in lines).strip("\n")
    parts = [subject, quoted] if quoted.strip() else [subject]
    parts.append("\n".join(f"{key}: {value}" for key, value in trailers))
    return "\n\n".join(parts) + "\n"


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
    """One change to one item or indicator, as the commit that introduced it made it."""

    commit: str
    author: str
    email: str
    committed: str
    task_id: str  # the item's or the indicator's id
    change: str  # status, note or edit; figure, correction or withdrawal for indicators
    old: str | None
    new: str | None
    effective: date | None
    note: str | None
    period: str | None = None  # an indicator figure's period

    @property
    def day(self) -> date:
        """The day the change took effect, else the day it was committed (hand edits carry no date)."""
        return self.effective or date.fromisoformat(self.committed[:10])


@dataclass(frozen=True)
class _Commit:
    sha: str
    parents: list[str]
    author: str
    email: str
    when: str


Entries = dict[str, dict[str, Any]]
_MALFORMED: Entries = {"\x00malformed": {}}  # a version that does not parse or has the wrong shapes


def audit_trail(
    data_dir: Path,
    file_name: str,
    committed_since: date | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[AuditRow]:
    """Every entry change to `file_name` in the repository holding `data_dir`, oldest commit first.

    A merge shows only what it introduced itself (a conflict resolution, say): the changes it brings
    in from a branch appear once, under the commits that made them. A version of the file that does
    not parse is skipped with a warning naming its commit; the trail goes on from the last good one.
    `since`/`until` filter by the day a change took effect, `committed_since` by commit date.
    """
    repo = repo_root(data_dir)
    if repo is None:
        message = _("{folder} is not inside a git repository, so there is no audit trail to read")
        raise GitError(message.format(folder=data_dir))
    path = str((data_dir / file_name).resolve().relative_to(repo.resolve()))
    commits = list(_commits(repo, path, committed_since))
    wanted = {sha for c in commits for sha in (c.sha, *c.parents)}
    blobs = _blobs(repo, [f"{sha}:{path}" for sha in wanted])
    blob_of = {sha: blobs[spec][0] if (spec := f"{sha}:{path}") in blobs else None for sha in wanted}
    texts = dict(blobs.values())
    read = _indicators if file_name == "indicators.yaml" else _tasks
    diff = _figure_diff if file_name == "indicators.yaml" else _diff
    from parktrack import cache

    memo = _Memo.load(repo, path)
    parsed: dict[str | None, Entries] = {None: {}}  # by blob id (None: no file): each version parsed once

    def version(blob: str | None) -> Entries:
        if blob not in parsed:
            parsed[blob] = read(texts[blob] if blob is not None else None)
        return parsed[blob]

    def malformed(blob: str | None) -> bool:
        if blob is None:
            return False
        if blob not in memo.malformed:
            memo.malformed[blob] = version(blob) is _MALFORMED
        return memo.malformed[blob]

    rows: list[AuditRow] = []
    last_good: str | None = None
    with cache.collector_paused():  # parsing builds many containers and no cycles (see cache.collector_paused)
        for c in commits:
            new = blob_of[c.sha]
            if malformed(new):
                message = _("skipping commit {sha}: {path} there does not parse as a ledger")
                warn(message.format(sha=c.sha[:10], path=path))
                continue
            olds = [last_good if malformed(old) else old for old in [blob_of[p] for p in c.parents] or [None]]
            key = "\x1f".join(str(blob) for blob in (new, *olds))
            if key not in memo.diffs:
                found = [list(diff(version(old), version(new))) for old in olds]
                memo.diffs[key] = [change for change in found[0] if all(change in other for other in found[1:])]
            rows += [AuditRow(c.sha[:10], c.author, c.email, c.when, *change) for change in memo.diffs[key]]
            last_good = new
    memo.save()
    return [row for row in rows if (since is None or row.day >= since) and (until is None or row.day <= until)]


@dataclass
class _Memo:
    """What earlier runs learnt about this file's versions, by git blob id (content, so never stale):
    which versions do not parse, and the changes each commit introduced over its parents' versions.
    Kept in the read cache (see cache.py), so a second `history` parses nothing it has seen."""

    entry: Path | None
    key: bytes
    malformed: dict[str, bool]
    diffs: dict[str, list[_Change]]
    seen: int = 0

    @classmethod
    def load(cls, repo: Path, path: str) -> _Memo:
        from parktrack import cache

        if cache.bypassed():
            return cls(None, b"", {}, {})
        entry, key = cache.history_entry(repo, path)
        payload = cache.read_history(entry, key)
        try:
            malformed = {str(blob): bool(bad) for blob, bad in payload["malformed"].items()}
            diffs = {str(k): [_thawed(change) for change in changes] for k, changes in payload["diffs"].items()}
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            malformed, diffs = {}, {}  # none yet, or a foreign shape: start afresh
        return cls(entry, key, malformed, diffs, len(malformed) + len(diffs))

    def save(self) -> None:
        from parktrack import cache

        if self.entry is None or len(self.malformed) + len(self.diffs) == self.seen:
            return
        diffs = {key: [_frozen(change) for change in changes] for key, changes in self.diffs.items()}
        cache.write_history(self.entry, self.key, {"malformed": self.malformed, "diffs": diffs})


def _frozen(change: _Change) -> tuple[Any, ...]:
    """A change as plain values (the day as ISO text), for the cache."""
    effective = change[4]
    return (*change[:4], effective.isoformat() if effective else None, *change[5:])


def _thawed(stored: Any) -> _Change:
    task_id, kind, old, new, effective, note, period = stored
    day = date.fromisoformat(effective) if effective is not None else None
    return (str(task_id), str(kind), old, new, day, note, period)


def _commits(repo: Path, path: str, since: date | None) -> Iterator[_Commit]:
    args = ["log", "--reverse", "--topo-order", "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI"]
    if since:
        args.append(f"--since={since.isoformat()}T00:00:00")
    result = _git(repo, *args, "--", path, plain=True)
    if result.returncode:
        if "does not have any commits" in result.stderr:
            return
        raise GitError(_("git log failed: {reason}").format(reason=result.stderr.strip()))
    for line in result.stdout.splitlines():
        sha, parents, author, email, when = line.split("\x1f")
        yield _Commit(sha, parents.split(), author, email, when)


def _blobs(repo: Path, specs: list[str]) -> dict[str, tuple[str, str]]:
    """Read many `rev:path` blobs through one `git cat-file --batch`: (blob id, text) by spec."""
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
        blobs[spec] = (header[0].decode(), out[position : position + size].decode("utf-8", errors="replace"))
        position += size + 1
    return blobs


def _entries(text: str | None, collection: str, lists: tuple[str, ...]) -> Entries:
    """The entries of one version by id; _MALFORMED when the version is not a readable ledger file."""
    from parktrack.store import load_plain

    if text is None:
        return {}  # the file did not exist in that commit
    data = load_plain(text)
    entries = data.get(collection) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return _MALFORMED
    found: Entries = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str | int | float):
            return _MALFORMED
        for key in lists:
            values = entry.get(key)
            if values is not None and not (isinstance(values, list) and all(isinstance(v, dict) for v in values)):
                return _MALFORMED
        found[str(entry["id"])] = entry
    return found


def _tasks(text: str | None) -> Entries:
    return _entries(text, "tasks", ("history",))


def _indicators(text: str | None) -> Entries:
    return _entries(text, "indicators", ("actuals",))


_Change = tuple[str, str, str | None, str | None, date | None, str | None, str | None]
_TRACKED_ELSEWHERE = frozenset({"status", "history", "actuals"})


def _added(old: list[Any], new: list[Any]) -> list[int] | None:
    """Positions in `new` of the entries added to `old` (anywhere: a late entry goes in date order), or None
    when `old` is not kept in order within `new` (entries rewritten or removed)."""
    added, kept = [], 0
    for position, entry in enumerate(new):
        if kept < len(old) and entry == old[kept]:
            kept += 1
        else:
            added.append(position)
    return added if kept == len(old) else None


def _edits(entry_id: str, before: dict[str, Any], after: dict[str, Any], series: str) -> Iterator[_Change]:
    edited = sorted(
        str(key)
        for key in set(before) | set(after)
        if key not in _TRACKED_ELSEWHERE and before and before.get(key) != after.get(key)
    )
    if before and _added(before.get(series) or [], after.get(series) or []) is None:
        edited.append(series)  # earlier entries rewritten, not added to
    if edited:
        yield entry_id, "edit", None, ", ".join(edited), None, None, None


def _diff(old: Entries, new: Entries) -> Iterator[_Change]:
    for task_id, after in new.items():
        before = old.get(task_id, {})
        yield from _history_changes(task_id, before, after)
        yield from _edits(task_id, before, after, "history")


def _history_changes(task_id: str, before: dict[str, Any], after: dict[str, Any]) -> Iterator[_Change]:
    new_history = after.get("history") or []
    added = _added(before.get("history") or [], new_history) or []
    for position in added:
        entry = new_history[position]
        effective = _as_date(entry.get("date"))
        note = _text(entry.get("note"))
        if entry.get("status"):
            earlier = [e["status"] for e in new_history[:position] if e.get("status")]
            in_effect = earlier[-1] if earlier else "not_started"
            yield task_id, "status", _text(in_effect), _text(entry["status"]), effective, note, None
        else:
            yield task_id, "note", None, None, effective, note, None
    old_status = _text(before.get("status", "not_started"))
    new_status = _text(after.get("status", "not_started"))
    if before and old_status != new_status and not any(new_history[p].get("status") for p in added):
        # a hand edit of the status field without a history entry
        yield task_id, "status", old_status, new_status, None, None, None


def _figure_diff(old: Entries, new: Entries) -> Iterator[_Change]:
    for indicator_id, after in new.items():
        before = old.get(indicator_id, {})
        actuals = after.get("actuals") or []
        for position in _added(before.get("actuals") or [], actuals) or []:
            entry = actuals[position]
            period = _text(entry.get("period"))
            earlier = [e for e in actuals[:position] if _text(e.get("period")) == period]
            replaced = None if not earlier or earlier[-1].get("withdrawn") else _value(earlier[-1])
            if entry.get("withdrawn"):
                change, value = "withdrawal", None
            else:
                change, value = ("correction" if entry.get("correction") else "figure"), _value(entry)
            effective = _as_date(entry.get("recorded"))
            yield indicator_id, change, replaced, value, effective, _text(entry.get("note")), period
        yield from _edits(indicator_id, before, after, "actuals")


def _value(entry: dict[str, Any]) -> str | None:
    value = entry.get("value")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        text = f"{value:g}"
        reference = entry.get("reference")
        return f"{text} (reference {reference:g})" if isinstance(reference, int | float) else text
    return _text(value)


def _text(value: Any) -> str | None:
    """A value from an old version as text: a list or mapping where text belongs is named, not repr'd."""
    if value is None:
        return None
    return str(value) if isinstance(value, str | int | float | date) else shown(value)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
