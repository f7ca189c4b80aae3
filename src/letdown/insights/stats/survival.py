"""Thin wrappers around statsmodels' Kaplan–Meier and Cox estimators for time to let-down.

They turn statsmodels' NaN and infinity into None, silence its warnings on degenerate data
(no events, one session), and keep the Cox fits fast enough for a page.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight

from letdown.core.survival import median_time_s, survival_quantile_s

from .results import CurvePoint, TimeEstimate

_Z_95 = 1.959963984540054

# A curve keeps a point only when the share changed by at least this much since the last
# point kept: two years of sessions give thousands of steps, a chart needs a few hundred.
_CURVE_MIN_SHARE_STEP = 0.005


def _finite_or_none(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


@dataclass(frozen=True)
class KaplanMeier:
    """A fitted Kaplan–Meier curve of the time to first let-down."""

    fit: SurvfuncRight
    n_sessions: int
    n_censored: int
    max_time_s: float

    def quantile(self, probability: float) -> TimeEstimate:
        """Time by which `probability` of sessions had let down, with its 95 % interval.

        The interval is statsmodels' (inverting the log-log transformed test at each time).
        """
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lower, upper = self.fit.quantile_ci(probability)
        return TimeEstimate(
            value_s=self.quantile_value_s(probability),
            lower_s=_finite_or_none(lower),
            upper_s=_finite_or_none(upper),
        )

    def quantile_value_s(self, probability: float) -> float | None:
        """The time by which `probability` of sessions had let down, read from the curve as R's
        survival package reads it (see `letdown.core.survival.survival_quantile_s`, which home
        uses too). statsmodels' own `quantile` waits until the survival is strictly below
        1 - probability and never takes the midpoint of a flat.
        """
        return survival_quantile_s(
            self.fit.surv_times, self.fit.surv_prob, self.max_time_s, probability
        )

    def survival_at(self, time_s: float) -> float | None:
        """The estimated share of sessions still without a let-down at `time_s`."""
        times = self.fit.surv_times
        index = int(np.searchsorted(times, time_s, side="right")) - 1
        survival = 1.0 if index < 0 else float(self.fit.surv_prob[index])
        # Past the longest session the curve says nothing, unless every session had let down.
        if time_s > self.max_time_s and survival > 0.0:
            return None
        return survival

    def share_let_down_at(self, time_s: float) -> float | None:
        survival = self.survival_at(time_s)
        return None if survival is None else 1.0 - survival

    def curve_points(self) -> tuple[CurvePoint, ...]:
        """The step curve as shares that had let down, with a pointwise 95 % band (log-log)."""
        survival = np.asarray(self.fit.surv_prob, dtype=float)
        se = np.asarray(self.fit.surv_prob_se, dtype=float)
        times = np.asarray(self.fit.surv_times, dtype=float)
        with np.errstate(all="ignore"):
            log_survival = np.log(survival)
            theta_se = se / np.abs(survival * log_survival)
            theta = np.log(-log_survival)
            survival_low = np.exp(-np.exp(theta + _Z_95 * theta_se))
            survival_high = np.exp(-np.exp(theta - _Z_95 * theta_se))
        points = [CurvePoint(time_s=0.0, letdown_share=0.0, lower=0.0, upper=0.0)]
        last_share = 0.0
        for index in range(len(times)):
            share = 1.0 - float(survival[index])
            is_last = index == len(times) - 1
            if share - last_share < _CURVE_MIN_SHARE_STEP and not is_last:
                continue
            last_share = share
            low, high = survival_low[index], survival_high[index]
            points.append(
                CurvePoint(
                    time_s=float(times[index]),
                    letdown_share=share,
                    lower=float(1.0 - high) if np.isfinite(high) else None,
                    upper=float(1.0 - low) if np.isfinite(low) else None,
                )
            )
        return tuple(points)


def kaplan_meier(time_s: np.ndarray, let_down: np.ndarray) -> KaplanMeier | None:
    """Fit the curve; sessions that ended without a let-down are censored at their end."""
    if len(time_s) == 0:
        return None
    time_s = np.asarray(time_s, dtype=float)
    status = np.asarray(let_down, dtype=float)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = SurvfuncRight(time_s, status)
    return KaplanMeier(
        fit=fit,
        n_sessions=len(time_s),
        n_censored=int(len(time_s) - status.sum()),
        max_time_s=float(time_s.max()),
    )


def median_s(time_s: np.ndarray, let_down: np.ndarray) -> float | None:
    """The Kaplan–Meier median time to first let-down of a group, None if empty or not reached:
    the one function home's 7-day median uses too."""
    return median_time_s(time_s, let_down)


@dataclass(frozen=True)
class HazardRatio:
    """How many times the let-down rate of one group is that of the other, with its interval.

    Above 1: let-down comes sooner in the group; below 1: later.
    """

    value: float
    lower: float
    upper: float


def ratio_fields(ratio: HazardRatio | None) -> dict[str, float | None]:
    """The hazard ratio as the three result fields that carry it."""
    return {
        "hazard_ratio": None if ratio is None else ratio.value,
        "hazard_ratio_lower": None if ratio is None else ratio.lower,
        "hazard_ratio_upper": None if ratio is None else ratio.upper,
    }


def _cox_time_grid(time_s: np.ndarray) -> np.ndarray:
    """Round times up to 5 s (under 3 min), 15 s (under 10 min), then whole minutes.

    Her taps are not more precise than a few seconds, and PHReg loops in Python over each
    distinct event time: the grid keeps a fit of hundreds of sessions to tens of milliseconds.
    Efron's method handles the ties the grid creates.
    """
    return np.where(
        time_s <= 180.0,
        np.ceil(time_s / 5.0) * 5.0,
        np.where(time_s <= 600.0, np.ceil(time_s / 15.0) * 15.0, np.ceil(time_s / 60.0) * 60.0),
    )


