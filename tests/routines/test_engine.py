"""The routine engine: steps advance, pause, move and change pump phases from the event log
alone, and what ran long enough is reported as used."""

import random

import pytest

from letdown.routines.catalogue import IMAGERY_SCRIPT, default_routine, step_config
from letdown.routines.engine import (
    DEFAULT_USUAL_SWITCH_S,
    NO_LETDOWN_BACK_TO_STIMULATION_S,
    Event,
    RunState,
    planned_duration_s,
    state_at,
    steps_used,
)

# Positions: 0 drink [0, 60), 1 massage left [60, 120), 2 massage right [120, 180),
# 3 breathing [180, 300), 4 pump phases from 300 on.
ROUTINE = [
    step_config("warm_drink", {"duration_s": 60}),
    step_config("breast_massage", {"duration_s": 60}),
    step_config("breathing", {"duration_s": 120}),
    step_config("pump_phases"),
]
PUMP_STARTS_S = 300.0
TIMED_ONLY = ROUTINE[:3]


def at(now_s, *events, steps=ROUTINE, usual_switch_s=None) -> RunState:
    return state_at(steps, list(events), now_s, usual_switch_s=usual_switch_s)


def used_slugs(events, now_s, steps=ROUTINE):
    return [used.step_slug for used in steps_used(steps, events, now_s)]


# Timed steps and sides


def test_run_starts_on_the_first_step():
    state = at(0)
    assert (state.index, state.step_slug, state.position) == (0, "warm_drink", 0)
    assert state.step_elapsed_s == 0
    assert state.step_remaining_s == 60
    assert not state.paused and not state.finished
    assert state.next_change_in_s == 60


def test_timed_step_ends_by_itself_when_its_time_is_up():
    assert at(59.5).step_slug == "warm_drink"
    assert at(59.5).step_remaining_s == pytest.approx(0.5)
    state = at(60)
    assert state.step_slug == "breast_massage"
    assert state.step_elapsed_s == 0


def test_per_side_step_runs_left_then_right():
    left = at(90)
    assert (left.step_slug, left.side, left.step_elapsed_s, left.step_remaining_s) == (
        "breast_massage",
        "left",
        30,
        30,
    )
    right = at(130)
    assert (right.index, right.position, right.side, right.step_elapsed_s) == (1, 2, "right", 10)
    after = at(185)
    assert (after.step_slug, after.side, after.step_elapsed_s) == ("breathing", None, 5)


def test_time_carries_over_several_steps_between_two_looks():
    state = at(250)
    assert state.step_slug == "breathing"
    assert state.step_elapsed_s == 70
    assert state.step_active_s == (60, 120, 70, 0)


def test_a_routine_of_timed_steps_finishes_by_itself():
    state = at(1000, steps=TIMED_ONLY)
    assert state.finished
    assert state.finished_at_s == 300 == planned_duration_s(TIMED_ONLY)
    assert state.run_elapsed_s == 300
    assert (state.index, state.step_slug, state.position, state.side) == (None, None, None, None)
    assert state.next_change_in_s is None


def test_empty_routine_is_finished_at_once():
    state = at(10, steps=[])
    assert state.finished and state.finished_at_s == 0
    assert steps_used([], [], 10) == []


def test_planned_duration_counts_both_sides_and_skips_open_ended_steps():
    assert planned_duration_s(ROUTINE) == 60 + 2 * 60 + 120
    assert planned_duration_s(default_routine("nursing")) == 60 + 2 * 60 + 180


# Pause


def test_pause_stops_the_clock_and_resume_restarts_it():
    events = [Event(20, "pause"), Event(50, "resume")]
    paused = at(30, *events)
    assert paused.paused
    assert paused.step_elapsed_s == 20
    assert paused.next_change_in_s is None  # nothing changes by itself while paused
    resumed = at(70, *events)
    assert not resumed.paused
    assert resumed.step_slug == "warm_drink"
    assert resumed.step_elapsed_s == 40
    assert resumed.paused_total_s == 30
    # The drink's 60 s end at 90 s instead of 60 s.
    assert at(89.9, *events).step_slug == "warm_drink"
    assert at(90, *events).step_slug == "breast_massage"


