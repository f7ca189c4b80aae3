"""A session she edits by hand afterwards (its times, a let-down's time, a let-down deleted)
keeps her edit when a tap reaches it later: Resume after a mistaken End, or a phone's late
tap replays the session's log, and the log follows her edit."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from letdown.logbook import services
from letdown.logbook.models import LetDown, Segment, Session, Tap

JSON = {"HTTP_ACCEPT": "application/json"}


def _ended_session(client, minutes_ago: int = 20):
    """Started `minutes_ago`, one let-down a minute in, ended a minute ago."""
    t0 = timezone.now() - timedelta(minutes=minutes_ago)
    start, letdown = uuid.uuid4(), uuid.uuid4()
    client.post(
        reverse("session_start"),
        {"kind_side": "nursing:left", "event_id": str(start), "at": t0.isoformat()},
        **JSON,
    )
    session = Session.objects.get()
    for name, at, event in (
        ("letdown", t0 + timedelta(minutes=1), letdown),
        ("end", timezone.now() - timedelta(minutes=1), uuid.uuid4()),
    ):
        answer = client.post(
            reverse(f"session_{name}", args=[session.pk]),
            {"event_id": str(event), "at": at.isoformat()},
            **JSON,
        )
        assert answer.status_code == 200, answer.content
    session.refresh_from_db()
    return session, start, letdown


def _reopen(client, session):
    answer = client.post(reverse("session_reopen", args=[session.pk]), **JSON)
    assert answer.status_code == 200, answer.content
    assert answer.json()["session"]["running"] is True
    session.refresh_from_db()


def _late_tap(client, session, name="switch", after=timedelta(minutes=2)) -> uuid.UUID:
    """A tap from a phone that was offline, in the middle of the session: the log is replayed."""
    event = uuid.uuid4()
    answer = client.post(
        reverse(f"session_{name}", args=[session.pk]),
        {"event_id": str(event), "at": (session.started_at + after).isoformat()},
        **JSON,
    )
    assert answer.status_code == 200, answer.content
    session.refresh_from_db()
    return event


def test_her_new_start_time_stays_after_resume(owner_client, family):
    session, start, _letdown = _ended_session(owner_client)
    was = (session.started_at, session.ended_at)
    session.started_at -= timedelta(minutes=5)  # she began earlier than she tapped
    services.save_session_times(household=family.household, session=session, was=was)

    _reopen(owner_client, session)
    _late_tap(owner_client, session)
    assert session.started_at == was[0] - timedelta(minutes=5)
    first = Segment.objects.filter(session=session).order_by("started_at").first()
    assert first.started_at == session.started_at
    # The log's Start keeps its id: the phone's screen and a retry still find the session.
    assert Tap.objects.get(session=session, type="start").tap_id == start
    assert owner_client.get(reverse("started_state", args=[start])).status_code == 200


def test_a_deleted_letdown_does_not_come_back_after_resume(owner_client, family):
    session, _start, _letdown = _ended_session(owner_client)
    services.delete_entry(
        household=family.household, entry=LetDown.objects.get(), now=timezone.now()
    )
    _reopen(owner_client, session)
    # Her partner's phone sends a let-down it kept offline, 5 s after the deleted one.
    late = _late_tap(owner_client, session, "letdown", timedelta(minutes=1, seconds=5))
    assert list(LetDown.objects.values_list("tap_id", flat=True)) == [late]


def test_a_letdown_moved_by_hand_stays_where_she_put_it(owner_client, family):
    session, _start, letdown_tap = _ended_session(owner_client)
    letdown = LetDown.objects.get()
    letdown.at += timedelta(minutes=3)
    services.log_letdown_at(household=family.household, letdown=letdown, now=timezone.now())

    _reopen(owner_client, session)
    _late_tap(owner_client, session, "letdown", timedelta(minutes=1, seconds=5))
    moments = set(LetDown.objects.values_list("at", flat=True))
    assert moments == {letdown.at, session.started_at + timedelta(minutes=1, seconds=5)}
    # The phone sends that let-down tap again: it is recognised, not stored twice.
    again = owner_client.post(
        reverse("session_letdown", args=[session.pk]),
        {
            "event_id": str(letdown_tap),
            "at": (session.started_at + timedelta(minutes=1)).isoformat(),
        },
        **JSON,
    )
    assert again.status_code == 200, again.content
    assert LetDown.objects.count() == 2
