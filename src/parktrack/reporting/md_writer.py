"""The report as Markdown for a forge or a wiki: pipe tables, and the charts as SVG files beside it."""

from __future__ import annotations

import re
from pathlib import Path

from parktrack.reporting.layout import Block, Document, Image, Paragraph, Subheading, Table, lines_of


def chart_folder(path: Path) -> Path:
    """Where the charts of `report.md` go: `report.charts/`, linked relatively."""
    return path.with_name(path.stem + ".charts")


def render(doc: Document, folder_name: str) -> str:
    lines = [f"# {_inline(doc.title)}", "", _line(doc.subtitle), ""]
    lines += [f"- {_inline(line)}" for line in doc.lines]
    for section in doc.sections:
        lines += ["", f"## {_inline(section.title)}", ""]
        for block in section.blocks:
            lines += [*_block(block, folder_name), ""]
    return "\n".join(lines).rstrip() + "\n"


def _block(block: Block, folder_name: str) -> list[str]:
    if isinstance(block, Paragraph):
        return [_line(block.text)]
    if isinstance(block, Subheading):
        return [f"### {_inline(block.text)}"]
    if isinstance(block, Table):
        return _table(block)
    return [f"![{_inline(block.title)}]({_link(f'{folder_name}/{file_name(block)}')})"]


# what ends or garbles a link's destination in CommonMark (a report named 調度 會議.md), percent-encoded;
# the rest, Chinese included, stays readable
_NOT_IN_LINKS = str.maketrans({"%": "%25", " ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C"})


def _link(path: str) -> str:
    return path.translate(_NOT_IN_LINKS)


def file_name(image: Image) -> str:
    return f"{image.name}.{'svg' if image.media_type == 'image/svg+xml' else 'png'}"


def _table(table: Table) -> list[str]:
    align = ["---:" if i in table.numeric else "---" for i in range(len(table.headers))]
    rows = [table.headers, align, *table.rows]
    return ["| " + " | ".join(_cell(cell) if row is not align else cell for cell in row) + " |" for row in rows]


def _cell(text: str) -> str:
    """One cell of a pipe table, on one line: CommonMark ends a line at CR too (a note pasted from Windows)."""
    return "<br>".join(_inline(line).replace("|", "\\|") for line in lines_of(text)) or " "


def _inline(text: str) -> str:
    """Keep the ledger's text literal: nothing in it should turn into Markdown markup (& starts an entity,
    &lt; would show as <; ~~ strikes through on GitHub and GitLab)."""
    for mark in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "&", "~"):
        text = text.replace(mark, "\\" + mark)
    return text


_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


def _line(text: str) -> str:
    """A paragraph of its own: also never a list item (`- `, `1. `) nor a heading's underline (`===`)."""
    return _BLOCK_START.sub(_escape_block_start, _inline(text))


def _escape_block_start(found: re.Match[str]) -> str:
    indent, mark = found[1], found[2]
    return indent + ("\\" + mark if mark[0] in "-+=" else mark[:-1] + "\\" + mark[-1])
