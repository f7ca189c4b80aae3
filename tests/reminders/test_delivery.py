"""Reminders delivered for real: encrypted Web Push with VAPID, to a push service the test
runs on 127.0.0.1, which decrypts each message with the subscription's own keys."""

from __future__ import annotations

import time as clock
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from letdown.insights import selectors as insights_selectors
from letdown.reminders import runner, services, vapid
from letdown.reminders.models import MAX_FAILURES, Delivery, Outcome, PushSubscription

from ..factories import SessionFactory
from .factories import remind, subscribe
from .push_service import push_service, verify_vapid

SEVEN = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # 07:00 in London (GMT)


def test_a_due_reminder_reaches_the_phone_encrypted_and_signed(family):
    with push_service() as service:
        phone = service.browser("phone")
        subscribe(family.owner, phone)
        reminder = remind(family.owner, times=["07:00"])
        before = int(clock.time())
        delivered = runner.run_once(SEVEN + timedelta(minutes=1))
    assert [d.outcome for d in delivered] == [Outcome.SENT]
    [received] = service.received
    assert received.payload == {
        "title": "letdown",
        "body": "Time to pump.",
        "tag": "letdown-reminder",
        "url": "/#start",
        "action": "Start session",
        "fire_at": SEVEN.isoformat(),
    }
    headers = {k.lower(): v for k, v in received.headers.items()}
    assert headers["ttl"] == "1800"  # half an hour: later than that, a reminder is noise
    assert headers["topic"] == "letdown-reminder"
    assert headers["content-encoding"] == "aes128gcm"
    claims = verify_vapid(
        headers["authorization"], public_key=vapid.public_key(), audience=service.origin
    )
    assert claims["sub"] == settings.LETDOWN_VAPID_SUBJECT
    assert before < claims["exp"] <= before + 24 * 3600
    log = Delivery.objects.get()
    assert (log.reminder, log.due_at, log.outcome) == (reminder, SEVEN, Outcome.SENT)


def test_the_key_pair_is_made_once_and_kept_in_the_data_directory(family):
    key = vapid.public_key()
    assert vapid.key_path().parent == settings.DATA_DIR
    assert vapid.key_path().stat().st_mode & 0o777 == 0o600
    vapid._load.cache_clear()
    assert vapid.public_key() == key


def test_a_reminder_fires_once_per_due_time(family):
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        remind(family.owner, times=["07:00"])
        for minute in range(1, 6):
            runner.run_once(SEVEN + timedelta(minutes=minute))
    assert len(service.received) == 1
    assert Delivery.objects.count() == 1


def test_nothing_is_sent_while_a_session_is_running(family):
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        remind(family.owner, times=["07:00"])
        SessionFactory(
            lactation=family.lactation, started_at=SEVEN - timedelta(minutes=5), ended_at=None
        )
        assert runner.run_once(SEVEN + timedelta(minutes=1)) == []
    assert service.received == []


def test_a_partner_gets_his_own_reminders_on_his_devices(family):
    with push_service() as service:
        subscribe(family.owner, service.browser("hers"), name="Her phone")
        subscribe(family.member, service.browser("his"), name="His phone")
        remind(family.member, times=["07:00"])
        runner.run_once(SEVEN + timedelta(minutes=1))
    assert [r.path for r in service.received] == ["/push/his"]


def test_a_reminder_goes_only_to_the_devices_she_ticked(family):
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"), name="Phone")
        tablet = subscribe(family.owner, service.browser("tablet"), name="Tablet")
        remind(family.owner, devices=[tablet], times=["07:00"])
        runner.run_once(SEVEN + timedelta(minutes=1))
    assert [r.path for r in service.received] == ["/push/tablet"]


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_calls_gone_is_removed(family, status):
    with push_service() as service:
        gone = subscribe(family.owner, service.browser("old"), name="Old phone")
        subscribe(family.owner, service.browser("new"), name="New phone")
        service.answers["/push/old"] = status
        remind(family.owner, times=["07:00"])
        [delivery] = runner.run_once(SEVEN + timedelta(minutes=1))
    assert delivery.outcome == Outcome.PARTLY
    assert f"Old phone: {status}" in delivery.detail
    assert not PushSubscription.objects.filter(pk=gone.pk).exists()
    assert [r.path for r in service.received] == ["/push/new"]


def test_a_failing_device_is_counted_and_stops_being_tried_after_several(family):
    with push_service() as service:
        device = subscribe(family.owner, service.browser("flaky"))
        service.answers["/push/flaky"] = 500
        remind(family.owner, times=["07:00"], repeat_minutes=15)
        outcomes = []
        for day in range(MAX_FAILURES + 1):
            now = SEVEN + timedelta(days=day, minutes=1)
            outcomes += [d.outcome for d in runner.run_once(now)]
    device.refresh_from_db()
    assert device.failures == MAX_FAILURES
    assert outcomes == [Outcome.FAILED] * MAX_FAILURES + [Outcome.NO_DEVICE]


