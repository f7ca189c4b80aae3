"""The inline SVG charts: well-formed, accessible, escaped, themeable and light; text big
enough for a phone and inside the chart; series and legend keys coloured alike; volumes in her
unit."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

import letdown
from letdown.insights.charts import ML_PER_OZ, estimated_text_width, render_charts
from letdown.insights.stats import FeedRecord, Insights, LeakRecord

from .test_stats_helpers import insights_for, session, simulated_sessions, spaced

SVG = "{http://www.w3.org/2000/svg}"
INSIGHTS_CSS = Path(letdown.__file__).parent / "static" / "letdown" / "insights.css"
# Widths measured in Chromium with DejaVu Sans (the test browser's font) at 12 units.
MEASURED_WIDTHS = {
    "pumping": 53.0,
    "count": 34.3,
    "a warm drink": 79.2,
    "100 %": 38.0,
    "24:00": 34.5,
    "let-down rate, with vs without (95 % interval)": 272.2,
}


@pytest.fixture(scope="module")
def charts() -> dict[str, str]:
    sessions = simulated_sessions(n=600, seed=12, aid_rate={"warm_compress": 2.0})
    sessions += simulated_sessions(n=200, seed=13, lactation_id=2, weeks=3.0)
    feeds = [FeedRecord(at=s.started_at, lactation_id=1) for s in sessions if s.kind == "nursing"]
    leaks = [
        LeakRecord(at=s.started_at + timedelta(minutes=40), lactation_id=1) for s in sessions[::5]
    ]
    insights = insights_for(sessions, feeds=feeds, leaks=leaks)
    return render_charts(insights)


def test_every_section_has_a_chart(charts):
    assert set(charts) == {
        "first_letdown",
        "what_helps",
        "anxiety",
        "letdowns",
        "volume",
        "over_time",
        "leaks",
        "rhythm",
    }


def test_charts_are_well_formed_accessible_images(charts):
    for name, svg in charts.items():
        root = ET.fromstring(svg)
        assert root.tag == SVG + "svg", name
        assert root.get("role") == "img"
        assert root.get("aria-label")
        assert root.findtext(SVG + "title")
        assert (root.get("viewBox") or "").startswith("0 0 360 ")


def test_charts_draw_with_current_color_only_and_stay_light(charts):
    for name, svg in charts.items():
        for element in ET.fromstring(svg).iter():
            for attribute in ("fill", "stroke", "color"):
                assert element.get(attribute) in (None, "currentColor", "none"), name
            assert element.get("style") is None
        assert "<script" not in svg and "href" not in svg
        assert len(svg.encode()) < 12_000, name


def test_curve_chart_marks_the_pump_switch_and_both_kinds(charts):
    svg = charts["first_letdown"]
    assert "ld-series-nursing" in svg and "ld-series-pumping" in svg
    assert "pump switch" in svg
    assert svg.count('class="ld-band"') == 2


def test_forest_plot_has_a_row_per_estimated_factor(charts):
    root = ET.fromstring(charts["what_helps"])
    labels = [t.text for t in root.iter(SVG + "text")]
    assert "a warm compress" in labels
    # The clear effect is drawn as a filled dot, uncertain ones as open rings.
    assert 'class="ld-row ld-clear"' in charts["what_helps"]


def test_text_in_charts_is_escaped():
    hostile = '<script>alert("x")</script>'
    sessions = simulated_sessions(n=120, seed=6, aids=(hostile.replace(" ", "_"), "imagery"))
    svg = render_charts(insights_for(sessions))["what_helps"]
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    ET.fromstring(svg)


def test_translate_is_applied_to_fixed_labels():
    insights = insights_for(simulated_sessions(n=40, seed=1))
    svg = render_charts(insights, translate=lambda text: text.upper())["first_letdown"]
    assert "MINUTES FROM THE START" in svg
    assert "<title>TIME TO FIRST LET-DOWN</title>" in svg


@pytest.fixture(scope="module")
def pumped() -> Insights:
    """Forty pumping sessions with one to four let-downs and more milk with more of them."""
    records = []
    for index in range(40):
        count = 1 + index % 4
        records.append(
            session(
                kind="pumping",
                offsets_s=[60 + 120 * k for k in range(count)],
                volume_left_ml=20.0 + 15 * count,
                volume_right_ml=15.0 + 10 * count,
            )
        )
    return insights_for(spaced(records))


def _texts(svg: str) -> Iterator[tuple[ET.Element, float, float]]:
    """Every <text> with its x and y in the chart's coordinates (legend groups are moved)."""

    def walk(
        element: ET.Element, dx: float, dy: float
    ) -> Iterator[tuple[ET.Element, float, float]]:
        match = re.fullmatch(r"translate\(([-\d.]+) ([-\d.]+)\)", element.get("transform", ""))
        if match:
            dx, dy = dx + float(match[1]), dy + float(match[2])
        if element.tag == SVG + "text":
            yield element, dx + float(element.get("x", 0)), dy + float(element.get("y", 0))
        for child in element:
            yield from walk(child, dx, dy)

    yield from walk(ET.fromstring(svg), 0.0, 0.0)


