"""Patterns as Cypher on a Bolt server (模式的 Cypher 形式): how a declared rule runs on the Neo4j engine.

A :class:`~orggraph.patterns.MatchSpec`'s pattern is written back as a ``MATCH`` with every
relationship checked active on ``$day`` (:func:`~orggraph.store.cypher_layout.all_active` over a named
path) and every node but the start checked live; equalities in braces and the condition become
``WHERE`` parts whose values are all ``$parameters``. Labels and relationship types come from the
node and link kinds the pattern was checked against when it was read, attribute names are plain
identifiers: nothing of a policy file is pasted into a statement as it was written.

:func:`scan` selects the focus on the server (its scope walked down from the root, its condition, its
required patterns as ``MATCH … WITH DISTINCT focus``), counts, and returns only the nodes out of
bounds; a rule that needs one match is written as a union (:meth:`CypherDay.lacking
<orggraph.store.cypher_day.CypherDay.lacking>`), which FalkorDB runs ten times faster than an optional
match with a condition. :func:`bind` counts from given nodes, in batches the server takes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from orggraph.patterns.spec import DAY, FOCUS, Focus, MatchSpec
from orggraph.patterns.syntax import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Func,
    InList,
    IsNull,
    Lit,
    Not,
    Operand,
    Param,
    Pattern,
    Prop,
    Value,
    date_add,
)
from orggraph.store.cypher_day import CypherDay
from orggraph.store.cypher_layout import NODE, active, all_active, label, live, rel_type


class _Writer:
    """Writes one statement's patterns and conditions, collecting the parameters they need."""

    def __init__(self, params: dict[str, Any], day: str) -> None:
        self.given = params
        self.day = day
        self.params: dict[str, Any] = {}
        self._names = 0

    def fresh(self, stem: str) -> str:
        self._names += 1
        return f"_{stem}{self._names}"

    def _given(self, value: Any) -> Any:
        """A ``$parameter``'s value (``$day`` the day)."""
        return self.day if value.name == DAY else self.given[value.name]

    def value(self, value: Value) -> str:
        if isinstance(value, Param):
            if value.name != DAY:
                self.params[value.name] = self.given[value.name]
            return f"${value.name}"
        name = self.fresh("v")
        self.params[name] = value
        return f"${name}"

    def operand(self, operand: Operand) -> str:
        if isinstance(operand, Prop):
            return f"{operand.var}.{operand.key}"
        if isinstance(operand, Func):
            if operand.name == "date_add":  # no date functions on FalkorDB: the value goes as a parameter
                values = [
                    a.value if isinstance(a, Lit) else self._given(a) for a in operand.args if not isinstance(a, Prop | Func)
                ]
                return self.value(date_add(*values))
            return f"{operand.name}({', '.join(self.operand(a) for a in operand.args)})"
        if isinstance(operand, Lit):
            return self.value(operand.value)
        return self.value(operand)

    def condition(self, condition: Condition) -> str:
        if isinstance(condition, Compare):
            return f"({self.operand(condition.left)} {condition.op} {self.operand(condition.right)})"
        if isinstance(condition, IsNull):
            return f"({self.operand(condition.operand)} IS {'NOT ' if condition.negated else ''}NULL)"
        if isinstance(condition, InList):
            if isinstance(condition.items, Param):
                items = self.value(condition.items)
            else:
                items = f"[{', '.join(self.operand(i) for i in condition.items)}]"
            inside = f"({self.operand(condition.operand)} IN {items})"
            return f"(NOT {inside})" if condition.negated else inside
        if isinstance(condition, Not):
            return f"(NOT {self.condition(condition.inner)})"
        joiner = " AND " if isinstance(condition, AllOf) else " OR "
        assert isinstance(condition, AllOf | AnyOf)
        return f"({joiner.join(self.condition(p) for p in condition.parts)})"

    def pattern(self, pattern: Pattern, path: str) -> tuple[str, list[str], dict[str, str]]:
        """``(focus)…`` (as ``path = (focus)…`` when a step has a variable length), the conditions it
        needs (active, live, equalities), and its variables (pattern variable → the name written:
        unnamed nodes get fresh names). A single step is checked active by its own variable; the
        steps of a variable length through the path's relationships."""
        names: dict[str, str] = {}
        varying = any(not (r.min_hops == r.max_hops == 1) for r in pattern.rels)
        conditions = [all_active(path)] if varying else []
        parts: list[str] = []
        for index, node in enumerate(pattern.nodes):
            var = self.fresh("n") if node.var is None else names.setdefault(node.var, node.var)
            first_use = index == 0 or node.var is None or node.var not in {n.var for n in pattern.nodes[:index]}
            text = f"({var}:{label(node.kind)})" if node.kind is not None and first_use else f"({var})"
            if index == 0:
                text = f"({var})"  # the focus is bound before the pattern
            parts.append(text)
            if index > 0 and first_use:
                conditions.append(live(var))
            for key, value in node.props:
                conditions.append(f"{var}.{key} = {self.value(value)}")
            if index < len(pattern.rels):
                rel = pattern.rels[index]
                types = "|".join(rel_type(kind) for kind in rel.kinds)
                single = rel.min_hops == rel.max_hops == 1
                hops = "" if single else f"*{rel.min_hops}..{rel.max_hops}"
                props = ""
                if rel.props:
                    props = " {" + ", ".join(f"{key}: {self.value(value)}" for key, value in rel.props) + "}"
                rel_var = ""
                if single and not varying:
                    rel_var = self.fresh("r")
                    conditions.append(active(rel_var))
                body = f"[{rel_var}:{types}{hops}{props}]"
                parts.append(f"-{body}->" if rel.direction == "out" else f"<-{body}-")
        written = "".join(parts)
        return (f"{path} = {written}" if varying else written), conditions, names


