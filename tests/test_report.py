"""`report`: the meeting report's facts on the bundled plan and on a ledger with dated history and figures,
the --since default, and the three formats read back (Markdown text, DOCX through python-docx, HTML
printed by a real headless Chromium and read through pdftotext)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from conftest import DATA, REPO, Cli, browser, git, repo_with_history
from parktrack import ledger as ledgers
from parktrack import store
from parktrack.reporting import content, trail

SINCE, AS_OF = "2024-06-01", "2024-07-15"


def _compose(data: Path | None, as_of: str, since: str | None = None) -> content.Report:
    loaded = ledgers.load(store.find_data_dir(data) if data else store.DataDir(DATA))
    day = date.fromisoformat(as_of)
    start, source = content.window_start(
        day, date.fromisoformat(since) if since else None, lambda: trail.previous_reports(loaded.data)
    )
    return content.compose(loaded, day, start, source, trail.provenance(loaded.data))


def _raw_tasks() -> list[dict[str, object]]:
    return yaml.safe_load((DATA / "tasks.yaml").read_text(encoding="utf-8"))["tasks"]  # type: ignore[no-any-return]


@pytest.fixture
def history_ledger(cli: Cli, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled ledger in a git repo, with progress and figures recorded through the CLI.

    Built once per session (eight dated writes, each one commit), then copied for each test.
    """
    return repo_with_history(cli, tmp_path_factory, tmp_path / "ledger", "history", HISTORY)


HISTORY = [
    ("update", "T01", "--status", "done", "--date", "2024-05-20", "--note", "已制定三張清單"),
    ("update", "T02", "--status", "in_progress", "--date", "2024-06-05", "--note", "專題會議籌備中"),
    ("note", "T03", "已與縣委辦對接", "--date", "2024-06-10"),
    ("update", "T02", "--status", "done", "--date", "2024-06-25"),
    ("update", "T06", "--status", "blocked", "--date", "2024-06-28"),
    ("update", "T09", "--status", "done", "--date", "2024-07-20"),
    ("record", "gross-output", "9.5", "--period", "2024Q1", "--date", "2024-04-15"),
    ("record", "gross-output", "19.9", "--period", "2024Q2", "--date", "2024-07-10", "--source", "統計局季報"),
]


# --- the facts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "overdue", "due_soon", "quarter"),
    [("2024-06-30", 8, 4, "2024-04-01"), ("2024-07-01", 12, 0, "2024-07-01")],
)
def test_bundled_plan_headline(as_of: str, overdue: int, due_soon: int, quarter: str) -> None:
    report = _compose(None, as_of)
    day = date.fromisoformat(as_of)
    deadlines = [task["deadline"] for task in _raw_tasks() if task["deadline"]]
    # nothing is recorded in the bundled plan: overdue is every deadline before the day
    assert overdue == sum(deadline < day for deadline in deadlines)  # type: ignore[operator]
    assert due_soon == sum(0 <= (deadline - day).days <= 15 for deadline in deadlines)  # type: ignore[operator]
    headline = report.headline
    assert (headline.items, headline.done, headline.in_progress) == (83, 0, 0)
    assert (headline.overdue, headline.due_soon) == (overdue, due_soon)
    indicator_count = len(yaml.safe_load((DATA / "indicators.yaml").read_text(encoding="utf-8"))["indicators"])
    assert headline.lights == {"red": 0, "yellow": 0, "green": 0, None: indicator_count}
    assert sum(len(group.rows) for group in report.overdue) >= overdue
    assert {row.task.id for group in report.overdue for row in group.rows} == {
        str(task["id"])
        for task in _raw_tasks()
        if task["deadline"] and task["deadline"] < day  # type: ignore[operator]
    }
    assert (report.since.isoformat(), report.since_source) == (quarter, "quarter")


