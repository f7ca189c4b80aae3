"""Export and import of two years of heavy use (about 6,000 sessions, 15,000 let-downs, 1,000
leaks, 4,400 nappies and 100 weights): letdown JSON and CSV export, importing that JSON into an
empty household, and a 3 MB Huckleberry CSV (about 40,000 rows, nappies and growth among them).
Target: under 5 s each.

    python bench/bench_transfer.py          # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bench_transfer.py
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import heavy_household, setup_django  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def _huckleberry_csv(target_bytes: int) -> bytes:
    """Rows shaped like Huckleberry's export (feeds with per-side minutes, bottles, pumps,
    and the sleep and diaper rows she logged too), up to `target_bytes`."""
    lines = ["\ufeffType,Start,End,Duration,Start Condition,Start Location,End Condition,Notes"]
    at = datetime(2024, 1, 1, 0, 0)
    size = 0
    n = 0
    while size < target_bytes:
        start, end = (
            at.strftime("%Y-%m-%d %H:%M"),
            (at + timedelta(minutes=14)).strftime("%Y-%m-%d %H:%M"),
        )
        row = [
            f"Feed,{start},{end},00:14,00:06R,Breast,00:08L,",
            f"Feed,{start},,,Formula,Bottle,{60 + n % 90}ml,",
            f"Pump,{start},{end},00:14,{20 + n % 40}ml,,{15 + n % 40}ml,after a feed",
            f"Sleep,{start},{end},00:14,Upset,Crib,Woke up child,",
            f'Diaper,{start},,yellow,Loose,,"Both, pee:medium poo:medium",'
            if n % 10 == 4
            else f"Diaper,{start},,,,,Pee:large,"
            if n % 20 != 9
            else f"Growth,{start},,,{3.5 + n / 40000:.2f}kg,52cm,37.5cm,",
        ][n % 5]
        lines.append(row)
        size += len(row) + 2
        n += 1
        at += timedelta(minutes=17)
    return ("\r\n".join(lines) + "\r\n").encode()


def _nappies_and_weights(household) -> None:  # type: ignore[no-untyped-def]
    """Two years of her baby's nappies (six a day) and weights (weekly), once per database."""
    from letdown.babylog.models import Nappy, Weighing

    if Nappy.objects.filter(household=household).exists():
        return
    baby = household.babies.get()
    first = datetime.combine(baby.birth_date, datetime.min.time(), tzinfo=UTC)
    Nappy.objects.bulk_create(
        [
            Nappy(
                household=household,
                baby=baby,
                at=first + timedelta(hours=4 * n),
                wet=n % 3 != 2,
                dirty=n % 3 != 0,
                stool_colour="yellow" if n % 3 else "",
            )
            for n in range(6 * 730)
        ],
        batch_size=500,
    )
    Weighing.objects.bulk_create(
        [
            Weighing(
                household=household,
                baby=baby,
                at=first + timedelta(days=7 * n),
                weight_g=3400 + 120 * n,
                after_feed_g=3460 + 120 * n if n % 4 == 0 else None,
            )
            for n in range(104)
        ]
    )


def _seconds(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall-clock and this process's CPU seconds: on a shared machine the second shows what
    the work costs when the other engineers' jobs take the cores (SQLite runs in-process)."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def _line(name: str, samples: list[tuple[float, float]]) -> str:
    wall = [w for w, _ in samples]
    cpu = [c for _, c in samples]
    return (
        f"{name:<40} wall {min(wall):5.2f}-{max(wall):5.2f} s   "
        f"cpu {min(cpu):5.2f}-{max(cpu):5.2f} s   (n={len(samples)})"
    )


def main() -> None:
    label = setup_django("transfer")
    from letdown.accounts.models import Household
    from letdown.babylog.models import Nappy
    from letdown.logbook.models import LetDown, Session
    from letdown.transfer.export import export_csv_zip, export_json
    from letdown.transfer.formats import read
    from letdown.transfer.services import import_rows

    household, _ = heavy_household()
    _nappies_and_weights(household)
    now = datetime.now(UTC)
    sessions = Session.objects.filter(household=household).count()
    letdowns = LetDown.objects.filter(household=household).count()
    nappies = Nappy.objects.filter(household=household).count()
    print(
        f"letdown transfer benchmark on {label}: {sessions} sessions, {letdowns} let-downs, "
        f"{nappies} nappies"
    )

    document: dict[str, bytes] = {}

    def export_json_once() -> None:
        document["json"] = export_json(household, now=now)

    print(_line("export JSON", [_seconds(export_json_once) for _ in range(REPEAT)]))
    print(f"{'':<40} {len(document['json']) / 1e6:.1f} MB")
    csv_zip: dict[str, bytes] = {}

    def export_csv_once() -> None:
        csv_zip["zip"] = export_csv_zip(household, now=now)

    print(_line("export CSV zip", [_seconds(export_csv_once) for _ in range(REPEAT)]))
    print(f"{'':<40} {len(csv_zip['zip']) / 1e6:.1f} MB")

    def import_json_once() -> None:
        target = Household.objects.create(parent_name="Empty", onboarded=True)
        incoming = read("letdown", document["json"], "letdown.json", tz=target.tz, unit="ml")
        outcome = import_rows(household=target, incoming=incoming, dry_run=False)
        assert outcome.written and outcome.created["letdowns"] == letdowns, outcome.problems

    print(
        _line(
            "import JSON into an empty household",
            [_seconds(import_json_once) for _ in range(REPEAT)],
        )
    )

    content = _huckleberry_csv(3 * 1024 * 1024)
    rows = content.count(b"\n") - 1

    def import_huckleberry_once() -> None:
        target = Household.objects.create(parent_name="Huck", onboarded=True)
        lactation = target.lactations.create(number=1, started_on=datetime(2023, 12, 1).date())
        target.babies.create(lactation=lactation, name="B", birth_date=lactation.started_on)
        incoming = read("huckleberry", content, "huckleberry.csv", tz=target.tz, unit="ml")
        outcome = import_rows(household=target, incoming=incoming, dry_run=False)
        assert outcome.written and outcome.created["nappies"], outcome.problems[:3]

    print(
        _line(
            f"import 3 MB Huckleberry CSV ({rows} rows)",
            [_seconds(import_huckleberry_once) for _ in range(REPEAT)],
        )
    )


if __name__ == "__main__":
    main()
