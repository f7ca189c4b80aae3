"""The Insights page's sentences, written on the Django side from the core's slugs and numbers:
time bands named with their hours, singular and plural counts, a sentence for every reason
the core can give."""

from __future__ import annotations

from dataclasses import replace

from letdown.insights import words
from letdown.insights.stats.results import FactorEffect, NextFeed, PumpSwitchSection


def _factor(**changes) -> FactorEffect:
    base = FactorEffect(
        slug="warm_compress",
        group="aid",
        reference=None,
        n_with=4,
        n_without=9,
        n_with_letdown=4,
        n_without_letdown=9,
        median_with_s=60.0,
        median_without_s=90.0,
        status="not_enough_sessions",
        adjusted_for_other_factors=False,
        hazard_ratio=None,
        hazard_ratio_lower=None,
        hazard_ratio_upper=None,
        more_needed_with=1,
        more_needed_without=0,
    )
    return replace(base, **changes)


def test_one_more_session_is_singular_and_names_the_aid():
    assert words.factor_summary(_factor()) == (
        "Not enough sessions yet: needs 1 more session with a warm compress "
        "(counting only sessions with a let-down)."
    )


def test_a_time_band_is_named_with_its_hours_against_her_usual_band():
    night = _factor(
        slug="time_night",
        group="time_of_day",
        reference="time_morning",
        status="estimated",
        hazard_ratio=0.5,
        hazard_ratio_lower=0.3,
        hazard_ratio_upper=0.8,
    )
    assert words.factor_name(night) == "Night vs morning"
    assert words.factor_summary(night).startswith(
        "Night sessions (00:00–06:00) let down later than morning sessions (06:00–12:00)"
    )


def test_an_aid_is_named_as_the_logbook_names_it():
    assert words.factor_name(_factor(slug="breathing")) == "Meditation / breathing"
    assert words.factor_name(_factor(slug="something_new")) == "something_new"


def test_every_reason_for_no_prediction_has_its_own_sentence():
    sentences = {
        words.next_feed_summary(
            NextFeed(
                predicted_at=None, earliest_at=None, latest_at=None, n_intervals=0, reason=reason
            ),
            tz=None,  # type: ignore[arg-type]  # not read without a prediction
        )
        for reason in ("no_feeds", "no_recent_feed", "few_intervals", "overdue")
    }
    assert len(sentences) == 4
    assert all(s.startswith("No prediction of the next feed: ") for s in sentences)


def test_pump_switch_reasons_read_as_sentences():
    few = PumpSwitchSection(
        switch_time_s=None,
        lower_s=None,
        upper_s=None,
        n_sessions=1,
        n_censored=0,
        minimum_sessions=8,
        reason="few_sessions",
    )
    assert words.pump_switch_summary(few) == (
        "No pump switch time yet: 1 finished pumping session so far, 8 are needed."
    )
    reached = replace(few, switch_time_s=95.0, n_sessions=20, reason=None)
    assert words.pump_switch_summary(reached).startswith(
        "By 1 min 35 s, 3 in 4 of your last 20 pumping sessions had let down"
    )
