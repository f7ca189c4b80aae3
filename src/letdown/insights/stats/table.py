"""Finished sessions as numpy columns, built once from her records and shared by every section.

Time to first let-down is a time-to-event measure: a session that ended without a let-down is
censored at its end (`let_down` False, `time_s` = its duration), never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from .clock import DAY_S, local_seconds
from .records import SessionRecord

NURSING = "nursing"
PUMPING = "pumping"
HAND_EXPRESSION = "hand_expression"

_WEEK_S = 7 * DAY_S


@dataclass(frozen=True)
class SessionTable:
    kind: np.ndarray  # str
    started_s: np.ndarray  # POSIX seconds; finished sessions, oldest first (then by id)
    time_s: np.ndarray  # time to first let-down, or to the end when censored
    let_down: np.ndarray  # bool: the session had at least one let-down
    n_letdowns: np.ndarray  # int
    anxiety: np.ndarray  # float, NaN when not recorded
    lactation_id: np.ndarray  # int
    weeks_since_birth: np.ndarray  # float, NaN when unknown
    local_hour: np.ndarray  # int, her clock hour at the start
    local_day: np.ndarray  # int, her local date at the start, as days since 1970-01-01
    # Weeks into the lactation at the start: since the birth when known (0 before it), else
    # since her first session of that lactation. Let-down speeds up over the first weeks, so
    # comparisons of what helps are made at the same stage.
    stage_weeks: np.ndarray  # float
    volume_left_ml: np.ndarray  # float, NaN when not recorded
    volume_right_ml: np.ndarray  # float, NaN when not recorded
    # Every let-down's offset from its session's start, session after session in table order:
    # session i's are letdown_offsets_s[first_letdown[i]:][:n_letdowns[i]].
    letdown_offsets_s: np.ndarray  # float
    first_letdown: np.ndarray  # int
    aid_slugs: tuple[str, ...]  # the aids any session used
    aid_used: np.ndarray  # bool, one row per session and one column per slug of `aid_slugs`

    def __len__(self) -> int:
        return len(self.started_s)

    def has_aid(self, slug: str, rows: np.ndarray | None = None) -> np.ndarray:
        if slug in self.aid_slugs:
            used = self.aid_used[:, self.aid_slugs.index(slug)]
        else:
            used = np.zeros(len(self), dtype=bool)
        return used.copy() if rows is None else used[rows]


def build_session_table(sessions: Sequence[SessionRecord], tz: ZoneInfo) -> SessionTable:
    """The table of the finished sessions among these records, oldest first (then by id)."""
    finished = sorted(
        (record for record in sessions if record.ended_at is not None),
        key=lambda record: (record.started_at, record.id),
    )
    aid_slugs = tuple(sorted({slug for record in finished for slug in record.aids}))
    column = {slug: index for index, slug in enumerate(aid_slugs)}
    aid_used = np.zeros((len(finished), len(aid_slugs)), dtype=bool)
    duration_s: list[float] = []
    n_letdowns: list[int] = []
    offsets_s: list[float] = []
    for index, record in enumerate(finished):
        assert record.ended_at is not None
        duration_s.append((record.ended_at - record.started_at).total_seconds())
        n_letdowns.append(len(record.letdown_offsets_s))
        offsets_s += record.letdown_offsets_s
        for slug in record.aids:
            aid_used[index, column[slug]] = True
    counts = np.array(n_letdowns, dtype=int)
    first_letdown = np.cumsum(counts) - counts
    letdown_offsets_s = np.array(offsets_s, dtype=float)
    let_down = counts > 0
    time_s = np.array(duration_s, dtype=float)
    # A let-down tapped a moment before the timer started (the anticipatory release) counts as
    # a let-down at once rather than a negative time; so does a clock set back mid-session.
    time_s[let_down] = letdown_offsets_s[first_letdown[let_down]]
    time_s = np.maximum(time_s, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0
    started_s = np.array([record.started_at.timestamp() for record in finished], dtype=float)
    local_s = local_seconds(started_s, tz)
    lactation_id = np.array([record.lactation_id for record in finished], dtype=np.int64)
    weeks_since_birth = np.array([_nan_if_none(r.weeks_since_birth) for r in finished])
    return SessionTable(
        kind=np.array([record.kind for record in finished], dtype=str),
        started_s=started_s,
        time_s=time_s,
        let_down=let_down,
        n_letdowns=counts,
        anxiety=np.array([_nan_if_none(record.anxiety_before) for record in finished]),
        lactation_id=lactation_id,
        weeks_since_birth=weeks_since_birth,
        local_hour=(np.floor(local_s / 3600).astype(np.int64) % 24).astype(int),
        local_day=np.floor(local_s / DAY_S).astype(np.int64),
        stage_weeks=_stage_weeks(weeks_since_birth, started_s, lactation_id),
        volume_left_ml=np.array([_nan_if_none(record.volume_left_ml) for record in finished]),
        volume_right_ml=np.array([_nan_if_none(record.volume_right_ml) for record in finished]),
        letdown_offsets_s=letdown_offsets_s,
        first_letdown=first_letdown,
        aid_slugs=aid_slugs,
        aid_used=aid_used,
    )


def _nan_if_none(value: float | None) -> float:
    return np.nan if value is None else float(value)


def _stage_weeks(
    weeks_since_birth: np.ndarray, started_s: np.ndarray, lactation_id: np.ndarray
) -> np.ndarray:
    """Weeks since the birth (0 before it); without a birth date, weeks since her first session
    of that lactation, which is the nearest thing the log knows."""
    stage: np.ndarray = np.maximum(weeks_since_birth, 0.0)
    unknown = np.isnan(stage)
    for lactation in np.unique(lactation_id[unknown]):
        rows = lactation_id == lactation
        first_s = started_s[rows].min()
        stage[unknown & rows] = (started_s[unknown & rows] - first_s) / _WEEK_S
    return stage
