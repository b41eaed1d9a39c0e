"""The negotiation commands' JSON contracts, and the negotiation layer's imports."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from typer.testing import CliRunner

from accord.cli import app
from tests.negotiation.conftest import TINY

runner = CliRunner()
SRC = Path(__file__).parents[2] / "src" / "accord" / "negotiation"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_negotiate_json_and_trace_replay(tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    code, out, _ = run("negotiate", TINY, "-s", "A=boulware", "-s", "B=linear",
                       "-s", "C=random", "--seed", "3", "--trace", str(trace), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["strategies"]["C"].startswith("random")
    assert {"agreement", "ratified", "utilities", "welfare", "pareto_distance", "pareto_gap",
            "nash_distance"} <= set(data["metrics"])
    lines = trace.read_text().splitlines()
    assert json.loads(lines[0])["kind"] == "session" and len(lines) > 2
    code, out, _ = run("replay", str(trace), "--json")
    assert code == 0 and json.loads(out)["identical"] is True


def test_replay_detects_a_tampered_trace(tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    assert run("negotiate", TINY, "--seed", "1", "--trace", str(trace), "--json")[0] == 0
    lines = trace.read_text().splitlines()
    row = json.loads(lines[1])
    row["package"] = [0, 0, 0]
    lines[1] = json.dumps(row)
    trace.write_text("\n".join(lines))
    code, out, _ = run("replay", str(trace), "--json")
    assert code == 1 and json.loads(out)["identical"] is False


def test_bad_input_exits_2() -> None:
    code, _, err = run("negotiate", TINY, "-s", "nonsense")
    assert code == 2 and "no strategy" in err
    code, _, err = run("negotiate", TINY, "-p", "nope")
    assert code == 2 and "no protocol" in err
    code, _, err = run("negotiate", TINY, "-s", "a", "-s", "b")
    assert code == 2


def test_strategies_json() -> None:
    code, out, _ = run("strategies", "--json")
    data = json.loads(out)
    assert code == 0 and "boulware" in {s["name"] for s in data["strategies"]}
    assert "backchannel" in {p["name"] for p in data["protocols"]}


def test_experiment_backchannel_json(tmp_path: Path) -> None:
    chart = tmp_path / "chart.json"
    code, out, _ = run("experiment", "backchannel", TINY, "--runs", "2", "--drafters", "B,C",
                       "--rounds", "20", "--text-rounds", "30", "--chart", str(chart),
                       "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data["arms"]) == {"exclusive", "inclusive", "single-text"}
    assert data["arms"]["exclusive"]["briefing_order"] == ["A"]
    assert json.loads(chart.read_text())["vconcat"]


def test_tournament_json_resumes(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite")
    args = ("tournament", TINY, "-s", "linear", "-s", "conceder", "--repetitions", "1",
            "--protocol", "saop:rounds=20", "--db", db, "--json")
    code, out, _ = run(*args)
    first = json.loads(out)
    assert code == 0 and first["new"] == 8
    code, out, _ = run(*args)
    second = json.loads(out)
    assert second["new"] == 0 and second["skipped"] == 8
    assert second["summary"] == first["summary"]


def test_negotiation_imports_only_lower_layers() -> None:
    allowed = ("accord.model", "accord.analysis", "accord.solve", "accord.negotiation")
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("accord"):
                    assert name.startswith(allowed), f"{path.name} imports {name}"
                assert not name.startswith(("negmas", "os", "sys", "sqlite3", "distributed")), \
                    f"{path.name} imports {name}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("print", "open"):
                raise AssertionError(f"{path.name} calls {node.func.id}")  # type: ignore[attr-defined]
