"""The open world (issue: rosters as districts hold them): members whose org is outside the district,
orgs and units no roster defines, units at the district level, rosters that define the people they name."""

from __future__ import annotations

from pathlib import Path

from importers.report import ImportReport
from orggraph.model.kinds import LinkKind
from orggraph.store import EmbeddedStore
from tests.importers.conftest import AREAS, DAY, MEMBERS, QIAN, UNITS, WANG, refused, roster, run, write

# valid ID numbers (GB 11643) of people on no members roster of the district
OUTSIDER, VISITOR = "130705198607070079", "130705198708080081"


def person(store: EmbeddedStore, id_number: str) -> str:
    return f"person:{store.pii_key.identity(id_number)}"


def orgs_of(store: EmbeddedStore, pid: str) -> list[str]:
    return [link.target for link in store.links(pid, kind=LinkKind.MEMBER_OF, as_of="2025-07-01")]


def written(report: ImportReport) -> ImportReport:
    assert report.ok, report.rejections
    assert report.written
    return report


def test_a_unit_at_the_district_level_is_located_there(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(UNITS) + "D03,区民政局,职能部门,130705,,养老服务\n"
    written(run(loaded, [write(tmp_path, "单位.csv", text)]))
    located = [link.target for link in loaded.links("unit:D03", kind=LinkKind.LOCATED_IN)]
    assert located == ["area:130705"]


def test_a_unit_at_a_compound_is_located_there(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(UNITS) + "D01,幸福里便民服务站,社会组织,130705001001X1,,\n"
    written(run(loaded, [write(tmp_path, "单位.csv", text)]))
    assert [lk.target for lk in loaded.links("unit:D01", kind=LinkKind.LOCATED_IN)] == ["area:130705001001X1"]


def test_a_code_of_another_kind_says_which_kind_it_found(loaded: EmbeddedStore, tmp_path: Path) -> None:
    from tests.importers.conftest import HOUSEHOLDS

    text = roster(HOUSEHOLDS).replace("H3,130705001001G1", "H3,130705001001")  # a community, not a grid
    report = refused(loaded, [write(tmp_path, "住户.csv", text)])
    (rejection,) = report.rejections
    assert rejection.column == "所属网格编码"
    assert "is a community" in rejection.reason
    assert "takes grid" in rejection.reason
    assert "是社区" in rejection.reason_zh
    assert "网格" in rejection.reason_zh


def test_an_owner_said_to_be_a_member_but_on_no_members_roster_is_one(loaded: EmbeddedStore, tmp_path: Path) -> None:
    owners = f"小区,姓名,公民身份号码,职务,是否党员\n130705001001X1,周平,{OUTSIDER},委员,是\n130705001001X1,钱进,{QIAN},委员,否\n"
    written(run(loaded, [write(tmp_path, "业委会.csv", owners)]))
    outsider = loaded.node(person(loaded, OUTSIDER))
    assert outsider is not None
    assert outsider["party_member"] is True
    assert outsider["party_member_source"] == "owners_committees"
    assert orgs_of(loaded, person(loaded, OUTSIDER)) == []  # his org is unknown
    assert loaded.node(person(loaded, QIAN))["party_member"] is False  # type: ignore[index]


def test_a_named_org_outside_the_district_is_made_external_once(loaded: EmbeddedStore, tmp_path: Path) -> None:
    staff = (
        "网格编码,姓名,公民身份号码,岗位,联系电话,是否党员,所在党组织\n"
        f"130705001001G1,周平,{OUTSIDER},网格长,138-0013-8001,是,省发改委机关第二党支部\n"
        f"130705002001G1,吴刚,{VISITOR},网格长,,,省发改委机关第二党支部\n"
    )
    report = written(run(loaded, [write(tmp_path, "网格人员.csv", staff)]))
    org = "org:区外-省发改委机关第二党支部"
    attrs = loaded.node(org)
    assert attrs is not None
    assert attrs["external"] is True
    assert attrs["name"] == "省发改委机关第二党支部"
    assert orgs_of(loaded, person(loaded, OUTSIDER)) == orgs_of(loaded, person(loaded, VISITOR)) == [org]
    assert [w.row for w in report.warnings] == [2]  # recorded as outside the district, said once
    assert "区外" in report.warnings[0].reason_zh
    assert report.counts["grid_staff"]["rejected"] == 0


def test_a_districts_org_named_for_someone_its_members_roster_lacks_is_a_warning_not_a_link(
    loaded: EmbeddedStore, tmp_path: Path
) -> None:
    """The district's orgs' members are the members roster's to list (a link from another roster would
    be ended by the next full members roster and made again by the next import of this one)."""
    staff = (
        "网格编码,姓名,公民身份号码,岗位,联系电话,是否党员,所在党组织\n"
        f"130705001001G1,周平,{OUTSIDER},网格长,,是,P3\n"
        f"130705002001G1,吴刚,{VISITOR},网格长,,是,和平社区党委\n"
    )
    report = written(run(loaded, [write(tmp_path, "网格人员.csv", staff)]))
    for who in (OUTSIDER, VISITOR):
        assert orgs_of(loaded, person(loaded, who)) == []
        assert loaded.node(person(loaded, who))["party_member"] is True  # type: ignore[index]
    assert [(w.row, w.value) for w in report.warnings] == [(2, "P3"), (3, "Q2")]  # by code, and by its name
    assert "党员名册中没有此人" in report.warnings[0].reason_zh
    assert not [k for k, _ in loaded.nodes() if k.startswith("org:区外")]


def test_a_registrant_on_no_roster_is_defined_by_the_registration(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = (
        "报到类型,报到社区编码,公民身份号码,单位编码,报到日期,姓名,联系电话,工作单位,所在党组织\n"
        f"个人,130705001001,{OUTSIDER},,2025/5/1,周平,+86 138 0013 8002,省发展和改革委员会,省发改委机关第二党支部\n"
    )
    written(run(loaded, [write(tmp_path, "双报到.csv", text)], partial=True))
    pid = person(loaded, OUTSIDER)
    attrs = loaded.node(pid)
    assert attrs is not None
    assert attrs["name"] == "周平"
    assert attrs["party_member"] is True
    assert attrs["phone_masked"].startswith("138")
    assert orgs_of(loaded, pid) == ["org:区外-省发改委机关第二党支部"]
    (unit,) = [lk.target for lk in loaded.links(pid, kind=LinkKind.WORKS_AT)]
    assert loaded.node(unit)["external"] is True  # type: ignore[index]
    assert [lk.target for lk in loaded.links(pid, kind=LinkKind.REGISTERED_WITH)] == ["area:130705001001"]


def test_a_roster_disagreeing_with_the_members_roster_warns_and_keeps_the_members_roster(
    loaded: EmbeddedStore, tmp_path: Path
) -> None:
    owners = f"小区,姓名,公民身份号码,职务,是否党员\n130705001001X1,王芳,{WANG},主任,否\n"
    staff = f"网格编码,姓名,公民身份号码,岗位,联系电话,是否党员,所在党组织\n130705001001G1,王芳,{WANG},网格长,,是,Q2\n"
    paths = [write(tmp_path, "党员.csv", MEMBERS), write(tmp_path, "业委会.csv", owners), write(tmp_path, "网格人员.csv", staff)]
    report = written(run(loaded, paths, partial=True))
    assert sorted((Path(w.file).name, w.column) for w in report.warnings) == [
        ("业委会.csv", "是否党员"),
        ("网格人员.csv", "所在党组织"),
    ]
    pid = person(loaded, WANG)
    assert orgs_of(loaded, pid) == ["org:P4"]
    assert loaded.node(pid)["party_member_source"] == "members"  # type: ignore[index]


def test_contradictory_rows_of_one_roster_are_still_rejected(loaded: EmbeddedStore, tmp_path: Path) -> None:
    staff = (
        "网格编码,姓名,公民身份号码,岗位,联系电话,是否党员\n"
        f"130705001001G1,周平,{OUTSIDER},网格长,,是\n"
        f"130705002001G1,周平,{OUTSIDER},网格长,,否\n"
    )
    report = refused(loaded, [write(tmp_path, "网格人员.csv", staff)])
    (rejection,) = report.rejections
    assert rejection.row == 3
    assert rejection.column == "是否党员"
    assert "opposite" in rejection.reason
    assert "第2行" in rejection.reason_zh


def test_a_member_working_at_a_unit_outside_the_district(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(MEMBERS).replace(
        f"王芳,{WANG},P4,女,13800138000,在职,91130705MA00000019", f"王芳,{WANG},P4,女,13800138000,在职,省电力公司"
    )
    report = written(run(loaded, [write(tmp_path, "党员.csv", text)]))
    (unit,) = [lk.target for lk in loaded.links(person(loaded, WANG), kind=LinkKind.WORKS_AT, as_of="2025-07-01")]
    assert unit == "unit:区外-省电力公司"
    assert loaded.node(unit)["external"] is True
    assert len(report.warnings) == 1


def test_a_bad_credit_code_is_still_a_rejection_not_an_external_unit(loaded: EmbeddedStore, tmp_path: Path) -> None:
    text = roster(MEMBERS).replace("91130705MA00000019", "91130705MA00000018")  # the check character is wrong
    report = refused(loaded, [write(tmp_path, "党员.csv", text)])
    (rejection,) = report.rejections
    assert rejection.column == "工作单位"
    assert "GB 32100" in rejection.reason


def test_an_area_roster_with_its_district_lets_a_unit_sit_there_in_one_import(store: EmbeddedStore, tmp_path: Path) -> None:
    units = (
        "单位编码,单位名称,单位类别,所在区域编码,党组织编码,承办事项类别,联系电话\nD02,区委组织部,机关,130705,,,0313-5512345\n"
    )
    written(run(store, [write(tmp_path, "区域.csv", AREAS.format(property="")), write(tmp_path, "单位.csv", units)], date=DAY))
    attrs = store.node("unit:D02")
    assert attrs is not None
    assert attrs["phone_masked"] != "0313-5512345"
    assert "phone_sealed" in attrs


def test_fractional_service_hours_are_kept_as_their_decimal(loaded: EmbeddedStore, tmp_path: Path) -> None:
    """16.5 hours once stopped the import on a Bolt server (which rounds floating-point parameters):
    whole hours stay numbers, a fraction is kept as its decimal text (regression)."""
    from tests.importers.conftest import REGISTRATIONS, WANG

    text = roster(REGISTRATIONS).replace(",2,12\n", ",2,16.5\n")
    written(run(loaded, [write(tmp_path, "双报到.csv", text)]))
    pid = person(loaded, WANG)
    (link,) = [lk for lk in loaded.links(pid, kind=LinkKind.REGISTERED_WITH, as_of="2025-07-01")]
    assert link.attrs["service_hours"] == "16.5"
    assert not [v for _, attrs in loaded.nodes() for v in attrs.values() if isinstance(v, float)]


def test_project_statuses_as_districts_write_them(loaded: EmbeddedStore, tmp_path: Path) -> None:
    """rosters.md names no vocabulary for 状态: 已结束, 实施中, 筹备中, 中止 are what clerks write."""
    from tests.importers.conftest import PROJECTS

    text = roster(PROJECTS)
    for word, status in (("已结束", "completed"), ("实施中", "active"), ("筹备中", "planned"), ("中止", "terminated")):
        written(run(loaded, [write(tmp_path, "共建项目.csv", text.replace("进行中", word))]))
        assert loaded.node("project:XM1")["status"] == status  # type: ignore[index]
