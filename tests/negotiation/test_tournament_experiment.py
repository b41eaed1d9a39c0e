"""Tournaments (local, Dask, resume) and the backchannel experiment."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from accord.app.experiment import experiment_chart_spec, experiment_summary
from accord.app.tournament import run_tournament
from accord.app.tournament_store import TournamentFileError, TournamentStore
from accord.negotiation.experiment import ARMS, wilson
from accord.negotiation.tournament import SessionKey, TournamentConfig
from tests.negotiation.conftest import TINY

CONFIG = TournamentConfig((TINY,), ("boulware", "linear"), "saop:rounds=30", 2, 7)


def rows(path: Path) -> list[dict[str, Any]]:
    with TournamentStore(path) as store:
        return store.rows()


def test_keys_and_seeds() -> None:
    keys = CONFIG.keys({TINY: 3})
    assert len(keys) == 2 ** 3 * 2 and len({k.text for k in keys}) == len(keys)
    k = SessionKey(TINY, "saop", ("a", "b"), 0)
    assert k.seed(7) == SessionKey(TINY, "saop", ("a", "b"), 0).seed(7)
    assert k.seed(7) != k.seed(8) != SessionKey(TINY, "saop", ("a", "b"), 1).seed(7)
    homo = TournamentConfig((TINY,), ("x", "y"), pairing="homogeneous")
    assert [k.strategies for k in homo.keys({TINY: 3})] == [("x",) * 3, ("y",) * 3]


def test_resume_after_interruption_loses_and_repeats_nothing(tmp_path: Path) -> None:
    full = run_tournament(CONFIG, tmp_path / "full.sqlite")
    assert full["new"] == 16 and full["skipped"] == 0
    part = tmp_path / "part.sqlite"
    first = run_tournament(CONFIG, part, stop_after=5)
    assert first["new"] == 5 and first["stored"] == 5
    second = run_tournament(CONFIG, part)
    assert second["new"] == 11 and second["skipped"] == 5 and second["stored"] == 16
    third = run_tournament(CONFIG, part)
    assert third["new"] == 0 and third["skipped"] == 16
    with sqlite3.connect(part) as conn:
        keys = [k for (k,) in conn.execute("SELECT key FROM sessions")]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert len(keys) == len(set(keys)) == 16
    assert mode == "wal"
    assert rows(part) == rows(tmp_path / "full.sqlite")
    assert second["summary"] == full["summary"]


def test_local_pool_and_dask_give_identical_rows(tmp_path: Path) -> None:
    serial = run_tournament(CONFIG, tmp_path / "serial.sqlite")
    pool = run_tournament(CONFIG, tmp_path / "pool.sqlite", workers=2)
    dask = run_tournament(CONFIG, tmp_path / "dask.sqlite", dask_workers=1,
                          dask_processes=False)
    assert dask["new"] == pool["new"] == serial["new"] == 16
    assert rows(tmp_path / "dask.sqlite") == rows(tmp_path / "serial.sqlite")
    assert rows(tmp_path / "pool.sqlite") == rows(tmp_path / "serial.sqlite")


def test_a_results_file_refuses_another_tournament(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    run_tournament(CONFIG, path, stop_after=1)
    other = TournamentConfig((TINY,), ("boulware",), "saop:rounds=30", 2, 8)
    with pytest.raises(TournamentFileError):
        run_tournament(other, path)


def test_sampled_preferences_and_metrics(tmp_path: Path) -> None:
    cfg = TournamentConfig((TINY,), ("conceder",), "saop:rounds=30", 2, 1, "homogeneous",
                           "sampled", True)
    report = run_tournament(cfg, tmp_path / "s.sqlite")
    got = rows(tmp_path / "s.sqlite")
    assert {r["draw"] for r in got} == {"rep-0", "rep-1"}
    assert all(r["pareto_gap"] is not None for r in got)
    assert report["summary"]["sessions"] == 2


# ------------------------------------------------------------------------- experiment
def small_experiment(**kw: object) -> dict[str, Any]:
    args: dict[str, Any] = dict(runs=3, seed=5, strategies=["linear"], drafters=["B", "C"],
                      briefing_rounds=2, rounds=30, text_rounds=60)
    args.update(kw)
    return experiment_summary(TINY, **args)


def test_experiment_summary_is_deterministic_and_complete() -> None:
    a, b = small_experiment(), small_experiment()
    assert a == b
    assert list(a["arms"]) == list(ARMS)
    ex = a["arms"]["exclusive"]
    assert ex["briefing_order"] == ["A"]
    assert set(ex["excluded_ratify_rate"]) == {"A"}
    for arm in ARMS:
        s = a["arms"][arm]
        assert 0 <= s["ratification_rate"] <= s["agreement_rate"] <= 1
        assert s["runs"] == 3
        lo, hi = s["ratification_ci"]
        assert lo <= s["ratification_rate"] <= hi
        assert set(s["utilities"]) == {"A", "B", "C"}
    json.dumps(a)


def test_experiment_chart_spec_renders() -> None:
    spec = experiment_chart_spec(small_experiment(runs=2))
    assert spec["$schema"].endswith("v5.json") and len(spec["vconcat"]) == 2
    vlc = pytest.importorskip("vl_convert")
    svg = vlc.vegalite_to_svg(spec)
    assert svg.startswith("<svg")


def test_experiment_rejects_unknown_drafters() -> None:
    from accord.model import UnknownIdError

    with pytest.raises(UnknownIdError):
        small_experiment(drafters=["B", "Z"])


def test_wilson_interval() -> None:
    lo, hi = wilson(5, 10)
    assert lo == pytest.approx(0.2366, abs=1e-3) and hi == pytest.approx(0.7634, abs=1e-3)
    assert wilson(0, 0) == (0.0, 1.0)