def test_bundled_plan_july_first_newly_overdue() -> None:
    report = _compose(None, "2024-07-01")
    assert report.since == date(2024, 7, 1) and report.since_source == "quarter"
    assert [(c.kind, c.subject_id) for c in report.changes] == [
        ("overdue", "T02"),
        ("overdue", "T05"),
        ("overdue", "T06"),
        ("overdue", "T24"),
    ]
    assert (report.before.overdue, report.headline.overdue) == (8, 12)
    managing = report.overdue[0]
    assert managing.unit == "云南武定產業園區管委會"
    assert [row.task.id for row in managing.rows] == ["T09", "T41", "T01", "T11", "T14"]
    assert [row.days_overdue for row in managing.rows] == [92, 92, 62, 62, 62]
    assert report.units[0].unit.name == "云南武定產業園區管委會" and report.units[0].overdue_lead == 5


def test_what_changed_lists_exactly_the_window(history_ledger: Path) -> None:
    report = _compose(history_ledger / "data", AS_OF, SINCE)
    assert [(c.day.isoformat(), c.kind, c.subject_id) for c in report.changes] == [
        ("2024-06-05", "status", "T02"),
        ("2024-06-10", "note", "T03"),
        ("2024-06-25", "completed", "T02"),
        ("2024-06-28", "status", "T06"),
        ("2024-07-01", "overdue", "T05"),
        ("2024-07-01", "overdue", "T06"),
        ("2024-07-01", "overdue", "T24"),
        ("2024-07-10", "figure", "gross-output"),
    ]
    status = report.changes_of("status")
    assert [(c.status_from, c.status_to, c.note) for c in status] == [
        ("not_started", "in_progress", "專題會議籌備中"),
        ("not_started", "blocked", None),
    ]
    (figure,) = report.changes_of("figure")
    assert (figure.period, figure.value, figure.correction) == ("2024Q2", 19.9, False)


def test_history_ledger_figures(history_ledger: Path) -> None:
    report = _compose(history_ledger / "data", AS_OF, SINCE)
    now, before = report.headline, report.before
    assert before.day == date(2024, 5, 31)
    assert (now.done, now.in_progress, now.overdue, now.due_soon) == (2, 0, 10, 0)
    assert (before.done, before.in_progress, before.overdue) == (1, 0, 7)
    unjudged = len(yaml.safe_load((DATA / "indicators.yaml").read_text(encoding="utf-8"))["indicators"]) - 1
    assert now.lights == {"red": 0, "yellow": 1, "green": 0, None: unjudged}  # one figure recorded
    rows = {row.task.id: row for group in report.overdue for row in group.rows}
    assert "T01" not in rows and "T02" not in rows and "T09" in rows  # T09 is done only on 07-20
    assert (rows["T03"].latest_note, rows["T03"].latest_note_day) == ("已與縣委辦對接", date(2024, 6, 10))
    assert (rows["T06"].status, rows["T06"].days_overdue) == ("blocked", 15)
    assert report.provenance.commit == git(history_ledger, "rev-parse", "--short=10", "HEAD").strip()
    assert not report.provenance.dirty
    gross = next(s for s in report.series if s.indicator.id == "gross-output")
    assert [(p.period, p.value) for p in gross.points] == [("2024Q1", 9.5), ("2024Q2", 19.9)]
    months = {point.month: point for point in report.months}
    assert (months[4].due, months[4].done) == (8, 0)
    assert (months[5].done, months[6].due, months[6].done, months[7].done, months[8].done) == (1, 12, 2, 2, None)
    leaders = [s.tally.overdue for s in report.leaders]
    assert leaders == sorted(leaders, reverse=True)


def test_since_defaults_to_the_previous_marked_report(cli: Cli, history_ledger: Path, tmp_path: Path) -> None:
    commits = git(history_ledger, "rev-list", "--count", "HEAD")
    out = tmp_path / "preview.md"
    result = cli("report", "-o", str(out), "--as-of", "2024-06-20", "--lang", "en", cwd=history_ledger)
    assert result.exit_code == 0, result.stderr
    assert git(history_ledger, "rev-list", "--count", "HEAD") == commits  # a preview leaves no trace
    assert "Changes since: 1 April 2024 (the start of the quarter)" in out.read_text(encoding="utf-8")

    marked = cli("report", "-o", str(out), "--as-of", "2024-06-20", "--mark", "--lang", "en", cwd=history_ledger)
    assert marked.exit_code == 0, marked.stderr and "marked in git" in marked.stdout
    assert git(history_ledger, "show", "--name-only", "--format=", "HEAD").strip() == ""  # no file changed
    assert git(history_ledger, "status", "--porcelain").strip() == ""
    assert "Parktrack-Report: 2024-06-20" in git(history_ledger, "log", "-1", "--format=%B")

    later = cli("report", "-o", str(out), "--as-of", AS_OF, "--lang", "en", cwd=history_ledger)
    assert later.exit_code == 0, later.stderr
    text = out.read_text(encoding="utf-8")
    assert "Changes since: 21 June 2024 (the day after the previous report)" in text
    assert _compose(history_ledger / "data", AS_OF).since == date(2024, 6, 21)
    # a report for a day before the marked one falls back to its quarter
    assert _compose(history_ledger / "data", "2024-06-10").since == date(2024, 4, 1)
    history = cli("history", "--format", "json", cwd=history_ledger)
    assert history.exit_code == 0 and "2024-06-20" not in history.stdout  # the mark is not an item change


