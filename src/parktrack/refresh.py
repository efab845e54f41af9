"""A stale read-cache entry brought up to date: only the items whose text changed are parsed.

After a hand edit, a `git pull` or a checkout, the cache entry of a data folder no longer matches the
files' bytes, but most items are usually untouched. So tasks.yaml is cut into item texts along the
lines that start its items, each text is looked up (by digest) among the items the stale entry
validated, and only the texts it does not know are parsed, alone, and checked as a full load checks
them (`ledger.check_task_alone`). The checks that span items follow: ids unique here, indicators.yaml
(small) in full by the caller.

The cut is sure only when the item texts read in the file as they read alone, the condition the item
write path relies on (see writing.py), here checked on the whole list at once:
- units.yaml and the text around the list (the plan, the sections, anything after the list) are
  byte-identical to the stale entry's, and that entry was made by this very code;
- every line of the list holding content at or left of the items' dash column starts an item, with
  `- ` at exactly that column: nothing in an item's text can close the list or open another entry;
- no line break other than \\n (and \\r\\n) appears, so lines are what the parser takes them to be;
- spaces on an unfinished last line reach no further than the items' keys: deeper, they may be the
  last line of a block scalar ending the file, which a full load reads as its text (and which the
  stale entry's cut, made where store.item_boundaries makes it, left out of its item);
- each new text parses alone as one item whose first value is on its dash's line (as a full load cuts
  items; nor may `<<` appear, which stops a full load cutting, nor `>>>>>>>` in a new text, which makes
  it look for git's conflict markers over the whole file). A text left open at its end (a quoted scalar
  running on) fails that parse, so in the file too the parser stands between items at every cut.
When most item texts are new (a reformat, a distant checkout), a full load is quicker, and is used.
Anything else returns None and the caller validates in full, which reports what is wrong and where.
tests/test_refresh.py compares refreshed payloads with full loads' on generated and mangled edits.
"""

from __future__ import annotations

import hashlib
import marshal
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from parktrack import store

if TYPE_CHECKING:
    from parktrack.datadir import DataDir
    from parktrack.ledger import Ledger, TaskIndex


def frame(
    code: bytes, texts: dict[str, bytes], cuts: list[int] | None, items: list[bytes] | None = None
) -> dict[str, Any] | None:
    """What a later refresh compares the files with: digests of units.yaml, of tasks.yaml around its
    list and of each item's text (`items`, when they are known already), and of the code that
    validated them. None without item cuts."""
    if cuts is None or len(cuts) < 2:
        return None
    raw = texts[store.TASKS_FILE]
    line = raw[cuts[0] : raw.find(b"\n", cuts[0]) + 1 or len(raw)]
    return {
        "code": _digest(code),
        "column": len(line) - len(line.lstrip(b" ")),
        "units": _digest(texts[store.UNITS_FILE]),
        "head": _digest(raw[: cuts[0]]),
        "tail": _digest(raw[cuts[-1] :]),
        "tail_length": len(raw) - cuts[-1],
        "items": items if items is not None else [_digest(raw[start:end]) for start, end in pairwise(cuts)],
    }


def edited_frame(
    old: dict[str, Any] | None, texts: dict[str, bytes], cuts: list[int] | None, positions: list[int]
) -> dict[str, Any] | None:
    """The frame after a write by item changed the items at `positions`: only their digests change
    (the text around the list and units.yaml are untouched). None: let `frame` compute it afresh."""
    if old is None or cuts is None or len(cuts) != len(old["items"]) + 1:
        return None
    raw = texts[store.TASKS_FILE]
    items = list(old["items"])
    for position in positions:
        items[position] = _digest(raw[cuts[position] : cuts[position + 1]])
    return {**old, "items": items}


