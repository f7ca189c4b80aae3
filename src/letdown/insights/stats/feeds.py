"""Feeds as she lived them: records close together merged into one feed, and the intervals
between feeds, shared by the leaks and rhythm sections."""

from __future__ import annotations

import numpy as np

# A nursing session followed by a bottle top-up, or a second side started a few minutes later,
# is one feed, not two feeds twenty minutes apart.
SAME_FEED_WITHIN_S = 30 * 60
# A longer gap than this is taken as feeds she did not log, not as an interval.
MAX_FEED_INTERVAL_S = 12 * 3600


def feed_starts_s(feed_s: np.ndarray) -> np.ndarray:
    """POSIX seconds of the start of each feed, oldest first, from the moments of her feed
    records (nursing session starts and bottle feeds) of one lactation."""
    times = np.sort(np.asarray(feed_s, dtype=float))
    if len(times) == 0:
        return times
    new_feed = np.concatenate(([True], np.diff(times) > SAME_FEED_WITHIN_S))
    return times[new_feed]


def feed_intervals_s(starts_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Intervals between consecutive feeds (logging gaps left out) and the start of each."""
    if len(starts_s) < 2:
        return np.empty(0), np.empty(0)
    intervals = np.diff(starts_s)
    kept = intervals <= MAX_FEED_INTERVAL_S
    return intervals[kept], starts_s[:-1][kept]
