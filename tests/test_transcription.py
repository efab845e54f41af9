"""data/ against the source document (docs/source/plan.txt), cell by cell."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from conftest import DATA
from plan_source import SOURCE, SourceItem, clean, read_plan, split_units

PLAN = read_plan()
TASKS_FILE: dict[str, Any] = yaml.safe_load((DATA / "tasks.yaml").read_text(encoding="utf-8"))
TASKS: list[dict[str, Any]] = TASKS_FILE["tasks"]
SECTIONS: list[dict[str, Any]] = TASKS_FILE["sections"]
UNITS: list[dict[str, Any]] = yaml.safe_load((DATA / "units.yaml").read_text(encoding="utf-8"))["units"]
BY_ID = {task["id"]: task for task in TASKS}
INDICATORS: list[dict[str, Any]] = yaml.safe_load((DATA / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]
DOCUMENT = "".join(clean(line) for line in SOURCE.read_text(encoding="utf-8").splitlines())
SOURCE_NOTES = (SOURCE.parent / "README.md").read_text(encoding="utf-8")


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
    assert task["long_term"] is False  # the main text gives a measure no 完成時限, so no 長期堅持 either
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
            assert task["long_term"] == ("持續推進" in (item.deadline_text or ""))
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


def test_plan_header_is_the_notices() -> None:
    """The title the notice quotes in 《》, the attachment it lists, the date it is signed."""
    plan = TASKS_FILE["plan"]
    header = PLAN.header
    assert (plan["title"], plan["ledger"], plan["issued"]) == (header.title, header.ledger, header.issued)
    assert str(plan["year"]) in header.title and str(plan["year"]) in header.ledger


# --- units.yaml: every other name the entry carries is one the document (or its notes) makes the same body ---

_UNIT_NAMES = [(unit, name) for unit in UNITS for name in (unit["name"], *unit["aliases"])]


@pytest.mark.parametrize(("unit", "name"), _UNIT_NAMES, ids=[name for _, name in _UNIT_NAMES])
def test_every_unit_name_and_alias_is_written_in_the_document(unit: dict[str, Any], name: str) -> None:
    assert name in DOCUMENT, (unit["id"], name)


def _stated_equal(a: str, b: str) -> bool:
    """docs/source/README.md's `A = B` (or `A (as a lead unit) = B`)."""
    pairs = re.findall(r"(\S+?)(?: \([^)]*\))? = (\S+?)[;.\s]", SOURCE_NOTES)
    return (a, b) in pairs or (b, a) in pairs


def _same_body(alias: str, name: str) -> bool:
    short = alias.replace("管理委員會", "管委會")  # the document's own abbreviation
    return (
        short == name
        or alias in (f"武定{name}", f"中共武定{name}")  # the notice's signatures write the county out
        or alias == f"縣級{name}"
        or name == f"縣級{alias}"  # an open-ended group, with or without 縣級
        or f"{alias}({name})" in DOCUMENT
        or f"{name}({alias})" in DOCUMENT  # written in apposition
        or _stated_equal(alias, name)
    )


@pytest.mark.parametrize("unit", [u for u in UNITS if u["aliases"]], ids=lambda u: u["id"])
def test_every_alias_names_the_same_body_as_its_entry(unit: dict[str, Any]) -> None:
    """An alias joins its entry through the document: directly, or through another of the entry's names."""
    joined = {unit["name"]}
    pending = set(unit["aliases"])
    while pending:
        linked = {alias for alias in pending if any(_same_body(alias, name) for name in joined)}
        assert linked, (unit["id"], sorted(pending))
        joined |= linked
        pending -= linked


# --- indicators.yaml against the document: unit of measure, comparison, stretch, period, kind, owners ---

_WRITTEN = {"100": "全普及", "1": "一家"}  # the document's words for 100% and for one company
_WRITTEN_UNIT = {"全普及": "%", "一家": "家"}


def _readings(indicator: dict[str, Any]) -> list[str]:
    """Each place the source quotes, whole (an elision … kept), without its English remarks in brackets."""
    source = re.sub(r"\s*\([^)]*[A-Za-z][^)]*\)", "", indicator["source"])
    return [part.partition(":")[2] for part in source.split(";")]


