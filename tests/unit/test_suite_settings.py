"""The suite's own settings keep tests independent of the machine's speed."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def test_hypothesis_has_no_wall_clock_limits() -> None:
    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check
    # a test's own settings (e.g. ``@settings(max_examples=50)``) inherit the profile
    assert settings(max_examples=50).deadline is None
