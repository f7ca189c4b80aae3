"""Loads a household's records for the Insights core and caches the results, and the rendered
charts, until her data changes (the household's data version is part of the cache key)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from letdown.accounts.models import Baby, Household
from letdown.core import l10n
from letdown.core.rows import as_text
from letdown.logbook.models import BottleFeed, Leak, LetDown, Session

from .charts import Chart, Forest, render_charts
from .stats import (
    SCHEMA_VERSION,
    FeedRecord,
    Insights,
    LeakRecord,
    SessionRecord,
    compute_insights,
)
from .stats.table import NURSING

CACHE_SECONDS = 60 * 60 * 24 * 7


def _moment(text: str) -> datetime:
    """SQLite keeps UTC without an offset; PostgreSQL writes one (its session runs in UTC)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def load_records(
    household: Household,
) -> tuple[list[SessionRecord], list[LeakRecord], list[FeedRecord]]:
    """Her records as the core takes them: five plain queries, whatever the size of her
    history, and no model instances."""
    tz = household.tz
    birth_dates: dict[int, date] = {}
    for lactation_id, birth_date in Baby.objects.filter(household=household).values_list(
        "lactation_id", "birth_date"
    ):
        # Weeks are counted from the youngest baby of that lactation.
        birth_dates[lactation_id] = max(birth_date, birth_dates.get(lactation_id, birth_date))
    # As parsed, without a zone on SQLite: only their differences from the start are used.
    letdowns_at: dict[int, list[datetime]] = defaultdict(list)
    for session_id, at in (
        LetDown.objects.filter(household=household)
        .order_by()
        .values_list("session_id", as_text("at"))
    ):
        letdowns_at[session_id].append(datetime.fromisoformat(at))
    aid_sets: dict[str | None, frozenset[str]] = {None: frozenset()}
    sessions = []
    # Sessions imported from other apps have no let-downs recorded: they are feeds and part
    # of her rhythm, and the core leaves them out of let-down statistics.
    for pk, kind, started_text, ended_text, left, right, anxiety, aids, lactation_id, source in (
        Session.objects.filter(household=household)
        .order_by()
        .values_list(
            "id",
            "kind",
            as_text("started_at"),
            as_text("ended_at"),
            "volume_left_ml",
            "volume_right_ml",
            "anxiety_before",
            as_text("aids"),
            "lactation_id",
            "source",
        )
    ):
        started_raw = datetime.fromisoformat(started_text)
        started_at = started_raw if started_raw.tzinfo else started_raw.replace(tzinfo=UTC)
        if aids not in aid_sets:  # a handful of combinations: each text is parsed once
            aid_sets[aids] = frozenset(json.loads(aids))
        birth = birth_dates.get(lactation_id)
        sessions.append(
            SessionRecord(
                id=pk,
                kind=kind,
                started_at=started_at,
                ended_at=None if ended_text is None else _moment(ended_text),
                letdown_offsets_s=tuple(
                    sorted((at - started_raw).total_seconds() for at in letdowns_at.get(pk, ()))
                ),
                volume_left_ml=left,
                volume_right_ml=right,
                anxiety_before=anxiety,
                aids=aid_sets[aids],
                lactation_id=lactation_id,
                # The birth date is her local date, so the session's day must be too: a night
                # feed at 00:30 in Paris is 23:30 UTC the day before.
                weeks_since_birth=(
                    (started_at.astimezone(tz).date() - birth).days / 7 if birth else None
                ),
                letdowns_recorded=not source,
            )
        )
    leaks = [
        LeakRecord(at=_moment(at), lactation_id=lactation_id)
        for at, lactation_id in Leak.objects.filter(household=household)
        .order_by()
        .values_list(as_text("at"), "lactation_id")
    ]
    # A feed is a nursing session's start, or a bottle feed that did not top one up (that one
    # is part of the session's feed); pumping is counted by the core from the sessions.
    feeds = [
        FeedRecord(at=s.started_at, lactation_id=s.lactation_id)
        for s in sessions
        if s.kind == NURSING
    ]
    feeds += [
        FeedRecord(at=_moment(at), lactation_id=lactation_id)
        for at, lactation_id in BottleFeed.objects.filter(household=household, session__isnull=True)
        .order_by()
        .values_list(as_text("at"), "lactation_id")
    ]
    return sessions, leaks, feeds


