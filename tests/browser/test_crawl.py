"""No page reachable from the menus answers 5xx, for any option its forms offer.

An HTTP-level crawl (no browser): from ``/web/`` follow every same-site link under
``/web/``; on every page, submit each GET form once with its defaults, then so that every other
option of each ``<select>`` is sent at least once (the selects change together, so the
number of submissions is the longest list of alternatives, not their sum), and once
with every checkbox flipped (a form found on several pages, such as the plan editor's,
is tried once). Each answer
must be a page (2xx) or a clear refusal (4xx), never a server error.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urljoin, urlparse

import httpx
import pytest

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
    """The form's default submission, then submissions that send every other option.

    Submission ``k`` sets every ``<select>`` to its ``k``-th alternative (or its default
    when it has fewer), so each option is sent at least once and options of different
    selects meet in combination; a last submission flips every checkbox.
    """
    boxes = [(n, v) for n, v, on in form.checkboxes if on]
    out = [form.fields + boxes]
    chosen = dict(form.fields)
    others = {name: [o for o in options if o != chosen.get(name)]
              for name, options in form.selects.items()}
    for k in range(max((len(v) for v in others.values()), default=0)):
        pick = {name: alts[k] for name, alts in others.items() if k < len(alts)}
        out.append([(n, pick.get(n, v)) for n, v in form.fields] + boxes)
    if form.checkboxes:
        out.append(form.fields + [(n, v) for n, v, on in form.checkboxes if not on])
    return out


@pytest.mark.long
def test_menu_pages_and_their_options_never_answer_5xx(server: Server) -> None:
    seen: set[str] = set()
    tried: set[tuple[str, tuple[str, ...]]] = set()
    queue = deque([server.base + "/web/"])
    failures: list[str] = []
    offered: set[tuple[str, str, str]] = set()
    sent: set[tuple[str, str, str]] = set()
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
                offered |= {(target, name, o) for name, options in form.selects.items()
                            for o in options}
                for query in _queries(form):
                    sent |= {(target, n, v) for n, v in query}
                    answer = http.get(f"{target}?{urlencode(query)}")
                    if answer.status_code >= 500:
                        failures.append(f"{target}?{urlencode(query)}: {answer.status_code}")
    assert not failures, failures
    # the crawl reached every tab of both scenarios and tried the options
    paths = {urlparse(u).path for u in seen}
    for tab in ("", "/plan", "/compare", "/analysis", "/simulate"):
        assert f"/web/scenarios/harbour-teaching{tab}" in paths
        assert f"/web/scenarios/ukraine-2025{tab}" in paths
    # every option of every select was sent, and there were many
    assert offered <= sent, sorted(offered - sent)[:10]
    assert len(offered) > 100
