"""Small, accessible inline SVG charts drawn from the Insights results, without any library.
They sit beside the statistics core, not in it: the core returns numbers, this draws them.

Every chart is a string of a few kilobytes with role="img", a <title>, a <desc> and an
aria-label. It draws with currentColor and opacity only, and tags parts with `ld-` classes (a
series and its legend key share `ld-series-<name>`), so the page's CSS (and dark mode) colours
it. All text is escaped. `translate` is applied to the fixed labels so the Django layer can pass
`gettext`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

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
from .stats.wording import KIND_LABELS

Translate = Callable[[str], str]

WIDTH = 360
# 12 units is about 11.6 CSS px on a 390 px phone, where a chart is drawn 348 px wide.
FONT_SIZE = 12
# Text must stay this far inside the viewBox: the card's padding is the only margin left.
_EDGE = 2
# Volumes are stored in mL; a household that chose ounces reads her chart in ounces.
ML_PER_OZ = 29.5735
# Two series are told apart by dash pattern and marker shape, never by colour alone.
_DASHES = ("", ' stroke-dasharray="5 3"')
# Bars of two or three series are told apart by opacity as well as by the colours the page's
# CSS may give them: the second is light enough to tell from the first, dark enough to read.
_BAR_OPACITIES = ("0.85", "0.5", "0.65")
# The chart of a curve shows one step per percentage point at most: enough for the eye and it
# keeps two years of sessions to a few kilobytes.
_CURVE_SHARE_STEP = 0.01
_MAX_CURVE_MINUTES = 15
# Room above the plot for a legend line and the y-axis caption under it.
_TOP_WITH_LEGEND = 46
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# Advance widths in ems of DejaVu Sans, a wide fallback font: the estimate errs on the wide side
# for the system fonts of phones, so text laid out with it stays inside the chart.
_NARROW = frozenset("iIjl.,:;'|!()[]ft ")
_WIDE = frozenset("mwMW%×←→…")


def estimated_text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """The width `text` takes at `font_size`, in SVG units, estimated from its characters."""
    ems = 0.0
    for char in text:
        if char in _NARROW:
            ems += 0.34
        elif char in _WIDE:
            ems += 0.95
        elif char.isupper() or char.isdigit():
            ems += 0.68
        else:
            ems += 0.62
    return ems * font_size


def _fit(text: str, width: float) -> str:
    """`text`, cut with an ellipsis if it would be wider than `width`."""
    if estimated_text_width(text) <= width:
        return text
    while text and estimated_text_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, width: float) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` (a long word is cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and estimated_text_width(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(_fit(word, width))
    return lines or [""]


def _untranslated(text: str) -> str:
    return text


def _esc(text: str) -> str:
    return escape(text, quote=True)


def _n(value: float) -> str:
    """A coordinate with at most one decimal, and no '.0'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class _Frame:
    """The plot area inside the chart, and scales from data to pixels."""

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
        return (
            self.left + (min(max(value, self.x_min), self.x_max) - self.x_min) / span * self.width
        )

    def y(self, value: float) -> float:
        span = self.y_max - self.y_min or 1.0
        clamped = min(max(value, self.y_min), self.y_max)
        return self.bottom - (clamped - self.y_min) / span * self.height


def _svg(*, name: str, title: str, summary: str, height: float, body: Sequence[str]) -> str:
    label = f"{title}. {summary}" if summary else title
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ld-chart ld-chart-{name}" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" role="img" aria-label="{_esc(label)}" '
        f'fill="currentColor" font-size="{FONT_SIZE}" font-family="inherit">'
        f"<title>{_esc(title)}</title><desc>{_esc(summary)}</desc>" + "".join(body) + "</svg>"
    )


def _empty(name: str, title: str, summary: str, message: str) -> str:
    return _svg(
        name=name,
        title=title,
        summary=summary,
        height=60,
        body=[
            f'<text class="ld-empty" x="{WIDTH / 2:g}" y="34" text-anchor="middle" '
            f'fill-opacity="0.7">{_esc(message)}</text>'
        ],
    )


def _text(x: float, y: float, text: str, *, anchor: str = "middle", css: str = "ld-label") -> str:
    return f'<text class="{css}" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">{_esc(text)}</text>'


