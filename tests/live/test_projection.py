"""The pure projection of a session's taps: what the taps mean, in any order, sent any number of
times."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from letdown.logbook import projection as p
from letdown.logbook.projection import Tap, active_seconds, project, taps_from_rows

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the UK's clocks go forward


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def tap(type: str, seconds: float, **kw: str) -> Tap:
    return Tap(str(uuid.uuid4()), type, at(seconds), **kw)


def start(side: str = "left") -> Tap:
    return Tap("start", p.START, T0, side=side)


def test_pause_stops_the_clock_and_resume_starts_it_again():
    state = project([start(), tap(p.PAUSE, 60), tap(p.RESUME, 180), tap(p.END, 300)])
    assert active_seconds(state, at(10_000)) == 180
    assert [(s.start, s.end) for s in state.segments] == [(at(0), at(60)), (at(180), at(300))]


def test_a_paused_session_does_not_count_up():
    state = project([start(), tap(p.PAUSE, 60)])
    assert state.paused and state.running
    assert active_seconds(state, at(61)) == active_seconds(state, at(3600)) == 60


def test_switch_counts_each_side_once():
    state = project([start("left"), tap(p.SWITCH, 3), tap(p.END, 5)])
    assert [(s.side, s.start, s.end) for s in state.segments] == [
        ("left", at(0), at(3)),
        ("right", at(3), at(5)),
    ]
    assert active_seconds(state, at(100)) == 5  # a 5-second session never shows 0:10


def test_two_switch_taps_within_two_seconds_are_one_switch():
    first, second = tap(p.SWITCH, 60), tap(p.SWITCH, 61.5)
    state = project([start("left"), first, second])
    assert state.side == "right"
    assert state.outcomes[second.id] == p.SAME_AS_LAST


def test_a_switch_while_double_pumping_changes_nothing():
    switch = tap(p.SWITCH, 10)
    state = project([start("both"), switch])
    assert state.side == "both" and len(state.segments) == 1
    assert state.outcomes[switch.id] == p.NO_CHANGE


def test_letdown_taps_within_ten_seconds_are_the_same_letdown():
    first, again, later = tap(p.LETDOWN, 100), tap(p.LETDOWN, 100.5), tap(p.LETDOWN, 111)
    state = project([start(), first, again, later])
    assert [m.tap_id for m in state.letdowns] == [first.id, later.id]
    assert state.letdowns[0].members == (first.id, again.id)
    assert state.outcomes[again.id] == p.SAME_AS_LAST


def test_a_letdown_is_on_the_side_in_use_at_its_moment():
    state = project([start("left"), tap(p.LETDOWN, 30), tap(p.SWITCH, 60), tap(p.LETDOWN, 90)])
    assert [m.side for m in state.letdowns] == ["left", "right"]


def test_taps_after_the_end_are_kept_but_change_nothing():
    late = tap(p.LETDOWN, 400)
    state = project([start(), tap(p.END, 300), late])
    assert state.letdowns == () and state.ended_at == at(300)
    assert state.outcomes[late.id] == p.AFTER_END


def test_undo_cancels_a_letdown_and_an_end():
    letdown, end = tap(p.LETDOWN, 30), tap(p.END, 60)
    state = project([start(), letdown, tap(p.UNDO, 35, target=letdown.id)])
    assert state.letdowns == ()
    state = project([start(), end, tap(p.UNDO, 70, target=end.id)])
    assert state.running and not state.paused
    assert active_seconds(state, at(100)) == 100  # as if End had never been tapped


def test_reopen_after_end_counts_the_gap_as_a_pause():
    state = project([start(), tap(p.END, 60), tap(p.REOPEN, 180)])
    assert state.running
    assert active_seconds(state, at(200)) == 60 + 20


def test_an_end_in_the_instant_of_the_start_still_gives_a_positive_length():
    state = project([start(), tap(p.END, 0)])
    assert state.ended_at is not None and state.ended_at > state.started_at


def test_without_a_start_there_is_no_session():
    with pytest.raises(ValueError):
        project([tap(p.LETDOWN, 1)])


# --- properties over any taps --------------------------------------------------------------

LIVE_TYPES = [p.LETDOWN, p.SWITCH, p.PAUSE, p.RESUME, p.END, p.REOPEN]


@st.composite
def tap_logs(draw: st.DrawFn) -> list[Tap]:
    side = draw(st.sampled_from(["left", "right", "both"]))
    taps = [Tap("start", p.START, T0, side=side)]
    for index in range(draw(st.integers(0, 25))):
        type = draw(st.sampled_from([*LIVE_TYPES, p.UNDO]))
        moment = at(draw(st.floats(0, 3600, allow_nan=False)))
        target = ""
        if type == p.UNDO:
            undoable = [t for t in taps if t.type in p.UNDOABLE]
            if not undoable:
                continue
            target = draw(st.sampled_from(undoable)).id
        taps.append(Tap(f"tap-{index}", type, moment, target=target))
    return taps


@settings(max_examples=300, deadline=None)
@given(taps=tap_logs(), seed=st.integers(0, 2**32 - 1))
def test_any_order_and_any_duplicates_give_the_same_session(taps, seed):
    shuffled = taps + random.Random(seed).sample(taps, k=len(taps) // 2)
    random.Random(seed + 1).shuffle(shuffled)
    assert project(shuffled) == project(taps)


@settings(max_examples=300, deadline=None)
@given(taps=tap_logs())
def test_segments_never_overlap_and_active_time_never_exceeds_wall_time(taps):
    state = project(taps)
    now = at(4000)
    for earlier, later in zip(state.segments, state.segments[1:], strict=False):
        assert earlier.end is not None and earlier.end <= later.start
    for segment in state.segments:
        assert segment.end is None or segment.end >= segment.start
    wall = ((state.ended_at or now) - state.started_at).total_seconds()
    assert 0 <= active_seconds(state, now) <= wall + 1e-6
    assert all(state.started_at <= m.at for m in state.letdowns)
    if state.ended_at is not None:
        assert all(m.at <= state.ended_at for m in state.letdowns)


def test_rows_become_the_taps_that_give_them_back():
    segments = [("left", at(0), at(300)), ("right", at(300), at(500)), ("right", at(560), at(700))]
    made = taps_from_rows(
        started_at=at(0),
        ended_at=at(700),
        segments=segments,
        letdown_times=[at(90), at(400)],
        new_id=uuid.uuid4,
    )
    state = project(made)
    assert [(s.side, s.start, s.end) for s in state.segments] == segments
    assert [m.at for m in state.letdowns] == [at(90), at(400)]
    assert state.ended_at == at(700)


def test_overlapping_rows_left_by_an_old_race_are_cut_where_the_next_begins():
    segments = [("left", at(0), None), ("right", at(3), None)]  # two open segments
    state = project(
        taps_from_rows(
            started_at=at(0), ended_at=None, segments=segments, letdown_times=[], new_id=uuid.uuid4
        )
    )
    assert [(s.side, s.start, s.end) for s in state.segments] == [
        ("left", at(0), at(3)),
        ("right", at(3), None),
    ]
