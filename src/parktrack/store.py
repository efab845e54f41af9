"""All YAML access: finding the data, loading it with line marks, and spliced writes."""

from __future__ import annotations

import itertools
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

# Finding the data lives in datadir.py, free of YAML (cached reads never import it); re-exported here.
from parktrack.datadir import ENV_VAR as ENV_VAR
from parktrack.datadir import INDICATORS_FILE as INDICATORS_FILE
from parktrack.datadir import MAX_BYTES as MAX_BYTES
from parktrack.datadir import TASKS_FILE as TASKS_FILE
from parktrack.datadir import UNITS_FILE as UNITS_FILE
from parktrack.datadir import DataDir as DataDir
from parktrack.datadir import bundled_plan as bundled_plan
from parktrack.datadir import find_data_dir as find_data_dir
from parktrack.errors import Problem, UsageError, WriteError, brief, os_reason
from parktrack.files import atomic_write as atomic_write  # re-exported: every ledger writer uses it
from parktrack.files import read_bounded
from parktrack.i18n import N_, _

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]
_LIBYAML = _BaseLoader.__name__ == "CSafeLoader"

LOCK_FILE = ".parktrack.lock"

Loc = tuple[str | int, ...]


# --- loading ---------------------------------------------------------------------


class _Loader(_BaseLoader):
    """Safe loader that records duplicate keys and keeps dates as text for the models."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[yaml.Node] = []
        self._may_alias = "*" in stream  # an alias makes the nodes a graph, which only PyYAML's own way builds

    def construct_document(self, node: yaml.Node) -> Any:
        """The data of the nodes under `node`, as PyYAML's SafeLoader builds it.

        A ledger's nodes are a tree of plain scalars, lists and mappings: built here in one walk that
        calls PyYAML's own constructor for each scalar's tag, which takes a load a third less time than
        PyYAML's general way (object memo, generators for recursive data, merge keys). Anything else
        (an alias, a merge key `<<`, a tag of another kind, a key that is no scalar, nesting deeper than
        Python's stack) is built PyYAML's way, from the start. So is a document with a repeated key:
        PyYAML notes them level by level (a mapping's keys before those of any mapping inside it), where
        the walk meets them in the order written."""
        if not self._may_alias:
            duplicates: list[yaml.Node] = []
            try:
                data = _TreeBuilder(self, duplicates).build(node)
            except (_NotATreeError, RecursionError, ValueError, KeyError):
                pass  # a scalar PyYAML cannot build (0x_): PyYAML's way fails on the one it builds first
            else:
                if not duplicates:
                    return data
        return super().construct_document(node)

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        """A node's tag as PyYAML's resolver gives it, for a loader with no path or wildcard resolvers
        (SafeLoader has none): the rules for the value's first character, tried in order, else the
        kind's default. libyaml asks this for every node: a sixth of a load's time less than PyYAML's way."""
        if kind is yaml.ScalarNode:
            if implicit[0] and value is not None:
                for tag, pattern in _IMPLICIT_RULES.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicate_keys.append(key_node)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def _timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_STR_TAG, _SEQ_TAG, _MAP_TAG, _INT_TAG, _FLOAT_TAG, _NULL_TAG, _BOOL_TAG, _TIMESTAMP_TAG = (
    f"tag:yaml.org,2002:{kind}" for kind in ("str", "seq", "map", "int", "float", "null", "bool", "timestamp")
)
_Loader.add_constructor(_TIMESTAMP_TAG, _timestamp_as_text)

assert not _Loader.yaml_path_resolvers and None not in _Loader.yaml_implicit_resolvers, "see _Loader.resolve"
_IMPLICIT_RULES: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(rules) for first, rules in _Loader.yaml_implicit_resolvers.items()
}
_SCALAR_TAGS = frozenset({_NULL_TAG, _BOOL_TAG, _INT_TAG, _FLOAT_TAG, _TIMESTAMP_TAG})  # built by PyYAML's constructors


class _NotATreeError(Exception):
    """The nodes hold something `_TreeBuilder` leaves to PyYAML."""


class _TreeBuilder:
    """Builds a tree of nodes into data, noting repeated keys (the loader then leaves the document to
    PyYAML's way, which reports them in its own order)."""

    def __init__(self, loader: _Loader, duplicates: list[yaml.Node]) -> None:
        self.loader, self.duplicates = loader, duplicates
        self.constructors = loader.yaml_constructors

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            tag = node.tag
            if tag == _STR_TAG:
                return node.value
            if tag in _SCALAR_TAGS:
                return self.constructors[tag](self.loader, node)
        elif isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
            return [self.build(child) for child in node.value]
        elif isinstance(node, yaml.MappingNode) and node.tag == _MAP_TAG:
            return self._mapping(node)
        raise _NotATreeError

    def _mapping(self, node: yaml.MappingNode) -> dict[Any, Any]:
        seen: set[str] = set()
        mapping = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _NotATreeError
            if key_node.value in seen:
                self.duplicates.append(key_node)
            seen.add(key_node.value)
            mapping[self.build(key_node)] = self.build(value_node)
        return mapping


@dataclass
class YamlDoc:
    """One YAML file: its text, its data, and what is wrong with it at the YAML level."""

    path: Path
    text: str
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    _root: yaml.Node | None = None
    bom: bool = False  # the file starts with a UTF-8 byte order mark; writes keep it
    raw: bytes = b""  # the bytes read, to notice a file replaced underneath a write
    cuts: list[int] | None = None  # item_boundaries of the list read_yaml was asked to cut

    @property
    def ok(self) -> bool:
        return not self.problems

    def root(self) -> yaml.Node | None:
        """The composed node tree, built only when marks are needed."""
        if self._root is None and self.text:
            self._root = yaml.compose(self.text, Loader=_BaseLoader)
        return self._root

    def with_bom(self, text: str) -> str:
        """New text for this file, starting with its byte order mark if it had one (Notepad's UTF-8 writes one)."""
        return "\ufeff" + text if self.bom else text

    def encoded(self, text: str) -> bytes:
        """New text for this file as the bytes to write: UTF-8, with its byte order mark if it had one."""
        return self.with_bom(text).encode("utf-8")

    def problem(self, loc: Loc, message: str) -> Problem:
        """A problem at a path such as ('tasks', 6, 'lead_units', 0)."""
        node, label = resolve_loc(self.root(), loc)
        mark = node.start_mark if node is not None else None
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        return Problem(self.path, line, column, label, message)

    def problem_at_mark(self, mark: yaml.Mark, message: str) -> Problem:
        label = label_at(self.root(), mark.index)
        return Problem(self.path, mark.line + 1, mark.column + 1, label, message)


def read_yaml(path: Path, text: str | None = None, marks: bool = False, cut: str | None = None) -> YamlDoc:
    """Read and parse one file (or `text` standing in for it), collecting every problem instead of raising.

    `marks` keeps the node tree the parse built (a write splices at its marks), instead of composing it
    again. `cut` names a top-level list whose item_boundaries to note while the tree is at hand.
    """
    if text is None:
        raw, trouble = read_bounded(path)
        if trouble is not None:
            return YamlDoc(path, "", problems=[Problem(path, None, None, "", trouble)])
    else:
        raw = text.encode("utf-8")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
        message = _("not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8").format(byte=raw[exc.start])
        return YamlDoc(path, "", problems=[Problem(path, line, column, "", message)])
    doc = YamlDoc(path, decoded.removeprefix("\ufeff"), bom=decoded.startswith("\ufeff"), raw=raw)
    doc.problems = _text_problems(doc)
    if doc.problems:
        return doc
    _parse(doc, marks, cut)
    if doc.ok and doc.data is None:
        doc.problems.append(Problem(path, None, None, "", _("file is empty")))
    return doc


def _parsed_by_items(doc: YamlDoc, key: str) -> bool:
    """Read the file as its text before the list `key`, then each item alone, when that is sure to give
    the data and item_boundaries that one parse of the whole gives; False when not sure, or when any
    part does not parse cleanly (the caller then parses the whole, which says what is wrong and where).
    Called once the file-wide checks pass (text problems; anchors, aliases and tags). A merge key (`<<`)
    anywhere: not sure (the whole parse flattens it across parts).

    Each part's nodes are dropped once its data is built: the whole file's node tree (marks and all) is
    never held at once, about a quarter of the memory of a whole parse at 10,000 items, in the same time.
    It is sure when `key:` starts a line with nothing after it but a comment, the list's first item is
    the next line holding content, the list is cut surely along its lines (see `item_starts`: every
    line holding content at or left of the dash column starts an item, so the list runs to the end of
    the file), the text before it parses alone as a mapping whose last key is `key`, with no value, and
    each item's text parses alone as one block item whose first value is on its dash's line (a text
    left open at its end, such as a quoted scalar running on, fails that). Duplicate keys anywhere: not sure.
    """
    if "<<" in doc.text:
        return False
    raw = doc.raw
    found = _first_item(raw, key)
    starts = item_starts(raw, found[0], len(raw), found[1]) if found else None
    if found is None or starts is None:
        return False
    before = _alone(raw[: found[0]].decode("utf-8").removeprefix("\ufeff"))
    if not isinstance(before, dict) or list(before)[-1:] != [key] or before[key] is not None:
        return False
    items = []
    for start, end in itertools.pairwise(starts):
        item = _alone(raw[start:end].decode("utf-8"), item=True)
        if item is None:
            return False
        items.append(item)
    doc.data, doc.cuts = {**before, key: items}, starts
    return True


def _first_item(raw: bytes, key: str) -> tuple[int, int] | None:
    """Where the first item of the top-level list `key` starts (its line), and its dash's column."""
    pattern = rb"^%s:[ ]*(?:#[^\r\n]*)?\r?\n(?:[ ]*(?:#[^\r\n]*)?\r?\n)*( *)- " % re.escape(key.encode())
    found = re.compile(pattern, re.MULTILINE).search(raw)
    return (found.start(1), len(found.group(1))) if found else None


def _alone(text: str, item: bool = False) -> Any:
    """A part of a file parsed on its own (`item`: one block list item, its first value on its dash's
    line, returned unwrapped); None when it does not parse cleanly as that."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if item and not _one_item_on_its_dash_line(root, text):
            return None
        data: Any = loader.construct_document(root) if root is not None else None
        if loader.duplicate_keys:
            return None
        return data[0] if item else data
    except (yaml.YAMLError, ValueError):  # ValueError: a value such as 0x_ (see _unreadable_numbers)
        return None
    finally:
        loader.dispose()


def _one_item_on_its_dash_line(root: yaml.Node | None, text: str) -> bool:
    if not isinstance(root, yaml.SequenceNode) or root.flow_style or len(root.value) != 1:
        return False
    node = root.value[0]
    return isinstance(node, yaml.MappingNode) and _DASH_PREFIX.fullmatch(text, 0, node.start_mark.index) is not None


def _position(raw: bytes, index: int) -> tuple[int, int]:
    before = raw[:index]
    return before.count(b"\n") + 1, len(before) - before.rfind(b"\n")


def _text_problems(doc: YamlDoc) -> list[Problem]:
    """What is wrong before YAML gets to see the text: NULs, merge-conflict markers, tab indentation."""
    if "\x00" in doc.text:
        line, column = _position(doc.text.encode("utf-8"), doc.text.encode("utf-8").index(b"\x00"))
        return [Problem(doc.path, line, column, "", _("contains NUL bytes: not a text file"))]
    if doc.text.startswith(_LFS_POINTER):
        message = _(
            "a Git LFS pointer, not the ledger: git-lfs has not fetched this file; install git-lfs "
            "(https://git-lfs.com) and run `git lfs pull` in the repository"
        )
        return [Problem(doc.path, 1, 1, "", message)]
    return _conflict_problems(doc) or _tab_problems(doc)


_LFS_POINTER = "version https://git-lfs.github.com/spec/"  # how every LFS pointer file starts


_CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |\r?$)", re.MULTILINE)


def conflict_signs(text: str) -> bool:
    """Whether `text` holds what makes a load look for git's conflict markers on every line of the file
    (where a `=======` line, harmless alone, then counts as one): a text checked alone that has one must
    be checked with the whole file."""
    return "<<<<<<<" in text or ">>>>>>>" in text


def _conflict_problems(doc: YamlDoc) -> list[Problem]:
    if not conflict_signs(doc.text):
        return []
    starts = [m for m in _CONFLICT_MARKER.finditer(doc.text) if m.group(1)[0] in "<"]
    lines = [doc.text.count("\n", 0, m.start()) + 1 for m in starts]
    if not lines:
        lines = [doc.text.count("\n", 0, m.start()) + 1 for m in _CONFLICT_MARKER.finditer(doc.text)][:1]
    message = _("unresolved merge conflict at line {line}; resolve it (keep one side, or both) and remove the markers")
    return [Problem(doc.path, line, 1, "", message.format(line=line)) for line in lines]


def _tab_problems(doc: YamlDoc) -> list[Problem]:
    problems: list[Problem] = []
    if "\t" not in doc.text:
        return problems
    for number, line in enumerate(doc.text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            message = _("tab used for indentation; indent with spaces")
            problems.append(Problem(doc.path, number, indent.index("\t") + 1, "", message))
    return problems


def _parse(doc: YamlDoc, marks: bool = False, cut: str | None = None) -> None:
    try:
        doc.problems = _feature_problems(doc)
        if doc.problems:
            return
        if cut and not marks and _parsed_by_items(doc, cut):
            return
        loader = _Loader(doc.text)
        try:
            # one pass builds the nodes, and the data from them (what get_single_data does); a merge key
            # (<<) would be flattened into the nodes, so such a file composes its marks apart
            if (marks or cut) and "<<" not in doc.text:
                root = loader.get_single_node()
                doc.data = None if root is None else loader.construct_document(root)
                doc.cuts = item_boundaries(root, doc.text, doc.bom, cut) if cut else None
                doc._root = root if marks else None  # a tree of a large file is big: kept only when asked
            else:
                doc.data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = _("YAML syntax error: {reason}").format(reason=yaml_problem(exc.problem or exc.context or ""))
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        doc.problems += _full_width_slips(doc, line) or [Problem(doc.path, line, column, "", reason)]
        return
    except yaml.reader.ReaderError as exc:  # a character YAML refuses, such as an old editor's final Ctrl-Z
        doc.problems.append(_refused_character(doc, exc))
        return
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(doc.path, None, None, "", _("YAML error: {reason}").format(reason=brief(exc, 200))))
        return
    except ValueError as exc:  # a plain value YAML's pattern takes for a number that int() refuses
        reason = _("YAML error: {reason}").format(reason=brief(exc, 200))
        doc.problems += _unreadable_numbers(doc) or [Problem(doc.path, None, None, "", reason)]
        return
    for key in loader.duplicate_keys:
        message = _("duplicate key '{key}'").format(key=brief(key.value))
        doc.problems.append(doc.problem_at_mark(key.start_mark, message))


# PyYAML's own words for the syntax errors a hand edit makes, in the interface language (its other
# words, rarer, are shown as it writes them). Its quoted token ('-', ']', '<block end>') stays as is.
_YAML_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"mapping values are not allowed (?:here|in this context)"),
        N_("a colon and a space here start a key; put quotes around a text holding ': '"),
    ),
    (
        re.compile(r"expected <block end>, but found .+"),
        N_("the indentation here does not match the lines above; line up the keys of one mapping"),
    ),
    (re.compile(r"did not find expected (?P<what>.+)"), N_("expected {what} here")),
    (re.compile(r"could not find expected (?P<what>.+)"), N_("expected {what} here")),
    (re.compile(r"expected (?P<what>.+), but found (?P<found>.+)"), N_("expected {what} here, found {found}")),
    (
        re.compile(r"found character (?P<what>.+) that cannot start any token"),
        N_("the character {what} cannot start a value; put quotes around the text"),
    ),
    (re.compile(r"found unexpected end of stream"), N_("the file ends inside a quoted text; close the quotes")),
    (
        re.compile(r"found unknown escape character (?P<what>.+)"),
        N_("unknown escape {what} in a double-quoted text; write \\\\ for a backslash"),
    ),
    (
        re.compile(r"found a tab character (?:that violates indentation|where an indentation space is expected)"),
        N_("a tab where the indentation needs spaces; indent with spaces"),
    ),
)


def yaml_problem(problem: str) -> str:
    """PyYAML's description of a syntax error in the interface language, where we know its words."""
    for pattern, message in _YAML_PROBLEMS:
        found = pattern.fullmatch(problem)
        if found:
            words = {key: value.replace(" or ", _(" or ")) for key, value in found.groupdict().items()}
            return _(message).format(**words)
    return problem


_YAML_LINE_START = re.compile(r"-( |$)|[A-Za-z_][\w-]*:( |$)")
_FULL_WIDTH_COLON = re.compile(r"[ \u3000]*(?:- )?([A-Za-z_][A-Za-z0-9_-]*)[ \u3000]*：")


def _full_width_slips(doc: YamlDoc, last_line: int | None) -> list[Problem]:
    """The lines up to a syntax error where the Chinese input method typed a full-width character YAML
    reads as content: a space (U+3000) in the indentation, a colon ： after a key. Looked for only once
    the parse fails, and before a key or a list's dash: a paragraph in a block of text may rightly
    start with full-width spaces."""
    problems = []
    for number, line in enumerate(doc.text.splitlines()[:last_line], start=1):
        indent = line[: len(line) - len(line.lstrip(" \u3000"))]
        if "\u3000" in indent and _YAML_LINE_START.match(line, len(indent)):
            message = _("full-width space (U+3000) used for indentation; indent with ordinary spaces")
            problems.append(Problem(doc.path, number, indent.index("\u3000") + 1, "", message))
        elif colon := _FULL_WIDTH_COLON.match(line):
            message = _("full-width colon ： after '{key}'; write a half-width colon and a space (': ')")
            problems.append(Problem(doc.path, number, colon.end(), "", message.format(key=colon.group(1))))
    return problems


def _refused_character(doc: YamlDoc, error: yaml.reader.ReaderError) -> Problem:
    at = error.position  # libyaml counts it in UTF-8 bytes, PyYAML's own reader in characters
    before = doc.text.encode("utf-8")[:at].decode("utf-8", "replace") if _LIBYAML else doc.text[:at]
    line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
    if error.character == 0x1A:
        message = _("a Ctrl-Z (U+001A), which old editors put at the end of a file; delete it")
    else:
        message = _("control character U+{code:04X}, which a ledger file cannot hold; delete it")
    return Problem(doc.path, line, column, "", message.format(code=error.character))


def _unreadable_numbers(doc: YamlDoc) -> list[Problem]:
    """Where the plain values are that YAML 1.1's patterns take for numbers and PyYAML cannot build
    (`0x_`, `0b_`: the digits are all underscores), in the order written."""
    loader, problems, nodes = _Loader(""), [], [doc.root()]
    while nodes:
        node = nodes.pop()
        if isinstance(node, yaml.SequenceNode):
            nodes += reversed(node.value)
        elif isinstance(node, yaml.MappingNode):
            nodes += reversed([part for pair in node.value for part in pair])
        elif isinstance(node, yaml.ScalarNode) and node.tag in (_INT_TAG, _FLOAT_TAG):
            try:
                loader.yaml_constructors[node.tag](loader, node)
            except ValueError:
                message = _("'{value}' looks like a number to YAML but is not one; quote it to keep it as text")
                problems.append(doc.problem_at_mark(node.start_mark, message.format(value=brief(node.value))))
    return problems


def _feature_problems(doc: YamlDoc) -> list[Problem]:
    """Anchors, aliases and explicit tags: the ledger has no use for them, and they can blow up or mistype values.

    Refused from the event stream, before anything is built, so an alias bomb or a recursive alias costs
    nothing. Only files with one of & * ! in them are scanned (no real ledger has them outside quotes).
    """
    if not any(sign in doc.text for sign in "&*!"):
        return []
    problems = []
    for event in yaml.parse(doc.text, Loader=_BaseLoader):
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            message = _("an alias (*{name}) is not allowed in a ledger file; write the value out").format(
                name=brief(event.anchor)
            )
        elif isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            message = _("an anchor (&{name}) is not allowed in a ledger file; write the value out").format(
                name=brief(event.anchor)
            )
        elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent) and _explicit_tag(event):
            message = _("a tag ({tag}) is not allowed in a ledger file; write a plain value").format(
                tag=brief(str(event.tag).replace("tag:yaml.org,2002:", "!!"))
            )
        else:
            continue
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problems.append(Problem(doc.path, line, column, "", message))
    if len(problems) > _MAX_FEATURE_PROBLEMS:
        more = len(problems) - _MAX_FEATURE_PROBLEMS
        summary = _("and {count} more anchors, aliases or tags").format(count=more)
        problems = [*problems[:_MAX_FEATURE_PROBLEMS], Problem(doc.path, None, None, "", summary)]
    return problems


