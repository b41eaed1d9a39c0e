"""What every CLI command shares: scenario loading, error handling, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from accord.app.catalog import resolve
from accord.model import AccordError, Scenario

# Wide enough for a 4-party table when output is piped (rich assumes 80 columns then).
console = Console(width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 120)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Map expected errors to exit code 2 with a one-line reason; anything else to 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except AccordError as exc:
            err_console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False,
                              soft_wrap=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            err_console.print("interrupted")
            raise typer.Exit(130) from None

    return wrapper


def load(scenario: str) -> Scenario:
    """A bundled scenario name or a file path."""
    return resolve(scenario)


def emit_json(data: Any) -> None:
    """Write ``data`` as JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_default) + "\n")


def _default(obj: Any) -> Any:
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def fmt(x: float, digits: int = 3) -> str:
    """A utility for tables."""
    return f"{x:.{digits}f}"
