"""Weeks of one mother's life: feeds and pump sessions with their let-downs, and the leaks
between them. This is what the demo household is made of.

Every session runs through the session model (`engine.run`) in one batch. A session's milk and
learned cues depend on the sessions before it, so the batch runs twice: the second run starts
each session from the milk and cue strengths that the first run's outcomes imply (a fixed-point
step; the second run's own outcomes differ from the first by a few percent at most).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from .conditioning import CUES, learning_rates
from .engine import build_batch, run
from .mother import Mother
from .parameters import PARAMETERS, Parameters
from .scenario import Scenario

DAY_S = 86400.0
HOUR_S = 3600.0
# What each technique changes in a session (warm drink, imagery and breathing as relaxation).
TECHNIQUE_SCENARIO: dict[str, dict[str, object]] = {
    "warm_drink": {"relaxation": True},
    "warm_compress": {"warm_compress_min": 10.0},
    "breast_massage": {"massage": True},
    "hand_expression": {"massage": True},
    "relaxing_music": {"music": True},
    "imagery": {"relaxation": True},
    "breathing": {"relaxation": True},
    "baby_cry": {"baby_cry_s": 60.0},
    "baby_photo": {"baby_photo": True},
    "scent_cloth": {"scent_cloth": True},
    "skin_to_skin": {"skin_to_skin": True},
    "baby_nearby": {"baby_near": True},
}
TECHNIQUES = tuple(TECHNIQUE_SCENARIO)  # the slugs used app-wide
_BREASTFEED_TECHNIQUES = ("warm_drink", "breathing", "skin_to_skin", "breast_massage", "imagery")
_PUMP_TECHNIQUES = (
    "warm_drink",
    "warm_compress",
    "breast_massage",
    "hand_expression",
    "relaxing_music",
    "imagery",
    "baby_cry",
    "baby_photo",
    "scent_cloth",
    "baby_nearby",
)
_MIN_GAP_S = 10 * 60.0  # between the end of one session and the start of the next


@dataclass(frozen=True)
class DaySession:
    start_s: float  # seconds since day 0 00:00 local time
    kind: str  # "breastfeed" | "pump"
    simultaneous: bool  # pump: both sides at once; breastfeed: False
    segments: tuple[tuple[str, float, float], ...]  # (side, start, end) offsets from start_s
    duration_s: float
    letdown_s: tuple[float, ...]  # each ejection's start, offset from start_s
    felt: tuple[bool, ...]
    milk_left_ml: float
    milk_right_ml: float
    anxiety: float  # 0..1, before the session
    techniques: tuple[str, ...]


@dataclass(frozen=True)
class DayLeak:
    at_s: float  # seconds since day 0 00:00 local
    side: str  # "left" | "right" | "both"
    trigger: str  # "baby_crying" | "thinking_of_baby" | "missed_feed" | "unknown"
    amount: str  # "damp" | "wet" | "soaked"


@dataclass(frozen=True)
class History:
    sessions: tuple[DaySession, ...]
    leaks: tuple[DayLeak, ...]


@dataclass(frozen=True)
class Schedule:
    """How her days go. The defaults: a first-time parent from day 4 after the birth, 8-10
    feeds a day at first (irregular), a daily pump session from the second week, and feeds
    settling into a rhythm over the weeks. Values marked assumed have no published figure."""

    start_day_postpartum: float = 4.0  # the milk has usually come in (Dewey 2003)
    feeds_per_day_start: float = 10.0
    feeds_per_day_end: float = 8.0
    gap_cv_start: float = 0.5  # variation of the time between feeds, early (assumed)
    gap_cv_end: float = 0.15
    settle_days: float = 12.0  # time constant of settling (assumed)
    pump_from_day: int = 7
    pump_sessions_per_day: float = 1.0
    pump_duration_s: float = 900.0
    pump_simultaneous_share: float = 0.75
    breastfeed_max_s: float = 30 * 60.0
    switch_side_after_s: float = 12 * 60.0
    intake_ml_per_day_start: float = 450.0  # assumed
    intake_ml_per_day_end: float = 750.0  # assumed (typical at 1-6 months)
    supply_surplus: float = 0.15  # supply above the baby's intake once settled (assumed)
    oversupply_start: float = 0.5  # and more at first, before supply matches demand (assumed)
    storage_factor: float = 2.2  # storage capacity over the milk available at a feed (assumed)
    anxiety_start: float = 0.35
    anxiety_end: float = 0.12
    anxiety_sd: float = 0.1
    technique_use_start: float = 0.5  # chance of each session using techniques, early
    technique_use_end: float = 0.2
    cry_before_feed_share: float = 0.5
    cries_per_hour: float = 0.25  # crying not followed by a feed, while awake (assumed)
    thoughts_per_hour: float = 0.2  # thinking of the baby, while awake (assumed)
    spontaneous_per_hour_start: float = 0.12  # McNeilly 1978: fewer over the months (assumed)
    spontaneous_fade_days: float = 14.0
    leak_threshold_rise: float = 0.1  # the breast leaks less readily as weeks pass (assumed)
    awake_from_h: float = 7.0
    awake_until_h: float = 23.0

    def settled(self, day: np.ndarray | float, start: float, end: float) -> np.ndarray:
        """A quantity moving from `start` to `end` as feeds settle."""
        return end + (start - end) * np.exp(-np.asarray(day, dtype=float) / self.settle_days)


@dataclass
class _Plan:
    """The sessions before simulation: times and scenarios, in time order."""

    start_s: list[float]
    scenario: list[Scenario]
    anxiety: list[float]
    techniques: list[tuple[str, ...]]


def _plan_sessions(schedule: Schedule, days: int, rng: np.random.Generator) -> _Plan:
    plan = _Plan([], [], [], [])
    end_s = days * DAY_S
    t = float(rng.uniform(0.0, 2 * HOUR_S))
    first_side = "left"
    last_pump_day = -1
    while t < end_s:
        day = t / DAY_S
        feeds = float(
            schedule.settled(day, schedule.feeds_per_day_start, schedule.feeds_per_day_end)
        )
        mean_gap_s = DAY_S / feeds
        cv = float(schedule.settled(day, schedule.gap_cv_start, schedule.gap_cv_end))
        intake = schedule.intake_ml_per_day_start + (
            schedule.intake_ml_per_day_end - schedule.intake_ml_per_day_start
        ) * min(day / 42.0, 1.0)
        gap_before = t - (plan.start_s[-1] if plan.start_s else t - mean_gap_s)
        appetite = intake / feeds * math.sqrt(max(gap_before, 0.25 * mean_gap_s) / mean_gap_s)
        anxiety = _anxiety(schedule, day, rng)
        techniques = _choose(schedule, day, _BREASTFEED_TECHNIQUES, rng)
        cry_s = (
            float(rng.uniform(30.0, 180.0))
            if rng.random() < schedule.cry_before_feed_share
            else 0.0
        )
        if cry_s > 0:
            techniques = (*techniques, "baby_cry")
        scenario = _scenario(
            "breastfeed",
            techniques,
            anxiety,
            duration_s=schedule.breastfeed_max_s,
            switch_s=schedule.switch_side_after_s,
            first_side=first_side,
            baby_appetite_ml=max(appetite, 10.0),
            baby_stops_when_full=True,
            baby_cry_s=cry_s,
        )
        plan.start_s.append(t)
        plan.scenario.append(scenario)
        plan.anxiety.append(anxiety)
        plan.techniques.append(techniques)
        first_side = "right" if first_side == "left" else "left"
        gap_s = float(rng.gamma(1.0 / cv**2, mean_gap_s * cv**2))
        # The longest the baby might feed, so the next session never overlaps this one.
        busy_until = t + schedule.breastfeed_max_s + _MIN_GAP_S
        next_t = max(t + gap_s, busy_until)

        day_index = int(day)
        hour = (t % DAY_S) / HOUR_S
        if (
            day_index >= schedule.pump_from_day
            and day_index > last_pump_day
            and hour >= 8.0
            and rng.random() < schedule.pump_sessions_per_day
        ):
            pump_start = busy_until
            pump_end = pump_start + schedule.pump_duration_s
            if pump_end + _MIN_GAP_S <= next_t or hour >= 12.0:
                simultaneous = bool(rng.random() < schedule.pump_simultaneous_share)
                pump_anxiety = _anxiety(schedule, day, rng)
                pump_techniques = _choose(schedule, day, _PUMP_TECHNIQUES, rng)
                plan.start_s.append(pump_start)
                plan.scenario.append(
                    _scenario(
                        "pump",
                        pump_techniques,
                        pump_anxiety,
                        duration_s=schedule.pump_duration_s,
                        simultaneous=simultaneous,
                    )
                )
                plan.anxiety.append(pump_anxiety)
                plan.techniques.append(pump_techniques)
                last_pump_day = day_index
                next_t = max(next_t, pump_end + _MIN_GAP_S)
        t = next_t
    return plan


def _anxiety(schedule: Schedule, day: float, rng: np.random.Generator) -> float:
    mean = float(schedule.settled(day, schedule.anxiety_start, schedule.anxiety_end))
    return float(np.clip(rng.normal(mean, schedule.anxiety_sd), 0.0, 1.0))


def _choose(
    schedule: Schedule, day: float, options: tuple[str, ...], rng: np.random.Generator
) -> tuple[str, ...]:
    use = float(schedule.settled(day, schedule.technique_use_start, schedule.technique_use_end))
    if rng.random() >= use:
        return ()
    count = int(rng.integers(1, 3))
    return tuple(sorted(rng.choice(options, size=count, replace=False).tolist()))


def _scenario(kind: str, techniques: tuple[str, ...], anxiety: float, **fields: object) -> Scenario:
    settings: dict[str, object] = {"kind": kind, "anxiety": anxiety, **fields}
    for slug in techniques:
        for name, value in TECHNIQUE_SCENARIO[slug].items():
            if name not in settings or not settings[name]:
                settings[name] = value
    return Scenario(**settings)  # type: ignore[arg-type]


def _cues(scenario: Scenario) -> tuple[str, ...]:
    present = ["getting_ready"]
    if scenario.kind == "breastfeed" or scenario.baby_near or scenario.skin_to_skin:
        present.append("baby_presence")
    if scenario.baby_cry_s > 0:
        present.append("baby_cry")
    if scenario.kind == "pump":
        present.append("pump")
    return tuple(present)


def _conditioning_timeline(
    start: dict[str, float],
    plan: _Plan,
    reinforced: np.ndarray,
    unpaired_cry_s: np.ndarray,
    p: Parameters,
) -> list[dict[str, float]]:
    """Cue strengths before each session: Rescorla-Wagner over the sessions (reinforced when a
    let-down came) and over cries not followed by a feed (extinction of the cry)."""
    rates = learning_rates(p)
    strengths = dict(start)
    before: list[dict[str, float]] = []
    cry_index = 0
    for index, session_start in enumerate(plan.start_s):
        while cry_index < unpaired_cry_s.size and unpaired_cry_s[cry_index] < session_start:
            strengths["baby_cry"] -= p.extinction_rate * strengths["baby_cry"]
            cry_index += 1
        before.append(dict(strengths))
        target = 1.0 if reinforced[index] else 0.0
        for cue in _cues(plan.scenario[index]):
            rate = rates[cue] if reinforced[index] else p.extinction_rate
            strengths[cue] += rate * (target - strengths[cue])
    return before


def _milk_timeline(
    plan: _Plan,
    removed_share: np.ndarray,
    production_ml_h: np.ndarray,
    capacity_ml: np.ndarray,
    start_ml: np.ndarray,
) -> np.ndarray:
    """Milk in each breast at the start of each session, (sessions, 2): each session removes
    its share, and synthesis goes on from one session's start to the next (during a feed too)."""
    milk = start_ml.astype(float).copy()
    at_start = np.empty((len(plan.start_s), 2))
    previous_start_s = plan.start_s[0] if plan.start_s else 0.0
    for index, session_start in enumerate(plan.start_s):
        milk = _refill(milk, session_start - previous_start_s, production_ml_h[index], capacity_ml)
        at_start[index] = milk
        milk = milk * (1.0 - removed_share[index])
        previous_start_s = session_start
    return at_start


