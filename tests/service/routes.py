"""The route list of the app, whatever FastAPI's internal route objects look like."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """``(METHOD, path template)`` of every route (HEAD left out)."""
    try:
        from fastapi.routing import iter_route_contexts

        routes: list[Any] = list(iter_route_contexts(app.routes))
    except ImportError:  # older FastAPI: routers are flattened into app.routes
        routes = list(app.routes)
    out = set()
    for r in routes:
        for method in getattr(r, "methods", None) or ():
            if method != "HEAD":
                out.add((method, r.path))
    return out
