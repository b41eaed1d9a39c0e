"""Interoperability: ``accord import genius`` and ``accord export genius``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accord.cli.common import console, emit_json, guarded, load
from accord.formats.genius import export_genius, import_genius
from accord.formats.scenario_file import dump_scenario

import_app = typer.Typer(help="Import scenarios from other tools.", no_args_is_help=True)
export_app = typer.Typer(help="Export scenarios to other tools.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``import`` and ``export`` to ``app``."""
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")


@import_app.command("genius")
@guarded
def import_genius_cmd(
    folder: Annotated[Path, typer.Argument(help="A GENIUS domain folder (domain + profiles).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Scenario file to write "
                                                                "(.yaml or .json).")],
    real_step: Annotated[float | None, typer.Option(
        help="Discretise real-valued issues with this step (otherwise they are refused).")
    ] = None,
    normalise_weights: Annotated[bool, typer.Option(
        help="Divide weights by their sum (GENIUS caps the total at 1 instead).")] = False,
    profile: Annotated[list[str] | None, typer.Option(
        "--profile", help="Import only these profile files (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Summary as JSON.")] = False,
) -> None:
    """Read a GENIUS/ANAC folder (GENIUS semantics) and write an Accord scenario file."""
    s = import_genius(folder, real_step=real_step, normalise_weights=normalise_weights,
                      profiles=profile)
    tmp = output.with_name(output.name + ".tmp")
    dump_scenario(s, tmp, fmt="json" if output.suffix == ".json" else "yaml")
    tmp.replace(output)
    summary = {"scenario": s.id, "parties": list(s.party_ids), "issues": len(s.issues),
               "packages": s.space_size, "written": str(output)}
    if as_json:
        emit_json(summary)
    else:
        console.print(f"{folder} → {output}: {len(s.parties)} parties, {len(s.issues)} issues, "
                      f"{s.space_size:.4g} packages")


@export_app.command("genius")
@guarded
def export_genius_cmd(
    scenario: Annotated[str, typer.Argument(help="A bundled scenario name or a file path.")],
    folder: Annotated[Path, typer.Argument(help="Folder to write the GENIUS files into.")],
) -> None:
    """Write a scenario as a GENIUS domain and one utility profile per party."""
    s = load(scenario)
    folder.mkdir(parents=True, exist_ok=True)
    for path in export_genius(s, folder):
        console.print(str(path))
