"""Can anonymous visitors of "Inside your let-down" starve a parent's Let-down tap? (issue 14,
finding 1). Loopback only, bounded in time.

Serves letdown with granian (`letdown serve`, 2 processes) on 127.0.0.1, measures a logged-in
parent's Let-down tap (POST /sessions/<id>/letdown/) alone for IDLE_S seconds, then again while
8 anonymous clients request /inside/ combinations nobody asked for before (each uncached) for
LOAD_S seconds, and prints median and p95 of both and their ratio (target: p95 within 2x idle).

    python bench/bench_inside_probe.py
    BENCH_SRC=/tmp/letdown-main/src python bench/bench_inside_probe.py   # another checkout
"""

from __future__ import annotations

import http.client
import itertools
import os
import random
import re
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import heavy_household, login_cookie, serve, setup_django, start_session_now  # noqa: E402

IDLE_S = float(os.environ.get("BENCH_IDLE_S", "10"))
LOAD_S = float(os.environ.get("BENCH_LOAD_S", "20"))
ANONYMOUS = 8
HOST = "127.0.0.1"  # loopback only, never anything else
# The choices both the old and the new page offer, so the probe runs against either.
OPTIONS = {
    "kind": ["breastfeed", "pump"],
    "anxiety": ["0", "0.3", "0.6", "0.9"],
    "warm_compress_min": ["0", "5", "10", "20"],
    "baby_cry_s": ["0", "30", "120"],
    "weeks_postpartum": ["1", "2", "4", "8", "26"],
    "lactation": ["first", "later"],
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    label = setup_django("inside")

    household, user = heavy_household(sessions=200, letdowns=400, leaks=20)
    session = start_session_now(household)
    session_key = login_cookie(user)
    port = _free_port()
    env = {"PYTHONPATH": os.environ["BENCH_SRC"]} if os.environ.get("BENCH_SRC") else {}
    server = serve(port, host=HOST, env=env)
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request(
            "GET", f"/sessions/{session.pk}/", headers={"Cookie": f"sessionid={session_key}"}
        )
        response = conn.getresponse()
        body = response.read().decode()
        csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        cookie = f"sessionid={session_key}; csrftoken={csrf}"

        def taps(seconds: float) -> list[float]:
            """Taps one after another, a little apart, as a parent would (ms each)."""
            c = http.client.HTTPConnection(HOST, port, timeout=60)
            times = []
            stop = time.perf_counter() + seconds
            while time.perf_counter() < stop:
                began = time.perf_counter()
                c.request(
                    "POST",
                    f"/sessions/{session.pk}/letdown/",
                    body=f"csrfmiddlewaretoken={token}",
                    headers={
                        "Cookie": cookie,
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"http://{HOST}:{port}/",
                        "Host": f"{HOST}:{port}",
                    },
                )
                r = c.getresponse()
                r.read()
                assert r.status == 302, r.status
                times.append((time.perf_counter() - began) * 1000)
                time.sleep(0.1)
            return times

        print(f"/inside/ probe on {label}, granian 2 processes, loopback {HOST}:{port}")
        taps(2.0)  # warm up
        idle = taps(IDLE_S)
        combinations = [
            dict(zip(OPTIONS, v, strict=True)) for v in itertools.product(*OPTIONS.values())
        ]
        random.Random(1).shuffle(combinations)
        queue = iter(combinations)
        lock = threading.Lock()
        statuses: dict[int, int] = {}
        anonymous_ms: list[float] = []
        stop = time.perf_counter() + LOAD_S

        def anonymous() -> None:
            c = http.client.HTTPConnection(HOST, port, timeout=60)
            while time.perf_counter() < stop:
                with lock:
                    params = next(queue, None)
                if params is None:
                    return
                began = time.perf_counter()
                c.request("GET", "/inside/?" + urlencode(params))
                r = c.getresponse()
                r.read()
                with lock:
                    statuses[r.status] = statuses.get(r.status, 0) + 1
                    anonymous_ms.append((time.perf_counter() - began) * 1000)

        threads = [threading.Thread(target=anonymous) for _ in range(ANONYMOUS)]
        for t in threads:
            t.start()
        loaded = taps(LOAD_S)
        for t in threads:
            t.join()
        p95_idle, p95_load = _percentile(idle, 0.95), _percentile(loaded, 0.95)
        print(
            f"tap idle:   median {statistics.median(idle):6.1f} ms  p95 {p95_idle:6.1f} ms "
            f"({len(idle)} taps)"
        )
        print(
            f"tap loaded: median {statistics.median(loaded):6.1f} ms  p95 {p95_load:6.1f} ms "
            f"({len(loaded)} taps; {ANONYMOUS} anonymous clients, {LOAD_S:g} s)"
        )
        print(f"p95 loaded / idle: {p95_load / p95_idle:.2f} (target <= 2)")
        served = sum(statuses.values())
        print(
            f"anonymous /inside/ requests: {served} uncached combinations, statuses {statuses}, "
            f"median {statistics.median(anonymous_ms) if anonymous_ms else 0:.0f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
