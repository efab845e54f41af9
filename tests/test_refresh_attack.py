"""Edits and files a user really makes, run through the commands that read and write the cache.

Each test here is a sequence that once went wrong: a real repository, real hand edits committed with
git, then parktrack's own commands in process. Cached answers must equal `--no-cache` ones and every
write must finish with a validated ledger and its commit.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import DATA, Cli, git
from parktrack import cache, datadir, store
from parktrack.errors import DataError
from parktrack.ledger import Ledger, TaskIndex, load
from test_item_writes import small_ledger
from test_refresh import edited

TASKS = store.TASKS_FILE


def _run(cli: Cli, repo: Path, *args: str) -> str:
    outcome = cli(*args, "--data", str(repo / "data"), "--lang", "en")
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


def _item(raw: bytes, task_id: str, following: str) -> tuple[int, int]:
    return raw.index(f"  - id: {task_id}\n".encode()), raw.index(f"  - id: {following}\n".encode())


def test_a_write_validated_in_full_on_a_file_with_a_byte_order_mark_remembers_where_its_items_lie(
    cli: Cli, repo: Path
) -> None:
    """Saved by Notepad (a BOM), with a line separator pasted into one item's quoted text (so a write to
    that item cannot go by item: it is validated in full) and a hand-written history in block style.

    The full write validated the text without its BOM and remembered cuts 3 bytes short of the items;
    the next write by item cut its item's text there, mid-character, and died with a traceback."""
    tasks = repo / "data" / TASKS
    raw = tasks.read_bytes()
    start, end = _item(raw, "T05", "T06")
    pasted = raw[start:end].replace(b"    text: ", b'    text: "', 1)
    before_leaders = pasted.index(b"\n    leaders:")
    pasted = pasted[:before_leaders] + '\u2028（補充）"'.encode() + pasted[before_leaders:]
    _, after = _item(raw, "T06", "T07")
    by_hand = raw[end:after].replace(
        b"    history: []\n", "    history:\n      - date: 2024-05-20\n        note: 手工補記\n".encode(), 1
    )
    assert by_hand != raw[end:after]
    tasks.write_bytes(b"\xef\xbb\xbf" + raw[:start] + pasted + by_hand + raw[after:])
    git(repo, "commit", "-qam", "saved by Notepad, with a pasted line separator and a history by hand")
    assert cli("validate", "--data", str(repo / "data"), "--lang", "en").exit_code == 0

    _run(cli, repo, "update", "T05", "--status", "in_progress", "--date", "2024-05-01")
    data = datadir.DataDir(repo / "data")
    texts = cache.read_files(data)
    assert texts is not None
    entry = cache._read_entry(cache._entry_path(data, True), cache._key(texts, True))
    assert entry is not None
    assert entry["task_cuts"] == load(data).task_cuts  # where the items lie in the bytes on disk, BOM counted

    _run(cli, repo, "update", "T07", "--status", "in_progress", "--date", "2024-05-02")
    assert load(data).task("T07").status == "in_progress"
    assert git(repo, "log", "-1", "--format=%s").startswith("T07")
    query = ("show", "T07", "--as-of", "2024-06-30", "--format", "json")
    assert _run(cli, repo, *query) == _run(cli, repo, *query, "--no-cache")


