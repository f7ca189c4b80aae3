"""The routine engine: a run's whole state derived from its steps and its append-only event log,
so a reload or a second phone sees the same thing. Pure: the current time is an argument."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from letdown.routines.catalogue import IMAGERY_SCRIPT, STEP_TYPES, StepConfig, validate_params

__all__ = [
    "DEFAULT_USUAL_SWITCH_S",
    "EVENT_TYPES",
    "NO_LETDOWN_BACK_TO_STIMULATION_S",
    "USED_MIN_S",
    "Event",
    "RunState",
    "StepConfig",
    "UsedStep",
    "planned_duration_s",
    "state_at",
    "steps_used",
]

# Pumps run their stimulation pattern for about 2 minutes or until milk flows (Mizuno 2006;
# Kent 2008; Gardner 2015: the pump_phases step's sources in catalogue.py, keys in
# learn/references.yaml); used until Insights knows her own time to first let-down.
DEFAULT_USUAL_SWITCH_S = 120.0
# Without a let-down for this long in expression, milk has likely stopped: suggest stimulation.
NO_LETDOWN_BACK_TO_STIMULATION_S = 300.0
# A step counts as used once it ran min(USED_MIN_S, half its planned length).
USED_MIN_S = 30.0

EVENT_TYPES = frozenset(
    {"pause", "resume", "next", "back", "skip", "letdown", "session_started", "finish"}
)
_GUARDED_MOVES = frozenset({"next", "back", "skip"})
# Float sums of event times drift by far less than this; it keeps a step that ran exactly its
# threshold from being dropped by rounding.
_EPSILON_S = 1e-9


@dataclass(frozen=True)
class Event:
    """One thing that happened in a run, `at_s` seconds after the run started.

    `position` (optional, for next / back / skip) is the position the tap was made on: a tap
    that arrives after the run already left that position (a second phone tapping too, or a tap
    as the timer ran out) is ignored instead of skipping a step she never saw.
    """

    at_s: float
    type: str
    position: int | None = None

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise ValueError(
                f"Unknown event type {self.type!r}; expected one of {sorted(EVENT_TYPES)}"
            )
        if not math.isfinite(self.at_s) or self.at_s < 0:
            raise ValueError(f"An event's at_s must be a time of 0 s or later, not {self.at_s!r}")


@dataclass(frozen=True)
class RunState:
    """Where a run is. `index` is the step in the routine; `position` counts sides too (a
    per-side step takes two positions, left then right). Both are None once finished."""

    index: int | None
    step_slug: str | None
    position: int | None
    side: str | None
    step_elapsed_s: float  # on this side, for a per-side step
    step_remaining_s: float | None  # None for an open-ended step (pump phases) and when finished
    paused: bool
    finished: bool
    pump_phase: str | None  # "stimulation" | "expression" | None
    # What to tell her about the pump: None at the start, "switch_to_expression" or
    # "back_to_stimulation" from the change that called for it until the next one.
    cue: str | None
    phase_elapsed_s: float | None  # time since the pump phase (and cue) began
    next_change_in_s: float | None  # when the screen changes by itself; None if it will not
    imagery_line_index: int | None
    run_elapsed_s: float  # from the start to now, or to the finish
    paused_total_s: float
    finished_at_s: float | None
    session_started_at_s: float | None
    step_active_s: tuple[float, ...]  # how long each step has run, pauses excluded


@dataclass(frozen=True)
class UsedStep:
    """A step that ran long enough to count as a technique used in the session."""

    index: int
    step_slug: str
    aid: str | None  # None for pump phases, which is no technique
    duration_s: float


@dataclass(frozen=True)
class _Segment:
    index: int
    slug: str
    side: str | None
    duration_s: float | None  # None: open-ended


def _segments(steps: Sequence[StepConfig]) -> list[_Segment]:
    segments: list[_Segment] = []
    for index, step in enumerate(steps):
        params = validate_params(step.slug, step.params)
        duration_s = params.get("duration_s")
        duration = None if duration_s is None else float(duration_s)
        sides: tuple[str | None, ...] = ("left", "right") if params["per_side"] else (None,)
        segments.extend(_Segment(index, step.slug, side, duration) for side in sides)
    return segments


def planned_duration_s(steps: Sequence[StepConfig]) -> float:
    """The length of the routine's timed steps (both sides counted); open-ended steps add 0."""
    return sum(segment.duration_s or 0.0 for segment in _segments(steps))


def _imagery_line(elapsed_s: float) -> tuple[int, float]:
    """The imagery line showing after `elapsed_s`, and the seconds until the next line."""
    line_end_s = 0.0
    for line_index, line in enumerate(IMAGERY_SCRIPT):
        line_end_s += line.duration_s
        if elapsed_s < line_end_s:
            return line_index, line_end_s - elapsed_s
    return len(IMAGERY_SCRIPT) - 1, 0.0


