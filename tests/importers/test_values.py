"""Cell normalisers: good inputs give the stored form, bad ones a coded error in both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers import values
from orggraph.errors import InvalidCodeError, InvalidIdNumberError, InvalidPhoneError, InvalidValueError
from orggraph.model.enums import CareTag, MemberStatus, OrgKind
from orggraph.text import to_halfwidth

ID_A = "11010519491231002X"
ID_B = "130705198801010010"
CREDIT = "91350100M000100Y43"
FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  张三 ", "张三"),
        ("幸福里　　小区（东区）", "幸福里 小区(东区)"),
        ("Ａ座\t 2单元\n", "A座 2单元"),
        ("Zhang San", "Zhang San"),
        (3.0, "3"),
        (2.5, "2.5"),
        (42, "42"),
        (dt.date(2021, 3, 1), "2021-03-01"),
        ("", None),
        (" \u3000\t", None),
        (None, None),
    ],
)
def test_text_folds_and_collapses(cell: Any, expected: str | None) -> None:
    assert values.text(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0130705001", "0130705001"),
        (" 0130705001 ", "0130705001"),
        (130705001, "130705001"),
        (130705001.0, "130705001"),
        ("130705001.0", "130705001"),
        ("130705001.00", "130705001"),
        ("０１３０７０５", "0130705"),
        ("130705001001X01", "130705001001X01"),
        ("DW-001", "DW-001"),
        (999999999999999.0, "999999999999999"),
    ],
)
def test_code_keeps_text_and_leading_zeros(cell: Any, expected: str) -> None:
    assert values.code(cell) == expected


@given(st.text(alphabet="0123456789", min_size=1, max_size=40))
def test_code_round_trips_any_digit_string_also_full_width(digits: str) -> None:
    assert values.code(digits) == digits
    assert values.code(digits.translate(FULLWIDTH_DIGITS)) == digits


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_code_of_an_integral_number_is_its_digits(number: int) -> None:
    assert values.code(number) == str(number)
    assert values.code(float(number)) == str(number)


@pytest.mark.parametrize("cell", ["1.30705E+17", "1.3E17", "1.30705e+17", "１.３E＋17", 1.30705e17, 1e15, 2.5e16])
def test_code_in_scientific_notation_has_lost_digits(cell: Any) -> None:
    with pytest.raises(InvalidCodeError) as caught:
        values.code(cell)
    error = caught.value
    assert error.code == "value.code"
    assert "scientific notation" in error.message
    assert "format the column as text" in error.message
    assert "设置为文本格式" in error.message_zh
    assert "value" in error.context


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (None, "empty"),
        ("  ", "empty"),
        (True, "yes/no"),
        (-3, "negative"),
        (3.5, "not a code"),
        (float("nan"), "not a code"),
        (dt.date(2024, 3, 2), "turned the code into a date"),
    ],
)
def test_code_refuses_what_is_not_a_code(cell: Any, reason: str) -> None:
    with pytest.raises(InvalidCodeError) as caught:
        values.code(cell)
    assert reason in caught.value.message
    assert caught.value.message_zh


@pytest.mark.parametrize(
    "cell",
    [
        "2021-03-01",
        "2021/3/1",
        "2021.3.1",
        "2021.03.01",
        "2021年3月1日",
        "2021 年 3 月 1 日",
        "２０２１年３月１日",
        "20210301",
        20210301,
        "2021-03-01 00:00:00",
        "2021/3/1 8:30",
        dt.date(2021, 3, 1),
        dt.datetime(2021, 3, 1, 14, 5),
        44256,
        44256.0,
        44256.75,
        "44256",
        "44256.0",
    ],
)
def test_date_accepts_every_form(cell: Any) -> None:
    assert values.date(cell) == "2021-03-01"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_excel_serial_and_date_round_trip(day: dt.date) -> None:
    serial = (day - values.EXCEL_EPOCH).days
    assert values.date(serial) == day.isoformat()
    assert values.date(float(serial) + 0.5) == day.isoformat()
    assert values.date(str(serial)) == day.isoformat()
    assert values.date(day.isoformat()) == day.isoformat()
    assert values.date(f"{day.year}年{day.month}月{day.day}日") == day.isoformat()
    assert values.date(f"{day.year}/{day.month}/{day.day}") == day.isoformat()


def test_excel_serial_edges_follow_the_1899_12_30_epoch() -> None:
    assert values.date(2) == "1900-01-01"
    assert values.date(60) == "1900-02-28"
    assert values.date(61) == "1900-03-01"
    assert values.date(73415) == "2100-12-31"


@pytest.mark.parametrize("cell", ["1900-01-01", "1900年1月1日", 19000101, dt.date(1900, 1, 1), 2])
def test_the_first_accepted_date_is_1900_01_01(cell: Any) -> None:
    assert values.date(cell) == "1900-01-01"


@pytest.mark.parametrize("cell", ["2100-12-31", "2100/12/31", "21001231", dt.datetime(2100, 12, 31, 23, 59), 73415])
def test_the_last_accepted_date_is_2100_12_31(cell: Any) -> None:
    assert values.date(cell) == "2100-12-31"


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("1899-12-31", "1899-12-31"),
        ("2101-01-01", "2101-01-01"),
        ("3021-01-01", "3021-01-01"),
        ("3021年1月1日", "3021-01-01"),
        (30210101, "3021-01-01"),
        (dt.date(1899, 12, 31), "1899-12-31"),
        (dt.datetime(2101, 1, 1, 8, 0), "2101-01-01"),
        (1, "1899-12-31"),  # Excel serials keep their range, but the day they give must be in range
        (73416, "2101-01-01"),
        ("73416", "2101-01-01"),
        (values.EXCEL_MAX_SERIAL, "9999-12-31"),
    ],
)
def test_dates_before_1900_or_after_2100_are_refused_naming_the_range(cell: Any, day: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        values.date(cell)
    error = caught.value
    assert error.code == "value.invalid"
    assert f"{day} is outside 1900-01-01 … 2100-12-31" in error.message
    assert day in error.message_zh
    assert "1900-01-01" in error.message_zh
    assert "2100-12-31" in error.message_zh
    assert "超出" in error.message_zh


@pytest.mark.parametrize(
    "cell", ["2021-02-30", "2021年13月1日", "20210230", "明天", "2021-3", "21/3/1", 0, -5, 2958466, "0", True, None, ""]
)
def test_date_refuses_impossible_or_unknown_forms(cell: Any) -> None:
    with pytest.raises(InvalidValueError) as caught:
        values.date(cell)
    error = caught.value
    assert error.code == "value.invalid"
    assert "2021年3月1日" in error.message
    assert "2021年3月1日" in error.message_zh
    assert str(cell) in error.message or repr(cell) in error.message


def test_an_impossible_date_says_so() -> None:
    with pytest.raises(InvalidValueError, match="not a real date"):
        values.date("2021-02-30")


@pytest.mark.parametrize(("cell", "expected"), [(3, 3), (3.0, 3), ("3", 3), ("３", 3), (" 3.0 ", 3), ("1,200", 1200)])
def test_integer(cell: Any, expected: int) -> None:
    assert values.integer(cell) == expected


@given(st.integers(min_value=-values.MAX_NUMBER, max_value=values.MAX_NUMBER))
def test_integer_round_trips(number: int) -> None:
    assert values.integer(str(number)) == number
    assert values.integer(float(number)) == number


@pytest.mark.parametrize("cell", ["1" * 40, 10**40, 1e40, "1000000001", -(10**12), "1e400", 10**400])
def test_a_number_out_of_range_is_refused_and_cut(cell: Any) -> None:
    """A 40-digit 常住人数 once reached the store and broke the JSON export (regression)."""
    with pytest.raises(InvalidValueError) as caught:
        values.integer(cell)
    assert "1111111111111111111111" not in str(caught.value.to_dict())
    assert "out of range" in caught.value.message or "whole number" in caught.value.message


@pytest.mark.parametrize(
    ("cell", "reason"), [("3.5", "whole number"), ("三", "whole number"), ("", "empty"), (True, "whole number")]
)
def test_integer_refuses(cell: Any, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason):
        values.integer(cell)


@pytest.mark.parametrize(("cell", "expected"), [(2.5, 2.5), ("2.5", 2.5), ("２．５", 2.5), ("3小时", 3.0), ("12", 12.0)])
def test_decimal(cell: Any, expected: float) -> None:
    assert values.decimal(cell) == expected


@pytest.mark.parametrize("cell", ["两小时", "2.5.1", float("inf"), "", dt.date(2021, 3, 1)])
def test_decimal_refuses(cell: Any) -> None:
    with pytest.raises(InvalidValueError) as caught:
        values.decimal(cell)
    assert caught.value.code == "value.invalid"
    assert caught.value.message_zh


@pytest.mark.parametrize("cell", ["是", "Y", "y", "yes", "YES", "true", "True", "1", 1, 1.0, True, "√", " 是 "])
def test_yes(cell: Any) -> None:
    assert values.yes_no(cell) is True


@pytest.mark.parametrize("cell", ["否", "N", "no", "false", "FALSE", "0", 0, 0.0, False, "×"])
def test_no(cell: Any) -> None:
    assert values.yes_no(cell) is False


@pytest.mark.parametrize("cell", ["也许", "2", 2, None, ""])
def test_yes_no_refuses(cell: Any) -> None:
    with pytest.raises(InvalidValueError) as caught:
        values.yes_no(cell)
    assert "是/否" in caught.value.message
    assert "是/否" in caught.value.message_zh


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (ID_A, ID_A),
        ("11010519491231002x", ID_A),
        (" 1101 0519 4912 3100 2X ", ID_A),
        (ID_A.translate(FULLWIDTH_DIGITS), ID_A),
        (ID_B + ".0", ID_B),
        (int(ID_B), ID_B),
    ],
)
def test_id_number(cell: Any, expected: str) -> None:
    assert values.id_number(cell) == expected


@pytest.mark.parametrize("cell", [130705198801010010.0, 1.30705198801e17, "1.30705E+17", "1.3E17"])
def test_id_number_in_scientific_notation_gives_the_digits_lost_error(cell: Any) -> None:
    with pytest.raises(InvalidCodeError) as caught:
        values.id_number(cell)
    assert "scientific notation" in caught.value.message
    assert "设置为文本格式" in caught.value.message_zh
    assert "130705198801010010" not in str(caught.value.to_dict())


@pytest.mark.parametrize("cell", ["110105194912310021", "11010519491331002X", "1101051949123100", ""])
def test_id_number_refuses_bad_numbers_and_shows_them_masked(cell: str) -> None:
    with pytest.raises(InvalidIdNumberError) as caught:
        values.id_number(cell)
    assert caught.value.code == "pii.id-number"
    if cell:
        assert cell not in str(caught.value.to_dict())
        assert "**" in caught.value.message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("13800138000", "13800138000"),
        (13800138000.0, "13800138000"),
        (13800138000, "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("0313-5512345", "0313-5512345"),
        ("+86 138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 13800138000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("0086-138-0013-8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("0313 5512345", "0313-5512345"),
        ("03135512345", "0313-5512345"),
        ("(0313)5512345", "0313-5512345"),
        ("（０３１３）５５１２３４５", "0313-5512345"),
        ("+86 313 5512345", "0313-5512345"),
        ("010-12345678", "010-12345678"),
        ("0313-5512345-8001", "0313-5512345-8001"),
        ("0313-5512345转8001", "0313-5512345-8001"),
        ("0313-5512345 分机 8001", "0313-5512345-8001"),
        ("0313 5512345 ext. 8001", "0313-5512345-8001"),
        ("400-123-4567", "4001234567"),
        ("+852 9123 4567", "+85291234567"),
    ],
)
def test_phone(cell: Any, expected: str) -> None:
    assert values.phone(cell) == expected


def test_a_numeric_landline_lost_its_leading_zero_and_says_so() -> None:
    with pytest.raises(InvalidPhoneError) as caught:
        values.phone(3135512345.0)
    assert caught.value.code == "pii.phone"
    assert "leading 0" in caught.value.message
    assert "3135512345" not in str(caught.value.to_dict())


@pytest.mark.parametrize(
    "cell",
    [
        "12345",
        "23800138000",
        "",
        12345.0,
        "1.38001E+10",
        "5512345",  # a landline without its area code
        "1380013800",  # a digit short
        "138001380001",  # a digit too many
        "13800138000-8001",  # a mobile has no extension
        "13800138000/13900139000",  # two numbers in one cell
        "0313-551234",
        "95588",  # a service number, not a person's or a unit's line
    ],
)
def test_phone_refuses_and_masks(cell: Any) -> None:
    with pytest.raises(InvalidValueError) as caught:
        values.phone(cell)
    assert caught.value.code in ("pii.phone", "value.code")
    for whole in ("23800138000", "13800138000", "1380013800", "3135512345"):
        assert whole not in str(caught.value.to_dict())


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(CREDIT, CREDIT), (CREDIT.lower(), CREDIT), (f" {CREDIT} ", CREDIT), ("DW001", "DW001"), ("00012", "00012")],
)
def test_credit_or_unit_code(cell: str, expected: str) -> None:
    assert values.credit_or_unit_code(cell) == expected


def test_a_credit_code_with_a_wrong_check_character_is_refused() -> None:
    with pytest.raises(InvalidCodeError) as caught:
        values.credit_or_unit_code(CREDIT[:-1] + "4")
    assert caught.value.code == "value.code"
    assert "should be '3'" in caught.value.message
    assert "GB 32100" in caught.value.message_zh


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("独居老人、残疾人", [CareTag.LIVING_ALONE, CareTag.DISABLED]),
        ("独居老人；空巢老人;候鸟", [CareTag.LIVING_ALONE, CareTag.EMPTY_NEST, CareTag.MIGRATORY]),
        ("困难群众 / 残疾人，独居老人", [CareTag.HARDSHIP, CareTag.DISABLED, CareTag.LIVING_ALONE]),
        ("living_alone,disabled", [CareTag.LIVING_ALONE, CareTag.DISABLED]),
        ("残疾人、残疾人", [CareTag.DISABLED]),
        ("", []),
        (None, []),
    ],
)
def test_care_tags(cell: Any, expected: list[CareTag]) -> None:
    assert values.care_tags(cell) == expected


def test_an_unknown_care_tag_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        values.care_tags("独居老人、低保户")
    assert "低保户" in caught.value.message
    assert "独居老人" in caught.value.message_zh


def test_split_list() -> None:
    assert values.split_list("市容环境、 物业管理；供水\n供电,市容环境") == ["市容环境", "物业管理", "供水", "供电"]
    assert values.split_list("  ") == []


@pytest.mark.parametrize(
    ("enum_cls", "cell", "expected"),
    [
        (MemberStatus, "在职", MemberStatus.IN_SERVICE),
        (MemberStatus, " retired ", MemberStatus.RETIRED),
        (OrgKind, "党小组", OrgKind.GROUP),
        (OrgKind, "BRANCH", OrgKind.BRANCH),
    ],
)
def test_choice(enum_cls: Any, cell: str, expected: Any) -> None:
    assert values.choice(enum_cls, cell) is expected


@pytest.mark.parametrize("cell", ["退休人员", "", None])
def test_choice_refuses_and_lists_the_choices(cell: Any) -> None:
    with pytest.raises(InvalidValueError) as caught:
        values.choice(MemberStatus, cell)
    assert caught.value.code == "value.invalid"
    assert "离退休" in caught.value.message_zh


@given(st.text(max_size=30))
def test_text_is_idempotent_and_half_width(cell: str) -> None:
    once = values.text(cell)
    assert values.text(once) == once
    if once is not None:
        assert once == once.strip()
        assert "  " not in once
        assert to_halfwidth(once) == once


@given(st.one_of(st.text(max_size=25), st.integers(), st.floats(), st.booleans(), st.dates(), st.none()))
def test_normalisers_raise_only_coded_errors(cell: Any) -> None:
    errors: list[InvalidValueError] = []
    for normalise in (values.code, values.date, values.integer, values.decimal, values.yes_no, values.phone):
        try:
            normalise(cell)
        except InvalidValueError as error:
            errors.append(error)
    assert all(error.message and error.message_zh for error in errors)