_MAX_FEATURE_PROBLEMS = 3


def _explicit_tag(event: yaml.ScalarEvent | yaml.CollectionStartEvent) -> bool:
    """A tag written in the file (`!!float x`, `!!binary`, `!x`, `!`); an untagged node carries none."""
    return event.tag is not None


# --- locating nodes -------------------------------------------------------------


def mapping_value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node  # type: ignore[no-any-return]
    return None


def entry_node(doc: YamlDoc, collection: str, entry_id: str) -> yaml.MappingNode | None:
    """The node of the entry with `entry_id` in the top-level list `collection`."""
    entries = mapping_value(doc.root(), collection)
    for node in getattr(entries, "value", []):
        id_node = mapping_value(node, "id")
        if isinstance(node, yaml.MappingNode) and isinstance(id_node, yaml.ScalarNode) and id_node.value == entry_id:
            return node
    return None


def last_list_lines(root: yaml.Node | None, key: str) -> tuple[int, int, list[int]] | None:
    """For a block mapping whose last key, given once and at column 0, is `key`, holding a block list:
    the list's column, its first line and each item's first line (0-based); None for any other shape."""
    if not isinstance(root, yaml.MappingNode) or root.flow_style or not root.value:
        return None
    last_key, sequence = root.value[-1]
    keys = [k for k, _v in root.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    if keys != [last_key] or last_key.start_mark.column != 0 or not isinstance(sequence, yaml.SequenceNode):
        return None
    if sequence.flow_style:
        return None
    return sequence.start_mark.column, sequence.start_mark.line, [item.start_mark.line for item in sequence.value]


def _item_label(node: yaml.Node) -> str | None:
    id_node = mapping_value(node, "id")
    return str(id_node.value) if isinstance(id_node, yaml.ScalarNode) else None


def resolve_loc(root: yaml.Node | None, loc: Loc) -> tuple[yaml.Node | None, str]:
    """Follow `loc` into the node tree; label it like `T07.lead_units[0]`."""
    node, label = root, ""
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(part, int) and isinstance(node, yaml.SequenceNode) and part < len(node.value):
            child = node.value[part]
            item = _item_label(child)
            label = item if item else f"{label}[{part}]"
        elif isinstance(part, str):
            child = mapping_value(node, part)
            label = f"{label}.{part}" if label else part
        else:
            label = f"{label}[{part}]"
        node = child if child is not None else node
    return node, label


def label_at(root: yaml.Node | None, index: int) -> str:
    """The label of the innermost node whose span holds character `index`."""
    loc: list[str | int] = []
    node = root
    while node is not None:
        step = _step_towards(node, index)
        if step is None:
            break
        part, node = step
        loc.append(part)
    return resolve_loc(root, tuple(loc))[1]


def _step_towards(node: yaml.Node, index: int) -> tuple[str | int, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.start_mark.index <= index < max(value_node.end_mark.index, key_node.end_mark.index + 1):
                if index < value_node.start_mark.index:
                    return str(key_node.value), key_node
                return str(key_node.value), value_node
    if isinstance(node, yaml.SequenceNode):
        for position, child in enumerate(node.value):
            if child.start_mark.index <= index < child.end_mark.index:
                return position, child
    return None


# --- writing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Splice:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


def apply_splices(text: str, splices: list[Splice], newline: str | None = None) -> str:
    """Apply splices, writing their line breaks in the file's own style (a CRLF file stays CRLF).

    `newline` is that style when `text` is only part of the file (see file_newline)."""
    newline = newline or file_newline(text)
    for splice in sorted(splices, key=lambda s: s.start, reverse=True):
        text = text[: splice.start] + splice.text.replace("\n", newline) + text[splice.end :]
    return text


def file_newline(text: str | bytes) -> str:
    """The line break a file's new lines take: CRLF when it has any, else LF."""
    crlf = "\r\n" in text if isinstance(text, str) else b"\r\n" in text
    return "\r\n" if crlf else "\n"


_PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _is_plain_word(text: str) -> bool:
    """A word that YAML reads back as the same string (not true, null, yes ...)."""
    return bool(_PLAIN_WORD.match(text)) and yaml.load(text, Loader=_BaseLoader) == text


def scalar_text(value: Any) -> str:
    """One value as single-line YAML: words and dates plain, other text double-quoted with escapes."""
    if isinstance(value, str):
        return _string_text(value)
    if isinstance(value, date):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {scalar_text(item)}" for key, item in value.items()) + "}"
    return _dumped(value, None)  # numbers and booleans stay plain


@lru_cache(maxsize=4096)  # units and officials repeat on every item `init --from` writes: 10,000 items, 60,000 texts
def _string_text(text: str) -> str:
    return text if _is_plain_word(text) else _dumped(text, '"')


def _dumped(value: Any, style: str | None) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, width=float("inf"), default_style=style)
    return dumped.removesuffix("\n").removesuffix("\n...")


