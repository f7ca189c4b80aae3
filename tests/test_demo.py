"""`letdown demo`: six weeks of a first-time parent's history from the reflex model."""

import statistics
from datetime import UTC, datetime, timedelta

from django.test import Client
from django.urls import reverse

from letdown.demo import DEMO_PASSWORD, DEMO_USERNAME, create_demo_household
from letdown.logbook.models import BottleFeed, Leak, Session

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)


def test_demo_history_is_plausible_and_improves(db):
    username, password = create_demo_household(now=NOW)
    sessions = list(Session.objects.with_details().order_by("started_at"))
    first_day = sessions[0].started_at
    assert first_day >= NOW - timedelta(days=43)
    assert all(s.ended_at is not None and s.ended_at <= NOW for s in sessions)
    # Never overlapping, as the logbook itself would refuse.
    for a, b in zip(sessions, sessions[1:], strict=False):
        assert a.ended_at <= b.started_at
    # Today already has its morning.
    assert sessions[-1].started_at.date() == NOW.date()

    def week(w: int) -> list[Session]:
        lo, hi = first_day + timedelta(weeks=w), first_day + timedelta(weeks=w + 1)
        return [s for s in sessions if lo <= s.started_at < hi]

    def median_first(ss: list[Session]) -> float:
        times = [s.facts(NOW).time_to_first_letdown_s for s in ss]
        return statistics.median(t for t in times if t is not None)

    assert median_first(week(5)) < 0.7 * median_first(week(0))  # let-down gets quicker
    leaks = list(Leak.objects.values_list("at", flat=True))
    early = sum(first_day <= t < first_day + timedelta(weeks=2) for t in leaks)
    late = sum(first_day + timedelta(weeks=4) <= t for t in leaks)
    assert early > 0 and late < early  # leaks fade as feeds settle
    assert {s.kind for s in sessions} == {"nursing", "pumping"}
    pumped = [s for s in sessions if s.kind == "pumping"]
    assert all(s.volume_left_ml is not None for s in pumped)
    assert BottleFeed.objects.exists()

    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    assert (username, password) == (DEMO_USERNAME, DEMO_PASSWORD)
    assert client.get(reverse("home")).status_code == 200


def test_demo_can_be_made_again(db):
    create_demo_household(now=NOW)
    create_demo_household(now=NOW + timedelta(days=1))
    assert Session.objects.values("household").distinct().count() == 1
