"""What every comparison of let-down times is adjusted for: her stage since the birth, the
lactation and the session kind.

Let-down gets quicker over the first weeks (the reflex conditions, and the baby feeds better),
and what she uses changes over the same weeks: without the stage in the model, anything she
took up later looks helpful (Sakalidis 2013 for feeding at 16 days against 3; McNeilly 1983 for
the conditioned release). So a session is compared with her sessions at the same stage.
"""

from __future__ import annotations

import numpy as np

from .survival import group_dummies
from .table import SessionTable

# A spline with more knots needs more let-downs behind it: Harrell's rule of thumb of about
# ten to fifteen events per column, counting the factors compared as well.
_KNOTS_BY_EVENTS = ((80, (0.05, 0.35, 0.65, 0.95)), (30, (0.1, 0.5, 0.9)))


def stage_columns(stage_weeks: np.ndarray, n_events: int) -> np.ndarray:
    """A smooth term for the stage: a restricted cubic spline (Harrell's, linear in the tails)
    of log(1 + weeks), with 2 or 3 columns as the let-downs allow, else the log alone."""
    x = np.log1p(np.maximum(np.asarray(stage_weeks, dtype=float), 0.0))
    if len(x) == 0 or np.ptp(x) == 0.0:
        return np.zeros((len(x), 0))
    columns = [x]
    knot_shares = next((shares for least, shares in _KNOTS_BY_EVENTS if n_events >= least), ())
    knots = np.unique(np.quantile(x, knot_shares)) if knot_shares else np.zeros(0)
    if len(knots) >= 3:
        last, before_last = knots[-1], knots[-2]
        scale = (last - knots[0]) ** 2

        def cube(value: float) -> np.ndarray:
            cubed: np.ndarray = np.maximum(x - value, 0.0) ** 3
            return cubed

        for knot in knots[:-2]:
            columns.append(
                (
                    cube(knot)
                    - cube(before_last) * (last - knot) / (last - before_last)
                    + cube(last) * (before_last - knot) / (last - before_last)
                )
                / scale
            )
    return np.column_stack(columns)


def adjustment_columns(
    table: SessionTable, rows: np.ndarray, *, n_events: int, by_lactation: bool = True
) -> np.ndarray:
    """The columns a model of these rows (indices or a mask into the table) weighs without
    reporting: the session kind and the lactation as 0/1 columns, and the stage."""
    kind = table.kind[rows].astype(str)
    parts = [group_dummies(kind), stage_columns(table.stage_weeks[rows], n_events)]
    if by_lactation:
        parts.append(group_dummies(table.lactation_id[rows]))
    return np.column_stack(parts)
