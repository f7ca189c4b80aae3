"""The demo household: six weeks of a first-time parent's history, made by the reflex model
(`simulate_days`), so the demo's let-downs get quicker and its leaks fade as feeds settle."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from letdown.accounts.models import Baby, Household, Lactation, Role, User
from letdown.logbook.models import Aid, BottleFeed, Kind, Leak, LetDown, Segment, Session, Side
from letdown.logbook.services import store_taps_from_rows

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "letdown-demo"
DEMO_DAYS = 42
DEMO_TIME_ZONE = "Europe/London"
DEMO_SEED = 20261127


def _letdown_side(segments: tuple[tuple[str, float, float], ...], offset_s: float) -> str:
    for side, start, end in segments:
        if start <= offset_s <= end:
            return side
    return segments[-1][0] if segments else Side.BOTH


@transaction.atomic
def create_demo_household(now: datetime | None = None, seed: int = DEMO_SEED) -> tuple[str, str]:
    """(Re)creates the demo household ending at `now`; returns the login."""
    from letdown.reflex import Mother, Schedule, simulate_days

    now = now or timezone.now()
    old = User.objects.filter(username=DEMO_USERNAME).select_related("household").first()
    if old is not None:
        if old.household is not None:
            old.household.delete()
        old.delete()

    household = Household.objects.create(
        parent_name="Sam (demo)", time_zone=DEMO_TIME_ZONE, onboarded=True
    )
    tz = household.tz
    first_day = (now.astimezone(tz) - timedelta(days=DEMO_DAYS)).date()
    day0 = datetime.combine(first_day, time.min, tzinfo=tz)
    schedule = Schedule()
    # The simulation's day 0 is a few days after the birth, when the milk has come in.
    born = first_day - timedelta(days=round(schedule.start_day_postpartum))
    lactation = Lactation.objects.create(household=household, number=1, started_on=born)
    Baby.objects.create(household=household, lactation=lactation, name="Robin", birth_date=born)
    User.objects.create_user(
        DEMO_USERNAME, password=DEMO_PASSWORD, household=household, role=Role.PARENT
    )

    # One day more than the six weeks, cut at `now`, so today already has its morning.
    history = simulate_days(Mother.typical(), DEMO_DAYS + 1, schedule, seed)
    rng = random.Random(seed)
    aids = set(Aid.values)
    sessions, plans = [], []
    for sim in history.sessions:
        started = day0 + timedelta(seconds=sim.start_s)
        ended = started + timedelta(seconds=sim.duration_s)
        if ended >= now:
            break
        pumping = sim.kind == "pump"
        sessions.append(
            Session(
                household=household,
                lactation=lactation,
                kind=Kind.PUMPING if pumping else Kind.NURSING,
                started_at=started,
                ended_at=ended,
                volume_left_ml=round(sim.milk_left_ml) if pumping else None,
                volume_right_ml=round(sim.milk_right_ml) if pumping else None,
                anxiety_before=round(sim.anxiety * 10),
                aids=[a for a in sim.techniques if a in aids],
            )
        )
        plans.append(sim)
    created = Session.objects.bulk_create(sessions)
    segments, letdowns, feeds = [], [], []
    ended_at_of = {
        s.pk: s.started_at + timedelta(seconds=p.duration_s)
        for s, p in zip(created, plans, strict=True)
    }
    for session, sim in zip(created, plans, strict=True):
        for side, start_s, end_s in sim.segments:
            segments.append(
                Segment(
                    household=household,
                    session=session,
                    side=side,
                    started_at=session.started_at + timedelta(seconds=start_s),
                    ended_at=session.started_at + timedelta(seconds=end_s),
                )
            )
        for offset_s, felt in zip(sim.letdown_s, sim.felt, strict=True):
            noticed = ["felt"] if felt else []
            noticed.append("pump_flow" if session.kind == Kind.PUMPING else "baby_swallowing")
            letdowns.append(
                LetDown(
                    household=household,
                    session=session,
                    at=session.started_at + timedelta(seconds=offset_s),
                    side=_letdown_side(sim.segments, offset_s),
                    noticed=noticed,
                    sensations=["tingling"] if felt else [],
                )
            )
        # Her partner gives the pumped milk as an evening bottle now and then.
        if session.kind == Kind.PUMPING and rng.random() < 0.5:
            volume = (session.volume_left_ml or 0) + (session.volume_right_ml or 0)
            at = ended_at_of[session.pk] + timedelta(hours=rng.uniform(3, 8))
            if volume > 0 and at < now:
                feeds.append(
                    BottleFeed(
                        household=household,
                        lactation=lactation,
                        at=at,
                        milk="expressed",
                        volume_ml=min(volume, 250),
                    )
                )
    Segment.objects.bulk_create(segments)
    LetDown.objects.bulk_create(letdowns)
    store_taps_from_rows(created, now)
    BottleFeed.objects.bulk_create(feeds)
    Leak.objects.bulk_create(
        [
            Leak(
                household=household,
                lactation=lactation,
                at=day0 + timedelta(seconds=leak.at_s),
                side=leak.side,
                trigger=leak.trigger,
                amount=leak.amount,
                actions=["pads"],
            )
            for leak in history.leaks
            if day0 + timedelta(seconds=leak.at_s) < now
        ]
    )
    _nappies_and_weights(household, Baby.objects.get(household=household), now, seed)
    return DEMO_USERNAME, DEMO_PASSWORD


def _nappies_and_weights(household: Household, baby: Baby, now: datetime, seed: int) -> None:
    """Nappies through each day and a weight every few days (a weighed feed now and then), so
    the report has what a specialist asks for first. Its own random stream: the sessions
    above stay as they were."""
    from letdown.babylog.models import Nappy, StoolColour, Weighing

    rng = random.Random(seed + 1)
    tz = household.tz
    today = now.astimezone(tz).date()
    nappies, weighings = [], []
    weight_g = 3400.0 * 0.95  # a few days old, below birth weight
    day = baby.birth_date + timedelta(days=3)
    while day <= today:
        start = datetime.combine(day, time(6), tzinfo=tz)
        for _ in range(rng.randint(8, 11)):
            at = start + timedelta(minutes=rng.uniform(0, 16 * 60))
            dirty = rng.random() < 0.4
            if at < now:
                nappies.append(
                    Nappy(
                        household=household,
                        baby=baby,
                        at=at,
                        wet=not dirty or rng.random() < 0.6,
                        dirty=dirty,
                        stool_colour=StoolColour.YELLOW if dirty else "",
                    )
                )
        weight_g += rng.uniform(20, 40)
        if (today - day).days % 4 == 0:
            at = start + timedelta(hours=3)
            weighed_feed = rng.random() < 0.5
            weighings.append(
                Weighing(
                    household=household,
                    baby=baby,
                    at=at,
                    weight_g=round(weight_g / 2) * 2,
                    after_feed_g=round((weight_g + rng.uniform(50, 110)) / 2) * 2
                    if weighed_feed
                    else None,
                )
            )
        day += timedelta(days=1)
    Nappy.objects.bulk_create(nappies)
    Weighing.objects.bulk_create([w for w in weighings if w.at < now])
