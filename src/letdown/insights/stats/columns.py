"""Her records as numpy columns, which is what the core computes from: the finished sessions as
a `SessionTable`, leaks and feeds as arrays of POSIX seconds with their lactations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from .records import FeedRecord, LeakRecord, SessionRecord
from .table import SessionTable, build_session_table


@dataclass(frozen=True)
class Columns:
    sessions: SessionTable  # the finished sessions
    n_running: int
    latest_lactation_id: int | None  # the lactation of her latest record of any kind
    leak_s: np.ndarray  # float, POSIX seconds
    leak_lactation_id: np.ndarray  # int
    feed_s: np.ndarray  # float, POSIX seconds: nursing session starts and bottle feeds
    feed_lactation_id: np.ndarray  # int


def columns_from_records(
    sessions: Sequence[SessionRecord],
    leaks: Sequence[LeakRecord],
    feeds: Sequence[FeedRecord],
    tz: ZoneInfo,
) -> Columns:
    return Columns(
        sessions=build_session_table(sessions, tz),
        n_running=sum(1 for record in sessions if record.ended_at is None),
        latest_lactation_id=_latest_lactation_id(sessions, leaks, feeds),
        leak_s=np.array([leak.at.timestamp() for leak in leaks], dtype=float),
        leak_lactation_id=np.array([leak.lactation_id for leak in leaks], dtype=np.int64),
        feed_s=np.array([feed.at.timestamp() for feed in feeds], dtype=float),
        feed_lactation_id=np.array([feed.lactation_id for feed in feeds], dtype=np.int64),
    )


def _latest_lactation_id(
    sessions: Sequence[SessionRecord], leaks: Sequence[LeakRecord], feeds: Sequence[FeedRecord]
) -> int | None:
    stamped = [(record.started_at, record.lactation_id) for record in sessions]
    stamped += [(record.at, record.lactation_id) for record in leaks]
    stamped += [(record.at, record.lactation_id) for record in feeds]
    return max(stamped, key=lambda pair: pair[0])[1] if stamped else None
