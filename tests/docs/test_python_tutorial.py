"""Every example of the Python tutorial runs and prints what the page says."""

from __future__ import annotations

import doctest
from pathlib import Path

PAGE = Path(__file__).parents[2] / "docs" / "tutorial-python.md"


def test_python_tutorial_examples_run() -> None:
    result = doctest.testfile(str(PAGE), module_relative=False, verbose=False,
                              optionflags=doctest.ELLIPSIS, report=True)
    assert result.attempted >= 20
    assert result.failed == 0
