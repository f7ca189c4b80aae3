"""Data for the "Inside your let-down" page: one batch of simulated mothers with her choices and
the same mothers at the baseline, from which every number on the page is drawn, next to what the
cited studies themselves found.

Two kinds of number, always labelled: the average over the simulated mothers ("on average"), and
one session ("this session": the mother whose milk was the median with her choices, drawn as the
chart, next to the same mother at the baseline). What a study found is quoted from the study,
never from the model.
"""

from __future__ import annotations

import json
import math
import multiprocessing
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from .engine import build_batch, run
from .mother import sample_mothers
from .scenario import KINDS, Scenario

SEED = 7
COHORT_SIZE = 200  # mothers behind each average, so one lucky run does not mislead
MAX_POINTS = 90
BASELINE_WEEKS = 8.0
# Documented ranges of each choice (unit): a value outside is refused with a clear message.
RANGES: dict[str, tuple[float, float, str]] = {
    "anxiety": (0.0, 1.0, "(0 calm .. 1 very stressed)"),
    "warm_compress_min": (0.0, 30.0, "min"),
    "baby_cry_s": (0.0, 900.0, "s before the start"),
    "weeks_postpartum": (0.0, 104.0, "weeks since the birth"),
    "minutes": (5.0, 40.0, "min"),
}
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
    """Validated choices."""

    kind: str = "breastfeed"
    anxiety: float = 0.0
    warm_compress_min: float = 0.0
    baby_cry_s: float = 0.0
    weeks_postpartum: float = BASELINE_WEEKS
    lactation_number: int = 1
    massage: bool = False
    relaxation: bool = False
    minutes: float = 15.0


def _number(name: str, value: Any, range_name: str | None = None) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not true/false")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number")
    low, high, unit = RANGES[range_name or name]
    if not low <= number <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g} {unit}, not {number:g}")
    return number


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


def validate(params: Mapping[str, Any]) -> Choices:
    """Check the user's choices; raise ValueError, naming the choice, for anything that is not
    a sensible choice or lies outside its documented range (`RANGES`)."""
    if not isinstance(params, Mapping):
        raise ValueError("choices must be given as a mapping of names to values")
    unknown = set(params) - _KNOWN
    if unknown:
        raise ValueError(f"unknown choices: {', '.join(sorted(map(str, unknown)))}")
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
            weeks = _number("experience", experience, "weeks_postpartum")
    if "weeks_postpartum" in params:
        weeks = _number("weeks_postpartum", params["weeks_postpartum"])
    if "lactation" in params:
        text = str(params["lactation"]).strip().lower()
        if text not in _LACTATION:
            raise ValueError("lactation must be 'first' or 'later'")
        lactation = _LACTATION[text]
    return Choices(
        kind=kind,
        anxiety=_number("anxiety", params.get("anxiety", 0.0)),
        warm_compress_min=_number("warm_compress_min", params.get("warm_compress_min", 0.0)),
        baby_cry_s=_number("baby_cry_s", params.get("baby_cry_s", 0.0)),
        weeks_postpartum=weeks,
        lactation_number=lactation,
        massage=_flag("massage", params.get("massage", False)),
        relaxation=_flag("relaxation", params.get("relaxation", False)),
        minutes=_number("minutes", params.get("minutes", 15.0)),
    )


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


# ---- her choices in words ----


def anxiety_words(anxiety: float) -> str:
    if anxiety <= 0.05:
        return "calm"
    if anxiety < 0.45:
        return "a little stressed"
    if anxiety < 0.75:
        return "quite stressed"
    return "very stressed"


def _minutes(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} seconds"
    return f"{seconds / 60:.0f} minutes"


def choices_in_words(choices: Choices) -> dict[str, str]:
    """Each choice as a plain phrase ("quite stressed"), by choice name."""
    weeks = choices.weeks_postpartum
    when = (
        "in the first days after the birth"
        if weeks < 1
        else f"{weeks:g} week{'' if weeks == 1 else 's'} after the birth"
    )
    return {
        "kind": "baby at the breast" if choices.kind == "breastfeed" else "pumping both sides",
        "anxiety": anxiety_words(choices.anxiety),
        "warm_compress_min": (
            f"a {choices.warm_compress_min:g}-minute warm compress before"
            if choices.warm_compress_min
            else "no warm compress"
        ),
        "baby_cry_s": (
            f"heard the baby cry for {_minutes(choices.baby_cry_s)} before"
            if choices.baby_cry_s
            else "did not hear the baby cry before"
        ),
        "weeks_postpartum": when,
        "lactation": "first baby" if choices.lactation_number == 1 else "has breastfed before",
        "massage": "breast massage" if choices.massage else "no massage",
        "relaxation": "a relaxation exercise" if choices.relaxation else "no relaxation exercise",
        "minutes": f"{choices.minutes:g} minutes",
    }


