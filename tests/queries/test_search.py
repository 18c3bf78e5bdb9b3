"""Search (:mod:`queries.lookups.search`): ranking, the cap, kinds, whole and masked ID numbers, the
shards a scope reads, and — on a generated community — every household and person found by its own
code, address and masked ID number."""

from __future__ import annotations

import random

import pytest

from api.scope import Scope, places, reader_within
from orggraph.errors import InvalidValueError
from orggraph.generator import Scale, generate
from orggraph.pii import PiiKey
from orggraph.store import MemoryStore
from queries.lookups.search import MAX_QUERY, SearchIndex, fold, search
from queries.reading.place import Place
from tests.queries.test_escalation_world import KEY, PEOPLE, pid, tiny_world

DAY = "2025-06-30"
RANKS = ["exact", "prefix", "substring"]


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    s = MemoryStore(KEY)
    s.write(tiny_world())
    return s


@pytest.fixture(scope="module")
def index(store: MemoryStore) -> SearchIndex:
    return SearchIndex.build(store.view(DAY), placer=places)


def found(index: SearchIndex, store: MemoryStore, text: str, **options: object) -> list[tuple[str, str, str]]:
    """(node, rank, match) of every hit."""
    result = search(index, store.view(DAY), text, **options)  # type: ignore[arg-type]
    return [(h.node, h.rank, h.match) for h in result.hits]


def test_exact_then_prefix_then_substring(index: SearchIndex, store: MemoryStore) -> None:
    hits = found(index, store, "幸福社区")
    assert hits[0] == ("area:C1", "exact", "name")
    ranks = [rank for _, rank, _ in hits]
    assert ranks == sorted(ranks, key=RANKS.index)
    assert ("org:OC1", "substring", "name") in hits  # 中共幸福社区委员会
    assert found(index, store, "H2")[0] == ("household:H2", "exact", "code")
    assert found(index, store, "P1/3号楼")[0] == ("area:P1/3号楼", "exact", "code")


def test_text_is_compared_folded(index: SearchIndex, store: MemoryStore) -> None:
    assert fold(" 幸福里 小区３号楼ａ ") == "幸福里小区3号楼A"
    assert found(index, store, "幸福里小区 ３号楼")[0] == ("area:P1/3号楼", "exact", "address")
    assert found(index, store, "h2")[0] == ("household:H2", "exact", "code")


def test_keys_are_folded_alike_one_by_one_or_many_at_once() -> None:
    from queries.lookups.search_index import _fold_all

    texts = ["幸福里 小区", "ａｂ\u3000c", "", "x\x00y", "3号楼", "1101**********002x"] * 3
    assert _fold_all(texts, chunk=4) == [fold(t) for t in texts] == _fold_all(texts)


def test_an_address_that_resolves_is_its_household_first(index: SearchIndex, store: MemoryStore) -> None:
    result = search(index, store.view(DAY), "幸福社区 幸福里 3-2-502")
    first = result.hits[0]
    assert (result.read_as, first.node, first.address) == ("address", "household:H2", "幸福里小区3号楼2单元502室")
    assert [h.node for h in search(index, store.view(DAY), "幸福里小区3号楼2单元50").hits] == ["household:H1", "household:H2"]


def test_the_list_is_capped_and_says_so(index: SearchIndex, store: MemoryStore) -> None:
    everything = search(index, store.view(DAY), "幸福", limit=50)
    assert not everything.truncated
    capped = search(index, store.view(DAY), "幸福", limit=3)
    assert capped.truncated
    assert [h.node for h in capped.hits] == [h.node for h in everything.hits[:3]]


def test_only_the_kinds_asked(index: SearchIndex, store: MemoryStore) -> None:
    hits = found(index, store, "幸福", kinds={"unit", "party_org"}, limit=50)
    assert hits
    assert {node.split(":", 1)[0] for node, _, _ in hits} == {"unit", "org"}


def test_a_whole_id_number_needs_the_key_and_is_never_kept(index: SearchIndex, store: MemoryStore) -> None:
    number = PEOPLE["李强"][0]
    result = search(index, store.view(DAY), number, key=KEY)
    assert [(h.node, h.match) for h in result.hits] == [(pid("李强"), "id_number")]
    assert result.read_as == "id_number"
    assert number not in repr(result) + repr(result.to_dict())
    assert result.query == number[:4] + "*" * 10 + number[-4:]
    assert search(index, store.view(DAY), number).hits == ()  # without the key: no way to its hash
    assert search(index, store.view(DAY), number, key=PiiKey(b"z" * 32)).hits == ()  # another store's key
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")  # a wrong check digit: not an ID number
    assert search(index, store.view(DAY), bad, key=KEY).read_as == "text"


def test_masked_id_numbers_as_pages_show_them(index: SearchIndex, store: MemoryStore) -> None:
    number = PEOPLE["王芳"][0]
    for shown in (number[:4] + "*" * 10 + number[-4:], number[:6] + "*" * 8 + number[-4:], "*" * 14 + number[-4:]):
        assert found(index, store, shown)[0] == (pid("王芳"), "exact", "id_masked"), shown
    assert found(index, store, number[:2] + "*" * 12 + number[-4:]) == [(pid("王芳"), "exact", "id_masked")]
    assert found(index, store, "9999" + "*" * 10 + number[-4:]) == []
    assert found(index, store, number[-4:])[0] == (pid("王芳"), "substring", "id_masked")


def test_a_scope_reads_its_own_shards_and_sees_only_its_own(index: SearchIndex, store: MemoryStore) -> None:
    view = store.view(DAY)
    everything = len(index.shards_within(view, None))
    assert len(index.shards_within(view, "area:C1")) < everything
    scope = Scope.of(view, "G1")
    assert scope is not None
    hits = search(index, view, "幸福", reader=reader_within(view, scope), within=scope.area, limit=50).hits
    assert hits
    assert all(scope.sees(view, h.node) for h in hits)
    assert "area:C1" not in {h.node for h in hits}  # the community lies above the grid
    street = Scope.of(view, "S2")
    assert street is not None
    assert search(index, view, "幸福", reader=reader_within(view, street), within=street.area).hits == ()


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_QUERY + 1)])
def test_an_empty_or_too_long_text_is_refused_in_both_languages(index: SearchIndex, store: MemoryStore, text: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        search(index, store.view(DAY), text)
    assert caught.value.message
    assert "查找内容" in caught.value.message_zh


@pytest.fixture(scope="module")
def community() -> MemoryStore:
    key = PiiKey(b"s" * 32)
    s = MemoryStore(key)
    for batch in generate(Scale.COMMUNITY, seed=3, key=key, as_of=DAY).batches:
        s.write(batch)
    return s


def test_every_household_and_person_of_a_generated_community_is_found_by_its_own_keys(community: MemoryStore) -> None:
    view = community.view(DAY)
    index = SearchIndex.build(view, placer=places)
    rng = random.Random(5)
    households = rng.sample(list(view.of_kind("household")), 40)
    for household in households:
        code = household.split(":", 1)[1]
        assert search(index, view, code).hits[0].node == household
        address = Place(view, household).address()
        assert address is not None
        assert search(index, view, address).hits[0].node == household
    for person, attrs in rng.sample(list(view.candidates("person")), 40):
        hits = search(index, view, str(attrs["id_masked"]), limit=50).hits
        assert person in {h.node for h in hits if h.rank == "exact"}
        named = search(index, view, str(attrs["name"]), kinds={"person"}, limit=50).hits
        assert person in {h.node for h in named if (h.rank, h.match) == ("exact", "name")}
