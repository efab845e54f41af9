"""The park office's Windows, reproduced on Linux: a Chinese Windows PC whose redirected output is GBK,
files saved by Notepad and WPS (BOM, ANSI, CRLF, a trailing Ctrl-Z, full-width spaces typed through the
Chinese input method), file names Windows refuses (CON, AUX, COM1 ...), paths cmd.exe mangles, and a
temp folder on another file system than the data."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import Cli, cli_env, git

ZH = ("--lang", "zh-Hans")
EN = ("--lang", "en")
DAY = ("--as-of", "2024-06-30")

# What Windows refuses in a file name (learn.microsoft.com, "Naming Files, Paths, and Namespaces")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {f"{port}{n}" for port in ("COM", "LPT") for n in "123456789¹²³"}


def windows_refuses(name: str) -> str | None:
    """Why Windows could not create a file of this name, or None."""
    if _WINDOWS_FORBIDDEN.search(name):
        return "a character Windows forbids"
    if name.endswith((".", " ")):
        return "ends with a dot or a space"
    if name.split(".")[0].rstrip(" ").upper() in _WINDOWS_DEVICES:
        return "a device name (CON, AUX, COM1 ...), whatever the extension"
    return None


def _rename_units(data: Path, names: dict[str, str]) -> None:
    """Give units new names, keeping the old ones as aliases (so the ledger still resolves)."""
    path = data / "units.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in names.items():
        pattern = re.compile(rf"name: {re.escape(old)}\n    aliases: \[")
        assert pattern.search(text), old
        text = pattern.sub(lambda _m, old=old, new=new: f'name: "{new}"\n    aliases: [{old}, ', text, count=1)
    path.write_text(text, encoding="utf-8")


# Unit names an office could type: a device name, one that is a device name once Windows drops the
# space before the extension, one with a device name before a dot, and two that differ only in case
DEVICE_NAMES = {"縣委辦公室": "AUX", "縣人民政府辦公室": "com1 ", "縣財政局": "Nul.財政", "縣發展改革局": "aux"}


def test_sheets_for_units_named_as_windows_devices_get_files_windows_can_create(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """AUX.xlsx, `com1 .xlsx`: Windows opens the device, not a file (AUX with any extension); every unit
    still gets its own workbook, under a name Windows can create, none sharing a name in any case."""
    _rename_units(repo / "data", DEVICE_NAMES)
    assert cli("validate", *EN, cwd=repo).exit_code == 0
    folder = tmp_path / "sheets"
    result = cli("sheets", "-o", str(folder), *DAY, *ZH, cwd=repo)
    assert result.exit_code == 0, result.stderr
    names = sorted(path.name for path in folder.iterdir())
    refused = {name: why for name in names if (why := windows_refuses(name))}
    assert not refused, refused
    assert len({name.casefold() for name in names}) == len(names), names
    for unit in DEVICE_NAMES.values():  # each one's workbook is there, its name still recognisable
        assert [name for name in names if unit.strip().casefold() in name.casefold()], (unit, names)
    assert len(names) == len(result.stdout.strip().splitlines())


def test_notices_for_units_named_as_windows_devices_get_files_windows_can_create(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """Notices are named after the day first (2024-12-31-AUX.txt), a name Windows can create: held."""
    _rename_units(repo / "data", DEVICE_NAMES)
    folder = tmp_path / "notices"
    result = cli("notice", "--all", "-o", str(folder), "--as-of", "2024-12-31", *ZH, cwd=repo)
    assert result.exit_code == 0, result.stderr
    names = sorted(path.name for path in folder.iterdir())
    refused = {name: why for name in names if (why := windows_refuses(name))}
    assert not refused, refused
    assert len({name.casefold() for name in names}) == len(names), names


def test_a_config_file_saved_in_ansi_is_named_with_what_to_do(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """Notepad on a Chinese Windows saved 'ANSI' (GBK) for years: a comment in Chinese made every command
    say `'utf-8' codec can't decode byte 0xbd in position 2` (English, in a zh-Hans run), and
    `config lang en`, the command to put it right, a UnicodeDecodeError traceback."""
    path = tmp_path / "config.toml"
    path.write_bytes('# 界面语言\r\nlang = "zh-Hans"\r\n'.encode("gbk"))
    env: dict[str, str | None] = {"PARKTRACK_CONFIG": str(path), "PARKTRACK_LANG": None}
    for args in (["validate"], ["config"], ["--lang", "zh-Hans", "config", "lang", "en"]):
        result = cli(*args, env=env, cwd=repo)
        assert result.exit_code == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and "codec" not in result.stderr, (args, result.stderr)
        assert str(path) in result.stderr and "UTF-8" in result.stderr, (args, result.stderr)
        assert "第 1 行" in result.stderr, (args, result.stderr)
    assert path.read_bytes() == '# 界面语言\r\nlang = "zh-Hans"\r\n'.encode("gbk")  # left as it was


@pytest.mark.parametrize("name", ["tasks.yaml", "units.yaml", "indicators.yaml"])
def test_a_trailing_ctrl_z_is_named_with_its_line(cli: Cli, data_copy: Path, name: str) -> None:
    """An old editor (or `copy /a`) ends a text file with Ctrl-Z (0x1A): the error read
    `YAML 错误：ReaderError`, with no line and no way out."""
    path = data_copy / name
    text = path.read_bytes()
    path.write_bytes(text + b"\x1a")
    lines = text.count(b"\n") + 1
    result = cli("validate", "--data", str(data_copy), *ZH)
    assert result.exit_code == 1
    assert "ReaderError" not in result.stderr, result.stderr
    assert f"{path}:{lines}:1:" in result.stderr, result.stderr
    assert "Ctrl-Z" in result.stderr and "删除" in result.stderr, result.stderr


def test_a_full_width_space_in_the_indentation_is_named_as_such(cli: Cli, data_copy: Path) -> None:
    """With the Chinese input method on, the space bar types a full-width space (U+3000): a line indented
    with one read `YAML 语法错误：mapping values are not allowed in this context`, on the line after."""
    path = data_copy / "tasks.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines) if line == "    number: 8")
    lines[number] = "\u3000  number: 8"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = cli("validate", "--data", str(data_copy), *ZH)
    assert result.exit_code == 1
    assert f"{path}:{number + 1}:1:" in result.stderr, result.stderr
    assert "全角空格" in result.stderr and "mapping values" not in result.stderr, result.stderr
    assert cli("validate", "--data", str(data_copy), *EN).stderr.count("full-width space") == 1


def test_a_data_folder_quoted_with_a_trailing_backslash_is_recognised(cli: Cli, repo: Path) -> None:
    """cmd.exe and PowerShell pass `--data "D:\\园区 台账\\data\\"` as `D:\\园区 台账\\data"`: the backslash
    escapes the closing quote. The error said only that the folder has no tasks.yaml."""
    result = cli("validate", "--data", f'{repo / "data"}"', *ZH, cwd=repo)
    assert result.exit_code == 2
    assert str(repo / "data") in result.stderr and "\\" in result.stderr, result.stderr
    assert "引号" in result.stderr, result.stderr


@pytest.mark.parametrize("setting", ["i18n.commitEncoding", "i18n.logOutputEncoding"])
def test_git_set_to_gbk_as_chinese_windows_guides_advise(cli: Cli, repo: Path, setting: str) -> None:
    """The usual cure for garbled Chinese in `git log` in cmd.exe is `git config i18n.commitEncoding gbk`
    (the log's encoding follows it) or `i18n.logOutputEncoding gbk`. parktrack's history read the log
    as UTF-8 (the liaison's name came out as bytes of nothing), and its commits, UTF-8 text declared
    as GBK, read as 閫插睍鎯呮硜 in the office's own `git log`."""
    git(repo, "config", "user.name", "张联络员")
    git(repo, "config", setting, "gbk")
    noted = cli("note", "T07", "已对接省发改委", "--date", "2024-05-01", *ZH, cwd=repo)
    assert noted.exit_code == 0, noted.stderr
    shown = cli("history", "T07", "-f", "tsv", *ZH, "--no-cache", cwd=repo)
    assert shown.exit_code == 0, shown.stderr
    rows = [line.split("\t") for line in shown.stdout.splitlines()[1:]]
    assert [(row[1], row[4], row[9]) for row in rows] == [("张联络员", "T07", "已对接省发改委")], shown.stdout
    # the commit as git itself shows it, in the encoding the office asked of it
    message = subprocess.run(
        ["git", "log", "-1", "--format=%an%n%B"], cwd=repo, capture_output=True, check=True
    ).stdout.decode("gbk")
    assert message.startswith("张联络员\nT07: 進展情況"), message
    assert "已对接省发改委" in message, message


def test_a_full_width_colon_after_a_key_is_named_as_such(cli: Cli, data_copy: Path) -> None:
    """The Chinese input method types ： for :. `status：done` read `could not find expected ':'`, in
    English and on the line after."""
    path = data_copy / "tasks.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = lines.index("    status: not_started")
    lines[number] = "    status：not_started"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = cli("validate", "--data", str(data_copy), *ZH)
    assert result.exit_code == 1
    assert f"{path}:{number + 1}:11:" in result.stderr, result.stderr
    assert "全角冒号" in result.stderr and "expected" not in result.stderr, result.stderr
    assert "status" in result.stderr, result.stderr


def test_output_naming_a_folder_for_a_file_or_a_file_for_a_folder_says_so_in_chinese(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """`-o 催办` where 催办 is a folder (or `notice --all -o` a file) read `dir '催办' is a file`, in
    English, in a zh-Hans run."""
    folder, file = tmp_path / "催办", tmp_path / "会议材料.docx"
    folder.mkdir()
    file.write_bytes(b"kept")
    cases = [
        (["list", "-f", "csv", "-o", str(folder)], folder, "文件夹"),
        (["report", "-o", str(folder)], folder, "文件夹"),
        (["notice", "--all", "-o", str(file)], file, "文件"),
    ]
    for args, path, kind in cases:
        result = cli(*args, *DAY, *ZH, cwd=repo)
        assert result.exit_code == 2, (args, result.stderr)
        message = result.stderr.strip().splitlines()[-2]  # the error line, above the help hint
        assert str(path) in message and kind in message, (args, result.stderr)
        assert not re.search(r"is a (file|directory)", message), (args, result.stderr)
    assert file.read_bytes() == b"kept" and not any(folder.iterdir())


def test_a_sheet_round_trip_through_wechat_on_notepad_files_with_the_temp_folder_elsewhere(
    cli: Cli, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The office's PC as a whole: the ledger in a folder with spaces and Chinese in its path, its files
    saved by Notepad (UTF-8 with BOM, CRLF), the temp folder on another file system (a write that
    made its file there would fail to rename it across devices), a sheet sent back over WeChat as
    縣財政局(1).xlsx and imported from WeChat's folder. Every write lands, byte-exact in the lines
    it does not change, and the temp folder is left as it was."""
    import openpyxl

    shm = Path("/dev/shm")
    assert shm.is_dir(), "this test needs a tmpfs at /dev/shm (another file system than tmp_path)"
    temp = Path(tempfile.mkdtemp(dir=shm, prefix="parktrack-windows-"))
    try:
        assert temp.stat().st_dev != tmp_path.stat().st_dev, "the temp folder is on the same file system"
        monkeypatch.setenv("TMPDIR", str(temp))
        monkeypatch.setattr(tempfile, "tempdir", str(temp))
        office = tmp_path / "园区 办公室" / "台账 2024"
        shutil.copytree(repo, office)
        data = office / "data"
        for path in data.glob("*.yaml"):
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
        git(office, "commit", "-qam", "saved in Notepad")
        before = {path.name: path.read_bytes() for path in data.glob("*.yaml")}

        sheets = tmp_path / "填报 表"
        assert cli("sheets", "-o", str(sheets), "--unit", "縣財政局", *DAY, *ZH, cwd=office).exit_code == 0
        book = openpyxl.load_workbook(sheets / "縣財政局.xlsx")
        sheet = book.worksheets[0]
        row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "T45")
        sheet.cell(row, 6).value, sheet.cell(row, 7).value, sheet.cell(row, 8).value = "推进中", "已对接", "2024-06-20"
        wechat = tmp_path / "WeChat Files" / "wxid_park" / "FileStorage" / "File" / "2024-07"
        wechat.mkdir(parents=True)
        book.save(wechat / "縣財政局(1).xlsx")

        steps = [
            ["import", str(wechat / "縣財政局(1).xlsx")],
            ["record", "gross-output-growth", "-p", "2024Q2", "5.1"],
            ["report", "-o", str(tmp_path / "会议 材料" / "报告.docx"), *DAY],
            ["export", "-o", str(tmp_path / "会议 材料" / "台账.xlsx"), *DAY],
            ["notice", "--all", "-o", str(tmp_path / "催办 通知"), "--as-of", "2024-12-31"],
        ]
        (tmp_path / "会议 材料").mkdir()
        for step in steps:
            result = cli(*step, *ZH, cwd=office)
            assert result.exit_code == 0, (step, result.stderr)
        assert list(temp.iterdir()) == []
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    assert git(office, "status", "--porcelain") == ""
    changed = {path.name: path.read_bytes() for path in data.glob("*.yaml")}
    for name, old in before.items():  # BOM kept, every line still CRLF, only added or changed lines differ
        new = changed[name]
        assert new.startswith(b"\xef\xbb\xbf") and new.count(b"\n") == new.count(b"\r\n"), name
        kept = set(old.split(b"\r\n")) - set(new.split(b"\r\n"))
        assert len(kept) <= 2, (name, kept)
    assert "T45" in git(office, "log", "-1", "--skip=1", "--format=%B")
    assert (tmp_path / "会议 材料" / "报告.docx").stat().st_size > 0


def test_an_item_id_typed_in_full_width_is_found(cli: Cli, repo: Path) -> None:
    """The Chinese input method left in full-width mode types Ｔ０７: dates (２０２４-０６-３０), periods
    and figures in full width were read, the id was 找不到事项“Ｔ０７”."""
    shown = cli("show", "Ｔ０７", "-f", "tsv", "--as-of", "２０２４-０６-３０", *ZH, cwd=repo)
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.splitlines()[0] == "编号\tT07"
    updated = cli("update", "ｔ７", "Ｍ３．１", "-s", "推进中", "--date", "2024-05-01", *ZH, cwd=repo)
    assert updated.exit_code == 0, updated.stderr
    assert "T07" in updated.stdout and "M03.1" in updated.stdout, updated.stdout
    assert "T07" in git(repo, "log", "-1", "--format=%B") and "M03.1" in git(repo, "log", "-1", "--format=%B")


def test_a_config_file_ending_in_ctrl_z_is_named_with_what_to_do(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A config.toml ending in Ctrl-Z read `不是有效的 TOML 文件：Invalid statement (at line 3, column 1)`."""
    path = tmp_path / "config.toml"
    path.write_bytes('# 界面语言\r\nlang = "zh-Hans"\r\n\x1a'.encode())
    result = cli("validate", env={"PARKTRACK_CONFIG": str(path), "PARKTRACK_LANG": None}, cwd=repo)
    assert result.exit_code == 2
    assert str(path) in result.stderr and "第 3 行" in result.stderr, result.stderr
    assert "Ctrl-Z" in result.stderr and "删除" in result.stderr and "Invalid" not in result.stderr, result.stderr


def test_import_of_a_wildcard_as_windows_passes_it(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """README's `parktrack import 填報/*.xlsx`: cmd.exe and PowerShell hand a program the * as typed
    (expanding it is the program's job), so it read `填報/*.xlsx：文件不存在`. Expanded, the match also
    skips Excel's owner file ~$縣財政局.xlsx, which stands beside a workbook open in Excel."""
    import openpyxl

    folder = tmp_path / "填報"
    assert cli("sheets", "-o", str(folder), *DAY, *ZH, cwd=repo).exit_code == 0
    book = openpyxl.load_workbook(folder / "縣財政局.xlsx")
    sheet = book.worksheets[0]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "T45")
    sheet.cell(row, 6).value, sheet.cell(row, 7).value, sheet.cell(row, 8).value = "推进中", "已对接", "2024-06-20"
    book.save(folder / "縣財政局.xlsx")
    (folder / "~$縣財政局.xlsx").write_bytes(
        b"\x05Admin" + b"\x20" * 48 + b"\x05\x00A\x00d\x00m\x00i\x00n\x00" + bytes(100)
    )
    result = cli("import", str(folder / "*.xlsx"), *ZH, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert "~$" not in result.stdout
    assert git(repo, "log", "-1", "--format=%s").startswith("縣財政局:"), git(repo, "log", "-3", "--format=%s")
    assert len(git(repo, "log", "--format=%s").splitlines()) == 2  # the import, and the ledger's first commit
    nothing = cli("import", str(tmp_path / "回收" / "*.xlsx"), *ZH, cwd=repo)
    assert nothing.exit_code == 2 and "回收" in nothing.stderr and "*.xlsx" in nothing.stderr, nothing.stderr


def test_an_excel_owner_file_named_to_import_is_said_to_be_one(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """A shell that expands 填報/*.xlsx itself (bash, on a folder shared with the office) names Excel's
    owner file ~$縣財政局.xlsx too: it read 文件已损坏……请用 Excel 或 WPS 重新保存, sending the office
    to re-save a file that is no workbook."""
    owner = tmp_path / "~$縣財政局.xlsx"
    owner.write_bytes(b"\x05Admin" + b"\x20" * 48 + bytes(110))
    result = cli("import", str(owner), *ZH, cwd=repo)
    assert result.exit_code == 2, result.stderr
    assert str(owner) in result.stderr and "Excel" in result.stderr, result.stderr
    assert "重新保存" not in result.stderr and "关闭" in result.stderr, result.stderr


def test_files_written_with_o_stay_utf8_with_a_bom_on_a_gbk_console(repo: Path, tmp_path: Path) -> None:
    """Output redirected on a Chinese Windows is GBK: the CSV written with -o is still UTF-8 with a BOM
    (what Excel and WPS read right), while the line saying where it went (on stderr) is in the console's GBK.
    One real process, as the console script's own streams are what is at stake."""
    target = tmp_path / "逾期 事项.csv"
    shown = subprocess.run(
        [sys.executable, "-m", "parktrack", "--lang", "zh-Hans", "overdue", "--as-of", "2024-12-31", "-f", "csv",
         "-o", str(target)],
        capture_output=True, cwd=repo, env=cli_env(PYTHONIOENCODING="gbk"), check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr.decode("gbk", "replace")
    assert str(target) in shown.stderr.decode("gbk") and shown.stdout == b""
    written = target.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    rows = written.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("编号,") and len(rows) > 10 and any("縣" in row or "县" in row for row in rows)


def test_a_ledger_edited_by_hand_in_notepad_is_checked_in_chinese(cli: Cli, data_copy: Path) -> None:
    """The office edits tasks.yaml in Notepad: a status set by hand with no dated entry, a unit typed
    wrong, a group listed as a unit, a 完成時限 whose date was not changed with it, a history entry
    dated before the one above it, an empty one. validate named each in English in a zh-Hans run
    (status 'done' disagrees with the last status in history, 'not_started')."""
    path = data_copy / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    t07 = text.index("  - id: T07")
    block = text[t07 : text.index("  - id: T08")]
    edited = (
        block.replace("status: not_started", "status: done")
        .replace("lead_units: [云南武定產業園區管委會]", "lead_units: [云南武定產業園區管委, 縣級有關部門]")
        .replace("deadline_text: 2024年12月底以前", "deadline_text: 2024年9月底以前")
        .replace(
            "history: []",
            "history:\n    - {date: 2024-05-01, note: 已对接}\n    - {date: 2024-04-01, note: 补记}\n"
            "    - {date: 2024-06-01}",
        )
    )
    path.write_text(text[:t07] + edited + text[t07 + len(block) :], encoding="utf-8")
    result = cli("validate", "--data", str(data_copy), *ZH)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 7, result.stderr  # six problems, and the count
    english = [line for line in lines if re.search(r"[a-z]{2,} [a-z]{2,} [a-z]{2,}", line)]
    assert not english and "unknown" not in result.stderr, english or result.stderr
    assert all(f"{path}:" in line for line in lines[:-1]), result.stderr


def test_indicators_edited_by_hand_in_notepad_are_checked_in_chinese(cli: Cli, data_copy: Path) -> None:
    """indicators.yaml edited in Notepad: a growth rate given in 億元, a 力爭 figure below the target, a
    yearly target made per quarter. validate named each in English in a zh-Hans run."""
    path = data_copy / "indicators.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: value-added-growth")
    block = text[start : text.index("  - id: revenue-growth")]
    edited = block.replace('unit: "%"', "unit: 億元").replace("stretch: 11", "stretch: 9")
    edited = edited.replace("period: year", "period: quarter")
    path.write_text(text[:start] + edited + text[start + len(block) :], encoding="utf-8")
    result = cli("validate", "--data", str(data_copy), *ZH)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, result.stderr  # three problems, and the count
    english = [line for line in lines if re.search(r"[a-z]{2,} [a-z]{2,} [a-z]{2,}", line)]
    assert not english, english
    assert all(f"{path}:" in line and "value-added-growth." in line for line in lines[:-1]), result.stderr