# ---- what the cited studies found (their words, in ours; never the model's numbers) ----


def gettext_noop(text: str) -> str:
    """Marks a text for the translation catalogues (makemessages reads the name) without
    importing Django here; the page translates it (inside/words.py)."""
    return text


FINDINGS: dict[str, dict[str, str]] = {
    "anxiety": {
        "source": "Ueda 1994",
        "text": gettext_noop(
            "In 22 mothers, mental arithmetic or noise during a feed meant fewer oxytocin pulses "
            "(about 1.1-1.3 instead of 2.25 in 20 minutes), but the milk the babies took and the "
            "rise in prolactin did not differ."
        ),
    },
    "warm_compress_min": {
        "source": "Yiğit 2012",
        "text": gettext_noop(
            "In 39 mothers, the breast warmed for 20 minutes before pumping gave more milk in "
            "15 minutes than the other breast (47 against 33 mL on average)."
        ),
    },
    "baby_cry_s": {
        "source": "McNeilly 1983",
        "text": gettext_noop(
            "In all 10 mothers studied, oxytocin rose 3 to 10 minutes before the baby latched; "
            "in 5 of them the baby's crying set it off."
        ),
    },
    "weeks_early": {
        "source": "Saint 1984",
        "text": gettext_noop(
            "In 9 mothers, babies took about 37 g of colostrum in the first day, about 400 g on "
            "day 3 and about 700 g on day 5."
        ),
    },
    "weeks_late": {
        "source": "Kent 1999",
        "text": gettext_noop(
            "Milk made in 24 hours stayed level through the first six months and fell after; "
            "at 15 months each breast still made about 200 g a day."
        ),
    },
    "weeks_learning": {
        "source": "McNeilly 1983",
        "text": gettext_noop(
            "Oxytocin was released before feeds in answer to cues such as the baby's cry or "
            "getting ready, a learned response (how many weeks it takes to learn is the model's "
            "assumption, not a finding)."
        ),
    },
    "lactation": {
        "source": "Uvnäs Moberg 2020",
        "text": gettext_noop(
            "Mothers with earlier children had a larger oxytocin response in a small study, "
            "and a review agrees that oxytocin levels are higher after earlier births."
        ),
    },
    "massage": {
        "source": "Morton 2009",
        "text": gettext_noop("Mothers taught hands-on pumping made about 48 % more milk a day."),
    },
    "relaxation": {
        "source": "Becker, Cochrane review",
        "text": gettext_noop("Relaxation was among the things that increased the milk expressed."),
    },
}


# The key in learn/references.yaml of each finding's source, by the source named above (the
# shipped table keeps the findings as they were written, so the page looks the key up here).
FINDING_KEYS: dict[str, tuple[str, ...]] = {
    "Ueda 1994": ("ueda1994",),
    "Yiğit 2012": ("yigit2012",),
    "McNeilly 1983": ("mcneilly1983",),
    "Saint 1984": ("saint1984",),
    "Kent 1999": ("kent1999",),
    "Uvnäs Moberg 2020": ("uvnasmoberg2020",),
    "Morton 2009": ("morton2009",),
    "Becker, Cochrane review": ("becker2016",),
}


def _findings(choices: Choices, baseline: Choices) -> list[dict[str, str]]:
    found = []
    for name in ("anxiety", "warm_compress_min", "baby_cry_s", "massage", "relaxation"):
        if getattr(choices, name) != getattr(baseline, name):
            found.append({"change": name, **FINDINGS[name]})
    if choices.weeks_postpartum != baseline.weeks_postpartum:
        weeks = choices.weeks_postpartum
        key = "weeks_early" if weeks < 2 else "weeks_late" if weeks > 20 else "weeks_learning"
        found.append({"change": "weeks_postpartum", **FINDINGS[key]})
    if choices.lactation_number != baseline.lactation_number:
        found.append({"change": "lactation", **FINDINGS["lactation"]})
    return found


