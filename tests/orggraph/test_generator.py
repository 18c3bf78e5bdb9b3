"""The synthetic district generator: deterministic, accepted by the store, shaped as the cases, flaws real."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest

from orggraph.generator import FLAW_KEYS, SHAPES, Scale, generate
from orggraph.generator import district as district_module
from orggraph.generator.ids import is_valid_credit_code
from orggraph.generator.names import ISSUE_CATEGORIES
from orggraph.model import Household, model_of
from orggraph.model.kinds import GRID_STAFF_LINKS, POST_LINKS
from orggraph.pii import PiiKey, normalize_id_number, normalize_phone
from orggraph.store.state import GraphState
from orggraph.timeline import today

AS_OF = "2024-06-30"
KEY = PiiKey(b"k" * 32)


def _apply(generated: Any) -> GraphState:
    state = GraphState()
    for batch in generated.batches:
        state.apply(batch.ops)
    return state


@pytest.fixture(scope="module")
def street() -> Any:
    return generate(Scale.STREET, seed=5, key=KEY, as_of=AS_OF)


@pytest.fixture(scope="module")
def street_graph(street: Any) -> nx.DiGraph:
    return _apply(street).graph


# -- graph helpers ---------------------------------------------------------------------------------


def _open(data: dict[str, Any], kind: str) -> bool:
    periods = data.get(kind)
    return periods is not None and periods[-1][1] is None


def open_in(graph: nx.DiGraph, node: str, kind: str) -> list[str]:
    return [u for u, data in graph.pred[node].items() if _open(data, kind)]


def open_out(graph: nx.DiGraph, node: str, kind: str) -> list[str]:
    return [v for v, data in graph.succ[node].items() if _open(data, kind)]


def nodes(graph: nx.DiGraph, kind: str, *, external: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
    """The nodes of ``kind``: the district's own, or (``external``) only those outside it (区外)."""
    return ((n, a) for n, a in graph.nodes(data=True) if a["kind"] == kind and a.get("external", False) is external)


def basic_grids(graph: nx.DiGraph) -> list[str]:
    return [n for n, a in nodes(graph, "grid") if a["level"] == 4]


def is_member(graph: nx.DiGraph, person: str) -> bool:
    """A member of one of the district's orgs (on its members roster), not of an org outside it."""
    return any(not graph.nodes[org].get("external") for org in open_out(graph, person, "MEMBER_OF"))


def is_grid_staff(graph: nx.DiGraph, person: str) -> bool:
    return any(open_out(graph, person, str(role)) for role in GRID_STAFF_LINKS)


def is_liaison_cadre(graph: nx.DiGraph, person: str) -> bool:
    return any("LIAISES_WITH" in data for data in graph.succ[person].values())


def community_of_household(graph: nx.DiGraph, household: str) -> str:
    node = household
    while graph.nodes[node]["kind"] != "community":
        (node,) = open_out(graph, node, "PART_OF")
    return node


# -- determinism -----------------------------------------------------------------------------------


def test_same_seed_same_batches_other_seed_other_batches() -> None:
    first = generate(Scale.COMMUNITY, seed=3, key=KEY, as_of=AS_OF)
    again = generate(Scale.COMMUNITY, seed=3, key=KEY, as_of=AS_OF)
    other = generate(Scale.COMMUNITY, seed=4, key=KEY, as_of=AS_OF)
    assert [(b.label, b.ops) for b in first.batches] == [(b.label, b.ops) for b in again.batches]
    assert first.flaws == again.flaws
    assert [b.ops for b in first.batches] != [b.ops for b in other.batches]


_DIGEST = (
    "import hashlib; from orggraph.generator import Scale, generate; from orggraph.pii import PiiKey;"
    f"g = generate(Scale.COMMUNITY, seed=9, key=PiiKey(b'k' * 32), as_of='{AS_OF}');"
    "print(hashlib.sha256(repr([(b.label, b.ops) for b in g.batches]).encode()).hexdigest())"
)


