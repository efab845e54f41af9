"""Git plumbing: finding the repository, committing a write, and reading commits and blobs back.

history.py reads the audit trail through these; writes commit through them.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from parktrack.errors import CommitRefusedError, GitError, os_reason
from parktrack.i18n import N_, _

# the name in it is a placeholder the user replaces: in their language, as the rest of the message
_IDENTITY_COMMAND = N_('git config --global user.name "Your Name" && git config --global user.email you@example.org')


def git(cwd: Path, *args: str, stdin: str | None = None, plain: bool = False) -> subprocess.CompletedProcess[str]:
    """Run git; `plain` makes it speak untranslated English, for the messages we read."""
    return _run_git(cwd, args, stdin, git_environment(plain))


def git_environment(plain: bool = False) -> dict[str, str] | None:
    """The environment every git run gets (None: this process's own): GIT_DIR and GIT_WORK_TREE as the
    user meant them (see `_located_as_run`); `plain`, git's messages untranslated."""
    env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "C"} if plain else None
    git_dir, work_tree = os.environ.get("GIT_DIR") or "", os.environ.get("GIT_WORK_TREE") or ""
    located = _located_as_run(git_dir, work_tree, Path.cwd()) if git_dir or work_tree else {}
    return {**(env or os.environ), **located} if located else env


@cache
def _located_as_run(git_dir: str, work_tree: str, here: Path) -> dict[str, str]:
    """GIT_DIR and GIT_WORK_TREE as the user meant them where they ran parktrack (`here`), for git run in
    the data folder: relative paths made absolute from `here`; with GIT_DIR alone, the work tree git
    finds from `here` (the folder it runs in is the top, unless the repository's config says otherwise)."""
    located = {
        name: str(here / value)
        for name, value in (("GIT_DIR", git_dir), ("GIT_WORK_TREE", work_tree))
        if value and not Path(value).is_absolute()
    }
    if git_dir and not work_tree:
        found = _run_git(here, ("rev-parse", "--show-toplevel"), None, {**os.environ, **located})
        if found.returncode == 0:
            located["GIT_WORK_TREE"] = found.stdout.removesuffix("\n")
    return located


# What parktrack writes to git and reads from it is UTF-8, whatever the user's git is set to: a Chinese
# Windows is often set to i18n.commitEncoding gbk (against garbled Chinese in cmd.exe's `git log`)
_IN_UTF8 = ("-c", "i18n.commitEncoding=UTF-8", "-c", "i18n.logOutputEncoding=UTF-8")


def _run_git(
    cwd: Path, args: Sequence[str], stdin: str | None, env: dict[str, str] | None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *_IN_UTF8, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env=env,
        errors="surrogateescape",  # a path git prints may be in no encoding: kept byte for byte, as Python keeps paths
    )


