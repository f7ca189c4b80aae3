"""Plain input records for the Insights core (`compute_insights`).

They carry no Django objects, so the statistics can be computed and tested without a database.
The page builds them from the database's rows (`insights.selectors.load_records`), as the tests
build them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SessionRecord:
    id: int
    kind: str  # "nursing" | "pumping" | "hand_expression"
    started_at: datetime  # aware, UTC
    ended_at: datetime | None  # None = still running (excluded from statistics)
    letdown_offsets_s: tuple[float, ...]  # seconds from start of stimulation, sorted; () = none
    volume_left_ml: float | None
    volume_right_ml: float | None
    anxiety_before: int | None  # 0..10
    aids: frozenset[str]  # techniques/triggers present, as slugs (warm_compress, baby_cry, ...)
    lactation_id: int
    weeks_since_birth: float | None  # at the start of the session (youngest baby of that lactation)
    # False for a session imported from another app: it has no let-downs recorded, so it
    # counts as a feed and in her rhythm but is left out of every let-down statistic (it would
    # read as a session where no let-down came).
    letdowns_recorded: bool = True


@dataclass(frozen=True)
class LeakRecord:
    at: datetime  # aware, UTC
    lactation_id: int


@dataclass(frozen=True)
class FeedRecord:
    """Any feed: a nursing session start or a bottle feed."""

    at: datetime  # aware, UTC
    lactation_id: int