def _x_axis(frame: _Frame, ticks: Sequence[tuple[float, str]], caption: str) -> list[str]:
    parts = [
        f'<path class="ld-axis" d="M{_n(frame.left)} {_n(frame.bottom)}H{_n(frame.right)}" '
        'stroke="currentColor" stroke-opacity="0.6" fill="none"/>'
    ]
    for value, label in ticks:
        parts.append(_text(frame.x(value), frame.bottom + 14, label))
    parts.append(_text(frame.left + frame.width / 2, frame.bottom + 30, caption))
    return parts


def _y_axis(frame: _Frame, ticks: Sequence[tuple[float, str]], caption: str) -> list[str]:
    parts = []
    for value, label in ticks:
        y = frame.y(value)
        parts.append(
            f'<path class="ld-grid" d="M{_n(frame.left)} {_n(y)}H{_n(frame.right)}" '
            'stroke="currentColor" stroke-opacity="0.15" fill="none"/>'
        )
        parts.append(_text(frame.left - 4, y + 4, label, anchor="end"))
    parts.append(_text(frame.left - 4, frame.top - 8, caption, anchor="start", css="ld-caption"))
    return parts


def _minute_ticks(max_s: float) -> list[tuple[float, str]]:
    minutes = max_s / 60.0
    step = next(s for s in (0.5, 1, 2, 5, 10, 30, 60, 120) if minutes / s <= 6)
    # Ticks from 0 up to the first one at or past the maximum, which becomes the axis end.
    count = max(1, math.ceil(minutes / step - 1e-9))
    return [(i * step * 60.0, f"{i * step:g}") for i in range(count + 1)]


def _value_ticks(maximum: float, count: int = 4) -> list[tuple[float, str]]:
    """About `count` round ticks from 0 to at or above `maximum`; the last is the axis top."""
    if maximum <= 0:
        maximum = 1.0
    raw_step = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    n_ticks = math.ceil(maximum / step - 1e-9)
    return [(i * step, f"{i * step:g}") for i in range(n_ticks + 1)]


def _bar(css: str, x: float, top: float, width: float, bottom: float, opacity: str) -> str:
    return (
        f'<rect class="ld-bar {css}" x="{_n(x)}" y="{_n(top)}" width="{_n(width)}" '
        f'height="{_n(bottom - top)}" fill-opacity="{opacity}"/>'
    )


def _legend(items: Sequence[tuple[str, str, str]], x: float, y: float) -> list[str]:
    """(label, series name, marker svg at 0,0) laid out left to right. The marker carries the
    series' `ld-series-<name>` class, so the page's CSS gives key and series one colour."""
    parts = []
    for label, series, marker in items:
        parts.append(
            f'<g class="ld-legend" transform="translate({_n(x)} {_n(y)})">'
            f'<g class="ld-key ld-series-{_esc(series)}">{marker}</g>'
        )
        parts.append(_text(22, 4, label, anchor="start") + "</g>")
        x += 22 + estimated_text_width(label) + 14
    return parts


# --- 1 and 8. Time to first let-down ---------------------------------------------------------