def test_bad_output_and_window_are_usage_errors(cli: Cli, tmp_path: Path) -> None:
    wrong = cli("report", "-o", str(tmp_path / "r.pdf"), "--as-of", AS_OF, "--lang", "en")
    assert wrong.exit_code == 2 and "name the file .html, .docx or .md" in wrong.stderr
    backwards = cli("report", "-o", str(tmp_path / "r.md"), "--as-of", SINCE, "--since", AS_OF, "--lang", "en")
    assert backwards.exit_code == 2 and "is after --as-of" in backwards.stderr
    assert "Traceback" not in wrong.stderr + backwards.stderr
    bundled = cli("report", "-o", str(tmp_path / "r.md"), "--as-of", AS_OF, "--mark", "--lang", "en", cwd=tmp_path)
    assert bundled.exit_code == 5 and "the bundled plan is read-only" in bundled.stderr
    assert not list(tmp_path.iterdir())  # nothing written by any of them


# --- the formats ---------------------------------------------------------------------


def test_markdown_report(cli: Cli, history_ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "会议" / "2024Q2" / "meeting.md"  # folders not made yet: made, as `export -o` makes its
    result = cli("report", "-o", str(out), "--as-of", AS_OF, "--since", SINCE, "--lang", "en", cwd=history_ledger)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "| Overdue | 10 | 7 | +3 |" in text and "| Done | 2 | 1 | +1 |" in text
    assert "### Items that fell overdue (3)" in text and "### Figures recorded (1)" in text
    assert re.search(r"\| T03 \| .* \| not started \| 已與縣委辦對接 \| 2024-06-10 \| 76 \| 李文武 \|", text)
    charts = sorted(path.name for path in (out.parent / "meeting.charts").iterdir())
    assert charts == ["indicator-gross-output.svg", "months.svg", "overdue-units.svg"]
    assert all(f"(meeting.charts/{name})" in text for name in charts)
    (bare,) = [line for line in text.splitlines() if line.startswith("Not charted, no figure recorded yet:")]
    assert "新增規模以上工業企業" in bare and "規上工業總產值" not in bare


def test_charts_find_a_cjk_font() -> None:
    from parktrack.reporting import charts

    assert charts.cjk_font() is not None, "no CJK font for the charts: apt-get install fonts-noto-cjk (.ci/run does)"


def test_docx_report(cli: Cli, history_ledger: Path, tmp_path: Path) -> None:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    out = tmp_path / "meeting.docx"
    result = cli("report", "-o", str(out), "--as-of", AS_OF, "--since", SINCE, "--lang", "en", cwd=history_ledger)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(out))
    tag = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert (tag.find(qn("w:lang")).get(qn("w:val")), tag.find(qn("w:lang")).get(qn("w:eastAsia"))) == ("en-US", "zh-CN")
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == [
        "Headline figures",
        "What changed",
        "Overdue items by lead unit (10)",
        "Accountability",
        "Indicators",
        "Charts",
    ]
    units = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert "云南武定產業園區管委會 (4)" in units
    tables = document.tables
    assert len(tables) >= 10
    for table in tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None
    facts = {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in tables[0].rows}
    assert facts["Overdue"] == ["10", "7", "+3"]
    figures = tables[0].rows[1].cells  # headers bold; the figures' columns right-aligned, the labels not
    assert all(run.bold for cell in tables[0].rows[0].cells for run in cell.paragraphs[0].runs)
    assert [cell.paragraphs[0].alignment for cell in figures] == [None, *[WD_ALIGN_PARAGRAPH.RIGHT] * 3]
    listed = cli("overdue", "--as-of", AS_OF, "--format", "json", cwd=history_ledger)
    overdue = {item["id"] for item in json.loads(listed.stdout)}
    first_cells = {row.cells[0].text for table in tables for row in table.rows[1:]}
    assert len(overdue) == 10 and overdue <= first_cells  # each overdue item in a row of its own
    assert len(document.inline_shapes) == 3
    sizes = {(round(s.page_width.mm), round(s.page_height.mm)) for s in document.sections}  # type: ignore[union-attr]
    assert sizes == {(210, 297), (297, 210)}
    orientations = [s.orientation for s in document.sections]
    assert orientations[0] == WD_ORIENT.PORTRAIT and WD_ORIENT.LANDSCAPE in orientations