def _places(indicator: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(reading, text before the target's figure, text from it on) for each place the source gives the figure."""
    figure = f"{indicator['target']:g}"
    pattern = rf"(?<![\d.]){re.escape(figure)}(?![\d.])|{re.escape(_WRITTEN.get(figure, figure))}"
    return [(r, r[: m.start()], r[m.start() :]) for r in _readings(indicator) for m in re.finditer(pattern, r)]


_FIGURED = [i for i in INDICATORS if i["kind"] != "milestone" and not (i["kind"] == "margin" and i["target"] == 0)]


@pytest.mark.parametrize("indicator", _FIGURED, ids=lambda i: i["id"])
def test_unit_of_measure_is_the_one_the_document_writes_after_the_figure(indicator: dict[str, Any]) -> None:
    """268.76畝, 25戶, 5個位次, 1—2次, 一家: the unit follows the figure (and a 1—2 range) in one place at least."""
    figure, unit = f"{indicator['target']:g}", indicator["unit"]
    stretch = f"—{indicator['stretch']:g}" if "stretch" in indicator else ""
    after = [rest for _, _, rest in _places(indicator)]
    assert after, indicator["id"]
    words = [_WRITTEN_UNIT[word] for word in _WRITTEN_UNIT for rest in after if rest.startswith(word)]
    if words:  # 一家, 全普及: the unit is in the word
        assert unit in words, (indicator["id"], unit, after)
        return
    written = rf"{re.escape(figure)}(?:{re.escape(stretch)})?個?{re.escape(unit)}"
    assert any(re.match(written, rest) for rest in after), (indicator["id"], unit, after)


@pytest.mark.parametrize("indicator", _FIGURED, ids=lambda i: i["id"])
def test_comparison_is_the_documents(indicator: dict[str, Any]) -> None:
    """左右 after the figure is `about`; 以上, 不少于, 不低于, 達到 or a bare figure to reach is `at_least`."""
    after = [rest for _, _, rest in _places(indicator)]
    about = any(re.match(r"[\d.—%]*[^\d,;、。…]{0,3}左右", rest) for rest in after)
    assert indicator["comparison"] == ("about" if about else "at_least"), (indicator["id"], after)


@pytest.mark.parametrize(
    "indicator", [i for i in INDICATORS if i["kind"] == "margin" and i["target"] == 0], ids=lambda i: i["id"]
)
def test_a_provincial_average_to_reach_is_a_ceiling_for_consumption_and_a_floor_for_rates(
    indicator: dict[str, Any],
) -> None:
    """達到全省平均水平: energy and fresh water used per output at most the average, a reuse rate at least it."""
    assert any("達到全省平均水平" in reading for reading in _readings(indicator))
    consumption = "/" in indicator["unit"]  # 噸標準煤/萬元, 立方米/萬元: used per output
    assert indicator["comparison"] == ("at_most" if consumption else "at_least"), indicator["id"]
    assert (indicator["unit"] == "%") == ("率" in indicator["name"]), indicator["id"]  # a rate is in %


@pytest.mark.parametrize("indicator", [i for i in INDICATORS if "stretch" in i], ids=lambda i: i["id"])
def test_stretch_is_the_documents_upper_figure(indicator: dict[str, Any]) -> None:
    """1—2次 and 1—3戶 give a range; 增長10%、力爭達11% a stretch after the firm figure."""
    target, stretch = f"{indicator['target']:g}", f"{indicator['stretch']:g}"
    assert any(
        re.search(rf"(?<![\d.]){re.escape(target)}—{re.escape(stretch)}(?![\d.])", reading)
        or re.search(rf"(?<![\d.]){re.escape(target)}%?[、,]力爭達{re.escape(stretch)}(?![\d.])", reading)
        for reading in _readings(indicator)
    ), indicator["id"]


_PERIOD_WORDS = {"每季度": "quarter", "半年度": "half", "年度": "year", "全年": "year", "年內": "year"}


@pytest.mark.parametrize("indicator", _FIGURED, ids=lambda i: i["id"])
def test_period_is_the_one_the_document_names_before_the_figure(indicator: dict[str, Any]) -> None:
    """每季度…1個 is a quarter's, 半年度…1次 a half-year's; otherwise the plan's year."""
    periods = set()
    for _, before, _ in _places(indicator):
        words = re.findall("|".join(_PERIOD_WORDS), before)
        periods.add(_PERIOD_WORDS[words[-1]] if words else "year")
    assert indicator["period"] in periods, (indicator["id"], periods)
    assert (indicator["kind"] == "periodic_count") == (indicator["period"] != "year"), indicator["id"]


@pytest.mark.parametrize("indicator", _FIGURED, ids=lambda i: i["id"])
def test_kind_is_what_the_document_measures(indicator: dict[str, Any]) -> None:
    """增速/增長 before a % is a growth rate; 高于 a margin over a reference; a rate or share otherwise a share."""
    clauses = [re.split(r"[,;。]", before)[-1] for _, before, _ in _places(indicator)]
    if indicator["unit"] == "位次":
        assert indicator["kind"] == "rank_change", indicator["id"]
        return
    if indicator["unit"] != "%":  # a number of things: per period, a stock 達到 (or the year's 總產值), or added
        if indicator["period"] != "year":
            expected = "periodic_count"
        elif any(re.search("達到|總產值", clause) for clause in clauses):
            expected = "level"
        else:
            expected = "count"
        assert indicator["kind"] == expected, (indicator["id"], clauses)
        return
    if any("高于" in clause for clause in clauses):
        expected = "margin"
    elif any(re.search("增速|增長", clause) for clause in clauses):
        expected = "growth"
    else:
        expected = "share"
    assert indicator["kind"] == expected, (indicator["id"], clauses)


@pytest.mark.parametrize("indicator", [i for i in INDICATORS if "reference" in i], ids=lambda i: i["id"])
def test_reference_is_the_level_the_document_compares_with(indicator: dict[str, Any]) -> None:
    """高于全縣增速 is measured against the county's figure; 達到全省平均水平 against the province's average."""
    places = {place for reading in _readings(indicator) for place in re.findall(r"(?:高于|達到)(全[縣州省])", reading)}
    assert len(places) == 1 and indicator["reference"].startswith(places.pop()), indicator["id"]


def test_counts_build_up_over_the_year() -> None:
    """A count is what is added during the year (the file's own definition), so it is judged against 序時進度."""
    for indicator in INDICATORS:
        if indicator["kind"] == "count":
            assert indicator.get("cumulative") is True, indicator["id"]


def _words_of(name: str, pool: str) -> list[str] | None:
    """The name cut into pieces the pool writes (two characters or more; a single 率 turns a share into a rate)."""
    if not name:
        return []
    for size in range(len(name), 0, -1):
        piece = name[:size]
        if (size >= 2 and piece in pool) or piece == "率":
            rest = _words_of(name[size:], pool)
            if rest is not None:
                return [piece, *rest]
    return None


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i["id"])
def test_name_is_made_of_the_documents_words(indicator: dict[str, Any]) -> None:
    """The name (a bracketed remark aside) is made of words (and figures) of the places it quotes or of its items:
    園區規上工業企業數, 聯合培育|龍頭企業, 規上企業數字化|普及|率."""
    name = re.sub(r"\s*\(.*\)$", "", indicator["name"])
    pool = "|".join([*_readings(indicator), *(SOURCE_BY_ID[item].text for item in indicator["items"])])
    assert _words_of(name, pool) is not None, (indicator["id"], name)
    for figure in re.findall(r"\d+(?:\.\d+)?", name):  # 年產16萬噸: a figure in the name is the document's
        assert re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", pool), (indicator["id"], figure)


SOURCE_BY_ID = {item.id: item for item in PLAN.key_tasks + PLAN.measures}
_NUMERALS = "一二三四五六七八"
_LABELLED = {
    "一、攻堅目標": PLAN.targets_text,
    **{f"({_NUMERALS[c.number - 1]})2024年工作目標": c.goal or "" for c in PLAN.campaigns},
    **{f"附件{_NUMERALS[s.number - 1]}、{s.title}目標": s.goal or "" for s in PLAN.key_sections},
}
_ALL_NAMES = {name: unit["id"] for unit in UNITS for name in (unit["name"], *unit["aliases"])}


def _item_cited(match: re.Match[str]) -> str:
    task, measure, part = match.groups()
    return f"T{int(task):02d}" if task else f"M{int(measure):02d}" + (f".{part}" if part else "")


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i["id"])
def test_items_and_owners_are_the_documents(indicator: dict[str, Any]) -> None:
    """Each quote is where its label says (重點任務39, 措施6(2), 一、攻堅目標, (四)2024年工作目標, 附件三、…目標);
    a quoted item is one of its items; the indicator's units are the 牽頭單位 of its items."""
    source = re.sub(r"\s*\([^)]*[A-Za-z][^)]*\)", "", indicator["source"])
    for part in source.split(";"):
        where, _, quoted = part.partition(":")
        cited = re.fullmatch(r"重點任務(\d+)|措施(\d+)(?:\((\d)\))?", where)
        if cited:
            item = _item_cited(cited)
            assert item in indicator["items"], (indicator["id"], item)
        text = SOURCE_BY_ID[item].text if cited else _LABELLED.get(where)
        assert text is not None, (indicator["id"], where)
        assert all(piece in text for piece in quoted.split("…") if piece), (indicator["id"], where, quoted)
    leads = {_ALL_NAMES[name] for item in indicator["items"] for name in split_units(SOURCE_BY_ID[item].lead_cell)[0]}
    assert {_ALL_NAMES[name] for name in indicator["units"]} <= leads, (indicator["id"], indicator["units"])
