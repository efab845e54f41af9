"""The one write path: lock, check git, splice the edits in, validate, replace atomically, commit.

A write is a list of `Edit`s, each new text for one entry (an item of tasks.yaml, an indicator of
indicators.yaml) computed from that entry's text and node. It is validated one of two ways:

- **By item.** When the read cache knows the files exactly as they are on disk (an entry keyed by
  their bytes) and where each item's text lies, each edited item's text is cut out, spliced, parsed
  alone and checked alone against the rest of the ledger (`ledger.check_task_alone`); indicators.yaml,
  small, is parsed and checked in full. The rest of tasks.yaml is neither parsed nor decoded: at
  50,000 items this is the difference between half a minute and a second.
- **In full.** Otherwise (no cache entry, --no-cache, an irregular layout, or anything the item path
  is not sure of), every file is parsed and the whole ledger validated, as `validate` does.

The item path accepts a change only where a full check would accept it and build the same items
(tests/test_item_writes.py compares the two on generated and hand-mangled changes); whenever it is
unsure, or the change is invalid, the full path runs and its problems are the ones reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parktrack import store
from parktrack.collector import paused
from parktrack.errors import (
    CommitRefusedError,
    DataError,
    GitError,
    Problem,
    RefusedChangeError,
    UsageError,
    WriteError,
)
from parktrack.i18n import _
from parktrack.store import DataDir, Splice

if TYPE_CHECKING:
    from parktrack.cache import Base
    from parktrack.ledger import Ledger
    from parktrack.models import Indicator, Task

Message = tuple[str, str, list[tuple[str, str]]]  # subject, body, trailers


@dataclass(frozen=True)
class Edit:
    """New text for one entry of a ledger file: `splices(text, node)` gets the text holding the entry
    and the entry's node (marks count in that text) and returns the splices to make there."""

    file_name: str
    collection: str  # the top-level list holding the entry: tasks, indicators
    entry_id: str
    splices: Callable[[str, Any], list[Splice]]


def write_change(
    data: DataDir,
    prepare: Callable[[Ledger], Sequence[Edit]],
    message: Callable[[], Message],
    commit: bool,
    author: str | None = None,
    files: Sequence[str] = (),
) -> tuple[str | None, str | None]:
    """Under the lock: check git, take the ledger as it stands, prepare the edits from it, write them, commit.

    `files`: the ledger files the write goes to, checked for uncommitted changes when `prepare` refuses."""
    with store.locked(data):
        return write_locked(data, prepare, message, commit, author, files)


def write_locked(
    data: DataDir,
    prepare: Callable[[Ledger], Sequence[Edit]],
    message: Callable[[], Message],
    commit: bool,
    author: str | None = None,
    files: Sequence[str] = (),
) -> tuple[str | None, str | None]:
    """write_change for a caller that already holds the lock (several writes in one turn)."""
    from parktrack import cache

    base = cache.load_for_write(data)
    try:
        edits = prepare(base.ledger)
    except UsageError:
        if commit and files:  # "already so" may be a change written but never committed (a killed run): say that
            commit_target(data, files)
        raise
    if not edits:
        return None, None
    file_names = list(dict.fromkeys(edit.file_name for edit in edits))
    repo = commit_target(data, file_names) if commit else None
    write_edits(data, edits, base)
    if repo is None:
        return None, None
    paths = [data.file(name) for name in file_names]
    return committed_or_restored(repo, paths, *message(), author=author), str(repo)


def committed_or_restored(
    repo: Path,
    paths: Sequence[Path],
    subject: str,
    body: str,
    trailers: Sequence[tuple[str, str]],
    author: str | None = None,
) -> str:
    """Commit the files written; where git makes no commit (no identity, a hook or signing refusing it),
    put them back as they were, so that the ledger and its trail never part and running the command
    again, once git can commit, records the change. They were as committed before the write (see
    commit_target), so git's own copy at HEAD puts them back, holding no copy of a large file meanwhile."""
    from parktrack import gitrepo

    try:
        return gitrepo.commit(repo, paths, subject, body, trailers, author=author)
    except CommitRefusedError as failed:
        gitrepo.restore(repo, paths)
        message = _("nothing was recorded: {reason}; the ledger is as it was, so run this again once git can commit")
        raise GitError(message.format(reason=failed.reason)) from None


