"""Indicators: the data against the document, the arithmetic of every kind, and `record` end to end."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DATA, Cli, git
from parktrack.errors import UsageError
from parktrack.indicators import assess, parse_value
from parktrack.models import Indicator
from plan_source import SOURCE, clean, read_plan

INDICATORS: list[dict[str, Any]] = yaml.safe_load((DATA / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]
DOCUMENT = "".join(clean(line) for line in SOURCE.read_text(encoding="utf-8").splitlines())
PLAN = read_plan()


def _quotes(source: str) -> list[str]:
    """The document's words quoted in a source field: after each 'where:' label, split at …"""
    source = re.sub(r"\s*\([^)]*[A-Za-z][^)]*\)", "", source)  # a remark in brackets naming another indicator
    quotes = []
    for part in source.split(";"):
        _, _, quoted = part.partition(":")
        quotes += [piece for piece in quoted.split("…") if piece]
    return quotes


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i["id"])
def test_source_quotes_the_document(indicator: dict[str, Any]) -> None:
    quotes = _quotes(indicator["source"])
    assert quotes
    for quote in quotes:
        assert quote in DOCUMENT, quote
    if indicator["kind"] == "milestone" or (indicator["kind"] == "margin" and indicator["target"] == 0):
        return  # yes/no, or "達到全省平均水平": no figure to find
    figure = f"{indicator['target']:g}"
    written = _WRITTEN.get(figure, figure)
    assert any(figure in quote or written in quote for quote in quotes), (figure, quotes)


_WRITTEN = {"100": "全普及", "1": "一家"}  # the document's words for 100% and for one company
_STRIVE = re.compile(r"力爭|爭取")


def _readings(source: str) -> list[str]:
    """Each place the source quotes, whole (an elision … kept inside), without the remarks in brackets."""
    source = re.sub(r"\s*\([^)]*[A-Za-z][^)]*\)", "", source)
    return [part.partition(":")[2] for part in source.split(";")]


def _striven(reading: str, indicator: dict[str, Any]) -> bool:
    """Whether the document strives for (力爭/爭取) the target in this reading, rather than sets it."""
    if indicator["kind"] == "milestone":
        return bool(_STRIVE.search(reading))
    figure = f"{indicator['target']:g}"
    written = _WRITTEN.get(figure, figure)
    at = reading.find(figure) if figure in reading else reading.find(written)
    return bool(_STRIVE.search(reading[:at]))


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i["id"])
def test_aspirational_targets_are_marked_as_the_document_words_them(indicator: dict[str, Any]) -> None:
    """力爭 before the target's figure in every reading, or in none; readings that differ are two indicators."""
    readings = [_striven(reading, indicator) for reading in _readings(indicator["source"])]
    assert readings == [indicator.get("aspirational", False)] * len(readings), (indicator["id"], readings)


_STRIVEN_CLAUSE = re.compile(r"(?:力爭|爭取)[^。;,]*?(?:\d+|一家)|力爭創建[^。;,]*")


def test_every_striven_target_of_an_item_is_an_aspirational_indicator() -> None:
    """Key task 8's 爭取引進一家, T19's 20% and 50%, M01's 2個, M15's 5個位次, T26's 力爭創建 ..."""
    striven = {item.id for item in PLAN.key_tasks + PLAN.measures if _STRIVEN_CLAUSE.search(item.text)}
    covered = {item for i in INDICATORS if i.get("aspirational") for item in i["items"]}
    assert striven == {"T08", "T19", "T26", "M01", "M15"}
    assert striven <= covered
    assert "力爭全年完成規上工業總產值41.9億元" in PLAN.targets_text
    assert next(i for i in INDICATORS if i["target"] == 41.9).get("aspirational") is True


