"""The interactive API page (``/docs``), served entirely from the installed packages.

FastAPI's default page loads Swagger UI's script and style from a CDN: blank offline, and
with no integrity check on code that runs next to a member's token. Here the files come
from the ``swagger-ui-py`` package (Swagger UI 5, which reads the OpenAPI 3.1 document
FastAPI writes; the 4.x of ``swagger-ui-bundle`` could not), under ``/docs/assets``. The
package's static folder is found without importing it. ReDoc (CDN only) is off.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"


def assets_folder() -> Path:
    """Swagger UI's files in the installed ``swagger-ui-py`` package."""
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is missing: reinstall accord")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def install(app: FastAPI) -> None:
    """Add ``/docs``, its OAuth2 redirect page and its assets to ``app``."""
    app.mount(ASSETS, StaticFiles(directory=assets_folder()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect")

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
