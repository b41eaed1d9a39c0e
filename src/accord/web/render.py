"""Jinja2 rendering with escaping on, number filters, and the workbench's security headers."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from accord.report.charts import Chart
from accord.report.sections import linkify
from accord.web.charts import spec_json

#: URL prefix of every workbench page.
PREFIX = "/web"

#: No request may leave the page's origin: scripts, styles, data and images come from here.
#: ``'unsafe-eval'``: Vega compiles its expressions with ``Function``. ``'unsafe-inline'``
#: for styles: vega-embed inserts a small ``<style>`` element.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _num(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _signed(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "–"
    if abs(x) < 0.5 * 10**-digits:
        return f"{0:.{digits}f}"
    return f"{x:+.{digits}f}".replace("-", "−")


def _pct(x: float, digits: int = 0) -> str:
    return f"{x:.{digits}%}"


def _spec(chart: Chart) -> Markup:
    return Markup(spec_json(chart))  # safe: <, > and & are escaped


def _linkify(text: str) -> Markup:
    return Markup(linkify(text))  # safe: linkify escapes the text


@cache
def environment() -> Environment:
    """The template environment (autoescaping every ``.html`` template)."""
    env = Environment(
        loader=PackageLoader("accord.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=_num, signed=_signed, pct=_pct, spec=_spec, linkify=_linkify)
    env.globals.update(prefix=PREFIX, static=f"{PREFIX}/static")
    return env


def render(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` into an HTML response with the security headers."""
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def fragment(template: str, **context: Any) -> str:
    """Render ``template`` to a string (a fragment for a JSON answer)."""
    return environment().get_template(template).render(**context)
