"""Her rhythm: feeds and pumping sessions by hour of her local day, and the next feed predicted
from her own recent intervals that started at the same time of day."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from .clock import local_hours
from .feeds import MAX_FEED_INTERVAL_S, feed_intervals_s
from .results import HourBin, NextFeed, RhythmSection

RHYTHM_WINDOW_DAYS = 28
# Intervals that started within this much of the last feed's clock time count as "this time of
# day": night intervals are often longer than day ones.
SAME_TIME_OF_DAY_S = 2 * 3600
MIN_INTERVALS_FOR_PREDICTION = 5
_DAY_S = 86400


def _local_second_of_day(time_s: float, tz: ZoneInfo) -> int:
    local = datetime.fromtimestamp(time_s, tz)
    return local.hour * 3600 + local.minute * 60 + local.second


def rhythm_section(
    *, feed_starts_s: np.ndarray, pumping_starts_s: np.ndarray, now: datetime, tz: ZoneInfo
) -> RhythmSection:
    now_s = now.timestamp()
    window_start_s = now_s - RHYTHM_WINDOW_DAYS * _DAY_S
    feeds = feed_starts_s[(feed_starts_s >= window_start_s) & (feed_starts_s <= now_s)]
    pumps = pumping_starts_s[(pumping_starts_s >= window_start_s) & (pumping_starts_s <= now_s)]
    first_s = min([*feeds[:1], *pumps[:1]], default=None)
    n_days = 0 if first_s is None else max(1, math.ceil((now_s - first_s) / _DAY_S))
    feeds_by_hour = (
        np.bincount(local_hours(feeds, tz), minlength=24) if len(feeds) else np.zeros(24)
    )
    pumps_by_hour = (
        np.bincount(local_hours(pumps, tz), minlength=24) if len(pumps) else np.zeros(24)
    )
    busiest_hour = int(np.argmax(feeds_by_hour)) if len(feeds) else None
    return RhythmSection(
        window_days=RHYTHM_WINDOW_DAYS,
        n_days=n_days,
        n_feeds=len(feeds),
        n_pumping_sessions=len(pumps),
        hours=tuple(
            HourBin(
                hour=hour,
                n_feeds=int(feeds_by_hour[hour]),
                n_pumping_sessions=int(pumps_by_hour[hour]),
            )
            for hour in range(24)
        ),
        busiest_hour=busiest_hour,
        next_feed=_next_feed(feed_starts_s[feed_starts_s <= now_s], now_s, window_start_s, tz),
    )


def _next_feed(starts_s: np.ndarray, now_s: float, window_start_s: float, tz: ZoneInfo) -> NextFeed:
    if len(starts_s) == 0:
        return _no_prediction("no_feeds")
    last_s = float(starts_s[-1])
    elapsed_s = now_s - last_s
    if elapsed_s > MAX_FEED_INTERVAL_S:
        return _no_prediction("no_recent_feed")
    intervals_s, interval_starts_s = feed_intervals_s(starts_s)
    recent = interval_starts_s >= window_start_s
    intervals_s, interval_starts_s = intervals_s[recent], interval_starts_s[recent]
    last_second = _local_second_of_day(last_s, tz)
    distance = np.array(
        [abs(_local_second_of_day(t, tz) - last_second) for t in interval_starts_s], dtype=float
    )
    distance = np.minimum(distance, _DAY_S - distance)  # 23:30 is close to 00:30
    same_time = intervals_s[distance <= SAME_TIME_OF_DAY_S]
    if len(same_time) < MIN_INTERVALS_FOR_PREDICTION:
        return _no_prediction("few_intervals")
    # She has not fed since the last feed, so only intervals longer than the time already
    # passed can still happen: the prediction is conditional on that.
    possible = same_time[same_time > elapsed_s]
    if len(possible) < MIN_INTERVALS_FOR_PREDICTION:
        return _no_prediction("overdue")
    quartile_1, median, quartile_3 = np.percentile(possible, [25, 50, 75])

    def at(offset_s: float) -> datetime:
        return datetime.fromtimestamp(last_s + float(offset_s), UTC)

    predicted, earliest, latest = at(median), at(quartile_1), at(quartile_3)
    return NextFeed(
        predicted_at=predicted,
        earliest_at=earliest,
        latest_at=latest,
        n_intervals=len(possible),
        reason=None,
    )


def _no_prediction(reason: str) -> NextFeed:
    return NextFeed(
        predicted_at=None,
        earliest_at=None,
        latest_at=None,
        n_intervals=0,
        reason=reason,
    )