def first_letdown_chart(
    section: FirstLetdownSection,
    *,
    pump_switch_time_s: float | None = None,
    translate: Translate = _untranslated,
) -> str:
    title = translate("Time to first let-down")
    curves = [curve for curve in section.curves if len(curve.points) > 1]
    if not curves:
        return _empty("first-letdown", title, section.summary, translate("No let-downs logged yet"))
    # The axis ends where the curves level off, not at the one very long session.
    end_s = max(
        next(
            p.time_s
            for p in curve.points
            if p.letdown_share >= curve.points[-1].letdown_share - 0.01
        )
        for curve in curves
    )
    x_ticks = _minute_ticks(min(max(end_s, 60.0), _MAX_CURVE_MINUTES * 60.0))
    x_max = x_ticks[-1][0]
    frame = _Frame(44, _TOP_WITH_LEGEND, WIDTH - 58, 150, 0.0, x_max, 0.0, 1.0)
    body = _y_axis(
        frame,
        [(v, f"{round(v * 100)} %") for v in (0, 0.25, 0.5, 0.75, 1.0)],
        translate("let down"),
    )
    body += _x_axis(frame, x_ticks, translate("minutes from the start"))
    legend = []
    for index, curve in enumerate(curves):
        dash = _DASHES[index % 2]
        body.append(f'<g class="ld-series ld-series-{_esc(curve.kind)}">')
        body.append(_curve_band(frame, curve))
        body.append(
            f'<path class="ld-line" d="{_step_path(frame, curve)}" fill="none" '
            f'stroke="currentColor" stroke-width="2"{dash}/></g>'
        )
        label = translate(KIND_LABELS.get(curve.kind, curve.kind))
        marker = f'<path d="M0 0H16" stroke="currentColor" stroke-width="2"{dash}/>'
        legend.append((label, curve.kind, marker))
    if pump_switch_time_s is not None and pump_switch_time_s <= x_max:
        body += _pump_switch_marker(frame, pump_switch_time_s, translate("pump switch"))
    body += _legend(legend, frame.left, 12)
    return _svg(name="first-letdown", title=title, summary=section.summary, height=234, body=body)


def _pump_switch_marker(frame: _Frame, time_s: float, label: str) -> list[str]:
    """A dotted line at the switch time, labelled at its foot: by then the curves have risen,
    so the bottom of the plot beside the line is empty (the top is where they level off)."""
    x = frame.x(time_s)
    width = estimated_text_width(label)
    # Beside the line on the right, or on its left when the right has no room.
    anchor, text_x = ("start", x + 4) if x + 4 + width <= frame.right else ("end", x - 4)
    return [
        f'<path class="ld-marker" d="M{_n(x)} {_n(frame.top)}V{_n(frame.bottom)}" '
        'stroke="currentColor" stroke-dasharray="1 3" fill="none"/>',
        _text(text_x, frame.bottom - 6, label, anchor=anchor, css="ld-note"),
    ]


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


def _step_path(frame: _Frame, curve: FirstLetdownCurve) -> str:
    steps = _chart_steps(curve, frame.x_max)
    path = f"M{_n(frame.x(0))} {_n(frame.y(0))}"
    for time_s, share, _, _ in steps[1:]:
        path += f"H{_n(frame.x(time_s))}V{_n(frame.y(share))}"
    end_s = min(frame.x_max, max(curve.points[-1].time_s, steps[-1][0]))
    return path + f"H{_n(frame.x(end_s))}"


def _curve_band(frame: _Frame, curve: FirstLetdownCurve) -> str:
    steps = _chart_steps(curve, frame.x_max)
    end_x = _n(frame.x(min(frame.x_max, curve.points[-1].time_s)))
    upper = f"M{_n(frame.x(0))} {_n(frame.y(0))}"
    for time_s, _, _, high in steps[1:]:
        upper += f"H{_n(frame.x(time_s))}V{_n(frame.y(high))}"
    upper += f"H{end_x}V{_n(frame.y(steps[-1][2]))}"
    for index in range(len(steps) - 1, 0, -1):
        time_s = steps[index][0]
        upper += f"H{_n(frame.x(time_s))}V{_n(frame.y(steps[index - 1][2]))}"
    return f'<path class="ld-band" d="{upper}Z" fill-opacity="0.15"/>'


# --- 2. What seems to help: a forest plot ----------------------------------------------------


