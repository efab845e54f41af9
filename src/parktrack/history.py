"""Git as the audit trail: who changed which item or figure, when, from what to what (git plumbing: gitrepo.py)."""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parktrack import gitrepo
from parktrack.collector import paused
from parktrack.errors import DataError, GitError, shown, warn
from parktrack.i18n import _

if TYPE_CHECKING:
    from parktrack.datadir import DataDir
    from parktrack.ledger import Ledger

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
    stamp: int = 0  # when the commit was made, in seconds since 1970: comparable across offsets

    @property
    def committed_day(self) -> date:
        """The day the commit's date shows, in its own offset (the same on every machine); a year past
        9999 (a clock that wrote milliseconds for seconds) as the last day a date can be."""
        year, month, day = (int(part) for part in self.committed.partition("T")[0].split("-"))
        return date(year, month, day) if year <= date.max.year else date.max

    @property
    def day(self) -> date:
        """The day the change took effect, else the day it was committed (hand edits carry no date)."""
        return self.effective or self.committed_day


Entries = dict[str, dict[str, Any]]
_Change = tuple[str, str, str | None, str | None, date | None, str | None, str | None]

# How often this process parsed each version (by blob id) in full, and parsed a region of one (for the
# tests that check that no version is parsed twice and that parktrack's own commits parse only a region).
FULL_PARSES: Counter[str] = Counter()
REGION_PARSES: Counter[str] = Counter()
REGION_READS: Counter[str] = Counter()  # texts parsed on their own (an entry, or a run of them), by collection
USE_TRAILERS = True  # False: read every version in full (the tests compare both ways)


def ledger_to_show_it_with(data: DataDir, load: Callable[[], Ledger]) -> Ledger:
    """The ledger whose names and items the trail is shown with: `load()`'s, or, where a data file holds
    git's conflict markers (a merge under way), the files as committed at HEAD: the trail is git's own, and
    reading it helps decide what to keep."""
    try:
        return load()
    except DataError:
        from parktrack import ledger, store

        conflicted = [
            name
            for name in (store.UNITS_FILE, store.TASKS_FILE, store.INDICATORS_FILE)
            if data.file(name).exists() and store.conflict_signs(data.file(name).read_text("utf-8", "replace"))
        ]
        repo = gitrepo.repo_root(data.path) if conflicted else None
        committed = {name: gitrepo.committed_text(repo, data.file(name)) for name in conflicted} if repo else {}
        if not committed or None in committed.values():
            raise
        message = _("{files}: unresolved merge conflicts; the trail is shown with the ledger as committed at HEAD")
        warn(message.format(files=", ".join(conflicted)))
        return ledger.load(data, replacing={name: text for name, text in committed.items() if text is not None})


def audit_trail(
    data_dir: Path,
    file_name: str,
    committed_since: date | None = None,
    since: date | None = None,
    until: date | None = None,
    trailers: bool | None = None,
) -> list[AuditRow]:
    """Every entry change to `file_name` in the repository holding `data_dir`, oldest commit first.

    A merge shows only what it introduced itself (a conflict resolution, say): the changes it brings
    in from a branch appear once, under the commits that made them. A version of the file that does
    not parse is skipped with a warning naming its commit; the trail goes on from the last good one.
    `since`/`until` filter by the day a change took effect, `committed_since` by the day the commit's
    date shows (the `committed` column): not by git's `--since`, which reads the day in this machine's
    zone, compares the committer's date rather than the one shown, and stops at a commit dated before
    its parent (a clock running behind), hiding every commit older than it.
    `trailers=False` parses every version in full (see `_Versions`: the answer is the same, slower);
    None: `USE_TRAILERS`.
    """
    repo = gitrepo.repo_root(data_dir)
    if repo is None:
        message = _("{folder} is not inside a git repository, so there is no audit trail to read")
        raise GitError(message.format(folder=data_dir))
    path = str((data_dir / file_name).resolve().relative_to(repo.resolve()))
    kind = _INDICATORS if file_name == "indicators.yaml" else _TASKS
    commits, blob_of = _commits_and_blobs(repo, path)

    memo = _Memo.load(repo, path)
    rows: list[AuditRow] = []
    last_good: str | None = None
    last_there: str | None = None  # the newest good version before the file was deleted, if it was
    with gitrepo.BlobReader(repo) as reader, paused():  # parsing builds no cycles (see collector.py)
        seen = [[blob_of[c.sha], *(blob_of[p] for p in c.parents)] for c in commits]
        trust = USE_TRAILERS if trailers is None else trailers
        versions = _Versions(kind, reader.text, memo, [blob for blobs in seen for blob in blobs], trust)
        for c in commits:
            new, parents = blob_of[c.sha], [blob_of[p] for p in c.parents] or [None]
            versions.try_trailers(c, new, parents)
            if versions.malformed(new):
                message = _("skipping commit {sha}: {path} there does not parse as a ledger")
                warn(message.format(sha=c.sha[:10], path=path))
                versions.done([new, *(blob_of[p] for p in c.parents)], last_good)
                continue
            olds = [last_good if versions.malformed(old) else old for old in parents]
            if new is not None and last_there is not None and all(old is None for old in olds):
                olds = [last_there]  # deleted, then restored: what changed while it was away, not all again
            key = _key(new, olds)
            if key not in memo.diffs:
                memo.diffs[key] = versions.changes(new, olds)
            rows += [
                AuditRow(c.sha[:10], c.author, c.email, c.when, *change, stamp=c.stamp) for change in memo.diffs[key]
            ]
            if memo.diffs[key] and all(blob_of[p] is None for p in c.parents):
                _say_where_the_trail_starts(repo, path, c)
            last_good = new
            last_there = new if new is not None else last_there
            versions.done([new, *(blob_of[p] for p in c.parents)], last_good)
    memo.save()
    if last_good is not None:
        versions.keep_newest(last_good)
    return [
        row
        for row in rows
        if (since is None or row.day >= since)
        and (until is None or row.day <= until)
        and (committed_since is None or row.committed_day >= committed_since)
    ]