def test_spaces_left_on_an_unfinished_last_line_count_as_text_of_a_block_scalar_ending_the_file(
    cli: Cli, repo: Path
) -> None:
    """The last item ends with its text as a block scalar (`|-`, natural for a long paragraph); then
    the file is saved with indentation left on an unfinished last line, deeper than the block's lines.

    YAML reads those spaces as the scalar's last line, so the item's text changes. The refresh took
    them for spaces after the list and reused every item as the stale entry had it: `show` answered
    with the old text where `--no-cache` shows the new one."""
    tasks = repo / "data" / TASKS
    text = tasks.read_text(encoding="utf-8")
    start = text.index("  - id: M15\n")
    item = text[start:]
    line = item.index("    text: ")
    paragraph = item[line + len("    text: ") : item.index("\n", line)]
    item = item[:line] + item[item.index("\n", line) + 1 :]
    item += f"    text: |-\n      {paragraph[:30]}\n      {paragraph[30:]}\n"
    tasks.write_text(text[:start] + item, encoding="utf-8")
    git(repo, "commit", "-qam", "M15's text as a block, one line per clause")
    query = ("show", "M15", "--as-of", "2024-06-30", "--format", "json")
    assert json.loads(_run(cli, repo, *query))["text"] == paragraph[:30] + "\n" + paragraph[30:]

    tasks.write_bytes(tasks.read_bytes() + b" " * 8)  # no line break after them
    assert cli("validate", "--data", str(repo / "data"), "--lang", "en").exit_code == 0
    fresh = _run(cli, repo, *query, "--no-cache")
    assert json.loads(fresh)["text"] == paragraph[:30] + "\n" + paragraph[30:] + "\n  "
    assert _run(cli, repo, *query) == fresh


def _as_block(text: str, task_id: str) -> str:
    """The item's text moved to its end as a `|-` block, one line per half (its item as the file has it)."""
    start = text.index(f"  - id: {task_id}\n")
    end = text.find("\n  - id: ", start) + 1 or len(text)
    item = text[start:end]
    line = item.index("    text: ")
    paragraph = item[line + len("    text: ") : item.index("\n", line)]
    item = item[:line] + item[item.index("\n", line) + 1 :]
    item += f"    text: |-\n      {paragraph[:20]}\n      {paragraph[20:]}\n"
    return text[:start] + item + text[end:]


def test_a_pull_that_reorders_items_before_deep_spaces_ending_the_file_answers_as_a_full_load(
    cli: Cli, repo: Path
) -> None:
    """The file ends with indentation left on an unfinished line, deeper than the block scalar of the
    last item, so that item's text ends with those spaces. A pull swaps the last two items.

    The stale entry cut its last item before the spaces (as store.item_boundaries cuts) but its text,
    read in full, holds them: the refresh reused M15 with them in the middle of the list, where it has
    none, and M14 without them at the end, where it has them."""
    tasks = repo / "data" / TASKS
    text = _as_block(_as_block(tasks.read_text(encoding="utf-8"), "M14"), "M15")
    tasks.write_bytes(text.encode("utf-8") + b" " * 8)
    git(repo, "commit", "-qam", "M14 and M15 as blocks, saved with indentation left on the last line")
    queries = [("show", task_id, "--as-of", "2024-06-30", "--format", "json") for task_id in ("M14", "M15")]
    assert json.loads(_run(cli, repo, *queries[1]))["text"].endswith("\n  ")  # the spaces are its text

    raw = tasks.read_bytes()
    m14, m15 = raw.index(b"  - id: M14\n"), raw.index(b"  - id: M15\n")
    tasks.write_bytes(raw[:m14] + raw[m15:-8] + raw[m14:m15] + b" " * 8)
    git(repo, "commit", "-qam", "pulled: M15 before M14")
    assert cli("validate", "--data", str(repo / "data"), "--lang", "en").exit_code == 0
    for query in queries:
        assert _run(cli, repo, *query) == _run(cli, repo, *query, "--no-cache"), query


