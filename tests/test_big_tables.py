"""Big outputs: a terminal shows the first rows and counts the rest (as gh does); --all, a pipe, a file,
JSON and CSV stay complete. The ledgers are made by benchmarks/generate.py (valid, realistic): 300 items,
and 800 for the grouped view."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from conftest import REPO, Cli

ITEMS = 300  # the fewest (in hundreds) that give every listing more rows than a terminal shows, and ten more
GROUPED_ITEMS = 800  # the fewest (in hundreds) that give one lead unit more than 50 overdue items
SHOWN = 50
ROW_ID = re.compile(r"^\s*([TM]\d{2,}(?:\.\d+)?)\s", re.MULTILINE)
TERMINAL = {"TTY_COMPATIBLE": "1"}  # Rich treats stdout as a terminal, as a user's shell is


def generated(tmp_path_factory: pytest.TempPathFactory, items: int) -> Path:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    data = tmp_path_factory.mktemp(f"big-{items}") / "data"
    generate.generate(data, items)
    return data


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory, ITEMS)


@pytest.fixture(scope="module")
def grouped_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory, GROUPED_ITEMS)


def ids_in_order(cli: Cli, data: Path, *args: str) -> list[str]:
    outcome = cli(*args, "--data", str(data), "--format", "json", "--lang", "en")
    assert outcome.exit_code in (0, 3), outcome.stderr
    return [record["id"] for record in json.loads(outcome.stdout)]


def table_ids(text: str) -> list[str]:
    return ROW_ID.findall(text)


@pytest.mark.parametrize("width", ["80", "120", "200"])
@pytest.mark.parametrize("command", [["list"], ["overdue"], ["due", "--within", "200"]], ids=lambda c: c[0])
def test_a_terminal_shows_the_first_rows_and_counts_the_rest(
    cli: Cli, big_ledger: Path, width: str, command: list[str]
) -> None:
    args = [*command, "--as-of", "2024-06-30"]
    everything = ids_in_order(cli, big_ledger, *args)
    assert len(everything) > SHOWN + 10, "the generated ledger should make a long table"
    outcome = cli(*args, "--data", str(big_ledger), "--lang", "en", env={**TERMINAL, "COLUMNS": width})
    assert outcome.exit_code in (0, 3), outcome.stderr
    assert table_ids(outcome.stdout) == everything[:SHOWN]
    hidden = len(everything) - SHOWN
    assert f"… {hidden} more rows not shown; --all shows every row" in outcome.stdout
    assert f": {len(everything)} items as of 2024-06-30" in outcome.stdout  # the title counts them all
    assert all(len(line) <= int(width) for line in outcome.stdout.splitlines())


def test_all_shows_every_row_on_a_terminal(cli: Cli, big_ledger: Path) -> None:
    everything = ids_in_order(cli, big_ledger, "list", "--as-of", "2024-06-30")
    outcome = cli("list", "--all", "--as-of", "2024-06-30", "--data", str(big_ledger), env={**TERMINAL})
    assert outcome.exit_code == 0, outcome.stderr
    assert table_ids(outcome.stdout) == everything
    assert "more rows not shown" not in outcome.stdout


@pytest.mark.parametrize("columns", [None, "80"])
def test_piped_output_is_always_complete(cli: Cli, big_ledger: Path, columns: str | None) -> None:
    everything = ids_in_order(cli, big_ledger, "overdue", "--as-of", "2024-06-30")
    outcome = cli("overdue", "--as-of", "2024-06-30", "--data", str(big_ledger), env={"COLUMNS": columns})
    assert outcome.exit_code == 0, outcome.stderr
    assert table_ids(outcome.stdout) == everything
    assert "not shown" not in outcome.stdout


@pytest.mark.parametrize("command", [["list"], ["overdue"], ["due", "--within", "200"]], ids=lambda c: c[0])
def test_piped_without_a_format_is_tsv_of_every_row(cli: Cli, big_ledger: Path, command: list[str]) -> None:
    args = [*command, "--as-of", "2024-06-30"]
    everything = ids_in_order(cli, big_ledger, *args)
    outcome = cli(*args, "--data", str(big_ledger), "--lang", "en", env={"PARKTRACK_FORMAT": None})
    assert outcome.exit_code == 0, outcome.stderr
    lines = outcome.stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["id", "kind"]
    assert [line.split("\t")[0] for line in lines[1:]] == everything
    assert "not shown" not in outcome.stdout


def test_a_file_is_complete_even_from_a_terminal(cli: Cli, big_ledger: Path, tmp_path: Path) -> None:
    everything = ids_in_order(cli, big_ledger, "list", "--as-of", "2024-06-30")
    target = tmp_path / "list.txt"
    outcome = cli("list", "--as-of", "2024-06-30", "--data", str(big_ledger), "-o", str(target), env=TERMINAL)
    assert outcome.exit_code == 0, outcome.stderr
    assert table_ids(target.read_text(encoding="utf-8")) == everything


def group_sections(text: str, as_of: str) -> dict[str, str]:
    """Each group's part of a grouped terminal output: from its title line (`<unit>: N items as of …`)
    to the next title, keyed by the title's unit."""
    titles = list(re.finditer(rf"^(?:\x1b\[[\d;]*m)?(\S.*?): \d+ items? as of {as_of}", text, re.MULTILINE))
    ends = [title.start() for title in titles[1:]] + [len(text)]
    return {title.group(1): text[title.end() : end] for title, end in zip(titles, ends, strict=True)}


