"""One family of errors, each carrying the exit code the CLI ends with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_INVALID_DATA = 1
EXIT_USAGE = 2
EXIT_OVERDUE = 3
EXIT_GIT = 4
EXIT_WRITE = 5


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
        return [f"error: {self}"]


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
        count = len(self.problems)
        return [str(p) for p in self.problems] + [f"error: {count} problem{'s' * (count != 1)} found"]


class GitError(ParktrackError):
    """A git operation failed; the data itself may have been written."""

    exit_code = EXIT_GIT


class WriteError(ParktrackError):
    """The ledger could not be written (read-only plan, lock held, disk error)."""

    exit_code = EXIT_WRITE
