"""`letdown reflex sensitivity`: move each fitted parameter up and down and see which targets
move. A parameter that moves no target by a meaningful amount is not identified by the targets
we have, and is named as such."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .parameters import FITTED, PARAMETERS, Parameters
from .validation import check_targets, load_targets

# A target "moves" when a step changes its value by at least this share of its acceptance
# interval's half-width (the interval is about +/- 1.96 standard errors).
MOVES_AT = 0.25


def sensitivity(
    n_mothers: int = 300,
    seed: int = 2024,
    step: float = 0.2,
    base: Parameters = PARAMETERS,
    names: tuple[str, ...] = FITTED,
    target_ids: tuple[str, ...] | None = None,
) -> list[tuple[str, dict[str, float]]]:
    """For each fitted parameter: target id -> the largest change (in half-widths) that a
    +/- `step` relative change of the parameter makes. Same mothers and noise throughout."""
    targets = [t for t in load_targets() if target_ids is None or t.id in target_ids]
    reference = check_targets(targets, n_mothers, seed, base)
    rows = []
    for name in names:
        value = getattr(base, name)
        effect = dict.fromkeys((t.id for t in targets), 0.0)
        for factor in (1.0 - step, 1.0 + step):
            moved = dataclasses.replace(base, **{name: value * factor})
            for t, before, after in zip(
                targets, reference, check_targets(targets, n_mothers, seed, moved), strict=True
            ):
                half = (t.high - t.low) / 2.0
                if not math.isfinite(half) or half <= 0:
                    half = max(abs(before.model), 1e-9) * 0.1
                change = abs(after.model - before.model) / half
                if not math.isfinite(change):
                    change = (
                        math.inf
                        if math.isfinite(before.model) != math.isfinite(after.model)
                        else 0.0
                    )
                effect[t.id] = max(effect[t.id], change)
        rows.append((name, effect))
    return rows


def unconstrained(rows: list[tuple[str, dict[str, float]]]) -> list[str]:
    """Fitted parameters that move no calibration target."""
    calibration = {t.id for t in load_targets() if t.set == "calibration"}
    return [
        name
        for name, effect in rows
        if not any(effect[i] >= MOVES_AT for i in calibration if i in effect)
    ]


def format_sensitivity(rows: list[tuple[str, dict[str, float]]], step: float) -> str:
    sets = {t.id: t.set for t in load_targets()}
    lines = [
        f"each fitted parameter moved by +/- {step:.0%}; targets that move by at least "
        f"{MOVES_AT} of their tolerance half-width (c = calibration, v = validation)"
    ]
    for name, effect in rows:
        moved = sorted(((e, i) for i, e in effect.items() if e >= MOVES_AT), reverse=True)
        text = ", ".join(f"{i} ({sets[i][0]}) {e:.2g}" for e, i in moved[:8])
        extra = f" and {len(moved) - 8} more" if len(moved) > 8 else ""
        lines.append(f"{name}: {text or 'NO TARGET MOVES'}{extra}")
    loose = unconstrained(rows)
    lines.append(
        "not constrained by any calibration target: " + (", ".join(loose) if loose else "none")
    )
    total = np.mean([max(e.values()) for _, e in rows]) if rows else 0.0
    lines.append(f"(mean of each parameter's largest effect: {total:.2g} half-widths)")
    return "\n".join(lines)
