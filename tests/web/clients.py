"""An in-process client of the workbench pages, for the HTTP-level web tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.web.routes import web_router
from accord.web.workspace import Workspace


def workbench_client(names: Sequence[str] | None = None, samples: int = 50
                     ) -> Iterator[TestClient]:
    """Yield a client of the workbench serving ``names`` (default: every bundled scenario)."""
    app = FastAPI()
    app.include_router(web_router(workspace=Workspace(
        list(names) if names is not None else None, samples=samples)))
    with TestClient(app) as c:
        yield c