def _text_box(svg: str, element: ET.Element, x: float, y: float) -> tuple[float, ...]:
    """(left, right, top, bottom) of a text, from its anchor and DejaVu Sans' ascent/descent."""
    font_size = float(ET.fromstring(svg).get("font-size", 0))
    width = estimated_text_width(element.text or "", font_size)
    anchor = element.get("text-anchor", "start")
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, left + width, y - 0.76 * font_size, y + 0.24 * font_size


def _all_charts(charts: dict[str, str], pumped: Insights) -> dict[str, str]:
    """The page's charts, with volume charts in both units (the page's fixture has none)."""
    return {
        **charts,
        "volume_ml": render_charts(pumped)["volume"],
        "volume_oz": render_charts(pumped, unit="oz")["volume"],
    }


def test_chart_text_is_at_least_12_units(charts, pumped):
    # 12 of 360 units is 11.6 px on a 390 px phone, where a chart is drawn 348 px wide.
    for name, svg in _all_charts(charts, pumped).items():
        for element in ET.fromstring(svg).iter():
            if element.get("font-size") is not None:
                assert float(element.get("font-size", 0)) >= 12, name


def test_the_width_estimate_is_not_narrower_than_the_browsers_text():
    for text, measured in MEASURED_WIDTHS.items():
        assert measured * 0.98 <= estimated_text_width(text) <= measured * 1.15, text


def _assert_text_inside(name: str, svg: str) -> None:
    _, _, width, height = (float(v) for v in (ET.fromstring(svg).get("viewBox") or "").split())
    for element, x, y in _texts(svg):
        left, right, top, bottom = _text_box(svg, element, x, y)
        assert left >= 0 and right <= width, (name, element.text, left, right)
        assert top >= 0 and bottom <= height, (name, element.text, top, bottom)


def test_all_text_stays_inside_the_chart(charts, pumped):
    for name, svg in _all_charts(charts, pumped).items():
        _assert_text_inside(name, svg)


def test_a_long_translated_caption_is_wrapped_inside_the_chart():
    def wordy(text: str) -> str:
        return f"{text} {text}" if text.startswith("let-down rate") else text

    sessions = simulated_sessions(n=600, seed=12, aid_rate={"warm_compress": 2.0})
    svg = render_charts(insights_for(sessions), translate=wordy)["what_helps"]
    caption = [e.text for e, _, _ in _texts(svg) if "interval" in (e.text or "")]
    assert len(caption) == 2
    _assert_text_inside("what_helps", svg)


