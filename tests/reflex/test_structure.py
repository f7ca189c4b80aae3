"""The structural changes of model v2, each against the published finding it follows: a
breastfeed's intake follows its let-downs (Ramsay 2004), the course of a long lactation (Kent
1999; Prime 2011), lactogenesis (Saint 1984), stress on pulses against yield, central against
peripheral (Ueda 1994; Dewey 2001); and the domains of every input."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from letdown.reflex import Mother, Scenario, sample_mothers, simulate, simulate_many
from letdown.reflex.mother import DOMAINS as MOTHER_DOMAINS
from letdown.reflex.scenario import DOMAINS as SCENARIO_DOMAINS
from letdown.reflex.supply import supply_factor
from letdown.reflex.validation import whole_feeds

PUMP = Scenario(kind="pump", duration_s=900.0, vacuum_at_comfort=True)


def test_in_a_whole_breastfeed_intake_follows_the_let_downs() -> None:
    # Ramsay 2004: infant intake rose with the number of let-downs (r^2 = .365, n = 57).
    mothers = sample_mothers(300, 21)
    result = simulate_many(mothers, whole_feeds(300, 21), 22)
    r = np.corrcoef(result["n_ejections"], result["milk_ml"])[0, 1]
    assert r > 0.3
    more = result["n_ejections"] >= 4
    fewer = result["n_ejections"] <= 1
    assert result["milk_ml"][more].mean() > 1.5 * result["milk_ml"][fewer].mean()


def test_milk_comes_in_over_the_first_days() -> None:
    # Saint 1984: about 37 g in the first day, 408 on day 3, 705 on day 5.
    mothers = sample_mothers(200, 3, days_postpartum=0.0)
    first_day = simulate_many(mothers, PUMP, 4)["milk_ml"].mean()
    week_two = simulate_many(sample_mothers(200, 3, days_postpartum=14.0), PUMP, 4)
    assert first_day < 15.0  # colostrum: millilitres, not the 116 mL of v1
    assert first_day < 0.15 * week_two["milk_ml"].mean()
    curve = supply_factor(np.array([0.5, 3.0, 5.0, 21.0]))
    assert np.all(np.diff(curve) > 0)


def test_supply_falls_in_a_long_lactation_while_the_let_down_pattern_stays() -> None:
    # Kent 1999: level for six months, lower after; Prime 2011: ME pattern steady for a year.
    results = {
        months: simulate_many(sample_mothers(200, 5, months_postpartum=months), PUMP, 6)
        for months in (2, 12, 24)
    }
    milk = {m: r["milk_ml"].mean() for m, r in results.items()}
    letdowns = {m: r["n_ejections"].mean() for m, r in results.items()}
    assert milk[24] < milk[12] < 0.9 * milk[2]
    assert letdowns[12] == pytest.approx(letdowns[2], rel=0.2)


def test_acute_stress_costs_more_pulses_than_milk_and_adrenaline_the_reverse() -> None:
    # Ueda 1994: fewer pulses, no difference in yield (central). Dewey 2001 and Cross:
    # catecholamines act in the breast (peripheral): less milk from the same oxytocin.
    mothers = sample_mothers(300, 8)
    feed = Scenario(kind="breastfeed", duration_s=1200.0)
    calm = simulate_many(mothers, feed, 9)
    stressed = simulate_many(mothers, dataclasses.replace(feed, anxiety=0.7), 9)
    pulses = stressed["n_pulses"].mean() / calm["n_pulses"].mean()
    milk = stressed["milk_ml"].mean() / calm["milk_ml"].mean()
    assert pulses < 0.75
    assert milk > pulses
    # With a pump (no baby sucking harder for milk that does not come), adrenaline leaves the
    # brain's pulses alone and takes milk.
    pumped = simulate_many(mothers, PUMP, 9)
    adrenaline = simulate_many(mothers, dataclasses.replace(PUMP, adrenaline_ug=30.0), 9)
    assert adrenaline["n_bursts"].mean() == pytest.approx(pumped["n_bursts"].mean(), rel=0.1)
    assert adrenaline["milk_ml"].mean() < 0.9 * pumped["milk_ml"].mean()


def test_nothing_before_time_zero_counts_as_in_the_session() -> None:
    # A cry long before the start may release oxytocin then, but no let-down is counted
    # before 0 and none has a negative time.
    early = Scenario(kind="pump", duration_s=600.0, baby_cry_s=1800.0)
    result = simulate(Mother.typical(), early, seed=2)
    assert all(e.start_s >= 0.0 for e in result.ejections)
    many = simulate_many(sample_mothers(200, 1), early, 2)
    starts = many["ejection_start_s"]
    assert np.all(starts[np.isfinite(starts)] >= 0.0)
    assert np.all(many["milk_before_first_ejection_ml"] >= 0.0)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("adrenaline_ug", 1_000_000.0),  # 1 g
        ("baby_cry_s", 3600.0),  # an hour before
        ("duration_s", 86400.0),
        ("oxytocin_injection_mU", 1e6),
        ("warm_compress_min", 600.0),
        ("vacuum_mmHg", 900.0),
        ("baby_appetite_ml", 5000.0),
    ],
)
def test_scenario_inputs_outside_their_range_are_refused_by_name(field: str, value: float) -> None:
    low, high, _ = SCENARIO_DOMAINS[field]
    with pytest.raises(ValueError, match=f"{field} must be between {low:g} and {high:g}"):
        Scenario(**{field: value})  # type: ignore[arg-type]


def test_every_domain_edge_is_accepted() -> None:
    for field, (low, high, _) in SCENARIO_DOMAINS.items():
        if field == "duration_s":
            continue
        for value in (low, high):
            kind = "breastfeed" if field == "vacuum_mmHg" and value == 0 else "pump"
            Scenario(kind=kind, **{field: value})  # type: ignore[arg-type]
    for field, (low, high, _) in MOTHER_DOMAINS.items():
        for value in (low, high):
            Mother.typical(**{field: int(value) if field == "lactation_number" else value})


@pytest.mark.parametrize(
    ("field", "value"),
    [("days_postpartum", 5000.0), ("lactation_number", 0), ("drive_gain", math.inf)],
)
def test_mother_traits_outside_their_range_are_refused(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        Mother.typical(**{field: value})
