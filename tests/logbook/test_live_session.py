"""The live session: start, let-down, switch, pause, end; shared by every phone of the family."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from letdown.accounts.models import Household
from letdown.logbook.models import LetDown, Segment, Session


def start(client, kind_side="nursing:left"):
    response = client.post(reverse("session_start"), {"kind_side": kind_side})
    assert response.status_code == 302
    return Session.objects.latest("pk")


def test_double_pumping_letdown_stamps_both_sides(owner_client, family):
    session = start(owner_client, "pumping:both")
    response = owner_client.post(reverse("session_letdown", args=[session.pk]))
    letdown = LetDown.objects.get()
    assert response.url == reverse("session_live", args=[session.pk]) + f"?letdown={letdown.pk}"
    assert letdown.side == "both" and letdown.household == family.household


def test_nursing_letdown_is_on_the_current_side_after_a_switch(owner_client):
    session = start(owner_client, "nursing:left")
    owner_client.post(reverse("session_letdown", args=[session.pk]))
    owner_client.post(reverse("session_switch", args=[session.pk]))
    owner_client.post(reverse("session_letdown", args=[session.pk]))
    assert list(LetDown.objects.order_by("pk").values_list("side", flat=True)) == ["left", "right"]
    assert list(session.segments.values_list("side", flat=True)) == ["left", "right"]


def test_letdown_details_chips_are_saved(owner_client):
    session = start(owner_client, "pumping:both")
    owner_client.post(reverse("session_letdown", args=[session.pk]))
    letdown = LetDown.objects.get()
    page = owner_client.get(reverse("session_live", args=[session.pk]) + f"?letdown={letdown.pk}")
    assert b"D-MER" in page.content and b"How did you notice it?" in page.content
    owner_client.post(
        reverse("letdown_details", args=[letdown.pk]),
        {"noticed": ["felt", "pump_flow"], "sensations": ["tingling"], "mood": "low"},
    )
    letdown.refresh_from_db()
    assert letdown.noticed == ["felt", "pump_flow"]
    assert letdown.sensations == ["tingling"] and letdown.mood == "low"


def test_starting_a_second_session_leads_to_the_running_one(owner_client):
    session = start(owner_client, "nursing:left")
    response = owner_client.post(reverse("session_start"), {"kind_side": "pumping:both"})
    assert response.url == reverse("session_live", args=[session.pk])
    assert Session.objects.count() == 1


def test_unknown_start_choice_is_a_clear_400(owner_client):
    response = owner_client.post(reverse("session_start"), {"kind_side": "nursing:middle"})
    assert response.status_code == 400
    assert b"Choose what to start" in response.content
    assert not Session.objects.exists()


def test_pause_is_excluded_from_side_time(owner_client):
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False) as clock:
        session = start(owner_client, "nursing:left")
        clock.move_to(t0 + timedelta(minutes=5))
        owner_client.post(reverse("session_pause", args=[session.pk]))
        page = owner_client.get(reverse("session_live", args=[session.pk]))
        assert b"Paused" in page.content and b"Resume" in page.content
        clock.move_to(t0 + timedelta(minutes=8))
        owner_client.post(reverse("session_resume", args=[session.pk]))
        clock.move_to(t0 + timedelta(minutes=10))
        owner_client.post(reverse("session_end", args=[session.pk]))
    session = Session.objects.with_details().get()
    facts = session.facts(timezone.now())
    assert facts.left_s == 7 * 60
    assert session.ended_at - session.started_at == timedelta(minutes=10)


def test_session_survives_reload_and_is_shared_with_a_second_phone(
    owner_client, member_client, family
):
    session = start(owner_client, "pumping:both")
    first = owner_client.get(reverse("session_live", args=[session.pk]))
    again = owner_client.get(reverse("session_live", args=[session.pk]))
    stamp = session.started_at.isoformat().encode()
    assert stamp in first.content and stamp in again.content
    # The partner's phone shows the same running session on home, and follows changes.
    home = member_client.get(reverse("home"))
    assert reverse("session_live", args=[session.pk]).encode() in home.content
    before = member_client.get(reverse("session_state", args=[session.pk])).json()
    owner_client.post(reverse("session_letdown", args=[session.pk]))
    after = member_client.get(reverse("session_state", args=[session.pk])).json()
    assert after["version"] > before["version"]
    assert after["letdowns"] == 1 and after["active"] is True
    # Either phone can end it; ending it twice is harmless.
    member_client.post(reverse("session_end", args=[session.pk]))
    response = owner_client.post(reverse("session_end", args=[session.pk]))
    assert response.status_code == 302
    assert Session.objects.get().ended_at is not None


def test_tapping_letdown_after_the_end_keeps_the_record_and_explains(owner_client):
    session = start(owner_client, "nursing:right")
    owner_client.post(reverse("session_end", args=[session.pk]))
    response = owner_client.post(reverse("session_letdown", args=[session.pk]), follow=True)
    assert b"already ended" in response.content
    assert not LetDown.objects.exists()


def test_every_write_bumps_the_data_version(owner_client, family):
    before = Household.objects.get(pk=family.household.pk).data_version
    session = start(owner_client)
    owner_client.post(reverse("session_letdown", args=[session.pk]))
    after = Household.objects.get(pk=family.household.pk).data_version
    assert after == before + 2


def test_end_closes_the_open_segment(owner_client):
    session = start(owner_client, "nursing:left")
    owner_client.post(reverse("session_end", args=[session.pk]))
    assert not Segment.objects.filter(ended_at__isnull=True).exists()
