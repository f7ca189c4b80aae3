"""The public face of the model: one mother in one session (`simulate`) or a cohort
(`simulate_many`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .engine import build_batch, run
from .mother import Mother
from .parameters import PARAMETERS, Parameters
from .scenario import Scenario

# What `simulate_many` always returns, one value per mother (the interface other code uses).
COHORT_FIELDS = (
    "n_ejections",
    "first_ejection_s",
    "milk_ml",
    "available_ml",
    "first_share",
    "first_two_share",
)


@dataclass(frozen=True)
class Ejection:
    """One let-down. Times are seconds from the latch; the volume is the milk removed from its
    start until the next let-down starts (or the session ends)."""

    start_s: float
    peak_s: float
    end_s: float
    volume_ml: float
    felt: bool

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Result:
    """One simulated session: its let-downs, its milk and its time series (one value a step)."""

    ejections: list[Ejection]
    milk_left_ml: float
    milk_right_ml: float
    available_ml: float
    duration_s: float
    burst_s: tuple[float, ...]
    t_s: np.ndarray
    oxytocin_uU_ml: np.ndarray
    prolactin_rel: np.ndarray
    flow_ml_s: np.ndarray
    flow_left_ml_s: np.ndarray
    flow_right_ml_s: np.ndarray
    contraction_left: np.ndarray
    contraction_right: np.ndarray

    @property
    def milk_ml(self) -> float:
        return self.milk_left_ml + self.milk_right_ml

    @property
    def first_ejection_s(self) -> float | None:
        return self.ejections[0].start_s if self.ejections else None


def simulate(
    mother: Mother,
    scenario: Scenario,
    seed: int | None = None,
    parameters: Parameters = PARAMETERS,
) -> Result:
    """Simulate one session of one mother, keeping the time series."""
    batch = build_batch([mother], [scenario], parameters)
    summary, records = run(batch, seed, record=True, p=parameters)
    assert records is not None
    ejections = []
    for slot in range(int(summary["n_ejections"][0])):
        if slot >= summary["ejection_start_s"].shape[1]:
            break
        ejections.append(
            Ejection(
                start_s=float(summary["ejection_start_s"][0, slot]),
                peak_s=float(summary["ejection_peak_s"][0, slot]),
                end_s=float(summary["ejection_end_s"][0, slot]),
                volume_ml=float(summary["ejection_volume_ml"][0, slot]),
                felt=bool(summary["ejection_felt"][0, slot]),
            )
        )
    flow = records.flow_ml_s[:, 0, :]
    return Result(
        ejections=ejections,
        milk_left_ml=float(summary["milk_left_ml"][0]),
        milk_right_ml=float(summary["milk_right_ml"][0]),
        available_ml=float(summary["available_ml"][0]),
        duration_s=float(summary["duration_s"][0]),
        burst_s=tuple(records.burst_s[0]),
        t_s=records.t_s,
        oxytocin_uU_ml=records.oxytocin_uU_ml[:, 0],
        prolactin_rel=records.prolactin_rel[:, 0],
        flow_ml_s=flow.sum(1),
        flow_left_ml_s=flow[:, 0],
        flow_right_ml_s=flow[:, 1],
        contraction_left=records.contraction[:, 0, 0],
        contraction_right=records.contraction[:, 0, 1],
    )


def simulate_many(
    mothers: Sequence[Mother],
    scenario: Scenario | Sequence[Scenario],
    seed: int | None = None,
    parameters: Parameters = PARAMETERS,
) -> dict[str, np.ndarray]:
    """Simulate each mother once; return arrays over mothers, by name.

    Always present: n_ejections, first_ejection_s (NaN without one), milk_ml, available_ml,
    first_share, first_two_share; see `engine.run` for the rest. `scenario` may also be a
    sequence with one scenario per mother.
    """
    scenarios = [scenario] * len(mothers) if isinstance(scenario, Scenario) else list(scenario)
    summary, _ = run(build_batch(mothers, scenarios, parameters), seed, p=parameters)
    return summary


def ejection_durations_s(summary: dict[str, np.ndarray]) -> np.ndarray:
    """Durations of the let-downs in a `simulate_many` summary that ended within the session
    (those cut off by its end are left out), flattened."""
    durations = summary["ejection_end_s"] - summary["ejection_start_s"]
    ended = summary["ejection_end_s"] < summary["duration_s"][:, None]
    kept: np.ndarray = durations[np.isfinite(durations) & ended]
    return kept


def nan_median(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else math.nan
