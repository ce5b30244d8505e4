"""Figures for reports, drawn as SVG on the server from the same counts as the pages.

A heatmap (rows × value-chain stages, cells coloured like the viewer's: confirmed gap, unknown, not
applicable, single, five shades) or a bar chart, with a title, the region, and the credit lines (build,
date, licence, source) inside the figure, so a copy pasted into a report still says where it came from.
Every text is XML-escaped; the browser turns the same SVG into a PNG (``static/viewer/figure.js``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ecograph.web.templating import heat

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
FILL = {"gap": "url(#gap)", "single": "#ffe9a8", "unknown": "url(#unknown)", "na": "#f1f2f4",
        "h1": "#dbe9f7", "h2": "#b3d1ee", "h3": "#7fb0de", "h4": "#3f7fbf", "h5": "#184f8a"}
INK = {"gap": "#8a1c1c", "single": "#5a3d00", "unknown": "#3d4654", "na": "#8a94a6", "h4": "#ffffff", "h5": "#ffffff"}
DEFS = """<defs>
<pattern id="gap" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="8" height="8" fill="#ffffff"/><rect width="4" height="8" fill="#fdecec"/></pattern>
<pattern id="unknown" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="8" height="8" fill="#ffffff"/><rect width="4" height="8" fill="#eef0f3"/></pattern>
</defs>"""
CELL_W, CELL_H, PAD = 112, 26, 16
MAX_LABEL = 60


@dataclass(frozen=True)
class HeatCell:
    count: int
    status: str = ""  # gaps.cell_status, or "" (shade by count only)
    unknown: int = 0
    ring: int | None = None


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: Sequence[HeatCell]
    level: int = 0


@dataclass(frozen=True)
class Frame:
    """What surrounds a figure: title, region line, credit lines at the foot, an optional legend line."""

    title: str
    region: str
    credit: Sequence[str]
    legend: str = ""


def _text(x: float, y: float, text: str, size: int = 12, weight: str = "normal", anchor: str = "start",
          fill: str = "#1b2430") -> str:
    return (f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" '
            f'fill="{fill}">{escape(text)}</text>')


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def _label_width(labels: Sequence[str], indent: int = 0) -> int:
    return max(140, min(420, int(max((len(_short(x)) for x in labels), default=10) * 7.0) + 24 + indent))


def _document(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT)} role="img">\n'
            f'<title>{escape(title)}</title>\n{DEFS}\n<rect width="100%" height="100%" fill="#ffffff"/>\n'
            + "\n".join(body) + "\n</svg>\n")


def _head(frame: Frame) -> list[str]:
    return [_text(PAD, 26, frame.title, 17, "bold"), _text(PAD, 46, frame.region, 13, fill="#4d5866")]


def _foot(frame: Frame, y: float) -> tuple[list[str], float]:
    out = []
    if frame.legend:
        out.append(_text(PAD, y, frame.legend, 11, fill="#4d5866"))
        y += 16
    for line in frame.credit:
        out.append(_text(PAD, y, line, 10, fill="#4d5866"))
        y += 14
    return out, y


def heatmap_svg(frame: Frame, stages: Sequence[str], rows: Sequence[HeatRow]) -> str:
    """Rows × stages; a cell shows its count (``? n`` when unknown, ``n/a`` when not applicable)."""
    label_w = _label_width([r.label for r in rows], 14)
    maximum = max((c.count for r in rows for c in r.cells), default=0)
    width = max(PAD * 2 + label_w + CELL_W * len(stages), 640)
    body = _head(frame)
    top = 72
    for i, stage in enumerate(stages):
        body.append(_text(PAD + label_w + CELL_W * i + CELL_W / 2, top - 8, stage, 12, "bold", "middle", "#4d5866"))
    y = top
    for row in rows:
        indent = 14 if row.level else 0
        body.append(_text(PAD + indent, y + CELL_H / 2 + 4, _short(row.label), 12,
                          "normal" if row.level else "bold"))
        for i, cell in enumerate(row.cells):
            kind = ("unknown" if cell.status == "unknown" else "na" if cell.status == "not-applicable"
                    else heat(cell.count, maximum))
            x = PAD + label_w + CELL_W * i
            stroke = {"gap": ' stroke="#d46a6a" stroke-width="2"', "unknown": ' stroke="#8a94a6" stroke-width="2"'}
            body.append(f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" rx="3" '
                        f'fill="{FILL[kind]}"{stroke.get(kind, "")}/>')
            text = ("n/a" if kind == "na" else f"? {cell.unknown}" if kind == "unknown"
                    else f"{cell.count} !" if kind == "single" else str(cell.count))
            body.append(_text(x + CELL_W / 2, y + CELL_H / 2 + 4, text, 12, "bold", "middle", INK.get(kind, "#1b2430")))
            if cell.ring is not None:
                body.append(_text(x + CELL_W - 6, y + CELL_H - 5, f"({cell.ring})", 9, anchor="end",
                                  fill=INK.get(kind, "#4d5866")))
        y += CELL_H
    foot, height = _foot(frame, y + 22)
    return _document(width, int(height + 4), frame.title, body + foot)


def bar_svg(frame: Frame, labels: Sequence[str], values: Sequence[int], value_name: str) -> str:
    """Horizontal bars, longest first as given."""
    label_w = _label_width(labels)
    bar_w, bar_h = 420, 20
    width = PAD * 2 + label_w + bar_w + 60
    maximum = max(values, default=0) or 1
    body = _head(frame)
    body.append(_text(PAD + label_w, 66, value_name, 11, "bold", fill="#4d5866"))
    y = 74
    for label, value in zip(labels, values, strict=True):
        length = max(1.0, bar_w * value / maximum)
        body.append(_text(PAD + label_w - 8, y + bar_h / 2 + 4, _short(label), 12, anchor="end"))
        body.append(f'<rect x="{PAD + label_w}" y="{y + 2}" width="{length:.1f}" height="{bar_h - 4}" fill="#3f7fbf"/>')
        body.append(_text(PAD + label_w + length + 6, y + bar_h / 2 + 4, str(value), 11))
        y += bar_h
    foot, height = _foot(frame, y + 22)
    return _document(width, int(height + 4), frame.title, body + foot)
