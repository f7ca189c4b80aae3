"""The due-time core without a database: time zones, DST, quiet hours across midnight, a
running session (hers or a partner's), repeats, and once per due time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from letdown.reminders import due

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
MIN = timedelta(minutes=1)


def _pump(*times: str, **rule: object) -> due.Rule:
    return due.Rule(kind=due.PUMP_AT, times=tuple(time.fromisoformat(t) for t in times), **rule)  # type: ignore[arg-type]


IDLE = due.Household(running=False)


def _due(rule: due.Rule, now: datetime, tz: ZoneInfo, household: due.Household = IDLE, sent=()):  # type: ignore[no-untyped-def]
    return due.due_now(rule=rule, household=household, sent=list(sent), now=now, tz=tz)


def test_pump_time_is_read_on_her_clock_in_each_time_zone():
    rule = _pump("07:00")
    for tz in (LONDON, NEW_YORK, TOKYO):
        seven = datetime(2026, 6, 10, 7, 0, tzinfo=tz)
        assert _due(rule, seven - MIN, tz) is None
        fire = _due(rule, seven + MIN, tz)
        assert fire is not None and fire.due_at == seven.astimezone(UTC), tz


def test_pump_time_stays_on_her_clock_across_the_spring_dst_change():
    rule = _pump("07:00")
    # London: clocks go forward on 29 March 2026; 07:00 is 06:00 UTC that day, 07:00 UTC before.
    before = _due(rule, datetime(2026, 3, 28, 7, 5, tzinfo=UTC), LONDON)
    after = _due(rule, datetime(2026, 3, 29, 6, 5, tzinfo=UTC), LONDON)
    assert before is not None and before.due_at == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    assert after is not None and after.due_at == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


def test_a_time_the_clocks_skip_fires_once_just_after_the_gap():
    rule = _pump("01:30")  # does not exist in London on 29 March 2026 (01:00 -> 02:00)
    fire = _due(rule, datetime(2026, 3, 29, 1, 31, tzinfo=UTC), LONDON)  # 02:31 local
    assert fire is not None and fire.due_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert _due(rule, datetime(2026, 3, 29, 0, 40, tzinfo=UTC), LONDON) is None


def test_a_time_that_happens_twice_in_autumn_fires_once():
    rule = _pump("01:30")  # 25 October 2026: 01:30 BST (00:30 UTC) and 01:30 GMT (01:30 UTC)
    first = _due(rule, datetime(2026, 10, 25, 0, 31, tzinfo=UTC), LONDON)
    assert first is not None and first.due_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    sent = [due.Sent(due_at=first.due_at, fire_at=first.fire_at)]
    # An hour later the clock reads 01:30 again: not a second reminder.
    assert _due(rule, datetime(2026, 10, 25, 1, 31, tzinfo=UTC), LONDON, sent=sent) is None


def test_interval_after_the_last_start_across_the_autumn_change_counts_real_time():
    rule = due.Rule(kind=due.FEED_DUE, basis=due.AFTER_START, interval=timedelta(hours=3))
    started = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)  # 00:30 BST on the 25th
    household = due.Household(
        running=False, last_started_at=started, last_ended_at=started + 20 * MIN
    )
    fire = _due(rule, datetime(2026, 10, 25, 2, 31, tzinfo=UTC), LONDON, household)
    assert fire is not None and fire.due_at == started + timedelta(hours=3)
    assert _due(rule, datetime(2026, 10, 25, 2, 29, tzinfo=UTC), LONDON, household) is None


def test_interval_after_the_last_end():
    rule = due.Rule(kind=due.FEED_DUE, basis=due.AFTER_END, interval=timedelta(hours=2))
    started = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    household = due.Household(
        running=False, last_started_at=started, last_ended_at=started + 40 * MIN
    )
    assert _due(rule, started + timedelta(hours=2, minutes=1), LONDON, household) is None
    fire = _due(rule, started + timedelta(hours=2, minutes=41), LONDON, household)
    assert fire is not None and fire.due_at == started + timedelta(hours=2, minutes=40)


def test_predicted_feed_with_a_lead_time():
    predicted = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
    rule = due.Rule(kind=due.FEED_DUE, basis=due.PREDICTED, lead=timedelta(minutes=15))
    household = due.Household(
        running=False,
        last_started_at=predicted - timedelta(hours=3),
        last_ended_at=predicted - timedelta(hours=2, minutes=40),
        predicted_feed_at=predicted,
    )
    assert _due(rule, predicted - 16 * MIN, LONDON, household) is None
    fire = _due(rule, predicted - 14 * MIN, LONDON, household)
    assert fire is not None and fire.due_at == predicted - 15 * MIN
    assert (
        _due(
            rule,
            predicted,
            LONDON,
            due.Household(running=False, last_started_at=household.last_started_at),
        )
        is None
    )


def test_a_prediction_that_moves_after_the_reminder_does_not_send_a_second_one():
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    rule = due.Rule(kind=due.FEED_DUE, basis=due.PREDICTED)
    first = due.Household(
        running=False, last_started_at=start, predicted_feed_at=start + timedelta(hours=3)
    )
    fire = _due(rule, start + timedelta(hours=3, minutes=1), LONDON, first)
    assert fire is not None
    sent = [due.Sent(due_at=fire.due_at, fire_at=fire.fire_at)]
    moved = due.Household(
        running=False,
        last_started_at=start,
        predicted_feed_at=start + timedelta(hours=3, minutes=40),
    )
    assert _due(rule, start + timedelta(hours=3, minutes=41), LONDON, moved, sent) is None


def test_quiet_hours_across_midnight():
    rule = _pump("23:00", "03:00", "06:30", quiet_start=time(22, 0), quiet_end=time(6, 0))
    day = datetime(2026, 11, 20, tzinfo=UTC)  # London is on UTC in November
    assert _due(rule, day.replace(hour=23, minute=1), LONDON) is None
    assert _due(rule, day.replace(hour=3, minute=1), LONDON) is None
    fire = _due(rule, day.replace(hour=6, minute=31), LONDON)
    assert fire is not None and fire.due_at == day.replace(hour=6, minute=30)
    assert due.in_quiet_hours(day.replace(hour=21, minute=59), rule, LONDON) is False
    assert due.in_quiet_hours(day.replace(hour=5, minute=59), rule, LONDON) is True
    assert due.in_quiet_hours(day.replace(hour=6), rule, LONDON) is False


def test_quiet_hours_are_her_local_hours():
    rule = _pump("23:30", quiet_start=time(23, 0), quiet_end=time(7, 0))
    # 23:30 in New York is 04:30 UTC the next day: quiet there, whatever the UTC clock says.
    assert _due(rule, datetime(2026, 11, 21, 4, 31, tzinfo=UTC), NEW_YORK) is None
    daytime = _pump("12:00", quiet_start=time(23, 0), quiet_end=time(7, 0))
    assert _due(daytime, datetime(2026, 11, 20, 17, 1, tzinfo=UTC), NEW_YORK) is not None


def test_nothing_fires_while_a_session_is_running():
    rule = _pump("07:00")
    now = datetime(2026, 11, 20, 7, 1, tzinfo=UTC)
    running = due.Household(running=True, last_started_at=now - timedelta(hours=4))
    assert _due(rule, now, LONDON, running) is None
    assert _due(rule, now, LONDON) is not None


def test_a_partners_session_started_after_the_due_time_answers_it():
    # The household's log does not say who started the session: a partner giving a bottle at
    # 07:05 (logged as a session) means nobody needs a 07:00 reminder repeated.
    rule = _pump("07:00", repeat=timedelta(minutes=15))
    seven = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    partner = due.Household(
        running=False, last_started_at=seven + 5 * MIN, last_ended_at=seven + 20 * MIN
    )
    assert _due(rule, seven + 16 * MIN, LONDON, partner) is None
    assert _due(rule, seven + 16 * MIN, LONDON) is not None


def test_fires_once_per_due_time():
    rule = _pump("07:00")
    seven = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    fire = _due(rule, seven + MIN, LONDON)
    assert fire is not None
    sent = [due.Sent(due_at=fire.due_at, fire_at=fire.fire_at)]
    for minutes in (2, 10, 29):
        assert _due(rule, seven + minutes * MIN, LONDON, sent=sent) is None


def test_repeats_every_interval_she_chose_until_she_starts():
    rule = _pump("07:00", repeat=timedelta(minutes=15))
    seven = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    sent: list[due.Sent] = []
    fired = []
    for minute in range(0, 120):
        fire = _due(rule, seven + minute * MIN, LONDON, sent=sent)
        if fire is not None:
            fired.append(minute)
            sent.append(due.Sent(due_at=fire.due_at, fire_at=fire.fire_at))
    assert fired == [0, 15, 30, 45]  # the first, then due.MAX_REPEATS repeats
    assert [s.fire_at - seven for s in sent] == [timedelta(minutes=m) for m in fired]


def test_a_reminder_too_late_is_not_sent():
    rule = _pump("07:00")
    seven = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert _due(rule, seven + due.LATE_LIMIT, LONDON) is not None
    assert _due(rule, seven + due.LATE_LIMIT + MIN, LONDON) is None


def test_without_sessions_or_prediction_nothing_is_due():
    for basis in (due.PREDICTED, due.AFTER_START, due.AFTER_END):
        rule = due.Rule(kind=due.FEED_DUE, basis=basis)
        assert _due(rule, datetime(2026, 11, 20, tzinfo=UTC), LONDON) is None


def test_current_shows_a_sent_reminder_for_the_banner():
    rule = _pump("07:00")
    seven = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    sent = [due.Sent(due_at=seven, fire_at=seven)]
    shown = due.current(rule=rule, household=IDLE, sent=sent, now=seven + 5 * MIN, tz=LONDON)
    assert shown is not None and shown.fire_at == seven
