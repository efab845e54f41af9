"""Writes and `history` in the git states a county office's repository really gets into: a merge, rebase or
cherry-pick in progress, other people's work staged beside the ledger, shallow clones, hooks and so on.

Each write must either be recorded and committed alone, or write nothing and say why (in the
interface's language); `history` must not credit a change to a commit that did not make it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import Cli, Outcome, git


def _tasks(root: Path) -> Path:
    return root / "data" / "tasks.yaml"


def _head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def _git_may_fail(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def _update(cli: Cli, root: Path, task: str = "T07", lang: str = "en") -> Outcome:
    return cli("--lang", lang, "update", task, "--status", "done", "--date", "2024-06-28", cwd=root)


# --- the same messages in Chinese ----------------------------------------------------------------------


def test_a_status_the_item_already_has_is_named_in_chinese(cli: Cli, repo: Path) -> None:
    assert _update(cli, repo).exit_code == 0
    again = _update(cli, repo, lang="zh-Hans")
    assert again.exit_code == 2
    assert "已完成" in again.stderr and "done" not in again.stderr
