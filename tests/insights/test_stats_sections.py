"""The descriptive sections of Insights: let-downs per session, the weeks since birth and the
lactations, leaks beside feed regularity, her 24-hour rhythm and next feed, and anxiety."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from letdown.insights import words
from letdown.insights.stats import FeedRecord, LeakRecord

from .test_stats_helpers import PARIS, insights_for, session, simulated_sessions, spaced


def _local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


# --- Let-downs per session ------------------------------------------------------------------


def test_letdown_counts_intervals_and_volumes_match_hand_counts():
    sessions = spaced(
        [
            session(offsets_s=(10, 70, 250), volume_left_ml=30, volume_right_ml=40),
            session(offsets_s=(20,), volume_left_ml=20),
            session(offsets_s=()),
            session(offsets_s=(15, 75), kind="nursing"),
        ]
    )
    section = insights_for(sessions).letdowns
    pumping = next(c for c in section.counts if c.kind == "pumping")
    assert [b.n_sessions for b in pumping.bins] == [1, 1, 0, 1, 0, 0, 0]
    assert pumping.mean_count == pytest.approx(4 / 3)
    # Intervals 60 s, 180 s (pumping) and 60 s (nursing).
    assert section.n_intervals == 3
    assert (section.interval_quartile_1_s, section.interval_median_s) == (60, 60)
    assert section.interval_quartile_3_s == 120
    assert [b.n_intervals for b in section.interval_bins[:4]] == [0, 2, 0, 1]
    by_count = {v.letdown_count: v for v in section.volume_by_count}
    assert (by_count[3].median_left_ml, by_count[3].median_right_ml) == (30, 40)
    assert by_count[3].median_total_ml == 70
    assert (by_count[1].median_right_ml, by_count[1].median_total_ml) == (None, 20)
    assert section.n_pumping_with_volume == 2
    assert (
        words.letdowns_summary(section)
        == "Your sessions had 1.5 let-downs on average, usually 1 min apart."
    )


def test_more_letdowns_with_more_milk_is_reported_without_a_cause():
    sessions = spaced(
        [
            session(offsets_s=tuple(60.0 * (k + 1) for k in range(n)), volume_left_ml=20 + 15 * n)
            for n in [0, 1, 2, 3, 4, 5] * 3
        ]
    )
    section = insights_for(sessions).letdowns
    assert section.volume_rank_correlation == pytest.approx(1.0)
    assert words.letdowns_summary(section).endswith(
        "Pumping sessions with more let-downs gave more milk."
    )


# --- Over the weeks and across lactations ---------------------------------------------------


def test_week_bins_are_weekly_then_four_weekly():
    sessions = spaced(
        [session(first_letdown_s=t, weeks=-0.3) for t in (100, 120, 140)]
        + [session(first_letdown_s=t, weeks=13.2) for t in (30, 40, 50)]
    )
    bins = insights_for(sessions).over_time.current_weeks
    assert [(b.first_week, b.last_week, b.n_sessions) for b in bins] == [(0, 0, 3), (12, 15, 3)]
    assert [b.median.value_s for b in bins] == [120, 40]


def test_let_down_getting_sooner_over_the_weeks_is_called_only_when_clear():
    clear = spaced(
        [session(first_letdown_s=100 + 3 * i, weeks=0.5) for i in range(30)]
        + [session(first_letdown_s=20 + i, weeks=20.0) for i in range(30)]
    )
    # 30 let-downs each: the medians are midpoints of the 15th and 16th (142 and 145 s).
    assert words.over_time_summary(insights_for(clear).over_time) == (
        "Your let-downs have come sooner over the weeks "
        "(median 2 min 24 s in week 1, 34 s in weeks 21–24)."
    )
    thin = spaced(
        [session(first_letdown_s=t, weeks=0.5) for t in (60, 200)]
        + [session(first_letdown_s=t, weeks=20.0) for t in (50, 190)]
    )
    assert words.over_time_summary(insights_for(thin).over_time).startswith(
        "No clear change over the weeks yet"
    )


def test_this_lactation_is_compared_with_earlier_ones_at_the_same_weeks():
    earlier = simulated_sessions(n=200, seed=21, lactation_id=1, weeks=8.0)
    current = simulated_sessions(n=200, seed=22, lactation_id=2, weeks=8.0, rate_per_s=2 / 90)
    # Sessions of the earlier lactation at other weeks are left out of the comparison.
    earlier += simulated_sessions(n=50, seed=23, lactation_id=1, weeks=30.0)
    section = insights_for(earlier + current, current_lactation_id=2).over_time
    comparison = section.comparison
    assert comparison is not None
    assert (comparison.first_week, comparison.last_week) == (5, 8)
    assert (comparison.n_current, comparison.n_earlier) == (200, 200)
    lower, upper = comparison.hazard_ratio_lower, comparison.hazard_ratio_upper
    assert lower is not None and upper is not None
    assert 1.0 < lower < 2.0 < upper
    assert words.comparison_summary(comparison).startswith(
        "In weeks 6–9, sessions in this lactation let down sooner than at the same weeks before"
    )
    assert len(section.earlier_weeks) == 2


def test_no_comparison_without_an_earlier_lactation():
    sessions = simulated_sessions(n=30, seed=3)
    assert insights_for(sessions).over_time.comparison is None


# --- Leaks beside feed regularity -----------------------------------------------------------


def test_leak_weeks_start_on_her_locales_first_day():
    """A US household's weeks start on Sunday: the leak of Sunday 12 May is in the second
    week, not the Monday-started week of 6 May."""
    from letdown.insights.stats import compute_insights

    leaks = [
        LeakRecord(at=_local(2024, 5, 7, 9, 0), lactation_id=1),
        LeakRecord(at=_local(2024, 5, 12, 9, 0), lactation_id=1),
    ]
    common = {"sessions": [], "feeds": [], "current_lactation_id": 1, "tz": PARIS}
    now = _local(2024, 5, 15, 12, 0)
    sunday = compute_insights(leaks=leaks, now=now, first_weekday=6, **common).leaks
    assert [w.week_start.isoformat() for w in sunday.weeks] == ["2024-05-05", "2024-05-12"]
    assert [w.n_leaks for w in sunday.weeks] == [1, 1]
    monday = compute_insights(leaks=leaks, now=now, **common).leaks
    assert [w.week_start.isoformat() for w in monday.weeks] == ["2024-05-06", "2024-05-13"]
    assert [w.n_leaks for w in monday.weeks] == [2, 0]


def test_leaks_per_day_by_week_count_only_her_days_and_this_lactation():
    feeds = [
        FeedRecord(at=_local(2024, 5, 6, 0, 0) + timedelta(hours=3 * k), lactation_id=1)
        for k in range(60)
    ]
    # A bottle top-up ten minutes after a feed is the same feed.
    feeds.append(FeedRecord(at=_local(2024, 5, 6, 3, 10), lactation_id=1))
    leaks = [
        LeakRecord(at=_local(2024, 5, 7, 9, 0), lactation_id=1),
        LeakRecord(at=_local(2024, 5, 7, 23, 30), lactation_id=1),
        LeakRecord(at=_local(2024, 5, 13, 0, 30), lactation_id=1),
        LeakRecord(at=_local(2024, 5, 8, 9, 0), lactation_id=7),
    ]
    section = insights_for(leaks=leaks, feeds=feeds, now=_local(2024, 5, 15, 12, 0)).leaks
    assert [w.week_start.isoformat() for w in section.weeks] == ["2024-05-06", "2024-05-13"]
    assert [(w.n_days, w.n_leaks) for w in section.weeks] == [(7, 2), (3, 1)]
    assert section.weeks[0].leaks_per_day == pytest.approx(2 / 7)
    assert section.n_leaks == 3
    first = section.weeks[0]
    assert first.n_feed_intervals == 56
    assert (first.interval_median_min, first.interval_iqr_min, first.interval_cv) == (180, 0, 0)


def test_a_long_gap_in_her_log_is_not_a_feed_interval():
    feeds = [
        FeedRecord(at=_local(2024, 5, 6, 6, 0) + timedelta(hours=h), lactation_id=1)
        for h in (0, 3, 6, 9, 12, 28, 31)
    ]
    section = insights_for(feeds=feeds, now=_local(2024, 5, 8, 12, 0)).leaks
    assert section.weeks[0].n_feed_intervals == 5
    assert section.weeks[0].interval_median_min == 180
    assert words.leaks_summary(section) == "No leaks logged in this lactation."


def test_leaks_fading_as_feeds_settle_is_summarised_from_the_numbers():
    start = _local(2024, 5, 6, 0, 0)
    feeds, leaks = [], []
    for day in range(42):
        early = day < 14
        hours = [0, 1.5, 5, 6, 10, 13, 14.5, 19, 22] if early else [0, 3, 6, 9, 12, 15, 18, 21]
        feeds += [
            FeedRecord(at=start + timedelta(days=day, hours=h), lactation_id=1) for h in hours
        ]
        leaks += [
            LeakRecord(at=start + timedelta(days=day, hours=8 + k), lactation_id=1)
            for k in range(2 if early else (1 if day % 2 else 0))
        ]
    section = insights_for(leaks=leaks, feeds=feeds, now=start + timedelta(days=41, hours=23)).leaks
    assert words.leaks_summary(section).startswith(
        "Leaks: 2.0 a day in your first two weeks, 0.5 a day in the last two; "
        "your feed intervals varied by"
    )
    assert words.leaks_summary(section).endswith(", 0 % now.")
    assert section.rank_correlation is not None and section.rank_correlation > 0.5


# --- Her rhythm and the next feed -----------------------------------------------------------


def test_hours_are_her_clock_hours_across_the_autumn_dst_change():
    # 02:30 happens twice in Paris on 27 October 2024: at 00:30 UTC and at 01:30 UTC.
    feeds = [
        FeedRecord(at=datetime(2024, 10, 27, 0, 30, tzinfo=UTC), lactation_id=1),
        FeedRecord(at=datetime(2024, 10, 27, 1, 30, tzinfo=UTC), lactation_id=1),
        FeedRecord(at=datetime(2024, 10, 27, 4, 0, tzinfo=UTC), lactation_id=1),
    ]
    rhythm = insights_for(feeds=feeds).rhythm
    assert [h.n_feeds for h in rhythm.hours if h.n_feeds] == [2, 1]
    assert rhythm.hours[2].n_feeds == 2 and rhythm.hours[5].n_feeds == 1


def test_hours_skip_the_missing_hour_in_spring():
    # 01:30 UTC on 31 March 2024 is 03:30 in Paris: the clock jumped from 02:00 to 03:00.
    feeds = [
        FeedRecord(at=datetime(2024, 3, 31, 0, 30, tzinfo=UTC), lactation_id=1),
        FeedRecord(at=datetime(2024, 3, 31, 1, 30, tzinfo=UTC), lactation_id=1),
    ]
    hours = insights_for(feeds=feeds).rhythm.hours
    assert (hours[1].n_feeds, hours[2].n_feeds, hours[3].n_feeds) == (1, 0, 1)


def _alternating_feeds(days: int) -> list[FeedRecord]:
    # Every day at 00:00, 02:30, 06:00, 08:30, 12:00, 14:30, 18:00, 20:30 her time: intervals
    # of 2 h 30 after the hours 00, 06, 12, 18 and of 3 h 30 after the others.
    start = _local(2024, 5, 6, 0, 0)
    return [
        FeedRecord(at=start + timedelta(days=day, hours=h), lactation_id=1)
        for day in range(days)
        for h in (0, 2.5, 6, 8.5, 12, 14.5, 18, 20.5)
    ]


def test_next_feed_uses_her_intervals_at_this_time_of_day():
    feeds = [f for f in _alternating_feeds(10) if f.at <= _local(2024, 5, 15, 18, 0)]
    now = _local(2024, 5, 15, 19, 0)
    next_feed = insights_for(feeds=feeds, now=now).rhythm.next_feed
    assert next_feed.predicted_at == _local(2024, 5, 15, 20, 30)
    assert next_feed.earliest_at == next_feed.latest_at == next_feed.predicted_at
    assert next_feed.n_intervals == 9
    assert words.next_feed_summary(next_feed, PARIS) == (
        "Next feed likely around 20:30 (between 20:30 and 20:30), "
        "from 9 intervals of yours at this time of day."
    )


def test_next_feed_is_not_predicted_once_she_is_past_her_usual_intervals():
    feeds = [f for f in _alternating_feeds(10) if f.at <= _local(2024, 5, 15, 18, 0)]
    next_feed = insights_for(feeds=feeds, now=_local(2024, 5, 15, 21, 0)).rhythm.next_feed
    assert next_feed.predicted_at is None
    assert next_feed.reason == "overdue"
    stale = insights_for(feeds=feeds, now=_local(2024, 5, 16, 7, 0)).rhythm.next_feed
    assert stale.reason == "no_recent_feed"


def test_rhythm_counts_the_last_four_weeks_only():
    feeds = _alternating_feeds(40)
    rhythm = insights_for(feeds=feeds, now=_local(2024, 6, 14, 23, 0)).rhythm
    assert rhythm.n_days == 28
    assert rhythm.n_feeds == 28 * 8
    assert words.rhythm_summary(rhythm) == (
        "Over the last 28 days you fed about 8.0 times a day, most often between 00:00 and 01:00."
    )


# --- Anxiety --------------------------------------------------------------------------------


def test_anxiety_that_slows_let_down_shows_as_a_rate_below_one():
    sessions = simulated_sessions(n=300, seed=9, anxiety_high_rate=0.4)
    section = insights_for(sessions).anxiety
    assert section.high is not None and section.high.status == "estimated"
    assert section.high.clear and section.high.hazard_ratio_upper < 1.0
    assert words.anxiety_summary(section).startswith(
        "Sessions that started more anxious (5 or more) tended to take longer to let down"
    )
    low = next(level for level in section.levels if level.anxiety == 1)
    high = next(level for level in section.levels if level.anxiety == 9)
    assert high.median_s is not None and low.median_s is not None
    assert high.median_s > low.median_s
    assert len(section.points) == 300


def test_anxiety_needs_enough_sessions_with_a_let_down():
    sessions = spaced([session(first_letdown_s=30 * a, anxiety=a) for a in (1, 2, 3)])
    section = insights_for(sessions).anxiety
    assert section.high is not None and section.high.status == "not_enough_sessions"
    assert section.high.hazard_ratio is None
    assert words.anxiety_summary(section).startswith("Not enough sessions yet to compare anxiety")
