"""Conditioned cues of the let-down reflex, learned with the Rescorla-Wagner rule.

We apply the rule to each cue on its own: the cues come at different moments before a feed (a
cry minutes earlier, getting ready just before), so one does not block the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np

from .parameters import PARAMETERS, Parameters

CUES = ("getting_ready", "baby_presence", "baby_cry", "pump")


class CueStrengths(Mapping[str, float]):
    """Learned strength of each cue: a read-only, hashable mapping (a Mother stays hashable)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, float]) -> None:
        self._values = {cue: float(value) for cue, value in values.items()}

    def __getitem__(self, cue: str) -> float:
        return self._values[cue]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self) -> str:
        return f"CueStrengths({self._values!r})"


def learning_rates(parameters: Parameters = PARAMETERS) -> dict[str, float]:
    return {
        "getting_ready": parameters.learning_rate_getting_ready,
        "baby_presence": parameters.learning_rate_baby_presence,
        "baby_cry": parameters.learning_rate_baby_cry,
        "pump": parameters.learning_rate_pump,
    }


def rescorla_wagner_update(
    strengths: Mapping[str, float],
    present: Iterable[str],
    reinforced: bool,
    parameters: Parameters = PARAMETERS,
) -> dict[str, float]:
    """One trial: each present cue moves toward 1 when a let-down followed, toward 0 when not."""
    rates = learning_rates(parameters)
    updated = {cue: float(strengths.get(cue, 0.0)) for cue in CUES}
    for cue in set(present):
        if cue not in rates:
            raise ValueError(f"unknown cue {cue!r}; expected one of {', '.join(CUES)}")
        target = 1.0 if reinforced else 0.0
        rate = rates[cue] if reinforced else parameters.extinction_rate
        updated[cue] += rate * (target - updated[cue])
    return updated


def strength_after_trials(
    trials: np.ndarray | float, rate: float, start: np.ndarray | float = 0.0
) -> np.ndarray:
    """Closed form of `trials` reinforced Rescorla-Wagner trials from strength `start`."""
    return 1.0 - (1.0 - np.asarray(start, dtype=float)) * (1.0 - rate) ** np.asarray(trials)


def conditioning_from_experience(
    days_postpartum: np.ndarray | float,
    lactation_number: np.ndarray | int,
    parameters: Parameters = PARAMETERS,
) -> dict[str, np.ndarray]:
    """Expected cue strengths after the feeds of `days_postpartum` days at a typical rhythm.

    A later lactation starts from a share of the strength learned before (savings).
    """
    days = np.maximum(np.asarray(days_postpartum, dtype=float), 0.0)
    later = np.asarray(lactation_number) > 1
    start = np.where(later, parameters.later_lactation_savings, 0.0)
    feeds = days * parameters.feeds_per_day_typical
    share = {
        "getting_ready": 1.0,
        "baby_presence": 1.0 - parameters.pump_share_of_feeds,
        "baby_cry": parameters.cry_share_of_feeds,
        "pump": parameters.pump_share_of_feeds,
    }
    rates = learning_rates(parameters)
    return {cue: strength_after_trials(feeds * share[cue], rates[cue], start) for cue in CUES}
