"""Finished sessions as numpy columns, built once and shared by every section.

Time to first let-down is a time-to-event measure: a session that ended without a let-down is
censored at its end (`let_down` False, `time_s` = its duration), never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from .records import SessionRecord

NURSING = "nursing"
PUMPING = "pumping"
HAND_EXPRESSION = "hand_expression"


@dataclass(frozen=True)
class SessionTable:
    records: tuple[SessionRecord, ...]  # finished sessions, oldest first
    kind: np.ndarray  # str
    started_s: np.ndarray  # POSIX seconds
    time_s: np.ndarray  # time to first let-down, or to the end when censored
    let_down: np.ndarray  # bool: the session had at least one let-down
    n_letdowns: np.ndarray  # int
    anxiety: np.ndarray  # float, NaN when not recorded
    lactation_id: np.ndarray  # int
    weeks_since_birth: np.ndarray  # float, NaN when unknown
    local_hour: np.ndarray  # int, her clock hour at the start

    def __len__(self) -> int:
        return len(self.records)

    def has_aid(self, slug: str, rows: np.ndarray | None = None) -> np.ndarray:
        records = self.records if rows is None else [self.records[i] for i in rows]
        return np.fromiter(
            (slug in record.aids for record in records), dtype=bool, count=len(records)
        )


def build_session_table(sessions: Sequence[SessionRecord], tz: ZoneInfo) -> SessionTable:
    finished = sorted(
        (record for record in sessions if record.ended_at is not None),
        key=lambda record: (record.started_at, record.id),
    )
    count = len(finished)
    started_s, time_s, anxiety, weeks = (np.empty(count) for _ in range(4))
    let_down = np.empty(count, dtype=bool)
    n_letdowns, lactation_id, local_hour = (np.empty(count, dtype=int) for _ in range(3))
    # One pass over the records: at two years of sessions, every extra pass costs milliseconds.
    for index, record in enumerate(finished):
        assert record.ended_at is not None
        offsets = record.letdown_offsets_s
        if offsets:
            # A let-down tapped a moment before the timer started (the anticipatory release)
            # counts as a let-down at once rather than a negative time.
            time_s[index] = max(0.0, float(offsets[0]))
            let_down[index] = True
        else:
            time_s[index] = max(0.0, (record.ended_at - record.started_at).total_seconds())
            let_down[index] = False
        started_s[index] = record.started_at.timestamp()
        n_letdowns[index] = len(offsets)
        anxiety[index] = np.nan if record.anxiety_before is None else record.anxiety_before
        lactation_id[index] = record.lactation_id
        weeks[index] = np.nan if record.weeks_since_birth is None else record.weeks_since_birth
        local_hour[index] = record.started_at.astimezone(tz).hour
    return SessionTable(
        records=tuple(finished),
        kind=np.array([record.kind for record in finished], dtype=object),
        started_s=started_s,
        time_s=time_s,
        let_down=let_down,
        n_letdowns=n_letdowns,
        anxiety=anxiety,
        lactation_id=lactation_id,
        weeks_since_birth=weeks,
        local_hour=local_hour,
    )
