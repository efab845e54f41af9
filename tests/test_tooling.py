"""What a county repository and its people expect around the CLI: version, completion, licence,
a pre-commit hook (run by pre-commit itself) and CI templates."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from conftest import DATA, REPO, Cli, cli_env, git, parktrack_executable
from parktrack.cli import app

# --- version, completion, licence, typing -----------------------------------------------


def test_version_comes_from_the_package_metadata(cli: Cli) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"parktrack {version('parktrack')}\n"


def test_show_completion_prints_a_bash_script_through_main(cli: Cli) -> None:
    from parktrack.cli import _command

    # Typer decides whether --show-completion takes a shell name when it builds the command tree,
    # which main() builds once per language per process: build it afresh with detection disabled.
    _command.cache_clear()
    try:
        result = cli("--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    finally:
        _command.cache_clear()
    assert result.exit_code == 0, result.stderr
    assert "_PARKTRACK_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F _parktrack_completion parktrack" in result.stdout


def test_completion_answers_through_main(cli: Cli) -> None:
    """What bash asks when the user types `parktrack ov<TAB>`, and `parktrack overdue --fa<TAB>`."""
    env = {"_PARKTRACK_COMPLETE": "complete_bash", "COMP_WORDS": "parktrack ov", "COMP_CWORD": "1"}
    assert cli(env=env).stdout.split() == ["overdue"]
    env.update(COMP_WORDS="parktrack overdue --fa", COMP_CWORD="2")
    assert cli(env=env).stdout.split() == ["--fail-if-any"]


def test_install_completion_is_offered_in_help(cli: Cli) -> None:
    result = cli("--help", "--lang", "en")
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout
    assert "--version" in result.stdout


def test_licence_file_matches_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert "LICENSE" in project["license-files"]
    assert "Typing :: Typed" in project["classifiers"]
    assert (REPO / "src" / "parktrack" / "py.typed").is_file()


def test_changelog_has_an_unreleased_section() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text and "parktrack init" in text


# --- pre-commit ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook's environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = Path(parktrack_executable()).parent / "pre-commit"
    assert executable.exists(), "pre-commit is a test dependency: pip install -e '.[test]'"
    env = cli_env(PRE_COMMIT_HOME=str(home), PARKTRACK_LANG="en")
    env["PATH"] = f"{executable.parent}:{env.get('PATH', '')}"
    return subprocess.run(
        [str(executable), *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture
def ledger_repo(tmp_path: Path) -> Path:
    """A ledger repository: data/ with the plan, staged."""
    root = tmp_path / "county-ledger"
    shutil.copytree(DATA, root / "data")
    git(root, "init", "-q")
    git(root, "add", "data")
    return root


def break_ledger(root: Path) -> None:
    tasks = root / "data" / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(text.replace("status: not_started", "status: finished", 1), encoding="utf-8")
    git(root, "add", "data")


def use_hooks(root: Path, repo: dict[str, Any]) -> None:
    config = yaml.safe_dump({"repos": [repo]}, allow_unicode=True)
    (root / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(root, "add", ".pre-commit-config.yaml")


def test_the_hook_manifest_runs_under_pre_commit(ledger_repo: Path, pre_commit_home: Path) -> None:
    """This checkout as the hook repository, pinned to its HEAD, as a county repository would pin a tag:
    pre-commit clones it, installs parktrack into its own environment (language: python) and runs it.
    Here uv builds that environment, through pre-commit-uv (a test dependency), in seconds instead of
    pip's half a minute; a county's pre-commit may use pip: the manifest and the install are the same."""
    head = git(REPO, "rev-parse", "HEAD").strip()
    use_hooks(ledger_repo, {"repo": str(REPO), "rev": head, "hooks": [{"id": "parktrack-validate"}]})
    passed = pre_commit(ledger_repo, pre_commit_home, "run", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "via pre-commit-uv" in passed.stdout, "pip built the hook's environment: is pre-commit-uv installed?"
    assert re.search(r"parktrack validate\.+Passed", passed.stdout)

    break_ledger(ledger_repo)
    failed = pre_commit(ledger_repo, pre_commit_home, "run", "--all-files")
    assert failed.returncode == 1
    assert re.search(r"parktrack validate\.+Failed", failed.stdout)
    assert "tasks.yaml:" in failed.stdout and "T01.status: unknown status 'finished'" in failed.stdout


def test_a_local_system_hook_works_offline(ledger_repo: Path, pre_commit_home: Path) -> None:
    """The README's offline variant: `repo: local`, `language: system`, the installed parktrack."""
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    use_hooks(ledger_repo, {"repo": "local", "hooks": [{**manifest, "language": "system"}]})
    assert pre_commit(ledger_repo, pre_commit_home, "run", "--all-files").returncode == 0
    break_ledger(ledger_repo)
    failed = pre_commit(ledger_repo, pre_commit_home, "run", "--all-files")
    assert failed.returncode == 1 and "unknown status 'finished'" in failed.stdout


