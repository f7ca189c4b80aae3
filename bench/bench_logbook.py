"""Logbook server time with two years of heavy use (about 6,000 sessions, 15,000 let-downs,
1,000 leaks): median and p95 for home, history, logging a let-down and ending a session,
and let-downs per second over HTTP through `letdown serve`.

    python bench/bench_logbook.py          # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bench_logbook.py
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import (  # noqa: E402
    heavy_household,
    login_cookie,
    serve,
    setup_django,
    start_session_now,
    summary,
    timed,
)

REPEAT = int(os.environ.get("BENCH_REPEAT", "200"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))


def main() -> None:
    label = setup_django("logbook")
    from django.test import Client
    from django.utils import timezone

    from letdown.accounts.services import changing
    from letdown.logbook import services

    def bump(household) -> None:
        with changing(household):
            pass

    from letdown.logbook.models import LetDown, Session

    t0 = time.perf_counter()
    # Her two years end an hour ago, so today and the history's first page hold what a heavy
    # day holds.
    household, user = heavy_household(end=timezone.now() - timedelta(hours=1))
    # As the server's wsgi module does once the app is loaded (see letdown.core.process).
    from letdown.core.process import prepare_server_process

    prepare_server_process()
    print(f"letdown logbook benchmark on {label}")
    print(
        f"loaded {Session.objects.count()} sessions, {LetDown.objects.count()} let-downs "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    with open("/proc/loadavg") as loadavg:
        print(f"machine load before (1, 5, 15 min): {' '.join(loadavg.read().split()[:3])}")
    client = Client()
    client.force_login(user, backend="letdown.accounts.backends.HouseholdModelBackend")

    def get(url: str):
        def run() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return run

    def after_a_change(url: str) -> list[float]:
        """The first view after she logged something: the page cache has nothing for the new
        data version, so every figure comes from the database."""
        run = get(url)
        samples = []
        for _ in range(REPEAT):
            bump(household)
            t = time.perf_counter()
            run()
            samples.append((time.perf_counter() - t) * 1000)
        return samples

    print(summary("home page, after a change", after_a_change("/")))
    print(summary("home page, again", timed(get("/"), REPEAT)))
    print(summary("history page, after a change", after_a_change("/history/")))
    print(summary("history page, again", timed(get("/history/"), REPEAT)))
    lactation = household.current_lactation()
    session = start_session_now(household, "pumping", "both")

    def letdown() -> None:
        assert client.post(f"/sessions/{session.pk}/letdown/").status_code == 302

    print(summary("log a let-down", timed(letdown, REPEAT)))
    now = timezone.now()
    services.record_tap(household=household, session_pk=session.pk, type="end", at=now, now=now)

    end_samples = []
    for _ in range(REPEAT // 2):
        s = start_session_now(household, "nursing", "left")
        t = time.perf_counter()
        assert client.post(f"/sessions/{s.pk}/end/").status_code == 302
        end_samples.append((time.perf_counter() - t) * 1000)
    print(summary("end a session", end_samples))
    http_letdowns_per_second(household, lactation, user)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_letdowns_per_second(
    household, lactation, user, seconds: float = 10.0, clients: int = CLIENTS
) -> None:
    """Real HTTP through `letdown serve` (granian, 2 processes): concurrent let-down taps."""

    session = start_session_now(household, "pumping", "both")
    session_key = login_cookie(user)
    port = _free_port()
    server = serve(port)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request(
            "GET", f"/sessions/{session.pk}/", headers={"Cookie": f"sessionid={session_key}"}
        )
        response = conn.getresponse()
        body = response.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(
            1
        )
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        cookie = f"sessionid={session_key}; csrftoken={csrf_cookie}"
        counts = [0] * clients
        stop = time.perf_counter() + seconds

        def worker(i: int) -> None:
            c = http.client.HTTPConnection("127.0.0.1", port)
            while time.perf_counter() < stop:
                c.request(
                    "POST",
                    f"/sessions/{session.pk}/letdown/",
                    body=f"csrfmiddlewaretoken={token}",
                    headers={
                        "Cookie": cookie,
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"http://127.0.0.1:{port}/",
                        "Host": f"127.0.0.1:{port}",
                    },
                )
                r = c.getresponse()
                r.read()
                assert r.status == 302, r.status
                counts[i] += 1

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        print(
            f"{'let-downs over HTTP':<28} {sum(counts) / elapsed:7.0f} requests/s "
            f"({clients} clients, granian 2 processes, {elapsed:.1f} s)"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
