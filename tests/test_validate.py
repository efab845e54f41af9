"""`parktrack validate`: the bundled data passes; broken copies fail with located, one-line errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Cli


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _assert_clean_failure(result: object, code: int = 1) -> list[str]:
    assert result.exit_code == code, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    return result.stderr.splitlines()  # type: ignore[attr-defined,no-any-return]


def test_bundled_data_validates(cli: Cli) -> None:
    result = cli("--lang", "en", "validate", "--data", "data")
    assert result.exit_code == 0, result.stderr
    assert re.fullmatch(r".*data: ok, 83 tasks, 41 indicators, 27 units, 4 groups\n", result.stdout)


def _two_problems(tasks: Path) -> tuple[int, int]:
    """An unknown unit in T07, and T02's deadline written 50%: each problem's line."""
    _replace(
        tasks,
        "lead_units: [云南武定產業園區管委會]\n    support_units: [縣財政局, 縣稅務局]",
        "lead_units: [縣財正局]\n    support_units: [縣財政局, 縣稅務局]",
    )
    _replace(tasks, "deadline: 2024-06-30", 'deadline: "50%"')
    return _line_of(tasks, '"50%"'), _line_of(tasks, "縣財正局")


def test_validate_as_json_locates_every_problem_for_a_program(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    deadline_line, unit_line = _two_problems(tasks)
    result = cli("validate", "--data", str(data_copy), "--format", "json", "--lang", "zh-Hans")
    assert result.exit_code == 1 and result.stderr.startswith("错误") and len(result.stderr.splitlines()) == 1
    report = json.loads(result.stdout)
    assert (report["ok"], report["folder"], report["counts"]) == (False, str(data_copy), None)
    located = [(p["file"], p["line"], p["column"], p["where"]) for p in report["problems"]]
    assert located == [
        (str(tasks), deadline_line, 15, "T02.deadline"),
        (str(tasks), unit_line, 18, "T07.lead_units[0]"),
    ]
    assert "縣財正局" in report["problems"][1]["message"]  # the message in the interface's language
    good = json.loads(cli("validate", "--data", "data", "-f", "json").stdout)
    assert (good["ok"], good["problems"]) == (True, [])
    assert good["counts"] == {"tasks": 83, "indicators": 41, "units": 27, "groups": 4}


def test_validate_for_github_annotates_each_problem_on_its_line(cli: Cli, data_copy: Path) -> None:
    """GitHub shows a workflow command `::error file=…,line=…::…` on that line of the pull request: the
    file named from where the job runs, % and line breaks escaped as GitHub's toolkit escapes them."""
    tasks = data_copy / "tasks.yaml"
    deadline_line, unit_line = _two_problems(tasks)
    result = cli("validate", "--format", "github", "--lang", "en", cwd=data_copy.parent)
    assert result.exit_code == 1 and result.stderr == "error: 2 problems found\n", result.stderr
    assert result.stdout.splitlines() == [
        f"::error file=data/tasks.yaml,line={deadline_line},col=15::T02.deadline: expected a date written "
        "YYYY-MM-DD, got '50%25'",
        f"::error file=data/tasks.yaml,line={unit_line},col=18::T07.lead_units[0]: unknown unit '縣財正局' "
        "(did you mean 縣財政局?)",
    ]
    good = cli("validate", "-f", "github", "--data", "data", "--lang", "en")
    assert good.exit_code == 0 and re.fullmatch(
        r".*data: ok, 83 tasks, 41 indicators, 27 units, 4 groups\n", good.stdout
    )


