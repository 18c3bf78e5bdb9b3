"""One coverage gap (覆盖缺口) with where it is and who must close it: :class:`Finding`.

A finding names the rule it breaks, the node where the gap is, the area path of that node (street
街道, community 社区, basic grid 网格), what is there against what the norm needs, and the Party
organisation (党组织) and post that must fix it. Findings sort by severity, street, community, rule
and code, so a planner reads the worst gaps of each community first.

>>> f = Finding(
...     rule="building-without-group", severity="medium", node="area:P1/3号楼", kind="building",
...     code="P1/3号楼", name="3号楼", street="S1", street_name="新华街道", community="C1",
...     community_name="幸福社区", grid=None, actual=0, required=1, responsible_org="P1",
...     responsible_org_name="幸福里小区党支部", responsible_post=SECRETARY_POST,
...     message="Building 3号楼 has no Party group.", message_zh="楼栋3号楼未建党小组。")
>>> f.to_dict()["community"], f.sort_key()[:3]
('C1', (1, 'S1', 'C1'))
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from orggraph.model.kinds import NodeKind
from orggraph.model.labels import KIND_EN
from queries.policy import SEVERITY_ORDER, Severity

#: The post that must act for an organisation found responsible (书记; a group's leader is its 书记 too).
SECRETARY_POST = "书记 secretary"


#: The Chinese word for each node kind.
KIND_ZH: dict[str, str] = {kind.value: kind.zh for kind in NodeKind}

Value = int | str


@dataclass(frozen=True, slots=True)
class Finding:
    """One gap against one coverage norm (覆盖规范), placed and assigned.

    Attributes
    ----------
    rule, severity
        The rule id of the policy (政策配置) and the severity it was found with (``high``, ``medium``,
        ``low``; care-tagged households may be raised).
    node, kind, code, name
        The node with the gap: its id, kind, code (for a person the masked ID number 脱敏身份证号,
        never the keyed hash) and name (for a household its address).
    street, street_name, community, community_name, grid
        The area path (区域路径) of the node: codes and names; ``None`` where not applicable.
    actual, required
        What is there and what the norm needs: counts, or short strings (a role, a range, a code).
    responsible_org, responsible_org_name, responsible_post
        The Party organisation (责任党组织, its code and name) and the post that must close the gap.
    message, message_zh
        One sentence each, in English and Chinese, naming the gap and the norm.
    """

    rule: str
    severity: Severity
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

    def sort_key(self) -> tuple[int, str, str, str, str, str, str]:
        """Severity (high first), street, community, rule, code; then node and requirement for ties."""
        return (
            SEVERITY_ORDER[self.severity],
            self.street or "",
            self.community or "",
            self.rule,
            self.code,
            self.node,
            str(self.required),
        )

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain JSON-ready data; area fields are codes (``community`` is the community code)."""
        return {name: getattr(self, name) for name in FIELDS}


#: The field names of :class:`Finding`, in order (the columns of every export).
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Finding))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """``findings`` in the stable report order (see :meth:`Finding.sort_key`), sorted in place."""
    findings.sort(key=Finding.sort_key)
    return findings


def label_en(kind: str, name: str, code: str) -> str:
    """How a message names a node in English: ``building 3号楼 (P1/3号楼)``.

    >>> label_en("compound", "幸福里小区", "P1")
    'compound 幸福里小区 (P1)'
    >>> label_en("grid", "G1", "G1")
    'grid G1'
    """
    word = KIND_EN.get(kind, kind)
    return f"{word} {name} ({code})" if name != code else f"{word} {code}"


def label_zh(kind: str, name: str, code: str) -> str:
    """How a message names a node in Chinese: ``小区幸福里小区（P1）``.

    >>> label_zh("compound", "幸福里小区", "P1")
    '小区幸福里小区（P1）'
    """
    word = KIND_ZH.get(kind, kind)
    return f"{word}{name}（{code}）" if name != code else f"{word}{code}"