def what_helps_chart(section: WhatHelpsSection, *, translate: Translate = _untranslated) -> str:
    title = translate("What seems to help: how much sooner let-down came")
    rows = [
        factor
        for factor in section.factors
        if factor.status == "estimated" and factor.hazard_ratio is not None
    ]
    if not rows:
        return _empty("what-helps", title, section.summary, translate("Not enough sessions yet"))
    row_height = 22
    # Factor names take as much of the left as the longest needs, up to nearly half the chart
    # (longer ones are cut); the rates, from ¼× to 4×, take the rest.
    widest = max(estimated_text_width(factor.label) for factor in rows)
    left = math.ceil(min(max(widest, 100.0), 168.0)) + 6 + _EDGE
    frame = _Frame(left, 30, WIDTH - 14 - left, row_height * len(rows), -2.0, 2.0, 0, len(rows))
    body = []
    for value, label in ((0.25, "¼×"), (0.5, "½×"), (1, "1×"), (2, "2×"), (4, "4×")):
        x = frame.x(math.log2(value))
        body.append(
            f'<path class="ld-grid" d="M{_n(x)} {_n(frame.top)}V{_n(frame.bottom)}" '
            f'stroke="currentColor" stroke-opacity="{0.6 if value == 1 else 0.15}" fill="none"/>'
        )
        body.append(_text(x, frame.bottom + 14, label))
    body.append(_text(frame.x(-1.2), frame.top - 10, "← " + translate("later")))
    body.append(_text(frame.x(1.2), frame.top - 10, translate("sooner") + " →"))
    for index, factor in enumerate(rows):
        assert factor.hazard_ratio is not None
        y = frame.top + row_height * (index + 0.5)
        low = math.log2(factor.hazard_ratio_lower or factor.hazard_ratio)
        high = math.log2(factor.hazard_ratio_upper or factor.hazard_ratio)
        x_low, x_high = frame.x(low), frame.x(high)
        clear = low > 0 or high < 0
        body.append(f'<g class="ld-row{" ld-clear" if clear else ""}">')
        label = _fit(factor.label, frame.left - 6 - _EDGE)
        body.append(_text(frame.left - 6, y + 4, label, anchor="end"))
        body.append(
            f'<path d="M{_n(x_low)} {_n(y)}H{_n(x_high)}" stroke="currentColor" '
            'stroke-width="2" fill="none"/>'
        )
        filled = "" if clear else ' fill="none" stroke="currentColor"'
        body.append(
            f'<circle cx="{_n(frame.x(math.log2(factor.hazard_ratio)))}" cy="{_n(y)}" r="4"'
            f"{filled}/></g>"
        )
    # The caption is wider than the plot: it is centred on the whole chart, and wrapped if a
    # translation is wider still.
    caption = _wrap(
        translate("let-down rate, with vs without (intervals 95 % for all together)")
        if section.n_compared > 1
        else translate("let-down rate, with vs without (95 % interval)"),
        WIDTH - 2 * _EDGE,
    )
    for line_index, line in enumerate(caption):
        body.append(_text(WIDTH / 2, frame.bottom + 30 + 15 * line_index, line))
    height = frame.bottom + 34 + 15 * (len(caption) - 1)
    return _svg(name="what-helps", title=title, summary=section.summary, height=height, body=body)


# --- 3. Anxiety -----------------------------------------------------------------------------


def anxiety_chart(section: AnxietySection, *, translate: Translate = _untranslated) -> str:
    title = translate("Anxiety before the session and time to first let-down")
    levels = [level for level in section.levels if level.median_s is not None]
    if not levels:
        return _empty(
            "anxiety",
            title,
            section.summary,
            translate("No sessions with anxiety and a let-down yet"),
        )
    top_s = max((level.quartile_3_s or level.median_s or 0.0) for level in levels)
    y_ticks = _minute_ticks(max(top_s, 60.0))
    frame = _Frame(44, 30, WIDTH - 58, 140, -0.5, 10.5, 0.0, y_ticks[-1][0])
    body = _y_axis(frame, [(s, label) for s, label in y_ticks], translate("minutes"))
    body += _x_axis(
        frame, [(a, str(a)) for a in range(0, 11)], translate("anxiety before the session (0–10)")
    )
    for level in levels:
        assert level.median_s is not None
        x = frame.x(level.anxiety)
        low = level.quartile_1_s if level.quartile_1_s is not None else level.median_s
        high = level.quartile_3_s if level.quartile_3_s is not None else frame.y_max
        body.append(
            f'<g class="ld-level"><path d="M{_n(x)} {_n(frame.y(low))}V{_n(frame.y(high))}" '
            'stroke="currentColor" stroke-width="6" stroke-opacity="0.3" fill="none"/>'
            f'<circle cx="{_n(x)}" cy="{_n(frame.y(level.median_s))}" r="3.5"/></g>'
        )
    return _svg(name="anxiety", title=title, summary=section.summary, height=208, body=body)


# --- 4. Let-downs per session and pumping volume ---------------------------------------------


