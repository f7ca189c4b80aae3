"""The Insights page's charts, drawn from the core's results with the shared drawing module
(`letdown.core.charts`). Each is geometry and tick numbers only; its title, legend and caption
are written in the page's template, in HTML, through gettext.

A chart is None when there is nothing to draw: the template says so in words instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from letdown.core import charts as draw
from letdown.core import l10n
from letdown.core.charts import WIDTH, Frame
from letdown.core.units import ML_PER_OZ

from .stats.results import (
    AnxietySection,
    FirstLetdownCurve,
    FirstLetdownSection,
    Insights,
    LeaksSection,
    LetdownsSection,
    OverTimeSection,
    RhythmSection,
    WeekBin,
    WhatHelpsSection,
)

# Volumes are stored in mL; a household that chose ounces reads her chart in ounces.
# Two series are told apart by dash pattern and marker shape, never by colour alone.
DASHES = ("", ' stroke-dasharray="5 3"')
# Bars of two or three series are told apart by opacity as well as by the colours the page's
# CSS may give them: the second is light enough to tell from the first, dark enough to read.
BAR_OPACITIES = ("0.85", "0.5", "0.65")
# One step per percentage point at most: enough for the eye, and two years of sessions stay a
# few kilobytes.
_CURVE_SHARE_STEP = 0.01
_MAX_CURVE_MINUTES = 15
# Room above the plot for the top tick label, and to its left for the tick numbers.
_TOP = 12
_LEFT = 44
# The forest plot's rows: rates from ¼× to 4× on a log scale, one small chart per row.
FOREST_WIDTH = 200
_FOREST_TICKS = ((0.25, "¼×"), (0.5, "½×"), (1.0, "1×"), (2.0, "2×"), (4.0, "4×"))


@dataclass(frozen=True)
class Chart:
    svg: str
    series: tuple[str, ...] = ()  # the ld-series-<name> names drawn, in legend order
    marker: bool = False  # the first chart's dotted pump switch line is drawn


@dataclass(frozen=True)
class ForestRow:
    slug: str
    clear: bool
    svg: str


@dataclass(frozen=True)
class Forest:
    """What helps: a row per estimated factor (its name in HTML beside it) and an axis."""

    rows: tuple[ForestRow, ...]
    axis: str


def _labelledby(name: str) -> str:
    return f"chart-{name}-title chart-{name}-caption"


# --- 1 and 8. Time to first let-down ---------------------------------------------------------


def first_letdown_chart(
    section: FirstLetdownSection, *, pump_switch_time_s: float | None = None
) -> Chart | None:
    curves = [curve for curve in section.curves if len(curve.points) > 1]
    if not curves:
        return None
    # The axis ends where the curves level off, not at the one very long session.
    end_s = max(
        next(
            p.time_s
            for p in curve.points
            if p.letdown_share >= curve.points[-1].letdown_share - 0.01
        )
        for curve in curves
    )
    x_ticks = draw.minute_ticks(min(max(end_s, 60.0), _MAX_CURVE_MINUTES * 60.0))
    frame = Frame(_LEFT, _TOP, WIDTH - 58, 150, 0.0, x_ticks[-1][0], 0.0, 1.0)
    body = draw.y_grid(frame, [(v, f"{round(v * 100)} %") for v in (0, 0.25, 0.5, 0.75, 1.0)])
    body += draw.x_axis(frame, x_ticks)
    for index, curve in enumerate(curves):
        body.append(f'<g class="ld-series ld-series-{curve.kind}">')
        body.append(_curve_band(frame, curve))
        body.append(
            f'<path class="ld-line" d="{_step_path(frame, curve)}" fill="none" '
            f'stroke="currentColor" stroke-width="2"{DASHES[index % 2]}/></g>'
        )
    marker = pump_switch_time_s is not None and pump_switch_time_s <= frame.x_max
    if pump_switch_time_s is not None and marker:
        x = draw.n(frame.x(pump_switch_time_s))
        body.append(
            f'<path class="ld-marker" d="M{x} {draw.n(frame.top)}V{draw.n(frame.bottom)}" '
            'stroke="currentColor" stroke-dasharray="1 3" fill="none"/>'
        )
    return Chart(
        svg=draw.svg(
            name="first-letdown",
            height=frame.bottom + 22,
            body=body,
            labelledby=_labelledby("first-letdown"),
        ),
        series=tuple(curve.kind for curve in curves),
        marker=marker,
    )


def _chart_steps(curve: FirstLetdownCurve, x_max: float) -> list[tuple[float, float, float, float]]:
    """(time, share, lower, upper) steps thinned to one per percentage point, within x_max."""
    steps: list[tuple[float, float, float, float]] = []
    for point in curve.points:
        if point.time_s > x_max:
            break
        lower = point.lower if point.lower is not None else point.letdown_share
        upper = point.upper if point.upper is not None else point.letdown_share
        if steps and point.letdown_share - steps[-1][1] < _CURVE_SHARE_STEP:
            continue
        steps.append((point.time_s, point.letdown_share, lower, upper))
    return steps


def _step_path(frame: Frame, curve: FirstLetdownCurve) -> str:
    n = draw.n
    steps = _chart_steps(curve, frame.x_max)
    path = f"M{n(frame.x(0))} {n(frame.y(0))}"
    for time_s, share, _, _ in steps[1:]:
        path += f"H{n(frame.x(time_s))}V{n(frame.y(share))}"
    end_s = min(frame.x_max, max(curve.points[-1].time_s, steps[-1][0]))
    return path + f"H{n(frame.x(end_s))}"


def _curve_band(frame: Frame, curve: FirstLetdownCurve) -> str:
    n = draw.n
    steps = _chart_steps(curve, frame.x_max)
    end_x = n(frame.x(min(frame.x_max, curve.points[-1].time_s)))
    path = f"M{n(frame.x(0))} {n(frame.y(0))}"
    for time_s, _, _, high in steps[1:]:
        path += f"H{n(frame.x(time_s))}V{n(frame.y(high))}"
    path += f"H{end_x}V{n(frame.y(steps[-1][2]))}"
    for index in range(len(steps) - 1, 0, -1):
        path += f"H{n(frame.x(steps[index][0]))}V{n(frame.y(steps[index - 1][2]))}"
    return f'<path class="ld-band" d="{path}Z" fill-opacity="0.15"/>'


# --- 2. What seems to help: a forest plot ----------------------------------------------------


def what_helps_chart(section: WhatHelpsSection) -> Forest | None:
    rows = []
    for factor in section.factors:
        if factor.status != "estimated" or factor.hazard_ratio is None:
            continue
        frame = Frame(8, 0, FOREST_WIDTH - 16, 20, -2.0, 2.0, 0, 1)
        low = math.log2(factor.hazard_ratio_lower or factor.hazard_ratio)
        high = math.log2(factor.hazard_ratio_upper or factor.hazard_ratio)
        body = _forest_grid(frame)
        body.append(draw.line([(frame.x(low), 10), (frame.x(high), 10)], css="ld-interval"))
        filled = "" if factor.clear else ' fill="none" stroke="currentColor"'
        body.append(
            f'<circle cx="{draw.n(frame.x(math.log2(factor.hazard_ratio)))}" cy="10" r="4"'
            f"{filled}/>"
        )
        rows.append(
            ForestRow(
                slug=factor.slug,
                clear=factor.clear,
                svg=(
                    f'<svg xmlns="http://www.w3.org/2000/svg" class="ld-forest-row" '
                    f'viewBox="0 0 {FOREST_WIDTH} 20" aria-hidden="true" '
                    f'fill="currentColor">{"".join(body)}</svg>'
                ),
            )
        )
    if not rows:
        return None
    frame = Frame(8, 0, FOREST_WIDTH - 16, 4, -2.0, 2.0, 0, 1)
    ticks = [draw.text(frame.x(math.log2(value)), 16, label) for value, label in _FOREST_TICKS]
    axis = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ld-forest-axis" '
        f'viewBox="0 0 {FOREST_WIDTH} 20" aria-hidden="true" fill="currentColor" '
        f'font-size="{draw.FONT_SIZE}" font-family="inherit">{"".join(ticks)}</svg>'
    )
    return Forest(rows=tuple(rows), axis=axis)


def _forest_grid(frame: Frame) -> list[str]:
    return [
        f'<path class="ld-grid" d="M{draw.n(frame.x(math.log2(value)))} 0V20" '
        f'stroke="currentColor" stroke-opacity="{0.6 if value == 1 else 0.15}" fill="none"/>'
        for value, _ in _FOREST_TICKS
    ]


# --- 3. Anxiety -----------------------------------------------------------------------------


def anxiety_chart(section: AnxietySection) -> Chart | None:
    levels = [level for level in section.levels if level.median_s is not None]
    if not levels:
        return None
    top_s = max((level.quartile_3_s or level.median_s or 0.0) for level in levels)
    y_ticks = draw.minute_ticks(max(top_s, 60.0))
    frame = Frame(_LEFT, _TOP, WIDTH - 58, 140, -0.5, 10.5, 0.0, y_ticks[-1][0])
    body = draw.y_grid(frame, y_ticks)
    body += draw.x_axis(frame, [(a, str(a)) for a in range(0, 11)])
    n = draw.n
    for level in levels:
        assert level.median_s is not None
        x = frame.x(level.anxiety)
        low = level.quartile_1_s if level.quartile_1_s is not None else level.median_s
        high = level.quartile_3_s if level.quartile_3_s is not None else frame.y_max
        body.append(
            f'<g class="ld-level"><path d="M{n(x)} {n(frame.y(low))}V{n(frame.y(high))}" '
            'stroke="currentColor" stroke-width="6" stroke-opacity="0.3" fill="none"/>'
            f'<circle cx="{n(x)}" cy="{n(frame.y(level.median_s))}" r="3.5"/></g>'
        )
    return Chart(
        svg=draw.svg(
            name="anxiety", height=frame.bottom + 22, body=body, labelledby=_labelledby("anxiety")
        )
    )


# --- 4. Let-downs per session and pumping volume ---------------------------------------------


def _grouped_bar_chart(
    *,
    name: str,
    groups: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[str],
    y_unit: str,
) -> Chart:
    """Bars per group side by side, one per series, told apart by opacity (and by colour where
    the page's CSS gives the series one)."""
    ticks = draw.value_ticks(max(v or 0.0 for _, values in groups for v in values))
    frame = Frame(_LEFT, _TOP, WIDTH - 58, 130, 0, 1, 0, ticks[-1][0])
    body = draw.y_grid(frame, [(v, label + y_unit) for v, label in ticks])
    body += draw.x_axis(frame, [])
    slot = frame.width / max(len(groups), 1)
    width = min(18.0, (slot - 4) / max(len(series), 1))
    for index, (label, values) in enumerate(groups):
        start = frame.left + slot * index + (slot - width * len(series)) / 2
        for position, value in enumerate(values):
            if value is None or value <= 0:
                continue
            body.append(
                draw.bar(
                    f"ld-series-{series[position]}",
                    start + width * position,
                    frame.y(value),
                    width - 1,
                    frame.bottom,
                    BAR_OPACITIES[position % 3],
                )
            )
        body.append(draw.text(frame.left + slot * (index + 0.5), frame.bottom + 17, label))
    return Chart(
        svg=draw.svg(name=name, height=frame.bottom + 22, body=body, labelledby=_labelledby(name)),
        series=tuple(series),
    )


def letdowns_chart(section: LetdownsSection) -> Chart | None:
    counts = [count for count in section.counts if count.n_sessions]
    if not counts:
        return None
    bins = len(counts[0].bins)
    return _grouped_bar_chart(
        name="letdowns",
        groups=[
            (
                str(index) if index < bins - 1 else f"{index}+",
                [count.bins[index].n_sessions / count.n_sessions * 100 for count in counts],
            )
            for index in range(bins)
        ],
        series=[count.kind for count in counts],
        y_unit=" %",
    )


def volume_chart(section: LetdownsSection, *, unit: str = "ml") -> Chart | None:
    """Median volume per side, in the household's unit: "ml" or "oz"."""
    with_volume = [group for group in section.volume_by_count if group.n_sessions]
    if not with_volume:
        return None
    per_ml = 1 / ML_PER_OZ if unit == "oz" else 1.0

    def in_unit(volume_ml: float | None) -> float | None:
        return None if volume_ml is None else volume_ml * per_ml

    return _grouped_bar_chart(
        name="volume",
        groups=[
            (
                str(group.letdown_count),
                [in_unit(group.median_left_ml), in_unit(group.median_right_ml)],
            )
            for group in with_volume
        ],
        series=["left", "right"],
        y_unit="",
    )


# --- 5. Over the weeks ----------------------------------------------------------------------


def over_time_chart(section: OverTimeSection) -> Chart | None:
    series = [("current", section.current_weeks), ("earlier", section.earlier_weeks)]
    shown = [(name, bins) for name, bins in series if _with_median(bins)]
    if not shown:
        return None
    last_week = max(max((b.last_week for b in _with_median(section.current_weeks)), default=0), 4)
    if not _with_median(section.current_weeks):
        last_week = max(b.last_week for _, bins in shown for b in _with_median(bins))
    top_s = max(
        (b.median.upper_s or b.median.value_s or 0.0)
        for _, bins in shown
        for b in _with_median(bins)
        if b.last_week <= last_week
    )
    y_ticks = draw.minute_ticks(max(min(top_s, _MAX_CURVE_MINUTES * 60.0), 60.0))
    frame = Frame(_LEFT, _TOP, WIDTH - 58, 140, 0, last_week + 1, 0, y_ticks[-1][0])
    body = draw.y_grid(frame, y_ticks)
    step = next(s for s in (1, 2, 4, 8, 13, 26, 52) if (last_week + 1) / s <= 8)
    body += draw.x_axis(frame, [(w + 0.5, str(w + 1)) for w in range(0, last_week + 1, step)])
    for name, bins in shown:
        body.append(f'<g class="ld-series ld-{name} ld-series-{name}">')
        body += [
            _week_marker(frame, week_bin, filled=name == "current")
            for week_bin in _with_median(bins)
            if week_bin.first_week <= last_week
        ]
        body.append("</g>")
    return Chart(
        svg=draw.svg(
            name="over-time",
            height=frame.bottom + 22,
            body=body,
            labelledby=_labelledby("over-time"),
        ),
        series=tuple(name for name, _ in shown),
    )


def _with_median(bins: Sequence[WeekBin]) -> list[WeekBin]:
    return [week_bin for week_bin in bins if week_bin.median.value_s is not None]


def _week_marker(frame: Frame, week_bin: WeekBin, *, filled: bool) -> str:
    n = draw.n
    assert week_bin.median.value_s is not None
    x = frame.x((week_bin.first_week + week_bin.last_week + 1) / 2)
    lower = week_bin.median.lower_s if week_bin.median.lower_s is not None else 0.0
    upper = week_bin.median.upper_s if week_bin.median.upper_s is not None else frame.y_max
    marker = "" if filled else ' fill="none" stroke="currentColor"'
    return (
        f'<path d="M{n(x)} {n(frame.y(lower))}V{n(frame.y(upper))}" stroke="currentColor" '
        f'stroke-opacity="0.5" fill="none"/>'
        f'<circle cx="{n(x)}" cy="{n(frame.y(week_bin.median.value_s))}" r="3"{marker}/>'
    )


# --- 6. Leaks beside feed regularity --------------------------------------------------------


def leaks_chart(section: LeaksSection) -> Chart | None:
    """Two panels over the same weeks: leaks a day (bars), and how much feed intervals varied
    (a line); the template names them."""
    weeks = section.weeks
    if not weeks:
        return None
    leak_ticks = draw.value_ticks(max(week.leaks_per_day for week in weeks), 2)
    leaks_frame = Frame(_LEFT, _TOP, WIDTH - 58, 80, 0, len(weeks), 0, leak_ticks[-1][0])
    body = draw.y_grid(leaks_frame, leak_ticks)
    slot = leaks_frame.width / len(weeks)
    for index, week in enumerate(weeks):
        if week.leaks_per_day > 0:
            body.append(
                draw.bar(
                    "ld-leaks",
                    leaks_frame.left + slot * index,
                    leaks_frame.y(week.leaks_per_day),
                    max(slot - 1, 0.6),
                    leaks_frame.bottom,
                    "0.7",
                )
            )
    cvs = [week.interval_cv for week in weeks]
    cv_ticks = draw.value_ticks(max((cv for cv in cvs if cv is not None), default=1.0) * 100, 2)
    spread_frame = Frame(
        _LEFT, leaks_frame.bottom + 28, WIDTH - 58, 70, 0, len(weeks), 0, cv_ticks[-1][0] / 100
    )
    body += draw.y_grid(spread_frame, [(v / 100, f"{label} %") for v, label in cv_ticks])
    points = [
        (spread_frame.left + slot * (index + 0.5), spread_frame.y(cv))
        for index, cv in enumerate(cvs)
        if cv is not None
    ]
    if points:
        body.append(draw.line(points, css="ld-line", width=1.5))
    step = next(s for s in (1, 2, 4, 8, 13, 26, 52) if len(weeks) / s <= 5)
    ticks = [
        (index + 0.5, l10n.format_date(weeks[index].week_start, "day_month"))
        for index in range(0, len(weeks), step)
    ]
    body += draw.x_axis(spread_frame, ticks)
    return Chart(
        svg=draw.svg(
            name="leaks",
            height=spread_frame.bottom + 22,
            body=body,
            labelledby=_labelledby("leaks"),
        )
    )


# --- 7. Her rhythm: 24 hours ----------------------------------------------------------------


def rhythm_chart(section: RhythmSection) -> Chart | None:
    if not section.n_feeds and not section.n_pumping_sessions:
        return None
    ticks = draw.value_ticks(
        max(hour.n_feeds + hour.n_pumping_sessions for hour in section.hours), 2
    )
    frame = Frame(_LEFT, _TOP, WIDTH - 64, 120, 0, 24, 0, ticks[-1][0])
    body = draw.y_grid(frame, ticks)
    body += draw.x_axis(frame, [(h, f"{h:02d}:00") for h in (0, 6, 12, 18, 24)])
    slot = frame.width / 24
    for hour in section.hours:
        x = frame.left + slot * hour.hour + 0.5
        feeds_top = frame.y(hour.n_feeds)
        if hour.n_feeds:
            body.append(
                draw.bar("ld-series-feeds", x, feeds_top, slot - 1, frame.bottom, BAR_OPACITIES[0])
            )
        if hour.n_pumping_sessions:
            pumps_top = frame.y(hour.n_feeds + hour.n_pumping_sessions)
            body.append(
                draw.bar("ld-series-pumping", x, pumps_top, slot - 1, feeds_top, BAR_OPACITIES[1])
            )
    return Chart(
        svg=draw.svg(
            name="rhythm", height=frame.bottom + 22, body=body, labelledby=_labelledby("rhythm")
        ),
        series=tuple(
            name
            for name, count in (("feeds", section.n_feeds), ("pumping", section.n_pumping_sessions))
            if count
        ),
    )


def render_charts(insights: Insights, *, unit: str = "ml") -> dict[str, Chart | Forest | None]:
    """Every chart of the page, by section name; volumes in `unit` ("ml" or "oz")."""
    return {
        "first_letdown": first_letdown_chart(
            insights.first_letdown, pump_switch_time_s=insights.pump_switch.switch_time_s
        ),
        "what_helps": what_helps_chart(insights.what_helps),
        "anxiety": anxiety_chart(insights.anxiety),
        "letdowns": letdowns_chart(insights.letdowns),
        "volume": volume_chart(insights.letdowns, unit=unit),
        "over_time": over_time_chart(insights.over_time),
        "leaks": leaks_chart(insights.leaks),
        "rhythm": rhythm_chart(insights.rhythm),
    }
