"""A tiny district as rosters (CSV text), written into a temporary folder, and helpers to import them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from importers.report import ImportReport
from importers.sync import ImportOptions, import_rosters
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore
from orggraph.store.digest import graph_digest

DAY = "2025-06-01"
LATER = "2025-07-01"
# valid ID numbers (GB 11643) and credit codes (GB 32100)
WANG, LI, ZHANG, ZHAO, SUN, QIAN = (
    "130705198001010012",
    "130705198102020025",
    "130705198203030038",
    "130705198304040040",
    "130705198405050053",
    "130705198506060066",
)
UNIT_A, UNIT_B, PROPERTY = "91130705MA00000019", "12130705MA0000002H", "91130705MA0000003F"

AREAS = """区域编码,区域名称,层级,上级区域编码,网格级别,常住人口,物业企业信用代码
130705,下花园区,区,,,,
130705001,新华街道,街道,130705,,,
130705002,建设街道,街道,130705,,,
130705001001,幸福社区,社区,130705001,,,
130705002001,和平社区,社区,130705002,,,
130705001001G1,第一网格,网格,130705001001,4,,
130705002001G1,和平网格,网格,130705002001,4,,
130705001001X1,幸福里小区,小区,130705001001,,,{property}
130705002001X1,和平家园,小区,130705002001,,,
"""

UNITS = """单位编码,单位名称,单位类别,所在区域编码,党组织编码,承办事项类别
{unit_a},区住建局,职能部门,130705001,,违章搭建、设施维修
{unit_b},第一小学,事业单位,130705001001,,
{property},幸福物业服务有限公司,物业企业,130705001001,,
"""

ORGS = """组织编码,组织名称,组织类别,上级组织编码,负责区域编码,负责楼栋
P1,新华街道党工委,党工委,,130705001,
P2,幸福社区党委,党委,P1,130705001001,
P3,幸福里小区党支部,党支部,P2,130705001001X1,
P4,3号楼党小组,党小组,P3,,130705001001X1/3号楼
Q1,建设街道党工委,党工委,,130705002,
Q2,和平社区党委,党委,Q1,130705002001,
"""

HOUSEHOLDS = """户编码,所属网格编码,小区,楼栋,单元,室,常住人数,关爱标签,中心户
H1,130705001001G1,130705001001X1,3号楼,1单元,101,3,,是
H2,130705001001G1,130705001001X1,3号楼,1单元,102,1,独居老人,否
H3,130705001001G1,幸福里小区,3号楼,2单元,201,2,残疾人、困难群众,否
K1,130705002001G1,130705002001X1,1号楼,1单元,101,4,,否
"""

MEMBERS = """姓名,公民身份号码,所在党组织编码,性别,联系电话,人员类别,工作单位,党内职务,户编码,居住地址
王芳,{wang},P4,女,13800138000,在职,{unit_a},党小组长,H1,
李强,{li},P3,男,13900139000,离退休,,书记,,幸福里小区3号楼2单元201室
赵敏,{zhao},Q2,女,,在职,,,K1,
"""

CONTACTS = """党员身份证号,户编码
{wang},H2
{li},H3
"""

GRID_STAFF = """网格编码,姓名,公民身份号码,岗位,联系电话
130705001001G1,张伟,{zhang},专职网格员,13700137000
130705001001G1,张伟,{zhang},社区工作者,13700137000
"""

REGISTRATIONS = """报到类型,报到社区编码,公民身份号码,单位编码,报到日期,认领任务,服务时长
个人,130705001001,{wang},,2024/3/1,2,12
组织,130705001001,,{unit_b},2024年3月5日,,
"""

LIAISON = """姓名,公民身份号码,职级,包联区域编码,所在单位,开始日期
孙明,{sun},处级,130705001001,{unit_a},2024-01-01
"""

PROJECTS = """项目编号,项目名称,单位编码,共建区域编码,资源类别,开始日期,结束日期,状态
XM1,助老服务,{unit_b},130705001001,养老,2024-01-01,2026-12-31,进行中
"""

OWNERS = """小区,姓名,公民身份号码,职务,是否党员
130705001001X1,王芳,{wang},主任,是
130705001001X1,钱进,{qian},委员,否
"""

ROSTERS = {
    "区域.csv": AREAS,
    "单位.csv": UNITS,
    "党组织.csv": ORGS,
    "住户.csv": HOUSEHOLDS,
    "党员.csv": MEMBERS,
    "联系户.csv": CONTACTS,
    "网格人员.csv": GRID_STAFF,
    "双报到.csv": REGISTRATIONS,
    "包联.csv": LIAISON,
    "共建项目.csv": PROJECTS,
    "业委会.csv": OWNERS,
}
VALUES = {
    "wang": WANG,
    "li": LI,
    "zhang": ZHANG,
    "zhao": ZHAO,
    "sun": SUN,
    "qian": QIAN,
    "unit_a": UNIT_A,
    "unit_b": UNIT_B,
    "property": PROPERTY,
}


def roster(text: str) -> str:
    return text.format(**VALUES)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(roster(text), encoding=encoding)
    return path


@pytest.fixture
def key() -> PiiKey:
    return PiiKey(b"i" * 32)


@pytest.fixture
def rosters(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "rosters"
    folder.mkdir()
    return [write(folder, name, text) for name, text in ROSTERS.items()]


@pytest.fixture
def store(tmp_path: Path, key: PiiKey) -> Iterator[EmbeddedStore]:
    s = EmbeddedStore(tmp_path / "g.db", key)
    yield s
    s.close()


@pytest.fixture
def loaded(store: EmbeddedStore, rosters: list[Path]) -> EmbeddedStore:
    report = import_rosters(store, rosters, ImportOptions(date=DAY))
    assert report.ok, report.rejections
    return store


def run(store: EmbeddedStore, paths: list[Path], **options: object) -> ImportReport:
    options.setdefault("date", LATER)
    return import_rosters(store, paths, ImportOptions(**options))  # type: ignore[arg-type]


def refused(store: EmbeddedStore, paths: list[Path], **options: object) -> ImportReport:
    """Import that must reject rows; proves the store is exactly as it was."""
    before = graph_digest(store.graph)
    report = run(store, paths, **options)
    assert report.rejections
    assert not report.written
    assert graph_digest(store.graph) == before
    return report