def test_the_pump_switch_label_keeps_clear_of_the_grid_lines(charts):
    svg = charts["first_letdown"]
    root = ET.fromstring(svg)
    grid_ys = [
        float(m[1])
        for path in root.iter(SVG + "path")
        if path.get("class") in ("ld-grid", "ld-axis")
        and (m := re.fullmatch(r"M[\d.]+ ([\d.]+)H[\d.]+", path.get("d", "")))
    ]
    assert len(grid_ys) == 6  # 0 to 100 % and the axis
    (note,) = [(e, x, y) for e, x, y in _texts(svg) if e.get("class") == "ld-note"]
    _, _, top, bottom = _text_box(svg, *note)
    for grid_y in grid_ys:
        assert grid_y < top - 2 or grid_y > bottom + 2, (grid_y, top, bottom)


def _series_classes(svg: str) -> tuple[set[str], set[str]]:
    """The ld-series-<name> classes on legend keys, and on everything else."""
    keys: set[str] = set()
    drawn: set[str] = set()
    for element in ET.fromstring(svg).iter():
        classes = (element.get("class") or "").split()
        names = {c for c in classes if c.startswith("ld-series-")}
        (keys if "ld-key" in classes else drawn).update(names)
    return keys, drawn


@pytest.mark.parametrize(
    ("chart", "names"),
    [
        ("first_letdown", {"nursing", "pumping"}),
        ("letdowns", {"nursing", "pumping"}),
        ("over_time", {"current", "earlier"}),
        ("rhythm", {"feeds", "pumping"}),
    ],
)
def test_legend_keys_carry_the_class_of_their_series(charts, chart, names):
    keys, drawn = _series_classes(charts[chart])
    expected = {f"ld-series-{name}" for name in names}
    assert keys == expected
    assert drawn == expected


def test_volume_legend_keys_carry_the_class_of_their_side(pumped):
    keys, drawn = _series_classes(render_charts(pumped)["volume"])
    assert keys == drawn == {"ld-series-left", "ld-series-right"}


def test_nursing_and_pumping_take_two_theme_colours_from_the_stylesheet():
    css = INSIGHTS_CSS.read_text()
    rule = re.search(r"\.ld-series-pumping\s*\{([^}]*)\}", css)
    assert rule and "color: var(--pumping-line)" in rule[1]
    light, dark = css.split("prefers-color-scheme: dark", 1)
    light_colour = re.search(r"--pumping-line:\s*(#[0-9a-f]{6})", light)
    dark_colour = re.search(r"--pumping-line:\s*(#[0-9a-f]{6})", dark)
    assert light_colour and dark_colour and light_colour[1] != dark_colour[1]
    # Nursing keeps the accent the chart is drawn in: it must not be the same colour.
    assert light_colour[1] != "#8a2d5c" and dark_colour[1] != "#e38bb5"


def _volume_axis(svg: str) -> tuple[str, float]:
    """The volume chart's y caption, and the tallest bar read off its y axis."""
    root = ET.fromstring(svg)
    caption = next(e.text or "" for e in root.iter(SVG + "text") if e.get("class") == "ld-caption")
    ticks = [
        (float(e.get("y", 0)) - 4, float(e.text or 0))
        for e in root.iter(SVG + "text")
        if e.get("text-anchor") == "end" and e.get("class") == "ld-label"
    ]
    (bottom, low), (top, high) = max(ticks), min(ticks)
    per_unit = (high - low) / (bottom - top)
    tallest = max(
        float(bar.get("height", 0))
        for bar in root.iter(SVG + "rect")
        if "ld-bar" in (bar.get("class") or "")
    )
    return caption, tallest * per_unit


def test_volumes_are_drawn_in_ml_or_oz_as_she_chose(pumped):
    largest_ml = max(group.median_left_ml or 0.0 for group in pumped.letdowns.volume_by_count)
    assert largest_ml == 80.0
    caption, tallest = _volume_axis(render_charts(pumped)["volume"])
    assert caption == "median mL"
    assert tallest == pytest.approx(largest_ml, rel=0.01)
    caption, tallest = _volume_axis(render_charts(pumped, unit="oz")["volume"])
    assert caption == "median oz"
    assert tallest == pytest.approx(largest_ml / ML_PER_OZ, rel=0.01)