class _Run:
    """The run replayed event by event; only `_replay` builds and drives it."""

    def __init__(self, steps: Sequence[StepConfig], usual_switch_s: float) -> None:
        self.segments = _segments(steps)
        self.usual_switch_s = usual_switch_s
        self.clock_s = 0.0
        self.paused = False
        self.paused_total_s = 0.0
        self.finished_at_s: float | None = None
        self.session_started_at_s: float | None = None
        self.step_active_s = [0.0] * len(steps)
        self.position = 0
        self.segment_elapsed_s = 0.0
        self.pump_phase: str | None = None
        self.cue: str | None = None
        self.phase_started_s = 0.0  # in segment time
        self.last_letdown_s: float | None = None  # in segment time
        self._enter(0)

    @property
    def finished(self) -> bool:
        return self.finished_at_s is not None

    @property
    def segment(self) -> _Segment:
        return self.segments[self.position]

    def _enter(self, position: int) -> None:
        if position >= len(self.segments):
            self.position = len(self.segments)
            self.finished_at_s = self.clock_s
            self.pump_phase = self.cue = None
            return
        self.position = position
        self.segment_elapsed_s = 0.0
        is_pump = self.segment.slug == "pump_phases"
        self.pump_phase = "stimulation" if is_pump else None
        self.cue = None
        self.phase_started_s = 0.0
        self.last_letdown_s = None

    def _change_phase(self, phase: str, cue: str) -> None:
        self.pump_phase = phase
        self.cue = cue
        self.phase_started_s = self.segment_elapsed_s

    def time_to_auto_change_s(self) -> float | None:
        """Running time until the run changes by itself (step ends or pump phase changes)."""
        if self.finished:
            return None
        if self.pump_phase == "stimulation":
            due_s = self.phase_started_s + self.usual_switch_s
        elif self.pump_phase == "expression":
            quiet_since_s = max(self.phase_started_s, self.last_letdown_s or 0.0)
            due_s = quiet_since_s + NO_LETDOWN_BACK_TO_STIMULATION_S
        elif self.segment.duration_s is not None:
            due_s = self.segment.duration_s
        else:
            return None
        return max(due_s - self.segment_elapsed_s, 0.0)

    def _auto_change(self) -> None:
        if self.pump_phase == "stimulation":
            self._change_phase("expression", "switch_to_expression")
        elif self.pump_phase == "expression":
            self._change_phase("stimulation", "back_to_stimulation")
        else:
            self._enter(self.position + 1)

    def _run_for(self, running_s: float) -> None:
        self.segment_elapsed_s += running_s
        self.step_active_s[self.segment.index] += running_s

    def advance_to(self, to_s: float) -> None:
        if to_s <= self.clock_s:
            return
        if self.paused and not self.finished:
            self.paused_total_s += to_s - self.clock_s
        while not self.paused and not self.finished and self.clock_s < to_s:
            auto_s = self.time_to_auto_change_s()
            if auto_s is not None and self.clock_s + auto_s <= to_s:
                self._run_for(auto_s)
                self.clock_s += auto_s
                # Forced rather than re-checked, so float drift cannot stall the loop.
                self._auto_change()
            else:
                self._run_for(to_s - self.clock_s)
                self.clock_s = float(to_s)
        self.clock_s = float(to_s)

    def apply(self, event: Event) -> None:
        if event.type == "session_started" and self.session_started_at_s is None:
            self.session_started_at_s = self.clock_s
        if self.finished:
            return  # a finished run stays finished: next, back or pause after it do nothing
        if (
            event.type in _GUARDED_MOVES
            and event.position is not None
            and event.position != self.position
        ):
            return
        if event.type == "pause":
            self.paused = True
        elif event.type == "resume":
            self.paused = False
        elif event.type == "next":
            self._enter(self.position + 1)
        elif event.type == "skip":
            self._enter(self._first_position_after_step(self.segment.index))
        elif event.type == "back":
            # Back at the first position starts it again.
            self._enter(max(self.position - 1, 0))
        elif event.type == "letdown":
            self._letdown()
        elif event.type == "session_started":
            self._session_started()
        elif event.type == "finish":
            self._enter(len(self.segments))

    def _first_position_after_step(self, index: int) -> int:
        for position in range(self.position, len(self.segments)):
            if self.segments[position].index > index:
                return position
        return len(self.segments)

    def _letdown(self) -> None:
        # Only a let-down during pump phases moves the phases: one during the warm-up steps
        # happened before the pump was on.
        if self.pump_phase == "stimulation":
            self._change_phase("expression", "switch_to_expression")
        if self.pump_phase == "expression":
            self.last_letdown_s = self.segment_elapsed_s

    def _session_started(self) -> None:
        # Her pump is on now, so the phase clock must start now: jump to the next pump-phases
        # step if the run has not reached it yet.
        if self.pump_phase is not None:
            return
        for position in range(self.position + 1, len(self.segments)):
            if self.segments[position].slug == "pump_phases":
                self._enter(position)
                return

    def state(self) -> RunState:
        finished = self.finished
        segment = None if finished else self.segment
        remaining_s: float | None = None
        imagery_line_index: int | None = None
        next_change_candidates_s: list[float] = []
        auto_s = self.time_to_auto_change_s()
        if auto_s is not None:
            next_change_candidates_s.append(auto_s)
        if segment is not None and segment.duration_s is not None:
            remaining_s = max(segment.duration_s - self.segment_elapsed_s, 0.0)
        if segment is not None and segment.slug == "imagery":
            imagery_line_index, line_left_s = _imagery_line(self.segment_elapsed_s)
            next_change_candidates_s.append(line_left_s)
        moving = not finished and not self.paused
        return RunState(
            index=None if segment is None else segment.index,
            step_slug=None if segment is None else segment.slug,
            position=None if finished else self.position,
            side=None if segment is None else segment.side,
            step_elapsed_s=0.0 if finished else self.segment_elapsed_s,
            step_remaining_s=remaining_s,
            paused=self.paused and not finished,
            finished=finished,
            pump_phase=self.pump_phase,
            cue=self.cue,
            phase_elapsed_s=(
                None if self.pump_phase is None else self.segment_elapsed_s - self.phase_started_s
            ),
            next_change_in_s=(
                min(next_change_candidates_s) if moving and next_change_candidates_s else None
            ),
            imagery_line_index=imagery_line_index,
            run_elapsed_s=self.clock_s if self.finished_at_s is None else self.finished_at_s,
            paused_total_s=self.paused_total_s,
            finished_at_s=self.finished_at_s,
            session_started_at_s=self.session_started_at_s,
            step_active_s=tuple(self.step_active_s),
        )


