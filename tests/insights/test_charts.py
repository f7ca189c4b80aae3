"""The Insights charts: well-formed, accessible, themeable and light SVG of geometry and tick
numbers only (titles, legends and captions are HTML in the page); series keyed alike in the
chart and its legend; volumes in her unit. And the core's results carry no sentences."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest

from letdown.core.units import ML_PER_OZ
from letdown.insights.charts import Chart, Forest, render_charts
from letdown.insights.stats import FeedRecord, Insights, LeakRecord

from .test_stats_helpers import insights_for, session, simulated_sessions, spaced

SVG = "{http://www.w3.org/2000/svg}"
# What a tick label may be: a number with its unit, an hour, a rate, or "3 Jun" (a week's
# first day). Anything longer is a word that belongs in the HTML around the chart.
TICK = re.compile(r"^(\d+(\.\d+)?( %)?\+?|\d\d:00|[¼½\d]×|\d{1,2} \w{3,4}\.?)$")


@pytest.fixture(scope="module")
def history() -> Insights:
    sessions = simulated_sessions(n=600, seed=12, aid_rate={"warm_compress": 2.0})
    sessions += simulated_sessions(n=200, seed=13, lactation_id=2, weeks=3.0)
    feeds = [FeedRecord(at=s.started_at, lactation_id=1) for s in sessions if s.kind == "nursing"]
    leaks = [
        LeakRecord(at=s.started_at + timedelta(minutes=40), lactation_id=1) for s in sessions[::5]
    ]
    return insights_for(sessions, feeds=feeds, leaks=leaks)


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


def _svgs(charts: dict[str, Chart | Forest | None]) -> dict[str, str]:
    found = {}
    for name, chart in charts.items():
        if isinstance(chart, Chart):
            found[name] = chart.svg
        elif isinstance(chart, Forest):
            found[f"{name}_axis"] = chart.axis
            for row in chart.rows:
                found[f"{name}_{row.slug}"] = row.svg
    return found


def test_every_section_draws_a_chart_from_a_full_history(history):
    charts = render_charts(history)
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
    assert all(chart is not None for name, chart in charts.items() if name != "volume")


def test_charts_are_images_named_by_their_html_title_and_caption(history):
    for name, chart in render_charts(history).items():
        if not isinstance(chart, Chart):
            continue
        root = ET.fromstring(chart.svg)
        assert root.tag == SVG + "svg", name
        assert root.get("role") == "img"
        slug = name.replace("_", "-")
        assert root.get("aria-labelledby") == f"chart-{slug}-title chart-{slug}-caption"
        assert (root.get("viewBox") or "").startswith("0 0 360 ")


def test_charts_hold_no_words_only_tick_numbers(history, pumped):
    svgs = _svgs(render_charts(history)) | _svgs(render_charts(pumped))
    for name, svg in svgs.items():
        for element in ET.fromstring(svg).iter():
            assert element.tag not in (SVG + "title", SVG + "desc"), name
            if element.tag == SVG + "text":
                assert TICK.match(element.text or ""), (name, element.text)


def test_charts_draw_with_current_color_only_and_stay_light(history):
    for name, svg in _svgs(render_charts(history)).items():
        for element in ET.fromstring(svg).iter():
            for attribute in ("fill", "stroke", "color"):
                assert element.get(attribute) in (None, "currentColor", "none"), name
            assert element.get("style") is None
        assert "<script" not in svg and "href" not in svg
        assert len(svg.encode()) < 10_000, name


def test_the_first_chart_draws_both_kinds_and_the_pump_switch_line(history):
    chart = render_charts(history)["first_letdown"]
    assert isinstance(chart, Chart)
    assert chart.series == ("nursing", "pumping")
    assert chart.marker and 'class="ld-marker"' in chart.svg
    assert chart.svg.count('class="ld-band"') == 2


def test_forest_plot_has_a_row_per_estimated_factor_clear_ones_filled(history):
    forest = render_charts(history)["what_helps"]
    assert isinstance(forest, Forest)
    estimated = [f for f in history.what_helps.factors if f.status == "estimated"]
    assert [row.slug for row in forest.rows] == [f.slug for f in estimated]
    compress = next(row for row in forest.rows if row.slug == "warm_compress")
    assert compress.clear
    assert '<circle cx="' in compress.svg and 'fill="none"' not in compress.svg.split("<circle")[1]
    # Rows are drawn for the eye; the name and rate beside each are HTML.
    assert 'aria-hidden="true"' in compress.svg


def _series_classes(svg: str) -> set[str]:
    return {
        name
        for element in ET.fromstring(svg).iter()
        for name in (element.get("class") or "").split()
        if name.startswith("ld-series-")
    }


@pytest.mark.parametrize(
    ("name", "series"),
    [
        ("first_letdown", ("nursing", "pumping")),
        ("letdowns", ("nursing", "pumping")),
        ("over_time", ("current", "earlier")),
        ("rhythm", ("feeds", "pumping")),
    ],
)
def test_each_series_drawn_is_named_for_the_legend(history, name, series):
    chart = render_charts(history)[name]
    assert isinstance(chart, Chart)
    assert chart.series == series
    assert _series_classes(chart.svg) == {f"ld-series-{s}" for s in series}


def _tallest_bar_in_axis_units(svg: str) -> float:
    root = ET.fromstring(svg)
    ticks = [
        (float(e.get("y", 0)) - 4, float(e.text or 0))
        for e in root.iter(SVG + "text")
        if e.get("text-anchor") == "end"
    ]
    (bottom, low), (top, high) = max(ticks), min(ticks)
    per_unit = (high - low) / (bottom - top)
    tallest = max(
        float(bar.get("height", 0))
        for bar in root.iter(SVG + "rect")
        if "ld-bar" in (bar.get("class") or "")
    )
    return tallest * per_unit


def test_volumes_are_drawn_in_ml_or_oz_as_she_chose(pumped):
    largest_ml = max(group.median_left_ml or 0.0 for group in pumped.letdowns.volume_by_count)
    assert largest_ml == 80.0
    in_ml = render_charts(pumped)["volume"]
    in_oz = render_charts(pumped, unit="oz")["volume"]
    assert isinstance(in_ml, Chart) and isinstance(in_oz, Chart)
    assert in_ml.series == ("left", "right")
    assert _tallest_bar_in_axis_units(in_ml.svg) == pytest.approx(largest_ml, rel=0.01)
    assert _tallest_bar_in_axis_units(in_oz.svg) == pytest.approx(largest_ml / ML_PER_OZ, rel=0.01)


def _strings(value: object, path: str = "insights") -> list[tuple[str, str]]:
    """Every string in the results tree, with where it is."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, (datetime, date, int, float)) or value is None:
        return []
    if isinstance(value, tuple):
        return [s for i, item in enumerate(value) for s in _strings(item, f"{path}[{i}]")]
    assert dataclasses.is_dataclass(value), path
    return [
        s
        for field in dataclasses.fields(value)
        for s in _strings(getattr(value, field.name), f"{path}.{field.name}")
    ]


def test_the_cores_results_hold_slugs_never_sentences(history):
    strings = _strings(history) + _strings(insights_for([]))
    assert strings
    for path, text in strings:
        if path.endswith(".time_zone"):
            continue
        assert re.fullmatch(r"[a-z_]+", text), (path, text)
