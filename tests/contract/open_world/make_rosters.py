"""A district as its office clerks hold it: the rosters of 下花园区 (130706), written from
``shared/rosters.md`` alone — not by the project's generator or roster writer.

Two streets (街道), four communities (社区), nested grids (网格), eight compounds (小区), 19 buildings
(楼栋), 36 entrances (单元), 328 households (住户), a Party hierarchy of 31 orgs (党组织) with ~140
members (党员), grid staff (网格人员), 1+10 contacts (联系户), liaison cadres (包联), 双报到
registrations, units (单位) at every level — district departments and companies registered at the
district included —, co-building projects (共建项目), owners' committees (业委会) and property
companies (物业企业).

Each roster is written the way a different office would: GB18030 CSV from Excel on a Chinese Windows,
UTF-8 with a BOM, plain UTF-8 with English headers, and workbooks with a merged title row, vertically
merged cells, a footer row, codes typed as numbers, dates as date cells, text and serial numbers.
Phones come as people type them; full-width digits, stray spaces and a trailing ``.0`` appear where a
clerk would leave them.

The open world (issue 14): units whose 所在区域编码 is the district; Party members whose org is outside
the district — on owners' committees (是否党员 = 是, or a 所在党组织 only), among grid staff, liaison
cadres and 双报到 registrants — naming orgs and units by name or by code that no roster of the
district defines.

The logical district (:func:`build`) is what the clerks *mean*; :func:`write_rosters` writes it with
their habits. ``tests/contract/open_world/expected.py`` counts the coverage findings from the logical
district alone.

Run as a script to write the rosters into a folder::

    .venv/bin/python -m tests.contract.open_world.make_rosters /tmp/rosters
"""

from __future__ import annotations

import csv
import io
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

SEED = 20250701
#: The day the district is imported and its coverage asked for.
AS_OF = date(2025, 7, 1)

DISTRICT = "130706"
STREET_A, STREET_B = "130706001", "130706002"
A1, A2 = "130706001001", "130706001002"  # 东升社区, 西苑社区
B1, B2 = "130706002001", "130706002002"  # 新华社区, 富民社区
COMMUNITIES = (A1, A2, B1, B2)
STREETS = (STREET_A, STREET_B)