def refreshed(
    data: DataDir, code: bytes, stale: Ledger, payload: dict[str, Any], texts: dict[str, bytes]
) -> dict[str, Any] | None:
    """The payload of the ledger in `texts` (its indicators not yet checked: the caller's part), built
    from the stale ledger and payload and the item texts they do not know; None when not sure."""
    old = payload.get("frame")
    lookup = stale.tasks.lookup
    if not isinstance(old, dict) or old.get("code") != _digest(code) or stale.task_cuts is None or lookup is None:
        return None
    if _digest(texts[store.UNITS_FILE]) != old["units"]:
        return None
    raw = texts[store.TASKS_FILE]
    if b"<<" in raw:
        return None  # a full load makes no item cuts where a merge key may be (store._parse)
    starts = _item_starts(raw, stale.task_cuts[0], len(raw) - old["tail_length"], old)
    if starts is None:
        return None
    known = {digest: position for position, digest in enumerate(old["items"])}
    digests = [_digest(raw[start:end]) for start, end in pairwise(starts)]
    positions = [known.get(digest) for digest in digests]
    if 2 * positions.count(None) > len(positions):
        return None  # most items changed (a reformat, a distant checkout): a full load is quicker
    ids, blobs, fresh = [], [], {}
    for now, ((start, end), position) in enumerate(zip(pairwise(starts), positions, strict=True)):
        if position is not None:  # the very text the stale entry validated: its item as it was
            ids.append(payload["task_ids"][position])
            blobs.append(payload["task_blobs"][position])
        elif (read := _read_item(data, stale, raw[start:end])) is not None:
            ids.append(read[0])
            blobs.append(read[1])
            fresh[now] = read[2]
        else:
            return None
    if len(set(ids)) != len(ids):
        return None  # a duplicate id: the full check says where
    refreshed = _payload(payload, ids, blobs, _index(lookup, positions, fresh), starts)
    return {**refreshed, "frame": frame(code, texts, starts, digests)}


def _item_starts(raw: bytes, head: int, end: int, old: dict[str, Any]) -> list[int] | None:
    """Where each item's text starts in `raw`, and the list's end; None unless the text around the list
    is the stale entry's and the list is cut surely (store.item_starts)."""
    if _digest(raw[:head]) != old["head"] or _digest(raw[end:]) != old["tail"]:
        return None
    return store.item_starts(raw, head, end, int(old["column"]))


def _read_item(data: DataDir, stale: Ledger, raw: bytes) -> tuple[str, bytes, Any] | None:
    """An item text the stale entry does not know, parsed alone and checked against the rest of the ledger."""
    from parktrack.ledger import Sketch, check_task_alone

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    item = store.read_item(data.file(store.TASKS_FILE), text)
    if item is None or not store.on_its_dash_line(item):
        return None  # a full load would not cut such an item out (store.item_boundaries)
    task = check_task_alone(item.doc.data[0], stale)
    if task is None:
        return None
    return task.id, marshal.dumps(task.model_dump(mode="json")), Sketch.plain(task)


def _index(stale: TaskIndex, positions: list[int | None], fresh: dict[int, Any]) -> TaskIndex:
    """The lookup of the refreshed items (`positions`: where each stood in the stale entry, None for the
    new texts, whose plain sketches `fresh` holds): when every other item kept its place (a hand edit,
    items added after the last), the stale lookup with the new texts' items filed in place of the old
    or after them; else one built afresh."""
    from parktrack.ledger import TaskIndex

    kept = len(stale.sketches)
    if len(positions) >= kept and all(was in (None, now) for now, was in enumerate(positions)):
        index = stale.copy()
        index.deadlines += [None] * (len(positions) - kept)
        index.sketches += [b""] * (len(positions) - kept)
        for now, sketch in fresh.items():
            index.put(now, sketch, replacing=now < kept)
        return index
    sketches = [fresh[now] if was is None else stale.sketch(was) for now, was in enumerate(positions)]
    return TaskIndex.of_sketches(sketches)


def _payload(
    payload: dict[str, Any], ids: list[str], blobs: list[bytes], index: TaskIndex, cuts: list[int]
) -> dict[str, Any]:
    """The stale payload with the items replaced: plan, sections and units are those of identical text."""
    items = {"task_ids": ids, "task_blobs": blobs, "task_cuts": cuts, "task_index": index.as_plain()}
    return {**payload, **items}


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()
