"""Writing a whole file safely: the one atomic replace every writer uses. Import-cheap (no YAML)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