def replace_value(node: yaml.Node, value: Any) -> Splice:
    return Splice(node.start_mark.index, node.end_mark.index, scalar_text(value))


def insert_into_sequence(
    text: str,
    key_node: yaml.Node,
    seq: yaml.Node,
    entry: dict[str, Any],
    position: int | None = None,
    in_flow: bool = False,
) -> Splice:
    """Insert a one-line flow mapping into a sequence, before item `position` (default: at the end).

    Works on what validation accepts: a block list (flow items or hand-written block items), a flow
    list (empty or not). The new item takes the list's own style and indentation; an empty `[]`
    becomes a block list, unless it sits inside a flow mapping (`in_flow`), where only flow is valid.
    """
    item = scalar_text(entry)
    items = list(seq.value) if isinstance(seq, yaml.SequenceNode) else []
    if in_flow and not items:
        return Splice(seq.start_mark.index, seq.end_mark.index, f"[{item}]")
    if not isinstance(seq, yaml.SequenceNode) or not items:
        indent = " " * key_node.start_mark.column
        return Splice(key_node.end_mark.index, seq.end_mark.index, f":\n{indent}- {item}")
    position = len(items) if position is None else position
    if seq.flow_style:
        if position < len(items):
            at = items[position].start_mark.index
            return Splice(at, at, f"{item}, ")
        at = items[-1].end_mark.index
        return Splice(at, at, f", {item}")
    indent = " " * seq.start_mark.column
    if position < len(items):
        at = text.rfind("\n", 0, items[position].start_mark.index) + 1
        return Splice(at, at, f"{indent}- {item}\n")
    at = line_end(text, items[-1])
    return Splice(at, at, f"\n{indent}- {item}")


