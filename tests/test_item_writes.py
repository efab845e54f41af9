"""Writes validated by item (writing.py) against writes validated in full.

A write to a few items of a large ledger parses and checks those items' text alone. These tests prove
it accepts a change only where the full check accepts it and builds the same ledger, that real writes
take that path (and leave the read cache warm), and that its files are byte for byte those the full
path writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA
from parktrack import cache, datadir, store, updates
from parktrack.errors import DataError, RefusedChangeError
from parktrack.ledger import Ledger, load
from parktrack.store import Splice
from parktrack.writing import Edit, write_edits

TASKS = store.TASKS_FILE


def small_ledger(folder: Path, picks: tuple[int, ...] = (0, 6, 7, 30, 52, 60)) -> Path:
    """A few of the bundled plan's items, cut out of its own text (comments and layout as written)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / store.UNITS_FILE, folder / store.UNITS_FILE)
    text = (DATA / TASKS).read_bytes()
    cuts = load(datadir.DataDir(DATA)).task_cuts
    assert cuts is not None
    items = b"".join(text[cuts[i] : cuts[i + 1]] for i in picks)
    (folder / TASKS).write_bytes(text[: cuts[0]] + items + text[cuts[-1] :])
    return folder


def base_of(folder: Path) -> cache.Base:
    return cache.load_for_write(datadir.DataDir(folder))


def replacing_item(task_id: str, new_text: str) -> Edit:
    """An edit that swaps the item's whole text for `new_text` (any text at all)."""
    return Edit(TASKS, "tasks", task_id, lambda text, _node: [Splice(0, len(text), new_text)])


def item_text(folder: Path, ledger: Ledger, position: int) -> str:
    assert ledger.task_cuts is not None
    raw = (folder / TASKS).read_bytes()
    return raw[ledger.task_cuts[position] : ledger.task_cuts[position + 1]].decode("utf-8")


def full_check(folder: Path, position: int, new_item: str, ledger: Ledger) -> Ledger | None:
    """The whole ledger with the item's text replaced, validated in full; None when refused."""
    assert ledger.task_cuts is not None
    text = (folder / TASKS).read_text(encoding="utf-8")
    old = item_text(folder, ledger, position)
    start = len((folder / TASKS).read_bytes()[: ledger.task_cuts[position]].decode("utf-8"))
    assert text[start : start + len(old)] == old
    try:
        return load(datadir.DataDir(folder), replacing={TASKS: text[:start] + new_item + text[start + len(old) :]})
    except DataError:
        return None


# --- the item path never accepts what the full check refuses --------------------------------------

FRAGMENTS = [
    "\n", " ", "  ", "    ", "- ", "-", "#", "# note\n", ": ", ":", "{", "}", "[", "]", "'", '"', "|", "|+\n", ">",
    "&a ", "*a", "!!str ", "!x ", "\t", "id: T99", "id: T01", "status: done", "status: bogus", "---\n", "...\n",
    "lead_units: [縣財政局]", "lead_units: [縣不存在局]", "\n- id: T98\n", "\n  history: []", "\nx: 1", "\n  x: 1",
    "deadline: 2024-13-01", "deadline: 2024-06-30", "long_term: true", "\n  - {date: 2024-01-01, status: done}",
    "\n  - {date: 2024-07-01, note: 已完成}", "\n- ", "\n  ", "%YAML 1.1\n", "\r\n", "\ufeff", "<<<<<<< HEAD\n",
    "\x00", "\u2028", "\x85", "text: 新的文字", "kind: measure", "section: 99", "leaders: []", "status:",
]  # fmt: skip


