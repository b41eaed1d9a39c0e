"""``accord trace-leak`` and ``accord leak ...``: files in, verdicts out, exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from accord.cli import leak_commands
from accord.leaks import strip_invisible

from .drafts import CEASEFIRE

app = typer.Typer(pretty_exceptions_enable=False)
leak_commands.register(app)
runner = CliRunner()
PEOPLE = [f"delegate-{i:02d}" for i in range(50)]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps({
        "draft_id": "ceasefire-v3",
        "points": [{"id": k, "text": v} for k, v in CEASEFIRE.items()],
        "recipients": PEOPLE}), encoding="utf-8")
    key = tmp_path / "room.key"
    code, _, err = run("leak", "keygen", str(key))
    assert code == 0 and "wrote" in err
    return {"draft": str(draft), "key": str(key), "dir": str(tmp_path)}


def render_to(files: dict[str, str], who: str, name: str) -> Path:
    out = Path(files["dir"]) / name
    code, _, _ = run("leak", "render", "-d", files["draft"], "-k", files["key"], "-r", who,
                     "-o", str(out))
    assert code == 0
    return out


def test_render_then_trace_names_the_recipient(files: dict[str, str]) -> None:
    copy = render_to(files, "delegate-17", "copy.txt")
    code, out, _ = run("trace-leak", str(copy), "--draft", files["draft"],
                       "--key-file", files["key"], "--json")
    assert code == 0
    data = json.loads(out)
    assert data["verdict"] == "match" and data["named"] == ["delegate-17"]
    assert data["scores"][0]["confidence"] > 0.999999
    code, out, _ = run("trace-leak", str(copy), "-d", files["draft"], "-k", files["key"])
    assert code == 0
    assert "leak matches delegate-17" in out


def test_stripped_partial_copy_with_recipients_option(files: dict[str, str]) -> None:
    copy = render_to(files, "delegate-03", "copy.txt")
    points = strip_invisible(copy.read_text(encoding="utf-8")).split("\n\n")
    leaked = Path(files["dir"]) / "leak.txt"
    leaked.write_text(" ".join(points[2:8]), encoding="utf-8")
    code, out, _ = run("trace-leak", str(leaked), "-d", files["draft"], "-k", files["key"],
                       "--recipients", ",".join(PEOPLE[:10]), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["named"] == ["delegate-03"]
    assert len(data["scores"]) == 10
    assert data["evidence"]["frames"] == 0


def test_no_match_message(files: dict[str, str]) -> None:
    leaked = Path(files["dir"]) / "canonical.txt"
    leaked.write_text("\n\n".join(CEASEFIRE.values()), encoding="utf-8")
    code, out, _ = run("trace-leak", str(leaked), "-d", files["draft"], "-k", files["key"])
    assert code == 0
    assert "no recipient matches" in out
    code, out, _ = run("leak", "trace", str(leaked), "-d", files["draft"], "-k", files["key"],
                       "--json")
    assert code == 0 and json.loads(out)["verdict"] == "no_match"


def test_render_to_stdout_and_without_invisible_characters(files: dict[str, str]) -> None:
    code, out, _ = run("leak", "render", "-d", files["draft"], "-k", files["key"], "-r",
                       "delegate-01", "--no-zero-width")
    assert code == 0
    assert out == strip_invisible(out)
    assert out.count("\n\n") == len(CEASEFIRE) - 1


def test_capacity(files: dict[str, str]) -> None:
    code, out, _ = run("leak", "capacity", "-d", files["draft"], "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["points"]) == 12
    assert data["linguistic_bits"] >= 80
    assert data["zero_width_bits"] >= 12 * 80


def test_hex_and_raw_keys_are_both_accepted(files: dict[str, str]) -> None:
    raw = Path(files["dir"]) / "raw.key"
    raw.write_bytes(bytes.fromhex(Path(files["key"]).read_text().strip()))
    copy = render_to(files, "delegate-09", "copy.txt")
    code, out, _ = run("trace-leak", str(copy), "-d", files["draft"], "-k", str(raw), "--json")
    assert code == 0 and json.loads(out)["named"] == ["delegate-09"]


@pytest.mark.parametrize("case", ["missing-file", "bad-json", "bad-draft", "short-key",
                                  "no-recipients", "dup-recipients", "not-utf8", "alpha",
                                  "keygen-exists"])
def test_bad_input_exits_2(files: dict[str, str], case: str) -> None:
    d = Path(files["dir"])
    copy = str(render_to(files, "delegate-01", "copy.txt"))
    draft, key = files["draft"], files["key"]
    (d / "bad.json").write_text('{"draft_id": "x", "points": [}', encoding="utf-8")
    (d / "nopoints.json").write_text('{"draft_id": "x", "points": []}', encoding="utf-8")
    (d / "norecip.json").write_text(json.dumps({"draft_id": "x", "points": [
        {"id": "1", "text": "The Parties shall agree."}]}), encoding="utf-8")
    (d / "short.key").write_bytes(b"0123")
    (d / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    args = {
        "missing-file": ["trace-leak", str(d / "nope.txt"), "-d", draft, "-k", key],
        "bad-json": ["trace-leak", copy, "-d", str(d / "bad.json"), "-k", key],
        "bad-draft": ["trace-leak", copy, "-d", str(d / "nopoints.json"), "-k", key],
        "short-key": ["trace-leak", copy, "-d", draft, "-k", str(d / "short.key")],
        "no-recipients": ["trace-leak", copy, "-d", str(d / "norecip.json"), "-k", key],
        "dup-recipients": ["trace-leak", copy, "-d", draft, "-k", key, "-r", "a,b,a"],
        "not-utf8": ["trace-leak", str(d / "latin1.txt"), "-d", draft, "-k", key],
        "alpha": ["trace-leak", copy, "-d", draft, "-k", key, "--alpha", "0"],
        "keygen-exists": ["leak", "keygen", key],
    }[case]
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert err.startswith("error:")
    assert "Traceback" not in err


def test_wired_into_the_accord_command() -> None:
    import accord.cli as cli

    result = runner.invoke(cli.app, ["trace-leak", "--help"])
    assert result.exit_code == 0
    result = runner.invoke(cli.app, ["leak", "render", "--help"])
    assert result.exit_code == 0
