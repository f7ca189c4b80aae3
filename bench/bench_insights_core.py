"""Time the Insights core and its charts, cold, on two years of heavy use.

Generates about 6,000 sessions, 15,000 let-downs and 1,000 leaks over two lactations, then
prints the time of `compute_insights` and of rendering every chart. Target: the whole insights
page under 300 ms on the project machine, so the core should stay under about 150 ms.

Run: .venv/bin/python bench/bench_insights_core.py
"""

from __future__ import annotations

import math
import os
import pickle
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
# The core needs no Django; the charts are drawn on the Django side (month names in her
# language), so settings are loaded for them, without a database.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
import django  # noqa: E402

django.setup()

from letdown.insights.charts import Chart, Forest, render_charts  # noqa: E402
from letdown.insights.stats import (  # noqa: E402
    FeedRecord,
    LeakRecord,
    SessionRecord,
    compute_insights,
)
from letdown.insights.stats.table import build_session_table  # noqa: E402
from letdown.insights.stats.what_helps import AID_ORDER  # noqa: E402

TZ = ZoneInfo("Europe/Paris")
START = datetime(2023, 1, 2, 6, 0, tzinfo=UTC)
DAYS = 730
# Two lactations: a first baby born on day 0 and weaned at about 14 months, a second born on
# day 480 and still feeding at the end.
LACTATIONS = ((1, 0, 425), (2, 480, DAYS))
AIDS = AID_ORDER
# Multipliers of the let-down rate (a hazard ratio): above 1 let-down comes sooner.
AID_RATE = {"warm_compress": 1.6, "breast_massage": 1.3, "baby_cry": 1.2}


def _svg_bytes(chart: Chart | Forest | None) -> int:
    if isinstance(chart, Forest):
        return len(chart.axis) + sum(len(row.svg) for row in chart.rows)
    return 0 if chart is None else len(chart.svg)


def generate_heavy_use(
    seed: int = 4,
) -> tuple[list[SessionRecord], list[LeakRecord], list[FeedRecord]]:
    rng = random.Random(seed)
    sessions: list[SessionRecord] = []
    leaks: list[LeakRecord] = []
    feeds: list[FeedRecord] = []
    session_id = 0
    for lactation_id, first_day, last_day in LACTATIONS:
        for day in range(first_day, last_day):
            weeks = (day - first_day) / 7.0
            day_start = START + timedelta(days=day)
            n_nursing = max(1, round(rng.gauss(8.0 - 3.0 * min(weeks, 40) / 40, 1.0)))
            n_pumping = max(0, round(rng.gauss(2.4, 0.8)))
            for kind, count in (("nursing", n_nursing), ("pumping", n_pumping)):
                for _ in range(count):
                    session_id += 1
                    started_at = day_start + timedelta(seconds=rng.uniform(0, 86400))
                    session = _session(rng, session_id, kind, started_at, lactation_id, weeks)
                    sessions.append(session)
                    if kind == "nursing":
                        feeds.append(FeedRecord(at=started_at, lactation_id=lactation_id))
            if rng.random() < 0.06:
                session_id += 1
                started_at = day_start + timedelta(seconds=rng.uniform(0, 86400))
                sessions.append(
                    _session(rng, session_id, "hand_expression", started_at, lactation_id, weeks)
                )
            if rng.random() < 0.4:
                at = day_start + timedelta(seconds=rng.uniform(0, 86400))
                feeds.append(FeedRecord(at=at, lactation_id=lactation_id))
            leak_rate = 3.2 * math.exp(-weeks / 5.0) + 1.1
            for _ in range(_poisson(rng, leak_rate)):
                at = day_start + timedelta(seconds=rng.uniform(0, 86400))
                leaks.append(LeakRecord(at=at, lactation_id=lactation_id))
    return sessions, leaks, feeds


