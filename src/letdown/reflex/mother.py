"""The mother: her stable traits and her experience, typical or sampled across a population."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .conditioning import CUES, CueStrengths, conditioning_from_experience
from .parameters import PARAMETERS, Parameters

_DAYS_PER_MONTH = 30.44
# The range each trait may take (unit; why): outside it the model has no basis.
DOMAINS: dict[str, tuple[float, float, str]] = {
    "days_postpartum": (0.0, 3 * 365.0, "d (up to three years)"),
    "lactation_number": (1, 10, "(1 is the first lactation)"),
    "drive_gain": (0.0, 100.0, "x the typical mother (0: her brain never fires)"),
    "refractory_s": (10.0, 600.0, "s"),
    "burst_amplitude_uU_ml": (0.1, 100.0, "uU/mL"),
    "breast_delay_s": (0.0, 60.0, "s"),
    "ejection_threshold_left_uU_ml": (0.01, 50.0, "uU/mL"),
    "ejection_threshold_right_uU_ml": (0.01, 50.0, "uU/mL"),
    "available_left_ml": (0.0, 1000.0, "mL"),
    "available_right_ml": (0.0, 1000.0, "mL"),
    "removal_gain": (0.01, 20.0, "x typical"),
    "comfortable_vacuum_mmHg": (20.0, 300.0, "mmHg"),
    "inhibition_trait": (0.0, 1.0, ""),
    "felt_threshold": (0.0, 10.0, ""),
}
_TYPICAL_DAYS_POSTPARTUM = 60.0  # established lactation, like the mothers in Kent 2008


@dataclass(frozen=True)
class Mother:
    """One mother. `conditioning` maps each cue in `CUES` to its learned strength, 0..1."""

    days_postpartum: float = _TYPICAL_DAYS_POSTPARTUM
    lactation_number: int = 1
    drive_gain: float = 1.0
    refractory_s: float = PARAMETERS.refractory_s
    burst_amplitude_uU_ml: float = PARAMETERS.burst_amplitude_uU_ml
    breast_delay_s: float = (PARAMETERS.breast_delay_min_s + PARAMETERS.breast_delay_max_s) / 2
    ejection_threshold_left_uU_ml: float = PARAMETERS.ejection_threshold_uU_ml
    ejection_threshold_right_uU_ml: float = PARAMETERS.ejection_threshold_uU_ml
    available_left_ml: float = PARAMETERS.available_ml / 2
    available_right_ml: float = PARAMETERS.available_ml / 2
    removal_gain: float = 1.0
    comfortable_vacuum_mmHg: float = PARAMETERS.pump_vacuum_reference_mmHg
    inhibition_trait: float = PARAMETERS.inhibition_trait_mean
    felt_threshold: float = PARAMETERS.felt_threshold
    conditioning: Mapping[str, float] = field(default_factory=dict)
    # True: available_*_ml are her milk in established lactation, and a session scales them by
    # the lactation's course (`supply.py`). False: they are the milk at this very session.
    supply_from_stage: bool = True

    def __post_init__(self) -> None:
        for name, (low, high, unit) in DOMAINS.items():
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value)):
                raise ValueError(f"{name} must be a finite number")
            if not low <= value <= high:
                raise ValueError(
                    f"{name} must be between {low:g} and {high:g} {unit}, not {value:g}"
                )
        unknown = set(self.conditioning) - set(CUES)
        if unknown:
            raise ValueError(f"unknown cues {sorted(unknown)}; expected some of {CUES}")
        strengths = dict(self.conditioning)
        if set(strengths) != set(CUES):
            # A mother given no learned strengths gets those her experience implies.
            learned = conditioning_from_experience(self.days_postpartum, self.lactation_number)
            strengths = {cue: float(learned[cue]) for cue in CUES} | strengths
        object.__setattr__(self, "conditioning", CueStrengths(strengths))

    @classmethod
    def typical(cls, **overrides: Any) -> Mother:
        """The deterministic typical mother: every trait at the population's centre."""
        return _with_overrides(cls(), overrides)

    def with_experience(
        self, days_postpartum: float, lactation_number: int | None = None
    ) -> Mother:
        """The same traits at another point in time, with the conditioning that time implies."""
        number = self.lactation_number if lactation_number is None else lactation_number
        return dataclasses.replace(
            self, days_postpartum=float(days_postpartum), lactation_number=number, conditioning={}
        )


