"""Names on screen: every word of the model has a Chinese and an English name, none an identifier."""

from __future__ import annotations

import inspect
import re

from orggraph.model import nodes
from orggraph.model.labels import ATTRS, ENUMS, vocabulary

IDENTIFIER = re.compile(r"^[a-z]+(_[a-z0-9]+)+$|^[A-Z]+(_[A-Z]+)+$")
SEALED = {"id_sealed", "phone_sealed"}  # never shown (api.routes.graph)


def _names() -> list[tuple[str, dict[str, str]]]:
    found = vocabulary()
    flat = [(f"{part}.{key}", names) for part in ("kinds", "links", "attrs", "booleans") for key, names in found[part].items()]
    flat += [(f"values.{attr}.{key}", names) for attr, values in found["values"].items() for key, names in values.items()]
    return flat


def test_every_name_has_chinese_and_english_and_neither_is_an_identifier() -> None:
    for where, names in _names():
        assert re.search(r"[\u4e00-\u9fff]", names["zh"]), where
        assert re.search(r"[A-Za-z]", names["en"]), where
        assert not IDENTIFIER.match(names["en"]), where


def test_every_attribute_a_node_can_carry_is_named() -> None:
    fields = set()
    for _, model in inspect.getmembers(nodes, inspect.isclass):
        if issubclass(model, nodes.Node):
            fields |= set(model.model_fields)
    assert fields - SEALED <= set(ATTRS)


def test_every_enumerated_attribute_names_all_its_values() -> None:
    found = vocabulary()["values"]
    for attr, enums in ENUMS.items():
        assert set(found[attr]) == {member.value for enum in enums for member in enum}
    assert found["care_tags"]["living_alone"] == {"zh": "独居老人", "en": "lives alone"}
