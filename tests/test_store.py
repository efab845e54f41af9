"""Spliced writes: the new text holds exactly what was asked, and nothing else moves."""

from __future__ import annotations

import errno
import resource
import shutil
import signal
import stat
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA
from parktrack import store, updates
from parktrack.errors import DataError, WriteError
from parktrack.ledger import load
from parktrack.store import DataDir


@given(st.text(min_size=1, max_size=80))
@settings(max_examples=300, deadline=None)
def test_any_note_round_trips_on_one_line(note: str) -> None:
    text = store.scalar_text({"date": date(2024, 5, 1), "note": note})
    assert "\n" not in text
    assert yaml.load(f"- {text}\n", Loader=yaml.SafeLoader) == [{"date": date(2024, 5, 1), "note": note}]


@pytest.mark.parametrize("word", ["true", "null", "yes", "on", "2024", "done", "in_progress"])
def test_plain_words_stay_strings(word: str) -> None:
    assert yaml.safe_load(store.scalar_text(word)) == word


def test_update_changes_only_the_items_lines(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    tasks = folder / "tasks.yaml"
    commented = tasks.read_text(encoding="utf-8").replace("  - id: T10\n", "  # 園區辦: 重點盯 T10\n  - id: T10\n")
    tasks.write_text(commented, encoding="utf-8")
    updates.record(DataDir(folder), ["T10"], "in_progress", date(2024, 5, 1), "首次調度", commit=False)
    updates.record(DataDir(folder), ["T10"], None, date(2024, 5, 2), "二次調度", commit=False)
    before, after = commented.splitlines(keepends=True), tasks.read_text(encoding="utf-8").splitlines(keepends=True)
    start = before.index("  - id: T10\n")
    end = before.index("  - id: T11\n")
    assert after[:start] == before[:start]  # the comment and everything above, byte for byte
    assert after[-(len(before) - end) :] == before[end:]
    assert after[start : end + 2] == [
        *before[start : end - 2],
        "    status: in_progress\n",
        "    history:\n",
        '    - {date: 2024-05-01, status: in_progress, note: "首次調度"}\n',
        '    - {date: 2024-05-02, note: "二次調度"}\n',
    ]
    assert next(t for t in load(DataDir(folder)).tasks if t.id == "T10").status == "in_progress"


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "tasks.yaml"
    target.write_text("old: 1\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        store.atomic_write(target, "new: 1\n" * 1000 + "\ud800")  # refused before any byte is written
    assert target.read_text(encoding="utf-8") == "old: 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tasks.yaml"]
    # a write the file system refuses part-way through (the file-size limit, as a full disk would): the
    # text above fails in encoding, before a file is opened, so it alone could not tell a write in place
    # from one through a temporary file, nor show the temporary file removed
    limit, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of the signal's kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        with pytest.raises(OSError) as caught:
            store.atomic_write(target, b"new: 1\n" * 2000)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert caught.value.errno == errno.EFBIG
    assert target.read_text(encoding="utf-8") == "old: 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tasks.yaml"]


def test_a_write_replaces_the_file_keeping_its_mode(tmp_path: Path) -> None:
    """A new file takes the old one's name by rename: a reader holding the old one open reads it whole."""
    target = tmp_path / "tasks.yaml"
    target.write_text("old: 1\n", encoding="utf-8")
    target.chmod(0o640)
    with target.open("rb") as reader:
        store.atomic_write(target, "new: 2\n")
        assert reader.read() == b"old: 1\n"
    assert target.read_bytes() == b"new: 2\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "units.yaml"
    store.atomic_write(fresh, "units: []\n")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's private 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tasks.yaml", "units.yaml"]


def test_nothing_is_written_on_top_of_an_invalid_ledger(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    units = folder / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("name: 縣財政局", "name: 縣財正局"), encoding="utf-8")
    tasks = folder / "tasks.yaml"
    before = tasks.read_bytes()
    with pytest.raises(DataError) as caught:
        updates.record(DataDir(folder), ["T10"], "done", date(2024, 5, 1), None, commit=False)
    assert any("unknown unit '縣財政局'" in str(problem) for problem in caught.value.problems)
    assert tasks.read_bytes() == before


def test_bundled_plan_refuses_writes() -> None:
    with pytest.raises(WriteError, match="read-only"), store.locked(DataDir(DATA, bundled=True)):
        pass


def test_crlf_files_stay_crlf(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    tasks = folder / "tasks.yaml"
    tasks.write_bytes(tasks.read_bytes().replace(b"\n", b"\r\n"))
    updates.record(DataDir(folder), ["T10"], "in_progress", date(2024, 5, 1), "首次", commit=False)
    updates.record(DataDir(folder), ["T10"], "done", date(2024, 5, 2), None, commit=False)
    raw = tasks.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert b'    history:\r\n    - {date: 2024-05-01, status: in_progress, note: "\xe9\xa6\x96\xe6\xac\xa1"}\r\n' in raw
    assert next(t for t in load(DataDir(folder)).tasks if t.id == "T10").status == "done"