def test_where_the_document_sets_and_strives_for_one_target_both_readings_are_kept() -> None:
    by_id = {i["id"]: i for i in INDICATORS}
    for firm, striven in (
        ("rank-gain", "rank-gain-striven"),
        ("provincial-green-park", "provincial-green-park-striven"),
    ):
        assert not by_id[firm].get("aspirational") and by_id[striven]["aspirational"]
        assert by_id[firm]["target"] == by_id[striven]["target"] and by_id[firm]["kind"] == by_id[striven]["kind"]
        assert striven in by_id[firm]["source"] and firm in by_id[striven]["source"]
    assert "成功創建" in by_id["provincial-green-park"]["source"] and "M09.3" in by_id["provincial-green-park"]["items"]
    assert "力爭創建" in by_id["provincial-green-park-striven"]["source"]
    assert by_id["provincial-green-park-striven"]["items"] == ["T26"]
    operator = by_id["professional-park-operator"]
    assert (operator["target"], operator["unit"], operator["items"]) == (1, "家", ["T08"])


def _figures(text: str) -> set[float]:
    return {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text) if n != "2024"}


def test_every_figure_of_the_targets_and_goals_is_an_indicator() -> None:
    targets = {float(i["target"]) for i in INDICATORS} | {float(i["stretch"]) for i in INDICATORS if "stretch" in i}
    goals = [s.goal or "" for s in PLAN.key_sections + PLAN.campaigns]
    for text in [PLAN.targets_text, *goals]:
        assert _figures(text) <= targets, text


def test_targets_that_disagree_are_both_kept() -> None:
    by_id = {i["id"]: i for i in INDICATORS}
    assert by_id["leading-industry-revenue-share"]["target"] == 68
    assert by_id["main-business-revenue-share"]["target"] == 50
    assert "重點任務19" in by_id["main-business-revenue-share"]["source"]
    assert by_id["value-added-growth"]["target"] == 10 and by_id["value-added-growth"]["stretch"] == 11
    assert by_id["quarterly-project-starts"]["alternative"] == "annual-new-projects"
    assert by_id["annual-new-projects"]["alternative"] == "quarterly-project-starts"


def test_bundled_indicators_validate(cli: Cli) -> None:
    result = cli("--lang", "en", "validate")
    assert result.exit_code == 0 and f"{len(INDICATORS)} indicators" in result.stdout


# --- arithmetic, kind by kind ------------------------------------------------------


def indicator(**fields: Any) -> Indicator:
    base: dict[str, Any] = {"id": "x", "name": "x", "unit": "個", "kind": "count", "target": 4, "source": "s"}
    return Indicator.model_validate({**base, **fields})


def figures(*entries: tuple[str, Any, str]) -> list[dict[str, Any]]:
    return [{"period": p, "value": v, "recorded": r} for p, v, r in entries]


MID = date(2024, 6, 30)


def test_cumulative_count_against_its_pace() -> None:
    land = indicator(unit="畝", target=268.76, cumulative=True)
    on_pace = land.model_copy(update={"actuals": [*map(_actual, figures(("2024Q2", 140, "2024-07-05")))]})
    progress = assess(on_pace, date(2024, 7, 5), 2024)
    assert progress.light == "green" and progress.verdict == "on pace"
    assert progress.expected == pytest.approx(268.76 * 182 / 366)
    behind = land.model_copy(update={"actuals": [*map(_actual, figures(("2024Q2", 100, "2024-07-05")))]})
    assert assess(behind, date(2024, 7, 5), 2024).verdict == "behind pace"
    hopeless = land.model_copy(update={"actuals": [*map(_actual, figures(("2024Q2", 50, "2024-07-05")))]})
    assert assess(hopeless, date(2024, 7, 5), 2024).light == "red"
    met = land.model_copy(update={"actuals": [*map(_actual, figures(("2024Q3", 270, "2024-10-05")))]})
    assert assess(met, date(2024, 10, 5), 2024).verdict == "met"
    assert assess(met, date(2024, 7, 1), 2024).light is None  # not yet recorded on that day


