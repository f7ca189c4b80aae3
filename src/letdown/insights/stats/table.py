"""Finished sessions as numpy columns, built once and shared by every section.

Time to first let-down is a time-to-event measure: a session that ended without a let-down is
censored at its end (`let_down` False, `time_s` = its duration), never dropped.

The table is built from plain records (`build_session_table`) or straight from the database's
rows (`rows.columns_from_rows`); both go through `session_table`, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from .clock import local_hours
from .records import SessionRecord

NURSING = "nursing"
PUMPING = "pumping"
HAND_EXPRESSION = "hand_expression"


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


def session_table(
    *,
    ids: np.ndarray,
    kind: np.ndarray,
    started_s: np.ndarray,
    duration_s: np.ndarray,
    finished: np.ndarray,
    anxiety: np.ndarray,
    lactation_id: np.ndarray,
    weeks_since_birth: np.ndarray,
    volume_left_ml: np.ndarray,
    volume_right_ml: np.ndarray,
    letdown_session: np.ndarray,
    letdown_offsets_s: np.ndarray,
    aid_slugs: tuple[str, ...],
    aid_used: np.ndarray,
    local_hour: np.ndarray,
) -> SessionTable:
    """The table of the finished sessions among these, one entry per session in any order.

    `letdown_session` gives the session (an index into these arrays) of each let-down offset;
    each session's offsets keep their order here (the loaders sort them). Durations come in
    already worked out: each loader computes them exactly as its timestamps allow.
    """
    candidates = np.flatnonzero(finished)
    order = candidates[np.lexsort((ids[candidates], started_s[candidates]))]
    count = len(order)
    position = np.full(len(ids), -1, dtype=np.int64)
    position[order] = np.arange(count)
    letdown_position = position[np.asarray(letdown_session, dtype=np.int64)]
    kept = letdown_position >= 0
    letdown_position = letdown_position[kept]
    # Grouped by session, each session's offsets kept in their order: a sort on one unique
    # integer key is several times quicker than a stable sort or a lexsort.
    grouping = np.argsort((letdown_position << 32) | np.arange(len(letdown_position)))
    offsets_s = np.asarray(letdown_offsets_s, dtype=float)[kept][grouping]
    n_letdowns = np.bincount(letdown_position, minlength=count).astype(int)
    first_letdown = np.cumsum(n_letdowns) - n_letdowns
    let_down = n_letdowns > 0
    time_s = np.asarray(duration_s, dtype=float)[order]
    # A let-down tapped a moment before the timer started (the anticipatory release) counts as
    # a let-down at once rather than a negative time; so does a clock set back mid-session.
    time_s[let_down] = offsets_s[first_letdown[let_down]]
    time_s = np.maximum(time_s, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0
    started = np.asarray(started_s, dtype=float)[order]
    aid_used = np.asarray(aid_used, dtype=bool).reshape(len(ids), len(aid_slugs))[order]
    used_aids = np.asarray(aid_used.any(axis=0), dtype=bool)
    return SessionTable(
        kind=np.asarray(kind)[order].astype(str),
        started_s=started,
        time_s=time_s,
        let_down=let_down,
        n_letdowns=n_letdowns,
        anxiety=np.asarray(anxiety, dtype=float)[order],
        lactation_id=np.asarray(lactation_id, dtype=int)[order],
        weeks_since_birth=np.asarray(weeks_since_birth, dtype=float)[order],
        local_hour=np.asarray(local_hour, dtype=int)[order],
        volume_left_ml=np.asarray(volume_left_ml, dtype=float)[order],
        volume_right_ml=np.asarray(volume_right_ml, dtype=float)[order],
        letdown_offsets_s=offsets_s,
        first_letdown=first_letdown,
        # Only the aids some finished session used, as the records give them.
        aid_slugs=tuple(
            slug for slug, used in zip(aid_slugs, used_aids.tolist(), strict=True) if used
        ),
        aid_used=aid_used[:, used_aids],
    )


def _nan_if_none(value: float | None) -> float:
    return np.nan if value is None else float(value)


def build_session_table(sessions: Sequence[SessionRecord], tz: ZoneInfo) -> SessionTable:
    """The table of the finished sessions among these records."""
    finished = [record for record in sessions if record.ended_at is not None]
    aid_slugs = tuple(sorted({slug for record in finished for slug in record.aids}))
    column = {slug: index for index, slug in enumerate(aid_slugs)}
    aid_used = np.zeros((len(finished), len(aid_slugs)), dtype=bool)
    duration_s: list[float] = []
    letdown_session: list[int] = []
    letdown_offsets_s: list[float] = []
    for index, record in enumerate(finished):
        assert record.ended_at is not None
        # Exact to the microsecond, as datetimes subtract.
        duration_s.append((record.ended_at - record.started_at).total_seconds())
        letdown_session += [index] * len(record.letdown_offsets_s)
        letdown_offsets_s += record.letdown_offsets_s
        for slug in record.aids:
            aid_used[index, column[slug]] = True
    started_s = np.array([record.started_at.timestamp() for record in finished], dtype=float)
    return session_table(
        ids=np.array([record.id for record in finished], dtype=np.int64),
        kind=np.array([record.kind for record in finished], dtype=str),
        started_s=started_s,
        duration_s=np.array(duration_s, dtype=float),
        finished=np.ones(len(finished), dtype=bool),
        anxiety=np.array([_nan_if_none(record.anxiety_before) for record in finished]),
        lactation_id=np.array([record.lactation_id for record in finished], dtype=np.int64),
        weeks_since_birth=np.array([_nan_if_none(r.weeks_since_birth) for r in finished]),
        volume_left_ml=np.array([_nan_if_none(record.volume_left_ml) for record in finished]),
        volume_right_ml=np.array([_nan_if_none(record.volume_right_ml) for record in finished]),
        letdown_session=np.array(letdown_session, dtype=np.int64),
        letdown_offsets_s=np.array(letdown_offsets_s, dtype=float),
        aid_slugs=aid_slugs,
        aid_used=aid_used,
        local_hour=local_hours(started_s, tz),
    )
