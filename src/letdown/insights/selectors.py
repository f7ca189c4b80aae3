"""Loads a household's records for the Insights core and caches the results until her data
changes (the household's data version is part of the cache key)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.core.cache import cache
from django.utils import timezone

from letdown.accounts.models import Baby, Household
from letdown.logbook.facts import letdown_offsets_s
from letdown.logbook.models import BottleFeed, Leak, LetDown, Session

from .stats import (
    SCHEMA_VERSION,
    FeedRecord,
    Insights,
    LeakRecord,
    SessionRecord,
    compute_insights,
)

CACHE_SECONDS = 60 * 60 * 24 * 7


def load_records(
    household: Household,
) -> tuple[list[SessionRecord], list[LeakRecord], list[FeedRecord]]:
    """Four queries, whatever the size of her history; no model instances are built."""
    birth_by_lactation: dict[int, date] = {}
    for lactation_id, birth in Baby.objects.filter(household=household).values_list(
        "lactation_id", "birth_date"
    ):
        # Weeks are counted from the youngest baby of that lactation.
        birth_by_lactation[lactation_id] = max(birth, birth_by_lactation.get(lactation_id, birth))
    letdowns: dict[int, list[datetime]] = defaultdict(list)
    for session_id, at in LetDown.objects.filter(household=household).values_list(
        "session_id", "at"
    ):
        letdowns[session_id].append(at)
    sessions = []
    for row in Session.objects.filter(household=household).values_list(
        "id",
        "kind",
        "started_at",
        "ended_at",
        "volume_left_ml",
        "volume_right_ml",
        "anxiety_before",
        "aids",
        "lactation_id",
    ):
        pk, kind, started_at, ended_at, left, right, anxiety, aids, lactation_id = row
        birth = birth_by_lactation.get(lactation_id)
        sessions.append(
            SessionRecord(
                id=pk,
                kind=kind,
                started_at=started_at,
                ended_at=ended_at,
                letdown_offsets_s=letdown_offsets_s(started_at, letdowns.get(pk, ())),
                volume_left_ml=left,
                volume_right_ml=right,
                anxiety_before=anxiety,
                aids=frozenset(aids or ()),
                lactation_id=lactation_id,
                weeks_since_birth=(started_at.date() - birth).days / 7 if birth else None,
            )
        )
    leaks = [
        LeakRecord(at=at, lactation_id=lactation_id)
        for at, lactation_id in Leak.objects.filter(household=household).values_list(
            "at", "lactation_id"
        )
    ]
    # A feed is a nursing session's start, or a bottle feed that did not top one up;
    # pumping is counted by the core from the sessions themselves.
    feeds = [
        FeedRecord(at=s.started_at, lactation_id=s.lactation_id)
        for s in sessions
        if s.kind == "nursing"
    ]
    feeds += [
        FeedRecord(at=at, lactation_id=lactation_id)
        for at, lactation_id in BottleFeed.objects.filter(
            household=household, session__isnull=True
        ).values_list("at", "lactation_id")
    ]
    return sessions, leaks, feeds


def _cache_key(household: Household, now: datetime) -> str:
    # The local date is part of the key: "this week" and "today" roll over at her midnight.
    day = now.astimezone(household.tz).date().isoformat()
    return f"insights:{SCHEMA_VERSION}:{household.pk}:{household.data_version}:{day}"


def insights_for(household: Household, now: datetime | None = None) -> Insights:
    """The whole Insights page's results, computed at most once per change of her data."""
    now = now or timezone.now()
    key = _cache_key(household, now)
    cached = cache.get(key)
    if cached is not None:
        return Insights.from_dict(cached)
    sessions, leaks, feeds = load_records(household)
    lactation = household.current_lactation()
    result = compute_insights(
        sessions=sessions,
        leaks=leaks,
        feeds=feeds,
        current_lactation_id=lactation.pk if lactation else None,
        now=now,
        tz=household.tz,
    )
    cache.set(key, result.to_dict(), CACHE_SECONDS)
    return result


def pump_switch_time_s(household: Household) -> float | None:
    """Her pump switch time (3 in 4 pumping sessions have let down by then), or None while
    there are too few sessions; the Routine falls back to about 2 minutes."""
    return insights_for(household).pump_switch.switch_time_s
