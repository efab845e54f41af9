"""README.md's claims, checked as a new clerk meets them: each test runs what the README shows and
compares what happens with what the README says."""

from __future__ import annotations

import json

import pytest
from tests.conftest import Cli


def indicator_json(cli: Cli, indicator: str, as_of: str) -> dict[str, object]:
    outcome = cli("indicators", indicator, "--as-of", as_of, "-f", "json", "--lang", "en")
    assert outcome.exit_code == 0, outcome.stderr
    (record,) = json.loads(outcome.stdout)  # `indicators ID -f json` is a list of the one record
    assert isinstance(record, dict)
    return record


# README, "Indicators": "序時進度 is the share of the year elapsed (182/366 on 2024-06-30)". The year is
# the plan's (2024): once it has ended all of it has elapsed, and none of it before it begins.
@pytest.mark.parametrize(
    ("as_of", "pace"),
    [
        ("2024-06-30", 182 / 366),
        ("2024-12-31", 1.0),
        ("2025-01-15", 1.0),
        ("2025-06-30", 1.0),
        ("2026-11-30", 1.0),
        ("2023-12-01", 0.0),
    ],
)
def test_pace_is_the_share_of_the_plan_year_elapsed(cli: Cli, as_of: str, pace: float) -> None:
    record = indicator_json(cli, "gross-output", as_of)
    assert record["pace"] == pytest.approx(pace, abs=1e-4)