def test_a_second_pause_or_a_stray_resume_changes_nothing():
    events = [Event(5, "resume"), Event(10, "pause"), Event(15, "pause"), Event(20, "resume")]
    state = at(30, *events)
    assert state.paused_total_s == 10
    assert state.step_elapsed_s == 20


def test_moving_while_paused_keeps_the_run_paused():
    state = at(40, Event(10, "pause"), Event(20, "next"))
    assert state.step_slug == "breast_massage"
    assert state.paused
    assert state.step_elapsed_s == 0


# Moves


def test_next_goes_to_the_next_side_then_the_next_step():
    assert at(15, Event(10, "next")).position == 1
    state = at(15, Event(10, "next"), Event(12, "next"))
    assert (state.step_slug, state.side, state.step_elapsed_s) == ("breast_massage", "right", 3)


def test_skip_leaves_the_whole_step_with_both_sides():
    state = at(75, Event(70, "skip"))
    assert (state.step_slug, state.side, state.step_elapsed_s) == ("breathing", None, 5)
    assert at(5, Event(1, "skip")).step_slug == "breast_massage"


def test_back_returns_to_the_start_of_the_previous_position():
    state = at(140, Event(130, "back"))  # on the right side at 130 s
    assert (state.step_slug, state.side, state.step_elapsed_s) == ("breast_massage", "left", 10)
    assert at(200, Event(190, "back")).side == "right"


def test_back_at_the_first_step_starts_it_again():
    state = at(50, Event(40, "back"))
    assert (state.position, state.step_elapsed_s) == (0, 10)
    assert state.step_active_s[0] == 50


def test_next_on_the_last_step_finishes_the_run():
    state = at(400, Event(200, "skip"), steps=TIMED_ONLY)
    assert state.finished and state.finished_at_s == 200


def test_next_back_and_pause_after_the_finish_do_nothing():
    events = [
        Event(100, "finish"),
        Event(110, "next"),
        Event(120, "back"),
        Event(130, "pause"),
        Event(140, "resume"),
    ]
    state = at(500, *events)
    assert state.finished
    assert state.finished_at_s == 100
    assert state.run_elapsed_s == 100
    assert state.paused_total_s == 0
    assert sum(state.step_active_s) == 100


def test_tap_made_on_a_position_already_left_is_ignored():
    # Two phones tap next on the drink: the second tap must not skip the left side.
    two_phones = at(15, Event(10, "next", position=0), Event(10.4, "next", position=0))
    assert (two_phones.position, two_phones.side) == (1, "left")
    # A tap on the drink that lands as the timer moved on to the massage.
    late = at(62, Event(60.5, "next", position=0))
    assert (late.position, late.step_elapsed_s) == (1, 2)
    # A tap without a position always moves.
    assert at(62, Event(60.5, "next")).position == 2


def test_events_are_replayed_in_time_order():
    in_order = at(100, Event(10, "pause"), Event(30, "resume"), Event(50, "next"))
    shuffled = at(100, Event(50, "next"), Event(10, "pause"), Event(30, "resume"))
    assert in_order == shuffled


def test_events_later_than_now_are_not_counted_yet():
    events = [Event(10, "pause"), Event(100, "resume")]
    assert at(50, *events).paused
    assert at(50, *events).step_elapsed_s == 10


def test_invalid_events_and_times_are_refused():
    with pytest.raises(ValueError, match="Unknown event type 'rewind'"):
        Event(1, "rewind")
    with pytest.raises(ValueError, match="0 s or later"):
        Event(-1, "next")
    with pytest.raises(ValueError, match="now_s"):
        at(-5)
    with pytest.raises(ValueError, match="usual_switch_s"):
        at(5, usual_switch_s=0)


# Imagery