def _commits_and_blobs(repo: Path, path: str) -> tuple[list[gitrepo.Commit], dict[str, str | None]]:
    """The commits that changed `path`, oldest first, and the file's blob in each of them and their
    parents. A commit that moved the file there (`git mv data 2024/data`) is followed to where it came
    from: the commits that changed it there count too, and a commit's blob is the file at its path then,
    so the changes made before a move (or on a branch merged after it) stay under the commits that made
    them and the move itself changes nothing."""
    paths: list[str] = []
    while True:
        commits = list(gitrepo.log(repo, path, paths))
        shas = {sha for c in commits for sha in (c.sha, *c.parents)}
        blob_of = gitrepo.blob_ids(repo, path, shas)
        for former in paths:  # the newest name first: where a commit has the file under it
            for sha, blob in gitrepo.blob_ids(repo, former, shas).items():
                blob_of[sha] = blob_of[sha] or blob
        brought = [c for c in commits if c.parents and blob_of[c.sha] and all(blob_of[p] is None for p in c.parents)]
        old = gitrepo.renamed_from(repo, brought[0], paths[-1] if paths else path) if brought else None
        if old is None or old == path or old in paths:
            return commits, blob_of
        paths.append(old)


def _say_where_the_trail_starts(repo: Path, path: str, brought: gitrepo.Commit) -> None:
    """The oldest commit a shallow clone has, shown making the changes made before it: say so, since git
    cannot say who made them."""
    if not brought.parents and brought.sha in gitrepo.shallow_boundary(repo):
        message = _(
            "this is a shallow clone whose history stops at commit {sha}: the changes to {path} made "
            "before it are shown under it; `git fetch --unshallow` reads the whole trail"
        )
        warn(message.format(sha=brought.sha[:10], path=path))


def _key(new: str | None, olds: Sequence[str | None]) -> str:
    return "\x1f".join(str(blob) for blob in (new, *olds))


@dataclass(frozen=True)
class _Kind:
    """One ledger file's shape: its list of entries, their list fields, the trailer naming them, their diff."""

    collection: str
    lists: tuple[str, ...]
    trailer: str
    diff: Callable[[Entries, Entries, Sequence[str] | None], Iterator[_Change]]


@dataclass
class _Version:
    """One version of a ledger file, read: its entries in file order and by id.

    `text` is the file's bytes (without a byte order mark); `starts` is where each entry's text begins
    in them (the line of its `-`), known when the file is laid out so that an entry's text can be read
    on its own (see `_layout`); None otherwise. `unique`: no two entries share an id, so the entries
    by id are in file order. `odd`: some entry has a top-level value unequal to itself (a NaN), which
    the diff reports as an edit every time.
    """

    text: bytes
    entries: list[dict[str, Any]]
    by_id: Entries
    starts: list[int] | None = None
    indent: int = 0
    unique: bool = True
    odd: bool = False


