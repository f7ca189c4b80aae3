"""The inline SVG charts: well-formed, accessible, escaped, themeable and light."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from letdown.insights.stats import FeedRecord, LeakRecord
from letdown.insights.stats.charts import render_charts

from .test_stats_helpers import insights_for, simulated_sessions

SVG = "{http://www.w3.org/2000/svg}"


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