def test_rates_and_shares_are_not_prorated() -> None:
    growth = indicator(unit="%", kind="growth", target=10, stretch=11)
    at_half = growth.model_copy(update={"actuals": [_actual(f) for f in figures(("2024-06", 9, "2024-07-10"))]})
    progress = assess(at_half, date(2024, 7, 10), 2024)
    assert progress.light == "yellow" and progress.pace is None and progress.attainment == pytest.approx(0.9)
    stretched = growth.model_copy(update={"actuals": [_actual(f) for f in figures(("2024", 11.2, "2025-01-20"))]})
    final = assess(stretched, date(2025, 1, 20), 2024)
    assert final.verdict == "stretch met" and final.stretch_attainment == pytest.approx(11.2 / 11)
    missed = growth.model_copy(update={"actuals": [_actual(f) for f in figures(("2024", 9.5, "2025-01-20"))]})
    assert assess(missed, date(2025, 1, 20), 2024).light == "red"


def test_at_most_and_margin_against_a_reference() -> None:
    energy = indicator(unit="噸標準煤/萬元", kind="margin", comparison="at_most", target=0, reference="全省平均")
    above = energy.model_copy(
        update={"actuals": [_actual({"period": "2024", "value": 0.9, "reference": 0.8, "recorded": "2025-02-01"})]}
    )
    assert assess(above, date(2025, 2, 1), 2024).light == "red"
    below = energy.model_copy(
        update={"actuals": [_actual({"period": "2024Q2", "value": 0.7, "reference": 0.8, "recorded": "2024-07-20"})]}
    )
    assert assess(below, date(2024, 7, 20), 2024).light == "green"
    margin = indicator(unit="%", kind="margin", target=5, reference="全縣增速")
    short = margin.model_copy(
        update={"actuals": [_actual({"period": "2024Q2", "value": 12, "reference": 9, "recorded": "2024-07-20"})]}
    )
    progress = assess(short, date(2024, 7, 20), 2024)
    assert progress.value == 3 and progress.light == "yellow" and progress.attainment == pytest.approx(0.6)


def test_per_quarter_count_checked_quarter_by_quarter() -> None:
    starts = indicator(kind="periodic_count", period="quarter", target=1)
    series = figures(("2024Q1", 1, "2024-04-05"), ("2024Q2", 2, "2024-07-05"))
    good = starts.model_copy(update={"actuals": [_actual(f) for f in series]})
    assert assess(good, MID, 2024).verdict == "met 2024Q1"  # Q2's figure is not in yet, and Q2 is not over
    assert assess(good, date(2024, 7, 20), 2024).verdict == "met 2024Q1, 2024Q2"
    assert assess(good, date(2024, 10, 2), 2024).verdict == "no figure for 2024Q3"
    gap = figures(("2024Q1", 0, "2024-04-05"), ("2024Q2", 3, "2024-07-05"))
    missed = starts.model_copy(update={"actuals": [_actual(f) for f in gap]})
    assert assess(missed, date(2024, 7, 5), 2024).verdict == "missed 2024Q1"


def test_rank_change_about_five() -> None:
    rank = indicator(unit="位次", kind="rank_change", comparison="about", target=5)
    for gained, light in ((5, "green"), (6, "green"), (4.5, "green"), (4, "red")):
        final = rank.model_copy(
            update={"actuals": [_actual({"period": "2024", "value": gained, "recorded": "2025-03-01"})]}
        )
        assert assess(final, date(2025, 3, 1), 2024).light == light, gained


def test_milestone() -> None:
    park = indicator(unit="是否", kind="milestone", target=1)
    pending = park.model_copy(update={"actuals": [_actual(f) for f in figures(("2024Q2", False, "2024-07-01"))]})
    assert assess(pending, date(2024, 7, 1), 2024).light == "yellow"
    assert assess(pending, date(2025, 1, 1), 2024).light == "red"
    done = park.model_copy(update={"actuals": [_actual(f) for f in figures(("2024Q3", True, "2024-10-01"))]})
    assert assess(done, date(2024, 10, 1), 2024).light == "green"


