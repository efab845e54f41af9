"""完成時限 forms other ledgers write: read as dates where they name one, never guessed where they don't."""

from __future__ import annotations

from datetime import date

import pytest

from parktrack.deadlines import deadline_from_text, is_long_term, read_deadline


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("2024年6月底以前", date(2024, 6, 30)),
        ("2024年6月底前", date(2024, 6, 30)),
        ("2024年6月底", date(2024, 6, 30)),
        ("2024年6月", date(2024, 6, 30)),
        ("２０２４年６月底以前", date(2024, 6, 30)),
        ("2024 年 6 月底前完成", date(2024, 6, 30)),
        ("2024年9月30日前", date(2024, 9, 30)),
        ("2024年9月30日以前完成", date(2024, 9, 30)),
        ("2024-09-30", date(2024, 9, 30)),
        ("2024/9/30前", date(2024, 9, 30)),
        ("2024年底前", date(2024, 12, 31)),
        ("2024年年底", date(2024, 12, 31)),
        ("2024年內", date(2024, 12, 31)),
        ("2024年上半年", date(2024, 6, 30)),
        ("2024年下半年", date(2024, 12, 31)),
        ("2024年第三季度", date(2024, 9, 30)),
        ("2024年1季度末", date(2024, 3, 31)),
        ("2024年6月底以前，並長期堅持。", date(2024, 6, 30)),
        ("2024年6月底前并持续推进", date(2024, 6, 30)),
    ],
)
def test_dated_forms(text: str, meant: date) -> None:
    assert read_deadline(text) == (meant, True)
    assert deadline_from_text(text) == meant


@pytest.mark.parametrize(
    "text",
    [
        "在中央有關政策明確和相關行業產業基金設立后持續推進",  # a condition
        "長期堅持",  # long-term with no first date
        "2024年6月前",  # before June, or by the end of June? not guessed
        "2024年6月以前",
        "2024年第二季度前",  # as a month: before the quarter, or by its end?
        "2024年上半年以前",
        "2024年6月底前完成初稿,12月底前完成",  # two dates
        "2024年13月底",  # no such month
        "2024年2月30日前",  # no such day
        "",
    ],
)
def test_undated_forms_are_not_guessed(text: str) -> None:
    assert read_deadline(text) == (None, False)


def test_long_term_marks_in_both_scripts() -> None:
    assert is_long_term("2024年6月底前,并長期堅持") and is_long_term("2024年6月底前，并长期坚持")
    assert not is_long_term("2024年6月底前")
