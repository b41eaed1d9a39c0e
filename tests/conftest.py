"""Suite-wide settings: no test depends on how fast the machine is.

Hypothesis's defaults fail an example that takes over 200 ms (``deadline``) or a strategy
that generates slowly (``HealthCheck.too_slow``): wall-clock limits that a loaded machine
breaks. The ``accord`` profile, loaded for every test, turns both off; tests that set
their own ``settings`` inherit it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("accord", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("accord")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``long`` first, the rest in their usual order.

    ``make test`` spreads the suite over workers that steal work from each other; a long
    test started last would keep one worker busy alone at the end.
    """
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
