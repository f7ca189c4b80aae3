"""The selector: her records loaded in a fixed number of queries, weeks counted from her local
dates, results cached per data version, and a next-feed prediction never left in the past."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache

from letdown.accounts.models import Baby, Household
from letdown.insights import selectors
from letdown.logbook.selectors import pump_switch_time_s

from ..factories import BottleFeedFactory, LeakFactory, LetDownFactory, SessionFactory, start, tap


class Spy:
    """Counts calls and passes them on to the real function."""

    def __init__(self, function):
        self.function = function
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


def start_session(family, at: datetime, kind: str = "nursing", side: str = "left"):
    """A live session started through the logbook's service, as the app does."""
    return start(family.lactation, kind, side, at)


@pytest.fixture
def compute_spy(monkeypatch):
    spy = Spy(selectors.compute_insights)
    monkeypatch.setattr(selectors, "compute_insights", spy)
    return spy


def _fresh(household: Household) -> Household:
    # The data version is bumped in the database; a request loads the household anew.
    return Household.objects.get(pk=household.pk)


def test_a_night_feed_counts_in_the_week_of_her_local_date(family):
    family.household.time_zone = "Europe/Paris"
    family.household.save()
    Baby.objects.filter(lactation=family.lactation).update(birth_date=date(2026, 10, 1))
    # 00:30 on 8 October in Paris, day 7 after the birth, is still 7 October in UTC.
    SessionFactory(lactation=family.lactation, started_at=datetime(2026, 10, 7, 22, 30, tzinfo=UTC))
    (record,), _, _ = selectors.load_records(family.household)
    assert record.weeks_since_birth == 1.0


def test_records_carry_letdowns_volumes_aids_and_feeds(family):
    started_at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    pumping = SessionFactory(
        lactation=family.lactation,
        kind="pumping",
        started_at=started_at,
        volume_left_ml=60,
        volume_right_ml=45,
        aids=["warm_compress", "baby_cry"],
        anxiety_before=3,
    )
    LetDownFactory(session=pumping, at=started_at + timedelta(seconds=300))
    LetDownFactory(session=pumping, at=started_at + timedelta(seconds=95))
    nursing = SessionFactory(lactation=family.lactation, started_at=started_at + timedelta(hours=3))
    LeakFactory(lactation=family.lactation, at=started_at + timedelta(hours=1))
    BottleFeedFactory(lactation=family.lactation, at=started_at + timedelta(hours=5))
    # A bottle that topped up a session is part of that feed, not a feed of its own.
    BottleFeedFactory(
        lactation=family.lactation, at=nursing.started_at + timedelta(minutes=20), session=nursing
    )
    sessions, leaks, feeds = selectors.load_records(family.household)
    by_kind = {record.kind: record for record in sessions}
    assert by_kind["pumping"].letdown_offsets_s == (95.0, 300.0)
    assert (by_kind["pumping"].volume_left_ml, by_kind["pumping"].volume_right_ml) == (60, 45)
    assert by_kind["pumping"].aids == frozenset({"warm_compress", "baby_cry"})
    assert by_kind["pumping"].anxiety_before == 3
    assert by_kind["nursing"].letdown_offsets_s == ()
    assert [leak.at for leak in leaks] == [started_at + timedelta(hours=1)]
    assert sorted(feed.at for feed in feeds) == [
        nursing.started_at,
        started_at + timedelta(hours=5),
    ]


def test_records_are_loaded_in_five_queries_whatever_the_history(family, django_assert_num_queries):
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for index in range(12):
        session = SessionFactory(
            lactation=family.lactation, started_at=start + timedelta(hours=3 * index)
        )
        LetDownFactory(session=session)
        LeakFactory(lactation=family.lactation, at=session.started_at + timedelta(hours=1))
    with django_assert_num_queries(5):
        sessions, leaks, _ = selectors.load_records(family.household)
    assert (len(sessions), len(leaks)) == (12, 12)


def test_records_of_another_household_are_never_loaded(family, stranger_family):
    SessionFactory(lactation=stranger_family.lactation)
    LeakFactory(lactation=stranger_family.lactation)
    assert selectors.load_records(family.household) == ([], [], [])


def test_results_are_computed_once_per_data_version(family, compute_spy):
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    SessionFactory(lactation=family.lactation, started_at=now - timedelta(hours=2))
    first = selectors.insights_page_for(_fresh(family.household), now).insights
    again = selectors.insights_page_for(
        _fresh(family.household), now + timedelta(minutes=5)
    ).insights
    assert compute_spy.calls == 1
    assert again == first
    assert first.n_sessions == 1
    session = start_session(family, now - timedelta(minutes=30))
    tap(session, "end", now - timedelta(minutes=15))
    after = selectors.insights_page_for(_fresh(family.household), now).insights
    assert compute_spy.calls == 2
    assert after.n_sessions == 2


