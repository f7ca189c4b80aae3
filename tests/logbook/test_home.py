"""Home: the side to start on, the time since the last feed, today's counts."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse

from letdown.logbook.models import Segment

from ..factories import BottleFeedFactory, LeakFactory, LetDownFactory, SessionFactory

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def since(at: datetime) -> str:
    return f'data-since="{at.isoformat()}" data-format="since"'


@time_machine.travel(NOW, tick=False)
def test_next_side_is_where_the_last_nursing_session_ended(owner_client, family):
    older = SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=6))
    last = SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=3))
    Segment.objects.filter(session=last).update(ended_at=last.started_at + timedelta(minutes=7))
    Segment.objects.create(
        household=family.household,
        session=last,
        side="right",
        started_at=last.started_at + timedelta(minutes=7),
        ended_at=last.ended_at,
    )
    # Pumping since then does not change the side to nurse on.
    SessionFactory(lactation=family.lactation, kind="pumping", started_at=NOW - timedelta(hours=1))
    page = owner_client.get(reverse("home")).content.decode()
    assert "Start on the right side next." in page
    assert since(last.started_at) in page and since(older.started_at) not in page


@time_machine.travel(NOW, tick=False)
def test_since_last_feed_counts_a_newer_bottle_feed(owner_client, family):
    SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=3))
    bottle = BottleFeedFactory(lactation=family.lactation, at=NOW - timedelta(hours=1))
    page = owner_client.get(reverse("home")).content.decode()
    assert since(bottle.at) in page


@time_machine.travel(NOW, tick=False)
def test_home_with_nothing_logged_suggests_no_side(owner_client):
    page = owner_client.get(reverse("home")).content.decode()
    assert "side next." not in page and 'data-format="since"' not in page


@time_machine.travel(NOW, tick=False)
def test_today_counts_everything_since_her_midnight(owner_client, family):
    lactation = family.lactation
    yesterday = NOW - timedelta(hours=13)  # 23:00 the day before, in London
    SessionFactory(lactation=lactation, started_at=yesterday, volume_left_ml=None)
    LeakFactory(lactation=lactation, at=yesterday)
    nursing = SessionFactory(lactation=lactation, started_at=NOW - timedelta(hours=5))
    LetDownFactory(session=nursing)
    pumping = SessionFactory(
        lactation=lactation,
        kind="pumping",
        started_at=NOW - timedelta(hours=3),
        volume_left_ml=60,
        volume_right_ml=90,
    )
    LetDownFactory(session=pumping)
    SessionFactory(
        lactation=lactation,
        kind="hand_expression",
        started_at=NOW - timedelta(hours=2),
        volume_left_ml=10,
    )
    LeakFactory(lactation=lactation, at=NOW - timedelta(hours=4))
    LeakFactory(lactation=lactation, at=NOW - timedelta(hours=1))
    BottleFeedFactory(lactation=lactation, at=NOW - timedelta(minutes=30), volume_ml=90)
    page = owner_client.get(reverse("home")).content.decode()
    assert "<dt>Nursing</dt><dd>1</dd>" in page
    assert "<dt>Pumping</dt><dd>1 · 160 mL</dd>" in page  # pumped and hand-expressed today
    assert "<dt>Hand expression</dt><dd>1</dd>" in page
    assert "<dt>Bottle feeds</dt><dd>1 · 90 mL</dd>" in page
    assert "<dt>Let-downs</dt><dd>2</dd>" in page
    assert "<dt>Leaks</dt><dd>2</dd>" in page


@time_machine.travel(NOW, tick=False)
def test_history_lists_leaks_feeds_and_let_down_offsets(owner_client, family):
    session = SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=2))
    LetDownFactory(session=session, at=session.started_at + timedelta(seconds=102))
    LetDownFactory(session=session, at=session.started_at + timedelta(seconds=370))
    LeakFactory(
        lactation=family.lactation, at=NOW - timedelta(hours=1), amount="wet", trigger="baby_crying"
    )
    BottleFeedFactory(lactation=family.lactation, at=NOW - timedelta(minutes=90), session=session)
    page = owner_client.get(reverse("history")).content.decode()
    assert "let-down first at 1:42, then 6:10" in page
    assert "Leak · Wet · A baby crying" in page
    assert "+ Expressed milk 90 mL" in page  # the top-up, on its session
    assert "Expressed milk · 90 mL" in page  # and the feed itself


def _tap(session, type, at, family):
    from letdown.logbook import services

    return services.record_tap(
        household=family.household, session_pk=session.pk, type=type, at=at, now=at
    )


def test_the_running_session_card_counts_without_its_pauses(owner_client, family):
    from letdown.logbook import services

    start = datetime.now(UTC) - timedelta(minutes=10)
    session = services.start_session(
        household=family.household,
        lactation=family.lactation,
        kind="pumping",
        side="both",
        at=start,
        now=start,
    ).session
    _tap(session, "pause", start + timedelta(minutes=2), family)
    page = owner_client.get(reverse("home")).content.decode()
    # Paused: the timer stands at the two minutes she pumped, not the ten since the start.
    assert 'data-frozen="120"' in page

    _tap(session, "resume", start + timedelta(minutes=7), family)
    page = owner_client.get(reverse("home")).content.decode()
    # Running again: it counts from the moment that leaves out the five-minute pause.
    resumed_clock = start + timedelta(minutes=5)
    assert f'data-since="{resumed_clock.isoformat()}"' in page
    assert "data-frozen" not in page.split('class="running card"')[1].split("</a>")[0]