def commit_target(data: DataDir, file_names: Sequence[str]) -> Path | None:
    """The repository to commit the files in (None: truly outside git), checked before anything is
    written: git's index not locked, and none of the files with uncommitted changes."""
    from parktrack import gitrepo

    repo = gitrepo.repo_to_write_in(data.path)
    if repo is None:
        return None
    paths = [data.file(name) for name in file_names]
    for path in gitrepo.hidden_from_git(repo, paths):  # git status would not tell their changes
        message = _(
            "git's index marks {path} as not to be looked at (assume-unchanged or skip-worktree), so git would "
            "neither show its uncommitted changes nor commit it as written; nothing was written. Clear the mark "
            "with `git -C {repo} update-index --no-assume-unchanged --no-skip-worktree -- {file}`, then run this again"
        )
        raise GitError(message.format(path=path, repo=repo, file=path.resolve().relative_to(repo.resolve())))
    for path in paths:
        state = gitrepo.uncommitted(repo, path)
        if state == "!!":
            raise _ignored(repo, path)
        if state == "??":
            raise _never_committed(repo, path, data.path)
        if state:
            raise _uncommitted(repo, path)
    return repo


def _never_committed(repo: Path, path: Path, folder: Path) -> WriteError:
    """The whole data folder committed first: the ledger in git must validate without what is left out."""
    relative = folder.resolve().relative_to(repo.resolve())
    message = _(
        "{path} has never been committed to git, so parktrack's commit would hold the whole file; nothing was "
        "written. Commit the ledger first with "
        '`git -C {repo} add -- {folder} && git -C {repo} commit -m "the ledger" -- {folder}`, then run this again'
    )
    return WriteError(message.format(path=path, repo=repo, folder=relative))


def _ignored(repo: Path, path: Path) -> WriteError:
    relative = path.resolve().relative_to(repo.resolve())
    message = _(
        "{path} is not tracked by git and its .gitignore ignores it, so parktrack cannot commit a change to it; "
        "nothing was written. Track it with `git -C {repo} add -f -- {file} && "
        'git -C {repo} commit -m "track the ledger" -- {file}`, or write with --no-commit'
    )
    return WriteError(message.format(path=path, repo=repo, file=relative))


def _uncommitted(repo: Path, path: Path) -> WriteError:
    relative = path.resolve().relative_to(repo.resolve())
    message = _(
        "{path} has changes that are not committed (a hand edit, or a write interrupted before its commit); "
        "a parktrack commit holds only its own change, so nothing was written. Look at them with "
        "`git -C {repo} diff HEAD -- {file}`, then commit them with "
        '`git -C {repo} add -- {file} && git -C {repo} commit -m "hand edit" -- {file}` '
        "or discard them with `git -C {repo} checkout HEAD -- {file}`, and run this again"
    )
    return WriteError(message.format(path=path, repo=repo, file=relative))


def write_edits(data: DataDir, edits: Sequence[Edit], base: Base) -> str:
    """Write the edits, validated by item when that is sure, else in full; which way it went."""
    with paused():
        if _write_by_item(data, edits, base):
            return "item"
        _write_in_full(data, edits, base)
        return "full"


# --- by item ----------------------------------------------------------------------------


@dataclass
class _Spliced:
    """tasks.yaml with some items' text replaced, and what the cache needs to know about it."""

    raw: bytes
    tasks: dict[int, Task]  # the new items, by position
    cuts: list[int]


def _write_by_item(data: DataDir, edits: Sequence[Edit], base: Base) -> bool:
    """The item path; False (nothing written) whenever it cannot vouch for the result."""
    texts, ledger = base.texts, base.ledger
    if base.payload is None or texts is None or any(e.file_name not in _BY_ITEM for e in edits):
        return False
    changed: dict[str, bytes] = {}
    spliced, indicators = None, None
    task_edits = [edit for edit in edits if edit.file_name == store.TASKS_FILE]
    if task_edits:
        spliced = _splice_items(data, ledger, texts[store.TASKS_FILE], task_edits)
        if spliced is None:
            return False
        changed[store.TASKS_FILE] = spliced.raw
    indicator_edits = [edit for edit in edits if edit.file_name == store.INDICATORS_FILE]
    if indicator_edits:
        checked = _splice_indicators(data, ledger, texts.get(store.INDICATORS_FILE), indicator_edits)
        if checked is None:
            return False
        indicators, changed[store.INDICATORS_FILE] = checked
    for name, raw in changed.items():
        store.replace_file(data.file(name), raw, texts[name])
    from parktrack import cache

    tasks, cuts = (spliced.tasks, spliced.cuts) if spliced else ({}, ledger.task_cuts)
    cache.remember_edit(base, tasks, cuts, indicators, {**texts, **changed})
    return True


_BY_ITEM = (store.TASKS_FILE, store.INDICATORS_FILE)