def test_stock_level_is_judged_at_year_end() -> None:
    firms = indicator(unit="戶", kind="level", target=25)
    mid = firms.model_copy(update={"actuals": [_actual(f) for f in figures(("2024Q2", 22, "2024-07-01"))]})
    assert assess(mid, date(2024, 7, 1), 2024).light == "yellow"


@pytest.mark.parametrize(
    ("fields", "text", "value"),
    [
        ({"unit": "%", "kind": "share"}, "12.5%", 12.5),
        ({"unit": "%", "kind": "share"}, "12.5", 12.5),
        ({"unit": "億元", "kind": "level"}, "41.9億元", 41.9),
        ({"unit": "是否", "kind": "milestone"}, "是", True),
        ({"unit": "是否", "kind": "milestone"}, "no", False),
        ({"unit": "個"}, "3", 3.0),
    ],
)
def test_values_are_read_by_unit_and_kind(fields: dict[str, Any], text: str, value: object) -> None:
    assert parse_value(indicator(**fields), text) == value


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"unit": "億元", "kind": "level"}, "12%"),
        ({"unit": "個"}, "2.5"),
        ({"unit": "是否", "kind": "milestone"}, "3"),
        ({"unit": "個"}, "many"),
        ({"unit": "個"}, "-1"),
    ],
)
def test_values_that_do_not_fit_are_refused(fields: dict[str, Any], text: str) -> None:
    with pytest.raises(UsageError):
        parse_value(indicator(**fields), text)


def _actual(fields: dict[str, Any]) -> Any:
    from parktrack.models import Actual

    return Actual.model_validate(fields)


# --- end to end ------------------------------------------------------------------


def _indicators(cli: Cli, repo: Path, *args: str) -> dict[str, dict[str, Any]]:
    result = cli("--lang", "en", "indicators", *args, "--format", "json", cwd=repo)
    assert result.exit_code == 0, result.stderr
    return {row["id"]: row for row in json.loads(result.stdout)}


def test_an_indicators_detail_says_what_its_verdict_weighed_the_figure_against(cli: Cli, repo: Path) -> None:
    """A Q1 figure read in July was called behind pace with no numbers: the table's 序時進度 is July's,
    the verdict weighs the figure against the pace at the end of Q1."""
    recorded = cli("record", "gross-output", "10", "--period", "2024Q1", "--date", "2024-04-10", cwd=repo)
    assert recorded.exit_code == 0, recorded.stderr
    shown = cli("indicators", "gross-output", "--as-of", "2024-07-15", "-f", "table", "--lang", "en", cwd=repo)
    lines = {line.split(maxsplit=1)[0]: line.split(maxsplit=1)[1] for line in shown.stdout.splitlines()[:12] if line}

    def year_share(day: date) -> float:  # README: 序時進度 is the share of the year elapsed
        return ((day - date(2024, 1, 1)).days + 1) / 366

    assert lines["Attained"] == f"{10 / 41.9:.1%}"
    assert lines["Pace"] == f"{year_share(date(2024, 7, 15)):.1%}"
    expected = f"{round(41.9 * year_share(date(2024, 3, 31)), 2):g}"
    assert lines["Expected"] == f"{expected}億元 by the end of 2024Q1, the pace the verdict weighs its figure against"
    assert lines["Verdict"] == "behind pace"


