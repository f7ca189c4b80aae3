"""Two phones tap at the same moment: real threads, each with its own database connection, on
whichever database the suite runs on (SQLite with WAL, or PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letdown.logbook import projection
from letdown.logbook.models import LetDown, Segment, Session, Tap

from ..conftest import make_family

JSON = {"HTTP_ACCEPT": "application/json"}
PHONES = 8

pytestmark = pytest.mark.django_db(transaction=True)


def _phones(user, n: int = PHONES) -> list[Client]:
    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(user, backend="letdown.accounts.backends.HouseholdModelBackend")
        clients.append(client)
    return clients


def at_once(work: list[Callable[[], object]]) -> list[object]:
    """Run each callable in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(work))
    results: list[object] = [None] * len(work)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work[index]()
        except Exception as error:  # noqa: BLE001 - reported below, with the others
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


def assert_rows_follow_the_taps(session: Session) -> projection.SessionState:
    """The stored rows are exactly the projection of the log: no doubled segment, no open
    segment in an ended session, every let-down once."""
    session.refresh_from_db()
    state = projection.project(t.as_tap() for t in Tap.objects.filter(session=session))
    segments = list(
        Segment.objects.filter(session=session)
        .order_by("started_at", "pk")
        .values_list("side", "started_at", "ended_at")
    )
    assert segments == [(s.side, s.start, s.end) for s in state.segments]
    assert sum(1 for s in segments if s[2] is None) <= (1 if state.running else 0)
    letdowns = sorted(
        (str(t), at, side)
        for t, at, side in LetDown.objects.filter(session=session).values_list(
            "tap_id", "at", "side"
        )
    )
    assert letdowns == sorted((m.tap_id, m.at, m.side) for m in state.letdowns)
    assert session.ended_at == state.ended_at
    return state


def test_eight_phones_starting_at_once_make_one_running_session():
    family = make_family()
    phones = _phones(family.owner)
    for trial in range(25):
        responses = at_once(
            [
                lambda c=c: c.post(reverse("session_start"), {"kind_side": "nursing:left"}, **JSON)
                for c in phones
            ]
        )
        assert all(r.status_code == 200 for r in responses), [r.status_code for r in responses]
        running = Session.objects.filter(household=family.household, ended_at__isnull=True)
        assert running.count() == 1, f"trial {trial}"
        ids = {r.json()["session"]["id"] for r in responses}
        assert ids == {running.get().pk}  # every phone was led to the one session
        Session.objects.filter(pk=running.get().pk).update(
            ended_at=timezone.now() + timedelta(seconds=1)
        )


@pytest.mark.parametrize("type", ["switch", "resume", "pause"])
def test_eight_phones_tapping_the_same_button_leave_a_consistent_session(type):
    family = make_family()
    phones = _phones(family.owner)
    response = phones[0].post(reverse("session_start"), {"kind_side": "nursing:left"}, **JSON)
    session = Session.objects.get(pk=response.json()["session"]["id"])
    if type == "resume":
        phones[0].post(reverse("session_pause", args=[session.pk]), **JSON)
    url = reverse(f"session_{type}", args=[session.pk])
    responses = at_once([lambda c=c: c.post(url, **JSON) for c in phones])
    assert [r.status_code for r in responses] == [200] * PHONES
    state = assert_rows_follow_the_taps(session)
    if type == "switch":  # eight taps in the same second are one switch
        assert [s.side for s in state.segments] == ["left", "right"]
    else:
        assert state.paused == (type == "pause")


def test_end_and_switch_at_once_leave_an_ended_session_with_no_open_segment():
    family = make_family()
    for _ in range(10):
        phones = _phones(family.owner, 2)
        response = phones[0].post(reverse("session_start"), {"kind_side": "nursing:left"}, **JSON)
        session = Session.objects.get(pk=response.json()["session"]["id"])
        end, switch = (reverse(f"session_{t}", args=[session.pk]) for t in ("end", "switch"))
        responses = at_once(
            [
                lambda p=phones[0], u=end: p.post(u, **JSON),
                lambda p=phones[1], u=switch: p.post(u, **JSON),
            ]
        )
        assert [r.status_code for r in responses] == [200, 200]
        state = assert_rows_follow_the_taps(session)
        assert not state.running
        assert not Segment.objects.filter(session=session, ended_at__isnull=True).exists()


def test_every_acknowledged_letdown_tap_is_stored_once():
    family = make_family()
    phones = _phones(family.owner)
    response = phones[0].post(reverse("session_start"), {"kind_side": "pumping:both"}, **JSON)
    session = Session.objects.get(pk=response.json()["session"]["id"])
    url = reverse("session_letdown", args=[session.pk])
    taps_per_phone = 200

    def stream(client: Client) -> list[str]:
        acknowledged = []
        for _ in range(taps_per_phone):
            event_id = str(uuid.uuid4())
            answer = client.post(url, {"event_id": event_id}, **JSON)
            assert answer.status_code == 200, answer.content
            acknowledged.append(answer.json()["tap"]["id"])
        return acknowledged

    results = at_once([lambda c=c: stream(c) for c in phones])
    acknowledged = [tap_id for result in results for tap_id in result]  # type: ignore[attr-defined]
    stored = list(
        Tap.objects.filter(session=session, type="letdown").values_list("tap_id", flat=True)
    )
    assert len(acknowledged) == PHONES * taps_per_phone
    assert sorted(str(t) for t in stored) == sorted(acknowledged)
    assert_rows_follow_the_taps(session)


def test_the_same_event_sent_by_three_requests_at_once_is_one_letdown():
    family = make_family()
    phones = _phones(family.owner, 3)
    response = phones[0].post(reverse("session_start"), {"kind_side": "pumping:both"}, **JSON)
    session = Session.objects.get(pk=response.json()["session"]["id"])
    url = reverse("session_letdown", args=[session.pk])
    event_id = str(uuid.uuid4())
    responses = at_once([lambda c=c: c.post(url, {"event_id": event_id}, **JSON) for c in phones])
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert sorted(r.json()["tap"]["created"] for r in responses) == [False, False, True]
    assert LetDown.objects.filter(session=session).count() == 1
    assert Tap.objects.filter(session=session, type="letdown").count() == 1