_ABSENT = _Version(b"", [], {})  # the file did not exist in that commit


class _Versions:
    """The versions of one file that the trail needs, each read at most once, and the changes between them.

    A version is read in one of two ways. In full: its whole text parsed (`store.load_plain`, the
    loader every old version goes through). Or, for a commit parktrack wrote, from its parent's
    version and only the text that changed: the trailers parktrack writes (Parktrack-Task: T07, or
    Parktrack-Indicator) name the entries a write changed, and `_derive` re-parses just the region of
    the file that differs from the parent (whole entries, the lines from one entry's `-` to the next;
    when a write to several items leaves the entries between them untouched, each changed entry
    alone), keeping every other entry as the parent's version parsed it.

    Why not take the changes from the trailers themselves: they name the items, not the history
    entries' notes, the status in effect before a late entry (補記), a figure's value as the file holds
    it, nor an edit folded in by hand. Reading the named entries' own text gives all of that exactly,
    for the cost of parsing a few lines.

    Trailers alone are not trusted to tell what changed: they are text in a commit message that anyone
    can write, amend or fold a hand edit under. They only choose which commits may take the short way,
    and the answer never comes from them. The short way is taken only when all of these hold, else the
    version is parsed in full and diffed as any hand edit is:
    - the commit has one parent, whose version parsed, and the file is laid out entry by entry
      (`_layout`: the list is the file's last top-level value, every entry's `-` starts a line at one
      indentation, and the parser's own marks agree with those lines, entry for entry);
    - the text before the first entry is unchanged, and the changed region holds no anchor, alias,
      tag, tab, NUL, document marker, merge-conflict marker or unusual line break: nothing whose
      meaning depends on text outside the region, nothing the full loader would refuse;
    - the region (or each changed entry), parsed on its own under the list's key, is a list of
      well-shaped entries whose own layout checks out: it starts at an entry's `-` line, holds as many
      such lines as entries, and ends where the next entry's `-` line begins. A text left open at its
      end (a quoted scalar running on) fails that parse, so in the whole file too the parser is between
      entries there, and the text means the same on its own as in the file;
    - the entries that differ (by value, after parsing) are exactly the ones the trailers name.
    Then the new version's entries are the parent's with the region's replaced, which is what parsing
    the whole file gives (the region's text is read by the same loader, in the same indentation, and
    nothing outside it can change its meaning), so the rows are identical to a full diff's; tests
    compare both on real repositories, with hand edits, amended commits and lying trailers.

    The newest version read is kept in the read cache (entries and layout, by blob id; see
    `keep_newest`), so the run after a write reads that write's region over it instead of parsing the
    oldest version again.
    """

    def __init__(
        self, kind: _Kind, read: Callable[[str], bytes], memo: _Memo, uses: list[str | None], trailers: bool
    ) -> None:
        self.kind, self.read, self.memo, self.trust = kind, read, memo, trailers
        self.live: dict[str | None, _Version | None] = {None: _ABSENT}  # None: does not parse
        self.derived: dict[str, list[_Change]] = {}  # changes found while deriving a version, by memo key
        self.stored: tuple[str, _Version] | bool | None = False  # an earlier run's newest version (False: unread)
        self.uses = Counter(uses)  # how many commits still to come have each version as theirs

    def get(self, blob: str | None, text: bytes | None = None) -> _Version | None:
        if blob not in self.live and blob is not None and (stored := self._stored(blob)) is not None:
            self.live[blob] = stored
        if blob not in self.live:
            assert blob is not None
            FULL_PARSES[blob] += 1
            self.live[blob] = _parse(self.read(blob) if text is None else text, self.kind)
            self.memo.malformed[blob] = self.live[blob] is None
        return self.live[blob]

    def malformed(self, blob: str | None) -> bool:
        if blob is None:
            return False
        if blob not in self.live and blob in self.memo.malformed:
            return self.memo.malformed[blob]
        return self.get(blob) is None

    def try_trailers(self, commit: gitrepo.Commit, new: str | None, parents: list[str | None]) -> None:
        """Read `new` from its parent and the region that changed, when the commit's trailers allow it."""
        if not self.trust or new is None or new in self.live or len(parents) != 1 or parents[0] is None:
            return
        named = commit.named(self.kind.trailer)
        old_blob = parents[0]
        key = _key(new, [old_blob])
        if not named or (new in self.memo.malformed and key in self.memo.diffs) or self.malformed(old_blob):
            return
        old = self.get(old_blob)
        assert old is not None
        text = self.read(new)
        found = _derive(old, text, self.kind)
        if found is not None:
            version, gone, read_again = found
            before, after = old.by_id, version.by_id
            candidates = {*gone, *read_again}
            changed = {i for i in candidates if i not in before or i not in after or before[i] != after[i]}
            if changed == named:
                REGION_PARSES[new] += 1
                self.live[new] = version
                self.memo.malformed[new] = False
                # only the entries read again can differ; in file order, which is the order by id when ids are unique
                only = read_again if version.unique and not (old.odd or version.odd) else None
                self.derived[key] = list(self.kind.diff(before, after, only))
                return
        self.get(new, text)  # the trailers do not tell the whole story: parse it all

    def changes(self, new: str | None, olds: list[str | None]) -> list[_Change]:
        """What a commit introduced: over each parent's version, the changes all of them agree on."""
        derived = self.derived.pop(_key(new, olds), None)
        if derived is not None:
            return derived
        after = self.get(new)
        assert after is not None
        found = []
        for old in olds:
            before = self.get(old)
            assert before is not None
            found.append(list(self.kind.diff(before.by_id, after.by_id, None)))
        return [change for change in found[0] if all(change in other for other in found[1:])]

    def _stored(self, blob: str) -> _Version | None:
        """The version an earlier run kept (see `keep_newest`), when it is `blob`; its text comes from git."""
        if self.stored is False:
            self.stored = _load_newest(self.memo)
        if not isinstance(self.stored, tuple) or self.stored[0] != blob:
            return None
        version = self.stored[1]
        version.text = self.read(blob).removeprefix(_BOM)
        if version.starts is not None and (version.starts[-1:] > [len(version.text)] or not version.entries):
            return None
        return version

    def keep_newest(self, blob: str) -> None:
        """Keep the newest version read in this run, so that a run after the next write reads one region."""
        version = self.live.get(blob)
        # a NaN read back from the cache is another object, unequal to the parsed one: keep no such version
        if self.memo.entry is None or version is None or version.starts is None or version.odd:
            return
        if self.stored is False:
            self.stored = _load_newest(self.memo)
        if isinstance(self.stored, tuple) and self.stored[0] == blob:
            return
        from parktrack import cache

        entry = self.memo.entry.with_name(self.memo.entry.name.replace("-history", "-newest"))
        fields = (version.entries, version.starts, version.indent, version.unique, version.odd)
        cache.write_history(entry, self.memo.key, {"blob": blob, "version": fields})

    def done(self, blobs: list[str | None], keep: str | None) -> None:
        """Forget versions no later commit needs (a 10,000-item version holds tens of megabytes)."""
        for blob in blobs:
            self.uses[blob] -= 1
        for blob in set(blobs):
            if blob is not None and self.uses[blob] <= 0 and blob != keep:
                self.live.pop(blob, None)


