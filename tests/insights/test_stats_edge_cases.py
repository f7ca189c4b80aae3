"""Edge cases give sensible output, not errors: no data, only censored sessions, one session,
sessions still running, a DST change; and the results survive the cache's pickling."""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from letdown.insights import words
from letdown.insights.charts import render_charts
from letdown.insights.stats import FeedRecord, Insights, LeakRecord, compute_insights

from .test_stats_helpers import PARIS, T0, insights_for, session, simulated_sessions, spaced


def _all_summaries(insights: Insights) -> list[str]:
    return [
        words.first_letdown_summary(insights.first_letdown),
        *(words.curve_summary(curve) for curve in insights.first_letdown.curves),
        words.what_helps_summary(insights.what_helps),
        words.anxiety_summary(insights.anxiety),
        words.letdowns_summary(insights.letdowns),
        words.over_time_summary(insights.over_time),
        words.leaks_summary(insights.leaks),
        words.rhythm_summary(insights.rhythm),
        words.next_feed_summary(insights.rhythm.next_feed, ZoneInfo(insights.time_zone)),
        words.pump_switch_summary(insights.pump_switch),
    ]


def test_no_data_at_all_gives_plain_summaries_and_empty_charts():
    insights = insights_for([])
    assert insights.n_sessions == 0
    assert words.first_letdown_summary(insights.first_letdown) == (
        "No finished sessions yet: time to first let-down appears after your first one."
    )
    assert insights.what_helps.factors == ()
    assert (
        words.what_helps_summary(insights.what_helps)
        == "No finished sessions yet to compare what helps."
    )
    assert words.leaks_summary(insights.leaks) == "Nothing logged in this lactation yet."
    assert insights.rhythm.next_feed.reason == "no_feeds"
    assert insights.pump_switch.switch_time_s is None
    assert all(summary.endswith(".") for summary in _all_summaries(insights))
    # Nothing to draw: the page says so in words instead of an empty chart.
    assert all(chart is None for chart in render_charts(insights).values())


def test_only_censored_sessions_have_no_median_and_say_so():
    sessions = spaced([session(first_letdown_s=None, duration_s=d) for d in (300, 600, 900)])
    insights = insights_for(sessions)
    curve = next(c for c in insights.first_letdown.curves if c.kind == "pumping")
    assert (curve.n_sessions, curve.n_censored) == (3, 3)
    assert curve.median.value_s is None
    assert curve.share_by_reference_time == 0.0
    assert (
        words.curve_summary(curve) == "None of your 3 pumping sessions had a let-down logged yet."
    )
    assert insights.letdowns.counts[1].bins[0].n_sessions == 3
    assert render_charts(insights)["first_letdown"] is None


def test_one_session_gives_its_own_time_as_the_median():
    insights = insights_for([session(first_letdown_s=75, kind="nursing")])
    curve = next(c for c in insights.first_letdown.curves if c.kind == "nursing")
    assert curve.median.value_s == 75
    assert words.curve_summary(curve).startswith(
        "By 2 min, 100 % of your nursing sessions had let down"
    )
    assert insights.anxiety.high is None
    chart = render_charts(insights)["first_letdown"]
    assert chart is not None and chart.series == ("nursing",)
    assert chart.svg.count("ld-line") == 1


def test_sessions_still_running_are_left_out():
    sessions = spaced([session(first_letdown_s=50), session(running=True, offsets_s=(20, 90))])
    insights = insights_for(sessions)
    assert (insights.n_sessions, insights.n_running) == (1, 1)
    assert insights.letdowns.n_intervals == 0


def test_a_let_down_tapped_before_the_start_counts_at_once():
    curve = next(
        c
        for c in insights_for([session(first_letdown_s=-4)]).first_letdown.curves
        if c.kind == "pumping"
    )
    assert curve.median.value_s == 0


def test_sessions_across_a_dst_change_keep_their_clock_hours():
    # 22:00 local on both sides of the spring change in Paris (20:00 UTC, then 21:00 UTC).
    sessions = [
        session(first_letdown_s=40, started_at=datetime(2024, 3, 30, 21, 0, tzinfo=UTC)),
        session(first_letdown_s=50, started_at=datetime(2024, 3, 31, 20, 0, tzinfo=UTC)),
    ]
    feeds = [FeedRecord(at=s.started_at, lactation_id=1) for s in sessions]
    insights = insights_for(sessions, feeds=feeds, now=datetime(2024, 3, 31, 22, 0, tzinfo=UTC))
    assert insights.rhythm.hours[22].n_feeds == 2
    assert insights.rhythm.hours[22].n_pumping_sessions == 2
    assert insights.leaks.weeks[-1].n_days == 1  # Sunday 31 March ends that week


def test_records_stamped_after_now_do_not_break_the_weeks():
    leaks = [LeakRecord(at=T0 + timedelta(days=2), lactation_id=1)]
    insights = insights_for(leaks=leaks, now=T0)
    assert all(week.n_days >= 1 for week in insights.leaks.weeks)


def test_without_a_current_lactation_the_latest_record_picks_it():
    sessions = simulated_sessions(n=20, seed=1, lactation_id=3)
    feeds = [FeedRecord(at=s.started_at, lactation_id=3) for s in sessions]
    insights = insights_for(sessions, feeds=feeds, current_lactation_id=None)
    assert insights.rhythm.n_feeds > 0
    assert insights.over_time.current_weeks


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        compute_insights(
            sessions=[],
            leaks=[],
            feeds=[],
            current_lactation_id=1,
            now=datetime(2024, 1, 1),
            tz=PARIS,
        )


def test_results_survive_the_caches_pickle_round_trip_with_no_nan():
    sessions = simulated_sessions(n=150, seed=2, aid_rate={"warm_compress": 2.0})
    feeds = [FeedRecord(at=s.started_at, lactation_id=1) for s in sessions if s.kind == "nursing"]
    leaks = [
        LeakRecord(at=s.started_at + timedelta(minutes=50), lactation_id=1) for s in sessions[::7]
    ]
    insights = insights_for(sessions, feeds=feeds, leaks=leaks)
    # The cache pickles the tree; a NaN anywhere would make it unequal to itself.
    restored = pickle.loads(pickle.dumps(insights))
    assert restored == insights
    assert render_charts(restored) == render_charts(insights)


def test_the_core_and_the_drawing_module_import_nothing_from_django():
    code = (
        "import sys, letdown.insights.stats, letdown.core.charts, letdown.core.survival; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
