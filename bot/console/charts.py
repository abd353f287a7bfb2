"""Charts for the dashboard as SVG strings, drawn on the server.

No script and no style attribute (the console's CSP allows neither): only SVG
presentation attributes and classes from console.css. Each chart is an image
with a title and a short description for screen readers; the page puts the
numbers in a table next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import List, Sequence, Tuple

SVG_NS = "http://www.w3.org/2000/svg"

ACCENT = "#1d4f91"
URGENT = "#8a5a00"
CRISIS = "#a4161a"
INK = "#1b1f24"
MUTED = "#4a5360"
GRID = "#c9d0d8"

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 28, 30, 44
MAX_X_LABELS = 8
FONT = 'font-family="system-ui, sans-serif"'
EMPTY = "Nothing in this period."


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    color: str = ACCENT


def nice_scale(maximum: float, ticks: int = 4) -> Tuple[float, float]:
    """(top, step) of an axis for counts: steps of 1, 2 or 5 times a power of ten, never below 1."""
    if maximum <= 0:
        return 1.0, 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if raw <= m * power)
    step = max(step, 1.0)
    return math.ceil(maximum / step - 1e-9) * step, step


def label_every(count: int, most: int = MAX_X_LABELS) -> int:
    """Show every n-th label along the x axis, so at most `most` are written."""
    return max(1, math.ceil(count / most))


def number(value: float) -> str:
    """A coordinate or count, short: 12, 12.5."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _open(chart_id: str, title: str, desc: str, height: float, width: float = WIDTH) -> List[str]:
    cid = _attr(chart_id)
    return [
        f'<svg xmlns="{SVG_NS}" class="chart" viewBox="0 0 {number(width)} {number(height)}" role="img" '
        f'aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" {FONT} font-size="12">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _empty(chart_id: str, title: str, height: float = 120, width: float = WIDTH) -> str:
    parts = _open(chart_id, title, EMPTY, height, width)
    parts.append(
        f'<text class="empty" x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle" '
        f'fill="{MUTED}" font-size="14">{EMPTY}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _summary(labels: Sequence[str], totals: Sequence[float]) -> str:
    high = max(range(len(totals)), key=lambda i: totals[i])
    return f"{number(sum(totals))} in all; the most, {number(totals[high])}, on {labels[high]}."


def stacked_bars(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    y_label: str = "",
) -> str:
    """Vertical bars, one per label (a day), each stacked from its series' values bottom up."""
    if not labels or not series or any(len(s.values) != len(labels) for s in series):
        if labels and series:
            raise ValueError("every series needs one value per label")
        return _empty(chart_id, title)
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    if max(totals) <= 0:
        return _empty(chart_id, title)

    top, step = nice_scale(max(totals))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(labels)
    bar_w = max(slot * 0.7, 0.5)
    base = TOP + plot_h
    parts = _open(chart_id, title, _summary(labels, totals), HEIGHT)

    # Grid and y axis.
    parts.append('<g class="axis">')
    tick = 0.0
    while tick <= top + 1e-9:
        y = base - tick / top * plot_h
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{number(y)}" y2="{number(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(f'<text x="{LEFT - 6}" y="{number(y + 4)}" text-anchor="end" fill="{MUTED}">{number(tick)}</text>')
        tick += step
    if y_label:
        middle = TOP + plot_h / 2
        parts.append(
            f'<text x="12" y="{number(middle)}" text-anchor="middle" fill="{MUTED}" '
            f'transform="rotate(-90 12 {number(middle)})">{escape(y_label)}</text>'
        )
    every = label_every(len(labels))
    for i, label in enumerate(labels):
        # Count the labels back from the last one, so today is always named.
        if (len(labels) - 1 - i) % every == 0:
            x = LEFT + slot * (i + 0.5)
            parts.append(
                f'<text x="{number(x)}" y="{base + 16}" text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    parts.append("</g>")

    # Bars.
    parts.append('<g class="bars">')
    for i, label in enumerate(labels):
        x = LEFT + slot * i + (slot - bar_w) / 2
        y = base
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            h = value / top * plot_h
            y -= h
            name = f"{s.name}: " if len(series) > 1 else ""
            parts.append(
                f'<rect class="bar" x="{number(x)}" y="{number(y)}" width="{number(bar_w)}" '
                f'height="{number(h)}" fill="{_attr(s.color)}" data-value="{number(value)}">'
                f"<title>{escape(label)}: {escape(name)}{number(value)}</title></rect>"
            )
    parts.append("</g>")

    if len(series) > 1:
        parts.append('<g class="legend">')
        x = float(LEFT)
        for s in series:
            parts.append(f'<rect x="{number(x)}" y="8" width="12" height="12" fill="{_attr(s.color)}"/>')
            parts.append(f'<text x="{number(x + 16)}" y="18" fill="{INK}">{escape(s.name)}</text>')
            x += 24 + 7 * len(s.name)
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(
    chart_id: str, title: str, labels: Sequence[str], values: Sequence[float], y_label: str = "", color: str = ACCENT
) -> str:
    """Vertical bars, one per label."""
    return stacked_bars(chart_id, title, labels, [Series(y_label or title, values, color)], y_label)


# Narrower, so its words stay readable in half the page.
HWIDTH = 440
ROW = 26
LABEL_CHARS = 24


def horizontal_bars(
    chart_id: str, title: str, labels: Sequence[str], values: Sequence[float], color: str = ACCENT
) -> str:
    """One bar per label, longest first as given; for topics and screen levels."""
    if len(labels) != len(values):
        raise ValueError("one value per label")
    if not labels or max(values) <= 0:
        return _empty(chart_id, title, width=HWIDTH)
    shown = [label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…" for label in labels]
    left = 12 + 7 * max(len(label) for label in shown)
    right = 48
    height = TOP + ROW * len(labels) + 8
    top, _ = nice_scale(max(values))
    plot_w = HWIDTH - left - right
    desc = "; ".join(f"{label}: {number(v)}" for label, v in zip(labels, values)) + "."
    parts = _open(chart_id, title, desc, height, HWIDTH)
    parts.append('<g class="bars">')
    for i, (label, short, value) in enumerate(zip(labels, shown, values)):
        y = TOP + ROW * i
        w = value / top * plot_w if value > 0 else 0
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" fill="{INK}">{escape(short)}</text>')
        if w:
            parts.append(
                f'<rect class="bar" x="{left}" y="{y + 4}" width="{number(w)}" height="{ROW - 8}" '
                f'fill="{_attr(color)}" data-value="{number(value)}">'
                f"<title>{escape(label)}: {number(value)}</title></rect>"
            )
        parts.append(f'<text x="{number(left + w + 6)}" y="{y + 17}" fill="{INK}">{number(value)}</text>')
    parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
