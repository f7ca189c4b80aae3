"""Home: the side to start on, the time since the last feed, today's counts."""

from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse

from letdown.logbook.models import Segment

from ..factories import BottleFeedFactory, SessionFactory

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
