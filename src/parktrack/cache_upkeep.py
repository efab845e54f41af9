"""Keeping the read cache's folder from growing without bound.

There is one entry per data folder, and nothing tells the cache when a folder is deleted or moved (a
worktree, a copy, a ledger started and dropped). So a run that reads an entry marks it in use, and
now and then a run that writes one removes the entries no run has used for `UNUSED_DAYS` days, and
the temporary files of runs killed while writing. Only files named and headed as parktrack writes
them are removed, so a cache folder pointed at a shared place (PARKTRACK_CACHE_DIR) loses nothing else.
A removed entry is only a miss: the next run in that folder builds it again.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

UNUSED_DAYS = 30
DAY = 24 * 60 * 60  # seconds
SWEPT_MARK = ".swept"  # its time is the last sweep's
_ENTRY_NAME = re.compile(r"[0-9a-f]{32}-(?:full|tasks|history|newest)\.cache")
_TEMPORARY_NAME = re.compile(r"\.entry-[^/\\]+\.tmp")


def mark_used(entry: Path) -> None:
    """Keep `entry` from the sweep: its time moves to now, at most once a day (a hit writes nothing else)."""
    try:
        if time.time() - entry.stat().st_mtime > DAY:
            os.utime(entry)
    except OSError:
        pass  # an entry that cannot be marked may be swept: only a miss later


def sweep(folder: Path, magic: bytes) -> list[Path]:
    """Remove the entries unused for UNUSED_DAYS and the temporary files older than a day, when no
    sweep has run for a day; what was removed. Files not headed by `magic` are left alone."""
    now = time.time()
    if not _due(folder / SWEPT_MARK, now):
        return []
    removed = []
    try:
        with os.scandir(folder) as found:
            for item in found:
                if _expired(item, now) and _ours(
                    Path(item.path), magic, whole=_ENTRY_NAME.fullmatch(item.name) is not None
                ):
                    try:
                        Path(item.path).unlink(missing_ok=True)
                    except OSError:
                        continue  # another user's, in a shared folder: the others are still swept
                    removed.append(Path(item.path))
    except OSError:
        pass  # a folder that cannot be swept is no error: it was only tidying
    return removed


def _due(mark: Path, now: float) -> bool:
    """Whether a day has passed since the last sweep (or the mark is dated ahead of now: a clock that
    ran ahead would stop the sweep until then); the mark is moved first, so that concurrent runs do
    not all sweep."""
    try:
        if abs(now - mark.stat().st_mtime) < DAY:  # a mark a moment ahead is a concurrent sweep's
            return False
    except FileNotFoundError:
        pass
    except OSError:
        return False
    try:
        _touch(mark)
    except OSError:
        return False
    return True


def _touch(mark: Path) -> None:
    """Create the mark or move its time to now, never through a link (in a shared folder, a link
    planted as the mark would have us touch a file elsewhere): a link there is an OSError."""
    descriptor = os.open(mark, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.utime(descriptor if os.utime in os.supports_fd else mark)
    finally:
        os.close(descriptor)


def _expired(item: os.DirEntry[str], now: float) -> bool:
    if _ENTRY_NAME.fullmatch(item.name):
        limit = UNUSED_DAYS * DAY
    elif _TEMPORARY_NAME.fullmatch(item.name):
        limit = DAY  # a write takes seconds: a day-old temporary file is a killed run's
    else:
        return False
    try:
        return item.is_file(follow_symlinks=False) and now - item.stat(follow_symlinks=False).st_mtime > limit
    except OSError:
        return False


def _ours(path: Path, magic: bytes, whole: bool) -> bool:
    """Whether the file starts as parktrack writes its entries. A temporary file may also hold only the
    start of `magic`, or nothing (a killed run); an entry (`whole`) is renamed into place complete."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(magic))
    except OSError:
        return False
    return head == magic if whole else magic.startswith(head)