# ---------------------------------------------------------------------------------------------------
# Check characters


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_number(region: str, born: date, seq: int) -> str:
    """An 18-character 公民身份号码 with its GB 11643 check digit (``seq`` odd for a man)."""
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    assert len(body) == 17
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(body8: str) -> str:
    """The 9-character organisation code (GB 11714) inside a credit code: 8 characters and a check."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(kind: str, region: str, body8: str) -> str:
    """An 18-character 统一社会信用代码 with its GB 32100 check character.

    ``kind`` is the registering authority and type (``91`` a company, ``12`` a public institution,
    ``52`` a social organisation, ``11`` an organ)."""
    body = kind + region + _org_code(body8)
    assert len(body) == 17
    assert all(c in CREDIT_CHARS for c in body), body
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


# ---------------------------------------------------------------------------------------------------
# The logical district: what the clerks mean


@dataclass
class Person:
    id_number: str
    name: str
    gender: str  # 男 / 女
    phone: str  # a mobile '13800138000' or a landline '0313-5512345' / '0313-5512345-8001'


@dataclass
class Area:
    code: str
    name: str
    level: str  # 区 / 街道 / 社区 / 网格 / 小区
    parent: str | None = None
    grid_level: int | None = None
    residents: int | None = None  # 常住人口, when the area roster gives it
    property_company: str | None = None  # 物业企业信用代码 of a compound


@dataclass
class Org:
    code: str
    name: str
    kind: str  # 党工委 / 党委 / 党总支 / 党支部 / 党小组 / 临时党委 / 联合党支部
    parent: str | None = None
    area: str | None = None  # 负责区域编码
    building: tuple[str, str] | None = None  # 负责楼栋: (compound code, building)


@dataclass
class Unit:
    code: str
    name: str
    kind: str  # 机关 / 事业单位 / 国有企业 / 非公企业 / 社会组织 / 物业企业 / 职能部门
    area: str  # 所在区域编码: any level, the district included
    org: str | None = None
    handles: tuple[str, ...] = ()
    phone: str | None = None


@dataclass
class Household:
    code: str
    grid: str
    compound: str
    building: str
    entrance: str
    room: str
    residents: int
    care_tags: tuple[str, ...] = ()
    central: bool = False


@dataclass
class Member:
    person: str  # ID number
    org: str
    status: str  # 在职 / 离退休 / 流动 / 其他
    post: str | None = None  # 书记 / 副书记 / 委员 / 党小组长
    unit: str | None = None  # 工作单位: a district unit's code, or an outside unit's name
    household: str | None = None
    by_address: bool = False  # the clerk wrote 居住地址 instead of 户编码


@dataclass
class GridSeat:
    grid: str
    person: str
    role: str  # 社区工作者 / 专职网格员 / 物业管理员 / 网格长 / 执法队员
    is_party_member: bool | None = None
    org: str | None = None  # 所在党组织: code or name
    phone: str | None = None  # an office phone, else the person's


@dataclass
class Contact:
    member: str
    household: str


@dataclass
class Registration:
    kind: str  # 个人 / 组织
    community: str
    on: date
    person: str | None = None
    unit: str | None = None  # organisational: a unit code, or an outside unit's name
    tasks: int | None = None
    hours: float | None = None
    person_columns: bool = False  # 姓名 / 联系电话 written
    person_unit: str | None = None  # 工作单位 of a registrant
    person_org: str | None = None  # 所在党组织 of a registrant


@dataclass
class Liaison:
    person: str
    rank: str  # 处级 / 科级 / 其他
    area: str  # a community or a compound
    since: date
    unit: str | None = None  # 所在单位: code or name
    org: str | None = None  # 所在党组织: code or name
    phone: str | None = None  # an office phone, else the person's


@dataclass
class Project:
    code: str
    name: str
    unit: str
    area: str
    category: str
    start: date
    end: date | None
    status: str


@dataclass
class OwnerSeat:
    compound: str
    person: str
    post: str
    is_party_member: bool | None = None
    org: str | None = None


@dataclass
class District:
    persons: dict[str, Person] = field(default_factory=dict)
    areas: list[Area] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    grid_staff: list[GridSeat] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    liaisons: list[Liaison] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    owners: list[OwnerSeat] = field(default_factory=list)
    #: Orgs and units that rosters name but no roster of the district defines (区外).
    external_orgs: set[str] = field(default_factory=set)
    external_units: set[str] = field(default_factory=set)

    def area(self, code: str) -> Area:
        return next(a for a in self.areas if a.code == code)

    def ancestors(self, code: str) -> list[str]:
        """The area itself and every area above it."""
        chain = [code]
        while (parent := self.area(chain[-1]).parent) is not None:
            chain.append(parent)
        return chain

    def community_of(self, code: str) -> str | None:
        return next((c for c in self.ancestors(code) if self.area(c).level == "社区"), None)

    def street_of(self, code: str) -> str | None:
        return next((c for c in self.ancestors(code) if self.area(c).level == "街道"), None)

    def household(self, code: str) -> Household:
        return next(h for h in self.households if h.code == code)

    def org(self, code: str) -> Org:
        return next(o for o in self.orgs if o.code == code)


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红海燕鹏飞鑫宇浩然晨阳佳琪欣怡子涵雨桐梓轩"
MOBILE_PREFIXES = ("138", "139", "150", "151", "186", "187", "135", "136", "158", "188", "177", "199")
#: Birthplaces: the district itself mostly, Zhangjiakou's other districts and counties, elsewhere.
REGIONS = ("130706",) * 6 + ("130705", "130702", "130727", "130703", "140202", "110105")


class People:
    """Makes people with valid, distinct ID numbers, names and mobiles (seeded)."""

    def __init__(self, rng: random.Random, district: District) -> None:
        self.rng, self.district = rng, district
        self.names: set[str] = set()
        self.phones: set[str] = set()

    def new(self, *, name: str | None = None, gender: str | None = None, born: tuple[int, int] = (1955, 1998)) -> Person:
        rng = self.rng
        gender = gender or rng.choice("男女")
        while True:
            seq = rng.randrange(1, 499) * 2 + (1 if gender == "男" else 0)
            born_on = date(rng.randint(*born), 1, 1) + timedelta(days=rng.randrange(365))
            number = id_number(rng.choice(REGIONS), born_on, seq)
            if number not in self.district.persons:
                break
        while name is None or name in self.names:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        self.names.add(name)
        while True:
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if phone not in self.phones:
                break
        self.phones.add(phone)
        person = Person(number, name, gender, phone)
        self.district.persons[number] = person
        return person


# the district's own compounds: code, name, community, parent area, property company, buildings
# buildings: (name, entrances, floors, rooms per floor, basic grid)
G_A1_1, G_A1_2, G_A2_1 = "130706001001001", "130706001001002", "130706001002001"
G_B1_0, G_B1_1, G_B1_2 = "130706002001100", "130706002001101", "130706002001102"
G_B2_1, G_B2_2 = "130706002002001", "130706002002002"
C01, C02, C03, C04 = "130706001001XQ01", "130706001001XQ02", "130706001001XQ03", "130706001002XQ01"
C05, C06, C07, C08 = "130706002001XQ01", "130706002001XQ02", "130706002002XQ01", "130706002002XQ02"


def build(seed: int = SEED) -> District:
    """The logical district, the same for the same seed."""
    rng = random.Random(seed)
    d = District()
    people = People(rng, d)

    # ---- property companies and units (credit codes per GB 32100, the district's own codes)
    p1 = credit_code("91", DISTRICT, "MA0DH001")  # 张家口东升物业服务有限公司: red property
    p2 = credit_code("91", DISTRICT, "MA0XY002")  # 鑫源物业: no Party org
    p3 = credit_code("91", DISTRICT, "MA0FM003")  # 富民物业: no Party org
    hongda = credit_code("91", DISTRICT, "MA0HD004")  # a company registered at the district
    market = credit_code("92", DISTRICT, "MA0CT005")  # 东升超市: in a compound
    coal = credit_code("91", DISTRICT, "10605311")  # 新华煤业: a state-owned company
    mutual = credit_code("52", DISTRICT, "MJ0LL006")  # 富民邻里互助会: a social organisation

    # ---- areas
    d.areas += [
        Area(DISTRICT, "下花园区", "区"),
        Area(STREET_A, "城镇街道", "街道", DISTRICT),
        Area(STREET_B, "煤矿街道", "街道", DISTRICT),
        Area(A1, "东升社区", "社区", STREET_A, residents=2600),
        Area(A2, "西苑社区", "社区", STREET_A),  # no 常住人口: its households' 常住人数 count
        Area(B1, "新华社区", "社区", STREET_B, residents=1100),
        Area(B2, "富民社区", "社区", STREET_B),
        Area(G_A1_1, "东升第一网格", "网格", A1, grid_level=4),
        Area(G_A1_2, "机务段网格", "网格", A1, grid_level=4),
        Area(G_A2_1, "西苑网格", "网格", A2, grid_level=4),
        Area(G_B1_0, "新华片区网格", "网格", B1, grid_level=3),  # holds grids, not households
        Area(G_B1_1, "新华第一网格", "网格", G_B1_0, grid_level=4),
        Area(G_B1_2, "新华第二网格", "网格", G_B1_0, grid_level=4),
        Area(G_B2_1, "富民网格", "网格", B2, grid_level=4),
        Area(G_B2_2, "富民商业街网格", "网格", B2, grid_level=4),  # no household: not a basic grid
    ]
    compounds = [
        (C01, "东升花园", A1, p1, [(f"{n}号楼", 2, 6, 2, G_A1_1) for n in range(1, 6)]),
        (C02, "东升里", A1, p1, [(f"{n}号楼", 3, 5, 2, G_A1_1) for n in range(1, 4)]),
        (C03, "机务段宿舍", G_A1_2, None, [(f"{n}号楼", 1, 4, 2, G_A1_2) for n in range(1, 3)]),
        (C04, "西苑小区", A2, p2, [(f"{n}号楼", 2, 3, 2, G_A2_1) for n in range(1, 3)]),
        (C05, "新华苑", B1, p2, [("1号楼", 2, 4, 2, G_B1_1), ("2号楼", 2, 4, 2, G_B1_2)]),
        (C06, "矿工新村", B1, None, [(f"{n}号楼", 1, 4, 2, G_B1_2) for n in range(1, 3)]),
        (C07, "富民家园", B2, p3, [(f"{n}号楼", 2, 3, 2, G_B2_1) for n in range(1, 3)]),
        (C08, "富民里", B2, None, [("1号楼", 1, 3, 2, G_B2_1)]),
    ]
    seq: dict[str, int] = {}
    for code, name, parent, company, buildings in compounds:
        d.areas.append(Area(code, name, "小区", parent, property_company=company))
        community = d.community_of(code)
        assert community is not None
        for building, entrances, floors, rooms, grid in buildings:
            for e in range(1, entrances + 1):
                for f in range(1, floors + 1):
                    for r in range(1, rooms + 1):
                        seq[community] = seq.get(community, 0) + 1
                        tags: tuple[str, ...] = ()
                        if rng.random() < 0.15:
                            tags = tuple(
                                rng.sample(["独居老人", "空巢老人", "残疾人", "困难群众", "候鸟"], rng.choice((1, 1, 2)))
                            )
                        d.households.append(
                            Household(
                                f"{community}{seq[community]:04d}",
                                grid,
                                code,
                                building,
                                f"{e}单元",
                                f"{f}0{r}",
                                rng.choice((1, 2, 2, 3, 3, 3, 4, 5)),
                                tags,
                            )
                        )

    # ---- units
    d.units += [
        Unit("00101", "区民政局", "职能部门", DISTRICT, "9901", ("养老服务", "社会救助"), "0313-7012301"),
        Unit("00102", "区住房和城乡建设局", "职能部门", DISTRICT, None, ("物业纠纷", "设施维修"), "0313-7012302"),
        Unit("00103", "区综合行政执法局", "职能部门", DISTRICT, None, ("违章搭建", "环境卫生", "市场监管"), "0313-7012303-8001"),
        Unit(hongda, "张家口宏达建材有限公司", "非公企业", DISTRICT, None, (), "0313-7055123"),
        Unit(p1, "张家口东升物业服务有限公司", "物业企业", DISTRICT, "010106", (), "0313-7066001"),
        Unit(p2, "下花园区鑫源物业管理有限公司", "物业企业", DISTRICT, None, (), "0313-7066002"),
        Unit(p3, "富民物业服务有限公司", "物业企业", STREET_B, None, (), "0313-7066003"),
        Unit("00201", "城镇街道社区卫生服务中心", "事业单位", STREET_A, "0103", (), "0313-7088001"),
        Unit("00301", "东升小学", "事业单位", A1, "010104", (), "0313-7088101"),
        Unit(market, "下花园区东升超市", "非公企业", C01, "010105", (), None),
        Unit("00302", "西苑幼儿园", "事业单位", A2, "010202", (), "0313-7088102"),
        Unit("00303", "新华医院", "事业单位", G_B1_1, "020103", (), "0313-7088201"),
        Unit(mutual, "富民邻里互助会", "社会组织", B2, "020202", (), None),
        Unit(coal, "张家口新华煤业有限责任公司", "国有企业", B1, "0203", (), "0313-7099001"),
    ]

    # ---- Party orgs (codes keep their leading zeros)
    def group(code: str, parent: str, compound: str, building: str) -> Org:
        return Org(code, f"{d.area(compound).name}{building}党小组", "党小组", parent, building=(compound, building))

    d.orgs += [
        Org("01", "中共下花园区城镇街道工作委员会", "党工委", None, STREET_A),
        Org("0101", "东升社区党委", "党委", "01", A1),
        Org("010101", "东升花园党支部", "党支部", "0101", C01),
        *(group(f"0101010{n}", "010101", C01, f"{n}号楼") for n in range(1, 5)),
        Org("010102", "东升里党支部", "党支部", "0101", C02),
        *(group(f"0101020{n}", "010102", C02, f"{n}号楼") for n in range(1, 3)),
        Org("010103", "机务段网格党支部", "党支部", "0101", G_A1_2),  # a grid's branch, over 机务段宿舍
        Org("010104", "东升小学党支部", "党支部", "0101"),
        Org("010105", "东升商圈联合党支部", "联合党支部", "0101"),
        Org("010106", "东升物业党支部", "党支部", "0101"),
        Org("0102", "西苑社区党总支", "党总支", "01", A2),
        Org("010201", "西苑小区党支部", "党支部", "0102", C04),
        Org("010202", "西苑幼儿园党支部", "党支部", "0102"),
        Org("0103", "城镇街道社区卫生服务中心党支部", "党支部", "01"),
        Org("02", "中共下花园区煤矿街道工作委员会", "党工委", None, STREET_B),
        Org("0201", "新华社区党委", "党委", "02", B1),
        Org("020101", "新华苑党支部", "党支部", "0201", C05),
        group("02010101", "020101", C05, "1号楼"),
        Org("020102", "新华第一网格党支部", "党支部", "0201", G_B1_1),
        Org("020103", "新华医院党总支", "党总支", "0201"),
        Org("0202", "富民社区党委", "党委", "02", B2),
        Org("020201", "富民家园党支部", "党支部", "0202", C07),
        group("02020101", "020201", C07, "1号楼"),
        Org("020202", "富民邻里互助会党支部", "党支部", "0202"),
        Org("0203", "张家口新华煤业有限责任公司党委", "党委", "02"),
        Org("0204", "煤矿街道老旧小区改造临时党委", "临时党委", "02", STREET_B),
        Org("9901", "区民政局机关党支部", "党支部"),
    ]

    # ---- members: (org, officers, ordinary members, where they live, in-service share)
    def homes(where: str) -> list[Household]:
        kind, _, what = where.partition(":")
        if kind == "building":
            compound, building = what.split("/")
            return [h for h in d.households if h.compound == compound and h.building == building]
        if kind == "compound":
            return [h for h in d.households if h.compound == what]
        if kind == "community":
            return [h for h in d.households if d.community_of(h.compound) == what]
        if kind == "district":
            return d.households if rng.random() < 0.6 else []
        return []

    outside_work = ("张家口市第一医院", "河北建投宣化热电有限责任公司", "张家口市税务局下花园分局", "00102", hongda)
    plan: list[tuple[str, tuple[str, ...], int, str, float]] = [
        ("01", ("书记", "副书记", "委员"), 1, "district", 1.0),
        ("0101", ("书记", "副书记", "委员", "委员"), 2, f"community:{A1}", 0.5),
        ("010101", ("书记", "委员"), 9, f"compound:{C01}", 0.4),
        *((f"0101010{n}", ("党小组长",), 4, f"building:{C01}/{n}号楼", 0.4) for n in range(1, 5)),
        ("010102", ("副书记", "委员"), 6, f"compound:{C02}", 0.4),  # no secretary
        *((f"0101020{n}", ("党小组长",), 3, f"building:{C02}/{n}号楼", 0.4) for n in range(1, 3)),
        ("010103", ("书记",), 3, f"compound:{C03}", 0.3),
        ("010104", ("书记", "委员"), 3, "district", 1.0),
        ("010105", ("书记",), 2, "district", 1.0),
        ("010106", ("书记",), 2, "district", 1.0),
        ("0102", ("书记", "委员"), 2, f"community:{A2}", 0.5),
        ("010201", ("书记",), 5, f"compound:{C04}", 0.4),
        ("010202", ("书记",), 2, "district", 1.0),
        ("0103", ("副书记",), 2, "district", 1.0),  # no secretary
        ("02", ("书记", "副书记"), 1, "district", 1.0),
        ("0201", ("书记", "委员"), 2, f"community:{B1}", 0.5),
        ("020101", ("书记",), 4, f"compound:{C05}", 0.4),
        ("02010101", ("党小组长",), 3, f"building:{C05}/1号楼", 0.4),
        ("020102", ("委员",), 3, f"community:{B1}", 0.4),  # no secretary
        ("020103", ("书记", "副书记"), 3, "district", 1.0),
        ("0202", ("副书记", "委员"), 1, f"community:{B2}", 0.5),  # a deputy, no secretary
        ("020201", ("书记",), 3, f"compound:{C07}", 0.4),
        ("02020101", (), 3, f"building:{C07}/1号楼", 0.4),  # a group without its leader
        ("020202", ("书记",), 1, "district", 1.0),
        ("0203", ("书记",), 3, "district", 1.0),
        ("0204", ("书记",), 1, "district", 1.0),
        ("9901", ("书记",), 2, "district", 1.0),
    ]
    unit_of_org = {u.org: u.code for u in d.units if u.org}
    for org, officers, ordinary, where, in_service in plan:
        for post in (*officers, *([None] * ordinary)):
            person = people.new()
            pool = homes(where)
            home = rng.choice(pool).code if pool else None
            if post is not None or rng.random() < in_service:
                status = "在职"
            else:
                status = rng.choice(("离退休", "离退休", "离退休", "流动", "其他"))
            unit = unit_of_org.get(org)
            if unit is None and status == "在职" and post is None:
                unit = rng.choice((*outside_work, None))
            d.members.append(Member(person.id_number, org, status, post, unit if status == "在职" else None, home))
    # a member of GB18030 beyond GBK: 䶮 (CJK extension A)
    d.persons[d.members[5].person].name = "刘䶮"
    # a member of 新华社区党委 who lives in 矿工新村 and sits on its owners' committee
    miner = people.new(name="韩德顺", gender="男", born=(1950, 1958))
    d.members.append(
        Member(miner.id_number, "0201", "离退休", None, None, next(h.code for h in d.households if h.compound == C06))
    )
    # an in-service member whose home the roster does not give
    d.members.append(Member(people.new(name="蒋文博").id_number, "0201", "在职", None, coal, None))
    # a few write 居住地址 instead of 户编码
    for m in [m for m in d.members if m.household][3::19][:6]:
        m.by_address = True

    # ---- central households: a member's home designated for its entrance (单元党员中心户)
    member_homes = {m.household for m in d.members if m.household}
    for entrance in sorted({(h.compound, h.building, h.entrance) for h in d.households}):
        candidates = [h for h in d.households if (h.compound, h.building, h.entrance) == entrance and h.code in member_homes]
        if candidates and rng.random() < 0.7:
            rng.choice(candidates).central = True

    # ---- 1+10 contacts, community by community: members of the community's own orgs
    def org_community(org: Org) -> str | None:
        if org.area:
            return d.community_of(org.area)
        if org.building:
            return d.community_of(org.building[0])
        return None

    org_by_code = {o.code: o for o in d.orgs}
    for community in COMMUNITIES:
        local = [h for h in d.households if d.community_of(h.compound) == community]
        contacting = [m for m in d.members if org_community(org_by_code[m.org]) == community]
        must = [h for h in local if h.code in member_homes]
        rest = [h for h in local if h.code not in member_homes]
        rng.shuffle(rest)
        targets = must + rest[: max(0, round(len(local) * 0.65) - len(must))]
        rng.shuffle(targets)
        load: dict[str, int] = {}
        quotas: dict[str, int] = {}
        if community == A1:  # two members over the norm (15), one right at it
            ordinary = [m.person for m in contacting if m.org == "010101" and m.post is None]
            quotas = dict(zip(ordinary[:3], (18, 16, 15), strict=True))
        homes_of = {m.person: m.household for m in contacting}
        turn = 0
        for household in targets:
            special = [p for p, q in quotas.items() if load.get(p, 0) < q and homes_of.get(p) != household.code]
            if special:
                chosen = special[0]
            else:
                while True:
                    member = contacting[turn % len(contacting)]
                    turn += 1
                    if member.person not in quotas and member.household != household.code:
                        chosen = member.person
                        break
            load[chosen] = load.get(chosen, 0) + 1
            d.contacts.append(Contact(chosen, household.code))
        assert all(n <= 10 for p, n in load.items() if p not in quotas), load

    # ---- grid staff (一格三员), with people from outside the district among them
    def staff(
        grid: str,
        role: str,
        person: Person | None = None,
        member: bool | None = None,
        org: str | None = None,
        phone: str | None = None,
    ) -> Person:
        person = person or people.new()
        d.grid_staff.append(GridSeat(grid, person.id_number, role, member, org, phone))
        return person

    def member_of(org: str, post: str | None = None) -> Person:
        return d.persons[next(m.person for m in d.members if m.org == org and m.post == post)]

    staff(G_A1_1, "社区工作者", member_of("0101", "委员"), True)
    staff(G_A1_1, "社区工作者", member=False)
    staff(G_A1_1, "专职网格员")
    staff(G_A1_1, "物业管理员")
    staff(G_A1_1, "网格长", member=True, org="市交通运输局机关第一党支部")  # an outside org, by name
    # a member who gives another org than the members roster: a warning, the roster's org kept
    staff(G_A1_2, "社区工作者", member_of("010103"), org="0101")
    staff(G_A1_2, "专职网格员", member=False)  # no property manager: 机务段宿舍 has no company
    staff(G_A2_1, "专职网格员", phone="0313-7101001-8008")  # the grid office's phone
    staff(G_A2_1, "物业管理员")  # no community worker
    staff(G_B1_0, "网格长", member_of("0201", "委员"), org="新华社区党委")  # a district org by its name
    staff(G_B1_1, "社区工作者", member_of("020102", "委员"), True)
    staff(G_B1_1, "社区工作者")
    staff(G_B1_1, "专职网格员", member=False)
    staff(G_B1_1, "物业管理员")
    staff(G_B1_1, "执法队员", member=True, org="1307069902")  # an outside org, by code
    staff(G_B1_2, "网格长", member=True)  # a member whose org is unknown; nobody else in the grid
    staff(G_B2_1, "社区工作者", member=False)
    staff(G_B2_1, "专职网格员")
    staff(G_B2_1, "物业管理员")

    # ---- owners' committees (业委会)
    def seat(compound: str, person: Person, post: str, member: bool | None = None, org: str | None = None) -> None:
        d.owners.append(OwnerSeat(compound, person.id_number, post, member, org))

    c01_members = [d.persons[m.person] for m in d.members if m.household and d.household(m.household).compound == C01]
    seat(C01, c01_members[0], "主任")  # on the members roster, 是否党员 left blank
    seat(C01, c01_members[1], "副主任", True)
    seat(C01, people.new(), "委员", False)
    seat(C01, people.new(), "委员")
    seat(C01, people.new(), "委员", False)
    for post in ("主任", "副主任", "委员"):
        seat(C02, people.new(), post, False)  # no Party member
    seat(C04, people.new(), "主任", True)  # a member from outside, org unknown
    seat(C04, people.new(), "委员", False)
    seat(C04, people.new(), "委员", False)
    seat(C05, people.new(), "主任", None, "市住房和城乡建设局机关第一党支部")  # a 所在党组织 only
    seat(C05, people.new(), "委员")
    seat(C05, people.new(), "委员")
    seat(C06, miner, "主任", False)  # 否 for a listed member: a warning, the members roster wins
    seat(C07, people.new(), "主任")  # nobody known to be a member
    seat(C07, people.new(), "委员")

    # ---- liaison cadres (包联)
    def liaise(
        person: Person,
        rank: str,
        area: str,
        since: date,
        unit: str | None = None,
        org: str | None = None,
        phone: str | None = None,
    ) -> None:
        d.liaisons.append(Liaison(person.id_number, rank, area, since, unit, org, phone))

    liaise(member_of("9901", "书记"), "处级", A1, date(2023, 3, 1), "00101", phone="0313-7012301-8001")
    liaise(
        people.new(name="刘志强", gender="男"),
        "处级",
        A1,
        date(2024, 1, 1),
        "张家口市发展和改革委员会",
        "市发改委机关第二党支部",
        "0313-5512345-8001",
    )
    liaise(people.new(name="陈丽", gender="女"), "处级", C01, date(2024, 5, 6), "00102")  # a compound of 东升社区
    liaise(people.new(), "处级", A2, date(2022, 9, 1), "00103", phone="0313-7012303")
    liaise(people.new(), "科级", A2, date(2023, 2, 15), "00102")
    city_power = credit_code("91", "130700", "MA0GD071")  # 国网张家口供电公司: no roster of the district
    liaise(people.new(), "处级", B1, date(2024, 3, 1), city_power, "ZJK-GD-021")
    liaise(d.persons[d.members[0].person], "处级", B1, date(2021, 6, 1), "00101")  # the street secretary
    liaise(people.new(), "处级", B1, date(2024, 9, 10), coal)
    liaise(people.new(), "科级", C07, date(2023, 4, 1), "00103")
    liaise(people.new(), "处级", C08, date(2024, 11, 1), "00102")  # a compound of 富民社区
    liaise(people.new(), "其他", B2, date(2025, 1, 2), p3)

    # ---- 双报到: in-service members where they live, units where they sit, registrants from outside
    def day() -> date:
        return date(2023, 3, 1) + timedelta(days=rng.randrange(840))

    for m in d.members:
        if not m.household:
            continue
        home = d.community_of(d.household(m.household).compound)
        assert home is not None
        draw = rng.random()
        if (m.status == "在职" and draw < 0.7) or (m.status != "在职" and draw < 0.1):
            community = home
        elif m.status == "在职" and draw < 0.8:
            community = rng.choice([c for c in COMMUNITIES if c != home])  # registered elsewhere
        else:
            continue
        d.registrations.append(
            Registration(
                "个人",
                community,
                day(),
                m.person,
                tasks=rng.randint(1, 4),
                hours=rng.choice((4, 8, 12, 16.5, 24)),
                person_columns=rng.random() < 0.4,
            )
        )
    outsider = people.new(name="钱程", gender="男")
    d.registrations.append(
        Registration(
            "个人",
            B1,
            date(2024, 4, 12),
            outsider.id_number,
            tasks=2,
            hours=10,
            person_columns=True,
            person_unit="河北省交通运输厅",
            person_org="省交通运输厅机关第三党支部",
        )
    )
    d.registrations.append(
        Registration(
            "个人", A2, date(2024, 5, 20), people.new().id_number, tasks=1, hours=6, person_columns=True, person_unit="00102"
        )
    )
    city_water = credit_code("91", "130700", "MA0TL088")  # 张家口市自来水公司: no roster of the district
    d.registrations.append(
        Registration(
            "个人",
            A1,
            date(2025, 3, 8),
            people.new().id_number,
            tasks=3,
            person_columns=True,
            person_unit=city_water,
            person_org="1307009912",
        )
    )
    d.registrations += [
        Registration("组织", A1, date(2023, 4, 1), unit="00301"),
        Registration("组织", A1, date(2023, 4, 6), unit="00302"),  # 西苑幼儿园 sits in 西苑社区
        Registration("组织", B1, date(2023, 5, 9), unit="00303"),
        Registration("组织", B2, date(2024, 6, 18), unit=mutual),
        Registration("组织", B1, date(2023, 5, 12), unit=coal),
        Registration("组织", A2, date(2024, 2, 26), unit="00101"),  # a district department
        Registration("组织", B1, date(2024, 7, 1), unit="国网张家口供电公司下花园供电中心"),  # an outside unit, by name
    ]

    # ---- co-building projects (共建项目)
    d.projects += [
        Project("GJ2024001", "东升小学课后托管", "00301", A1, "教育", date(2024, 1, 1), date(2026, 12, 31), "进行中"),
        Project("GJ2025002", "便民早市", market, A1, "就业", date(2025, 3, 1), None, "进行中"),
        Project("GJ2023003", "西苑幼儿园亲子课堂", "00302", A2, "教育", date(2023, 1, 1), date(2024, 12, 31), "已结束"),
        Project("GJ2025004", "新华医院家庭医生签约", "00303", B1, "医疗", date(2025, 9, 1), date(2026, 8, 31), "未开始"),
        Project("GJ2024005", "邻里守望", mutual, B2, "养老", date(2024, 7, 11), date(2025, 7, 11), "进行中"),
        Project("GJ2023006", "矿区环境整治（一期）", coal, B1, "环境", date(2023, 1, 1), date(2024, 6, 30), "已结束"),
        Project("GJ2024007", "矿区环境整治（二期）", coal, B1, "环境", date(2024, 7, 26), date(2025, 7, 26), "进行中"),
        Project("GJ2025008", "西苑居家养老服务", "00101", A2, "养老", date(2025, 1, 1), date(2025, 12, 31), "进行中"),
        Project("GJ2025009", "富民违建清零", "00103", B2, "环境", date(2025, 6, 1), date(2025, 7, 20), "进行中"),
        Project("GJ2025010", "红色物业进小区", p1, A1, "法律", date(2025, 1, 1), date(2025, 8, 15), "进行中"),
        Project("GJ2025011", "煤矿街道背街小巷改造", hongda, STREET_B, "环境", date(2025, 5, 1), date(2025, 7, 16), "进行中"),
    ]

    d.external_orgs |= {"市交通运输局机关第一党支部", "1307069902", "市住房和城乡建设局机关第一党支部", "市发改委机关第二党支部"}
    d.external_orgs |= {"ZJK-GD-021", "省交通运输厅机关第三党支部", "1307009912"}
    d.external_units |= {
        "张家口市发展和改革委员会",
        city_power,
        "河北省交通运输厅",
        city_water,
        "国网张家口供电公司下花园供电中心",
    }
    d.external_units |= {u for u in outside_work if not any(x.code == u for x in d.units)}
    return d


# ---------------------------------------------------------------------------------------------------
# The clerks' habits

FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def full_width(text: str) -> str:
    return text.translate(FULL)


def typed_phone(phone: str, turn: int, plain: bool = False) -> str:
    """A phone as someone types it; ``turn`` picks the habit."""
    if phone[0] == "1":  # a mobile
        if plain:
            return phone
        a, b, c = phone[:3], phone[3:7], phone[7:]
        habits = (phone, f"{a}-{b}-{c}", f"{a} {b} {c}", f"+86 {phone}", f"0086 {phone}", phone, full_width(phone), f"+86{phone}")
        return habits[turn % len(habits)]
    area, number, *extension = phone.split("-")
    if plain:
        return f"{area}-{number}"
    if extension:
        return phone
    habits = (phone, f"({area}){number}", f"（{area}）{number}", f"{area} {number}")
    return habits[turn % len(habits)]


def yes_no(value: bool | None) -> str:
    return "" if value is None else "是" if value else "否"


def _csv(rows: list[list[str]], *, lineterminator: str = "\r\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=lineterminator).writerows(rows)
    return out.getvalue()


def _excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def _number_if_digits(sheet: object, row: int, col: int, value: str | None) -> None:
    """A clerk's workbook: all-digit codes typed as numbers (Excel shows 130706001001)."""
    if value and value.isdigit() and value[0] != "0":
        sheet.write_number(row, col, int(value))  # type: ignore[attr-defined]
    elif value:
        sheet.write_string(row, col, value)  # type: ignore[attr-defined]


