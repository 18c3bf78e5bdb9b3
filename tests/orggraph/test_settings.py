"""Settings come from ORGGRAPH_* variables; --store overrides; the key from a file or a variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from orggraph.errors import KeyFileError, StoreUnavailableError
from orggraph.settings import load_settings
from orggraph.store import open_store


def test_environment_and_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ORGGRAPH_STORE", str(tmp_path / "env.db"))
    assert load_settings().store == str(tmp_path / "env.db")
    assert load_settings(store=str(tmp_path / "cli.db")).store == str(tmp_path / "cli.db")
    assert load_settings().key_path() == Path(str(tmp_path / "env.db") + ".key")
    monkeypatch.setenv("ORGGRAPH_STORE", "bolt://127.0.0.1:7687")
    assert load_settings().is_bolt


def test_key_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ORGGRAPH_KEY", "ab" * 32)
    store = open_store(load_settings(store=str(tmp_path / "k.db")), create=True)
    store.close()
    assert not (tmp_path / "k.db.key").exists()
    monkeypatch.setenv("ORGGRAPH_KEY", "zz")
    with pytest.raises(KeyFileError):
        open_store(load_settings(store=str(tmp_path / "k.db")))


def test_a_new_store_gets_a_key_file_beside_it(tmp_path: Path) -> None:
    store = open_store(load_settings(store=str(tmp_path / "n.db")), create=True)
    store.close()
    assert (tmp_path / "n.db.key").stat().st_mode & 0o777 == 0o600
    # the key is not regenerated for an existing store: a lost key is an error, not a new key
    (tmp_path / "n.db.key").unlink()
    with pytest.raises(KeyFileError, match="missing"):
        open_store(load_settings(store=str(tmp_path / "n.db")), create=True)


def test_a_bolt_store_is_opened_by_the_neo4j_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGGRAPH_KEY_FILE", str(tmp_path / "bolt.key"))
    with pytest.raises(StoreUnavailableError) as caught:
        open_store(load_settings(store="bolt://127.0.0.1:1"))
    assert caught.value.code == "store.unavailable"
    assert "bolt://127.0.0.1:1" in caught.value.message
