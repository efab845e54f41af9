"""The loader builds data and resolves tags exactly as PyYAML's own SafeLoader way does.

`store._Loader` builds a tree of nodes in one walk and resolves tags by one lookup (a load takes
about 40% less time); anything else it leaves to PyYAML. These tests compare both with PyYAML's way,
types included (1, 1.0 and True are equal in Python, not here), on generated and mangled documents.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli
from parktrack import store
from test_item_writes import mangled


class PyYamlWay(store._Loader):
    """The same loader (duplicate keys noted, dates kept as text) building and resolving PyYAML's way."""

    def construct_document(self, node: yaml.Node) -> Any:
        return yaml.constructor.BaseConstructor.construct_document(self, node)

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        tag: str = yaml.resolver.BaseResolver.resolve(self, kind, value, implicit)
        return tag


def typed(value: Any) -> Any:
    """`value` with every type spelled out, keys in order; NaN equal to itself."""
    if isinstance(value, dict):
        return ("dict", [(typed(key), typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def outcome(loader_class: type[store._Loader], text: str) -> Any:
    """What loading `text` gives: its typed data and repeated keys (value and place), or the error."""
    loader = loader_class(text)
    try:
        data = loader.get_single_data()
        return typed(data), [(key.value, key.start_mark.index) for key in loader.duplicate_keys]
    except (yaml.YAMLError, ValueError) as exc:  # a plain 0x_ or 0b_ resolves as int, and int() refuses it
        return type(exc).__name__, str(exc)
    finally:
        loader.dispose()


def assert_built_alike(text: str) -> None:
    assert outcome(store._Loader, text) == outcome(PyYamlWay, text), text


# Plain scalars each implicit rule claims, and near misses.
TRICKY = [
    "", "~", "null", "Null", "NULL", "nul", "yes", "No", "on", "OFF", "y", "n", "true", "True", "tRUE",
    "1", "-1", "+1", "0x1F", "0o17", "017", "0b101", "1_000", "1:30", "190:20:30", "1.5", "-.5", "1e3",
    "1.0e+3", ".inf", "-.Inf", ".NaN", ".nan", "2024-06-30", "2024-6-3", "2024-06-30T10:00:00Z",
    "2024-06-30 10:00:00 +08:00", "2024-13-45", "=", "<<", "-", ".", "+", "0", "00", "1__0", "0x", "縣財政局",
    "2024年6月底", "41.9億元", "≥268.76", "id", "T01",
]  # fmt: skip

scalars = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=st.sampled_from("0123456789.-+:_eExXoObB~ntrufalsyTNYF 縣局\n"), max_size=8),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(scalars, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=250, deadline=None)
@given(data=documents, flow=st.sampled_from([None, True, False]), style=st.sampled_from([None, "'", '"']))
def test_any_dumped_document_builds_alike(data: Any, flow: bool | None, style: str | None) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, default_style=style, allow_unicode=True)
    assert_built_alike(text)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_mangled_ledger_text_builds_alike(data: st.DataObject) -> None:
    """The bundled ledger's opening items, hand-mangled: anchors, tags, merge keys, syntax errors and all."""
    original = (store.bundled_plan() / store.TASKS_FILE).read_text(encoding="utf-8")[:3000]
    assert_built_alike(data.draw(mangled(original)))


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: *x\n",  # an alias: PyYAML's way, the two lists one object
        "a: &x {k: 1}\nb:\n  <<: *x\n  j: 2\n",  # a merge key through an alias
        "b:\n  <<: {k: 1, j: 0}\n  j: 2\n",  # a merge key alone
        "? [a, b]\n: 1\n",  # a key that is no scalar: PyYAML refuses it
        "{[1]: 2}",
        "a: =\n",  # the value tag: PyYAML has no constructor for it
        "=: 1\n",  # as a key it reads as text
        "a: !!binary aGVsbG8=\n",  # explicit tags
        "a: !!set {x, y}\n",
        "a: !!omap [{x: 1}]\n",
        "a: !custom 1\n",
        "a: 1\na: 2\n'a': 3\n1: x\n'1': y\n",  # repeated keys as written, whatever they build to
        "a: {b: [1, {c: 2024-06-30}]}\n",
        "",
        "# only a comment\n",
        "--- 1\n",
        "a: [1, 2\n",  # a syntax error
    ],
)
def test_documents_off_the_tree_build_alike(text: str) -> None:
    assert_built_alike(text)


def test_an_alias_is_one_object_as_in_pyyamls_way() -> None:
    shared = store._Loader("a: &x [1, 2]\nb: *x\n").get_single_data()
    assert shared["a"] is shared["b"]
    recursive = store._Loader("c: &y [*y]\n").get_single_data()
    assert recursive["c"][0] is recursive["c"]


