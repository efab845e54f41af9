"""All YAML access: finding the data, loading it with line marks, and spliced writes."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from parktrack.errors import Problem, UsageError, WriteError

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

TASKS_FILE = "tasks.yaml"
UNITS_FILE = "units.yaml"
INDICATORS_FILE = "indicators.yaml"
ENV_VAR = "PARKTRACK_DATA"

Loc = tuple[str | int, ...]


# --- finding the data ----------------------------------------------------------


@dataclass(frozen=True)
class DataDir:
    """A folder holding the ledger files; `bundled` is the read-only packaged plan."""

    path: Path
    bundled: bool = False

    def file(self, name: str) -> Path:
        return self.path / name


def find_data_dir(explicit: Path | None, cwd: Path | None = None) -> DataDir:
    """--data (or PARKTRACK_DATA), else the nearest data/ above cwd, else the bundled plan."""
    if explicit is not None:
        if not (explicit / TASKS_FILE).is_file():
            raise UsageError(f"{explicit}: no {TASKS_FILE} in this folder (from --data or {ENV_VAR})")
        return DataDir(explicit)
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / "data"
        if (candidate / TASKS_FILE).is_file():
            return DataDir(candidate)
    return DataDir(bundled_plan(), bundled=True)


def bundled_plan() -> Path:
    packaged = Path(str(resources.files("parktrack") / "plan"))
    if (packaged / TASKS_FILE).is_file():
        return packaged
    # An editable install: the package runs from the source tree, next to data/.
    return Path(__file__).resolve().parents[2] / "data"


# --- loading ---------------------------------------------------------------------


class _Loader(_BaseLoader):
    """Safe loader that records duplicate keys and keeps dates as text for the models."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[yaml.Node] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicate_keys.append(key_node)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def _timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


@dataclass
class YamlDoc:
    """One YAML file: its text, its data, and what is wrong with it at the YAML level."""

    path: Path
    text: str
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    _root: yaml.Node | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def root(self) -> yaml.Node | None:
        """The composed node tree, built only when marks are needed."""
        if self._root is None and self.text:
            self._root = yaml.compose(self.text, Loader=_BaseLoader)
        return self._root

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