def add_to_mapping(text: str, mapping: yaml.MappingNode, key: str, value: Any, as_list: bool = False) -> Splice:
    """Add `key: value` at the end of a mapping that lacks it (`as_list`: a one-entry list of `value`)."""
    if mapping.flow_style:
        shown = f"[{scalar_text(value)}]" if as_list else scalar_text(value)
        at = mapping.end_mark.index - 1  # before the closing brace
        return Splice(at, at, f", {key}: {shown}")
    indent = " " * mapping.start_mark.column
    shown = f"\n{indent}- {scalar_text(value)}" if as_list else f" {scalar_text(value)}"
    at = line_end(text, mapping)
    return Splice(at, at, f"\n{indent}{key}:{shown}")


def line_end(text: str, node: yaml.Node) -> int:
    """Where the line holding the node's last content ends (before its line break; a trailing comment stays put)."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    end = node.end_mark.index
    if _keeps_blank_lines(node):  # `|+` text ending in blank lines: they are its own, so go past them
        at = text.rfind("\n", 0, end)
        return at - 1 if at > 0 and text[at - 1] == "\r" else at
    while end > 0 and text[end - 1] in " \t\r\n":  # a block scalar's end lies past its line breaks
        end -= 1
    at = text.find("\n", end)
    at = len(text) if at < 0 else at
    return at - 1 if at > 0 and text[at - 1] == "\r" else at


def _keeps_blank_lines(node: yaml.Node) -> bool:
    """A block scalar kept with its trailing blank lines (`|+`, `>+`): its value ends in two line breaks."""
    return isinstance(node, yaml.ScalarNode) and node.style in ("|", ">") and str(node.value).endswith("\n\n")


def replace_file(path: Path, content: bytes, expected: bytes) -> None:
    """Replace a ledger file read as `expected` with `content`, unless it was replaced meanwhile;
    OS errors as WriteError."""
    try:
        if path.read_bytes() != expected:
            message = _(
                "{path} was changed by another program while this write was prepared; nothing was written, run again"
            )
            raise WriteError(message.format(path=path))
        atomic_write(path, content)
    except OSError as exc:
        message = _("cannot write {path}: {reason}; the file is unchanged")
        raise WriteError(message.format(path=path, reason=os_reason(exc))) from None


def lock_path(data: DataDir) -> Path:
    """The write lock lives beside the data, where every writer of this ledger meets it."""
    return data.path / LOCK_FILE


@contextmanager
def locked(data: DataDir, timeout: float = 30.0) -> Iterator[None]:
    """Hold the data folder's write lock; concurrent runs wait their turn."""
    if data.bundled:
        message = _(
            "{path} is the bundled plan and is read-only; "
            "copy data/ into a git repository and pass --data DIR (or run inside it)"
        )
        raise WriteError(message.format(path=data.path))
    from filelock import FileLock, Timeout

    path = lock_path(data)
    _check_lock_path(path)
    try:
        with FileLock(path, timeout=timeout, thread_local=False):
            yield
    except Timeout:
        message = _("{path}: another parktrack run holds the write lock; try again")
        raise WriteError(message.format(path=data.path)) from None
    except OSError as exc:
        if exc.filename is not None and Path(str(exc.filename)) != path:
            raise  # not about the lock: the caller reports it
        message = _("cannot use the write lock {path}: {reason}")
        raise WriteError(message.format(path=path, reason=os_reason(exc))) from None


