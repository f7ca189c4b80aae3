"""Let-downs per session, the intervals between them, and pumping volume per side against the
number of let-downs."""

from __future__ import annotations

import numpy as np

from .rank import rank_correlation
from .results import CountBin, IntervalBin, LetdownCounts, LetdownsSection, VolumeByCount
from .table import HAND_EXPRESSION, NURSING, PUMPING, SessionTable

# The last bin counts this many let-downs or more (a feed usually has 1 to 4).
TOP_COUNT = 6
INTERVAL_BIN_S = 60.0
INTERVAL_BINS = 12
MIN_SESSIONS_FOR_CORRELATION = 10


def letdowns_section(table: SessionTable) -> LetdownsSection:
    counts = tuple(_counts(table, kind) for kind in (NURSING, PUMPING, HAND_EXPRESSION))
    intervals_s = _intervals_s(table)
    volume_by_count, total_ml, count_with_volume = _volume_by_count(table)
    correlation = rank_correlation(
        count_with_volume, total_ml, minimum=MIN_SESSIONS_FOR_CORRELATION
    )
    quartile_1: float | None
    median: float | None
    quartile_3: float | None
    if len(intervals_s):
        quartile_1, median, quartile_3 = (
            float(q) for q in np.percentile(intervals_s, [25, 50, 75])
        )
    else:
        quartile_1 = median = quartile_3 = None
    mean_count = float(table.n_letdowns.mean()) if len(table) else None
    return LetdownsSection(
        counts=counts,
        n_intervals=len(intervals_s),
        interval_median_s=median,
        interval_quartile_1_s=quartile_1,
        interval_quartile_3_s=quartile_3,
        interval_bins=_interval_bins(intervals_s),
        volume_by_count=volume_by_count,
        volume_rank_correlation=None if correlation is None else correlation.rho,
        volume_p_value=None if correlation is None else correlation.p_value,
        n_pumping_with_volume=len(total_ml),
        mean_count=mean_count,
    )


def _counts(table: SessionTable, kind: str) -> LetdownCounts:
    n_letdowns = table.n_letdowns[table.kind == kind]
    histogram = np.bincount(np.minimum(n_letdowns, TOP_COUNT), minlength=TOP_COUNT + 1)
    return LetdownCounts(
        kind=kind,
        n_sessions=len(n_letdowns),
        mean_count=float(n_letdowns.mean()) if len(n_letdowns) else None,
        bins=tuple(CountBin(count=count, n_sessions=int(n)) for count, n in enumerate(histogram)),
    )


def _intervals_s(table: SessionTable) -> np.ndarray:
    """The time from each let-down to the next one in the same session, session by session."""
    intervals = np.diff(table.letdown_offsets_s)
    # The difference from a session's last let-down to the next session's first is no interval.
    same_session = np.ones(len(intervals), dtype=bool)
    same_session[table.first_letdown[table.let_down][1:] - 1] = False
    return intervals[same_session]


def _interval_bins(intervals_s: np.ndarray) -> tuple[IntervalBin, ...]:
    edges = np.arange(INTERVAL_BINS + 1) * INTERVAL_BIN_S
    index = np.minimum((intervals_s // INTERVAL_BIN_S).astype(int), INTERVAL_BINS)
    histogram = np.bincount(index, minlength=INTERVAL_BINS + 1)
    return tuple(
        IntervalBin(
            start_s=float(edges[i]),
            end_s=float(edges[i + 1]) if i < INTERVAL_BINS else None,
            n_intervals=int(histogram[i]),
        )
        for i in range(INTERVAL_BINS + 1)
    )


def _volume_by_count(
    table: SessionTable,
) -> tuple[tuple[VolumeByCount, ...], np.ndarray, np.ndarray]:
    left_ml, right_ml = table.volume_left_ml, table.volume_right_ml
    rows = (table.kind == PUMPING) & ~(np.isnan(left_ml) & np.isnan(right_ml))
    left_ml, right_ml = left_ml[rows], right_ml[rows]
    # The sides she measured: one side alone is the total.
    total_ml = np.where(
        np.isnan(left_ml), right_ml, np.where(np.isnan(right_ml), left_ml, left_ml + right_ml)
    )
    count_array = np.minimum(table.n_letdowns[rows], TOP_COUNT)
    groups = []
    for letdown_count in np.unique(count_array):
        in_group = count_array == letdown_count
        groups.append(
            VolumeByCount(
                letdown_count=int(letdown_count),
                n_sessions=int(in_group.sum()),
                median_left_ml=_nan_median(left_ml[in_group]),
                median_right_ml=_nan_median(right_ml[in_group]),
                median_total_ml=_nan_median(total_ml[in_group]),
            )
        )
    return tuple(groups), total_ml, count_array.astype(float)


def _nan_median(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return float(np.median(values)) if len(values) else None
