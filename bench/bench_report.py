"""Time the report for the demo household (`letdown demo`'s six weeks): the page (target
under 200 ms) and the server-made PDF (target under 3 s), for the default last seven days
and for the longest period, three months.

    python bench/bench_report.py          # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bench_report.py
    BENCH_PROFILE=pdf.prof python bench/bench_report.py   # and a cProfile of one 3-month PDF

Each figure is the median wall time and, in brackets, the median CPU time of this process
(time.process_time): on a machine other work keeps busy the CPU time is the steadier one.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import setup_django  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
PDF_RUNS = int(os.environ.get("BENCH_PDF_RUNS", "5"))


def _median_ms(client, url: str, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median wall and CPU milliseconds of a GET."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    label = setup_django("report")
    from django.test import Client
    from django.utils import timezone

    from letdown.accounts.models import User
    from letdown.core.process import prepare_server_process
    from letdown.demo import DEMO_USERNAME, create_demo_household

    create_demo_household()
    prepare_server_process()
    client = Client()
    client.force_login(
        User.objects.get(username=DEMO_USERNAME),
        backend="letdown.accounts.backends.HouseholdModelBackend",
    )
    today = timezone.localdate()
    long = f"?start={(today - timedelta(days=91)).isoformat()}&end={today.isoformat()}"
    client.get("/report/")  # the first request loads the views
    client.get("/report/pdf/")
    print(f"letdown report benchmark on {label} (demo household, median of {RUNS} / {PDF_RUNS})")
    print(f"  load average {' '.join(f'{n:.2f}' for n in os.getloadavg())} ({os.cpu_count()} CPUs)")
    for name, query in (("last 7 days", ""), ("3 months", long)):
        page, page_cpu = _median_ms(client, f"/report/{query}", RUNS)
        pdf, pdf_cpu = _median_ms(client, f"/report/pdf/{query}", PDF_RUNS)
        print(
            f"  {name:12} page {page:7.1f} ms [CPU {page_cpu:6.1f}] (target < 200)"
            f"   PDF {pdf:7.1f} ms [CPU {pdf_cpu:7.1f}] (target < 3000)"
        )
    print(f"  load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    profile_to = os.environ.get("BENCH_PROFILE")
    if profile_to:
        import cProfile

        cProfile.runctx(
            "client.get(url)",
            globals(),
            {"client": client, "url": f"/report/pdf/{long}"},
            filename=profile_to,
        )
        print(f"  profile of one 3-month PDF in {profile_to}")


if __name__ == "__main__":
    main()