def test_grouped_overdue_counts_the_rest_of_each_group(cli: Cli, grouped_ledger: Path) -> None:
    args = ["overdue", "--by-unit", "--as-of", "2025-01-01", "--data", str(grouped_ledger), "--lang", "en"]
    records = json.loads(cli(*args, "--format", "json").stdout)
    big = [group for group in records if group["count"] > SHOWN]
    assert big, "some unit should lead more than 50 overdue items"
    outcome = cli(*args, env=TERMINAL)
    assert outcome.exit_code == 0, outcome.stderr
    sections = group_sections(outcome.stdout, "2025-01-01")
    for group in records:
        # an item with two lead units is in two groups: each group's own table is checked
        section = sections[group["lead_unit"]]
        ids = [item["id"] for item in group["items"]]
        assert table_ids(section) == ids[:SHOWN]
        if len(ids) > SHOWN:
            assert f"… {len(ids) - SHOWN} more rows not shown" in section
        else:
            assert "not shown" not in section


def test_the_note_speaks_the_interface_language(cli: Cli, big_ledger: Path) -> None:
    everything = ids_in_order(cli, big_ledger, "list", "--as-of", "2024-06-30")
    outcome = cli("list", "--as-of", "2024-06-30", "--data", str(big_ledger), "--lang", "zh-Hans", env=TERMINAL)
    assert f"另有 {len(everything) - SHOWN} 行未显示；加 --all 显示全部" in outcome.stdout


def test_history_on_a_terminal_shows_the_latest_rows_and_counts_the_earlier(cli: Cli, tmp_path: Path) -> None:
    """An audit trail runs oldest first; a terminal shows its latest 50 rows (what a meeting asks about)."""
    import os
    import subprocess
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate, history_commits

    root = tmp_path / "ledger"
    generate(root / "data", 120)
    identity = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }
    for args in (["init", "-q", "-b", "main"], ["add", "data"], ["commit", "-q", "-m", "generated"]):
        subprocess.run(["git", *args], cwd=root, check=True, env={**os.environ, **identity})
    history_commits(root, root / "data", 60)
    every = cli("history", "--data", str(root / "data"), "--format", "json", "--lang", "en")
    assert every.exit_code == 0, every.stderr
    commits = [record["commit"][:7] for record in json.loads(every.stdout)]
    assert len(commits) > SHOWN
    terminal = cli("history", "--data", str(root / "data"), "--lang", "en", env={**TERMINAL, "COLUMNS": "200"})
    shown = re.findall(r"^\S?\s*([0-9a-f]{7})\s", terminal.stdout, re.MULTILINE)
    assert shown == commits[-SHOWN:]
    assert f"… {len(commits) - SHOWN} earlier rows not shown; --all shows every row" in terminal.stdout
    everything = cli(
        "history", "--all", "--data", str(root / "data"), "--lang", "en", env={**TERMINAL, "COLUMNS": "200"}
    )
    assert re.findall(r"^\S?\s*([0-9a-f]{7})\s", everything.stdout, re.MULTILINE) == commits
