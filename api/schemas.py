"""The response models of the API: what every route answers, documented in the OpenAPI schema.

The queries hand out plain data (``to_dict``); routes serialise it straight to JSON and declare these
models as what it is, so OpenAPI documents each field and the schemathesis run in CI checks every
response against them. Persons carry masked ID numbers and phones; ``phone`` is the whole number,
given only where the caller's role allows it (:mod:`api.masking`), and ``id_number`` only to an admin
on the person routes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

Value = int | float | str | None


class RefOut(BaseModel):
    """A node (节点): id, code, name and kind."""

    id: str
    code: str
    name: str
    kind: str


class UnitRefOut(RefOut):
    """A work unit (单位) that answers or helps, with its office phone (联系电话)."""

    phone_masked: str | None = None
    phone: str | None = Field(default=None, description="whole office phone: dispatcher and above")


class PersonOut(BaseModel):
    """A person (人员) as callers see them: masked, with the whole phone where the role allows."""

    id: str
    name: str
    id_masked: str
    phone_masked: str | None
    status: str | None = None
    rank: str | None = None
    phone: str | None = Field(default=None, description="whole phone: dispatcher and above, persons in a post only")
    id_number: str | None = Field(default=None, description="whole ID number: admin, on the person routes only")


class HopOut(BaseModel):
    node: str
    name: str
    kind: str
    link: str | None
    direction: str | None


class ReasonOut(BaseModel):
    """Why someone answers (责任依据): the graph path and a sentence in both languages."""

    hops: list[HopOut]
    zh: str
    en: str


class StepOut(BaseModel):
    """One step of an escalation path (响应步骤)."""

    level: str
    level_zh: str
    level_en: str
    role: str
    role_zh: str
    role_en: str
    person: PersonOut | None
    org: RefOut | None
    unit: UnitRefOut | None
    area: RefOut | None
    deputy: bool
    reason: ReasonOut
    deadline_minutes: int
    deadline: str


class SkippedOut(BaseModel):
    level: str
    role: str
    role_zh: str
    role_en: str
    why: str
    zh: str
    en: str


class HelperOut(BaseModel):
    unit: UnitRefOut
    project: RefOut
    category: str
    term_end: str | None
    reason: ReasonOut


class EscalationOut(BaseModel):
    """Who answers an issue reported at a household, who next, and by when (响应路径)."""

    start: str
    read_as: str | None
    household: RefOut
    address: str | None
    category: str
    as_of: str
    reported_at: str
    steps: list[StepOut]
    skipped: list[SkippedOut]
    helpers: list[HelperOut]


class SearchHitOut(BaseModel):
    """One node found (查找结果): what it is — its kind named in Chinese and English —, how it matched
    and where it is (a household's address; the street, community and grid within the caller's scope)."""

    id: str = Field(description="the node id, as the lookups take it (household:H0001, person:…, area:…)")
    kind: str
    kind_zh: str
    kind_en: str
    code: str
    name: str | None
    rank: str = Field(description="exact, prefix or substring")
    match: str = Field(description="what matched: code, name, address, id_masked or id_number")
    address: str | None = Field(description="a household's, building's or entrance's address")
    street: RefOut | None = None
    community: RefOut | None = None
    grid: RefOut | None = None
    person: PersonOut | None = Field(default=None, description="a person, masked as the caller's role allows")


class SearchOut(BaseModel):
    """What a search found (查找): the best hits first, and whether there were more."""

    query: str = Field(description="the text searched; a whole ID number is shown masked")
    read_as: str = Field(description="id_number, address (it resolved to a household) or text")
    as_of: str
    results: list[SearchHitOut]
    truncated: bool = Field(description="there were more hits than `limit`")


class CategoriesOut(BaseModel):
    """The issue categories (事项类别) known to the escalation policy and the departments."""

    categories: list[str]


class PostOut(BaseModel):
    role: str
    role_zh: str
    role_en: str
    person: PersonOut
    org: RefOut | None
    area: RefOut | None
    deputy: bool
    zh: str
    en: str


class VacantOut(BaseModel):
    role: str
    zh: str
    en: str


class LiaisonOut(BaseModel):
    """Who serves a household (住户联系人), by role."""

    household: RefOut
    address: str | None
    read_as: str | None
    as_of: str
    areas: dict[str, RefOut | None]
    contacting_members: list[PostOut]
    central_household: list[PostOut]
    building_group_leader: list[PostOut]
    grid_staff: dict[str, list[PostOut]]
    branch_secretary: list[PostOut]
    community_secretary: list[PostOut]
    liaison_leaders: list[PostOut]
    street_secretary: list[PostOut]
    vacant: list[VacantOut]


class BuildingLiaisonOut(BaseModel):
    """Who serves a building (楼栋联系人): the roles its households share, and the grid staff of its grids."""

    building: RefOut
    as_of: str
    households: int
    grids: list[RefOut]
    building_group_leader: list[PostOut]
    branch_secretary: list[PostOut]
    community_secretary: list[PostOut]
    liaison_leaders: list[PostOut]
    street_secretary: list[PostOut]
    grid_staff: dict[str, list[PostOut]]
    vacant: list[VacantOut]


class UnitOut(BaseModel):
    """What a work unit is linked to (单位关联); links outside the caller's scope are left out."""

    unit: UnitRefOut
    as_of: str
    unit_kind: str | None
    handles: list[str]
    located_in: RefOut | None
    registered_with: RefOut | None
    liaises_with: list[RefOut]
    manages: list[RefOut]
    projects: list[LiveProjectOut]
    party_orgs: list[RefOut]
    staff: int