def _check_lock_path(path: Path) -> None:
    """A symlink or a non-file where the lock goes could redirect or break it: refuse, and say what to remove."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(
            _("cannot use the write lock {path}: {reason}").format(path=path, reason=os_reason(exc))
        ) from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        message = _("the write lock {path} is not a plain file (a symlink or folder?); remove it and try again")
        raise WriteError(message.format(path=path))


def load_plain(text: str) -> Any:
    """Parse text with the safe loader, for reading old versions; None when it does not parse.

    The same guards as for the files on disk: an old commit's alias bomb or odd tag is refused, not built.
    """
    return load_plain_node(text)[0]


def load_plain_items(raw: bytes, key: str) -> tuple[Any, list[int]] | None:
    """An old version's bytes read item by item, as a load reads them (see `_parsed_by_items`), with
    `load_plain`'s guards: its data and where each item of the list `key` starts (byte offsets, a byte
    order mark included, the list's end last); None when that is not sure, or the bytes are not clean
    UTF-8 or trip a guard, and the caller parses the whole."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    doc = YamlDoc(Path("-"), text.removeprefix("\ufeff"), bom=text.startswith("\ufeff"), raw=raw)
    if not _passes_guards(doc) or not _parsed_by_items(doc, key) or doc.cuts is None:
        return None
    return doc.data, doc.cuts