def test_record_says_the_figure_as_stored_not_as_typed(cli: Cli, repo: Path) -> None:
    """A figure typed in a Chinese input method's full width was echoed as typed (１０．５％)."""
    typed = ("record", "value-added-growth", "１０．５％", "--period", "2024Q2", "--date", "2024-07-05")
    result = cli(*typed, "--lang", "zh-Hans", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "value-added-growth 2024Q2: 10.5%"
    stored = cli("indicators", "value-added-growth", "-f", "json", cwd=repo)
    assert json.loads(stored.stdout)["actuals"][0]["value"] == 10.5


def test_record_and_judge_one_of_each_kind(cli: Cli, repo: Path) -> None:
    records = [
        ("gross-output", "19.9", "2024-06", "2024-06-30"),  # cumulative level
        ("above-scale-firms", "22", "2024-06", "2024-06-30"),  # stock level
        ("value-added-growth", "10.5%", "2024-06", "2024-06-30"),  # growth
        ("standard-land-share", "35", "2024-06", "2024-06-30"),  # share
        ("unsupplied-land-disposed", "150", "2024-06", "2024-06-30"),  # count added
        ("typical-experience-reports", "1", "2024-06", "2024-06-30"),
        ("quarterly-project-starts", "0", "2024Q1", "2024-04-10"),  # per quarter
        ("quarterly-project-starts", "2", "2024Q2", "2024-06-30"),
        ("rank-gain", "5", "2024-06", "2024-06-30"),  # rank change
        ("provincial-green-park", "否", "2024-06", "2024-06-30"),  # milestone
    ]
    for indicator_id, value, period, when in sorted(records, key=lambda r: r[3]):
        result = cli("--lang", "en", "record", indicator_id, value, "--period", period, "--date", when, cwd=repo)
        assert result.exit_code == 0, result.stderr
    margin = cli(
        "--lang",
        "en",
        "record",
        "industrial-investment-margin",
        "12",
        "--reference",
        "9",
        "--period",
        "2024-06",
        "--date",
        "2024-06-30",
        cwd=repo,
    )
    assert margin.exit_code == 0, margin.stderr
    early = _indicators(cli, repo, "--as-of", "2024-03-31")
    assert all(row["light"] is None for row in early.values())  # nothing was recorded by then
    rows = _indicators(cli, repo, "--as-of", "2024-06-30")
    lights = {key: (row["light"], row["verdict"]) for key, row in rows.items() if row["light"]}
    assert lights == {
        "gross-output": ("yellow", "behind pace"),
        "above-scale-firms": ("yellow", "not yet met"),
        "value-added-growth": ("green", "met"),
        "standard-land-share": ("yellow", "not yet met"),
        "unsupplied-land-disposed": ("green", "on pace"),
        "typical-experience-reports": ("green", "met"),
        "quarterly-project-starts": ("red", "missed 2024Q1"),
        "rank-gain": ("green", "met"),
        "provincial-green-park": ("yellow", "not yet met"),
        "industrial-investment-margin": ("yellow", "not yet met"),
    }
    assert rows["gross-output"]["attainment"] == pytest.approx(19.9 / 41.9)
    assert rows["gross-output"]["expected"] == pytest.approx(41.9 * 182 / 366)
    assert rows["value-added-growth"]["attainment"] == pytest.approx(1.05)
    assert rows["value-added-growth"]["stretch_attainment"] == pytest.approx(10.5 / 11)
    assert rows["unsupplied-land-disposed"]["pace"] == pytest.approx(182 / 366)
    assert rows["industrial-investment-margin"]["value"] == 3
    assert rows["quarterly-project-starts"]["attainment"] == pytest.approx(0.5)
    assert git(repo, "log", "-1", "--format=%s").strip() == "industrial-investment-margin 2024-06: 12% (reference 9)"
    table = cli("--lang", "en", "indicators", "--as-of", "2024-06-30", cwd=repo).stdout
    assert "≥41.9億元" in table and "19.9億元" in table and "50%" in table


def test_correction_keeps_the_old_figure(cli: Cli, repo: Path) -> None:
    cli("--lang", "en", "record", "gross-output", "19.5", "--period", "2024Q2", "--date", "2024-07-10", cwd=repo)
    again = cli(
        "--lang", "en", "record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-11", cwd=repo
    )
    assert again.exit_code == 2 and "already has 19.5 for 2024Q2; pass --correct" in again.stderr
    fixed = cli(
        "--lang",
        "en",
        "record",
        "gross-output",
        "19.9",
        "--period",
        "2024q2",
        "--date",
        "2024-07-11",
        "--correct",
        cwd=repo,
    )
    assert fixed.exit_code == 0, fixed.stderr
    row = json.loads(
        cli("--lang", "en", "indicators", "gross-output", "--as-of", "2024-07-12", "-f", "json", cwd=repo).stdout
    )
    assert [(a["value"], a.get("correction", False)) for a in row["actuals"]] == [(19.5, False), (19.9, True)]
    assert row["latest"]["value"] == 19.9
    assert "(更正 19.5)" in git(repo, "log", "-1", "--format=%s")
    chart = cli("--lang", "en", "indicators", "gross-output", "--as-of", "2024-07-12", cwd=repo).stdout
    assert "█" in chart and "target" in chart and "19.9億元" in chart


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["record", "gross-output", "12%", "--period", "2024Q1"], "is measured in 億元, not %"),
        (
            ["record", "gross-outpt", "12", "--period", "2024Q1"],
            "unknown indicator 'gross-outpt' (did you mean gross-output",
        ),
        (["record", "gross-output", "12", "--period", "2024Q5"], "'2024Q5' is not a period"),
        (["record", "industrial-investment-margin", "12", "--period", "2024Q1"], "give it with --reference"),
        (["record", "quarterly-project-starts", "1", "--period", "2024"], "recorded per quarter"),
        (
            ["record", "gross-output", "19.9", "--period", "2024Q3"],
            "a figure for 2024Q3 dated 2024-04-10, before the period began on 2024-07-01",
        ),
    ],
)
def test_bad_figures_write_nothing(cli: Cli, repo: Path, args: list[str], message: str) -> None:
    before = (repo / "data" / "indicators.yaml").read_bytes()
    result = cli("--lang", "en", *args, "--date", "2024-04-10", cwd=repo)
    assert result.exit_code == 2 and message in result.stderr, (result.exit_code, result.stderr)
    assert (repo / "data" / "indicators.yaml").read_bytes() == before


