"""A session started on a phone without a connection is named by its Start tap's id until the
server has it: its screen, its taps, its state and its let-downs' details by that id."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from letdown.logbook.models import LetDown, Session, Tap

JSON = {"HTTP_ACCEPT": "application/json"}


def _start_offline(client, start: uuid.UUID, at) -> None:
    answer = client.post(
        reverse("session_start"),
        {"kind_side": "pumping:both", "event_id": str(start), "at": at.isoformat()},
        **JSON,
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["session"]["start_tap"] == str(start)


def test_taps_named_by_the_start_reach_her_session(owner_client, family):
    start, at = uuid.uuid4(), timezone.now() - timedelta(minutes=3)
    _start_offline(owner_client, start, at)
    letdown = uuid.uuid4()
    answer = owner_client.post(
        reverse("started_tap", args=[start, "letdown"]),
        {"event_id": str(letdown), "at": (at + timedelta(minutes=1)).isoformat()},
        **JSON,
    )
    assert answer.status_code == 200, answer.content
    session = Session.objects.get()
    assert answer.json()["session"]["id"] == session.pk
    assert LetDown.objects.get(session=session).tap_id == letdown

    details = owner_client.post(
        reverse("started_details", args=[start, letdown]), {"noticed": ["felt"]}, **JSON
    )
    assert details.status_code == 200
    assert LetDown.objects.get(session=session).noticed == ["felt"]

    state = owner_client.get(reverse("started_state", args=[start])).json()
    assert state["session"]["urls"]["live"] == reverse("session_live", args=[session.pk])
    screen = owner_client.get(reverse("started", args=[start]))
    assert screen.status_code == 302 and screen.url == reverse("session_live", args=[session.pk])


def test_before_the_start_arrives_its_taps_wait(owner_client, family):
    start = uuid.uuid4()
    answer = owner_client.post(reverse("started_tap", args=[start, "letdown"]), **JSON)
    assert answer.status_code == 404  # the phone sends its Start first, in order
    assert owner_client.get(reverse("started_state", args=[start])).status_code == 404
    assert not Tap.objects.exists()
    # The screen's address for a Start the server never got leads home.
    assert owner_client.get(reverse("started", args=[start])).url == reverse("home")


def test_the_screen_for_a_session_started_offline(owner_client, client):
    page = owner_client.get(reverse("started_offline"))
    assert page.status_code == 200
    assert b"data-pending=" in page.content and b"Let-down" in page.content
    assert client.get(reverse("started_offline")).status_code == 302  # log in first


def test_a_stranger_cannot_reach_her_session_by_its_start(owner_client, stranger_client, family):
    start, at = uuid.uuid4(), timezone.now() - timedelta(minutes=1)
    _start_offline(owner_client, start, at)
    assert stranger_client.post(reverse("started_tap", args=[start, "end"])).status_code == 404
    assert stranger_client.get(reverse("started_state", args=[start])).status_code == 404
    assert stranger_client.get(reverse("started", args=[start])).url == reverse("home")
    assert Session.objects.get().ended_at is None


def test_an_unknown_tap_name_is_not_found(owner_client, family):
    start, at = uuid.uuid4(), timezone.now() - timedelta(minutes=1)
    _start_offline(owner_client, start, at)
    assert owner_client.post(reverse("started_tap", args=[start, "delete"])).status_code == 404


def test_a_start_that_finds_her_partners_session_running_joins_it(
    owner_client, member_client, family
):
    """Her phone was offline when she tapped Start and Let-down; meanwhile her partner started
    a session on his phone. Her Start opens his session, and her let-down lands in it."""
    at = timezone.now() - timedelta(minutes=2)
    partner_start = member_client.post(
        reverse("session_start"),
        {"kind_side": "nursing:left", "event_id": str(uuid.uuid4()), "at": at.isoformat()},
        **JSON,
    )
    running = Session.objects.get(pk=partner_start.json()["session"]["id"])

    start = uuid.uuid4()
    for _attempt in range(2):  # the phone may send its Start again: the same answer
        answer = owner_client.post(
            reverse("session_start"),
            {"kind_side": "pumping:both", "event_id": str(start), "at": at.isoformat()},
            **JSON,
        )
        assert answer.status_code == 200
        assert answer.json()["outcome"] == "already_running"
        assert answer.json()["url"] == reverse("session_live", args=[running.pk])
    letdown = uuid.uuid4()
    tap = owner_client.post(
        reverse("started_tap", args=[start, "letdown"]),
        {"event_id": str(letdown), "at": (at + timedelta(minutes=1)).isoformat()},
        **JSON,
    )
    assert tap.status_code == 200, tap.content
    assert LetDown.objects.get().session == running
    assert LetDown.objects.get().tap_id == letdown
    assert Session.objects.count() == 1
    assert owner_client.get(reverse("started", args=[start])).url == reverse(
        "session_live", args=[running.pk]
    )
    # Her Start is not a tap of his session: its log still begins with his Start.
    assert not Tap.objects.filter(tap_id=start).exists()


def test_a_tap_for_a_session_deleted_on_another_phone_is_answered_for_good(owner_client, family):
    """The phone's outbox keeps a tap until it gets a final answer, and sends its taps in
    order: a tap for a session that is gone must be answered (JSON 404 with a reason), or
    every tap behind it would wait forever."""
    start, at = uuid.uuid4(), timezone.now() - timedelta(minutes=3)
    _start_offline(owner_client, start, at)
    session = Session.objects.get()
    pk = session.pk
    session.delete()
    for url in (
        reverse("session_letdown", args=[pk]),
        reverse("started_tap", args=[start, "letdown"]),
        reverse("started_tap", args=[uuid.uuid4(), "end"]),
    ):
        answer = owner_client.post(url, **JSON)
        assert answer.status_code == 404
        assert "no longer here" in answer.json()["error"]
        assert owner_client.post(url).status_code == 404  # a plain form: the usual page
