"""Reading and writing scenario files: round trips, and errors that name file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from accord.formats.file_model import json_schema
from accord.formats.scenario_file import dump_scenario, load_scenario, loads_scenario
from accord.model import FileFormatError

FIXTURE = Path(__file__).parent.parent / "fixtures" / "tiny.yaml"
TEXT = FIXTURE.read_text()


def test_round_trip_yaml_and_json(tmp_path: Path) -> None:
    s = load_scenario(FIXTURE)
    assert loads_scenario(dump_scenario(s), "x.yaml") == s
    out = tmp_path / "copy.json"
    dump_scenario(s, out)
    assert load_scenario(out) == s


def test_the_printed_schema_accepts_the_fixture_and_rejects_a_typo() -> None:
    schema = json_schema()
    data = yaml.safe_load(TEXT)
    data["plans"][0]["date"] = str(data["plans"][0]["date"])
    jsonschema.validate(data, schema)
    data["parties"][0]["nmae"] = "typo"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def line_of(text: str, needle: str) -> int:
    return next(k for k, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "field", "anchor"),
    [
        ("guarantee: 0.3", "guarantee: abc", "preferences.A.weights.guarantee", "guarantee: abc"),
        ("    reservation: 0.4", "    reservaton: 0.4", "preferences.B.reservaton", "reservaton"),
        ("swap: 0.6}", "swap: 1.6}", "preferences.B.values.land.swap", "swap: 1.6}"),
        ("then: [guarantee.weak", "then: [guarantee.weakk", "constraints.swap-needs-guarantee",
         "- id: swap-needs-guarantee"),
        ("promisor: C", "promisor: D", "preferences.A.commitments[0]", "- option: guarantee"),
        ("k: 2", "k: 5", "ratification.k", "ratification:"),
        ("spread: 0.1", "spread: -1", "preferences.A.values.land.spread", "spread: -1"),
        ("sources: [T1]", "sources: [T9]", "preferences.A.reservation", "sources: [T9]"),
        ("{land: swap, guarantee", "{land: swapp, guarantee", "plans.second", "id: second"),
    ],
)
def test_errors_name_file_line_and_field(old: str, new: str, field: str, anchor: str) -> None:
    text = TEXT.replace(old, new)
    assert text != TEXT
    with pytest.raises(FileFormatError) as info:
        loads_scenario(text, "bad.yaml")
    err = info.value
    assert err.path == "bad.yaml"
    assert err.field == field
    assert err.line == line_of(text, anchor)
    assert str(err).startswith(f"bad.yaml:{err.line}")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[1, 2",
        "- just\n- a list\n",
        "!!python/object/apply:os.system ['true']\n",
        "accord: 1\nid: x\ntitle: t\nparties: []\nissues: []\npreferences: {}\n",
        "\t\tbad indentation: [",
        # exponential alias expansion ("billion laughs" in YAML)
        "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
            f"{chr(98 + k)}: &{chr(98 + k)} [" + ",".join([f"*{chr(97 + k)}"] * 10) + "]\n"
            for k in range(7)),
    ],
)
def test_hostile_or_malformed_text_is_a_clear_error(text: str) -> None:
    with pytest.raises(FileFormatError):
        loads_scenario(text, "bad.yaml")


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="no such file"):
        load_scenario(tmp_path / "missing.yaml")
    with pytest.raises(FileFormatError, match="directory"):
        load_scenario(tmp_path)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(FileFormatError, match="UTF-8"):
        load_scenario(binary)


def test_json_files_report_lines(tmp_path: Path) -> None:
    s = load_scenario(FIXTURE)
    data = json.loads(dump_scenario(s, fmt="json"))
    data["issues"][0]["options"][0]["id"] = "bad id!"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, indent=2))
    with pytest.raises(FileFormatError) as info:
        load_scenario(path)
    assert info.value.line == line_of(path.read_text(), '"bad id!"')


def test_plan_equality_covers_every_field() -> None:
    from accord.model import Plan

    base = Plan("p", {"a": "x"}, "Title", "About", "2025-11-20", ("S1",))
    assert base == Plan("p", {"a": "x"}, "Title", "About", "2025-11-20", ("S1",))
    assert hash(base) == hash(Plan("p", {"a": "x"}, "Title", "About", "2025-11-20", ("S1",)))
    for other in (Plan("p", {"a": "y"}, "Title", "About", "2025-11-20", ("S1",)),
                  Plan("p", {"a": "x"}, "Other", "About", "2025-11-20", ("S1",)),
                  Plan("p", {"a": "x"}, "Title", "Else", "2025-11-20", ("S1",)),
                  Plan("p", {"a": "x"}, "Title", "About", "2025-11-21", ("S1",)),
                  Plan("p", {"a": "x"}, "Title", "About", "2025-11-20", ("S2",))):
        assert base != other
    assert Plan("n", {}, no_deal=True) != Plan("n", {})


def test_libyaml_loader_when_available_same_data_and_error_lines() -> None:
    from accord.formats import scenario_file

    if yaml.__with_libyaml__:
        assert scenario_file._LOADER is yaml.CSafeLoader  # ~8x faster than pure Python
    assert yaml.load(TEXT, Loader=scenario_file._LOADER) == yaml.safe_load(TEXT)
    broken = TEXT.replace("\n", "\n  : [\n", 1)
    with pytest.raises(FileFormatError) as info:
        loads_scenario(broken, "bad.yaml")
    assert info.value.line == 2
