"""The paths a parent depends on, in a real browser at a phone's size."""

from django.utils import timezone
from playwright.sync_api import expect

from letdown.core.units import clock
from letdown.logbook.models import Leak, LetDown, Session

from .conftest import screenshot


def test_pump_two_letdowns_end_with_volumes_and_see_history(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/")
    screenshot(page, "home-light")
    page.get_by_role("button", name="Pump both sides").click()
    expect(page.get_by_role("heading", name="Pumping")).to_be_visible()
    page.wait_for_load_state("load")  # measure the button once its stylesheet is in
    expect(page.get_by_text("Both sides")).to_be_visible()
    letdown = page.get_by_role("button", name="Let-down", exact=True)
    box = letdown.bounding_box()
    assert box and box["height"] >= 120 and box["width"] >= 300  # one big target
    letdown.click()
    expect(page.get_by_text("Let-down saved.")).to_be_visible()
    page.get_by_text("Add details").click()  # the chips fold under one row
    page.get_by_text("Felt it").click()  # saved as it is tapped
    page.wait_for_function("() => window.letdownOutbox.all().then(items => items.length === 0)")
    expect(page.get_by_text("1 let-down")).to_be_visible()
    screenshot(page, "session-pumping-light")
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible()
    page.get_by_label("Left (ml)").fill("60")
    page.get_by_label("Right (ml)").fill("55")
    page.get_by_text("More details (optional)").click()  # after the volumes, folded
    page.get_by_text("Warm compress").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()

    session = Session.objects.with_details().get()
    facts = session.facts(timezone.now())
    assert (session.volume_left_ml, session.volume_right_ml) == (60, 55)
    assert session.aids == ["warm_compress"]
    assert LetDown.objects.filter(side="both").count() == 1
    assert LetDown.objects.get().noticed == ["felt"]
    (first,) = (clock(o) for o in facts.letdown_offsets_s)
    expect(page.locator(".entry.pumping .ld").first).to_contain_text(f"let-down first at {first}")
    screenshot(page, "history-light")


def _seconds(clock_text: str) -> int:
    """'1:05' or '1:02:03' as seconds, so timers compare as numbers."""
    seconds = 0
    for part in clock_text.strip().split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def test_nursing_switch_side_and_reload_keeps_it_running(phone_factory, live_server, family):
    page = phone_factory(family.owner, dark=True)
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Nurse left").click()
    expect(page.get_by_text("Left side")).to_be_visible()
    page.get_by_role("button", name="Switch side").click()
    expect(page.get_by_text("Right side")).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('.timer.huge').textContent.trim() !== '0:00'"
    )
    timer_before = _seconds(page.locator(".timer.huge").inner_text())
    page.reload()
    expect(page.get_by_text("Right side")).to_be_visible()
    expect(page.get_by_role("button", name="Let-down", exact=True)).to_be_visible()
    # The timer counts from the server's start, not from the page load.
    assert _seconds(page.locator(".timer.huge").inner_text()) >= timer_before
    screenshot(page, "session-nursing-dark")
    # The partner's phone shows the same running session, and follows a let-down tapped here.
    partner = phone_factory(family.member)
    partner.goto(live_server.url + "/")
    partner.get_by_role("link", name="Nursing").click()
    expect(partner.get_by_text("Right side")).to_be_visible()
    page.get_by_role("button", name="Let-down", exact=True).click()
    expect(partner.get_by_text("1 let-down")).to_be_visible(timeout=10_000)
    session = Session.objects.get()
    assert session.ended_at is None
    assert list(session.segments.values_list("side", flat=True)) == ["left", "right"]


def test_log_a_leak_in_one_tap_and_read_what_helps(phone_factory, live_server, family):
    page = phone_factory(family.owner, dark=True)
    page.goto(live_server.url + "/")
    screenshot(page, "home-dark")
    page.get_by_role("button", name="Leak / unexpected let-down").click()
    expect(page.get_by_role("heading", name="Leak logged")).to_be_visible()
    for tip in ("Breast pads", "Firm pressure", "Regular feeds"):
        expect(page.locator(".tips").get_by_text(tip, exact=True)).to_be_visible()
    page.get_by_text("A baby crying").click()
    page.get_by_text("Wet", exact=True).click()
    screenshot(page, "leak-dark")
    page.get_by_role("button", name="Save", exact=True).click()
    leak = Leak.objects.get()
    assert (leak.trigger, leak.amount) == ("baby_crying", "wet")
