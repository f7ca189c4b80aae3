"""Every write for reminders: her reminders and devices, claiming a due reminder (once, by the
database), sending it and logging what happened, and the runner's lease."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from letdown.accounts.models import Household, User
from letdown.accounts.services import changing

from . import due, push
from .models import MAX_FAILURES, Delivery, Outcome, PushSubscription, Reminder, RunnerLease

TTL_S = int(due.LATE_LIMIT.total_seconds())
START_URL = "/#start"
_REMINDER_FIELDS = (
    "enabled",
    "kind",
    "basis",
    "interval_minutes",
    "lead_minutes",
    "times",
    "quiet_start",
    "quiet_end",
    "repeat_minutes",
)


def save_reminder(
    *,
    household: Household,
    user: User,
    reminder: Reminder | None,
    values: dict[str, Any],
    devices: Sequence[PushSubscription],
) -> Reminder:
    if any(d.household_id != household.pk or d.user_id != user.pk for d in devices):
        raise ValueError("a device of someone else")
    with changing(household):
        if reminder is None:
            reminder = Reminder(household=household, user=user)
        for name in _REMINDER_FIELDS:
            if name in values:
                setattr(reminder, name, values[name])
        reminder.save()
        reminder.devices.set(devices)
    return reminder


def delete_reminder(*, reminder: Reminder) -> None:
    with changing(reminder.household_id):
        reminder.delete()


def save_subscription(
    *, household: Household, user: User, endpoint: str, p256dh: str, auth: str, name: str
) -> PushSubscription:
    """This browser's subscription for her. The same browser subscribing again (new keys, or
    now logged in as someone else) replaces its row: one endpoint reaches one person."""
    with changing(household):
        PushSubscription.objects.filter(endpoint=endpoint).exclude(
            household=household, user=user
        ).delete()
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "household": household,
                "user": user,
                "p256dh": p256dh,
                "auth": auth,
                "name": name,
                "failures": 0,
            },
        )
    return subscription


def delete_subscription(*, subscription: PushSubscription) -> None:
    with changing(subscription.household_id):
        subscription.delete()


def claim(*, reminder: Reminder, fire: due.Due, now: datetime) -> Delivery | None:
    """The log row for this fire, stored before anything is sent; None when another runner
    stored it first (the unique (reminder, fire_at) index refuses the second)."""
    try:
        # Delivery records are not her log: no page or statistic depends on them, so they do
        # not bump her data version (which would throw away her cached Insights every send).
        with transaction.atomic():
            return Delivery.objects.create(
                household_id=reminder.household_id,
                user_id=reminder.user_id,
                reminder=reminder,
                due_at=fire.due_at,
                fire_at=fire.fire_at,
                created_at=now,
            )
    except IntegrityError:
        return None


def payload(reminder: Reminder | None, fire_at: datetime) -> dict[str, Any]:
    """What a notification (or the in-page banner) says, in the active language."""
    if reminder is None:
        body = _("This is a test: reminders will reach this device.")
    elif reminder.kind == due.PUMP_AT:
        body = _("Time to pump.")
    elif reminder.basis == due.PREDICTED:
        body = _("Your next feed is probably due.")
    else:
        body = _("A feed or pump is due.")
    return {
        "title": "letdown",
        "body": body,
        # One tag for all her reminders: a newer notification replaces the older one.
        "tag": "letdown-reminder",
        "url": START_URL,
        "action": _("Start session"),
        "fire_at": fire_at.isoformat(),
    }


def _targets(delivery: Delivery) -> list[PushSubscription]:
    chosen = PushSubscription.objects.filter(household_id=delivery.household_id)
    if delivery.reminder is not None and delivery.reminder.devices.exists():
        chosen = chosen.filter(reminders=delivery.reminder)
    else:
        chosen = chosen.filter(user_id=delivery.user_id)
    return [s for s in chosen if s.active]


def deliver(*, delivery: Delivery) -> Delivery:
    """Send a claimed delivery to its devices (outside any transaction: pushes take network
    time), then log the outcome. A device the push service calls gone (404/410) is removed;
    another failure counts against it, and after MAX_FAILURES in a row it is not tried."""
    targets = _targets(delivery)
    # In her own language (Settings), or the server's when she has not chosen one: a push has
    # no browser asking for a language.
    language = User.objects.filter(pk=delivery.user_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        message = payload(delivery.reminder, delivery.fire_at)
    results = [
        (
            subscription,
            push.send(
                endpoint=subscription.endpoint,
                p256dh=subscription.p256dh,
                auth=subscription.auth,
                payload=message,
                ttl_s=TTL_S,
                topic="letdown-reminder",
            ),
        )
        for subscription in targets
    ]
    ok = [s for s, r in results if r.ok]
    problems = [f"{s.name}: {r.status or r.detail}" for s, r in results if not r.ok]
    if not results:
        outcome = Outcome.NO_DEVICE
    elif len(ok) == len(results):
        outcome = Outcome.SENT
    else:
        outcome = Outcome.PARTLY if ok else Outcome.FAILED
    with transaction.atomic():  # delivery records: see `claim`
        for subscription, result in results:
            if result.gone:
                PushSubscription.objects.filter(pk=subscription.pk).delete()
            elif result.ok:
                PushSubscription.objects.filter(pk=subscription.pk).update(failures=0)
            else:
                PushSubscription.objects.filter(
                    pk=subscription.pk, failures__lt=MAX_FAILURES
                ).update(failures=F("failures") + 1)
        delivery.outcome = outcome
        delivery.detail = "; ".join(problems)[:300]
        delivery.save(update_fields=["outcome", "detail"])
    return delivery


def send_test(*, household: Household, user: User, now: datetime) -> Delivery:
    with changing(household):
        delivery = Delivery.objects.create(
            household=household, user=user, reminder=None, due_at=now, fire_at=now, created_at=now
        )
    return deliver(delivery=delivery)


def take_lease(*, name: str, holder: str, now: datetime, seconds: float) -> bool:
    """Whether `holder` runs this turn: it holds the lease row until `now + seconds`, unless
    another holder's lease has not run out yet. One UPDATE (or the first INSERT) decides."""
    until = now + timedelta(seconds=seconds)
    with transaction.atomic():
        taken = RunnerLease.objects.filter(name=name, expires_at__lte=now).update(
            holder=holder, expires_at=until
        )
        if taken:
            return True
    try:
        with transaction.atomic():
            RunnerLease.objects.create(name=name, holder=holder, expires_at=until)
    except IntegrityError:
        return False
    return True
