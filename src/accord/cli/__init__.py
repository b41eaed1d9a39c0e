"""The ``accord`` command line.

Exit codes: 0 success, 2 bad input (one-line reason on stderr), 1 internal error.
"""

from __future__ import annotations

import sys

import typer

from accord.cli import (
    core_commands,
    divide_commands,
    format_commands,
    leak_commands,
    negotiate_commands,
    report_commands,
    service_commands,
    solve_commands,
)

app = typer.Typer(
    name="accord",
    help="Model, evaluate, solve and negotiate multi-party agreements.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Each command group lives in its own module with ``register(app)``.
for _module in (
    core_commands,
    report_commands,
    solve_commands,
    divide_commands,
    leak_commands,
    negotiate_commands,
    format_commands,
    service_commands,
):
    _module.register(app)


def main() -> None:
    """Entry point of the ``accord`` script."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # the last resort: never a bare traceback for users
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("please report this with the command you ran", file=sys.stderr)
        sys.exit(1)