@st.composite
def mangled(draw: st.DrawFn, original: str) -> str:
    text = original
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 12))
        text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at + cut :]
    return text


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, cache.Base]:
    folder = small_ledger(tmp_path_factory.mktemp("items") / "data")
    return folder, base_of(folder)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_item_accepted_alone_is_accepted_in_full_and_built_the_same(
    sample: tuple[Path, cache.Base], data: st.DataObject
) -> None:
    from parktrack.writing import _replace_item

    folder, base = sample
    ledger = base.ledger
    position = data.draw(st.integers(0, len(ledger.tasks) - 1))
    old = item_text(folder, ledger, position)
    new = data.draw(mangled(old))
    task_id = ledger.tasks.ids[position]
    alone = _replace_item(datadir.DataDir(folder), ledger, old.encode(), [replacing_item(task_id, new)])
    whole = full_check(folder, position, new, ledger)
    if alone is None:
        return  # the item path declines: the full path decides (and reports) instead
    assert whole is not None, f"accepted alone, refused in full: {new!r}"
    assert alone[1] == whole.tasks[position]
    assert list(whole.tasks[:position]) + list(whole.tasks[position + 1 :]) == [
        task for index, task in enumerate(ledger.tasks) if index != position
    ]


def test_the_item_path_declines_text_that_would_escape_its_item(sample: tuple[Path, cache.Base]) -> None:
    """Each of these parses fine alone but not (or not the same) in its place; the full path decides."""
    from parktrack.writing import _replace_item

    folder, base = sample
    ledger = base.ledger
    old = item_text(folder, ledger, 1)
    task_id = ledger.tasks.ids[1]
    dash = " " * old.index("-")
    kind_line = next(line for line in old.splitlines() if line.lstrip().startswith("kind:"))
    escapes = [
        old.replace(kind_line, dash + kind_line.lstrip(), 1),  # a key at the dash's column: it leaves the item
        old.rstrip("\n"),  # no line break: the next item's dash would join its last line
        "  " + old,  # another column than its neighbours
        old.replace(f"id: {task_id}", "id: T01", 1),  # another item's id
        old + "---\n",  # a second document
    ]
    for text in escapes:
        assert _replace_item(datadir.DataDir(folder), ledger, old.encode(), [replacing_item(task_id, text)]) is None


# --- real writes take the item path, leave the cache warm, and write what the full path writes -----

Write = Callable[[Path], object]


def _update(folder: Path) -> object:
    return updates.record(datadir.DataDir(folder), ["T07"], "done", date(2024, 6, 20), "已完成", commit=False)


def _note_late(folder: Path) -> object:  # a late entry (補記) goes before the later ones
    return updates.record(datadir.DataDir(folder), ["T05"], None, date(2024, 3, 1), "補記進展", commit=False)


def _several(folder: Path) -> object:
    ids = ["T01", "T30", "M03.2", "T52"]
    return updates.record(datadir.DataDir(folder), ids, "in_progress", date(2024, 6, 1), None, commit=False)


def _figure(folder: Path) -> object:
    data = datadir.DataDir(folder)
    return updates.record_figure(data, "gross-output", "20.5", "2024-06", date(2024, 7, 5), commit=False)


WRITES = {"update": _update, "late note": _note_late, "several items": _several, "figure": _figure}


