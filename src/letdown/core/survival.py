"""The Kaplan–Meier estimate of the time to first let-down and its quantiles, in plain numpy.

Home (in the logbook) and Insights both read medians from here, so the two pages cannot give
different figures for the same sessions. A session that ended without a let-down is censored at
its end: it says the let-down had not come by then, and is never dropped.

Pure: no Django, no statsmodels; the logbook sits below Insights and may not import it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Survival values this close count as equal (R's survival package uses the same tolerance,
# sqrt(.Machine$double.eps)): products of fractions rarely land exactly on 0.5 in binary.
_TOLERANCE = float(np.sqrt(np.finfo(float).eps))


@dataclass(frozen=True)
class SurvivalSteps:
    """A Kaplan–Meier step curve: the share of sessions still without a let-down just after
    each distinct let-down time, and the longest time observed (let-down or end)."""

    times_s: np.ndarray
    survival: np.ndarray
    max_time_s: float


def kaplan_meier_steps(time_s: np.ndarray, let_down: np.ndarray) -> SurvivalSteps | None:
    """The product-limit estimate; None for no sessions."""
    time_s = np.asarray(time_s, dtype=float)
    let_down = np.asarray(let_down, dtype=bool)
    if len(time_s) == 0:
        return None
    distinct, inverse = np.unique(time_s, return_inverse=True)
    events = np.bincount(inverse, weights=let_down, minlength=len(distinct))
    leaving = np.bincount(inverse, minlength=len(distinct))
    # At risk at a time: every session whose time is that time or later.
    at_risk = len(time_s) - (np.cumsum(leaving) - leaving)
    with_event = events > 0
    survival = np.cumprod(1.0 - events[with_event] / at_risk[with_event])
    return SurvivalSteps(
        times_s=distinct[with_event], survival=survival, max_time_s=float(distinct[-1])
    )


def survival_quantile_s(
    times_s: np.ndarray, survival: np.ndarray, max_time_s: float, probability: float
) -> float | None:
    """The time by which `probability` of sessions had let down, read as R's survival package
    reads it (`quantile.survfit`): the first let-down time at which the share that had let
    down reaches `probability`; where the curve sits exactly at that share over an interval,
    the midpoint of the interval (up to the next let-down time, or to the longest time
    observed when no let-down follows). None when the curve never reaches it.
    """
    times_s = np.asarray(times_s, dtype=float)
    share = 1.0 - np.asarray(survival, dtype=float)
    if probability <= 0.0:
        return 0.0
    reached = np.flatnonzero(share >= probability - _TOLERANCE)
    if len(reached) == 0:
        return None
    first = int(reached[0])
    if abs(share[first] - probability) >= _TOLERANCE:
        return float(times_s[first])
    # Exactly on a flat: to the next time the curve rises (censored times do not move it).
    later = np.flatnonzero(share[first + 1 :] > share[first] + _TOLERANCE)
    end_s = float(times_s[first + 1 + later[0]]) if len(later) else max_time_s
    return (float(times_s[first]) + end_s) / 2.0


def median_time_s(time_s: np.ndarray, let_down: np.ndarray) -> float | None:
    """The Kaplan–Meier median time to first let-down; None if no session or not reached."""
    steps = kaplan_meier_steps(time_s, let_down)
    if steps is None:
        return None
    return survival_quantile_s(steps.times_s, steps.survival, steps.max_time_s, 0.5)


# Her pump switch time: the moment by which 3 in 4 of her recent pumping sessions had let
# down. Insights shows it (with its interval) and the Routine's pump-phases step cues on it, so
# both read the rule from here.
PUMP_SWITCH_SHARE = 0.75
# Her reflex gets quicker with practice, so the Routine's cue follows her recent sessions.
PUMP_SWITCH_RECENT_SESSIONS = 50
PUMP_SWITCH_MIN_SESSIONS = 8


def pump_switch_time_s(time_s: np.ndarray, let_down: np.ndarray) -> float | None:
    """The pump switch time of her recent pumping sessions (time to first let-down, or to the
    end for a session without one); None with fewer than PUMP_SWITCH_MIN_SESSIONS of them, or
    while fewer than 3 in 4 have let down."""
    if len(time_s) < PUMP_SWITCH_MIN_SESSIONS:
        return None
    steps = kaplan_meier_steps(time_s, let_down)
    if steps is None:
        return None
    return survival_quantile_s(steps.times_s, steps.survival, steps.max_time_s, PUMP_SWITCH_SHARE)
