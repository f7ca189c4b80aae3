"""The Reminders page, its forms, device subscription, the test button and the banner
endpoint: per person, and 404 for anyone else's."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import time_machine
from django.urls import reverse

from letdown.reminders.models import Delivery, PushSubscription, Reminder

from ..factories import SessionFactory
from .factories import remind, subscribe
from .push_service import push_service

SEVEN = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
NEW = {
    "enabled": "on",
    "kind": "pump_at",
    "basis": "predicted",
    "interval_minutes": "180",
    "lead_minutes": "0",
    "times": "13:30, 7:00",
    "quiet_start": "22:00",
    "quiet_end": "06:00",
    "repeat_minutes": "15",
}


def _subscription(endpoint: str = "https://fcm.googleapis.com/fcm/send/abc") -> str:
    return json.dumps(
        {"endpoint": endpoint, "keys": {"p256dh": "B" * 87, "auth": "a" * 22}, "name": "Phone"}
    )


def test_she_sets_a_reminder(owner_client, family):
    response = owner_client.post(reverse("reminders:settings"), NEW)
    assert response.status_code == 302
    reminder = Reminder.objects.get()
    assert (reminder.user, reminder.times, reminder.repeat_minutes) == (
        family.owner,
        ["07:00", "13:30"],
        15,
    )
    assert reminder.quiet_start.hour == 22 and reminder.quiet_end.hour == 6
    page = owner_client.get(reverse("reminders:settings")).content.decode()
    assert "07:00, 13:30" in page
    assert "data-reminder-on" in page  # now the device button may ask for permission


def test_the_page_offers_no_permission_request_before_a_reminder_is_on(owner_client):
    page = owner_client.get(reverse("reminders:settings")).content.decode()
    assert "data-reminder-on" not in page
    assert "data-push-enable" not in page


def test_bad_times_are_refused_with_a_message(owner_client):
    response = owner_client.post(reverse("reminders:settings"), {**NEW, "times": "7pm"})
    assert response.status_code == 400
    assert "is not a time of day like 07:00" in response.content.decode()
    response = owner_client.post(reverse("reminders:settings"), {**NEW, "times": ""})
    assert "at least one time of day" in response.content.decode()
    response = owner_client.post(reverse("reminders:settings"), {**NEW, "quiet_end": ""})
    assert "both ends of the quiet hours" in response.content.decode()
    response = owner_client.post(reverse("reminders:settings"), {**NEW, "repeat_minutes": "5"})
    assert response.status_code == 400
    assert not Reminder.objects.exists()


def test_she_edits_and_deletes_her_reminder(owner_client, family):
    reminder = remind(family.owner, times=["07:00"])
    url = reverse("reminders:edit", args=[reminder.pk])
    assert "07:00" in owner_client.get(url).content.decode()
    owner_client.post(url, {**NEW, "kind": "feed_due", "basis": "after_start", "times": ""})
    reminder.refresh_from_db()
    assert (reminder.kind, reminder.basis) == ("feed_due", "after_start")
    owner_client.post(reverse("reminders:delete", args=[reminder.pk]))
    assert not Reminder.objects.exists()


def test_a_stranger_gets_404_for_her_reminder_and_device(stranger_client, family):
    reminder = remind(family.owner, times=["07:00"])
    device = PushSubscription.objects.create(
        household=family.household,
        user=family.owner,
        name="Phone",
        endpoint="https://push.example.net/1",
        p256dh="x",
        auth="y",
    )
    assert stranger_client.get(reverse("reminders:edit", args=[reminder.pk])).status_code == 404
    assert (
        stranger_client.post(reverse("reminders:edit", args=[reminder.pk]), NEW).status_code == 404
    )
    assert stranger_client.post(reverse("reminders:delete", args=[reminder.pk])).status_code == 404
    assert (
        stranger_client.post(reverse("reminders:device_delete", args=[device.pk])).status_code
        == 404
    )
    assert Reminder.objects.filter(pk=reminder.pk).exists()
    assert PushSubscription.objects.filter(pk=device.pk).exists()


def test_a_stranger_sees_nothing_of_hers_on_the_pages_without_an_id(stranger_client, family):
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"), name="Alex's phone")
        remind(family.owner, times=["07:00"])
        Delivery.objects.create(
            household=family.household,
            user=family.owner,
            due_at=SEVEN,
            fire_at=SEVEN,
            created_at=SEVEN,
            detail="Alex's phone: 500",
        )
        page = stranger_client.get(reverse("reminders:settings")).content.decode()
        assert "Alex" not in page and "No reminders yet." in page
        stranger_client.post(reverse("reminders:test"))
        assert service.received == []  # her devices got nothing from his test
        with time_machine.travel(SEVEN + timedelta(minutes=1)):
            banner = stranger_client.get(reverse("reminders:due")).json()
    assert banner == {"poll": False, "due": None}


def test_a_partner_cannot_change_her_reminders(member_client, family):
    reminder = remind(family.owner, times=["07:00"])
    assert member_client.get(reverse("reminders:edit", args=[reminder.pk])).status_code == 404
    assert member_client.post(reverse("reminders:delete", args=[reminder.pk])).status_code == 404


def test_a_device_subscribes(owner_client, family):
    response = owner_client.post(
        reverse("reminders:device_add"), _subscription(), content_type="application/json"
    )
    assert response.status_code == 201
    device = PushSubscription.objects.get()
    assert (device.user, device.name, device.household) == (family.owner, "Phone", family.household)
    # The same browser again (now for the partner on a shared phone) is one row, his now.
    owner_client.logout()
    owner_client.force_login(
        family.member, backend="letdown.accounts.backends.HouseholdModelBackend"
    )
    owner_client.post(
        reverse("reminders:device_add"), _subscription(), content_type="application/json"
    )
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [family.member.pk]


def test_a_bad_subscription_is_a_400_not_a_500(owner_client):
    url = reverse("reminders:device_add")
    for body in [
        "not json",
        "[]",
        json.dumps({"endpoint": "http://x/1", "keys": {}}),
        _subscription("ftp://x"),
        # The server posts to it: never an address in her network, only a push service.
        _subscription("https://192.168.1.1/admin"),
        _subscription("https://fcm.googleapis.com.evil.example/x"),
    ]:
        response = owner_client.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert "error" in response.json()
    assert not PushSubscription.objects.exists()


def test_she_removes_a_device(owner_client, family):
    device = PushSubscription.objects.create(
        household=family.household,
        user=family.owner,
        name="Phone",
        endpoint="https://push.example.net/1",
        p256dh="x",
        auth="y",
    )
    owner_client.post(reverse("reminders:device_delete", args=[device.pk]))
    assert not PushSubscription.objects.exists()


def test_send_a_test_shows_its_outcome_in_the_log(owner_client, family):
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"), name="Kitchen tablet")
        response = owner_client.post(reverse("reminders:test"), follow=True)
    page = response.content.decode()
    assert "Test: sent." in page
    assert len(service.received) == 1
    assert "<td>Test</td>" in page and "<td>Sent</td>" in page


def test_the_log_says_when_there_is_no_device(owner_client):
    page = owner_client.post(reverse("reminders:test"), follow=True).content.decode()
    assert "No device to send to" in page


def test_the_banner_endpoint_shows_the_reminder_at_its_time(owner_client, family):
    remind(family.owner, times=["07:00"])
    url = reverse("reminders:due")
    with time_machine.travel(SEVEN - timedelta(minutes=1)):
        assert owner_client.get(url).json() == {"poll": True, "due": None}
    with time_machine.travel(SEVEN + timedelta(minutes=2)):
        answer = owner_client.get(url).json()
    assert answer["due"]["body"] == "Time to pump."
    assert answer["due"]["url"] == "/#start"
    assert answer["due"]["key"].endswith(SEVEN.isoformat())
    SessionFactory(
        lactation=family.lactation, started_at=SEVEN + timedelta(minutes=3), ended_at=None
    )
    with time_machine.travel(SEVEN + timedelta(minutes=4)):
        assert owner_client.get(url).json()["due"] is None


def test_the_banner_endpoint_tells_a_page_without_reminders_to_stop(owner_client):
    assert owner_client.get(reverse("reminders:due")).json() == {"poll": False, "due": None}


def test_visitors_are_sent_to_log_in(client):
    for name in ("settings", "due", "test", "device_add"):
        response = client.get(reverse(f"reminders:{name}"))
        assert response.status_code == 302, name
