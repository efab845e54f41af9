"""JSON Schemas: generated from the models, kept in the repo up to date, pointed at by the data files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conftest import DATA, REPO, Cli
from parktrack import store
from parktrack.schema import FILES, schema_name, schema_texts
from parktrack.vocab import STATUSES

SCHEMAS = REPO / "schemas"


def test_the_repository_schemas_are_up_to_date() -> None:
    """Regenerate with `parktrack schema -o schemas/` after changing models.py."""
    for name, text in schema_texts().items():
        kept = SCHEMAS / name
        assert kept.is_file(), f"{kept} is missing; run parktrack schema -o schemas/"
        assert kept.read_text(encoding="utf-8") == text, f"{kept} is out of date; run parktrack schema -o schemas/"


def test_schema_command_writes_the_same_files(cli: Cli, tmp_path: Path) -> None:
    result = cli("schema", "-o", str(tmp_path / "out"), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == sorted(schema_name(name) for name in FILES)
    for name in written:
        assert (tmp_path / "out" / name).read_bytes() == (SCHEMAS / name).read_bytes()


@pytest.mark.parametrize("file_name", list(FILES))
def test_each_data_file_points_at_its_schema(file_name: str) -> None:
    first = (DATA / file_name).read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schemas/{schema_name(file_name)}"
    assert (DATA / "../schemas" / schema_name(file_name)).resolve().is_file()


def validator(file_name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / schema_name(file_name)).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def data_of(file_name: str) -> Any:
    return store.load_plain((DATA / file_name).read_text(encoding="utf-8"))  # dates stay text, as an editor sees them


@pytest.mark.parametrize("file_name", list(FILES))
def test_the_bundled_data_satisfies_its_schema(file_name: str) -> None:
    errors = list(validator(file_name).iter_errors(data_of(file_name)))
    assert errors == []


def test_statuses_kinds_and_comparisons_are_enums_an_editor_can_offer() -> None:
    tasks = json.loads((SCHEMAS / "tasks.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert tasks["Task"]["properties"]["status"]["enum"] == list(STATUSES)
    assert tasks["Task"]["properties"]["kind"]["enum"] == ["key_task", "measure", "assigned"]
    indicators = json.loads((SCHEMAS / "indicators.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert "milestone" in indicators["Indicator"]["properties"]["kind"]["enum"]
    assert indicators["Indicator"]["properties"]["comparison"]["enum"] == ["at_least", "at_most", "about"]


def test_the_schema_rejects_what_the_ledger_rejects() -> None:
    data = data_of("tasks.yaml")
    data["tasks"][6]["status"] = "finished"
    data["tasks"][7]["deadline"] = "end of June"
    data["tasks"][8]["colour"] = "red"
    messages = sorted(error.message for error in validator("tasks.yaml").iter_errors(data))
    assert any("'finished' is not one of" in message for message in messages)
    assert any("'end of June' is not valid" in message for message in messages)  # not a date, nor null
    assert any("'colour' was unexpected" in message for message in messages)