def test_html_report_in_a_real_browser(cli: Cli, history_ledger: Path, tmp_path: Path) -> None:
    assert shutil.which("pdftotext") and shutil.which("pdfinfo"), "poppler-utils is missing (.ci/run installs it)"
    out = tmp_path / "meeting.html"
    result = cli("report", "-o", str(out), "--as-of", AS_OF, "--since", SINCE, "--lang", "zh-Hans", cwd=history_ledger)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html) and "@import" not in html  # fetches nothing
    assert html.count("<svg") == 3 and "Noto Sans CJK SC" in html

    pdf = tmp_path / "meeting.pdf"
    printed = browser(tmp_path / "profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", out.as_uri())
    assert pdf.exists(), printed.stderr
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.check_output(["pdfinfo", str(pdf)], text=True))[1])  # type: ignore[index]
    assert 6 <= pages <= 20
    text = subprocess.check_output(["pdftotext", "-layout", str(pdf), "-"], text=True)
    assert re.search(r"已逾期\s+10\s+7\s+\+3", text) and re.search(r"已完成\s+2\s+1\s+\+1", text)
    assert "共83项：已完成2项，推进中0项，已逾期10项，临期0项。" in text
    assert re.search(
        r"T03 县委对产业园区.*未启动\s+已与县委办对接\s+2024-06-10\s+76\s+李文武", text
    )  # a unit's overdue item
    assert "2024年：应完成与已完成事项" in text and "2024年7月15日逾期事项数" in text  # the charts' words are text
    first_lines = [page.strip().splitlines()[0] for page in text.split("\f") if page.strip()]
    for title in ("期间变化", "逾期事项（按牵头单位，共10项）", "责任落实情况", "主要指标", "图表"):
        assert title in first_lines, f"section {title} does not start a page: {first_lines}"

    # phone width: no sideways scrolling, table rows shown as cards (a probe script reports the layout;
    # headless Chromium's narrowest window is 500 px, which is still below the 640 px phone breakpoint)
    probe = tmp_path / "phone.html"
    script = (
        "<script>document.title = 'W' + document.documentElement.scrollWidth + ' V' + window.innerWidth"
        " + ' ' + getComputedStyle(document.querySelector('td')).display;</script>"
    )
    probe.write_text(html.replace("</body>", script + "</body>"), encoding="utf-8")
    dom = browser(tmp_path / "profile2", "--window-size=390,844", "--dump-dom", probe.as_uri()).stdout
    found = re.search(r"<title>W(\d+) V(\d+) (\S+)</title>", dom)
    assert found, dom[:500]
    layout_width, viewport, cell_display = int(found[1]), int(found[2]), found[3]
    assert viewport < 640 and layout_width <= viewport and cell_display == "block"


def test_report_libraries_load_only_for_report() -> None:
    code = "import sys, parktrack.cli; print(any(m in sys.modules for m in ('matplotlib', 'docx')))"
    assert subprocess.check_output([sys.executable, "-c", code], text=True, cwd=REPO).strip() == "False"


def test_only_earlier_reports_count() -> None:
    assert content.default_since(date(2024, 7, 15), [date(2024, 6, 20), date(2024, 7, 15)]) == (
        date(2024, 6, 20) + timedelta(days=1),
        "previous_report",
    )
