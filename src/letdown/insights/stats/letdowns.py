"""Let-downs per session, the intervals between them, and pumping volume per side against the
number of let-downs."""

from __future__ import annotations

import numpy as np

from . import wording
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
        summary=wording.letdowns_summary(
            mean_count=mean_count,
            interval_median_s=median,
            volume_rank_correlation=None if correlation is None else correlation.rho,
            volume_p_value=None if correlation is None else correlation.p_value,
        ),
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
    # Plain Python here: np.diff on thousands of short tuples costs more than the whole fit.
    return np.array(
        [
            later - earlier
            for record in table.records
            for earlier, later in zip(
                record.letdown_offsets_s, record.letdown_offsets_s[1:], strict=False
            )
        ],
        dtype=float,
    )


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
    left, right, total, count = [], [], [], []
    for record in table.records:
        if record.kind != PUMPING:
            continue
        sides = [v for v in (record.volume_left_ml, record.volume_right_ml) if v is not None]
        if not sides:
            continue
        left.append(np.nan if record.volume_left_ml is None else record.volume_left_ml)
        right.append(np.nan if record.volume_right_ml is None else record.volume_right_ml)
        total.append(sum(sides))
        count.append(min(len(record.letdown_offsets_s), TOP_COUNT))
    left_ml, right_ml, total_ml = np.array(left), np.array(right), np.array(total)
    count_array = np.array(count, dtype=int)
    groups = []
    for letdown_count in np.unique(count_array):
        rows = count_array == letdown_count
        groups.append(
            VolumeByCount(
                letdown_count=int(letdown_count),
                n_sessions=int(rows.sum()),
                median_left_ml=_nan_median(left_ml[rows]),
                median_right_ml=_nan_median(right_ml[rows]),
                median_total_ml=_nan_median(total_ml[rows]),
            )
        )
    return tuple(groups), total_ml, count_array.astype(float)


def _nan_median(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return float(np.median(values)) if len(values) else None
