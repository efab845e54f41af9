"""A stale read-cache entry brought up to date by reading only the items whose text changed (refresh.py).

After a hand edit, a `git pull` or a checkout, the next command parses only the changed items. These
tests prove that a refresh is only ever accepted where a full load accepts the same files and builds
the same payload (items, cuts, lookup, sketches), on random edits of whole files, and that real commands
after real edits take it and answer as `--no-cache` does.
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import Cli, git
from parktrack import cache, datadir, ledger, refresh, store
from parktrack.errors import DataError
from parktrack.ledger import Ledger, TaskIndex, load
from test_item_writes import FRAGMENTS, mangled, small_ledger

TASKS = store.TASKS_FILE


def stale_entry(folder: Path) -> tuple[Ledger, dict[str, Any], dict[str, bytes]]:
    """The folder's ledger loaded through the cache, as a later refresh finds it: ledger, payload, bytes."""
    data = datadir.DataDir(folder)
    cache.load_ledger(data)
    texts = cache._read_texts(data, False)
    assert texts is not None
    payload = cache._read_entry(cache._entry_path(data, False), None)
    assert payload is not None and payload["frame"] is not None
    return cache._from_payload(data, payload), payload, texts


def refreshed(folder: Path, stale: tuple[Ledger, dict[str, Any], dict[str, bytes]], tasks: bytes) -> Any:
    old, payload, texts = stale
    return refresh.refreshed(datadir.DataDir(folder), cache._code_stamp(), old, payload, {**texts, TASKS: tasks})


def full(folder: Path, tasks: bytes) -> Ledger | None:
    try:
        return load(datadir.DataDir(folder), replacing={TASKS: tasks.decode("utf-8")}, indicators=False)
    except (DataError, UnicodeDecodeError):
        return None


def assert_same_as_full(payload: dict[str, Any], whole: Ledger) -> None:
    """The refreshed payload holds what a full load of the same bytes stores, item for item."""
    assert payload["task_ids"] == list(whole.tasks.ids)
    assert [marshal.loads(blob) for blob in payload["task_blobs"]] == [t.model_dump(mode="json") for t in whole.tasks]
    assert payload["task_cuts"] == whole.task_cuts
    mine, theirs = TaskIndex.from_plain(payload["task_index"]), TaskIndex.of(whole.tasks)
    assert (mine.names, mine.leaders, mine.deadlines) == (theirs.names, theirs.leaders, theirs.deadlines)
    assert [list(map(_plain, s)) for s in mine.plain_sketches()] == [
        list(map(_plain, s)) for s in theirs.plain_sketches()
    ]


def _plain(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, tuple | list) else value


# --- a refresh is accepted only where a full load agrees -----------------------------------------


def items_of(raw: bytes, cuts: list[int]) -> list[bytes]:
    return [raw[start:end] for start, end in pairwise(cuts)]


def split(stale: tuple[Ledger, dict[str, Any], dict[str, bytes]]) -> tuple[bytes, list[bytes], bytes]:
    """The stale tasks.yaml as the text before its items, each item's text, and the text after them."""
    raw, cuts = stale[2][TASKS], stale[0].task_cuts
    assert cuts is not None
    return raw[: cuts[0]], items_of(raw, cuts), raw[cuts[-1] :]


