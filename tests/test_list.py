"""`parktrack list` and `show` on the bundled plan, end to end."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Cli
from plan_source import read_plan, split_units

PLAN = read_plan()
ALL_ITEMS = PLAN.key_tasks + PLAN.measures
CONTRACT = {
    "id",
    "kind",
    "section",
    "text",
    "leaders",
    "lead_units",
    "support_units",
    "groups",
    "deadline",
    "deadline_text",
    "long_term",
    "status",
}


def _ids_naming(unit: str, cells: str = "both") -> list[str]:
    """Items whose lead (or support) cell in the source document names `unit`."""
    ids = []
    for item in ALL_ITEMS:
        lead = split_units(item.lead_cell)[0]
        support = split_units(item.support_cell)[0]
        named = {"lead": lead, "support": support, "both": lead + support}[cells]
        if unit in named:
            ids.append(item.id)
    return ids


def _json(cli: Cli, *args: str, cwd: Path | None = None) -> list[dict[str, object]]:
    result = cli("--lang", "en", *args, "--format", "json", cwd=cwd)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("typed", ["縣財政局", "县财政局", "finance", "財政"])
def test_unit_filter_finds_exactly_its_items(cli: Cli, typed: str) -> None:
    rows = _json(cli, "list", "--unit", typed, "--as-of", "2024-06-30")
    assert [row["id"] for row in rows] == _ids_naming("縣財政局")
    assert len(rows) == 17


def test_role_narrows_the_unit_filter(cli: Cli) -> None:
    lead = _json(cli, "list", "--unit", "縣財政局", "--role", "lead", "--as-of", "2024-06-30")
    support = _json(cli, "list", "--unit", "縣財政局", "--role", "support", "--as-of", "2024-06-30")
    assert [row["id"] for row in lead] == _ids_naming("縣財政局", "lead")
    assert [row["id"] for row in support] == _ids_naming("縣財政局", "support")


def test_an_alias_reaches_the_same_unit(cli: Cli) -> None:
    by_alias = _json(cli, "list", "--unit", "縣住房城鄉建設局", "--as-of", "2024-06-30")
    expected = sorted(_ids_naming("縣住房城鄉建設局") + _ids_naming("縣住房和城鄉建設局"))
    assert sorted(row["id"] for row in by_alias) == expected
    assert all("縣住房和城鄉建設局" in row["lead_units"] + row["support_units"] for row in by_alias)


def test_json_contract(cli: Cli) -> None:
    rows = _json(cli, "list", "--as-of", "2024-06-30")
    assert len(rows) == 83
    assert all(set(row) >= CONTRACT for row in rows)
    t22 = next(row for row in rows if row["id"] == "T22")
    assert t22["kind"] == "key_task" and t22["section"] == 4
    assert t22["lead_units"] == ["云南武定產業園區管委會"]  # the document writes 武定產業園區
    assert t22["groups"] == ["縣級有關部門"]
    assert t22["deadline"] == "2024-12-31" and t22["long_term"] is False
    t44 = next(row for row in rows if row["id"] == "T44")
    assert t44["deadline"] is None and t44["long_term"] is True and t44["light"] == "waiting"
    m01 = next(row for row in rows if row["id"] == "M01")
    assert m01["kind"] == "measure" and m01["deadline_text"] is None and m01["deadline"] == "2024-12-31"


def test_filters_combine(cli: Cli) -> None:
    rows = _json(cli, "list", "--kind", "key", "--section", "7", "--leader", "李興明", "--as-of", "2024-06-30")
    expected = [t.id for t in PLAN.key_tasks if t.section == 7 and t.leaders == ["李興明"]]
    assert [row["id"] for row in rows] == expected and expected


def test_leader_in_simplified_characters(cli: Cli) -> None:
    rows = _json(cli, "list", "--leader", "邓开荣", "--as-of", "2024-06-30")
    assert [row["id"] for row in rows] == [t.id for t in PLAN.key_tasks if t.leaders == ["鄧開榮"]]


def test_search_in_either_script(cli: Cli) -> None:
    traditional = _json(cli, "list", "--search", "標準地", "--as-of", "2024-06-30")
    simplified = _json(cli, "list", "--search", "标准地", "--as-of", "2024-06-30")
    expected = [item.id for item in ALL_ITEMS if "標準地" in item.text]
    assert [row["id"] for row in traditional] == expected == [row["id"] for row in simplified]


def test_search_for_an_id_in_either_case(cli: Cli) -> None:
    lower = _json(cli, "list", "--search", "t07", "--as-of", "2024-06-30")
    upper = _json(cli, "list", "--search", "T07", "--as-of", "2024-06-30")
    assert [row["id"] for row in lower] == [row["id"] for row in upper] == ["T07"]


def test_status_and_light_filters(cli: Cli) -> None:
    red = _json(cli, "list", "--light", "red", "--as-of", "2024-07-01")
    assert {row["light"] for row in red} == {"red"} and len(red) == 12
    waiting = _json(cli, "list", "--status", "未啟動", "--light", "waiting", "--as-of", "2024-07-01")
    assert [row["id"] for row in waiting] == ["T44"]


def test_csv_has_the_same_rows(cli: Cli) -> None:
    result = cli("--lang", "en", "list", "--unit", "縣財政局", "--as-of", "2024-06-30", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == _ids_naming("縣財政局")
    assert rows[0]["light"] in {"green", "yellow", "red"}


@pytest.mark.parametrize("width", ["80", "120"])
def test_table_fits_the_terminal(cli: Cli, width: str) -> None:
    result = cli("--lang", "en", "list", "--unit", "縣財政局", "--as-of", "2024-06-30", env={"COLUMNS": width})
    assert result.exit_code == 0
    from rich.cells import cell_len

    assert max(cell_len(line) for line in result.stdout.splitlines()) <= int(width)
    # written to a pipe, long text wraps instead of being cut (issue 9)
    assert "T07" in result.stdout and "…" not in result.stdout
    column = "".join(
        _cells(line, *_column_span(result.stdout, "Task", "Lead units")) for line in result.stdout.splitlines()
    )
    column = "".join(column.split())
    assert all(item.text.replace(" ", "") in column for item in ALL_ITEMS if item.id in _ids_naming("縣財政局"))
    assert "\x1b[" not in result.stdout  # no colour codes into a pipe


def _column_span(table: str, header: str, next_header: str) -> tuple[int, int]:
    heading = next(line for line in table.splitlines() if header in line and next_header in line)
    return heading.index(header), heading.index(next_header)


def _cells(line: str, start: int, end: int) -> str:
    """The characters of `line` between two screen columns (CJK characters are two columns wide)."""
    from rich.cells import cell_len

    position, kept = 0, []
    for char in line:
        if start <= position < end:
            kept.append(char)
        position += cell_len(char)
    return "".join(kept)


def test_unknown_and_ambiguous_units_list_candidates(cli: Cli) -> None:
    unknown = cli("--lang", "en", "list", "--unit", "縣財正局")
    assert unknown.exit_code == 2
    assert unknown.stderr == "error: unknown unit '縣財正局' (did you mean 縣財政局?)\n"
    ambiguous = cli("--lang", "en", "list", "--unit", "縣委")
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr.startswith("error: unit '縣委' is ambiguous: it matches ")
    assert "縣委組織部" in ambiguous.stderr and "縣委辦公室" in ambiguous.stderr


def test_show_prints_the_full_text(cli: Cli) -> None:
    result = cli("--lang", "en", "show", "T44", "--as-of", "2024-06-30")
    assert result.exit_code == 0
    flat = "".join(line.strip() for line in result.stdout.splitlines())
    assert PLAN.key_tasks[43].text in flat.replace(" ", "")
    assert "waits on a condition" in result.stdout


def test_show_unknown_id_suggests(cli: Cli) -> None:
    result = cli("--lang", "en", "show", "T99")  # T7 means T07 (issue 9)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown task 'T99' (did you mean ")


def test_bundled_plan_is_found_from_any_folder(cli: Cli, tmp_path: Path) -> None:
    result = cli("--lang", "en", "list", "--kind", "key", "--as-of", "2024-06-30", "--format", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 52


def test_nearest_data_folder_wins(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("  - id: T52\n", "  - id: T53\n"), encoding="utf-8")
    nested = data_copy.parent / "a" / "b"
    nested.mkdir(parents=True)
    rows = _json(cli, "list", "--search", "T53", "--as-of", "2024-06-30", cwd=nested)
    assert [row["id"] for row in rows] == ["T53"]
