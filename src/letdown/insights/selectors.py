"""Loads a household's records for the Insights core and caches the results, and the rendered
charts, until her data changes (the household's data version is part of the cache key)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import FloatField, Func, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext

from letdown.accounts.models import Baby, Household
from letdown.logbook.models import BottleFeed, Leak, LetDown, Session

from .stats import (
    SCHEMA_VERSION,
    FeedRecord,
    Insights,
    LeakRecord,
    SessionRecord,
    compute_insights,
)
from .stats.charts import render_charts

CACHE_SECONDS = 60 * 60 * 24 * 7


class _EpochSeconds(Func):
    """A timestamp as seconds since 1970 (UTC), worked out by the database.

    At two years of records, parsing some 30,000 timestamps into aware datetimes in Python
    (Django's converters on SQLite, psycopg's text loader on PostgreSQL) cost more than all
    the statistics; floats cost next to nothing. SQLite's date functions count whole
    milliseconds, so values are rounded to the millisecond on both backends.
    """

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
            **extra,
        )


def _raw_rows(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset as the database driver returns them: the ORM writes
    the SQL (and its household filter), and Django's per-value converters are skipped."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _moment(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(round(epoch_s, 3), UTC)


def _offsets_s(started_s: float, letdowns_s: list[float]) -> tuple[float, ...]:
    # The rule of `letdown_offsets_s` in the logbook's facts, on seconds: sorted, and a
    # let-down tapped a moment before the start counts at 0.
    return tuple(sorted(max(0.0, round(at_s - started_s, 3)) for at_s in letdowns_s))


def _aids_parser() -> Callable[[list[str] | str | None], frozenset[str]]:
    """Parses the aids column, once per distinct value: she uses a handful of combinations,
    and JSON arrives as text from both backends when Django's converters are skipped."""
    parsed: dict[str, frozenset[str]] = {}

    def aids(value: list[str] | str | None) -> frozenset[str]:
        if not isinstance(value, str):
            return frozenset(value or ())
        if value not in parsed:
            parsed[value] = frozenset(json.loads(value))
        return parsed[value]

    return aids


