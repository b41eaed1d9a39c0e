"""The ``accord`` command line.

Exit codes: 0 success, 2 bad input (one-line reason on stderr), 1 internal error.

Start-up is kept short: the command groups are modules with ``register(app)``
(:data:`COMMANDS` maps each command to its module and its one-line help), and the
``accord`` script imports a module only when one of its commands runs, so
``accord --help`` loads none of them. :data:`app` is the whole Typer application (every
module registered) for tests and for embedding.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

from typer.core import TyperGroup

HELP = "Model, evaluate, solve and negotiate multi-party agreements."

#: Command -> (module under ``accord.cli``, one-line help shown by ``accord --help``).
#: A test checks this table against what the modules register.
COMMANDS: dict[str, tuple[str, str]] = {
    "scenarios": ("core_commands", "List the bundled scenarios."),
    "show": ("core_commands", "Show a scenario: parties, points and options, plans."),
    "validate": ("core_commands", "Check a scenario file; exit 2 with file, line and field on "
                                  "the first problem."),
    "schema": ("core_commands", "Print the JSON Schema of scenario files."),
    "evaluate": ("core_commands", "Evaluate plans (default: every named plan): utilities, "
                                  "acceptance, ratification."),
    "robustness": ("core_commands", "Probability each party accepts and each plan is "
                                    "ratified, and what drives it."),
    "sensitivity": ("core_commands", "What flips each party's acceptance of a plan: single "
                                     "assumptions within their ranges."),
    "compare": ("core_commands", "Point-by-point diff of two drafts and who gained from the "
                                 "revision."),
    "lint": ("core_commands", "Modelling smells with a line each; exit 2 when there are "
                              "errors, 0 for warnings."),
    "report": ("report_commands", "Write one self-contained HTML report: drafts, charts, "
                                  "robustness, assumptions."),
    "demo": ("report_commands", "Evaluate the 2025 Ukraine drafts, test their robustness and "
                                "write the HTML report."),
    "solve": ("solve_commands", "Exact Nash, Kalai–Smorodinsky, egalitarian or max-welfare "
                                "package, with its proof."),
    "frontier": ("solve_commands", "The Pareto frontier over admissible packages."),
    "improve": ("solve_commands", "Post-settlement settlement (Raiffa): packages no party likes "
                                  "less and someone more."),
    "zopa": ("solve_commands", "Zone of possible agreement: how many packages every party "
                               "accepts, how many pass."),
    "divide": ("divide_commands", "Fair division of divisible points between two parties."),
    "trace-leak": ("leak_commands", "Name the recipient(s) whose copy a leaked text came from, "
                                    "with a confidence."),
    "leak": ("leak_commands", "Per-recipient fingerprinted copies of a draft, and leak "
                              "tracing."),
    "negotiate": ("negotiate_commands", "Run one negotiation session: a protocol, a strategy "
                                        "per party, a seed."),
    "replay": ("negotiate_commands", "Re-run a session from its trace alone and check that "
                                     "every event is identical."),
    "strategies": ("negotiate_commands", "List the registered strategies and protocols."),
    "tournament": ("negotiate_commands", "Strategies x scenarios x repetitions, streamed to "
                                         "SQLite; a re-run resumes."),
    "experiment": ("negotiate_commands", "Experiments built on negotiation sessions."),
    "import": ("format_commands", "Import scenarios from other tools."),
    "export": ("format_commands", "Export scenarios to other tools."),
    "serve": ("service_commands", "Run the mediation service (OpenAPI at /openapi.json, docs "
                                  "at /docs)."),
    "audit": ("service_commands", "Verify or export a room's hash-chained audit log."),
    "room": ("service_commands", "Create, back up, restore rooms; trace leaked drafts."),
}

#: The command modules, in the order ``accord --help`` lists their commands.
COMMAND_MODULES = tuple(dict.fromkeys(module for module, _ in COMMANDS.values()))


def _typer_app(modules: tuple[str, ...]) -> Any:
    import typer

    typer_app = typer.Typer(name="accord", help=HELP, no_args_is_help=True,
                            add_completion=False, pretty_exceptions_enable=False)
    for name in modules:
        import_module(f"accord.cli.{name}").register(typer_app)
    return typer_app


class LazyGroup(TyperGroup):
    """The top-level command group: a command's module is imported when it is used."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command, in help order (no module is imported)."""
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, after importing and registering its module alone."""
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        import typer.main

        group = typer.main.get_command(_typer_app((entry[0],)))
        return group.get_command(ctx, cmd_name)  # type: ignore[attr-defined]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Plain help listing the commands from :data:`COMMANDS`."""
        # plain help (Typer's rich help would load every command to describe it)
        super(TyperGroup, self).format_help(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands and their one-line help, from :data:`COMMANDS`."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_, text) in COMMANDS.items()])


cli = LazyGroup(name="accord", help=HELP, no_args_is_help=True)


def __getattr__(name: str) -> Any:
    if name == "app":
        value = _typer_app(COMMAND_MODULES)
        globals()["app"] = value
        return value
    raise AttributeError(f"module 'accord.cli' has no attribute {name!r}")


def main() -> None:
    """Entry point of the ``accord`` script."""
    try:
        cli.main(prog_name="accord")
    except SystemExit:
        raise
    except Exception as exc:  # the last resort: never a bare traceback for users
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("please report this with the command you ran", file=sys.stderr)
        sys.exit(1)
