"""Driver errors become orggraph errors in one place, each with its own code and a message that says
what to do — wrong credentials, an unreachable server, a database that does not exist, a broken
constraint — and the password is never part of a message. (On a real server: tests/contract.)"""

from __future__ import annotations

import orjson
import pytest
from neo4j import exceptions as neo4j_errors

from orggraph.errors import StoreError
from orggraph.store.bolt import FALKORDB, BoltConnection, translate

URI = "bolt://db.example:7687"


def _server_error(code: str, message: str) -> Exception:
    return neo4j_errors.Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.mark.parametrize(
    ("error", "code", "hint"),
    [
        (
            _server_error("Neo.ClientError.Security.Unauthorized", "The client is unauthorized"),
            "store.auth",
            "ORGGRAPH_NEO4J_PASSWORD",
        ),
        (neo4j_errors.ServiceUnavailable("Couldn't connect"), "store.unavailable", "is it running"),
        (
            _server_error("Neo.ClientError.Database.DatabaseNotFound", "Graph not found: wards"),
            "store.database-missing",
            "ORGGRAPH_NEO4J_DATABASE",
        ),
        (_server_error("Neo.ClientError.Schema.ConstraintValidationFailed", "already exists"), "store.constraint", "constraint"),
        (_server_error("Neo.DatabaseError.General.UnknownError", "boom"), "store.error", "boom"),
    ],
    ids=["auth", "unreachable", "no-database", "constraint", "other"],
)
def test_each_driver_error_has_its_code_and_advice(error: Exception, code: str, hint: str) -> None:
    translated = translate(error, uri=URI, database="wards")
    assert isinstance(translated, StoreError)
    assert translated.code == code
    assert hint in translated.message
    assert URI in translated.message


def test_an_unreachable_server_is_reported_without_a_traceback() -> None:
    with pytest.raises(StoreError) as caught:
        BoltConnection("bolt://127.0.0.1:9", user="neo4j", password="s3cret-password", timeout=0.5)
    assert caught.value.code == "store.unavailable"
    assert "s3cret-password" not in str(caught.value.to_dict())


def test_a_malformed_uri_is_a_store_error() -> None:
    with pytest.raises(StoreError) as caught:
        BoltConnection("bolt://:notaport", user="neo4j", password="x", timeout=0.5)
    assert caught.value.code == "store.unavailable"


def test_falkordb_parameters_are_escaped_to_come_back_exactly() -> None:
    assert FALKORDB.params({"v": "O'Brien \\ 王", "xs": ["a'b"], "m": {"k": "c\\d"}, "n": 3}) == {
        "v": "O\\'Brien \\\\ 王",
        "xs": ["a\\'b"],
        "m": {"k": "c\\\\d"},
        "n": 3,
    }
    with pytest.raises(StoreError):
        FALKORDB.params({"f": 0.1})


def test_batches_on_falkordb_fit_its_limit_and_a_row_over_it_is_refused() -> None:
    """``BoltConnection.batches`` cuts rows by bytes and by count; a row alone over the limit is an error."""
    connection = BoltConnection.__new__(BoltConnection)  # no server: only the batching is exercised
    connection.dialect, connection.batch_rows = FALKORDB, 5
    rows = [{"name": f"户{i}", "note": "x" * (10 if i < 20 else 900)} for i in range(40)]  # count-bound, then byte-bound
    batches = list(connection.batches(rows))
    assert [row for batch in batches for row in batch] == rows
    assert all(len(batch) <= 5 and len(orjson.dumps(batch)) <= FALKORDB.max_param_bytes for batch in batches)
    assert [len(batch) for batch in batches[:4]] == [5, 5, 5, 5]
    assert len(batches[-1]) < 5
    with pytest.raises(StoreError, match="one row is"):
        list(connection.batches([{"note": "x" * 4000}]))