def _grouped_bars(
    frame: _Frame,
    groups: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[tuple[str, str]],
) -> list[str]:
    """Bars per group side by side, one per (label, name) series, told apart by opacity (and
    by colour where the page's CSS gives the series one)."""
    body = []
    slot = frame.width / max(len(groups), 1)
    bar = min(18.0, (slot - 4) / max(len(series), 1))
    for index, (label, values) in enumerate(groups):
        start = frame.left + slot * index + (slot - bar * len(series)) / 2
        for position, value in enumerate(values):
            if value is None or value <= 0:
                continue
            body.append(
                _bar(
                    f"ld-series-{_esc(series[position][1])}",
                    start + bar * position,
                    frame.y(value),
                    bar - 1,
                    frame.bottom,
                    _BAR_OPACITIES[position % 3],
                )
            )
        body.append(_text(frame.left + slot * (index + 0.5), frame.bottom + 14, label))
    return body


def _bar_legend(series: Sequence[tuple[str, str]], y: float) -> list[str]:
    keys = []
    for index, (label, name) in enumerate(series):
        opacity = _BAR_OPACITIES[index % 3]
        keys.append(
            (label, name, f'<rect x="0" y="-5" width="14" height="9" fill-opacity="{opacity}"/>')
        )
    return _legend(keys, 44, y)


def letdowns_chart(section: LetdownsSection, *, translate: Translate = _untranslated) -> str:
    title = translate("Let-downs per session")
    counts = [count for count in section.counts if count.n_sessions]
    if not counts:
        return _empty("letdowns", title, section.summary, translate("No finished sessions yet"))
    bins = len(counts[0].bins)
    groups: list[tuple[str, Sequence[float | None]]] = [
        (
            str(index) if index < bins - 1 else f"{index}+",
            [count.bins[index].n_sessions / count.n_sessions * 100 for count in counts],
        )
        for index in range(bins)
    ]
    return _grouped_bar_chart(
        name="letdowns",
        title=title,
        summary=section.summary,
        groups=groups,
        series=[
            (translate(KIND_LABELS.get(count.kind, count.kind)), count.kind) for count in counts
        ],
        y_caption=translate("sessions"),
        y_unit=" %",
        x_caption=translate("let-downs in the session"),
    )


def volume_chart(
    section: LetdownsSection, *, unit: str = "ml", translate: Translate = _untranslated
) -> str:
    """Median volume per side, in the household's unit: "ml" or "oz"."""
    title = translate("Pumped volume per side by number of let-downs")
    with_volume = [group for group in section.volume_by_count if group.n_sessions]
    if not with_volume:
        return _empty("volume", title, section.summary, translate("No pumping volumes logged yet"))
    per_ml = 1 / ML_PER_OZ if unit == "oz" else 1.0

    def in_unit(volume_ml: float | None) -> float | None:
        return None if volume_ml is None else volume_ml * per_ml

    return _grouped_bar_chart(
        name="volume",
        title=title,
        summary=section.summary,
        groups=[
            (
                str(group.letdown_count),
                [in_unit(group.median_left_ml), in_unit(group.median_right_ml)],
            )
            for group in with_volume
        ],
        series=[(translate("left"), "left"), (translate("right"), "right")],
        y_caption=translate("median oz") if unit == "oz" else translate("median mL"),
        y_unit="",
        x_caption=translate("let-downs in the pumping session"),
    )


def _grouped_bar_chart(
    *,
    name: str,
    title: str,
    summary: str,
    groups: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[tuple[str, str]],
    y_caption: str,
    y_unit: str,
    x_caption: str,
) -> str:
    ticks = _value_ticks(max(v or 0.0 for _, values in groups for v in values))
    frame = _Frame(44, _TOP_WITH_LEGEND, WIDTH - 58, 130, 0, 1, 0, ticks[-1][0])
    body = _y_axis(frame, [(v, label + y_unit) for v, label in ticks], y_caption)
    body += _x_axis(frame, [], x_caption)
    body += _grouped_bars(frame, groups, series)
    body += _bar_legend(series, 12)
    return _svg(name=name, title=title, summary=summary, height=215, body=body)


# --- 5. Over the weeks ----------------------------------------------------------------------


