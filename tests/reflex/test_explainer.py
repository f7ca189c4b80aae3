"""The data behind the "Inside your let-down" page."""

from __future__ import annotations

import json
from typing import Any

import pytest

from letdown.reflex.explainer import MAX_POINTS, explain


@pytest.fixture(scope="module")
def busy() -> dict[str, Any]:
    return explain(
        {
            "kind": "breastfeed",
            "anxiety": 0.7,
            "warm_compress_min": 20,
            "baby_cry_s": "300",
            "experience": 1,
            "massage": "true",
            "relaxation": True,
        }
    )


def test_the_result_is_json_ready_with_short_series(busy: dict[str, Any]) -> None:
    assert json.loads(json.dumps(busy)) == busy
    for run in (busy["session"], busy["baseline"]):
        series = run["series"]
        lengths = {len(series[name]) for name in ("t_s", "oxytocin_uU_ml", "flow_ml_s")}
        assert len(lengths) == 1 and 0 < lengths.pop() <= MAX_POINTS
        assert series["t_s"] == sorted(series["t_s"])
        for ejection in run["ejections"]:
            assert set(ejection) == {"start_s", "peak_s", "end_s", "volume_ml", "felt"}
        assert run["milk_ml"] == pytest.approx(run["milk_left_ml"] + run["milk_right_ml"], abs=0.2)


def test_each_change_gets_one_sentence_naming_its_source(busy: dict[str, Any]) -> None:
    changes = [e["change"] for e in busy["explanations"]]
    assert changes == [
        "anxiety",
        "warm_compress_min",
        "baby_cry_s",
        "massage",
        "relaxation",
        "experience",
    ]
    for explanation in busy["explanations"]:
        sentence = explanation["sentence"]
        assert explanation["source"] in sentence
        assert sentence.endswith(".") and sentence.count(". ") == 0


def test_the_sentences_follow_the_simulation(busy: dict[str, Any]) -> None:
    by_change = {e["change"]: e["sentence"] for e in busy["explanations"]}
    assert "fell" in by_change["anxiety"]  # stress: fewer pulses, less milk
    assert "rose" in by_change["warm_compress_min"]
    assert "came earlier" in by_change["baby_cry_s"]
    assert "came later" in by_change["experience"]  # one week in, versus eight


def test_no_change_means_no_explanation_and_the_same_session() -> None:
    result = explain({"kind": "pump"})
    assert result["explanations"] == []
    assert result["session"] == result["baseline"]
    assert result["session"]["first_letdown_s"] is not None


def test_the_chosen_session_differs_from_the_baseline(busy: dict[str, Any]) -> None:
    assert busy["session"] != busy["baseline"]
    assert busy["choices"]["kind"] == "breastfeed"
    assert busy["choices"]["weeks_postpartum"] == 1.0


def test_out_of_range_choices_are_clamped_and_reported() -> None:
    result = explain({"kind": "pump", "anxiety": 3, "warm_compress_min": 90, "experience": 500})
    assert result["choices"]["anxiety"] == 1.0
    assert result["choices"]["warm_compress_min"] == 30.0
    assert result["choices"]["weeks_postpartum"] == 104.0
    assert sorted(result["clamped"]) == ["anxiety", "experience", "warm_compress_min"]


def test_a_later_lactation_can_be_chosen_by_name() -> None:
    result = explain({"kind": "pump", "experience": "later_lactation"})
    assert result["choices"]["lactation"] == "later"
    assert "Uvnäs Moberg 2020" in result["explanations"][0]["sentence"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "bottle"}, "kind"),
        ({"anxiety": "very"}, "anxiety must be a number"),
        ({"anxiety": float("nan")}, "finite"),
        ({"warm_compress_min": -5}, "cannot be negative"),
        ({"massage": "perhaps"}, "true or false"),
        ({"experience": "lots"}, "experience must be a number"),
        ({"lactation": "third"}, "lactation"),
        ({"colour": "blue"}, "unknown choices: colour"),
        ({"anxiety": True}, "not true/false"),
    ],
)
def test_nonsense_is_refused_with_a_clear_message(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        explain(params)
