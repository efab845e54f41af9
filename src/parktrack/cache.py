"""A read cache of the validated ledger, so read commands stop parsing YAML that has not changed.

An accelerator, never a source of truth:
- An entry is keyed by the SHA-256 of the data files' bytes (plus this format, the Python version and
  the code that validated it), never by their times: a hand edit, a `git checkout` or a file replaced
  with the same size and time reads as a miss. Hashing 6 MB costs under 10 ms; parsing it, seconds.
- On a miss the ledger is loaded and validated from exactly the bytes that were hashed, and only a
  ledger that validated is stored. Invalid data is never cached, so its errors keep file:line:col.
- One entry per data folder and kind of load, in the user's cache directory (never the data folder):
  `PARKTRACK_CACHE_DIR`, else platformdirs' user_cache_dir. It is written to a temporary file and
  renamed over the old one, so a concurrent reader sees the old entry or the new one, never half.
- An entry that is corrupt, truncated, of another format or Python version, or unreadable is a miss
  and is rebuilt. The payload is marshal (plain builtins only, the fastest load: ~60 ms for 10,000
  items against ~75 ms for JSON and ~130 ms for pickle) behind a SHA-256 of the payload that is
  checked before unmarshalling, in a folder only its user can write; marshal runs no code on load.
- `--no-cache` or PARKTRACK_NO_CACHE=1 bypasses it, reading and writing.
- Entries no run has used for 30 days are removed (cache_upkeep.py): their folders are likely gone.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parktrack import __version__, cache_upkeep
from parktrack.collector import paused

if TYPE_CHECKING:
    from pydantic import BaseModel

    from parktrack.datadir import DataDir
    from parktrack.ledger import Ledger
    from parktrack.models import Indicator, Task

# 2: an item a blob, with byte offsets; 3: sketches; 4: a frame (refresh.py); 5: a sketch a blob;
# 6: the sketch says whether the item is long-term
FORMAT = 6
MAGIC = b"parktrack-cache\n"
CACHE_DIR_VAR = "PARKTRACK_CACHE_DIR"
NO_CACHE_VAR = "PARKTRACK_NO_CACHE"
_DIGEST = 32  # bytes of a SHA-256
_HEADER = len(MAGIC) + 4 + 2 * _DIGEST

_state = {"bypass": False}


def set_bypass(bypass: bool) -> None:
    """--no-cache for this run (the CLI calls this once per run)."""
    _state["bypass"] = bypass


def bypass_asked() -> bool:
    """Whether this run's --no-cache is set (the variable aside)."""
    return _state["bypass"]


def bypassed(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    return _state["bypass"] or environ.get(NO_CACHE_VAR, "") not in ("", "0")


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_DIR_VAR)
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("parktrack", appauthor=False))


def validate(data: DataDir) -> Ledger:
    """The full check `validate` runs: every file parsed and validated, the cache neither read nor written."""
    from parktrack import ledger

    with paused():
        return ledger.load(data, indicators=True)


def load_ledger(data: DataDir, indicators: bool = False) -> Ledger:
    """The validated ledger in `data`: from the cache when its files are unchanged, else loaded and cached."""
    with paused():
        return _load_ledger(data, indicators)


def _load_ledger(data: DataDir, indicators: bool) -> Ledger:
    from parktrack import ledger

    if bypassed():
        return ledger.load(data, indicators=indicators)
    texts = _read_texts(data, indicators)
    if texts is None:  # unreadable: the loader reports it
        return ledger.load(data, indicators=indicators)
    return _cached(data, texts, indicators)[0]