def _passes_guards(doc: YamlDoc) -> bool:
    """What an old version must pass before it is built, as a file on disk does: no text problem (NUL,
    conflict marker, tab indentation) and no anchor, alias or tag (so no alias bomb is ever built)."""
    try:
        return not _text_problems(doc) and not _feature_problems(doc)
    except yaml.YAMLError:  # the scan for anchors met a syntax error: the file does not parse
        return False


def load_plain_node(text: str) -> tuple[Any, yaml.Node | None]:
    """`load_plain`'s data and the node tree it was built from (marks: where each value is written)."""
    doc = YamlDoc(Path("-"), text.removeprefix("\ufeff"))
    if not _passes_guards(doc):
        return None, None
    try:
        loader = _Loader(doc.text)
        try:
            node = loader.get_single_node()
            return (loader.construct_document(node) if node is not None else None), node
        finally:
            loader.dispose()
    except (yaml.YAMLError, ValueError, TypeError, KeyError):
        return None, None


def append_block_to_sequence(root: yaml.Node | None, key: str, lines: list[str]) -> Splice:
    """Append one block entry (`lines`, the first starting `- `, unindented) to the top-level sequence `key`.

    The entry goes right after the last item's last value, so trailing comments stay where they are;
    an empty `key: []` becomes a block sequence.
    """
    key_node = next((k for k, _ in getattr(root, "value", []) if getattr(k, "value", None) == key), None)
    seq = mapping_value(root, key)
    if key_node is None or not isinstance(seq, yaml.SequenceNode):
        raise UsageError(_("the file has no '{key}' list to add to").format(key=key))
    if seq.value and not seq.flow_style:
        return _after(seq.value[-1], seq.start_mark.column, lines)
    if seq.value:
        raise UsageError(_("'{key}' is written inline ([...]); write it as a block list to add to it").format(key=key))
    body = "".join(f"\n  {line}" for line in lines)
    return Splice(key_node.end_mark.index, seq.end_mark.index, ":" + body)


