"""The coverage findings the open-world district must give, counted from the logical district of
:mod:`tests.contract.open_world.make_rosters` alone — no importer, store or query of the project.

Each rule follows its definition in ``orggraph/data/policy.toml`` (with the default parameters read
from there), ``shared/domain.md`` ("Coverage norms") and the README's "Coverage rules"; where a
definition leaves room, the reading a district planner would take is written beside the rule
(``Reading:``). Every finding is attributed to the area it belongs to, so the counts can be asked for
the whole district, a street or a community.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from tests.contract.open_world.make_rosters import AS_OF, COMMUNITIES, STREETS, District

POLICY = Path(__file__).resolve().parents[3] / "orggraph" / "data" / "policy.toml"

#: One finding: what it is about, and the area it belongs to (``None``: the district as a whole).
Finding = tuple[str, str | None]

ROLES = {"community_worker": "社区工作者", "grid_worker": "专职网格员", "property_manager": "物业管理员"}
RANKS = {"division": "处级", "section": "科级"}


def policy() -> dict[str, dict[str, object]]:
    with POLICY.open("rb") as f:
        return tomllib.load(f)["coverage"]


def _basic_grids(d: District) -> dict[str, list[str]]:
    """Basic grids and their households. Reading (README): a basic grid is a grid households belong
    to; a grid of grids (新华片区网格) and a grid nobody lives in (富民商业街网格) are not basic."""
    grids: dict[str, list[str]] = {}
    for h in d.households:
        grids.setdefault(h.grid, []).append(h.code)
    return grids


def compound_without_branch(d: District, p: dict[str, object]) -> list[Finding]:
    # Reading: "the branch built in the compound" is a 党支部 (or 联合党支部) whose 负责区域 is the compound
    # itself. 机务段宿舍 sits in 机务段网格, whose grid branch (机务段网格党支部) serves it, yet the
    # compound has no branch of its own: a finding.
    branched = {o.area for o in d.orgs if o.kind in ("党支部", "联合党支部") and o.area}
    return [(a.code, a.code) for a in d.areas if a.level == "小区" and a.code not in branched]


def building_without_group(d: District, p: dict[str, object]) -> list[Finding]:
    # Buildings are the 小区 + 楼栋 the households roster names; a group is a 党小组 whose 负责楼栋 is it
    # (a group whose leader post is vacant still exists: no finding here).
    grouped = {o.building for o in d.orgs if o.kind == "党小组" and o.building}
    buildings = sorted({(h.compound, h.building) for h in d.households})
    return [(f"{c}/{b}", c) for c, b in buildings if (c, b) not in grouped]


def entrance_without_central_household(d: District, p: dict[str, object]) -> list[Finding]:
    central = {(h.compound, h.building, h.entrance) for h in d.households if h.central}
    entrances = sorted({(h.compound, h.building, h.entrance) for h in d.households})
    return [("/".join(e), e[0]) for e in entrances if e not in central]


def grid_missing_role(d: District, p: dict[str, object]) -> list[Finding]:
    # One finding per basic grid and role of 一格三员 nobody holds there.
    roles = [ROLES[r] for r in p["roles"]]  # type: ignore[attr-defined]
    held = {(g.grid, g.role) for g in d.grid_staff}
    return [(f"{grid}:{role}", grid) for grid in sorted(_basic_grids(d)) for role in roles if (grid, role) not in held]


def grid_size_out_of_range(d: District, p: dict[str, object]) -> list[Finding]:
    low, high = int(p["min"]), int(p["max"])  # type: ignore[call-overload]
    return [(grid, grid) for grid, hs in sorted(_basic_grids(d).items()) if not low <= len(hs) <= high]


def household_uncontacted(d: District, p: dict[str, object]) -> list[Finding]:
    # Reading: contacted means a 联系户 row names the household; a member living there, or a central
    # household, is not a contact. (The rosters give every member's home a contact, so the readings agree.)
    contacted = {c.household for c in d.contacts}
    return [(h.code, h.compound) for h in d.households if h.code not in contacted]


def member_over_capacity(d: District, p: dict[str, object]) -> list[Finding]:
    # Reading: more than ``max`` households (15 contacts is within the norm). Members are not placed in
    # an area here (home or org?): only the district-wide count is expected.
    most = int(p["max"])  # type: ignore[call-overload]
    load = Counter(c.member for c in d.contacts)
    return [(m, None) for m, n in sorted(load.items()) if n > most]


def community_few_liaison_leaders(d: District, p: dict[str, object]) -> list[Finding]:
    # Reading: distinct leaders of the rank whose 包联区域 is the community itself. A 处级 leader of one of
    # its compounds is the compound's liaison; the rosters are such that counting him too changes no
    # finding (东升社区: 2 or 3, 富民社区: 0 or 1, the minimum 2).
    rank, low = RANKS[str(p["rank"])], int(p["min"])  # type: ignore[call-overload]
    leaders: dict[str, set[str]] = {c: set() for c in COMMUNITIES}
    for li in d.liaisons:
        if li.rank == rank and li.area in leaders:
            leaders[li.area].add(li.person)
    return [(c, c) for c in COMMUNITIES if len(leaders[c]) < low]


def community_worker_ratio(d: District, p: dict[str, object]) -> list[Finding]:
    # Residents: the area roster's 常住人口, else the sum of the households' 常住人数 (README). Workers:
    # the distinct people holding 社区工作者 on a grid of the community. A finding when workers per
    # 10,000 residents fall below the norm (workers * 10000 < norm * residents).
    norm = float(p["per_10000"])  # type: ignore[arg-type]
    findings: list[Finding] = []
    for c in COMMUNITIES:
        residents = d.area(c).residents
        if residents is None:
            residents = sum(h.residents for h in d.households if d.community_of(h.compound) == c)
        workers = {g.person for g in d.grid_staff if g.role == "社区工作者" and d.community_of(g.grid) == c}
        if residents and len(workers) * 10000 < norm * residents:
            findings.append((c, c))
    return findings


def member_not_registered(d: District, p: dict[str, object]) -> list[Finding]:
    # Reading: a member of the members roster with 人员类别 在职 whose home (户编码 or 居住地址) is a
    # household of the district, and no personal 双报到 with the community of that home. A registration
    # with another community does not count. An in-service member whose home the roster does not give
    # (蒋文博 and the unit members who live outside the district) is not said to live in any community:
    # no finding. People on other rosters only (grid staff, registrants) have no 人员类别: no finding.
    registered = {(r.person, r.community) for r in d.registrations if r.kind == "个人" and r.on <= AS_OF}
    findings: list[Finding] = []
    for m in d.members:
        if m.status != "在职" or not m.household:
            continue
        home = d.community_of(d.household(m.household).compound)
        if (m.person, home) not in registered:
            findings.append((m.person, home))
    return findings


def _community_units(d: District) -> list[tuple[str, str]]:
    """The district's own units located in a community (at the community or in one of its grids and
    compounds), with that community. Reading (domain.md: "work units located in a community are
    registered and have a live co-building project"): units at a street or at the district — the district
    departments, the companies registered at the district — are located in no community, so neither
    unit rule applies to them; units outside the district (区外) are not the district's."""
    located = []
    for u in d.units:
        community = d.community_of(u.area)
        if community is not None:
            located.append((u.code, community))
    return located


def unit_not_registered(d: District, p: dict[str, object]) -> list[Finding]:
    # An organisational 双报到 of the unit with the community it sits in; one with another community
    # (西苑幼儿园 registered with 东升社区) does not count.
    registered = {(r.unit, r.community) for r in d.registrations if r.kind == "组织" and r.on <= AS_OF}
    return [(u, c) for u, c in _community_units(d) if (u, c) not in registered]


def _live(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or day <= end)


def unit_without_live_project(d: District, p: dict[str, object]) -> list[Finding]:
    # Reading: live = started on or before the day and not yet ended (no end date: open-ended). A project
    # that starts later (新华医院's) is not live yet; one that ended (西苑幼儿园's) is no longer.
    live = {pr.unit for pr in d.projects if _live(pr.start, pr.end, AS_OF)}
    return [(u, c) for u, c in _community_units(d) if u not in live]


def project_expiring(d: District, p: dict[str, object]) -> list[Finding]:
    # Reading: a live project whose end date falls within the next ``days`` days (today included); an
    # open-ended project never expires; an ended one has expired already. The project belongs to its
    # 共建区域 (a community, or a street: 煤矿街道背街小巷改造 is in no community).
    horizon = AS_OF + timedelta(days=int(p["days"]))  # type: ignore[call-overload]
    return [
        (pr.code, pr.area) for pr in d.projects if pr.end is not None and _live(pr.start, pr.end, AS_OF) and pr.end <= horizon
    ]


def compound_without_property_management(d: District, p: dict[str, object]) -> list[Finding]:
    return [(a.code, a.code) for a in d.areas if a.level == "小区" and not a.property_company]


def property_company_without_party_org(d: District, p: dict[str, object]) -> list[Finding]:
    # Reading: the district's units of kind 物业企业 with no 党组织编码. (Every one of them manages a
    # compound, so "companies that manage a compound" reads the same.) Not placed in an area.
    return [(u.code, None) for u in d.units if u.kind == "物业企业" and not u.org]


def owners_committee_without_party_member(d: District, p: dict[str, object]) -> list[Finding]:
    # A committee is the 业委会 rows of one compound (a compound with no row has no committee: no
    # finding). A seat holder is a Party member when the members roster lists him (whatever the row
    # says: 否 for 韩德顺 is overruled), or the row says 是否党员 = 是, or it names his 所在党组织 (in or out
    # of the district). A blank 是否党员 for someone no roster makes a member is not a member.
    low = int(p["min"])  # type: ignore[call-overload]
    listed = {m.person for m in d.members}
    counts: dict[str, int] = {}
    for s in d.owners:
        member = s.person in listed or s.is_party_member is True or bool(s.org)
        counts[s.compound] = counts.get(s.compound, 0) + member
    return [(c, c) for c, n in counts.items() if n < low]


def org_without_secretary(d: District, p: dict[str, object]) -> list[Finding]:
    # Every org of the district (none outside it) with no member holding 书记 in it; a 副书记 does not
    # stand in. Reading: a 党小组 has a group leader (党小组长), not a secretary — its leader is its
    # secretary in post, so a group whose leader post is vacant (富民家园1号楼党小组) is a finding and a
    # group with its leader is not. Orgs are not placed in an area here (unit orgs have none).
    posts = {(m.org, m.post) for m in d.members}
    findings: list[Finding] = []
    for o in d.orgs:
        head = "党小组长" if o.kind == "党小组" else "书记"
        if (o.code, head) not in posts:
            findings.append((o.code, None))
    return findings


def building_without_resident_member(d: District, p: dict[str, object]) -> list[Finding]:
    # The district's own rule of the README (it ships off): a building in which no Party member lives.
    # Reading: only the members roster says where a member lives (户编码 or 居住地址); a member of an org
    # of the district or outside it counts alike. Buildings are the 小区 + 楼栋 of the households roster.
    by_code = {h.code: h for h in d.households}
    lived = {(by_code[m.household].compound, by_code[m.household].building) for m in d.members if m.household in by_code}
    buildings = sorted({(h.compound, h.building) for h in d.households})
    return [(f"{c}/{b}", c) for c, b in buildings if (c, b) not in lived]


RULES: dict[str, Callable[[District, dict[str, object]], list[Finding]]] = {
    "compound-without-branch": compound_without_branch,
    "building-without-group": building_without_group,
    "entrance-without-central-household": entrance_without_central_household,
    "grid-missing-role": grid_missing_role,
    "grid-size-out-of-range": grid_size_out_of_range,
    "household-uncontacted": household_uncontacted,
    "member-over-capacity": member_over_capacity,
    "community-few-liaison-leaders": community_few_liaison_leaders,
    "community-worker-ratio": community_worker_ratio,
    "member-not-registered": member_not_registered,
    "unit-not-registered": unit_not_registered,
    "unit-without-live-project": unit_without_live_project,
    "project-expiring": project_expiring,
    "compound-without-property-management": compound_without_property_management,
    "property-company-without-party-org": property_company_without_party_org,
    "owners-committee-without-party-member": owners_committee_without_party_member,
    "org-without-secretary": org_without_secretary,
    "building-without-resident-member": building_without_resident_member,
}

#: Rules whose findings are not placed in an area here: only the district-wide count is expected.
UNPLACED = {"member-over-capacity", "property-company-without-party-org", "org-without-secretary"}


def findings(d: District) -> dict[str, list[Finding]]:
    rules = policy()
    assert set(rules) == set(RULES), set(rules) ^ set(RULES)
    return {rule: count(d, rules[rule]) for rule, count in RULES.items()}


def counts(d: District) -> dict[str, int]:
    """The number of findings of every rule, for the whole district."""
    return {rule: len(found) for rule, found in findings(d).items()}


def scoped_counts(d: District) -> dict[str, dict[str, int]]:
    """For every rule placed in areas, the number of findings in each street and community."""
    out: dict[str, dict[str, int]] = {}
    for rule, found in findings(d).items():
        if rule in UNPLACED:
            continue
        out[rule] = {}
        for scope in (*STREETS, *COMMUNITIES):
            out[rule][scope] = sum(1 for _, area in found if area is not None and scope in d.ancestors(area))
    return out
