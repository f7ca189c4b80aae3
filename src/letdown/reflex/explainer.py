"""Data for the "Inside your let-down" page: a simulated session from plain choices, next to a
baseline, with one plain sentence per change saying what it did and which study backs it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .model import Result, simulate, simulate_many
from .mother import Mother, sample_mothers
from .scenario import KINDS, Scenario

SEED = 7
COHORT_SIZE = 200  # mothers behind each sentence, so one lucky run does not mislead
MAX_POINTS = 300
BASELINE_WEEKS = 8.0
WARM_COMPRESS_MAX_MIN = 30.0
BABY_CRY_MAX_S = 900.0
WEEKS_MAX = 104.0
MINUTES_RANGE = (5.0, 40.0)
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}
_LACTATION = {"first": 1, "first_lactation": 1, "later": 2, "later_lactation": 2}
_KNOWN = {
    "kind",
    "anxiety",
    "warm_compress_min",
    "baby_cry_s",
    "experience",
    "weeks_postpartum",
    "lactation",
    "massage",
    "relaxation",
    "minutes",
}


@dataclass(frozen=True)
class Choices:
    """Validated, clamped choices."""

    kind: str = "breastfeed"
    anxiety: float = 0.0
    warm_compress_min: float = 0.0
    baby_cry_s: float = 0.0
    weeks_postpartum: float = BASELINE_WEEKS
    lactation_number: int = 1
    massage: bool = False
    relaxation: bool = False
    minutes: float = 15.0


def _number(name: str, value: Any, low: float, high: float, clamped: list[str]) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not true/false")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number")
    if number < 0 and low >= 0:
        raise ValueError(f"{name} cannot be negative")
    if not low <= number <= high:
        clamped.append(name)
    return min(max(number, low), high)


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


def validate(params: Mapping[str, Any]) -> tuple[Choices, list[str]]:
    """Check and clamp the user's choices. Returns the choices and the names that were clamped;
    raises ValueError for anything that is not a sensible choice."""
    if not isinstance(params, Mapping):
        raise ValueError("choices must be given as a mapping of names to values")
    unknown = set(params) - _KNOWN
    if unknown:
        raise ValueError(f"unknown choices: {', '.join(sorted(map(str, unknown)))}")
    clamped: list[str] = []
    kind = str(params.get("kind", "breastfeed")).strip().lower()
    if kind not in KINDS:
        raise ValueError(f"kind must be 'breastfeed' or 'pump', got {params.get('kind')!r}")
    weeks = BASELINE_WEEKS
    lactation = 1
    experience = params.get("experience")
    if experience is not None and experience != "":
        text = str(experience).strip().lower()
        if text in _LACTATION:
            lactation = _LACTATION[text]
        else:
            weeks = _number("experience", experience, 0.0, WEEKS_MAX, clamped)
    if "weeks_postpartum" in params:
        weeks = _number("weeks_postpartum", params["weeks_postpartum"], 0.0, WEEKS_MAX, clamped)
    if "lactation" in params:
        text = str(params["lactation"]).strip().lower()
        if text not in _LACTATION:
            raise ValueError("lactation must be 'first' or 'later'")
        lactation = _LACTATION[text]
    choices = Choices(
        kind=kind,
        anxiety=_number("anxiety", params.get("anxiety", 0.0), 0.0, 1.0, clamped),
        warm_compress_min=_number(
            "warm_compress_min",
            params.get("warm_compress_min", 0.0),
            0.0,
            WARM_COMPRESS_MAX_MIN,
            clamped,
        ),
        baby_cry_s=_number(
            "baby_cry_s", params.get("baby_cry_s", 0.0), 0.0, BABY_CRY_MAX_S, clamped
        ),
        weeks_postpartum=weeks,
        lactation_number=lactation,
        massage=_flag("massage", params.get("massage", False)),
        relaxation=_flag("relaxation", params.get("relaxation", False)),
        minutes=_number("minutes", params.get("minutes", 15.0), *MINUTES_RANGE, clamped),
    )
    return choices, clamped


def _scenario(choices: Choices) -> Scenario:
    return Scenario(
        kind=choices.kind,
        duration_s=choices.minutes * 60.0,
        anxiety=choices.anxiety,
        warm_compress_min=choices.warm_compress_min,
        baby_cry_s=choices.baby_cry_s,
        massage=choices.massage,
        relaxation=choices.relaxation,
    )


TYPICAL_RUNS = 5


def _typical_run(mother: Mother, scenario: Scenario) -> Result:
    """The median of a few seeded runs by milk removed, so the one session drawn on the page is
    a typical one for these choices, not one seed's lucky or unlucky draw."""
    runs = sorted(
        (simulate(mother, scenario, SEED + k) for k in range(TYPICAL_RUNS)),
        key=lambda result: result.milk_ml,
    )
    return runs[len(runs) // 2]


def _mother(choices: Choices, template: Mother | None = None) -> Mother:
    base = template or Mother.typical()
    return base.with_experience(choices.weeks_postpartum * 7.0, choices.lactation_number)


def _downsample(values: np.ndarray, points: int) -> np.ndarray:
    """Means over equal bins, at most `points` of them (keeps the milk volume honest)."""
    if values.size <= points:
        return values
    edges = np.linspace(0, values.size, points + 1).astype(int)
    return np.add.reduceat(values, edges[:-1]) / np.diff(edges)


def _run_dict(result: Result) -> dict[str, Any]:
    first = result.first_ejection_s
    return {
        "series": {
            "t_s": [round(float(v), 1) for v in _downsample(result.t_s, MAX_POINTS)],
            "oxytocin_uU_ml": [
                round(float(v), 3) for v in _downsample(result.oxytocin_uU_ml, MAX_POINTS)
            ],
            "flow_ml_s": [round(float(v), 4) for v in _downsample(result.flow_ml_s, MAX_POINTS)],
        },
        "ejections": [
            {
                "start_s": e.start_s,
                "peak_s": e.peak_s,
                "end_s": e.end_s,
                "volume_ml": round(e.volume_ml, 2),
                "felt": e.felt,
            }
            for e in result.ejections
        ],
        "oxytocin_pulses": len(result.burst_s),
        "milk_ml": round(result.milk_ml, 1),
        "milk_left_ml": round(result.milk_left_ml, 1),
        "milk_right_ml": round(result.milk_right_ml, 1),
        "available_ml": round(result.available_ml, 1),
        "first_letdown_s": None if first is None else float(first),
    }


def _changes(choices: Choices, baseline: Choices) -> list[str]:
    changed = []
    for name in ("anxiety", "warm_compress_min", "baby_cry_s", "massage", "relaxation"):
        if getattr(choices, name) != getattr(baseline, name):
            changed.append(name)
    if (choices.weeks_postpartum, choices.lactation_number) != (
        baseline.weeks_postpartum,
        baseline.lactation_number,
    ):
        changed.append("experience")
    return changed


def _only(change: str, choices: Choices, baseline: Choices) -> Choices:
    if change == "experience":
        return replace(
            baseline,
            weeks_postpartum=choices.weeks_postpartum,
            lactation_number=choices.lactation_number,
        )
    return replace(baseline, **{change: getattr(choices, change)})


@dataclass(frozen=True)
class _Summary:
    pulses: float
    first_s: float
    milk_ml: float
    before_latch: float
    oxytocin_uU_ml: float


def _summaries(choices_list: list[Choices]) -> list[_Summary]:
    """Each set of choices on the same sampled mothers, in one batch, same noise seed."""
    template = sample_mothers(COHORT_SIZE, SEED)
    mothers: list[Mother] = []
    scenarios: list[Scenario] = []
    for choices in choices_list:
        mothers.extend(_mother(choices, m) for m in template)
        scenarios.extend([_scenario(choices)] * COHORT_SIZE)
    result = simulate_many(mothers, scenarios, SEED)
    summaries = []
    for index in range(len(choices_list)):
        rows = slice(index * COHORT_SIZE, (index + 1) * COHORT_SIZE)
        first = result["first_ejection_s"][rows]
        finite = first[np.isfinite(first)]
        summaries.append(
            _Summary(
                pulses=float(result["n_bursts"][rows].mean()),
                first_s=float(np.median(finite)) if finite.size else math.nan,
                milk_ml=float(result["milk_ml"][rows].mean()),
                before_latch=float((result["n_bursts_before_start"][rows] > 0).mean()),
                oxytocin_uU_ml=float(result["mean_oxytocin_uU_ml"][rows].mean()),
            )
        )
    return summaries


def _moved(before: float, after: float, unit: str, digits: int = 0) -> str:
    """'rose from 2 to 3 unit', 'fell ...', or 'stayed about the same (2 unit)' (under 3%)."""
    if abs(after - before) <= 0.03 * max(abs(before), 1e-9):
        return f"stayed about the same ({before:.{digits}f} {unit})"
    verb = "rose" if after > before else "fell"
    return f"{verb} from {before:.{digits}f} to {after:.{digits}f} {unit}"


def _at(t_s: float) -> str:
    return f"{t_s:.0f} s into the session" if t_s >= 0 else f"{-t_s:.0f} s before the start"


def _first(before: float, after: float) -> str:
    """How the median first let-down moved."""
    if not math.isfinite(after):
        return "did not come in most simulated mothers"
    if not math.isfinite(before):
        return f"came at {_at(after)}, where before it did not come in most mothers"
    if abs(after - before) <= 5.0:
        return f"came at about the same time ({_at(after)})"
    verb = "came earlier" if after < before else "came later"
    return f"{verb} ({_at(after)} instead of {_at(before)})"


def _sentence(change: str, choices: Choices, base: _Summary, new: _Summary) -> dict[str, str]:
    milk = _moved(base.milk_ml, new.milk_ml, "mL")
    first = _first(base.first_s, new.first_s)
    pulses = _moved(base.pulses, new.pulses, "pulses", 1)
    if change == "anxiety":
        source = "Ueda 1994"
        text = (
            f"With anxiety at {choices.anxiety:.1f}, oxytocin pulses {pulses} and the milk "
            f"{milk}, because stress holds back the brain's bursts ({source})."
        )
    elif change == "warm_compress_min":
        source = "Yiğit 2012"
        text = (
            f"After a {choices.warm_compress_min:.0f}-minute warm compress the milk {milk}, "
            f"mostly because warmth helps milk flow once a let-down comes ({source})."
        )
    elif change == "baby_cry_s":
        source = "McNeilly 1983"
        text = (
            f"Hearing the baby cry for {choices.baby_cry_s:.0f} s released oxytocin before the "
            f"start in {new.before_latch:.0%} of simulated mothers, and the first let-down "
            f"{first}: a learned cue can start the reflex ({source})."
        )
    elif change == "massage":
        source = "Morton 2009"
        text = (
            f"With breast massage the milk {milk}: touch adds to the drive and massage moves "
            f"milk towards the nipple ({source})."
        )
    elif change == "relaxation":
        source = "Becker, Cochrane review"
        text = (
            f"Relaxing eases everyday inhibition a little: oxytocin pulses {pulses} and the "
            f"milk {milk} ({source})."
        )
    else:
        later = choices.lactation_number > 1
        source = "Uvnäs Moberg 2020" if later else "McNeilly 1983"
        weeks = choices.weeks_postpartum
        when = f"{weeks:g} week{'' if weeks == 1 else 's'} after the birth"
        if later:
            oxytocin = _moved(base.oxytocin_uU_ml, new.oxytocin_uU_ml, "uU/mL", 1)
            text = (
                f"At {when} in a later lactation, mean oxytocin {oxytocin} and the first "
                f"let-down {first}, compared with {BASELINE_WEEKS:g} weeks in a first "
                f"lactation: mothers with earlier children release more oxytocin ({source})."
            )
        else:
            text = (
                f"At {when}, the first let-down {first}, compared with {BASELINE_WEEKS:g} "
                f"weeks: the reflex learns the cues of feeding ({source})."
            )
    return {"change": change, "sentence": text, "source": source}


def explain(params: Mapping[str, Any]) -> dict[str, Any]:
    """Simulate the chosen session and a baseline (same kind, calm, no helps, 8 weeks, first
    lactation), with fixed seeds; explain each change in one sentence. JSON-ready."""
    choices, clamped = validate(params)
    baseline = Choices(kind=choices.kind, minutes=choices.minutes)
    session = _typical_run(_mother(choices), _scenario(choices))
    reference = _typical_run(_mother(baseline), _scenario(baseline))
    changes = _changes(choices, baseline)
    explanations = []
    if changes:
        summaries = _summaries([baseline, *(_only(c, choices, baseline) for c in changes)])
        explanations = [
            _sentence(change, choices, summaries[0], summary)
            for change, summary in zip(changes, summaries[1:], strict=True)
        ]
    return {
        "choices": {
            "kind": choices.kind,
            "anxiety": choices.anxiety,
            "warm_compress_min": choices.warm_compress_min,
            "baby_cry_s": choices.baby_cry_s,
            "weeks_postpartum": choices.weeks_postpartum,
            "lactation": "first" if choices.lactation_number == 1 else "later",
            "massage": choices.massage,
            "relaxation": choices.relaxation,
            "minutes": choices.minutes,
        },
        "clamped": clamped,
        "seed": SEED,
        "cohort_size": COHORT_SIZE if changes else 0,
        "session": _run_dict(session),
        "baseline": _run_dict(reference),
        "explanations": explanations,
    }