def _refill(
    milk_ml: np.ndarray,
    elapsed_s: float | np.ndarray,
    rate_ml_h: np.ndarray,
    capacity_ml: np.ndarray,
) -> np.ndarray:
    """Synthesis at `rate_ml_h`, slowing only as the breast gets full (local feedback):
    dM/dt = rate (1 - (M / capacity)^2), solved in closed form."""
    hours = np.maximum(np.asarray(elapsed_s, dtype=float), 0.0) / HOUR_S
    fullness = np.clip(milk_ml / capacity_ml, 0.0, 0.999)
    milk: np.ndarray = capacity_ml * np.tanh(hours * rate_ml_h / capacity_ml + np.arctanh(fullness))
    return milk


def simulate_days(
    mother: Mother,
    days: int = 42,
    schedule: Schedule | None = None,
    seed: int | None = None,
    parameters: Parameters = PARAMETERS,
) -> History:
    """Simulate `days` days of feeds, pump sessions and leaks for one mother.

    Her stable traits come from `mother`; her experience (learned cues, the baby's age, her
    supply) starts at `schedule.start_day_postpartum`. Let-downs during the getting-ready
    minute before a latch are reported at offset 0.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    schedule = schedule or Schedule()
    p = parameters
    rng = np.random.default_rng(seed)
    plan = _plan_sessions(schedule, days, rng)
    n = len(plan.start_s)
    session_days = np.array(plan.start_s) / DAY_S
    day_postpartum = schedule.start_day_postpartum + session_days

    # Supply: what the baby takes, plus an early oversupply that fades, split by breast.
    sides = np.array([mother.available_left_ml, mother.available_right_ml])
    side_share = sides / sides.sum()
    capacity_ml = sides * schedule.storage_factor
    intake = schedule.intake_ml_per_day_start + (
        schedule.intake_ml_per_day_end - schedule.intake_ml_per_day_start
    ) * np.minimum(session_days / 42.0, 1.0)
    oversupply = schedule.supply_surplus + schedule.settled(
        session_days, schedule.oversupply_start, 0.0
    )
    production_ml_h = (intake * (1.0 + oversupply) / 24.0)[:, None] * side_share[None, :]

    cry_s, thought_s, spontaneous_s = _between_feed_cues(schedule, days, plan, rng)
    start_strengths = dict(mother.with_experience(schedule.start_day_postpartum).conditioning)
    reinforced = np.ones(n, dtype=bool)
    removed_share = np.full((n, 2), 0.5)
    summary: dict[str, np.ndarray] = {}
    milk_at_start = np.zeros((n, 2))
    strengths: list[dict[str, float]] = []
    for pass_index in range(2):
        strengths = _conditioning_timeline(start_strengths, plan, reinforced, cry_s, p)
        milk_at_start = _milk_timeline(
            plan, removed_share, production_ml_h, capacity_ml, capacity_ml * 0.6
        )
        mothers = [
            dataclasses.replace(
                mother,
                days_postpartum=float(day_postpartum[i]),
                available_left_ml=float(milk_at_start[i, 0]),
                available_right_ml=float(milk_at_start[i, 1]),
                supply_from_stage=False,
                conditioning={cue: strengths[i][cue] for cue in CUES},
            )
            for i in range(n)
        ]
        batch_seed = None if seed is None else seed + 1 + pass_index
        summary, _ = run(build_batch(mothers, plan.scenario, p), batch_seed, p=p)
        reinforced = summary["n_ejections"] > 0
        removed = np.stack([summary["milk_left_ml"], summary["milk_right_ml"]], 1)
        removed_share = np.clip(removed / np.maximum(milk_at_start, 1e-9), 0.0, 1.0)

    sessions = tuple(_day_session(plan, summary, i) for i in range(n))
    supply = _Supply(production_ml_h, capacity_ml, milk_at_start, removed_share)
    cues = (cry_s, thought_s, spontaneous_s)
    leaks = _leaks(schedule, plan, supply, strengths, cues, mother, rng, p)
    return History(sessions=sessions, leaks=leaks)


def _day_session(plan: _Plan, summary: dict[str, np.ndarray], i: int) -> DaySession:
    scenario = plan.scenario[i]
    duration = float(summary["duration_s"][i])
    count = min(int(summary["n_ejections"][i]), summary["ejection_start_s"].shape[1])
    starts = summary["ejection_start_s"][i, :count]
    felt = summary["ejection_felt"][i, :count]
    segments = tuple(
        (side, start, min(end, duration))
        for side, start, end in scenario.segments
        if start < duration
    )
    return DaySession(
        start_s=plan.start_s[i],
        kind=scenario.kind,
        simultaneous=scenario.both_sides_at_once,
        segments=segments,
        duration_s=duration,
        letdown_s=tuple(float(max(s, 0.0)) for s in starts),
        felt=tuple(bool(f) for f in felt),
        milk_left_ml=float(summary["milk_left_ml"][i]),
        milk_right_ml=float(summary["milk_right_ml"][i]),
        anxiety=plan.anxiety[i],
        techniques=plan.techniques[i],
    )


def _awake_times(
    schedule: Schedule, days: int, per_hour: float, rng: np.random.Generator
) -> np.ndarray:
    """A Poisson process at `per_hour` during her waking hours."""
    awake_h = schedule.awake_until_h - schedule.awake_from_h
    count = rng.poisson(per_hour * awake_h * days)
    day = rng.integers(0, days, count)
    hour = rng.uniform(schedule.awake_from_h, schedule.awake_until_h, count)
    return np.sort(day * DAY_S + hour * HOUR_S)


def _outside_sessions(times: np.ndarray, plan: _Plan) -> np.ndarray:
    """Drop times that fall inside a session or within ten minutes before one (those cues lead
    to the feed)."""
    if not plan.start_s or times.size == 0:
        return times
    starts = np.array(plan.start_s)
    ends = starts + np.array([s.duration_s for s in plan.scenario])
    index = np.searchsorted(starts, times, side="right")
    next_start = np.where(index < starts.size, starts[np.minimum(index, starts.size - 1)], np.inf)
    previous_end = np.where(index > 0, ends[np.maximum(index - 1, 0)], -np.inf)
    keep = (times >= previous_end) & (times < next_start - _MIN_GAP_S)
    return times[keep]


def _between_feed_cues(
    schedule: Schedule, days: int, plan: _Plan, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cries = _outside_sessions(_awake_times(schedule, days, schedule.cries_per_hour, rng), plan)
    thoughts = _outside_sessions(
        _awake_times(schedule, days, schedule.thoughts_per_hour, rng), plan
    )
    # Spontaneous bursts: day and night, fading over the weeks (thinning a Poisson process).
    count = rng.poisson(schedule.spontaneous_per_hour_start * 24.0 * days)
    times = np.sort(rng.uniform(0.0, days * DAY_S, count))
    keep = rng.random(count) < np.exp(-times / DAY_S / schedule.spontaneous_fade_days)
    spontaneous = _outside_sessions(times[keep], plan)
    return cries, thoughts, spontaneous


@dataclass
class _Supply:
    """Her milk over the days, per session (rows) and breast (columns)."""

    production_ml_h: np.ndarray
    capacity_ml: np.ndarray
    at_start_ml: np.ndarray
    removed_share: np.ndarray

    def fullness(self, session: np.ndarray, since_start_s: np.ndarray) -> np.ndarray:
        """Share of storage capacity filled `since_start_s` after a session began."""
        left_after = self.at_start_ml[session] * (1.0 - self.removed_share[session])
        milk = _refill(
            left_after, since_start_s[:, None], self.production_ml_h[session], self.capacity_ml
        )
        share: np.ndarray = milk / self.capacity_ml
        return share


def _leaks(
    schedule: Schedule,
    plan: _Plan,
    supply: _Supply,
    strengths: list[dict[str, float]],
    cue_times: tuple[np.ndarray, np.ndarray, np.ndarray],
    mother: Mother,
    rng: np.random.Generator,
    p: Parameters,
) -> tuple[DayLeak, ...]:
    """Leaks between sessions: a cue (or nothing) sets off an oxytocin burst, and milk leaks
    when the breast is full (McNeilly 1978: spontaneous let-downs felt only when full)."""
    if not plan.start_s:
        return ()
    starts = np.array(plan.start_s)
    cries, thoughts, spontaneous = cue_times
    # A feed much later than usual: the baby's hunger cues arrive while the breast is full.
    feeds = starts[[s.kind == "breastfeed" for s in plan.scenario]]
    gaps = np.diff(feeds)
    usual_gap = np.median(gaps) if gaps.size else DAY_S
    late = np.flatnonzero(gaps > 1.5 * usual_gap)
    missed = feeds[late] + 1.4 * usual_gap

    times = np.concatenate([cries, thoughts, spontaneous, missed])
    triggers = np.array(
        ["baby_crying"] * cries.size
        + ["thinking_of_baby"] * thoughts.size
        + ["unknown"] * spontaneous.size
        + ["missed_feed"] * missed.size
    )
    if times.size == 0:
        return ()
    order = np.argsort(times, kind="stable")
    times, triggers = times[order], triggers[order]
    before = np.searchsorted(starts, times, side="right") - 1
    valid = before >= 0
    times, triggers, before = times[valid], triggers[valid], before[valid]

    # Milk in each breast at the cue: what the previous session left, refilled since it began.
    fullness = supply.fullness(before, times - starts[before])

    strength = np.array(
        [
            strengths[i]["baby_cry"]
            if trigger in ("baby_crying", "missed_feed")
            else p.cue_salience_photo * strengths[i]["baby_presence"]
            for i, trigger in zip(before, triggers, strict=True)
        ]
    )
    central = math.exp(-p.central_inhibition * mother.inhibition_trait) * mother.drive_gain
    fired = _cue_fires(strength * central, rng, p)
    fired |= (triggers == "unknown") | (triggers == "missed_feed")
    # The breast must be full for the let-down to push milk out; each event has its own
    # threshold (clothing, position, how strong the ejection is).
    settled = 1.0 - np.exp(-times / DAY_S / schedule.settle_days)
    threshold = (
        rng.uniform(0.5, 0.7, size=fullness.shape)
        + (schedule.leak_threshold_rise * settled)[:, None]
    )
    leaking = fired[:, None] & (fullness > threshold)
    leaks = []
    for index in np.flatnonzero(leaking.any(1)):
        left, right = leaking[index]
        side = "both" if left and right else ("left" if left else "right")
        top = float(fullness[index][leaking[index]].max())
        amount = "soaked" if top > 0.97 else ("wet" if top > 0.88 else "damp")
        leaks.append(
            DayLeak(
                at_s=float(times[index]), side=side, trigger=str(triggers[index]), amount=amount
            )
        )
    return tuple(leaks)


def _cue_fires(drive_scale: np.ndarray, rng: np.random.Generator, p: Parameters) -> np.ndarray:
    """Whether a cue of this learned strength sets off a burst: the session model's pulse
    generator run on the cue alone, for a cue lasting an exponential time (mean 3 min)."""
    n = drive_scale.size
    duration_s = rng.exponential(180.0, n)
    dt = p.time_step_s
    state = np.zeros(n)
    fired = np.zeros(n, dtype=bool)
    for k in range(int(600 / dt)):
        t = k * dt
        drive = p.cue_drive_per_s * drive_scale * math.exp(-t / p.cue_habituation_s)
        drive = drive * (t < duration_s)
        state += drive * dt - state * (dt / p.drive_leak_time_s)
        state += (
            p.drive_noise
            * math.sqrt(dt / p.nipple_drive_per_s)
            * np.sqrt(drive)
            * rng.standard_normal(n)
        )
        np.maximum(state, 0.0, out=state)
        fired |= state >= 1.0
    return fired