def test_batches_do_not_depend_on_string_hashing() -> None:
    """Nothing iterates a set: two interpreters with different hash seeds give the same ops."""
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", _DIGEST], env=env, capture_output=True, text=True, check=True)
        digests.add(result.stdout.strip())
    generated = generate(Scale.COMMUNITY, seed=9, key=KEY, as_of=AS_OF)
    digests.add(hashlib.sha256(repr([(b.label, b.ops) for b in generated.batches]).encode()).hexdigest())
    assert len(digests) == 1


def test_as_of_defaults_to_today_and_dates_are_relative_to_it() -> None:
    generated = generate(Scale.COMMUNITY, key=KEY)
    assert generated.as_of == today()
    starts = [op[4] for b in generated.batches for op in b.ops if op[0] == "link" and op[1] == "LIVES_IN"]
    low = (dt.date.today() - dt.timedelta(days=8 * 365 + 5)).isoformat()
    high = (dt.date.today() - dt.timedelta(days=360)).isoformat()
    assert starts
    assert all(low <= s <= high for s in starts)


# -- shapes ----------------------------------------------------------------------------------------


def test_community_scale_applies_with_one_community_and_its_street_and_district() -> None:
    generated = generate(Scale.COMMUNITY, seed=2, key=KEY, as_of=AS_OF)
    graph = _apply(generated).graph
    counts = Counter(a["kind"] for _, a in graph.nodes(data=True))
    assert (counts["district"], counts["street"], counts["community"], counts["compound"]) == (1, 1, 1, 4)
    assert 32 <= counts["building"] <= 48
    assert counts["entrance"] == 4 * counts["building"]
    assert counts["household"] == 10 * counts["entrance"]
    assert 5 <= len(basic_grids(graph)) <= 9
    assert counts["service_centre"] == 2
    assert generated.batches[0].label == "demo:areas"
    assert sorted(generated.flaws) == sorted(FLAW_KEYS)