def test_a_write_by_item_to_a_last_item_whose_block_text_ends_in_deep_spaces_remembers_its_whole_text(
    cli: Cli, repo: Path
) -> None:
    """The same file shape met by a write: store.item_boundaries cut M15 before the spaces that end its
    text, so `note` checked M15 alone without them and the cache remembered a text the file does not
    hold; the next `show` from the cache differed from `--no-cache`."""
    tasks = repo / "data" / TASKS
    tasks.write_bytes(_as_block(tasks.read_text(encoding="utf-8"), "M15").encode("utf-8") + b" " * 8)
    git(repo, "commit", "-qam", "M15 as a block, saved with indentation left on the last line")
    query = ("show", "M15", "--as-of", "2024-06-30", "--format", "json")
    _run(cli, repo, *query)
    _run(cli, repo, "note", "M15", "已與州工信局對接", "--date", "2024-05-01")
    fresh = _run(cli, repo, *query, "--no-cache")
    assert json.loads(fresh)["text"].endswith("\n  ") and json.loads(fresh)["history"][-1]["note"] == "已與州工信局對接"
    assert _run(cli, repo, *query) == fresh


def test_a_merge_conflict_marker_added_to_one_item_is_checked_against_the_whole_file(cli: Cli, repo: Path) -> None:
    """A section's goal is written as a quoted paragraph with a line of `=======` under its heading (a
    quoted scalar's lines may start at column 0). On its own that line is no conflict: git's markers
    count only where `<<<<<<<` or `>>>>>>>` appear too. Then a hand edit writes `>>>>>>>` into one
    item's text.

    A full load now reads the file as an unresolved merge: exit 1, at the `=======` line. The refresh
    parsed only the edited item, where no marker starts a line, and answered as if the file were fine."""
    tasks = repo / "data" / TASKS
    _a_heading_underlined_in_a_goal(repo)
    query = ("show", "T07", "--as-of", "2024-06-30", "--format", "json")
    assert _run(cli, repo, *query) == _run(cli, repo, *query, "--no-cache")

    raw = tasks.read_bytes()
    start, end = _item(raw, "T07", "T08")
    marked = raw[start:end].replace(b"    text: ", "    text: 進度 >>>>>>> 計劃,".encode(), 1)
    tasks.write_bytes(raw[:start] + marked + raw[end:])
    git(repo, "commit", "-qam", "T07: ahead of plan")
    fresh = cli(*query, "--data", str(repo / "data"), "--lang", "en", "--no-cache")
    assert fresh.exit_code == 1 and "unresolved merge conflict" in fresh.stderr, fresh.stderr
    cached = cli(*query, "--data", str(repo / "data"), "--lang", "en")
    assert (cached.exit_code, cached.stdout, cached.stderr) == (fresh.exit_code, fresh.stdout, fresh.stderr)


def _a_heading_underlined_in_a_goal(repo: Path) -> None:
    """Section 8's goal as a quoted heading underlined with `=======` at column 0 (valid alone)."""
    _underline_a_goal(repo / "data" / TASKS)
    git(repo, "commit", "-qam", "section 8's goal as a heading and its paragraph")


def _underline_a_goal(tasks: Path) -> None:
    goal = '    goal: "保障措施\n=======\n      組織、資金與督查"\n'.encode()
    tasks.write_bytes(tasks.read_bytes().replace(b"    goal: null\n", goal, 1))


def test_a_note_with_a_conflict_marker_written_by_item_leaves_a_ledger_that_validates(cli: Cli, repo: Path) -> None:
    """The same file met by a write: `note` validated the item alone and wrote `>>>>>>>` into it, which
    a full check (and so `validate`, every --no-cache read and the next full write) reads as an
    unresolved merge at the `=======` line. With --no-cache the same note is refused."""
    _a_heading_underlined_in_a_goal(repo)
    _run(cli, repo, "list", "--as-of", "2024-06-30")  # the cache knows the file: the note goes by item
    note = ("note", "T07", "進度 >>>>>>> 計劃", "--date", "2024-05-01", "--data", str(repo / "data"), "--lang", "en")
    outcome = cli(*note)
    if outcome.exit_code == 0:
        checked = cli("validate", "--data", str(repo / "data"), "--lang", "en")
        assert checked.exit_code == 0, checked.stderr
    assert outcome.exit_code == cli(*note, "--no-cache").exit_code


