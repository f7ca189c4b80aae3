"""Time to first let-down (Kaplan–Meier per kind) and her pump switch time.

The pump switch time is the time by which 3 in 4 of her recent pumping sessions had let down,
read from the Kaplan–Meier curve so that sessions which ended without a let-down count.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from letdown.core.survival import (
    PUMP_SWITCH_MIN_SESSIONS,
    PUMP_SWITCH_RECENT_SESSIONS,
    PUMP_SWITCH_SHARE,
)

from .clock import DAY_S, local_seconds
from .results import (
    CurvePoint,
    FirstLetdownCurve,
    FirstLetdownSection,
    PumpSwitchSection,
    TimeEstimate,
)
from .survival import kaplan_meier, median_s
from .table import NURSING, PUMPING, SessionTable

CURVE_KINDS = (NURSING, PUMPING)

# "By 2 minutes, 70 % of your sessions had let down": two minutes is also the usual length of
# a pump's stimulation phase, so the figure means something for both kinds.
REFERENCE_TIME_S = 120.0

# Home's "median time to first let-down, last 7 days": today and the six days before it.
RECENT_DAYS = 7


def first_letdown_section(
    table: SessionTable, *, now: datetime, tz: ZoneInfo
) -> FirstLetdownSection:
    curves = []
    for kind in CURVE_KINDS:
        rows = table.kind == kind
        fit = kaplan_meier(table.time_s[rows], table.let_down[rows])
        if fit is None:
            median = TimeEstimate(value_s=None, lower_s=None, upper_s=None)
            points: tuple[CurvePoint, ...] = ()
            share = None
            n_sessions = n_censored = 0
        else:
            median = fit.quantile(0.5)
            points = fit.curve_points()
            share = fit.share_let_down_at(REFERENCE_TIME_S)
            n_sessions, n_censored = fit.n_sessions, fit.n_censored
        curves.append(
            FirstLetdownCurve(
                kind=kind,
                n_sessions=n_sessions,
                n_censored=n_censored,
                points=points,
                median=median,
                reference_time_s=REFERENCE_TIME_S,
                share_by_reference_time=share,
            )
        )
    today = int(np.floor(local_seconds(np.array([now.timestamp()]), tz)[0] / DAY_S))
    recent = table.local_day >= today - (RECENT_DAYS - 1)
    return FirstLetdownSection(
        curves=tuple(curves),
        recent_days=RECENT_DAYS,
        recent_n_sessions=int(recent.sum()),
        recent_median_s=median_s(table.time_s[recent], table.let_down[recent]),
    )


def pump_switch_section(table: SessionTable) -> PumpSwitchSection:
    rows = (table.kind == PUMPING).nonzero()[0][-PUMP_SWITCH_RECENT_SESSIONS:]
    n_sessions = len(rows)
    n_censored = int((~table.let_down[rows]).sum())
    switch = TimeEstimate(value_s=None, lower_s=None, upper_s=None)
    reason: str | None
    if n_sessions < PUMP_SWITCH_MIN_SESSIONS:
        reason = "few_sessions"
    else:
        fit = kaplan_meier(table.time_s[rows], table.let_down[rows])
        assert fit is not None
        switch = fit.quantile(PUMP_SWITCH_SHARE)
        reason = None if switch.value_s is not None else "not_reached"
    return PumpSwitchSection(
        switch_time_s=switch.value_s,
        lower_s=switch.lower_s,
        upper_s=switch.upper_s,
        n_sessions=n_sessions,
        n_censored=n_censored,
        minimum_sessions=PUMP_SWITCH_MIN_SESSIONS,
        reason=reason,
    )