def over_time_chart(section: OverTimeSection, *, translate: Translate = _untranslated) -> str:
    title = translate("Time to first let-down by week since birth")
    series = [
        (translate("this lactation"), section.current_weeks, True),
        (translate("earlier lactations"), section.earlier_weeks, False),
    ]
    shown = [(label, bins, filled) for label, bins, filled in series if _with_median(bins)]
    if not shown:
        return _empty(
            "over-time", title, section.summary, translate("Not enough weeks with let-downs yet")
        )
    current_last = max((b.last_week for b in _with_median(section.current_weeks)), default=0)
    last_week = max(current_last, 4)
    if not _with_median(section.current_weeks):
        last_week = max(b.last_week for _, bins, _ in shown for b in _with_median(bins))
    top_s = max(
        (b.median.upper_s or b.median.value_s or 0.0)
        for _, bins, _ in shown
        for b in _with_median(bins)
        if b.last_week <= last_week
    )
    y_ticks = _minute_ticks(max(min(top_s, _MAX_CURVE_MINUTES * 60.0), 60.0))
    frame = _Frame(44, _TOP_WITH_LEGEND, WIDTH - 58, 140, 0, last_week + 1, 0, y_ticks[-1][0])
    body = _y_axis(frame, y_ticks, translate("median, minutes"))
    step = next(s for s in (1, 2, 4, 8, 13, 26, 52) if (last_week + 1) / s <= 8)
    body += _x_axis(
        frame,
        [(w + 0.5, str(w + 1)) for w in range(0, last_week + 1, step)],
        translate("week since birth"),
    )
    legend = []
    for label, bins, filled in shown:
        name = "current" if filled else "earlier"
        body.append(f'<g class="ld-series ld-{name} ld-series-{name}">')
        for week_bin in _with_median(bins):
            if week_bin.first_week > last_week:
                continue
            body.append(_week_marker(frame, week_bin, filled))
        body.append("</g>")
        marker = (
            '<circle cx="8" cy="0" r="3.5"/>'
            if filled
            else ('<circle cx="8" cy="0" r="3.5" fill="none" stroke="currentColor"/>')
        )
        legend.append((label, name, marker))
    body += _legend(legend, 44, 12)
    return _svg(name="over-time", title=title, summary=section.summary, height=225, body=body)


def _with_median(bins: Sequence[WeekBin]) -> list[WeekBin]:
    return [week_bin for week_bin in bins if week_bin.median.value_s is not None]


def _week_marker(frame: _Frame, week_bin: WeekBin, filled: bool) -> str:
    assert week_bin.median.value_s is not None
    x = frame.x((week_bin.first_week + week_bin.last_week + 1) / 2)
    lower = week_bin.median.lower_s if week_bin.median.lower_s is not None else 0.0
    upper = week_bin.median.upper_s if week_bin.median.upper_s is not None else frame.y_max
    marker = "" if filled else ' fill="none" stroke="currentColor"'
    return (
        f'<path d="M{_n(x)} {_n(frame.y(lower))}V{_n(frame.y(upper))}" stroke="currentColor" '
        f'stroke-opacity="0.5" fill="none"/>'
        f'<circle cx="{_n(x)}" cy="{_n(frame.y(week_bin.median.value_s))}" r="3"{marker}/>'
    )


# --- 6. Leaks beside feed regularity --------------------------------------------------------


