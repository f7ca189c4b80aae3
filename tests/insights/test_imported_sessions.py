"""Sessions imported from another app carry no let-downs: they count as feeds and in her
rhythm, and every let-down statistic leaves them out (they would read as sessions where no
let-down came)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from letdown.insights.selectors import insights_for
from letdown.logbook.models import Session
from letdown.logbook.selectors import median_first_letdown, pump_switch_time_s

from ..factories import LetDownFactory, SessionFactory

START = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _imported(family, at: datetime, kind: str) -> Session:
    return Session.objects.create(
        household=family.household,
        lactation=family.lactation,
        kind=kind,
        started_at=at,
        ended_at=at + timedelta(minutes=20),
        volume_left_ml=60.0 if kind == "pumping" else None,
        source="babybuddy",
    )


def test_imported_sessions_count_for_feeds_and_rhythm_not_letdown_statistics(family):
    for day in range(12):
        at = START + timedelta(days=day)
        logged = SessionFactory(lactation=family.lactation, kind="nursing", started_at=at)
        LetDownFactory(session=logged, at=at + timedelta(seconds=90))
        pumped = SessionFactory(
            lactation=family.lactation, kind="pumping", started_at=at + timedelta(hours=1)
        )
        LetDownFactory(session=pumped, at=at + timedelta(hours=1, seconds=120))
        for hours in (3, 6, 9):
            _imported(family, at + timedelta(hours=hours), "nursing")
        _imported(family, at + timedelta(hours=10), "pumping")

    insights = insights_for(family.household, NOW)

    # Let-down statistics: only the 24 logged sessions, every one of which let down.
    curves = {curve.kind: curve for curve in insights.first_letdown.curves}
    assert curves["nursing"].n_sessions == 12 and curves["nursing"].n_censored == 0
    assert curves["pumping"].n_sessions == 12 and curves["pumping"].n_censored == 0
    assert insights.n_sessions == 24
    counts = {count.kind: count for count in insights.letdowns.counts}
    assert counts["nursing"].mean_count == 1.0
    assert insights.pump_switch.n_censored == 0
    assert pump_switch_time_s(family.household) is not None
    # Rhythm: four feeds a day (one logged, three imported) and two pumping sessions.
    window = insights.rhythm.window_days
    assert insights.rhythm.n_feeds == 4 * min(window, 12)
    assert insights.rhythm.n_pumping_sessions == 2 * min(window, 12)


def test_homes_median_first_letdown_leaves_imported_sessions_out(family):
    at = NOW - timedelta(hours=5)
    logged = SessionFactory(lactation=family.lactation, started_at=at)
    LetDownFactory(session=logged, at=at + timedelta(seconds=60))
    _imported(family, at + timedelta(hours=1), "nursing")
    median = median_first_letdown(family.household, NOW)
    assert (median.sessions, median.with_letdown, median.median_s) == (1, 1, 60.0)
