"""The step catalogue: the steps it holds, their settings and ranges, and the default routines."""

import math
import re
from pathlib import Path

import pytest

import letdown
from letdown.learn.references import load_references
from letdown.routines.catalogue import (
    IMAGERY_DURATION_S,
    IMAGERY_SCRIPT,
    LEARN_ANXIETY_URL,
    LEARN_HELPING_URL,
    SESSION_KINDS,
    STEP_TYPES,
    StepConfig,
    default_routine,
    step_config,
    step_types_for,
    validate_params,
)

STATIC_DIR = Path(letdown.__file__).parent / "static"


def test_catalogue_holds_exactly_the_agreed_steps():
    expected = (
        "warm_drink warm_compress breast_massage hand_expression breathing imagery "
        "relaxing_sound baby_cry baby_photo scent_cloth pump_phases"
    )
    assert set(STEP_TYPES) == set(expected.split())
    assert all(slug == step.slug for slug, step in STEP_TYPES.items())


def test_every_step_explains_itself_with_a_source():
    for step in STEP_TYPES.values():
        assert step.title and step.how_to and step.why, step.slug
        # "why" is one or two sentences: a tired parent reads it at a glance.
        assert len(re.split(r"(?<=[.!?])\s+", step.why.strip())) <= 2, step.slug
        assert step.sources and all(source.strip() for source in step.sources), step.slug


@pytest.mark.parametrize(
    ("slug", "cited"),
    [
        ("warm_compress", "yigit2012"),
        ("breast_massage", "morton2009"),
        ("breast_massage", "becker2016"),
        ("hand_expression", "morton2009"),
        ("relaxing_sound", "keith2012"),
        ("baby_cry", "mcneilly1983"),
        ("baby_photo", "sefidhaji2022"),
        ("breathing", "ueda1994"),
    ],
)
def test_steps_cite_the_study_behind_them(slug, cited):
    assert cited in STEP_TYPES[slug].sources


def test_every_source_key_is_in_the_shared_references_file():
    known = load_references()
    for step in STEP_TYPES.values():
        assert [key for key in step.sources if key not in known] == [], step.slug


@pytest.mark.parametrize("slug", ["warm_compress", "breast_massage"])
def test_warmth_and_massage_warn_about_a_hot_red_painful_area(slug):
    step = STEP_TYPES[slug]
    assert "hot, red" in step.how_to and "painful" in step.how_to
    assert "mastitis" in step.how_to
    assert "abm2022" in step.sources


def test_massage_step_says_how_weak_the_evidence_is():
    why = STEP_TYPES["breast_massage"].why
    assert "reviews agree" not in why
    assert "without a comparison group" in why and "low in quality" in why


def test_learn_links_point_to_the_matching_article():
    helping = {"warm_drink", "warm_compress", "breast_massage", "hand_expression", "pump_phases"}
    for slug, step in STEP_TYPES.items():
        expected = LEARN_HELPING_URL if slug in helping else LEARN_ANXIETY_URL
        assert step.learn_url == expected, slug
    assert LEARN_HELPING_URL == "/learn/helping-let-down/"
    assert LEARN_ANXIETY_URL == "/learn/anxiety-and-let-down/"


def test_aid_is_the_technique_slug_of_the_logbook():
    aids = {slug: step.aid for slug, step in STEP_TYPES.items()}
    assert aids == {
        "warm_drink": "warm_drink",
        "warm_compress": "warm_compress",
        "breast_massage": "breast_massage",
        "hand_expression": "hand_expression",
        "breathing": "breathing",
        "imagery": "imagery",
        "relaxing_sound": "relaxing_music",
        "baby_cry": "baby_cry",
        "baby_photo": "baby_photo",
        "scent_cloth": "scent_cloth",
        "pump_phases": None,
    }


@pytest.mark.parametrize(
    ("slug", "default_s", "minimum_s", "maximum_s"),
    [
        ("warm_drink", 60, 15, 600),
        ("warm_compress", 300, 60, 1200),  # 1200 s: the 20 minutes of Yiğit 2012
        ("breast_massage", 60, 15, 600),
        ("hand_expression", 120, 30, 900),
        ("breathing", 180, 60, 1800),
        ("relaxing_sound", 300, 60, 3600),
        ("baby_cry", 60, 5, 600),
        ("baby_photo", 60, 10, 600),
        ("scent_cloth", 60, 10, 600),
    ],
)
def test_durations_have_their_default_and_range(slug, default_s, minimum_s, maximum_s):
    param = STEP_TYPES[slug].number_param("duration_s")
    assert param is not None
    assert (param.default, param.minimum, param.maximum) == (default_s, minimum_s, maximum_s)
    assert validate_params(slug, {})["duration_s"] == default_s


def test_breathing_pacer_lengths_are_adjustable_from_2_to_10_s():
    params = validate_params("breathing", {})
    assert (params["inhale_s"], params["exhale_s"]) == (4, 6)
    assert validate_params("breathing", {"inhale_s": 1, "exhale_s": 12})["inhale_s"] == 2
    assert validate_params("breathing", {"inhale_s": 1, "exhale_s": 12})["exhale_s"] == 10
    assert validate_params("breathing", {"inhale_s": 7})["inhale_s"] == 7