def test_a_success_resets_the_failure_count(family):
    with push_service() as service:
        device = subscribe(family.owner, service.browser("phone"))
        PushSubscription.objects.filter(pk=device.pk).update(failures=MAX_FAILURES - 1)
        remind(family.owner, times=["07:00"])
        runner.run_once(SEVEN + timedelta(minutes=1))
    device.refresh_from_db()
    assert device.failures == 0


def test_an_unreachable_push_service_is_a_failure_in_the_log(family):
    with push_service() as service:
        browser = service.browser("phone")
    subscribe(family.owner, browser)  # the service has stopped: nothing listens there
    remind(family.owner, times=["07:00"])
    [delivery] = runner.run_once(SEVEN + timedelta(minutes=1))
    assert delivery.outcome == Outcome.FAILED
    assert PushSubscription.objects.get().failures == 1


def test_the_predicted_feed_comes_from_the_cached_insights(family, monkeypatch):
    # Feeds every 3 hours for a week: Insights predicts the next one 3 hours after the last.
    last = SEVEN - timedelta(hours=3)
    for n in range(8 * 7):
        start = last - timedelta(hours=3 * n)
        SessionFactory(
            lactation=family.lactation, started_at=start, ended_at=start + timedelta(minutes=20)
        )
    computed = []
    real_compute = insights_selectors._compute
    monkeypatch.setattr(
        insights_selectors,
        "_compute",
        lambda household, now: computed.append(now) or real_compute(household, now),
    )
    predicted = insights_selectors.insights_for(family.household, last + timedelta(hours=1))
    predicted_at = predicted.rhythm.next_feed.predicted_at
    assert predicted_at is not None and abs(predicted_at - SEVEN) < timedelta(minutes=10)
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        remind(family.owner, kind="feed_due", basis="predicted", lead_minutes=10)
        # Saving the reminder was a write to her household's data, which recomputes once.
        computed.clear()
        runner.run_once(predicted_at - timedelta(minutes=40))
        assert len(computed) == 1
        computed.clear()
        # Each minute's check until the reminder reads the cached prediction.
        for minute in range(-39, -10):
            assert runner.run_once(predicted_at + timedelta(minutes=minute)) == []
        assert computed == [], (computed, predicted_at)
        delivered = runner.run_once(predicted_at - timedelta(minutes=10))
    assert [d.due_at for d in delivered] == [predicted_at - timedelta(minutes=10)]
    assert service.received[0].payload["body"] == "Your next feed is probably due."


def test_a_fixed_interval_after_the_last_session_ended(family):
    SessionFactory(
        lactation=family.lactation,
        started_at=SEVEN - timedelta(hours=2, minutes=30),
        ended_at=SEVEN - timedelta(hours=2),
    )
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        remind(family.owner, kind="feed_due", basis="after_end", interval_minutes=120)
        assert runner.run_once(SEVEN - timedelta(minutes=1)) == []
        [delivery] = runner.run_once(SEVEN + timedelta(minutes=1))
    assert delivery.due_at == SEVEN
    assert service.received[0].payload["body"] == "A feed or pump is due."


def test_a_reminder_speaks_her_own_language(family):
    family.owner.language = "de"
    family.owner.save()
    SessionFactory(
        lactation=family.lactation,
        started_at=SEVEN - timedelta(hours=2, minutes=30),
        ended_at=SEVEN - timedelta(hours=2),
    )
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        remind(family.owner, kind="feed_due", basis="after_end", interval_minutes=120)
        runner.run_once(SEVEN + timedelta(minutes=1))
    assert service.received[0].payload["body"] == "Stillen oder Abpumpen steht an."
    assert service.received[0].payload["action"] == "Sitzung beginnen"


def test_send_a_test_reaches_her_devices_and_the_log(family):
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        delivery = services.send_test(household=family.household, user=family.owner, now=SEVEN)
    assert delivery.outcome == Outcome.SENT
    assert service.received[0].payload["body"].startswith("This is a test")


def test_app_servers_share_the_key_they_are_given(family, settings, tmp_path):
    from py_vapid import Vapid02

    shared = Vapid02()
    shared.generate_keys()
    settings.LETDOWN_VAPID_PRIVATE_KEY = shared.private_pem().decode()
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        services.send_test(household=family.household, user=family.owner, now=SEVEN)
    headers = {k.lower(): v for k, v in service.received[0].headers.items()}
    expected = vapid.public_key()
    assert expected != "" and vapid.vapid().private_key is not None
    verify_vapid(headers["authorization"], public_key=expected, audience=service.origin)
    settings.LETDOWN_VAPID_PRIVATE_KEY = ""
    assert vapid.public_key() != expected  # the data directory's own key is another