def _cached(data: DataDir, texts: dict[str, bytes], indicators: bool) -> tuple[Ledger, dict[str, Any] | None]:
    """The ledger validated from exactly `texts`, and its payload: from the entry, or loaded and stored."""
    from parktrack import ledger

    key = _key(texts, indicators)
    entry = _entry_path(data, indicators)
    found = _hit(data, entry, key)
    if found is not None:
        return found
    found = _from_the_other_entry(data, texts, indicators) or _refreshed(data, texts, indicators)
    if found is not None:
        _write_entry(entry, key, _framed(found[1], texts))
        return found
    try:  # only a miss needs the text; what was cached was valid UTF-8 when it validated
        replacing = {name: raw.decode("utf-8") for name, raw in texts.items()}
    except UnicodeDecodeError:  # the loader reports it, with its place
        return ledger.load(data, indicators=indicators), None
    loaded = ledger.load(data, replacing=replacing, indicators=indicators)
    payload = _framed(to_payload(loaded), texts)
    _write_entry(entry, key, payload)
    # the lookup a hit has, so the queries of this first run are narrowed as a hit's are (`notice --all`
    # runs two a unit: seconds at 10,000 items without it)
    loaded.tasks.lookup = ledger.TaskIndex.from_plain(payload["task_index"])
    return loaded, payload


def _refreshed(data: DataDir, texts: dict[str, bytes], indicators: bool) -> tuple[Ledger, dict[str, Any]] | None:
    """A miss served by a stale entry of this folder: only the items whose text changed are read (see
    refresh.py). The entry of the kind asked for, else the other: a read after a hand edit brings only
    the tasks-only entry up to date, and a write after the next edit should start from that one."""
    from parktrack.datadir import INDICATORS_FILE

    for kind in (indicators, not indicators):
        found = _refreshed_from(data, _entry_path(data, kind), texts)
        if found is None:
            continue
        if indicators:
            return _checked_indicators(found, texts.get(INDICATORS_FILE))
        return found if kind == indicators else _with_indicators(found, [])
    return None


def _refreshed_from(data: DataDir, entry: Path, texts: dict[str, bytes]) -> tuple[Ledger, dict[str, Any]] | None:
    stale = _read_entry(entry, None)
    return None if stale is None else _refreshed_payload(data, stale, texts)


def _refreshed_payload(
    data: DataDir, stale: dict[str, Any], texts: dict[str, bytes]
) -> tuple[Ledger, dict[str, Any]] | None:
    """The ledger in `texts` and its payload, from the `stale` payload and the item texts it does not
    know (refresh.py); None when that is not sure, or the payload is of a foreign shape."""
    from parktrack import refresh

    try:
        payload = refresh.refreshed(data, _code_stamp(), _from_payload(data, stale), stale, texts)
        return (_from_payload(data, payload), payload) if payload is not None else None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None  # a foreign shape


def _hit(data: DataDir, entry: Path, key: bytes) -> tuple[Ledger, dict[str, Any]] | None:
    payload = _read_entry(entry, key)
    if payload is None:
        return None
    try:
        return _from_payload(data, payload), payload
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None  # a foreign shape: rebuild


def _from_the_other_entry(
    data: DataDir, texts: dict[str, bytes], indicators: bool
) -> tuple[Ledger, dict[str, Any]] | None:
    """A miss served by the other kind of entry for the same files: the tasks-only entry plus
    indicators.yaml (small) checked in full against it, or the full entry without its indicators.
    So `update` or `history` after `list`, or `list` after `history`, parses no tasks.yaml."""
    from parktrack.datadir import INDICATORS_FILE

    if not indicators:
        everything = dict(texts)
        if not _read_into(everything, data, INDICATORS_FILE):
            return None
        found = _hit(data, _entry_path(data, True), _key(everything, True))
        return _with_indicators(found, []) if found else None
    tasks_only = {name: raw for name, raw in texts.items() if name != INDICATORS_FILE}
    found = _hit(data, _entry_path(data, False), _key(tasks_only, False))
    if found is None:
        return None
    return _checked_indicators(found, texts.get(INDICATORS_FILE))


