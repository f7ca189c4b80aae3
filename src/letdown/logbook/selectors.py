"""Read-side queries for the logbook pages: a fixed number of queries per page, whatever the
size of her history."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min, Sum

from letdown.accounts.models import Household

from .facts import SessionFacts
from .models import BottleFeed, Kind, Leak, LetDown, Segment, Session, Side


def local_midnight(day: date, household: Household) -> datetime:
    return datetime.combine(day, time.min, tzinfo=household.tz)


def active_session(household: Household) -> Session | None:
    return Session.objects.for_household(household).active().with_details().first()


def next_side(household: Household) -> str | None:
    """Start on the side the last nursing session ended on: it was emptied least."""
    return (
        Segment.objects.filter(
            household=household, session__kind=Kind.NURSING, side__in=[Side.LEFT, Side.RIGHT]
        )
        .order_by("-started_at")
        .values_list("side", flat=True)
        .first()
    )


@dataclass
class Today:
    sessions_by_kind: dict[str, int] = field(default_factory=dict)
    letdowns: int = 0
    leaks: int = 0
    pumped_ml: float = 0.0
    bottle_ml: float = 0.0
    bottle_feeds: int = 0


def today(household: Household, now: datetime) -> Today:
    start = local_midnight(now.astimezone(household.tz).date(), household)
    sessions = Session.objects.for_household(household).filter(started_at__gte=start)
    result = Today()
    for row in sessions.values("kind").annotate(
        n=Count("id"), left=Sum("volume_left_ml"), right=Sum("volume_right_ml")
    ):
        result.sessions_by_kind[row["kind"]] = row["n"]
        result.pumped_ml += (row["left"] or 0) + (row["right"] or 0)
    result.letdowns = LetDown.objects.filter(household=household, at__gte=start).count()
    result.leaks = Leak.objects.filter(household=household, at__gte=start).count()
    feeds = BottleFeed.objects.filter(household=household, at__gte=start).aggregate(
        n=Count("id"), ml=Sum("volume_ml")
    )
    result.bottle_feeds, result.bottle_ml = feeds["n"], feeds["ml"] or 0.0
    return result


@dataclass(frozen=True)
class MedianLetdown:
    median_s: float | None
    with_letdown: int
    sessions: int


def median_first_letdown(household: Household, now: datetime, days: int = 7) -> MedianLetdown:
    rows = (
        Session.objects.for_household(household)
        .filter(started_at__gte=now - timedelta(days=days), ended_at__isnull=False)
        .annotate(first=Min("letdowns__at"))
        .values_list("started_at", "first")
    )
    offsets = [(first - start).total_seconds() for start, first in rows if first is not None]
    return MedianLetdown(
        median_s=statistics.median(offsets) if offsets else None,
        with_letdown=len(offsets),
        sessions=len(rows),
    )


def last_feed_at(household: Household) -> datetime | None:
    session = (
        Session.objects.for_household(household)
        .filter(kind=Kind.NURSING)
        .aggregate(at=Max("started_at"))["at"]
    )
    bottle = BottleFeed.objects.filter(household=household).aggregate(at=Max("at"))["at"]
    return max((t for t in (session, bottle) if t is not None), default=None)


@dataclass
class Day:
    date: date
    sessions: list[tuple[Session, SessionFacts]] = field(default_factory=list)
    leaks: list[Leak] = field(default_factory=list)
    feeds: list[BottleFeed] = field(default_factory=list)


def latest_day_before(household: Household, before: datetime) -> date | None:
    """The newest local day with anything logged, strictly before `before`."""
    candidates = [
        Session.objects.for_household(household)
        .filter(started_at__lt=before)
        .aggregate(at=Max("started_at"))["at"],
        Leak.objects.filter(household=household, at__lt=before).aggregate(at=Max("at"))["at"],
        BottleFeed.objects.filter(household=household, at__lt=before).aggregate(at=Max("at"))["at"],
    ]
    latest = max((c for c in candidates if c is not None), default=None)
    return latest.astimezone(household.tz).date() if latest else None


def history_days(household: Household, first: date, last: date, now: datetime) -> list[Day]:
    """Days from `last` back to `first` (local dates), newest first, empty days left out."""
    start, stop = (
        local_midnight(first, household),
        local_midnight(last + timedelta(days=1), household),
    )
    tz = household.tz
    days: dict[date, Day] = {}

    def day_of(at: datetime) -> Day:
        local = at.astimezone(tz).date()
        return days.setdefault(local, Day(date=local))

    sessions = (
        Session.objects.for_household(household)
        .filter(started_at__gte=start, started_at__lt=stop)
        .with_details()
        .prefetch_related("top_ups")
    )
    for session in sessions:
        day_of(session.started_at).sessions.append((session, session.facts(now)))
    for leak in Leak.objects.filter(household=household, at__gte=start, at__lt=stop):
        day_of(leak.at).leaks.append(leak)
    for feed in BottleFeed.objects.filter(household=household, at__gte=start, at__lt=stop):
        day_of(feed.at).feeds.append(feed)
    return [days[d] for d in sorted(days, reverse=True)]
