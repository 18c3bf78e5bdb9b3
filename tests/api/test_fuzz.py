"""Schemathesis against the app's own OpenAPI schema: every route, with an admin token of the whole
district, answers no 5xx, no status it does not document, and nothing that breaks its schema.

50 examples per route in CI; ``ORGGRAPH_FUZZ_EXAMPLES=500`` for a deeper run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.tokens import Role, TokenBook
from orggraph.settings import Settings
from orggraph.store import MemoryStore
from tests.api.conftest import KEY, api_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

EXAMPLES = int(os.environ.get("ORGGRAPH_FUZZ_EXAMPLES", "50"))
TOKENS = TokenBook(None)
ADMIN, _ = TOKENS.add(Role.ADMIN, "D", expires=None, note="fuzz")
APP = create_app(Settings(store=":memory:", upload_max_bytes=200_000), store=api_world(MemoryStore(KEY)), tokens=TOKENS)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def running() -> Iterator[None]:
    with TestClient(APP):  # the app's lifespan: its service is up while the module runs
        yield


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_route_answers_a_server_error_or_outside_its_schema(case: Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {ADMIN}"}, checks=CHECKS)
