"""Six weeks of a first-time mother's days: what the demo household is made of."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from letdown.reflex import (
    TECHNIQUES,
    DayLeak,
    DaySession,
    History,
    Mother,
    Schedule,
    sample_mothers,
    simulate_days,
)

WEEK_S = 7 * 86400.0


@pytest.fixture(scope="module")
def history() -> History:
    mother = sample_mothers(1, 21, lactation_number=1)[0]
    return simulate_days(mother, days=42, schedule=Schedule(), seed=21)


def _week(at_s: float) -> int:
    return int(at_s // WEEK_S)


def _first_letdown(sessions: tuple[DaySession, ...], week: int) -> float:
    # A session without a let-down counts as its whole length (she waited that long).
    return float(
        np.mean(
            [
                s.letdown_s[0] if s.letdown_s else s.duration_s
                for s in sessions
                if _week(s.start_s) == week
            ]
        )
    )


def test_sessions_never_overlap(history: History) -> None:
    sessions = history.sessions
    assert all(
        a.start_s + a.duration_s <= b.start_s for a, b in zip(sessions, sessions[1:], strict=False)
    )


def test_there_are_eight_to_ten_feeds_a_day_and_some_pumping(history: History) -> None:
    days = 42
    feeds = [s for s in history.sessions if s.kind == "breastfeed"]
    pumps = [s for s in history.sessions if s.kind == "pump"]
    assert 7.5 * days <= len(feeds) <= 10.5 * days
    assert 20 <= len(pumps) <= days
    first_week = sum(_week(s.start_s) == 0 for s in feeds)
    last_week = sum(_week(s.start_s) == 5 for s in feeds)
    assert first_week > last_week


def test_her_let_down_gets_quicker_over_the_weeks(history: History) -> None:
    assert _first_letdown(history.sessions, 5) < 0.8 * _first_letdown(history.sessions, 0)


def test_leaks_fade_as_feeds_settle(history: History) -> None:
    per_week = [sum(_week(leak.at_s) == w for leak in history.leaks) for w in range(6)]
    assert per_week[0] >= 3
    assert per_week[5] <= per_week[0] / 2


def test_every_session_is_well_formed(history: History) -> None:
    for session in history.sessions:
        assert session.kind in ("breastfeed", "pump")
        assert len(session.letdown_s) == len(session.felt)
        assert all(0.0 <= t <= session.duration_s for t in session.letdown_s)
        assert list(session.letdown_s) == sorted(session.letdown_s)
        assert 0.0 <= session.anxiety <= 1.0
        assert set(session.techniques) <= set(TECHNIQUES)
        assert session.milk_left_ml >= 0 and session.milk_right_ml >= 0
        assert session.segments and session.segments[0][1] == 0.0
        for side, start, end in session.segments:
            assert side in ("left", "right", "both")
            assert 0.0 <= start < end <= session.duration_s
        if session.kind == "breastfeed":
            assert not session.simultaneous
            assert all(side != "both" for side, _, _ in session.segments)
        elif session.simultaneous:
            assert session.segments == (("both", 0.0, session.duration_s),)


def test_every_leak_is_well_formed(history: History) -> None:
    assert history.leaks
    for leak in history.leaks:
        assert isinstance(leak, DayLeak)
        assert leak.side in ("left", "right", "both")
        assert leak.trigger in ("baby_crying", "thinking_of_baby", "missed_feed", "unknown")
        assert leak.amount in ("damp", "wet", "soaked")
        assert 0.0 <= leak.at_s < 42 * 86400.0
    starts = np.array([s.start_s for s in history.sessions])
    ends = starts + np.array([s.duration_s for s in history.sessions])
    for leak in history.leaks:
        assert not np.any((starts <= leak.at_s) & (leak.at_s < ends))  # never during a session


def test_the_same_seed_gives_the_same_days() -> None:
    mother = Mother.typical()
    a = simulate_days(mother, days=3, seed=4)
    b = simulate_days(mother, days=3, seed=4)
    c = simulate_days(mother, days=3, seed=5)
    assert a == b
    assert a != c


def test_a_schedule_without_pumping_has_no_pump_sessions() -> None:
    schedule = dataclasses.replace(Schedule(), pump_sessions_per_day=0.0)
    history = simulate_days(Mother.typical(), days=10, schedule=schedule, seed=1)
    assert {s.kind for s in history.sessions} == {"breastfeed"}


def test_days_must_be_positive() -> None:
    with pytest.raises(ValueError):
        simulate_days(Mother.typical(), days=0)
