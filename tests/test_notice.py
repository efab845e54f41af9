"""`notice`: 催辦 notices per lead unit, on the bundled plan and on a ledger with recorded progress."""

from __future__ import annotations

from pathlib import Path

from conftest import Cli


def test_one_unit_notice_in_chinese(cli: Cli) -> None:
    result = cli("notice", "--unit", "组织部", "--as-of", "2024-07-01", "--lang", "zh-Hans")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.startswith("催办通知\n\n县委组织部：\n")
    assert "截至2024年7月1日" in text and "已逾期事项（2项）" in text
    assert "1. T02 进一步压实县委责任" in text and "2. T05 " in text
    assert "完成时限：2024年6月底以前,并长期坚持；已逾期1天；牵头领导：潘德志；最近一次进展记录：暂无。" in text
    assert "到期事项" not in text  # nothing else falls due within 15 days
    assert text.rstrip().endswith("云南武定产业园区领导小组办公室\n2024年7月1日")


def test_items_falling_due_within_the_window(cli: Cli) -> None:
    soon = cli("notice", "--unit", "縣委組織部", "--as-of", "2024-06-20", "--lang", "en")
    assert soon.exit_code == 0, soon.stderr
    assert "A. Items due within 15 days (2)" in soon.stdout and "Overdue" not in soon.stdout
    assert soon.stdout.count("10 days left") == 2
    narrow = cli("notice", "--unit", "縣委組織部", "--as-of", "2024-06-20", "--within", "5", "--lang", "en")
    assert narrow.exit_code == 0 and narrow.stdout == ""
    assert "nothing to chase for 縣委組織部 on 2024-06-20" in narrow.stderr


def test_all_units_write_one_file_each(cli: Cli, repo: Path, tmp_path: Path) -> None:
    for step in [
        ("update", "T01", "--status", "done", "--date", "2024-05-20"),
        ("note", "T03", "已與縣委辦對接", "--date", "2024-06-10"),
        ("update", "T09", "--status", "in_progress", "--date", "2024-07-20"),
    ]:
        assert cli(*step, cwd=repo).exit_code == 0
    folder = tmp_path / "notices"
    result = cli("notice", "--all", "-o", str(folder), "--as-of", "2024-07-15", "--lang", "en", cwd=repo)
    assert result.exit_code == 0, result.stderr
    # overdue on 07-15: every item due by 06-30 except T01 (done); T24 is 縣政務服務局's
    leads = {
        "云南武定產業園區管委會",
        "縣委組織部",
        "縣委辦公室",
        "縣委編辦",
        "縣發展改革局",
        "縣工信商務科技局",
        "縣政務服務局",
    }
    assert sorted(path.name for path in folder.iterdir()) == sorted(f"2024-07-15-{name}.txt" for name in leads)
    assert result.stdout.strip() == f"wrote 7 notices to {folder}"
    office = (folder / "2024-07-15-縣委辦公室.txt").read_text(encoding="utf-8")
    assert "1. T03 " in office
    assert "76 days overdue; lead official: 李文武; last progress recorded: 10 June 2024." in office
    managing = (folder / "2024-07-15-云南武定產業園區管委會.txt").read_text(encoding="utf-8")
    assert "T01" not in managing and "A. Overdue items (4)" in managing
    # T09's entry is dated after the as-of day, so nothing is recorded for it yet on 07-15
    t09 = managing[managing.index("T09") :].splitlines()[1]
    assert t09.strip().endswith("last progress recorded: nothing yet.")


def test_all_units_on_stdout(cli: Cli) -> None:
    result = cli("notice", "--all", "--as-of", "2024-07-01", "--lang", "zh-Hans")
    assert result.exit_code == 0, result.stderr
    # overdue on 07-01: T01 T03 T09 T11 T14 T16 T17 T41 (due by April) and T02 T05 T06 T24 (due 6月底)
    assert result.stdout.count("催办通知") == 7
    assert "县财政局" not in result.stdout  # it leads nothing due before the year end


def test_usage_errors(cli: Cli, tmp_path: Path) -> None:
    neither = cli("notice", "--as-of", "2024-07-01", "--lang", "en")
    assert neither.exit_code == 2 and "--unit NAME" in neither.stderr
    both = cli("notice", "--unit", "組織部", "--all", "--lang", "en")
    assert both.exit_code == 2
    stray = cli("notice", "--unit", "組織部", "-o", str(tmp_path), "--lang", "en")
    assert stray.exit_code == 2 and "-o DIR goes with --all" in stray.stderr
    unknown = cli("notice", "--unit", "財務局", "--lang", "en")
    assert unknown.exit_code == 2 and "unknown unit" in unknown.stderr
    assert "Traceback" not in neither.stderr + both.stderr + stray.stderr + unknown.stderr
