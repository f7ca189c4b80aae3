"""The derived figures of one session, computed in one place for every caller (pages,
insights, demo, benchmarks): time to first let-down, let-down intervals, per-side time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SessionFacts:
    time_to_first_letdown_s: float | None  # from the start of stimulation (session start)
    letdown_offsets_s: tuple[float, ...]
    letdown_intervals_s: tuple[float, ...]
    active_s: float  # pauses excluded
    left_s: float
    right_s: float
    volume_left_ml: float | None
    volume_right_ml: float | None

    @property
    def letdown_count(self) -> int:
        return len(self.letdown_offsets_s)

    @property
    def volume_total_ml(self) -> float | None:
        if self.volume_left_ml is None and self.volume_right_ml is None:
            return None
        return (self.volume_left_ml or 0.0) + (self.volume_right_ml or 0.0)


def session_facts(
    *,
    started_at: datetime,
    ended_at: datetime | None,
    segments: Iterable[tuple[str, datetime, datetime | None]],
    letdown_times: Iterable[datetime],
    volume_left_ml: float | None,
    volume_right_ml: float | None,
    now: datetime,
) -> SessionFacts:
    """Segments are (side, start, end or None while running); a running segment counts up
    to the session end, or to `now` for a live session."""
    stop = ended_at or now
    left_s = right_s = active_s = 0.0
    for side, seg_start, seg_end in segments:
        seconds = max(0.0, ((seg_end or stop) - seg_start).total_seconds())
        active_s += seconds
        if side in ("left", "both"):
            left_s += seconds
        if side in ("right", "both"):
            right_s += seconds
    offsets = letdown_offsets_s(started_at, letdown_times)
    intervals = tuple(b - a for a, b in zip(offsets, offsets[1:], strict=False))
    return SessionFacts(
        time_to_first_letdown_s=offsets[0] if offsets else None,
        letdown_offsets_s=offsets,
        letdown_intervals_s=intervals,
        active_s=active_s,
        left_s=left_s,
        right_s=right_s,
        volume_left_ml=volume_left_ml,
        volume_right_ml=volume_right_ml,
    )


def letdown_offsets_s(started_at: datetime, letdown_times: Iterable[datetime]) -> tuple[float, ...]:
    """Seconds from the start of stimulation to each let-down, in order."""
    return tuple(sorted(max(0.0, (t - started_at).total_seconds()) for t in letdown_times))
