"""The OpenAPI schema documents every route, parameter and response; every /v1 route needs a token."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI


def _operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in app.openapi()["paths"].items() for method, op in ops.items()]


def test_every_route_parameter_and_response_is_described(app: FastAPI) -> None:
    for path, method, op in _operations(app):
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        assert op.get("description"), where
        for parameter in op.get("parameters", []):
            assert parameter.get("description") or parameter["schema"].get("description"), f"{where} {parameter['name']}"
        for status, response in op["responses"].items():
            assert response.get("description"), f"{where} {status}"


def test_every_v1_route_declares_the_bearer_scheme_and_its_problems(app: FastAPI) -> None:
    for path, method, op in _operations(app):
        if path.startswith("/v1/"):
            assert op.get("security") == [{"HTTPBearer": []}], f"{method} {path}"
            assert {"401", "403", "404", "422"} <= set(op["responses"]), f"{method} {path}"
