"""Her local clock for many moments at once: UTC offsets, local dates and clock hours as numpy
arrays, without one aware datetime per moment (two years of records hold some 30,000)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

DAY_S = 86400
EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()
# Weekday of 1970-01-01 (a Thursday), Monday being 0 as in `date.weekday()`.
_EPOCH_WEEKDAY = 3


def _offset_s(time_s: float, tz: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(time_s, tz).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def utc_offsets_s(times_s: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """Her UTC offset, in whole seconds, at each moment (POSIX seconds).

    The offset is looked up once per UTC day, at its start and at the next day's start: when
    the two agree the whole day shares it, since no zone changes its clock twice within a day
    (none in the tz database does, 1970 to 2100); a day with a change (two a year with DST) is
    looked up moment by moment.
    """
    times_s = np.asarray(times_s, dtype=float)
    if len(times_s) == 0:
        return np.zeros(0, dtype=np.int64)
    days, index = np.unique(np.floor(times_s / DAY_S).astype(np.int64), return_inverse=True)
    bounds = np.union1d(days, days + 1)
    at_bound = np.array([_offset_s(t, tz) for t in (bounds * DAY_S).tolist()], dtype=np.int64)
    at_start = at_bound[np.searchsorted(bounds, days)]
    at_end = at_bound[np.searchsorted(bounds, days + 1)]
    offsets = at_start[index]
    changing = (at_start != at_end)[index]
    if changing.any():
        offsets[changing] = [_offset_s(t, tz) for t in times_s[changing].tolist()]
    return offsets


def local_seconds(times_s: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """Her wall-clock time at each moment, as seconds since 1970-01-01 00:00 on her clock."""
    times_s = np.asarray(times_s, dtype=float)
    local: np.ndarray = times_s + utc_offsets_s(times_s, tz)
    return local


def local_days(times_s: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """Her local date at each moment, as days since 1970-01-01 (`date.toordinal()` - 719163)."""
    return np.floor(local_seconds(times_s, tz) / DAY_S).astype(np.int64)


def local_hours(times_s: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """Her clock hour (0-23) at each moment."""
    return (np.floor(local_seconds(times_s, tz) / 3600).astype(np.int64) % 24).astype(int)


def mondays(epoch_days: np.ndarray, first_weekday: int = 0) -> np.ndarray:
    """The first day of the week of each local date (both as days since 1970-01-01): the
    Monday, or the day `first_weekday` names (6: Sunday, as in the US)."""
    firsts: np.ndarray = epoch_days - (epoch_days + _EPOCH_WEEKDAY - first_weekday) % 7
    return firsts