def test_results_roll_over_at_her_midnight(family, compute_spy):
    household = family.household  # Europe/London, UTC+0 in November
    SessionFactory(lactation=family.lactation, started_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    selectors.insights_page_for(household, datetime(2026, 11, 27, 23, 50, tzinfo=UTC))
    selectors.insights_page_for(household, datetime(2026, 11, 27, 23, 59, tzinfo=UTC))
    assert compute_spy.calls == 1
    selectors.insights_page_for(household, datetime(2026, 11, 28, 0, 10, tzinfo=UTC))
    assert compute_spy.calls == 2


def _regular_feeds(family, last_feed_at: datetime, days: int = 10) -> None:
    """Nursing sessions every 3 hours, give or take 20 minutes, up to `last_feed_at`."""
    for index in range(days * 8):
        started_at = last_feed_at - timedelta(hours=3 * index, minutes=(index * 7) % 20)
        SessionFactory(lactation=family.lactation, started_at=started_at)


def test_a_next_feed_prediction_is_not_left_in_the_past(family, compute_spy):
    last_feed_at = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    _regular_feeds(family, last_feed_at)
    household = _fresh(family.household)
    early = selectors.insights_page_for(household, last_feed_at + timedelta(minutes=30)).insights
    next_feed = early.rhythm.next_feed
    assert next_feed.earliest_at is not None and next_feed.predicted_at is not None
    # Before the predicted range starts, nothing changed: the cached results stand.
    selectors.insights_page_for(household, next_feed.earliest_at - timedelta(minutes=1))
    assert compute_spy.calls == 1
    # Once it has started, the prediction is made again from the time since her last feed.
    later_now = next_feed.earliest_at + timedelta(minutes=1)
    later = selectors.insights_page_for(household, later_now).insights.rhythm.next_feed
    assert compute_spy.calls == 2
    assert later.earliest_at is None or later.earliest_at > later_now


def test_the_page_keeps_its_charts_with_its_results(family, monkeypatch, compute_spy):
    charts_spy = Spy(selectors.render_charts)
    monkeypatch.setattr(selectors, "render_charts", charts_spy)
    last_feed_at = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    _regular_feeds(family, last_feed_at, days=8)
    household = _fresh(family.household)
    page = selectors.insights_page_for(household, last_feed_at + timedelta(minutes=30))
    earliest_at = page.insights.rhythm.next_feed.earliest_at
    assert earliest_at is not None
    warm = selectors.insights_page_for(household, earliest_at - timedelta(minutes=1))
    assert (compute_spy.calls, charts_spy.calls) == (1, 1)
    assert warm.charts == page.charts
    assert warm.insights == page.insights
    selectors.insights_page_for(household, earliest_at + timedelta(minutes=1))
    assert (compute_spy.calls, charts_spy.calls) == (2, 2)


def test_charts_are_drawn_again_in_her_new_unit_from_the_cached_results(
    family, monkeypatch, compute_spy
):
    charts_spy = Spy(selectors.render_charts)
    monkeypatch.setattr(selectors, "render_charts", charts_spy)
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    SessionFactory(lactation=family.lactation, started_at=now - timedelta(hours=2))
    household = _fresh(family.household)
    first = selectors.insights_page_for(household, now)
    household.unit = "oz"  # her choice of unit changes no data version
    again = selectors.insights_page_for(household, now)
    assert again.insights == first.insights
    assert (compute_spy.calls, charts_spy.calls) == (1, 2)


def test_pump_switch_time_is_the_pages_figure_from_one_small_query(
    family, stranger_family, django_assert_num_queries
):
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    for index, first_s in enumerate((60, 75, 90, 100, 110, 120, 150, 200, 240, 260)):
        started_at = now - timedelta(hours=4 * (index + 1))
        session = SessionFactory(lactation=family.lactation, kind="pumping", started_at=started_at)
        LetDownFactory(session=session, at=started_at + timedelta(seconds=first_s))
        LetDownFactory(session=session, at=started_at + timedelta(seconds=first_s + 90))
    # One that ended without a let-down counts, censored at its end.
    SessionFactory(lactation=family.lactation, kind="pumping", started_at=now - timedelta(hours=1))
    # A stranger's quick let-downs must not pull hers down.
    for index in range(20):
        started_at = now - timedelta(hours=index + 1)
        other = SessionFactory(
            lactation=stranger_family.lactation, kind="pumping", started_at=started_at
        )
        LetDownFactory(session=other, at=started_at + timedelta(seconds=5))
    cache.clear()
    with django_assert_num_queries(1):
        switch_s = pump_switch_time_s(family.household)
    # 11 sessions: 8 of them had let down by 200 s (not yet 3 in 4), 9 by 240 s.
    assert switch_s == 240
    assert (
        switch_s
        == selectors.insights_page_for(family.household, now).insights.pump_switch.switch_time_s
    )


def test_too_few_pumping_sessions_give_no_pump_switch_time(family):
    SessionFactory(lactation=family.lactation, kind="pumping")
    assert pump_switch_time_s(family.household) is None


def test_an_older_deployments_entry_of_another_shape_is_recomputed(
    family, monkeypatch, compute_spy
):
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    SessionFactory(lactation=family.lactation, started_at=now - timedelta(hours=2))
    household = _fresh(family.household)
    # A deployment that cached results of another shape (a dict) left its entry behind.
    monkeypatch.setattr(selectors, "compute_insights", lambda **_: {"schema_version": 1})
    assert selectors.insights_for(household, now) == {"schema_version": 1}
    monkeypatch.setattr(selectors, "compute_insights", compute_spy)
    assert selectors.insights_page_for(household, now).insights.n_sessions == 1
    assert selectors.insights_for(household, now).n_sessions == 1
    assert compute_spy.calls == 1
