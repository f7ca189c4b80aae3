"""Every routine page: a stranger gets 404, a member of the household gets the page; the
builder, the player's endpoints and the media library behave as plain forms and as JSON."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from letdown.logbook.models import Session
from letdown.routines import services
from letdown.routines.catalogue import STEP_TYPES
from letdown.routines.models import Media, Routine, RoutineRun, RunEvent

from ..responses import body

WEBM = bytes.fromhex("1a45dfa39f4286810142f7810142f2") + b"\x00" * 200


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (230, 150, 120)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def objects(family):
    routine = services.create_routine(
        household=family.household,
        name="Pumping at the office",
        kind="pumping",
        steps=[
            {"slug": "warm_drink", "params": {"duration_s": 60}},
            {"slug": "breathing", "params": {}},
            {"slug": "pump_phases", "params": {}},
        ],
    )
    run = services.start_run(routine=routine, at=timezone.now() - timedelta(seconds=5))
    media = services.save_media(
        household=family.household,
        uploaded=SimpleUploadedFile("cry.webm", WEBM),
        name="Robin crying",
    )
    return {"routine": routine, "run": run, "media": media}


GET_VIEWS = [
    ("routines:edit", "routine"),
    ("routines:delete", "routine"),
    ("routines:player", "run"),
    ("routines:run_state", "run"),
    ("routines:media_file", "media"),
]
POST_VIEWS = [
    ("routines:start", "routine", {}),
    ("routines:step_add", "routine", {"slug": "scent_cloth"}),
    ("routines:delete", "routine", {}),
    ("routines:run_event", "run", {"type": "next"}),
    ("routines:run_finish", "run", {}),
    ("routines:run_session", "run", {"side": "both"}),
    ("routines:media_delete", "media", {}),
]
STEP_POST_VIEWS = ["routines:step_update", "routines:step_move", "routines:step_remove"]


@pytest.mark.parametrize(("name", "what"), GET_VIEWS)
def test_stranger_gets_404_and_member_gets_the_page(
    name, what, objects, stranger_client, owner_client
):
    url = reverse(name, args=[objects[what].pk])
    assert stranger_client.get(url).status_code == 404
    response = owner_client.get(url)
    assert response.status_code == 200
    body(response)  # read to the end, so a streamed file is closed


@pytest.mark.parametrize(("name", "what", "data"), POST_VIEWS)
def test_stranger_cannot_act_on_a_routine_run_or_file(
    name, what, data, objects, stranger_client, family
):
    family.household.refresh_from_db()
    version = family.household.data_version
    assert stranger_client.post(reverse(name, args=[objects[what].pk]), data).status_code == 404
    family.household.refresh_from_db()
    assert family.household.data_version == version
    assert Routine.objects.count() == 1 and Media.objects.count() == 1
    assert not Session.objects.exists()


@pytest.mark.parametrize("name", STEP_POST_VIEWS)
def test_stranger_cannot_change_a_step(name, objects, stranger_client):
    routine = objects["routine"]
    response = stranger_client.post(
        reverse(name, args=[routine.pk, 0]), {"direction": "down", "s0-duration_s": 30}
    )
    assert response.status_code == 404
    routine.refresh_from_db()
    assert routine.steps[0] == {
        "slug": "warm_drink",
        "params": {"duration_s": 60, "per_side": False},
    }


def test_stranger_cannot_follow_anothers_session(objects, stranger_client, family):
    session = services.start_session_from_run(
        run=objects["run"], lactation=family.lactation, side="both", at=timezone.now()
    )
    url = reverse("routines:session_follow", args=[session.pk])
    assert stranger_client.post(url).status_code == 404


@pytest.mark.parametrize("name", ["routines:list", "routines:new", "routines:media"])
def test_household_pages_show_only_the_households_things(
    name, objects, owner_client, stranger_client
):
    assert owner_client.get(reverse(name)).status_code == 200
    stranger_page = stranger_client.get(reverse(name)).content.decode()
    assert "Pumping at the office" not in stranger_page and "Robin crying" not in stranger_page


def test_the_list_shows_routines_and_the_run_still_playing(objects, owner_client):
    page = owner_client.get(reverse("routines:list")).content.decode()
    assert "Pumping at the office" in page
    assert reverse("routines:player", args=[objects["run"].pk]) in page
    assert "Warm drink · Breathing · Pump phases" in page


@pytest.mark.parametrize("slug", list(STEP_TYPES))
def test_every_step_has_its_page_with_how_why_sources_and_learn_link(slug, owner_client):
    step = STEP_TYPES[slug]
    page = owner_client.get(reverse("routines:step_info", args=[slug])).content.decode()
    assert step.title in page.replace("&#x27;", "'")
    for key in step.sources:
        assert f'href="/learn/sources/#ref-{key}"' in page
    assert f'href="{step.learn_url}"' in page
    if step.illustration:
        assert step.illustration in page


def test_an_unknown_step_page_is_404(owner_client):
    assert owner_client.get("/routines/steps/cold_shower/").status_code == 404


def test_start_from_a_default_then_play(owner_client, family):
    response = owner_client.post(reverse("routines:from_default"), {"kind": "nursing"})
    routine = Routine.objects.get(household=family.household)
    assert response.status_code == 302 and response.url == reverse(
        "routines:edit", args=[routine.pk]
    )
    response = owner_client.post(reverse("routines:start", args=[routine.pk]))
    run = RoutineRun.objects.get()
    assert response.url == reverse("routines:player", args=[run.pk])
    page = owner_client.get(response.url).content.decode()
    assert "Warm drink" in page and "Start nursing now" in page


def test_a_default_for_an_unknown_kind_is_a_400(owner_client):
    assert owner_client.post(reverse("routines:from_default"), {"kind": "x"}).status_code == 400


def test_a_new_routine_needs_a_name(owner_client):
    response = owner_client.post(reverse("routines:new"), {"name": "", "kind": "pumping"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = owner_client.post(reverse("routines:new"), {"name": "Night", "kind": "nursing"})
    assert response.status_code == 302
    assert Routine.objects.get(name="Night").steps == []


def test_builder_adds_sets_moves_and_removes_steps(objects, owner_client):
    routine = objects["routine"]
    edit = reverse("routines:edit", args=[routine.pk])
    assert owner_client.get(edit).status_code == 200
    owner_client.post(reverse("routines:step_add", args=[routine.pk]), {"slug": "warm_compress"})
    routine.refresh_from_db()
    assert [s["slug"] for s in routine.steps][-1] == "warm_compress"
    response = owner_client.post(
        reverse("routines:step_update", args=[routine.pk, 3]),
        {"s3-duration_s": "1200", "s3-per_side": "on"},
    )
    assert response.status_code == 302
    routine.refresh_from_db()
    assert routine.steps[3]["params"] == {"duration_s": 1200, "per_side": True}
    owner_client.post(reverse("routines:step_move", args=[routine.pk, 3]), {"direction": "up"})
    routine.refresh_from_db()
    assert [s["slug"] for s in routine.steps] == [
        "warm_drink",
        "breathing",
        "warm_compress",
        "pump_phases",
    ]
    owner_client.post(reverse("routines:step_remove", args=[routine.pk, 0]))
    routine.refresh_from_db()
    assert [s["slug"] for s in routine.steps] == ["breathing", "warm_compress", "pump_phases"]


def test_builder_refuses_a_length_outside_the_steps_range(objects, owner_client):
    routine = objects["routine"]
    response = owner_client.post(
        reverse("routines:step_update", args=[routine.pk, 0]), {"s0-duration_s": "5"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    routine.refresh_from_db()
    assert routine.steps[0]["params"]["duration_s"] == 60


def test_builder_refuses_a_step_of_another_kind(owner_client, family):
    routine = services.create_routine(
        household=family.household, name="N", kind="nursing", steps=[]
    )
    response = owner_client.post(
        reverse("routines:step_add", args=[routine.pk]), {"slug": "pump_phases"}
    )
    assert response.status_code == 400
    routine.refresh_from_db()
    assert routine.steps == []


def test_builder_offers_only_the_households_recordings(objects, owner_client, stranger_family):
    services.save_media(
        household=stranger_family.household,
        uploaded=SimpleUploadedFile("s.webm", WEBM),
        name="Someone else's baby",
    )
    routine = objects["routine"]
    owner_client.post(reverse("routines:step_add", args=[routine.pk]), {"slug": "baby_cry"})
    page = owner_client.get(reverse("routines:edit", args=[routine.pk])).content.decode()
    assert "Robin crying" in page and "Someone else" not in page
    other = Media.objects.get(name="Someone else's baby")
    response = owner_client.post(
        reverse("routines:step_update", args=[routine.pk, 3]),
        {"s3-duration_s": "60", "s3-media_id": other.pk},
    )
    assert response.status_code == 400


def test_a_step_index_past_the_end_is_404(objects, owner_client):
    url = reverse("routines:step_remove", args=[objects["routine"].pk, 9])
    assert owner_client.post(url).status_code == 404


def test_player_events_as_json_and_as_plain_forms(objects, owner_client):
    run = objects["run"]
    url = reverse("routines:run_event", args=[run.pk])
    response = owner_client.post(
        url, {"type": "next", "position": "0"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["step_slug"] == "breathing"
    assert response.json()["params"]["inhale_s"] == 4
    response = owner_client.post(url, {"type": "pause"})
    assert response.status_code == 302 and response.url == reverse("routines:player", args=[run.pk])
    state = owner_client.get(reverse("routines:run_state", args=[run.pk])).json()
    assert state["paused"] is True and state["index"] == 1
    assert owner_client.post(url, {"type": "finish"}).status_code == 400
    assert owner_client.post(url, {"type": "x"}, headers={"accept": "application/json"}).json()


def test_start_pumping_now_carries_the_run_into_a_session(objects, owner_client, family):
    run = objects["run"]
    response = owner_client.post(reverse("routines:run_session", args=[run.pk]), {"side": "both"})
    session = Session.objects.get()
    assert response.url == reverse("session_live", args=[session.pk])
    assert (session.kind, session.current_side()) == ("pumping", "both")
    assert RunEvent.objects.filter(run=run, type="session_started").count() == 1
    page = owner_client.get(response.url).content.decode()
    assert "Pump phases" in page and "Stimulation: the fast, light setting" in page
    # Tapping again goes back to the same session rather than starting another.
    owner_client.post(reverse("routines:run_session", args=[run.pk]), {"side": "both"})
    assert Session.objects.count() == 1


def test_start_session_needs_a_side(objects, owner_client):
    url = reverse("routines:run_session", args=[objects["run"].pk])
    assert owner_client.post(url, {"side": "middle"}).status_code == 400


def test_ending_the_session_on_the_logbook_screen_records_the_routine(objects, owner_client):
    run = objects["run"]
    owner_client.post(reverse("routines:run_session", args=[run.pk]), {"side": "both"})
    session = Session.objects.get()
    owner_client.post(reverse("session_end", args=[session.pk]))
    session.refresh_from_db()
    assert [s["step"] for s in session.routine_steps] == []  # 5 s of warm drink: not yet "used"
    run.refresh_from_db()
    assert run.finished_at is not None


def test_a_session_started_elsewhere_can_follow_the_playing_routine(objects, owner_client):
    response = owner_client.post(reverse("session_start"), {"kind_side": "pumping:left"})
    session = Session.objects.get()
    page = owner_client.get(response.url).content.decode()
    assert "Follow it here" in page
    owner_client.post(reverse("routines:session_follow", args=[session.pk]))
    run = RoutineRun.objects.get(pk=objects["run"].pk)
    assert run.session == session
    assert "Pump phases" in owner_client.get(response.url).content.decode()


def test_a_stale_follow_after_starting_the_routine_again_is_not_a_500(objects, owner_client):
    # Start the routine, follow it in the session, start it again, then post "follow" from
    # the page shown before: the session already follows the first run.
    response = owner_client.post(reverse("session_start"), {"kind_side": "pumping:left"})
    session = Session.objects.get()
    follow = reverse("routines:session_follow", args=[session.pk])
    owner_client.post(follow)
    owner_client.post(reverse("routines:start", args=[objects["routine"].pk]))
    again = owner_client.post(follow, follow=True)
    assert again.status_code == 200
    assert again.redirect_chain == [(response.url, 302)]
    assert "already follows a routine" in again.content.decode()
    assert RoutineRun.objects.get(session=session).pk == objects["run"].pk


def test_media_file_is_served_to_members_with_its_real_type(objects, owner_client):
    response = owner_client.get(reverse("routines:media_file", args=[objects["media"].pk]))
    assert response["Content-Type"] == "audio/webm"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == WEBM


def test_media_root_is_not_served_directly(objects, owner_client):
    assert owner_client.get("/media/" + objects["media"].file.name).status_code == 404


def test_upload_a_photo(owner_client, family):
    response = owner_client.post(
        reverse("routines:media_upload"),
        {"kind": "image", "name": "Robin", "file": SimpleUploadedFile("r.png", PNG)},
    )
    assert response.status_code == 302
    media = Media.objects.get(household=family.household)
    # Written anew as a JPEG: no metadata of hers, a size a phone screen needs.
    assert (media.kind, media.content_type, media.name) == ("image", "image/jpeg", "Robin")


def test_upload_of_a_wrong_type_is_a_400_with_a_clear_message(owner_client):
    response = owner_client.post(
        reverse("routines:media_upload"),
        {"kind": "audio", "file": SimpleUploadedFile("song.mp3", b"<script>bad</script>")},
    )
    assert response.status_code == 400
    assert "not a sound or a photo we can play" in response.content.decode()
    assert not Media.objects.exists()


def test_upload_of_a_photo_as_a_sound_is_a_400(owner_client):
    response = owner_client.post(
        reverse("routines:media_upload"),
        {"kind": "audio", "file": SimpleUploadedFile("r.png", PNG)},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    # It says what the file is and what was asked for.
    assert "This file is a photo, not a sound" in response.json()["error"]


def test_upload_too_big_is_a_400_before_the_file_is_read(owner_client, monkeypatch):
    from letdown.routines import views

    monkeypatch.setattr(views, "_MAX_UPLOAD_REQUEST_BYTES", 1000)
    response = owner_client.post(
        reverse("routines:media_upload"),
        {"kind": "audio", "file": SimpleUploadedFile("big.webm", WEBM + b"\x00" * 2000)},
    )
    assert response.status_code == 400
    assert "This file is too big: a sound can be at most 15 MB" in response.content.decode()
    assert not Media.objects.exists()


def test_upload_of_an_audio_file_over_its_limit_is_a_400(owner_client, monkeypatch):
    from letdown.routines import media_types

    monkeypatch.setitem(media_types.MAX_BYTES, "audio", 100)
    response = owner_client.post(
        reverse("routines:media_upload"),
        {"kind": "audio", "file": SimpleUploadedFile("cry.webm", WEBM)},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert "too big" in response.json()["error"]


def test_recorder_upload_as_json_keeps_the_length(owner_client, family):
    response = owner_client.post(
        reverse("routines:media_upload"),
        {
            "kind": "audio",
            "name": "cry",
            "duration_s": "6.5",
            "file": SimpleUploadedFile("blob", WEBM),
        },
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    media = Media.objects.get(pk=response.json()["id"])
    assert media.duration_s == 6.5
    assert response.json()["url"] == reverse("routines:media_file", args=[media.pk])


def test_delete_media_removes_it_and_its_file(objects, owner_client, settings):
    media = objects["media"]
    path = settings.MEDIA_ROOT / media.file.name
    response = owner_client.post(reverse("routines:media_delete", args=[media.pk]))
    assert response.status_code == 302
    assert not Media.objects.exists() and not path.exists()
    assert owner_client.get(reverse("routines:media_file", args=[media.pk])).status_code == 404


def test_pages_need_a_login(client, objects):
    response = client.get(reverse("routines:media_file", args=[objects["media"].pk]))
    assert response.status_code == 302 and "/login" in response.url


def test_the_player_page_draws_every_kind_of_step(owner_client, family):
    photo = services.save_media(
        household=family.household, uploaded=SimpleUploadedFile("p.png", PNG), name="Robin"
    )
    routine = services.create_routine(
        household=family.household,
        name="All",
        kind="pumping",
        steps=[{"slug": slug, "params": {}} for slug in STEP_TYPES]
        + [{"slug": "baby_photo", "params": {"media_id": photo.pk}}],
    )
    run = services.start_run(routine=routine, at=timezone.now())
    page = owner_client.get(reverse("routines:player", args=[run.pk])).content.decode()
    assert page.count("data-panel=") == len(STEP_TYPES) + 1
    assert "data-pacer" in page and "data-soundscape" in page
    assert "Settle in where you are" in page  # the first imagery line
    assert "No recording yet." in page  # the cry step without a recording says so
    # The photo step with no photo chosen shows her newest: both photo steps show Robin.
    assert "No photo yet." not in page
    assert page.count(reverse("routines:media_file", args=[photo.pk])) == 2
    assert 'id="run-state"' in page and 'id="player-text"' in page


def test_a_huge_position_is_ignored_not_an_error(objects, owner_client):
    url = reverse("routines:run_event", args=[objects["run"].pk])
    response = owner_client.post(url, {"type": "next", "position": "9" * 30})
    assert response.status_code == 302
    assert RunEvent.objects.get(type="next").position is None


def test_start_now_while_a_session_runs_carries_the_run_into_it(objects, owner_client):
    owner_client.post(reverse("session_start"), {"kind_side": "pumping:left"})
    running = Session.objects.get()
    run = objects["run"]
    response = owner_client.post(reverse("routines:run_session", args=[run.pk]), {"side": "both"})
    assert response.url == reverse("session_live", args=[running.pk])
    assert Session.objects.count() == 1
    run.refresh_from_db()
    assert run.session == running


def test_upload_still_checks_the_csrf_token(family):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(family.owner, backend="letdown.accounts.backends.HouseholdModelBackend")
    response = client.post(
        reverse("routines:media_upload"),
        {"kind": "audio", "file": SimpleUploadedFile("cry.webm", WEBM)},
    )
    assert response.status_code == 403
    assert not Media.objects.exists()


def test_a_position_in_other_digits_is_ignored_not_an_error(objects, owner_client):
    url = reverse("routines:run_event", args=[objects["run"].pk])
    response = owner_client.post(url, {"type": "next", "position": "²"})
    assert response.status_code == 302
    assert RunEvent.objects.get(type="next").position is None
