"""What seems to help her: each technique, trigger and context against its absence.

For each factor: sessions with and without it, their Kaplan–Meier medians, and one Cox model
holding all factors that reach the minimum, so each hazard ratio is adjusted for the others and
for her stage since the birth, the lactation and the session kind (`adjust`). The intervals are
clustered by day and Bonferroni-widened for the number of factors compared. Below the minimum
it says how many more sessions are needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .adjust import adjustment_columns
from .results import MIN_SESSIONS_WITH_LETDOWN_PER_GROUP, FactorEffect, WhatHelpsSection
from .survival import HazardRatio, cox_hazard_ratios, median_s, ratio_fields
from .table import SessionTable

# Her reflex changes over a lactation (it conditions, and what she tries changes too), so the
# comparison uses her recent sessions; this is about four months of heavy use.
HELP_WINDOW_SESSIONS = 500

# Fewer let-downs than this per factor in the model makes Cox estimates unstable
# (Vittinghoff & McCulloch 2007 found 5 to 9 events per variable mostly adequate).
MIN_EVENTS_PER_FACTOR = 5

ANXIETY_HIGH_FROM = 5

# The chance, over all the factors compared, that any one looks clear when none matters.
FAMILY_ALPHA = 0.05

# The order aids are listed in (the logbook's order); an aid not named here comes after them.
AID_ORDER = (
    "warm_drink",
    "warm_compress",
    "breast_massage",
    "hand_expression",
    "relaxing_music",
    "imagery",
    "breathing",
    "baby_cry",
    "baby_photo",
    "scent_cloth",
    "skin_to_skin",
    "baby_nearby",
)

# Bands of her local clock, (name, first hour, end hour); a band's factor slug is time_<name>.
TIME_BANDS = (
    ("night", 0, 6),
    ("morning", 6, 12),
    ("afternoon", 12, 18),
    ("evening", 18, 24),
)


@dataclass
class _Factor:
    slug: str
    group: str
    reference: str | None
    with_rows: np.ndarray  # bool over the window
    # Bool over the window. A session can be neither with nor without (another time band, no
    # anxiety logged): see `_design` for how the model treats those.
    without_rows: np.ndarray
    n_with_letdown: int = 0
    n_without_letdown: int = 0

    @property
    def eligible(self) -> bool:
        return (
            min(self.n_with_letdown, self.n_without_letdown) >= MIN_SESSIONS_WITH_LETDOWN_PER_GROUP
        )


def what_helps_section(table: SessionTable) -> WhatHelpsSection:
    window = np.arange(max(0, len(table) - HELP_WINDOW_SESSIONS), len(table))
    time_s = table.time_s[window]
    let_down = table.let_down[window]
    factors = (
        _aid_factors(table, window) + _band_factors(table, window) + _anxiety_factors(table, window)
    )
    for factor in factors:
        factor.n_with_letdown = int(let_down[factor.with_rows].sum())
        factor.n_without_letdown = int(let_down[factor.without_rows].sum())

    # Several factors are compared at once: at 95 % each, one in twenty null factors would
    # look clear by chance. Bonferroni intervals hold for all of them together.
    n_compared = sum(1 for factor in factors if factor.eligible)
    confidence = 1.0 - FAMILY_ALPHA / max(1, n_compared)
    hazard_ratios, adjusted = _adjusted_hazard_ratios(table, window, factors, confidence)
    effects = [_effect(factor, time_s, let_down, hazard_ratios, adjusted) for factor in factors]

    estimated = [effect for effect in effects if effect.status == "estimated"]
    clear = [effect for effect in estimated if effect.clear]
    clearest = max(clear, key=lambda effect: abs(np.log(effect.hazard_ratio or 1.0)), default=None)
    return WhatHelpsSection(
        n_sessions=len(window),
        window_sessions=HELP_WINDOW_SESSIONS,
        minimum_per_group=MIN_SESSIONS_WITH_LETDOWN_PER_GROUP,
        n_compared=n_compared,
        interval_confidence=confidence,
        factors=tuple(effects),
        clearest=None if clearest is None else clearest.slug,
    )


def _aid_factors(table: SessionTable, window: np.ndarray) -> list[_Factor]:
    in_window = table.aid_used[window].any(axis=0)
    used = sorted(slug for slug, present in zip(table.aid_slugs, in_window, strict=True) if present)
    used.sort(
        key=lambda slug: (AID_ORDER.index(slug) if slug in AID_ORDER else len(AID_ORDER), slug)
    )
    factors = []
    for slug in used:
        with_rows = table.has_aid(slug, window)
        factors.append(
            _Factor(
                slug=slug,
                group="aid",
                reference=None,
                with_rows=with_rows,
                without_rows=~with_rows,
            )
        )
    return factors


def _band_factors(table: SessionTable, window: np.ndarray) -> list[_Factor]:
    """Each time-of-day band against her most common band (the reference)."""
    hours = table.local_hour[window]
    masks = {name: (hours >= start) & (hours < end) for name, start, end in TIME_BANDS}
    reference_name, _, _ = max(TIME_BANDS, key=lambda band: int(masks[band[0]].sum()))
    factors = []
    for name, _, _ in TIME_BANDS:
        if name == reference_name or not masks[name].any():
            continue
        factors.append(
            _Factor(
                slug=f"time_{name}",
                group="time_of_day",
                reference=f"time_{reference_name}",
                with_rows=masks[name],
                without_rows=masks[reference_name],
            )
        )
    return factors


def _anxiety_factors(table: SessionTable, window: np.ndarray) -> list[_Factor]:
    anxiety = table.anxiety[window]
    known = ~np.isnan(anxiety)
    if not known.any():
        return []
    high = known & (anxiety >= ANXIETY_HIGH_FROM)
    return [
        _Factor(
            slug="anxiety_high",
            group="anxiety",
            reference=None,
            with_rows=high,
            without_rows=known & ~high,
        )
    ]


def _adjusted_hazard_ratios(
    table: SessionTable, window: np.ndarray, factors: list[_Factor], confidence: float
) -> tuple[dict[str, HazardRatio | None], set[str]]:
    """Hazard ratios by slug, and the slugs adjusted for the other factors.

    Every model weighs her stage since the birth, the lactation and the session kind
    (`adjust.adjustment_columns`), and its intervals allow for sessions of one day being alike
    (clustered by her local day). One model holds the eligible factors, dropping the thinnest
    until each has enough let-downs behind it. A factor dropped that way (early on, with few
    sessions) still meets the stated minimum, so it gets a model of its own, with the same
    adjustment but not the other factors.
    """
    included = [factor for factor in factors if factor.eligible]
    alone: list[_Factor] = []
    let_down = table.let_down[window]
    time_s = table.time_s[window]
    day = table.local_day[window]
    ratios: dict[str, HazardRatio | None] = {}
    while included:
        rows, columns = _design(included, let_down)
        n_events = int(let_down[rows].sum())
        if n_events >= MIN_EVENTS_PER_FACTOR * len(columns):
            fitted = cox_hazard_ratios(
                time_s[rows],
                let_down[rows],
                np.column_stack([column[rows] for column in columns.values()]),
                adjust_for=adjustment_columns(table, window[rows], n_events=n_events),
                clusters=day[rows],
                confidence=confidence,
            )
            by_slug = dict(zip(columns, fitted, strict=True))
            ratios = {factor.slug: by_slug.get(factor.slug) for factor in included}
            break
        thinnest = min(included, key=lambda f: min(f.n_with_letdown, f.n_without_letdown))
        included.remove(thinnest)
        alone.append(thinnest)
    for factor in alone:
        rows = factor.with_rows | factor.without_rows
        (ratios[factor.slug],) = cox_hazard_ratios(
            time_s[rows],
            let_down[rows],
            factor.with_rows[rows].astype(float)[:, None],
            adjust_for=adjustment_columns(table, window[rows], n_events=int(let_down[rows].sum())),
            clusters=day[rows],
            confidence=confidence,
        )
    return ratios, {factor.slug for factor in included}


def _design(
    included: list[_Factor], let_down: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Rows and covariate columns (by slug) of the model.

    A technique is simply present or absent. A time band is compared with the reference band,
    so sessions in bands too thin for a column of their own are left out of the model. Sessions
    without an anxiety score get their own column when there are enough of them to estimate
    it, and are left out otherwise.
    """
    rows = np.ones(len(let_down), dtype=bool)
    columns: dict[str, np.ndarray] = {}
    bands = [factor for factor in included if factor.group == "time_of_day"]
    if bands:
        rows &= bands[0].without_rows | np.logical_or.reduce([f.with_rows for f in bands])
    for factor in included:
        columns[factor.slug] = factor.with_rows.astype(float)
        if factor.group == "anxiety":
            unknown = ~(factor.with_rows | factor.without_rows)
            if let_down[unknown].sum() >= MIN_SESSIONS_WITH_LETDOWN_PER_GROUP:
                columns["anxiety_unknown"] = unknown.astype(float)
            else:
                rows &= ~unknown
    return rows, columns


