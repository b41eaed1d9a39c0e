"""The workbench's pages: one FastAPI router, mounted by the service's ``create_app``.

Mount it with::

    from accord.web.routes import web_router
    app.include_router(web_router(settings))

Every page lives under ``/web`` (see :data:`~accord.web.render.PREFIX`); the router also
serves its own static files (``/web/static/...``: CSS, the page script and the vendored
Vega libraries), so no separate static mount is needed. :func:`mount_web` does the
include for callers that prefer one call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from accord.model import AccordError
from accord.web import views
from accord.web.render import PREFIX, SECURITY_HEADERS, fragment, render
from accord.web.room import room_routes
from accord.web.simulate import simulation_view
from accord.web.whatif import adjustments_from_query
from accord.web.workspace import UnknownScenarioError, Workspace

STATIC = Path(__file__).parent / "static"

_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".txt": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8"}


def _error(exc: AccordError) -> Response:
    status = 404 if isinstance(exc, UnknownScenarioError) else 400
    title = "Not found" if status == 404 else "That request cannot be answered"
    return render("error.html", status, title=title, message=str(exc))


def _page(make: Callable[[], Response]) -> Response:
    try:
        return make()
    except AccordError as exc:
        return _error(exc)


def _setting(settings: object, name: str, default: Any) -> Any:
    return getattr(settings, name, default) if settings is not None else default


def web_router(settings: object | None = None, *,
               workspace: Workspace | None = None) -> APIRouter:
    """The workbench's router (pages under ``/web``).

    Args:
        settings: the service's settings. Optional attributes read: ``web_samples``
            (Monte Carlo draws on the analysis page, default 300) and ``web_scenarios``
            (bundled scenario names to serve, default all).
        workspace: the loaded scenarios (default: built from ``settings``); tests pass one.
    """
    if workspace is None:
        workspace = Workspace(_setting(settings, "web_scenarios", None),
                              samples=_setting(settings, "web_samples", 300))
        workspace.warm()
    ws = workspace
    router = APIRouter(prefix=PREFIX, include_in_schema=False)

    @router.get("/", name="web-index")
    def index() -> Response:
        items = [ws.get(n) for n in ws.names]
        return render("index.html", items=items, drafts=views.drafts, tab="index")

    @router.get("/static/{path:path}", name="web-static")
    def static(path: str) -> Response:
        target = (STATIC / path).resolve()
        if not target.is_relative_to(STATIC.resolve()) or not target.is_file():
            return Response("not found", status_code=404, media_type="text/plain")
        media = _TYPES.get(target.suffix)
        return FileResponse(target, media_type=media,
                            headers={"Cache-Control": "public, max-age=3600",
                                     "X-Content-Type-Options": "nosniff"})

    @router.get("/scenarios/{name}", name="web-scenario")
    def scenario(name: str) -> Response:
        def make() -> Response:
            view = views.scenario_view(ws.get(name))
            return render("scenario.html", view=view, s=view.scenario, name=name,
                          tab="scenario")
        return _page(make)

    def _plan(name: str, request: Request) -> tuple[Any, views.PlanView]:
        loaded = ws.get(name)
        q = request.query_params
        base = views.base_plan(loaded.scenario, q.get("base"))
        query = {} if "reset" in q else dict(q.items())
        plan = views.plan_from_query(loaded.scenario, query, base)
        changes = adjustments_from_query(loaded.scenario, dict(q.items()))
        return loaded, views.plan_view(loaded, plan, base, changes)

    @router.get("/scenarios/{name}/plan", name="web-plan")
    def plan_editor(name: str, request: Request) -> Response:
        def make() -> Response:
            loaded, view = _plan(name, request)
            return render("plan.html", name=name, tab="plan", s=loaded.scenario, view=view,
                          drafts=views.drafts(loaded.scenario), prefix_c=views.CHOICE_PREFIX,
                          point_label=views.point_label, point_title=views.point_label)
        return _page(make)

    @router.get("/scenarios/{name}/plan/evaluate", name="web-plan-evaluate")
    def plan_evaluate(name: str, request: Request) -> Response:
        try:
            loaded, view = _plan(name, request)
        except AccordError as exc:
            status = 404 if isinstance(exc, UnknownScenarioError) else 400
            return JSONResponse({"error": str(exc)}, status, headers=SECURITY_HEADERS)
        html = fragment("_plan_results.html", s=loaded.scenario, view=view,
                        point_title=views.point_label)
        return JSONResponse({"html": html, "summary": view.summary,
                             "evaluation": view.evaluation.to_dict()},
                            headers=SECURITY_HEADERS)

    @router.get("/scenarios/{name}/compare", name="web-compare")
    def compare_drafts(name: str, request: Request) -> Response:
        def make() -> Response:
            loaded = ws.get(name)
            chosen = request.query_params.getlist("draft")
            return render("compare.html", name=name, tab="compare", s=loaded.scenario,
                          view=views.compare_view(loaded, chosen),
                          drafts=views.drafts(loaded.scenario), chosen=chosen)
        return _page(make)

    @router.get("/scenarios/{name}/analysis", name="web-analysis")
    def analysis(name: str, x: str | None = None, y: str | None = None,
                 draft: str | None = None) -> Response:
        def make() -> Response:
            view = views.analysis_view(ws, name, x, y, draft)
            s = ws.get(name).scenario
            return render("analysis.html", name=name, tab="analysis", s=s, view=view,
                          drafts=views.drafts(s))
        return _page(make)

    @router.get("/scenarios/{name}/simulate", name="web-simulate")
    def simulate(name: str, request: Request) -> Response:
        def make() -> Response:
            loaded = ws.get(name)
            q = request.query_params
            view = simulation_view(ws, name, dict(q.items()), q.getlist("drafter"))
            return render("simulate.html", name=name, tab="simulate", s=loaded.scenario,
                          view=view)
        return _page(make)

    room_routes(router, settings)
    return router


def mount_web(app: FastAPI, settings: object | None = None) -> None:
    """Include the workbench in ``app`` and send ``/`` to it when nothing else claims it."""
    app.include_router(web_router(settings))
    if not any(getattr(r, "path", None) == "/" for r in app.routes):
        app.add_api_route("/", lambda: RedirectResponse(f"{PREFIX}/"), include_in_schema=False)
