"""What a live tap costs on the real server (`letdown serve`: granian, 2 processes),
side by side with `/health` on the same server: requests per second and latency with wrk at 4
connections (four phones), and server CPU per request read from /proc. Her household has two
years of heavy use; the taps go to one running session, which grows by thousands of taps.

    python bench/bench_taps.py          # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bench_taps.py

Needs wrk (`apt-get install wrk`). Targets: taps/s >= 0.5 x /health, tap p95 < 15 ms, server CPU
per tap <= 3 ms.

A third line, `/reminders/due/`, is the cheapest request of a logged-in member (the open app
asks it every minute): her session, her user and one small query. What a tap costs above it is
the tap's own work; what it costs itself is the floor of any request of hers on this server.
The last line taps while another client downloads the PDF report over and over: a tap must
not wait behind a slow page.

The three measured lines run BENCH_ROUNDS times (3), in turn: one 10-second run of the same
server swings by a third on a shared machine, so the figures to read are the medians printed
last, with their range.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import heavy_household, login_cookie, serve, setup_django  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CLIENTS", "4"))
HZ = os.sysconf("SC_CLK_TCK")

# wrk prints the 95th percentile itself (its --latency table stops at 50/75/90/99).
REPORT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\\n", latency:percentile(95)))
  io.write(string.format("P50_US %d\\n", latency:percentile(50)))
  io.write(string.format("REQUESTS %d\\n", summary.requests))
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("ERRORS %d\\n", bad))
end
"""
GET_LUA = """
wrk.headers["Accept"] = "application/json"
wrk.headers["Cookie"] = "{cookie}"
"""
POST_LUA = """
wrk.method = "POST"
wrk.body = "csrfmiddlewaretoken={token}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["X-CSRFToken"] = "{token}"
wrk.headers["Referer"] = "http://127.0.0.1:{port}/"
"""


def _workers_cpu_s(master: int) -> dict[str, float]:
    """User and system CPU seconds of each of the server's worker processes."""
    seconds = {}
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        seconds[child] = (int(fields[11]) + int(fields[12])) / HZ  # utime, stime
    return seconds


def _wrk(url: str, script: str) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script + REPORT_LUA)
    out = subprocess.run(
        ["wrk", f"-t{min(2, CONNECTIONS)}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", f.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(re.findall(r"^([A-Z0-9_]+) (\d+)$", out, re.M))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {
        "rate": rate,
        "p50_ms": int(values["P50_US"]) / 1000,
        "p95_ms": int(values["P95_US"]) / 1000,
        "requests": int(values["REQUESTS"]),
        "errors": int(values["ERRORS"]),
    }


def _measure(master: int, url: str, script: str) -> dict[str, float]:
    before = _workers_cpu_s(master)
    result = _wrk(url, script)
    after = _workers_cpu_s(master)
    used = [after[pid] - before.get(pid, 0.0) for pid in after]
    result["cpu_ms"] = sum(used) * 1000 / result["requests"]
    # With keep-alive a phone stays on the worker that took it: all on one is one core.
    result["busiest"] = max(used) / max(sum(used), 1e-9)
    return result


def _print(name: str, result: dict[str, float]) -> None:
    print(
        f"{name:<16} {result['rate']:7.0f} req/s   p50 {result['p50_ms']:6.2f} ms   "
        f"p95 {result['p95_ms']:6.2f} ms   CPU {result['cpu_ms']:5.2f} ms/request   "
        f"busiest worker {result['busiest']:4.0%}   errors {result['errors']:.0f}"
    )


def _median(results: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in results)


def _print_median(name: str, results: list[dict[str, float]]) -> None:
    def spread(key: str, form: str) -> str:
        low, high = min(r[key] for r in results), max(r[key] for r in results)
        return f"{_median(results, key):{form}} ({low:{form}}-{high:{form}})"

    print(
        f"{name:<16} {spread('rate', '.0f')} req/s   p95 {spread('p95_ms', '.1f')} ms   "
        f"CPU {spread('cpu_ms', '.2f')} ms/request"
    )


def _beside_a_report(port: int, cookie: str, tap_url: str, post: str) -> None:
    """Taps while her partner downloads the PDF report (a slow page) again and again: a tap
    must not wait behind it."""
    stop = threading.Event()
    renders: list[float] = []

    def download() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not stop.is_set():
            started = time.perf_counter()
            conn.request("GET", "/report/pdf/", headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            renders.append(time.perf_counter() - started)

    downloader = threading.Thread(target=download)
    downloader.start()
    try:
        result = _wrk(tap_url, post)
    finally:
        stop.set()
        downloader.join()
    print(
        f"tap beside PDF   {result['rate']:7.0f} req/s   p50 {result['p50_ms']:6.2f} ms   "
        f"p95 {result['p95_ms']:6.2f} ms   ({len(renders)} reports, "
        f"{1000 * sum(renders) / max(1, len(renders)):.0f} ms each)"
    )


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("bench_taps needs wrk: apt-get install wrk")
    label = setup_django("taps")
    from django.db import connections

    household, user = heavy_household()
    session_key = login_cookie(user)
    connections.close_all()
    port = 8700 + os.getpid() % 200
    server = serve(port)
    try:
        token = "b" * 32
        cookie = f"sessionid={session_key}; csrftoken={token}"
        headers = {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": token,
            "Referer": f"http://127.0.0.1:{port}/",
        }
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request(
            "POST",
            "/sessions/start/",
            body=f"csrfmiddlewaretoken={token}&kind_side=pumping:both",
            headers=headers,
        )
        response = conn.getresponse()
        response.read()
        session = int(re.search(r"/sessions/(\d+)/", response.getheader("Location")).group(1))  # type: ignore[union-attr]
        tap_url = f"http://127.0.0.1:{port}/sessions/{session}/letdown/"
        post = POST_LUA.format(token=token, cookie=cookie, port=port)
        get = GET_LUA.format(cookie=cookie)
        print(
            f"letdown taps benchmark on {label}: granian 2 processes, wrk -c{CONNECTIONS}, "
            f"{ROUNDS} rounds of {SECONDS} s"
        )
        _wrk(tap_url, post)  # warm up: both workers have loaded everything
        lines = (
            ("/health", f"http://127.0.0.1:{port}/health", ""),
            ("/reminders/due/", f"http://127.0.0.1:{port}/reminders/due/", get),
            ("let-down tap", tap_url, post),
        )
        results: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in lines}
        # In turn, so a slow spell of a shared machine falls on every line, not on one.
        for _ in range(ROUNDS):
            for name, url, script in lines:
                result = _measure(server.pid, url, script)
                results[name].append(result)
                _print(name, result)
        print(f"median of {ROUNDS} rounds (range):")
        for name, _, _ in lines:
            _print_median(name, results[name])
        ratio = _median(results["let-down tap"], "rate") / _median(results["/health"], "rate")
        print(f"taps per second / health per second: {ratio:.2f} (target >= 0.5)")
        _beside_a_report(port, cookie, tap_url, post)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