def write_rosters(folder: Path, district: District | None = None, *, plain_phones: bool = False) -> list[Path]:
    """Write the district's eleven rosters into ``folder``; returns the files written.

    ``plain_phones`` writes every phone as bare digits (a diagnostic switch: rows whose phones are typed
    the way people type them can then be told apart from other rejections)."""
    d = district or build()
    folder.mkdir(parents=True, exist_ok=True)
    people = d.persons
    paths: list[Path] = []

    def phone(value: str | None, turn: int) -> str:
        return typed_phone(value, turn, plain_phones) if value else ""

    # 区域: a workbook from the grid office, a merged title row, codes typed as numbers, a 备注 column
    path = folder / "区域名册.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("区域")
    header = ["区域编码", "区域名称", "层级", "上级区域编码", "网格级别", "常住人口", "物业企业信用代码", "备注"]
    sheet.merge_range(
        0,
        0,
        0,
        len(header) - 1,
        "下花园区网格化服务管理区域名册（2025年6月）",
        book.add_format({"bold": True, "align": "center"}),
    )
    sheet.write_row(1, 0, header)
    for i, a in enumerate(d.areas, start=2):
        _number_if_digits(sheet, i, 0, a.code)
        sheet.write_string(i, 1, a.name if i % 5 else f" {a.name} ")
        sheet.write_string(i, 2, a.level)
        _number_if_digits(sheet, i, 3, a.parent)
        if a.grid_level is not None:
            sheet.write_number(i, 4, a.grid_level)
        if a.residents is not None:
            sheet.write_number(i, 5, a.residents)
        if a.property_company:
            sheet.write_string(i, 6, a.property_company)
        if a.level == "小区" and not a.property_company:
            sheet.write_string(i, 7, "无物业，居民自管")
    book.close()
    paths.append(path)

    # 党组织: UTF-8 with a BOM from the organisation office, its own column order, a '*' on required headers
    path = folder / "党组织.csv"
    rows = [["*组织名称", "*组织编码", "*组织类别", "上级组织编码", "负责区域编码", "负责楼栋"]]
    for i, o in enumerate(d.orgs):
        building = ""
        if o.building:
            compound, name = o.building
            building = f"{d.area(compound).name if i % 2 else compound}/{name}"
        rows.append([o.name, o.code, o.kind, o.parent or "", o.area or "", building])
    path.write_text(_csv(rows), encoding="utf-8-sig")
    paths.append(path)

    # 单位 and 共建项目: one workbook, two sheets; dates as date cells, as text and as serial numbers
    path = folder / "单位及共建项目.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("单位")
    sheet.write_row(0, 0, ["单位编码", "单位名称", "单位类别", "所在区域编码", "党组织编码", "承办事项类别", "联系电话"])
    for i, u in enumerate(d.units, start=1):
        sheet.write_string(i, 0, u.code)
        sheet.write_string(i, 1, u.name)
        sheet.write_string(i, 2, u.kind)
        _number_if_digits(sheet, i, 3, u.area)
        if u.org:
            sheet.write_string(i, 4, u.org)
        if u.handles:
            sheet.write_string(i, 5, "、".join(u.handles))
        if u.phone:
            sheet.write_string(i, 6, phone(u.phone, i))
    sheet = book.add_worksheet("共建项目")
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["项目编号", "项目名称", "单位编码", "共建区域编码", "资源类别", "开始日期", "结束日期", "状态"])
    for i, p in enumerate(d.projects, start=1):
        sheet.write_row(i, 0, [p.code, p.name, p.unit])
        _number_if_digits(sheet, i, 3, p.area)
        sheet.write_string(i, 4, p.category)
        for col, when in ((5, p.start), (6, p.end)):
            if when is None:
                continue
            if i % 3 == 0:
                sheet.write_datetime(i, col, datetime(when.year, when.month, when.day), dated)
            elif i % 3 == 1:
                sheet.write_string(i, col, f"{when.year}年{when.month}月{when.day}日")
            else:
                sheet.write_number(i, col, _excel_serial(when))
        sheet.write_string(i, 7, p.status)
    book.close()
    paths.append(path)

    # 住户: UTF-8 with a BOM; the compound by code or name, full-width digits here and there
    path = folder / "住户.csv"
    rows = [["*户编码", "*所属网格编码", "*小区", "*楼栋", "*单元", "*室", " 常住人数 ", "关爱标签", "中心户"]]
    for i, h in enumerate(d.households):
        compound = d.area(h.compound).name if i % 9 == 4 else h.compound
        building = full_width(h.building) if i == 37 else h.building
        room = full_width(h.room) if i % 17 == 3 else h.room
        residents = full_width(str(h.residents)) if i % 23 == 5 else str(h.residents)
        tags = ("、" if i % 2 else ";").join(h.care_tags)
        central = "是" if h.central else ("否" if i % 3 else "")
        rows.append([h.code, h.grid, compound, building, h.entrance, room, residents, tags, central])
    path.write_text(_csv(rows), encoding="utf-8-sig")
    paths.append(path)

    # 党员: GB18030 from Excel on a Chinese Windows, 序号 and 备注 columns, addresses for some
    path = folder / "党员名册.csv"
    rows = [
        [
            "序号",
            "姓名",
            "性别",
            "公民身份号码",
            "所在党组织编码",
            "党内职务",
            "人员类别",
            "工作单位",
            "联系电话",
            "户编码",
            "居住地址",
            "备注",
        ]
    ]
    trailing_zero = next(m for m in d.members[10:] if m.household and not m.by_address)
    for i, m in enumerate(d.members, start=1):
        p = people[m.person]
        household, address = m.household or "", ""
        if m.by_address and m.household:
            h = d.household(m.household)
            name, b, e = d.area(h.compound).name, h.building.removesuffix("号楼"), h.entrance.removesuffix("单元")
            address = (f"{name}{h.building}{h.entrance}{h.room}室", f"{name}{b}栋{e}单元{h.room}", f"{name}{b}-{e}-{h.room}")[
                i % 3
            ]
            household = ""
        elif m is trailing_zero:
            household += ".0"
        rows.append(
            [
                str(i),
                p.name,
                p.gender,
                p.id_number,
                m.org,
                m.post or "",
                m.status,
                m.unit or "",
                phone(p.phone, i) if i % 7 else "",
                household,
                address,
                "",
            ]
        )
    path.write_bytes(_csv(rows).encode("gb18030"))
    paths.append(path)

    # 联系户: a plain UTF-8 export with English headers
    path = folder / "联系户.csv"
    rows = [["member_id_number", "household_code"], *([c.member, c.household] for c in d.contacts)]
    path.write_text(_csv(rows, lineterminator="\n"), encoding="utf-8")
    paths.append(path)

    # 网格人员: GB18030, a 序号 column, a code with Excel's '.0', blank rows at the end
    path = folder / "网格人员.csv"
    rows = [["序号", "网格编码", "姓名", "公民身份号码", "岗位", "联系电话", "是否党员", "所在党组织"]]
    for i, g in enumerate(d.grid_staff, start=1):
        p = people[g.person]
        grid = g.grid + ".0" if i == 3 else g.grid
        rows.append(
            [str(i), grid, p.name, p.id_number, g.role, phone(g.phone or p.phone, i), yes_no(g.is_party_member), g.org or ""]
        )
    rows += [[""] * 8] * 3
    path.write_bytes(_csv(rows).encode("gb18030"))
    paths.append(path)

    # 双报到: UTF-8 with a BOM; dates as 2024/3/1; registrants from outside defined by their columns
    path = folder / "双报到.csv"
    rows = [
        [
            "报到类型",
            "报到社区编码",
            "公民身份号码",
            "单位编码",
            "报到日期",
            "认领任务",
            "服务时长",
            "姓名",
            "联系电话",
            "工作单位",
            "所在党组织",
        ]
    ]
    for i, r in enumerate(d.registrations):
        p = people[r.person] if r.person else None
        when = f"{r.on.year}/{r.on.month}/{r.on.day}" if i % 2 else r.on.isoformat()
        rows.append(
            [
                r.kind,
                r.community,
                r.person or "",
                r.unit or "",
                when,
                "" if r.tasks is None else str(r.tasks),
                "" if r.hours is None else f"{r.hours:g}",
                p.name if p and r.person_columns else "",
                phone(p.phone, i) if p and r.person_columns else "",
                r.person_unit or "",
                r.person_org or "",
            ]
        )
    path.write_text(_csv(rows), encoding="utf-8-sig")
    paths.append(path)

    # 包联: plain UTF-8 from the organisation department, dates as 2024年3月1日
    path = folder / "包联.csv"
    rows = [["姓名", "公民身份号码", "职级", "包联区域编码", "所在单位", "开始日期", "联系电话", "所在党组织"]]
    for i, li in enumerate(d.liaisons):
        p = people[li.person]
        since = f"{li.since.year}年{li.since.month}月{li.since.day}日"
        rows.append([p.name, li.person, li.rank, li.area, li.unit or "", since, phone(li.phone or p.phone, i), li.org or ""])
    path.write_text(_csv(rows), encoding="utf-8")
    paths.append(path)

    # 业委会: a workbook with a title row, 小区 merged down over each committee, a footer row
    path = folder / "业委会.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("业委会成员")
    header = ["序号", "小区", "姓名", "公民身份号码", "职务", "是否党员", "所在党组织"]
    middle = book.add_format({"valign": "vcenter"})
    sheet.merge_range(0, 0, 0, len(header) - 1, "下花园区业主委员会成员名册", book.add_format({"bold": True, "align": "center"}))
    sheet.write_row(1, 0, header)
    row = 2
    for n, compound in enumerate(dict.fromkeys(s.compound for s in d.owners)):
        seats = [s for s in d.owners if s.compound == compound]
        label = d.area(compound).name if n % 2 else compound
        if len(seats) > 1:
            sheet.merge_range(row, 1, row + len(seats) - 1, 1, label, middle)
        else:
            sheet.write_string(row, 1, label)
        for s in seats:
            sheet.write_number(row, 0, row - 1)
            sheet.write_row(row, 2, [people[s.person].name, s.person, s.post, yes_no(s.is_party_member), s.org or ""])
            row += 1
    sheet.write_string(row + 1, 0, "制表人：刘洋　　审核人：陈静　　填表日期：2025年6月28日")
    book.close()
    paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_rosters(Path(sys.argv[1] if len(sys.argv) > 1 else "rosters")):
        print(written)
