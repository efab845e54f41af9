"""Malformed and hostile ledger files: one clean located line each, fast, never a traceback or a hang."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from conftest import Cli


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _fails_cleanly(cli: Cli, data: Path, *command: str, code: int = 1) -> list[str]:
    started = time.monotonic()
    result = cli("--lang", "en", *(command or ("validate",)), "--data", str(data))
    assert time.monotonic() - started < 10
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


BOMB = (
    "bomb: [&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"
    + "".join(f", &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10))
    + "]\n"
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("plan:\n", BOMB + "plan:\n", r"tasks.yaml:\d+:\d+: an anchor \(&a0\) is not allowed"),
        ("plan:\n", "loop: &r {self: *r}\nplan:\n", r"tasks.yaml:\d+:7: an anchor \(&r\) is not allowed"),
        ("  - id: T01\n", "  - id: [T01]\n", r"tasks.yaml:\d+:\d+: tasks\[0\]\.id: .*got a list"),
        ("  - id: T01\n", "  - id: {a: b}\n", r"tasks.yaml:\d+:\d+: tasks\[0\]\.id: .*got a mapping"),
        ("    section: 1\n", "    section: !!float x\n", r"tasks.yaml:\d+:14: a tag \(!!float\) is not allowed"),
        ("    section: 1\n", "    section: !!int x\n", r"a tag \(!!int\) is not allowed"),
        ("    long_term: true\n", "    long_term: !!bool maybe\n", r"a tag \(!!bool\) is not allowed"),
        ("    text: ", "    text: !!binary aGVsbG8=\n    x: ", r"a tag \(!!binary\) is not allowed"),
        ("    leaders: [鄧開榮]", "    leaders: !!set {鄧開榮}", r"a tag \(!!set\) is not allowed"),
        ("    leaders: [鄧開榮]", "    leaders: !!pairs [{a: b}]", r"a tag \(!!pairs\) is not allowed"),
        ("    leaders: [鄧開榮]", "    leaders: !!python/tuple [a]", r"a tag \(!!python/tuple\) is not allowed"),
    ],
)
def test_bad_types_tags_and_aliases_give_located_errors(
    cli: Cli, data_copy: Path, old: str, new: str, expected: str
) -> None:
    _replace(data_copy / "tasks.yaml", old, new)
    lines = _fails_cleanly(cli, data_copy)
    assert re.search(expected, lines[0]), lines
    assert lines[-1].startswith("error: ")
    assert len(lines) < 8  # the cause, not its echoes


@pytest.mark.parametrize("file", ["tasks.yaml", "indicators.yaml"])
def test_unhashable_ids_in_either_file(cli: Cli, data_copy: Path, file: str) -> None:
    path = data_copy / file
    first = "  - id: T01\n" if file == "tasks.yaml" else "  - id: gross-output\n"
    _replace(path, first, first.replace("id: ", "id: [").rstrip("\n") + "]\n")
    lines = _fails_cleanly(cli, data_copy)
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: .*id: .*got a list", lines[0]), lines


def test_one_yaml_error_in_tasks_is_not_echoed_by_indicators(cli: Cli, data_copy: Path) -> None:
    _replace(data_copy / "tasks.yaml", "leaders: [鄧開榮]", "leaders: [鄧開榮")
    lines = _fails_cleanly(cli, data_copy)
    assert len(lines) == 2 and "YAML syntax error" in lines[0], lines
    assert not any("unknown task" in line for line in lines)


def test_merge_conflict_markers_are_named(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    start = text.index("    status: not_started\n")
    line = text.count("\n", 0, start) + 1
    conflicted = (
        text[:start]
        + "<<<<<<< HEAD\n    status: done\n=======\n    status: not_started\n>>>>>>> finance\n"
        + text[start + len("    status: not_started\n") :]
    )
    tasks.write_text(conflicted, encoding="utf-8")
    lines = _fails_cleanly(cli, data_copy)
    assert lines[0] == f"{tasks}:{line}:1: unresolved merge conflict at line {line}; " + (
        "resolve it (keep one side, or both) and remove the markers"
    )


def _special(kind: str, path: Path) -> None:
    path.unlink()
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "nul":
        path.write_bytes(b"units:\n  - id: a\x00b\n")
    elif kind == "dangling":
        path.symlink_to(path.parent / "nowhere.yaml")


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("dev-zero", "is not a regular file"),
        ("fifo", "is not a regular file"),
        ("folder", "is a folder, not a file"),
        ("empty", "file is empty"),
        ("nul", "contains NUL bytes"),
        ("dangling", "cannot read: no such file or folder"),
    ],
)
@pytest.mark.parametrize("file", ["units.yaml", "indicators.yaml", "tasks.yaml"])
def test_special_files_get_one_clean_line(cli: Cli, data_copy: Path, kind: str, message: str, file: str) -> None:
    path = data_copy / file
    _special(kind, path)
    if file == "tasks.yaml" and kind == "dangling":
        lines = _fails_cleanly(cli, data_copy, code=2)  # --data names a folder without a ledger
        assert "no tasks.yaml in this folder" in lines[0]
        return
    lines = _fails_cleanly(cli, data_copy)
    assert lines[0].startswith(f"{path}") and message in lines[0], lines
    assert len(lines) == 2


def test_a_file_that_cannot_be_read(cli: Cli, data_copy: Path) -> None:
    units = data_copy / "units.yaml"
    if os.geteuid() == 0:
        # root reads past permissions; a file whose every read fails stands in for it
        units.unlink()
        units.symlink_to("/proc/self/mem")
        reason = "cannot read: Input/output error"
    else:
        units.chmod(0)
        reason = "cannot read: permission denied (or the file is open in another program, such as Excel or WPS)"
    lines = _fails_cleanly(cli, data_copy)
    assert lines == [f"{units}: {reason}", "error: 1 problem found"]


def test_messages_speak_the_interface_language(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    _replace(
        tasks,
        "    status: not_started\n",
        "<<<<<<< HEAD\n    status: done\n=======\n    status: not_started\n>>>>>>> b\n",
    )
    result = cli("--lang", "zh-Hans", "validate", "--data", str(data_copy))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{tasks}:") and "有未解决的合并冲突" in lines[0]
    assert lines[-1] == "错误：发现 1 个问题"
