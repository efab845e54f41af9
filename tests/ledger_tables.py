"""台賬 tables for the init tests, written with openpyxl in the attachment's layout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from parktrack import store
from parktrack.ledger import Ledger, load
from parktrack.models import Section, Task

HEADER = ["序號", "具體工作舉措", "牽頭領導", "牽頭單位", "配合單位", "完成時限"]
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Written:
    path: Path
    row_of: dict[str, int]  # task id -> its spreadsheet row number


def bundled_ledger() -> Ledger:
    from conftest import DATA

    return load(store.DataDir(DATA), indicators=False)


def section_heading(section: Section) -> str:
    heading = f"{NUMERALS[section.number - 1]}、{section.title}"
    return heading + (f"(2024年度工作目標:{section.goal})" if section.goal else "")


def write_key_task_table(
    path: Path,
    title: str,
    sections: Sequence[Section],
    tasks: Sequence[Task],
    extra_columns: Sequence[str] = (),
    id_column: bool = False,
) -> Written:
    """Title row, header row, a heading row per section (merged across), one row per item."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "重點任務"
    header = (["ID"] if id_column else []) + HEADER + list(extra_columns)
    width = len(header)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(header)
    row_of: dict[str, int] = {}
    for section in sections:
        sheet.append([section_heading(section)])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        for task in tasks:
            if task.section != section.number:
                continue
            cells = [
                str(int(task.id[1:])),
                task.text,
                "、".join(task.leaders),
                "、".join(task.lead_units),
                "、".join([*task.support_units, *task.groups]),
                task.deadline_text or "",
            ]
            tracking = ["未啟動"] + [""] * (len(extra_columns) - 1) if extra_columns else []
            sheet.append(([task.id] if id_column else []) + cells + tracking)
            row_of[task.id] = sheet.max_row
    book.save(path)
    return Written(path, row_of)
