"""The shared Kaplan–Meier median (home and Insights) against R's survival package."""

from __future__ import annotations

import numpy as np
import pytest

from letdown.core.survival import kaplan_meier_steps, median_time_s, survival_quantile_s

# The data and expected quantiles of the survival package's own test of `quantile.survfit`
# (therneau/survival, tests/quantile.R): times 1, 1 (censored), 6, 6, 8 (censored), 9, 10
# (censored). The curve is 6/7 from 1, 18/35 from 6 and 9/35 from 9; the probabilities are
# chosen to fall before the first drop, exactly on flats, between them and past the end.
R_TIMES = np.array([9, 1, 1, 6, 6, 8, 10], dtype=float)
R_EVENTS = np.array([1, 1, 0, 1, 1, 0, 0], dtype=bool)
R_PROBABILITIES = (1 - 13 / 14, 1 - 6 / 7, 1 - 2 / 3, 0.5, 1 - 9 / 35, 0.9)
R_QUANTILES = (1.0, 3.5, 6.0, 9.0, 9.5, None)


def test_quantiles_match_r_survival_on_its_own_test_data():
    steps = kaplan_meier_steps(R_TIMES, R_EVENTS)
    assert steps is not None
    np.testing.assert_allclose(steps.survival, [6 / 7, 18 / 35, 9 / 35])
    quantiles = [
        survival_quantile_s(steps.times_s, steps.survival, steps.max_time_s, p)
        for p in R_PROBABILITIES
    ]
    assert quantiles == [pytest.approx(q) if q is not None else None for q in R_QUANTILES]


def test_a_median_exactly_on_a_flat_is_its_midpoint_not_its_lower_end():
    # Four let-downs at 10, 20, 30, 40 s: half had let down from 20 s until 30 s. R's survival
    # package reports 25 s (as the median of an even sample); the lower end would say 20 s.
    assert median_time_s(np.array([10.0, 20, 30, 40]), np.ones(4, dtype=bool)) == 25.0


def test_a_flat_at_one_half_up_to_the_end_runs_to_the_longest_session():
    # Let-downs at 10 and 20 s, two sessions ending without one at 300 and 500 s.
    times = np.array([10.0, 20, 300, 500])
    assert median_time_s(times, np.array([True, True, False, False])) == (20 + 500) / 2


def test_sessions_without_a_let_down_count_as_censored_not_dropped():
    # Dropping the three sessions that ended without a let-down would give 20 s.
    times = np.array([10.0, 20, 30, 600, 600, 600])
    let_down = np.array([True, True, True, False, False, False])
    assert median_time_s(times, let_down) == (30 + 600) / 2
    assert median_time_s(times[:5], let_down[:5]) == 30.0
    assert median_time_s(np.array([600.0, 700]), np.zeros(2, dtype=bool)) is None


def test_no_sessions_give_no_median():
    assert median_time_s(np.zeros(0), np.zeros(0, dtype=bool)) is None