def append_after_item(item: ItemText, lines: list[str]) -> Splice:
    """append_block_to_sequence's splice, made in the text of the list's last item parsed alone (its
    marks count in that text): the same place and indentation, without parsing the whole file."""
    return _after(item.node, item.column, lines)


def _after(last: yaml.Node, column: int, lines: list[str]) -> Splice:
    """The lines as list entries at `column`, right after the `last` entry's own text. A block scalar's
    text ends past its line breaks, at a line start: the lines then go there, each ending its line, so
    that the scalar keeps its breaks and the line that followed it stays whole."""
    end = _content_end(last)
    indent = " " * column
    if end.column == 0:
        return Splice(end.index, end.index, "".join(f"{indent}{line}\n" for line in lines))
    return Splice(end.index, end.index, "".join(f"\n{indent}{line}" for line in lines))


def _content_end(node: yaml.Node) -> yaml.Mark:
    """Where a node's own text ends: a block collection's end mark lies past trailing blank lines and comments."""
    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return _content_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _content_end(node.value[-1])
    return node.end_mark


# --- one item's text, for writes that touch a few items of a large file ------------------

_DASH_PREFIX = re.compile(r" *- +")


def item_boundaries(root: yaml.Node | None, text: str, bom: bool, key: str) -> list[int] | None:
    """Byte offsets in the file (BOM included) that cut the top-level block list `key` into its items.

    Item i's text is raw[b[i]:b[i+1]]: from the start of the line holding its dash up to the next
    item's dash line (trailing comments and blank lines ride with the item before them). None when
    the list is not written as a regular block list, one `- ` item per line start, all at one column,
    or the file ends in spaces deeper than the items' keys (a block scalar may read them as its last
    line): such a file is always written through a full parse.
    """
    sequence = mapping_value(root, key)
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style or not sequence.value:
        return None
    cuts, column = [], None
    for item in sequence.value:
        start = item.start_mark.index
        line = text.rfind("\n", 0, start) + 1
        prefix = _DASH_PREFIX.fullmatch(text, line, start)
        if prefix is None or column not in (None, text.index("-", line) - line):
            return None
        column = text.index("-", line) - line
        cuts.append(line)
    end = sequence.end_mark.index
    line = text.rfind("\n", 0, end) + 1
    spaces = not text[line:end].strip(" ")
    if spaces and column is not None and end - line > column + 2:
        return None  # as deep as a block scalar's lines: perhaps the last line of the last item's text
    cuts.append(line if spaces else end)
    return _byte_offsets(text, cuts, 3 if bom else 0)


