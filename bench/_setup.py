"""Shared set-up for the benchmarks: a fresh database (SQLite in a temp dir, or a scratch
PostgreSQL database when BENCH_DATABASE_URL is given) and two years of heavy use."""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def setup_django(tag: str) -> str:
    """Configure Django on a fresh database; returns a label for the printout."""
    os.environ.setdefault("LETDOWN_DATA_DIR", tempfile.mkdtemp(prefix=f"letdown-bench-{tag}-"))
    os.environ.setdefault("LETDOWN_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnop")
    os.environ["LETDOWN_STATIC_FINDERS"] = "1"
    os.environ.setdefault("LETDOWN_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    url = os.environ.get("BENCH_DATABASE_URL")
    label = "SQLite"
    if url:
        import psycopg

        base, _, name = url.rpartition("/")
        name = f"{name}_{tag}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        label = "PostgreSQL"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    return label


def heavy_household(
    *,
    sessions: int = 6000,
    letdowns: int = 15000,
    leaks: int = 1000,
    seed: int = 1,
    end: datetime = datetime(2026, 11, 1, tzinfo=UTC),
):
    """A household with about two years of heavy use up to `end`, written with bulk inserts."""
    from letdown.accounts.models import Baby, Household, Lactation, User
    from letdown.logbook.models import BottleFeed, Leak, LetDown, Segment, Session
    from letdown.logbook.services import store_taps_from_rows

    rng = random.Random(seed)
    household = Household.objects.create(
        parent_name="Bench", time_zone="Europe/London", onboarded=True
    )
    begin = end - timedelta(days=730)
    start_day = begin.date()
    lactation = Lactation.objects.create(household=household, number=1, started_on=start_day)
    Baby.objects.create(household=household, lactation=lactation, name="B", birth_date=start_day)
    user = User.objects.create_user("bench", password="bench-password-123", household=household)

    step = (end - begin) / sessions
    session_rows, starts = [], []
    for i in range(sessions):
        started = begin + step * i + timedelta(minutes=rng.randint(0, 20))
        kind = rng.choice(["nursing", "nursing", "pumping", "hand_expression"])
        duration = timedelta(minutes=rng.randint(8, 30))
        pumped = kind != "nursing"
        session_rows.append(
            Session(
                household=household,
                lactation=lactation,
                kind=kind,
                started_at=started,
                ended_at=started + duration,
                volume_left_ml=rng.randint(20, 120) if pumped else None,
                volume_right_ml=rng.randint(20, 120) if pumped else None,
                anxiety_before=rng.randint(0, 10) if rng.random() < 0.6 else None,
                aids=rng.sample(
                    ["warm_compress", "breast_massage", "relaxing_music", "baby_cry", "breathing"],
                    k=rng.randint(0, 2),
                ),
            )
        )
        starts.append((started, duration, kind))
    created = Session.objects.bulk_create(session_rows, batch_size=500)
    segments, letdown_rows = [], []
    per_session = [0] * sessions
    for _ in range(letdowns):
        per_session[rng.randrange(sessions)] += 1
    for session, (started, duration, kind), n in zip(created, starts, per_session, strict=True):
        side = "both" if kind == "pumping" else "left"
        segments.append(
            Segment(
                household=household,
                session=session,
                side=side,
                started_at=started,
                ended_at=started + duration,
            )
        )
        offsets = sorted(rng.uniform(30, duration.total_seconds()) for _ in range(n))
        letdown_rows += [
            LetDown(
                household=household, session=session, at=started + timedelta(seconds=o), side=side
            )
            for o in offsets
        ]
    Segment.objects.bulk_create(segments, batch_size=1000)
    LetDown.objects.bulk_create(letdown_rows, batch_size=1000)
    store_taps_from_rows(created, end)
    Leak.objects.bulk_create(
        [
            Leak(
                household=household,
                lactation=lactation,
                at=end - timedelta(minutes=rng.randint(0, 60 * 24 * 700)),
                amount="damp",
            )
            for _ in range(leaks)
        ],
        batch_size=1000,
    )
    BottleFeed.objects.bulk_create(
        [
            BottleFeed(
                household=household,
                lactation=lactation,
                at=end - timedelta(hours=rng.randint(0, 24 * 700)),
                milk="expressed",
                volume_ml=90,
            )
            for _ in range(500)
        ],
        batch_size=1000,
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        # After a bulk load like this, autovacuum would analyze these tables within a minute;
        # a live server runs with statistics, so the benchmark does too.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return household, user


def timed(fn: Callable[[], object], repeat: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def summary(name: str, samples_ms: list[float]) -> str:
    samples = sorted(samples_ms)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    median = statistics.median(samples)
    return f"{name:<28} median {median:7.2f} ms   p95 {p95:7.2f} ms   (n={len(samples)})"


def login_cookie(user) -> str:  # type: ignore[no-untyped-def]
    """A logged-in Django session for `user`: the value of its `sessionid` cookie."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "letdown.accounts.backends.HouseholdModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def start_session_now(household, kind: str = "pumping", side: str = "both"):  # type: ignore[no-untyped-def]
    """A running session of hers, started now through the logbook's service."""
    from django.utils import timezone

    from letdown.logbook import services

    now = timezone.now()
    lactation = household.current_lactation()
    return services.start_session(
        household=household, lactation=lactation, kind=kind, side=side, at=now, now=now
    ).session


def serve(port: int, host: str = "127.0.0.1", env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """`letdown serve` (granian, 2 processes) on the bench's database, returned
    once /health answers."""
    import http.client
    import subprocess
    import sys

    server = subprocess.Popen(
        [sys.executable, "-m", "letdown.cli", "serve", "--host", host, "--port", str(port)],
        env={**os.environ, "LETDOWN_STATIC_FINDERS": "0", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("letdown serve did not answer /health")
