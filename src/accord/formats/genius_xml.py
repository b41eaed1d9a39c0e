"""Hardened XML reading for GENIUS files (no DTDs, no entities, line numbers kept), and ids.

GENIUS domain and profile files are plain XML without a document type declaration.
Every file is parsed with :mod:`defusedxml` with DTDs forbidden outright, so entity
expansion ("billion laughs"), external entities and external DTDs are all refused
before anything is expanded or fetched. The line on which each element starts is
recorded so that later errors can point at it. Every failure is a
:class:`~accord.model.FileFormatError` naming the file and, where known, the line.
"""

from __future__ import annotations

import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from accord.model import FileFormatError

#: Files larger than this are refused before parsing (the largest corpus file is 2 MiB).
MAX_XML_BYTES = 32 * 1024 * 1024
#: Longest id written (the scenario file format allows 80 characters).
MAX_ID = 64

_ID_BAD = re.compile(r"[^A-Za-z0-9_-]+")


class _LineParser(DefusedXMLParser):  # type: ignore[misc]
    """A defused parser that records the line of every element and of refusals."""

    def __init__(self) -> None:
        super().__init__(
            target=ET.TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        self.lines: dict[int, int] = {}
        self.refused_at: int | None = None

    def _start(self, tag: str, attr_list: list[str]) -> ET.Element:
        elem: ET.Element = super()._start(tag, attr_list)
        self.lines[id(elem)] = int(self.parser.CurrentLineNumber)
        return elem

    def _mark(self) -> None:
        self.refused_at = int(self.parser.CurrentLineNumber)

    def defused_start_doctype_decl(self, *args: Any) -> None:
        self._mark()
        super().defused_start_doctype_decl(*args)

    def defused_entity_decl(self, *args: Any) -> None:
        self._mark()
        super().defused_entity_decl(*args)

    def defused_unparsed_entity_decl(self, *args: Any) -> None:  # pragma: no cover
        self._mark()
        super().defused_unparsed_entity_decl(*args)

    def defused_external_entity_ref_handler(self, *args: Any) -> None:  # pragma: no cover
        self._mark()
        super().defused_external_entity_ref_handler(*args)


@dataclass
class XmlDoc:
    """A parsed file: its root element and the line on which each element starts."""

    path: Path
    root: ET.Element
    lines: dict[int, int] = field(default_factory=dict)

    def line(self, elem: ET.Element | None) -> int | None:
        """The line on which ``elem`` starts, if known."""
        return None if elem is None else self.lines.get(id(elem))

    def error(self, elem: ET.Element | None, reason: str) -> FileFormatError:
        """A :class:`FileFormatError` at ``elem``."""
        return FileFormatError(str(self.path), reason, self.line(elem))

    def number(
        self, elem: ET.Element, attr: str, default: float | None = None
    ) -> float:
        """Attribute ``attr`` of ``elem`` as a finite number (``default`` if absent)."""
        raw = elem.get(attr)
        if raw is None or raw.strip() == "":
            if default is None:
                raise self.error(elem, f"<{elem.tag}> needs a numeric {attr!r} attribute")
            return default
        try:
            value = float(raw)
        except ValueError:
            raise self.error(elem, f"<{elem.tag}> {attr}={raw!r} is not a number") from None
        if not math.isfinite(value):
            raise self.error(elem, f"<{elem.tag}> {attr}={raw!r} is not a finite number")
        return value

    def integer(self, elem: ET.Element, attr: str, default: int | None = None) -> int:
        """Attribute ``attr`` of ``elem`` as an integer (``default`` if absent)."""
        value = self.number(elem, attr, None if default is None else float(default))
        if value != int(value):
            raise self.error(elem, f"<{elem.tag}> {attr}={elem.get(attr)!r} is not an integer")
        return int(value)


def parse_xml(path: Path) -> XmlDoc:
    """Parse one file safely; every problem is a :class:`FileFormatError`."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_XML_BYTES:
            raise FileFormatError(name, f"file larger than {MAX_XML_BYTES // (1024 * 1024)} MiB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(name, "no such file") from None
    except IsADirectoryError:
        raise FileFormatError(name, "is a directory, expected an XML file") from None
    except PermissionError:
        raise FileFormatError(name, "permission denied") from None
    return parse_xml_bytes(data, path)


def parse_xml_bytes(data: bytes, path: Path) -> XmlDoc:
    """Parse XML held in memory (``path`` names it in errors)."""
    name = str(path)
    parser = _LineParser()
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        kind = type(exc).__name__
        reason = {
            "DTDForbidden": "refused: the file declares a document type (<!DOCTYPE>); GENIUS "
                            "files have none, and a DTD can hide entity-expansion "
                            "('billion laughs') or external-entity attacks",
            "EntitiesForbidden": "refused: the file declares XML entities (<!ENTITY>), which "
                                 "can expand without bound ('billion laughs')",
            "ExternalReferenceForbidden": "refused: the file references an external entity",
        }.get(kind, f"refused: unsafe XML construct ({kind})")
        raise FileFormatError(name, reason, parser.refused_at) from None
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        message = str(exc).split(": line")[0]
        raise FileFormatError(name, f"not well-formed XML: {message}", line) from None
    except (ValueError, UnicodeError, RecursionError, LookupError) as exc:
        raise FileFormatError(name, f"not readable XML: {exc}") from None
    return XmlDoc(path, root, parser.lines)


# ------------------------------------------------------------------------------ ids
def sanitise_id(text: str, fallback: str) -> str:
    """An id matching ``^[A-Za-z0-9][A-Za-z0-9_-]*$`` derived from ``text``.

    Accents are dropped, runs of other characters become ``-``, leading characters
    that are not letters or digits are removed; an empty result gives ``fallback``.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = _ID_BAD.sub("-", ascii_text)
    out = re.sub(r"^[^A-Za-z0-9]+", "", out)
    out = out[:MAX_ID].rstrip("-_")
    return out or fallback


def unique_ids(texts: Sequence[str], fallback: str) -> list[str]:
    """Sanitised ids for ``texts``, de-duplicated in order with ``-2``, ``-3`` suffixes.

    ``fallback`` is a prefix: an empty text at position ``k`` becomes ``{fallback}{k+1}``.
    """
    used: set[str] = set()
    out = []
    for k, text in enumerate(texts):
        base = sanitise_id(text, f"{fallback}{k + 1}")
        candidate, n = base, 2
        while candidate in used:
            candidate = f"{base}-{n}"
            n += 1
        used.add(candidate)
        out.append(candidate)
    return out


def natural_key(name: str) -> list[tuple[int, int | str]]:
    """Sort key putting ``util2`` before ``util10``."""
    return [(0, int(t)) if t.isdigit() else (1, t.lower())
            for t in re.split(r"(\d+)", name) if t]


def fmt_number(x: float) -> str:
    """A number for labels and notes (12 significant digits)."""
    return f"{x:.12g}"
