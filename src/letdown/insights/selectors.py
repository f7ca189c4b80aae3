"""Loads a household's records for the Insights core and caches the results, and the rendered
charts, until her data changes (the household's data version is part of the cache key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext

from letdown.accounts.models import Baby, Household
from letdown.core.db import EpochSeconds
from letdown.logbook.models import BottleFeed, Leak, LetDown, Session

from .stats import (
    SCHEMA_VERSION,
    FeedRecord,
    Insights,
    LeakRecord,
    SessionRecord,
    compute_insights,
    compute_insights_from_columns,
)
from .stats.charts import render_charts
from .stats.columns import Columns
from .stats.rows import Rows, columns_from_rows, records_from_rows

CACHE_SECONDS = 60 * 60 * 24 * 7


def _raw_rows(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset as the database driver returns them: the ORM writes
    the SQL (and its household filter), and Django's per-value converters are skipped."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rows(household: Household) -> Rows:
    """Five queries, whatever the size of her history; no model instances are built."""
    birth_dates: dict[int, date] = {}
    for lactation_id, birth_date in Baby.objects.filter(household=household).values_list(
        "lactation_id", "birth_date"
    ):
        # Weeks are counted from the youngest baby of that lactation.
        birth_dates[lactation_id] = max(birth_date, birth_dates.get(lactation_id, birth_date))
    # No ORDER BY anywhere: the core sorts what it needs.
    return Rows(
        birth_dates=birth_dates,
        sessions=_raw_rows(
            # Sessions imported from other apps have no let-downs recorded: counted in, they
            # would read as sessions where no let-down came.
            Session.objects.filter(household=household, source="")
            .order_by()
            .values_list(
                "id",
                "kind",
                EpochSeconds("started_at"),
                EpochSeconds("ended_at"),
                "volume_left_ml",
                "volume_right_ml",
                "anxiety_before",
                "aids",
                "lactation_id",
            )
        ),
        letdowns=_raw_rows(
            LetDown.objects.filter(household=household)
            .order_by()
            .values_list("session_id", EpochSeconds("at"))
        ),
        leaks=_raw_rows(
            Leak.objects.filter(household=household)
            .order_by()
            .values_list(EpochSeconds("at"), "lactation_id")
        ),
        # A bottle that topped up a nursing session is part of that feed.
        bottle_feeds=_raw_rows(
            BottleFeed.objects.filter(household=household, session__isnull=True)
            .order_by()
            .values_list(EpochSeconds("at"), "lactation_id")
        ),
    )


def load_records(
    household: Household,
) -> tuple[list[SessionRecord], list[LeakRecord], list[FeedRecord]]:
    """Her records as plain records (the reference the columns are tested against)."""
    return records_from_rows(_rows(household), household.tz)


def load_columns(household: Household) -> Columns:
    """Her records as the core's numpy columns, built straight from the rows: what the page
    computes from."""
    return columns_from_rows(_rows(household), household.tz)


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
    return compute_from_columns(household, load_columns(household), now)


def _current_lactation_id(household: Household) -> int | None:
    lactation = household.current_lactation()
    return lactation.pk if lactation else None


def compute_from_columns(household: Household, columns: Columns, now: datetime) -> Insights:
    """The core run on her records as `load_columns` gives them (the bench times the two
    apart); one query for her current lactation."""
    return compute_insights_from_columns(
        columns,
        current_lactation_id=_current_lactation_id(household),
        now=now,
        tz=household.tz,
    )


def compute_from_records(
    household: Household,
    records: tuple[list[SessionRecord], list[LeakRecord], list[FeedRecord]],
    now: datetime,
) -> Insights:
    """The core run on her records as `load_records` gives them."""
    sessions, leaks, feeds = records
    return compute_insights(
        sessions=sessions,
        leaks=leaks,
        feeds=feeds,
        current_lactation_id=_current_lactation_id(household),
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