def test_imagery_shows_its_lines_one_after_another():
    steps = [step_config("imagery")]
    first_s = IMAGERY_SCRIPT[0].duration_s
    start = at(0, steps=steps)
    assert start.imagery_line_index == 0
    assert start.next_change_in_s == first_s
    assert at(first_s - 0.1, steps=steps).imagery_line_index == 0
    second = at(first_s, steps=steps)
    assert second.imagery_line_index == 1
    assert second.next_change_in_s == IMAGERY_SCRIPT[1].duration_s
    last_starts_s = sum(line.duration_s for line in IMAGERY_SCRIPT[:-1])
    assert at(last_starts_s + 1, steps=steps).imagery_line_index == len(IMAGERY_SCRIPT) - 1
    assert at(0, steps=ROUTINE).imagery_line_index is None


# Pump phases


def test_pump_phases_start_in_stimulation_and_are_open_ended():
    state = at(PUMP_STARTS_S + 10)
    assert (state.step_slug, state.pump_phase, state.cue) == ("pump_phases", "stimulation", None)
    assert state.step_remaining_s is None
    assert state.phase_elapsed_s == 10
    assert state.next_change_in_s == DEFAULT_USUAL_SWITCH_S - 10
    assert not at(PUMP_STARTS_S + 5000).finished
    assert at(0).pump_phase is None


def test_stimulation_switches_to_expression_after_the_default_two_minutes():
    before = at(PUMP_STARTS_S + 119)
    assert before.pump_phase == "stimulation"
    switched = at(PUMP_STARTS_S + 120)
    assert (switched.pump_phase, switched.cue) == ("expression", "switch_to_expression")
    assert switched.phase_elapsed_s == 0


def test_stimulation_uses_her_own_usual_switch_time():
    assert at(PUMP_STARTS_S + 80, usual_switch_s=90).pump_phase == "stimulation"
    assert at(PUMP_STARTS_S + 95, usual_switch_s=90).pump_phase == "expression"
    assert at(PUMP_STARTS_S + 95, usual_switch_s=200).pump_phase == "stimulation"


def test_letdown_switches_to_expression_at_once():
    state = at(PUMP_STARTS_S + 45, Event(PUMP_STARTS_S + 40, "letdown"))
    assert (state.pump_phase, state.cue, state.phase_elapsed_s) == (
        "expression",
        "switch_to_expression",
        5,
    )


def test_no_letdown_for_five_minutes_in_expression_cues_back_to_stimulation():
    letdown_s = PUMP_STARTS_S + 40
    quiet_ends_s = letdown_s + NO_LETDOWN_BACK_TO_STIMULATION_S
    assert at(quiet_ends_s - 1, Event(letdown_s, "letdown")).pump_phase == "expression"
    back = at(quiet_ends_s, Event(letdown_s, "letdown"))
    assert (back.pump_phase, back.cue, back.phase_elapsed_s) == (
        "stimulation",
        "back_to_stimulation",
        0,
    )


def test_quiet_time_counts_from_the_switch_when_no_letdown_came():
    switch_s = PUMP_STARTS_S + DEFAULT_USUAL_SWITCH_S
    assert at(switch_s + 299).pump_phase == "expression"
    assert at(switch_s + 300).cue == "back_to_stimulation"


def test_a_letdown_in_expression_restarts_the_five_minutes():
    events = [Event(PUMP_STARTS_S + 40, "letdown"), Event(PUMP_STARTS_S + 200, "letdown")]
    state = at(PUMP_STARTS_S + 40 + 350, *events)
    assert (state.pump_phase, state.cue) == ("expression", "switch_to_expression")
    assert state.next_change_in_s == pytest.approx(200 + 300 - 390)


def test_a_later_letdown_switches_back_to_expression():
    first_s = PUMP_STARTS_S + 40
    back_s = first_s + 300
    events = [Event(first_s, "letdown"), Event(back_s + 20, "letdown")]
    state = at(back_s + 25, *events)
    assert (state.pump_phase, state.cue, state.phase_elapsed_s) == (
        "expression",
        "switch_to_expression",
        5,
    )


