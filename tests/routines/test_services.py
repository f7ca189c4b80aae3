"""Routines, runs and what they write onto the session; the engine itself is tested in
test_engine.py, so these check the storing and the wiring."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from letdown.logbook.models import LetDown, Session
from letdown.routines import services
from letdown.routines.catalogue import default_routine
from letdown.routines.models import Media, Routine, RoutineRun, RunEvent, clean_steps

from ..factories import SessionFactory, start, tap
from .factories import RoutineFactory, RunFactory

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
WEBM_HEAD = bytes.fromhex("1a45dfa39f4286810142f7810142f2")


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _routine(family, steps, kind="pumping"):
    return services.create_routine(household=family.household, name="Mine", kind=kind, steps=steps)


SHORT_PUMPING = [
    {"slug": "warm_drink", "params": {"duration_s": 60}},
    {"slug": "breast_massage", "params": {"duration_s": 30}},  # per side by default: 2 × 30 s
    {"slug": "pump_phases", "params": {}},
]


def test_defaults_follow_the_catalogue_and_several_can_be_kept(family):
    first = services.create_default_routine(household=family.household, kind="pumping")
    second = services.create_default_routine(household=family.household, kind="pumping")
    nursing = services.create_default_routine(household=family.household, kind="nursing")
    assert [s["slug"] for s in first.steps] == [s.slug for s in default_routine("pumping")]
    assert [s["slug"] for s in nursing.steps] == [s.slug for s in default_routine("nursing")]
    assert (first.name, second.name) == ("Pumping", "Pumping (2)")
    assert Routine.objects.filter(household=family.household).count() == 3


def test_steps_are_validated_by_the_catalogue():
    steps = clean_steps([{"slug": "warm_compress", "params": {"duration_s": 99999}}], "pumping")
    assert steps[0]["params"]["duration_s"] == 1200  # clamped to the catalogue's maximum
    with pytest.raises(ValidationError, match="Unknown step"):
        clean_steps([{"slug": "cold_shower", "params": {}}])
    with pytest.raises(ValidationError, match="no setting"):
        clean_steps([{"slug": "warm_drink", "params": {"volume_ml": 3}}])
    with pytest.raises(ValidationError, match="not part of a Nursing routine"):
        clean_steps([{"slug": "pump_phases", "params": {}}], "nursing")
    with pytest.raises(ValidationError):
        clean_steps("warm_drink")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "Bebida caliente no tiene el ajuste 'volume_ml'"),
        ("de", "Warmes Getränk hat keine Einstellung 'volume_ml'"),
    ],
)
def test_a_refused_step_is_named_in_her_language(language, message):
    """The catalogue stays free of Django; its refusal is translated, step title and all,
    where a page shows it."""
    with translation.override(language), pytest.raises(ValidationError) as refused:
        clean_steps([{"slug": "warm_drink", "params": {"volume_ml": 3}}])
    assert refused.value.messages[0].startswith(message)


def test_a_run_keeps_its_steps_when_the_routine_changes_later(family):
    routine = _routine(family, SHORT_PUMPING)
    run = services.start_run(routine=routine, at=T0)
    services.save_steps(routine=routine, steps=[{"slug": "scent_cloth", "params": {}}])
    run.refresh_from_db()
    assert [s["slug"] for s in run.steps] == ["warm_drink", "breast_massage", "pump_phases"]


def test_starting_a_run_finishes_the_one_still_playing(family):
    routine = _routine(family, SHORT_PUMPING)
    first = services.start_run(routine=routine, at=T0)
    second = services.start_run(routine=routine, at=_at(20))
    first.refresh_from_db()
    assert first.finished_at == _at(20)
    assert second.finished_at is None
    assert list(first.events.values_list("type", "at_s")) == [("finish", 20.0)]


def test_the_state_is_the_same_for_every_phone_at_the_same_time(family):
    run = services.start_run(routine=_routine(family, SHORT_PUMPING), at=T0)
    services.append_event(run=run, type="pause", at=_at(10))
    services.append_event(run=run, type="resume", at=_at(40))
    state = services.run_state(RoutineRun.objects.get(pk=run.pk), _at(95))
    # 10 s before the pause and 55 s after it: the 60 s warm drink is over, massage (left) began.
    assert (state.step_slug, state.side) == ("breast_massage", "left")
    assert state.step_elapsed_s == pytest.approx(5)
    assert state.paused_total_s == pytest.approx(30)


def test_a_stale_tap_from_a_second_phone_does_not_skip_a_step(family):
    run = services.start_run(routine=_routine(family, SHORT_PUMPING), at=T0)
    services.append_event(run=run, type="next", at=_at(5), position=0)
    services.append_event(run=run, type="next", at=_at(6), position=0)  # the other phone, late
    assert services.run_state(run, _at(7)).position == 1


def test_her_own_switch_time_sets_the_pump_cue(family, monkeypatch):
    monkeypatch.setattr(services, "pump_switch_time_s", lambda household: 90.0)
    run = services.start_run(routine=_routine(family, [{"slug": "pump_phases"}]), at=T0)
    assert run.usual_switch_s == 90.0
    assert services.run_state(run, _at(89)).cue is None
    assert services.run_state(run, _at(91)).cue == "switch_to_expression"


def test_without_her_history_the_cue_comes_after_about_two_minutes(family):
    run = services.start_run(routine=_routine(family, [{"slug": "pump_phases"}]), at=T0)
    assert run.usual_switch_s is None
    assert services.run_state(run, _at(119)).pump_phase == "stimulation"
    assert services.run_state(run, _at(121)).pump_phase == "expression"


def test_a_letdown_tapped_on_the_session_screen_moves_the_pump_phase(family):
    run = services.start_run(routine=_routine(family, SHORT_PUMPING), at=T0)
    session = services.start_session_from_run(
        run=run, lactation=family.lactation, side="both", at=_at(30)
    )
    state = services.run_state(run, _at(31))
    assert state.step_slug == "pump_phases"  # the pump is on: the warm-up steps are left behind
    assert state.session_started_at_s == pytest.approx(30)
    tap(session, "letdown", _at(50))
    state = services.run_state(run, _at(51))
    assert (state.pump_phase, state.cue) == ("expression", "switch_to_expression")
    assert not run.events.filter(type="letdown").exists()  # read from the Logbook, not copied


def test_the_players_letdown_goes_to_the_session_log_when_there_is_one(family):
    run = services.start_run(routine=_routine(family, SHORT_PUMPING), at=T0)
    services.start_session_from_run(run=run, lactation=family.lactation, side="left", at=_at(5))
    state = services.append_event(run=run, type="letdown", at=_at(20))
    assert LetDown.objects.filter(session=run.session).count() == 1
    assert not RunEvent.objects.filter(type="letdown").exists()
    assert state.pump_phase == "expression"


def test_without_a_session_a_letdown_is_kept_on_the_run(family):
    run = services.start_run(routine=_routine(family, [{"slug": "pump_phases"}]), at=T0)
    state = services.append_event(run=run, type="letdown", at=_at(20))
    assert RunEvent.objects.filter(run=run, type="letdown").count() == 1
    assert state.cue == "switch_to_expression"


def test_unknown_event_types_are_refused(family):
    run = services.start_run(routine=_routine(family, SHORT_PUMPING), at=T0)
    for bad in ("finish", "session_started", "explode"):
        with pytest.raises(ValueError):
            services.append_event(run=run, type=bad, at=_at(1))


def test_ending_the_session_records_the_steps_used_and_adds_their_aids(family):
    run = services.start_run(routine=_routine(family, SHORT_PUMPING), at=T0)
    services.append_event(run=run, type="skip", at=_at(70), position=1)  # massage skipped at once
    session = services.start_session_from_run(
        run=run, lactation=family.lactation, side="both", at=_at(75)
    )
    Session.objects.filter(pk=session.pk).update(aids=["warm_drink", "skin_to_skin"])
    session.refresh_from_db()
    tap(session, "end", _at(75 + 600))
    session.refresh_from_db()
    assert session.routine_steps == [
        {"step": "warm_drink", "aid": "warm_drink", "duration_s": 60},
        {"step": "pump_phases", "aid": None, "duration_s": 605},  # from the skip at 70 s
    ]
    assert session.aids == ["warm_drink", "skin_to_skin"]  # no duplicate, hers kept
    run.refresh_from_db()
    assert run.finished_at == _at(675)


def test_a_routine_played_just_before_a_session_counts_for_it(family):
    routine = _routine(family, [{"slug": "breathing", "params": {"duration_s": 60}}], "nursing")
    run = services.start_run(routine=routine, at=T0)
    with time_machine.travel(_at(600), tick=False):
        session = start(family.lactation, "nursing", "left", _at(600))
        tap(session, "end", _at(900))
    session.refresh_from_db()
    assert session.routine_steps == [{"step": "breathing", "aid": "breathing", "duration_s": 60}]
    assert session.aids == ["breathing"]
    run.refresh_from_db()
    assert run.session == session


def test_a_routine_played_long_before_does_not(family):
    routine = _routine(family, [{"slug": "breathing", "params": {"duration_s": 60}}], "nursing")
    services.start_run(routine=routine, at=T0)
    session = SessionFactory(lactation=family.lactation, started_at=_at(3600), ended_at=None)
    tap(session, "end", _at(4000))
    session.refresh_from_db()
    assert (session.routine_steps, session.aids) == ([], [])


def test_a_session_of_another_household_never_takes_this_households_run(family, stranger_family):
    routine = _routine(family, [{"slug": "breathing", "params": {"duration_s": 60}}], "nursing")
    services.start_run(routine=routine, at=T0)
    other = SessionFactory(lactation=stranger_family.lactation, started_at=_at(120), ended_at=None)
    tap(other, "end", _at(400))
    other.refresh_from_db()
    assert other.routine_steps == []
    assert RoutineRun.objects.get().session is None


def _upload(content: bytes, name: str = "x.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_recording_is_kept_under_a_random_name_in_the_households_folder(family, settings):
    media = services.save_media(
        household=family.household,
        uploaded=_upload(WEBM_HEAD + b"\x00" * 500, "../../cry.mp3"),
        name="Robin crying",
        duration_s=4.5,
    )
    assert (media.kind, media.content_type, media.size_bytes) == ("audio", "audio/webm", 515)
    folder, file_name = media.file.name.split("/")
    assert folder == f"h{family.household.pk}"
    assert file_name.endswith(".webm") and "cry" not in file_name and len(file_name) > 30
    assert (settings.MEDIA_ROOT / media.file.name).read_bytes().startswith(WEBM_HEAD)


def test_a_file_that_is_not_audio_or_an_image_is_refused(family):
    with pytest.raises(services.MediaError, match="not a sound or a photo"):
        services.save_media(
            household=family.household, uploaded=_upload(b"<html></html>", "song.mp3"), name=""
        )
    with pytest.raises(services.MediaError, match="This file is a photo, not a sound"):
        services.save_media(
            household=family.household,
            uploaded=_upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
            name="",
            expected_kind="audio",
        )
    assert not Media.objects.exists()


def test_a_file_too_big_is_refused_with_its_limit(family):
    photo = b"\xff\xd8\xff\xe0" + b"\x00" * (8 * 1024 * 1024)
    with pytest.raises(services.MediaError, match="at most 8 MB"):
        services.save_media(household=family.household, uploaded=_upload(photo), name="")
    assert not Media.objects.exists()


def test_deleting_media_removes_the_file_from_disk(family, settings):
    media = services.save_media(
        household=family.household, uploaded=_upload(WEBM_HEAD + b"\x00" * 50), name="cry"
    )
    path = settings.MEDIA_ROOT / media.file.name
    assert path.exists()
    services.delete_media(media=media)
    assert not path.exists()
    assert not Media.objects.exists()


def test_the_cry_step_plays_for_the_recordings_length(family):
    media = services.save_media(
        household=family.household,
        uploaded=_upload(WEBM_HEAD + b"\x00" * 50),
        name="cry",
        duration_s=7.4,
    )
    routine = _routine(
        family, [{"slug": "baby_cry", "params": {"duration_s": 120, "media_id": media.pk}}]
    )
    run = services.start_run(routine=routine, at=T0)
    assert run.steps[0]["params"]["duration_s"] == 7
    services.delete_media(media=media)
    run = services.start_run(routine=routine, at=_at(60))
    assert run.steps[0]["params"] == {"duration_s": 120, "per_side": False, "media_id": None}


def test_every_write_bumps_the_households_data_version(family):
    def version():
        family.household.refresh_from_db()
        return family.household.data_version

    before = version()
    routine = _routine(family, SHORT_PUMPING)
    run = services.start_run(routine=routine, at=T0)
    services.append_event(run=run, type="pause", at=_at(3))
    assert version() == before + 3


def test_run_factory_is_usable(family):
    run = RunFactory(routine=RoutineFactory(household=family.household))
    assert services.run_state(run, run.started_at + timedelta(seconds=5)).step_slug == "warm_drink"
