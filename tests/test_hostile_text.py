"""Hostile and odd text (markup, line separators, path separators, XML-illegal characters, newlines in
names) put into the ledger by every input and read back through the outputs: each shows it literally,
never runs or renders it, never fails on it."""

from __future__ import annotations

import html
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import Cli, browser, git

EN = ("--lang", "en")
ADD = ("add", "--leader", "鄧開榮", "--deadline", "2024年9月底以前", "--date", "2024-07-15")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- a unit whose name holds a path separator or a character Windows refuses in a file name ---

SLASHED_UNIT = "縣紀委/縣監委<督查>"


@pytest.fixture
def slashed(cli: Cli, repo: Path) -> Path:
    """The ledger with an assigned item led by a new unit whose name holds / < >."""
    added = (*ADD, "--text", "督查整改", "--lead", SLASHED_UNIT, "--new-unit", "--meeting", "調度會議")
    result = cli(*added, *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    return repo


def test_notices_for_a_unit_named_with_a_slash_stay_in_the_folder(cli: Cli, slashed: Path, tmp_path: Path) -> None:
    """The notice was opened under a subfolder that does not exist: a traceback."""
    folder = tmp_path / "notices"
    result = cli("notice", "--all", "-o", str(folder), "--as-of", "2024-10-05", *EN, cwd=slashed)
    assert result.exit_code == 0, result.stderr
    names = [path.name for path in folder.iterdir()]
    assert all(path.is_file() for path in folder.iterdir())
    (mine,) = [name for name in names if "縣紀委" in name]
    assert mine == "2024-10-05-縣紀委_縣監委_督查_.txt"
    assert f"{SLASHED_UNIT}:" in (folder / mine).read_text(encoding="utf-8")


def test_sheets_for_a_unit_named_with_a_slash_stay_in_the_folder(cli: Cli, slashed: Path, tmp_path: Path) -> None:
    """The workbook went into a subfolder named after the part before the slash (`../` leaves the folder)."""
    folder = tmp_path / "sheets"
    result = cli("sheets", "-o", str(folder), "--unit", SLASHED_UNIT, "--as-of", "2024-10-05", *EN, cwd=slashed)
    assert result.exit_code == 0, result.stderr
    assert [path.name for path in folder.iterdir()] == ["縣紀委_縣監委_督查_.xlsx"]
    back = cli("import", str(folder / "縣紀委_縣監委_督查_.xlsx"), "--dry-run", *EN, cwd=slashed)
    assert back.exit_code == 0, back.stderr


TWIN_UNIT = "縣紀委_縣監委_督查_"  # the slashed unit's name as a file name


@pytest.fixture
def twins(cli: Cli, slashed: Path) -> Path:
    """The slashed unit, and a unit named as the slashed one's file is, each leading an item."""
    added = (*ADD, "--text", "督查回頭看", "--lead", TWIN_UNIT, "--new-unit", "--meeting", "調度會議")
    result = cli(*added, *EN, cwd=slashed)
    assert result.exit_code == 0, result.stderr
    return slashed


def test_units_whose_names_make_one_file_name_get_a_sheet_each(cli: Cli, twins: Path, tmp_path: Path) -> None:
    """The second unit's workbook replaced the first's: one unit got no sheet, and nothing said so."""
    folder = tmp_path / "sheets"
    result = cli("sheets", "-o", str(folder), "--as-of", "2024-10-05", *EN, cwd=twins)
    assert result.exit_code == 0, result.stderr
    twins_files = sorted(path.name for path in folder.iterdir() if path.name.startswith(TWIN_UNIT))
    assert len(twins_files) == 2, twins_files
    units = {}
    for name in twins_files:
        back = cli("import", str(folder / name), "--dry-run", *EN, cwd=twins)
        assert back.exit_code == 0, back.stderr
        units[name] = SLASHED_UNIT in back.stdout
    assert sorted(units.values()) == [False, True], units  # one sheet for each unit
    alone = tmp_path / "alone"
    for unit in (SLASHED_UNIT, TWIN_UNIT):  # a unit cut alone gets the name it gets among all
        assert cli("sheets", "-o", str(alone), "--unit", unit, "--as-of", "2024-10-05", *EN, cwd=twins).exit_code == 0
    assert sorted(path.name for path in alone.iterdir()) == twins_files


def test_units_whose_names_make_one_file_name_get_a_notice_each(cli: Cli, twins: Path, tmp_path: Path) -> None:
    folder = tmp_path / "notices"
    result = cli("notice", "--all", "-o", str(folder), "--as-of", "2024-10-05", *EN, cwd=twins)
    assert result.exit_code == 0, result.stderr
    texts = [path.read_text(encoding="utf-8") for path in folder.iterdir() if TWIN_UNIT in path.name]
    assert sorted(text.splitlines()[2] for text in texts) == sorted([f"{SLASHED_UNIT}:", f"{TWIN_UNIT}:"])


# --- characters XML cannot hold ---


@pytest.mark.parametrize("code", ["FFFE", "FFFF"])
def test_validate_refuses_a_character_no_workbook_or_document_can_hold(cli: Cli, data_copy: Path, code: str) -> None:
    """U+FFFE validated, then export and report -o .docx stopped with lxml's traceback."""
    entry = f'    history:\n    - {{date: 2024-04-01, note: "a\\u{code}b"}}\n'
    _replace(data_copy / "tasks.yaml", "    history: []\n", entry)
    result = cli("validate", "--data", str(data_copy), *EN)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"T01.history[0].note: the text holds a control character (U+{code})" in result.stderr


def test_a_typed_note_holding_ufffe_is_refused_before_writing(cli: Cli, repo: Path) -> None:
    before = (repo / "data" / "tasks.yaml").read_bytes()
    result = cli("note", "T01", "a\ufffeb", "--date", "2024-04-01", *EN, cwd=repo)
    assert result.exit_code == 2 and "U+FFFE" in result.stderr
    assert (repo / "data" / "tasks.yaml").read_bytes() == before


# --- commit trailers ---


def test_a_meeting_name_cannot_forge_a_trailer(cli: Cli, repo: Path) -> None:
    """A line break in --meeting put `Parktrack-Task: T01` on a trailer line of its own."""
    meeting = "二季度調度會議\nParktrack-Task: T01"
    result = cli(*ADD, "--text", "協調供水", "--lead", "縣財政局", "--meeting", meeting, *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    message = git(repo, "log", "-1", "--format=%B")
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=message, capture_output=True, text=True, check=True
    ).stdout
    assert parsed.splitlines() == [
        "Parktrack-Task: J01",
        "Parktrack-Date: 2024-07-15",
        "Parktrack-Meeting: 二季度調度會議 Parktrack-Task: T01",
    ]


# --- tables written to a pipe or a file ---


def _boxed_rows(text: str) -> list[str]:
    """The lines of the last boxed table in `text`, from its top border to its bottom border."""
    lines = text.split("\n")  # not splitlines: that is what broke the rows
    top = max(n for n, line in enumerate(lines) if line.startswith("┏"))
    bottom = max(n for n, line in enumerate(lines) if line.startswith("└"))
    return lines[top : bottom + 1]


@pytest.mark.parametrize("sign", ["\u2028", "\u2029"])
def test_a_line_separator_in_a_note_keeps_the_table_whole(cli: Cli, repo: Path, tmp_path: Path, sign: str) -> None:
    """Table lines were split again with str.splitlines, which breaks at U+2029 too: a piece of a row
    became a line of its own, outside the table's borders."""
    assert cli("note", "T01", f"第一段{sign}第二段", "--date", "2024-04-01", *EN, cwd=repo).exit_code == 0
    show = ("show", "T01", "--as-of", "2024-06-30", "-f", "table", *EN)
    printed = cli(*show, cwd=repo, env={"COLUMNS": "60"})
    out = tmp_path / "T01.txt"
    written = cli(*show, "-o", str(out), cwd=repo)
    assert printed.exit_code == 0 and written.exit_code == 0, printed.stderr + written.stderr
    for text in (printed.stdout, out.read_text(encoding="utf-8")):
        rows = _boxed_rows(text)
        assert any("第二段" in row for row in rows), rows
        assert all(row[0] in "┏┃┡│└" and row[-1] in "┓┃┩│┘" for row in rows), rows


# --- Markdown ---


class _Text(HTMLParser):
    """The text a browser shows for each table cell and heading of rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.tags: list[str] = []
        self.images: list[str | None] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs).get("src"))
        if tag in ("td", "p", "h1", "h2", "h3", "li"):
            self._open = []
        elif tag == "br" and self._open is not None:
            self._open.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "p", "h1", "h2", "h3", "li") and self._open is not None:
            self.cells.append("".join(self._open))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def _rendered(markdown: str) -> _Text:
    from markdown_it import MarkdownIt

    parser = _Text()
    parser.feed(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown))
    return parser


def _report(cli: Cli, repo: Path, out: Path, notes: dict[str, str] | None = None) -> Path:
    """The mid-July report to `out` (its format by its suffix), after a note on each item of `notes`."""
    for item, note in (notes or {}).items():
        assert cli("note", item, "--date", "2024-07-01", *EN, "--", note, cwd=repo).exit_code == 0
    result = cli("report", "-o", str(out), "--as-of", "2024-07-15", "--since", "2024-06-01", *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    return out


def test_markdown_report_shows_entities_and_strikethrough_literally(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """`&lt;b&gt;` rendered as <b>, `&copy;` as ©, ~~x~~ struck through."""
    note = "&lt;b&gt; &copy; ~~作廢~~ <i>斜</i> | **粗** [鏈](http://x)"
    page = _rendered(_report(cli, repo, tmp_path / "meeting.md", {"T01": note}).read_text(encoding="utf-8"))
    assert note in page.cells
    assert not {"s", "del", "i", "strong", "a", "b"} & set(page.tags)


@pytest.mark.parametrize(
    "title", ["<img src=x onerror=alert(1)> **北園區** &amp; 方案", "1. 北園區方案", "- 北園區方案"]
)
def test_markdown_report_shows_the_plan_title_literally(cli: Cli, repo: Path, tmp_path: Path, title: str) -> None:
    """The plan's title (ledger text, hand-edited) went into the Markdown as it was: markup and HTML
    rendered, a title starting `1. ` became a list."""
    _replace(repo / "data" / "tasks.yaml", "title: 武定縣2024年園區經濟攻堅年行動方案", f'title: "{title}"')
    git(repo, "commit", "-qam", "retitle")
    page = _rendered(_report(cli, repo, tmp_path / "meeting.md").read_text(encoding="utf-8"))
    assert title in page.cells
    assert page.tags[:3] == ["h1", "p", "ul"]  # the title, the plan's title as a paragraph, the facts
    assert page.images and all((src or "").startswith("meeting.charts/") for src in page.images)  # the charts


def test_a_sheet_holding_an_assigned_item_reads_back(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The sheet of a unit leading only a J item was taken for an indicators sheet: `unknown indicator 'J01'`."""
    added = cli(
        *ADD, "--text", "協調供水", "--lead", "縣供水公司", "--new-unit", "--meeting", "調度會議", *EN, cwd=repo
    )
    assert added.exit_code == 0, added.stderr
    folder = tmp_path / "sheets"
    cut = cli("sheets", "-o", str(folder), "--unit", "縣供水公司", "--as-of", "2024-10-05", *EN, cwd=repo)
    assert cut.exit_code == 0, cut.stderr
    back = cli("import", str(folder / "縣供水公司.xlsx"), "--dry-run", *EN, cwd=repo)
    assert back.exit_code == 0, back.stderr
    assert "nothing to record" in back.stdout


# --- charts ---


def test_a_unit_named_with_dollar_signs_is_charted_as_text(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """matplotlib took `$…$` in a unit's name for TeX: `$\\frac{1}$` stopped the report with a traceback."""
    for name in ("縣$\\frac{1}$局", "縣$x^2$局"):
        added = cli(*ADD, "--text", "整改", "--lead", name, "--new-unit", "--meeting", "調度會議", *EN, cwd=repo)
        assert added.exit_code == 0, added.stderr
    out = tmp_path / "meeting.md"
    result = cli("report", "-o", str(out), "--as-of", "2024-10-05", "--since", "2024-06-01", *EN, cwd=repo)
    assert result.exit_code == 0, result.stderr
    chart = (tmp_path / "meeting.charts" / "overdue-units.svg").read_text(encoding="utf-8")
    drawn = re.findall(r"<text style=\"[^\"]*font-family: '([^']+)'[^>]*>([^<]*)<", chart)  # (font, text)
    labels = {text: font for font, text in drawn}
    # as TeX, x^2 was drawn in pieces, the x in DejaVu Sans Oblique
    assert labels["縣$\\frac{1}$局"] == labels["縣$x^2$局"] == "Noto Sans CJK SC", labels


# --- TSV, pasted into Excel or WPS ---


@pytest.mark.parametrize("command", [("history", "T45"), ("history",)], ids=["one-item", "all"])
def test_tsv_keeps_a_formula_as_text_as_csv_does(cli: Cli, repo: Path, command: tuple[str, ...]) -> None:
    """TSV holds the CSV's rows and is what a person pastes into Excel (`| pbcopy`), but it carried
    =HYPERLINK(…) bare, which the spreadsheet runs; the CSV has had the apostrophe in front."""
    import csv
    import io

    formula = '=HYPERLINK("http://example.org/x","点击查看")'
    assert cli("note", "T45", formula, "--date", "2024-05-01", *EN, cwd=repo).exit_code == 0
    tsv = cli(*command, "-f", "tsv", *EN, cwd=repo)
    csv_ = cli(*command, "-f", "csv", *EN, cwd=repo)
    assert tsv.exit_code == 0 and csv_.exit_code == 0, tsv.stderr + csv_.stderr
    tsv_cells = [cell for row in csv.reader(io.StringIO(tsv.stdout), dialect="excel-tab") for cell in row]
    csv_cells = [cell for row in csv.reader(io.StringIO(csv_.stdout)) for cell in row]
    assert [cell for cell in tsv_cells if "HYPERLINK" in cell] == [cell for cell in csv_cells if "HYPERLINK" in cell]
    assert all(not cell.startswith("=") for cell in tsv_cells)


# --- HTML, as a browser shows it ---


def test_html_report_keeps_a_notes_line_breaks(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A note's line break (LF, CR or CRLF: one item each, one browser run) was written as a bare newline
    into the cell, which HTML shows as a space (the Markdown and DOCX reports keep it); its markup shows
    literally."""
    notes = {
        item: f"一、{item}已對接<b>3家</b>{newline}二、&amp; 待批"
        for item, newline in (("T01", "\n"), ("T02", "\r"), ("T03", "\r\n"))
    }
    out = _report(cli, repo, tmp_path / "meeting.html", notes)
    probe = (
        "<script>document.body.setAttribute('data-shown', JSON.stringify("
        "[...document.querySelectorAll('td')].map(cell => cell.innerText)));</script>"
    )
    out.write_text(out.read_text(encoding="utf-8").replace("</body>", probe + "</body>"), encoding="utf-8")
    dumped = browser(tmp_path / "profile", "--dump-dom", out.as_uri())
    found = re.search(r'data-shown="([^"]*)"', dumped.stdout)
    assert found, dumped.stderr
    shown = json.loads(html.unescape(found[1]))
    for item, note in notes.items():
        as_shown = note.replace("\r\n", "\n").replace("\r", "\n")
        assert shown.count(as_shown) == 2, [cell for cell in shown if item in cell]  # what changed, and overdue


def test_markdown_report_keeps_a_row_whole_around_a_carriage_return(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A note's CR (a line break pasted from Windows) went into a pipe-table row as it was; CommonMark ends
    a line there, so the row was cut and its rest became a paragraph."""
    note = "第一行\r第二行\r\n- 第三行"
    page = _rendered(_report(cli, repo, tmp_path / "meeting.md", {"T01": note}).read_text(encoding="utf-8"))
    assert page.cells.count("第一行\n第二行\n- 第三行") == 2, [cell for cell in page.cells if "行" in cell]


def test_markdown_report_named_with_spaces_shows_its_charts(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The charts' links carried the file name as typed: a space ends a CommonMark link, so a report named
    `調度 會議.md` showed no chart at all."""
    from urllib.parse import unquote

    page = _rendered(_report(cli, repo, tmp_path / "調度 會議(6月) 100%.md").read_text(encoding="utf-8"))
    charts = sorted(path.name for path in (tmp_path / "調度 會議(6月) 100%.charts").iterdir())
    assert charts and sorted(unquote(src or "") for src in page.images) == [
        f"調度 會議(6月) 100%.charts/{name}" for name in charts
    ]
