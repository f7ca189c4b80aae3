"""The data behind the "Inside your let-down" page."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from letdown.reflex import explainer
from letdown.reflex.explainer import (
    COHORT_SIZE,
    FINDINGS,
    MAX_POINTS,
    PAGE_OPTIONS,
    explain,
    from_table,
    page_combinations,
)


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
        assert run["letdowns"] == len(run["ejections"])


def test_every_number_comes_from_one_labelled_batch(busy: dict[str, Any]) -> None:
    assert busy["cohort_size"] == COHORT_SIZE
    chosen, base = busy["average"]["chosen"], busy["average"]["baseline"]
    # The drawn session is one of the averaged mothers: the median one by milk, so its milk
    # lies inside the cohort's range and the averages are of the same batch.
    assert 0 <= busy["session"]["milk_ml"] <= 3 * chosen["milk_ml"]
    assert chosen != base


def test_findings_quote_the_studies_not_the_model(busy: dict[str, Any]) -> None:
    changes = [f["change"] for f in busy["findings"]]
    assert changes == [
        "anxiety",
        "warm_compress_min",
        "baby_cry_s",
        "massage",
        "relaxation",
        "weeks_postpartum",
    ]
    ueda = next(f for f in busy["findings"] if f["change"] == "anxiety")
    assert ueda["source"] == "Ueda 1994"
    assert "did not differ" in ueda["text"]  # Ueda found no difference in milk yield
    assert all(f["source"] for f in FINDINGS.values())


def test_her_choices_are_put_in_words(busy: dict[str, Any]) -> None:
    words = busy["in_words"]
    assert words["anxiety"] == "quite stressed"
    assert words["warm_compress_min"] == "a 20-minute warm compress before"
    assert words["baby_cry_s"] == "heard the baby cry for 5 minutes before"
    assert words["weeks_postpartum"] == "1 week after the birth"


def test_no_change_means_no_findings() -> None:
    result = explain({"kind": "pump"})
    assert result["findings"] == []
    # The same mothers in the same session, simulated as two sets of rows of one batch: they
    # differ only by the noise of the pulse generator.
    chosen, base = result["average"]["chosen"], result["average"]["baseline"]
    assert chosen["milk_ml"] == pytest.approx(base["milk_ml"], rel=0.05)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "bottle"}, "kind"),
        ({"anxiety": "very"}, "anxiety must be a number"),
        ({"anxiety": float("nan")}, "finite"),
        ({"anxiety": 3}, "anxiety must be between 0 and 1"),
        ({"warm_compress_min": -5}, "warm_compress_min must be between 0 and 30"),
        ({"experience": 500}, "experience must be between 0 and 104"),
        ({"massage": "perhaps"}, "true or false"),
        ({"experience": "lots"}, "experience must be a number"),
        ({"lactation": "third"}, "lactation"),
        ({"colour": "blue"}, "unknown choices: colour"),
        ({"anxiety": True}, "not true/false"),
    ],
)
def test_nonsense_and_out_of_range_are_refused_by_name(
    params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        explain(params)


def test_the_shipped_table_covers_every_page_combination() -> None:
    combinations = page_combinations()
    assert len(combinations) == len(explainer._table())
    for params in combinations[:: len(combinations) // 7]:
        assert from_table(params) is not None
    assert from_table({**combinations[0], "anxiety": 0.5}) is None  # not offered on the page
    assert set(PAGE_OPTIONS) == set(combinations[0])


def test_the_shipped_table_agrees_with_the_model() -> None:
    # A few combinations, different on each run: the table must be exactly what the model
    # computes now (rebuild it with `letdown reflex explainer-table` after changing the model).
    picks = random.Random().sample(page_combinations(), 2)
    for params in picks:
        assert from_table(params) == explain(params), params
