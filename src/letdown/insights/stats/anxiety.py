"""Anxiety before a session against time to first let-down: scatter data, per-level medians
from Kaplan–Meier, and the let-down rate after higher anxiety from the what-helps model.

Sessions that ended without a let-down count, censored, as everywhere else: dropping them would
hide the strongest effect (the most anxious sessions are the likeliest to end without one). The
rate is the `anxiety_high` factor of the one what-helps model, so it is held to the same rules:
at the same stage and kind, weighed against what she used, errors clustered by day, and the
Bonferroni widening for all the comparisons made together."""

from __future__ import annotations

import numpy as np

from .results import AnxietyLevel, AnxietyPoint, AnxietySection, FactorEffect
from .survival import kaplan_meier
from .table import SessionTable

# The scatter keeps her most recent points: enough to see the cloud, light enough to cache.
ANXIETY_POINTS_KEPT = 300


def anxiety_section(table: SessionTable, anxiety_high: FactorEffect | None) -> AnxietySection:
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
        high=anxiety_high,
    )
