"""The columnar path of the Insights core: her rows from the database turned straight into
numpy columns give the same results as the plain records, and the array helpers under it (her
local clock, millisecond rounding, weekly spreads) match what they replace.
Pure: no database."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from letdown.insights.stats import compute_insights, compute_insights_from_columns
from letdown.insights.stats.clock import EPOCH_ORDINAL, local_days, local_hours, utc_offsets_s
from letdown.insights.stats.columns import columns_from_records
from letdown.insights.stats.leaks import _spread, _weekly_spreads
from letdown.insights.stats.rows import Rows, columns_from_rows, records_from_rows, whole_ms
from letdown.insights.stats.table import build_session_table

from .test_stats_helpers import session

PARIS = ZoneInfo("Europe/Paris")
# A spring-forward night, a fall-back night, her midnight and half-hour zones.
ZONES = ("Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC")
AIDS = ("warm_compress", "breast_massage", "relaxing_music", "baby_cry", "a_custom_aid")


def _epoch_s(moment: datetime) -> float:
    return moment.timestamp()


def random_rows(seed: int, *, n_sessions: int = 400, start: datetime | None = None) -> Rows:
    """Rows as a driver returns them, with what makes the two paths easy to tell apart:
    microseconds (and half-millisecond ties) in the timestamps, let-downs tapped before the
    start, running sessions, missing volumes and scores, custom aids, two lactations (one
    without a baby's birth date), sessions over two DST changes, leaks and bottle feeds."""
    rng = np.random.default_rng(seed)
    start = start or datetime(2024, 2, 20, 5, 0, tzinfo=UTC)
    sessions, letdowns, leaks, bottle_feeds = [], [], [], []
    for index in range(n_sessions):
        started_s = _epoch_s(start) + index * 5400.0 + float(rng.integers(0, 3600))
        # Microseconds, with exact half milliseconds now and then (rounding ties).
        started_s += float(rng.choice([0.0, 0.0005, 0.0015, 0.123456, 0.9995, 0.25]))
        started_s += float(rng.integers(0, 1000)) * 1e-6
        running = index in (n_sessions - 1, n_sessions // 2)
        ended_s = None if running else started_s + float(rng.uniform(60, 1500))
        kind = str(rng.choice(["nursing", "nursing", "pumping", "hand_expression"]))
        aids = [str(aid) for aid in AIDS if rng.random() < 0.3]
        sessions.append(
            (
                index + 10,
                kind,
                started_s,
                ended_s,
                None if rng.random() < 0.4 else float(rng.integers(5, 90)),
                None if rng.random() < 0.5 else float(rng.integers(5, 90)) + 0.5,
                None if rng.random() < 0.3 else int(rng.integers(0, 11)),
                json.dumps(aids) if rng.random() < 0.9 else aids,  # text, or a decoded list
                1 if index < n_sessions * 0.7 else 2,
            )
        )
        for _ in range(int(rng.integers(0, 5))):
            at_s = started_s + float(rng.uniform(-5, 1200)) + float(rng.integers(0, 1000)) * 1e-6
            letdowns.append((index + 10, at_s))
        if rng.random() < 0.3:
            leaks.append((started_s + float(rng.uniform(0, 7200)), 1 if index % 2 else 2))
        if rng.random() < 0.3:
            bottle_feeds.append((started_s + float(rng.uniform(1800, 5000)), 1))
    order = rng.permutation(len(letdowns))  # no ORDER BY: rows come in any order
    return Rows(
        birth_dates={1: date(2024, 2, 10)},
        sessions=sessions,
        letdowns=[letdowns[i] for i in order],
        leaks=leaks,
        bottle_feeds=bottle_feeds,
    )


def _assert_same_columns(left: object, right: object) -> None:
    for field in dataclasses.fields(left):  # type: ignore[arg-type]
        a, b = getattr(left, field.name), getattr(right, field.name)
        if dataclasses.is_dataclass(a):
            _assert_same_columns(a, b)
        elif isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=field.name, strict=False)
        else:
            assert a == b, field.name


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("zone", ZONES)
def test_columns_from_rows_are_the_records_columns(seed, zone):
    tz = ZoneInfo(zone)
    rows = random_rows(seed)
    sessions, leaks, feeds = records_from_rows(rows, tz)
    _assert_same_columns(
        columns_from_rows(rows, tz), columns_from_records(sessions, leaks, feeds, tz)
    )


@pytest.mark.parametrize("seed", [4, 5])
@pytest.mark.parametrize("current_lactation_id", [1, 2, None])
def test_the_columnar_path_gives_the_same_insights_as_the_records(seed, current_lactation_id):
    rows = random_rows(seed, n_sessions=700)
    now = datetime(2024, 4, 5, 12, 0, tzinfo=UTC)
    sessions, leaks, feeds = records_from_rows(rows, PARIS)
    from_records = compute_insights(
        sessions=sessions,
        leaks=leaks,
        feeds=feeds,
        current_lactation_id=current_lactation_id,
        now=now,
        tz=PARIS,
    )
    from_columns = compute_insights_from_columns(
        columns_from_rows(rows, PARIS),
        current_lactation_id=current_lactation_id,
        now=now,
        tz=PARIS,
    )
    assert from_columns == from_records
    assert from_columns.what_helps.factors  # the data reaches every section
    assert from_columns.leaks.weeks and from_columns.letdowns.n_intervals > 0


def test_empty_rows_give_empty_columns():
    rows = Rows(birth_dates={}, sessions=[], letdowns=[], leaks=[], bottle_feeds=[])
    columns = columns_from_rows(rows, PARIS)
    assert (len(columns.sessions), columns.n_running, columns.latest_lactation_id) == (0, 0, None)
    _assert_same_columns(columns, columns_from_records([], [], [], PARIS))


@pytest.mark.parametrize("days_later", [None, 60])
def test_letdowns_are_sorted_and_one_tapped_before_the_start_counts_at_zero(days_later):
    started_s = _epoch_s(datetime(2024, 5, 6, 8, 0, tzinfo=UTC)) + 0.0004
    letdowns = [(1, started_s + 95.0), (1, started_s - 3.0), (1, started_s - 0.0002)]
    letdowns += [(2, started_s + 5000.0), (1, started_s + 30.0)]
    if days_later:  # logged weeks later: past what one sort key holds
        letdowns.append((1, started_s + days_later * 86400.0))
    rows = Rows(
        birth_dates={},
        sessions=[
            (2, "nursing", started_s + 4800.0, started_s + 5400.0, None, None, None, "[]", 1),
            (1, "pumping", started_s, started_s + 600.0, None, None, None, "[]", 1),
        ],
        letdowns=letdowns,
        leaks=[],
        bottle_feeds=[],
    )
    expected = [0.0, 0.0, 30.0, 95.0] + ([days_later * 86400.0] if days_later else [])
    records, _, _ = records_from_rows(rows, PARIS)
    table = columns_from_rows(rows, PARIS).sessions
    assert list(records[1].letdown_offsets_s) == expected
    assert table.letdown_offsets_s.tolist() == [*expected, 200.0]
    assert str(table.letdown_offsets_s[0]) == "0.0"  # not -0.0
    assert table.n_letdowns.tolist() == [len(expected), 1]
    assert table.time_s.tolist() == [0.0, 200.0]


def test_whole_milliseconds_round_as_python_does():
    rng = np.random.default_rng(7)
    values = np.concatenate(
        [
            1.7e9 + rng.uniform(0, 6e7, 5000),
            # Exact half milliseconds, the ties numpy's own rounding can get wrong.
            1.7e9 + rng.integers(0, 6e10, 3000) / 1000 + 0.0005,
            rng.integers(0, 3_600_000, 2000) / 1000 + 0.0005,
            rng.uniform(-10, 1200, 3000),
            [0.0, -0.0, 0.0005, -0.0005, 0.0015, 2.5e-4, 1e-9, -1e-9, 123.4565, 2.0**-20],
        ]
    )
    expected = np.array([round(float(value), 3) for value in values])
    np.testing.assert_array_equal(whole_ms(values) / 1000.0, expected)


@pytest.mark.parametrize("zone", [*ZONES, "Africa/Casablanca", "Pacific/Apia"])
def test_utc_offsets_match_each_moments_own_conversion(zone):
    tz = ZoneInfo(zone)
    rng = np.random.default_rng(11)
    moments = _epoch_s(datetime(2008, 1, 1, tzinfo=UTC)) + rng.uniform(0, 20 * 365 * 86400, 20000)
    # And every second around this zone's clock changes of 2011 and 2024.
    for year in (2011, 2024):
        first = _epoch_s(datetime(year, 1, 1, tzinfo=UTC))
        hourly = first + 3600.0 * np.arange(366 * 24)
        offsets = [datetime.fromtimestamp(t, tz).utcoffset() for t in hourly]
        for t, before, after in zip(hourly, offsets, offsets[1:], strict=False):
            if before != after:
                moments = np.concatenate([moments, t + np.arange(-2.0, 3602.0, 0.5)])
    expected = [datetime.fromtimestamp(t, tz) for t in moments]
    np.testing.assert_array_equal(
        utc_offsets_s(moments, tz), [moment.utcoffset().total_seconds() for moment in expected]
    )
    np.testing.assert_array_equal(
        local_days(moments, tz), [moment.date().toordinal() - EPOCH_ORDINAL for moment in expected]
    )
    np.testing.assert_array_equal(local_hours(moments, tz), [moment.hour for moment in expected])


def test_weekly_spreads_are_each_weeks_own_spread():
    rng = np.random.default_rng(5)
    n_weeks = 60
    # Weeks of 0 to 90 intervals, every fifth one thin; -1 is a week not shown.
    sizes = [int(rng.integers(0, 5 if index % 5 == 0 else 90)) for index in range(-1, n_weeks)]
    week = rng.permutation(np.repeat(np.arange(-1, n_weeks), sizes))
    intervals_min = rng.exponential(150, len(week)) + 30
    counts, spreads = _weekly_spreads(intervals_min, week, n_weeks)
    for index in range(n_weeks):
        in_week = intervals_min[week == index]
        assert counts[index] == len(in_week)
        assert spreads[index] == _spread(in_week)
    assert any(spread[0] is None for spread in spreads)  # thin weeks too
    assert sum(spread[0] is not None for spread in spreads) > n_weeks / 2


def test_a_table_knows_only_the_aids_finished_sessions_used():
    start = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
    table = build_session_table(
        [
            session(first_letdown_s=60, aids=("warm_compress",), started_at=start),
            session(first_letdown_s=80, started_at=start + timedelta(hours=3), session_id=2),
            session(running=True, aids=("baby_cry",), started_at=start + timedelta(hours=6)),
        ],
        PARIS,
    )
    assert table.aid_slugs == ("warm_compress",)
    assert table.has_aid("warm_compress").tolist() == [True, False]
    assert table.has_aid("baby_cry").tolist() == [False, False]
    assert table.has_aid("warm_compress", np.array([1])).tolist() == [False]
