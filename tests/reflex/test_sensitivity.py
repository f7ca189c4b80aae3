"""`letdown reflex sensitivity`: a parameter moves the targets that depend on it, and a
parameter no calibration target depends on is named as unconstrained."""

from __future__ import annotations

from letdown.reflex.sensitivity import format_sensitivity, sensitivity, unconstrained


def test_music_moves_the_lullaby_targets_and_not_the_pump_counts() -> None:
    rows = sensitivity(
        n_mothers=80,
        seed=5,
        names=("music_relief",),
        target_ids=("sefidhaji2022_lullaby_change", "kent2008_me_pump"),
    )
    effect = dict(rows)["music_relief"]
    assert effect["sefidhaji2022_lullaby_change"] >= 0.25
    assert effect["kent2008_me_pump"] == 0.0  # no music in that session
    assert "sefidhaji2022_lullaby_change (c)" in format_sensitivity(rows, 0.2)


def test_a_parameter_that_moves_no_calibration_target_is_named() -> None:
    rows = [("made_up", {"kent2008_me_pump": 0.0, "keith2012_music": 3.0})]
    assert unconstrained(rows) == ["made_up"]
    assert "not constrained by any calibration target: made_up" in format_sensitivity(rows, 0.2)