def _splice_items(data: DataDir, ledger: Ledger, raw: bytes, edits: Sequence[Edit]) -> _Spliced | None:
    """Each edited item's text cut out, spliced, parsed and checked alone; None when one is not sure."""
    cuts = ledger.task_cuts
    if cuts is None:
        return None
    by_position: dict[int, list[Edit]] = {}
    for edit in edits:
        position = ledger.tasks.positions.get(edit.entry_id)
        if position is None:
            return None
        by_position.setdefault(position, []).append(edit)
    pieces, done = [], 0
    newline = store.file_newline(raw)  # the whole file's style, as the full path sees it
    tasks: dict[int, Task] = {}
    growth = [0] * len(cuts)  # how much item i's text grew, at cut i + 1
    for position in sorted(by_position):
        start, end = cuts[position], cuts[position + 1]
        replaced = _replace_item(data, ledger, raw[start:end], by_position[position], newline)
        if replaced is None:
            return None
        text, tasks[position] = replaced
        pieces += [raw[done:start], text]
        done = end
        growth[position + 1] = len(text) - (end - start)
    pieces.append(raw[done:])
    new_cuts = [cut + shift for cut, shift in zip(cuts, accumulate(growth), strict=True)]
    return _Spliced(b"".join(pieces), tasks, new_cuts)


def _replace_item(
    data: DataDir, ledger: Ledger, old_raw: bytes, edits: Sequence[Edit], newline: str = "\n"
) -> tuple[bytes, Task] | None:
    """One item's new text and model, or None unless it parses alone as it would in place and checks out."""
    from parktrack.ledger import check_task_alone

    path = data.file(store.TASKS_FILE)
    old = old_raw.decode("utf-8")
    item = store.read_item(path, old)
    if item is None:
        return None
    splices = [splice for edit in edits for splice in edit.splices(item.doc.text, item.node)]
    new = store.apply_splices(old, splices, newline)
    parsed = store.read_item(path, new) if store.stays_in_place(old, new, item.column) else None
    task = check_task_alone(parsed.doc.data[0], ledger) if parsed is not None else None
    if task is None or task.id != edits[0].entry_id:
        return None
    return new.encode("utf-8"), task


def _splice_indicators(
    data: DataDir, ledger: Ledger, raw: bytes | None, edits: Sequence[Edit]
) -> tuple[list[Indicator], bytes] | None:
    """indicators.yaml (small) spliced and checked in full against the ledger's units and items."""
    from parktrack.ledger import check_indicators_text

    if raw is None:
        return None
    doc = store.read_yaml(data.file(store.INDICATORS_FILE), raw.decode("utf-8"), marks=True)
    if not doc.ok:
        return None
    try:
        text = store.apply_splices(doc.text, _doc_splices(doc, edits))
    except UsageError:
        return None
    indicators = check_indicators_text(ledger, text)
    if indicators is None:
        return None
    return indicators, doc.encoded(text)


# --- in full ----------------------------------------------------------------------------


def _write_in_full(data: DataDir, edits: Sequence[Edit], base: Base) -> None:
    """Every file parsed once, the whole ledger with the new text validated, then each file replaced.

    The validated ledger is remembered in the read cache under the bytes written, so the next command
    starts from the cache.
    """
    from parktrack import cache
    from parktrack.ledger import load

    raw = base.texts if base.texts is not None else cache.read_files(data)
    texts = {name: _decoded(content) for name, content in (raw or {}).items()}
    docs: dict[str, store.YamlDoc] = {}
    new_texts: dict[str, str] = {}
    for file_name in dict.fromkeys(edit.file_name for edit in edits):
        doc = store.read_yaml(data.file(file_name), texts.get(file_name), marks=True)
        if not doc.ok:
            raise DataError(doc.problems)
        mine = [edit for edit in edits if edit.file_name == file_name]
        docs[file_name], new_texts[file_name] = doc, store.apply_splices(doc.text, _doc_splices(doc, mine))
    unchanged = {name: text for name, text in texts.items() if text is not None and name not in new_texts}
    # validated as written, byte order mark included, so the item cuts it finds count from the file's first byte
    as_written = {name: ("\ufeff" if docs[name].bom else "") + text for name, text in new_texts.items()}
    try:
        validated = load(data, replacing={**unchanged, **as_written})
    except DataError as error:
        # the problems are in text that was never written: cite the item and field, not a line on disk
        refused = [Problem(p.path, None, None, p.where, p.message) for p in error.problems]
        raise RefusedChangeError(data.file(edits[0].file_name), refused) from None
    written = dict(raw or {})
    for file_name, text in new_texts.items():
        written[file_name] = docs[file_name].encoded(text)
        store.replace_file(data.file(file_name), written[file_name], docs[file_name].raw)
    if raw is not None and all(text is not None for text in texts.values()):
        cache.remember(data, validated, written)


def _doc_splices(doc: store.YamlDoc, edits: Sequence[Edit]) -> list[Splice]:
    splices = []
    for edit in edits:
        node = store.entry_node(doc, edit.collection, edit.entry_id)
        if node is None:
            raise UsageError(_("no '{id}' in {collection}").format(id=edit.entry_id, collection=edit.collection))
        splices += edit.splices(doc.text, node)
    return splices


def _decoded(raw: bytes) -> str | None:
    """The text of a file's bytes; None when it is not UTF-8 (the loader reads the file and says where)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
