"""`validate`'s findings for programs: JSON, GitHub Actions annotations that show each problem on its
line of the pull request, and GitLab's code quality report that lists them in the merge request.
Returns text; never prints."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from parktrack.errors import Problem


def as_json(folder: Path, problems: Sequence[Problem], counts: Mapping[str, int] | None) -> str:
    """The outcome as one JSON object: `ok`, the folder, every problem located, and the counts of a
    ledger that validates. Keys never change with the language; messages are in the interface's."""
    report = {
        "folder": str(folder),
        "ok": not problems,
        "problems": [
            {
                "file": str(problem.path),
                "line": problem.line,
                "column": problem.column,
                "where": problem.where,
                "message": problem.message,
            }
            for problem in problems
        ],
        "counts": dict(counts) if counts is not None else None,
    }
    return json.dumps(report, ensure_ascii=False, indent=2)


def as_github(problems: Sequence[Problem], cwd: Path) -> str:
    """One `::error file=…,line=…,col=…::…` workflow command a problem; GitHub shows it on that line of
    the pull request when the file is named relative to the repository (where the job runs)."""
    lines = []
    for problem in problems:
        properties = {"file": _relative(Path(problem.path), cwd), "line": problem.line, "col": problem.column}
        named = ",".join(f"{key}={_property(str(value))}" for key, value in properties.items() if value is not None)
        text = f"{problem.where}: {problem.message}" if problem.where else problem.message
        lines.append(f"::error {named}::{_data(text)}")
    return "\n".join(lines)


def as_gitlab(problems: Sequence[Problem], cwd: Path) -> str:
    """GitLab's code quality report (its subset of Code Climate's issues): the merge request lists each
    problem at its file and line. `[]` when the ledger validates."""
    issues = []
    for problem in problems:
        path = _relative(Path(problem.path), cwd)
        text = f"{problem.where}: {problem.message}" if problem.where else problem.message
        issues.append(
            {
                "description": text,
                "check_name": "parktrack-validate",
                "fingerprint": hashlib.sha256(f"{path}\0{text}".encode()).hexdigest()[
                    :32
                ],  # the same problem, the same id
                "severity": "major",
                "location": {"path": path, "lines": {"begin": problem.line or 1}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2)


def _relative(path: Path, cwd: Path) -> str:
    try:
        return path.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:  # outside the folder the job runs in: named as it is
        return str(path)


def _data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit escapes it (a line break would end it)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
