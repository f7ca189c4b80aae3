"""Her pages beside many other households: every query must be scoped to her household in the
plan, not only in the result. Times home and history (after a change) and the cold Insights
page for one heavy household alone, then again with 2,000 other households (some 500,000
rows, logged over the same weeks as hers), and prints the ratio. Target: each page within 20 %
of the single-household figure.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bench_households.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

# As `letdown serve` does: one BLAS thread per server process (set before numpy loads).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import heavy_household, setup_django  # noqa: E402

OTHER_HOUSEHOLDS = int(os.environ.get("BENCH_OTHER_HOUSEHOLDS", "2000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))
COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "7"))


def _percentiles(samples: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Median and p95 wall milliseconds, and median CPU milliseconds of this process (the
    machine may be shared: CPU time is what the page cost here, whatever else runs)."""
    ordered = sorted(wall for wall, _ in samples)
    return (
        statistics.median(ordered),
        ordered[int(round(0.95 * (len(ordered) - 1)))],
        statistics.median(cpu for _, cpu in samples),
    )


def _load() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def add_other_households(count: int, end, seed: int = 7) -> int:
    """`count` households, each with ten days of records up to `end`, by bulk inserts."""
    from letdown.accounts.models import Baby, Household, Lactation
    from letdown.logbook.models import BottleFeed, Leak, LetDown, Segment, Session

    rng = random.Random(seed)
    households = Household.objects.bulk_create(
        [
            Household(parent_name=f"Other {i}", time_zone="Europe/Paris", onboarded=True)
            for i in range(count)
        ],
        batch_size=1000,
    )
    started_on = (end - timedelta(days=60)).date()
    lactations = Lactation.objects.bulk_create(
        [Lactation(household=h, number=1, started_on=started_on) for h in households],
        batch_size=1000,
    )
    Baby.objects.bulk_create(
        [
            Baby(household=h, lactation=lac, name="B", birth_date=started_on)
            for h, lac in zip(households, lactations, strict=True)
        ],
        batch_size=1000,
    )
    rows = 0
    for first in range(0, count, 200):
        sessions, leaks, feeds = [], [], []
        for household, lactation in zip(
            households[first : first + 200], lactations[first : first + 200], strict=True
        ):
            for k in range(60):
                started = end - timedelta(hours=4 * k + 1, minutes=rng.randint(0, 30))
                sessions.append(
                    Session(
                        household=household,
                        lactation=lactation,
                        kind=rng.choice(["nursing", "pumping"]),
                        started_at=started,
                        ended_at=started + timedelta(minutes=rng.randint(8, 25)),
                        aids=rng.sample(["warm_compress", "breast_massage", "baby_cry"], k=1),
                    )
                )
            leaks += [
                Leak(
                    household=household,
                    lactation=lactation,
                    at=end - timedelta(minutes=rng.randint(0, 14400)),
                    amount="damp",
                )
                for _ in range(20)
            ]
            feeds += [
                BottleFeed(
                    household=household,
                    lactation=lactation,
                    at=end - timedelta(minutes=rng.randint(0, 14400)),
                    milk="expressed",
                    volume_ml=90,
                )
                for _ in range(20)
            ]
        created = Session.objects.bulk_create(sessions, batch_size=2000)
        segments, letdowns = [], []
        for session in created:
            segments.append(
                Segment(
                    household_id=session.household_id,
                    session=session,
                    side="left",
                    started_at=session.started_at,
                    ended_at=session.ended_at,
                )
            )
            for _ in range(rng.choice((1, 2, 2))):
                letdowns.append(
                    LetDown(
                        household_id=session.household_id,
                        session=session,
                        at=session.started_at + timedelta(seconds=rng.randint(20, 400)),
                        side="left",
                    )
                )
        Segment.objects.bulk_create(segments, batch_size=2000)
        LetDown.objects.bulk_create(letdowns, batch_size=2000)
        Leak.objects.bulk_create(leaks, batch_size=2000)
        BottleFeed.objects.bulk_create(feeds, batch_size=2000)
        rows += len(created) + len(segments) + len(letdowns) + len(leaks) + len(feeds)
    return rows


def main() -> None:
    label = setup_django("households")
    from django.core.cache import caches
    from django.db import connection
    from django.db.models import F
    from django.test import Client
    from django.utils import timezone

    from letdown.accounts.models import Household
    from letdown.core.process import prepare_server_process

    end = timezone.now() - timedelta(hours=1)
    household, user = heavy_household(end=end)
    prepare_server_process()
    client = Client()
    client.force_login(user, backend="letdown.accounts.backends.HouseholdModelBackend")

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def bump() -> None:
        # A change to her data, as any write makes: the page caches hold nothing for it.
        Household.objects.filter(pk=household.pk).update(data_version=F("data_version") + 1)

    def timed_get(url: str) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        get(url)
        return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000

    def after_a_change(url: str) -> list[tuple[float, float]]:
        get(url)
        samples = []
        for _ in range(REPEAT):
            bump()
            samples.append(timed_get(url))
        return samples

    def insights_cold() -> list[tuple[float, float]]:
        get("/insights/")
        samples = []
        for _ in range(COLD_RUNS):
            for cache in caches.all():
                cache.clear()
            samples.append(timed_get("/insights/"))
        return samples

    pages: dict[str, Callable[[], list[tuple[float, float]]]] = {
        "home, after a change": lambda: after_a_change("/"),
        "history, after a change": lambda: after_a_change("/history/"),
        "insights, cold": insights_cold,
    }
    print(f"letdown pages beside other households, on {label}")
    print(f"machine load before, alone (1, 5, 15 min): {_load()}")
    alone = {name: _percentiles(measure()) for name, measure in pages.items()}
    started = time.perf_counter()
    rows = add_other_households(OTHER_HOUSEHOLDS, end)
    if connection.vendor == "postgresql":
        # As autovacuum would leave the tables after such a load (statistics, visibility
        # map); without it, its VACUUM of the new rows runs during the timings below.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(
        f"added {OTHER_HOUSEHOLDS} other households, {rows} rows, "
        f"in {time.perf_counter() - started:.0f} s"
    )
    print(f"machine load before, beside them (1, 5, 15 min): {_load()}")
    crowded = {name: _percentiles(measure()) for name, measure in pages.items()}
    print(f"machine load after (1, 5, 15 min): {_load()}, {os.cpu_count()} CPUs")
    for name in pages:
        (alone_median, alone_p95, alone_cpu) = alone[name]
        (crowded_median, crowded_p95, crowded_cpu) = crowded[name]
        print(
            f"{name:<24} alone: median {alone_median:6.1f} ms p95 {alone_p95:6.1f} ms "
            f"CPU {alone_cpu:6.1f} ms | beside {OTHER_HOUSEHOLDS}: median {crowded_median:6.1f} ms "
            f"p95 {crowded_p95:6.1f} ms CPU {crowded_cpu:6.1f} ms | median "
            f"x{crowded_median / alone_median:.2f}, CPU x{crowded_cpu / alone_cpu:.2f} "
            "[target <= x1.20]"
        )


if __name__ == "__main__":
    main()