def _where(conditions: list[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


def _counted(writer: _Writer, spec: MatchSpec, carried: str) -> tuple[list[str], str]:
    """The statement parts that collect, per focus, what ``spec.count`` binds over each pattern, and
    the expression of their union (a list of ids)."""
    parts: list[str] = []
    lists: list[str] = []
    for pattern in spec.patterns:
        path = writer.fresh("p")
        match, conditions, _ = writer.pattern(pattern, path)
        if spec.where is not None:
            conditions.append(writer.condition(spec.where))
        found = writer.fresh("c")
        counted = f"{spec.count}.id"
        if spec.count == carried:  # the focus itself, counted when a match was found (its path is not null)
            if not match.startswith(f"{path} = "):
                match = f"{path} = {match}"
            counted = f"CASE WHEN {path} IS NULL THEN null ELSE {carried}.id END"
        parts.append(f"OPTIONAL MATCH {match}{_where(conditions)}")
        parts.append(f"WITH {carried}{''.join(', ' + x for x in lists)}, collect(DISTINCT {counted}) AS {found}")
        lists.append(found)
    union = lists[0]
    for other in lists[1:]:
        union = f"reduce(acc = {union}, x IN {other} | CASE WHEN x IN acc THEN acc ELSE acc + x END)"
    return parts, union


def _opening(cg: CypherDay, writer: _Writer, focus: Focus) -> list[str]:
    """The openings binding ``focus`` (one per way of reaching the scope), each ending ``WITH DISTINCT focus``."""
    openings = []
    for opening in cg.scoped(FOCUS, focus.kind, focus.root, among=focus.among is not None):
        text = opening
        if focus.where is not None:
            text += f" WHERE {writer.condition(focus.where)} WITH {FOCUS}"
        for pattern in focus.requires:
            path = writer.fresh("q")
            match, conditions, _ = writer.pattern(pattern, path)
            text += f" MATCH {match}{_where(conditions)} WITH DISTINCT {FOCUS}"
        openings.append(text)
    return openings


def scan(cg: CypherDay, focus: Focus, spec: MatchSpec | None, low: int | None, high: int | None) -> list[tuple[str, int]]:
    """The focus nodes whose count is out of bounds, with their counts, in id order."""
    writer = _Writer({**focus.params, **(spec.params if spec is not None else {})}, cg.day)
    params: dict[str, Any] = {"root": focus.root}
    found: dict[str, int] = {}
    for opening in _opening(cg, writer, focus):
        if spec is None:
            query = f"{opening} RETURN {FOCUS}.id AS id, 0 AS n"
        elif low == 1 and high is None and len(spec.patterns) == 1:  # none at all: the union form
            path = writer.fresh("p")
            match, conditions, _ = writer.pattern(spec.patterns[0], path)
            if spec.where is not None:
                conditions.append(writer.condition(spec.where))
            lacking = cg.lacking(FOCUS, opening, f"MATCH {match}{_where(conditions)}")
            query = f"{lacking} RETURN {FOCUS}.id AS id, 0 AS n"
        else:
            parts, union = _counted(writer, spec, FOCUS)
            bounds = []
            if low is not None:
                bounds.append(f"n < {writer.value(low)}")
            if high is not None:
                bounds.append(f"n > {writer.value(high)}")
            where = f" WHERE {' OR '.join(bounds)}" if bounds else ""
            query = f"{opening} {' '.join(parts)} WITH {FOCUS}, size({union}) AS n{where} RETURN {FOCUS}.id AS id, n"
        if focus.among is not None:  # the nodes to choose among, sent in batches the server takes
            rows = cg.run_ids(query, focus.among, root=None, **writer.params)
        else:
            rows = cg.run(query, **params, **writer.params)
        for row in rows:
            found.setdefault(row["id"], int(row["n"]))
    return sorted(found.items())


def bind(cg: CypherDay, spec: MatchSpec, nodes: Iterable[str]) -> dict[str, list[str]]:
    """What ``spec.count`` binds from each of ``nodes`` (live ones), in id order."""
    writer = _Writer(spec.params, cg.day)
    parts, union = _counted(writer, spec, FOCUS)
    query = (
        f"UNWIND $rows AS fid MATCH ({FOCUS}:{NODE} {{id: fid}}) WHERE {live(FOCUS)} WITH {FOCUS} "
        f"{' '.join(parts)} RETURN {FOCUS}.id AS id, {union} AS ids"
    )
    found: dict[str, list[str]] = {}
    for row in cg.run_ids(query, nodes, **writer.params):
        if row["ids"]:
            found[row["id"]] = sorted(row["ids"])
    return found


__all__ = ["active", "bind", "scan"]
