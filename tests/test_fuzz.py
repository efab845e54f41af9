"""A mutator of the ledger files: whatever the bytes, parktrack answers with a message and a documented
exit code, never a traceback, and it answers fast."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, Cli

FILES = ("tasks.yaml", "units.yaml", "indicators.yaml")
DOCUMENTED = {0, 1, 2, 3, 4, 5}
ORIGINALS = {name: (DATA / name).read_bytes() for name in FILES}
SNIPPETS = [
    b"&a ",
    b"*a",
    b"!!binary ",
    b"!!float x",
    b"!!set ",
    b"!!python/object:os.system ",
    b"<<<<<<< HEAD\n",
    b"=======\n",
    b">>>>>>> b\n",
    b"\t",
    b"\x00",
    b": ",
    b"- ",
    b"[",
    b"{",
    b"}",
    b"'",
    b'"',
    b"#",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\r\n",
    b"? ",
    b"|\n",
    b"...\n",
    b"---\n",
    b"%YAML 1.1\n",
]
VALUES = [
    "[T01]",
    "{a: b}",
    "!!float x",
    "!!int x",
    "!!bool maybe",
    "!!binary aGVsbG8=",
    "!!set {a}",
    "!!pairs [{a: b}]",
    "null",
    "~",
    "5",
    "-1",
    "1e400",
    ".nan",
    "true",
    "2024-02-30",
    "2024-13-01",
    "''",
    "[]",
    "{}",
    "x" * 5000,
    "&a [1]",
    "*a",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
]


class Mutation(tuple[str, bytes]):
    """A file name and its mutated bytes, shown by the steps that made them (not 100 kB of bytes)."""

    steps: list[str]

    def __repr__(self) -> str:
        return f"Mutation({self[0]!r}: {'; '.join(self.steps)})"


@st.composite
def mutated(draw: st.DrawFn) -> Mutation:
    name = draw(st.sampled_from(FILES))
    raw = ORIGINALS[name]
    steps: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["bytes", "snippet", "line", "value"]))
        lines = raw.split(b"\n")
        if kind == "bytes":
            at = draw(st.integers(0, len(raw)))
            cut = draw(st.integers(0, 40))
            new = draw(st.binary(max_size=8))
            raw = raw[:at] + new + raw[at + cut :]
            steps.append(f"bytes {new!r} for {cut} at {at}")
        elif kind == "snippet":
            at = draw(st.integers(0, len(raw)))
            snippet = draw(st.sampled_from(SNIPPETS))
            raw = raw[:at] + snippet + raw[at:]
            steps.append(f"snippet {snippet!r} at {at}")
        elif kind == "line":
            index = draw(st.integers(0, len(lines) - 1))
            operation = draw(st.sampled_from(["drop", "double", "swap", "indent", "dedent"]))
            if operation == "drop":
                del lines[index]
            elif operation == "double":
                lines.insert(index, lines[index])
            elif operation == "swap" and index + 1 < len(lines):
                lines[index], lines[index + 1] = lines[index + 1], lines[index]
            elif operation == "indent":
                lines[index] = b"  " + lines[index]
            else:
                lines[index] = lines[index].removeprefix(b"  ")
            raw = b"\n".join(lines)
            steps.append(f"{operation} line {index + 1}")
        else:
            keyed = [i for i, line in enumerate(lines) if b": " in line and not line.lstrip().startswith(b"#")]
            index = draw(st.sampled_from(keyed))
            key = lines[index].split(b": ", 1)[0]
            value = draw(st.sampled_from(VALUES))
            lines[index] = key + b": " + value.encode("utf-8")
            raw = b"\n".join(lines)
            steps.append(f"line {index + 1} value {value[:40]!r}")
    mutation = Mutation((name, raw))
    mutation.steps = steps
    return mutation


PROGRAM_REPR = re.compile(r"\{'[^'\n]*': |\['[^'\n]*', '|(?<![\w'])b'[^'\n]*'")
COMMANDS = [
    ("validate",),
    ("list", "--as-of", "2024-06-30", "--format", "json"),
    ("indicators", "--as-of", "2024-06-30", "--format", "csv"),
    ("show", "T07", "--format", "json"),
    ("update", "T10", "--status", "in_progress", "--date", "2024-05-01", "--no-commit"),
    ("record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-10", "--no-commit"),
]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(DATA, data)
    return data


EXAMPLES = int(os.environ.get("PARKTRACK_FUZZ_EXAMPLES", "50"))  # more for a long hunt


@given(mutation=mutated(), command=st.sampled_from(COMMANDS))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_mutation_of_the_ledger_gives_a_traceback(
    cli: Cli, scratch: Path, mutation: Mutation, command: tuple[str, ...]
) -> None:
    name, raw = mutation
    data = scratch
    for original in FILES:  # each example starts from the real ledger with one file mutated
        (data / original).write_bytes(raw if original == name else ORIGINALS[original])
    started = time.monotonic()
    result = cli("--lang", "en", *command, "--data", str(data))  # an exception would escape main() here
    assert time.monotonic() - started < 5
    assert result.exit_code in DOCUMENTED, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code:
        assert result.stderr.strip(), "a failure says why"
        assert not PROGRAM_REPR.search(result.stderr), result.stderr  # no dict, list or bytes reprs
    if result.exit_code == 1:
        assert all(line.startswith((str(data), "error: ")) for line in result.stderr.splitlines())


@pytest.fixture(scope="module")
def trail_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("trail")
    shutil.copytree(DATA, root / "data")
    for args in (
        ("init", "-q", "-b", "main"),
        ("config", "user.name", "Fuzz"),
        ("config", "user.email", "fuzz@example.org"),
        ("add", "data"),
        ("commit", "-q", "-m", "import"),
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root


@given(mutation=mutated())
@settings(
    max_examples=max(EXAMPLES // 5, 10), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_bad_past_version_breaks_the_audit_trail(cli: Cli, trail_repo: Path, mutation: Mutation) -> None:
    """Whatever a past commit held, `history` reads on: a bad version is skipped with a warning."""
    name, raw = mutation
    if name == "units.yaml":
        name = "tasks.yaml"
        raw = raw.replace(b"units:", b"tasks:", 1)
    path = trail_repo / "data" / name
    path.write_bytes(raw)
    for message in ("a mutated version", "restored"):
        commit = ["git", "commit", "-q", "--allow-empty", "-am", message]
        subprocess.run(commit, cwd=trail_repo, check=True, capture_output=True)
        path.write_bytes(ORIGINALS[name])
    for args in (("history", "--format", "json"), ("history", "gross-output", "--format", "csv")):
        result = cli("--lang", "en", *args, cwd=trail_repo)
        assert result.exit_code == 0, result.stderr
        assert "Traceback" not in result.stderr and "{'" not in result.stdout
        assert all(line.startswith("warning: skipping commit ") for line in result.stderr.splitlines())


TASKS_TEXT = ORIGINALS["tasks.yaml"].decode("utf-8")
T10_START, T10_END = TASKS_TEXT.index("  - id: T10\n"), TASKS_TEXT.index("  - id: T11\n")


@st.composite
def t10_shapes(draw: st.DrawFn) -> str:
    """Key task 10 written in any layout validate accepts: block or flow, keys in any order, with or
    without status and history, a history in either style, folded lines, any indentation."""
    import yaml

    task = yaml.safe_load(TASKS_TEXT[T10_START:T10_END].replace("  - ", "  ", 1).replace("\n  ", "\n"))
    history = draw(st.sampled_from(["absent", "empty", "one", "two"]))
    entries = [{"date": "2024-03-01", "status": "in_progress", "note": "手寫"}, {"date": "2024-03-02", "note": "x: y"}]
    task.pop("history")
    task.pop("status")
    if history != "absent":
        task["history"] = entries[: {"empty": 0, "one": 1, "two": 2}[history]]
    if history in ("one", "two") or draw(st.booleans()):
        task["status"] = "in_progress" if history in ("one", "two") else "not_started"
    keys = draw(st.permutations(list(task)))
    task = {"id": task["id"], **{key: task[key] for key in keys if key != "id"}}
    flow = draw(st.sampled_from([None, False, True]))
    dumped = yaml.safe_dump(
        task,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=flow,
        indent=draw(st.sampled_from([2, 4])),
        width=draw(st.sampled_from([40, 80, 10_000])),
    )
    lines = dumped.rstrip("\n").split("\n")
    return "  - " + "\n".join([lines[0], *("    " + line for line in lines[1:])]) + "\n"


@given(shape=t10_shapes())
@settings(
    max_examples=max(EXAMPLES // 3, 10), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_writes_take_every_layout_validate_takes(cli: Cli, scratch: Path, shape: str) -> None:
    for original in FILES:
        (scratch / original).write_bytes(ORIGINALS[original])
    (scratch / "tasks.yaml").write_text(TASKS_TEXT[:T10_START] + shape + TASKS_TEXT[T10_END:], encoding="utf-8")
    checked = cli("--lang", "en", "validate", "--data", str(scratch))
    assert checked.exit_code == 0, (shape, checked.stderr)
    before = json.loads(cli("--lang", "en", "show", "T10", "--format", "json", "--data", str(scratch)).stdout)
    args = ("update", "T10", "--status", "done", "--date", "2024-05-01", "--note", "完成", "--no-commit")
    result = cli("--lang", "en", *args, "--data", str(scratch))
    assert result.exit_code == 0, (shape, result.stderr)
    late = cli("--lang", "en", "note", "T10", "補記", "--date", "2024-01-15", "--no-commit", "--data", str(scratch))
    assert late.exit_code == 0, (shape, late.stderr)
    after = json.loads(cli("--lang", "en", "show", "T10", "--format", "json", "--data", str(scratch)).stdout)
    assert after["status"] == "done"
    assert after["history"] == [
        {"date": "2024-01-15", "note": "補記"},
        *before["history"],
        {"date": "2024-05-01", "status": "done", "note": "完成"},
    ]
    others = TASKS_TEXT[:T10_START] + TASKS_TEXT[T10_END:]
    text = (scratch / "tasks.yaml").read_text(encoding="utf-8")
    start, end = re.search(r"^  - \{?id: T10", text, re.MULTILINE).start(), text.index("  - id: T11\n")  # type: ignore[union-attr]
    assert text[:start] + text[end:] == others  # nothing outside the item moved