@pytest.mark.parametrize("name", WRITES)
def test_the_item_path_writes_the_bytes_the_full_path_writes(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_item, in_full = tmp_path / "item" / "data", tmp_path / "full" / "data"
    for folder in (by_item, in_full):
        shutil.copytree(DATA, folder)
    base_of(by_item)  # a cache entry for the files as they are
    WRITES[name](by_item)
    monkeypatch.setenv(cache.NO_CACHE_VAR, "1")
    WRITES[name](in_full)
    for file_name in (store.UNITS_FILE, TASKS, store.INDICATORS_FILE):
        assert (by_item / file_name).read_bytes() == (in_full / file_name).read_bytes(), file_name
    assert (by_item / TASKS).read_bytes() != (DATA / TASKS).read_bytes() or name == "figure"


def test_a_real_write_goes_by_item_and_the_next_one_starts_from_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    data = datadir.DataDir(folder)
    first = base_of(folder)
    change = updates.plan_change(first.ledger.task("T07"), "done", date(2024, 6, 20), None)
    assert write_edits(data, [updates.change_edit(change)], first) == "item"
    texts = cache.read_files(data)
    assert texts is not None
    stored = cache._read_entry(cache._entry_path(data, True), cache._key(texts, True))
    assert stored is not None, "the write left no cache entry for the bytes it wrote"
    after = base_of(folder).ledger
    assert after.task("T07").status == "done"
    assert after == load(data)  # the cached ledger is the one a full load builds


def test_an_invalid_change_is_refused_by_the_full_check_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    data = datadir.DataDir(folder)
    before = (folder / TASKS).read_bytes()

    def unknown_status(_text: str, node: Any) -> list[Splice]:
        status = store.mapping_value(node, "status")
        assert status is not None
        return [store.replace_value(status, "finished")]

    bad = Edit(TASKS, "tasks", "T07", unknown_status)
    with pytest.raises(RefusedChangeError) as refused:
        write_edits(data, [bad], base_of(folder))
    assert any("T07.status" in problem.where for problem in refused.value.problems)
    assert (folder / TASKS).read_bytes() == before


def _crlf_in(text: str, task_id: str) -> str:
    """CRLF line ends in one item's lines only (a file with mixed line ends)."""
    start = text.index(f"- id: {task_id}\n")
    end = text.index("\n  - id:", start)
    return text[:start] + text[start:end].replace("\n", "\r\n") + text[end:]


def _indentless(text: str) -> str:
    """`tasks:` followed by `- id:` at column 0 (the bundled file indents its list by two)."""
    head, tasks = text.split("\ntasks:\n")
    return head + "\ntasks:\n" + "".join(line.removeprefix("  ") for line in tasks.splitlines(keepends=True))


@pytest.mark.parametrize(
    "layout",
    [
        pytest.param(lambda text: _indentless(text), id="indentless list"),
        pytest.param(lambda text: "\ufeff" + text.replace("\n", "\r\n"), id="BOM and CRLF"),
        pytest.param(lambda text: text.replace("\n", "\r\n", 1), id="one CRLF line, in the header"),
        pytest.param(lambda text: _crlf_in(text, "T07"), id="CRLF in the edited item only"),
    ],
)
def test_other_layouts_go_by_item_too(
    layout: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = [small_ledger(tmp_path / name / "data") for name in ("item", "full")]
    for folder in folders:
        tasks = folder / TASKS
        tasks.write_bytes(layout(tasks.read_text(encoding="utf-8")).encode("utf-8"))
    before = (folders[0] / TASKS).read_bytes()
    base = base_of(folders[0])
    assert base.ledger.task_cuts is not None
    change = updates.plan_change(base.ledger.task("T07"), "done", date(2024, 6, 20), "已完成")
    assert write_edits(datadir.DataDir(folders[0]), [updates.change_edit(change)], base) == "item"
    monkeypatch.setenv(cache.NO_CACHE_VAR, "1")
    base = base_of(folders[1])
    assert write_edits(datadir.DataDir(folders[1]), [updates.change_edit(change)], base) == "full"
    after = (folders[0] / TASKS).read_bytes()
    assert after == (folders[1] / TASKS).read_bytes()
    every_crlf = before.count(b"\n") == before.count(b"\r\n")
    assert after.startswith(before[:3]) and every_crlf == (after.count(b"\n") == after.count(b"\r\n"))
    assert load(datadir.DataDir(folders[0])).task("T07").status == "done"


def test_a_list_written_irregularly_is_written_through_the_full_check(tmp_path: Path) -> None:
    folder = small_ledger(tmp_path / "data")
    tasks = folder / TASKS
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("  - id: T07", "  -\n    id: T07"), encoding="utf-8")
    base = base_of(folder)
    assert base.ledger.task_cuts is None
    change = updates.plan_change(base.ledger.task("T07"), "done", date(2024, 6, 20), None)
    assert write_edits(datadir.DataDir(folder), [updates.change_edit(change)], base) == "full"
    assert load(datadir.DataDir(folder)).task("T07").status == "done"


def test_the_cached_lookup_follows_an_item_whose_units_officials_and_deadline_changed(tmp_path: Path) -> None:
    """Filters build only the items the cache's lookup points at: after a write that moves an item to
    another unit, official and deadline, they still answer as a full load does."""
    from parktrack import query

    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    data = datadir.DataDir(folder)
    base = base_of(folder)
    old = item_text(folder, base.ledger, base.ledger.tasks.positions["T07"])
    new = (
        old.replace("lead_units: [云南武定產業園區管委會]", "lead_units: [縣財政局]")
        .replace("leaders: [鄧開榮]", "leaders: [楊艷]")
        .replace("deadline_text: 2024年12月底以前", "deadline_text: 2024年3月底以前")
        .replace("deadline: 2024-12-31", "deadline: 2024-03-31")
    )
    assert new.count("\n") == old.count("\n") and new != old
    assert write_edits(data, [replacing_item("T07", new)], base) == "item"
    cached, fresh = base_of(folder).ledger, load(data)
    assert cached.tasks.lookup is not None and fresh.tasks.lookup is None
    for filters in (
        query.Filters(unit=cached.find_unit("縣財政局")),
        query.Filters(unit=cached.find_unit("云南武定產業園區管委會")),
        query.Filters(leader="楊艷"),
        query.Filters(leader="鄧開榮", light="red"),
        query.Filters(light="red"),
    ):
        for day in (date(2024, 4, 1), date(2024, 6, 30), date(2025, 1, 1)):
            got = [row.task.id for row in query.select(cached, day, filters)]
            assert got == [row.task.id for row in query.select(fresh, day, filters)], (filters, day)
    assert "T07" in [row.task.id for row in query.overdue(cached, date(2024, 6, 30))]
    # the accountability views read the cache's sketches, never the items: the moved item counts where it went
    for day in (date(2024, 4, 1), date(2024, 6, 30), date(2025, 1, 1)):
        assert query.unit_summaries(cached, day) == query.unit_summaries(fresh, day), day
        assert query.leader_summaries(cached, day) == query.leader_summaries(fresh, day), day
    finance = next(s for s in query.unit_summaries(cached, date(2024, 6, 30)) if s.unit.name == "縣財政局")
    moved = next(s for s in query.unit_summaries(fresh, date(2024, 6, 30)) if s.unit.name == "縣財政局")
    assert finance.overdue_lead == moved.overdue_lead >= 1
    assert cached.leaders == fresh.leaders


def _kept_note(item: str) -> str:
    """T07 with a history whose last entry's note is kept with its blank line (`|+`)."""
    history = "    status: in_progress\n    history:\n      - date: 2024-03-01\n        status: in_progress\n"
    return item.replace(
        "    status: not_started\n    history: []\n", history + "        note: |+\n          已對接\n\n"
    )


def _kept_text(item: str) -> str:
    """T07 with no status or history, its text last and kept with its blank lines (`|+`)."""
    lines = item.replace("    status: not_started\n    history: []\n", "").splitlines(keepends=True)
    text = next(line for line in lines if line.startswith("    text: "))
    lines.remove(text)
    return "".join(lines) + "    text: |+\n      " + text.removeprefix("    text: ") + "\n\n"


@pytest.mark.parametrize("shape", [_kept_note, _kept_text], ids=["a note in history", "the text, last"])
def test_a_write_keeps_the_blank_lines_a_kept_block_text_owns(
    shape: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`|+` keeps a text's trailing blank lines: a new entry or key goes after them, not into them."""
    folders = [tmp_path / name / "data" for name in ("item", "full")]
    for folder in folders:
        shutil.copytree(DATA, folder)
        tasks = folder / TASKS
        text = tasks.read_text(encoding="utf-8")
        start = text.index("  - id: T07\n")
        end = text.index("  - id: T08\n")
        tasks.write_text(text[:start] + shape(text[start:end]) + text[end:], encoding="utf-8")
    original = load(datadir.DataDir(folders[0])).task("T07")
    kept = original.history[-1].note if original.history else original.text
    assert kept is not None and kept.endswith("\n\n")
    for folder, way in zip(folders, ("item", "full"), strict=True):
        if way == "full":
            monkeypatch.setenv(cache.NO_CACHE_VAR, "1")
        base = base_of(folder)
        change = updates.plan_change(base.ledger.task("T07"), None, date(2024, 6, 1), "補記")
        assert write_edits(datadir.DataDir(folder), [updates.change_edit(change)], base) == way
        task = load(datadir.DataDir(folder)).task("T07")
        assert (task.history[0].note if original.history else task.text) == kept
        assert task.history[-1].note == "補記"
    assert (folders[0] / TASKS).read_bytes() == (folders[1] / TASKS).read_bytes()
