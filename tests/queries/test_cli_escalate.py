"""``orggraph escalate`` and ``orggraph who`` on a generated community."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orggraph.cli.app import app
from orggraph.generator import Scale, generate
from orggraph.pii import PiiKey
from orggraph.store import EmbeddedStore

runner = CliRunner()
AS_OF = "2025-06-30"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    path = tmp_path_factory.mktemp("esc") / "e.db"
    (path.parent / "e.db.key").write_text(("cd" * 32) + "\n")
    (path.parent / "e.db.key").chmod(0o600)
    key = PiiKey(bytes.fromhex("cd" * 32))
    with EmbeddedStore(path, key) as s:
        for batch in generate(Scale.COMMUNITY, seed=6, key=key, as_of=AS_OF).batches:
            s.write(batch)
        household = next(n for n, a in s.nodes(as_of=AS_OF) if a["kind"] == "household")
    return str(path), household.split(":", 1)[1]


def test_escalate_table_and_json(store: tuple[str, str]) -> None:
    path, household = store
    args = ["escalate", household, "--category", "物业纠纷", "--store", path, "--as-of", AS_OF, "--at", "2025-06-30T09:00"]
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "逐级响应" in table.output
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    departments = [s["unit"] for s in data["steps"] if s["role"] == "department"]
    assert departments
    assert all(d["phone_masked"] and "*" in d["phone_masked"] for d in departments)
    assert departments[0]["phone_masked"] in table.output  # the department's office phone, masked
    assert data["steps"][0]["deadline"].startswith("2025-06-30T10:00")
    levels = [s["level"] for s in data["steps"]]
    assert levels == sorted(levels, key=["contact", "building", "grid", "community", "street"].index)


def test_escalate_errors(store: tuple[str, str]) -> None:
    path, household = store
    unknown = runner.invoke(app, ["escalate", household, "--category", "外星人", "--store", path])
    assert unknown.exit_code == 1
    assert "config.invalid" in unknown.output
    nowhere = runner.invoke(app, ["escalate", "幸福里小区99号楼9单元909室", "--category", "物业纠纷", "--store", path])
    assert nowhere.exit_code == 1
    assert "not-found" in nowhere.output


def test_who(store: tuple[str, str]) -> None:
    path, household = store
    result = runner.invoke(app, ["who", "--household", household, "--store", path, "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["household"]["code"] == household
    community = runner.invoke(app, ["who", "--community", "130705001001", "--store", path, "--as-of", AS_OF])
    assert community.exit_code == 0, community.output
    both = runner.invoke(app, ["who", "--household", household, "--community", "x", "--store", path])
    assert both.exit_code == 1


@pytest.fixture(scope="module")
def namesakes(store: tuple[str, str]) -> tuple[str, str, str]:
    """A person's whole ID number, a name only one person has, and a name two have (a second person of
    that name added, living nowhere)."""
    from collections import Counter

    from orggraph.model import Person
    from orggraph.pii import id_check_char
    from orggraph.store import Batch

    path, _ = store
    key = PiiKey(bytes.fromhex("cd" * 32))
    with EmbeddedStore(Path(path), key) as s:
        persons = [(n, a) for n, a in s.nodes(as_of=AS_OF) if a["kind"] == "person"]
        counts = Counter(a["name"] for _, a in persons)
        unique = next(a for _, a in persons if counts[a["name"]] == 1)
        twice = next(a for _, a in persons if counts[a["name"]] == 1 and a is not unique)
        first = "13070519990909001"
        b = Batch("a namesake")
        b.put(Person.from_id_number(key, first + id_check_char(first), name=twice["name"]))
        s.write(b)
        whole = key.unseal("id_number", bytes.fromhex(unique["id_sealed"]))
    return whole, str(unique["name"]), str(twice["name"])


def test_who_member_by_a_whole_id_number_prints_it_masked_only(store: tuple[str, str], namesakes: tuple[str, str, str]) -> None:
    path, _ = store
    whole, name, _ = namesakes
    result = runner.invoke(app, ["who", "--member", whole, "--store", path, "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    person = json.loads(result.stdout)["person"]
    assert person["name"] == name
    assert person["id_masked"] == whole[:4] + "*" * 10 + whole[-4:]
    assert whole not in result.output
    unknown = "13070519990909002"
    from orggraph.pii import id_check_char

    missing = runner.invoke(app, ["who", "--member", unknown + id_check_char(unknown), "--store", path, "--as-of", AS_OF])
    assert missing.exit_code == 1
    assert "1307**********" in missing.output
    assert unknown not in missing.output


def test_who_member_by_a_name_one_person_has(store: tuple[str, str], namesakes: tuple[str, str, str]) -> None:
    path, _ = store
    _, name, _ = namesakes
    result = runner.invoke(app, ["who", "--member", name, "--store", path, "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["person"]["name"] == name


def test_who_member_by_a_name_two_persons_have_lists_them_masked_and_asks_for_a_code(
    store: tuple[str, str], namesakes: tuple[str, str, str]
) -> None:
    path, _ = store
    _, _, name = namesakes
    result = runner.invoke(app, ["who", "--member", name, "--store", path, "--as-of", AS_OF])
    assert result.exit_code == 1
    assert f"2 persons are named {name}; give one's code" in result.output
    assert f"有2人名为“{name}”；请给出其中一人的人员编号" in result.output
    listed = [line for line in result.output.splitlines() if line.strip().startswith(name)]
    assert len(listed) == 4  # each of the two, in the English and in the Chinese message
    assert all("**********" in line for line in listed)
    code = listed[0].rsplit("·", 1)[-1].strip()
    chosen = runner.invoke(app, ["who", "--member", code, "--store", path, "--as-of", AS_OF])
    assert chosen.exit_code == 0, chosen.output
    assert json.loads(chosen.stdout)["person"]["name"] == name
    nobody = runner.invoke(app, ["who", "--member", "无此人", "--store", path, "--as-of", AS_OF])
    assert nobody.exit_code == 1
    assert "not-found" in nobody.output