def repo_root(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`; None only when `folder` truly is in no repository.

    git missing from PATH, or a repository git refuses to use (dubious ownership ...), is an error:
    it must never pass for "not a repository" and let a write go uncommitted without a word.
    """
    found = _rev_parse(folder)
    return None if found is None else Path(found[0])


def committed_text(repo: Path, path: Path, revision: str = "HEAD") -> str | None:
    """`path` as committed at `revision` (None where it is not there), as UTF-8 text."""
    relative = path.resolve().relative_to(repo.resolve()).as_posix()
    result = git(repo, "show", f"{revision}:{relative}")
    return result.stdout if result.returncode == 0 else None


def repo_to_write_in(folder: Path) -> Path | None:
    """`repo_root`, refusing what could not be committed: git's index lock is held (or left by a killed
    git), a merge, cherry-pick, revert, rebase or bisect is under way (git refuses a commit of one
    file during the first two, and the others would take parktrack's commit with them when aborted or
    reset), or HEAD is detached (a commit on no branch is left behind by the next checkout). One git run
    for all: a write runs git five times in all, and each run costs ~10-20 ms."""
    asked = ("index.lock", *_UNDER_WAY, "HEAD")
    found = _rev_parse(folder, *(a for name in asked for a in ("--git-path", name)))
    if found is None:
        return None
    lock, *under_way = ((folder / line).resolve() for line in found[1:-1])  # relative to the folder git ran in
    head = folder / found[-1]  # not resolved: a symlinked HEAD is a branch
    if lock.exists():
        message = _(
            "git's index is locked ({lock}): another git command is running, or one was killed; "
            "nothing was written. If no git command is running, remove that file and run this again"
        )
        raise GitError(message.format(lock=lock))
    for (operation, way_out), marker in zip(_UNDER_WAY.values(), under_way, strict=True):
        if marker.exists():
            message = _(
                "{operation} is under way in {repo}, so parktrack cannot commit; nothing was written. "
                "Finish it or abort it ({command}), then run this again"
            )
            raise GitError(message.format(operation=_(operation), repo=found[0], command=way_out))
    # HEAD names a commit, not a branch (a symlink HEAD, core.preferSymlinkRefs, points at a branch)
    if head.is_file() and not head.is_symlink() and not head.read_bytes().startswith(b"ref:"):
        message = _(
            "HEAD is detached in {repo} (on no branch): a commit made there is left behind by the next checkout, "
            "so nothing was written. Go back to a branch (`git -C {repo} switch main`) or start one there "
            "(`git -C {repo} switch -c NAME`), then run this again"
        )
        raise GitError(message.format(repo=found[0]))
    return Path(found[0])


# What git leaves in its folder while an operation waits for the user: the operation and its way out.
_UNDER_WAY = {
    "MERGE_HEAD": (N_("a merge"), "git merge --continue / git merge --abort"),
    "CHERRY_PICK_HEAD": (N_("a cherry-pick"), "git cherry-pick --continue / git cherry-pick --abort"),
    "REVERT_HEAD": (N_("a revert"), "git revert --continue / git revert --abort"),
    "rebase-merge": (N_("a rebase"), "git rebase --continue / git rebase --abort"),
    "rebase-apply": (N_("a rebase"), "git rebase --continue / git rebase --abort"),
    "BISECT_LOG": (N_("a bisect"), "git bisect reset"),
}


def _rev_parse(folder: Path, *asked: str) -> list[str] | None:
    """`git rev-parse --show-toplevel ASKED…` in `folder`, a line each; None only outside any repository."""
    try:
        result = git(folder, "rev-parse", "--show-toplevel", *asked, plain=True)
    except FileNotFoundError:
        marker = _git_marker(folder)
        if marker is None:
            return None
        message = _("git is not installed (or not on PATH), but {folder} is in the git repository at {repo}")
        raise GitError(message.format(folder=folder, repo=marker.parent)) from None
    except OSError as exc:
        raise GitError(_("cannot run git: {reason}").format(reason=os_reason(exc))) from None
    if result.returncode == 0:
        return result.stdout.removesuffix("\n").split("\n")  # not splitlines: a folder name may hold \x1c, U+2028
    if "not a git repository" in result.stderr and _git_marker(folder) is None:
        return None
    reason = " ".join(result.stderr.split())
    raise GitError(_("git cannot use the repository holding {folder}: {reason}").format(folder=folder, reason=reason))


def _git_marker(folder: Path) -> Path | None:
    """The nearest `.git` at or above `folder`, looked for without git."""
    for candidate in (folder.resolve(), *folder.resolve().parents):
        if (candidate / ".git").exists():
            return candidate / ".git"
    return None


def uncommitted(repo: Path, path: Path) -> str:
    """How `path` differs from what is committed, as `git status --porcelain` says it ("" if it does not):
    ` M` changed, `??` untracked, `!!` ignored and untracked (git would not commit it) ... An index entry
    that a commit killed midway left behind is brought up to date first (see `_index_left_behind`)."""
    relative = str(path.resolve().relative_to(repo.resolve()))
    result = git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored", "--", relative, plain=True)
    if result.returncode:
        raise GitError(_("git status failed: {reason}").format(reason=" ".join(result.stderr.split())))
    state = result.stdout[:2] if result.stdout.strip() else ""
    if state[:1] not in ("", " ", "?", "!") and _index_left_behind(repo, relative):
        git(repo, "reset", "-q", "--", relative)
        return ""
    return state


def _index_left_behind(repo: Path, relative: str) -> bool:
    """Whether the only difference is an index entry a commit killed midway left behind: the file is as
    committed at HEAD and the index still holds its version at HEAD's parent. git writes the commit,
    moves the branch, then the index; setting that entry to HEAD's loses nothing (both are committed)."""
    if git(repo, "diff", "--quiet", "HEAD", "--", relative).returncode != 0:
        return False
    staged = git(repo, "rev-parse", "--verify", "--quiet", f":{relative}").stdout.strip()
    before = git(repo, "rev-parse", "--verify", "--quiet", f"HEAD^:{relative}").stdout.strip()
    return staged != "" and staged == before


def ignored(repo: Path, path: Path) -> bool:
    """Whether git's ignore rules (.gitignore ...) ignore `path`, which need not exist yet."""
    result = git(repo, "check-ignore", "-q", "--", str(path.resolve().relative_to(repo.resolve())), plain=True)
    if result.returncode > 1:
        raise GitError(_("git check-ignore failed: {reason}").format(reason=" ".join(result.stderr.split())))
    return result.returncode == 0


def hidden_from_git(repo: Path, paths: Sequence[Path]) -> list[Path]:
    """Those of `paths` git's index marks assume-unchanged or skip-worktree: status does not look at them."""
    relative = {str(path.resolve().relative_to(repo.resolve())): path for path in paths}
    result = git(repo, "ls-files", "-v", "-z", "--", *relative, plain=True)
    if result.returncode:
        raise GitError(_("git ls-files failed: {reason}").format(reason=" ".join(result.stderr.split())))
    marked = [entry[2:] for entry in result.stdout.split("\0") if entry[:1].islower() or entry[:1] == "S"]
    return [relative[name] for name in marked if name in relative]


def commit(
    repo: Path,
    paths: Sequence[Path],
    subject: str,
    body: str,
    trailers: Sequence[tuple[str, str]],
    author: str | None = None,
) -> str:
    """Commit exactly `paths`, leaving any other staged or unstaged work alone. Returns the new sha.

    `author` ("NAME <email>") credits someone else with the change (a unit's liaison); the
    committer is still the local git identity.
    """
    relative = [str(path.resolve().relative_to(repo.resolve())) for path in paths]
    message = commit_text(subject, body, trailers)
    # the files are tracked and held no other change (see updates): `--only` commits exactly them
    credit = (f"--author={author}",) if author else ()
    command = ("commit", "--quiet", *credit, "--cleanup=verbatim", "--only", "-F", "-", "--", *relative)
    result = git(repo, *command, stdin=message)
    if result.returncode:
        if not _has_identity(repo):  # asked only once a commit failed: two git runs fewer a write
            hint = _("set one with: {command}").format(command=_(_IDENTITY_COMMAND))
            raise CommitRefusedError(_("git has no identity; {hint}").format(hint=hint))
        error = _("git {command} failed: {reason}")
        raise CommitRefusedError(error.format(command="commit", reason=result.stderr.strip()))
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def init(folder: Path) -> None:
    """Make `folder` a git repository (a new ledger's folder that is in none)."""
    try:
        result = git(folder, "init", "-q")
    except FileNotFoundError:
        raise GitError(_("the ledger was written but git is not installed, so it is not a repository")) from None
    if result.returncode:
        raise GitError(_("git init failed: {reason}").format(reason=result.stderr.strip()))


def restore(repo: Path, paths: Sequence[Path]) -> None:
    """Put `paths` back as committed at HEAD, in the index and the work tree (a write git made no commit for)."""
    relative = [str(path.resolve().relative_to(repo.resolve())) for path in paths]
    result = git(repo, "checkout", "HEAD", "--", *relative)
    if result.returncode:
        message = _(
            "nothing was committed, and putting the files back failed: {reason}; "
            "run `git -C {repo} checkout HEAD -- {files}`"
        )
        raise GitError(message.format(reason=result.stderr.strip(), repo=repo, files=" ".join(relative)))


def _has_identity(repo: Path) -> bool:
    return not (git(repo, "var", "GIT_AUTHOR_IDENT").returncode or git(repo, "var", "GIT_COMMITTER_IDENT").returncode)


def track(repo: Path, paths: Sequence[Path]) -> None:
    """Make new files known to git, so that `commit` (which commits only tracked files) can take them."""
    relative = [str(path.resolve().relative_to(repo.resolve())) for path in paths]
    result = git(repo, "add", "--", *relative)
    if result.returncode:
        error = _("the data was written but git {command} failed: {reason}")
        raise GitError(error.format(command="add", reason=result.stderr.strip()))


def commit_text(subject: str, body: str, trailers: Sequence[tuple[str, str]]) -> str:
    """The commit message: subject, the user's text indented, then our trailers as the last paragraph.

    Every line of user text starts with four spaces, so it can never produce a line that git reads as
    a trailer (`Key: value` at the start of a line) nor the `---` divider that ends a message for
    git's trailer parser; the blank line before the trailers is the separator. Each trailer's value is
    put on one line.
    """
    subject = " ".join(subject.split())
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n") if body else []
    quoted = "\n".join(f"    {line}".rstrip() for line in lines).strip("\n")
    parts = [subject, quoted] if quoted.strip() else [subject]
    # a value on one line: a line break in one (a --meeting, a unit's name) would start a trailer of its own
    parts.append("\n".join(f"{key}: {' '.join(value.split())}" for key, value in trailers))
    return "\n\n".join(parts) + "\n"


# `git status` for a read: without --no-optional-locks it takes git's index lock to refresh the index, and
# a write committing meanwhile (parktrack's, or the user's git) finds the lock held and fails
_READ_ONLY_STATUS = ("--no-optional-locks", "status", "--porcelain")


def head_commit(folder: Path) -> tuple[str | None, bool]:
    """The commit HEAD points at in the repository holding `folder`, and whether `folder` has uncommitted changes."""
    repo = repo_root(folder)
    if repo is None:
        return None, False
    head = git(repo, "rev-parse", "--verify", "--quiet", "HEAD")
    if head.returncode:
        return None, False
    dirty = git(repo, *_READ_ONLY_STATUS, "--", str(folder.resolve())).stdout.strip() != ""
    return head.stdout.strip(), dirty


def has_commit(folder: Path, sha: str) -> bool:
    """Whether the repository holding `folder` knows commit `sha` (outside git: nothing to check)."""
    repo = repo_root(folder)
    if repo is None:
        return True
    return git(repo, "cat-file", "-e", f"{sha}^{{commit}}").returncode == 0


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: list[str]
    author: str
    email: str
    when: str
    trailers: tuple[tuple[str, str], ...] = ()
    stamp: int = 0  # seconds since 1970: `when` is text git may write with a year past 9999

    def named(self, key: str) -> set[str]:
        """The ids this commit's trailers `key` name (parktrack's writes name every item they change)."""
        return {value for name, value in self.trailers if name == key}


def log(repo: Path, path: str, formerly: Sequence[str] = ()) -> Iterator[Commit]:
    """The commits that changed `path` (or the paths it had before a move, `formerly`), oldest first."""
    trailers = "%(trailers:only=true,unfold=true,separator=%x1e)"
    args = ["log", "--reverse", "--topo-order", f"--format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%at%x1f{trailers}"]
    result = git(repo, *args, "--", path, *formerly, plain=True)
    if result.returncode:
        if "does not have any commits" in result.stderr:
            return
        raise GitError(_("git log failed: {reason}").format(reason=result.stderr.strip()))
    for line in result.stdout.split("\n"):  # not splitlines(): it breaks at \x1e too
        if not line:
            continue
        sha, parents, author, email, when, stamp, found = line.split("\x1f")
        pairs = tuple(
            (key.strip(), value.strip()) for key, _sep, value in (t.partition(":") for t in found.split("\x1e"))
        )
        yield Commit(sha, parents.split(), author, email, when, pairs, int(stamp))


def shallow_boundary(repo: Path) -> set[str]:
    """The commits where a shallow clone's history stops (git shows them without parents)."""
    found = git(repo, "rev-parse", "--git-path", "shallow")
    shallow = repo / found.stdout.removesuffix("\n")  # relative to the folder git ran in
    return set(shallow.read_text(encoding="ascii").split()) if found.returncode == 0 and shallow.is_file() else set()


def renamed_from(repo: Path, commit: Commit, path: str) -> str | None:
    """The path `path` had before `commit` moved it there (against its first parent), if it did."""
    if not commit.parents:
        return None
    result = git(repo, "diff-tree", "-r", "-M", "--name-status", "-z", commit.parents[0], commit.sha, plain=True)
    fields = result.stdout.split("\0")
    for index, status in enumerate(fields):
        if status.startswith("R") and fields[index + 2 : index + 3] == [path]:
            return fields[index + 1]
    return None


def blob_ids(repo: Path, path: str, shas: set[str]) -> dict[str, str | None]:
    """The blob id of `path` in each commit (None where the file does not exist), through one `git cat-file`."""
    specs = sorted(shas)
    if not specs:
        return {}
    result = subprocess.run(
        ["git", "cat-file", "--batch-check"],
        cwd=repo,
        input="".join(f"{sha}:{path}\n" for sha in specs).encode(),
        capture_output=True,
        check=False,
        env=git_environment(),
    )
    lines = result.stdout.decode("utf-8", errors="replace").splitlines()
    if result.returncode or len(lines) != len(specs):
        raise GitError(_("git cat-file failed: {reason}").format(reason=result.stderr.decode(errors="replace").strip()))
    return {sha: None if line.endswith(" missing") else line.split()[0] for sha, line in zip(specs, lines, strict=True)}


class BlobReader:
    """Blobs' text by id, on demand, from one long-running `git cat-file --batch`."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process is not None:
            assert self.process.stdin is not None and self.process.stdout is not None
            self.process.stdin.close()
            self.process.stdout.close()
            self.process.wait()

    def text(self, blob: str) -> bytes:
        if self.process is None:
            command = ["git", "cat-file", "--batch"]
            self.process = subprocess.Popen(
                command, cwd=self.repo, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=git_environment()
            )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{blob}\n".encode())
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if len(header) != 3:
            raise GitError(_("git cat-file failed: {reason}").format(reason=b" ".join(header).decode(errors="replace")))
        content = self.process.stdout.read(int(header[2]))
        self.process.stdout.read(1)  # the newline after each blob
        return content
