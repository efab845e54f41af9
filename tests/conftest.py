"""Shared fixtures: real copies of the ledger in tmp_path, real git repositories, the installed CLI."""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


def parktrack_executable() -> str:
    beside_python = Path(sys.executable).parent / "parktrack"
    found = str(beside_python) if beside_python.exists() else shutil.which("parktrack")
    assert found, "the parktrack command is not installed; pip install -e '.[test]' first"
    return found


# Tests written before the interface spoke Chinese assert English words; they run in English unless
# they choose (--lang beats PARKTRACK_LANG; pass env={"PARKTRACK_LANG": None} to test the defaults).
LEGACY_LANGUAGE = {"PARKTRACK_LANG": "en"}

# Tests written before piped output became TSV assert Rich tables; they ask for tables unless they
# choose (-f beats PARKTRACK_FORMAT; pass env={"PARKTRACK_FORMAT": None} to test the automatic choice).
LEGACY_FORMAT = {"PARKTRACK_FORMAT": "table"}
# What makes Rich (and parktrack's choice of format) take a pipe for a terminal; tests set them to mean it.
TERMINAL_HINTS = ("TTY_COMPATIBLE", "FORCE_COLOR")


# The suite's read cache (one per test process), never the user's cache directory. Entries are keyed by
# the files' content, so tests share it safely; tests of the cache itself name folders of their own.
SUITE_CACHE = Path(tempfile.mkdtemp(prefix="parktrack-test-cache-"))
atexit.register(shutil.rmtree, SUITE_CACHE, ignore_errors=True)


def pytest_configure(config: pytest.Config) -> None:
    # Bytecode is written even where PYTHONDONTWRITEBYTECODE is set (this machine sets it): without it
    # each test process compiles the test modules again (collecting takes 5 s instead of 2.5 s), and each
    # parktrack process the suite starts compiles the package again (~70 ms each).
    sys.dont_write_bytecode = False


def cli_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARKTRACK")}
    for hint in TERMINAL_HINTS:
        env.pop(hint, None)
    env.update({"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb", "PARKTRACK_CACHE_DIR": str(SUITE_CACHE)})
    env.update(LEGACY_LANGUAGE)
    env.update(LEGACY_FORMAT)
    env.update(extra)
    return env


Run = Callable[..., subprocess.CompletedProcess[str]]


# git's automatic upkeep after each commit (`git maintenance run --auto`, another process) is a third of
# a commit's time here and never due in a test's small repository: off for every git the suite runs.
NO_GIT_UPKEEP = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "maintenance.auto", "GIT_CONFIG_VALUE_0": "false"}


@pytest.fixture(scope="session", autouse=True)
def _no_git_upkeep() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for key, value in NO_GIT_UPKEEP.items():
            patch.setenv(key, value)
        yield


@pytest.fixture
def cache_dir() -> Path:
    """The suite's read cache folder, so the suite never writes to the user's cache."""
    return SUITE_CACHE


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    """Domain calls made in the test's own process (updates.record, intake ...) cache there too."""
    monkeypatch.setenv("PARKTRACK_CACHE_DIR", str(cache_dir))


