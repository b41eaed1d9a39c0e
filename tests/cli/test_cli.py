"""The command line: exit codes, JSON contracts, and no tracebacks on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app

FIXTURE = str(Path(__file__).parent.parent / "fixtures" / "tiny.yaml")
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_evaluate_json_contract() -> None:
    code, out, _ = run("evaluate", FIXTURE, "--json")
    assert code == 0
    data = json.loads(out)
    assert [p["plan"] for p in data["plans"]] == ["first", "second", "none"]
    first = data["plans"][0]
    for party in first["parties"].values():
        assert {"utility", "reservation", "margin", "acceptable", "red_lines_hit"} <= set(party)
    assert {"ratified", "blocking_parties", "pareto_dominated"} <= set(first)
    assert first["parties"]["A"]["red_lines_hit"] == ["land.cede"]
    assert first["ratified"] is False and first["blocking_parties"] == ["A"]
    second = data["plans"][1]
    assert second["ratified"] is True and second["pareto_dominated"] is True


def test_evaluate_one_plan() -> None:
    code, out, _ = run("evaluate", FIXTURE, "--plan", "second", "--json")
    assert code == 0
    assert [p["plan"] for p in json.loads(out)["plans"]] == ["second"]


def test_robustness_is_seeded() -> None:
    a = json.loads(run("robustness", FIXTURE, "--samples", "500", "--seed", "3", "--json")[1])
    b = json.loads(run("robustness", FIXTURE, "--samples", "500", "--seed", "3", "--json")[1])
    c = json.loads(run("robustness", FIXTURE, "--samples", "500", "--seed", "4", "--json")[1])
    assert a == b
    assert a != c
    second = a["plans"][1]
    assert 0 < second["ratify_probability"] < 1
    assert second["drivers"][0]["parameter"] == "A reservation"


def test_compare_json() -> None:
    code, out, _ = run("compare", FIXTURE, "first", "second", "--json")
    assert code == 0
    data = json.loads(out)
    assert [c["issue"] for c in data["changes"]] == ["land", "guarantee", "money"]
    assert data["gained"] == ["A"]


def test_schema_and_validate() -> None:
    code, out, _ = run("schema")
    assert code == 0 and json.loads(out)["title"] == "Accord scenario file"
    assert run("validate", FIXTURE)[0] == 0


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", "no-such-scenario"),
        ("evaluate", "missing-file.yaml"),
        ("evaluate", FIXTURE, "--plan", "nope"),
        ("compare", FIXTURE, "first", "nope"),
        ("compare", FIXTURE, "first", "none"),
        ("robustness", FIXTURE, "--plan", "nope"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: tuple[str, ...]) -> None:
    code, out, err = run(*args)
    assert code == 2, out + err
    assert "Traceback" not in out + err
    assert err.strip().startswith("error:")


def test_bad_file_names_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(FIXTURE).read_text().replace("guarantee: 0.3", "guarantee: [1]"))
    code, _, err = run("validate", str(bad))
    assert code == 2
    assert f"{bad}:" in err and "preferences.A.weights.guarantee" in " ".join(err.split())


def test_divide_adjusted_winner_json() -> None:
    path = str(Path(__file__).parent.parent / "fixtures" / "division" / "bob-carol.yaml")
    code, out, _ = run("divide", "adjusted-winner", path, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["split"]["item"] == "Retirement account"
    assert data["split"]["fraction"] == {"Carol": "5/6", "Bob": "1/6"}
    assert data["totals"] == {"Carol": "170/3", "Bob": "170/3"}


def test_divide_bad_file_exits_2() -> None:
    code, _, err = run("divide", "adjusted-winner", FIXTURE)
    assert code == 2 and "Traceback" not in err


HARBOUR = "harbour-teaching"


def test_solve_json_has_proofs() -> None:
    code, out, _ = run("solve", HARBOUR, "--json")
    assert code == 0
    sols = json.loads(out)["solutions"]
    assert [x["concept"] for x in sols] == ["nash", "kalai-smorodinsky", "egalitarian",
                                            "welfare"]
    assert all(x["proof"]["proven_optimal"] for x in sols)


def test_frontier_improve_and_zopa_json(tmp_path: Path) -> None:
    chart = tmp_path / "frontier.svg"
    code, out, _ = run("frontier", HARBOUR, "--json", "--chart", str(chart))
    assert code == 0 and json.loads(out)["exact"] is True
    assert chart.read_text().startswith("<svg")
    code, out, _ = run("zopa", HARBOUR, "--json")
    z = json.loads(out)
    assert code == 0 and z["exact"] and z["space"] == 432
    code, out, _ = run("improve", FIXTURE, "second", "--json")
    data = json.loads(out)
    assert code == 0 and data["pareto_optimal"] is False
    for item in data["improvements"]:
        assert all(g >= -1e-9 for g in item["gains"].values())
    assert run("improve", FIXTURE, "none")[0] == 2


def test_lazy_command_table_matches_the_registered_commands() -> None:
    import typer.main

    from accord.cli import COMMANDS, app

    group = typer.main.get_command(app)
    names = group.list_commands(None)  # type: ignore[attr-defined, arg-type]
    assert sorted(names) == sorted(COMMANDS)
    for name in names:
        command = group.get_command(None, name)  # type: ignore[attr-defined, arg-type]
        module, text = COMMANDS[name]
        assert command.get_short_help_str(limit=300) == text, name
        source = command.callback.__module__ if command.callback else None
        if source is not None:
            assert source == f"accord.cli.{module}", name


def test_help_imports_no_command_module() -> None:
    import subprocess
    import sys

    code = ("import sys; from accord.cli import cli; "
            "sys.argv = ['accord', '--help']\n"
            "try:\n    cli.main(prog_name='accord')\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in sys.modules if m.startswith(('accord.cli.', 'accord.app', "
            "'accord.solve', 'accord.analysis', 'numpy', 'scipy', 'pydantic'))]\n"
            "print('LOADED', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "LOADED []" in out, out


def test_import_accord_is_light_and_the_api_works() -> None:
    import subprocess
    import sys

    code = ("import sys, accord\n"
            "print('LOADED', [m for m in sys.modules if m.startswith(('numpy', 'accord.'))])\n"
            "s = accord.load('harbour-teaching')\n"
            "print(sorted(accord.solve(s, 'nash').utilities) == sorted(s.party_ids))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "LOADED []" in out and "True" in out, out


@pytest.mark.parametrize("loader", ["libyaml", "python"])
def test_validate_refuses_deep_nesting_with_exit_2(tmp_path, monkeypatch, loader: str) -> None:
    """Finding 8 of the service probe, CLI half: not an internal error."""
    import yaml

    from accord.cli import app
    from accord.formats import scenario_file

    if loader == "python":
        monkeypatch.setattr(scenario_file, "_LOADER", yaml.SafeLoader)
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 3000 + "]" * 3000, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "nested too deeply" in result.output