def read_yaml(path: Path, text: str | None = None) -> YamlDoc:
    """Read and parse one file (or `text` standing in for it), collecting every problem instead of raising."""
    try:
        raw = path.read_bytes() if text is None else text.encode("utf-8")
    except OSError as exc:
        return YamlDoc(path, "", problems=[Problem(path, None, None, "", f"cannot read: {exc.strerror}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line, column = before.count(b"\n") + 1, len(before) - before.rfind(b"\n")
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        return YamlDoc(path, "", problems=[Problem(path, line, column, "", message)])
    doc = YamlDoc(path, text.removeprefix("\ufeff"))
    doc.problems = _tab_problems(doc)
    if doc.problems:
        return doc
    _parse(doc)
    if doc.ok and doc.data is None:
        doc.problems.append(Problem(path, None, None, "", "file is empty"))
    return doc


def _tab_problems(doc: YamlDoc) -> list[Problem]:
    problems: list[Problem] = []
    if "\t" not in doc.text:
        return problems
    for number, line in enumerate(doc.text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                Problem(doc.path, number, indent.index("\t") + 1, "", "tab used for indentation; indent with spaces")
            )
    return problems


def _parse(doc: YamlDoc) -> None:
    loader = _Loader(doc.text)
    try:
        doc.data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = f"YAML syntax error: {exc.problem or exc.context}"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        doc.problems.append(Problem(doc.path, line, column, "", reason))
        return
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(doc.path, None, None, "", f"YAML error: {exc}"))
        return
    finally:
        loader.dispose()
    for key in loader.duplicate_keys:
        doc.problems.append(doc.problem_at_mark(key.start_mark, f"duplicate key '{key.value}'"))


# --- locating nodes -------------------------------------------------------------


def mapping_value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node  # type: ignore[no-any-return]
    return None


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


def apply_splices(text: str, splices: list[Splice]) -> str:
    """Apply splices, writing their line breaks in the file's own style (a CRLF file stays CRLF)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    for splice in sorted(splices, key=lambda s: s.start, reverse=True):
        text = text[: splice.start] + splice.text.replace("\n", newline) + text[splice.end :]
    return text


_PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _is_plain_word(text: str) -> bool:
    """A word that YAML reads back as the same string (not true, null, yes ...)."""
    return bool(_PLAIN_WORD.match(text)) and yaml.load(text, Loader=_BaseLoader) == text


def scalar_text(value: Any) -> str:
    """One value as single-line YAML: words and dates plain, other text double-quoted with escapes."""
    if isinstance(value, date) or (isinstance(value, str) and _is_plain_word(value)):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {scalar_text(item)}" for key, item in value.items()) + "}"
    style = '"' if isinstance(value, str) else None  # numbers and booleans stay plain
    dumped = yaml.safe_dump(value, allow_unicode=True, width=float("inf"), default_style=style)
    return dumped.removesuffix("\n").removesuffix("\n...")


def replace_value(node: yaml.Node, value: Any) -> Splice:
    return Splice(node.start_mark.index, node.end_mark.index, scalar_text(value))


def append_to_sequence(key_node: yaml.Node, seq: yaml.Node, entry: dict[str, Any]) -> Splice:
    """Append a one-line flow mapping to a block sequence (or to an empty `[]`)."""
    line = "- " + scalar_text(entry)
    if isinstance(seq, yaml.SequenceNode) and seq.value:
        last = seq.value[-1]
        indent = " " * seq.start_mark.column
        return Splice(last.end_mark.index, last.end_mark.index, f"\n{indent}{line}")
    indent = " " * key_node.start_mark.column
    return Splice(key_node.end_mark.index, seq.end_mark.index, f":\n{indent}{line}")


def atomic_write(path: Path, text: str) -> None:
    """Write through a temporary file and a rename, so a crash leaves the old file whole."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).chmod(mode)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def locked(data: DataDir, timeout: float = 30.0) -> Iterator[None]:
    """Hold the data folder's write lock; concurrent runs wait their turn."""
    if data.bundled:
        raise WriteError(
            f"{data.path} is the bundled plan and is read-only; "
            "copy data/ into a git repository and pass --data DIR (or run inside it)"
        )
    from filelock import FileLock, Timeout

    digest = hashlib.sha256(str(data.path.resolve()).encode()).hexdigest()[:16]
    lock = FileLock(Path(tempfile.gettempdir()) / f"parktrack-{digest}.lock")
    try:
        with lock.acquire(timeout=timeout):
            yield
    except Timeout:
        raise WriteError(f"{data.path}: another parktrack run holds the write lock; try again") from None


def load_plain(text: str) -> Any:
    """Parse text with the safe loader, for reading old versions; None when it does not parse."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()


def append_block_to_sequence(root: yaml.Node | None, key: str, lines: list[str]) -> Splice:
    """Append one block entry (`lines`, the first starting `- `, unindented) to the top-level sequence `key`.

    The entry goes right after the last item's last value, so trailing comments stay where they are;
    an empty `key: []` becomes a block sequence.
    """
    key_node = next((k for k, _ in getattr(root, "value", []) if getattr(k, "value", None) == key), None)
    seq = mapping_value(root, key)
    if key_node is None or not isinstance(seq, yaml.SequenceNode):
        raise UsageError(f"the file has no '{key}' list to add to")
    if seq.value and not seq.flow_style:
        indent = " " * seq.start_mark.column
        body = "".join(f"\n{indent}{line}" for line in lines)
        end = _content_end(seq.value[-1])
        return Splice(end, end, body)
    if seq.value:
        raise UsageError(f"'{key}' is written inline ([...]); write it as a block list to add to it")
    body = "".join(f"\n  {line}" for line in lines)
    return Splice(key_node.end_mark.index, seq.end_mark.index, ":" + body)


def _content_end(node: yaml.Node) -> int:
    """Where a node's own text ends: a block collection's end mark lies past trailing blank lines and comments."""
    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return _content_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _content_end(node.value[-1])
    return int(node.end_mark.index)