@st.composite
def edited(draw: st.DrawFn, raw: bytes, cuts: list[int]) -> bytes:
    """tasks.yaml after a few hand edits: items mangled, dropped, doubled or swapped, or text put anywhere."""
    head, items, tail = raw[: cuts[0]], items_of(raw, cuts), raw[cuts[-1] :]
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["mangle", "mangle", "drop", "double", "swap", "anywhere"]))
        at = draw(st.integers(0, len(items) - 1))
        if kind == "mangle":
            items[at] = draw(mangled(items[at].decode("utf-8"))).encode("utf-8")
        elif kind == "drop" and len(items) > 1:
            del items[at]
        elif kind == "double":
            items.insert(at, items[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(items) - 1))
            items[at], items[other] = items[other], items[at]
        elif kind == "anywhere":
            text = (head + b"".join(items) + tail).decode("utf-8")
            where = draw(st.integers(0, len(text)))
            text = text[:where] + draw(st.sampled_from(FRAGMENTS)) + text[where:]
            return text.encode("utf-8")
    return head + b"".join(items) + tail


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    folder = small_ledger(tmp_path_factory.mktemp("refresh") / "data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.CACHE_DIR_VAR, str(folder.parent / "cache"))
        yield folder, stale_entry(folder)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_refresh_is_accepted_only_where_a_full_load_builds_the_same(
    sample: tuple[Path, Any], data: st.DataObject
) -> None:
    folder, stale = sample
    raw = stale[2][TASKS]
    assert stale[0].task_cuts is not None
    tasks = data.draw(edited(raw, stale[0].task_cuts))
    payload = refreshed(folder, stale, tasks)
    event("refreshed" if payload is not None else "declined")
    if payload is None:
        return  # declined: the full load decides and reports
    whole = full(folder, tasks)
    assert whole is not None, f"refreshed, refused in full: {tasks!r}"
    assert_same_as_full(payload, whole)


def test_plain_edits_are_refreshed_not_declined(sample: tuple[Path, Any]) -> None:
    """The usual hand edits and pulls: an item's text, a comment, items dropped, doubled ids aside, reordered."""
    folder, stale = sample
    raw = stale[2][TASKS]
    head, items, tail = split(stale)
    retold = items[1].replace(b"status: not_started", b"status: not_started  # asked on 5 June", 1)
    assert retold != items[1]
    sole = next(item for item in items if "縣委組織部".encode() in item)  # the one item naming this unit
    assert sum("縣委組織部".encode() in item for item in items) == 1
    unnamed = sole.replace("縣委組織部, ".encode(), b"", 1)  # no item names it now: nor may the lookup
    assert unnamed != sole
    cases = {
        "a comment in one item": head + items[0] + retold + b"".join(items[2:]) + tail,
        "the only mention of a unit taken out": raw.replace(sole, unnamed, 1),
        "an item dropped": head + b"".join(items[:2] + items[3:]) + tail,
        "two items swapped": head + b"".join([items[1], items[0], *items[2:]]) + tail,
        "nothing changed": raw,
        "spaces after the last line break": raw + b"  ",  # outside the list, as a full load cuts it
    }
    for name, tasks in cases.items():
        payload = refreshed(folder, stale, tasks)
        whole = full(folder, tasks)
        assert payload is not None and whole is not None, name
        assert_same_as_full(payload, whole)
    doubled = head + b"".join([items[0], *items]) + tail  # a duplicate id: refused in full, declined here
    assert refreshed(folder, stale, doubled) is None and full(folder, doubled) is None


def test_text_outside_the_items_or_another_units_file_is_never_refreshed(sample: tuple[Path, Any]) -> None:
    folder, stale = sample
    old, payload, texts = stale
    raw, cuts = texts[TASKS], old.task_cuts
    assert cuts is not None
    plan_changed = raw.replace(b"year: 2024", b"year: 2025", 1)
    assert plan_changed != raw and refreshed(folder, stale, plan_changed) is None
    units = texts[store.UNITS_FILE] + b"# a comment\n"
    code = cache._code_stamp()
    data = datadir.DataDir(folder)
    assert refresh.refreshed(data, code, old, payload, {**texts, store.UNITS_FILE: units}) is None
    assert refresh.refreshed(data, code + b"another version", old, payload, texts) is None
    low = raw[: cuts[2]] + b"x: 1\n" + raw[cuts[2] :]  # content left of the dash column: not an item start
    assert refreshed(folder, stale, low) is None


def test_layouts_a_full_load_cuts_no_items_from_are_not_refreshed(sample: tuple[Path, Any]) -> None:
    """A full load records no item cuts for these (writes then always go through it): nor may a refresh."""
    folder, stale = sample
    head, items, tail = split(stale)
    shapes = {
        "an item's first value below its dash": items[1].replace(b"  - id: ", b"  - # moved\n    id: ", 1),
        "<< in a text": items[1].replace(b"    text: ", b"    text: <<", 1),
    }
    for name, item in shapes.items():
        tasks = head + items[0] + item + b"".join(items[2:]) + tail
        whole = full(folder, tasks)
        assert whole is not None and whole.task_cuts is None, name
        assert refreshed(folder, stale, tasks) is None, name


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a\rb", True), ("a\r", True), ("a\x85b", True), ("a\u2028b", True), ("a\u2029b", True),
        ("a\r\nb\r\n", False), ("a\nb", False), ("——“引號”…\u2027\u202a", False), ("", False),
    ],
)  # fmt: skip
def test_line_breaks_other_than_newline_are_found(text: str, found: bool) -> None:
    raw = text.encode()
    assert store.other_break(raw, 0, len(raw)) is found
    before, after = "\rx\u2028".encode(), "\x85".encode()  # breaks outside the bounds do not count
    assert store.other_break(before + raw + after, len(before), len(before) + len(raw)) is found


