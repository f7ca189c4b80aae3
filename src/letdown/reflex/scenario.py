"""What happens in one session: breastfeed or pump, the stimuli, the stress and what helps."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

KINDS = ("breastfeed", "pump")
SIDES = ("left", "right")

# The range each number may take, with its unit: outside it the model has no basis, so a value
# there is refused with a clear message rather than simulated.
DOMAINS: dict[str, tuple[float, float, str]] = {
    "duration_s": (1.0, 2 * 3600.0, "s (a session of up to two hours)"),
    "vacuum_mmHg": (0.0, 300.0, "mmHg (pumps reach about 250)"),
    "anxiety": (0.0, 1.0, "(0 calm .. 1 the most stress the model knows)"),
    "warm_compress_min": (0.0, 60.0, "min"),
    "baby_cry_s": (0.0, 1800.0, "s before the start (a cue up to 30 min earlier)"),
    "oxytocin_injection_mU": (0.0, 1000.0, "mU (clinical doses are a few units at most)"),
    "adrenaline_ug": (0.0, 100.0, "ug (far above any everyday surge)"),
    "switch_s": (0.0, 2 * 3600.0, "s"),
    "baby_appetite_ml": (1.0, 400.0, "mL in one feed"),
}


@dataclass(frozen=True)
class Scenario:
    """One session. Time 0 is the latch (or the pump starting); cues can come before it.

    Breastfeeding and sequential pumping use one side, then the other from `switch_s` (half the
    session when None; one side only when `switch_s >= duration_s`).
    """

    kind: str = "breastfeed"
    duration_s: float = 900.0
    simultaneous: bool = True  # pump only: both sides at once
    vacuum_mmHg: float = 190.0
    vacuum_at_comfort: bool = False  # each mother at her own maximum comfortable vacuum
    anxiety: float = 0.0  # acute stress or distraction during the session, 0..1
    warm_compress_min: float = 0.0
    warm_compress_side: str = "both"
    massage: bool = False
    relaxation: bool = False
    music: bool = False
    baby_cry_s: float = 0.0  # the baby's cry heard just before the start
    baby_near: bool = False
    skin_to_skin: bool = False
    baby_photo: bool = False
    scent_cloth: bool = False
    oxytocin_injection_mU: float = 0.0  # exogenous, at the start
    adrenaline_ug: float = 0.0  # exogenous, at the start
    switch_s: float | None = None
    first_side: str = "left"
    baby_appetite_ml: float = 80.0  # breastfeed: sucking weakens as the baby fills up
    baby_stops_when_full: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float | int) and not isinstance(value, bool):
                if not math.isfinite(value):
                    raise ValueError(f"{f.name} must be a finite number")
                if value < 0:
                    raise ValueError(f"{f.name} cannot be negative")
                if f.name in DOMAINS:
                    low, high, unit = DOMAINS[f.name]
                    if not low <= value <= high:
                        raise ValueError(
                            f"{f.name} must be between {low:g} and {high:g} {unit}, not {value:g}"
                        )
        if self.warm_compress_side not in (*SIDES, "both"):
            raise ValueError("warm_compress_side must be 'left', 'right' or 'both'")
        if self.first_side not in SIDES:
            raise ValueError("first_side must be 'left' or 'right'")
        if self.kind == "pump" and self.vacuum_mmHg <= 0 and not self.vacuum_at_comfort:
            raise ValueError("a pump needs a vacuum above 0 mmHg")

    @property
    def both_sides_at_once(self) -> bool:
        return self.kind == "pump" and self.simultaneous

    @property
    def switch_at_s(self) -> float:
        """When the second side starts (== duration_s when only one side is used)."""
        if self.both_sides_at_once:
            return self.duration_s
        if self.switch_s is None:
            return self.duration_s / 2
        return min(self.switch_s, self.duration_s)

    @property
    def segments(self) -> tuple[tuple[str, float, float], ...]:
        """(side, start_s, end_s) of the planned stimulation."""
        if self.both_sides_at_once:
            return (("both", 0.0, self.duration_s),)
        second = "right" if self.first_side == "left" else "left"
        switch = self.switch_at_s
        if switch >= self.duration_s:
            return ((self.first_side, 0.0, self.duration_s),)
        return ((self.first_side, 0.0, switch), (second, switch, self.duration_s))
