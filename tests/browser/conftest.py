"""Browser tests: the workbench served by uvicorn on 127.0.0.1, driven by headless Chromium.

Chromium is Debian's (``/usr/bin/chromium``), driven by the Python ``playwright`` package
with an explicit executable path (Playwright's own browser downloads do not work offline).
If it is missing, every browser test FAILS and says how to install it.

Every page loads in a context that records each request's URL and aborts any that does
not go to the test server, so ``Browser.assert_local`` can prove that nothing left
localhost. Screenshots go to ``test-output/screenshots/`` (git-ignored); they show the
viewport, not the whole page (a report-length page is 35,000 px tall).

Tests wait on conditions (the load event of a navigation, every chart drawn, a text
shown), never for a fixed time or for the network to fall quiet. :data:`PATIENCE` only
bounds a wait that would otherwise hang: it is generous so that a loaded machine is slow,
not failing.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ADMIN_TOKEN = "admin-token-for-the-browser-tests-0123456789abcdef"
#: Longest wait for any condition, in milliseconds (a hang detector, not a speed limit).
PATIENCE = 180_000


def _service_app(db_url: str) -> Any:
    """The real service app with the workbench mounted, or ``None`` before it exists."""
    try:
        from accord.service.app import create_app
        from accord.service.settings import Settings
    except ImportError:
        return None
    settings = Settings(database_url=db_url).with_admin_token(ADMIN_TOKEN)
    app = create_app(settings)
    if not any(str(getattr(r, "path", "")).startswith("/web") for r in app.routes):
        from accord.web.routes import web_router

        app.include_router(web_router(settings))
    return app


def _workbench_only() -> Any:
    from fastapi import FastAPI

    from accord.web.routes import mount_web

    app = FastAPI()
    mount_web(app)
    return app


@dataclass
class Server:
    """The app under test, served on a free port of 127.0.0.1."""

    base: str
    app: Any
    has_service: bool


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    import uvicorn

    tmp = Path(tempfile.mkdtemp(prefix="accord-browser-"))
    app = _service_app(f"sqlite:///{tmp / 'accord.db'}")
    has_service = app is not None
    if app is None:
        app = _workbench_only()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + PATIENCE / 1000
    while not srv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start", pytrace=False)
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", app, has_service)
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. Install it "
            "with `bash scripts/system-deps.sh` (as root; `make test` runs it), then rerun.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright launches Chromium on a fresh, empty profile directory of its own (it
    # refuses --user-data-dir with launch()), so every session starts clean.
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Browser:
    """One browser context on the test server, recording every request it makes."""

    base: str
    context: Any
    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        """Load ``path``, wait for its charts, and return the page."""
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        self.wait_for_charts()
        return self.page

    def submit(self, target: Any) -> Any:
        """Click ``target`` (a selector or a locator) that submits a form, wait for the
        page it leads to (its load event) and for that page's charts; return the page."""
        # a selector means its first match, as with ``page.click``
        button = self.page.locator(target).first if isinstance(target, str) else target
        with self.page.expect_navigation(wait_until="load"):
            button.click()
        self.wait_for_charts()
        return self.page

    def wait_for_charts(self) -> None:
        """Wait until every Vega-Lite chart on the page has been drawn."""
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('[data-vega-spec]')]"
            ".every(e => e.getAttribute('data-rendered') === 'true')",
            timeout=PATIENCE,
        )

    def assert_local(self) -> None:
        """Every request so far went to the test server, and there was one at least."""
        assert self.requests, "no request was recorded"
        outside = [u for u in self.requests if not u.startswith(self.base + "/")]
        assert not outside, f"requests left localhost: {outside}"

    def assert_no_errors(self) -> None:
        """No script error and no console error (CSP violations included)."""
        assert not self.errors, f"console errors: {self.errors}"

    def screenshot(self, name: str) -> Path:
        """A screenshot of the viewport under ``test-output/screenshots/``."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False, timeout=PATIENCE)
        return path

    def axe_violations(self, impacts: tuple[str, ...] = ("serious", "critical")
                       ) -> list[dict[str, Any]]:
        """axe-core's violations of the given impacts on the current page."""
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result if v["impact"] in impacts
        ]


def _browser(chromium: Any, server: Server, *, bypass_csp: bool = False) -> Browser:
    context = chromium.new_context(viewport=VIEWPORT, bypass_csp=bypass_csp,
                                   service_workers="block")
    page = context.new_page()
    b = Browser(server.base, context, page)

    def route(r: Any) -> None:
        url = r.request.url
        b.requests.append(url)
        if url.startswith(server.base + "/"):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: b.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: b.errors.append(str(exc)))
    page.set_default_timeout(PATIENCE)
    page.set_default_navigation_timeout(PATIENCE)
    return b


@pytest.fixture
def web(chromium: Any, server: Server) -> Iterator[Browser]:
    """A fresh browser context (CSP enforced) on the test server."""
    b = _browser(chromium, server)
    yield b
    b.context.close()


@pytest.fixture
def new_browser(chromium: Any, server: Server) -> Iterator[Any]:
    """A factory of further browser contexts (for several users at once)."""
    made: list[Browser] = []

    def make(*, bypass_csp: bool = False) -> Browser:
        b = _browser(chromium, server, bypass_csp=bypass_csp)
        made.append(b)
        return b

    yield make
    for b in made:
        b.context.close()
