"""Addresses read in every form clerks write them, and resolved to households or refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.addresses import Address, AddressIndex, parse_address
from orggraph.errors import InvalidValueError
from orggraph.store import EmbeddedStore
from tests.importers.conftest import MEMBERS, refused, roster, run, write

HOME = Address(compound="幸福里小区", building="3", entrance="2", room="501")


@pytest.mark.parametrize(
    "written",
    [
        "幸福里小区3号楼2单元501室",
        "幸福里小区3栋2单元501",
        "幸福里小区3幢2单元501号",
        "幸福里小区 3-2-501",
        "幸福里小区3#2-501",
        "幸福里小区３号楼２单元５０１室",
        "幸福里小区　３－２－５０１",
        " 幸福里小区 3 号楼 2 单元 501 室 ",
        "幸福里小区3＃2-501",
        "幸福里小区第3栋2单元501室",
        "幸福里小区03-02-0501",
        "幸福里小区三号楼二单元501",
        "幸福里小区3—2—501",
    ],
)
def test_every_form_reads_to_the_same_address(written: str) -> None:
    assert parse_address(written) == HOME


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("130705001001X01 3-2-501", Address("130705001001X01", "3", "2", "501")),
        ("130705001001X01　3号楼2单元501室", Address("130705001001X01", "3", "2", "501")),
        ("阳光100小区3号楼2单元501", Address("阳光100小区", "3", "2", "501")),
        ("阳光100 3-2-501", Address("阳光100", "3", "2", "501")),
        ("幸福里二期A座1单元1201", Address("幸福里二期", "A", "1", "1201")),
        ("幸福里-东区 12-1-101", Address("幸福里-东区", "12", "1", "101")),
        ("9号院3号楼1单元101", Address("9号院", "3", "1", "101")),
        ("幸福里小区十二号楼二单元501", Address("幸福里小区", "12", "2", "501")),
    ],
)
def test_codes_and_compound_names_with_digits(written: str, expected: Address) -> None:
    assert parse_address(written) == expected


def test_describe_tells_how_it_was_read() -> None:
    assert parse_address("幸福里小区 3-2-501").describe() == "小区 幸福里小区, 楼栋 3, 单元 2, 室 501"


@pytest.mark.parametrize(
    "written", ["幸福里小区3号楼", "3-2-501", "幸福里小区", "130705001001X013-2-501", "幸福里小区3号楼2单元", "", "   "]
)
def test_unreadable_addresses_say_which_forms_are_understood(written: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        parse_address(written)
    error = caught.value
    assert error.code == "value.invalid"
    if written.strip():
        assert "幸福里小区3号楼2单元501室" in error.message
        assert "3-2-501" in error.message_zh
        assert error.context["value"] == written.strip()
    else:
        assert "empty" in error.message


@pytest.fixture
def index() -> AddressIndex:
    index = AddressIndex()
    index.add("H1", compound_code="C01", compound_name="幸福里小区", building="3号楼", entrance="2单元", room="501")
    index.add("H2", compound_code="C01", compound_name="幸福里小区", building="3号楼", entrance="2单元", room="502")
    index.add("H3", compound_code="C01", compound_name="幸福里小区", building="A座", entrance="一单元", room="0101室")
    index.add("H4", compound_code="130705001001X01", compound_name="阳光花园", building="5栋", entrance="1", room="101")
    index.add("H5", compound_code="C03", compound_name="和平家园", building="1", entrance="1", room="101")
    index.add("H6", compound_code="C04", compound_name="和平小区", building="1", entrance="1", room="101")
    index.add("H7", compound_code="C05", compound_name=None, building="2#", entrance="3", room="301")
    return index


@pytest.mark.parametrize(
    ("written", "household"),
    [
        ("幸福里小区3号楼2单元501室", "H1"),
        ("幸福里 3-2-502", "H2"),
        ("幸福里花园3栋2单元501", "H1"),
        ("C01 3-2-501", "H1"),
        ("幸福里小区A座1单元101", "H3"),
        ("幸福里小区a座01单元101号", "H3"),
        ("130705001001X01 5-1-101", "H4"),
        ("130705001001x01 5-1-101", "H4"),
        ("阳光花园5号楼1单元101", "H4"),
        ("阳光小区5#1-101", "H4"),
        ("和平家园1-1-101", "H5"),
        ("和平小区1-1-101", "H6"),
        ("C05 2-3-301", "H7"),
    ],
)
def test_resolve_by_code_name_and_name_without_suffix(index: AddressIndex, written: str, household: str) -> None:
    assert index.resolve(parse_address(written)) == household


@pytest.mark.parametrize(
    ("written", "reason", "reason_zh"),
    [
        ("春风里小区3-2-501", "no compound with code or name '春风里小区'", "没有编码或名称为“春风里小区”的小区"),
        ("和平 1-1-101", "fits several compounds (和平家园 (C03), 和平小区 (C04))", "对应多个小区"),
        ("和平花园 1-1-101", "fits several compounds", "请填写小区编码"),
        ("幸福里小区9号楼2单元501", "has no building '9' there (known: 3, A)", "没有楼栋“9”"),
        ("幸福里小区3号楼5单元501", "has no entrance '5' there (known: 2)", "没有单元“5”"),
        ("幸福里小区3号楼2单元503", "has no room '503' there (known: 501, 502)", "没有室“503”"),
    ],
)
def test_resolution_errors_say_how_the_address_was_read_and_why(
    index: AddressIndex, written: str, reason: str, reason_zh: str
) -> None:
    address = parse_address(written)
    with pytest.raises(InvalidValueError) as caught:
        index.resolve(address)
    error = caught.value
    assert error.code == "value.invalid"
    assert address.describe() in error.message
    assert address.describe() in error.message_zh
    assert reason in error.message
    assert reason_zh in error.message_zh
    assert error.context == {"value": address.describe()}


def test_two_households_at_one_address_cannot_be_resolved(index: AddressIndex) -> None:
    index.add("H9", compound_code="C01", compound_name="幸福里小区", building="3", entrance="2", room="501")
    index.add("H1", compound_code="C01", compound_name="幸福里小区", building="3号楼", entrance="2单元", room="501")
    with pytest.raises(InvalidValueError, match=r"2 households are at this address \(H1, H9\)"):
        index.resolve(HOME)


def test_a_code_wins_over_a_name(index: AddressIndex) -> None:
    index.add("H8", compound_code="幸福里小区", compound_name="别的小区", building="3", entrance="2", room="501")
    assert index.resolve(HOME) == "H8"


@pytest.fixture
def placed() -> AddressIndex:
    """Two 幸福里小区 in two communities of two streets, and a community with two compounds."""
    index = AddressIndex()
    index.add("H1", compound_code="C01", compound_name="幸福里小区", building="3号楼", entrance="2单元", room="501",
              areas=("幸福社区", "新华街道", "下花园区"))  # fmt: skip
    index.add("H2", compound_code="C11", compound_name="幸福里小区", building="3号楼", entrance="2单元", room="501",
              areas=("和平社区", "建设街道", "下花园区"))  # fmt: skip
    index.add("H3", compound_code="C12", compound_name="和平家园", building="1号楼", entrance="1单元", room="101",
              areas=("和平社区", "建设街道", "下花园区"))  # fmt: skip
    return index


@pytest.mark.parametrize(
    ("written", "household"),
    [
        ("幸福社区幸福里小区3号楼2单元501室", "H1"),
        ("和平社区幸福里小区3号楼2单元501室", "H2"),
        ("新华街道 幸福社区 幸福里 3-2-501", "H1"),
        ("下花园区建设街道和平社区幸福里小区3栋2单元501", "H2"),
        ("幸福社区 3号楼2单元501", "H1"),
        ("和平社区 1-1-101", "H3"),
    ],
)
def test_an_address_with_its_community_or_street_in_front(placed: AddressIndex, written: str, household: str) -> None:
    assert placed.resolve(parse_address(written)) == household


@pytest.mark.parametrize(
    ("written", "reason", "reason_zh"),
    [
        ("幸福里小区3号楼2单元501室", "fits several compounds", "对应多个小区"),
        ("光明社区幸福里小区3号楼2单元501室", "no community or street named '光明社区'", "没有名为“光明社区”的社区或街道"),
        ("新华街道和平社区幸福里小区3号楼2单元501室", "新华街道和平社区 has no compound", "新华街道和平社区没有"),
        ("幸福社区和平家园1-1-101", "幸福社区 has no compound with code or name '和平家园'", "幸福社区没有"),
        ("和平社区 9-9-909", "no compound of 和平社区 has this building", "没有一个小区"),
    ],
)
def test_an_unknown_or_wrong_area_in_front_is_rejected_not_guessed(
    placed: AddressIndex, written: str, reason: str, reason_zh: str
) -> None:
    with pytest.raises(InvalidValueError) as caught:
        placed.resolve(parse_address(written))
    assert reason in caught.value.message
    assert reason_zh in caught.value.message_zh


def test_a_members_address_with_its_community_in_front_is_the_same_household(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(MEMBERS).replace(",幸福里小区3号楼2单元201室", ",新华街道幸福社区幸福里小区3号楼2单元201室")
    report = run(loaded, [write(tmp_path, "党员.csv", text)])
    assert report.ok, report.rejections
    assert report.changed == 0  # 李强 lives where he lived: H3


def test_a_members_address_in_an_unknown_community_is_a_rejected_row(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(MEMBERS).replace(",幸福里小区3号楼2单元201室", ",光明社区幸福里小区3号楼2单元201室")
    report = refused(loaded, [write(tmp_path, "党员.csv", text)])
    (rejection,) = report.rejections
    assert rejection.column == "居住地址"
    assert "光明社区" in rejection.reason_zh
