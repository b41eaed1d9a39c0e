"""Health and the bundled scenarios (public)."""

from __future__ import annotations

from fastapi import APIRouter

from accord.app.catalog import bundled_names, bundled_text
from accord.formats.scenario_file import loads_scenario
from accord.service.deps import State
from accord.service.schemas import HealthPublic, ScenarioSummary
from accord.store.db import current_revision

router = APIRouter(tags=["system"])


@router.get("/health")
def health(state: State) -> HealthPublic:
    """Liveness, the database backend and the schema revision."""
    return HealthPublic(status="ok", database=state.db.engine.dialect.name,
                        schema_revision=current_revision(state.db))


@router.get("/scenarios")
def scenarios(state: State) -> list[ScenarioSummary]:
    """The bundled scenarios a room can be created from."""
    with state.lock:
        cached: list[ScenarioSummary] | None = state.memo.get("bundled")
        if cached is None:
            cached = []
            for name in bundled_names():
                s = loads_scenario(bundled_text(name), f"{name} (bundled)")
                cached.append(ScenarioSummary(name=name, title=s.title,
                                              parties=list(s.party_ids), points=len(s.issues)))
            state.memo["bundled"] = cached
    return cached
