"""axe-core (vendored, injected into the page) finds no serious or critical violation."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import Browser
from tests.browser.pages import PAGES


@pytest.mark.parametrize(("name", "path", "heading"), PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_violations(new_browser: Callable[..., Browser], name: str, path: str,
                               heading: str) -> None:
    # axe is injected as an inline script, which the pages' CSP forbids: bypass it here.
    web = new_browser(bypass_csp=True)
    web.goto(path)
    assert web.axe_violations() == []