# --- chains: each hand edit read through the cache (either kind of load), compared with a full load ----


@pytest.fixture(scope="module")
def chained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small ledger whose head holds a `=======` line, with two indicators naming two of its items."""
    folder = small_ledger(tmp_path_factory.mktemp("chained") / "data", (0, 6, 7, 20, 30, 52, 60, 70, 82))
    _underline_a_goal(folder / TASKS)
    text = (DATA / store.INDICATORS_FILE).read_text(encoding="utf-8")
    two = text[: text.index("  - id: new-above-scale-firms\n")].replace("items: [T18]", "items: [T07]")
    (folder / store.INDICATORS_FILE).write_text(two, encoding="utf-8")
    assert len(load(datadir.DataDir(folder)).indicators) == 2
    return folder


# what a hand edit may also bring: git's markers, a marker-like line, breaks and spaces of other kinds
EXTRAS = [b"\n=======\n", b"|||||||", b"\xc2\xa0", b"\xef\xbb\xbf", b"\n# note\n\n", b"\r", b"\n\n"]


@st.composite
def chained_edit(draw: st.DrawFn, raw: bytes, cuts: list[int]) -> bytes:
    """tasks.yaml after a few hand edits (see test_refresh.edited), and/or `>>>>>>>` written at the start
    of a value (where it reads as text) or one of EXTRAS put anywhere among the items."""
    how = draw(st.sampled_from(["edit", "extra", "both"]))
    tasks = draw(edited(raw, cuts)) if how != "extra" else raw
    if how != "edit":
        if draw(st.booleans()):
            spots = [i + 2 for i in range(cuts[0], len(tasks) - 1) if tasks[i : i + 2] == b": "]
            extra = b"x >>>>>>> theirs "
        else:
            spots = [i + 1 for i in range(cuts[0], len(tasks)) if tasks[i] in b"\n :"]
            extra = draw(st.sampled_from(EXTRAS))
        at = draw(st.sampled_from(spots))
        tasks = tasks[:at] + extra + tasks[at:]
    return tasks


def _outcome(load_it: Callable[..., Ledger], data: datadir.DataDir, indicators: bool) -> Any:
    """What a load gives, comparable: its problems, or its items, cuts, indicators and lookup."""
    try:
        ledger = load_it(data, indicators=indicators)
    except DataError as error:
        return [str(problem) for problem in error.problems]
    index = ledger.tasks.lookup or TaskIndex.of(ledger.tasks)
    filed = [{name: spots for name, spots in kind.items() if spots} for kind in (index.names, index.leaders)]
    dumps = [[model.model_dump(mode="json") for model in models] for models in (ledger.tasks, ledger.indicators)]
    return dumps, ledger.task_cuts, filed, index.deadlines, index.plain_sketches()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_chain_of_hand_edits_read_through_either_entry_answers_as_full_loads(
    chained: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Each edit is read by a tasks-only or a full load, so each refresh starts from an entry that an
    earlier refresh framed, of the same kind or the other (or from a full load after an invalid edit)."""
    where = tmp_path_factory.mktemp("chain")
    folder = where / "data"
    shutil.copytree(chained, folder)
    tasks, folder_data = folder / TASKS, datadir.DataDir(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.CACHE_DIR_VAR, str(where / "cache"))
        cache.load_ledger(folder_data, indicators=data.draw(st.booleans()))
        valid = tasks.read_bytes()
        for _ in range(data.draw(st.integers(1, 4))):
            cuts = load(folder_data, replacing={TASKS: valid.decode("utf-8")}, indicators=False).task_cuts
            if cuts is None:  # an edit kept (a lone CR between items) left the file uncut: no item to aim at
                break
            tasks.write_bytes(data.draw(chained_edit(valid, cuts)))
            indicators = data.draw(st.booleans())
            cached = _outcome(cache.load_ledger, folder_data, indicators)
            assert cached == _outcome(load, folder_data, indicators)
            if not isinstance(cached, list):
                valid = tasks.read_bytes()


