"""The phone pass (issue 15): every screen right for one thumb at 390 px. Each test walks one
item the way a parent meets it and measures what she sees without scrolling."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from letdown.logbook.models import BottleFeed, Leak, Session
from letdown.routines import services as routines
from tests.factories import (
    BottleFeedFactory,
    LeakFactory,
    LetDownFactory,
    SessionFactory,
    start,
)

from .axe import axe_source, violations
from .conftest import PHONE, screenshot
from .test_routines_browser import _png, _wav

LETDOWN = {"name": "Let-down", "exact": True}
TAP_MIN = 44


def _in_view(page: Page, locator: Locator) -> bool:
    """Wholly on screen without scrolling, and not under the menu bar at the bottom."""
    box = locator.bounding_box()
    assert box is not None
    bar = page.locator("nav.top").bounding_box()
    bottom = bar["y"] if bar else PHONE["height"]
    return box["y"] >= 0 and box["y"] + box["height"] <= bottom and box["x"] >= 0


def _size(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["width"], box["height"]


def test_pump_cue_stays_on_screen_after_a_letdown_and_the_chips_fold(phone, live_server, family):
    routine = routines.create_routine(
        household=family.household, name="Pump", kind="pumping", steps=[{"slug": "pump_phases"}]
    )
    page = phone
    page.goto(live_server.url + f"/routines/{routine.pk}/")
    page.get_by_role("button", name="Play this routine").click()
    page.get_by_role("button", name="Both sides").click()
    expect(page.get_by_role("heading", name="Pumping")).to_be_visible()
    page.get_by_role("button", **LETDOWN).click()
    cue = page.locator(".live-routine").get_by_text("Switch the pump to expression")
    expect(cue).to_be_visible()
    assert _in_view(page, cue)
    # The optional chips wait behind one row until she asks for them.
    expect(page.get_by_text("Felt it")).to_be_hidden()
    page.get_by_text("Add details").click()
    with page.expect_response(lambda r: "/details/" in r.url and r.status == 200):
        page.get_by_text("Felt it").click()
    assert Session.objects.get().letdowns.get().noticed == ["felt"]


def test_cry_and_photo_steps_use_her_newest_files_and_the_editor_warns_when_none(
    phone, live_server, family
):
    routine = routines.create_routine(
        household=family.household,
        name="Baby",
        kind="pumping",
        steps=[{"slug": "baby_cry", "params": {}}, {"slug": "baby_photo", "params": {}}],
    )
    page = phone
    page.goto(live_server.url + f"/routines/{routine.pk}/")
    expect(page.get_by_text("Nothing to play yet")).to_be_visible()
    expect(page.get_by_text("Nothing to show yet")).to_be_visible()
    routines.save_media(
        household=family.household,
        uploaded=SimpleUploadedFile("cry.wav", _wav()),
        name="Robin crying",
        duration_s=3,
    )
    routines.save_media(
        household=family.household, uploaded=SimpleUploadedFile("p.png", _png()), name="Robin"
    )
    page.reload()
    expect(page.get_by_text("Plays your recording “Robin crying”")).to_be_visible()
    expect(page.get_by_text("Shows your photo “Robin”")).to_be_visible()
    expect(page.get_by_text("Nothing to play yet")).to_have_count(0)
    page.get_by_role("button", name="Play this routine").click()
    expect(page.get_by_role("heading", name="Your baby's cry")).to_be_visible()
    expect(page.get_by_text("No recording yet")).to_have_count(0)
    expect(page.locator("audio[data-track]")).to_have_count(1)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("img", name="Your baby")).to_be_visible()
    expect(page.get_by_text("No photo yet")).to_have_count(0)


def test_bottle_feed_and_leak_save_the_first_time_and_remember_her_choice(
    phone, live_server, family
):
    page = phone
    page.goto(live_server.url + "/feeds/new/")
    expect(page.get_by_text("---------")).to_have_count(0)
    volume = page.get_by_label("Volume (ml)")
    first_input = page.locator("main form input:not([type=hidden])").first
    assert first_input.get_attribute("name") == "volume"
    assert volume.get_attribute("inputmode") == "decimal"
    volume.fill("60")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Feed saved.")).to_be_visible()
    assert BottleFeed.objects.get().milk == "expressed"

    page.goto(live_server.url + "/feeds/new/")
    page.get_by_label("Volume (ml)").fill("30")
    page.get_by_text("Formula").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Feed saved.")).to_be_visible()
    page.goto(live_server.url + "/feeds/new/")
    expect(page.get_by_label("Formula")).to_be_checked()  # her last choice

    page.goto(live_server.url + "/leaks/new/")
    expect(page.get_by_text("---------")).to_have_count(0)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Leak logged")).to_be_visible()
    page.get_by_text("Wet", exact=True).click()
    page.get_by_text("Left", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.goto(live_server.url + "/leaks/new/")
    expect(page.get_by_label("Wet", exact=True)).to_be_checked()
    expect(page.get_by_label("Left", exact=True)).to_be_checked()
    screenshot(page, "phone-leak-form-light")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Leak logged")).to_be_visible()
    assert list(Leak.objects.order_by("pk").values_list("amount", "side")) == [
        ("wet", "left"),
        ("wet", "left"),
    ]


def test_after_pumping_the_volumes_and_done_come_first(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Pump both sides").click()
    page.get_by_role("button", **LETDOWN).click()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible()
    left, right = page.get_by_label("Left (ml)"), page.get_by_label("Right (ml)")
    done = page.get_by_role("button", name="Done")
    for element in (left, right, done):
        assert _in_view(page, element)
    expect(left).to_be_focused()
    expect(page.get_by_text("How anxious did you feel before?")).to_be_hidden()  # folded below
    screenshot(page, "phone-after-pumping-light")
    left.fill("70")
    right.fill("65")
    done.click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    session = Session.objects.get()
    assert (session.volume_left_ml, session.volume_right_ml) == (70, 65)


def test_every_destination_is_on_screen_at_390_px(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Main")
    no_hidden_scroll = "n => n.scrollWidth <= n.clientWidth"
    assert page.locator("nav.top").evaluate(no_hidden_scroll)
    for name in ("Today", "History", "Routine", "Insights"):
        link = nav.get_by_role("link", name=name, exact=True)
        width, height = _size(link)
        assert width >= TAP_MIN and height >= TAP_MIN
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] + box["height"] <= PHONE["height"]
    nav.get_by_text("More").click()
    for name in ("Learn", "Settings", "Add a partner"):
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["y"] >= 0 and box["height"] >= TAP_MIN
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    screenshot(page, "phone-menu-more-light")
    nav.get_by_role("link", name="Add a partner").click()
    expect(page.locator("#add-member").get_by_label("Username")).to_be_visible()  # unfolded
    nav.get_by_text("More").click()
    nav.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_the_confirmation_and_the_day_stay_in_view_after_saving(phone, live_server, family):
    yesterday = timezone.now() - timedelta(days=1)
    for hours in range(10):  # a long day, so that the page scrolls
        SessionFactory(lactation=family.lactation, started_at=yesterday - timedelta(hours=hours))
    feed = BottleFeedFactory(lactation=family.lactation, at=yesterday + timedelta(minutes=30))
    page = phone
    page.goto(live_server.url + f"/feeds/{feed.pk}/edit/")
    page.get_by_label("Volume (ml)").fill("75")
    page.get_by_role("button", name="Save", exact=True).click()
    message = page.get_by_text("Feed saved.")
    expect(message).to_be_in_viewport()  # once the page has scrolled to it
    assert _in_view(page, message)
    assert _in_view(page, page.locator(".day h2").first)


def test_delete_names_the_item_with_two_equal_answers_and_links_are_big(phone, live_server, family):
    session = SessionFactory(lactation=family.lactation, kind="pumping", side="both")
    letdown = LetDownFactory(session=session, side="left")
    page = phone
    page.goto(live_server.url + f"/sessions/{session.pk}/edit/")
    for name in ("edit", "delete", "Add a let-down you did not tap", "Delete this session"):
        width, height = _size(page.get_by_role("link", name=name, exact=True))
        assert width >= TAP_MIN and height >= TAP_MIN, (name, width, height)
    page.get_by_role("link", name="delete", exact=True).click()
    expect(page.get_by_role("heading", name="Delete this let-down?")).to_be_visible()
    local = timezone.localtime(letdown.at)
    expect(page.locator("[data-deleting]")).to_contain_text(f"{local:%H:%M:%S} (Left)")
    keep, delete = (
        page.get_by_role("link", name="Keep it"),
        page.get_by_role("button", name="Delete"),
    )
    assert _size(keep) == _size(delete)
    assert _size(keep)[1] >= TAP_MIN
    screenshot(page, "phone-delete-light")
    keep.click()
    expect(page.get_by_role("heading", name="Pumping")).to_be_visible()

    page.goto(live_server.url + "/")
    for name in ("Add a past session", "Log a leak with details"):
        assert _size(page.get_by_role("link", name=name))[1] >= TAP_MIN
    page.goto(live_server.url + "/routines/")
    assert _size(page.get_by_role("link", name="Or build one from scratch"))[1] >= TAP_MIN
    leak = LeakFactory(lactation=family.lactation, at=timezone.now(), amount="damp")
    page.goto(live_server.url + f"/leak/{leak.pk}/delete/")
    expect(page.locator("[data-deleting]")).to_contain_text("Damp")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted.")).to_be_visible()
    assert not Leak.objects.exists()


def test_focus_lands_on_the_main_action_of_each_screen(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/")
    expect(page.get_by_role("button", name="Nurse left")).to_be_focused()
    page.keyboard.press("Enter")
    letdown = page.get_by_role("button", **LETDOWN)
    expect(letdown).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 let-down")).to_be_visible()
    page.get_by_role("link", name="Today").click()
    expect(page.locator("a.running")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", **LETDOWN)).to_be_focused()


def test_pages_reach_the_phone_compressed(phone, live_server, family):
    page = phone
    response = page.goto(live_server.url + "/insights/")
    assert response is not None and response.ok
    assert response.all_headers().get("content-encoding") == "gzip"
    assert "Accept-Encoding" in response.all_headers().get("vary", "")


def test_login_offers_sign_up_only_when_it_is_open(phone_factory, live_server, family, settings):
    visitor = phone_factory(None)
    visitor.goto(live_server.url + "/account/login/")
    expect(visitor.get_by_role("link", name="Create an account")).to_have_count(0)
    expect(visitor.get_by_text("Ask the household's owner to add you")).to_be_visible()
    settings.OPEN_SIGNUP = True
    visitor.reload()
    visitor.get_by_role("link", name="Create an account").click()
    expect(visitor.get_by_role("heading", name="Sign-up is closed here")).to_have_count(0)


def test_a_past_session_starts_from_the_last_hour(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/sessions/new/")
    start_value = page.get_by_label("Started").input_value()
    end_value = page.get_by_label("Ended").input_value()
    assert start_value and end_value
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Session added.")).to_be_visible()
    session = Session.objects.get()
    assert session.ended_at - session.started_at == timedelta(hours=1)
    assert abs(session.ended_at - timezone.now()) < timedelta(minutes=2)


def test_day_one_history_says_nothing_logged_yet(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/history/")
    expect(page.get_by_text("Nothing logged yet.")).to_be_visible()
    expect(page.get_by_text("Nothing logged before this date.")).to_have_count(0)


def test_no_pump_flow_chip_at_the_breast(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Nurse left").click()
    page.get_by_role("button", **LETDOWN).click()
    page.get_by_text("Add details").click()
    expect(page.get_by_text("Felt it")).to_be_visible()
    expect(page.get_by_text("Pump flow")).to_have_count(0)


def test_today_follows_a_session_her_partner_starts(phone_factory, live_server, family):
    page = phone_factory(family.owner)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("button", name="Nurse left")).to_be_visible()
    start(family.lactation, "pumping", "both", timezone.now())  # on the partner's phone
    expect(page.get_by_role("link", name=re.compile("Pumping — running"))).to_be_visible(
        timeout=10_000
    )


def test_media_upload_offers_playable_files_and_says_what_it_expected(
    phone, live_server, family, tmp_path
):
    page = phone
    page.goto(live_server.url + "/routines/media/")
    file_input = page.get_by_label("File")
    assert "audio/*" in (file_input.get_attribute("accept") or "")
    photo = tmp_path / "robin.png"
    photo.write_bytes(_png())
    page.get_by_text("Sound", exact=True).click()
    file_input.set_input_files(str(photo))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("This file is a photo, not a sound")).to_be_visible()


def test_learn_search_finds_letdown_dmer_and_leaking(phone, live_server, family):
    page = phone
    counts = {}
    for query in ("letdown", "dmer", "leak", "leaking"):
        page.goto(live_server.url + "/learn/?q=" + query)
        expect(page.locator(".results-h")).to_be_visible()
        counts[query] = page.locator(".results-h + ol .article-card").count()
    page.goto(live_server.url + "/learn/?q=letdown")
    expect(page.locator(".article-card").first).to_contain_text("What is let-down?")
    page.goto(live_server.url + "/learn/?q=dmer")
    expect(page.locator(".article-card").first).to_contain_text("(D-MER)")
    assert counts["letdown"] > 0 and counts["dmer"] > 0
    assert counts["leaking"] == counts["leak"] > 0


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_learn_search_highlights_what_matched_even_another_form(
    phone_factory, live_server, family, dark
):
    page = phone_factory(family.owner, dark=dark)
    theme = "dark" if dark else "light"
    page.goto(live_server.url + "/learn/")
    page.get_by_role("searchbox", name="Search the articles").fill("leaking")
    page.get_by_role("button", name="Search").click()
    first = page.locator(".results-h + ol .article-card").first
    # "leaking" found the leaks article: its title and text mark the forms that matched.
    expect(first.locator("strong mark").filter(has_text=re.compile("^leaks$"))).to_be_visible()
    expect(first.locator(".snippet mark").first).to_have_text(re.compile(r"^leak\w*$", re.I))
    screenshot(page, f"learn-search-leaking-{theme}")
    page.get_by_role("searchbox", name="Search the articles").fill("dmer")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".article-card mark").filter(has_text="D-MER").first).to_be_visible()
    marks = page.locator(".article-card mark")
    color, background = marks.first.evaluate(
        "m => [getComputedStyle(m).color, getComputedStyle(m).backgroundColor]"
    )
    assert color != background
    screenshot(page, f"learn-search-dmer-{theme}")
    assert violations(page, axe_source()) == []  # the marks keep their contrast
