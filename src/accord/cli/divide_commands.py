"""``accord divide``: fair division procedures (Adjusted Winner)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from accord.cli.common import console, emit_json, guarded

divide = typer.Typer(help="Fair division of divisible points between two parties.",
                     no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``accord divide`` to ``app``."""
    app.add_typer(divide, name="divide")


@divide.command("adjusted-winner")
@guarded
def adjusted_winner_cmd(
    file: Annotated[str, typer.Argument(help="YAML: parties: [A, B] and points: a list of "
                                             "{item: NAME, A: points, B: points}.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Brams & Taylor's Adjusted Winner, in exact rational arithmetic."""
    from accord.app import api

    data = api.divide(file)
    if as_json:
        emit_json(data)
        return
    a, b = data["parties"]
    table = Table("item", f"{a} points", f"{b} points", "goes to",
                  title="Adjusted Winner (equitable, envy-free, efficient)")
    for item in data["items"]:
        owner = item["owner"]
        if owner == "split":
            owner = f"split: {a} {item['fraction'][a]}, {b} {item['fraction'][b]}"
        table.add_row(item["item"], str(item["points"][a]), str(item["points"][b]), owner)
    console.print(table)
    console.print(f"totals: {a} {data['totals'][a]} = {b} {data['totals'][b]} "
                  f"(≈ {data['totals_float'][a]:.3f})")