def test_pause_stops_the_pump_phase_clock():
    events = [Event(PUMP_STARTS_S + 100, "pause"), Event(PUMP_STARTS_S + 400, "resume")]
    assert at(PUMP_STARTS_S + 410, *events).pump_phase == "stimulation"
    assert at(PUMP_STARTS_S + 420, *events).pump_phase == "expression"


def test_letdown_before_the_pump_step_does_not_move_the_phases():
    state = at(PUMP_STARTS_S + 10, Event(100, "letdown"))
    assert (state.pump_phase, state.cue) == ("stimulation", None)


def test_session_started_jumps_to_pump_phases_and_starts_its_clock():
    state = at(80, Event(50, "session_started"))
    assert (state.step_slug, state.pump_phase, state.phase_elapsed_s) == (
        "pump_phases",
        "stimulation",
        30,
    )
    assert state.session_started_at_s == 50
    assert state.step_active_s == (50, 0, 0, 30)


def test_session_started_without_pump_phases_only_records_the_time():
    state = at(80, Event(50, "session_started"), steps=TIMED_ONLY)
    assert (state.step_slug, state.side, state.step_elapsed_s) == ("breast_massage", "left", 20)
    assert state.session_started_at_s == 50
    during_pump = at(PUMP_STARTS_S + 50, Event(PUMP_STARTS_S + 20, "session_started"))
    assert during_pump.phase_elapsed_s == 50  # already pumping: the clock is not restarted


def test_session_started_after_the_routine_finished_is_still_recorded():
    state = at(500, Event(400, "session_started"), steps=TIMED_ONLY)
    assert state.finished and state.session_started_at_s == 400


def test_leaving_pump_phases_clears_phase_and_cue():
    events = [Event(PUMP_STARTS_S + 40, "letdown"), Event(PUMP_STARTS_S + 50, "back")]
    state = at(PUMP_STARTS_S + 55, *events)
    assert (state.step_slug, state.pump_phase, state.cue) == ("breathing", None, None)


# What counts as used


def test_a_step_skipped_at_once_is_not_used():
    assert "warm_drink" not in used_slugs([Event(2, "skip")], 100)


def test_a_step_is_used_once_it_ran_min_30_s_or_half_its_length():
    # The 60 s drink: half is 30 s.
    assert "warm_drink" not in used_slugs([Event(29, "next")], 40)
    assert "warm_drink" in used_slugs([Event(30, "next")], 40)
    # A 20 s cry: half is 10 s.
    short = [step_config("baby_cry", {"duration_s": 20}), step_config("scent_cloth")]
    assert used_slugs([Event(9, "next")], 30, steps=short) == []
    assert used_slugs([Event(10, "next")], 30, steps=short) == ["baby_cry"]
    # A 20-minute compress still needs only 30 s.
    long = [step_config("warm_compress", {"duration_s": 1200}), step_config("scent_cloth")]
    assert used_slugs([Event(30, "next")], 31, steps=long) == ["warm_compress"]


def test_a_per_side_step_counts_both_sides_together():
    # 20 s on each side of a 60 s-per-side massage: 40 s >= 30 s.
    events = [Event(60, "skip", position=0), Event(80, "next"), Event(100, "next")]
    used = steps_used(ROUTINE, events, 110)
    massage = [u for u in used if u.step_slug == "breast_massage"]
    assert len(massage) == 1 and massage[0].duration_s == 40


def test_time_from_every_visit_to_a_step_adds_up():
    # 20 s on the drink, on to the massage, back for 15 s more: 35 s in all.
    events = [Event(20, "next"), Event(25, "back"), Event(40, "next")]
    used = steps_used(ROUTINE, events, 45)
    assert [(u.step_slug, u.duration_s) for u in used] == [("warm_drink", 35)]


def test_open_ended_pump_phases_count_after_30_s_without_an_aid():
    assert "pump_phases" not in used_slugs([], PUMP_STARTS_S + 29)
    pump = steps_used(ROUTINE, [], PUMP_STARTS_S + 30)[-1]
    assert (pump.step_slug, pump.aid, pump.duration_s) == ("pump_phases", None, 30)


