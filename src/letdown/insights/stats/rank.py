"""Spearman rank correlation with a 95 % interval, for the scatter-type sections."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

_Z_95 = 1.959963984540054


@dataclass(frozen=True)
class RankCorrelation:
    rho: float
    lower: float
    upper: float
    p_value: float
    n: int


def rank_correlation(x: np.ndarray, y: np.ndarray, *, minimum: int) -> RankCorrelation | None:
    """Spearman's rho with scipy's p-value and a Fisher-z interval.

    The interval uses Bonett & Wright's (2000) standard error for Spearman's rho,
    sqrt((1 + rho²/2) / (n - 3)), which keeps its coverage near 95 % for small samples.
    None when there are fewer than `minimum` pairs or one variable never varies.
    """
    n = len(x)
    if n < max(minimum, 4) or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.spearmanr(x, y)
    rho = float(result.statistic)
    p_value = float(result.pvalue)
    if not (np.isfinite(rho) and np.isfinite(p_value)):
        return None
    z = np.arctanh(np.clip(rho, -0.999999, 0.999999))
    half_width = _Z_95 * np.sqrt((1.0 + rho * rho / 2.0) / (n - 3))
    return RankCorrelation(
        rho=rho,
        lower=float(np.tanh(z - half_width)),
        upper=float(np.tanh(z + half_width)),
        p_value=p_value,
        n=n,
    )
