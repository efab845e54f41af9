"""`parktrack add`: items decided at meetings, spliced into the real ledger and committed."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli, Outcome, git
from parktrack import additem, cache, ledger, store
from parktrack.ledger import load

MEETING = ("--meeting", "2024年第二季度園區調度會議", "--date", "2024-07-15")


def add(cli: Cli, repo: Path, *args: str) -> Outcome:
    return cli("add", "--data", str(repo / "data"), "--lang", "en", *args)


def removed_lines(repo: Path, *paths: str) -> int:
    """Lines the last commit removed from these files (a splice only adds)."""
    numstat = git(repo, "show", "--numstat", "--format=", "HEAD", "--", *paths)
    return sum(int(line.split()[1]) for line in numstat.splitlines())


def test_add_appends_an_assigned_item_and_commits_it(cli: Cli, repo: Path) -> None:
    tasks = repo / "data" / "tasks.yaml"
    before = tasks.read_text(encoding="utf-8")
    result = cli(
        "add", "--data", str(repo / "data"), "--lang", "en",
        "--text", "協調解決鈦產業園供水管網問題", "--lead", "縣財政局", "--support", "稅務", "--support", "有關部門",
        "--leader", "鄧開榮", "--deadline", "2024年9月底以前", *MEETING,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "J01: added, due 2024-09-30" in result.stdout and "committed" in result.stdout

    after = tasks.read_text(encoding="utf-8")
    assert after.startswith(before[: before.index("tasks:")])  # header and plan untouched
    assert removed_lines(repo, "data/tasks.yaml") == 0
    assert len(after.splitlines()) == len(before.splitlines()) + 4 + 14  # the section, then the item
    ledger = load(store.DataDir(repo / "data"))
    item = ledger.task("J01")
    assert (item.kind, item.text, item.leaders) == ("assigned", "協調解決鈦產業園供水管網問題", ["鄧開榮"])
    assert (item.lead_units, item.support_units, item.groups) == (["縣財政局"], ["縣稅務局"], ["縣級有關部門"])
    assert (str(item.deadline), item.deadline_text, item.long_term) == ("2024-09-30", "2024年9月底以前", False)
    assert item.source is not None and (item.source.meeting, str(item.source.date)) == (MEETING[1], "2024-07-15")
    assert ledger.section("assigned", item.section) is not None
    assert [task.id for task in ledger.tasks][-2:] == ["M15", "J01"]

    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("J01: 新增交辦事項 (2024年第二季度園區調度會議 2024-07-15)")
    assert "Parktrack-Task: J01" in message and "Parktrack-Meeting: 2024年第二季度園區調度會議" in message
    assert git(repo, "status", "--porcelain") == ""

    shown = cli("list", "--data", str(repo / "data"), "--format", "json", "--as-of", "2024-10-01")
    records = {record["id"]: record for record in json.loads(shown.stdout)}
    assert records["J01"]["light"] == "red" and records["J01"]["kind"] == "assigned"


def test_an_added_items_id_is_forgiven_as_t_and_m_ids_are(cli: Cli, repo: Path) -> None:
    added = add(cli, repo, "--text", "甲", "--lead", "縣財政局", "--deadline", "2024年8月底以前", *MEETING)
    assert added.exit_code == 0, added.stderr
    for typed in ("j1", "J 01", "j01"):
        shown = cli("show", typed, "--format", "json", "--lang", "en", cwd=repo)
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.stdout)["id"] == "J01"
    updated = cli("update", "j1", "--status", "in_progress", "--date", "2024-07-20", "--lang", "en", cwd=repo)
    assert updated.exit_code == 0 and "J01: not started → in progress" in updated.stdout, updated.stderr


def test_a_second_item_takes_the_next_id_and_the_same_section(cli: Cli, repo: Path) -> None:
    first = add(cli, repo, "--text", "甲", "--lead", "縣財政局", "--deadline", "2024年8月底以前", *MEETING)
    second = add(cli, repo, "--text", "乙", "--lead", "縣統計局", "--deadline", "2024年10月31日前", *MEETING)
    assert first.exit_code == 0 and second.exit_code == 0, second.stderr
    ledger = load(store.DataDir(repo / "data"))
    assert [task.id for task in ledger.tasks if task.kind == "assigned"] == ["J01", "J02"]
    assert [section.kind for section in ledger.sections].count("assigned") == 1
    assert str(ledger.task("J02").deadline) == "2024-10-31"
    assert len(git(repo, "log", "--format=%s").splitlines()) == 3


def test_an_unknown_unit_is_refused_with_suggestions(cli: Cli, repo: Path) -> None:
    before = (repo / "data" / "tasks.yaml").read_bytes()
    result = add(cli, repo, "--text", "甲", "--lead", "縣財政處", "--deadline", "2024年8月底以前")
    assert result.exit_code == 2
    assert "unknown unit '縣財政處'" in result.stderr and "did you mean" in result.stderr
    assert (repo / "data" / "tasks.yaml").read_bytes() == before
    assert len(git(repo, "log", "--format=%s").splitlines()) == 1


def test_new_unit_adds_it_to_units_yaml_in_the_same_commit(cli: Cli, repo: Path) -> None:
    units_before = (repo / "data" / "units.yaml").read_text(encoding="utf-8")
    result = add(
        cli, repo, "--text", "編制園區水資源規劃", "--lead", "縣水務局", "--new-unit", "--deadline", "2024年底前"
    )
    assert result.exit_code == 0, result.stderr
    assert "new unit in units.yaml: 縣水務局" in result.stdout
    assert (repo / "data" / "units.yaml").read_text(encoding="utf-8").startswith(units_before.rstrip("\n"))
    changed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == ["data/tasks.yaml", "data/units.yaml"]
    assert removed_lines(repo, "data/units.yaml") == 0
    ledger = load(store.DataDir(repo / "data"))
    assert ledger.find_unit("縣水務局").kind == "unit"
    assert ledger.task("J01").lead_units == ["縣水務局"]


def test_an_add_git_refuses_to_commit_leaves_both_files_as_they_were(cli: Cli, repo: Path) -> None:
    """A commit-msg hook refuses the commit of an item with a new unit: units.yaml and tasks.yaml are
    both put back, so the unit does not linger in units.yaml without the item that brought it."""
    hook = repo / ".git" / "hooks" / "commit-msg"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'subject too long' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    before = {name: (repo / "data" / name).read_bytes() for name in ("tasks.yaml", "units.yaml")}
    asked = ("--text", "編制園區水資源規劃", "--lead", "縣水務局", "--new-unit", "--deadline", "2024年底前")
    result = add(cli, repo, *asked)
    assert result.exit_code == 4, result.stdout + result.stderr
    assert result.stderr.startswith("error: nothing was recorded: git commit failed: subject too long")
    assert {name: (repo / "data" / name).read_bytes() for name in before} == before
    assert git(repo, "status", "--porcelain") == ""
    assert cli("show", "J01", "--data", str(repo / "data"), "--lang", "en").exit_code == 2


def test_a_meeting_day_in_the_future_is_refused(cli: Cli, repo: Path) -> None:
    """The meeting's day typed a year ahead (2025 for 2024): refused, as `update` and `record` refuse a
    future date, where the item was added as decided at a meeting yet to be held."""
    from parktrack.deadlines import county_today

    before = (repo / "data" / "tasks.yaml").read_bytes()
    ahead = (county_today() + timedelta(days=1)).isoformat()
    asked = ("--text", "編制園區水資源規劃", "--lead", "縣財政局", "--deadline", "2024年底前", "--date", ahead)
    result = add(cli, repo, *asked)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.strip() == (
        f"error: the meeting's day {ahead} is in the future; give the day the meeting decided the item"
    )
    assert (repo / "data" / "tasks.yaml").read_bytes() == before


def test_a_deadline_without_a_date_needs_condition(cli: Cli, repo: Path) -> None:
    refused = add(cli, repo, "--text", "甲", "--lead", "縣財政局", "--deadline", "待項目批復后推進")
    assert refused.exit_code == 2 and "--condition" in refused.stderr
    waiting = add(cli, repo, "--text", "甲", "--lead", "縣財政局", "--deadline", "待項目批復后持續推進", "--condition")
    assert waiting.exit_code == 0, waiting.stderr
    item = load(store.DataDir(repo / "data")).task("J01")
    assert item.deadline is None and item.condition == "待項目批復后持續推進" and item.long_term


def test_the_bundled_plan_is_not_written(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "add", "--lang", "en", "--text", "甲", "--lead", "縣財政局", "--deadline", "2024年8月底以前", cwd=tmp_path
    )
    assert result.exit_code == 5 and "read-only" in result.stderr


def test_add_to_a_new_empty_ledger(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "north"
    assert cli("init", str(folder), "--title", "North", "--year", "2025").exit_code == 0
    result = cli(
        "add", "--lang", "en", "--text", "建設污水處理廠", "--lead", "縣住建局", "--new-unit",
        "--leader", "王偉", "--deadline", "2025年12月底以前", cwd=folder,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "new lead official: 王偉" in result.stdout
    assert cli("validate", "--lang", "en", cwd=folder).exit_code == 0
    assert len(git(folder, "log", "--format=%s").splitlines()) == 2


def test_show_names_the_kind_and_the_meeting(cli: Cli, repo: Path) -> None:
    assert (
        add(cli, repo, "--text", "甲", "--lead", "縣財政局", "--deadline", "2024年8月底以前", *MEETING).exit_code == 0
    )
    shown = cli("show", "J01", "--data", str(repo / "data"), "--lang", "en", "--as-of", "2024-07-20")
    assert shown.exit_code == 0, shown.stderr
    assert "Kind                 assigned item" in shown.stdout
    assert "2024年第二季度園區調度會議 2024-07-15" in shown.stdout
    in_chinese = cli("show", "J01", "--data", str(repo / "data"), "--lang", "zh-Hans", "--as-of", "2024-07-20")
    assert "交办事项" in in_chinese.stdout and "2024年第二季度园区调度会议 2024-07-15" in in_chinese.stdout


def test_officials_are_found_in_either_script_and_new_ones_kept_as_typed(cli: Cli, repo: Path) -> None:
    result = add(
        cli, repo, "--text", "甲", "--lead", "县财政局", "--leader", "邓开荣", "--leader", "李新",
        "--deadline", "2024年8月底以前",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "new lead official: 李新" in result.stdout and "鄧開榮" not in result.stdout
    item = load(store.DataDir(repo / "data")).task("J01")
    assert item.leaders == ["鄧開榮", "李新"] and item.lead_units == ["縣財政局"]


def test_add_checks_git_before_writing_as_every_write_does(cli: Cli, repo: Path) -> None:
    """A held index lock, or a hand edit not committed: refused with nothing written (a parktrack
    commit holds only its own change), as `update`, `note` and `record` refuse."""
    tasks = repo / "data" / "tasks.yaml"
    item = ("--text", "協調解決供水問題", "--lead", "縣財政局", "--deadline", "2024年9月底以前", *MEETING)
    head = git(repo, "rev-parse", "HEAD")
    lock = repo / ".git" / "index.lock"
    lock.write_text("", encoding="utf-8")
    before = tasks.read_bytes()
    locked = add(cli, repo, *item)
    assert locked.exit_code == 4 and "git's index is locked" in locked.stderr and "nothing was written" in locked.stderr
    assert tasks.read_bytes() == before
    lock.unlink()

    edited = before.replace(b"status: not_started", b"status: not_started  # by hand", 1)
    tasks.write_bytes(edited)
    refused = add(cli, repo, *item)
    assert refused.exit_code == 5 and "has changes that are not committed" in refused.stderr
    assert tasks.read_bytes() == edited and git(repo, "rev-parse", "HEAD") == head


def _last_text_as_block(text: str) -> str:
    """The last item's text moved to its end, written as a block scalar (`|`), the item's last value."""
    last = text.rindex("\n  - id: ")
    line = re.compile(r"\n    text: (.*)").search(text, last)
    assert line is not None
    words = json.loads(line[1]) if line[1].startswith('"') else line[1]
    item = text[last : line.start()] + text[line.end() :]
    return text[:last] + item.rstrip("\n") + "\n    text: |\n      " + words + "\n      （續）\n"


def _sections_after_tasks(text: str) -> str:
    """The sections list moved after the tasks list (a layout a full load reads the same)."""
    start, end = text.index("\nsections:") + 1, text.index("\ntasks:") + 1
    return text[:start] + text[end:] + text[start:end]


LAYOUTS: dict[str, Callable[[str], str]] = {
    "as written": lambda text: text,
    "the sections after the tasks": _sections_after_tasks,
    "CRLF before the list only": lambda text: (lambda at: text[:at].replace("\n", "\r\n") + text[at:])(
        text.index("\ntasks:") + 1
    ),
    "one CRLF line among the items": lambda text: text.replace("  - id: T10\n", "  - id: T10\r\n", 1),
    "comments and blank lines after the last item": lambda text: text + "    # 以上為措施事項\n\n# 完\n",
    "no line break at the end": lambda text: text.rstrip("\n"),
    "a byte order mark": lambda text: "\ufeff" + text,
    "a block scalar ending the last item": _last_text_as_block,
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_item_added_by_its_text_alone_writes_what_the_full_path_writes(
    cli: Cli, repo: Path, tmp_path: Path, layout: str
) -> None:
    """With the read cache warm, `add` parses only the last item's text and checks the new one as a
    refresh does: the same bytes and commit as the whole-file splice and full check (--no-cache)."""
    tasks = repo / "data" / "tasks.yaml"
    tasks.write_text(LAYOUTS[layout](tasks.read_text(encoding="utf-8")), encoding="utf-8")
    git(repo, "commit", "-q", "--allow-empty", "-am", f"layout: {layout}")
    twin = tmp_path / "twin"
    shutil.copytree(repo, twin)
    for root, options in ((repo, ()), (twin, ("--no-cache",))):  # the first adds the section: in full, both
        assert (
            add(
                cli, root, "--text", "甲", "--lead", "縣財政局", "--deadline", "2024年8月底以前", *MEETING, *options
            ).exit_code
            == 0
        )
    assert cli("list", "--data", str(repo / "data")).exit_code == 0  # the office reads: the cache is warm
    ledger.FULL_LOADS.clear()
    second = ("--text", "乙", "--lead", "縣工信商務科技局", "--support", "縣財政局", "--deadline", "2024年9月底以前")
    assert add(cli, repo, *second, *MEETING).exit_code == 0
    assert sum(ledger.FULL_LOADS.values()) == 0, "the item was not added by its text alone"
    assert add(cli, twin, *second, *MEETING, "--no-cache").exit_code == 0
    assert tasks.read_bytes() == (twin / "data" / "tasks.yaml").read_bytes()
    assert tasks.read_bytes().startswith(b"\xef\xbb\xbf") == (layout == "a byte order mark")
    assert removed_lines(repo, "data/tasks.yaml") == 0
    shown = json.loads(cli("show", "J02", "--data", str(repo / "data"), "--format", "json").stdout)
    assert (shown["text"], shown["lead_units"], shown["support_units"]) == ("乙", ["縣工信商務科技局"], ["縣財政局"])
    assert cli("validate", "--data", str(repo / "data")).exit_code == 0


def _j01_text_as(block: str, after: str = "") -> Callable[[str], str]:
    """J01 (the last item) with its text moved to its end as the block scalar `block`, then `after`."""

    def edit(text: str) -> str:
        last = text.rindex("\n  - id: J01")
        line = re.compile(r"\n    text: .*").search(text, last)
        assert line is not None
        return text[: line.start()] + text[line.end() :].rstrip("\n") + "\n    text: " + block + after

    return edit


ENDINGS: dict[str, tuple[Callable[[str], str], str]] = {
    "kept line breaks ending the file": (_j01_text_as("|+\n      甲\n\n\n"), "甲\n\n\n"),
    "a comment after a block scalar": (_j01_text_as("|\n      甲\n\n", "# 以上為交辦事項\n"), "甲\n"),
    "another list after the items": (
        lambda text: (lambda moved: moved[moved.index("tasks:") :] + moved[: moved.index("tasks:")])(
            _j01_text_as("|-\n      甲\n")(text)
        ),
        "甲",
    ),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_an_item_added_after_a_block_scalar_leaves_it_and_what_follows_as_they_were(
    cli: Cli, repo: Path, tmp_path: Path, ending: str
) -> None:
    """A block scalar's text runs to the next line holding content: the new item goes on lines of its
    own after it, so the last item's text (kept line breaks too) and a comment or key after it stay."""
    assert (
        add(cli, repo, "--text", "甲", "--lead", "縣財政局", "--deadline", "2024年8月底以前", *MEETING).exit_code == 0
    )
    tasks = repo / "data" / "tasks.yaml"
    edit, j01_text = ENDINGS[ending]
    tasks.write_text(edit(tasks.read_text(encoding="utf-8")), encoding="utf-8")
    git(repo, "commit", "-q", "-am", f"J01 ends in a block scalar: {ending}")
    assert cli("validate", "--data", str(repo / "data"), "--no-cache").exit_code == 0
    before = tasks.read_text(encoding="utf-8")
    twin = tmp_path / "twin"
    shutil.copytree(repo, twin)
    assert cli("list", "--data", str(repo / "data")).exit_code == 0  # the cache is warm: add takes its fast path
    second = ("--text", "乙", "--lead", "縣統計局", "--deadline", "2024年9月底以前", *MEETING)
    for root, options in ((repo, ()), (twin, ("--no-cache",))):
        result = add(cli, root, *second, *options)
        assert result.exit_code == 0, result.stderr
    assert tasks.read_bytes() == (twin / "data" / "tasks.yaml").read_bytes()
    after = tasks.read_text(encoding="utf-8")
    assert removed_lines(repo, "data/tasks.yaml") == 0
    assert set(before.splitlines()) <= set(after.splitlines())  # every line as it was: comments, keys
    for root, options in ((repo, ()), (twin, ("--no-cache",))):
        shown = {
            item_id: json.loads(
                cli("show", item_id, "--data", str(root / "data"), "--format", "json", *options).stdout
            )["text"]
            for item_id in ("J01", "J02")
        }
        assert shown == {"J01": j01_text, "J02": "乙"}


