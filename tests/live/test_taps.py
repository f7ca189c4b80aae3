"""Taps on the live screen through their URLs: plain forms, and the JSON contract the phone's
script and other tools build on (event ids, moments, the session's state)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from letdown.accounts.models import Household
from letdown.logbook.models import LetDown, Segment, Session, Tap

from ..factories import SessionFactory

JSON = {"HTTP_ACCEPT": "application/json"}


def start(client, kind_side="nursing:left", **fields):
    response = client.post(reverse("session_start"), {"kind_side": kind_side, **fields})
    assert response.status_code == 302, response.content
    return Session.objects.latest("pk")


def tap(client, session, type, **fields):
    return client.post(reverse(f"session_{type}", args=[session.pk]), fields, **JSON)


def test_a_letdown_tap_is_stored_on_the_side_in_use(owner_client, family):
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as clock:
        session = start(owner_client, "nursing:left")
        tap(owner_client, session, "letdown")
        clock.move_to(t0 + timedelta(seconds=60))
        tap(owner_client, session, "switch")
        clock.move_to(t0 + timedelta(seconds=90))
        answer = tap(owner_client, session, "letdown").json()
    assert list(LetDown.objects.order_by("at").values_list("side", flat=True)) == ["left", "right"]
    assert [ld["side"] for ld in answer["session"]["letdowns"]] == ["left", "right"]
    assert [ld["offset_s"] for ld in answer["session"]["letdowns"]] == [0, 90]
    assert list(Segment.objects.order_by("started_at").values_list("side", flat=True)) == [
        "left",
        "right",
    ]
    assert LetDown.objects.filter(household=family.household).count() == 2


def test_plain_form_letdown_offers_details_and_undo(owner_client):
    session = start(owner_client, "pumping:both")
    response = owner_client.post(reverse("session_letdown", args=[session.pk]))
    letdown = LetDown.objects.get()
    assert response.url == reverse("session_live", args=[session.pk]) + f"?letdown={letdown.tap_id}"
    page = owner_client.get(response.url)
    assert b"How did you notice it?" in page.content and b"D-MER" in page.content
    assert str(letdown.tap_id).encode() in page.content  # the Undo form names this let-down


def test_json_answer_carries_the_event_the_state_and_the_server_time(owner_client):
    session = start(owner_client, "pumping:both")
    event_id = str(uuid.uuid4())
    moment = (session.started_at + timedelta(seconds=1)).replace(microsecond=123456)
    answer = tap(owner_client, session, "letdown", event_id=event_id, at=moment.isoformat()).json()
    assert answer["tap"] == {
        "id": event_id,
        "type": "letdown",
        "at": moment.isoformat(),
        "outcome": "applied",
        "created": True,
    }
    assert answer["session"]["running"] is True and answer["session"]["side"] == "both"
    assert answer["session"]["letdowns"][0]["tap_id"] == event_id
    assert "server_time" in answer
    assert LetDown.objects.get().at == moment  # her moment, to the microsecond


def test_the_same_event_sent_three_times_is_stored_once(owner_client):
    session = start(owner_client, "pumping:both")
    event_id = str(uuid.uuid4())
    answers = [tap(owner_client, session, "letdown", event_id=event_id).json() for _ in range(3)]
    assert LetDown.objects.count() == 1 and Tap.objects.filter(type="letdown").count() == 1
    assert [a["tap"]["created"] for a in answers] == [True, False, False]
    assert answers[1]["session"]["letdowns"] == answers[0]["session"]["letdowns"]


def test_a_retried_start_opens_the_same_session(owner_client):
    event_id = str(uuid.uuid4())
    first = start(owner_client, "nursing:right", event_id=event_id)
    again = start(owner_client, "nursing:right", event_id=event_id)
    assert first == again and Session.objects.count() == 1


def test_a_second_start_while_one_runs_opens_the_running_one(owner_client, member_client):
    session = start(owner_client, "nursing:left")
    response = member_client.post(reverse("session_start"), {"kind_side": "pumping:both"})
    assert response.url == reverse("session_live", args=[session.pk])
    answer = member_client.post(
        reverse("session_start"), {"kind_side": "pumping:both"}, **JSON
    ).json()
    assert answer["outcome"] == "already_running" and answer["session"]["id"] == session.pk
    assert Session.objects.count() == 1


def test_unknown_start_choice_is_a_clear_400(owner_client):
    response = owner_client.post(reverse("session_start"), {"kind_side": "nursing:middle"})
    assert response.status_code == 400 and b"Choose what to start" in response.content
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"at": "yesterday"}, "ISO 8601"),
        ({"at": "2026-01-01T10:00:00"}, "offset"),
        ({"event_id": "not-a-uuid"}, "UUID"),
    ],
)
def test_malformed_taps_are_a_clear_400_and_store_nothing(owner_client, fields, message):
    session = start(owner_client)
    response = tap(owner_client, session, "letdown", **fields)
    assert response.status_code == 400 and message in response.json()["error"]
    assert not LetDown.objects.exists() and Tap.objects.count() == 1


def test_a_moment_in_the_future_or_before_the_start_is_refused(owner_client):
    session = start(owner_client)
    future = (timezone.now() + timedelta(minutes=1)).isoformat()
    before = (session.started_at - timedelta(seconds=5)).isoformat()
    assert "future" in tap(owner_client, session, "letdown", at=future).json()["error"]
    assert "before the session" in tap(owner_client, session, "pause", at=before).json()["error"]
    assert Tap.objects.count() == 1


def test_a_phone_clock_a_little_ahead_is_accepted(owner_client):
    session = start(owner_client)
    ahead = (timezone.now() + timedelta(seconds=2)).isoformat()
    assert tap(owner_client, session, "letdown", at=ahead).status_code == 200


def test_an_event_id_reused_for_another_kind_of_tap_is_a_conflict(owner_client):
    session = start(owner_client)
    event_id = str(uuid.uuid4())
    tap(owner_client, session, "letdown", event_id=event_id)
    response = tap(owner_client, session, "pause", event_id=event_id)
    assert response.status_code == 409
    assert Tap.objects.filter(type="pause").count() == 0


def test_a_second_letdown_within_ten_seconds_is_the_same_one_and_says_so(owner_client):
    session = start(owner_client, "pumping:both")
    tap(owner_client, session, "letdown")
    answer = tap(owner_client, session, "letdown").json()
    assert answer["tap"]["outcome"] == "same_as_last"
    assert "Same let-down" in answer["message"]
    assert LetDown.objects.count() == 1 and Tap.objects.filter(type="letdown").count() == 2


def test_undo_removes_the_letdown_within_thirty_seconds_only(owner_client):
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as clock:
        session = start(owner_client, "pumping:both")
        clock.move_to(t0 + timedelta(seconds=60))
        first = tap(owner_client, session, "letdown").json()["tap"]["id"]
        clock.move_to(t0 + timedelta(seconds=70))
        assert tap(owner_client, session, "undo", target=first).status_code == 200
        assert not LetDown.objects.exists()
        second = tap(owner_client, session, "letdown").json()["tap"]["id"]
        clock.move_to(t0 + timedelta(seconds=120))
        late = tap(owner_client, session, "undo", target=second)
    assert late.status_code == 400 and "too late" in late.json()["error"]
    assert LetDown.objects.count() == 1


def test_pause_stops_the_timer_and_the_summary_agrees(owner_client):
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as clock:
        session = start(owner_client, "nursing:left")
        clock.move_to(t0 + timedelta(minutes=5))
        tap(owner_client, session, "pause")
        clock.move_to(t0 + timedelta(minutes=8))
        paused = owner_client.get(reverse("session_state", args=[session.pk])).json()["session"]
        clock.move_to(t0 + timedelta(minutes=9))
        still = owner_client.get(reverse("session_state", args=[session.pk])).json()["session"]
        page = owner_client.get(reverse("session_live", args=[session.pk]))
        tap(owner_client, session, "resume")
        clock.move_to(t0 + timedelta(minutes=10))
        owner_client.post(reverse("session_end", args=[session.pk]))
    assert paused["paused"] and paused["active_total_s"] == still["active_total_s"] == 300
    assert b"5:00" in page.content  # the big timer stands at the paused time
    facts = Session.objects.with_details().get().facts(timezone.now())
    assert facts.left_s == facts.active_s == 6 * 60


def test_end_then_undo_keeps_it_running_and_reopen_resumes_within_ten_minutes(owner_client):
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as clock:
        session = start(owner_client, "nursing:left")
        clock.move_to(t0 + timedelta(minutes=4))
        ended = owner_client.post(reverse("session_end", args=[session.pk]))
        assert ended.url == reverse("session_edit", args=[session.pk]) + "?ended=1"
        page = owner_client.get(ended.url)
        assert b"Undo" in page.content
        end_tap = Tap.objects.get(type="end").tap_id
        owner_client.post(reverse("session_undo", args=[session.pk]), {"target": str(end_tap)})
        session.refresh_from_db()
        assert session.ended_at is None
        clock.move_to(t0 + timedelta(minutes=6))
        owner_client.post(reverse("session_end", args=[session.pk]))
        clock.move_to(t0 + timedelta(minutes=9))
        page = owner_client.get(reverse("session_edit", args=[session.pk]))
        assert b"Resume this session" in page.content
        owner_client.post(reverse("session_reopen", args=[session.pk]))
        session.refresh_from_db()
        assert session.ended_at is None
        state = owner_client.get(reverse("session_state", args=[session.pk])).json()["session"]
        assert state["active_total_s"] == 6 * 60  # the three minutes after End were a pause
        clock.move_to(t0 + timedelta(minutes=30))
        owner_client.post(reverse("session_end", args=[session.pk]))
        clock.move_to(t0 + timedelta(minutes=45))
        late = owner_client.post(reverse("session_reopen", args=[session.pk]), **JSON)
    assert late.status_code == 400 and "too long ago" in late.json()["error"]


def test_reopen_is_refused_when_another_session_started_since(owner_client):
    session = start(owner_client, "nursing:left")
    owner_client.post(reverse("session_end", args=[session.pk]))
    start(owner_client, "pumping:both")
    response = owner_client.post(reverse("session_reopen", args=[session.pk]), **JSON)
    assert response.status_code == 400 and "Another session" in response.json()["error"]
    assert Session.objects.filter(ended_at__isnull=True).count() == 1


def test_a_tap_after_the_end_is_kept_and_explained(owner_client):
    session = start(owner_client, "nursing:right")
    owner_client.post(reverse("session_end", args=[session.pk]))
    answer = tap(owner_client, session, "letdown").json()
    assert answer["tap"]["outcome"] == "after_end"
    assert answer["message"] == "This session had already ended."
    response = owner_client.post(reverse("session_letdown", args=[session.pk]), follow=True)
    assert b"already ended" in response.content
    assert not LetDown.objects.exists() and Tap.objects.filter(type="letdown").count() == 2


def test_chips_are_saved_the_moment_they_are_tapped_and_survive_partner_taps(
    owner_client, member_client
):
    session = start(owner_client, "pumping:both")
    event_id = str(uuid.uuid4())
    tap(owner_client, session, "letdown", event_id=event_id)
    url = reverse("letdown_details", args=[session.pk, event_id])
    response = owner_client.post(url, {"noticed": ["felt"], "mood": "low"}, **JSON)
    assert response.json()["saved"] is True
    tap(member_client, session, "switch")  # her partner's phone taps meanwhile
    owner_client.post(url, {"noticed": ["felt", "pump_flow"], "sensations": ["tingling"]}, **JSON)
    letdown = LetDown.objects.get()
    assert letdown.noticed == ["felt", "pump_flow"] and letdown.sensations == ["tingling"]
    # A tap that was the same let-down reaches the same row.
    same = str(uuid.uuid4())
    tap(member_client, session, "letdown", event_id=same)
    owner_client.post(reverse("letdown_details", args=[session.pk, same]), {"mood": "fine"})
    assert LetDown.objects.get().mood == "fine"


def test_bad_chips_are_a_400(owner_client):
    session = start(owner_client, "pumping:both")
    event_id = str(uuid.uuid4())
    tap(owner_client, session, "letdown", event_id=event_id)
    url = reverse("letdown_details", args=[session.pk, event_id])
    assert owner_client.post(url, {"mood": "ecstatic"}, **JSON).status_code == 400
    assert owner_client.post(url.replace(event_id, "nonsense"), {}, **JSON).status_code == 404


def test_state_and_running_answer_the_projection(owner_client, member_client):
    assert member_client.get(reverse("sessions_running")).json()["sessions"] == []
    session = start(owner_client, "nursing:left")
    tap(owner_client, session, "letdown")
    state = member_client.get(reverse("session_state", args=[session.pk])).json()
    running = member_client.get(reverse("sessions_running")).json()["sessions"]
    assert [s["id"] for s in running] == [session.pk]
    keys = {"running", "paused", "side", "segments", "letdowns", "active_s", "started_at"}
    assert keys <= set(state["session"])
    assert state["session"]["segments"][0]["side"] == "left"
    assert len(state["session"]["letdowns"]) == 1


def test_every_tap_bumps_the_data_version_once(owner_client, family):
    before = Household.objects.get(pk=family.household.pk).data_version
    session = start(owner_client)
    tap(owner_client, session, "letdown")
    after = Household.objects.get(pk=family.household.pk).data_version
    assert after == before + 2


def test_a_session_logged_before_taps_gets_its_taps_on_the_first_tap(owner_client, family):
    session = SessionFactory(
        lactation=family.lactation, started_at=timezone.now() - timedelta(minutes=5), ended_at=None
    )
    assert not Tap.objects.exists()
    tap(owner_client, session, "switch")
    assert list(Tap.objects.order_by("at", "pk").values_list("type", flat=True)) == [
        "start",
        "switch",
    ]
    assert Segment.objects.filter(session=session).count() == 2


@pytest.mark.parametrize("name", ["session_undo", "session_reopen"])
def test_stranger_cannot_undo_or_reopen(name, owner_client, stranger_client):
    session = start(owner_client)
    owner_client.post(reverse("session_end", args=[session.pk]))
    end_tap = str(Tap.objects.get(type="end").tap_id)
    response = stranger_client.post(reverse(name, args=[session.pk]), {"target": end_tap})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.ended_at is not None


def test_stranger_sees_no_running_session_and_cannot_save_chips(owner_client, stranger_client):
    session = start(owner_client)
    event_id = str(uuid.uuid4())
    tap(owner_client, session, "letdown", event_id=event_id)
    assert stranger_client.get(reverse("sessions_running")).json()["sessions"] == []
    url = reverse("letdown_details", args=[session.pk, event_id])
    assert stranger_client.post(url, {"mood": "low"}).status_code == 404
    assert LetDown.objects.get().mood == ""
