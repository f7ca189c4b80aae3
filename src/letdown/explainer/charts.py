"""The "Inside your let-down" page's charts, drawn with the drawing module the Insights page
uses (`letdown.core.charts`): one time series against its baseline, with the let-downs shaded.
The title, legend and caption are HTML in the template."""

from __future__ import annotations

from collections.abc import Sequence

from letdown.core import charts as draw
from letdown.core.charts import WIDTH, Frame

HEIGHT = 134.0


def series_chart(
    *,
    name: str,
    t_s: Sequence[float],
    values: Sequence[float],
    baseline_t_s: Sequence[float],
    baseline: Sequence[float],
    ejections: Sequence[dict[str, float]],
) -> str:
    """A line for this session, a dashed line for the baseline, bands for each let-down.

    The page's HTML carries the ids `chart-<name>-title` and `chart-<name>-caption`."""
    t_max = max([*t_s, *baseline_t_s, 1.0])
    t_min = min([*t_s, *baseline_t_s, 0.0])
    v_max = max([*values, *baseline, 1e-9])
    ticks = draw.value_ticks(v_max, 2)
    frame = Frame(40, 10, WIDTH - 52, HEIGHT - 30, t_min, t_max, 0.0, ticks[-1][0])
    body = [
        f'<rect class="inside-letdown" x="{draw.n(frame.x(e["start_s"]))}" '
        f'y="{draw.n(frame.top)}" '
        f'width="{draw.n(max(1.0, frame.x(e["end_s"]) - frame.x(e["start_s"])))}" '
        f'height="{draw.n(frame.height)}"/>'
        for e in ejections
    ]
    body += draw.y_grid(frame, ticks)
    step = 300.0 if t_max - t_min > 1200.0 else 120.0
    minute_ticks = [(t, f"{int(t // 60)}′") for t in _steps(step, t_max)]
    body += draw.x_axis(frame, minute_ticks)
    if baseline:
        body.append(
            draw.line(
                [(frame.x(t), frame.y(v)) for t, v in zip(baseline_t_s, baseline, strict=True)],
                css="inside-baseline",
                width=1.5,
                extra=' stroke-opacity="0.55" stroke-dasharray="4 3"',
            )
        )
    body.append(
        draw.line(
            [(frame.x(t), frame.y(v)) for t, v in zip(t_s, values, strict=True)],
            css="inside-line",
        )
    )
    return draw.svg(
        name=f"inside-{name}",
        height=HEIGHT,
        body=body,
        labelledby=f"chart-{name}-title chart-{name}-caption",
    )


def _steps(step: float, end: float) -> list[float]:
    return [index * step for index in range(int(end // step) + 1)]