def _replay(
    steps: Sequence[StepConfig],
    events: Sequence[Event],
    now_s: float,
    usual_switch_s: float | None,
) -> _Run:
    if not math.isfinite(now_s) or now_s < 0:
        raise ValueError(f"now_s must be a time of 0 s or later, not {now_s!r}")
    if usual_switch_s is None:
        usual_switch_s = DEFAULT_USUAL_SWITCH_S
    if not math.isfinite(usual_switch_s) or usual_switch_s <= 0:
        raise ValueError(
            f"usual_switch_s must be a positive number of seconds, not {usual_switch_s!r}"
        )
    run = _Run(steps, usual_switch_s)
    # Stable sort: two taps stored with the same time keep the order they were stored in.
    for event in sorted(events, key=lambda event: event.at_s):
        if event.at_s > now_s:
            break  # stamped by a phone whose clock runs ahead; it counts once its time comes
        run.advance_to(event.at_s)
        run.apply(event)
    run.advance_to(now_s)
    return run


def state_at(
    steps: Sequence[StepConfig],
    events: Sequence[Event],
    now_s: float,
    *,
    usual_switch_s: float | None,
) -> RunState:
    """The run's state `now_s` seconds after it started.

    `usual_switch_s` is her own time to first let-down from Insights (None until it is known:
    then DEFAULT_USUAL_SWITCH_S). Timed steps end by themselves (per-side ones left, then right);
    pause stops the clock; next / skip / back move; events after `now_s` are not yet counted.
    """
    return _replay(steps, events, now_s, usual_switch_s).state()


def steps_used(
    steps: Sequence[StepConfig],
    events: Sequence[Event],
    now_s: float,
    *,
    usual_switch_s: float | None = None,
) -> list[UsedStep]:
    """The steps that ran at least min(USED_MIN_S, half their planned length), in routine order.

    A step skipped at once is not used; time from every visit to a step (after back) adds up.
    """
    run = _replay(steps, events, now_s, usual_switch_s)
    planned_s = [0.0] * len(steps)
    open_ended = [False] * len(steps)
    for segment in run.segments:
        if segment.duration_s is None:
            open_ended[segment.index] = True
        else:
            planned_s[segment.index] += segment.duration_s
    used: list[UsedStep] = []
    for index, step in enumerate(steps):
        threshold_s = USED_MIN_S if open_ended[index] else min(USED_MIN_S, planned_s[index] / 2)
        active_s = run.step_active_s[index]
        if active_s + _EPSILON_S >= threshold_s:
            used.append(UsedStep(index, step.slug, STEP_TYPES[step.slug].aid, active_s))
    return used
