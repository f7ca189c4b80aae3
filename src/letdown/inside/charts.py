"""Small inline SVG charts for the "Inside your let-down" page: one time series against its
baseline, with the let-downs shaded. No JavaScript, no third party; colours come from CSS."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 360.0, 150.0
LEFT, RIGHT, TOP, BOTTOM = 34.0, 8.0, 22.0, 24.0


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _path(xs: Sequence[float], ys: Sequence[float]) -> str:
    return "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in zip(xs, ys, strict=True))


def series_chart(
    *,
    title: str,
    unit: str,
    t_s: Sequence[float],
    values: Sequence[float],
    baseline_t_s: Sequence[float],
    baseline: Sequence[float],
    ejections: Sequence[dict[str, float]],
    description: str,
) -> str:
    """A line for this session, a dashed line for the baseline, bands for each let-down."""
    t_max = max([*t_s, *baseline_t_s, 1.0])
    t_min = min([*t_s, *baseline_t_s, 0.0])
    v_max = max([*values, *baseline, 1e-9]) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: float) -> float:
        return LEFT + (t - t_min) / (t_max - t_min) * plot_w

    def y(v: float) -> float:
        return TOP + plot_h - v / v_max * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ld-chart inside-chart" '
        f'viewBox="0 0 {_n(WIDTH)} {_n(HEIGHT)}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
    ]
    for e in ejections:
        parts.append(
            f'<rect class="inside-letdown" x="{_n(x(e["start_s"]))}" y="{_n(TOP)}" '
            f'width="{_n(max(1.0, x(e["end_s"]) - x(e["start_s"])))}" height="{_n(plot_h)}"/>'
        )
    parts.append(
        f'<path class="ld-axis" d="M{_n(LEFT)} {_n(TOP + plot_h)}H{_n(WIDTH - RIGHT)}" '
        'stroke="currentColor" stroke-opacity="0.4"/>'
    )
    minute = 60.0
    step = 5 * minute if t_max - t_min > 20 * minute else 2 * minute
    tick = 0.0
    while tick <= t_max:
        parts.append(
            f'<text class="ld-label" x="{_n(x(tick))}" y="{_n(HEIGHT - 6)}" '
            f'text-anchor="middle">{int(tick // minute)}′</text>'
        )
        tick += step
    parts.append(
        f'<text class="ld-caption" x="{_n(LEFT)}" y="12">{escape(title)} ({escape(unit)})</text>'
    )
    parts.append(
        f'<text class="ld-label" x="{_n(LEFT - 4)}" y="{_n(TOP + 4)}" '
        f'text-anchor="end">{_n(v_max / 1.1)}</text>'
    )
    if baseline:
        dashed = _path([x(t) for t in baseline_t_s], [y(v) for v in baseline])
        parts.append(
            f'<path class="inside-baseline" d="{dashed}" fill="none" stroke="currentColor" '
            'stroke-opacity="0.45" stroke-dasharray="4 3"/>'
        )
    parts.append(
        f'<path class="inside-line" d="{_path([x(t) for t in t_s], [y(v) for v in values])}" '
        'fill="none" stroke="currentColor" stroke-width="2"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
