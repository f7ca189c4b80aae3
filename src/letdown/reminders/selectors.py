"""Reads for reminders: a person's reminders, devices and log, and what the household's log
says for the due-time core (including the cached Insights prediction of her next feed)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import QuerySet

from letdown.accounts.models import Household, User
from letdown.insights.selectors import insights_for
from letdown.logbook.models import Session

from . import due
from .models import Delivery, PushSubscription, Reminder

LOG_LENGTH = 20
# Sent rows older than this cannot matter to the core (a cycle, or yesterday's pump time).
SENT_LOOKBACK = timedelta(days=2)


def reminders_of(household: Household, user: User) -> QuerySet[Reminder]:
    return Reminder.objects.filter(household=household, user=user).prefetch_related("devices")


def devices_of(household: Household, user: User) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(household=household, user=user)


def log_of(household: Household, user: User) -> list[Delivery]:
    return list(
        Delivery.objects.filter(household=household, user=user).select_related("reminder")[
            :LOG_LENGTH
        ]
    )


def household_facts(household: Household, *, now: datetime, with_prediction: bool) -> due.Household:
    """Whoever logged it: a partner's session counts as hers. The prediction is Insights'
    own (computed once per change of her data and cached), never recomputed here."""
    last = (
        Session.objects.filter(household=household)
        .order_by("-started_at", "-id")
        .values_list("started_at", "ended_at")
        .first()
    )
    running = Session.objects.filter(household=household, ended_at__isnull=True).exists()
    predicted = None
    if with_prediction:
        predicted = insights_for(household, now).rhythm.next_feed.predicted_at
    return due.Household(
        running=running,
        last_started_at=last[0] if last else None,
        last_ended_at=last[1] if last else None,
        predicted_feed_at=predicted,
    )


def sent_for(reminders: Iterable[Reminder], now: datetime) -> dict[int, list[due.Sent]]:
    ids = [r.pk for r in reminders]
    sent: dict[int, list[due.Sent]] = {pk: [] for pk in ids}
    rows = Delivery.objects.filter(
        reminder_id__in=ids, fire_at__gte=now - SENT_LOOKBACK
    ).values_list("reminder_id", "due_at", "fire_at")
    for reminder_id, due_at, fire_at in rows:
        sent[reminder_id].append(due.Sent(due_at=due_at, fire_at=fire_at))
    return sent


def standing(household: Household, user: User, now: datetime) -> tuple[Reminder, due.Due] | None:
    """The reminder of hers that stands now, sent or not: what the open app shows."""
    reminders = [r for r in reminders_of(household, user) if r.enabled]
    if not reminders:
        return None
    facts = household_facts(
        household,
        now=now,
        with_prediction=any(r.kind == due.FEED_DUE and r.basis == due.PREDICTED for r in reminders),
    )
    sent = sent_for(reminders, now)
    found = [
        (reminder, fire)
        for reminder in reminders
        if (
            fire := due.current(
                rule=reminder.rule(),
                household=facts,
                sent=sent[reminder.pk],
                now=now,
                tz=household.tz,
            )
        )
        is not None
    ]
    return max(found, key=lambda pair: pair[1].fire_at, default=None)