def test_validate_for_gitlab_writes_a_code_quality_report_and_says_each_problem(cli: Cli, data_copy: Path) -> None:
    """GitLab lists a code quality report's issues (its subset of Code Climate's) in the merge request;
    the report goes to a file (-o), so the job's log gets every problem as the text format says it."""
    tasks = data_copy / "tasks.yaml"
    deadline_line, unit_line = _two_problems(tasks)
    report = data_copy.parent / "gl-code-quality-report.json"
    result = cli("validate", "-f", "gitlab", "-o", str(report), "--lang", "en", cwd=data_copy.parent)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines()[-3:] == [
        f"{tasks}:{deadline_line}:15: T02.deadline: expected a date written YYYY-MM-DD, got '50%'",
        f"{tasks}:{unit_line}:18: T07.lead_units[0]: unknown unit '縣財正局' (did you mean 縣財政局?)",
        "error: 2 problems found",
    ]
    issues = json.loads(report.read_text(encoding="utf-8"))
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in issues] == [
        ("data/tasks.yaml", deadline_line, "major"),
        ("data/tasks.yaml", unit_line, "major"),
    ]
    assert issues[1]["description"] == "T07.lead_units[0]: unknown unit '縣財正局' (did you mean 縣財政局?)"
    assert len({i["fingerprint"] for i in issues}) == 2 and all(i["check_name"] == "parktrack-validate" for i in issues)
    again = cli("validate", "-f", "gitlab", "--lang", "en", cwd=data_copy.parent)  # the same problems, the same ids
    assert [i["fingerprint"] for i in json.loads(again.stdout)] == [i["fingerprint"] for i in issues]
    good = cli("validate", "-f", "gitlab", "--data", "data")
    assert good.exit_code == 0 and json.loads(good.stdout) == []


def test_unknown_unit_is_located_with_a_suggestion(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    _replace(
        tasks,
        "lead_units: [云南武定產業園區管委會]\n    support_units: [縣財政局, 縣稅務局]",
        "lead_units: [縣財正局]\n    support_units: [縣財政局, 縣稅務局]",
    )
    line = _line_of(tasks, "縣財正局")
    lines = _assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy)))
    assert lines[0] == f"{tasks}:{line}:18: T07.lead_units[0]: unknown unit '縣財正局' (did you mean 縣財政局?)"
    assert lines[-1] == "error: 1 problem found"


def test_every_problem_is_reported_in_one_run(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    _replace(tasks, "deadline: 2024-06-30", "deadline: 2024-6-30")  # T02: wrong shape
    _replace(tasks, "status: not_started", "status: finished")  # T01: not in the life cycle
    _replace(
        tasks,
        "deadline: 2024-04-30\n    long_term: true\n    status: not_started\n    history: []\n  - id: T04",
        "deadline: 2024-04-31\n    long_term: true\n    status: not_started\n    history: []\n  - id: T04",
    )  # T03
    _replace(
        tasks, "support_units: [縣委編辦, 云南武定產業園區管委會]", "support_units: [縣委編辦, 領導小組成員單位]"
    )  # T05: a group as a unit
    lines = _assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy)))
    body = "\n".join(lines)
    assert "T01.status: unknown status 'finished'" in body
    assert "T02.deadline: expected a date written YYYY-MM-DD, got '2024-6-30'" in body
    assert "T03.deadline:" in body and "2024-04-31" in body
    assert "T05.support_units[1]: '領導小組成員單位' is a group; list it under groups" in body
    assert lines[-1] == "error: 4 problems found"
    assert all(re.match(rf"{re.escape(str(tasks))}:\d+:\d+: ", line) for line in lines[:-1])


def test_two_units_whose_names_differ_only_in_script_are_refused(cli: Cli, data_copy: Path) -> None:
    """縣財政局 and 县财政局 as two units: every Chinese table shows both as 县财政局, and `--unit` finds
    the items of only one. One unit's own name in the other script, as its alias, is fine."""
    units = data_copy / "units.yaml"
    _replace(units, "  - id: taxation\n", "  - id: finance2\n    name: 县财政局\n    kind: unit\n  - id: taxation\n")
    result = _assert_clean_failure(cli("validate", "--data", str(data_copy), "--lang", "en"))
    line = _line_of(units, "name: 县财政局")
    assert result[0] == (
        f"{units}:{line}:11: finance2.name: name '县财政局' is '縣財政局' of unit 'finance' in the other script: "
        "one body as two units; keep one (the other spelling may be its alias) and name it in the items"
    )
    _replace(units, "  - id: finance2\n    name: 县财政局\n    kind: unit\n", "")
    _replace(units, "    name: 縣財政局\n    aliases: []", "    name: 縣財政局\n    aliases: [县财政局]")
    assert cli("validate", "--data", str(data_copy), "--lang", "en").exit_code == 0


