"""Bringing her Huckleberry history in, in a real browser at a phone's size: Settings → Your
data, a preview of what will be stored, then Import."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from letdown.babylog.models import Nappy, Weighing
from letdown.logbook.models import BottleFeed, Session

from ..transfer.babybuddy_server import TOKEN
from .conftest import screenshot

SAMPLE = Path(__file__).resolve().parents[1] / "transfer" / "samples" / "huckleberry.csv"


def test_import_from_huckleberry_after_a_preview(phone, live_server, family) -> None:  # type: ignore[no-untyped-def]
    page = phone
    # The first request of a fresh test server loads every view; on a busy machine that has
    # taken more than the default 10 s.
    page.goto(f"{live_server.url}/account/household/", timeout=60_000)
    page.get_by_role("link", name="Export, or import from another app").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    page.get_by_label("From").select_option("huckleberry")
    page.get_by_label("File").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Preview", exact=True).click()

    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    # A segment, in her time zone and her region's format (a UK household).
    expect(page.get_by_text("side: Right · started: 29 Apr 2025, 09:29")).to_be_visible()
    expect(page.get_by_text("1 × Sleep")).to_be_visible()
    page.wait_for_load_state()  # the stylesheet too, not only the text
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"
    screenshot(page, "transfer-import-preview-light")
    assert not Session.objects.filter(household=family.household).exists()

    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported: ")).to_be_visible()
    assert Session.objects.filter(household=family.household, source="huckleberry").count() == 3
    assert BottleFeed.objects.filter(household=family.household).count() == 2


def test_pull_from_her_baby_buddy_after_a_preview(phone, live_server, family, babybuddy) -> None:  # type: ignore[no-untyped-def]
    """Settings → Your data → Pull from your Baby Buddy, at 390 px: a wrong key is said by its
    field and not shown back; the right one previews her nappies and weights, then imports."""
    page = phone
    page.goto(f"{live_server.url}/data/", timeout=60_000)
    pull = page.locator("#pull")
    pull.get_by_label("Baby Buddy's address").fill(babybuddy)
    pull.get_by_label("Your Baby Buddy API key").fill("not-her-key")
    pull.get_by_role("button", name="Pull and preview").click()
    expect(page.locator("#pull").get_by_text("Baby Buddy refused the token")).to_be_visible()
    expect(page.locator("#pull").get_by_label("Your Baby Buddy API key")).to_have_value("")
    assert page.locator("#pull").get_by_label("Baby Buddy's address").input_value() == babybuddy
    screenshot(page, "transfer-pull-wrong-key-light")

    page.locator("#pull").get_by_label("Your Baby Buddy API key").fill(TOKEN)
    page.locator("#pull").get_by_role("button", name="Pull and preview").click()
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    expect(page.get_by_text("Baby Buddy at 127.0.0.1")).to_be_visible()
    expect(page.get_by_role("heading", name="Nappies")).to_be_visible()
    expect(page.get_by_text("weight: 3\u202f810 g")).to_be_visible()
    page.wait_for_load_state()  # the stylesheet too, not only the text
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"
    screenshot(page, "transfer-pull-preview-light")
    assert not Nappy.objects.filter(household=family.household).exists()

    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported: ")).to_be_visible()
    assert Nappy.objects.filter(household=family.household).count() == 3
    assert Weighing.objects.filter(household=family.household).count() == 1
    assert Session.objects.filter(household=family.household, source="babybuddy").count() == 3