def _cache_key(household: Household, now: datetime) -> str:
    # The local date is part of the key: "this week" and "today" roll over at her midnight.
    day = now.astimezone(household.tz).date().isoformat()
    # Her locale's first day of the week decides where the leaks chart's weeks begin.
    week = l10n.first_weekday()
    return f"insights:{SCHEMA_VERSION}:{household.pk}:{household.data_version}:{day}:w{week}"


def page_key(household: Household, now: datetime, *, share: bool) -> str:
    """The key of the page's rendered content: her results' key, and what else the page
    shows them through (language, formats, unit, time zone, and whether a share link asks)."""
    return ":".join(
        (
            _cache_key(household, now),
            "page",
            get_language() or "",
            l10n.current().key,
            household.unit,
            household.time_zone,
            "share" if share else "member",
        )
    )


def _charts_key(results_key: str, language: str, unit: str) -> str:
    # The leaks chart's ticks name months in her language and locale; the volume chart is
    # drawn in her unit, which she can change without changing her data.
    return f"{results_key}:charts:{language}:{unit}"


def current_until(insights: Insights) -> datetime | None:
    """When results stop describing the present although no data has changed (None: never).

    Everything but the next-feed prediction depends only on her records and her local date.
    The prediction is conditioned on the time since her last feed, so once the start of its
    range has passed it must be recomputed, or the page would predict a feed in the past.
    """
    return insights.rhythm.next_feed.earliest_at


def _still_current(insights: Insights, now: datetime) -> bool:
    """Whether cached results still describe `now`, when no data has changed."""
    until = current_until(insights)
    return until is None or now < until


def _cached_insights(value: object, now: datetime) -> Insights | None:
    """The cached results if they are results still current at `now`.

    The Insights tree itself is cached (the cache pickles it; unpickling is quick next to
    computing, see `bench/bench_insights_page.py`). Anything else under the key (an older
    deployment's entry) is a miss.
    """
    if isinstance(value, Insights) and _still_current(value, now):
        return value
    return None


def _compute(household: Household, now: datetime) -> Insights:
    sessions, leaks, feeds = load_records(household)
    lactation = household.current_lactation()
    return compute_insights(
        sessions=sessions,
        leaks=leaks,
        feeds=feeds,
        current_lactation_id=lactation.pk if lactation else None,
        now=now,
        tz=household.tz,
        first_weekday=l10n.first_weekday(),
    )


@dataclass(frozen=True)
class InsightsPage:
    """What the Insights page shows: the results and every chart, by section."""

    insights: Insights
    charts: dict[str, Chart | Forest | None]


def insights_for(household: Household, now: datetime | None = None) -> Insights:
    """Her results alone (what reminders read the next feed from), computed at most once per
    change of her data: the same cache entry as the page's."""
    now = now or timezone.now()
    key = _cache_key(household, now)
    cached = _cached_insights(cache.get(key), now)
    if cached is not None:
        return cached
    insights = _compute(household, now)
    cache.set(key, insights, CACHE_SECONDS)
    return insights


def insights_page_for(household: Household, now: datetime | None = None) -> InsightsPage:
    """Results and charts (ticks in the active language, volumes in her unit) from the cache
    when her data has not changed since they were made, so a warm request does no statistics
    and no SVG work."""
    now = now or timezone.now()
    key = _cache_key(household, now)
    language = f"{get_language() or 'en'}:{l10n.current().key}"
    charts_key = _charts_key(key, language, household.unit)
    cached: dict[str, Any] = cache.get_many([key, charts_key])
    insights = _cached_insights(cached.get(key), now)
    # Charts carry the moment their results were computed: results recomputed for a new
    # next-feed prediction make the charts of every language stale with them.
    cached_charts = cached.get(charts_key)
    if (
        insights is not None
        and cached_charts is not None
        and cached_charts["computed_at"] == insights.computed_at.isoformat()
    ):
        return InsightsPage(insights=insights, charts=cached_charts["charts"])
    fresh: dict[str, Any] = {}
    if insights is None:
        insights = _compute(household, now)
        fresh[key] = insights
    charts = render_charts(insights, unit=household.unit)
    fresh[charts_key] = {"computed_at": insights.computed_at.isoformat(), "charts": charts}
    cache.set_many(fresh, CACHE_SECONDS)
    return InsightsPage(insights=insights, charts=charts)
