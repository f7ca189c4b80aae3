"""The vectorised core: steps a batch of (mother, scenario) rows through a session together.

Each row is one mother in one session; every state variable is a numpy array over rows, so a
cohort of 10,000 mothers costs about as many Python steps as one mother.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .conditioning import CUES
from .mother import Mother
from .parameters import PARAMETERS, Parameters
from .scenario import Scenario
from .supply import stage_scale

_LN2 = math.log(2.0)
_SYNCHRONY_WINDOW_S = 20.0  # onsets in the two breasts this close count as one let-down


@dataclass
class Batch:
    """Per-row arrays built from mothers and scenarios (shapes (n,), (n, 2) or (n, cues))."""

    drive_gain: np.ndarray
    refractory_s: np.ndarray
    amplitude_uU_ml: np.ndarray
    delay_steps: np.ndarray
    threshold_uU_ml: np.ndarray
    alveolar_ml: np.ndarray
    duct_ml: np.ndarray
    removal_gain: np.ndarray
    central_factor: np.ndarray
    catecholamine: np.ndarray
    adrenaline_ug: np.ndarray
    injection_uU_ml: np.ndarray
    felt_threshold: np.ndarray
    is_pump: np.ndarray
    pump_drive: np.ndarray
    pump_removal: np.ndarray
    suck_efficiency: np.ndarray
    side_start_s: np.ndarray
    side_end_s: np.ndarray
    duration_s: np.ndarray
    stops_when_full: np.ndarray
    appetite_ml: np.ndarray
    touch_drive: np.ndarray
    massage: np.ndarray
    warm_removal: np.ndarray
    warm_contraction: np.ndarray
    cue_strength: np.ndarray
    cue_start_s: np.ndarray
    cue_end_s: np.ndarray

    @property
    def n(self) -> int:
        return int(self.drive_gain.shape[0])


def _mother_arrays(mothers: Sequence[Mother], p: Parameters) -> dict[str, np.ndarray]:
    def column(name: str) -> np.ndarray:
        return np.array([getattr(m, name) for m in mothers], dtype=float)

    days = column("days_postpartum")
    later = column("lactation_number") > 1
    scale = np.where(column("supply_from_stage") > 0, stage_scale(days, later + 1, p), 1.0)
    left = column("available_left_ml") * scale
    right = column("available_right_ml") * scale
    return {
        "drive_gain": column("drive_gain"),
        "refractory_s": column("refractory_s"),
        "amplitude_uU_ml": column("burst_amplitude_uU_ml")
        * np.where(later, 1.0 + p.later_lactation_amplitude_gain, 1.0),
        "delay_s": column("breast_delay_s"),
        "threshold_uU_ml": np.stack(
            [column("ejection_threshold_left_uU_ml"), column("ejection_threshold_right_uU_ml")], 1
        ),
        "available_ml": np.stack([left, right], 1),
        "removal_gain": column("removal_gain"),
        "comfort_mmHg": column("comfortable_vacuum_mmHg"),
        "trait": column("inhibition_trait"),
        "felt_threshold": column("felt_threshold"),
        "suck_efficiency": 1.0
        - (1.0 - p.suck_efficiency_newborn) * np.exp(-days / p.suck_efficiency_days),
        "conditioning": np.array([[m.conditioning[c] for c in CUES] for m in mothers], float)
        if mothers
        else np.zeros((0, len(CUES))),
    }


def _scenario_arrays(
    scenarios: Sequence[Scenario], comfort_mmHg: np.ndarray, p: Parameters
) -> dict[str, np.ndarray]:
    def column(name: str) -> np.ndarray:
        return np.array([getattr(s, name) for s in scenarios], dtype=float)

    is_pump = np.array([s.kind == "pump" for s in scenarios], dtype=bool)
    vacuum = np.where(column("vacuum_at_comfort") > 0, comfort_mmHg, column("vacuum_mmHg"))
    vacuum_ratio = vacuum / p.pump_vacuum_reference_mmHg
    duration = column("duration_s")
    switch = np.array([s.switch_at_s for s in scenarios], dtype=float)
    both = np.array([s.both_sides_at_once for s in scenarios], dtype=bool)
    first_left = np.array([s.first_side == "left" for s in scenarios], dtype=bool)
    first_window = np.stack([np.zeros_like(duration), np.where(both, duration, switch)], 1)
    second_window = np.stack([np.where(both, 0.0, switch), duration], 1)
    # Column 0 is the left breast, column 1 the right.
    side_start = np.stack(
        [
            np.where(first_left, first_window[:, 0], second_window[:, 0]),
            np.where(first_left, second_window[:, 0], first_window[:, 0]),
        ],
        1,
    )
    side_end = np.stack(
        [
            np.where(first_left, first_window[:, 1], second_window[:, 1]),
            np.where(first_left, second_window[:, 1], first_window[:, 1]),
        ],
        1,
    )
    warm_side = np.array(
        [
            (s.warm_compress_side in ("left", "both"), s.warm_compress_side in ("right", "both"))
            for s in scenarios
        ],
        dtype=float,
    ).reshape(-1, 2)
    warmth = (1.0 - np.exp(-column("warm_compress_min") / p.warmth_time_min))[:, None] * warm_side
    return {
        "is_pump": is_pump,
        "vacuum_mmHg": vacuum,
        "pump_drive": np.where(is_pump, vacuum_ratio**p.vacuum_drive_exponent, 0.0),
        "pump_removal": np.where(is_pump, vacuum_ratio**p.removal_vacuum_exponent, 0.0),
        "side_start_s": side_start,
        "side_end_s": side_end,
        "duration_s": duration,
        "anxiety": column("anxiety"),
        "relaxation": column("relaxation"),
        "music": column("music"),
        "massage": column("massage"),
        "skin_to_skin": column("skin_to_skin"),
        "baby_near": column("baby_near"),
        "baby_photo": column("baby_photo"),
        "scent_cloth": column("scent_cloth"),
        "baby_cry_s": column("baby_cry_s"),
        "injection_mU": column("oxytocin_injection_mU"),
        "adrenaline_ug": column("adrenaline_ug"),
        "stops_when_full": column("baby_stops_when_full") > 0,
        "appetite_ml": column("baby_appetite_ml"),
        "warm_removal": 1.0 + p.warmth_removal_gain * warmth,
        "warm_contraction": 1.0 + p.warmth_contraction_gain * warmth,
    }


def build_batch(
    mothers: Sequence[Mother], scenarios: Sequence[Scenario], p: Parameters = PARAMETERS
) -> Batch:
    """Row i is mothers[i] in scenarios[i]."""
    if len(mothers) != len(scenarios):
        raise ValueError("one scenario per mother")
    m = _mother_arrays(mothers, p)
    s = _scenario_arrays(scenarios, m["comfort_mmHg"], p)
    n = len(mothers)

    calm = (1.0 - p.relaxation_relief * s["relaxation"]) * (1.0 - p.music_relief * s["music"])
    pain = np.where(
        s["is_pump"],
        p.pain_per_excess_vacuum * np.maximum(s["vacuum_mmHg"] / m["comfort_mmHg"] - 1.0, 0.0),
        0.0,
    )
    inhibition = (m["trait"] + s["anxiety"]) * calm + pain

    # Cues: (strength learned, salience) with the window in which each is present.
    getting_ready_s = p.getting_ready_s
    baby_salience = np.where(
        (~s["is_pump"]) | (s["baby_near"] > 0) | (s["skin_to_skin"] > 0),
        1.0,
        1.0
        - (1.0 - p.cue_salience_photo * s["baby_photo"])
        * (1.0 - p.cue_salience_scent * s["scent_cloth"]),
    )
    salience = np.stack(
        [
            np.ones(n),
            baby_salience,
            (s["baby_cry_s"] > 0).astype(float),
            s["is_pump"].astype(float),
        ],
        1,
    )
    before = np.full(n, -getting_ready_s)
    cue_start = np.stack([before, before, -s["baby_cry_s"], before], 1)
    cue_end = np.stack([np.zeros(n), s["duration_s"], np.zeros(n), s["duration_s"]], 1)

    available = m["available_ml"]
    duct = available * p.duct_resting_share
    return Batch(
        drive_gain=m["drive_gain"],
        refractory_s=m["refractory_s"],
        # Stress holds the oxytocin cells back twice: less drive (fewer, later bursts) and
        # smaller bursts (Ueda 1994: fewer pulses seen in plasma, the same milk).
        amplitude_uU_ml=m["amplitude_uU_ml"] * np.exp(-p.central_amplitude_inhibition * inhibition),
        delay_steps=np.rint(m["delay_s"] / p.time_step_s).astype(np.intp),
        threshold_uU_ml=m["threshold_uU_ml"],
        alveolar_ml=available - duct,
        duct_ml=duct,
        removal_gain=m["removal_gain"],
        central_factor=np.exp(-p.central_inhibition * inhibition),
        catecholamine=p.catecholamine_per_stress * s["anxiety"] * calm,
        adrenaline_ug=s["adrenaline_ug"],
        injection_uU_ml=s["injection_mU"] * 1000.0 / p.plasma_volume_ml,
        felt_threshold=m["felt_threshold"],
        is_pump=s["is_pump"],
        pump_drive=s["pump_drive"],
        pump_removal=s["pump_removal"],
        suck_efficiency=m["suck_efficiency"],
        side_start_s=s["side_start_s"],
        side_end_s=s["side_end_s"],
        duration_s=s["duration_s"],
        stops_when_full=s["stops_when_full"],
        appetite_ml=s["appetite_ml"],
        touch_drive=p.skin_to_skin_drive_per_s * s["skin_to_skin"]
        + p.massage_drive_per_s * s["massage"],
        massage=s["massage"],
        warm_removal=s["warm_removal"],
        warm_contraction=s["warm_contraction"],
        # Performance rises steeply with the learned strength: little response while a cue is
        # barely learned (assumed form).
        cue_strength=m["conditioning"] ** 2 * salience,
        cue_start_s=cue_start,
        cue_end_s=cue_end,
    )


@dataclass
class Records:
    """Time series of a run, one column per row (kept only when asked for)."""

    t_s: np.ndarray
    oxytocin_uU_ml: np.ndarray
    prolactin_rel: np.ndarray
    flow_ml_s: np.ndarray  # (steps, n, 2)
    contraction: np.ndarray  # (steps, n, 2)
    burst_s: list[list[float]]


def _boundary_steps(times: np.ndarray, start_s: float, dt: float, steps: int) -> np.ndarray:
    """Which steps first see t >= one of `times` (where a piecewise-constant input changes)."""
    marks = np.zeros(steps + 1, dtype=bool)
    finite = times[np.isfinite(times)].ravel()
    index = np.ceil((finite - start_s) / dt - 1e-9).astype(np.intp)
    marks[np.clip(index, 0, steps)] = True
    return marks


def run(
    batch: Batch, seed: int | None, record: bool = False, p: Parameters = PARAMETERS
) -> tuple[dict[str, np.ndarray], Records | None]:
    """Simulate every row; return per-row summaries (by name) and, if asked, the time series.

    Inputs that only change at known moments (which side is stimulated, which cues are present)
    are recomputed at those moments only: that keeps a step to about a hundred array operations.
    """
    n = batch.n
    dt = p.time_step_s
    rng = np.random.default_rng(seed)
    rows = np.arange(n)
    start_s = min(-p.getting_ready_s, float(batch.cue_start_s.min(initial=0.0)))
    end_s = float(batch.duration_s.max(initial=dt))
    steps = int(math.ceil((end_s - start_s) / dt))
    shortest_cycle_s = max(40.0, float(batch.refractory_s.min(initial=40.0)))
    max_ejections = max(int((end_s - start_s) / shortest_cycle_s) + 2, 4)
    changes = _boundary_steps(
        np.concatenate(
            [
                batch.side_start_s.ravel(),
                batch.side_end_s.ravel(),
                batch.cue_start_s.ravel(),
                batch.cue_end_s.ravel(),
                batch.duration_s,
                [0.0, p.stimulation_phase_s],
            ]
        ),
        start_s,
        dt,
        steps,
    )
    changes[0] = True

    # Constant per row.
    is_pump = batch.is_pump
    is_baby = ~is_pump
    any_baby = bool(is_baby.any())
    central = batch.central_factor * batch.drive_gain
    nipple_gain = central * p.nipple_drive_per_s
    cue_gain = central * p.cue_drive_per_s
    habituation_s = p.cue_habituation_s
    # exp((start - t) / tau) split as exp(start / tau) * exp(-t / tau): one scalar exp a step.
    cue_weight = batch.cue_strength * np.exp(batch.cue_start_s / habituation_s)
    pow_sides = np.array([0.0, 1.0, 2.0**p.bilateral_exponent])
    noise_scale = p.drive_noise * math.sqrt(dt / p.nipple_drive_per_s)
    leak = dt / p.drive_leak_time_s
    fast_decay = math.exp(-_LN2 * dt / p.fast_half_life_s)
    slow_decay = math.exp(-_LN2 * dt / p.slow_half_life_s)
    basal = p.oxytocin_basal_uU_ml
    delay = batch.delay_steps
    ring_len = int(delay.max(initial=0)) + 1
    adapt_rate = dt / p.receptor_adaptation_s
    contraction_rate = dt / p.contraction_time_s
    any_warmth = bool((batch.warm_contraction != 1.0).any())
    any_massage = bool((batch.massage > 0).any())
    any_adrenaline = bool((batch.adrenaline_ug > 0).any())
    any_stops = bool(batch.stops_when_full.any())
    # Per-breast arrays are (2, n): row 0 the left breast, row 1 the right. Rows of one
    # breast are contiguous, which keeps broadcasting and left/right reductions cheap.
    threshold = np.ascontiguousarray(batch.threshold_uU_ml.T)
    warm_contraction = np.ascontiguousarray(batch.warm_contraction.T)
    side_start_s = np.ascontiguousarray(batch.side_start_s.T)
    side_end_s = np.ascontiguousarray(batch.side_end_s.T)
    peripheral = 1.0 / (1.0 + batch.catecholamine)
    massage_rate = p.massage_transfer_per_s * dt * batch.massage
    removal_base = p.removal_rate_per_s * dt * batch.removal_gain * batch.warm_removal.T
    baby_removal = p.baby_removal * is_baby * batch.suck_efficiency
    non_nutritive = p.non_nutritive_suck_intensity * is_baby * batch.suck_efficiency
    nutritive_step = (
        (p.nutritive_suck_intensity - p.non_nutritive_suck_intensity)
        * is_baby
        * batch.suck_efficiency
    )
    flow_rate = dt / p.swallowing_time_s
    prolactin_rate = dt / p.prolactin_time_s
    prolactin_decay = math.exp(-dt / p.prolactin_adaptation_s)

    # State.
    drive_state = np.zeros(n)
    refractory_left_s = np.zeros(n)
    fast = np.zeros(n)  # plasma oxytocin above basal, two phases
    slow = np.zeros(n)
    fast_breast = np.zeros(n)  # the same, as the breast sees it after the delay
    slow_breast = np.zeros(n)
    arriving = np.zeros((ring_len, n))
    arrival_steps = np.zeros(steps + ring_len + 1, dtype=bool)
    adaptation = np.full(n, basal)
    contraction = np.zeros((2, n))
    on = np.zeros((2, n), dtype=bool)
    alveolar = np.ascontiguousarray(batch.alveolar_ml.T)
    duct = np.ascontiguousarray(batch.duct_ml.T)
    available_ml = alveolar + duct
    available_total = np.maximum(available_ml.sum(0), 1e-9)
    duct_capacity = available_ml * p.duct_capacity_share
    removed = np.zeros((2, n))
    intake = np.zeros(n)
    session_end_s = batch.duration_s.copy()
    prolactin = np.ones(n)
    prolactin_adapt = np.ones(n)
    # Piecewise-constant inputs, refreshed at their change points.
    in_session = np.zeros(n, dtype=bool)
    side_factor = np.zeros(n)
    cue_sum = np.zeros(n)
    touch = np.zeros(n)
    massage_now = np.zeros(n)
    removal_side = np.zeros((2, n))
    had_ejection = np.zeros(n, dtype=bool)
    no_burst_yet = np.ones(n)
    pump_part = np.zeros(n)
    flow_smooth = np.zeros(n)
    dry_s = np.zeros(n)  # how long no milk has come (breastfeeding)
    phase_dirty = True

    # Bookkeeping.
    union_on = np.zeros(n, dtype=bool)
    counting = np.zeros(n, dtype=bool)  # the current let-down falls inside the session
    n_ejections = np.zeros(n, dtype=np.intp)
    side_onsets = np.full((n, 2, max_ejections), np.nan)
    side_counts = np.zeros((n, 2), dtype=np.intp)
    ej_start = np.full((n, max_ejections), np.nan)
    ej_end = np.full((n, max_ejections), np.nan)
    ej_peak = np.full((n, max_ejections), np.nan)
    ej_volume = np.zeros((n, max_ejections))
    ej_peak_flow = np.zeros((n, max_ejections))
    ej_felt = np.zeros((n, max_ejections), dtype=bool)
    current_volume = np.zeros(n)
    current_peak_flow = np.zeros(n)
    current_max_c = np.zeros(n)
    current_peak_s = np.zeros(n)
    current_fullness = np.zeros(n)
    milk_before_first = np.zeros(n)
    n_bursts = np.zeros(n, dtype=np.intp)
    n_bursts_before = np.zeros(n, dtype=np.intp)
    n_pulses = np.zeros(n, dtype=np.intp)  # bursts large enough to be seen in plasma samples
    n_pulses_before = np.zeros(n, dtype=np.intp)
    first_burst_s = np.full(n, np.nan)
    ox_sum = np.zeros(n)
    ox_peak = np.full(n, basal)
    session_steps = np.zeros(n)
    prl_peak = np.ones(n)
    prl_peak_s = np.zeros(n)
    prl_max_before = np.ones(n)

    rec_ox = np.empty((steps, n)) if record else np.empty((0, n))
    rec_prl = np.empty((steps, n)) if record else np.empty((0, n))
    rec_flow = np.empty((steps, 2, n)) if record else np.empty((0, 2, n))
    rec_c = np.empty((steps, 2, n)) if record else np.empty((0, 2, n))
    burst_lists: list[list[float]] = [[] for _ in range(n)] if record else []

    def close_ejections(ended: np.ndarray, t: float) -> None:
        slot = n_ejections[ended] - 1
        keep = slot < max_ejections
        ended, slot = ended[keep], slot[keep]
        ej_end[ended, slot] = t
        ej_peak[ended, slot] = current_peak_s[ended]
        ej_felt[ended, slot] = (
            # A let-down is felt when the breast is full and the squeeze strong (Ramsay 2004).
            current_max_c[ended] * current_fullness[ended] ** 2 > batch.felt_threshold[ended]
        )

    def flush_volumes(done: np.ndarray) -> None:
        slot = n_ejections[done] - 1
        before = slot < 0
        milk_before_first[done[before]] = current_volume[done[before]]
        keep = (slot >= 0) & (slot < max_ejections)
        ej_volume[done[keep], slot[keep]] = current_volume[done[keep]]
        ej_peak_flow[done[keep], slot[keep]] = current_peak_flow[done[keep]]
        current_volume[done] = 0.0
        current_peak_flow[done] = 0.0

    noise = rng.standard_normal((0, n))
    for k in range(steps):
        t = start_s + k * dt
        if k % 64 == 0:
            noise = rng.standard_normal((min(64, steps - k), n))

        if changes[k]:
            in_session = (t >= 0.0) & (t < session_end_s)
            side_on = (t >= side_start_s) & (t < side_end_s) & in_session
            side_factor = pow_sides[side_on.sum(0)]
            present = (t >= batch.cue_start_s) & (t < batch.cue_end_s)
            cue_sum = (cue_weight * present).sum(1)
            touch = batch.touch_drive * in_session
            massage_now = massage_rate * in_session
            removal_side = removal_base * side_on
            phase_dirty = True
            if t >= 0.0 > t - dt:
                # Injected oxytocin reaches the blood at the start, the breast after the delay.
                injection = batch.injection_uU_ml
                fast += injection * p.fast_share
                slow += injection * (1.0 - p.fast_share)
                arriving[(k + delay) % ring_len, rows] += injection
                arrival_steps[k + delay] = True
        if phase_dirty:
            pump_phase = np.where(
                had_ejection | (t >= p.stimulation_phase_s),
                p.expression_phase_intensity,
                p.stimulation_phase_intensity,
            )
            pump_part = batch.pump_drive * pump_phase
            phase_dirty = False

        # Stimuli: the nipples (pump or baby), touch and the conditioned cues.
        if any_baby:
            # The baby sucks fast and shallow while no milk comes, slower and deeper while she
            # swallows (Mizuno & Ueda 2006), less as she fills up, and less well as a newborn
            # (Sakalidis 2013); she keeps swallowing whatever flows.
            swallowing = flow_smooth > p.swallowing_flow_ml_s
            suck = non_nutritive + nutritive_step * swallowing
            hunger = 1.0 - p.satiety_suck_loss * np.minimum(intake / batch.appetite_ml, 1.0)
            nipple = (pump_part + suck * hunger) * side_factor
            suction = batch.pump_removal + baby_removal
        else:
            nipple = pump_part * side_factor
            suction = batch.pump_removal
        # Like the Rescorla-Wagner total, the cues together predict at most one feed; the learned
        # response is one anticipatory release, so cues stop driving after the first burst.
        cue = np.minimum(cue_sum * math.exp(-t / habituation_s), 1.0) * no_burst_yet
        drive = nipple_gain * nipple + cue_gain * cue + central * touch

        # Brain: integrate the drive (with noise), fire in a burst, fall silent.
        drive_state += drive * dt - drive_state * leak
        drive_state += noise_scale * np.sqrt(drive) * noise[k % 64]
        np.maximum(drive_state, 0.0, out=drive_state)
        refractory_left_s -= dt
        silent = refractory_left_s > 0.0
        fire = (drive_state >= 1.0) & ~silent
        silent |= fire
        drive_state *= ~silent
        if fire.any():
            fired = np.flatnonzero(fire)
            amplitude = batch.amplitude_uU_ml[fired]
            seen = fired[amplitude >= p.pulse_detection_uU_ml]
            n_pulses[seen] += 1
            refractory_left_s[fired] = batch.refractory_s[fired]
            fast[fired] += amplitude * p.fast_share
            slow[fired] += amplitude * (1.0 - p.fast_share)
            arriving[(k + delay[fired]) % ring_len, fired] += amplitude
            arrival_steps[k + delay[fired]] = True
            n_bursts[fired] += 1
            no_burst_yet[fired] = 0.0
            if t < 0.0:
                n_bursts_before[fired] += 1
                n_pulses_before[seen] += 1
            unset = fired[np.isnan(first_burst_s[fired])]
            first_burst_s[unset] = t
            if record:
                for i in fired:
                    burst_lists[i].append(t)

        # Blood: two-phase decay; the breast sees each burst after a delay of 10-15 s.
        fast *= fast_decay
        slow *= slow_decay
        fast_breast *= fast_decay
        slow_breast *= slow_decay
        arrivals = None
        if arrival_steps[k]:
            arrived = arriving[k % ring_len]
            fast_breast += arrived * p.fast_share
            slow_breast += arrived * (1.0 - p.fast_share)
            arrivals = arrived > 0.0
            arrived[:] = 0.0
        oxytocin = basal + fast + slow
        at_breast = basal + fast_breast + slow_breast

        # Breast: the receptors respond to a rise above the level they have adapted to.
        adaptation += (at_breast - adaptation) * adapt_rate
        rise = at_breast - adaptation
        if any_warmth:
            rise = rise * warm_contraction
        stimulus = np.maximum(rise - threshold, 0.0)
        target = stimulus / (stimulus + p.contraction_half_uU_ml)
        if any_adrenaline and t >= 0.0:
            adrenaline = batch.adrenaline_ug / p.adrenaline_half_ug
            adrenaline *= math.exp(-_LN2 * t / p.adrenaline_half_life_s)
            target *= 1.0 / (1.0 + batch.catecholamine + adrenaline)
        else:
            target *= peripheral
        contraction += (target - contraction) * contraction_rate

        # Milk: contraction moves it into the ducts (while they have room), suction removes it,
        # and what is not removed flows back once the contraction ends.
        room = np.maximum(1.0 - duct / duct_capacity, 0.0)
        moved = p.ejection_rate_per_s * dt * contraction * alveolar * room
        if any_massage:
            moved += massage_now * alveolar
        alveolar -= moved
        duct += moved
        relaxed = np.maximum(1.0 - contraction * (1.0 / p.contraction_on), 0.0)
        excess = np.maximum(duct - p.duct_resting_share * (alveolar + duct), 0.0)
        reflux = (p.reflux_rate_per_s * dt) * excess * relaxed
        duct -= reflux
        alveolar += reflux
        removal = np.minimum(removal_side * suction * duct, duct)
        duct -= removal
        removed += removal
        removed_now = removal[0] + removal[1]
        if any_baby:
            intake += removed_now
            flow_smooth += (removed_now * (1.0 / dt) - flow_smooth) * flow_rate
            dry_s = (dry_s + dt) * (flow_smooth <= p.swallowing_flow_ml_s)
        if any_stops:
            # She comes off when full, or when fed enough and no milk has come for a while.
            full = (
                batch.stops_when_full
                & in_session
                & (
                    (intake >= batch.appetite_ml)
                    | (
                        (intake >= p.satisfied_share * batch.appetite_ml)
                        & (dry_s >= p.gives_up_after_s)
                    )
                )
            )
            if full.any():
                session_end_s[full] = t
                changes[k + 1] = True

        # Hormone summaries.
        stimulated = nipple > 0.0
        prolactin += (1.0 + p.prolactin_gain * nipple * prolactin_adapt - prolactin) * (
            prolactin_rate
        )
        prolactin_adapt *= 1.0 - (1.0 - prolactin_decay) * stimulated
        higher = prolactin > prl_peak
        np.maximum(prl_peak, prolactin, out=prl_peak)
        prl_peak_s += (t - prl_peak_s) * higher
        if t < 0.0:
            np.maximum(prl_max_before, prolactin, out=prl_max_before)
        ox_sum += oxytocin * in_session
        session_steps += in_session
        np.maximum(ox_peak, oxytocin, out=ox_peak)

        # Let-downs: a breast ejects while its contraction stays up (with hysteresis).
        on_now = (contraction > p.contraction_on) | (on & (contraction > p.contraction_off))
        side_onset = on_now & ~on
        if side_onset.any():
            side, r = np.nonzero(side_onset)
            slot = side_counts[r, side]
            keep = slot < max_ejections
            side_onsets[r[keep], side[keep], slot[keep]] = t
            side_counts[r, side] += 1
        on = on_now
        union_now = on[0] | on[1]
        changed = union_now != union_on
        # New oxytocin reaching a breast that is still contracting starts a new let-down
        # (a second dilation of the ducts), rather than stretching the first one.
        restart = arrivals & union_now & union_on & counting if arrivals is not None else None
        any_restart = restart is not None and bool(restart.any())
        if any_restart or changed.any() or (t >= 0.0 > t - dt and union_now.any()):
            ending = changed & ~union_now
            beginning = changed & union_now
            if any_restart:
                assert restart is not None
                ending = ending | restart
                beginning = beginning | restart
            offset = np.flatnonzero(ending & counting)
            if offset.size:
                close_ejections(offset, t)
            counting[ending] = False
            onset = np.flatnonzero(beginning)
            # Only let-downs inside the session count: one that begins while she gets ready is
            # counted from time 0 if it is still running then (below), never before.
            started = onset[(t < session_end_s[onset]) & (t >= 0.0)]
            if t >= 0.0 > t - dt:
                running = np.flatnonzero(union_now & ~changed & ~counting)
                started = np.union1d(started, running)
            if started.size:
                flush_volumes(started)
                slot = n_ejections[started]
                keep = slot < max_ejections
                ej_start[started[keep], slot[keep]] = t
                n_ejections[started] += 1
                counting[started] = True
                current_max_c[started] = 0.0
                current_peak_s[started] = t
                current_fullness[started] = (
                    alveolar[0, started] + alveolar[1, started]
                ) / available_total[started]
                newly = started[~had_ejection[started]]
                if newly.size:
                    had_ejection[newly] = True
                    phase_dirty = True
        union_on = union_now
        strongest = np.maximum(contraction[0], contraction[1])
        peaking = counting & (strongest > current_max_c)
        current_peak_s += (t - current_peak_s) * peaking
        np.maximum(current_max_c, strongest * counting, out=current_max_c)
        current_volume += removed_now
        np.maximum(current_peak_flow, removed_now * (1.0 / dt), out=current_peak_flow)

        if record:
            rec_ox[k] = oxytocin
            rec_prl[k] = prolactin
            rec_flow[k] = removal / dt
            rec_c[k] = contraction
        elif any_stops and t >= 0.0 and not union_on.any() and t >= session_end_s.max():
            # Every baby has come off and no let-down is running: nothing left to follow.
            steps = k + 1
            break

    last_t = start_s + steps * dt
    close_ejections(np.flatnonzero(counting), last_t)
    flush_volumes(rows)

    milk = removed[0] + removed[1]
    safe_milk = np.where(milk > 0, milk, np.nan)
    first_share = np.where(n_ejections > 0, ej_volume[:, 0] / safe_milk, 0.0)
    first_two_share = np.where(n_ejections > 0, ej_volume[:, :2].sum(1) / safe_milk, 0.0)
    first_share[milk <= 0] = np.nan
    first_two_share[milk <= 0] = np.nan

    left, right = side_onsets[:, 0, :], side_onsets[:, 1, :]
    with np.errstate(invalid="ignore"):
        close = np.abs(left[:, :, None] - right[:, None, :]) <= _SYNCHRONY_WINDOW_S
    paired = close.any(2).sum(1) + close.any(1).sum(1)

    summary = {
        "n_ejections": n_ejections.astype(float),
        "first_ejection_s": ej_start[:, 0],
        "milk_ml": milk,
        "milk_left_ml": removed[0],
        "milk_right_ml": removed[1],
        "available_ml": available_ml[0] + available_ml[1],
        "first_share": first_share,
        "first_two_share": first_two_share,
        "milk_before_first_ejection_ml": milk_before_first,
        "duration_s": np.minimum(session_end_s, batch.duration_s),
        "n_bursts": n_bursts.astype(float),
        "n_bursts_before_start": n_bursts_before.astype(float),
        "n_pulses": n_pulses.astype(float),
        "n_pulses_before_start": n_pulses_before.astype(float),
        "first_burst_s": first_burst_s,
        "mean_oxytocin_uU_ml": ox_sum / np.maximum(session_steps, 1),
        "peak_oxytocin_uU_ml": ox_peak,
        "prolactin_peak_rel": prl_peak,
        "prolactin_peak_s": prl_peak_s,
        "prolactin_max_before_start_rel": prl_max_before,
        "n_side_onsets": side_counts.sum(1).astype(float),
        "n_side_onsets_paired": paired.astype(float),
        "ejection_start_s": ej_start,
        "ejection_peak_s": ej_peak,
        "ejection_end_s": ej_end,
        "ejection_volume_ml": ej_volume,
        "ejection_peak_flow_ml_s": ej_peak_flow,
        "ejection_felt": ej_felt,
    }
    records = None
    if record:
        records = Records(
            t_s=start_s + np.arange(steps) * dt,
            oxytocin_uU_ml=rec_ox,
            prolactin_rel=rec_prl,
            flow_ml_s=rec_flow.transpose(0, 2, 1),
            contraction=rec_c.transpose(0, 2, 1),
            burst_s=burst_lists,
        )
    return summary, records
