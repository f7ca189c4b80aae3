"""The API on two years of heavy use (about 6,000 sessions, 15,000 let-downs): a page of 100
sessions with their sides and let-downs, first and deep in the history (by cursor), and the
status a home sensor polls. Target: p95 under 30 ms for the page of 100.

In process through Django's test client (the server's own work), then over real HTTP through
`letdown serve` (granian), one request at a time.

    python bench/bench_api.py          # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bench_api.py
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import heavy_household, serve, setup_django, summary, timed  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "200"))


def cpu_timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    """This process's CPU milliseconds per call: what the request costs when the other
    engineers' jobs take the cores (SQLite runs in-process, so its work is counted too)."""
    for _ in range(5):
        fn()
    samples = []
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        samples.append((time.process_time() - c0) * 1000)
    return samples


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    label = setup_django("api")
    from django.test import Client
    from django.utils import timezone

    from letdown.api.services import create_token
    from letdown.core.process import prepare_server_process
    from letdown.logbook.models import LetDown, Session

    household, user = heavy_household(end=timezone.now() - timedelta(hours=1))
    user.role = "parent"
    user.save()
    _row, token = create_token(user=user, name="bench", now=timezone.now())
    prepare_server_process()
    print(f"letdown API benchmark on {label}")
    print(
        f"{Session.objects.filter(household=household).count()} sessions, "
        f"{LetDown.objects.filter(household=household).count()} let-downs"
    )
    with open("/proc/loadavg") as loadavg:
        print(f"machine load before (1, 5, 15 min): {' '.join(loadavg.read().split()[:3])}")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(url: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.content[:200]

        return run

    first = client.get("/api/v1/sessions?limit=100").json()
    assert len(first["items"]) == 100 and first["items"][0]["segments"]
    cursor = first["next_cursor"]
    for _ in range(29):  # page 31: about 3,000 sessions back
        cursor = client.get(f"/api/v1/sessions?limit=100&cursor={cursor}").json()["next_cursor"]
    print("in process (Django test client):")
    print(summary("  100 sessions, first page", timed(get("/api/v1/sessions?limit=100"), REPEAT)))
    print(summary("  same, CPU time only", cpu_timed(get("/api/v1/sessions?limit=100"), REPEAT)))
    deep = f"/api/v1/sessions?limit=100&cursor={cursor}"
    print(summary("  100 sessions, page 31", timed(get(deep), REPEAT)))
    print(summary("  100 let-downs", timed(get("/api/v1/letdowns?limit=100"), REPEAT)))
    print(summary("  status", timed(get("/api/v1/status"), REPEAT)))
    from letdown.accounts.services import changing

    def status_after_a_change() -> None:
        # A sensor polling after she logged something: home's figures and the Insights
        # results for the new data version are computed once, here.
        with changing(household):
            pass
        get("/api/v1/status")()

    print(summary("  status, after a change", timed(status_after_a_change, 20, warmup=2)))

    port = _free_port()
    server = serve(port)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Authorization": f"Bearer {token}", "Host": "127.0.0.1"}

        def over_http(url: str):  # type: ignore[no-untyped-def]
            def run() -> None:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                body = response.read()
                assert response.status == 200, body[:200]

            return run

        print("over HTTP (letdown serve: granian, 2 processes, keep-alive):")
        samples = timed(over_http("/api/v1/sessions?limit=100"), REPEAT, warmup=20)
        print(summary("  100 sessions, first page", samples))
        print(summary("  100 sessions, page 31", timed(over_http(deep), REPEAT, warmup=20)))
        conn.request("GET", "/api/v1/sessions?limit=100", headers=headers)
        size = len(conn.getresponse().read())
        print(f"  a page of 100 sessions is {size / 1024:.0f} KiB of JSON")
        conn.request("GET", "/api/v1/status", headers=headers)
        json.loads(conn.getresponse().read())
    finally:
        server.terminate()
        server.wait(timeout=10)
    with open("/proc/loadavg") as loadavg:
        print(f"machine load after (1, 5, 15 min): {' '.join(loadavg.read().split()[:3])}")


if __name__ == "__main__":
    main()
