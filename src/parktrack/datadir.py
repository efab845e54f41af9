"""Finding the ledger's data folder, without importing YAML: cached reads never parse it.

store.py re-exports these names; all YAML access stays there.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from parktrack.errors import UsageError, warn
from parktrack.i18n import _

TASKS_FILE = "tasks.yaml"
UNITS_FILE = "units.yaml"
INDICATORS_FILE = "indicators.yaml"
ENV_VAR = "PARKTRACK_DATA"
MAX_BYTES = 64 * 1024 * 1024  # far beyond any real ledger (10,000 items are ~6 MB); a bound for /dev/zero & co.


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
        if not (explicit / TASKS_FILE).exists():
            message = _("{folder}: no {file} in this folder (from --data or {env})")
            message = message.format(folder=explicit, file=TASKS_FILE, env=ENV_VAR)
            if (explicit / "data" / TASKS_FILE).exists():  # the ledger's own folder, not its data/
                message += _("; did you mean {folder}?").format(folder=explicit / "data")
            unquoted = Path(str(explicit).rstrip('"'))
            if unquoted != explicit and (unquoted / TASKS_FILE).exists():  # cmd.exe read "D:\台账\data\" so
                message += _(
                    "; did you mean {folder}? A quoted folder ending in \\ passes its closing quote on Windows: "
                    "leave off the last \\"
                ).format(folder=unquoted)
            raise UsageError(message)
        return DataDir(explicit)
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        candidate = folder / "data"
        if (candidate / TASKS_FILE).exists():  # a broken file still marks the ledger; reading it says what is wrong
            return DataDir(candidate)
    bundled = DataDir(bundled_plan(), bundled=True)
    message = _("no ledger (data/{file}) found at or above {folder}; reading the bundled read-only plan in {plan}")
    warn(message.format(file=TASKS_FILE, folder=start, plan=bundled.path))
    return bundled


def bundled_plan() -> Path:
    packaged = Path(str(resources.files("parktrack") / "plan"))
    if (packaged / TASKS_FILE).is_file():
        return packaged
    # An editable install: the package runs from the source tree, next to data/.
    return Path(__file__).resolve().parents[2] / "data"
