"""Anxiety before a session against time to first let-down: scatter data, per-level medians
from Kaplan–Meier, and a rank correlation over the sessions that had a let-down."""

from __future__ import annotations

import numpy as np

from . import wording
from .rank import rank_correlation
from .results import AnxietyLevel, AnxietyPoint, AnxietySection
from .survival import kaplan_meier
from .table import SessionTable

# The scatter keeps her most recent points: enough to see the cloud, light enough to cache.
ANXIETY_POINTS_KEPT = 300
MIN_SESSIONS_FOR_CORRELATION = 10


def anxiety_section(table: SessionTable) -> AnxietySection:
    rows = (~np.isnan(table.anxiety)).nonzero()[0]
    anxiety = table.anxiety[rows].astype(int)
    time_s = table.time_s[rows]
    let_down = table.let_down[rows]

    levels = []
    for level in np.unique(anxiety):
        at_level = anxiety == level
        fit = kaplan_meier(time_s[at_level], let_down[at_level])
        assert fit is not None
        levels.append(
            AnxietyLevel(
                anxiety=int(level),
                n_sessions=fit.n_sessions,
                n_censored=fit.n_censored,
                median_s=fit.quantile_value_s(0.5),
                quartile_1_s=fit.quantile_value_s(0.25),
                quartile_3_s=fit.quantile_value_s(0.75),
            )
        )

    # A rank correlation cannot use a censored time (it is only a lower bound), so it is
    # computed over the sessions that let down; the per-level medians above do use censoring.
    correlation = rank_correlation(
        anxiety[let_down].astype(float), time_s[let_down], minimum=MIN_SESSIONS_FOR_CORRELATION
    )
    kept = slice(max(0, len(rows) - ANXIETY_POINTS_KEPT), len(rows))
    return AnxietySection(
        n_sessions=len(rows),
        n_with_letdown=int(let_down.sum()),
        points=tuple(
            # Plain Python values (tolist) are much quicker to take apart than numpy scalars.
            AnxietyPoint(anxiety=a, time_s=t, let_down=d)
            for a, t, d in zip(
                anxiety[kept].tolist(), time_s[kept].tolist(), let_down[kept].tolist(), strict=True
            )
        ),
        levels=tuple(levels),
        rank_correlation=None if correlation is None else correlation.rho,
        rank_correlation_lower=None if correlation is None else correlation.lower,
        rank_correlation_upper=None if correlation is None else correlation.upper,
        p_value=None if correlation is None else correlation.p_value,
        summary=wording.anxiety_summary(
            n_sessions=int(let_down.sum()),
            rank_correlation=None if correlation is None else correlation.rho,
            lower=None if correlation is None else correlation.lower,
            upper=None if correlation is None else correlation.upper,
            minimum=MIN_SESSIONS_FOR_CORRELATION,
        ),
    )
