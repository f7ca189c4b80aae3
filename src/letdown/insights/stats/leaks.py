"""Unexpected let-downs (leaks) per day, week by week, beside how regular her feeds were that
week (median, interquartile range and coefficient of variation of the intervals between feeds).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .clock import EPOCH_ORDINAL, local_days, mondays
from .feeds import feed_intervals_s
from .rank import rank_correlation
from .results import LeaksSection, LeakWeek

MIN_INTERVALS_PER_WEEK = 5
MAX_WEEKS = 104
MIN_WEEKS_FOR_CORRELATION = 6
# "Early" and "recent" in the summary: her first and her last two weeks.
SUMMARY_WEEKS = 2


def _monday(day: date, first_weekday: int = 0) -> date:
    """The first day of the week of `day` (Monday, or as her locale has it)."""
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def leaks_section(
    *,
    leak_s: np.ndarray,
    feed_starts_s: np.ndarray,
    now: datetime,
    tz: ZoneInfo,
    first_weekday: int = 0,
) -> LeaksSection:
    """Leaks of one lactation (POSIX seconds, any order) beside that lactation's feeds, by
    week; a week starts on `first_weekday` (0 Monday … 6 Sunday), as her locale has it."""
    leak_s = np.sort(np.asarray(leak_s, dtype=float))
    if len(leak_s) == 0 and len(feed_starts_s) == 0:
        return _empty()
    today = now.astimezone(tz).date()
    earliest_s = float(np.concatenate((leak_s, feed_starts_s)).min())
    first_day = datetime.fromtimestamp(earliest_s, tz).date()
    # A record stamped after `now` (a phone's clock running fast) must not start the range.
    this_week = _monday(today, first_weekday)
    first_day = min(max(first_day, this_week - timedelta(weeks=MAX_WEEKS - 1)), today)
    first_monday = _monday(first_day, first_weekday)
    n_weeks = (this_week - first_monday).days // 7 + 1
    week_starts = [first_monday + timedelta(weeks=i) for i in range(n_weeks)]

    intervals_s, interval_starts_s = feed_intervals_s(feed_starts_s)
    # The week of each leak and each interval's start by her local date (-1: not shown),
    # looked up together: her UTC offsets are looked up once per day.
    week = (
        mondays(local_days(np.concatenate((leak_s, interval_starts_s)), tz), first_weekday)
        - (first_monday.toordinal() - EPOCH_ORDINAL)
    ) // 7
    week = np.where((week >= 0) & (week < n_weeks), week, -1)
    leak_week, interval_week = week[: len(leak_s)], week[len(leak_s) :]
    leaks_per_week = np.bincount(leak_week[leak_week >= 0], minlength=n_weeks)

    intervals_per_week, spreads = _weekly_spreads(intervals_s / 60.0, interval_week, n_weeks)
    weeks = []
    for index, monday in enumerate(week_starts):
        # The first and the current week are partial: leaks per day counts only her days.
        n_days = (min(monday + timedelta(days=6), today) - max(monday, first_day)).days + 1
        weeks.append(
            LeakWeek(
                week_start=monday,
                n_days=n_days,
                n_leaks=int(leaks_per_week[index]),
                leaks_per_day=float(leaks_per_week[index] / n_days),
                n_feed_intervals=int(intervals_per_week[index]),
                interval_median_min=spreads[index][0],
                interval_iqr_min=spreads[index][1],
                interval_cv=spreads[index][2],
            )
        )

    with_spread = [week for week in weeks if week.interval_cv is not None]
    correlation = rank_correlation(
        np.array([week.leaks_per_day for week in with_spread]),
        np.array([week.interval_cv for week in with_spread], dtype=float),
        minimum=MIN_WEEKS_FOR_CORRELATION,
    )
    early, recent = weeks[:SUMMARY_WEEKS], weeks[-SUMMARY_WEEKS:]
    early_rows = (interval_week >= 0) & (interval_week < SUMMARY_WEEKS)
    recent_rows = interval_week >= len(weeks) - SUMMARY_WEEKS
    # "First two weeks" and "last two" say something once they are different weeks.
    enough_weeks = len(weeks) >= 2 * SUMMARY_WEEKS
    return LeaksSection(
        weeks=tuple(weeks),
        n_leaks=int(leaks_per_week.sum()),
        rank_correlation=None if correlation is None else correlation.rho,
        p_value=None if correlation is None else correlation.p_value,
        early_leaks_per_day=_per_day(early) if enough_weeks else None,
        recent_leaks_per_day=_per_day(recent) if enough_weeks else None,
        early_cv=_spread(intervals_s[early_rows] / 60.0)[2] if enough_weeks else None,
        recent_cv=_spread(intervals_s[recent_rows] / 60.0)[2] if enough_weeks else None,
    )


def _spread(intervals_min: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """Median, interquartile range and coefficient of variation, or Nones when too few."""
    if len(intervals_min) < MIN_INTERVALS_PER_WEEK:
        return None, None, None
    quartile_1, median, quartile_3 = np.percentile(intervals_min, [25, 50, 75])
    mean = intervals_min.mean()
    cv = float(intervals_min.std(ddof=1) / mean) if mean > 0 else None
    return float(median), float(quartile_3 - quartile_1), cv


def _weekly_spreads(
    intervals_min: np.ndarray, week: np.ndarray, n_weeks: int
) -> tuple[np.ndarray, list[tuple[float | None, float | None, float | None]]]:
    """The number of intervals of each week and `_spread` of each week's intervals.

    Weeks with the same number of intervals go through numpy together, a row each: numpy
    works each row out as it would on its own, and a call per week added up over two years
    (`bench/bench_insights_core.py`).
    """
    shown = week >= 0
    intervals_min, week = intervals_min[shown], week[shown]
    counts = np.bincount(week, minlength=n_weeks)
    starts = np.cumsum(counts) - counts
    spreads: list[tuple[float | None, float | None, float | None]] = [(None, None, None)] * n_weeks
    enough = np.flatnonzero(counts >= MIN_INTERVALS_PER_WEEK)
    # Each week's intervals in her order, as `_spread` would get them.
    in_order = intervals_min[np.argsort(week, kind="stable")]
    for count in np.unique(counts[enough]):
        same = enough[counts[enough] == count]
        rows = in_order[starts[same, None] + np.arange(count)]
        quartile_1, median, quartile_3 = np.percentile(rows, [25, 50, 75], axis=1)
        mean = rows.mean(axis=1)
        with np.errstate(all="ignore"):
            std = rows.std(axis=1, ddof=1)
        for row, index in enumerate(same):
            spreads[index] = (
                float(median[row]),
                float(quartile_3[row] - quartile_1[row]),
                float(std[row] / mean[row]) if mean[row] > 0 else None,
            )
    return counts, spreads


def _per_day(weeks: list[LeakWeek]) -> float | None:
    n_days = sum(week.n_days for week in weeks)
    return sum(week.n_leaks for week in weeks) / n_days if n_days else None


def _empty() -> LeaksSection:
    return LeaksSection(
        weeks=(),
        n_leaks=0,
        rank_correlation=None,
        p_value=None,
        early_leaks_per_day=None,
        recent_leaks_per_day=None,
        early_cv=None,
        recent_cv=None,
    )