def test_nesting_deeper_than_the_walks_stack_is_built_pyyamls_way() -> None:
    def depth(value: Any) -> int:  # counted without recursing: typed() would run out of stack here
        levels = 0
        while isinstance(value, list) and len(value) == 1:
            value, levels = value[0], levels + 1
        assert value == []
        return levels

    text = "[" * 900 + "]" * 900  # libyaml allows 1,000 levels; the walk's stack runs out first
    mine, theirs = store._Loader(text), PyYamlWay(text)
    assert depth(mine.get_single_data()) == depth(theirs.get_single_data()) == 899


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(st.sampled_from(TRICKY), st.text(max_size=6)),
    implicit=st.tuples(st.booleans(), st.booleans()),
    kind=st.sampled_from([yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode]),
)
def test_tags_resolve_alike(value: str, implicit: tuple[bool, bool], kind: type[yaml.Node]) -> None:
    loader = store._Loader("")
    given_value = value if kind is yaml.ScalarNode else None  # libyaml passes no value for collections
    assert loader.resolve(kind, given_value, implicit) == PyYamlWay("").resolve(kind, given_value, implicit)


def test_a_ledger_fragment_is_built_without_pyyamls_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk serves plain ledger text: PyYAML's way is not called at all."""

    def refuse(*_args: Any) -> None:
        raise AssertionError("built PyYAML's way")

    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_document", refuse)
    for name in (store.TASKS_FILE, store.UNITS_FILE, store.INDICATORS_FILE):
        path = store.bundled_plan() / name
        assert store.read_yaml(path).ok and store.read_yaml(path, cut="tasks").ok, name


@pytest.mark.parametrize(
    "text",
    [
        "a:\n  x: 1\n  x: 2\na: 3\n",  # a key repeated inside a value, then one repeated beside it
        "- {x: 1, x: 2}\n- [{y: 1, y: 2}]\n- {z: 1, z: 2}\n",  # deeper first, then shallower
        "tasks:\n  y: [1, {a: 1, a: 2}]\nb: [1, {a: 1, a: 2}]\n",
    ],
)
def test_keys_repeated_at_several_depths_are_noted_in_pyyamls_order(text: str) -> None:
    """PyYAML notes them level by level (each mapping's keys before any mapping inside it)."""
    assert_built_alike(text)


def test_validate_reports_repeated_keys_in_pyyamls_order(
    cli: Cli, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = data_copy / store.TASKS_FILE
    text = tasks.read_text(encoding="utf-8").replace("  year: 2024\n", "  year: 2024\n  year: 2024\n", 1)
    tasks.write_text(text.replace("\ntasks:", "\nplan:\n  year: 2024\ntasks:", 1), encoding="utf-8")
    mine = cli("--lang", "en", "validate", "--data", str(data_copy))
    monkeypatch.setattr(store, "_Loader", PyYamlWay)
    theirs = cli("--lang", "en", "validate", "--data", str(data_copy))
    assert mine.exit_code == theirs.exit_code == 1
    assert "duplicate key 'plan'" in theirs.stderr and "duplicate key 'year'" in theirs.stderr
    assert mine.stderr == theirs.stderr


@pytest.mark.parametrize(
    "text",
    [
        "0b_: 0x_\n",  # both fail to build: PyYAML builds (and fails on) the key first
        "a: [0x_]\n0b_: 1\n",  # ... and a mapping's own keys before anything inside its values
        "- [0x_]\n- 0b_\n",
    ],
)
def test_scalars_that_fail_to_build_fail_as_in_pyyamls_way(text: str) -> None:
    assert_built_alike(text)


def test_a_plain_value_that_looks_like_a_number_but_is_not_one_is_a_located_problem(cli: Cli, data_copy: Path) -> None:
    """`0x_` and `0b_` match YAML 1.1's int pattern and int() refuses them: a problem, never a traceback."""
    tasks = data_copy / store.TASKS_FILE
    text = tasks.read_text(encoding="utf-8").replace("  year: 2024\n", "  year: 0x_\n", 1)
    t10 = text.index("  - id: T10\n")
    text = text[:t10] + text[t10:].replace("    deadline_text: 2024年12月底以前\n", "    deadline_text: 0b_\n", 1)
    tasks.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    year_line, t10_line = lines.index("  year: 0x_") + 1, lines.index("    deadline_text: 0b_") + 1
    for args in (["validate"], ["update", "T02", "--status", "blocked", "--date", "2024-05-01"]):
        result = cli("--lang", "en", *args, "--data", str(data_copy))
        assert result.exit_code == 1 and "Traceback" not in result.stderr, result.stderr
        problems = result.stderr.splitlines()[:-1]
        assert [problem.split(": ", 2)[:2] for problem in problems] == [
            [f"{tasks}:{year_line}:9", "plan.year"],
            [f"{tasks}:{t10_line}:20", "T10.deadline_text"],
        ], result.stderr
        assert all("0x_" in problem or "0b_" in problem for problem in problems)
