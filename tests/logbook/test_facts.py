from datetime import UTC, datetime, timedelta

from letdown.core.units import clock
from letdown.logbook.facts import session_facts

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_time_to_first_letdown_and_intervals_from_session_start() -> None:
    facts = session_facts(
        started_at=T0,
        ended_at=at(900),
        segments=[("left", T0, at(900))],
        letdown_times=[at(370), at(102)],  # out of order on purpose
        volume_left_ml=None,
        volume_right_ml=None,
        now=at(2000),
    )
    assert facts.time_to_first_letdown_s == 102
    assert facts.letdown_offsets_s == (102, 370)
    assert facts.letdown_intervals_s == (268,)
    assert facts.letdown_count == 2


def test_side_durations_exclude_pauses_and_both_counts_for_each_side() -> None:
    facts = session_facts(
        started_at=T0,
        ended_at=at(1000),
        segments=[("left", T0, at(300)), ("right", at(400), at(700)), ("both", at(800), at(1000))],
        letdown_times=[],
        volume_left_ml=60,
        volume_right_ml=None,
        now=at(5000),
    )
    assert facts.active_s == 800  # 100 s paused twice
    assert facts.left_s == 500
    assert facts.right_s == 500
    assert facts.time_to_first_letdown_s is None
    assert facts.volume_total_ml == 60


def test_running_segment_counts_up_to_now() -> None:
    facts = session_facts(
        started_at=T0,
        ended_at=None,
        segments=[("right", T0, None)],
        letdown_times=[],
        volume_left_ml=None,
        volume_right_ml=None,
        now=at(125),
    )
    assert facts.right_s == 125 and facts.left_s == 0
    assert facts.volume_total_ml is None


def test_clock() -> None:
    assert clock(102) == "1:42"
    assert clock(370) == "6:10"
    assert clock(3723) == "1:02:03"