@pytest.fixture
def run(cache_dir: Path) -> Run:
    """Run the installed `parktrack` command; returns the completed process.

    The read cache goes to the test's own folder unless `env` names one (PARKTRACK_CACHE_DIR).
    """

    def _run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        settings = dict(env) if env else cli_env()
        if settings.get("PARKTRACK_CACHE_DIR") in (None, str(SUITE_CACHE)):
            settings["PARKTRACK_CACHE_DIR"] = str(cache_dir)
        return subprocess.run(
            [parktrack_executable(), *args],
            cwd=cwd or REPO,
            env=settings,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    return _run


@pytest.fixture
def data_copy(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A writable copy of the bundled data folder, which the suite's read cache already holds (unless
    the test is marked `unread`: no command has read the copy yet)."""
    target = tmp_path / "ledger" / "data"
    shutil.copytree(DATA, target, copy_function=shutil.copyfile)
    if request.node.get_closest_marker("unread") is None:
        _seed_read_cache(target)
    return target


def _seed_read_cache(copy: Path) -> None:
    """Give a copy of the bundled data the suite cache's entries for the bundled data, as if a command
    had read it there: entries are keyed by the files' bytes, so they answer as for the original (and
    serve a refresh once the test edits the copy). The first command of a test then parses no YAML:
    the bundled plan costs ~30 ms to parse, in hundreds of tests. The cache's own tests use caches of
    their own, which start empty."""
    from parktrack import cache
    from parktrack.datadir import DataDir

    for indicators, entry in _bundled_entries().items():
        shutil.copyfile(entry, SUITE_CACHE / cache._entry_path(DataDir(copy), indicators).name)


@functools.cache
def _bundled_entries() -> dict[bool, Path]:
    """The read cache's two entries (tasks only, and with indicators) for the bundled data, made by
    parktrack once per test process and kept apart from the suite's cache."""
    from parktrack import cache
    from parktrack.datadir import DataDir

    made, kept = Path(tempfile.mkdtemp(prefix="parktrack-test-entries-")), {}
    atexit.register(shutil.rmtree, made, ignore_errors=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.CACHE_DIR_VAR, str(made))
        patch.delenv(cache.NO_CACHE_VAR, raising=False)
        for indicators in (False, True):
            cache.load_ledger(DataDir(DATA), indicators=indicators)
            kept[indicators] = cache._entry_path(DataDir(DATA), indicators)
    assert all(entry.exists() for entry in kept.values()), "parktrack wrote no cache entry for the bundled data"
    return kept


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env)
    assert result.returncode == 0, f"git {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}"
    return result.stdout


