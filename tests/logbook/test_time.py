"""Midnight and daylight-saving changes: stored in UTC, shown in her zone."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from letdown.core.units import clock
from letdown.logbook.models import Session

from ..factories import LetDownFactory, SessionFactory


def test_session_across_midnight_is_listed_on_the_day_it_started(owner_client, family):
    # Europe/London in November is UTC+0: 23:50 -> 00:20.
    start = datetime(2026, 11, 20, 23, 50, tzinfo=UTC)
    session = SessionFactory(
        lactation=family.lactation, started_at=start, ended_at=start + timedelta(minutes=30)
    )
    LetDownFactory(session=session, at=start + timedelta(minutes=12))  # 00:02, next day
    page = owner_client.get(reverse("history") + "?until=2026-11-21").content.decode()
    friday = page.index("Friday 20 November")
    assert page.index("23:50") > friday
    assert "Saturday 21 November" not in page  # nothing else that day
    assert "first at 12:00" in page
    facts = Session.objects.with_details().get().facts(start)
    assert facts.active_s == 30 * 60


def test_session_across_the_autumn_clock_change(owner_client, family):
    # 25 Oct 2026, London: 02:00 BST becomes 01:00 GMT at 01:00 UTC.
    start = datetime(2026, 10, 25, 0, 50, tzinfo=UTC)  # 01:50 BST
    session = SessionFactory(
        lactation=family.lactation, started_at=start, ended_at=start + timedelta(minutes=30)
    )  # ends 01:20 GMT: 30 real minutes, though the clock says -30
    LetDownFactory(session=session, at=start + timedelta(minutes=20))
    facts = Session.objects.with_details().get().facts(start)
    assert facts.active_s == 1800 and clock(facts.time_to_first_letdown_s) == "20:00"
    page = owner_client.get(reverse("history") + "?until=2026-10-25").content.decode()
    assert "01:50" in page and "30:00" in page and "first at 20:00" in page


def test_a_local_time_that_does_not_exist_is_a_clear_400(owner_client, family):
    # 29 Mar 2026, London: clocks jump from 01:00 to 02:00; 01:30 never happens.
    response = owner_client.post(
        reverse("session_new"),
        {
            "kind": "nursing",
            "side": "left",
            "started_at": "2026-03-29T01:30",
            "ended_at": "2026-03-29T02:40",
        },
    )
    assert response.status_code == 400
    assert b"time zone" in response.content
    assert not Session.objects.exists()


def test_spring_session_length_counts_real_minutes(family):
    start = datetime(2026, 3, 29, 0, 45, tzinfo=UTC)  # 00:45 GMT
    session = SessionFactory(
        lactation=family.lactation, started_at=start, ended_at=start + timedelta(minutes=30)
    )  # ends 02:15 BST
    assert Session.objects.with_details().get(pk=session.pk).facts(start).active_s == 1800
