"""data/ against the source document (docs/source/plan.txt), cell by cell."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from conftest import DATA
from plan_source import SourceItem, read_plan, split_units

PLAN = read_plan()
TASKS_FILE: dict[str, Any] = yaml.safe_load((DATA / "tasks.yaml").read_text(encoding="utf-8"))
TASKS: list[dict[str, Any]] = TASKS_FILE["tasks"]
SECTIONS: list[dict[str, Any]] = TASKS_FILE["sections"]
UNITS: list[dict[str, Any]] = yaml.safe_load((DATA / "units.yaml").read_text(encoding="utf-8"))["units"]
BY_ID = {task["id"]: task for task in TASKS}


def test_every_item_is_there_in_order() -> None:
    expected = [item.id for item in PLAN.key_tasks + PLAN.measures]
    assert [task["id"] for task in TASKS] == expected
    assert len(PLAN.key_tasks) == 52
    assert len(PLAN.measures) == 31


def test_cleaning_removed_every_converter_artefact() -> None:
    for task in TASKS:
        assert not re.search(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]{2,}", task["text"]), task["id"]
        assert "?" not in task["text"] and " " not in task["text"], task["id"]
    assert "更新換代" in BY_ID["M06.1"]["text"]
    assert "發展潛力大、帶動作用明顯的龍頭企業" in BY_ID["T33"]["text"]


@pytest.mark.parametrize("item", PLAN.key_tasks, ids=lambda item: item.id)
def test_key_task_matches_the_ledger_row(item: SourceItem) -> None:
    task = BY_ID[item.id]
    assert task["kind"] == "key_task"
    assert task["section"] == item.section
    assert task["text"] == item.text
    assert task["leaders"] == item.leaders
    assert task["deadline_text"] == item.deadline_text
    _assert_units(task, item)


@pytest.mark.parametrize("item", PLAN.measures, ids=lambda item: item.id)
def test_measure_item_matches_the_main_text(item: SourceItem) -> None:
    task = BY_ID[item.id]
    assert task["kind"] == "measure"
    assert task["section"] == item.section
    assert task["measure"] == item.measure_title
    assert task["text"] == item.text
    assert task.get("deadline_text") is None
    assert str(task["deadline"]) == "2024-12-31" and task["deadline_implied"] is True
    _assert_units(task, item)


def _assert_units(task: dict[str, Any], item: SourceItem) -> None:
    lead, lead_groups = split_units(item.lead_cell)
    support, groups = split_units(item.support_cell)
    assert task["lead_units"] == lead
    assert task["support_units"] == support
    assert task["groups"] == lead_groups + groups


def test_section_titles_and_goals() -> None:
    key = [s for s in SECTIONS if s["kind"] == "key_task"]
    campaigns = [s for s in SECTIONS if s["kind"] == "measure"]
    assert [(s["number"], s["title"], s["goal"]) for s in key] == [
        (s.number, s.title, s.goal) for s in PLAN.key_sections
    ]
    assert [(s["number"], s["title"], s["goal"]) for s in campaigns] == [
        (s.number, s.title, s.goal) for s in PLAN.campaigns
    ]


def test_written_deadlines_mean_month_ends() -> None:
    for item in PLAN.key_tasks:
        task = BY_ID[item.id]
        match = re.match(r"(\d{4})年(\d{1,2})月底以前", item.deadline_text or "")
        if match is None:
            assert task["deadline"] is None and item.id == "T44"
            continue
        year, month = int(match[1]), int(match[2])
        assert task["deadline"].year == year and task["deadline"].month == month
        assert (task["deadline"].day, month) in {(31, 3), (30, 4), (30, 6), (31, 12)}
        assert task["long_term"] == ("長期堅持" in item.deadline_text)


def test_every_name_the_document_uses_is_a_unit_or_group() -> None:
    names = {name: unit for unit in UNITS for name in (unit["name"], *unit["aliases"])}
    for item in PLAN.key_tasks + PLAN.measures:
        for cell in (item.lead_cell, item.support_cell):
            units, groups = split_units(cell)
            assert all(names[name]["kind"] == "unit" for name in units), item.id
            assert all(names[name]["kind"] == "group" for name in groups), item.id


def test_units_named_once_under_several_names_share_one_entry() -> None:
    names = {name: unit["id"] for unit in UNITS for name in (unit["name"], *unit["aliases"])}
    assert names["縣住房城鄉建設局"] == names["縣住房和城鄉建設局"]
    assert names["縣應急局"] == names["縣應急管理局"]
    assert names["武定產業園區"] == names["云南武定產業園區管委會"]
    assert names["政府辦公室"] == names["縣人民政府辦公室"]
    assert names["云南武定產業園區黨工委"] != names["云南武定產業園區管委會"]
