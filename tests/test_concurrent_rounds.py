"""The monthly round's multi-step and multi-file commands run at once, or killed midway, as real processes:
nothing recorded twice or lost, each commit holding only its own change, and no half-written workbook or
document under the name a user opens."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from conftest import Cli, cli_env, git, kill, parktrack_executable, remove_stale_git_locks, start


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _all_at_once(cwd: Path, runs: Sequence[Sequence[str]]) -> list[tuple[int, str, str]]:
    procs = [start(cwd, *args) for args in runs]
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


# --- import: several sheets, killed or run twice at once ----------------------------------------


def _filled_sheets(cli: Cli, repo: Path, folder: Path, count: int = 4) -> dict[Path, list[str]]:
    """`count` units' sheets, each with a progress note typed on two items no other of them reports on;
    each sheet's items."""
    cut = cli("sheets", "-o", str(folder), "--as-of", "2024-06-30", "--lang", "zh-Hans", cwd=repo)
    assert cut.exit_code == 0, cut.stderr
    chosen: dict[Path, list[str]] = {}
    taken: set[str] = set()
    for path in sorted(folder.glob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        ws = book.worksheets[0]
        headers = {cell.value: int(cell.column or 0) for cell in ws[3]}
        rows = {ws.cell(row=row, column=1).value: row for row in range(4, ws.max_row + 1)}
        mine = [item for item in rows if isinstance(item, str) and item not in taken][:2]
        if len(mine) < 2:
            continue
        for item in mine:
            ws.cell(row=rows[item], column=headers["进展情况"]).value = f"{item} 六月调度 {path.stem}"
            ws.cell(row=rows[item], column=headers["变更日期"]).value = "2024-06-20"
        book.save(path)
        taken.update(mine)
        chosen[path] = mine
        if len(chosen) == count:
            return chosen
    raise AssertionError(f"fewer than {count} units have two items of their own")


def _notes_recorded(repo: Path, sheets: dict[Path, list[str]], where: str = "HEAD") -> dict[Path, list[int]]:
    """How many times each sheet's notes are in tasks.yaml (committed at `where`, or on disk)."""
    text = (
        (repo / "data" / "tasks.yaml").read_text(encoding="utf-8")
        if where == "disk"
        else git(repo, "show", f"{where}:data/tasks.yaml")
    )
    return {path: [text.count(f"{item} 六月调度 {path.stem}") for item in items] for path, items in sheets.items()}


def _import_commits_hold_their_own_sheet(repo: Path, sheets: dict[Path, list[str]], base: str) -> list[str]:
    """Each commit since `base` names a sheet of the run and adds exactly that sheet's notes; the sheets' names."""
    names = []
    for sha in git(repo, "rev-list", "--reverse", f"{base}..HEAD").split():
        sheet = git(repo, "log", "-1", "--format=%(trailers:key=Parktrack-Sheet,valueonly)", sha).strip()
        added = [
            line
            for line in git(repo, "show", "--format=", "--unified=0", sha, "--", "data/tasks.yaml").splitlines()
            if line.startswith("+") and "六月调度" in line
        ]
        if not sheet:  # another command's commit (note, update): none of the sheets' rows
            assert added == [], (sha, added)
            continue
        path = next(path for path in sheets if path.name == sheet)
        assert sorted(line.split('"')[1] for line in added) == sorted(
            f"{item} 六月调度 {path.stem}" for item in sheets[path]
        ), (sha, added)
        names.append(sheet)
    return names


def test_an_import_killed_at_random_moments_records_each_sheet_whole_or_not_and_a_rerun_completes_it(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    sheets = _filled_sheets(cli, repo, tmp_path / "round")
    files = [str(path) for path in sheets]
    base = git(repo, "rev-parse", "HEAD").strip()
    chance = random.Random(16)
    seen = set()
    for attempt in range(2):
        git(repo, "reset", "-q", "--hard", base)
        proc = start(repo, "import", *files)
        head = base
        while head == base and proc.poll() is None:  # the first sheet's commit: the run is amid its sheets
            time.sleep(0.01)
            head = (repo / ".git" / "refs" / "heads" / "main").read_text(encoding="utf-8").strip()
        time.sleep(chance.uniform(0, 0.1) if attempt else 0)  # at once, then a moment later: between sheets or amid one
        kill(proc)
        remove_stale_git_locks(repo)
        committed = _import_commits_hold_their_own_sheet(repo, sheets, base)
        counts = _notes_recorded(repo, sheets)
        assert all(counts[path] == ([1, 1] if path.name in committed else [0, 0]) for path in sheets), counts
        on_disk = _notes_recorded(repo, sheets, "disk")
        half_done = [path for path in sheets if on_disk[path] != counts[path]]
        assert len(half_done) <= 1 and all(on_disk[path] == [1, 1] for path in half_done), on_disk
        seen.add((len(committed), bool(half_done)))
        if half_done:  # written, killed before its commit: discarded, as the refusal tells the user
            git(repo, "checkout", "HEAD", "--", "data")
        again = start(repo, "import", *files)
        code, out, err = _finish(again)
        assert code == 0 and "Traceback" not in err, (attempt, out, err)
        assert _import_commits_hold_their_own_sheet(repo, sheets, base) == sorted(
            [*committed, *(path.name for path in sheets if path.name not in committed)],
            key=[path.name for path in sheets].index,
        )
        assert all(count == [1, 1] for count in _notes_recorded(repo, sheets).values())  # nothing twice
        assert git(repo, "status", "--porcelain") == ""
    assert any(0 < done < len(sheets) for done, _ in seen) or any(half for _, half in seen), seen


def test_two_imports_of_the_same_sheets_and_an_update_at_once_record_everything_once(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    sheets = _filled_sheets(cli, repo, tmp_path / "round", count=3)
    files = [str(path) for path in sheets]
    base = git(repo, "rev-parse", "HEAD").strip()
    others = {item for items in sheets.values() for item in items}
    bystander = next(f"T{n:02d}" for n in range(10, 53) if f"T{n:02d}" not in others)
    runs = [
        ("import", *files),
        ("note", bystander, "同时调度", "--date", "2024-06-21"),
        ("import", *reversed(files)),
        ("update", sheets[Path(files[0])][0], "--status", "in_progress", "--date", "2024-06-20"),
    ]
    outcomes = _all_at_once(repo, runs)
    assert [code for code, _, _ in outcomes] == [0] * 4, outcomes
    assert all("Traceback" not in err for _, _, err in outcomes)
    assert all(count == [1, 1] for count in _notes_recorded(repo, sheets).values())  # none twice, none lost
    said = [
        line
        for _, out, _ in (outcomes[0], outcomes[2])
        for line in out.splitlines()
        if " recorded for " in line or line.endswith("nothing new to record")
    ]
    for path in sheets:  # each run says what it did itself: one recorded the sheet, the other found nothing new
        assert sorted(line.split(": ", 1)[1].split(" recorded")[0] for line in said if line.startswith(path.name)) == [
            "2 item changes, 0 figures",
            "nothing new to record",
        ], said
    imports = _import_commits_hold_their_own_sheet(repo, sheets, base)
    assert sorted(imports) == sorted(path.name for path in sheets), (
        imports
    )  # one commit per sheet, whichever run took it
    text = git(repo, "show", "HEAD:data/tasks.yaml")
    assert text.count("同时调度") == 1 and text.count("{date: 2024-06-20, status: in_progress}") <= 1
    assert int(git(repo, "rev-list", "--count", f"{base}..HEAD")) == 3 + 1 + text.count(
        "{date: 2024-06-20, status: in_progress}"
    )
    assert git(repo, "status", "--porcelain") == ""


# --- report --mark ------------------------------------------------------------------------------


def test_reports_marked_at_once_with_notes_committing_all_succeed_and_every_commit_stays(
    repo: Path, tmp_path: Path
) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    hook = repo / ".git" / "hooks" / "reference-transaction"  # git holding HEAD's lock a moment longer
    hook.parent.mkdir(exist_ok=True)
    hook.write_text('#!/bin/sh\ncat >/dev/null\n[ "$1" = prepared ] && sleep 0.3\nexit 0\n', encoding="utf-8")
    hook.chmod(0o755)
    runs: list[tuple[str, ...]] = [
        ("report", "-o", str(tmp_path / f"meeting{n}" / "report.md"), "--as-of", "2024-06-30", "--mark")
        for n in range(3)
    ]
    runs += [("note", task_id, "会上调度", "--date", "2024-06-28") for task_id in ("T10", "T11")]
    outcomes = _all_at_once(repo, runs)
    assert [code for code, _, _ in outcomes] == [0] * 5, outcomes
    subjects = git(repo, "log", "--format=%s", f"{base}..HEAD").splitlines()
    assert sum("report as of 2024-06-30" in subject for subject in subjects) == 3, subjects
    assert len(subjects) == 5, subjects
    assert git(repo, "show", "HEAD:data/tasks.yaml").count("会上调度") == 2
    assert git(repo, "status", "--porcelain") == ""


# --- output folders: run twice at once, or killed midway ---------------------------------------


def test_notices_and_reports_written_twice_at_once_into_one_folder_are_whole(data_copy: Path, tmp_path: Path) -> None:
    import docx

    notices, meeting = tmp_path / "催办", tmp_path / "会议"
    ledger = ("--as-of", "2024-09-30", "--data", str(data_copy))
    runs = [("notice", "--all", "-o", str(notices), *ledger)] * 2
    runs += [("report", "-o", str(meeting / "调度会.docx"), *ledger)] * 2
    outcomes = _all_at_once(tmp_path, runs)
    assert [code for code, _, _ in outcomes] == [0] * 4, outcomes
    alone = tmp_path / "alone"
    assert _finish(start(tmp_path, "notice", "--all", "-o", str(alone), *ledger))[0] == 0
    assert sorted(path.name for path in notices.iterdir()) == sorted(path.name for path in alone.iterdir())
    for path in alone.iterdir():  # before the report joins them
        assert (notices / path.name).read_bytes() == path.read_bytes(), path.name
    document = docx.Document(str(meeting / "调度会.docx"))  # a torn zip would not open
    assert document.core_properties.title.startswith("Dispatch-meeting report")
    assert len(document.paragraphs) > 10 and len(document.tables) > 0
    left = sorted(path.name for path in meeting.iterdir())
    assert left == ["调度会.docx"], left  # no temporary file left beside it


def test_sheets_killed_midway_leave_only_whole_workbooks_under_their_names(data_copy: Path, tmp_path: Path) -> None:
    chance = random.Random(61)
    for attempt in range(3):
        folder = tmp_path / f"cut{attempt}"
        proc = start(tmp_path, "sheets", "-o", str(folder), "--as-of", "2024-06-30", "--data", str(data_copy))
        while not (folder.exists() and any(folder.iterdir())) and proc.poll() is None:  # it has begun writing
            time.sleep(0.005)
        time.sleep(chance.uniform(0, 0.3))
        kill(proc)
        made = sorted(folder.glob("*.xlsx"))
        for path in made:
            openpyxl.load_workbook(path)  # a workbook under its own name is whole, or not there


# --- reads while writes commit ------------------------------------------------------------------


def test_history_read_while_notes_commit_shows_only_whole_commits_each_once(repo: Path) -> None:
    import json

    tasks = [f"T{n}" for n in range(20, 24)]
    script = "".join(
        f'"$PARKTRACK" --lang en note {task} "调度{task}" --date 2024-06-0{n + 1} || exit 1\n'
        for n, task in enumerate(tasks)
    )
    writer = subprocess.Popen(
        ["sh", "-c", script], cwd=repo, env=cli_env(PARKTRACK=parktrack_executable()), start_new_session=True
    )
    seen = []
    while writer.poll() is None or not seen:
        code, out, err = _finish(start(repo, "history", "-f", "json"))
        assert code == 0 and "Traceback" not in err and err == "", (code, err)
        seen.append([(row["commit"], row["id"], row["note"]) for row in json.loads(out)])
    assert writer.wait(timeout=120) == 0
    code, out, err = _finish(start(repo, "history", "-f", "json"))
    final = [(row["commit"], row["id"], row["note"]) for row in json.loads(out)]
    assert sorted(note for _, _, note in final) == sorted(f"调度{task}" for task in tasks)
    for rows in seen:  # each read: some of the notes, each once, each with the commit that made it
        assert len(rows) == len(set(rows)) and set(rows) <= set(final), rows
    assert len(seen) >= 2, "history ran only once while the notes committed"


def test_the_read_cache_upkeep_run_by_several_processes_at_once_removes_only_what_is_stale(
    data_copy: Path, tmp_path: Path
) -> None:
    from parktrack import cache, cache_upkeep

    folder = tmp_path / "cache"
    folder.mkdir()
    header = cache.MAGIC + b"\0" * 8
    stale = [f"{n:032x}-full.cache" for n in range(20)] + [f".entry-k1ll{n}.tmp" for n in range(5)]
    fresh = [f"{n + 100:032x}-tasks.cache" for n in range(5)] + [".entry-wr1t1ng.tmp"]
    for name in stale + fresh:
        (folder / name).write_bytes(header)
    old = time.time() - 40 * cache_upkeep.DAY
    for name in stale:
        os.utime(folder / name, (old, old))
    (folder / cache_upkeep.SWEPT_MARK).touch()
    os.utime(folder / cache_upkeep.SWEPT_MARK, (old, old))
    copies = []
    for n in range(4):  # each a folder the cache has no entry for: each run writes one, and may sweep
        copy = tmp_path / f"copy{n}" / "data"
        shutil.copytree(data_copy, copy)
        copies.append(copy)
    env = cli_env(PARKTRACK_CACHE_DIR=str(folder))
    procs = [start(tmp_path, "overdue", "--as-of", "2024-07-01", "--data", str(copy), env=env) for copy in copies]
    outcomes = [_finish(proc) for proc in procs]
    assert [(code, err) for code, _, err in outcomes] == [(0, "")] * 4, outcomes
    answers = {out.replace(str(copy), "DATA") for (_, out, _), copy in zip(outcomes, copies, strict=True)}
    assert len(answers) == 1  # the same answer from each copy
    left = {path.name for path in folder.iterdir()}
    assert not left & set(stale), sorted(left & set(stale))
    assert set(fresh) <= left
    assert len([name for name in left if name.endswith(".cache")]) == len(fresh) - 1 + 4  # and each copy's entry


def test_an_import_killed_before_its_last_commit_is_not_called_done_by_a_rerun(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """The last sheet written, its commit never made: running the import again must not say there is
    nothing new to record while that sheet's rows sit uncommitted, out of the audit trail."""
    sheets = _filled_sheets(cli, repo, tmp_path / "round", count=2)
    files = [str(path) for path in sheets]
    base = git(repo, "rev-parse", "HEAD").strip()
    marker, first = tmp_path / "in-second-commit", tmp_path / "first-commit"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f'#!/bin/sh\n[ -f "{first}" ] || {{ touch "{first}"; exit 0; }}\ntouch "{marker}"\nsleep 60\n')
    hook.chmod(0o755)
    proc = start(repo, "import", *files)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists(), "the import never reached its second commit"
    kill(proc)
    hook.unlink()
    remove_stale_git_locks(repo)
    assert _notes_recorded(repo, sheets, "disk")[Path(files[1])] == [1, 1]  # written, not committed
    assert _notes_recorded(repo, sheets)[Path(files[1])] == [0, 0]
    code, out, err = _finish(start(repo, "import", *files))
    assert "Traceback" not in err
    dirty = git(repo, "status", "--porcelain", "--", "data").strip()
    assert not (code == 0 and dirty), (out, err, dirty)  # never "done" while the rows are uncommitted
    assert code == 5 and "has changes that are not committed" in err, (code, err)
    git(repo, "checkout", "HEAD", "--", "data")  # as the refusal says: look, then discard
    code, out, err = _finish(start(repo, "import", *files))
    assert code == 0, err
    assert _import_commits_hold_their_own_sheet(repo, sheets, base) == [Path(name).name for name in files]
    assert all(count == [1, 1] for count in _notes_recorded(repo, sheets).values())


def test_an_import_and_a_record_of_the_same_figure_at_once_record_it_once(cli: Cli, repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "round"
    cut = cli(
        "sheets",
        "-o",
        str(folder),
        "--unit",
        "縣工信商務科技局",
        "--as-of",
        "2024-06-30",
        "--lang",
        "zh-Hans",
        cwd=repo,
    )
    assert cut.exit_code == 0, cut.stderr
    [sheet] = folder.glob("*.xlsx")
    book = openpyxl.load_workbook(sheet)
    ws = book.worksheets[1]
    headers = {cell.value: int(cell.column or 0) for cell in ws[3]}
    [row] = [row for row in range(4, ws.max_row + 1) if ws.cell(row=row, column=1).value == "new-above-scale-firms"]
    for header, value in {"本期数值": 1, "所属期间": "2024Q2", "变更日期": "2024-07-02"}.items():
        ws.cell(row=row, column=headers[header]).value = value
    book.save(sheet)
    base = git(repo, "rev-parse", "HEAD").strip()
    runs = [
        ("import", str(sheet)),
        ("record", "new-above-scale-firms", "1", "--period", "2024Q2", "--date", "2024-07-02"),
    ]
    (imported, _, import_err), (recorded, _, record_err) = _all_at_once(repo, runs)
    assert imported == 0, import_err
    assert recorded == 0 or (recorded == 2 and "already has 1 for 2024Q2" in record_err), record_err
    text = git(repo, "show", "HEAD:data/indicators.yaml")
    assert text.count('period: "2024Q2"') == 1  # once, whichever came first
    touching = git(repo, "rev-list", f"{base}..HEAD", "--", "data/indicators.yaml").split()
    assert len(touching) == 1 and git(repo, "status", "--porcelain") == ""


def _killed_in_commit(repo: Path, tmp_path: Path, *args: str) -> None:
    """Run a write and kill it once its file is renamed into place, in its commit (a hook holding it)."""
    marker = tmp_path / "in-commit"
    marker.unlink(missing_ok=True)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f'#!/bin/sh\ntouch "{marker}"\nsleep 60\n', encoding="utf-8")
    hook.chmod(0o755)
    proc = start(repo, *args)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists(), "the write never reached its commit"
    kill(proc)
    hook.unlink()
    remove_stale_git_locks(repo)


def test_an_update_or_record_killed_in_its_commit_and_run_again_is_told_it_is_not_committed(
    repo: Path, tmp_path: Path
) -> None:
    """Run again, the same write must not be told its change is 'already' there: it is not in git."""
    writes = {
        "data/tasks.yaml": ("update", "T12", "--status", "in_progress", "--date", "2024-06-02"),
        "data/indicators.yaml": ("record", "new-above-scale-firms", "1", "--period", "2024Q2", "--date", "2024-07-02"),
    }
    for file, args in writes.items():
        _killed_in_commit(repo, tmp_path, *args)
        assert git(repo, "status", "--porcelain").split() == ["M", file]  # written, not committed
        code, _, err = _finish(start(repo, *args))
        assert "already" not in err and "Traceback" not in err, err
        assert code == 5 and "has changes that are not committed" in err, (code, err)
        git(repo, "checkout", "HEAD", "--", file)  # as the refusal says
        code, _, err = _finish(start(repo, *args))
        assert code == 0, err
        assert git(repo, "status", "--porcelain") == ""


def test_a_write_killed_in_its_commit_after_the_branch_moved_leaves_nothing_the_next_write_refuses(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """git moves the branch, then writes its index: killed in between (a reference-transaction hook holding
    it there), the index still holds the file as before the commit, and the next write goes on."""
    marker = tmp_path / "branch-moved"
    hook = repo / ".git" / "hooks" / "reference-transaction"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f'#!/bin/sh\ncat >/dev/null\n[ "$1" = committed ] || exit 0\ntouch "{marker}"\nsleep 60\n')
    hook.chmod(0o755)
    proc = start(repo, "update", "T12", "--status", "in_progress", "--date", "2024-06-02")
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists(), "the write never moved the branch"
    kill(proc)
    hook.unlink()
    remove_stale_git_locks(repo)
    assert git(repo, "status", "--porcelain") == "MM data/tasks.yaml\n"  # the index left behind, the file committed
    noted = cli("--lang", "en", "note", "T13", "调度", "--date", "2024-06-03", cwd=repo)
    assert noted.exit_code == 0, noted.stderr
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "--format=%(trailers:key=Parktrack-Task,valueonly)").split() == ["T13", "T12"]


def test_reads_that_ask_git_whether_the_ledger_is_committed_never_take_the_index_lock(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """`git status` takes git's index lock to refresh the index; a write committing meanwhile (the liaison's
    note while a report or workbook is made) finds it held and fails. The reads ask without taking it."""
    index = repo / ".git" / "index"
    later = time.time() + 5  # the files' times no longer as the index recorded them: a status would rewrite it
    for path in (repo / "data").iterdir():
        os.utime(path, (later, later))
    before = index.stat()
    ledger = ("--as-of", "2024-06-30", "--lang", "en")
    for args in (
        ("report", "-o", str(tmp_path / "report.md"), *ledger),
        ("export", "-o", str(tmp_path / "台賬.xlsx"), *ledger),  # as `sheets` asks
    ):
        outcome = cli(*args, cwd=repo)
        assert outcome.exit_code == 0, (args, outcome.stderr)
        after = index.stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), args