class PostRefOut(BaseModel):
    post: str
    org: RefOut


class GridRoleOut(BaseModel):
    role: str
    grid: RefOut


class AtHouseholdOut(BaseModel):
    household: RefOut
    address: str | None


class MemberOut(BaseModel):
    """What a person is linked to (人员关联); links outside the caller's scope are left out."""

    person: PersonOut
    as_of: str
    org: RefOut | None
    posts: list[PostRefOut]
    grid_roles: list[GridRoleOut]
    contacts: list[AtHouseholdOut]
    contact_count: int
    residence: AtHouseholdOut | None
    registered_with: RefOut | None
    works_at: RefOut | None
    liaises_with: list[RefOut]
    sits_on: list[RefOut]
    director_of: list[RefOut]


class LiveProjectOut(BaseModel):
    project: RefOut
    category: str | None
    term_start: str | None
    term_end: str | None
    providers: list[RefOut]


class CommunityOut(BaseModel):
    """A community's registered members and units, live projects and liaison (社区概况)."""

    community: RefOut
    street: RefOut | None
    as_of: str
    registered_member_count: int
    registered_members: list[PersonOut]
    registered_units: list[RefOut]
    live_projects: list[LiveProjectOut]
    liaison_leaders: list[PersonOut]
    other_liaison_persons: list[PersonOut]
    liaison_units: list[RefOut]


class FindingOut(BaseModel):
    """One coverage gap (覆盖缺口), placed and assigned."""

    rule: str
    severity: str
    node: str
    kind: str
    code: str
    name: str
    street: str | None
    street_name: str | None
    community: str | None
    community_name: str | None
    grid: str | None
    actual: Value
    required: Value
    responsible_org: str | None
    responsible_org_name: str | None
    responsible_post: str | None
    message: str
    message_zh: str


class FindingsPage(BaseModel):
    """One page of findings, in the stable order severity, street, community, rule, code."""

    as_of: str
    scope: str
    total: int
    page: int
    per_page: int
    pages: int
    items: list[FindingOut]


class RatioOut(BaseModel):
    value: float | None
    numerator: int
    denominator: int


class TrendPendingOut(BaseModel):
    """A trend not counted yet (202): the month-ends of the store's latest revision are being counted."""

    scope: str
    status: str = Field(description="counting")
    retry_after_s: int = Field(description="seconds to wait before asking again (also the Retry-After header)")
    message_en: str
    message_zh: str


class LabelsOut(BaseModel):
    """The model's words in Chinese and English (界面名称): each entry ``{"zh", "en"}``."""

    kinds: dict[str, dict[str, str]] = Field(description="node kinds: household, party_org …")
    links: dict[str, dict[str, str]] = Field(description="link kinds: CONTACTS, SECRETARY_OF …")
    attrs: dict[str, dict[str, str]] = Field(description="node attributes: care_tags, org_kind …")
    values: dict[str, dict[str, dict[str, str]]] = Field(description="per enumerated attribute, its values")
    booleans: dict[str, dict[str, str]] = Field(description="true and false")


class TrendOut(BaseModel):
    """An area's headline ratios at each of the last twelve month-ends (趋势), oldest first."""

    scope: str
    scope_name: str | None = Field(default=None, description="the area's name")
    days: list[str] = Field(description="the month-ends, ISO dates, oldest first")
    ratio_names: dict[str, dict[str, str]]
    ratio_norms: dict[str, float] = Field(description="the share each ratio aims for (达标线), where the policy sets one")
    series: dict[str, list[RatioOut | None]] = Field(description="per ratio, its value on each day (null: no such area that day)")


class AreaSummaryOut(BaseModel):
    code: str | None
    name: str | None
    street: str | None = None
    households: int
    findings: int
    by_rule: dict[str, int]
    by_severity: dict[str, int]
    ratios: dict[str, RatioOut]