def test_used_steps_carry_the_technique_slug():
    steps = [step_config("relaxing_sound", {"duration_s": 60})]
    (used,) = steps_used(steps, [], 100)
    assert (used.index, used.step_slug, used.aid, used.duration_s) == (
        0,
        "relaxing_sound",
        "relaxing_music",
        60,
    )


def test_steps_used_on_a_whole_default_pumping_run():
    routine = default_routine("pumping")
    end_s = planned_duration_s(routine) + 600
    used = steps_used(routine, [Event(end_s, "finish")], end_s + 60)
    assert [u.step_slug for u in used] == [step.slug for step in routine]
    assert used[-1].duration_s == 600


# Properties over random runs


def _random_events(rng: random.Random, horizon_s: float) -> list[Event]:
    types = ["pause", "resume", "next", "back", "skip", "letdown", "session_started"]
    events = [
        Event(round(rng.uniform(0, horizon_s), 1), rng.choice(types))
        for _ in range(rng.randint(0, 14))
    ]
    if rng.random() < 0.3:
        events.append(Event(round(rng.uniform(0, horizon_s), 1), "finish"))
    return events


def _paused_time_s(events: list[Event], end_s: float) -> float:
    """Paused time up to end_s, worked out from the pause / resume events alone."""
    paused_since_s: float | None = None
    total_s = 0.0
    for event in sorted(events, key=lambda event: event.at_s):
        if event.at_s > end_s:
            break
        if event.type == "pause" and paused_since_s is None:
            paused_since_s = event.at_s
        elif event.type == "resume" and paused_since_s is not None:
            total_s += event.at_s - paused_since_s
            paused_since_s = None
    if paused_since_s is not None:
        total_s += end_s - paused_since_s
    return total_s


def test_random_runs_keep_time_consistent():
    rng = random.Random(20240611)
    routines = [ROUTINE, TIMED_ONLY, default_routine("nursing"), default_routine("pumping")]
    for _ in range(300):
        steps = rng.choice(routines)
        horizon_s = planned_duration_s(steps) + 400
        events = _random_events(rng, horizon_s)
        usual_switch_s = rng.choice([None, 45.0, 200.0])
        previous_active_s = [0.0] * len(steps)
        for now_s in sorted(rng.uniform(0, horizon_s + 200) for _ in range(6)):
            state = state_at(steps, events, now_s, usual_switch_s=usual_switch_s)
            assert state.step_elapsed_s >= 0
            assert state.step_remaining_s is None or state.step_remaining_s >= 0
            assert state.phase_elapsed_s is None or state.phase_elapsed_s >= 0
            assert state.next_change_in_s is None or state.next_change_in_s >= 0
            assert all(active_s >= 0 for active_s in state.step_active_s)
            # Step times add up to the run time minus pauses.
            end_s = now_s if state.finished_at_s is None else state.finished_at_s
            assert state.run_elapsed_s == pytest.approx(end_s)
            assert state.paused_total_s == pytest.approx(_paused_time_s(events, end_s))
            assert sum(state.step_active_s) == pytest.approx(end_s - state.paused_total_s)
            # Time only ever adds to a step.
            for before_s, after_s in zip(previous_active_s, state.step_active_s, strict=True):
                assert after_s >= before_s - 1e-9
            previous_active_s = list(state.step_active_s)
            # Used steps report the same time the state shows.
            for used in steps_used(steps, events, now_s, usual_switch_s=usual_switch_s):
                assert used.duration_s == pytest.approx(state.step_active_s[used.index])


def test_random_timed_runs_never_outrun_a_step():
    rng = random.Random(7)
    for _ in range(200):
        events = _random_events(rng, 400)
        now_s = rng.uniform(0, 600)
        state = at(now_s, *events, steps=TIMED_ONLY)
        if not state.finished:
            assert state.step_remaining_s is not None
            assert state.step_elapsed_s + state.step_remaining_s == pytest.approx(
                60 if state.index in (0, 1) else 120
            )