def test_the_hook_runs_only_when_ledger_files_change() -> None:
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = manifest
    assert hook["id"] == "parktrack-validate" and hook["entry"] == "parktrack validate"
    pattern = re.compile(hook["files"])
    assert all(pattern.search(p) for p in ("data/tasks.yaml", "units.yaml", "north/data/indicators.yaml"))
    assert not any(pattern.search(p) for p in ("README.md", "data/tasks.yaml.bak", "mytasks.yaml"))


# --- CI templates -------------------------------------------------------------------------

TEMPLATES = REPO / "docs" / "ci"
PENDING = {"report"}  # issue 11 builds `parktrack report`; drop it from here once it is registered


def template(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((TEMPLATES / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def scripts(node: Any) -> Iterator[str]:
    """Every shell line in a template: GitHub `run:` and GitLab `script:` entries."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                yield from value.splitlines()
            elif key in ("script", "before_script") and isinstance(value, list):
                yield from value
            else:
                yield from scripts(value)
    elif isinstance(node, list):
        for value in node:
            yield from scripts(value)


def parktrack_lines(node: Any) -> list[list[str]]:
    return [shlex.split(line)[1:] for line in scripts(node) if line.startswith("parktrack ")]


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_each_template_validates_checks_overdue_and_publishes_the_report(name: str) -> None:
    commands = parktrack_lines(template(name))
    validate = {"github-actions.yml": ["validate", "--format", "github"],
                "gitlab-ci.yml": ["validate", "--format", "gitlab", "-o", "gl-code-quality-report.json"]}  # fmt: skip
    assert validate[name] in commands
    assert ["overdue", "--fail-if-any"] in commands
    assert ["report", "-o", "report.html"] in commands


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_template_commands_exist_and_run(cli: Cli, name: str, data_copy: Path) -> None:
    known = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    for args in parktrack_lines(template(name)):
        if args[0] in PENDING and args[0] not in known:
            continue
        assert args[0] in known, args
        if args[0] in ("validate", "overdue"):
            result = cli(*args, "--data", str(data_copy), "--lang", "en", cwd=data_copy.parent)  # -o FILE lands there
            expected = 3 if "--fail-if-any" in args else 0  # the 2024 plan is all overdue by now
            assert result.exit_code == expected, (args, result.stderr)
            if "-o" in args:  # GitLab's code quality report: no issue in a ledger that validates
                assert json.loads((data_copy.parent / args[args.index("-o") + 1]).read_text(encoding="utf-8")) == []


def test_github_template_triggers() -> None:
    workflow = template("github-actions.yml")
    triggers = workflow.get("on", workflow.get(True))  # PyYAML reads the key `on` as true
    assert "push" in triggers and triggers["schedule"][0]["cron"]
    jobs = workflow["jobs"]
    assert "schedule" in jobs["overdue"]["if"] and "push" in jobs["validate"]["if"]
    uploads = [step for job in jobs.values() for step in job["steps"] if "upload-artifact" in step.get("uses", "")]
    assert uploads and all(step["with"]["path"] == "report.html" for step in uploads)


def test_gitlab_template_rules() -> None:
    pipeline = template("gitlab-ci.yml")
    assert "schedule" in pipeline["overdue"]["rules"][0]["if"]
    assert "push" in pipeline["validate"]["rules"][0]["if"]
    assert pipeline["report"]["artifacts"]["paths"] == ["report.html"]
    for job in ("validate", "overdue", "report"):
        assert pipeline[job]["stage"] in pipeline["stages"]
