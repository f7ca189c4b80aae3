"""Time the whole Insights page for two years of heavy use (about 6,000 sessions, 15,000
let-downs, 1,000 leaks): cold (empty caches: records loaded from the database, statistics,
charts and template), warm (the content this process rendered, kept in the page cache) and
warm in another process (results and charts from the shared cache, words and template
rendered again). Targets: cold under 300 ms, warm under 20 ms. Also the pump switch time a
routine start reads, against the whole computation it once ran for that one number.

    python bench/bench_insights_page.py          # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bench_insights_page.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

# As `letdown serve` does: one BLAS thread per server process (set before numpy loads).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import heavy_household, setup_django  # noqa: E402

COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "7"))
WARM_RUNS = int(os.environ.get("BENCH_WARM_RUNS", "30"))
# Just after her two years of records end, so every section (rhythm, next feed) has data.
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `runs` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    label = setup_django("insights_page")
    import time_machine
    from django.core.cache import caches
    from django.test import Client

    from letdown.insights import selectors
    from letdown.insights.charts import render_charts
    from letdown.insights.stats import compute_insights
    from letdown.logbook import selectors as logbook_selectors
    from letdown.logbook.models import Leak, LetDown, Session

    household, user = heavy_household()
    # As the server's wsgi module does once the app is loaded (see letdown.core.process).
    from letdown.core.process import prepare_server_process

    prepare_server_process()
    print(f"letdown insights page benchmark on {label}")
    print(
        f"data: {Session.objects.count()} sessions, {LetDown.objects.count()} let-downs, "
        f"{Leak.objects.count()} leaks"
    )
    with open("/proc/loadavg") as loadavg:
        print(f"machine load before (1, 5, 15 min): {' '.join(loadavg.read().split()[:3])}")
    client = Client()
    client.force_login(user, backend="letdown.accounts.backends.HouseholdModelBackend")

    def page() -> bytes:
        response = client.get("/insights/")
        assert response.status_code == 200, response.status_code
        return response.content

    def cold_page() -> bytes:
        for cache in caches.all():
            cache.clear()
        return page()

    def other_process_page() -> bytes:
        # A process that has not rendered the page since her data changed: the results and
        # charts come from the shared cache, the content is worded and rendered again.
        caches["pages"].clear()
        return page()

    with time_machine.travel(NOW, tick=False):
        html = cold_page()  # warms imports, templates and the connection
        sessions, leaks, feeds = selectors.load_records(household)
        lactation = household.current_lactation()

        def compute():
            return compute_insights(
                sessions=sessions,
                leaks=leaks,
                feeds=feeds,
                current_lactation_id=lactation.pk if lactation else None,
                now=NOW,
                tz=household.tz,
            )

        insights = compute()
        load_ms, load_cpu_ms = _median_ms(lambda: selectors.load_records(household), COLD_RUNS)
        compute_ms, compute_cpu_ms = _median_ms(compute, COLD_RUNS)
        charts_ms, _ = _median_ms(lambda: render_charts(insights), COLD_RUNS)
        cold_ms, cold_cpu_ms = _median_ms(cold_page, COLD_RUNS)
        page()
        warm_ms, warm_cpu_ms = _median_ms(page, WARM_RUNS)
        other_ms, other_cpu_ms = _median_ms(other_process_page, WARM_RUNS)
        switch_ms, switch_cpu_ms = _median_ms(
            lambda: logbook_selectors.pump_switch_time_s(household), WARM_RUNS
        )

    print(
        f"cold page, empty cache (median of {COLD_RUNS}): {cold_ms:.0f} ms wall, "
        f"{cold_cpu_ms:.0f} ms CPU  [target < 300 ms]"
    )
    print(
        f"  of which: load records (plain ORM values_list) {load_ms:.0f} ms "
        f"({load_cpu_ms:.0f} ms CPU), compute (core) {compute_ms:.0f} ms "
        f"({compute_cpu_ms:.0f} ms CPU), charts {charts_ms:.0f} ms; the rest is the cache, "
        "template and request"
    )
    print(
        f"warm page, from the cache (median of {WARM_RUNS}): {warm_ms:.1f} ms wall, "
        f"{warm_cpu_ms:.1f} ms CPU  [target < 20 ms]"
    )
    print(
        f"warm in another process, results from the shared cache (median of {WARM_RUNS}): "
        f"{other_ms:.1f} ms wall, {other_cpu_ms:.1f} ms CPU"
    )
    print(
        f"pump switch time as starting a routine reads it (median of {WARM_RUNS}): "
        f"{switch_ms:.1f} ms wall, {switch_cpu_ms:.1f} ms CPU; the whole computation it ran "
        f"before (load records + core) takes {load_ms + compute_ms:.0f} ms"
    )
    print(f"page size: {len(html) / 1024:.1f} KiB of HTML")
    with open("/proc/loadavg") as loadavg:
        print(
            f"machine load after (1, 5, 15 min): {' '.join(loadavg.read().split()[:3])}, "
            f"{os.cpu_count()} CPUs"
        )


if __name__ == "__main__":
    main()
