"""A 联系户 roster may name its members by the store's person code (人员编号) instead of the whole ID
number: the form a proposal's roster takes for a planner, who is shown no personal data."""

from __future__ import annotations

from pathlib import Path

from importers.rosters import RosterKind
from orggraph.model import LinkKind
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from tests.importers.conftest import LI, WANG, ZHAO, refused, run, write


def code(key: PiiKey, id_number: str) -> str:
    return key.identity(id_number)


def contacted(store: EmbeddedStore, household: str) -> set[str]:
    return {link.source for link in store.links(f"household:{household}", kind=LinkKind.CONTACTS, direction="in")}


def test_members_named_by_person_code_are_linked(loaded: EmbeddedStore, key: PiiKey, tmp_path: Path) -> None:
    roster = write(tmp_path, "联系户.csv", f"人员编号,户编码,备注\n{code(key, WANG)},H2,\n{code(key, ZHAO)},H3,新增 proposed\n")
    report = run(loaded, [roster], partial=True)
    assert report.ok, report.rejections
    assert report.files[0].sheets[0][1] == RosterKind.CONTACTS.value
    assert contacted(loaded, "H3") == {f"person:{code(key, LI)}", f"person:{code(key, ZHAO)}"}


def test_a_person_code_of_nobody_or_not_a_code_or_neither_column_is_rejected(loaded: EmbeddedStore, tmp_path: Path) -> None:
    nobody = write(tmp_path, "a.csv", f"人员编号,户编码\n{'0' * 64},H2\n")
    assert "no person" in refused(loaded, [nobody], partial=True).rejections[0].reason
    malformed = write(tmp_path, "b.csv", "人员编号,户编码\nxyz,H2\n")
    assert "person code" in refused(loaded, [malformed], partial=True).rejections[0].reason
    empty = write(tmp_path, "c.csv", "人员编号,户编码\n,H2\n")
    assert "one of the columns" in refused(loaded, [empty], partial=True).rejections[0].reason


def test_an_id_number_and_a_person_code_that_disagree_are_rejected(loaded: EmbeddedStore, key: PiiKey, tmp_path: Path) -> None:
    both = write(tmp_path, "d.csv", f"党员身份证号,人员编号,户编码\n{WANG},{code(key, LI)},H2\n")
    [rejection] = refused(loaded, [both], partial=True).rejections
    assert rejection.column == "人员编号"
    assert WANG not in f"{rejection.value} {rejection.reason}"


def test_a_sheet_with_neither_column_is_no_contacts_roster(loaded: EmbeddedStore, tmp_path: Path) -> None:
    bare = write(tmp_path, "e.csv", "户编码,备注\nH2,\n")
    assert "needs the column(s)" in refused(loaded, [bare]).rejections[0].reason
    [told] = refused(loaded, [bare], kind=RosterKind.CONTACTS).rejections
    assert "党员身份证号 [member_id_number] / 人员编号 [member_code]" in told.reason
