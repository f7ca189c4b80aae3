"""The figures behind choices the code explains in words (the comments give the reason, this
prints the size of it on the machine at hand, so no comment quotes a timing that goes stale):

- timestamps read as text and parsed with `datetime.fromisoformat` rather than through
  Django's SQLite converter (`core.rows.as_text`, used by Insights and the API);
- the export written as compact JSON, where Python's encoder uses its C speed-up
  (`transfer.export.export_json`), rather than indented;
- `gc.freeze()` at a server process's start (`core.process.prepare_server_process`): how long
  a full collection takes with and without everything loaded at start frozen.

Run: .venv/bin/python bench/bench_choices.py
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "letdown.settings")
os.environ.setdefault(
    "LETDOWN_SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789"
)
import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import DateTimeField  # noqa: E402
from django.db.models.expressions import Col  # noqa: E402

N = 100_000


def timestamps() -> None:
    """Reading N timestamps from SQLite as the ORM does (the driver's converter for the
    column's declared type, then Django's), against the same column cast to text and parsed."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    values = [(str(start + timedelta(seconds=97 * i)).replace("+00:00", ""),) for i in range(N)]
    field = DateTimeField()
    field.set_attributes_from_name("at")
    expression = Col("bench_moments", field)
    converter = connection.ops.convert_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_moments (at datetime NOT NULL)")
        cursor.executemany("INSERT INTO bench_moments VALUES (%s)", values)

        def orm() -> None:
            cursor.execute("SELECT at FROM bench_moments")
            for (at,) in cursor.fetchall():
                converter(at, expression, connection)

        def as_text() -> None:
            cursor.execute("SELECT CAST(at AS text) FROM bench_moments")
            for (at,) in cursor.fetchall():
                datetime.fromisoformat(at).replace(tzinfo=UTC)

        for name, read in (("as the ORM reads it", orm), ("as text, fromisoformat", as_text)):
            best = min(_seconds(read) for _ in range(5))
            print(f"a timestamp from SQLite, {name}: {best / N * 1e6:.2f} µs")
        cursor.execute("DROP TABLE bench_moments")


def _seconds(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def export_json() -> None:
    rows = [
        {"id": i, "started_at": f"2025-01-01T00:00:{i % 60:02d}Z", "volume_ml": i * 0.5, "aids": []}
        for i in range(200_000)
    ]
    for name, options in (("compact", {}), ("indented", {"indent": 2})):
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            json.dumps({"sessions": rows}, ensure_ascii=False, **options)  # type: ignore[arg-type]
            samples.append(time.perf_counter() - start)
        print(f"JSON of 200,000 rows, {name}: {min(samples) * 1000:.0f} ms")


def full_collection() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (loads every view, as a server process does)
    for label in ("everything loaded, not frozen", "everything loaded, frozen"):
        if "frozen" in label and "not" not in label:
            gc.collect()
            gc.freeze()
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            gc.collect()
            samples.append(time.perf_counter() - start)
        print(f"a full garbage collection, {label}: {statistics.median(samples) * 1000:.1f} ms")
    gc.unfreeze()


if __name__ == "__main__":
    with open("/proc/loadavg") as loadavg:
        print(f"machine load before (1, 5, 15 min): {' '.join(loadavg.read().split()[:3])}")
    timestamps()
    export_json()
    full_collection()
