"""A small picture of a thing's neighbourhood, drawn on the server as SVG.

The thing sits in the middle; its neighbours on an ellipse around it, each a link to its page. Edges
carry the relation's name, with an arrow in the middle pointing from subject to object. Only
presentation attributes are used (no ``style``), and the font is the reader's own sans-serif.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kg.serve.html import esc

COLOURS = {"organisation": "#1f6f8b", "legal": "#8b3a1f", "programme": "#3a7d2c", "kamerstuk": "#6b4c9a",
           "report": "#4a4a4a", "other": "#6f6f6f"}


@dataclass(frozen=True)
class Node:
    label: str
    href: str
    category: str = "other"
    title: str = ""


@dataclass(frozen=True)
class Edge:
    node: Node
    label: str
    outgoing: bool  # True: centre -> node
    dashed: bool = False


def _short(text: str, n: int = 26) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _box(x: float, y: float, node: Node, *, centre: bool = False) -> str:
    label = _short(node.label, 34 if centre else 26)
    w = max(60, 7.2 * len(label) + 18)
    h = 30 if centre else 24
    colour = COLOURS.get(node.category, COLOURS["other"])
    fill = colour if centre else "#ffffff"
    text_fill = "#ffffff" if centre else colour
    weight = ' font-weight="700"' if centre else ""
    body = (f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" height="{h}" rx="6" fill="{fill}" '
            f'stroke="{colour}" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" font-size="{13 if centre else 12}"'
            f'{weight} fill="{text_fill}">{esc(label)}</text>')
    tip = f"<title>{esc(node.title or node.label)}</title>"
    if node.href:
        return f'<a href="{esc(node.href)}">{tip}{body}</a>'
    return f"<g>{tip}{body}</g>"


def neighbourhood(centre: Node, edges: list[Edge], *, width: int = 760, height: int = 420) -> str:
    """The SVG element (to be placed inline in a page)."""
    cx, cy = width / 2, height / 2
    n = len(edges)
    rx, ry = width / 2 - 110, height / 2 - 32
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-labelledby="nb-title" font-family="sans-serif">',
             f'<title id="nb-title">Omgeving van {esc(centre.label)}</title>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a8a8a"/></marker></defs>']
    positions = []
    for i in range(n):
        a = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        positions.append((cx + rx * math.cos(a), cy + ry * math.sin(a)))
    lines, boxes = [], []
    for (x, y), e in zip(positions, edges):
        (x1, y1), (x2, y2) = ((cx, cy), (x, y)) if e.outgoing else ((x, y), (cx, cy))
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dash = ' stroke-dasharray="4 3"' if e.dashed else ""
        lines.append(f'<polyline points="{x1:.1f},{y1:.1f} {mx:.1f},{my:.1f} {x2:.1f},{y2:.1f}" fill="none" '
                     f'stroke="#a8a8a8" stroke-width="1.2"{dash} marker-mid="url(#arrow)"/>')
        lx, ly = (cx + x) / 2, (cy + y) / 2
        text = _short(e.label, 30)
        tw = 6.2 * len(text) + 8
        lines.append(f'<rect x="{lx - tw / 2:.1f}" y="{ly - 19:.1f}" width="{tw:.1f}" height="14" rx="3" '
                     f'fill="#ffffff" fill-opacity="0.85"/>'
                     f'<text x="{lx:.1f}" y="{ly - 8:.1f}" text-anchor="middle" font-size="10.5" '
                     f'fill="#555555">{esc(text)}</text>')
        boxes.append(_box(x, y, e.node))
    parts += lines + boxes
    parts.append(_box(cx, cy, centre, centre=True))
    if not edges:
        parts.append(f'<text x="{cx:.1f}" y="{cy + 44:.1f}" text-anchor="middle" font-size="12" fill="#777777">'
                     "geen verbonden entiteiten</text>")
    parts.append("</svg>")
    return "".join(parts)
