"""`letdown reflex fit`: estimate the fitted parameters from the calibration targets only.

Objective: the sum over calibration targets of ((model - mean) / half-width)^2, where the
half-width is half the target's acceptance interval (about 1.96 standard errors), on cohorts of
`FIT_MOTHERS` mothers with one seed (common random numbers: every evaluation sees the same
mothers and the same noise, so the objective is deterministic). Parameters move in log space
within a factor `BOUND_FACTOR` of their defaults. Optimiser: scipy.optimize.least_squares (trust
region reflective, finite differences with a 5 % step; at most `max_iterations` steps, each
costing one evaluation per parameter for the Jacobian). The validation targets are never read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from scipy.optimize import least_squares

from .parameters import DEFAULTS, FITTED, FITTED_PATH, Parameters
from .validation import Target, check_targets, load_targets

FIT_MOTHERS = 200
FIT_SEED = 11
BOUND_FACTOR = 3.0
OBJECTIVE = (
    "sum over calibration targets of ((model - published mean) / half the acceptance interval)^2"
)


def calibration_targets() -> list[Target]:
    return [t for t in load_targets() if t.set == "calibration"]


def residuals(
    parameters: Parameters, targets: list[Target], n_mothers: int, seed: int
) -> np.ndarray:
    """One standardised residual per target; a model value that is not a number counts as far
    off (10 half-widths) so the optimiser moves away from it."""
    checks = check_targets(targets, n_mothers, seed, parameters)
    out = []
    for target, check in zip(targets, checks, strict=True):
        half = (target.high - target.low) / 2.0
        if not math.isfinite(check.model) or not half > 0:
            out.append(10.0)
        else:
            out.append((check.model - target.mean) / half)
    return np.array(out)


def with_values(base: Parameters, names: tuple[str, ...], log_values: np.ndarray) -> Parameters:
    return dataclasses.replace(
        base, **{n: float(math.exp(v)) for n, v in zip(names, log_values, strict=True)}
    )


def fit(
    n_mothers: int = FIT_MOTHERS,
    seed: int = FIT_SEED,
    max_iterations: int = 6,
    names: tuple[str, ...] = FITTED,
    start_from: Parameters = DEFAULTS,
) -> dict[str, Any]:
    """Run the fit from `start_from` (the defaults in `parameters.py`, or the last fit's values to
    continue it); the bounds stay a factor around the defaults. Returns the provenance record."""
    targets = calibration_targets()
    start = np.array([math.log(getattr(start_from, n)) for n in names])
    centre = np.array([math.log(getattr(DEFAULTS, n)) for n in names])
    span = math.log(BOUND_FACTOR)
    evaluations = 0

    def objective(x: np.ndarray) -> np.ndarray:
        nonlocal evaluations
        evaluations += 1
        return residuals(with_values(start_from, names, x), targets, n_mothers, seed)

    before = objective(start)
    result = least_squares(
        objective,
        start,
        bounds=(centre - span, centre + span),
        diff_step=0.05,
        max_nfev=max_iterations,  # trf counts steps, not the Jacobian's evaluations
        x_scale=1.0,
    )
    fitted = with_values(start_from, names, result.x)
    after = residuals(fitted, targets, n_mothers, seed)
    return {
        "procedure": "scipy.optimize.least_squares (trf), log-space, finite differences (5 %)",
        "objective": OBJECTIVE,
        "scipy": scipy.__version__,
        "seed": seed,
        "n_mothers": n_mothers,
        "bound_factor": BOUND_FACTOR,
        "evaluations": evaluations,
        "status": result.message,
        "fitted_on": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "calibration_targets": [t.id for t in targets],
        "objective_before": round(float(np.sum(before**2)), 4),
        "objective_after": round(float(np.sum(after**2)), 4),
        "residuals_after": {t.id: round(float(r), 3) for t, r in zip(targets, after, strict=True)},
        "defaults": {n: getattr(DEFAULTS, n) for n in names},
        "started_from": {n: getattr(start_from, n) for n in names},
        "values": {n: float(f"{getattr(fitted, n):.6g}") for n in names},
    }


def write(record: dict[str, Any], path: Path = FITTED_PATH) -> None:
    path.write_text(json.dumps(record, indent=2) + "\n")