def _effect(
    factor: _Factor,
    time_s: np.ndarray,
    let_down: np.ndarray,
    hazard_ratios: dict[str, HazardRatio | None],
    adjusted: set[str],
) -> FactorEffect:
    median_with = median_s(time_s[factor.with_rows], let_down[factor.with_rows])
    median_without = median_s(time_s[factor.without_rows], let_down[factor.without_rows])
    more_needed_with = max(0, MIN_SESSIONS_WITH_LETDOWN_PER_GROUP - factor.n_with_letdown)
    more_needed_without = max(0, MIN_SESSIONS_WITH_LETDOWN_PER_GROUP - factor.n_without_letdown)
    ratio = hazard_ratios.get(factor.slug)
    if not factor.eligible:
        status = "not_enough_sessions"
    elif ratio is None:
        status = "not_estimable"
    else:
        status = "estimated"
    return FactorEffect(
        slug=factor.slug,
        group=factor.group,
        reference=factor.reference,
        n_with=int(factor.with_rows.sum()),
        n_without=int(factor.without_rows.sum()),
        n_with_letdown=factor.n_with_letdown,
        n_without_letdown=factor.n_without_letdown,
        median_with_s=median_with,
        median_without_s=median_without,
        status=status,
        adjusted_for_other_factors=factor.slug in adjusted and ratio is not None,
        **ratio_fields(ratio),
        more_needed_with=more_needed_with,
        more_needed_without=more_needed_without,
    )
