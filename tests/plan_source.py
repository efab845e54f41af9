"""An independent reading of the source document, for the transcription test.

It cleans the converter's artefacts the way docs/source/README.md describes and
returns every item as the document writes it, so that tests can compare
data/tasks.yaml with the document cell by cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "docs" / "source" / "plan.txt"

_PINYIN = re.compile(r"\([a-zA-Z\u00c0-\u024f\u1e00-\u1eff]+\)")
# Two mojibake runs the converter left; the README names the first, the
# second (key task 33) reads 發展潛力大、帶動作用明顯 in the original.
_GARBLED = {"更新?lián)Q代": "更新換代", "發展?jié)摿Υ蟆幼饔妹黠@": "發展潛力大、帶動作用明顯"}
GROUPS = (
    "領導小組成員單位",
    "縣級有關部門",
    "有關行業主管部門",
    "縣級有關行業主管部門",
    "有關部門",
    "各縣級政策性和商業銀行",
)
CAMPAIGN_NUMBERS = "一二三四五六七八"


@dataclass
class SourceItem:
    id: str
    section: int
    text: str
    lead_cell: str
    support_cell: str
    leaders: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    measure_title: str | None = None


@dataclass
class SourceSection:
    number: int
    title: str
    goal: str | None


@dataclass
class SourceHeader:
    """The notice's title block: the plan's title, the attachment's title, the date it was issued."""

    title: str
    ledger: str
    issued: date


@dataclass
class SourcePlan:
    key_sections: list[SourceSection]
    campaigns: list[SourceSection]
    key_tasks: list[SourceItem]
    measures: list[SourceItem]
    targets_text: str
    header: SourceHeader


def clean(text: str) -> str:
    text = _PINYIN.sub("", text)
    for garbled, word in _GARBLED.items():
        text = text.replace(garbled, word)
    return text.replace(" ", "")


def split_units(cell: str) -> tuple[list[str], list[str]]:
    """Split a unit cell into named units and open-ended groups."""
    units: list[str] = []
    groups: list[str] = []
    for part in re.split(r"[、,]", cell):
        head, sep, tail = part.partition("等")
        if sep:
            part, groups_part = head, tail
            groups.append(groups_part)
        if part in GROUPS:
            groups.append(part)
        elif part.endswith("黨工委及管委會"):
            stem = part.removesuffix("黨工委及管委會")
            units += [stem + "黨工委", stem + "管委會"]
        elif part:
            units.append(part)
    return units, groups


def read_plan(path: Path = SOURCE) -> SourcePlan:
    lines = [clean(line) for line in path.read_text(encoding="utf-8").splitlines()]
    start = lines.index("二、攻堅措施")
    end = lines.index("三、保障措施")
    annex = lines.index("附件", end)
    campaigns, measures = _read_measures(lines[start + 1 : end])
    key_sections, key_tasks = _read_ledger(lines[annex + 1 :])
    targets = lines[lines.index("一、攻堅目標") + 1]
    return SourcePlan(key_sections, campaigns, key_tasks, measures, targets, _read_header(lines))


def _read_header(lines: list[str]) -> SourceHeader:
    """The notice names the plan in 《》, signs and dates itself, and lists its attachment as 附件:title."""
    title = re.search(r"《(.+?)》已經", "".join(lines))
    signed = next(
        re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", line) for line in lines if re.fullmatch(r"\d{4}年.*日", line)
    )
    attachment = next(line.removeprefix("附件:") for line in lines if line.startswith("附件:"))
    assert title and signed
    return SourceHeader(title[1], attachment, date(int(signed[1]), int(signed[2]), int(signed[3])))


_CAMPAIGN = re.compile(r"^\(([一二三四五])\)(.+)$")
_MEASURE = re.compile(r"^(\d+)\.(.+)$")
_ITEM = re.compile(r"^\((\d)\)(.+)$")
_UNITS = re.compile(r"^(.*)\(牽頭單位:(.*?);責任單位:(.*)\)$")


def _read_measures(lines: list[str]) -> tuple[list[SourceSection], list[SourceItem]]:
    entries: list[list[str]] = []  # [kind, text]
    for line in lines:
        if _CAMPAIGN.match(line):
            entries.append(["campaign", line])
        elif line.startswith("2024年工作目標:"):
            entries.append(["goal", line])
        elif _MEASURE.match(line):
            entries.append(["measure", line])
        elif _ITEM.match(line) or entries[-1][0] == "measure":
            entries.append(["body", line])
        else:  # a line break inside a sentence
            entries[-1][1] += line
    campaigns: list[SourceSection] = []
    measures: list[SourceItem] = []
    measure_no, title, item_count = 0, "", 0
    for kind, text in entries:
        if kind == "campaign":
            m = _CAMPAIGN.match(text)
            assert m
            campaigns.append(SourceSection(CAMPAIGN_NUMBERS.index(m[1]) + 1, m[2], None))
        elif kind == "goal":
            campaigns[-1].goal = text.removeprefix("2024年工作目標:")
        elif kind == "measure":
            m = _MEASURE.match(text)
            assert m
            measure_no, title, item_count = int(m[1]), m[2], 0
        else:
            item = _ITEM.match(text)
            body = item[2] if item else text
            parts = _UNITS.match(body)
            assert parts, body
            item_id = f"M{measure_no:02d}" + (f".{item[1]}" if item else "")
            item_count += 1
            measures.append(SourceItem(item_id, len(campaigns), parts[1], parts[2], parts[3], measure_title=title))
    return campaigns, measures


def _read_ledger(lines: list[str]) -> tuple[list[SourceSection], list[SourceItem]]:
    rows = lines[lines.index("序號|") + 6 :]  # after the header row
    assert all(line.endswith("|") for line in rows)
    cells = [line.removesuffix("|") for line in rows]
    sections: list[SourceSection] = []
    tasks: list[SourceItem] = []
    i = 0
    while i < len(cells):
        heading = re.match(r"^([一二三四五六七八])、([^(]+)(?:\(2024年度工作目標:(.*)\))?$", cells[i])
        if heading:
            number = CAMPAIGN_NUMBERS.index(heading[1]) + 1
            sections.append(SourceSection(number, heading[2], heading[3]))
            i += 1
            continue
        number, text, leader, lead, support, deadline = cells[i : i + 6]
        tasks.append(
            SourceItem(
                f"T{int(number):02d}",
                len(sections),
                text,
                lead,
                support,
                leaders=[leader],
                deadline_text=deadline,
            )
        )
        i += 6
    return sections, tasks
