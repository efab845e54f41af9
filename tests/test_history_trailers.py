"""`history` reads parktrack's own commits from the region they changed, chosen by their trailers.

Every test compares the two ways of reading the trail on a real repository: with trailers (a version
parktrack wrote is derived from its parent's and the re-parsed region) and without (every version
parsed in full, the reading the trail always had). They must agree row for row. The counters in
`history` show which way each version was read, and that none was parsed twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli, git
from parktrack import history
from parktrack.history import AuditRow, audit_trail

IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "b@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "b@example.org",
}


@pytest.fixture(autouse=True)
def _no_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo in the read cache would answer a second reading from the first: compare real readings."""
    monkeypatch.setenv("PARKTRACK_NO_CACHE", "1")


def _ok(cli: Cli, repo: Path, *args: str) -> None:
    result = cli("--lang", "en", *args, cwd=repo)
    assert result.exit_code == 0, result.stderr


def _blob(repo: Path, rev: str, name: str = "tasks.yaml") -> str:
    return git(repo, "rev-parse", f"{rev}:data/{name}").strip()


def _read_both_ways(repo: Path, name: str = "tasks.yaml") -> list[AuditRow]:
    """The trail with trailers, checked against the trail without; the counters tell the first reading."""
    history.FULL_PARSES.clear()
    history.REGION_PARSES.clear()
    fast = audit_trail(repo / "data", name, trailers=True)
    full, region = dict(history.FULL_PARSES), dict(history.REGION_PARSES)
    assert fast == audit_trail(repo / "data", name, trailers=False)
    assert max(full.values(), default=0) == 1, "a version was parsed twice"
    assert not set(full) & set(region), "a version was read both ways"
    history.FULL_PARSES.clear()
    history.FULL_PARSES.update(full)
    history.REGION_PARSES.clear()
    history.REGION_PARSES.update(region)
    return fast


def _hand_edit(repo: Path, old: str, new: str, message: str | None, start: str = "") -> None:
    """Replace `old` (the first after `start`) in tasks.yaml; commit it unless `message` is None."""
    path = repo / "data" / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index(old, text.index(start))
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    if message is not None:
        git(repo, "commit", "-q", "--cleanup=verbatim", "-am", message)


def tasks_lines(repo: Path) -> list[str]:
    return (repo / "data" / "tasks.yaml").read_text(encoding="utf-8").splitlines(keepends=True)


def _root(repo: Path) -> str:
    return git(repo, "rev-list", "--max-parents=0", "HEAD").strip()


