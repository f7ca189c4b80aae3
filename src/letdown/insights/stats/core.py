"""The entry points of the Insights core: her records in, the whole page's results out.

`compute_insights` takes plain records; `compute_insights_from_columns` takes them as numpy
columns, which the selector builds straight from the database's rows at two years of records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from .anxiety import anxiety_section
from .columns import Columns, columns_from_records
from .feeds import feed_starts_s
from .first_letdown import first_letdown_section, pump_switch_section
from .leaks import leaks_section
from .letdowns import letdowns_section
from .over_time import over_time_section
from .records import FeedRecord, LeakRecord, SessionRecord
from .results import SCHEMA_VERSION, Insights
from .rhythm import rhythm_section
from .table import PUMPING
from .what_helps import what_helps_section


def compute_insights(
    *,
    sessions: Sequence[SessionRecord],
    leaks: Sequence[LeakRecord],
    feeds: Sequence[FeedRecord],
    current_lactation_id: int | None,
    now: datetime,
    tz: ZoneInfo,
) -> Insights:
    """Compute every Insights section from her records.

    Sessions still running are left out. `current_lactation_id` picks the lactation for the
    leaks, rhythm and "this lactation" views; None takes the lactation of her latest record.
    """
    _check_aware(now)
    return compute_insights_from_columns(
        columns_from_records(sessions, leaks, feeds, tz),
        current_lactation_id=current_lactation_id,
        now=now,
        tz=tz,
    )


def compute_insights_from_columns(
    columns: Columns, *, current_lactation_id: int | None, now: datetime, tz: ZoneInfo
) -> Insights:
    """`compute_insights` on her records as columns (see `rows.columns_from_rows`)."""
    _check_aware(now)
    table = columns.sessions
    if current_lactation_id is None:
        current_lactation_id = columns.latest_lactation_id
    starts_s = feed_starts_s(columns.feed_s[columns.feed_lactation_id == current_lactation_id])
    pumping = (table.kind == PUMPING) & (table.lactation_id == current_lactation_id)
    return Insights(
        schema_version=SCHEMA_VERSION,
        computed_at=now,
        time_zone=tz.key,
        n_sessions=len(table),
        n_running=columns.n_running,
        first_letdown=first_letdown_section(table),
        what_helps=what_helps_section(table),
        anxiety=anxiety_section(table),
        letdowns=letdowns_section(table),
        over_time=over_time_section(table, current_lactation_id),
        leaks=leaks_section(
            leak_s=columns.leak_s[columns.leak_lactation_id == current_lactation_id],
            feed_starts_s=starts_s,
            now=now,
            tz=tz,
        ),
        rhythm=rhythm_section(
            feed_starts_s=starts_s,
            pumping_starts_s=np.sort(table.started_s[pumping]),
            now=now,
            tz=tz,
        ),
        pump_switch=pump_switch_section(table),
    )


def _check_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
