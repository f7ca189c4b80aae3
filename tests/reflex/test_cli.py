"""`letdown reflex ...` through its `main(argv)`."""

from __future__ import annotations

import io
import json

import pytest

from letdown.reflex import cli
from letdown.reflex.validation import Check


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    status = cli.main(argv, out=out)
    return status, out.getvalue()


def test_simulate_prints_medians_and_iqrs() -> None:
    status, text = _run(["simulate", "--kind", "pump", "--minutes", "15", "--n", "200"])
    assert status == 0
    lines = text.splitlines()
    assert lines[0] == "200 mothers, pump, 15 min (seed 1)"
    for name in cli.SUMMARY_FIELDS:
        row = next(line for line in lines if line.startswith(name))
        median = float(row.split()[1])
        assert median == median  # not NaN
    ejections = next(line for line in lines if line.startswith("n_ejections")).split()
    assert 2 <= float(ejections[1]) <= 6


def test_simulate_json_is_parseable_and_seeded() -> None:
    status, text = _run(["simulate", "--kind", "breastfeed", "--n", "100", "--seed", "3", "--json"])
    again = _run(["simulate", "--kind", "breastfeed", "--n", "100", "--seed", "3", "--json"])[1]
    assert status == 0
    payload = json.loads(text)
    assert payload["kind"] == "breastfeed" and payload["n"] == 100
    milk = payload["summary"]["milk_ml"]
    assert milk["q1"] <= milk["median"] <= milk["q3"]
    assert text == again


def test_stress_shows_in_the_cohort_summary() -> None:
    calm = json.loads(_run(["simulate", "--n", "200", "--json"])[1])["summary"]
    tense = json.loads(_run(["simulate", "--n", "200", "--anxiety", "0.9", "--json"])[1])["summary"]
    # Stress holds back the bursts and makes them smaller (Ueda 1994): less oxytocin.
    assert tense["mean_oxytocin_uU_ml"]["median"] < calm["mean_oxytocin_uU_ml"]["median"]


def test_simulate_refuses_nonsense() -> None:
    assert _run(["simulate", "--n", "0"])[0] == 2
    assert _run(["simulate", "--anxiety", "4"])[0] == 2
    with pytest.raises(SystemExit):
        _run(["simulate", "--kind", "bottle"])


@pytest.mark.parametrize(("model", "expected"), [(4.2, 0), (9.0, 1)])
def test_validate_exits_1_when_a_target_fails(
    monkeypatch: pytest.MonkeyPatch, model: float, expected: int
) -> None:
    checks = [Check("MEs", "Kent 2008", "4.3", model, 3.5, 5.1, "95% CI", set="validation")]
    monkeypatch.setattr(cli, "run_validation", lambda n_mothers, seed, sets: checks)
    status, text = _run(["validate"])
    assert status == expected
    assert "Kent 2008" in text


def test_parameters_lists_every_parameter_with_a_source() -> None:
    status, text = _run(["parameters"])
    assert status == 0
    lines = text.splitlines()
    assert any(line.startswith("fast_half_life_s") and "De Groot 1995" in line for line in lines)
    assert all(len(line.split()) >= 3 for line in lines)
