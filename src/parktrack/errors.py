"""One family of errors, each carrying the exit code the CLI ends with."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_INVALID_DATA = 1
EXIT_USAGE = 2
EXIT_OVERDUE = 3
EXIT_GIT = 4
EXIT_WRITE = 5


def os_reason(error: OSError) -> str:
    """Why the system refused a file, in the interface language: its own words (strerror) are English
    on Linux and macOS whatever the user reads. An errno not listed keeps the system's words."""
    import errno

    from parktrack.i18n import N_, _

    reasons = {
        errno.EACCES: N_("permission denied (or the file is open in another program, such as Excel or WPS)"),
        errno.EPERM: N_("not permitted"),
        errno.ENOSPC: N_("the disk is full"),
        errno.EDQUOT: N_("the disk quota is used up"),
        errno.EROFS: N_("the disk or folder is read-only"),
        errno.ENOENT: N_("no such file or folder"),
        errno.ENOTDIR: N_("a file stands where a folder should be"),
        errno.EISDIR: N_("it is a folder"),
        errno.EEXIST: N_("a file or folder of that name is in the way"),
        errno.ENAMETOOLONG: N_("the name is too long for the file system"),
        errno.EBUSY: N_("it is in use by another program"),
    }
    found = reasons.get(error.errno or 0)
    return _(found) if found else str(error.strerror or error)


def brief(value: Any, limit: int = 60) -> str:
    """A value as short text for a message: never the repr of an unbounded structure."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool | int | float) or value is None:
        text = str(value)
    else:
        text = type(value).__name__  # a list, mapping, bytes ...: say what it is, not what is in it
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: Any) -> str:
    """An offending value for a message: text quoted and cut short, a list or mapping named, never repr'd whole."""
    from parktrack.i18n import _

    if isinstance(value, list | tuple | set):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, bytes):
        return _("binary data")
    return repr(brief(value)) if isinstance(value, str) else brief(value)


def warn(message: str) -> None:
    """A warning on stderr: the run goes on (a bundled plan read, a bad past commit skipped)."""
    from parktrack.i18n import _

    print(_("warning: {message}").format(message=message), file=sys.stderr)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as we can."""

    path: Path | str
    line: int | None
    column: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = str(self.path)
        if self.line is not None:
            place += f":{self.line}:{self.column or 1}"
        subject = f" {self.where}:" if self.where else ""
        return f"{place}:{subject} {self.message}"


class ParktrackError(Exception):
    """Base of every error the CLI reports; carries its exit code."""

    exit_code = EXIT_USAGE

    def lines(self) -> list[str]:
        from parktrack.i18n import _

        return [_("error: {message}").format(message=self)]


class UsageError(ParktrackError):
    """The command line asks for something that does not exist or make sense."""

    exit_code = EXIT_USAGE


class DataError(ParktrackError):
    """The ledger files do not validate; holds every problem found."""

    exit_code = EXIT_INVALID_DATA

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the ledger")

    def lines(self) -> list[str]:
        from parktrack.i18n import ngettext

        count = len(self.problems)
        summary = ngettext("error: {count} problem found", "error: {count} problems found", count)
        return [str(p) for p in self.problems] + [summary.format(count=count)]


class ReportedDataError(DataError):
    """The ledger does not validate, and its problems were printed for a program to read (JSON, CI
    annotations): only the count goes to stderr."""

    def lines(self) -> list[str]:
        return super().lines()[-1:]


class RefusedChangeError(UsageError):
    """A write that would make the ledger invalid; nothing was written, so no line on disk is to blame."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(str(path))

    def lines(self) -> list[str]:
        from parktrack.i18n import _

        head = _("error: the change was refused, nothing was written: {path} would not validate with it")
        found = [f"  {p.where}: {p.message}" if p.where else f"  {p.message}" for p in self.problems]
        return [head.format(path=self.path), *found]


class GitError(ParktrackError):
    """A git operation failed; the data itself may have been written."""

    exit_code = EXIT_GIT


class CommitRefusedError(GitError):
    """git made no commit (no identity, a hook or signing refused it ...); `reason` says why. The
    writer that wrote the files says what became of them."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WriteError(ParktrackError):
    """The ledger could not be written (read-only plan, lock held, disk error)."""

    exit_code = EXIT_WRITE

    @classmethod
    def refused(cls, path: Path | str, error: OSError) -> WriteError:
        """A file or folder the system would not write (read-only, a full disk, a file where a folder goes)."""
        from parktrack.i18n import _

        return cls(_("{path}: cannot write: {reason}").format(path=path, reason=os_reason(error)))
