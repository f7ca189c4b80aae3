"""The minute's reminder check over many households: one heavy household (two years of use)
and BENCH_REMINDER_HOUSEHOLDS others with four weeks of feeds every 3 hours, each with a
"predicted next feed" and a "pump at" reminder. Times a pass where nothing is due, cold (the
Insights predictions computed and cached) and warm (read from the cache), and a pass that
sends to every household (to a push service on 127.0.0.1 that answers 201 without
decrypting). Target: a warm pass well under the minute it runs in (under 10 s for 500
households).

    python bench/bench_reminders.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bench_reminders.py
"""

from __future__ import annotations

import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import heavy_household, setup_django  # noqa: E402

HOUSEHOLDS = int(os.environ.get("BENCH_REMINDER_HOUSEHOLDS", "500"))
END = datetime(2026, 11, 1, tzinfo=UTC)


class _Accept(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _households(count: int, endpoint: str) -> None:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from letdown.accounts.models import Baby, Household, Lactation, User
    from letdown.logbook.models import Session
    from letdown.reminders.models import PushSubscription, Reminder

    public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    p256dh = base64.urlsafe_b64encode(public).rstrip(b"=").decode()
    auth = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
    for n in range(count):
        household = Household.objects.create(
            parent_name=f"H{n}", time_zone="Europe/London", onboarded=True
        )
        lactation = Lactation.objects.create(household=household, started_on=END.date())
        Baby.objects.create(
            household=household, lactation=lactation, name="B", birth_date=END.date()
        )
        user = User.objects.create(username=f"bench-{n}", household=household)
        Session.objects.bulk_create(
            Session(
                household=household,
                lactation=lactation,
                kind="nursing",
                started_at=END - timedelta(hours=3 * i, minutes=n % 7),
                ended_at=END - timedelta(hours=3 * i, minutes=n % 7) + timedelta(minutes=20),
            )
            for i in range(1, 8 * 28)
        )
        PushSubscription.objects.create(
            household=household,
            user=user,
            name="Phone",
            endpoint=f"{endpoint}/{n}",
            p256dh=p256dh,
            auth=auth,
        )
        Reminder.objects.create(household=household, user=user, kind="feed_due")
        Reminder.objects.create(household=household, user=user, kind="pump_at", times=["10:00"])


def main() -> None:
    label = setup_django("reminders")
    from letdown.reminders.models import Reminder
    from letdown.reminders.runner import run_once

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Accept)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}/push"
    household, user = heavy_household(end=END)
    Reminder.objects.create(household=household, user=user, kind="feed_due")
    _households(HOUSEHOLDS, endpoint)
    print(
        f"reminders bench on {label}: {HOUSEHOLDS + 1} households, "
        f"{Reminder.objects.count()} reminders"
    )
    quiet = END + timedelta(minutes=30)  # before any prediction, and no pump time
    for name in ("cold", "warm", "warm"):
        started = time.perf_counter()
        sent = run_once(quiet)
        print(f"nothing due, {name:<5} {time.perf_counter() - started:8.2f} s   sent {len(sent)}")
        quiet += timedelta(minutes=1)
    ten = END.replace(hour=10, minute=1)
    started = time.perf_counter()
    sent = run_once(ten)
    elapsed = time.perf_counter() - started
    print(
        f"pump at 10:00 due   {elapsed:8.2f} s   sent {len(sent)} "
        f"({1000 * elapsed / max(1, len(sent)):.1f} ms each, encrypted and signed)"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
