"""When a reminder is due: a pure function of her rule, her household's sessions and the clock.

No Django here: the runner, the in-page banner and the tests all call `due_now` with plain
values, `now` and her time zone. Times are aware datetimes; local times of day are read in her
zone, so a "pump at 07:00" stays at 07:00 on her clock across a DST change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

FEED_DUE = "feed_due"
PUMP_AT = "pump_at"

PREDICTED = "predicted"
AFTER_START = "after_start"
AFTER_END = "after_end"

# A reminder this late is noise (she has moved on): a server that was down, or a cron that
# runs rarely, sends nothing for it. The push's TTL is the same.
LATE_LIMIT = timedelta(minutes=30)
# Repeats stop after this many, even if she never starts a session.
MAX_REPEATS = 3


@dataclass(frozen=True)
class Rule:
    """One person's reminder, as the core needs it."""

    kind: str  # FEED_DUE or PUMP_AT
    basis: str = PREDICTED  # for FEED_DUE: PREDICTED, AFTER_START or AFTER_END
    interval: timedelta = timedelta(hours=3)  # for AFTER_START / AFTER_END
    lead: timedelta = timedelta(0)  # for FEED_DUE: this much before the due time
    times: tuple[time, ...] = ()  # for PUMP_AT: local times of day
    quiet_start: time | None = None  # local; quiet_end before it means across midnight
    quiet_end: time | None = None
    repeat: timedelta | None = None  # None: once


@dataclass(frozen=True)
class Household:
    """What the household's log says, whoever logged it (her or a partner)."""

    running: bool
    last_started_at: datetime | None = None
    last_ended_at: datetime | None = None
    predicted_feed_at: datetime | None = None


@dataclass(frozen=True)
class Sent:
    due_at: datetime
    fire_at: datetime


@dataclass(frozen=True)
class Due:
    """The reminder to send now. `fire_at` (the due time, or a repeat of it) is what the
    database keeps once per reminder: a second runner's identical `Due` fails to be stored."""

    due_at: datetime
    fire_at: datetime
    repeat: int = 0


def in_quiet_hours(moment: datetime, rule: Rule, tz: ZoneInfo) -> bool:
    if rule.quiet_start is None or rule.quiet_end is None or rule.quiet_start == rule.quiet_end:
        return False
    clock = moment.astimezone(tz).time().replace(tzinfo=None)
    if rule.quiet_start < rule.quiet_end:
        return rule.quiet_start <= clock < rule.quiet_end
    return clock >= rule.quiet_start or clock < rule.quiet_end  # across midnight


def _local(day: datetime, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day`'s local date, in UTC. An hour that happens twice (autumn) is its first
    occurrence (fold=0), so it fires once; a time the clocks skip (spring) is read with the
    offset before the change, which lands it as far after the gap as it was into it."""
    return datetime.combine(day.date(), at).replace(tzinfo=tz, fold=0).astimezone(UTC)


def _pump_due_times(rule: Rule, now: datetime, tz: ZoneInfo) -> list[datetime]:
    local_now = now.astimezone(tz)
    days = [local_now - timedelta(days=1), local_now]
    return sorted(_local(day, at, tz) for day in days for at in rule.times)


def _feed_due_time(rule: Rule, household: Household, sent: Sequence[Sent]) -> datetime | None:
    anchor = household.last_started_at
    if anchor is None:
        return None
    # Once a due time of this cycle (since her last session started) has been sent, it
    # stays: a prediction recomputed later must not make a second "first" reminder.
    this_cycle = [s.due_at for s in sent if s.fire_at >= anchor]
    if this_cycle:
        return min(this_cycle)
    if rule.basis == PREDICTED:
        base = household.predicted_feed_at
    elif rule.basis == AFTER_START:
        base = anchor + rule.interval
    elif rule.basis == AFTER_END:
        base = None if household.last_ended_at is None else household.last_ended_at + rule.interval
    else:
        raise ValueError(f"unknown basis {rule.basis!r}")
    return None if base is None else base - rule.lead


def _fire_times(due_at: datetime, rule: Rule) -> list[datetime]:
    if rule.repeat is None:
        return [due_at]
    return [due_at + n * rule.repeat for n in range(MAX_REPEATS + 1)]


def _latest_fire(
    due_times: Iterable[datetime], rule: Rule, household: Household, now: datetime
) -> Due | None:
    best: Due | None = None
    for due_at in due_times:
        # A session started at or after the due time answered it: no repeats after that.
        if household.last_started_at is not None and household.last_started_at >= due_at:
            continue
        for n, fire_at in enumerate(_fire_times(due_at, rule)):
            if fire_at <= now and (best is None or fire_at > best.fire_at):
                best = Due(due_at=due_at, fire_at=fire_at, repeat=n)
    return best


def current(
    *,
    rule: Rule,
    household: Household,
    sent: Sequence[Sent],
    now: datetime,
    tz: ZoneInfo,
) -> Due | None:
    """The reminder that stands at `now`, sent or not (what the open app's banner shows).

    None while any session is running in the household (hers or one a partner started),
    inside her quiet hours, and for a due time more than LATE_LIMIT ago."""
    if household.running:
        return None
    if rule.kind == PUMP_AT:
        due_times = _pump_due_times(rule, now, tz)
    elif rule.kind == FEED_DUE:
        due = _feed_due_time(rule, household, sent)
        due_times = [] if due is None else [due]
    else:
        raise ValueError(f"unknown reminder kind {rule.kind!r}")
    fire = _latest_fire(due_times, rule, household, now)
    if fire is None or now - fire.fire_at > LATE_LIMIT:
        return None
    if in_quiet_hours(fire.fire_at, rule, tz):
        return None
    return fire


def due_now(
    *,
    rule: Rule,
    household: Household,
    sent: Sequence[Sent],
    now: datetime,
    tz: ZoneInfo,
) -> Due | None:
    """The reminder to send at `now`, or None: the one that stands, unless it was sent
    already (fires once per due time, and once per repeat she asked for)."""
    fire = current(rule=rule, household=household, sent=sent, now=now, tz=tz)
    if fire is None or any(s.fire_at == fire.fire_at for s in sent):
        return None
    return fire