# ---- the simulation ----


def _downsample(values: np.ndarray, points: int) -> np.ndarray:
    """Means over equal bins, at most `points` of them (keeps the milk volume honest)."""
    if values.size <= points:
        return values
    edges = np.linspace(0, values.size, points + 1).astype(int)
    return np.add.reduceat(values, edges[:-1]) / np.diff(edges)


def _times(start_s: float, end_s: float, points: int) -> list[float]:
    """Evenly spaced chart times (the centres of the averaging bins, to within half a bin)."""
    return [round(float(v), 1) for v in np.linspace(start_s, end_s, points)]


def _average(summary: dict[str, np.ndarray], rows: slice) -> dict[str, float | None]:
    first = summary["first_ejection_s"][rows]
    came = first[np.isfinite(first)]
    return {
        "letdowns": round(float(summary["n_ejections"][rows].mean()), 1),
        "pulses": round(float(summary["n_bursts"][rows].mean()), 1),
        "milk_ml": round(float(summary["milk_ml"][rows].mean()), 1),
        "first_letdown_s": round(float(np.median(came))) if came.size else None,
        "share_with_letdown": round(float(came.size / first.size), 2),
        "share_release_before_start": round(
            float((summary["n_bursts_before_start"][rows] > 0).mean()), 2
        ),
    }


def _one_session(summary: dict[str, np.ndarray], records: Any, row: int) -> dict[str, Any]:
    ejections = []
    for slot in range(int(summary["n_ejections"][row])):
        if slot >= summary["ejection_start_s"].shape[1]:
            break
        ejections.append(
            {
                "start_s": round(float(summary["ejection_start_s"][row, slot]), 1),
                "end_s": round(float(summary["ejection_end_s"][row, slot]), 1),
                "felt": bool(summary["ejection_felt"][row, slot]),
            }
        )
    t_s = records.t_s
    flow = records.flow_ml_s[:, row, :].sum(1)
    first = summary["first_ejection_s"][row]
    return {
        "series": {
            "t_s": _times(float(t_s[0]), float(t_s[-1]), min(t_s.size, MAX_POINTS)),
            "oxytocin_uU_ml": [
                round(float(v), 2) for v in _downsample(records.oxytocin_uU_ml[:, row], MAX_POINTS)
            ],
            "flow_ml_s": [round(float(v), 3) for v in _downsample(flow, MAX_POINTS)],
        },
        "ejections": ejections,
        "letdowns": len(ejections),
        "pulses": int(summary["n_bursts"][row]),
        "milk_ml": round(float(summary["milk_ml"][row]), 1),
        "first_letdown_s": None if not math.isfinite(first) else round(float(first)),
    }