@pytest.fixture(scope="session")
def committed_data_git(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .git folder of `git init` + the bundled data committed once: made once per test process."""
    root = tmp_path_factory.mktemp("committed-data")
    shutil.copytree(DATA, root / "data")
    git(root, "init", "-q", "--template=", "-b", "main")  # no sample hooks: fewer files for each copy to write
    git(root, "config", "user.name", "Liaison Zhang")
    git(root, "config", "user.email", "zhang@example.org")
    git(root, "add", "data")
    git(root, "commit", "-q", "-m", "import the 2024 ledger")
    return root / ".git"


@pytest.fixture
def repo(data_copy: Path, committed_data_git: Path) -> Path:
    """A git repository of its own holding a copy of the data, committed once.

    Its .git is a copy of one made by git itself (init, add, commit) for the same data: git's five runs
    happen once per test process, not once per test.
    """
    root = data_copy.parent
    shutil.copytree(committed_data_git, root / ".git", copy_function=shutil.copyfile)  # no metadata: faster
    assert git(root, "status", "--porcelain") == "", "the data copy differs from the committed data"
    return root


@dataclass(frozen=True)
class Outcome:
    """What one in-process run of the CLI did."""

    exit_code: int
    stdout: str
    stderr: str


Cli = Callable[..., Outcome]


def run_cli(args: Sequence[str], cwd: Path, settings: dict[str, str | None], input: str | None = None) -> Outcome:
    """One in-process run of parktrack's entry function `main(argv)`, as the console script runs it: in
    `cwd`, with the environment minus PARKTRACK_* plus `settings` (None removes a variable)."""
    from parktrack.cli import main

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        for key in [key for key in os.environ if key.startswith("PARKTRACK")]:
            patch.delenv(key)
        with CliRunner().isolation(input=input, env=settings) as (out, err, _):
            try:
                main(list(args))
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            sys.stdout.flush()
            sys.stderr.flush()
            return Outcome(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))


@pytest.fixture
def cli(cache_dir: Path) -> Cli:
    """Run parktrack in process through its entry function `main(argv)`, as the console script does.

    The environment is the test's own minus PARKTRACK_*, with a pinned width, no colour and tables
    (PARKTRACK_FORMAT=table: the captured stdout is no terminal, so it would get TSV);
    `env` adds to it (PARKTRACK_LANG=en, COLUMNS=40 ...; None removes a variable), `cwd` is the folder
    to run in. The read cache lives in the test's own folder (PARKTRACK_CACHE_DIR), never the user's.
    """

    def invoke(
        *args: str, cwd: Path | None = None, env: dict[str, str | None] | None = None, input: str | None = None
    ) -> Outcome:
        settings: dict[str, str | None] = {
            "COLUMNS": "120",
            "LINES": "50",
            "NO_COLOR": "1",
            "TERM": "dumb",
            "PARKTRACK_CACHE_DIR": str(cache_dir),
            **dict.fromkeys(TERMINAL_HINTS),
            **LEGACY_LANGUAGE,
            **LEGACY_FORMAT,
            **(env or {}),
        }
        return run_cli(args, cwd or REPO, settings, input)

    return invoke


# LibreOffice's profile, one per test process: a new profile costs each run ~0.4 s more, and two
# processes must not share one (the second would hand its work to the first).
SOFFICE_PROFILE = Path(tempfile.mkdtemp(prefix="parktrack-test-libreoffice-"))
atexit.register(shutil.rmtree, SOFFICE_PROFILE, ignore_errors=True)


def soffice_convert(source: Path, target: Path, convert_to: str) -> Path:
    """`source` converted by LibreOffice (`--convert-to`), as an office that saves with it would; its
    profile is the suite's own, kept out of the user's."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed (apt-get install libreoffice-calc-nogui; .ci/run installs it)"
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [soffice, f"-env:UserInstallation={SOFFICE_PROFILE.as_uri()}", "--headless", "--convert-to", convert_to,
         "--outdir", str(target), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    produced = target / f"{source.stem}.{convert_to.split(':')[0]}"
    assert produced.exists(), f"LibreOffice wrote nothing for {source}"
    return produced


_WRITTEN_REPOS: dict[str, Path] = {}


def repo_with_history(
    cli: Cli, tmp_path_factory: pytest.TempPathFactory, target: Path, name: str, steps: list[tuple[str, ...]]
) -> Path:
    """A copy at `target` of the bundled ledger in a git repository with `steps` written through the CLI
    (each one commit): built once per test process for each `name`, copied for each test."""
    if name not in _WRITTEN_REPOS:
        root = tmp_path_factory.mktemp(name) / "ledger"
        shutil.copytree(DATA, root / "data")
        git(root, "init", "-q", "-b", "main")
        git(root, "config", "user.name", "Liaison Zhang")
        git(root, "config", "user.email", "zhang@example.org")
        git(root, "add", "data")
        git(root, "commit", "-q", "-m", "import the 2024 ledger")
        for step in steps:
            result = cli(*step, cwd=root)
            assert result.exit_code == 0, (step, result.stderr)
        _WRITTEN_REPOS[name] = root
    shutil.copytree(_WRITTEN_REPOS[name], target, copy_function=shutil.copyfile)
    return target


def browser(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium (Debian's; .ci/run installs it) with its profile in `profile`, run on `args`."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium is missing: apt-get install chromium (.ci/run does)"
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={profile}",
    ]  # fmt: skip
    return subprocess.run([found, *flags, *args], capture_output=True, text=True, timeout=120, check=False)


def start(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The installed `parktrack` started in English, not waited for (for concurrency and kills), in a
    process group of its own: a kill takes git and its hooks with it."""
    return subprocess.Popen(
        [parktrack_executable(), "--lang", "en", *args],
        cwd=cwd, env=env or cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, encoding="utf-8", start_new_session=True,
    )  # fmt: skip


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL a process `start` started, and its group (git and its hooks), and reap it."""
    import signal

    with contextlib.suppress(ProcessLookupError):  # it may have finished already
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)


def remove_stale_git_locks(repo: Path) -> None:
    """The lock files a git killed mid-commit leaves (index, HEAD, the branch), which git then refuses to
    pass ("remove the file manually to continue"): what a user does, as git's message says."""
    git_dir = repo / ".git"
    for lock in (git_dir / "index.lock", git_dir / "HEAD.lock", git_dir / "packed-refs.lock"):
        lock.unlink(missing_ok=True)
    for lock in (git_dir / "refs").rglob("*.lock"):
        lock.unlink(missing_ok=True)
