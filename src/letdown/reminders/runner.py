"""The due-reminder check: one pass over every enabled reminder (`run_once`), and the loop a
server process runs every minute, taking turns with the other processes through a lease."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import defaultdict
from datetime import datetime

from django.db import connections
from django.utils import timezone

from . import due, services
from .models import Delivery, Reminder
from .selectors import household_facts, sent_for

log = logging.getLogger(__name__)
LEASE = "reminders"
PERIOD_S = 60.0
# Held a little less than a period, so the next minute is free for whichever process is first.
LEASE_S = PERIOD_S - 5


def run_once(now: datetime | None = None) -> list[Delivery]:
    """Claim and send every reminder due at `now`. Safe to run in several processes at once:
    a reminder's fire is claimed by one of them only (the database's unique index)."""
    now = now or timezone.now()
    by_household: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in Reminder.objects.filter(enabled=True).select_related("household"):
        by_household[reminder.household_id].append(reminder)
    delivered = []
    for reminders in by_household.values():
        household = reminders[0].household
        facts = household_facts(
            household,
            now=now,
            with_prediction=any(
                r.kind == due.FEED_DUE and r.basis == due.PREDICTED for r in reminders
            ),
        )
        sent = sent_for(reminders, now)
        for reminder in reminders:
            fire = due.due_now(
                rule=reminder.rule(),
                household=facts,
                sent=sent[reminder.pk],
                now=now,
                tz=household.tz,
            )
            if fire is None:
                continue
            delivery = services.claim(reminder=reminder, fire=fire, now=now)
            if delivery is not None:
                delivered.append(services.deliver(delivery=delivery))
    return delivered


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def turn(now: datetime | None = None) -> list[Delivery] | None:
    """One minute's turn: the check if this process wins the lease, else None."""
    now = now or timezone.now()
    if not services.take_lease(name=LEASE, holder=holder_name(), now=now, seconds=LEASE_S):
        return None
    return run_once(now)


def _loop(stop: threading.Event) -> None:
    while not stop.wait(PERIOD_S - (timezone.now().timestamp() % PERIOD_S)):
        try:
            turn()
        except Exception:  # a bad minute must not end reminders for the server's life
            log.exception("reminder check failed")
        finally:
            connections.close_all()  # this thread's own; a fresh one next minute


def start_in_background() -> threading.Event:
    """Starts the minute loop in a daemon thread of this process; set the event to stop it."""
    stop = threading.Event()
    threading.Thread(target=_loop, args=(stop,), name="letdown-reminders", daemon=True).start()
    return stop