# --- a repository used with the cache against its twin used with --no-cache, step by step ---------


def _items_of(raw: bytes) -> tuple[bytes, list[bytes], bytes]:
    """tasks.yaml (LF, no BOM) as the text before its items, each item's text, and what follows them."""
    after = raw.find(b"\nsections:\n", raw.index(b"\ntasks:\n"))
    body, tail = (raw, b"") if after < 0 else (raw[: after + 1], raw[after + 1 :])
    starts = [at + 1 for at in range(len(body)) if body.startswith(b"\n  - id: ", at)]
    cuts = [*starts, len(body)]
    return body[: starts[0]], [body[start:end] for start, end in pairwise(cuts)], tail


def _by_hand(kind: str, raw: bytes) -> bytes:
    """One hand edit of tasks.yaml's items or layout (kept in the file's BOM and line breaks)."""
    bom, crlf = raw.startswith(b"\xef\xbb\xbf"), b"\r\n" in raw
    plain = raw.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n")
    if kind == "crlf":
        crlf = not crlf
    elif kind == "bom":
        bom = not bom
    elif kind == "spaces":
        plain = plain.rstrip(b" ") if plain.endswith(b" ") else plain + b"  "
    else:
        spaces = len(plain) - len(plain.rstrip(b" "))
        head, items, tail = _items_of(plain[: len(plain) - spaces])
        if kind == "comment":
            items[6] = items[6].replace(b"    text: ", b"    # asked the office\n    text: ", 1)
        elif kind == "swap":
            items[0], items[1] = items[1], items[0]
        elif kind == "drop":
            del items[3]
        elif kind == "add":
            items.insert(10, items[6].replace(b"id: T07", b"id: T99", 1))
        elif kind == "move":
            items.append(items.pop(5))
        elif kind == "history":  # done by hand, with its dated entry
            done = b"status: done\n    history:\n      - date: 2024-05-02\n        status: done\n"
            items[8] = items[8].replace(b"status: not_started\n    history: []\n", done, 1)
        elif kind == "units":  # another supporting unit, and another lead official
            items[2] = items[2].replace(b"support_units: [", "support_units: [縣統計局, ".encode(), 1)
            items[2] = items[2].replace(b"leaders: [", "leaders: [李興明, ".encode(), 1)
        elif kind == "sections" and not tail:  # the sections moved after the list, or back
            start, stop = head.index(b"\nsections:\n") + 1, head.index(b"\ntasks:\n") + 1
            head, tail = head[:start] + head[stop:], head[start:stop]
        elif kind == "sections":
            at = head.index(b"\ntasks:\n") + 1
            head, tail = head[:at] + tail + head[at:], b""
        plain = head + b"".join(items) + tail + b" " * spaces
    plain = plain.replace(b"\n", b"\r\n") if crlf else plain
    return (b"\xef\xbb\xbf" if bom else b"") + plain


HAND_EDITS = ["comment", "history", "units", "swap", "drop", "add", "move", "sections", "crlf", "bom", "spaces"]
OTHER_EDITS = ["indicators", "units", "revert", "checkout", "damaged entry", "no entry"]
COMMANDS = [
    ("list",), ("indicators",), ("show", "T07"), ("units",), ("leaders",), ("show", "T99"),
    ("list", "--unit", "縣統計局"), ("list", "--leader", "李興明"), ("list", "--light", "red"),
    ("note", "T07", "已對接"), ("update", "T09", "T99", "--status", "in_progress", "--note", "一起"),
    ("record", "gross-output", "12.5", "--period", "2024Q1"), ("note", "M15", "第一行\n第二行"),
]  # fmt: skip


