"""Shared fixtures: real copies of the ledger in tmp_path, real git repositories, the installed CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


def parktrack_executable() -> str:
    beside_python = Path(sys.executable).parent / "parktrack"
    found = str(beside_python) if beside_python.exists() else shutil.which("parktrack")
    assert found, "the parktrack command is not installed; pip install -e '.[test]' first"
    return found


def cli_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARKTRACK")}
    env.update({"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"})
    env.update(extra)
    return env


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run() -> Run:
    """Run the installed `parktrack` command; returns the completed process."""

    def _run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [parktrack_executable(), *args],
            cwd=cwd or REPO,
            env=env or cli_env(),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    return _run


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data folder."""
    target = tmp_path / "ledger" / "data"
    shutil.copytree(DATA, target)
    return target


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env)
    return result.stdout


@pytest.fixture
def repo(data_copy: Path) -> Path:
    """A fresh `git init` repository holding a copy of the data, committed once."""
    root = data_copy.parent
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Liaison Zhang")
    git(root, "config", "user.email", "zhang@example.org")
    git(root, "add", "data")
    git(root, "commit", "-q", "-m", "import the 2024 ledger")
    return root
