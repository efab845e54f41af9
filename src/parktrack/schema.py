"""JSON Schemas of the data files, generated from the Pydantic models, for editors to check and complete.

The models validate each task and indicator on its own (so one bad item hides no other); the
schemas describe the whole file, item shapes included. Statuses, kinds and comparisons are enums,
so an editor offers them. Data files point at them with a first line such as
`# yaml-language-server: $schema=../schemas/tasks.schema.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from parktrack import models, store
from parktrack.errors import WriteError
from parktrack.vocab import STATUSES

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _TasksSchema(models.TasksFile):
    """tasks.yaml: the plan, its sections and its items."""

    tasks: list[models.Task] = Field(default_factory=list)  # type: ignore[assignment]


class _IndicatorsSchema(models.IndicatorsFile):
    """indicators.yaml: the plan's quantitative targets and their recorded figures."""

    indicators: list[models.Indicator] = Field(default_factory=list)  # type: ignore[assignment]


FILES: dict[str, type[BaseModel]] = {
    store.TASKS_FILE: _TasksSchema,
    store.UNITS_FILE: models.UnitsFile,
    store.INDICATORS_FILE: _IndicatorsSchema,
}


def schema_name(file_name: str) -> str:
    """tasks.yaml -> tasks.schema.json"""
    return file_name.removesuffix(".yaml") + ".schema.json"


def schema_for(file_name: str) -> dict[str, Any]:
    model = FILES[file_name]
    schema = model.model_json_schema(mode="validation")
    schema = {"$schema": SCHEMA_DIALECT, "$id": schema_name(file_name), **schema}
    schema["title"] = file_name
    _enum_statuses(schema)
    return schema


def _enum_statuses(node: Any) -> None:
    """Statuses are checked by a validator in the models; the schema lists them so editors offer them."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict) and isinstance(value.get("status"), dict):
                status = value["status"]
                if "enum" not in status and "anyOf" not in status:
                    status["enum"] = list(STATUSES)
                elif "anyOf" in status:  # optional status: a string of the life cycle, or null
                    for option in status["anyOf"]:
                        if option.get("type") == "string":
                            option["enum"] = list(STATUSES)
            _enum_statuses(value)
    elif isinstance(node, list):
        for value in node:
            _enum_statuses(value)


def schema_texts() -> dict[str, str]:
    """File name -> the schema's JSON text, stable from run to run (so the repo's copies can be compared)."""
    return {
        schema_name(name): json.dumps(schema_for(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        for name in FILES
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder` (created if needed); returns the paths written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a file where the folder goes, a read-only parent
        raise WriteError.refused(folder, error) from None
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        store.atomic_write(path, text)
        written.append(path)
    return written