# line breaks the parser knows besides \n: \r alone, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR
_LONE_CR = re.compile(rb"\r(?!\n)")
_OTHER_BREAKS = ("\x85".encode(), "\u2028".encode(), "\u2029".encode())


def other_break(raw: bytes, start: int, end: int) -> bool:
    """Whether a line break other than \\n or \\r\\n lies in raw[start:end] (found by `find`, which runs
    at memory speed: one regex over a 30 MB file took a quarter of a second)."""
    if raw.find(b"\r", start, end) >= 0 and _LONE_CR.search(raw, start, end):
        return True
    return any(raw.find(sign, start, end) >= 0 for sign in _OTHER_BREAKS)


def item_starts(raw: bytes, head: int, end: int, column: int) -> list[int] | None:
    """Where each item of a block list starts in `raw` (a file's bytes), its first at `head`, its dashes
    at `column`, and where the list ends (before `end`): the cuts item_boundaries makes from a parse,
    made from the lines alone; None unless they are sure to be the same.

    They are when every line holding content at or left of the dash column starts an item, with `- `
    at exactly that column (nothing in an item's text can close the list or open another entry), no
    line break but \\n and \\r\\n appears (lines are what the parser takes them to be), and spaces on
    an unfinished last line reach no further than the items' keys (deeper, they may be the last line of
    a block scalar ending the file, which a parse reads as its text).
    """
    if end <= head or raw[head - 1 : head] != b"\n":
        return None
    unfinished = raw.rfind(b"\n") + 1
    if len(raw) - unfinished > column + 2 and not raw[unfinished:].strip(b" "):
        return None  # spaces as deep as a block scalar's lines: perhaps the last line of one ending the file
    last_line = raw.rfind(b"\n", head, end) + 1
    if end == len(raw) and last_line > head and not raw[last_line:end].strip(b" "):
        end = last_line  # spaces after the last line break lie outside the list (as item_boundaries cuts)
    if (end < len(raw) and raw[end - 1 : end] != b"\n") or other_break(raw, head, end):
        return None
    dash = b" " * column + b"- "
    starts = []
    # lines holding content at or left of the dash column (from the \n before each: a literal the
    # regex engine scans for quickly, where a multiline ^ is tried at every position)
    for match in re.compile(rb"\n {0,%d}(?=[^ \r\n#])" % column).finditer(raw, head - 1, end):
        line = match.start() + 1
        if not raw.startswith(dash, line):
            return None  # content at or left of the dash column that starts no item
        starts.append(line)
    if starts[:1] != [head]:
        return None
    return [*starts, end]


def _byte_offsets(text: str, cuts: list[int], start: int) -> list[int]:
    """Character offsets (ascending) as byte offsets in the file's UTF-8 bytes."""
    offsets, previous, position = [], 0, start
    for cut in cuts:
        position += len(text[previous:cut].encode("utf-8"))
        offsets.append(position)
        previous = cut
    return offsets


@dataclass(frozen=True)
class ItemText:
    """One item's text cut out of a file (see item_boundaries), parsed on its own with marks."""

    doc: YamlDoc  # the text as a one-item list; marks count from the item's first line
    node: yaml.MappingNode
    column: int  # where the item's dash stands


def read_item(path: Path, text: str) -> ItemText | None:
    """Parse one item's text alone; None when it does not parse as one clean `- ` list item, or holds
    a conflict sign (`conflict_signs`: then only the whole file can be checked as a load checks it)."""
    if conflict_signs(text):
        return None
    doc = read_yaml(path, text, marks=True)
    root = doc.root() if doc.ok else None
    if not isinstance(root, yaml.SequenceNode) or len(root.value) != 1:
        return None
    node = root.value[0]
    if not isinstance(node, yaml.MappingNode):
        return None
    return ItemText(doc, node, text.index("-"))


def on_its_dash_line(item: ItemText) -> bool:
    """Whether the item's first value starts on its dash's line, as item_boundaries requires of each item."""
    return _DASH_PREFIX.fullmatch(item.doc.text, 0, item.node.start_mark.index) is not None


def stays_in_place(old: str, new: str, column: int) -> bool:
    """Whether an item's new text parses in the file exactly as it parses alone.

    It does when it keeps the old first line's dash prefix, ends its last line as the old text did,
    and every later line holding content is indented past the dash: then nothing in it can close
    the list or open another, so the text around it is read as before, and it is read as alone.
    """
    prefix = _DASH_PREFIX.match(old)
    if prefix is None or not new.startswith(prefix.group()) or new.endswith("\n") != old.endswith("\n"):
        return False
    for line in new.splitlines()[1:]:
        content = line.lstrip(" ")
        if content and not content.startswith("#") and len(line) - len(content) <= column:
            return False
    return True
