"""Each mechanism of the reflex model on its own: the pulse generator, the blood, the breast,
stress, learning."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from letdown.reflex import (
    CUES,
    PARAMETERS,
    Mother,
    Scenario,
    rescorla_wagner_update,
    sample_mothers,
    simulate,
    simulate_many,
)
from letdown.reflex.conditioning import conditioning_from_experience, strength_after_trials
from letdown.reflex.model import COHORT_FIELDS

PUMP = Scenario(kind="pump", duration_s=900.0)
SILENT = Mother.typical(drive_gain=0.0)  # her brain never fires: only injected oxytocin


def test_constant_drive_gives_pulses_not_a_plateau() -> None:
    result = simulate(Mother.typical(), Scenario(kind="pump", duration_s=1800.0), seed=3)
    assert len(result.burst_s) >= 4
    # Between two bursts the plasma level falls well below the peak that follows the first.
    first, second = result.burst_s[1], result.burst_s[2]
    between = result.oxytocin_uU_ml[(result.t_s >= first) & (result.t_s < second)]
    assert between.min() < 0.8 * between.max()


def test_bursts_are_never_closer_than_the_refractory_period() -> None:
    mother = Mother.typical(drive_gain=40.0, refractory_s=90.0)
    result = simulate(mother, PUMP, seed=1)
    intervals = np.diff(result.burst_s)
    assert intervals.size >= 5
    assert intervals.min() >= 90.0
    # With an overwhelming drive the next burst comes as soon as the silence ends.
    assert intervals.max() <= 90.0 + 3 * PARAMETERS.time_step_s


def test_injected_oxytocin_decays_with_the_published_half_lives() -> None:
    result = simulate(SILENT, dataclasses.replace(PUMP, oxytocin_injection_mU=30.0), seed=1)
    dose = 30.0 * 1000.0 / PARAMETERS.plasma_volume_ml
    fast, slow = PARAMETERS.fast_share * dose, (1 - PARAMETERS.fast_share) * dose
    for t in (180.0, 600.0, 900.0 - PARAMETERS.time_step_s):
        expected = (
            PARAMETERS.oxytocin_basal_uU_ml
            + fast * 0.5 ** (t / PARAMETERS.fast_half_life_s)
            + slow * 0.5 ** (t / PARAMETERS.slow_half_life_s)
        )
        measured = float(np.interp(t, result.t_s, result.oxytocin_uU_ml))
        assert measured == pytest.approx(expected, rel=0.02)
    assert result.burst_s == ()


def test_the_breast_responds_after_the_delay_from_blood() -> None:
    mother = Mother.typical(drive_gain=0.0, breast_delay_s=14.0)
    result = simulate(mother, dataclasses.replace(PUMP, oxytocin_injection_mU=30.0), seed=1)
    assert result.ejections
    assert result.ejections[0].start_s >= 14.0
    still = result.t_s < 14.0
    assert np.all(result.contraction_left[still] == 0.0)


def test_without_oxytocin_only_the_milk_in_the_ducts_comes() -> None:
    result = simulate(SILENT, PUMP, seed=1)
    assert result.ejections == []
    resting = SILENT.available_left_ml + SILENT.available_right_ml
    assert result.milk_ml <= PARAMETERS.duct_resting_share * resting + 1e-6


def test_one_oxytocin_signal_drives_both_breasts() -> None:
    mother = Mother.typical(ejection_threshold_right_uU_ml=Mother().ejection_threshold_left_uU_ml)
    result = simulate(mother, PUMP, seed=2)
    left = np.flatnonzero(np.diff((result.contraction_left > 0.15).astype(int)) == 1)
    right = np.flatnonzero(np.diff((result.contraction_right > 0.15).astype(int)) == 1)
    assert left.size >= 2
    np.testing.assert_array_equal(left, right)


def test_more_vacuum_removes_more_milk_up_to_her_comfort() -> None:
    mothers = sample_mothers(200, 5, comfortable_vacuum_mmHg=300.0)
    milk = [
        simulate_many(mothers, dataclasses.replace(PUMP, vacuum_mmHg=v), 6)["milk_ml"].mean()
        for v in (100.0, 150.0, 250.0)
    ]
    assert milk[0] < milk[1] < milk[2]


def test_vacuum_beyond_her_comfort_hurts_and_holds_back_the_pulses() -> None:
    mothers = sample_mothers(200, 5, comfortable_vacuum_mmHg=150.0)
    at_comfort = simulate_many(mothers, dataclasses.replace(PUMP, vacuum_mmHg=150.0), 6)
    painful = simulate_many(mothers, dataclasses.replace(PUMP, vacuum_mmHg=300.0), 6)
    assert painful["n_bursts"].mean() < 0.9 * at_comfort["n_bursts"].mean()


def test_stress_makes_pulses_rarer_and_adrenaline_blunts_the_breast() -> None:
    mothers = sample_mothers(200, 8)
    calm = simulate_many(mothers, PUMP, 9)
    stressed = simulate_many(mothers, dataclasses.replace(PUMP, anxiety=0.8), 9)
    assert stressed["n_pulses"].mean() < 0.7 * calm["n_pulses"].mean()  # as Ueda counted them
    injected = dataclasses.replace(PUMP, anxiety=1.0, oxytocin_injection_mU=20.0)
    blunted = dataclasses.replace(injected, adrenaline_ug=30.0)
    assert (
        simulate_many(mothers, blunted, 9)["milk_ml"].mean()
        < 0.8 * simulate_many(mothers, injected, 9)["milk_ml"].mean()
    )


def test_prolactin_rises_only_with_nipple_stimulation() -> None:
    result = simulate(Mother.typical(), Scenario(kind="breastfeed", baby_cry_s=600.0), seed=4)
    before = result.t_s < 0
    assert result.burst_s and result.burst_s[0] < 0  # the cry released oxytocin ...
    assert np.all(result.prolactin_rel[before] == 1.0)  # ... but not prolactin
    assert result.prolactin_rel[~before].max() > 1.5


def test_sequential_pumping_takes_one_side_at_a_time() -> None:
    scenario = Scenario(kind="pump", duration_s=900.0, simultaneous=False, first_side="right")
    result = simulate(Mother.typical(), scenario, seed=1)
    first_half = (result.t_s >= 0) & (result.t_s < 450)
    second_half = result.t_s >= 450
    assert result.flow_left_ml_s[first_half].max() == 0.0
    assert result.flow_right_ml_s[second_half].max() == 0.0
    assert scenario.segments == (("right", 0.0, 450.0), ("left", 450.0, 900.0))


def test_a_baby_who_is_full_comes_off() -> None:
    scenario = Scenario(
        kind="breastfeed", duration_s=1800.0, baby_appetite_ml=40.0, baby_stops_when_full=True
    )
    result = simulate(Mother.typical(), scenario, seed=1)
    assert result.duration_s < 1800.0
    assert result.milk_ml >= PARAMETERS.satisfied_share * 40.0
    assert np.all(result.flow_ml_s[result.t_s > result.duration_s + 1] == 0.0)


def test_ejection_volumes_add_up_to_the_milk_after_the_first() -> None:
    result = simulate(Mother.typical(), PUMP, seed=11)
    summary = simulate_many([Mother.typical()], PUMP, 11)
    assert len(result.ejections) == int(summary["n_ejections"][0])
    total = sum(e.volume_ml for e in result.ejections)
    before_first = float(summary["milk_before_first_ejection_ml"][0])
    assert total + before_first == pytest.approx(result.milk_ml, rel=1e-9)
    assert summary["first_share"][0] == pytest.approx(
        result.ejections[0].volume_ml / result.milk_ml
    )
    for ejection in result.ejections:
        assert ejection.start_s <= ejection.peak_s <= ejection.end_s


def test_the_same_seed_gives_the_same_session() -> None:
    a = simulate(Mother.typical(), PUMP, seed=5)
    b = simulate(Mother.typical(), PUMP, seed=5)
    c = simulate(Mother.typical(), PUMP, seed=6)
    assert a.burst_s == b.burst_s
    np.testing.assert_array_equal(a.flow_ml_s, b.flow_ml_s)
    assert a.burst_s != c.burst_s


def test_simulate_many_returns_one_value_per_mother_by_name() -> None:
    mothers = sample_mothers(30, 1)
    result = simulate_many(mothers, PUMP, 2)
    assert len(COHORT_FIELDS) == 6
    for name in COHORT_FIELDS:
        assert result[name].shape == (30,)
    assert np.all(result["milk_ml"] <= result["available_ml"])
    assert np.all(result["first_share"][result["n_ejections"] > 0] <= 1.0 + 1e-9)
    with_two = result["n_ejections"] >= 2
    assert np.all(result["first_two_share"][with_two] >= result["first_share"][with_two])


def test_learning_acquires_with_feeds_and_extinguishes_without() -> None:
    strengths = {cue: 0.0 for cue in CUES}
    history = []
    for _ in range(100):
        strengths = rescorla_wagner_update(strengths, ["baby_cry"], reinforced=True)
        history.append(strengths["baby_cry"])
    assert np.all(np.diff(history) > 0)
    assert history[-1] == pytest.approx(
        float(strength_after_trials(100, PARAMETERS.learning_rate_baby_cry))
    )
    assert strengths["pump"] == 0.0  # a cue that was not there learns nothing
    learned = strengths["baby_cry"]
    for _ in range(50):
        strengths = rescorla_wagner_update(strengths, ["baby_cry"], reinforced=False)
    assert strengths["baby_cry"] < 0.7 * learned
    with pytest.raises(ValueError, match="unknown cue"):
        rescorla_wagner_update(strengths, ["doorbell"], reinforced=True)


def test_experience_strengthens_the_cues_and_a_later_lactation_starts_ahead() -> None:
    days = np.array([0.0, 7.0, 28.0, 120.0])
    first = conditioning_from_experience(days, 1)["getting_ready"]
    later = conditioning_from_experience(days, 2)["getting_ready"]
    assert first[0] == 0.0
    assert np.all(np.diff(first) > 0)
    assert np.all(later > first)


def test_a_learned_cue_brings_the_let_down_forward() -> None:
    mothers = sample_mothers(200, 3)
    scenario = Scenario(kind="breastfeed")
    naive = simulate_many([m.with_experience(0.0) for m in mothers], scenario, 4)
    learned = simulate_many([m.with_experience(60.0) for m in mothers], scenario, 4)
    assert np.nanmedian(learned["first_ejection_s"]) < 0.7 * np.nanmedian(naive["first_ejection_s"])


def test_sample_mothers_takes_experience_overrides() -> None:
    a_year = sample_mothers(3, 1, months_postpartum=12)
    assert a_year[0].days_postpartum == pytest.approx(12 * 30.44)
    second = sample_mothers(3, 1, lactation_number=2, weeks_postpartum=1)
    first = sample_mothers(3, 1, lactation_number=1, weeks_postpartum=1)
    assert second[0].conditioning["getting_ready"] > first[0].conditioning["getting_ready"]
    # The same seed draws the same traits whatever the experience.
    assert second[0].drive_gain == first[0].drive_gain
    assert len({m.drive_gain for m in sample_mothers(50, 2)}) == 50
    with pytest.raises(ValueError, match="unknown Mother fields"):
        sample_mothers(2, 1, shoe_size=38)


def test_typical_mother_is_deterministic_and_checks_her_fields() -> None:
    assert Mother.typical() == Mother.typical()
    assert hash(Mother.typical()) == hash(Mother.typical())  # usable as a cache key
    with pytest.raises(TypeError):
        Mother.typical().conditioning["pump"] = 1.0  # type: ignore[index]
    assert set(Mother.typical().conditioning) == set(CUES)
    with pytest.raises(ValueError):
        Mother(lactation_number=0)
    with pytest.raises(ValueError):
        Mother(conditioning={"doorbell": 1.0})


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "bottle"},
        {"duration_s": 0.0},
        {"anxiety": 1.5},
        {"vacuum_mmHg": -10.0},
        {"warm_compress_min": math.nan},
        {"warm_compress_side": "middle"},
        {"first_side": "both"},
    ],
)
def test_scenario_refuses_nonsense(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Scenario(**fields)  # type: ignore[arg-type]
