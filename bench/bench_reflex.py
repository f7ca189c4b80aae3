"""Time the reflex model: `simulate_many` on 10,000 mothers in a 15-minute pump session
(target under 2 s on the project machine), 42 days of `simulate_days` (target well under 2 s)
and one `explain` call (the page's data).

Prints the best of a few runs, as wall-clock and CPU time (the CPU time is what the model
itself costs when other work shares the machine).

Run: .venv/bin/python bench/bench_reflex.py
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from letdown.reflex import (  # noqa: E402
    Mother,
    Scenario,
    Schedule,
    sample_mothers,
    simulate_days,
    simulate_many,
)
from letdown.reflex.explainer import PAGE_DEFAULTS, explain, from_table  # noqa: E402

REPEATS = 3


def best_of(run: Callable[[], object]) -> tuple[float, float]:
    """The fastest of REPEATS runs: (wall seconds, CPU seconds)."""
    timings = []
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        timings.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(timings)


def main() -> None:
    mothers = sample_mothers(10_000, seed=1)
    pump = Scenario(kind="pump", duration_s=900.0)
    result = simulate_many(mothers, pump, seed=2)
    wall, cpu = best_of(lambda: simulate_many(mothers, pump, seed=2))
    print(f"cores: {os.cpu_count()}  OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')}")
    print(
        f"simulate_many, 10,000 mothers x 15-min pump: {wall:.3f} s wall, {cpu:.3f} s CPU "
        f"(target < 2 s); median MEs {float(sorted(result['n_ejections'])[5000]):.0f}, "
        f"mean milk {float(result['milk_ml'].mean()):.0f} mL"
    )

    mother = sample_mothers(1, seed=1, lactation_number=1)[0] or Mother.typical()
    history = simulate_days(mother, days=42, schedule=Schedule(), seed=1)
    wall, cpu = best_of(lambda: simulate_days(mother, days=42, schedule=Schedule(), seed=1))
    print(
        f"simulate_days, 42 days: {wall:.3f} s wall, {cpu:.3f} s CPU (target well under 2 s); "
        f"{len(history.sessions)} sessions, {len(history.leaks)} leaks"
    )

    params = {"kind": "pump", "anxiety": 0.6, "warm_compress_min": 15, "baby_cry_s": 120}
    wall, cpu = best_of(lambda: explain(params))
    print(f"explain, 3 changes (simulated on demand): {wall:.3f} s wall, {cpu:.3f} s CPU")
    page = {**PAGE_DEFAULTS, "kind": "pump", "anxiety": 0.6, "warm_compress_min": 10.0}
    from_table(page)  # the first call loads the table
    wall, cpu = best_of(lambda: from_table(page))
    print(
        f"from_table, a page combination: {wall * 1000:.2f} ms wall, {cpu * 1000:.2f} ms CPU "
        "(target well under 100 ms)"
    )


if __name__ == "__main__":
    main()