def _edit_twin(root: Path, edit: str) -> None:
    data = root / "data"
    if edit in HAND_EDITS:
        (data / TASKS).write_bytes(_by_hand(edit, (data / TASKS).read_bytes()))
    elif edit in ("indicators", "units"):
        name = store.INDICATORS_FILE if edit == "indicators" else store.UNITS_FILE
        raw = (data / name).read_bytes()
        (data / name).write_bytes(raw.replace(b"items: [T18]", b"items: [T18, T07]", 1) + b"# checked\n")
    elif edit == "revert" and git(root, "rev-list", "--count", "HEAD").strip() != "1":
        git(root, "revert", "--no-edit", "HEAD")
    elif edit == "checkout":
        git(root, "checkout", git(root, "rev-list", "--max-parents=0", "HEAD").strip(), "--", "data")
    elif edit in ("damaged entry", "no entry"):
        for kind in (True, False):  # only the cached twin has entries
            entry = cache._entry_path(datadir.DataDir(data), kind)
            if entry.exists() and edit == "no entry":
                entry.unlink()
            elif entry.exists():
                entry.write_bytes(entry.read_bytes()[:-9] + b"\x00" * 9)
    if git(root, "status", "--porcelain"):
        git(root, "commit", "-qam", f"by hand: {edit}")


_COMMIT = re.compile(r"\b[0-9a-f]{10}(?:[0-9a-f]{30})?\b")  # a commit's hash: the twins commit at other times


def _step(cli: Cli, twins: tuple[Path, Path], step: str | tuple[str, ...], day: int) -> None:
    cached, fresh = twins
    if isinstance(step, str):
        for root in twins:
            _edit_twin(root, step)
    else:
        writes = step[0] in ("note", "update", "record")
        options = ("--date", f"2024-{5 + day // 28:02d}-{1 + day % 28:02d}") if writes else ("--as-of", "2024-06-30")
        if not writes:
            options += ("--format", "json")
        answers = [
            cli(step[0], *extra, *options, "--data", str(root / "data"), "--lang", "en", *step[1:])
            for root, extra in ((cached, ()), (fresh, ("--no-cache",)))
        ]
        said = [
            (
                answer.exit_code,
                _COMMIT.sub("<commit>", (answer.stdout + answer.stderr).replace(str(root), "")),
            )
            for answer, root in zip(answers, twins, strict=True)
        ]
        assert said[0] == said[1], step
    for name in (TASKS, store.UNITS_FILE, store.INDICATORS_FILE):
        assert (cached / "data" / name).read_bytes() == (fresh / "data" / name).read_bytes(), (step, name)
    messages = [_COMMIT.sub("<commit>", git(root, "log", "-1", "--format=%s%n%b")) for root in twins]
    assert messages[0] == messages[1], step


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(st.sampled_from([*HAND_EDITS, *OTHER_EDITS]) | st.sampled_from(COMMANDS), min_size=4, max_size=10)
)
@example(steps=["comment", ("list",), "history", ("units",)])  # a lookup a refresh framed, updated in place
@example(steps=["units", ("list", "--unit", "縣統計局"), "history", ("list", "--leader", "李興明")])
@example(steps=[("note", "T07", "已對接"), "comment", ("list",), "units", ("update", "T09", "T99", "--status", "done")])
@example(
    steps=[("indicators",), "sections", ("list",), "crlf", ("record", "gross-output", "12.5", "--period", "2024Q1")]
)
def test_commands_after_hand_edits_answer_and_write_as_with_no_cache(
    cli: Cli, repo: Path, tmp_path_factory: pytest.TempPathFactory, steps: list[str | tuple[str, ...]]
) -> None:
    """Reads and writes in any order after hand edits, pulls, reverts and checkouts, with entries of
    either kind current, stale, damaged or gone: the same answers, files and commits as --no-cache."""
    where = tmp_path_factory.mktemp("twins")
    twins = (where / "cached", where / "fresh")
    for root in twins:
        shutil.copytree(repo, root)
    for day, step in enumerate(steps):
        _step(cli, twins, step, day)
