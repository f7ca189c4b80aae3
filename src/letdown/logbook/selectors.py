"""Read-side queries for the logbook pages: a fixed number of queries per page, whatever the
size of her history."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.core.cache import caches
from django.db import connection
from django.db.models import (
    CharField,
    DateTimeField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from letdown.accounts.models import Household
from letdown.babylog import selectors as babylog
from letdown.babylog.models import StoolColour
from letdown.core import l10n
from letdown.core.survival import PUMP_SWITCH_RECENT_SESSIONS, median_time_s
from letdown.core.survival import pump_switch_time_s as survival_pump_switch_time_s
from letdown.core.units import clock, format_change, format_volume, format_weight

from . import projection
from .facts import SessionFacts, session_facts
from .models import (
    BottleFeed,
    Kind,
    Leak,
    LeakAmount,
    LeakTrigger,
    LetDown,
    Milk,
    Segment,
    Session,
    Side,
)

# Days a history page spans: a heavy day has a dozen entries, so three fill a phone screen or
# three.
HISTORY_DAYS = 3
# Home's "median time to first let-down, last 7 days": today and the six days before it.
MEDIAN_DAYS = 7
# Page data is kept per process, keyed on the household's data version (bumped by every write
# in the same transaction), so a hit can never show data older than the request's own view of
# her household. See `CACHES["pages"]` in the settings.
PAGE_CACHE_SECONDS = 60 * 60


def local_midnight(day: date, household: Household) -> datetime:
    return datetime.combine(day, time.min, tzinfo=household.tz)


def _page_key(household: Household, name: str, *parts: object) -> str:
    """A key that changes with anything the page shows: her data, her zone and unit, the
    language of the labels and how dates, times and numbers are written (locale, clock)."""
    return ":".join(
        str(part)
        for part in (
            name,
            household.pk,
            household.data_version,
            household.time_zone,
            household.unit,
            get_language() or "",
            l10n.current().key,
            *parts,
        )
    )


def active_session(household: Household) -> Session | None:
    """The running session with its segments (enough to tell paused from running): home's card
    needs none of its let-downs, and a long pumping session can have many."""
    return Session.objects.for_household(household).active().prefetch_related("segments").first()


def _last_nursing(household: Household) -> tuple[str | None, datetime | None]:
    """The side her last nursing session ended on (start there next: it was emptied least)
    and when that session started: one query (the newest nursing session is an index walk
    from her newest start)."""
    last_nursing = (
        Session.objects.for_household(household)
        .filter(kind=Kind.NURSING)
        .order_by("-started_at")
        .values("pk")[:1]
    )
    row = (
        Segment.objects.filter(
            household=household,
            session_id=Subquery(last_nursing),
            side__in=[Side.LEFT, Side.RIGHT],
        )
        .order_by("-started_at")
        .values_list("side", "session__started_at")
        .first()
    )
    return row if row is not None else (None, None)


# A session's taps are read as plain tuples: a long pumping session has hundreds.
TAP_FIELDS = ("tap_id", "type", "at", "side", "target")


def tap_of(
    tap_id: uuid.UUID, type: str, at: datetime, side: str, target: uuid.UUID | None
) -> projection.Tap:
    return projection.Tap(str(tap_id), type, at, side, str(target) if target else "")


def session_or_404(household: Household, pk: int) -> Session:
    """Her session with its segments, let-downs and lactation (whose number chooses the
    articles the page offers after a slow let-down); anyone else's is a 404."""
    sessions = Session.objects.for_household(household).with_details().select_related("lactation")
    try:
        return sessions.get(pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404 from exc


def day_url(at: datetime) -> str:
    """History from that day on: the day is the page's first, right under the confirmation.
    (A jump to the day's anchor scrolled the confirmation out of sight.)"""
    day = timezone.localtime(at).date()
    return reverse("history") + f"?until={day.isoformat()}"


def session_taps(session: Session) -> list[projection.Tap]:
    return [tap_of(*row) for row in session.taps.order_by().values_list(*TAP_FIELDS)]


@dataclass(frozen=True)
class RecentEnd:
    """A session ended moments ago: the End tap an Undo cancels (for 30 seconds), and whether
    it can still be resumed (for 10 minutes)."""

    end_tap: str
    can_undo: bool


def recent_end(session: Session, now: datetime) -> RecentEnd | None:
    if session.ended_at is None or now - session.ended_at > projection.REOPEN_WINDOW:
        return None
    taps = session_taps(session)
    if not taps:
        return None
    state = projection.project(taps)
    if state.ended_at is None:
        return None
    can_undo = bool(state.end_tap) and now - state.ended_at <= projection.UNDO_WINDOW
    return RecentEnd(end_tap=state.end_tap, can_undo=can_undo)


@dataclass
class Today:
    sessions_by_kind: dict[str, int] = field(default_factory=dict)
    letdowns: int = 0
    leaks: int = 0
    pumped_ml: float = 0.0
    bottle_ml: float = 0.0
    bottle_feeds: int = 0


# Her tallies since a moment, one row per session kind then one each for let-downs, leaks
# and bottle feeds. Written out rather than built with the ORM: building the four-part union
# took longer than running it (`bench/bench_logbook.py` times home). Every part is filtered on
# her household.
_TODAY_SQL = """
SELECT kind, COUNT(*), SUM(COALESCE(volume_left_ml, 0.0) + COALESCE(volume_right_ml, 0.0))
  FROM {session} WHERE household_id = %s AND started_at >= %s GROUP BY kind
UNION ALL
SELECT 'letdowns', COUNT(*), 0.0 FROM {letdown} WHERE household_id = %s AND at >= %s
UNION ALL
SELECT 'leaks', COUNT(*), 0.0 FROM {leak} WHERE household_id = %s AND at >= %s
UNION ALL
SELECT 'bottle', COUNT(*), SUM(volume_ml) FROM {feed} WHERE household_id = %s AND at >= %s
"""


def today(household: Household, now: datetime) -> Today:
    """Her counts and volumes since her midnight, in one query."""
    start = local_midnight(now.astimezone(household.tz).date(), household)
    sql = _TODAY_SQL.format(
        session=Session._meta.db_table,
        letdown=LetDown._meta.db_table,
        leak=Leak._meta.db_table,
        feed=BottleFeed._meta.db_table,
    )
    since = connection.ops.adapt_datetimefield_value(start)
    with connection.cursor() as cursor:
        cursor.execute(sql, [household.pk, since] * 4)
        rows = cursor.fetchall()
    result = Today()
    for what, n, ml in rows:
        if what == "letdowns":
            result.letdowns = n
        elif what == "leaks":
            result.leaks = n
        elif what == "bottle":
            result.bottle_feeds, result.bottle_ml = n, ml or 0.0
        else:
            result.sessions_by_kind[what] = n
            result.pumped_ml += ml or 0.0
    return result


@dataclass(frozen=True)
class MedianLetdown:
    median_s: float | None
    with_letdown: int
    sessions: int


def median_first_letdown(
    household: Household, now: datetime, days: int = MEDIAN_DAYS
) -> MedianLetdown:
    """Over her last `days` local days, today included: the window moves at her midnight, so
    the figure only changes when her data or her date does.

    The Kaplan–Meier median, as Insights computes it (`letdown.core.survival`): a session
    that ended without a let-down counts, censored at its end, rather than being dropped.
    """
    first_day = now.astimezone(household.tz).date() - timedelta(days=days - 1)
    since = local_midnight(first_day, household)
    rows = list(
        Session.objects.for_household(household)
        # Imported sessions have no let-downs recorded: they say nothing of how long it takes.
        .filter(started_at__gte=since, ended_at__isnull=False, source="")
        .order_by()
        .annotate(first_letdown_at=_first_letdown_at(household))
        .values_list("started_at", "ended_at", "first_letdown_at")
    )
    time_s, let_down = _times_to_first_letdown(rows)
    return MedianLetdown(
        median_s=median_time_s(time_s, let_down),
        with_letdown=int(let_down.sum()),
        sessions=len(rows),
    )


def _first_letdown_at(household: Household) -> Subquery:
    """Each session's first let-down, looked up through the (household, session) index: a
    join on the let-downs would let the planner read every household's, and ORDER BY at
    LIMIT 1 makes SQLite walk all of hers by time for each session."""
    return Subquery(
        LetDown.objects.filter(household=household, session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(first_at=Min("at"))
        .values("first_at")
    )


def _times_to_first_letdown(
    rows: Iterable[tuple[datetime, datetime | None, datetime | None]],
) -> tuple[np.ndarray, np.ndarray]:
    """(time_s, let_down) of finished sessions' (started, ended, first let-down) rows: to the
    first let-down, or censored at the end; as the session facts count it, a let-down tapped
    a moment before the start is at 0."""
    time_s, let_down = [], []
    for started, ended, first in rows:
        until = first if first is not None else ended
        assert until is not None  # finished sessions only
        time_s.append(max(0.0, (until - started).total_seconds()))
        let_down.append(first is not None)
    return np.array(time_s, dtype=float), np.array(let_down, dtype=bool)


def pump_switch_time_s(household: Household) -> float | None:
    """Her pump switch time (3 in 4 pumping sessions have let down by then), or None while
    there are too few sessions; the Routine falls back to about 2 minutes.

    Starting a routine needs this one number, so it reads only her recent pumping sessions
    (one query) and runs the rule Insights shows (`letdown.core.survival`) on them.
    """
    rows = (
        # Imported sessions have no let-downs recorded: they say nothing of her switch time.
        Session.objects.filter(
            household=household, kind=Kind.PUMPING, ended_at__isnull=False, source=""
        )
        .order_by("-started_at", "-id")
        .annotate(first_letdown_at=_first_letdown_at(household))
        .values_list("started_at", "ended_at", "first_letdown_at")[:PUMP_SWITCH_RECENT_SESSIONS]
    )
    return survival_pump_switch_time_s(*_times_to_first_letdown(rows))


def last_feed_at(household: Household, last_nursing_at: datetime | None) -> datetime | None:
    """The newer of her last nursing session's start and her last bottle feed; newest first
    and stop at the first row: an index walk, not an aggregate over years."""
    bottle = (
        BottleFeed.objects.filter(household=household)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return max((t for t in (last_nursing_at, bottle) if t is not None), default=None)


@dataclass(frozen=True)
class HomeSummary:
    """Everything home shows that comes from the database."""

    active: Session | None
    next_side: str | None
    last_feed_at: datetime | None
    today: Today
    median: MedianLetdown


def home_summary(household: Household, now: datetime) -> HomeSummary:
    """Home's figures, queried once per change of her data and per local day: opening the app
    again without logging anything reads them from the page cache. The timers ("since last
    feed", the running session) tick in the browser from the times given here."""
    local_day = now.astimezone(household.tz).date()
    key = _page_key(household, "home", local_day.isoformat())
    cache = caches["pages"]
    summary = cache.get(key)
    if not isinstance(summary, HomeSummary):
        side, nursed_at = _last_nursing(household)
        summary = HomeSummary(
            active=active_session(household),
            next_side=side,
            last_feed_at=last_feed_at(household, nursed_at),
            today=today(household, now),
            median=median_first_letdown(household, now),
        )
        cache.set(key, summary, PAGE_CACHE_SECONDS)
    return summary


@dataclass(frozen=True)
class Entry:
    """One line of the history, formatted once here rather than in template loops."""

    at: datetime
    css: str
    title: str
    url: str
    details: tuple[str, ...] = ()
    # Its page is a form that changes it, nothing more to read there: linked only for a
    # member who may change it (not a specialist; a caregiver, if she logged it lately).
    form_only: bool = False
    created_by_id: int | None = None

    @property
    def time(self) -> str:
        return l10n.format_time(self.at, tz=self.at.tzinfo)  # `at` is already in her zone


@dataclass
class Day:
    date: date
    entries: list[Entry] = field(default_factory=list)


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


@dataclass(frozen=True)
class _SessionRow:
    pk: int
    kind: str
    started_at: datetime
    ended_at: datetime | None
    volume_left_ml: float | None
    volume_right_ml: float | None


def _session_entry(
    row: _SessionRow,
    facts: SessionFacts,
    top_ups: list[tuple[str, float]],
    tz: ZoneInfo,
    unit: str,
) -> Entry:
    title = f"{Kind(row.kind).label} · {clock(facts.active_s)}"
    if row.ended_at is None:
        title += " " + _("(running)")
    offsets = [clock(o) for o in facts.letdown_offsets_s]
    if offsets:
        line = _("let-down first at %(first)s") % {"first": offsets[0]}
        if len(offsets) > 1:
            line += ", " + _("then %(rest)s") % {"rest": ", ".join(offsets[1:])}
    else:
        line = _("no let-down logged")
    details = [line]
    if facts.volume_total_ml is not None:
        left = format_volume(facts.volume_left_ml, unit) or "–"
        right = format_volume(facts.volume_right_ml, unit) or "–"
        details.append(_("left %(left)s · right %(right)s") % {"left": left, "right": right})
    for milk, volume_ml in top_ups:
        details.append(f"+ {Milk(milk).label} {format_volume(volume_ml, unit)}")
    name = "session_edit" if row.ended_at else "session_live"
    return Entry(
        at=row.started_at.astimezone(tz),
        css=row.kind,
        title=title,
        url=reverse(name, args=[row.pk]),
        details=tuple(details),
    )


def _session_entries(
    household: Household, start: datetime, stop: datetime, now: datetime
) -> tuple[list[Entry], list[Entry], bool]:
    """Session entries, bottle-feed entries (those in the window and the top-ups of its
    sessions) and whether a session is still running: three flat queries, no model instances.
    The history page's hot path."""
    in_window = {"household": household, "started_at__gte": start, "started_at__lt": stop}
    rows = [
        _SessionRow(*values)
        for values in Session.objects.filter(**in_window).values_list(
            "pk", "kind", "started_at", "ended_at", "volume_left_ml", "volume_right_ml"
        )
    ]
    session_ids = [row.pk for row in rows]
    # By the sessions' ids, unordered (the facts sort what needs sorting): an ORDER BY or a
    # join on the session's start makes SQLite walk every let-down of her history.
    by_session = {"household": household, "session_id__in": session_ids}
    # Segments and let-downs in one round trip: a let-down comes as a row with no side.
    segment_rows = (
        Segment.objects.filter(**by_session)
        .order_by()
        .values_list("session_id", "side", "started_at", "ended_at")
    )
    letdown_rows = (
        LetDown.objects.filter(**by_session)
        .order_by()
        .values_list(
            "session_id",
            Value(None, output_field=CharField()),
            "at",
            Value(None, output_field=DateTimeField()),
        )
    )
    segments: dict[int, list[tuple[str, datetime, datetime | None]]] = defaultdict(list)
    letdowns: dict[int, list[datetime]] = defaultdict(list)
    for session_id, side, at, ended_at in segment_rows.union(letdown_rows, all=True):
        if side is None:
            letdowns[session_id].append(at)
        else:
            segments[session_id].append((side, at, ended_at))
    # One query for the day's bottle feeds and the top-ups of these sessions (a top-up may
    # fall just outside the window, after a session that started before midnight).
    tz, unit = household.tz, household.unit
    top_ups: dict[int, list[tuple[str, float]]] = defaultdict(list)
    feeds = []
    for pk, session_id, milk, volume_ml, at, by in (
        BottleFeed.objects.filter(
            Q(at__gte=start, at__lt=stop) | Q(session_id__in=session_ids), household=household
        )
        .order_by()
        .values_list("pk", "session_id", "milk", "volume_ml", "at", "created_by")
    ):
        if session_id is not None:
            top_ups[session_id].append((milk, volume_ml))
        if start <= at < stop:
            feeds.append(_feed_entry(pk, milk, volume_ml, at, by, tz, unit))
    sessions = [
        _session_entry(
            row,
            session_facts(
                started_at=row.started_at,
                ended_at=row.ended_at,
                segments=segments[row.pk],
                letdown_times=letdowns[row.pk],
                volume_left_ml=row.volume_left_ml,
                volume_right_ml=row.volume_right_ml,
                now=now,
            ),
            top_ups[row.pk],
            tz,
            unit,
        )
        for row in rows
    ]
    return sessions, feeds, any(row.ended_at is None for row in rows)


def _leak_entry(pk: int, at: datetime, amount: str, trigger: str, tz: ZoneInfo) -> Entry:
    parts = [str(_("Leak"))]
    if amount:
        parts.append(str(LeakAmount(amount).label))
    if trigger:
        parts.append(str(LeakTrigger(trigger).label))
    return Entry(
        at=at.astimezone(tz),
        css="leak",
        title=" · ".join(parts),
        url=reverse("leak_detail", args=[pk]),
    )


def _feed_entry(
    pk: int, milk: str, volume_ml: float, at: datetime, by: int | None, tz: ZoneInfo, unit: str
) -> Entry:
    return Entry(
        at=at.astimezone(tz),
        css="feed",
        title=f"{Milk(milk).label} · {format_volume(volume_ml, unit)}",
        url=reverse("feed_edit", args=[pk]),
        form_only=True,
        created_by_id=by,
    )


def _baby_entry(row: babylog.HistoryRow, tz: ZoneInfo, unit: str) -> Entry:
    if row.kind == "nappy":
        what = [str(_("wet"))] if row.wet else []
        if row.dirty:
            what.append(str(_("dirty")))
        title = _("Nappy") + " · " + " + ".join(what)
        if row.stool_colour:
            title += f" ({StoolColour(row.stool_colour).label})"
        url = reverse("nappy_edit", args=[row.pk])
        css = "nappy"
    else:
        title = _("Weight") + " · " + format_weight(row.weight_g, unit)
        if row.after_feed_g is not None:
            title = (
                _("Weighed feed")
                + " · "
                + _("took %(intake)s")
                % {"intake": format_change(row.after_feed_g - row.weight_g, unit)}
            )
        url = reverse("weighing_edit", args=[row.pk])
        css = "weight"
    return Entry(
        at=row.at.astimezone(tz),
        css=css,
        title=f"{row.baby_name}: {title}",
        url=url,
        form_only=True,
        created_by_id=row.created_by_id,
    )


def _days(household: Household, first: date, last: date, now: datetime) -> tuple[list[Day], bool]:
    """Days from `last` back to `first` (local dates), newest first, empty days left out;
    within a day, newest entry first; and whether a session on them is still running."""
    start = local_midnight(first, household)
    stop = local_midnight(last + timedelta(days=1), household)
    entries, feeds, running = _session_entries(household, start, stop, now)
    entries += feeds
    entries += [
        _leak_entry(*row, household.tz)
        for row in Leak.objects.filter(household=household, at__gte=start, at__lt=stop)
        .order_by()
        .values_list("pk", "at", "amount", "trigger")
    ]
    entries += [
        _baby_entry(row, household.tz, household.unit)
        for row in babylog.history_rows(household, start, stop)
    ]
    days: dict[date, Day] = {}
    for entry in sorted(entries, key=lambda e: e.at, reverse=True):
        days.setdefault(entry.at.date(), Day(date=entry.at.date())).entries.append(entry)
    return list(days.values()), running


@dataclass(frozen=True)
class HistoryPage:
    days: list[Day]
    older: date | None  # where the next page (older entries) ends; None: nothing older


def history_page(household: Household, until: date, now: datetime) -> HistoryPage:
    """The `HISTORY_DAYS` local days ending at `until`, empty days left out. A page that would
    be empty jumps back to the newest day with anything logged, so gaps in her log (a week
    away from the app) cost one page, not one page per three empty days.

    Kept in the page cache per data version, unless a session on it is still running (its
    length grows with the clock)."""
    key = _page_key(household, "history", until.isoformat())
    cache = caches["pages"]
    page = cache.get(key)
    if isinstance(page, HistoryPage):
        return page
    first = until - timedelta(days=HISTORY_DAYS - 1)
    days, running = _days(household, first, until, now)
    if not days:
        last = latest_day_before(household, local_midnight(first, household))
        if last is None:
            return HistoryPage(days=[], older=None)
        first = last - timedelta(days=HISTORY_DAYS - 1)
        days, running = _days(household, first, last, now)
    page = HistoryPage(days=days, older=first - timedelta(days=1))
    if not running:
        cache.set(key, page, PAGE_CACHE_SECONDS)
    return page


def leak_defaults(household: Household) -> dict[str, str]:
    """Her last answer to each of a leak's choices, to start the next one from."""
    defaults: dict[str, str] = {}
    recent = Leak.objects.filter(household=household).order_by("-at", "-pk")
    for row in recent.values("side", "trigger", "amount")[:20]:
        for name, value in row.items():
            if value and name not in defaults:
                defaults[name] = str(value)
    return defaults


def feed_defaults(household: Household) -> dict[str, str]:
    """The milk of her last bottle; expressed milk before the first (the app is for people
    who breastfeed or pump)."""
    last = BottleFeed.objects.filter(household=household).order_by("-at", "-pk").first()
    return {"milk": last.milk if last else Milk.EXPRESSED}