def _load_newest(memo: _Memo) -> tuple[str, _Version] | None:
    """The newest version an earlier run kept, or None (none kept, or a foreign shape)."""
    from parktrack import cache

    if memo.entry is None:
        return None
    payload = cache.read_history(memo.entry.with_name(memo.entry.name.replace("-history", "-newest")), memo.key)
    try:
        blob, (entries, starts, indent, unique, odd) = str(payload["blob"]), payload["version"]
        if not isinstance(entries, list) or not all(isinstance(entry, dict) and "id" in entry for entry in entries):
            return None
        if not isinstance(starts, list) or len(starts) != len(entries) or not all(isinstance(n, int) for n in starts):
            return None
        by_id = _by_id(entries)
        version = _Version(b"", entries, by_id, starts, int(indent), len(by_id) == len(entries), bool(odd))
        return (blob, version) if bool(unique) == version.unique else None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _parse(raw: bytes, kind: _Kind, by_items: bool = True) -> _Version | None:
    """A whole version, parsed; None when it is not a readable ledger file (or has the wrong shapes).

    Read item by item where a load would (store.load_plain_items: the same data, without holding the
    whole file's node tree, a quarter of the memory); else parsed whole. `by_items=False`: always whole.
    """
    from parktrack.store import load_plain_items, load_plain_node

    found = load_plain_items(raw, kind.collection) if by_items else None
    data, root = (found[0], None) if found else load_plain_node(raw.decode("utf-8", errors="replace"))
    entries = data.get(kind.collection) if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(_shaped(entry, kind.lists) for entry in entries):
        return None
    by_id = _by_id(entries)
    body = raw.removeprefix(_BOM)
    odd = _NAN.search(body) is not None and _odd(entries)  # YAML writes a NaN only as .nan, .NaN or .NAN
    version = _Version(body, entries, by_id, unique=len(by_id) == len(entries), odd=odd)
    if found:
        layout = _cut_layout(body, [cut - (len(raw) - len(body)) for cut in found[1]])
    else:
        layout = _layout(body, root, kind.collection, len(entries))
    if layout is not None:
        version.starts, version.indent = layout
    return version


