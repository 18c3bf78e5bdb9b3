"""The pattern language of declared rules: what it reads, and how it says what it cannot."""

from __future__ import annotations

import pytest

from orggraph.patterns import Focus, MatchSpec, PatternError, parse_condition, parse_pattern
from orggraph.patterns.syntax import AllOf, Compare, Func, InList, IsNull, Lit, Not, Param, Prop


def test_a_pattern_reads_labels_types_directions_lengths_and_attributes() -> None:
    pattern = parse_pattern("(focus)<-[:PART_OF*1..6]-(h:Household {residents: 3})-[:IN_GRID|PART_OF {x: $v}]->(g)")
    assert [n.kind for n in pattern.nodes] == [None, "household", None]
    assert pattern.nodes[1].props == (("residents", 3),)
    first, second = pattern.rels
    assert (first.direction, first.kinds, first.min_hops, first.max_hops) == ("in", ("PART_OF",), 1, 6)
    assert (second.direction, second.kinds, second.props) == ("out", ("IN_GRID", "PART_OF"), (("x", Param("v")),))
    assert pattern.variables == ("focus", "h", "g")
    assert parse_pattern("(focus)-[r:LIVES_IN*]->(x)").rels[0].max_hops == 12
    assert parse_pattern("(focus)-[:LIVES_IN*2]->(x)").rels[0].min_hops == 2


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("(focus)-[:LIVES]->(h)", 11, "unknown relationship type LIVES"),
        ("(focus)<-[:PART_OF]-(e:Entranse)", 24, "unknown label Entranse"),
        ("(focus)-[:PART_OF]-(e)", 19, "'->'"),
        ("(focus)<-[:PART_OF]->(e)", 21, "one direction"),
        ("(focus)-[PART_OF]->(e)", 17, "':'"),
        ("(focus)-[:PART_OF*5..2]->(e)", 23, "low to high"),
        ("(focus:Household:Building)", 17, "one label"),
        ("(focus {name: 'x)", 15, "not closed"),
        ("focus", 1, "'('"),
    ],
)
def test_a_pattern_it_cannot_read_is_refused_with_the_place(text: str, column: int, words: str) -> None:
    with pytest.raises(PatternError) as caught:
        parse_pattern(text)
    error = caught.value
    assert error.code == "policy.pattern"
    assert error.context["column"] == column, error.message
    assert words in error.message
    assert error.message.startswith(f"column {column} of the pattern")
    assert error.message.endswith("\n" + text + "\n" + " " * (column - 1) + "^")
    assert f"第 {column} 列" in error.message_zh


def test_a_condition_reads_cyphers_where() -> None:
    found = parse_condition("p.rank = $rank AND (p.status IS NOT NULL OR NOT p.kind IN ['a', 'b']) AND coalesce(p.x, 0) >= 2")
    assert isinstance(found, AllOf)
    first, second, third = found.parts
    assert first == Compare("=", Prop("p", "rank"), Param("rank"))
    assert second.parts[0] == IsNull(Prop("p", "status"), True)  # type: ignore[union-attr]
    assert second.parts[1] == Not(InList(Prop("p", "kind"), (Lit("a"), Lit("b")), False))  # type: ignore[union-attr]
    assert third == Compare(">=", Func("coalesce", (Prop("p", "x"), Lit(0))), Lit(2))
    assert parse_condition("x.y NOT IN $list") == InList(Prop("x", "y"), Param("list"), True)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("p.rank == 'a'", "expected a value"),
        ("p.rank = 'a' AND", "expected a value"),
        ("p.rank", "expected a comparison"),
        ("lower(p.x) = 'a'", "unknown function lower"),
        ("p.rank = 'a' p.x = 1", "expected AND, OR or the end"),
        ("(p.rank = 'a'", "')' to close"),
    ],
)
def test_a_condition_it_cannot_read_is_refused(text: str, words: str) -> None:
    with pytest.raises(PatternError) as caught:
        parse_condition(text)
    assert words in caught.value.message
    assert "of the condition" in caught.value.message


def test_a_spec_is_checked_when_made() -> None:
    with pytest.raises(PatternError, match="starts at \\(focus\\)"):
        MatchSpec.of(["(h)-[:LIVES_IN]->(x)"], "x")
    with pytest.raises(PatternError, match="counted variable q"):
        MatchSpec.of(["(focus)-[:LIVES_IN]->(x)"], "q")
    with pytest.raises(PatternError, match="reads y"):
        MatchSpec.of(["(focus)-[:LIVES_IN]->(x)"], "x", "y.a = 1")
    with pytest.raises(PatternError, match=r"\$rank"):
        MatchSpec.of(["(focus)<-[:LIAISES_WITH]-(p {rank: $rank})"], "p")
    MatchSpec.of(["(focus)<-[:LIAISES_WITH]-(p {rank: $rank})"], "p", "p.since <= $day", {"rank": "division"})
    with pytest.raises(PatternError, match="focus only"):
        Focus.of("grid", where="p.x = 1")
    with pytest.raises(PatternError, match=r"\$least"):
        Focus.of("grid", where="focus.x > $least")
