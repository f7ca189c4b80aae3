"""Time to first let-down by week since birth, and this lactation against her earlier ones at
the same weeks since birth (so a new baby's first weeks are not compared with an old hand's)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .adjust import adjustment_columns
from .results import (
    MIN_SESSIONS_WITH_LETDOWN_PER_GROUP,
    LactationComparison,
    OverTimeSection,
    WeekBin,
)
from .survival import cox_hazard_ratios, kaplan_meier, median_s, ratio_fields
from .table import SessionTable

# Week by week while things change fast, then four-week blocks so later bins are not thin.
WEEKLY_BINS_UNTIL_WEEK = 12
BLOCK_WEEKS = 4
COMPARISON_WEEKS = 4


def _bin_bounds(week: int) -> tuple[int, int]:
    if week < WEEKLY_BINS_UNTIL_WEEK:
        return week, week
    start = WEEKLY_BINS_UNTIL_WEEK + BLOCK_WEEKS * ((week - WEEKLY_BINS_UNTIL_WEEK) // BLOCK_WEEKS)
    return start, start + BLOCK_WEEKS - 1


def over_time_section(table: SessionTable, current_lactation_id: int | None) -> OverTimeSection:
    known = ~np.isnan(table.weeks_since_birth)
    # Sessions before the birth (colostrum harvesting) belong to the first week.
    weeks = np.floor(np.where(known, np.maximum(table.weeks_since_birth, 0.0), 0.0)).astype(int)
    current = known & (table.lactation_id == current_lactation_id)
    earlier = known & (table.lactation_id != current_lactation_id)
    current_bins = _week_bins(table, weeks, current)
    earlier_bins = _week_bins(table, weeks, earlier)
    comparison = (
        _comparison(table, weeks, current, earlier) if earlier.any() and current.any() else None
    )
    return OverTimeSection(
        current_weeks=current_bins,
        earlier_weeks=earlier_bins,
        comparison=comparison,
        **_trend(current_bins),
    )


def _week_bins(table: SessionTable, weeks: np.ndarray, rows: np.ndarray) -> tuple[WeekBin, ...]:
    if not rows.any():
        return ()
    bins = []
    row_weeks = weeks[rows]
    starts = np.where(
        row_weeks < WEEKLY_BINS_UNTIL_WEEK,
        row_weeks,
        WEEKLY_BINS_UNTIL_WEEK
        + BLOCK_WEEKS * ((row_weeks - WEEKLY_BINS_UNTIL_WEEK) // BLOCK_WEEKS),
    )
    time_s, let_down = table.time_s[rows], table.let_down[rows]
    for start in np.unique(starts):
        in_bin = starts == start
        fit = kaplan_meier(time_s[in_bin], let_down[in_bin])
        assert fit is not None
        first_week, last_week = _bin_bounds(int(start))
        bins.append(
            WeekBin(
                first_week=first_week,
                last_week=last_week,
                n_sessions=fit.n_sessions,
                n_censored=fit.n_censored,
                median=fit.quantile(0.5),
            )
        )
    return tuple(bins)


def _trend(bins: tuple[WeekBin, ...]) -> dict[str, Any]:
    """The `change`, `trend_first` and `trend_last` fields of the section."""
    with_median = [week_bin for week_bin in bins if week_bin.median.value_s is not None]
    if len(with_median) < 2:
        return {"change": "none", "trend_first": None, "trend_last": None}
    first, last = with_median[0], with_median[-1]
    # A change is called only when the two 95 % intervals do not overlap: conservative, but
    # it never calls noise a trend. A missing upper limit means "not reached" (infinite).
    first_lower = first.median.lower_s if first.median.lower_s is not None else 0.0
    first_upper = first.median.upper_s if first.median.upper_s is not None else np.inf
    last_lower = last.median.lower_s if last.median.lower_s is not None else 0.0
    last_upper = last.median.upper_s if last.median.upper_s is not None else np.inf
    if last_upper < first_lower:
        change = "sooner"
    elif last_lower > first_upper:
        change = "later"
    else:
        change = "unclear"
    return {"change": change, "trend_first": first, "trend_last": last}


def _comparison(
    table: SessionTable, weeks: np.ndarray, current: np.ndarray, earlier: np.ndarray
) -> LactationComparison:
    last_week = int(weeks[current].max())
    first_week = max(0, last_week - COMPARISON_WEEKS + 1)
    in_weeks = (weeks >= first_week) & (weeks <= last_week)
    current_rows = current & in_weeks
    earlier_rows = earlier & in_weeks
    median_current = median_s(table.time_s[current_rows], table.let_down[current_rows])
    median_earlier = median_s(table.time_s[earlier_rows], table.let_down[earlier_rows])
    enough = (
        min(int(table.let_down[current_rows].sum()), int(table.let_down[earlier_rows].sum()))
        >= MIN_SESSIONS_WITH_LETDOWN_PER_GROUP
    )
    ratio = None
    if enough:
        rows = current_rows | earlier_rows
        n_events = int(table.let_down[rows].sum())
        (ratio,) = cox_hazard_ratios(
            table.time_s[rows],
            table.let_down[rows],
            current_rows[rows].astype(float)[:, None],
            adjust_for=adjustment_columns(table, rows, n_events=n_events, by_lactation=False),
            clusters=table.local_day[rows],
        )
    status = "not_enough_sessions" if not enough else ("estimated" if ratio else "not_estimable")
    return LactationComparison(
        first_week=first_week,
        last_week=last_week,
        n_current=int(current_rows.sum()),
        n_earlier=int(earlier_rows.sum()),
        median_current_s=median_current,
        median_earlier_s=median_earlier,
        status=status,
        **ratio_fields(ratio),
    )
