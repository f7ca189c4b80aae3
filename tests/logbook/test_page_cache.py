"""Home and history are read from the page cache when nothing has changed, and are fresh the
moment anything does: a write, her unit, the clock for a running session, her midnight."""

import re
from datetime import UTC, datetime, timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letdown.accounts.models import Household
from letdown.logbook import selectors
from letdown.logbook.models import Session

from ..factories import LetDownFactory, SessionFactory

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 12:00 in London, where the family lives


def get(client, name: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name))
    assert response.status_code == 200
    # The CSRF token is masked afresh on every response.
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return page, len(ctx.captured_queries)


@time_machine.travel(NOW, tick=False)
def test_home_again_is_served_from_the_cache_and_a_let_down_shows_at_once(owner_client, family):
    SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=2))
    first, cold_queries = get(owner_client, "home")
    again, warm_queries = get(owner_client, "home")
    assert again == first
    assert warm_queries < cold_queries - 3  # the figures came from the cache

    owner_client.post(reverse("session_start"), {"kind_side": "pumping:both"})
    session = Session.objects.get(ended_at__isnull=True)
    owner_client.post(reverse("session_letdown", args=[session.pk]))
    page, _ = get(owner_client, "home")
    assert reverse("session_live", args=[session.pk]) in page  # the running session
    assert "<dt>Let-downs</dt><dd>1</dd>" in page


@time_machine.travel(NOW, tick=False)
def test_history_again_is_served_from_the_cache_and_a_leak_shows_at_once(owner_client, family):
    SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=2))
    first, cold_queries = get(owner_client, "history")
    again, warm_queries = get(owner_client, "history")
    assert again == first and "Leak" not in first
    assert warm_queries < cold_queries - 3

    assert owner_client.post(reverse("leak_quick")).status_code == 302
    page, _ = get(owner_client, "history")
    assert "Leak" in page


def test_a_running_session_on_the_history_page_keeps_counting(owner_client, family):
    with time_machine.travel(NOW, tick=False):
        owner_client.post(reverse("session_start"), {"kind_side": "nursing:left"})
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        assert "Nursing · 2:00 (running)" in get(owner_client, "history")[0]
    with time_machine.travel(NOW + timedelta(minutes=7), tick=False):
        assert "Nursing · 7:00 (running)" in get(owner_client, "history")[0]


@time_machine.travel(NOW, tick=False)
def test_changing_her_unit_redraws_the_cached_history(owner_client, family):
    SessionFactory(
        lactation=family.lactation,
        kind="pumping",
        started_at=NOW - timedelta(hours=2),
        volume_left_ml=60,
        volume_right_ml=90,
    )
    assert "left 60 mL · right 90 mL" in get(owner_client, "history")[0]
    # Not a logbook write: the data version stays, the unit is part of the key.
    Household.objects.filter(pk=family.household.pk).update(unit="oz")
    assert "left 2 oz · right 3 oz" in get(owner_client, "history")[0]


@time_machine.travel(NOW, tick=False)
def test_the_cache_never_crosses_households(owner_client, stranger_client, family):
    SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=2))
    assert "Nursing · 15:00" in get(owner_client, "history")[0]
    assert "Nursing · 15:00" not in get(stranger_client, "history")[0]
    assert "<dt>Nursing</dt><dd>1</dd>" in get(owner_client, "home")[0]
    assert "<dt>Nursing</dt><dd>0</dd>" in get(stranger_client, "home")[0]


def test_home_rolls_over_at_her_midnight_without_a_write(owner_client, family):
    with time_machine.travel(NOW, tick=False):
        SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=2))
        assert "<dt>Nursing</dt><dd>1</dd>" in get(owner_client, "home")[0]
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert "<dt>Nursing</dt><dd>0</dd>" in get(owner_client, "home")[0]


def test_median_is_over_her_last_seven_local_days(family):
    household = family.household  # Europe/London: 00:30 local is 00:30 UTC in November
    inside = SessionFactory(
        lactation=family.lactation, started_at=datetime(2026, 11, 14, 0, 30, tzinfo=UTC)
    )
    LetDownFactory(session=inside, at=inside.started_at + timedelta(seconds=60))
    outside = SessionFactory(
        lactation=family.lactation, started_at=datetime(2026, 11, 13, 23, 30, tzinfo=UTC)
    )
    LetDownFactory(session=outside, at=outside.started_at + timedelta(seconds=600))
    median = selectors.median_first_letdown(household, NOW)
    assert (median.median_s, median.sessions) == (60.0, 1)
