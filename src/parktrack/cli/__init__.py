"""The parktrack command line: parses options, calls the domain modules, prints their results.

Commands live in one module per area (views, writes, ...); importing them registers them on `app`.
Errors become messages and exit codes here, in `main`, and nowhere else.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from parktrack.cli import views, writes  # noqa: F401  (registers the commands)
from parktrack.cli.common import app
from parktrack.errors import ParktrackError

__all__ = ["app", "main"]


def _fail(error: ParktrackError) -> NoReturn:
    for line in error.lines():
        print(line, file=sys.stderr)
    raise SystemExit(error.exit_code)


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="parktrack")
    except ParktrackError as error:
        _fail(error)
    except BrokenPipeError:  # e.g. `parktrack list | head`
        sys.stderr.close()
        raise SystemExit(0) from None