def _poisson(rng: random.Random, mean: float) -> int:
    count, threshold, product = 0, math.exp(-mean), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _session(
    rng: random.Random,
    session_id: int,
    kind: str,
    started_at: datetime,
    lactation_id: int,
    weeks: float,
) -> SessionRecord:
    aids = frozenset(aid for aid in AIDS if rng.random() < 0.25)
    anxiety = rng.choice([None, *range(0, 11)]) if rng.random() < 0.9 else None
    rate = 1.0 / (70.0 * (1.0 + 2.0 * math.exp(-weeks / 3.0)))
    if lactation_id == 2:
        rate *= 1.3
    for aid in aids:
        rate *= AID_RATE.get(aid, 1.0)
    if anxiety is not None:
        rate *= math.exp(-0.06 * anxiety)
    duration_s = rng.uniform(600, 1500) if rng.random() > 0.04 else rng.uniform(60, 240)
    offsets: list[float] = []
    moment = rng.expovariate(rate)
    while moment < duration_s and len(offsets) < 8:
        offsets.append(round(moment, 1))
        moment += 60.0 + rng.expovariate(1.0 / 560.0)
    volumes: tuple[float | None, float | None] = (None, None)
    if kind == "pumping":
        volumes = (_pumped_ml(rng, len(offsets)), _pumped_ml(rng, len(offsets)))
    return SessionRecord(
        id=session_id,
        kind=kind,
        started_at=started_at,
        ended_at=started_at + timedelta(seconds=duration_s),
        letdown_offsets_s=tuple(offsets),
        volume_left_ml=volumes[0],
        volume_right_ml=volumes[1],
        anxiety_before=anxiety,
        aids=aids,
        lactation_id=lactation_id,
        weeks_since_birth=weeks,
    )


def _pumped_ml(rng: random.Random, n_letdowns: int) -> float:
    return round(max(0.0, rng.gauss(25.0 + 12.0 * n_letdowns, 10.0)), 1)


def main() -> None:
    sessions, leaks, feeds = generate_heavy_use()
    now = START + timedelta(days=DAYS)
    n_letdowns = sum(len(session.letdown_offsets_s) for session in sessions)
    print(
        f"data: {len(sessions)} sessions, {n_letdowns} let-downs, {len(leaks)} leaks, "
        f"{len(feeds)} feeds over {DAYS} days"
    )

    def run() -> tuple[float, float, float, int, int]:
        started, started_cpu = time.perf_counter(), time.process_time()
        insights = compute_insights(
            sessions=sessions, leaks=leaks, feeds=feeds, current_lactation_id=2, now=now, tz=TZ
        )
        computed = time.perf_counter()
        charts = render_charts(insights)
        rendered, rendered_cpu = time.perf_counter(), time.process_time()
        return (
            (computed - started) * 1000,
            (rendered - computed) * 1000,
            (rendered_cpu - started_cpu) * 1000,
            sum(_svg_bytes(chart) for chart in charts.values()),
            len(pickle.dumps(insights)),
        )

    # Other work on the machine inflates wall time; CPU time shows what the page itself costs.
    cold_core_ms, cold_charts_ms, cold_cpu_ms, svg_bytes, pickled_bytes = run()
    print(
        f"cold: compute_insights {cold_core_ms:.0f} ms + charts {cold_charts_ms:.0f} ms "
        f"= {cold_core_ms + cold_charts_ms:.0f} ms wall ({cold_cpu_ms:.0f} ms CPU)"
    )
    repeats = [run() for _ in range(5)]
    core_ms = statistics.median(r[0] for r in repeats)
    charts_ms = statistics.median(r[1] for r in repeats)
    cpu_ms = statistics.median(r[2] for r in repeats)
    fastest_ms = min(r[0] + r[1] for r in repeats)
    print(
        f"median of 5 more runs: compute_insights {core_ms:.0f} ms + charts {charts_ms:.0f} ms "
        f"= {core_ms + charts_ms:.0f} ms wall ({cpu_ms:.0f} ms CPU); fastest {fastest_ms:.0f} ms"
    )
    print(
        f"sizes: all charts {svg_bytes / 1024:.1f} KiB of SVG, "
        f"results {pickled_bytes / 1024:.1f} KiB pickled (as the cache keeps them)"
    )
    table_ms = []
    for _ in range(5):
        started = time.perf_counter()
        build_session_table(sessions, TZ)
        table_ms.append((time.perf_counter() - started) * 1000)
    print(f"of which the session table from the records: {statistics.median(table_ms):.0f} ms")


if __name__ == "__main__":
    main()
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        # statsmodels ranks each design matrix with an SVD; OpenBLAS's threads fight over the
        # cores when the machine is busy. A server process gains nothing from them, so the same
        # run is repeated with one BLAS thread, as `OPENBLAS_NUM_THREADS=1` in production.
        print("again with OPENBLAS_NUM_THREADS=1:", flush=True)
        subprocess.run(
            [sys.executable, __file__], env={**os.environ, "OPENBLAS_NUM_THREADS": "1"}, check=True
        )