class CoverageSummaryOut(BaseModel):
    """Counts per rule and the headline ratios (覆盖率), in total, per street and per community."""

    as_of: str
    scope: str
    scope_name: str | None = Field(default=None, description="the area's name")
    scope_kind: str | None = Field(default=None, description="district, street, community, grid …")
    rules: list[str]
    ratio_names: dict[str, dict[str, str]]
    ratio_norms: dict[str, float] = Field(description="the share each ratio aims for (达标线), where the policy sets one")
    totals: AreaSummaryOut
    streets: list[AreaSummaryOut]
    communities: list[AreaSummaryOut]
    rule_names: dict[str, dict[str, str]] = Field(default_factory=dict, description="each rule's name in zh and en")


class ChildAreaOut(BaseModel):
    code: str
    name: str | None
    kind: str
    households: int
    findings: int
    by_severity: dict[str, int]


class AreasOut(BaseModel):
    """The areas one level below an area, with their findings (下级区域)."""

    as_of: str
    scope: str
    areas: list[ChildAreaOut]


class ProposalOut(BaseModel):
    """A proposal that closes gaps (补齐建议): ``contacts`` (1+10) or ``liaison`` (包联)."""

    kind: str
    scope: str | None
    as_of: str
    counts: dict[str, int]
    assignments: list[dict[str, Any]]
    capacity: int | None = None
    seconds: float | None = None
    unassigned: list[dict[str, Any]] | None = None
    required: int | None = None
    rank: str | None = None
    deficient: dict[str, int] | None = None
    unfixed: list[dict[str, Any]] | None = None


class StreetStatsOut(BaseModel):
    street: str
    name: str
    counts: dict[str, int]


class StatsOut(BaseModel):
    """Live nodes per kind in the scope (统计): its areas and households, and each street in it."""

    as_of: str
    scope: str
    areas: dict[str, int]
    streets: list[StreetStatsOut]


class NodeOut(BaseModel):
    """A node and its attributes (masked), with where it sits."""

    id: str
    kind: str
    code: str
    name: str | None
    attrs: dict[str, Any]
    street: str | None
    community: str | None
    grid: str | None
    person: PersonOut | None = None


class PathOut(BaseModel):
    """The shortest path between two nodes (关系路径) over links active on the day, within the scope."""

    start: str
    end: str
    as_of: str
    length: int
    hops: list[HopOut]
    zh: str
    en: str


class RejectionOut(BaseModel):
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str
    reason: str
    reason_zh: str


class ImportReportOut(BaseModel):
    """What an upload did or would do (导入报告): counts per roster and outcome, and rejected rows."""

    date: str
    dry_run: bool
    atomic: bool
    written: bool
    verdict: str
    verdict_zh: str = Field(description="the verdict in Chinese (结论)")
    files: list[dict[str, Any]]
    counts: dict[str, dict[str, int]]
    rejections: list[RejectionOut]
    incomplete: list[str]
    changes: dict[str, Any] = Field(description="changes in the graph per node and link kind and outcome, cascades included")
    notes: list[RejectionOut] = Field(default_factory=list, description="rows and files left out on purpose, with why")
    warnings: list[RejectionOut] = Field(
        default_factory=list,
        description="rows imported with a remark (an org outside the district, a disagreement on membership)",
    )
    mass_end: list[str] = Field(default_factory=list, description="rosters refused for ending too much of their scope")
    revived: int = Field(0, description="links put back with a node ended earlier the same day")
    change_lines: list[dict[str, str]] = Field(default_factory=list, description="the change sheet, line by line")


class UndoReportOut(BaseModel):
    """What an undo did or would do (撤销导入): the import undone and the changes put back."""

    undone: int = Field(description="the history entry of the import undone")
    revision: int = Field(description="the store revision that import had written")
    dry_run: bool
    written: bool
    entry: int | None = Field(description="the history entry of the undo itself (none for a dry run)")
    changes: dict[str, Any]
    change_lines: list[dict[str, str]]


class TemplateOut(BaseModel):
    """A blank roster to fill in (名册模板): its kind, its names and its file."""

    kind: str = Field(description="the roster kind: areas, orgs, units …")
    name_zh: str = Field(description="the kind's name in Chinese: 区域, 党组织 …")
    name_en: str = Field(description="the kind's name in English")
    file: str = Field(description="the template's file name, e.g. 党员名册模板.xlsx")
    href: str = Field(description="where to download it")


class TemplatesOut(BaseModel):
    templates: list[TemplateOut]


class TokenOut(BaseModel):
    """A token as listed: never its secret."""

    id: str
    role: str
    scope: str
    created: str
    expires: str | None
    note: str | None
    revoked: str | None
    person: str | None = None


class MeOut(BaseModel):
    """The calling token, as a client shows it."""

    id: str
    role: str
    scope: str
    scope_name: str | None
    scope_kind: str | None
    expires: str | None


class NewTokenOut(TokenOut):
    token: str = Field(description="the whole token: shown this once, kept nowhere")


class AuditEntryOut(BaseModel):
    id: int
    at: str
    token: str | None = None
    role: str | None = None
    route: str | None = None
    node: str | None = None
    time: str | None = None


class Health(BaseModel):
    status: str
    revision: int | None = None
