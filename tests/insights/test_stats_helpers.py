"""Builders shared by the Insights core tests: plain records with sensible defaults, and a
simulator of sessions with a known effect. (No tests here; pure, no database.)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from letdown.insights.stats import (
    FeedRecord,
    Insights,
    LeakRecord,
    SessionRecord,
    compute_insights,
)

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)


def session(
    *,
    first_letdown_s: float | None = None,
    offsets_s: Iterable[float] | None = None,
    duration_s: float = 900.0,
    kind: str = "pumping",
    started_at: datetime = T0,
    running: bool = False,
    aids: Iterable[str] = (),
    anxiety: int | None = None,
    lactation_id: int = 1,
    weeks: float | None = 4.0,
    volume_left_ml: float | None = None,
    volume_right_ml: float | None = None,
    session_id: int = 0,
) -> SessionRecord:
    if offsets_s is None:
        offsets_s = () if first_letdown_s is None else (first_letdown_s,)
    return SessionRecord(
        id=session_id,
        kind=kind,
        started_at=started_at,
        ended_at=None if running else started_at + timedelta(seconds=duration_s),
        letdown_offsets_s=tuple(offsets_s),
        volume_left_ml=volume_left_ml,
        volume_right_ml=volume_right_ml,
        anxiety_before=anxiety,
        aids=frozenset(aids),
        lactation_id=lactation_id,
        weeks_since_birth=weeks,
    )


def spaced(
    records: list[SessionRecord], every: timedelta = timedelta(hours=3)
) -> list[SessionRecord]:
    """The same sessions, one every `every` from T0, with distinct ids (oldest first)."""
    return [
        replace(
            record,
            id=index + 1,
            started_at=T0 + every * index,
            ended_at=None
            if record.ended_at is None
            else T0 + every * index + (record.ended_at - record.started_at),
        )
        for index, record in enumerate(records)
    ]


def insights_for(
    sessions: list[SessionRecord] = (),  # type: ignore[assignment]
    *,
    leaks: list[LeakRecord] = (),  # type: ignore[assignment]
    feeds: list[FeedRecord] = (),  # type: ignore[assignment]
    now: datetime | None = None,
    tz: ZoneInfo = PARIS,
    current_lactation_id: int | None = 1,
) -> Insights:
    if now is None:
        stamps = [s.started_at for s in sessions] + [r.at for r in leaks] + [r.at for r in feeds]
        now = max(stamps, default=T0) + timedelta(hours=1)
    return compute_insights(
        sessions=sessions,
        leaks=leaks,
        feeds=feeds,
        current_lactation_id=current_lactation_id,
        now=now,
        tz=tz,
    )


def simulated_sessions(
    *,
    n: int,
    seed: int,
    rate_per_s: float = 1 / 90,
    aid_rate: dict[str, float] | None = None,
    aids: tuple[str, ...] = ("warm_compress", "relaxing_music", "baby_photo"),
    anxiety_high_rate: float = 1.0,
    lactation_id: int = 1,
    weeks: float = 8.0,
    every_hours: int = 3,
) -> list[SessionRecord]:
    """Exponential times to first let-down, each aid present in half the sessions, sessions
    ending after 4 to 15 minutes (censoring the slow ones). `aid_rate` multiplies the let-down
    rate when an aid is present: 2.0 means let-down comes twice as fast (hazard ratio 2)."""
    rng = np.random.default_rng(seed)
    aid_rate = aid_rate or {}
    records = []
    for index in range(n):
        present = [aid for aid in aids if rng.random() < 0.5]
        anxiety = int(rng.integers(0, 11))
        rate = rate_per_s
        for aid in present:
            rate *= aid_rate.get(aid, 1.0)
        if anxiety >= 5:
            rate *= anxiety_high_rate
        time_s = float(rng.exponential(1 / rate))
        duration_s = float(rng.uniform(240, 900))
        records.append(
            session(
                first_letdown_s=round(time_s, 1) if time_s < duration_s else None,
                duration_s=duration_s,
                kind="nursing" if index % 3 else "pumping",
                started_at=T0
                + timedelta(hours=every_hours * index, minutes=int(rng.integers(0, 120))),
                aids=present,
                anxiety=anxiety,
                lactation_id=lactation_id,
                weeks=weeks,
                session_id=index + 1 + 100_000 * lactation_id,
            )
        )
    return records
