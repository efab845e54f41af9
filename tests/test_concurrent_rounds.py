"""The monthly round's multi-step and multi-file commands run at once, or killed midway, as real processes:
nothing recorded twice or lost, each commit holding only its own change, and no half-written workbook or
document under the name a user opens."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

import openpyxl

from conftest import cli_env, parktrack_executable


def _start(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [parktrack_executable(), "--lang", "en", *args],
        cwd=cwd,
        env=env or cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # its own process group: a kill takes git with it
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _kill(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have finished already
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)


def _all_at_once(cwd: Path, runs: list[tuple[str, ...]]) -> list[tuple[int, str, str]]:
    procs = [_start(cwd, *args) for args in runs]
    return [_finish(proc) for proc in procs]


def test_exports_to_the_same_workbook_at_once_all_succeed_and_leave_one_whole_workbook(data_copy: Path) -> None:
    target = data_copy.parent / "out" / "台賬.xlsx"
    runs = [("export", "-o", str(target), "--as-of", "2024-06-30", "--data", str(data_copy))] * 4
    outcomes = _all_at_once(data_copy.parent, runs)
    assert [code for code, _, _ in outcomes] == [0] * 4, outcomes
    assert all("Traceback" not in err for _, _, err in outcomes)
    book = openpyxl.load_workbook(target)  # whole: a half-written zip does not open
    assert len(book.sheetnames) >= 3
    assert sorted(path.name for path in target.parent.iterdir()) == ["台賬.xlsx"]  # no temporary left behind


def test_sheets_cut_twice_at_once_into_one_folder_all_succeed_and_every_workbook_opens(data_copy: Path) -> None:
    folder = data_copy.parent / "sheets"
    runs = [("sheets", "-o", str(folder), "--as-of", "2024-06-30", "--data", str(data_copy))] * 2
    outcomes = _all_at_once(data_copy.parent, runs)
    assert [code for code, _, _ in outcomes] == [0, 0], outcomes
    said = [line.split(":")[0] for line in outcomes[0][1].splitlines()]
    assert sorted(Path(name).name for name in said) == sorted(path.name for path in folder.iterdir())  # no leftovers
    for path in folder.iterdir():
        openpyxl.load_workbook(path)
