"""The report she brings to a lactation specialist: a chosen period of her log, per day and
per week, in her unit and time zone. A handful of flat queries, whatever the period's size;
the figures are computed here once and the templates (HTML and PDF) only render them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import mean
from typing import TypeVar

import numpy as np
from django.utils.translation import gettext as _

from letdown.accounts.models import Baby, Household
from letdown.babylog import selectors as babylog
from letdown.babylog.models import StoolColour
from letdown.babylog.ranges import NappyRange, nappy_range
from letdown.core.survival import median_time_s
from letdown.logbook.facts import session_facts
from letdown.logbook.models import Aid, BottleFeed, Kind, Leak, LetDown, Milk, Segment, Session
from letdown.routines.catalogue import STEP_TYPES

from .selectors import questions_of

DEFAULT_DAYS = 7
MAX_DAYS = 92  # "up to three months"


class PeriodError(ValueError):
    pass


def choose_period(today: date, start: date | None, end: date | None) -> tuple[date, date]:
    """Default: the last seven days, today included. Any range up to three months, not in
    the future."""
    end = min(end or today, today)
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise PeriodError(_("The first day is after the last."))
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError(_("A report covers at most three months."))
    return start, end


@dataclass(frozen=True)
class _Session:
    kind: str
    day: date
    left_s: float
    right_s: float
    volume_left_ml: float | None
    volume_right_ml: float | None
    letdowns: int
    first_letdown_s: float | None
    duration_s: float
    anxiety: int | None
    imported: bool


@dataclass
class Tally:
    """The figures of a set of days: one day, a week, the whole period. Per day means per
    day with anything logged: a week she did not use the app is not a week of no feeds."""

    days: int
    nursing: int = 0
    nursing_left_s: float = 0.0
    nursing_right_s: float = 0.0
    bottle_feeds: int = 0
    bottle_ml: dict[str, float] = field(default_factory=dict)
    pump_sessions: int = 0
    pumped_left_ml: float = 0.0
    pumped_right_ml: float = 0.0
    letdown_sessions: int = 0  # sessions logged here (imports carry no let-downs)
    letdowns: int = 0
    with_letdown: int = 0
    median_first_s: float | None = None
    leaks: int = 0
    anxiety: list[int] = field(default_factory=list)

    @property
    def feeds(self) -> int:
        return self.nursing + self.bottle_feeds

    @property
    def letdowns_per_session(self) -> float | None:
        return self.letdowns / self.letdown_sessions if self.letdown_sessions else None

    @property
    def anxiety_mean(self) -> float | None:
        return mean(self.anxiety) if self.anxiety else None

    @property
    def pumped_ml(self) -> float:
        return self.pumped_left_ml + self.pumped_right_ml

    @property
    def bottle_total_ml(self) -> float:
        return sum(self.bottle_ml.values())

    def _per_day(self, value: float) -> float:
        return value / self.days if self.days else 0.0

    @property
    def feeds_per_day(self) -> float:
        return self._per_day(self.feeds)

    @property
    def nursing_left_s_per_day(self) -> float:
        return self._per_day(self.nursing_left_s)

    @property
    def nursing_right_s_per_day(self) -> float:
        return self._per_day(self.nursing_right_s)

    @property
    def pumped_left_ml_per_day(self) -> float:
        return self._per_day(self.pumped_left_ml)

    @property
    def pumped_right_ml_per_day(self) -> float:
        return self._per_day(self.pumped_right_ml)

    @property
    def expressed_ml_per_day(self) -> float:
        return self._per_day(self.bottle_ml.get(Milk.EXPRESSED, 0.0))

    @property
    def formula_ml_per_day(self) -> float:
        return self._per_day(self.bottle_ml.get(Milk.FORMULA, 0.0))

    @property
    def expressed_ml(self) -> float:
        return self.bottle_ml.get(Milk.EXPRESSED, 0.0)

    @property
    def formula_ml(self) -> float:
        return self.bottle_ml.get(Milk.FORMULA, 0.0)

    @property
    def leaks_per_day(self) -> float:
        return self._per_day(self.leaks)


def _tally(
    days: int,
    sessions: list[_Session],
    feeds: list[tuple[str, float]],
    leaks: int,
) -> Tally:
    tally = Tally(days=days, leaks=leaks, bottle_feeds=len(feeds))
    for milk, volume_ml in feeds:
        tally.bottle_ml[milk] = tally.bottle_ml.get(milk, 0.0) + volume_ml
    times, events = [], []
    for s in sessions:
        if s.kind == Kind.NURSING:
            tally.nursing += 1
            tally.nursing_left_s += s.left_s
            tally.nursing_right_s += s.right_s
        elif s.kind == Kind.PUMPING:
            tally.pump_sessions += 1
        if s.kind != Kind.NURSING:
            tally.pumped_left_ml += s.volume_left_ml or 0.0
            tally.pumped_right_ml += s.volume_right_ml or 0.0
        if s.anxiety is not None:
            tally.anxiety.append(s.anxiety)
        if s.imported:
            continue
        tally.letdown_sessions += 1
        tally.letdowns += s.letdowns
        # To the first let-down, or censored at the session's end (as home and Insights).
        if s.first_letdown_s is not None:
            tally.with_letdown += 1
            times.append(s.first_letdown_s)
            events.append(True)
        else:
            times.append(s.duration_s)
            events.append(False)
    tally.median_first_s = median_time_s(np.array(times), np.array(events, dtype=bool))
    return tally


@dataclass(frozen=True)
class NappyDay:
    wet: int
    dirty: int
    colours: tuple[str, ...]
    usual: NappyRange | None
    logged: bool  # no nappy that day: not logged, which is not the same as none

    @property
    def wet_below(self) -> bool:
        return self.logged and self.usual is not None and self.wet < self.usual.wet_at_least

    @property
    def dirty_below(self) -> bool:
        return (
            self.logged
            and self.usual is not None
            and self.usual.dirty_at_least is not None
            and self.dirty < self.usual.dirty_at_least
        )


@dataclass(frozen=True)
class BabyDay:
    baby: Baby
    age_days: int
    nappies: NappyDay


@dataclass(frozen=True)
class DayRow:
    date: date
    tally: Tally
    babies: tuple[BabyDay, ...]
    gap = False


@dataclass(frozen=True)
class WeekRow:
    first: date
    last: date
    tally: Tally
    wet_per_day: float | None
    dirty_per_day: float | None
    gap = False


@dataclass(frozen=True)
class Gap:
    """Days (or weeks) in a row with nothing logged: one line, not a line of zeros each."""

    first: date
    last: date
    gap = True


R = TypeVar("R")


def _with_gaps(
    spans: list[tuple[date, date]], logged: set[date], row: Callable[[date, date], R]
) -> list[R | Gap]:
    """A row per span (newest first) with anything logged; each run of spans with nothing
    logged becomes one Gap."""
    out: list[R | Gap] = []
    for first, last in spans:
        if any(first + timedelta(days=i) in logged for i in range((last - first).days + 1)):
            out.append(row(first, last))
        elif out and isinstance(out[-1], Gap):
            out[-1] = Gap(first=first, last=out[-1].last)
        else:
            out.append(Gap(first=first, last=last))
    return out


@dataclass(frozen=True)
class WeightLine:
    baby: Baby
    at: datetime
    weight_g: float
    intake_g: float | None
    change_g: float | None  # since the baby's previous weight in the period
    days_since: float | None


@dataclass(frozen=True)
class BabySummary:
    baby: Baby
    age_days: int
    usual: NappyRange | None
    logged_days: int
    wet_per_day: float | None
    dirty_per_day: float | None
    days_below: int
    latest: WeightLine | None
    gain_g_per_day: float | None


@dataclass(frozen=True)
class Note:
    at: datetime
    what: str
    text: str


@dataclass(frozen=True)
class Report:
    household: Household
    first: date
    last: date
    made_at: datetime
    summary: Tally
    days: list[DayRow | Gap]
    weeks: list[WeekRow | Gap]
    babies: list[BabySummary]
    weights: list[WeightLine]
    notes: list[Note]
    routine_steps: list[tuple[str, int]]
    techniques: list[tuple[str, int]]
    questions: str
    has_nappies: bool

    @property
    def day_count(self) -> int:
        return (self.last - self.first).days + 1


def _midnight(day: date, household: Household) -> datetime:
    return datetime.combine(day, time.min, tzinfo=household.tz)


def build_report(household: Household, first: date, last: date, now: datetime) -> Report:
    tz = household.tz
    # A week before the period too, so its first week has one to be compared with.
    load_from = first - timedelta(days=7)
    start, stop = _midnight(load_from, household), _midnight(last + timedelta(days=1), household)
    rows = list(
        Session.objects.filter(
            household=household, started_at__gte=start, started_at__lt=stop, ended_at__isnull=False
        )
        .order_by("started_at")
        .values_list(
            "pk",
            "kind",
            "started_at",
            "ended_at",
            "volume_left_ml",
            "volume_right_ml",
            "anxiety_before",
            "aids",
            "routine_steps",
            "notes",
            "source",
        )
    )
    ids = [row[0] for row in rows]
    segments: dict[int, list[tuple[str, datetime, datetime | None]]] = defaultdict(list)
    for session_id, side, seg_start, seg_end in (
        Segment.objects.filter(household=household, session_id__in=ids)
        .order_by()
        .values_list("session_id", "side", "started_at", "ended_at")
    ):
        segments[session_id].append((side, seg_start, seg_end))
    letdowns: dict[int, list[datetime]] = defaultdict(list)
    for session_id, at in (
        LetDown.objects.filter(household=household, session_id__in=ids)
        .order_by()
        .values_list("session_id", "at")
    ):
        letdowns[session_id].append(at)

    sessions_by_day: dict[date, list[_Session]] = defaultdict(list)
    notes: list[Note] = []
    steps: Counter[str] = Counter()
    techniques: Counter[str] = Counter()
    for pk, kind, started, ended, left, right, anxiety, aids, routine, text, source in rows:
        facts = session_facts(
            started_at=started,
            ended_at=ended,
            segments=segments[pk],
            letdown_times=letdowns[pk],
            volume_left_ml=left,
            volume_right_ml=right,
            now=now,
        )
        day = started.astimezone(tz).date()
        sessions_by_day[day].append(
            _Session(
                kind=kind,
                day=day,
                left_s=facts.left_s,
                right_s=facts.right_s,
                volume_left_ml=left,
                volume_right_ml=right,
                letdowns=facts.letdown_count,
                first_letdown_s=facts.time_to_first_letdown_s,
                duration_s=(ended - started).total_seconds() if ended else 0.0,
                anxiety=anxiety,
                imported=bool(source),
            )
        )
        if day >= first:
            steps.update(step.get("step", "") for step in routine or [])
            techniques.update(aids or [])
            if text:
                notes.append(Note(started.astimezone(tz), str(Kind(kind).label), text))

    feeds_by_day: dict[date, list[tuple[str, float]]] = defaultdict(list)
    for at, milk, volume_ml, text in (
        BottleFeed.objects.filter(household=household, at__gte=start, at__lt=stop)
        .order_by("at")
        .values_list("at", "milk", "volume_ml", "notes")
    ):
        day = at.astimezone(tz).date()
        feeds_by_day[day].append((milk, volume_ml))
        if text and day >= first:
            notes.append(Note(at.astimezone(tz), str(_("Bottle feed")), text))
    leaks_by_day: Counter[date] = Counter()
    for at, text in (
        Leak.objects.filter(household=household, at__gte=start, at__lt=stop)
        .order_by("at")
        .values_list("at", "notes")
    ):
        day = at.astimezone(tz).date()
        leaks_by_day[day] += 1
        if text and day >= first:
            notes.append(Note(at.astimezone(tz), str(_("Leak")), text))

    babies = babylog.babies(household)
    nappies: dict[tuple[int, date], list[babylog.NappyRow]] = defaultdict(list)
    for nappy in babylog.nappies_between(household, start, stop):
        nappies[(nappy.baby_id, nappy.at.astimezone(tz).date())].append(nappy)
    weighings = babylog.weighings_between(household, start, stop)
    shown_babies = _babies_to_show(babies, nappies, weighings, last)

    logged = (
        set(sessions_by_day)
        | set(feeds_by_day)
        | set(leaks_by_day)
        | {day for _baby, day in nappies}
        | {w.at.astimezone(tz).date() for w in weighings}
    )

    def tally_of(days: list[date]) -> Tally:
        return _tally(
            sum(d in logged for d in days),
            [s for d in days for s in sessions_by_day[d]],
            [f for d in days for f in feeds_by_day[d]],
            sum(leaks_by_day[d] for d in days),
        )

    def nappy_day(baby: Baby, day: date) -> BabyDay:
        found = nappies[(baby.pk, day)]
        age = (day - baby.birth_date).days
        return BabyDay(
            baby=baby,
            age_days=age,
            nappies=NappyDay(
                wet=sum(n.wet for n in found),
                dirty=sum(n.dirty for n in found),
                colours=tuple(
                    dict.fromkeys(
                        str(StoolColour(n.stool_colour).label) for n in found if n.stool_colour
                    )
                ),
                usual=nappy_range(age),
                logged=bool(found),
            ),
        )

    period = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    day_rows = _with_gaps(
        [(d, d) for d in reversed(period)],
        logged,
        lambda d, _d: DayRow(d, tally_of([d]), tuple(nappy_day(b, d) for b in shown_babies)),
    )

    def week_row(week_first: date, week_last: date) -> WeekRow:
        week_days = [week_last - timedelta(days=i) for i in range(7)]
        with_nappies = [nappy_day(b, d).nappies for b in shown_babies for d in week_days]
        with_nappies = [n for n in with_nappies if n.logged]
        return WeekRow(
            first=week_first,
            last=week_last,
            tally=tally_of(week_days),
            wet_per_day=mean(n.wet for n in with_nappies) if with_nappies else None,
            dirty_per_day=mean(n.dirty for n in with_nappies) if with_nappies else None,
        )

    week_ends = [last - timedelta(days=7 * i) for i in range(14)]
    weeks = _with_gaps(
        [(end - timedelta(days=6), end) for end in week_ends if end >= first - timedelta(days=7)],
        logged,
        week_row,
    )

    weight_lines = _weight_lines(weighings, babies, first, tz)
    summaries = []
    for baby in shown_babies:
        baby_days = [nappy_day(baby, d) for d in period]
        logged_days = [bd.nappies for bd in baby_days if bd.nappies.logged]
        mine = [w for w in weight_lines if w.baby.pk == baby.pk]
        gain = None
        if len(mine) >= 2 and mine[-1].at - mine[0].at >= timedelta(days=2):
            gain = (mine[-1].weight_g - mine[0].weight_g) / (
                (mine[-1].at - mine[0].at).total_seconds() / 86400
            )
        age = (last - baby.birth_date).days
        summaries.append(
            BabySummary(
                baby=baby,
                age_days=age,
                usual=nappy_range(age),
                logged_days=len(logged_days),
                wet_per_day=mean(n.wet for n in logged_days) if logged_days else None,
                dirty_per_day=mean(n.dirty for n in logged_days) if logged_days else None,
                days_below=sum(n.wet_below or n.dirty_below for n in logged_days),
                latest=mine[-1] if mine else None,
                gain_g_per_day=gain,
            )
        )
    notes.sort(key=lambda note: note.at)
    return Report(
        household=household,
        first=first,
        last=last,
        made_at=now.astimezone(tz),
        summary=tally_of(period),
        days=day_rows,
        weeks=weeks,
        babies=summaries,
        weights=weight_lines,
        notes=notes,
        routine_steps=[
            (_(STEP_TYPES[slug].title) if slug in STEP_TYPES else slug, n)
            for slug, n in steps.most_common()
            if slug
        ],
        techniques=[
            (str(Aid(slug).label) if slug in Aid.values else slug, n)
            for slug, n in techniques.most_common()
        ],
        questions=questions_of(household),
        has_nappies=any(
            bd.nappies.logged for row in day_rows if isinstance(row, DayRow) for bd in row.babies
        ),
    )


def _babies_to_show(
    babies: dict[int, Baby],
    nappies: dict[tuple[int, date], list[babylog.NappyRow]],
    weighings: list[babylog.WeighingRow],
    last: date,
) -> list[Baby]:
    """The babies born by the period's end that have a row in it, or else of her newest
    lactation (an older child's nappies are not this report's business)."""
    with_rows = {baby_id for baby_id, _day in nappies} | {w.baby_id for w in weighings}
    shown = [b for b in babies.values() if b.pk in with_rows]
    if not shown:
        newest = max((b.lactation_id for b in babies.values()), default=None)
        shown = [b for b in babies.values() if b.lactation_id == newest and b.birth_date <= last]
    return sorted(shown, key=lambda b: (b.birth_date, b.pk))


def _weight_lines(
    weighings: list[babylog.WeighingRow], babies: dict[int, Baby], first: date, tz: object
) -> list[WeightLine]:
    lines = []
    previous: dict[int, babylog.WeighingRow] = {}
    for row in weighings:
        before = previous.get(row.baby_id)
        previous[row.baby_id] = row
        if row.at.astimezone(tz).date() < first:  # type: ignore[arg-type]
            continue
        lines.append(
            WeightLine(
                baby=babies[row.baby_id],
                at=row.at.astimezone(tz),  # type: ignore[arg-type]
                weight_g=row.weight_g,
                intake_g=row.intake_g,
                change_g=row.weight_g - before.weight_g if before else None,
                days_since=(row.at - before.at).total_seconds() / 86400 if before else None,
            )
        )
    return lines
