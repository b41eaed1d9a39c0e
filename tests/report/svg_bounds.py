"""Geometry checks of rendered Vega SVG: text inside the picture, bars inside their plot.

Text width is estimated from the font size (an average glyph is taken as 0.6 em wide, bold
0.65 em, which errs wide for Helvetica/Arial), so a label that fits here fits in a browser
whose fallback font is somewhat wider than the renderer's. Transforms (``translate``,
``rotate``, ``scale``, ``matrix``) are followed down the tree, so rotated axis titles and
nested chart panels are placed where they are drawn.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f (SVG order)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_NUM = r"-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?"
#: Drawing slack in pixels (anti-aliasing, half-pixel offsets, stroke widths).
SLACK = 1.5


def _mul(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
            a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def _transform(text: str | None) -> Matrix:
    m = IDENTITY
    for name, args in re.findall(r"(\w+)\(([^)]*)\)", text or ""):
        v = [float(x) for x in re.findall(_NUM, args)]
        if name == "translate":
            step: Matrix = (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale":
            step = (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0)
        elif name == "rotate":
            r = math.radians(v[0])
            step = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0, 0)
            if len(v) == 3:
                step = _mul(_mul((1, 0, 0, 1, v[1], v[2]), step), (1, 0, 0, 1, -v[1], -v[2]))
        elif name == "matrix":
            step = (v[0], v[1], v[2], v[3], v[4], v[5])
        else:
            raise ValueError(f"transform {name} not handled")
        m = _mul(m, step)
    return m


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in the SVG's user space, with what it holds."""

    what: str
    x0: float
    y0: float
    x1: float
    y1: float

    def inside(self, other: Box, slack: float = SLACK) -> bool:
        """Whether this box lies within ``other`` (up to ``slack`` pixels)."""
        return (self.x0 >= other.x0 - slack and self.y0 >= other.y0 - slack
                and self.x1 <= other.x1 + slack and self.y1 <= other.y1 + slack)


def _box(what: str, m: Matrix, x0: float, y0: float, x1: float, y1: float) -> Box:
    pts = [_apply(m, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return Box(what, min(xs), min(ys), max(xs), max(ys))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _size(el: ET.Element, inherited: float) -> float:
    raw = el.get("font-size")
    return float(raw.rstrip("px")) if raw else inherited


def _text_box(el: ET.Element, m: Matrix, size: float) -> Box | None:
    spans = [s for s in el if _local(s.tag) == "tspan"]
    lines = [("".join(s.itertext())) for s in spans] if spans else ["".join(el.itertext())]
    lines = [t for t in lines if t.strip()]
    if not lines:
        return None
    em = 0.65 if el.get("font-weight") in ("bold", "700", "600") else 0.6
    width = max(len(t) for t in lines) * size * em
    x = float(el.get("x", 0))
    y = float(el.get("y", 0))
    anchor = el.get("text-anchor", "start")
    left = x - (width if anchor == "end" else width / 2 if anchor == "middle" else 0.0)
    top = y - 0.8 * size
    bottom = y + 0.25 * size + (len(lines) - 1) * 1.2 * size
    return _box(" / ".join(lines), m, left, top, left + width, bottom)


def _rect_of_path(d: str) -> tuple[float, float, float, float] | None:
    """The bounds of a path made of M/h/v/l/L moves (Vega's rects and bars)."""
    tokens = re.findall(rf"[MmHhVvLlZz]|{_NUM}", d)
    x = y = 0.0
    xs: list[float] = []
    ys: list[float] = []
    cmd = ""
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.isalpha():
            cmd = t
            i += 1
            if cmd in "Zz":
                continue
            continue
        if cmd in "ML":
            x, y = float(tokens[i]), float(tokens[i + 1])
            i += 2
        elif cmd in "ml":
            x, y = x + float(tokens[i]), y + float(tokens[i + 1])
            i += 2
        elif cmd == "h":
            x += float(t)
            i += 1
        elif cmd == "H":
            x = float(t)
            i += 1
        elif cmd == "v":
            y += float(t)
            i += 1
        elif cmd == "V":
            y = float(t)
            i += 1
        else:
            return None
        xs.append(x)
        ys.append(y)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


@dataclass
class Layout:
    """What a rendered chart holds: its frame, its texts, its plots and their bars."""

    frame: Box
    texts: list[Box]
    plots: list[tuple[Box, list[Box]]]

    def texts_outside(self) -> list[Box]:
        """Texts that reach beyond the picture."""
        return [t for t in self.texts if not t.inside(self.frame)]

    def bars_outside(self) -> list[tuple[Box, Box]]:
        """(bar, plot) pairs of bars that reach beyond their plot area."""
        return [(bar, plot) for plot, bars in self.plots for bar in bars
                if not bar.inside(plot)]


def layout(svg: str) -> Layout:
    """Parse a Vega SVG into its frame, text boxes and plot areas with their bars."""
    root = ET.fromstring(svg)
    vb = [float(v) for v in (root.get("viewBox") or "").split()] or [
        0.0, 0.0, float(root.get("width", 0)), float(root.get("height", 0))]
    frame = Box("frame", vb[0], vb[1], vb[0] + vb[2], vb[1] + vb[3])
    texts: list[Box] = []
    plots: list[tuple[Box, list[Box]]] = []

    def walk(el: ET.Element, m: Matrix, size: float, plot: list[Box] | None) -> None:
        m = _mul(m, _transform(el.get("transform")))
        size = _size(el, size)
        tag = _local(el.tag)
        cls = el.get("class", "")
        if tag == "text":
            box = _text_box(el, m, size)
            if box is not None:
                texts.append(box)
            return
        if tag == "g" and ("role-scope" in cls or "role-frame" in cls or "cell" in cls):
            # a plot: its background path is the plot area; its rect marks are bars
            for child in el:
                inner = _mul(m, _transform(child.get("transform")))
                bg = next((p for p in child if _local(p.tag) == "path"
                           and "background" in p.get("class", "")), None)
                if bg is not None:
                    r = _rect_of_path(bg.get("d", ""))
                    if r is not None and r[2] - r[0] > 0 and r[3] - r[1] > 0:
                        bars: list[Box] = []
                        plots.append((_box(cls, inner, *r), bars))
                        for sub in child:
                            walk(sub, inner, size, bars)
                        continue
                walk(child, m, size, plot)
            return
        if tag == "g" and "mark-rect" in cls and plot is not None:
            for p in el.iter():
                if _local(p.tag) == "path" and p.get("d"):
                    r = _rect_of_path(p.get("d", ""))
                    if r is not None:
                        pm = _mul(m, _transform(p.get("transform")))
                        plot.append(_box(f"bar in {cls}", pm, *r))
            return
        if "role-axis" in cls or "role-legend" in cls or "role-title" in cls:
            plot = None  # axis and legend symbols are not bars
        for child in el:
            walk(child, m, size, plot)

    walk(root, IDENTITY, 10.0, None)
    return Layout(frame, texts, plots)