def load_records(
    household: Household,
) -> tuple[list[SessionRecord], list[LeakRecord], list[FeedRecord]]:
    """Five queries, whatever the size of her history; no model instances are built."""
    tz = household.tz
    birth_by_lactation: dict[int, date] = {}
    for lactation_id, birth_date in Baby.objects.filter(household=household).values_list(
        "lactation_id", "birth_date"
    ):
        # Weeks are counted from the youngest baby of that lactation.
        birth_by_lactation[lactation_id] = max(
            birth_date, birth_by_lactation.get(lactation_id, birth_date)
        )
    letdowns_s: dict[int, list[float]] = defaultdict(list)
    # No ORDER BY: the offsets are sorted per session, and the core sorts the sessions.
    for session_id, at_s in _raw_rows(
        LetDown.objects.filter(household=household)
        .order_by()
        .values_list("session_id", _EpochSeconds("at"))
    ):
        letdowns_s[session_id].append(at_s)
    sessions = []
    aids_of = _aids_parser()
    for row in _raw_rows(
        Session.objects.filter(household=household)
        .order_by()
        .values_list(
            "id",
            "kind",
            _EpochSeconds("started_at"),
            _EpochSeconds("ended_at"),
            "volume_left_ml",
            "volume_right_ml",
            "anxiety_before",
            "aids",
            "lactation_id",
        )
    ):
        pk, kind, started_s, ended_s, left, right, anxiety, aids, lactation_id = row
        started_at = _moment(started_s)
        birth = birth_by_lactation.get(lactation_id)
        sessions.append(
            SessionRecord(
                id=pk,
                kind=kind,
                started_at=started_at,
                ended_at=None if ended_s is None else _moment(ended_s),
                letdown_offsets_s=_offsets_s(started_s, letdowns_s.get(pk, [])),
                volume_left_ml=left,
                volume_right_ml=right,
                anxiety_before=anxiety,
                aids=aids_of(aids),
                lactation_id=lactation_id,
                # The birth date is her local date, so the session's day must be too: a night
                # feed at 00:30 in Paris is 23:30 UTC the day before.
                weeks_since_birth=(
                    (started_at.astimezone(tz).date() - birth).days / 7 if birth else None
                ),
            )
        )
    leaks = [
        LeakRecord(at=_moment(at_s), lactation_id=lactation_id)
        for at_s, lactation_id in _raw_rows(
            Leak.objects.filter(household=household)
            .order_by()
            .values_list(_EpochSeconds("at"), "lactation_id")
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
        FeedRecord(at=_moment(at_s), lactation_id=lactation_id)
        for at_s, lactation_id in _raw_rows(
            BottleFeed.objects.filter(household=household, session__isnull=True)
            .order_by()
            .values_list(_EpochSeconds("at"), "lactation_id")
        )
    ]
    return sessions, leaks, feeds


def _cache_key(household: Household, now: datetime) -> str:
    # The local date is part of the key: "this week" and "today" roll over at her midnight.
    day = now.astimezone(household.tz).date().isoformat()
    return f"insights:{SCHEMA_VERSION}:{household.pk}:{household.data_version}:{day}"


def _charts_key(results_key: str, language: str, unit: str) -> str:
    # Chart labels are translated, so each language has its own rendering; the volume chart is
    # drawn in her unit, which she can change without changing her data.
    return f"{results_key}:charts:{language}:{unit}"


def _still_current(insights: Insights, now: datetime) -> bool:
    """Whether cached results still describe `now`, when no data has changed.

    Everything but the next-feed prediction depends only on her records and her local date.
    The prediction is conditioned on the time since her last feed, so once the start of its
    range has passed it must be recomputed, or the page would predict a feed in the past.
    """
    earliest_at = insights.rhythm.next_feed.earliest_at
    return earliest_at is None or now < earliest_at


def _cached_insights(value: object, now: datetime) -> Insights | None:
    """The cached results if they are results still current at `now`.

    The Insights tree itself is cached (the cache pickles it): rebuilding it from
    `Insights.to_dict()` took about 90 ms for two years of records, unpickling about 2 ms.
    Anything else under the key (an older deployment's entry) counts as a miss.
    """
    if isinstance(value, Insights) and _still_current(value, now):
        return value
    return None


def _compute(household: Household, now: datetime) -> Insights:
    return compute_from_records(household, load_records(household), now)


def compute_from_records(
    household: Household,
    records: tuple[list[SessionRecord], list[LeakRecord], list[FeedRecord]],
    now: datetime,
) -> Insights:
    """The core run on her records as `load_records` gives them (the bench times the two
    apart); one query for her current lactation."""
    sessions, leaks, feeds = records
    lactation = household.current_lactation()
    return compute_insights(
        sessions=sessions,
        leaks=leaks,
        feeds=feeds,
        current_lactation_id=lactation.pk if lactation else None,
        now=now,
        tz=household.tz,
    )


def insights_for(household: Household, now: datetime | None = None) -> Insights:
    """The whole Insights page's results, computed at most once per change of her data."""
    now = now or timezone.now()
    key = _cache_key(household, now)
    cached = _cached_insights(cache.get(key), now)
    if cached is not None:
        return cached
    insights = _compute(household, now)
    cache.set(key, insights, CACHE_SECONDS)
    return insights


@dataclass(frozen=True)
class InsightsPage:
    """What the Insights page shows: the results and every chart as inline SVG, by section."""

    insights: Insights
    charts: dict[str, str]


def insights_page_for(household: Household, now: datetime | None = None) -> InsightsPage:
    """Results and charts (labels in the active language, volumes in her unit) from the cache
    when her data has not changed since they were made, so a warm request does no statistics
    and no SVG work."""
    now = now or timezone.now()
    key = _cache_key(household, now)
    charts_key = _charts_key(key, get_language() or "en", household.unit)
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
    charts = render_charts(insights, unit=household.unit, translate=gettext)
    fresh[charts_key] = {"computed_at": insights.computed_at.isoformat(), "charts": charts}
    cache.set_many(fresh, CACHE_SECONDS)
    return InsightsPage(insights=insights, charts=charts)


def pump_switch_time_s(household: Household) -> float | None:
    """Her pump switch time (3 in 4 pumping sessions have let down by then), or None while
    there are too few sessions; the Routine falls back to about 2 minutes."""
    return insights_for(household).pump_switch.switch_time_s