def leaks_chart(section: LeaksSection, *, translate: Translate = _untranslated) -> str:
    title = translate("Leaks per day and the spread of feed intervals, by week")
    weeks = section.weeks
    if not weeks:
        return _empty(
            "leaks", title, section.summary, translate("Nothing logged in this lactation yet")
        )
    leak_ticks = _value_ticks(max(week.leaks_per_day for week in weeks), 2)
    leaks_frame = _Frame(44, 24, WIDTH - 58, 80, 0, len(weeks), 0, leak_ticks[-1][0])
    body = _y_axis(leaks_frame, leak_ticks, translate("leaks a day"))
    slot = leaks_frame.width / len(weeks)
    for index, week in enumerate(weeks):
        if week.leaks_per_day <= 0:
            continue
        body.append(
            _bar(
                "ld-leaks",
                leaks_frame.left + slot * index,
                leaks_frame.y(week.leaks_per_day),
                max(slot - 1, 0.6),
                leaks_frame.bottom,
                "0.7",
            )
        )
    cvs = [week.interval_cv for week in weeks]
    cv_ticks = _value_ticks(max((cv for cv in cvs if cv is not None), default=1.0) * 100, 2)
    spread_frame = _Frame(44, 140, WIDTH - 58, 70, 0, len(weeks), 0, cv_ticks[-1][0] / 100)
    body += _y_axis(
        spread_frame,
        [(v / 100, f"{label} %") for v, label in cv_ticks],
        translate("feed intervals vary by"),
    )
    points = [
        f"{_n(spread_frame.left + slot * (index + 0.5))} {_n(spread_frame.y(cv))}"
        for index, cv in enumerate(cvs)
        if cv is not None
    ]
    if points:
        body.append(
            f'<path class="ld-line" d="M{"L".join(points)}" fill="none" stroke="currentColor" '
            'stroke-width="1.5"/>'
        )
    step = next(s for s in (1, 2, 4, 8, 13, 26, 52) if len(weeks) / s <= 5)
    ticks = []
    for index in range(0, len(weeks), step):
        day = weeks[index].week_start
        ticks.append((index + 0.5, f"{day.day} {translate(_MONTHS[day.month - 1])}"))
    body += _x_axis(spread_frame, ticks, translate("week starting"))
    return _svg(name="leaks", title=title, summary=section.summary, height=245, body=body)


# --- 7. Her rhythm: 24 hours ----------------------------------------------------------------


def rhythm_chart(section: RhythmSection, *, translate: Translate = _untranslated) -> str:
    title = translate("Feeds and pumping sessions by hour of the day")
    summary = f"{section.summary} {section.next_feed.summary}"
    if not section.n_feeds and not section.n_pumping_sessions:
        return _empty("rhythm", title, summary, translate("Nothing logged in the last weeks"))
    ticks = _value_ticks(max(hour.n_feeds + hour.n_pumping_sessions for hour in section.hours), 2)
    frame = _Frame(44, _TOP_WITH_LEGEND, WIDTH - 64, 120, 0, 24, 0, ticks[-1][0])
    body = _y_axis(frame, ticks, translate("count"))
    body += _x_axis(
        frame, [(h, f"{h:02d}:00") for h in (0, 6, 12, 18, 24)], translate("local time")
    )
    slot = frame.width / 24
    for hour in section.hours:
        x = frame.left + slot * hour.hour + 0.5
        feeds_top = frame.y(hour.n_feeds)
        if hour.n_feeds:
            body.append(
                _bar("ld-series-feeds", x, feeds_top, slot - 1, frame.bottom, _BAR_OPACITIES[0])
            )
        if hour.n_pumping_sessions:
            pumps_top = frame.y(hour.n_feeds + hour.n_pumping_sessions)
            body.append(
                _bar("ld-series-pumping", x, pumps_top, slot - 1, feeds_top, _BAR_OPACITIES[1])
            )
    body += _bar_legend([(translate("feeds"), "feeds"), (translate("pumping"), "pumping")], 12)
    return _svg(name="rhythm", title=title, summary=summary, height=215, body=body)


def render_charts(
    insights: Insights, *, unit: str = "ml", translate: Translate = _untranslated
) -> dict[str, str]:
    """Every chart of the page, by section name; volumes in `unit` ("ml" or "oz")."""
    return {
        "first_letdown": first_letdown_chart(
            insights.first_letdown,
            pump_switch_time_s=insights.pump_switch.switch_time_s,
            translate=translate,
        ),
        "what_helps": what_helps_chart(insights.what_helps, translate=translate),
        "anxiety": anxiety_chart(insights.anxiety, translate=translate),
        "letdowns": letdowns_chart(insights.letdowns, translate=translate),
        "volume": volume_chart(insights.letdowns, unit=unit, translate=translate),
        "over_time": over_time_chart(insights.over_time, translate=translate),
        "leaks": leaks_chart(insights.leaks, translate=translate),
        "rhythm": rhythm_chart(insights.rhythm, translate=translate),
    }
