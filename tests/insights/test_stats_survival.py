"""Time to first let-down, the pump switch time and the Cox hazard ratios, checked against
values computed by hand on small data and against simulations with a known effect."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from letdown.insights import words

from .test_stats_helpers import insights_for, session, simulated_sessions, spaced


def _pumping_curve(insights):
    (curve,) = [c for c in insights.first_letdown.curves if c.kind == "pumping"]
    return curve


def _five_pumping_sessions():
    # Let-down at 30 s, none in a session that ended at 60 s, let-downs at 90 s and 120 s,
    # none in a session that ended at 150 s.
    return spaced(
        [
            session(first_letdown_s=30, duration_s=600),
            session(first_letdown_s=None, duration_s=60),
            session(first_letdown_s=90, duration_s=600),
            session(first_letdown_s=120, duration_s=600),
            session(first_letdown_s=None, duration_s=150),
        ]
    )


def test_kaplan_meier_matches_hand_computation_with_censoring():
    curve = _pumping_curve(insights_for(_five_pumping_sessions()))
    # At 30 s: 5 at risk, 1 event -> S = 4/5. The session censored at 60 s leaves the risk set.
    # At 90 s: 3 at risk -> S = 4/5 * 2/3. At 120 s: 2 at risk -> S = 4/5 * 2/3 * 1/2.
    expected = [(0, 0.0), (30, 1 - 0.8), (90, 1 - 0.8 * 2 / 3), (120, 1 - 0.8 * 2 / 3 / 2)]
    assert [(p.time_s, pytest.approx(p.letdown_share)) for p in curve.points] == expected
    assert (curve.n_sessions, curve.n_censored) == (5, 2)
    # Survival first falls to 0.5 or below at 120 s (0.533 at 90 s).
    assert curve.median.value_s == 120
    assert curve.share_by_reference_time == pytest.approx(1 - 0.8 * 2 / 3 / 2)
    assert words.curve_summary(curve).startswith(
        "By 2 min, 73 % of your pumping sessions had let down"
    )


def test_kaplan_meier_band_is_greenwood_on_the_log_log_scale():
    curve = _pumping_curve(insights_for(_five_pumping_sessions()))
    first_step = curve.points[1]
    survival = 0.8
    greenwood_se = survival * math.sqrt(1 / (5 * 4))
    theta_se = greenwood_se / abs(survival * math.log(survival))
    theta = math.log(-math.log(survival))
    survival_low = math.exp(-math.exp(theta + 1.959964 * theta_se))
    survival_high = math.exp(-math.exp(theta - 1.959964 * theta_se))
    assert first_step.lower == pytest.approx(1 - survival_high, abs=1e-5)
    assert first_step.upper == pytest.approx(1 - survival_low, abs=1e-5)


def test_median_interval_surrounds_the_median():
    sessions = spaced([session(first_letdown_s=t) for t in range(20, 220, 10)])
    median = _pumping_curve(insights_for(sessions)).median
    # 20 let-downs at 20, 30, ..., 210 s: survival is exactly 0.5 from the 10th (110 s) to the
    # 11th (120 s), so the median is the midpoint, as for the median of an even sample.
    assert median.value_s == 115
    assert median.lower_s is not None and median.upper_s is not None
    assert median.lower_s < 115 < median.upper_s


def test_pump_switch_time_is_when_three_in_four_had_let_down():
    # Seven let-downs at 30..90 s and two sessions without one: survival falls from 3/9 at
    # 80 s to 2/9 at 90 s, past 1/4 for the first time.
    sessions = spaced(
        [session(first_letdown_s=t) for t in (30, 40, 50, 60, 70, 80, 90)]
        + [session(first_letdown_s=None, duration_s=600)] * 2
    )
    section = insights_for(sessions).pump_switch
    assert section.switch_time_s == 90
    assert (section.n_sessions, section.n_censored) == (9, 2)
    assert words.pump_switch_summary(section).startswith(
        "By 1 min 30 s, 3 in 4 of your last 9 pumping sessions"
    )


def test_pump_switch_time_on_a_flat_at_three_in_four_is_its_midpoint():
    # Six let-downs at 30..80 s and two sessions without one, ending at 600 s: the curve sits
    # at exactly 3 in 4 from 80 s to the end, and is read as R's survival package reads it.
    sessions = spaced(
        [session(first_letdown_s=t) for t in (30, 40, 50, 60, 70, 80)]
        + [session(first_letdown_s=None, duration_s=600)] * 2
    )
    assert insights_for(sessions).pump_switch.switch_time_s == (80 + 600) / 2


def test_pump_switch_counts_sessions_without_a_let_down():
    # Dropping the three sessions without a let-down would give 70 s; counting them, fewer
    # than 3 in 4 sessions ever let down.
    sessions = spaced(
        [session(first_letdown_s=t) for t in (30, 40, 50, 60, 70)]
        + [session(first_letdown_s=None, duration_s=600)] * 3
    )
    assert insights_for(sessions).pump_switch.switch_time_s is None
    section = insights_for(sessions).pump_switch
    assert section.reason == "not_reached"
    assert "fewer than 3 in 4" in words.pump_switch_summary(section)


def test_pump_switch_needs_a_minimum_of_sessions_and_ignores_nursing():
    sessions = spaced(
        [session(first_letdown_s=t) for t in (30, 40, 50, 60, 70, 80, 90)]
        + [session(first_letdown_s=5, kind="nursing")] * 5
    )
    assert insights_for(sessions).pump_switch.switch_time_s is None
    section = insights_for(sessions).pump_switch
    assert section.reason == "few_sessions"
    assert "7 finished pumping sessions so far, 8 are needed" in words.pump_switch_summary(section)


def _factor(insights, slug):
    (factor,) = [f for f in insights.what_helps.factors if f.slug == slug]
    return factor


def test_cox_recovers_a_warm_compress_that_doubles_the_let_down_rate():
    sessions = simulated_sessions(n=400, seed=11, aid_rate={"warm_compress": 2.0})
    factor = _factor(insights_for(sessions), "warm_compress")
    assert factor.status == "estimated"
    assert factor.hazard_ratio_lower < 2.0 < factor.hazard_ratio_upper
    assert factor.hazard_ratio_lower > 1.0
    assert factor.median_with_s < factor.median_without_s
    assert words.factor_summary(factor).startswith(
        "Sessions with a warm compress let down sooner than sessions without a warm compress"
    )


def test_cox_intervals_cover_the_true_ratio_across_simulations_without_bias():
    log_ratios, covered = [], 0
    for seed in range(20):
        sessions = simulated_sessions(n=200, seed=100 + seed, aid_rate={"warm_compress": 2.0})
        factor = _factor(insights_for(sessions), "warm_compress")
        covered += factor.hazard_ratio_lower < 2.0 < factor.hazard_ratio_upper
        log_ratios.append(math.log(factor.hazard_ratio))
    # A 95 % interval misses now and then; 17 of 20 or better happens 98 % of the time.
    assert covered >= 17
    assert sum(log_ratios) / len(log_ratios) == pytest.approx(math.log(2.0), abs=0.1)


NULL_AIDS = (
    "warm_compress",
    "breast_massage",
    "relaxing_music",
    "baby_cry",
    "baby_photo",
    "scent_cloth",
    "skin_to_skin",
    "breathing",
    "imagery",
    "warm_drink",
)


def _clear(factor) -> bool:
    return factor.status == "estimated" and (
        factor.hazard_ratio_lower > 1.0 or factor.hazard_ratio_upper < 1.0
    )


def test_with_many_factors_and_none_that_matters_a_clear_one_is_rare():
    # Ten techniques, the time bands and anxiety, none changing let-down: at a plain 95 % per
    # factor, about half of these histories would show one "clear" difference by chance.
    with_a_clear_one = 0
    for seed in range(20):
        insights = insights_for(simulated_sessions(n=300, seed=200 + seed, aids=NULL_AIDS))
        section = insights.what_helps
        assert section.n_compared >= 12
        assert section.interval_confidence == pytest.approx(1 - 0.05 / section.n_compared)
        with_a_clear_one += any(_clear(factor) for factor in section.factors)
    # Bonferroni: at most 1 in 20 histories on average; 3 or more of 20 happens 8 % of the time.
    assert with_a_clear_one <= 2


def test_a_real_effect_stays_clear_among_many_factors():
    sessions = simulated_sessions(n=300, seed=17, aids=NULL_AIDS, aid_rate={"warm_compress": 2.0})
    factor = _factor(insights_for(sessions), "warm_compress")
    assert _clear(factor) and factor.hazard_ratio_lower < 2.0 < factor.hazard_ratio_upper


def test_cox_finds_high_anxiety_slows_let_down():
    sessions = simulated_sessions(n=400, seed=5, anxiety_high_rate=0.5)
    factor = _factor(insights_for(sessions), "anxiety_high")
    assert factor.hazard_ratio_lower < 0.5 < factor.hazard_ratio_upper < 1.0
    assert words.factor_summary(factor).startswith(
        "Sessions after anxiety 5 or more let down later than sessions after anxiety 0–4"
    )


def test_no_effect_gives_an_interval_around_one_and_no_clear_difference():
    sessions = simulated_sessions(n=300, seed=8)
    factor = _factor(insights_for(sessions), "relaxing_music")
    assert factor.hazard_ratio_lower < 1.0 < factor.hazard_ratio_upper
    assert words.factor_summary(factor).startswith(
        "No clear difference yet between sessions with relaxing music"
    )


def test_aids_always_used_together_cannot_be_told_apart():
    sessions = simulated_sessions(n=200, seed=4, aid_rate={"warm_compress": 2.0})
    # The warm drink comes with every warm compress and never without one.
    sessions = [
        replace(s, aids=s.aids | {"warm_drink"}) if "warm_compress" in s.aids else s
        for s in sessions
    ]
    insights = insights_for(sessions)
    for slug in ("warm_compress", "warm_drink"):
        factor = _factor(insights, slug)
        assert factor.status == "not_estimable"
        assert factor.hazard_ratio is None
        assert "cannot be told apart" in words.factor_summary(factor)
    assert _factor(insights, "relaxing_music").status == "estimated"


def test_below_the_minimum_it_says_how_many_more_sessions_are_needed():
    # Three let-downs with a warm compress, six without it.
    sessions = spaced(
        [session(first_letdown_s=40 + i, aids=["warm_compress"]) for i in range(3)]
        + [session(first_letdown_s=None, aids=["warm_compress"], duration_s=300)]
        + [session(first_letdown_s=60 + i) for i in range(6)]
    )
    factor = _factor(insights_for(sessions), "warm_compress")
    assert factor.status == "not_enough_sessions"
    assert (factor.n_with, factor.n_with_letdown) == (4, 3)
    assert (factor.more_needed_with, factor.more_needed_without) == (2, 0)
    assert factor.hazard_ratio is None
    assert words.factor_summary(factor) == (
        "Not enough sessions yet: needs 2 more sessions with a warm compress "
        "(counting only sessions with a let-down)."
    )


def test_wording_never_claims_a_cause():
    sessions = simulated_sessions(n=300, seed=11, aid_rate={"warm_compress": 2.0})
    insights = insights_for(sessions)
    summaries = [words.factor_summary(f) for f in insights.what_helps.factors] + [
        words.what_helps_summary(insights.what_helps)
    ]
    for text in summaries:
        lowered = text.lower()
        for causal in ("because", "causes", "makes your", "works", "helps you"):
            assert causal not in lowered, text


def test_with_few_sessions_each_factor_past_the_minimum_still_gets_its_own_estimate():
    # 16 sessions cannot support one model of several factors (5 let-downs per factor), so
    # factors past the minimum are estimated one by one, and say they are not adjusted.
    sessions = simulated_sessions(n=16, seed=3, aid_rate={"warm_compress": 2.0}, every_hours=24)
    effects = [f for f in insights_for(sessions).what_helps.factors if f.group == "aid"]
    assert all(f.n_with_letdown >= 5 and f.n_without_letdown >= 5 for f in effects)
    assert all(f.status == "estimated" and f.hazard_ratio is not None for f in effects)
    assert not all(f.adjusted_for_other_factors for f in effects)


def test_with_enough_sessions_every_estimate_is_adjusted_for_the_others():
    sessions = simulated_sessions(n=300, seed=8)
    effects = insights_for(sessions).what_helps.factors
    assert all(f.adjusted_for_other_factors for f in effects if f.status == "estimated")


def test_sessions_of_only_two_days_cannot_tell_a_factor_from_a_good_day():
    # The same 16 sessions packed into two or three days: the errors are clustered by day, and
    # so few days say next to nothing about whether the compress or the day made the
    # difference: no interval may look clear.
    sessions = simulated_sessions(n=16, seed=3, aid_rate={"warm_compress": 2.0})
    effects = [f for f in insights_for(sessions).what_helps.factors if f.group == "aid"]
    assert effects and all(f.n_with_letdown >= 5 and f.n_without_letdown >= 5 for f in effects)
    assert not any(f.clear for f in effects)
    for effect in effects:
        if effect.hazard_ratio is not None:
            assert effect.hazard_ratio_upper / effect.hazard_ratio_lower > 10