def explain(params: Mapping[str, Any]) -> dict[str, Any]:
    """Simulate `COHORT_SIZE` mothers with her choices and the same mothers at the baseline
    (same kind and length, calm, no helps, 8 weeks, first lactation) in one seeded batch.
    JSON-ready."""
    choices = validate(params)
    baseline = Choices(kind=choices.kind, minutes=choices.minutes)
    template = sample_mothers(COHORT_SIZE, SEED)
    chosen_mothers = [
        m.with_experience(choices.weeks_postpartum * 7.0, choices.lactation_number)
        for m in template
    ]
    base_mothers = [m.with_experience(BASELINE_WEEKS * 7.0, 1) for m in template]
    n = COHORT_SIZE
    scenarios = [_scenario(choices)] * n + [_scenario(baseline)] * n
    summary, records = run(build_batch(chosen_mothers + base_mothers, scenarios), SEED, record=True)
    assert records is not None
    chosen_rows, base_rows = slice(0, n), slice(n, 2 * n)
    # "This session": the mother whose milk was the median with her choices.
    row = int(np.argsort(summary["milk_ml"][chosen_rows], kind="stable")[n // 2])
    return {
        "choices": {
            **asdict(choices),
            "lactation": "first" if choices.lactation_number == 1 else "later",
        },
        "in_words": choices_in_words(choices),
        "seed": SEED,
        "cohort_size": n,
        "average": {
            "chosen": _average(summary, chosen_rows),
            "baseline": _average(summary, base_rows),
        },
        "session": _one_session(summary, records, row),
        "baseline": _one_session(summary, records, n + row),
        "findings": _findings(choices, baseline),
    }


# ---- the page's choices, precomputed ----

# Every combination the page offers (the form is built from these): a table of `explain` for
# each ships with the package, so the public page never simulates on demand.
PAGE_OPTIONS: dict[str, tuple[Any, ...]] = {
    "kind": KINDS,
    "anxiety": (0.0, 0.3, 0.6, 0.9),
    "warm_compress_min": (0.0, 5.0, 10.0, 20.0),
    "baby_cry_s": (0.0, 30.0, 120.0),
    "weeks_postpartum": (1.0, 2.0, 4.0, 8.0, 26.0, 52.0),
    "lactation": ("first", "later"),
}
PAGE_DEFAULTS: dict[str, Any] = {
    "kind": "breastfeed",
    "anxiety": 0.0,
    "warm_compress_min": 0.0,
    "baby_cry_s": 0.0,
    "weeks_postpartum": BASELINE_WEEKS,
    "lactation": "first",
}
TABLE_PATH = Path(__file__).with_name("explainer_table.npz")
_SERIES = ("oxytocin_uU_ml", "flow_ml_s")
_SCALE = {"oxytocin_uU_ml": 100.0, "flow_ml_s": 1000.0}  # the decimals `explain` rounds to


def page_key(params: Mapping[str, Any]) -> str:
    """The table key of one page combination, in `PAGE_OPTIONS` order."""
    return "|".join(_key_part(params[name]) for name in PAGE_OPTIONS)


def _key_part(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{float(value):g}"
    return str(value)


def page_combinations() -> list[dict[str, Any]]:
    names = list(PAGE_OPTIONS)
    return [dict(zip(names, values, strict=True)) for values in product(*PAGE_OPTIONS.values())]


def build_table(path: Path = TABLE_PATH, processes: int | None = None) -> int:
    """Run `explain` for every page combination (in `processes` worker processes) and write the
    table; returns how many."""
    keys, meta, series, times = [], [], [], []
    combinations = page_combinations()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(explain, combinations, chunksize=8)
    for params, result in zip(combinations, results, strict=True):
        runs = (result["session"], result["baseline"])
        keys.append(page_key(params))
        series.append(
            [[round(v * _SCALE[name]) for v in r["series"][name]] for r in runs for name in _SERIES]
        )
        times.append([[r["series"]["t_s"][0], r["series"]["t_s"][-1]] for r in runs])
        for r in runs:
            r["series"] = {}
        meta.append(result)
    np.savez_compressed(
        path,
        keys=np.array(keys),
        series=np.array(series, dtype=np.uint16),
        times=np.array(times, dtype=np.float64),
        meta=np.frombuffer(json.dumps(meta, separators=(",", ":")).encode(), dtype=np.uint8),
    )
    return len(keys)


@cache
def _table(path: Path = TABLE_PATH) -> dict[str, tuple[dict[str, Any], np.ndarray, np.ndarray]]:
    with np.load(path) as data:
        meta = json.loads(data["meta"].tobytes().decode())
        return {
            str(key): (entry, series, times)
            for key, entry, series, times in zip(
                data["keys"], meta, data["series"], data["times"], strict=True
            )
        }


def from_table(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """`explain(params)` for a page combination, read from the shipped table; None for any
    other combination (or when no table has been built)."""
    if not TABLE_PATH.exists() or set(params) != set(PAGE_OPTIONS):
        return None
    found = _table().get(page_key(params))
    if found is None:
        return None
    entry, series, times = found
    result: dict[str, Any] = json.loads(json.dumps(entry))
    for index, key in enumerate(("session", "baseline")):
        start, end = times[index]
        values = series[index * len(_SERIES) : (index + 1) * len(_SERIES)]
        result[key]["series"] = {
            "t_s": _times(float(start), float(end), values.shape[1]),
            **{
                name: [round(float(v) / _SCALE[name], 3) for v in values[i]]
                for i, name in enumerate(_SERIES)
            },
        }
    return result
