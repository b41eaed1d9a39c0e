"""No page reachable from the menus answers 5xx, for any option its forms offer.

An HTTP-level crawl (no browser): from ``/web/`` follow every same-site link under
``/web/``; on every page, submit each GET form once with its defaults and once more for
every other option of each ``<select>`` and every checkbox flipped, one change at a time
(a form found on several pages, such as the plan editor's, is tried once). Each answer
must be a page (2xx) or a clear refusal (4xx), never a server error.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlparse

import httpx

from tests.browser.conftest import Server

#: Number inputs that cost seconds per unit (experiment runs) are sent at their minimum.
CHEAP = {"runs"}


@dataclass
class Form:
    """A GET form: its action and fields (name, value) with the alternatives it offers."""

    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: list[tuple[str, str, bool]] = field(default_factory=list)


class Page(HTMLParser):
    """The links and GET forms of one page."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            get = a.get("method", "get").lower() == "get"
            self._form = Form(urljoin(self.url, a.get("action") or self.url)) if get else None
            if self._form is not None:
                self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self._form.selects[self._select].append(a.get("value", ""))
            if "selected" in a or len(self._form.selects[self._select]) == 1:
                self._form.fields = [f for f in self._form.fields if f[0] != self._select]
                self._form.fields.append((self._select, a.get("value", "")))
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "checkbox":
                self._form.checkboxes.append((a["name"], a.get("value", "on"), "checked" in a))
            elif kind == "number" and a["name"] in CHEAP and a.get("min"):
                self._form.fields.append((a["name"], a["min"]))
            elif kind not in ("submit", "button", "reset"):
                self._form.fields.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def _queries(form: Form) -> list[list[tuple[str, str]]]:
    """The form's default submission, then one per other option and per flipped box."""
    boxes = [(n, v) for n, v, on in form.checkboxes if on]
    base = form.fields + boxes
    out = [base]
    for name, options in form.selects.items():
        chosen = dict(form.fields).get(name)
        for option in options:
            if option != chosen:
                out.append([(n, option if n == name else v) for n, v in form.fields] + boxes)
    for k, (name, value, on) in enumerate(form.checkboxes):
        flipped = [(n, v) for j, (n, v, o) in enumerate(form.checkboxes) if (o != (j == k))]
        out.append(form.fields + flipped)
        del name, value, on
    return out


def test_menu_pages_and_their_options_never_answer_5xx(server: Server) -> None:
    seen: set[str] = set()
    tried: set[tuple[str, tuple[str, ...]]] = set()
    queue = deque([server.base + "/web/"])
    failures: list[str] = []
    submitted = 0
    with httpx.Client(timeout=300) as http:
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            r = http.get(url)
            if r.status_code >= 500:
                failures.append(f"{url}: {r.status_code}")
                continue
            if "text/html" not in r.headers.get("content-type", ""):
                continue
            page = Page(url)
            page.feed(r.text)
            for link in page.links:
                link = urldefrag(link)[0]
                parsed = urlparse(link)
                if (link.startswith(server.base + "/web/") and "/static/" not in parsed.path
                        and "/rooms/" not in parsed.path and link not in seen):
                    queue.append(link)
            for form in page.forms:
                target = urldefrag(form.action)[0]
                key = (target, tuple(sorted({n for n, _ in form.fields} | set(form.selects))))
                if key in tried:
                    continue  # the same form on another page offers the same options
                tried.add(key)
                for query in _queries(form):
                    submitted += 1
                    answer = http.get(f"{target}?{urlencode(query)}")
                    if answer.status_code >= 500:
                        failures.append(f"{target}?{urlencode(query)}: {answer.status_code}")
    assert not failures, failures
    # the crawl reached every tab of both scenarios and tried the options
    paths = {urlparse(u).path for u in seen}
    for tab in ("", "/plan", "/compare", "/analysis", "/simulate"):
        assert f"/web/scenarios/harbour-teaching{tab}" in paths
        assert f"/web/scenarios/ukraine-2025{tab}" in paths
    assert submitted > 100