def _cut_layout(text: bytes, cuts: list[int]) -> tuple[list[int], int] | None:
    """`_layout` for a version read item by item, from its item cuts (each at its `-` line): the same
    starts and indentation, and the same refusal of line breaks other than \\n (the layout counts lines)."""
    if len(cuts) < 2 or any(sign in text for sign in _OTHER_BREAKS):
        return None
    line = text[cuts[0] : text.find(b"\n", cuts[0])]
    return cuts[:-1], len(line) - len(line.lstrip(b" "))


def _shaped(entry: Any, lists: tuple[str, ...]) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str | int | float):
        return False
    for key in lists:
        values = entry.get(key)
        if values is not None and not (isinstance(values, list) and all(isinstance(v, dict) for v in values)):
            return False
    return True


def _by_id(entries: list[dict[str, Any]]) -> Entries:
    found: Entries = {}
    for entry in entries:
        found[str(entry["id"])] = entry
    return found


def _odd(entries: list[dict[str, Any]]) -> bool:
    """Some value, at any depth, is unequal to itself (a NaN): such versions compare only as parsed."""
    return any(_has_nan(value) for entry in entries for value in entry.values())


def _has_nan(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_nan(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_nan(item) for item in value)
    return bool(value != value)


_BOM = "\ufeff".encode()
_NAN = re.compile(rb"\.(?:nan|NaN|NAN)")
# what may not appear in a changed region read on its own (see _Versions): anchors, aliases and tags
# (their meaning lies elsewhere, and the loader refuses them), tabs and NULs (refused per file), line
# breaks other than \n (the layout counts lines by \n), a byte order mark
_UNSAFE_IN_REGION = frozenset("&*!\t\x00\r\x85\u2028\u2029\ufeff")
_UNSAFE_LINES = ("\n---", "\n...", "<<<<<<<", ">>>>>>>", "=======", "|||||||")
_OTHER_BREAKS = tuple(sign.encode() for sign in "\r\x85\u2028\u2029")
_ENTRY_LINES: dict[int, re.Pattern[bytes]] = {}


def _entry_line(indent: int) -> re.Pattern[bytes]:
    if indent not in _ENTRY_LINES:
        _ENTRY_LINES[indent] = re.compile(rb"^ {%d}-(?=[ \t\n]|\Z)" % indent, re.MULTILINE)
    return _ENTRY_LINES[indent]


def _layout(text: bytes, root: Any, collection: str, count: int) -> tuple[list[int], int] | None:
    """Where each entry of the list `collection` starts in `text` (the line of its `-`), and its indentation.

    Only for a file laid out so that entries can be read on their own: a block mapping whose last key,
    at the start of a line and given once, is `collection`, holding a non-empty block list; each entry's
    `-` then starts a line at the list's indentation. Lines like that inside an entry (a quoted text
    running over lines) would throw the count off, so the parser's marks must agree: as many such lines
    as entries, the first on the list's first line, and entry k's node starting at or after line k and
    before line k + 1. None when any of that fails.
    """
    from parktrack.store import last_list_lines

    if count == 0 or any(sign in text for sign in _OTHER_BREAKS):
        return None
    marks = last_list_lines(root, collection)
    if marks is None or len(marks[2]) != count:
        return None
    indent, first, item_lines = marks
    position = 0
    for _line in range(first):
        position = text.find(b"\n", position) + 1
        if position == 0:
            return None
    starts, lines, line = [], [], first
    for match in _entry_line(indent).finditer(text, position):
        line += text.count(b"\n", position, match.start())
        position = match.start()
        starts.append(position)
        lines.append(line)
    if len(starts) != count or lines[0] != first:
        return None
    lines.append(len(text) + 1)  # past the end
    if not all(lines[k] <= item_lines[k] < lines[k + 1] for k in range(count)):
        return None
    return starts, indent


def _derive(old: _Version, raw: bytes, kind: _Kind) -> tuple[_Version, set[str], list[str]] | None:
    """`raw`, a later version of `old`, read by re-parsing only the entries whose text changed.

    Returns the version, the ids of old entries whose text changed, and the ids of the entries read
    again in their place (in file order); None when the change cannot be read that way (see `_Versions`).
    """
    if old.starts is None:
        return None
    text = raw.removeprefix(_BOM)
    head = _common_prefix(old.text, text)
    tail = _common_suffix(old.text, text, min(len(old.text), len(text)) - head)
    starts = old.starts
    if head < starts[0]:
        return None  # the text before the entries changed
    first = bisect.bisect_right(starts, head) - 1
    if first > 0 and head <= old.text.find(b"\n", starts[first]):
        first -= 1  # text added at the end of an entry can look, to the prefix, like a change to the next's `-` line
    changed_end = max(len(old.text) - tail, head + 1)
    last = bisect.bisect_left(starts, changed_end) - 1
    region_end = starts[last + 1] if last + 1 < len(starts) else len(old.text)
    delta = len(text) - len(old.text)
    region = text[starts[first] : region_end + delta]
    if region_end + delta < len(text) and region and not region.endswith(b"\n"):
        return None
    found = _read_region(old, starts, region, first, last, region_end, kind)
    if found is None:
        return None
    region_entries, offsets, gone, read_again = found
    entries = old.entries[:first] + region_entries + old.entries[last + 1 :]
    if not entries:
        return None
    ids_before = [str(entry["id"]) for entry in old.entries[first : last + 1]]
    ids_after = [str(entry["id"]) for entry in region_entries]
    if old.unique and ids_before == ids_after:  # the same ids in the same places: update a copy
        by_id, unique = dict(old.by_id), True
        by_id.update(zip(ids_after, region_entries, strict=True))
    else:
        by_id = _by_id(entries)
        unique = len(by_id) == len(entries)
    new_starts = [starts[first] + offset for offset in offsets] + [start + delta for start in starts[last + 1 :]]
    version = _Version(text, entries, by_id, starts[:first] + new_starts, old.indent, unique)
    version.odd = _odd(entries) if old.odd else _NAN.search(region) is not None and _odd(region_entries)
    return version, gone, read_again


def _read_region(
    old: _Version, starts: list[int], region: bytes, first: int, last: int, region_end: int, kind: _Kind
) -> tuple[list[dict[str, Any]], list[int], set[str], list[str]] | None:
    """The entries in the new text of old's entries `first`..`last`, where each starts in it, the ids of
    the old entries whose text changed and the ids of the entries read again in their place.

    When the region holds as many entries as before (a write to several items far apart), an entry whose
    text is unchanged is the old one and each changed entry is parsed on its own; otherwise the region
    is parsed whole.
    """
    offsets = [match.start() for match in _entry_line(old.indent).finditer(region)]
    if region and offsets[:1] != [0]:
        return None
    bounds = [*starts[first : last + 1], region_end]
    before = [old.text[start:end] for start, end in itertools.pairwise(bounds)]
    after = [region[start:end] for start, end in itertools.pairwise([*offsets, len(region)])]
    if len(after) != len(before):
        read = _read_entries(region, kind, old.indent)
        if read is None:
            return None
        gone = {str(entry["id"]) for entry in old.entries[first : last + 1]}
        return read, offsets, gone, [str(entry["id"]) for entry in read]
    entries: list[dict[str, Any]] = []
    gone, read_again = set(), []
    for position, (was, now) in enumerate(zip(before, after, strict=True)):
        if was == now:
            entries.append(old.entries[first + position])
            continue
        read = _read_entries(now, kind, old.indent)
        if read is None or len(read) != 1:
            return None
        entries += read
        gone.add(str(old.entries[first + position]["id"]))
        read_again.append(str(read[0]["id"]))
    return entries, offsets, gone, read_again


def _read_entries(raw: bytes, kind: _Kind, indent: int) -> list[dict[str, Any]] | None:
    """Whole entries' text parsed on its own under the list's key; None unless it reads as it would in the file."""
    from parktrack.store import load_plain_node

    if not raw:
        return []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(sign in text for sign in _UNSAFE_IN_REGION) or any(mark in text for mark in _UNSAFE_LINES):
        return None
    header = f"{kind.collection}:\n"
    REGION_READS[kind.collection] += 1
    data, root = load_plain_node(header + text)
    if not isinstance(data, dict) or list(data) != [kind.collection] or not isinstance(data[kind.collection], list):
        return None
    read: list[dict[str, Any]] = data[kind.collection]
    layout = _layout(header.encode() + raw, root, kind.collection, len(read))
    if layout is None or layout[1] != indent or layout[0][0] != len(header):
        return None
    return read if all(_shaped(entry, kind.lists) for entry in read) else None


def _common_prefix(a: bytes, b: bytes) -> int:
    """How many leading bytes `a` and `b` share: runs of doubling length compared while they match, then halving."""
    limit, at, step = min(len(a), len(b)), 0, 4096
    while step:
        end = min(at + step, limit)
        if a[at:end] == b[at:end]:
            at, step = end, (step * 2 if end < limit else 0)
        else:
            step //= 2
    return at


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """How many trailing bytes `a` and `b` share, at most `limit` (as `_common_prefix`, from the end)."""
    at, step = 0, 4096
    while step:
        end = min(at + step, limit)
        if a[len(a) - end : len(a) - at] == b[len(b) - end : len(b) - at]:
            at, step = end, (step * 2 if end < limit else 0)
        else:
            step //= 2
    return at


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
    stored: dict[str, Any] = field(default_factory=dict)  # the diffs as read, so saving re-freezes only new ones

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
            stored = dict(payload["diffs"])
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            malformed, diffs, stored = {}, {}, {}  # none yet, or a foreign shape: start afresh
        return cls(entry, key, malformed, diffs, len(malformed) + len(diffs), stored)

    def save(self) -> None:
        from parktrack import cache

        if self.entry is None or len(self.malformed) + len(self.diffs) == self.seen:
            return
        diffs = {
            key: self.stored.get(key) or [_frozen(change) for change in changes] for key, changes in self.diffs.items()
        }
        cache.write_history(self.entry, self.key, {"malformed": self.malformed, "diffs": diffs})


def _frozen(change: _Change) -> tuple[Any, ...]:
    """A change as plain values (the day as ISO text), for the cache."""
    effective = change[4]
    return (*change[:4], effective.isoformat() if effective else None, *change[5:])


def _thawed(stored: Any) -> _Change:
    task_id, kind, old, new, effective, note, period = stored
    day = date.fromisoformat(effective) if effective is not None else None
    return (str(task_id), str(kind), old, new, day, note, period)


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


def _diff(old: Entries, new: Entries, only: Sequence[str] | None = None) -> Iterator[_Change]:
    """What changed from `old` to `new`, entry by entry in `new`'s order; `only`: just these (in that order)."""
    for task_id, after in _chosen(new, only):
        before = old.get(task_id, {})
        yield from _addition(old, task_id, after)
        yield from _history_changes(task_id, before, after)
        yield from _edits(task_id, before, after, "history")


def _addition(old: Entries, entry_id: str, after: dict[str, Any]) -> Iterator[_Change]:
    """An entry new to a file that had entries (`add`'s 交辦事項, or one added by hand), with its text (an
    indicator's name), dated by the meeting that decided it where it names one; the version that
    brought the file adds nothing."""
    if old and entry_id not in old:
        source = after.get("source")
        decided = _as_date(source.get("date")) if isinstance(source, dict) else None
        yield entry_id, "add", None, _text(after.get("text", after.get("name"))), decided, None, None


def _chosen(new: Entries, only: Sequence[str] | None) -> Iterable[tuple[str, dict[str, Any]]]:
    return new.items() if only is None else [(entry_id, new[entry_id]) for entry_id in only if entry_id in new]


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


def _figure_diff(old: Entries, new: Entries, only: Sequence[str] | None = None) -> Iterator[_Change]:
    for indicator_id, after in _chosen(new, only):
        before = old.get(indicator_id, {})
        yield from _addition(old, indicator_id, after)
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
        # language-free, as JSON gives it; render.figure_words words it for people
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


_TASKS = _Kind("tasks", ("history",), "Parktrack-Task", _diff)
_INDICATORS = _Kind("indicators", ("actuals",), "Parktrack-Indicator", _figure_diff)