def test_a_reformat_of_most_items_is_loaded_in_full(sample: tuple[Path, Any]) -> None:
    folder, stale = sample
    raw = stale[2][TASKS]
    reformatted = raw.replace(b"    history: []\n", b"    history: []  # none yet\n")
    assert reformatted.count(b"# none yet") > 3 and full(folder, reformatted) is not None
    assert refreshed(folder, stale, reformatted) is None


# --- real commands after real edits ----------------------------------------------------------------


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many item texts were parsed alone, and how many full loads ran, in this test's process."""
    counts = {"alone": 0, "full": 0}
    read_item, full_load = store.read_item, ledger.load

    def alone(*args: Any, **kwargs: Any) -> Any:
        counts["alone"] += 1
        return read_item(*args, **kwargs)

    def whole(*args: Any, **kwargs: Any) -> Any:
        counts["full"] += 1
        return full_load(*args, **kwargs)

    monkeypatch.setattr(store, "read_item", alone)
    monkeypatch.setattr(ledger, "load", whole)
    return counts


def answers(cli: Cli, data: Path, *args: str) -> str:
    outcome = cli(*args, "--data", str(data), "--as-of", "2024-06-30", "--format", "json", "--lang", "en")
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


QUERIES = (["list"], ["overdue"], ["units"], ["leaders"], ["show", "T07"])


def test_after_a_hand_edit_only_the_edited_items_are_parsed(cli: Cli, data_copy: Path, counted: dict[str, int]) -> None:
    answers(cli, data_copy, "list")  # the cache is warm
    tasks = data_copy / TASKS
    text = tasks.read_text(encoding="utf-8")
    text = text.replace("    status: not_started\n    history: []\n", "    status: done\n    history:\n"
                        "      - date: 2024-05-20\n        status: done\n        note: 手工補記\n", 1)  # fmt: skip
    start = text.index("  - id: T07\n")
    text = text[:start] + text[start:].replace("    text: ", "    # checked with the office\n    text: ", 1)
    tasks.write_text(text, encoding="utf-8")
    counted.update(alone=0, full=0)
    fresh = answers(cli, data_copy, "overdue")
    assert counted == {"alone": 2, "full": 0}
    for query in QUERIES:
        assert answers(cli, data_copy, *query) == answers(cli, data_copy, *query, "--no-cache"), query
    assert json.loads(fresh) == json.loads(answers(cli, data_copy, "overdue", "--no-cache"))


def test_a_pull_that_adds_drops_and_reorders_items_answers_as_a_full_load(
    cli: Cli, data_copy: Path, counted: dict[str, int]
) -> None:
    answers(cli, data_copy, "units")
    data = datadir.DataDir(data_copy)
    raw = (data_copy / TASKS).read_bytes()
    cuts = load(data).task_cuts
    assert cuts is not None
    items = items_of(raw, cuts)
    added = items[6].replace(b"id: T07", b"id: T99", 1)
    pulled = raw[: cuts[0]] + b"".join([items[1], items[0], *items[2:10], added, *items[11:]]) + raw[cuts[-1] :]
    (data_copy / TASKS).write_bytes(pulled)
    counted.update(alone=0, full=0)
    for query in QUERIES:
        assert answers(cli, data_copy, *query) == answers(cli, data_copy, *query, "--no-cache"), query
    assert counted["alone"] == 1  # the one new item; the rest moved or went, their text unchanged
    assert_entry_framed_afresh(data)


def assert_entry_framed_afresh(data: datadir.DataDir) -> None:
    """The entries left behind describe the files as they are now, so the next refresh compares right."""
    for kind in (False, True):
        texts = cache._read_texts(data, kind)
        assert texts is not None
        stored = cache._read_entry(cache._entry_path(data, kind), cache._key(texts, kind))
        if kind and stored is None:
            continue  # a read of tasks alone leaves no entry with indicators
        assert stored is not None
        assert stored["frame"] == refresh.frame(cache._code_stamp(), texts, stored["task_cuts"])
        assert stored["task_cuts"] == load(data, indicators=False).task_cuts


def test_a_write_by_item_leaves_its_frame_current(cli: Cli, repo: Path) -> None:
    data = repo / "data"
    answers(cli, data, "list")
    outcome = cli("note", "T07", "已與縣稅務局對接", "--date", "2024-05-10", "--data", str(data), "--lang", "en")
    assert outcome.exit_code == 0, outcome.stderr
    assert_entry_framed_afresh(datadir.DataDir(data))


