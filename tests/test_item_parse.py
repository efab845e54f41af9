"""A ledger read item by item (store._parsed_by_items) gives exactly what one parse of the whole gives.

Loads with item cuts (every load of tasks.yaml but a write's full path, which needs the node tree)
parse the text before the list, then each item alone, when the layout makes that sure, so the whole
file's node tree is never held at once. Where it is not sure, or anything is wrong, the whole file is
parsed, which reports problems with their places. These tests compare the two on mangled files.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from parktrack import datadir, history, store
from parktrack.ledger import load
from test_item_writes import small_ledger
from test_refresh import edited

TASKS = store.TASKS_FILE


def by_items(text: str) -> tuple[Any, list[int]] | None:
    """`text` read item by item (its data and item cuts), or None where that is not sure (after the
    checks every parse makes first: text problems, anchors, aliases and tags, merge keys)."""
    return store.load_plain_items(text.encode("utf-8"), "tasks")


def whole(text: str) -> store.YamlDoc:
    """`text` parsed whole (a write's full path: marks kept), with the item cuts item_boundaries makes."""
    return store.read_yaml(Path(TASKS), text, marks=True, cut="tasks")


def assert_same(text: str) -> tuple[Any, list[int]] | None:
    """Read by items (when sure) gives the whole parse's data and cuts, and the whole parse is clean."""
    mine, theirs = by_items(text), whole(text)
    if mine is not None:
        assert theirs.problems == [], (text, theirs.problems)
        assert mine[0] == theirs.data
        assert list(mine[0]) == list(theirs.data)  # the keys in the file's order
        assert mine[1] == theirs.cuts
    read = store.read_yaml(Path(TASKS), text, cut="tasks")  # what a load does: by items, else whole
    assert (read.data, read.cuts, [str(p) for p in read.problems]) == (
        theirs.data,
        theirs.cuts,
        [str(p) for p in theirs.problems],
    )
    return mine


def assert_history_reads_alike(version: bytes) -> history._Version | None:
    """`history` reads `version` by items (where it can) as it reads it whole: the same entries and
    layout, or neither reads it. The version as read whole."""
    mine, theirs = history._parse(version, history._TASKS), history._parse(version, history._TASKS, by_items=False)
    if theirs is None:
        assert mine is None
        return None
    assert mine is not None
    for field in ("entries", "by_id", "unique", "odd", "starts", "indent", "text"):
        assert getattr(mine, field) == getattr(theirs, field), field
    return theirs


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[int]]:
    folder = small_ledger(tmp_path_factory.mktemp("parse") / "data")
    raw = (folder / TASKS).read_bytes()
    cuts = load(datadir.DataDir(folder), indicators=False).task_cuts
    assert cuts is not None
    return raw, cuts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_read_by_items_only_where_the_whole_parse_gives_the_same(
    sample: tuple[bytes, list[int]], data: st.DataObject
) -> None:
    raw, cuts = sample
    tasks = data.draw(edited(raw, cuts))
    try:
        text = tasks.decode("utf-8")
    except UnicodeDecodeError:
        return
    event("by items" if assert_same(text) is not None else "whole")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_history_reads_an_old_version_by_items_as_it_reads_it_whole(
    sample: tuple[bytes, list[int]], data: st.DataObject
) -> None:
    """`history` parses old versions in full the same way: read by items, the same entries and layout."""
    raw, cuts = sample
    version = data.draw(edited(raw, cuts))
    event("by items" if store.load_plain_items(version, "tasks") is not None else "whole")
    assert_history_reads_alike(version)


@pytest.mark.parametrize("change", [lambda t: t, lambda t: "\ufeff" + t, lambda t: t.replace("\n", "\r\n")])
def test_history_reads_a_version_with_a_bom_or_crlf_by_items_as_whole(
    sample: tuple[bytes, list[int]], change: Any
) -> None:
    version = change(sample[0].decode("utf-8")).encode("utf-8")
    assert store.load_plain_items(version, "tasks") is not None
    assert assert_history_reads_alike(version) is not None


def test_the_bundled_plan_and_a_generated_ledger_are_read_by_items(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from generate import generate

    generated = generate(tmp_path / "data", 120)  # `- id:` at column 0, as PyYAML dumps
    assert generated
    for folder in (datadir.bundled_plan(), tmp_path / "data"):
        text = (folder / TASKS).read_text(encoding="utf-8")
        assert assert_same(text) is not None, folder


@pytest.mark.parametrize(
    ("change", "taken"),
    [
        (lambda t: t, True),
        (lambda t: "\ufeff" + t, True),  # a byte order mark: cuts count its three bytes
        (lambda t: t.replace("\n", "\r\n"), True),
        (lambda t: t.rstrip("\n"), True),  # no final line break
        (lambda t: t + "# the end\n\n", True),  # trailing comments ride with the last item
        (lambda t: t + "  \n", True),
        (lambda t: t + "      ", False),  # spaces as deep as a block scalar's lines: not sure
        (lambda t: t + "extra: 1\n", False),  # a key after the list
        (lambda t: t.replace("tasks:\n", "tasks:  # the items\n\n# first\n", 1), True),
        (lambda t: t.replace("tasks:\n", "tasks: \n", 1), True),
        (lambda t: t.replace("tasks:\n", "tasks: []\n", 1), False),
        (lambda t: t.replace("tasks:\n", "tasks:\n  # note\nplan_too: 1\n", 1), False),
        (lambda t: "tasks:\n" + t, False),  # the key twice
        (lambda t: t.replace("\n  - id: T31\n", "\n  - id: T31\n    id: T32\n", 1), False),  # a duplicate key
        (lambda t: t.replace("\n  - id: T31\n", "\n  -\n    id: T31\n", 1), False),  # first value not on its dash line
        (lambda t: t.replace("\n  - id: T31\n", "\n  - id: 'T31\n", 1), False),  # a quote left open
        (lambda t: t.replace("\n  - id: T31\n", "\n  - id: T31\u2028\n", 1), False),
        (lambda t: t.replace("\n  - id: T31\n", "\n  - id: T31\r\n", 1), True),  # \r\n within is a line break
    ],
)
def test_layouts_read_by_items_or_whole(sample: tuple[bytes, list[int]], change: Any, taken: bool) -> None:
    text = change(sample[0].decode("utf-8"))
    assert (assert_same(text) is not None) is taken
