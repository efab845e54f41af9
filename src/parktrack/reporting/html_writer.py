"""The report as one self-contained HTML file: inline CSS and SVG, nothing fetched.

Prints on A4 with every section on a fresh page; on a phone-width screen (a chat app's browser)
each table row becomes a card whose cells carry their column's name.
"""

from __future__ import annotations

import re
from html import escape

from parktrack.reporting.layout import Block, Document, Image, Paragraph, Section, Subheading, Table, lines_of

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
    '"WenQuanYi Zen Hei", "Noto Sans CJK TC", "SimHei", sans-serif'
)

CSS = """
@page { size: A4; margin: 15mm 12mm; }
* { box-sizing: border-box; }
body { font-family: FONTS; color: #1a1a1a; margin: 0 auto; padding: 16px; max-width: 1100px;
  line-height: 1.5; font-size: 15px; -webkit-text-size-adjust: 100%; overflow-wrap: anywhere; }
header h1 { font-size: 1.6em; margin: 0 0 .2em; }
header .subtitle { font-size: 1.1em; margin: 0 0 .6em; }
header ul { list-style: none; padding: 0; margin: 0 0 1em; color: #444; }
section { margin-top: 2em; }
h2 { font-size: 1.3em; border-bottom: 2px solid #1a1a1a; padding-bottom: .2em; }
h3 { font-size: 1.05em; margin: 1.2em 0 .4em; }
h2, h3 { break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; font-size: .92em; }
th, td { border: 1px solid #c8c8c8; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.line, th { white-space: nowrap; }
td:not(.line) { min-width: 10em; }  /* running text keeps a readable width beside a long note */
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.facts { width: auto; min-width: 50%; }
figure { margin: 1em 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; max-width: 760px; display: block; }
figcaption { font-size: .92em; color: #444; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  section { margin-top: 0; break-before: page; page-break-before: always; }
  section.first { break-before: auto; page-break-before: auto; }
}
@media screen and (max-width: 640px) {
  body { padding: 10px; font-size: 15px; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards thead { display: none; }
  table.cards tr { border: 1px solid #c8c8c8; border-radius: 6px; margin: 0 0 .6em; padding: 4px 0; }
  table.cards td { border: none; padding: 2px 8px; text-align: left; white-space: normal; }
  table.cards td::before { content: attr(data-label) ": "; font-weight: bold; color: #555; }
}
""".replace("FONTS", FONT_STACK)


def render(doc: Document) -> str:
    lang = {"zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant"}.get(doc.language, "en")
    sections = "\n".join(_section(section, first=index == 0) for index, section in enumerate(doc.sections))
    lines = "".join(f"<li>{escape(line)}</li>" for line in doc.lines)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(doc.full_title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>{escape(doc.title)}</h1><p class="subtitle">{escape(doc.subtitle)}</p><ul>{lines}</ul></header>\n'
        f"{sections}\n</body>\n</html>\n"
    )


def _section(section: Section, first: bool) -> str:
    classes = f"{section.key}{' first' if first else ''}"
    body = "\n".join(_block(block) for block in section.blocks)
    return f'<section id="{section.key}" class="{classes}">\n<h2>{escape(section.title)}</h2>\n{body}\n</section>'


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_text(block.text)}</p>"
    if isinstance(block, Subheading):
        return f"<h3>{escape(block.text)}</h3>"
    if isinstance(block, Table):
        return _table(block)
    return _figure(block)


def _text(text: str) -> str:
    """Text shown as it is: escaped, its line breaks kept (HTML shows a bare newline as a space)."""
    return "<br>\n".join(escape(line) for line in lines_of(text))


def _table(table: Table) -> str:
    def cls(position: int) -> str:
        names = ["num"] if position in table.numeric else []
        names += [] if position in table.wrap else ["line"]
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{cls(i)}>{escape(h)}</th>" for i, h in enumerate(table.headers))
    rows = "\n".join(
        "<tr>"
        + "".join(
            f'<td{cls(i)} data-label="{escape(table.headers[i])}">{_text(cell)}</td>' for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in table.rows
    )
    classes = " ".join(filter(None, (table.css, "cards")))
    return f'<table class="{classes}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>'


_PROLOG = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def _figure(image: Image) -> str:
    svg = _PROLOG.sub("", image.data.decode("utf-8"), count=1)
    label = escape(image.title)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return f'<figure id="chart-{image.name}">\n{svg}\n<figcaption>{label}</figcaption>\n</figure>'