def _checked_indicators(
    found: tuple[Ledger, dict[str, Any]], raw: bytes | None
) -> tuple[Ledger, dict[str, Any]] | None:
    """A cached ledger of tasks with indicators.yaml as `raw` checked in full against it (None: invalid)."""
    from parktrack.ledger import check_indicators_text

    if raw is None:
        return _with_indicators(found, [])
    try:
        checked = check_indicators_text(found[0], raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    return None if checked is None else _with_indicators(found, checked)


def _with_indicators(
    found: tuple[Ledger, dict[str, Any]], indicators: list[Indicator]
) -> tuple[Ledger, dict[str, Any]]:
    """A cached ledger with other indicators, and its payload (the items' blobs, cuts and lookup kept)."""
    loaded, payload = found
    ledger = replace(loaded, indicators=indicators)
    return ledger, _payload_keeping_items(ledger, payload)


def _payload_keeping_items(loaded: Ledger, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload of `loaded`, whose items are those of `payload`: their blobs, cuts and lookup reused,
    and the frame a refresh compares with (it describes tasks.yaml and units.yaml, not the indicators).

    The payload's other parts cannot be reused: the models were built on them (see _Builder)."""
    fresh = to_payload(loaded, payload["task_blobs"])
    fresh.update(task_cuts=payload["task_cuts"], task_index=payload["task_index"], frame=payload.get("frame"))
    return fresh


@dataclass(frozen=True)
class Base:
    """What a write starts from: the validated ledger (indicators included), the files' bytes it was
    validated from, and its cache payload (None with --no-cache or when a file could not be read)."""

    ledger: Ledger
    texts: dict[str, bytes] | None
    payload: dict[str, Any] | None


def load_for_write(data: DataDir) -> Base:
    """The ledger as it stands, validated: from the cache when its files are unchanged, else in full."""
    from parktrack import ledger

    with paused():
        texts = read_files(data)
        if bypassed() or texts is None:
            return Base(ledger.load(data, indicators=True), texts, None)
        loaded, payload = _cached(data, texts, True)
        return Base(loaded, texts, payload)


def validated_after(base: Base, texts: dict[str, bytes]) -> tuple[Ledger, dict[str, Any]] | None:
    """The ledger the files would be as `texts`, validated from the base's entry: only the item texts
    it does not know are parsed (refresh.py), and indicators.yaml is checked in full. None when that is
    not sure or not valid: the caller then validates in full, which says what is wrong and where."""
    from parktrack.datadir import INDICATORS_FILE

    if bypassed() or base.payload is None:
        return None
    found = _refreshed_payload(base.ledger.data, base.payload, texts)
    if found is None:
        return None
    indicators = texts.get(INDICATORS_FILE)
    if base.texts is not None and indicators == base.texts.get(INDICATORS_FILE) and _keeps_ids(base.ledger, found[0]):
        # the same indicators.yaml, units.yaml (refresh's frame) and every item id it may name: still valid
        return _with_indicators(found, base.ledger.indicators)
    return _checked_indicators(found, indicators)


def _keeps_ids(old: Ledger, new: Ledger) -> bool:
    return set(old.tasks.ids) <= set(new.tasks.ids)


def remember_validated(data: DataDir, validated: tuple[Ledger, dict[str, Any]], texts: dict[str, bytes]) -> None:
    """Store what `validated_after` validated, once the files hold exactly `texts`."""
    if not bypassed():
        _remember_payload(data, validated[1], texts)


def read_files(data: DataDir) -> dict[str, bytes] | None:
    """Every data file's bytes (indicators.yaml when there is one), for a write to validate and remember."""
    return _read_texts(data, indicators=True)


def remember(data: DataDir, validated: Ledger, texts: dict[str, bytes]) -> None:
    """Store a ledger that a write has just validated from exactly `texts` (the files' bytes as written),
    so the next read or write of this folder starts from the cache instead of parsing everything again."""
    if not bypassed():
        _remember_payload(data, to_payload(validated), texts)


def remember_edit(
    base: Base,
    tasks: dict[int, Task],
    cuts: list[int] | None,
    indicators: list[Indicator] | None,
    texts: dict[str, bytes],
) -> None:
    """Store the ledger after a write that changed a few items (`tasks`, by position) and perhaps the
    indicators, starting from the base's payload: the other items' blobs are kept as they were."""
    if bypassed() or base.payload is None:
        return
    from parktrack.ledger import Sketch, TaskIndex

    blobs = list(base.payload["task_blobs"])
    index = TaskIndex.from_plain(base.payload["task_index"]).copy()
    for position, task in tasks.items():
        blobs[position] = marshal.dumps(task.model_dump(mode="json"))
        index.put(position, Sketch.plain(task), replacing=True)
    kept = base.ledger
    changed = replace(kept, indicators=kept.indicators if indicators is None else indicators)
    payload = _payload_keeping_items(changed, {"task_blobs": blobs, "task_cuts": cuts, "task_index": index.as_plain()})
    from parktrack import refresh

    frame = refresh.edited_frame(base.payload.get("frame"), texts, cuts, list(tasks))
    _remember_payload(kept.data, {**payload, "frame": frame} if frame is not None else payload, texts)


def _remember_payload(data: DataDir, payload: dict[str, Any], texts: dict[str, bytes]) -> None:
    """One payload under both kinds of load: with indicators, and tasks only (keyed without indicators.yaml)."""
    from parktrack.datadir import INDICATORS_FILE

    payload = _framed(payload, texts)
    _write_entry(_entry_path(data, True), _key(texts, True), payload)
    tasks_only = {name: raw for name, raw in texts.items() if name != INDICATORS_FILE}
    _write_entry(_entry_path(data, False), _key(tasks_only, False), {**payload, "indicators": []})


def history_entry(repo: Path, path: str) -> tuple[Path, bytes]:
    """Where `history` keeps what it learnt about one file's versions in one repository, and its key."""
    where = hashlib.sha256(os.fsencode(repo.resolve()) + b"\x00" + os.fsencode(path)).hexdigest()[:32]
    return cache_dir() / f"{where}-history.cache", hashlib.sha256(_code_stamp() + b"history").digest()


def read_history(entry: Path, key: bytes) -> Any:
    return _read_entry(entry, key)


def write_history(entry: Path, key: bytes, payload: Any) -> None:
    _write_entry(entry, key, payload)


# --- keys and entries ----------------------------------------------------------------


def _files(indicators: bool) -> tuple[str, ...]:
    from parktrack.datadir import INDICATORS_FILE, TASKS_FILE, UNITS_FILE

    return (UNITS_FILE, TASKS_FILE, INDICATORS_FILE) if indicators else (UNITS_FILE, TASKS_FILE)


def _read_texts(data: DataDir, indicators: bool) -> dict[str, bytes] | None:
    """The data files' bytes, read once: these exact bytes are hashed and, on a miss, validated.

    None when a file is missing, unreadable, not a regular file or too large: the loader reports it.
    """
    texts: dict[str, bytes] = {}
    for name in _files(indicators):
        if not _read_into(texts, data, name):
            return None
    return texts


def _read_into(texts: dict[str, bytes], data: DataDir, name: str) -> bool:
    """Add one file's bytes to `texts`; False when it cannot be read (indicators.yaml may be absent)."""
    from parktrack.datadir import INDICATORS_FILE
    from parktrack.files import read_bounded

    path = data.file(name)
    if name == INDICATORS_FILE and not os.path.lexists(path):
        return True  # indicators.yaml is optional (a dangling link is not absent: the loader reports it)
    raw, trouble = read_bounded(path)
    if trouble is not None:
        return False
    texts[name] = raw
    return True


def _code_stamp() -> bytes:
    """What validated the data: a change to any of the package's modules makes every entry a miss.

    Size and time of each module (one folder scan) are enough here: this guards a developer's edits,
    not the data, which is always hashed.
    """
    here = Path(__file__).resolve().parent
    stamps = [__version__, str(FORMAT), sys.version, str(marshal.version)]
    try:
        with os.scandir(here) as entries:
            for entry in sorted(entries, key=lambda entry: entry.name):
                if entry.name.endswith(".py"):
                    info = entry.stat()
                    stamps.append(f"{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    except OSError:
        stamps.append("unreadable")
    return "\n".join(stamps).encode()


def _key(texts: dict[str, bytes], indicators: bool) -> bytes:
    digest = hashlib.sha256(_code_stamp())
    digest.update(b"indicators" if indicators else b"tasks")
    for name, raw in sorted(texts.items()):
        digest.update(f"\n{name}:{len(raw)}\n".encode())
        digest.update(hashlib.sha256(raw).digest())
    return digest.digest()


def _entry_path(data: DataDir, indicators: bool) -> Path:
    """One entry per data folder and kind of load, so old versions do not pile up."""
    where = hashlib.sha256(os.fsencode(data.path.resolve())).hexdigest()[:32]  # any name the system allows
    return cache_dir() / f"{where}-{'full' if indicators else 'tasks'}.cache"


def _framed(payload: dict[str, Any], texts: dict[str, bytes]) -> dict[str, Any]:
    """The payload with what a later refresh compares the files with (see refresh.frame), unless it has it."""
    from parktrack import refresh

    if payload.get("frame") is not None:
        return payload
    return {**payload, "frame": refresh.frame(_code_stamp(), texts, payload["task_cuts"])}


def _read_entry(entry: Path, key: bytes | None) -> Any:
    """The payload stored under `key` (None: under any key, for a refresh), or None for a missing,
    stale, foreign or damaged entry."""
    try:
        blob = entry.read_bytes()
    except OSError:
        return None
    if len(blob) < _HEADER or not blob.startswith(MAGIC):
        return None
    head = len(MAGIC)
    if int.from_bytes(blob[head : head + 4], "big") != FORMAT:
        return None
    stored_key = blob[head + 4 : head + 4 + _DIGEST]
    checksum = blob[head + 4 + _DIGEST : _HEADER]
    body = memoryview(blob)[_HEADER:]
    if (key is not None and stored_key != key) or hashlib.sha256(body).digest() != checksum:
        return None
    try:
        payload = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    cache_upkeep.mark_used(entry)
    return payload


def _write_entry(entry: Path, key: bytes, payload: Any) -> None:
    """Write through a temporary file and a rename; a cache that cannot be written is no error."""
    try:
        body = marshal.dumps(payload)
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=entry.parent, prefix=".entry-", suffix=".tmp")
    except (OSError, ValueError):
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + FORMAT.to_bytes(4, "big") + key + hashlib.sha256(body).digest())
            handle.write(body)
        Path(temp).replace(entry)
    except OSError:
        Path(temp).unlink(missing_ok=True)
        return
    cache_upkeep.sweep(entry.parent, MAGIC)


# --- the payload: the validated ledger as plain builtins ----------------------------------

# Fields that are not plain builtins in the models: days (stored ISO) and nested models (stored as
# dicts; a list of them is written as the model, a single one as a one-tuple). tests/test_cache.py
# checks this table against the models, so a new field cannot slip by.
DATE = "date"


def _shapes() -> dict[type[BaseModel], dict[str, Any]]:
    from parktrack.models import Actual, HistoryEntry, Indicator, Plan, Source, Task

    return {
        Plan: {"issued": DATE},
        Task: {"deadline": DATE, "history": HistoryEntry, "source": (Source,)},
        HistoryEntry: {"date": DATE},
        Source: {"date": DATE},
        Indicator: {"actuals": Actual},
        Actual: {"recorded": DATE},
    }


def to_payload(loaded: Ledger, blobs: list[bytes] | None = None) -> dict[str, Any]:
    """The ledger as plain builtins (JSON-mode dumps: days as ISO text); each item a marshal blob of its
    own, so a read builds only the items it asks for and a write re-dumps only the items it changed."""
    from parktrack.ledger import TaskIndex

    def dump(models: list[Any]) -> list[dict[str, Any]]:
        return [model.model_dump(mode="json") for model in models]

    return {
        "plan": loaded.plan.model_dump(mode="json"),
        "sections": dump(loaded.sections),
        "task_ids": list(loaded.tasks.ids),
        "task_blobs": blobs if blobs is not None else [marshal.dumps(t.model_dump(mode="json")) for t in loaded.tasks],
        "task_cuts": loaded.task_cuts,
        "task_index": None if blobs is not None else TaskIndex.of(loaded.tasks).as_plain(),
        "units": dump(loaded.units),
        "indicators": dump(loaded.indicators),
    }


def _from_payload(data: DataDir, payload: dict[str, Any]) -> Ledger:
    from parktrack.ledger import Ledger, TaskIndex, Tasks
    from parktrack.models import Indicator, Plan, Section, Task, Unit

    build = _Builder(_shapes())
    ids, blobs, cuts = payload["task_ids"], payload["task_blobs"], payload["task_cuts"]
    if len(blobs) != len(ids) or (cuts is not None and len(cuts) != len(ids) + 1):
        raise ValueError("a damaged payload")

    def task(position: int) -> Any:
        return build.one(Task, marshal.loads(blobs[position]))

    if ids:
        task(0)  # a foreign shape shows here, while the caller still treats it as a miss
    return Ledger(
        data,
        build.one(Plan, payload["plan"]),
        build.many(Section, payload["sections"]),
        Tasks(ids, task, TaskIndex.from_plain(payload["task_index"])),
        build.many(Unit, payload["units"]),
        build.many(Indicator, payload["indicators"]),
        cuts,
    )


class _Builder:
    """Rebuild validated models from their dumps without validating them again.

    This is what pydantic's `model_construct` does (set `__dict__` and the three bookkeeping
    attributes), minus its per-field default handling, which a full dump never needs: three times
    faster at 10,000 items. The data validated when it was stored, under the same code stamp.
    """

    def __init__(self, shapes: dict[type[BaseModel], dict[str, Any]]) -> None:
        self.shapes = shapes
        self.plans: dict[type[BaseModel], tuple[set[str], list[str], list[tuple[str, Any]]]] = {}

    def _plan(self, model: type[BaseModel]) -> tuple[set[str], list[str], list[tuple[str, Any]]]:
        """A model's fields, its day fields and its nested ones, worked out once (items build one at a time)."""
        plan = self.plans.get(model)
        if plan is None:
            shape = self.shapes.get(model, {})
            days = [name for name, kind in shape.items() if kind is DATE]
            nested = [(name, kind) for name, kind in shape.items() if kind is not DATE]
            plan = self.plans[model] = (set(model.model_fields), days, nested)
        return plan

    def one(self, model: type[BaseModel], values: dict[str, Any]) -> Any:
        return self.many(model, [values])[0]

    def many(self, model: type[BaseModel], entries: list[dict[str, Any]]) -> list[Any]:
        fields, days, nested = self._plan(model)
        new, assign, day = object.__new__, object.__setattr__, date.fromisoformat
        built = []
        for stored in entries:
            if stored.keys() != fields:
                raise KeyError(model.__name__)  # another shape of the model: a miss
            values = dict(stored) if days or nested else stored  # the payload stays as read (a refresh reuses it)
            for name in days:
                if values[name] is not None:
                    values[name] = day(values[name])
            for name, kind in nested:
                if values[name]:
                    if isinstance(kind, tuple):
                        values[name] = self.one(kind[0], values[name])
                    else:
                        values[name] = self.many(kind, values[name])
            instance = new(model)
            assign(instance, "__dict__", values)
            assign(instance, "__pydantic_fields_set__", fields)
            assign(instance, "__pydantic_extra__", None)
            assign(instance, "__pydantic_private__", None)
            built.append(instance)
        return built