def _experience_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """Turn months/weeks postpartum into days; pass other overrides through."""
    result = dict(overrides)
    for name, days_per_unit in (("months_postpartum", _DAYS_PER_MONTH), ("weeks_postpartum", 7.0)):
        if name in result:
            result["days_postpartum"] = float(result.pop(name)) * days_per_unit
    return result


def _with_overrides(mother: Mother, overrides: dict[str, Any]) -> Mother:
    changes = _experience_overrides(overrides)
    names = {f.name for f in dataclasses.fields(Mother)}
    unknown = set(changes) - names
    if unknown:
        raise ValueError(f"unknown Mother fields {sorted(unknown)}")
    if ("days_postpartum" in changes or "lactation_number" in changes) and (
        "conditioning" not in changes
    ):
        changes["conditioning"] = {}
    return dataclasses.replace(mother, **changes)


def sample_mothers(
    n: int, seed: int | None = None, parameters: Parameters = PARAMETERS, **overrides: Any
) -> list[Mother]:
    """`n` mothers who differ as mothers do; overrides (e.g. months_postpartum=12,
    lactation_number=2) set a field for all of them."""
    if n < 0:
        raise ValueError("n must be >= 0")
    p = parameters
    rng = np.random.default_rng(seed)
    drive_gain = rng.lognormal(0.0, p.drive_gain_sd_log, n)
    refractory_s = np.clip(
        rng.normal(p.refractory_s, p.refractory_sd_s, n), 0.5 * p.refractory_s, 2 * p.refractory_s
    )
    amplitude = p.burst_amplitude_uU_ml * rng.lognormal(0.0, p.burst_amplitude_sd_log, n)
    delay_s = rng.uniform(p.breast_delay_min_s, p.breast_delay_max_s, n)
    threshold = p.ejection_threshold_uU_ml * rng.lognormal(0.0, p.ejection_threshold_sd_log, n)
    side_threshold = threshold[:, None] * rng.lognormal(0.0, p.breast_threshold_sd_log, (n, 2))
    available = p.available_ml * rng.lognormal(0.0, p.available_sd_log, n)
    right_share = np.clip(rng.normal(p.right_share_mean, p.right_share_sd, n), 0.3, 0.7)
    removal_gain = rng.lognormal(0.0, p.removal_gain_sd_log, n)
    vacuum = np.clip(rng.normal(p.pump_vacuum_reference_mmHg, p.pump_vacuum_sd_mmHg, n), 90, 300)
    trait = np.clip(rng.normal(p.inhibition_trait_mean, p.inhibition_trait_sd, n), 0.0, 0.5)
    felt = p.felt_threshold * rng.lognormal(0.0, p.felt_threshold_sd_log, n)

    changes = _experience_overrides(overrides)
    days = float(changes.get("days_postpartum", _TYPICAL_DAYS_POSTPARTUM))
    number = int(changes.get("lactation_number", 1))
    learned = conditioning_from_experience(days, number, p)
    conditioning = {cue: float(learned[cue]) for cue in CUES}
    mothers = [
        Mother(
            days_postpartum=days,
            lactation_number=number,
            drive_gain=float(drive_gain[i]),
            refractory_s=float(refractory_s[i]),
            burst_amplitude_uU_ml=float(amplitude[i]),
            breast_delay_s=float(delay_s[i]),
            ejection_threshold_left_uU_ml=float(side_threshold[i, 0]),
            ejection_threshold_right_uU_ml=float(side_threshold[i, 1]),
            available_left_ml=float(available[i] * (1 - right_share[i])),
            available_right_ml=float(available[i] * right_share[i]),
            removal_gain=float(removal_gain[i]),
            comfortable_vacuum_mmHg=float(vacuum[i]),
            inhibition_trait=float(trait[i]),
            felt_threshold=float(felt[i]),
            conditioning=dict(conditioning),
        )
        for i in range(n)
    ]
    rest = {k: v for k, v in changes.items() if k not in ("days_postpartum", "lactation_number")}
    if rest:
        mothers = [_with_overrides(mother, rest) for mother in mothers]
    return mothers