def _separable_columns(covariates: np.ndarray) -> list[int]:
    """Columns whose effect can be told apart from all the others.

    A technique always used together with another (or never varying) cannot be separated from
    it: PHReg would fail on the singular matrix, and keeping one of the pair would credit it
    with both. So every column caught in such a dependence is left out and reported as not
    estimable.
    """
    centred = covariates - covariates.mean(axis=0)
    # The rank of the small Gram matrix equals that of the tall design, and is far cheaper.
    gram = centred.T @ centred
    kept: list[int] = []
    tangled: set[int] = set()
    for column in range(gram.shape[0]):
        candidate = [*kept, column]
        if np.linalg.matrix_rank(gram[np.ix_(candidate, candidate)], hermitian=True) == len(
            candidate
        ):
            kept.append(column)
            continue
        tangled.add(column)
        if kept:
            weights = np.linalg.lstsq(gram[np.ix_(kept, kept)], gram[kept, column], rcond=None)[0]
            tangled.update(k for k, w in zip(kept, weights, strict=True) if abs(w) > 1e-8)
    return [column for column in kept if column not in tangled]


def group_dummies(groups: np.ndarray) -> np.ndarray:
    """One 0/1 column per group except the most common one (the baseline)."""
    levels, counts = np.unique(groups, return_counts=True)
    baseline = levels[np.argmax(counts)]
    return np.column_stack(
        [groups == level for level in levels if level != baseline] or [np.zeros((len(groups), 0))]
    ).astype(float)


def _clustered_variance(
    model: PHReg, params: np.ndarray, model_covariance: np.ndarray, clusters: np.ndarray
) -> tuple[np.ndarray, int]:
    """The variance of each coefficient allowing for sessions of one day being alike, and the
    degrees of freedom to read its intervals with.

    Good and bad days exist, and she often picks what to use by the day: sessions of one day
    are not independent, and the model's own errors then make chance look clear. This is the
    sandwich of statsmodels' `PHReg.fit(groups=...)` (its score residuals summed by day,
    between two copies of the model's covariance), without computing the Hessian again. With
    a few dozen days and a dozen columns the sandwich comes out too small (in our simulations
    by a quarter), so it is scaled by G / (G - p), the cluster version of the n / (n - k) of
    MacKinnon & White (1985), and read with Student's t on G - p degrees of freedom; no
    variance is taken below the model's own.
    """
    days, day_index = np.unique(clusters, return_inverse=True)
    freedom = len(days) - len(params)
    if freedom < 1:
        return np.full(len(params), np.inf), 1
    by_day = np.zeros((len(days), len(params)))
    np.add.at(by_day, day_index, np.nan_to_num(model.score_residuals(params)))
    robust = model_covariance @ (by_day.T @ by_day) @ model_covariance
    scaled = np.diag(robust) * len(days) / freedom
    return np.maximum(scaled, np.diag(model_covariance)), freedom


def cox_hazard_ratios(
    time_s: np.ndarray,
    let_down: np.ndarray,
    covariates: np.ndarray,
    *,
    adjust_for: np.ndarray | None = None,
    clusters: np.ndarray | None = None,
    confidence: float = 0.95,
) -> list[HazardRatio | None]:
    """Fit a Cox model and return one hazard ratio per covariate column (None: not estimable),
    with intervals at the `confidence` level.

    `adjust_for` holds further columns the model weighs but does not report (her stage since
    the birth, the lactation, the session kind as 0/1 columns: a shared baseline rather than
    strata, since statsmodels loops over distinct times once per stratum). `clusters` labels
    sessions that may be alike (her local day): the intervals then use day-clustered errors.
    """
    n_columns = covariates.shape[1]
    results: list[HazardRatio | None] = [None] * n_columns
    status = np.asarray(let_down, dtype=float)
    if n_columns == 0 or status.sum() == 0:
        return results
    design = covariates.astype(float)
    if adjust_for is not None and adjust_for.shape[1]:
        design = np.column_stack([design, adjust_for.astype(float)])
    kept = _separable_columns(design)
    if not any(column < n_columns for column in kept):
        return results
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = PHReg(
                _cox_time_grid(np.asarray(time_s, dtype=float)),
                design[:, kept],
                status=status,
                ties="efron",
            )
            fitted = model.fit()
            params = np.asarray(fitted.params, dtype=float)
            covariance = np.asarray(fitted.cov_params(), dtype=float)
            variance = np.diag(covariance)
            critical = float(stats.norm.ppf(0.5 + confidence / 2.0))
            if clusters is not None:
                variance, freedom = _clustered_variance(
                    model, params, covariance, np.asarray(clusters)
                )
                critical = float(stats.t.ppf(0.5 + confidence / 2.0, freedom))
    except (np.linalg.LinAlgError, ValueError, ZeroDivisionError):
        return results
    for position, column in enumerate(kept):
        if column >= n_columns:
            continue
        coefficient = params[position]
        half_width = critical * np.sqrt(variance[position])
        if not (np.isfinite(coefficient) and np.isfinite(half_width)):
            continue
        # A coefficient this large means a group where nothing (or everything) let down: the
        # model has no finite answer, so it is reported as not estimable rather than absurd.
        if abs(coefficient) > 10.0:
            continue
        results[column] = HazardRatio(
            value=float(np.exp(coefficient)),
            lower=float(np.exp(coefficient - half_width)),
            upper=float(np.exp(coefficient + half_width)),
        )
    return results