def _entry(task_id: str) -> dict[str, Any]:
    """An item as `add` writes it."""
    return {
        "id": task_id,
        "kind": "assigned",
        "section": 1,
        "text": "協調解決供水管網問題",
        "leaders": [],
        "lead_units": ["縣財政局"],
        "support_units": [],
        "groups": [],
        "deadline_text": "2024年9月底以前",
        "deadline": date(2024, 9, 30),
        "long_term": False,
        "status": "not_started",
        "history": [],
        "source": {"meeting": MEETING[1], "date": date(2024, 7, 15)},
    }


@pytest.mark.parametrize("layout", [*LAYOUTS, *ENDINGS])
def test_splicing_by_parts_gives_what_splicing_the_whole_file_gives(data_copy: Path, layout: str) -> None:
    """`add` splices at the nodes of the text before the list and of the last item, each parsed alone,
    never holding a large file's nodes: the same text as splicing at the whole file's nodes, the first
    time (with the 交辦事項 section) and after."""
    data = store.DataDir(data_copy)
    tasks = data_copy / "tasks.yaml"
    if layout in LAYOUTS:
        tasks.write_text(LAYOUTS[layout](tasks.read_text(encoding="utf-8")), encoding="utf-8")
    else:  # J01 and its section first, spliced the whole file's way, then J01's text as a block scalar
        tasks.write_text(additem._spliced_whole(data, _entry("J01"), additem._new_section()), encoding="utf-8")
        tasks.write_text(ENDINGS[layout][0](tasks.read_text(encoding="utf-8")), encoding="utf-8")
    for task_id in ("J01", "J02") if layout in LAYOUTS else ("J02", "J03"):
        base = cache.load_for_write(data)
        section = None if base.ledger.section("assigned", 1) else additem._new_section()
        parts = additem._spliced_by_parts(data, base, _entry(task_id), section)
        whole = additem._spliced_whole(data, _entry(task_id), section)
        if parts is None and section is not None and layout == "the sections after the tasks":
            parts = whole.encode("utf-8")  # the section goes after the list: spliced in the whole file
        assert parts is not None, "the file was not cut into items"
        assert parts.decode("utf-8") == whole, (layout, task_id)
        tasks.write_bytes(parts)
        assert load(data).task(task_id).id == task_id