def kept(data: Path) -> set[str]:
    """Which kinds of cache entry this data folder has."""
    kinds = {True: "with indicators", False: "tasks only"}
    return {kinds[kind] for kind in kinds if cache._entry_path(datadir.DataDir(data), kind).exists()}


@pytest.mark.unread
def test_a_write_after_a_read_starts_from_the_entry_the_read_left(
    cli: Cli, repo: Path, counted: dict[str, int]
) -> None:
    """`list` keeps only a tasks-only entry; a write, which loads indicators too, refreshes from it."""
    data = repo / "data"
    answers(cli, data, "list")
    assert kept(data) == {"tasks only"}
    tasks = data / TASKS
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("    text: ", "    # checked\n    text: ", 1))
    git(repo, "commit", "-q", "-am", "a hand edit")
    counted.update(alone=0, full=0)
    outcome = cli("note", "T07", "已與縣稅務局對接", "--date", "2024-05-10", "--data", str(data), "--lang", "en")
    assert outcome.exit_code == 0, outcome.stderr
    assert counted["full"] == 0 and counted["alone"] >= 1
    assert_entry_framed_afresh(datadir.DataDir(data))
    for query in (*QUERIES, ["indicators"]):
        assert answers(cli, data, *query) == answers(cli, data, *query, "--no-cache"), query


@pytest.mark.unread
def test_a_read_of_tasks_alone_refreshes_from_the_entry_with_indicators(
    cli: Cli, data_copy: Path, counted: dict[str, int]
) -> None:
    answers(cli, data_copy, "indicators")
    assert kept(data_copy) == {"with indicators"}
    tasks = data_copy / TASKS
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("    text: ", "    # checked\n    text: ", 1))
    counted.update(alone=0, full=0)
    assert answers(cli, data_copy, "list") == answers(cli, data_copy, "list", "--no-cache")
    assert counted["full"] == 1 and counted["alone"] == 1  # --no-cache's load; the cached read parsed one item
    for query in QUERIES:
        assert answers(cli, data_copy, *query) == answers(cli, data_copy, *query, "--no-cache"), query


def test_an_invalid_hand_edit_is_reported_by_the_full_check(cli: Cli, data_copy: Path) -> None:
    answers(cli, data_copy, "list")
    tasks = data_copy / TASKS
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("[縣財政局]", "[縣財政所]", 1), encoding="utf-8")
    outcome = cli("list", "--data", str(data_copy), "--lang", "en")
    assert outcome.exit_code == 1, outcome.stdout
    assert "tasks.yaml:669:18: T47.lead_units[0]: unknown unit '縣財政所' (did you mean 縣財政局?)" in outcome.stderr


def test_a_changed_indicators_file_alone_reads_no_item(cli: Cli, data_copy: Path, counted: dict[str, int]) -> None:
    answers(cli, data_copy, "indicators")
    path = data_copy / store.INDICATORS_FILE
    path.write_text(path.read_text(encoding="utf-8") + "# checked 2024-06-30\n", encoding="utf-8")
    counted.update(alone=0, full=0)
    assert answers(cli, data_copy, "indicators") == answers(cli, data_copy, "indicators", "--no-cache")
    assert counted["alone"] == 0


def test_a_generated_ledger_with_an_indentless_list_is_refreshed(tmp_path: Path, cli: Cli) -> None:
    """benchmarks/generate.py writes `- id:` at column 0, as PyYAML dumps; the bundled plan indents it."""
    import sys

    from conftest import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    data = tmp_path / "data"
    generate(data, 300)
    answers(cli, data, "list")
    tasks = data / TASKS
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(text.replace("\n  text: ", "\n  text: 手工改寫:", 1), encoding="utf-8")
    stale_ledger, payload, texts = stale_entry_without_refresh(data)
    fresh = refresh.refreshed(datadir.DataDir(data), cache._code_stamp(), stale_ledger, payload, texts)
    whole = full(data, texts[TASKS])
    assert fresh is not None and whole is not None
    assert_same_as_full(fresh, whole)


def stale_entry_without_refresh(folder: Path) -> tuple[Ledger, dict[str, Any], dict[str, bytes]]:
    data = datadir.DataDir(folder)
    texts = cache._read_texts(data, False)
    payload = cache._read_entry(cache._entry_path(data, False), None)
    assert texts is not None and payload is not None
    return cache._from_payload(data, payload), payload, texts
