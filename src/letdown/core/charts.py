"""The drawing module the Insights and "Inside your let-down" pages share: small inline SVG
charts of geometry and tick numbers only.

A chart's title, legend and caption are HTML around it (so the browser lays the words out and
they translate like the rest of the page); the SVG holds lines, bars, dots and short tick
labels at fixed places. It draws with currentColor and opacity only and tags parts with `ld-`
classes (a series and its HTML legend key share `ld-series-<name>`), so the page's CSS, dark
mode included, colours it. No JavaScript, nothing fetched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 360
# 12 units is about 11.6 CSS px on a 390 px phone, where a chart is drawn 348 px wide.
FONT_SIZE = 12


def n(value: float) -> str:
    """A coordinate with at most one decimal, and no '.0'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class Frame:
    """The plot area inside the chart, and scales from data to chart units."""

    left: float
    top: float
    width: float
    height: float
    x_min: float
    x_max: float
    y_min: float
    y_max: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width

    def x(self, value: float) -> float:
        span = self.x_max - self.x_min or 1.0
        clamped = min(max(value, self.x_min), self.x_max)
        return self.left + (clamped - self.x_min) / span * self.width

    def y(self, value: float) -> float:
        span = self.y_max - self.y_min or 1.0
        clamped = min(max(value, self.y_min), self.y_max)
        return self.bottom - (clamped - self.y_min) / span * self.height


def svg(
    *, name: str, height: float, body: Sequence[str], labelledby: str, width: float = WIDTH
) -> str:
    """The chart element; `labelledby` names the ids of the HTML title and caption."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ld-chart ld-chart-{escape(name)}" '
        f'viewBox="0 0 {n(width)} {n(height)}" role="img" aria-labelledby="{escape(labelledby)}" '
        f'fill="currentColor" font-size="{FONT_SIZE}" font-family="inherit">'
        + "".join(body)
        + "</svg>"
    )


def text(x: float, y: float, label: str, *, anchor: str = "middle") -> str:
    """A short tick label (a number, an hour): the caller leaves room for it."""
    return (
        f'<text class="ld-label" x="{n(x)}" y="{n(y)}" text-anchor="{anchor}">'
        f"{escape(label)}</text>"
    )


def x_axis(frame: Frame, ticks: Sequence[tuple[float, str]]) -> list[str]:
    parts = [
        f'<path class="ld-axis" d="M{n(frame.left)} {n(frame.bottom)}H{n(frame.right)}" '
        'stroke="currentColor" stroke-opacity="0.6" fill="none"/>'
    ]
    parts += [text(frame.x(value), frame.bottom + 17, label) for value, label in ticks]
    return parts


def y_grid(frame: Frame, ticks: Sequence[tuple[float, str]]) -> list[str]:
    """Grid lines across the plot, each labelled on the left."""
    parts = []
    for value, label in ticks:
        y = frame.y(value)
        parts.append(
            f'<path class="ld-grid" d="M{n(frame.left)} {n(y)}H{n(frame.right)}" '
            'stroke="currentColor" stroke-opacity="0.15" fill="none"/>'
        )
        parts.append(text(frame.left - 4, y + 4, label, anchor="end"))
    return parts


def minute_ticks(max_s: float) -> list[tuple[float, str]]:
    """Round minute ticks (in seconds) from 0 to the first at or past `max_s`."""
    minutes = max_s / 60.0
    step = next(s for s in (0.5, 1, 2, 5, 10, 30, 60, 120) if minutes / s <= 6)
    count = max(1, math.ceil(minutes / step - 1e-9))
    return [(i * step * 60.0, f"{i * step:g}") for i in range(count + 1)]


def value_ticks(maximum: float, count: int = 4) -> list[tuple[float, str]]:
    """About `count` round ticks from 0 to at or above `maximum`; the last is the axis top."""
    if maximum <= 0:
        maximum = 1.0
    raw_step = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    n_ticks = math.ceil(maximum / step - 1e-9)
    return [(i * step, f"{i * step:g}") for i in range(n_ticks + 1)]


def bar(css: str, x: float, top: float, width: float, bottom: float, opacity: str) -> str:
    return (
        f'<rect class="ld-bar {escape(css)}" x="{n(x)}" y="{n(top)}" width="{n(width)}" '
        f'height="{n(max(bottom - top, 0.0))}" fill-opacity="{opacity}"/>'
    )


def line(
    points: Sequence[tuple[float, float]], *, css: str, width: float = 2.0, extra: str = ""
) -> str:
    """A polyline through (x, y) chart points; `extra` adds attributes (a dash pattern)."""
    d = "M" + "L".join(f"{n(x)} {n(y)}" for x, y in points)
    return (
        f'<path class="{escape(css)}" d="{d}" fill="none" stroke="currentColor" '
        f'stroke-width="{n(width)}"{extra}/>'
    )