def test_street_scale_has_the_shape_of_one_street(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    counts = Counter(a["kind"] for _, a in graph.nodes(data=True))
    assert (counts["district"], counts["street"], counts["community"], counts["compound"]) == (1, 1, 25, 100)
    assert 900 <= counts["building"] <= 1100
    assert counts["entrance"] == 4 * counts["building"]
    assert counts["household"] == 10 * counts["entrance"]
    grids = basic_grids(graph)
    assert 140 <= len(grids) <= 190
    assert 210 <= counts["grid"] <= 290
    members = [p for p, _ in nodes(graph, "person") if open_out(graph, p, "MEMBER_OF")]
    assert 0.95 * counts["entrance"] <= len(members) <= 1.05 * counts["entrance"]
    assert 60 <= counts["unit"] <= 75
    assert counts["project"] == 200
    assert 50 <= counts["owners_committee"] <= 70
    assert counts["service_centre"] == 26
    statuses = Counter(graph.nodes[p].get("status") for p in members)
    assert 0.33 <= statuses["in_service"] / len(members) <= 0.47
    assert 0.38 <= statuses["retired"] / len(members) <= 0.52
    tagged = sum(1 for _, a in nodes(graph, "household") if a.get("care_tags"))
    assert 0.10 <= tagged / counts["household"] <= 0.14
    households_per_grid = [len(open_in(graph, g, "IN_GRID")) for g in grids]
    assert sum(200 <= n <= 300 for n in households_per_grid) >= 0.95 * len(grids)


def test_every_household_belongs_to_the_basic_grid_of_its_building(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    grid_of_building: dict[str, set[str]] = {}
    for household, _ in nodes(graph, "household"):
        (grid,) = open_out(graph, household, "IN_GRID")
        (entrance,) = open_out(graph, household, "PART_OF")
        (building,) = open_out(graph, entrance, "PART_OF")
        grid_of_building.setdefault(building, set()).add(grid)
        (level3,) = open_out(graph, grid, "PART_OF")
        assert open_out(graph, level3, "PART_OF") == [community_of_household(graph, household)]
    assert all(len(grids) == 1 for grids in grid_of_building.values())


def test_party_orgs_form_one_tree_under_the_district_committee(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    tops = [o for o, a in nodes(graph, "party_org") if a["org_kind"] == "district_committee"]
    assert len(tops) == 1
    for org, _ in nodes(graph, "party_org"):
        node, seen = org, 0
        while node != tops[0]:
            (node,) = open_out(graph, node, "SUBORDINATE_TO")
            seen += 1
            assert seen < 10
    kinds = Counter(a["org_kind"] for _, a in nodes(graph, "party_org"))
    assert kinds["working_committee"] == 2
    assert kinds["group"] > 900
    for community, _ in nodes(graph, "community"):
        (org,) = open_in(graph, community, "RESPONSIBLE_FOR")
        secretaries = open_in(graph, org, "SECRETARY_OF")
        directors = open_in(graph, community, "DIRECTOR_OF")
        if secretaries:
            assert directors == secretaries  # 一肩挑


def test_units_departments_handle_every_category_and_codes_are_valid(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    units = dict(nodes(graph, "unit"))
    assert all(is_valid_credit_code(u.split(":", 1)[1]) for u in units)
    assert {a["unit_kind"] for a in units.values()} == {
        "organ",
        "institution",
        "state_enterprise",
        "private_enterprise",
        "social_org",
        "property_company",
        "department",
    }
    handled = {c for a in units.values() if a["unit_kind"] == "department" for c in a["handles"]}
    assert handled == set(ISSUE_CATEGORIES)
    assert all(open_out(graph, u, "LOCATED_IN") for u in units)


def test_liaison_leaders_and_history(street_graph: nx.DiGraph, street: Any) -> None:
    graph = street_graph
    division = {p for p, a in nodes(graph, "person") if a.get("rank") == "division"}
    per_community = [sum(1 for p in open_in(graph, c, "LIAISES_WITH") if p in division) for c, _ in nodes(graph, "community")]
    assert sum(n in (2, 3) for n in per_community) >= 0.9 * len(per_community)
    ended = sum(1 for _, _, data in graph.edges(data=True) if "LIAISES_WITH" in data and data["LIAISES_WITH"][-1][1])
    moved = sum(1 for _, _, data in graph.edges(data=True) if "MEMBER_OF" in data and data["MEMBER_OF"][-1][1] is not None)
    assert ended > 0
    assert moved > 0


# -- personal data and text ------------------------------------------------------------------------


def test_every_id_number_and_phone_is_valid_and_unique(street_graph: nx.DiGraph) -> None:
    numbers = []
    for person, attrs in nodes(street_graph, "person"):
        number = KEY.unseal("id_number", bytes.fromhex(attrs["id_sealed"]))
        assert normalize_id_number(number) == number
        if "phone_sealed" in attrs:
            assert normalize_phone(KEY.unseal("phone", bytes.fromhex(attrs["phone_sealed"])))
        else:  # only the members and grid-staff rosters carry a phone
            assert not is_member(street_graph, person)
            assert not is_grid_staff(street_graph, person)
        numbers.append(number)
    assert len(numbers) == len(set(numbers))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def test_no_apostrophe_in_any_text(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    texts = [*_strings(list(graph.nodes(data=True))), *_strings(list(graph.edges(data=True)))]
    assert texts
    assert not [t for t in texts if "'" in t]


def test_node_attributes_are_what_the_models_give(street_graph: nx.DiGraph) -> None:
    """Attributes written in graph form (households, buildings, entrances) equal the models' own."""
    for node, attrs in street_graph.nodes(data=True):
        assert model_of(node, attrs).to_attrs() == attrs
    assert Household(code="H", room="101", residents=2, care_tags=["empty_nest"]).to_attrs() == {
        "kind": "household",
        "room": "101",
        "residents": 2,
        "care_tags": ["empty_nest"],
    }


# -- persons as the rosters carry them (rosters.md) -----------------------------------------------


def test_every_post_is_in_the_holders_own_org_and_nobody_holds_two(street_graph: nx.DiGraph) -> None:
    """The members roster has one 所在党组织编码 and one 党内职务 (in that org) per member."""
    graph = street_graph
    held: Counter[str] = Counter()
    for person, _ in nodes(graph, "person"):
        posts = [(str(kind), org) for kind in POST_LINKS for org in open_out(graph, person, str(kind))]
        assert len(posts) <= 1, posts
        if posts:
            ((_, org),) = posts
            assert open_out(graph, person, "MEMBER_OF") == [org]
            held[graph.nodes[org]["org_kind"]] += 1
    kinds = {"district_committee", "working_committee", "alliance", "party_committee", "general_branch", "branch", "group"}
    assert set(held) == kinds


def test_persons_who_are_not_members_have_no_gender_or_status(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    members = others = 0
    for person, attrs in nodes(graph, "person"):
        if is_member(graph, person):
            members += 1
            assert {"gender", "status"} <= set(attrs)
        else:
            others += 1
            assert not {"gender", "status"} & set(attrs), attrs
    assert members
    assert others


def test_only_liaison_cadres_have_a_rank(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    ranked = {p for p, a in nodes(graph, "person") if "rank" in a}
    cadres = {p for p, _ in nodes(graph, "person") if is_liaison_cadre(graph, p)}
    assert ranked == cadres
    assert cadres


def test_lives_in_only_from_members(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    residents = {p for p, _ in nodes(graph, "person") if open_out(graph, p, "LIVES_IN")}
    assert residents
    assert {p for p in residents if not is_member(graph, p)} == set()


def is_outside_registrant(graph: nx.DiGraph, person: str) -> bool:
    """A registrant (双报到) on no members roster: the registration row defines him or her (工作单位 …)."""
    return bool(open_out(graph, person, "REGISTERED_WITH")) and not is_member(graph, person)


def test_works_at_only_from_members_liaison_cadres_and_outside_registrants(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    workers = {p for p, _ in nodes(graph, "person") if open_out(graph, p, "WORKS_AT")}
    assert workers
    others = {p for p in workers if not is_member(graph, p) and not is_liaison_cadre(graph, p)}
    assert others == {p for p in others if is_outside_registrant(graph, p)}
    assert others  # members of orgs outside the district work at units outside it
    assert all(len(open_out(graph, p, "WORKS_AT")) == 1 for p in workers)
    cadres = [p for p, _ in nodes(graph, "person") if is_liaison_cadre(graph, p)]
    assert all(open_out(graph, p, "WORKS_AT") for p in cadres)  # 所在单位


def test_every_person_is_on_a_roster(street_graph: nx.DiGraph) -> None:
    """A member, grid staff, a liaison cadre or an owners'-committee member: nobody is on no roster."""
    graph = street_graph
    for person, _ in nodes(graph, "person"):
        on_roster = (
            is_member(graph, person)
            or is_grid_staff(graph, person)
            or is_liaison_cadre(graph, person)
            or open_out(graph, person, "SITS_ON")
            or open_out(graph, person, "REGISTERED_WITH")
        )
        assert on_roster, person


def test_members_from_outside_the_district_are_where_districts_meet_them(street_graph: nx.DiGraph) -> None:
    """Registrants, owners and grid leaders stated to be Party members whom no members roster lists."""
    graph = street_graph
    outsiders = {p: a for p, a in nodes(graph, "person") if a.get("party_member") and not is_member(graph, p)}
    sources = Counter(str(a["party_member_source"]) for a in outsiders.values())
    assert set(sources) == {"registrations", "owners_committees", "grid_staff"}, sources
    orgs = {org for p in outsiders for org in open_out(graph, p, "MEMBER_OF")}
    assert orgs
    assert all(graph.nodes[org]["external"] for org in orgs)
    assert {o for o, _ in nodes(graph, "party_org", external=True)} == orgs
    members = {p for p, a in nodes(graph, "person") if is_member(graph, p)}
    assert all(graph.nodes[p]["party_member_source"] == "members" for p in members)


def test_some_departments_are_located_at_the_district(street_graph: nx.DiGraph) -> None:
    graph = street_graph
    district = next(n for n, _ in nodes(graph, "district"))
    at_district = [u for u, a in nodes(graph, "unit") if open_out(graph, u, "LOCATED_IN") == [district]]
    assert at_district
    assert all(graph.nodes[u]["unit_kind"] == "department" for u in at_district)


# -- flaws -----------------------------------------------------------------------------------------


def test_every_flaw_is_present_at_street_scale(street: Any) -> None:
    assert list(street.flaws) == list(FLAW_KEYS)
    assert all(street.flaws[key] for key in FLAW_KEYS), [k for k in FLAW_KEYS if not street.flaws[k]]
    assert all(len(ids) == len(set(ids)) for ids in street.flaws.values())


def _without(graph: nx.DiGraph, kind: str, link: str, *, source_kind: str | None = None) -> set[str]:
    """Nodes of ``kind`` with no open ``link`` coming in (from a node of ``source_kind``)."""
    return {
        n
        for n, _ in nodes(graph, kind)
        if not [s for s in open_in(graph, n, link) if source_kind is None or graph.nodes[s]["kind"] == source_kind]
    }


def test_structural_flaws_are_exactly_where_recorded(street: Any, street_graph: nx.DiGraph) -> None:
    graph, flaws = street_graph, street.flaws
    groups = {
        b
        for b, _ in nodes(graph, "building")
        if not [o for o in open_in(graph, b, "RESPONSIBLE_FOR") if graph.nodes[o]["org_kind"] == "group"]
    }
    assert groups == set(flaws["building-without-group"])
    assert _without(graph, "compound", "RESPONSIBLE_FOR") == set(flaws["compound-without-branch"])
    assert _without(graph, "entrance", "CENTRAL_HOUSEHOLD_OF") == set(flaws["entrance-without-central-household"])
    assert _without(graph, "compound", "MANAGES") == set(flaws["compound-without-property-management"])
    assert _without(graph, "party_org", "SECRETARY_OF") == set(flaws["org-without-secretary"])
    companies = {u for u, a in nodes(graph, "unit") if a["unit_kind"] == "property_company"}
    assert companies & _without(graph, "unit", "PARTY_ORG_OF") == set(flaws["property-company-without-party-org"])
    units = {u for u, _ in nodes(graph, "unit")}
    at_district = {u for u in units for a in open_out(graph, u, "LOCATED_IN") if graph.nodes[a]["kind"] == "district"}
    in_community = units - at_district
    unregistered = {u for u in in_community if not open_out(graph, u, "REGISTERED_WITH")}
    assert unregistered == set(flaws["unit-not-registered"])  # a unit of the district sits in no community


def test_contact_flaws_are_exactly_where_recorded(street: Any, street_graph: nx.DiGraph) -> None:
    graph, flaws = street_graph, street.flaws
    uncontacted = _without(graph, "household", "CONTACTS")
    assert uncontacted == set(flaws["household-uncontacted"])
    households = sum(1 for _ in nodes(graph, "household"))
    assert 0.05 <= len(uncontacted) / households <= 0.11
    assert any(graph.nodes[h].get("care_tags") for h in uncontacted)
    loads = {p: len(open_out(graph, p, "CONTACTS")) for p, _ in nodes(graph, "person")}
    assert {p for p, n in loads.items() if n > 15} == set(flaws["member-over-capacity"])
    assert all(16 <= loads[p] <= 25 for p in flaws["member-over-capacity"])
    contacting = [n for n in loads.values() if n]
    assert sum(8 <= n <= 12 for n in contacting) >= 0.8 * len(contacting)


def test_grid_flaws_are_exactly_where_recorded(street: Any, street_graph: nx.DiGraph) -> None:
    graph, flaws = street_graph, street.flaws
    three = ("COMMUNITY_WORKER_OF", "GRID_WORKER_OF", "PROPERTY_MANAGER_OF")
    grids = basic_grids(graph)
    missing = {g for g in grids if not all(open_in(graph, g, role) for role in three)}
    assert missing == set(flaws["grid-missing-role"])
    odd = {g for g in grids if not 200 <= len(open_in(graph, g, "IN_GRID")) <= 300}
    assert odd == set(flaws["grid-size-out-of-range"])
    assert all(open_in(graph, g, "GRID_LEADER_OF") for g in grids)
    officers = sum(1 for g in grids if open_in(graph, g, "ENFORCEMENT_OFFICER_OF"))
    assert 0.2 <= officers / len(grids) <= 0.45
    assert {str(k) for k in GRID_STAFF_LINKS} >= set(three)


def test_liaison_and_registration_flaws_are_exactly_where_recorded(street: Any, street_graph: nx.DiGraph) -> None:
    graph, flaws = street_graph, street.flaws
    division = {p for p, a in nodes(graph, "person") if a.get("rank") == "division"}
    few = {c for c, _ in nodes(graph, "community") if len([p for p in open_in(graph, c, "LIAISES_WITH") if p in division]) < 2}
    assert few == set(flaws["community-few-liaison-leaders"])
    unregistered = set()
    for person, attrs in nodes(graph, "person"):
        homes = open_out(graph, person, "LIVES_IN")
        if attrs.get("status") != "in_service" or not homes or not open_out(graph, person, "MEMBER_OF"):
            continue
        if open_out(graph, person, "REGISTERED_WITH") != [community_of_household(graph, homes[0])]:
            unregistered.add(person)
    assert unregistered == set(flaws["member-not-registered"])
    registration = next(
        data["REGISTERED_WITH"][-1][2]
        for u, _, data in graph.edges(data=True)
        if "REGISTERED_WITH" in data and graph.nodes[u]["kind"] == "person"
    )
    assert {name for name, _ in registration} == {"tasks", "service_hours"}


def test_project_and_committee_flaws_are_exactly_where_recorded(street: Any, street_graph: nx.DiGraph) -> None:
    graph, flaws = street_graph, street.flaws
    soon = (dt.date.fromisoformat(AS_OF) + dt.timedelta(days=30)).isoformat()
    projects = dict(nodes(graph, "project"))
    assert {p for p, a in projects.items() if a["term_end"] < AS_OF} == set(flaws["project-expired"])
    assert {p for p, a in projects.items() if AS_OF <= a["term_end"] <= soon} == set(flaws["project-expiring"])
    assert all(open_in(graph, p, "PROVIDES") and open_out(graph, p, "FOR") for p in projects)
    without = {
        oc
        for oc, _ in nodes(graph, "owners_committee")
        if not [p for p in open_in(graph, oc, "SITS_ON") if open_out(graph, p, "MEMBER_OF")]
    }
    assert without == set(flaws["owners-committee-without-party-member"])
    posts = {dict(data["SITS_ON"][-1][2])["post"] for _, _, data in graph.edges(data=True) if "SITS_ON" in data}
    assert posts == {"主任", "副主任", "委员"}


# -- scales beyond a street ------------------------------------------------------------------------


def test_city_is_ten_districts_with_their_own_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(district_module.SHAPES, Scale.DISTRICT, SHAPES[Scale.COMMUNITY])
    generated = generate(Scale.CITY, seed=1, key=KEY, as_of=AS_OF)
    graph = _apply(generated).graph
    districts = [n for n, _ in nodes(graph, "district")]
    assert len(districts) == 10 == len({d[:11] for d in districts})
    assert generated.batches[0].label.startswith("demo:130705:")


@pytest.mark.slow
def test_district_scale_is_shaped_as_the_cases() -> None:
    """Its time is a benchmark (``generate_s`` of ``python -m benchmarks.run core``), not a test."""
    generated = generate(Scale.DISTRICT, seed=1, key=KEY, as_of=AS_OF)
    kinds: Counter[str] = Counter()
    links: Counter[str] = Counter()
    for batch in generated.batches:
        for op in batch.ops:
            if op[0] == "put":
                kinds[op[2]["kind"]] += 1
            elif op[0] == "link":
                links[op[1]] += 1
    assert (kinds["street"], kinds["community"], kinds["compound"]) == (10, 250, 1000)
    assert 9_000 <= kinds["building"] <= 11_000
    assert 360_000 <= kinds["household"] <= 440_000
    assert 2_200 <= kinds["grid"] <= 2_700
    assert 1_450 <= links["GRID_WORKER_OF"] <= 1_800
    assert 38_000 <= links["MEMBER_OF"] <= 44_000
    assert 480 <= kinds["unit"] <= 520
    assert kinds["project"] == 2_000
    ranks = Counter(op[2].get("rank") for b in generated.batches for op in b.ops if op[2:3] and op[0] == "put")
    assert 250 <= ranks["division"] <= 350
    flaws = generated.flaws
    assert 20 <= len(flaws["member-over-capacity"]) <= 80
    assert 0.06 <= len(flaws["household-uncontacted"]) / kinds["household"] <= 0.10
    assert 0.2 <= len(flaws["compound-without-property-management"]) / 1000 <= 0.3
    state = _apply(generated)
    assert state.graph.number_of_nodes() == sum(kinds.values())