def test_deadline_must_agree_with_its_written_form(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    _replace(tasks, "deadline: 2024-04-30", "deadline: 2024-04-29")
    lines = _assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy)))
    assert "T01.deadline: does not agree with 完成時限 '2024年4月底以前,并長期堅持', which means 2024-04-30" in lines[0]


def test_duplicate_key_is_refused(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    _replace(tasks, "    status: not_started\n", "    status: not_started\n    status: done\n")
    line = _line_of(tasks, "status: done")
    lines = _assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy)))
    assert lines[0] == f"{tasks}:{line}:5: T01.status: duplicate key 'status'"


def test_tab_indentation_is_refused(cli: Cli, data_copy: Path) -> None:
    units = data_copy / "units.yaml"
    _replace(units, "    name: 縣財政局", "\tname: 縣財政局")
    line = _line_of(units, "\tname")
    lines = _assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy)))
    assert lines[0] == f"{units}:{line}:1: tab used for indentation; indent with spaces"


def test_empty_file_is_refused(cli: Cli, data_copy: Path) -> None:
    (data_copy / "units.yaml").write_text("# nothing yet\n", encoding="utf-8")
    lines = _assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy)))
    assert lines[0] == f"{data_copy / 'units.yaml'}: file is empty"


def test_file_that_is_not_utf8_is_refused(cli: Cli, data_copy: Path) -> None:
    units = data_copy / "units.yaml"
    units.write_bytes(units.read_text(encoding="utf-8").encode("big5", errors="replace"))
    lines = _assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy)))
    assert re.match(rf"{re.escape(str(units))}:2:\d+: not valid UTF-8 \(byte 0x[0-9a-f]{{2}}\)", lines[0])


def test_yaml_syntax_error_is_located(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    _replace(tasks, "leaders: [鄧開榮]", "leaders: [鄧開榮")
    lines = _assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy)))
    assert re.match(rf"{re.escape(str(tasks))}:\d+:\d+: YAML syntax error: ", lines[0])


def test_unknown_field_and_duplicate_id(cli: Cli, data_copy: Path) -> None:
    tasks = data_copy / "tasks.yaml"
    _replace(tasks, "  - id: T02\n", "  - id: T01\n")
    _replace(tasks, "    long_term: true\n", "    long_trem: true\n    long_term: true\n")
    body = "\n".join(_assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy))))
    assert "T01.long_trem: unknown field 'long_trem'" in body
    assert "T01.id: duplicate task id 'T01'" in body


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "- {date: 2024-05-01, status: in_progress}\n    - {date: 2024-04-01, status: done}",
            "history goes back in time: 2024-04-01 after 2024-05-01",
        ),
        ("- {date: 2024-05-01, status: paused}", "unknown status 'paused'"),
    ],
)
def test_history_guard(cli: Cli, data_copy: Path, entry: str, message: str) -> None:
    tasks = data_copy / "tasks.yaml"
    _replace(tasks, "    history: []\n", f"    history:\n    {entry}\n")
    body = "\n".join(_assert_clean_failure(cli("--lang", "en", "validate", "--data", str(data_copy))))
    assert message in body


def test_missing_data_folder_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    lines = _assert_clean_failure(cli("--lang", "en", "validate", "--data", str(tmp_path)), code=2)
    assert lines == [f"error: {tmp_path}: no tasks.yaml in this folder (from --data or PARKTRACK_DATA)"]
