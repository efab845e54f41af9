"""A whole file, safely: the bounded read every reader uses and the atomic replace every writer uses.

Import-cheap (no YAML): the read cache uses it too."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

from parktrack.datadir import MAX_BYTES
from parktrack.errors import os_reason
from parktrack.i18n import _

# Path separators, and what Windows refuses in a file name: a unit named 縣紀委/縣監委 still gets one file
# in the folder asked for (the / made a subfolder, and ../ left the folder)
_NOT_IN_FILE_NAMES = str.maketrans(dict.fromkeys('/\\:*?"<>|', "_"))
# Names Windows takes for a device whatever the extension (AUX.xlsx opens the device, not a file)
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{port}{n}" for port in ("COM", "LPT") for n in "123456789¹²³"}
)


def file_name_part(name: str) -> str:
    """`name` (a unit's) made fit to be part of a file name on every system: a unit named AUX (or
    `com1 `, Nul.財政) starts with _ so Windows can create its file."""
    part = name.translate(_NOT_IN_FILE_NAMES)
    return f"_{part}" if part.split(".")[0].rstrip(" ").upper() in _WINDOWS_DEVICES else part


def distinct_name_parts(names: Mapping[str, str]) -> dict[str, str]:
    """Each name (keyed by its id) made fit for a file name, and distinct from the others' also where
    the file system ignores case (Windows, macOS): names that would share a file (縣紀委/督查 and
    縣紀委_督查) get their id added, so no unit's file overwrites another's."""
    parts = {key: file_name_part(name) for key, name in names.items()}
    uses = Counter(part.casefold() for part in parts.values())
    shared = {folded for folded, count in uses.items() if count > 1}
    return {
        key: f"{part} ({file_name_part(key)})" if part.casefold() in shared else part for key, part in parts.items()
    }


def atomic_write(path: Path, text: str | bytes, bom: bool = False) -> None:
    """Write through a temporary file and a rename, so a crash leaves the old file whole.

    Text is written as UTF-8 (with a byte order mark when `bom`); bytes are written as they are.
    """
    content = text if isinstance(text, bytes) else (("\ufeff" if bom else "") + text).encode("utf-8")
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).chmod(mode)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def replace_through_temporary(path: Path, fill: Callable[[Path], object]) -> None:
    """Have `fill` write a file to share beside `path`, under a temporary name of its own, then rename it
    over `path`: a reader never sees half a workbook or report, and two runs writing one path at once
    never write into, rename or delete each other's temporary file. An OSError is the caller's to word;
    the temporary file is gone whatever happens."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        temporary.chmod(0o644)  # a document to share, not mkstemp's private 0600
        fill(temporary)
        temporary.replace(path)
    finally:
        with contextlib.suppress(OSError):  # renamed already, or the folder is gone
            temporary.unlink(missing_ok=True)


def read_bounded(path: Path) -> tuple[bytes, str | None]:
    """The bytes of a regular file of sane size, or why not: never blocks on a FIFO, never reads /dev/zero whole."""
    try:
        info = path.stat()
    except OSError as exc:
        return b"", _("cannot read: {reason}").format(reason=os_reason(exc))
    if stat.S_ISDIR(info.st_mode):
        return b"", _("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        return b"", _("is not a regular file (a device, FIFO or socket); a ledger file is plain text")
    if info.st_size > MAX_BYTES:
        return b"", _("is too large ({size} bytes); a ledger file is text of at most {limit} bytes").format(
            size=info.st_size, limit=MAX_BYTES
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return b"", _("cannot read: {reason}").format(reason=os_reason(exc))
    if len(raw) > MAX_BYTES:
        return b"", _("is too large; a ledger file is text of at most {limit} bytes").format(limit=MAX_BYTES)
    return raw, None
