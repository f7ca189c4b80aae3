"""Two server processes' runners at the same minute: real threads, each with its own database
connection, on SQLite and PostgreSQL. The database lets one of them send each reminder."""

from __future__ import annotations

import os
import socket
import threading
import time as clock
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from letdown import cli
from letdown.reminders import runner, services
from letdown.reminders.models import Delivery, RunnerLease

from ..conftest import make_family
from .factories import remind, subscribe
from .push_service import push_service

pytestmark = pytest.mark.django_db(transaction=True)

SEVEN = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
RUNNERS = 4


def at_once(work: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(work))
    results: list[object] = [None] * len(work)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work[index]()
        except Exception as error:  # noqa: BLE001 - reported below
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


def test_runners_at_the_same_minute_send_each_reminder_once():
    families = [make_family(f"Parent {n}") for n in range(3)]
    with push_service() as service:
        for n, family in enumerate(families):
            subscribe(family.owner, service.browser(f"owner{n}"))
            subscribe(family.member, service.browser(f"member{n}"))
            remind(family.owner, times=["07:00"])
            remind(family.member, times=["07:00"], repeat_minutes=15)
        for minute in (1, 16):  # the first reminder, then the partners' repeat
            now = SEVEN + timedelta(minutes=minute)
            results = at_once([lambda now=now: runner.run_once(now)] * RUNNERS)
            assert sum(len(r) for r in results) == (6 if minute == 1 else 3)  # type: ignore[arg-type]
    paths = sorted(r.path for r in service.received)
    expected = sorted(
        [f"/push/owner{n}" for n in range(3)] + [f"/push/member{n}" for n in range(3)] * 2
    )
    assert paths == expected
    assert Delivery.objects.count() == 9


def test_one_runner_takes_the_minute_lease():
    results = at_once(
        [
            lambda i=i: services.take_lease(
                name="reminders", holder=f"worker {i}", now=SEVEN, seconds=55
            )
            for i in range(RUNNERS)
        ]
    )
    assert results.count(True) == 1
    assert RunnerLease.objects.get().expires_at == SEVEN + timedelta(seconds=55)
    # Within the lease nobody else runs; once it has run out, the next minute is anyone's.
    assert not services.take_lease(
        name="reminders", holder="late", now=SEVEN + timedelta(seconds=30), seconds=55
    )
    assert services.take_lease(
        name="reminders", holder="next", now=SEVEN + timedelta(seconds=60), seconds=55
    )
    assert RunnerLease.objects.get().holder == "next"


def test_a_turn_runs_the_check_only_for_the_lease_holder():
    family = make_family()
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        remind(family.owner, times=["07:00"])
        now = SEVEN + timedelta(minutes=1)
        results = at_once([lambda: runner.turn(now)] * RUNNERS)
    assert sum(r is not None for r in results) == 1
    assert len(service.received) == 1


def _due_a_minute_ago(user) -> None:  # type: ignore[no-untyped-def]
    local = timezone.now().astimezone(user.household.tz) - timedelta(minutes=1)
    remind(user, times=[local.strftime("%H:%M")])


def test_letdown_notify_once_sends_what_is_due(capsys):
    family = make_family()
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        _due_a_minute_ago(family.owner)
        assert cli.main(["notify", "--once"]) == 0
        assert cli.main(["notify", "--once"]) == 0  # cron again: nothing twice
    assert capsys.readouterr().out.splitlines() == ["reminders sent: 1", "reminders sent: 0"]
    assert len(service.received) == 1


def test_the_server_processes_minute_loop_sends_a_due_reminder(monkeypatch):
    family = make_family()
    monkeypatch.setattr(runner, "PERIOD_S", 0.2)
    with push_service() as service:
        subscribe(family.owner, service.browser("phone"))
        _due_a_minute_ago(family.owner)
        stop = runner.start_in_background()
        try:
            deadline = clock.monotonic() + 20
            while not service.received and clock.monotonic() < deadline:
                clock.sleep(0.1)
        finally:
            stop.set()
            for thread in threading.enumerate():
                if thread.name == "letdown-reminders":
                    thread.join(timeout=30)
    assert len(service.received) == 1
    assert RunnerLease.objects.get().holder.startswith(f"{socket.gethostname()}:{os.getpid()}:")