def test_parktracks_commits_are_read_by_region_and_agree_with_full_parses(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ok(cli, repo, "update", "T01", "--status", "in_progress", "--date", "2024-03-01", "--note", "啟動")
    _ok(cli, repo, "note", "T02", "已召開調度會議\n\n  第二段", "--date", "2024-03-02")
    _ok(cli, repo, "update", "T03", "T40", "M12.1", "--status", "in_progress", "--date", "2024-03-03")
    _ok(cli, repo, "update", "T01", "--status", "done", "--date", "2024-05-01")
    _ok(cli, repo, "update", "T01", "--status", "blocked", "--date", "2024-04-01", "--note", "補記")  # a late entry
    _ok(cli, repo, "record", "gross-output", "9.5", "--period", "2024Q1", "--date", "2024-04-10")
    _ok(cli, repo, "record", "gross-output", "9.7", "--period", "2024Q1", "--date", "2024-04-11", "--correct")
    _ok(cli, repo, "record", "gross-output", "--period", "2024Q1", "--withdraw", "--date", "2024-04-12")
    added = ("add", "--text", "協調解決供水管網問題", "--lead", "縣財政局", "--deadline", "2024年9月底以前")
    _ok(cli, repo, *added, "--date", "2024-07-15")
    _hand_edit(repo, "    text: ", "    text: (手工補充)", "T05: its text, by hand", start="  - id: T05\n")
    _ok(cli, repo, "update", "T06", "--status", "done", "--date", "2024-06-01")

    rows = _read_both_ways(repo)
    assert [(r.task_id, r.change, r.old, r.new) for r in rows[:7]] == [
        ("T01", "status", "not_started", "in_progress"),
        ("T02", "note", None, None),
        ("T03", "status", "not_started", "in_progress"),
        ("T40", "status", "not_started", "in_progress"),
        ("M12.1", "status", "not_started", "in_progress"),
        ("T01", "status", "in_progress", "done"),
        ("T01", "status", "in_progress", "blocked"),
    ]
    assert rows[1].note == "已召開調度會議\n\n  第二段" and rows[6].effective is not None
    assert [(r.task_id, r.change, r.new) for r in rows[7:]] == [
        ("J01", "add", "協調解決供水管網問題"),
        ("T05", "edit", "text"),
        ("T06", "status", "done"),
    ]
    # parsed in full: the import, the hand edit, and `add`, which also adds a section above the items;
    # every other commit parktrack wrote, by its region
    assert set(history.FULL_PARSES) == {_blob(repo, rev) for rev in (_root(repo), "HEAD~1", "HEAD~2")}
    written = git(repo, "log", "--format=%H", "--grep=^Parktrack-Task:", "--", "data/tasks.yaml").split()
    assert len(written) == 7 and set(history.REGION_PARSES) == {_blob(repo, sha) for sha in written[:1] + written[2:]}

    figures = _read_both_ways(repo, "indicators.yaml")
    assert [(r.change, r.old, r.new) for r in figures] == [
        ("figure", None, "9.5"),
        ("correction", "9.5", "9.7"),
        ("withdrawal", "9.7", None),
    ]
    assert len(history.REGION_PARSES) == 3 and list(history.FULL_PARSES) == [
        _blob(repo, _root(repo), "indicators.yaml")
    ]

    # every form of the command shows the same with trailers as without
    forms = [
        (),
        ("T01",),
        ("gross-output",),
        ("--since", "2024-04-01"),
        ("--unit", "云南武定產業園區管委會"),
        ("--committed-since", "2024-01-01"),
    ]
    for form in forms:
        shown = {}
        for trust in (True, False):
            monkeypatch.setattr(history, "USE_TRAILERS", trust)
            result = cli("--lang", "en", "history", *form, "--format", "json", cwd=repo)
            assert result.exit_code == 0, result.stderr
            shown[trust] = json.loads(result.stdout)
        assert shown[True] == shown[False] and shown[True], form


def test_trailers_that_do_not_tell_the_whole_story_lose_to_a_full_parse(cli: Cli, repo: Path) -> None:
    full_parsed = []
    # a hand edit of another item folded into a parktrack commit by amending it: trailers name T09 only
    _ok(cli, repo, "update", "T09", "--status", "in_progress", "--date", "2024-03-01")
    _hand_edit(repo, "    text: ", "    text: (修訂)", None, start="  - id: T10\n")
    git(repo, "commit", "-q", "-a", "--amend", "--no-edit")
    full_parsed.append(_blob(repo, "HEAD"))
    # lying trailers: a hand edit of T12 whose message names T11
    lie = "T11: 未開始 → 推進中\n\nParktrack-Task: T11\nParktrack-Status: in_progress\nParktrack-Date: 2024-03-02\n"
    entry = "    status: in_progress\n    history:\n      - {date: 2024-03-02, status: in_progress}\n"
    _hand_edit(repo, "    status: not_started\n    history: []\n", entry, lie, "  - id: T12\n")
    full_parsed.append(_blob(repo, "HEAD"))
    # partial trailers: a write of two items whose message, amended, names one
    _ok(cli, repo, "update", "T13", "T14", "--status", "in_progress", "--date", "2024-03-03")
    partial = "T13: 未開始 → 推進中\n\nParktrack-Task: T13\nParktrack-Date: 2024-03-03\n"
    git(repo, "commit", "-q", "--amend", "--cleanup=verbatim", "-m", partial)
    full_parsed.append(_blob(repo, "HEAD"))
    # an amended write that also edits the text of the item it names: still that item only, read by region
    _ok(cli, repo, "update", "T15", "--status", "done", "--date", "2024-03-04")
    _hand_edit(repo, "    text: ", "    text: (修訂)", None, start="  - id: T15\n")
    git(repo, "commit", "-q", "-a", "--amend", "--no-edit")
    by_region = [_blob(repo, "HEAD")]
    # a quoted text running over lines, one of which looks like an entry's start: the layout is refused,
    # so the writes that follow it are parsed in full, until a hand edit lays the file out plainly again
    original = next(line for line in tasks_lines(repo) if line.startswith("    text: 圍繞本地區工業重點領域"))
    quoted = '    text: "第一行\n  - id: T99 看似一條\n  結束"\n'
    _hand_edit(repo, original, quoted, "T16: a text over lines, by hand", start="  - id: T16\n")
    full_parsed.append(_blob(repo, "HEAD"))
    _ok(cli, repo, "update", "T17", "--status", "in_progress", "--date", "2024-03-05")
    full_parsed.append(_blob(repo, "HEAD"))
    _hand_edit(repo, quoted, original, "T16: undone", start="  - id: T16\n")
    full_parsed.append(_blob(repo, "HEAD"))
    _ok(cli, repo, "update", "T18", "--status", "in_progress", "--date", "2024-03-06")
    by_region.append(_blob(repo, "HEAD"))

    rows = _read_both_ways(repo)
    assert set(full_parsed) <= set(history.FULL_PARSES)
    assert set(history.REGION_PARSES) == set(by_region)
    changes = [(r.task_id, r.change, r.new) for r in rows]
    assert changes == [
        ("T09", "status", "in_progress"),
        ("T10", "edit", "text"),
        ("T12", "status", "in_progress"),
        ("T13", "status", "in_progress"),
        ("T14", "status", "in_progress"),
        ("T15", "status", "done"),
        ("T15", "edit", "text"),
        ("T16", "edit", "text"),
        ("T17", "status", "in_progress"),
        ("T16", "edit", "text"),
        ("T18", "status", "in_progress"),
    ]


def test_each_version_is_parsed_once_a_second_run_parses_none_and_a_third_one_region(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARKTRACK_NO_CACHE")  # the memo is what a second run reads
    for number, day in ((20, "2024-03-01"), (21, "2024-03-02")):
        _ok(cli, repo, "update", f"T{number}", "--status", "in_progress", "--date", day)
    _hand_edit(repo, "    text: ", "    text: (修訂)", "T22 by hand", start="  - id: T22\n")
    git(repo, "revert", "--no-edit", "HEAD")  # back to a version seen before: parsed once all the same
    _ok(cli, repo, "update", "T23", "--status", "in_progress", "--date", "2024-03-03")
    history.FULL_PARSES.clear()
    history.REGION_PARSES.clear()
    first = audit_trail(repo / "data", "tasks.yaml")
    assert history.FULL_PARSES and max(history.FULL_PARSES.values()) == 1
    assert len(history.REGION_PARSES) == 3 and max(history.REGION_PARSES.values()) == 1
    history.FULL_PARSES.clear()
    history.REGION_PARSES.clear()
    assert audit_trail(repo / "data", "tasks.yaml") == first
    assert not history.FULL_PARSES and not history.REGION_PARSES
    # after one more write, the run reads that commit's region from the newest version the last run kept
    _ok(cli, repo, "note", "T24", "又一條", "--date", "2024-03-04")
    latest = audit_trail(repo / "data", "tasks.yaml")
    assert not history.FULL_PARSES and list(history.REGION_PARSES) == [_blob(repo, "HEAD")]
    assert latest[:-1] == first and (latest[-1].task_id, latest[-1].note) == ("T24", "又一條")
    history.REGION_PARSES.clear()
    monkeypatch.setenv("PARKTRACK_NO_CACHE", "1")
    assert audit_trail(repo / "data", "tasks.yaml", trailers=False) == latest
    assert [(r.task_id, r.change) for r in first] == [
        ("T20", "status"),
        ("T21", "status"),
        ("T22", "edit"),
        ("T22", "edit"),
        ("T23", "status"),
    ]


def test_the_benchmarks_commits_are_parktracks_own_and_read_by_region(cli: Cli, tmp_path: Path) -> None:
    """benchmarks/generate.py writes commits as parktrack's writes would, so the benchmark times the short way."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from generate import as_loose_objects, generate, history_commits

    root = tmp_path / "ledger"
    generate(root / "data", 150)
    for args in (("init", "-q", "-b", "main"), ("add", "data"), ("commit", "-q", "-m", "generated")):
        git(root, *args, env=None if args[0] != "commit" else {**os.environ, **IDENTITY})
    history_commits(root, root / "data", 12)
    git(root, "repack", "-a", "-d", "-q")  # a pack, as fast-import leaves one of more than 100 objects
    assert _objects(root)["in-pack"] > 0
    as_loose_objects(root)
    assert _objects(root)["in-pack"] == 0 and _objects(root)["count"] >= 3 * 13  # loose, as commits leave them
    result = cli("--lang", "en", "validate", cwd=root)
    assert result.exit_code == 0, result.stdout + result.stderr
    commits = git(root, "log", "--format=%H %(trailers:key=Parktrack-Task,valueonly,separator=%x2C)").splitlines()
    assert len(commits) == 13
    rows = _read_both_ways(root)
    assert len(history.FULL_PARSES) == 1  # the generated ledger; each commit after it by its region
    assert len(history.REGION_PARSES) == len([line for line in commits if line.split()[1:]])
    first = _root(root)[:10]
    assert {r.author for r in rows if r.commit != first} == {"財政 李", "工信 王", "園區 張"}
    figures = _read_both_ways(root, "indicators.yaml")
    assert len(history.FULL_PARSES) == 1 and len(history.REGION_PARSES) == len(figures) > 0


def _objects(repo: Path) -> dict[str, int]:
    """`git count-objects -v`: loose objects (count), packed ones (in-pack) ..."""
    lines = git(repo, "count-objects", "-v").splitlines()
    return {key: int(value) for key, value in (line.split(": ") for line in lines)}


def _as_parktrack(repo: Path, *ids: str) -> None:
    """Commit the work tree with the trailers a parktrack write of `ids` carries (whatever the edit was)."""
    trailers = "".join(f"Parktrack-Task: {entry_id}\n" for entry_id in ids)
    git(
        repo,
        "commit",
        "-q",
        "--cleanup=verbatim",
        "-am",
        f"{ids[0]}: 進展情況\n\n{trailers}Parktrack-Date: 2024-03-01\n",
    )


@pytest.mark.parametrize(
    ("item", "old", "new", "names"),
    [
        ("T20", "    text: ", "    text: &a ", ("T20",)),  # an anchor: the loader refuses the version
        ("T21", "    text: ", '    text: "第一行\n  - id: T99 看似一條\n  結束"\n    deadline_note: ', ("T21",)),
        ("T22", "    history: []\n", "    history: []\n...\n", ("T22",)),  # a document end
        ("T23", "    history: []\n", "    history: []\n\t\n    weird: 1\n", ("T23",)),  # a tab
        ("T24", "    history: []\n", "    history: []\n    weird: .nan\n", ("T24",)),  # never equal to itself
        ("T26", "  - id: T26\n", "    id_was: T26\n", ("T26",)),  # T26 folds into T25
        ("T28", "  - id: T28\n", "  - id: T29\n", ("T28", "T29")),  # two items with one id
        ("T30", "    kind: key_task\n", "    kind:\n      key_task\n", ("T30",)),  # over two lines
    ],
)
def test_odd_edits_under_parktrack_trailers_read_as_a_full_parse_reads_them(
    cli: Cli, repo: Path, item: str, old: str, new: str, names: tuple[str, ...]
) -> None:
    _hand_edit(repo, old, new, None, start=f"  - id: {item}\n")
    _as_parktrack(repo, *names)
    # a write after it, and the edit undone, both as parktrack commits naming what they change
    blocked = "    status: blocked\n    history:\n      - {date: 2024-03-02, status: blocked}\n"
    _hand_edit(repo, "    status: not_started\n    history: []\n", blocked, None, start="  - id: T40\n")
    _as_parktrack(repo, "T40")
    _hand_edit(repo, new, old, None, start=f"  - id: T{int(item[1:]) - 1}\n")
    _as_parktrack(repo, *names)
    rows = _read_both_ways(repo)
    assert ("T40", "status", "blocked") in [(r.task_id, r.change, r.new) for r in rows]
    if item == "T24":  # the NaN is reported as an edit by every commit after it, both ways, and read by region
        assert [r.task_id for r in rows] == ["T24", "T24", "T40", "T24"] and len(history.REGION_PARSES) == 3


SNIPPETS = [
    "&a ",
    "*a",
    "!!str ",
    "\t",
    '"',
    "'",
    "|\n",
    "...\n",
    "---\n",
    "#",
    ": ",
    "- ",
    "[",
    "{",
    "\n",
    "\n  - id: T11\n    kind: key_task\n",
    "\n  - ",
    "\n    x: .nan\n",
    "\n-",
    "%TAG ! x\n",
    "\ufeff",
    "\r\n",
    "=======\n",
]


@given(
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(SNIPPETS)), min_size=1, max_size=3),
    more=st.booleans(),
)
@settings(
    max_examples=max(int(os.environ.get("PARKTRACK_FUZZ_EXAMPLES", "50")) // 8, 6),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_edit_under_trailers_reads_as_a_full_parse_reads_it(
    repo: Path, edits: list[tuple[int, str]], more: bool
) -> None:
    """Whatever a commit naming T10 did to T10's text, the trail reads the same both ways, and so do the
    commits after it (`PARKTRACK_FUZZ_EXAMPLES=2000` for a longer hunt)."""
    path = repo / "data" / "tasks.yaml"
    original = path.read_text(encoding="utf-8")
    start, end = original.index("  - id: T10\n"), original.index("  - id: T11\n")
    chunk = original[start:end]
    for at, snippet in edits:
        at %= len(chunk) + 1
        chunk = chunk[:at] + snippet + chunk[at:]
    path.write_bytes((original[:start] + chunk + original[end:]).encode("utf-8"))
    _as_parktrack(repo, "T10", *(["T11"] if more else []))
    blocked = "    status: blocked\n    history:\n      - {date: 2024-03-02, status: blocked}\n"
    _hand_edit(repo, "    status: not_started\n    history: []\n", blocked, None, start="  - id: T12\n")
    _as_parktrack(repo, "T12")
    path.write_text(original, encoding="utf-8")  # undone, T12 too
    _as_parktrack(repo, "T10", "T12")
    _read_both_ways(repo)


def test_a_nan_read_back_from_the_cache_makes_no_false_rows(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand-committed `.nan` (validate refuses it, but old commits may hold one) never compares unequal to
    itself through the cache: a warm run after more commits reads as a run with no cache."""
    monkeypatch.delenv("PARKTRACK_NO_CACHE")
    indicators = repo / "data" / "indicators.yaml"

    def hand(old: str, new: str, message: str) -> None:
        text = indicators.read_text(encoding="utf-8")
        at = text.index(old, text.index("  - id: gross-output\n"))
        indicators.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
        git(repo, "commit", "-q", "-am", message)

    hand(
        "    actuals: []\n", "    actuals:\n      - {period: 2024Q1, value: .nan, recorded: 2024-04-05}\n", "Q1 unknown"
    )
    audit_trail(repo / "data", "indicators.yaml")  # warms the cache with the newest version
    hand("    source: 一、", "    source: (修訂)一、", "reword the source")
    warm = audit_trail(repo / "data", "indicators.yaml")
    monkeypatch.setenv("PARKTRACK_NO_CACHE", "1")
    assert warm == audit_trail(repo / "data", "indicators.yaml", trailers=False)
    assert [(row.change, row.new) for row in warm][-1] == ("edit", "source")
    outcome = cli("--lang", "en", "validate", cwd=repo)
    assert outcome.exit_code == 1 and "should be a finite number, got nan" in outcome.stderr
