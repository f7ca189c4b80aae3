"""Home's "median time to first let-down, last 7 days": the Kaplan–Meier median Insights uses
too, so a session that ended without a let-down counts, and only her own let-downs are read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from letdown.logbook import selectors

from ..factories import LetDownFactory, SessionFactory

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_median_counts_a_session_without_a_let_down_as_censored(family):
    # Let-downs at 40 s and 60 s, and two sessions that ended after 15 minutes without one:
    # dropping those two would say 50 s; counted, half had let down by 60 s and no more later.
    for hours, letdown_s in ((1, 40), (2, 60), (3, None), (4, None)):
        session = SessionFactory(
            lactation=family.lactation,
            started_at=NOW - timedelta(hours=hours),
            ended_at=NOW - timedelta(hours=hours) + timedelta(minutes=15),
        )
        if letdown_s is not None:
            LetDownFactory(session=session, at=session.started_at + timedelta(seconds=letdown_s))
    median = selectors.median_first_letdown(family.household, NOW)
    assert (median.with_letdown, median.sessions) == (2, 4)
    # The curve sits at exactly one half from 60 s to the end: R's midpoint rule.
    assert median.median_s == (60 + 15 * 60) / 2


def test_median_reads_only_her_own_let_downs(family, stranger_family):
    session = SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=1))
    LetDownFactory(session=session, at=session.started_at + timedelta(seconds=90))
    other = SessionFactory(lactation=stranger_family.lactation, started_at=NOW - timedelta(hours=1))
    LetDownFactory(session=other, at=other.started_at + timedelta(seconds=5))
    median = selectors.median_first_letdown(family.household, NOW)
    assert (median.median_s, median.sessions) == (90.0, 1)


def test_a_let_down_tapped_before_the_start_counts_at_zero(family):
    session = SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=1))
    LetDownFactory(session=session, at=session.started_at - timedelta(seconds=3))
    assert selectors.median_first_letdown(family.household, NOW).median_s == 0.0
