"""The model against the published figures: calibration and validation kept apart, every target
read from data, and the held-out validation met at several seeds.

The full runs (600 mothers, 10 seeds) are marked `slow`: `pytest -m slow tests/reflex`. The
default run checks the targets file and a quick, smaller validation."""

from __future__ import annotations

import math

import pytest

from letdown.reflex.fit import calibration_targets
from letdown.reflex.parameters import FITTED, fitted_values
from letdown.reflex.validation import (
    METRICS,
    Check,
    format_table,
    load_targets,
    run_validation,
    validation_passes,
)


def test_every_target_is_data_with_its_source_and_set() -> None:
    targets = load_targets()
    assert {t.id for t in targets} == set(METRICS)
    for t in targets:
        assert t.source and t.where and t.tolerance
        if t.kind == "quantitative":
            assert math.isfinite(t.mean) and t.spread_kind in ("sd", "sem", "range", "none")


def test_at_least_a_third_of_the_quantitative_targets_is_held_out() -> None:
    quantitative = [t for t in load_targets() if t.kind == "quantitative"]
    held_out = [t for t in quantitative if t.set == "validation"]
    assert len(held_out) >= len(quantitative) / 3


def test_the_fit_reads_only_calibration_targets_and_writes_only_fitted_parameters() -> None:
    assert all(t.set == "calibration" for t in calibration_targets())
    assert set(fitted_values()) <= set(FITTED)


def test_a_quick_validation_keeps_the_sets_apart() -> None:
    checks = run_validation(n_mothers=150, seed=3)
    assert [c.set for c in checks] == sorted(
        (c.set for c in checks), key=["calibration", "validation"].index
    )
    table = format_table(checks)
    assert table.index("CALIBRATION") < table.index("VALIDATION")
    assert "validation:" in table.splitlines()[-1]


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2024, 2034))
def test_validation_passes_at_ten_seeds(seed: int) -> None:
    checks = run_validation(seed=seed)
    held_out = [c for c in checks if c.set == "validation"]
    missed = [
        f"{c.name}: {c.model:.3g} not in [{c.low}, {c.high}]" for c in held_out if not c.passed
    ]
    assert validation_passes(checks), "\n".join(missed)


def test_a_check_passes_only_inside_its_tolerance() -> None:
    inside = Check("x", "s", "1", 1.0, 0.5, 1.5, "t")
    assert inside.passed
    assert not Check("x", "s", "1", 2.0, 0.5, 1.5, "t").passed
    assert not Check("x", "s", "1", float("nan"), 0.5, 1.5, "t").passed


def test_validation_passes_at_eighty_percent_of_held_out_targets() -> None:
    def checks(passing: int) -> list[Check]:
        return [
            Check("x", "s", "1", 1.0 if i < passing else 9.0, 0, 2, "t", set="validation")
            for i in range(10)
        ] + [Check("c", "s", "1", 9.0, 0, 2, "t", set="calibration")]

    assert validation_passes(checks(8))
    assert not validation_passes(checks(7))


def test_the_table_marks_failures_and_counts_passes() -> None:
    table = format_table(
        [
            Check("good", "A 2000", "1", 1.0, 0, 2, "t", set="validation"),
            Check("bad", "B 2001", "1", 5.0, 0, 2, "t", set="validation"),
        ]
    )
    good, bad = table.splitlines()[2:4]
    assert good.startswith("good") and good.endswith("pass")
    assert bad.startswith("bad") and bad.endswith("FAIL")
    assert table.splitlines()[-1].startswith("validation: 1 of 2 pass")
