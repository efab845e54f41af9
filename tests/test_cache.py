"""The read cache: the same answers with and without it; never stale, never half-written, never trusted.

Every query runs without the cache and with it (the miss that fills it, then hits) on several days, in
JSON and as a table, and must answer alike.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import typing
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

from conftest import Cli, Run, cli_env, parktrack_executable
from parktrack import cache, cache_upkeep, ledger, models, store, updates
from parktrack.errors import DataError

DAYS = ["2024-04-30", "2024-06-30", "2024-07-01", "2024-12-31", "2025-01-01"]
# JSON holds every field of every row, so it is compared on every day; a Rich table (≈ 100 ms for the
# whole list, and drawn from the same rows) on a quarter's meeting day and on the first day of a new year
TABLE_DAYS = {"2024-06-30", "2025-01-01"}
QUERIES = [
    ["list"],
    ["list", "--unit", "縣財政局"],
    ["list", "--leader", "楊艷", "--light", "red"],
    ["overdue"],
    ["overdue", "--by-unit"],
    ["due", "--within", "45"],
    ["units"],
    ["units", "縣委組織部"],
    ["leaders"],
    ["show", "T44"],
    ["show", "M03.1"],
    ["indicators"],
]


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.cache")) if folder.exists() else []


def answer(cli: Cli, cache_dir: Path, data: Path, *args: str) -> str:
    outcome = cli(*args, "--data", str(data), "--lang", "en", env={cache.CACHE_DIR_VAR: str(cache_dir)})
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stdout


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: " ".join(q))
def test_every_query_answers_alike_with_and_without_the_cache(
    cli: Cli, data_copy: Path, tmp_path: Path, query: list[str]
) -> None:
    cache_dir = tmp_path / "cache"
    filled: dict[Path, tuple[int, int]] = {}
    for day in DAYS:
        for fmt in ("json", "table") if day in TABLE_DAYS else ("json",):
            args = [*query, "--as-of", day, "--format", fmt]
            uncached = answer(cli, cache_dir, data_copy, *args, "--no-cache")
            if not filled:
                miss = answer(cli, cache_dir, data_copy, *args)
                filled = {entry: (entry.stat().st_ino, entry.stat().st_mtime_ns) for entry in entries(cache_dir)}
                assert filled, "the cache was never written"
                assert miss == uncached, (args, day)
            # the entry is filled: every run from here on is a hit (the same data, whatever the day or format)
            hit = answer(cli, cache_dir, data_copy, *args)
            assert hit == uncached, (args, day)
    assert {entry: (entry.stat().st_ino, entry.stat().st_mtime_ns) for entry in entries(cache_dir)} == filled


def test_a_hit_reads_the_entry_without_rewriting_it(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    answer(cli, cache_dir, data_copy, "overdue", "--as-of", "2024-07-01")
    [entry] = entries(cache_dir)
    before = entry.stat()
    answer(cli, cache_dir, data_copy, "overdue", "--as-of", "2024-07-01")
    after = entry.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_cached_models_equal_validated_ones(data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_DIR_VAR, str(tmp_path / "cache"))
    cache.set_bypass(False)
    folder = store.DataDir(data_copy)
    # the bundled data has no history and no figures: give it some, or the checks of their dates below
    # would run over nothing
    updates.record(folder, ["T01"], "in_progress", date(2024, 5, 1), "首次調度", commit=False)
    updates.record_figure(folder, "gross-output", "10", "2024Q1", date(2024, 4, 10), commit=False)
    validated = ledger.load(folder, indicators=True)
    miss = cache.load_ledger(folder, indicators=True)
    hit = cache.load_ledger(folder, indicators=True)
    for loaded in (miss, hit):
        assert loaded.plan == validated.plan and loaded.sections == validated.sections
        assert loaded.tasks == validated.tasks and loaded.units == validated.units
        assert loaded.indicators == validated.indicators
    assert [t.model_dump(mode="json") for t in hit.tasks] == [t.model_dump(mode="json") for t in validated.tasks]
    assert isinstance(hit.tasks[0].deadline, date) and isinstance(hit.plan.issued, date)
    with_history = [task for task in hit.tasks if task.history]
    assert [task.id for task in with_history] == ["T01"]
    assert all(isinstance(entry.date, date) for task in with_history for entry in task.history)
    [figure] = [actual for indicator in hit.indicators for actual in indicator.actuals]
    assert figure.recorded == date(2024, 4, 10) and figure.value == 10
    # a miss answers with the lookup a hit has, so its queries are narrowed alike
    assert miss.tasks.lookup is not None and hit.tasks.lookup is not None
    assert (
        miss.tasks.lookup.as_plain() == hit.tasks.lookup.as_plain() == ledger.TaskIndex.of(validated.tasks).as_plain()
    )


def _non_plain(annotation: object) -> set[str]:
    """'date' and the names of models that an annotation holds, however nested."""
    found: set[str] = set()
    if annotation is date:
        found.add("date")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.add(annotation.__name__)
    for argument in typing.get_args(annotation):
        found |= _non_plain(argument)
    return found


def test_the_payload_shapes_cover_every_date_and_nested_model() -> None:
    """A new date or nested-model field in models.py must be listed in cache._shapes (else it would
    come back from the cache as text)."""
    shapes = {model.__name__: shape for model, shape in cache._shapes().items()}
    every = (
        models.Plan,
        models.Section,
        models.Task,
        models.HistoryEntry,
        models.Unit,
        models.Indicator,
        models.Actual,
        models.Source,
    )
    checked = 0
    for model in every:
        for name, field in model.model_fields.items():
            kinds = _non_plain(field.annotation)
            listed = shapes.get(model.__name__, {}).get(name)
            if "date" in kinds:
                assert listed == cache.DATE, f"{model.__name__}.{name}"
                checked += 1
            nested = kinds - {"date"}
            if nested:
                assert listed is not None, f"{model.__name__}.{name}"
                listed_model = listed[0] if isinstance(listed, tuple) else listed  # a one-tuple: a single model
                assert listed_model.__name__ in nested, f"{model.__name__}.{name}"
                checked += 1
    assert checked == sum(len(shape) for shape in shapes.values())  # and the table lists nothing else


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace text with text of the same byte length, and put the file's times back."""
    assert len(old.encode()) == len(new.encode())
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def test_a_same_size_same_time_replacement_is_never_served_stale(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    show = ["show", "T01", "--as-of", "2024-06-30", "--format", "json"]
    assert "壓緊壓實" in json.loads(answer(cli, cache_dir, data_copy, *show))["text"]
    _same_size_edit(data_copy / "tasks.yaml", "壓緊壓實產業園區", "抓緊壓實產業園區")
    assert json.loads(answer(cli, cache_dir, data_copy, *show))["text"].startswith("抓緊壓實")


def test_a_changed_unit_file_is_a_miss(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    units = ["units", "--as-of", "2024-06-30", "--format", "json"]
    assert any(row["name"] == "縣財政局" for row in json.loads(answer(cli, cache_dir, data_copy, *units)))
    _same_size_edit(data_copy / "units.yaml", "name: 縣財政局", "name: 縣財務局")
    outcome = cli(*units, "--data", str(data_copy), env={cache.CACHE_DIR_VAR: str(cache_dir)})
    # the tasks still name 縣財政局, now an unknown unit: the edit is seen and reported with its place
    assert outcome.exit_code == 1
    assert "tasks.yaml:" in outcome.stderr and "縣財政局" in outcome.stderr


def test_invalid_data_is_reported_with_its_place_and_never_cached(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    answer(cli, cache_dir, data_copy, "list", "--as-of", "2024-06-30")
    [entry] = entries(cache_dir)
    valid_entry = entry.read_bytes()
    tasks = data_copy / "tasks.yaml"
    tasks.write_text(
        tasks.read_text(encoding="utf-8").replace("lead_units: [縣委組織部]", "lead_units: [縣委組識部]", 1)
    )
    for _ in range(2):
        outcome = cli("list", "--data", str(data_copy), env={cache.CACHE_DIR_VAR: str(cache_dir)})
        assert outcome.exit_code == 1
        line = next(line for line in outcome.stderr.splitlines() if "縣委組識部" in line)
        assert line.startswith(f"{tasks}:") and line.split(":")[1].isdigit() and line.split(":")[2].isdigit()
    assert entry.read_bytes() == valid_entry  # the broken version was not stored


def _damaged_entries(entry: Path) -> dict[str, bytes]:
    blob = entry.read_bytes()
    header = len(cache.MAGIC)
    foreign = blob[:header] + (cache.FORMAT + 1).to_bytes(4, "big") + blob[header + 4 :]
    flipped = bytearray(blob)
    flipped[-10] ^= 0xFF
    return {
        "garbage": b"not a cache at all",
        "empty": b"",
        "truncated": blob[: len(blob) // 2],
        "foreign version": foreign,
        "corrupt payload": bytes(flipped),
        # still well-formed marshal data, but not what was stored: only the checksum tells
        "altered text": blob.replace("壓緊壓實產業園區".encode(), "抓緊壓實產業園區".encode(), 1),
    }


@pytest.mark.parametrize(
    "damage", ["garbage", "empty", "truncated", "foreign version", "corrupt payload", "altered text"]
)
def test_a_damaged_entry_is_ignored_and_rebuilt(cli: Cli, data_copy: Path, tmp_path: Path, damage: str) -> None:
    cache_dir = tmp_path / "cache"
    args = ["overdue", "--as-of", "2024-07-01", "--format", "json"]
    expected = answer(cli, cache_dir, data_copy, *args, "--no-cache")
    answer(cli, cache_dir, data_copy, *args)
    [entry] = entries(cache_dir)
    damaged = _damaged_entries(entry)[damage]
    assert damaged != entry.read_bytes()
    entry.write_bytes(damaged)
    assert answer(cli, cache_dir, data_copy, *args) == expected
    rebuilt = entry.stat()
    assert entry.read_bytes().startswith(cache.MAGIC + cache.FORMAT.to_bytes(4, "big"))
    assert answer(cli, cache_dir, data_copy, *args) == expected
    assert (entry.stat().st_ino, entry.stat().st_mtime_ns) == (rebuilt.st_ino, rebuilt.st_mtime_ns)  # a hit now


def test_an_unreadable_or_unwritable_cache_is_no_error(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    args = ["overdue", "--as-of", "2024-07-01", "--format", "json"]
    expected = answer(cli, tmp_path / "fresh", data_copy, *args, "--no-cache")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    assert answer(cli, blocked, data_copy, *args) == expected
    cache_dir = tmp_path / "cache"
    answer(cli, cache_dir, data_copy, *args)
    [entry] = entries(cache_dir)
    entry.unlink()
    entry.mkdir()  # an entry that cannot be read as a file, nor replaced
    assert answer(cli, cache_dir, data_copy, *args) == expected


def test_no_cache_flag_and_variable_bypass_it(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    answer(cli, cache_dir, data_copy, "overdue", "--no-cache", "--as-of", "2024-07-01")
    assert entries(cache_dir) == []
    env = {cache.CACHE_DIR_VAR: str(cache_dir), cache.NO_CACHE_VAR: "1"}
    assert cli("overdue", "--data", str(data_copy), "--as-of", "2024-07-01", env=env).exit_code == 0
    assert entries(cache_dir) == []
    answer(cli, cache_dir, data_copy, "overdue", "--as-of", "2024-07-01")
    assert len(entries(cache_dir)) == 1


def test_the_cache_lives_in_the_user_cache_dir_not_the_data_folder(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in data_copy.parent.rglob("*"))
    home_cache = tmp_path / "xdg"
    env = {"XDG_CACHE_HOME": str(home_cache), cache.CACHE_DIR_VAR: None}  # the fixture's own folder set aside
    outcome = cli("list", "--data", str(data_copy), "--as-of", "2024-06-30", env=env)
    assert outcome.exit_code == 0
    assert sorted(p.name for p in data_copy.parent.rglob("*")) == before
    [entry] = entries(home_cache / "parktrack")
    assert entry.stat().st_mode & 0o077 == 0  # only its user reads or writes it
    assert (home_cache / "parktrack").stat().st_mode & 0o077 == 0


def test_concurrent_readers_and_a_changing_file_never_see_a_half_written_entry(
    run: Run, data_copy: Path, tmp_path: Path
) -> None:
    """Readers race to fill an empty cache while the file flips between two versions: each answer is
    one version's whole answer."""
    env = cli_env(PARKTRACK_CACHE_DIR=str(tmp_path / "cache"), PARKTRACK_LANG="en")
    tasks = data_copy / "tasks.yaml"
    first = tasks.read_text(encoding="utf-8")
    second = first.replace("壓緊壓實產業園區", "抓緊壓實產業園區", 1)
    args = ["show", "T01", "--data", str(data_copy), "--as-of", "2024-06-30", "--format", "json"]
    texts = set()
    for version in (second, first):
        tasks.write_text(version, encoding="utf-8")
        texts.add(json.loads(run(*args, env=env).stdout)["text"])
    assert len(texts) == 2
    readers = [
        subprocess.Popen([parktrack_executable(), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(8)
    ]
    for flip in range(20):
        store.atomic_write(tasks, second if flip % 2 else first)
    for reader in readers:
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err.decode()
        assert json.loads(out)["text"] in texts
    tasks.write_text(first, encoding="utf-8")
    assert json.loads(run(*args, env=env).stdout)["text"].startswith("壓緊壓實")


def _age(path: Path, days: float) -> None:
    """Set a file's time `days` back from now, as if no run had touched it since."""
    then = time.time() - days * cache_upkeep.DAY
    os.utime(path, (then, then))


def test_entries_unused_for_a_month_and_killed_writes_leftovers_are_swept(
    cli: Cli, data_copy: Path, tmp_path: Path
) -> None:
    """A folder deleted or moved leaves its entry behind: a run that writes an entry removes, once a
    day, the entries no run has used for 30 days and a killed write's temporary files, and nothing else."""
    cache_dir = tmp_path / "cache"
    answer(cli, cache_dir, data_copy, "overdue", "--as-of", "2024-07-01")
    [current] = entries(cache_dir)
    body = current.read_bytes()
    files = {
        "gone": ("0123456789abcdef0123456789abcdef-full.cache", body, 31),
        "gone history": ("0123456789abcdef0123456789abcdef-history.cache", body, 45),
        "used lately": ("fedcba9876543210fedcba9876543210-tasks.cache", body, 29),
        "killed write": (".entry-k1ll3d.tmp", cache.MAGIC[:7], 2),
        "killed before writing": (".entry-3mpty.tmp", b"", 2),
        "writing now": (".entry-wr1t1ng.tmp", cache.MAGIC, 0.01),
        "not ours, our name": ("00000000000000000000000000000000-full.cache", b"someone else's", 90),
        "not ours": ("notes.cache", b"someone else's", 90),
    }
    for name, content, days in files.values():
        (cache_dir / name).write_bytes(content)
        _age(cache_dir / name, days)
    _age(cache_dir / cache_upkeep.SWEPT_MARK, 1.5)
    elsewhere = tmp_path / "elsewhere" / "data"
    shutil.copytree(data_copy, elsewhere)
    answer(cli, cache_dir, elsewhere, "overdue", "--as-of", "2024-07-01")  # a miss: writes an entry, sweeps
    kept = {what for what, (name, _, _) in files.items() if (cache_dir / name).exists()}
    assert kept == {"used lately", "writing now", "not ours, our name", "not ours"}
    assert current.exists() and len(entries(cache_dir)) == 5  # the two folders' and the three kept above

    _age(cache_dir / files["used lately"][0], 31)  # a sweep ran less than a day ago: not yet another
    (elsewhere / "tasks.yaml").write_bytes((elsewhere / "tasks.yaml").read_bytes() + b"# an edit\n")
    answer(cli, cache_dir, elsewhere, "overdue", "--as-of", "2024-07-01")
    assert (cache_dir / files["used lately"][0]).exists()


def test_the_sweep_leaves_files_named_like_entries_that_parktrack_did_not_write(
    cli: Cli, data_copy: Path, tmp_path: Path
) -> None:
    """An entry is written whole and renamed into place, so a file with an entry's name that does not
    start with the whole header (empty, or a word the header starts with) is someone else's: kept."""
    cache_dir = tmp_path / "shared"
    cache_dir.mkdir()
    foreign = {
        "0123456789abcdef0123456789abcdef-full.cache": b"",
        "0123456789abcdef0123456789abcdef-tasks.cache": b"park",
        "0123456789abcdef0123456789abcdef-history.cache": cache.MAGIC[:-1],
    }
    for name, content in foreign.items():
        (cache_dir / name).write_bytes(content)
        _age(cache_dir / name, 90)
    answer(cli, cache_dir, data_copy, "overdue", "--as-of", "2024-07-01")  # a miss: writes an entry, sweeps
    assert (cache_dir / cache_upkeep.SWEPT_MARK).exists(), "no sweep ran"
    assert {name: (cache_dir / name).read_bytes() for name in foreign if (cache_dir / name).exists()} == foreign


def test_the_sweep_never_touches_a_file_through_a_link_planted_as_its_mark(
    cli: Cli, data_copy: Path, tmp_path: Path
) -> None:
    """In a shared cache folder the mark may be a link someone planted: parktrack neither moves the
    time of the file it points at nor sweeps through it; reads and writes go on as ever."""
    cache_dir = tmp_path / "shared"
    cache_dir.mkdir()
    elsewhere = tmp_path / "someone-elses-file"
    elsewhere.write_text("kept as it is")
    _age(elsewhere, 3)
    before = elsewhere.stat().st_mtime_ns
    (cache_dir / cache_upkeep.SWEPT_MARK).symlink_to(elsewhere)
    old = cache_dir / "0123456789abcdef0123456789abcdef-full.cache"
    old.write_bytes(cache.MAGIC + b"an old entry")
    _age(old, 90)
    answer(cli, cache_dir, data_copy, "overdue", "--as-of", "2024-07-01")  # a miss: writes an entry
    assert elsewhere.stat().st_mtime_ns == before and elsewhere.read_text() == "kept as it is"
    assert (cache_dir / cache_upkeep.SWEPT_MARK).is_symlink() and old.exists()  # no sweep through it
    assert len(entries(cache_dir)) == 2


def test_a_file_the_sweep_cannot_remove_does_not_stop_it(data_copy: Path, tmp_path: Path) -> None:
    """In a shared folder another user's expired entry cannot be removed (a sticky /tmp): the sweep goes
    on to the rest, else this user's old entries would stay for good (it runs once a day, and meets the
    same file first again). Here the file is a mount point (a bind mount in a user and mount namespace,
    as tests/test_faults.py makes its read-only folder): removing it fails, for root too."""
    cache_dir = tmp_path / "shared"
    cache_dir.mkdir()
    body = cache.MAGIC + b"an old entry"
    stuck = cache_dir / "ffffffffffffffffffffffffffffffff-full.cache"
    stuck.write_bytes(body)
    _age(stuck, 90)
    old: list[Path] = []
    while not old or [item.name for item in os.scandir(cache_dir)][-1] == stuck.name:
        old.append(cache_dir / f"{len(old):032x}-tasks.cache")  # until one comes after it in the folder's order
        old[-1].write_bytes(body)
        _age(old[-1], 90)
    (cache_dir / cache_upkeep.SWEPT_MARK).touch()
    _age(cache_dir / cache_upkeep.SWEPT_MARK, 2)  # the last sweep two days ago
    overdue = [parktrack_executable(), "overdue", "--as-of", "2024-07-01", "--data", str(data_copy)]
    result = subprocess.run(
        [
            "unshare",
            "--map-root-user",
            "--mount",
            "sh",
            "-euc",
            'mount --bind "$STUCK" "$STUCK" && exec "$@"',
            "sh",
            *overdue,
        ],
        env=cli_env(STUCK=str(stuck), **{cache.CACHE_DIR_VAR: str(cache_dir)}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr  # a miss: it writes an entry, and sweeps
    assert stuck.exists() and [path.name for path in old if path.exists()] == []
    assert len(entries(cache_dir)) == 2  # the stuck one and the new entry


def test_reading_an_entry_keeps_it_from_the_sweep(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    answer(cli, cache_dir, data_copy, "list", "--as-of", "2024-07-01")
    [entry] = entries(cache_dir)
    _age(entry, 40)  # a folder read every day, its files unchanged for 40 days
    before = entry.stat()
    answer(cli, cache_dir, data_copy, "list", "--as-of", "2024-07-01")
    marked = entry.stat()
    assert marked.st_ino == before.st_ino and marked.st_size == before.st_size  # a hit: not rewritten
    assert time.time() - marked.st_mtime < 600
    answer(cli, cache_dir, data_copy, "list", "--as-of", "2024-07-01")
    assert entry.stat().st_mtime_ns == marked.st_mtime_ns  # marked at most once a day
    _age(cache_dir / cache_upkeep.SWEPT_MARK, 2)
    other = tmp_path / "other" / "data"
    shutil.copytree(data_copy, other)
    answer(cli, cache_dir, other, "list", "--as-of", "2024-07-01")  # a miss elsewhere sweeps
    assert entry.exists() and len(entries(cache_dir)) == 2


def test_validate_always_reads_the_files(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    answer(cli, cache_dir, data_copy, "indicators", "--as-of", "2024-06-30")
    outcome = cli("validate", "--data", str(data_copy), env={cache.CACHE_DIR_VAR: str(cache_dir)})
    assert outcome.exit_code == 0 and "ok" in outcome.stdout
    indicators = data_copy / "indicators.yaml"
    indicators.write_text(indicators.read_text(encoding="utf-8").replace("kind: count", "kind: cuont", 1))
    outcome = cli("validate", "--data", str(data_copy), env={cache.CACHE_DIR_VAR: str(cache_dir)})
    assert outcome.exit_code == 1 and "indicators.yaml:" in outcome.stderr


def test_a_file_that_is_not_utf8_is_reported_not_served(cli: Cli, data_copy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    answer(cli, cache_dir, data_copy, "list", "--as-of", "2024-06-30")
    tasks = data_copy / "tasks.yaml"
    tasks.write_bytes(tasks.read_bytes().replace("壓緊壓實".encode(), b"\xff\xfe\xfd\xfc" * 3, 1))
    outcome = cli("list", "--data", str(data_copy), env={cache.CACHE_DIR_VAR: str(cache_dir)})
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(f"{tasks}:") and "not valid UTF-8" in outcome.stderr


def test_a_write_leaves_an_entry_for_exactly_what_it_wrote(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """update/note/record remember the ledger they validated: the next read is a hit that answers as a
    fresh read of the files does, and a hand edit afterwards is still seen."""
    cache_dir = tmp_path / "cache"
    data = repo / "data"
    env = {cache.CACHE_DIR_VAR: str(cache_dir)}
    show = ["show", "T01", "--as-of", "2024-06-30", "--format", "json"]
    answer(cli, cache_dir, data, *show)  # fills the cache
    outcome = cli("update", "T01", "--status", "done", "--date", "2024-06-20", "--data", str(data), env=env)
    assert outcome.exit_code == 0, outcome.stderr
    written = {entry: entry.stat().st_mtime_ns for entry in entries(cache_dir)}
    assert written, "the write left no entry"
    after = answer(cli, cache_dir, data, *show)
    assert {entry: entry.stat().st_mtime_ns for entry in entries(cache_dir)} == written  # a hit: nothing rewritten
    assert after == answer(cli, cache_dir, data, *show, "--no-cache")
    assert json.loads(after)["status"] == "done"
    _same_size_edit(data / "tasks.yaml", "壓緊壓實產業園區", "抓緊壓實產業園區")
    assert json.loads(answer(cli, cache_dir, data, *show))["text"].startswith("抓緊壓實")


def test_writes_in_a_row_answer_as_fresh_reads_do(cli: Cli, repo: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    data = repo / "data"
    env = {cache.CACHE_DIR_VAR: str(cache_dir)}
    steps = [
        ["update", "T07", "--status", "in_progress", "--date", "2024-05-01"],
        ["note", "T07", "已與縣稅務局對接", "--date", "2024-05-10"],
        ["record", "gross-output", "19.9", "--period", "2024Q2"],
        ["update", "T07", "--status", "done", "--date", "2024-06-01"],
    ]
    for step in steps:
        outcome = cli(*step, "--data", str(data), env=env)
        assert outcome.exit_code == 0, (step, outcome.stderr)
        for query in (["show", "T07"], ["indicators"], ["overdue"], ["units"], ["leaders"]):
            args = [*query, "--as-of", "2024-06-30", "--format", "json"]
            assert answer(cli, cache_dir, data, *args) == answer(cli, cache_dir, data, *args, "--no-cache"), step


def _history_entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*-history.cache")) if folder.exists() else []


def test_history_answers_alike_from_what_it_remembers(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """history remembers, by blob id, each commit's changes and which versions do not parse: a second
    run parses nothing it has seen and answers as a run without the cache; a new commit is added to it."""
    cache_dir = tmp_path / "cache"
    data = repo / "data"
    env = {cache.CACHE_DIR_VAR: str(cache_dir)}
    writes = [
        ["update", "T07", "--status", "in_progress", "--date", "2024-05-01"],
        ["note", "T07", "已與縣稅務局對接", "--date", "2024-05-10"],
        ["record", "gross-output", "19.9", "--period", "2024Q2"],
    ]
    for step in writes:
        assert cli(*step, "--data", str(data), env=env).exit_code == 0
    queries = [["history", "T07"], ["history", "gross-output"], ["history"]]

    def same_answers() -> None:
        for query in queries:
            args = [*query, "--format", "json"]
            fresh = answer(cli, cache_dir, data, *args, "--no-cache")
            assert answer(cli, cache_dir, data, *args) == fresh, query  # fills or reads the memo
            assert answer(cli, cache_dir, data, *args) == fresh, query  # reads it

    same_answers()
    remembered = {entry: entry.stat().st_mtime_ns for entry in _history_entries(cache_dir)}
    assert len(remembered) == 2  # tasks.yaml and indicators.yaml
    answer(cli, cache_dir, data, "history", "T07", "--format", "json")
    assert {entry: entry.stat().st_mtime_ns for entry in _history_entries(cache_dir)} == remembered  # all known
    assert cli("update", "T07", "--status", "done", "--date", "2024-06-01", "--data", str(data), env=env).exit_code == 0
    same_answers()
    rows = json.loads(answer(cli, cache_dir, data, "history", "T07", "--format", "json"))
    assert [row["to"] for row in rows if row["change"] == "status"][-1] == "done"
    for entry in _history_entries(cache_dir):
        entry.write_bytes(b"garbage")
    same_answers()


def test_one_kind_of_entry_serves_the_other(data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`update` or `history` after `list` starts from the tasks-only entry plus indicators.yaml checked in
    full; `list` after `history` from the full entry. Both answer as a fresh load, and store their own."""
    monkeypatch.setenv(cache.CACHE_DIR_VAR, str(tmp_path / "cache"))
    cache.set_bypass(False)
    folder = store.DataDir(data_copy)
    tasks_only = cache.load_ledger(folder, indicators=False)
    assert [entry.name.rsplit("-", 1)[1] for entry in entries(tmp_path / "cache")] == ["tasks.cache"]
    full = cache.load_ledger(folder, indicators=True)
    assert full == ledger.load(folder, indicators=True) and full.indicators
    assert sorted(entry.name.rsplit("-", 1)[1] for entry in entries(tmp_path / "cache")) == [
        "full.cache",
        "tasks.cache",
    ]
    for entry in entries(tmp_path / "cache"):
        if entry.name.endswith("tasks.cache"):
            entry.unlink()
    again = cache.load_ledger(folder, indicators=False)
    assert again == tasks_only == ledger.load(folder, indicators=False) and not again.indicators
    assert len(entries(tmp_path / "cache")) == 2


def test_an_invalid_indicators_file_is_not_served_from_the_tasks_entry(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_DIR_VAR, str(tmp_path / "cache"))
    cache.set_bypass(False)
    folder = store.DataDir(data_copy)
    cache.load_ledger(folder, indicators=False)
    indicators = data_copy / "indicators.yaml"
    indicators.write_text(
        indicators.read_text(encoding="utf-8").replace("items: [T", "items: [T9", 1), encoding="utf-8"
    )
    with pytest.raises(DataError) as cached:
        cache.load_ledger(folder, indicators=True)
    with pytest.raises(DataError) as fresh:
        ledger.load(folder, indicators=True)
    assert [str(p) for p in cached.value.problems] == [str(p) for p in fresh.value.problems]
    assert any(p.line for p in cached.value.problems), "the problem keeps its place in the file"
