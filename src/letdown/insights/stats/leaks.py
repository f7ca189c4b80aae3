"""Unexpected let-downs (leaks) per day, week by week, beside how regular her feeds were that
week (median, interquartile range and coefficient of variation of the intervals between feeds).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from . import wording
from .feeds import feed_intervals_s
from .rank import rank_correlation
from .records import LeakRecord
from .results import LeaksSection, LeakWeek

MIN_INTERVALS_PER_WEEK = 5
MAX_WEEKS = 104
MIN_WEEKS_FOR_CORRELATION = 6
# "Early" and "recent" in the summary: her first and her last two weeks.
SUMMARY_WEEKS = 2


def _local_dates(times_s: np.ndarray, tz: ZoneInfo) -> list[date]:
    return [datetime.fromtimestamp(t, tz).date() for t in times_s]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def leaks_section(
    *,
    leaks: Sequence[LeakRecord],
    feed_starts_s: np.ndarray,
    lactation_id: int | None,
    now: datetime,
    tz: ZoneInfo,
) -> LeaksSection:
    leak_s = np.sort(
        np.array([leak.at.timestamp() for leak in leaks if leak.lactation_id == lactation_id])
    )
    if len(leak_s) == 0 and len(feed_starts_s) == 0:
        return _empty()
    today = now.astimezone(tz).date()
    first_day = min(_local_dates(np.array([np.concatenate((leak_s, feed_starts_s)).min()]), tz))
    # A record stamped after `now` (a phone's clock running fast) must not start the range.
    first_day = min(max(first_day, _monday(today) - timedelta(weeks=MAX_WEEKS - 1)), today)
    week_starts = [
        _monday(first_day) + timedelta(weeks=i)
        for i in range((_monday(today) - _monday(first_day)).days // 7 + 1)
    ]
    week_index = {monday: i for i, monday in enumerate(week_starts)}

    leaks_per_week = np.zeros(len(week_starts), dtype=int)
    for day in _local_dates(leak_s, tz):
        index = week_index.get(_monday(day))
        if index is not None:
            leaks_per_week[index] += 1

    intervals_s, interval_starts_s = feed_intervals_s(feed_starts_s)
    interval_week = np.array(
        [week_index.get(_monday(day), -1) for day in _local_dates(interval_starts_s, tz)], dtype=int
    )

    weeks = []
    for index, monday in enumerate(week_starts):
        # The first and the current week are partial: leaks per day counts only her days.
        n_days = (min(monday + timedelta(days=6), today) - max(monday, first_day)).days + 1
        week_intervals_min = intervals_s[interval_week == index] / 60.0
        spread = _spread(week_intervals_min)
        weeks.append(
            LeakWeek(
                week_start=monday,
                n_days=n_days,
                n_leaks=int(leaks_per_week[index]),
                leaks_per_day=float(leaks_per_week[index] / n_days),
                n_feed_intervals=len(week_intervals_min),
                interval_median_min=spread[0],
                interval_iqr_min=spread[1],
                interval_cv=spread[2],
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
    return LeaksSection(
        weeks=tuple(weeks),
        n_leaks=int(leaks_per_week.sum()),
        rank_correlation=None if correlation is None else correlation.rho,
        p_value=None if correlation is None else correlation.p_value,
        summary=wording.leaks_summary(
            n_leaks=int(leaks_per_week.sum()),
            n_weeks=len(weeks),
            early_leaks_per_day=_per_day(early),
            recent_leaks_per_day=_per_day(recent),
            early_cv=_spread(intervals_s[early_rows] / 60.0)[2],
            recent_cv=_spread(intervals_s[recent_rows] / 60.0)[2],
        ),
    )


def _spread(intervals_min: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """Median, interquartile range and coefficient of variation, or Nones when too few."""
    if len(intervals_min) < MIN_INTERVALS_PER_WEEK:
        return None, None, None
    quartile_1, median, quartile_3 = np.percentile(intervals_min, [25, 50, 75])
    mean = intervals_min.mean()
    cv = float(intervals_min.std(ddof=1) / mean) if mean > 0 else None
    return float(median), float(quartile_3 - quartile_1), cv


def _per_day(weeks: list[LeakWeek]) -> float | None:
    n_days = sum(week.n_days for week in weeks)
    return sum(week.n_leaks for week in weeks) / n_days if n_days else None


def _empty() -> LeaksSection:
    return LeaksSection(
        weeks=(),
        n_leaks=0,
        rank_correlation=None,
        p_value=None,
        summary=wording.leaks_summary(
            n_leaks=0,
            n_weeks=0,
            early_leaks_per_day=None,
            recent_leaks_per_day=None,
            early_cv=None,
            recent_cv=None,
        ),
    )
