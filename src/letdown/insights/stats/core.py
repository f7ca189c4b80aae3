"""The entry point of the Insights core: her records in, the whole page's results out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from .anxiety import anxiety_section
from .feeds import feed_starts_s
from .first_letdown import first_letdown_section, pump_switch_section
from .leaks import leaks_section
from .letdowns import letdowns_section
from .over_time import over_time_section
from .records import FeedRecord, LeakRecord, SessionRecord
from .results import Insights
from .rhythm import rhythm_section
from .table import PUMPING, build_session_table
from .what_helps import what_helps_section


def compute_insights(
    *,
    sessions: Sequence[SessionRecord],
    leaks: Sequence[LeakRecord],
    feeds: Sequence[FeedRecord],
    current_lactation_id: int | None,
    now: datetime,
    tz: ZoneInfo,
    first_weekday: int = 0,
) -> Insights:
    """Compute every Insights section from her records.

    Sessions still running are left out. Sessions without recorded let-downs (imported) count
    in her rhythm only; the feeds given are every feed. `current_lactation_id` picks the
    lactation for the leaks, rhythm and "this lactation" views; None takes the lactation of
    her latest record.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    # Every let-down statistic reads `table`; the rhythm reads every finished session.
    table = build_session_table([s for s in sessions if s.letdowns_recorded], tz)
    if current_lactation_id is None:
        current_lactation_id = _latest_lactation_id(sessions, leaks, feeds)
    feed_s = np.array(
        [feed.at.timestamp() for feed in feeds if feed.lactation_id == current_lactation_id]
    )
    leak_s = np.array(
        [leak.at.timestamp() for leak in leaks if leak.lactation_id == current_lactation_id]
    )
    starts_s = feed_starts_s(feed_s)
    # Only their starts: a second table of every session would cost as much as the first.
    pumping_starts_s = np.sort(
        np.array(
            [
                record.started_at.timestamp()
                for record in sessions
                if record.ended_at is not None
                and record.kind == PUMPING
                and record.lactation_id == current_lactation_id
            ],
            dtype=float,
        )
    )
    what_helps = what_helps_section(table)
    anxiety_high = next((f for f in what_helps.factors if f.slug == "anxiety_high"), None)
    return Insights(
        computed_at=now,
        time_zone=tz.key,
        n_sessions=len(table),
        n_running=sum(1 for record in sessions if record.ended_at is None),
        first_letdown=first_letdown_section(table, now=now, tz=tz),
        what_helps=what_helps,
        anxiety=anxiety_section(table, anxiety_high),
        letdowns=letdowns_section(table),
        over_time=over_time_section(table, current_lactation_id),
        leaks=leaks_section(
            leak_s=leak_s, feed_starts_s=starts_s, now=now, tz=tz, first_weekday=first_weekday
        ),
        rhythm=rhythm_section(
            feed_starts_s=starts_s,
            pumping_starts_s=pumping_starts_s,
            now=now,
            tz=tz,
        ),
        pump_switch=pump_switch_section(table),
    )


def _latest_lactation_id(
    sessions: Sequence[SessionRecord], leaks: Sequence[LeakRecord], feeds: Sequence[FeedRecord]
) -> int | None:
    stamped = [(record.started_at, record.lactation_id) for record in sessions]
    stamped += [(record.at, record.lactation_id) for record in leaks]
    stamped += [(record.at, record.lactation_id) for record in feeds]
    return max(stamped, key=lambda pair: pair[0])[1] if stamped else None
