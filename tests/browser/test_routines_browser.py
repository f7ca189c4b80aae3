"""The routine in a real browser at a phone's size: a cry recorded with the fake microphone and
played back, a short routine carried into a pumping session, the breathing pacer and the
generated soundscape, and every step's screen in light and dark."""

from __future__ import annotations

import io
import math
import struct
import wave
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from letdown.logbook.models import Session
from letdown.routines import services
from letdown.routines.catalogue import STEP_TYPES
from letdown.routines.models import Media, RoutineRun

from .conftest import ARTIFACTS


def _wav(seconds: float = 3.0, rate: int = 8000) -> bytes:
    """A soft 440 Hz tone: a real file the browser can play."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
                for i in range(int(seconds * rate))
            )
        )
    return buffer.getvalue()


def _png(width: int = 120, height: int = 90) -> bytes:
    """A warm gradient, standing in for the baby's photo."""
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (230, 150 + x // 2, 120 + y))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _routine(family, steps, kind="pumping", name="Short"):
    return services.create_routine(household=family.household, name=name, kind=kind, steps=steps)


def _play(page, live_server, routine):
    # Headless Chromium asks for this permission; a phone's browser grants it to a visible page.
    page.context.grant_permissions(["screen-wake-lock"], origin=live_server.url)
    page.goto(live_server.url + f"/routines/{routine.pk}/")
    page.get_by_role("button", name="Play this routine").click()
    expect(page.locator("[data-player]")).to_be_visible()
    page.wait_for_function("() => window.letdownPlayer !== undefined")  # the script has started


def _shot(page, name):
    """What she sees without scrolling: the viewport, not the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)
    # Animations are stopped at their end state, so no wait for them to settle.
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), animations="disabled")


def test_record_a_cry_with_the_microphone_and_play_it_in_a_routine(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/routines/media/")
    page.get_by_role("button", name="Start recording").click()
    expect(page.get_by_text("Recording…")).to_be_visible()
    # Past two seconds of sound, with a second to spare for a busy machine's audio.
    expect(page.locator("[data-record-time]")).to_contain_text("0:03")
    page.get_by_role("button", name="Stop recording").click()
    expect(page.get_by_role("button", name="Keep this recording")).to_be_visible()
    _shot(page, "routines-media-recorded-light")
    page.get_by_role("button", name="Keep this recording").click()
    expect(page.get_by_text("Baby crying")).to_be_visible()
    media = Media.objects.get(household=family.household)
    assert (media.kind, media.content_type) == ("audio", "audio/webm")
    assert 2 <= media.duration_s <= 5
    assert media.size_bytes > 1000

    routine = _routine(family, [{"slug": "baby_cry", "params": {"media_id": media.pk}}])
    _play(page, live_server, routine)
    expect(page.get_by_role("heading", name="Your baby's cry")).to_be_visible()
    # The step lasts as long as the recording (the catalogue's 5 s minimum at the least).
    assert RoutineRun.objects.get().steps[0]["params"]["duration_s"] == max(
        5, round(media.duration_s)
    )
    page.wait_for_function(
        "() => { const a = document.querySelector('audio[data-track]');"
        " return a && !a.paused && a.currentTime > 0.3; }"
    )
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function("() => document.querySelector('audio[data-track]').paused")


def test_short_routine_into_a_pumping_session_records_its_steps(phone, live_server, family):
    page = phone
    routine = _routine(
        family,
        [
            {"slug": "scent_cloth", "params": {"duration_s": 10}},
            {"slug": "breathing", "params": {"inhale_s": 2, "exhale_s": 2}},
            {"slug": "pump_phases"},
        ],
    )
    _play(page, live_server, routine)
    expect(page.get_by_role("heading", name="Scent cloth")).to_be_visible()
    page.wait_for_function("() => window.letdownPlayer.wakeLockHeld()")  # the screen stays on
    page.wait_for_timeout(5500)  # past half of its 10 s: it counts as used
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Breathing")).to_be_visible()
    # The pacer breathes in, then out, and stops while paused.
    page.wait_for_function("() => window.letdownPlayer.pacerPhase() === 'in'")
    page.wait_for_function("() => window.letdownPlayer.pacerPhase() === 'out'", timeout=4000)
    expect(page.get_by_text("Breathe out")).to_be_visible()
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function("() => window.letdownPlayer.pacerPhase() === null")
    expect(page.locator("[data-pacer]")).to_have_attribute("data-phase", "stopped")
    page.get_by_role("button", name="Resume").click()
    page.wait_for_function("() => window.letdownPlayer.pacerPhase() !== null")

    page.get_by_role("button", name="Both sides").click()
    expect(page.get_by_role("heading", name="Pumping")).to_be_visible()
    routine_card = page.locator(".live-routine")
    expect(routine_card.get_by_role("heading", name="Pump phases")).to_be_visible()
    expect(routine_card.get_by_text("Stimulation: the fast, light setting")).to_be_visible()
    _shot(page, "routines-live-session-light")
    page.get_by_role("button", name="Let-down", exact=True).click()
    expect(page.get_by_text("Let-down saved.")).to_be_visible()
    expect(
        page.locator(".live-routine").get_by_text("Switch the pump to expression")
    ).to_be_visible()
    page.get_by_role("button", name="End").click()
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible()
    expect(page.get_by_label("Scent cloth")).to_be_checked()

    session = Session.objects.get()
    assert [step["step"] for step in session.routine_steps] == ["scent_cloth"]
    assert 5 <= session.routine_steps[0]["duration_s"] <= 8
    assert session.aids == ["scent_cloth"]
    assert RoutineRun.objects.get().finished_at == session.ended_at


def test_generated_soundscape_starts_and_stops_with_the_step(phone, live_server, family):
    page = phone
    routine = _routine(
        family, [{"slug": "relaxing_sound", "params": {}}, {"slug": "scent_cloth", "params": {}}]
    )
    _play(page, live_server, routine)
    expect(page.get_by_text("A calm sound is playing")).to_be_visible()
    page.wait_for_function("() => window.letdownPlayer.soundscapeState() === 'running'")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_function("() => window.letdownPlayer.soundscapeState() === 'suspended'")
    page.get_by_role("button", name="Resume").click()
    page.wait_for_function("() => window.letdownPlayer.soundscapeState() === 'running'")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Scent cloth")).to_be_visible()
    page.wait_for_function("() => window.letdownPlayer.soundscapeState() === 'suspended'")


def _check_read_aloud(page):
    """Read aloud turns on; it speaks where the browser has a voice and says so where not."""
    toggle = page.get_by_role("button", name="Read it to me")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    if page.evaluate("speechSynthesis.getVoices().length") == 0:
        expect(page.get_by_text("This phone has no voice to read aloud")).to_be_visible()
    else:
        page.wait_for_function("() => speechSynthesis.speaking || speechSynthesis.pending")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_steps_screen_on_a_phone(phone_factory, live_server, family, dark):
    """A tour of every step, for looking at (test-artifacts/routines-step-*.png)."""
    mode = "dark" if dark else "light"
    cry = services.save_media(
        household=family.household,
        uploaded=SimpleUploadedFile("cry.wav", _wav()),
        name="Robin crying",
        duration_s=3,
    )
    photo = services.save_media(
        household=family.household, uploaded=SimpleUploadedFile("p.png", _png()), name="Robin"
    )
    steps = []
    for slug, step in STEP_TYPES.items():
        params = {}
        if step.media == "audio" and step.media_required:
            params["media_id"] = cry.pk
        if step.media == "image":
            params["media_id"] = photo.pk
        steps.append({"slug": slug, "params": params})
    routine = _routine(family, steps, name="Everything")
    page = phone_factory(family.owner, dark=dark)
    page.goto(live_server.url + "/routines/")
    _shot(page, f"routines-list-{mode}")
    page.goto(live_server.url + f"/routines/{routine.pk}/")
    _shot(page, f"routines-builder-{mode}")
    breathing = page.locator("#step-4")
    breathing.get_by_text("Settings", exact=True).click()
    breathing.scroll_into_view_if_needed()
    _shot(page, f"routines-builder-settings-{mode}")
    page.goto(live_server.url + "/routines/steps/breast_massage/")
    _shot(page, f"routines-step-info-{mode}")
    page.goto(live_server.url + "/routines/media/")
    _shot(page, f"routines-media-{mode}")
    _play(page, live_server, routine)
    for index, (slug, step) in enumerate(STEP_TYPES.items()):
        expect(page.get_by_role("heading", name=step.title, exact=True)).to_be_visible()
        next_button = page.get_by_role("button", name="Next")
        box = next_button.bounding_box()
        assert box and box["height"] >= 80  # one big target, even in the dark
        _shot(page, f"routines-step-{index:02d}-{slug}-{mode}")
        if slug == "imagery":
            _check_read_aloud(page)
        if step.per_side_default:
            next_button.click()  # the right side
            expect(page.get_by_text("Right breast")).to_be_visible()
        page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Routine done")).to_be_visible()
    expect(page.get_by_role("button", name="Stop the routine")).to_be_hidden()
    expect(page.get_by_role("button", name="Next")).to_be_hidden()
    _shot(page, f"routines-step-done-{mode}")