def test_imagery_lasts_as_long_as_its_script():
    assert 8 <= len(IMAGERY_SCRIPT) <= 12
    assert all(line.text and line.duration_s > 0 for line in IMAGERY_SCRIPT)
    assert sum(line.duration_s for line in IMAGERY_SCRIPT) == IMAGERY_DURATION_S
    # The script sets the length: asking for another is clamped back to it.
    assert validate_params("imagery", {"duration_s": 30})["duration_s"] == IMAGERY_DURATION_S
    assert validate_params("imagery", {})["duration_s"] == IMAGERY_DURATION_S


def test_pump_phases_is_open_ended_and_for_pumping_only():
    pump = STEP_TYPES["pump_phases"]
    assert pump.open_ended
    assert "duration_s" not in validate_params("pump_phases", {})
    assert pump.for_kinds == ("pumping",)
    others = [step for step in STEP_TYPES.values() if step.slug != "pump_phases"]
    assert not any(step.open_ended for step in others)
    assert all(set(step.for_kinds) == set(SESSION_KINDS) for step in others)
    assert "pump_phases" in [step.slug for step in step_types_for("pumping")]
    assert "pump_phases" not in [step.slug for step in step_types_for("nursing")]


def test_media_kinds():
    media = {slug: (step.media, step.media_required) for slug, step in STEP_TYPES.items()}
    assert media.pop("baby_cry") == ("audio", True)
    assert media.pop("baby_photo") == ("image", True)
    assert media.pop("relaxing_sound") == ("audio", False)
    assert set(media.values()) == {(None, False)}


def test_only_breast_steps_may_run_per_side():
    per_side = {slug for slug, step in STEP_TYPES.items() if step.per_side_allowed}
    assert per_side == {"warm_compress", "breast_massage", "hand_expression"}
    assert validate_params("breast_massage", {})["per_side"] is True
    assert validate_params("hand_expression", {})["per_side"] is True
    assert validate_params("warm_compress", {})["per_side"] is False
    assert validate_params("warm_compress", {"per_side": True})["per_side"] is True
    with pytest.raises(ValueError, match="no sides"):
        validate_params("breathing", {"per_side": True})


def test_validate_clamps_numbers_into_range_and_rounds_to_seconds():
    assert validate_params("warm_compress", {"duration_s": 5000})["duration_s"] == 1200
    assert validate_params("warm_compress", {"duration_s": 10})["duration_s"] == 60
    assert validate_params("warm_compress", {"duration_s": 400.6})["duration_s"] == 401
    assert validate_params("warm_compress", {"duration_s": "600"})["duration_s"] == 600


@pytest.mark.parametrize(
    ("slug", "params", "message"),
    [
        ("tea_ceremony", {}, "Unknown step 'tea_ceremony'"),
        ("warm_drink", {"volume_ml": 200}, "Warm drink has no setting 'volume_ml'"),
        ("warm_drink", {"duration_s": "soon"}, "must be a number of seconds"),
        ("warm_drink", {"duration_s": True}, "must be a number of seconds"),
        ("warm_drink", {"duration_s": [60]}, "must be a number of seconds"),
        ("warm_drink", {"duration_s": math.nan}, "must be a finite number"),
        ("warm_drink", {"media_id": 3}, "has no setting 'media_id'"),
        ("breast_massage", {"per_side": "yes"}, "per_side must be true or false"),
        ("baby_photo", {"media_id": -4}, "media_id must be"),
    ],
)
def test_validate_rejects_nonsense_with_a_clear_message(slug, params, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_params(slug, params)


def test_media_steps_carry_which_file_to_play():
    assert validate_params("baby_cry", {})["media_id"] is None
    assert validate_params("baby_cry", {"media_id": 12})["media_id"] == 12
    assert validate_params("baby_photo", {"media_id": "a1b2"})["media_id"] == "a1b2"


def test_step_config_holds_validated_params():
    step = step_config("breathing", {"inhale_s": 5})
    assert step == StepConfig(
        "breathing", {"duration_s": 180, "inhale_s": 5, "exhale_s": 6, "per_side": False}
    )


def test_default_routines_for_nursing_and_pumping():
    nursing = default_routine("nursing")
    pumping = default_routine("pumping")
    assert nursing and pumping
    assert pumping[-1].slug == "pump_phases"
    assert "pump_phases" not in [step.slug for step in nursing]
    for kind in SESSION_KINDS:
        for step in default_routine(kind):
            assert kind in STEP_TYPES[step.slug].for_kinds
            assert dict(step.params) == validate_params(step.slug, step.params)
            # A new household has no recording or photo yet.
            assert not STEP_TYPES[step.slug].media_required
    with pytest.raises(ValueError, match="Unknown session kind"):
        default_routine("bottle")


@pytest.mark.parametrize("slug", ["breast_massage", "hand_expression"])
def test_illustrations_exist_small_titled_and_dark_mode_ready(slug):
    relative_path = STEP_TYPES[slug].illustration
    assert relative_path == f"letdown/routines/{slug}.svg"
    path = STATIC_DIR / relative_path
    svg = path.read_text(encoding="utf-8")
    assert path.stat().st_size < 6 * 1024
    assert re.search(r"<title[ >][^<]+</title>", svg)
    assert "currentColor" in svg
    # A fixed black stroke would vanish on a dark background.
    assert not re.search(r'stroke="(#000|#000000|black)"', svg)