def test_validate_checks_indicators(cli: Cli, data_copy: Path) -> None:
    path = data_copy / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    stretch: 11\n", "    stretch: 9\n")
    text = text.replace("    items: [T19]\n", "    items: [T91]\n", 1)
    text = text.replace(
        '  - id: revenue-growth\n    name: 營業收入增速\n    unit: "%"',
        "  - id: revenue-growth\n    name: 營業收入增速\n    unit: 億元",
    )
    text = text.replace(
        "    actuals: []\n  - id: above-scale-firms",
        '    actuals:\n    - {period: "2024Q1", value: 1, recorded: 2024-04-01}\n'
        '    - {period: "2024Q1", value: 2, recorded: 2024-04-02}\n  - id: above-scale-firms',
    )
    path.write_text(text, encoding="utf-8")
    result = cli("--lang", "en", "validate", "--data", str(data_copy))
    body = result.stderr
    assert result.exit_code == 1
    assert "value-added-growth.stretch: the stretch target 9 does not lie beyond the target 10" in body
    assert "gross-output.items[0]: unknown task 'T91'" in body
    assert "revenue-growth.unit: a growth indicator is measured in %, not 億元" in body
    assert "new-above-scale-firms.actuals[1].period: duplicate period 2024Q1" in body


def test_indicator_table_fits_80_columns(cli: Cli) -> None:
    from rich.cells import cell_len

    out = cli("--lang", "en", "indicators", "--as-of", "2024-06-30", env={"COLUMNS": "80"}).stdout
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    assert "gross-output" in out and "≥41.9億元" in out
