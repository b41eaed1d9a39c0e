"""Bundled scenarios and scenario resolution: a bundled name or a file path."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from accord.formats.scenario_file import load_scenario, loads_scenario
from accord.model import FileFormatError, Scenario


def bundled_names() -> list[str]:
    """Names of the scenarios shipped with Accord."""
    folder = resources.files("accord") / "scenarios"
    return sorted(p.name.rsplit(".", 1)[0] for p in folder.iterdir()
                  if p.name.endswith((".yaml", ".yml")))


def bundled_text(name: str) -> str:
    """The file text of a bundled scenario."""
    folder = resources.files("accord") / "scenarios"
    for suffix in (".yaml", ".yml"):
        f = folder / f"{name}{suffix}"
        if f.is_file():
            return f.read_text(encoding="utf-8")
    raise FileFormatError(name, "no bundled scenario and no file by that name "
                                f"(bundled: {', '.join(bundled_names())})")


def source_of(name_or_path: str) -> tuple[str, str]:
    """The text of a scenario file or bundled scenario, and the name errors use for it."""
    path = Path(name_or_path)
    if path.suffix.lower() in {".yaml", ".yml", ".json"} or path.exists():
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise FileFormatError(str(path), f"cannot read: {exc}") from None
    return bundled_text(name_or_path), f"{name_or_path} (bundled)"


def resolve(name_or_path: str) -> Scenario:
    """Load a bundled scenario by name, or a scenario file by path."""
    path = Path(name_or_path)
    if path.suffix.lower() in {".yaml", ".yml", ".json"} or path.exists():
        return load_scenario(path)
    return loads_scenario(bundled_text(name_or_path), f"{name_or_path} (bundled)")
