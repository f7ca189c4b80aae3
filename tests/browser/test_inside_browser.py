"""'Inside your let-down' in a real browser at a phone's size: three choices changed in place,
the numbers shown agree with each other, and the page stays where she was."""

from __future__ import annotations

from playwright.sync_api import expect

from letdown.reflex import explainer

from .conftest import screenshot


def _stat(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator(selector).first.inner_text().strip()


def test_three_choices_update_in_place_agree_and_keep_the_scroll(
    phone_factory, live_server, db
) -> None:
    explainer._table()  # load the shipped table once, as a server process does at its first use
    page = phone_factory()  # anonymous: the page is public
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/inside/", timeout=30_000)
    expect(page.get_by_role("heading", name="Inside your let-down", level=1)).to_be_visible()
    # A marker a reload would wipe (history.replaceState counts as a navigation, so we do not
    # listen for those).
    page.evaluate("window.insideMarker = 42")

    for legend, label, words in (
        ("Stress or distraction during the session", "Quite", "quite stressed"),
        ("Warm compress before", "10 min", "a 10-minute warm compress before"),
        ("Weeks since the birth", "26", "26 weeks after the birth"),
    ):
        group = page.get_by_role("group", name=legend)
        group.scroll_into_view_if_needed()
        before = page.evaluate("window.scrollY")
        group.get_by_text(label, exact=True).click()
        output = group.locator("xpath=..").locator(".choice-result")
        expect(output).to_contain_text("On average over 200 simulated mothers")
        expect(page.locator(".choices-words")).to_contain_text(words)
        # The result next to the choice agrees with the result section below.
        milk = output.locator('[data-stat="milk"]').inner_text()
        letdowns = output.locator('[data-stat="letdowns"]').inner_text()
        assert _stat(page, '#inside-result td[data-stat="milk"]') == f"{milk} mL"
        assert _stat(page, '#inside-result td[data-stat="letdowns"]') == letdowns
        assert _stat(page, '#inside-summary [data-stat="milk"]') == milk
        # The page did not jump: the changed choice is where she left it.
        after = page.evaluate("window.scrollY")
        assert abs(after - before) <= 2, (before, after)
        assert group.is_visible()

    assert page.evaluate("window.insideMarker") == 42, "the page reloaded"
    assert "anxiety=0.6" in page.url and "warm_compress_min=10" in page.url
    assert "Ueda 1994" in page.locator("#inside-result").inner_text()
    assert not [m for m in console if "Content Security Policy" in m or "error" in m.lower()]
    # The charts come from the Insights page's drawing module, named and keyed in HTML.
    expect(page.locator("#inside-result .chart-title").first).to_contain_text("Oxytocin")
    expect(page.locator("#inside-result .chart-legend").first).to_contain_text("Baseline")
    screenshot(page, "inside-three-choices")

    # The same address, loaded afresh, shows the same numbers (server and update agree).
    shown = _stat(page, '#inside-result td[data-stat="milk"]')
    page.goto(page.url)
    assert _stat(page, '#inside-result td[data-stat="milk"]') == shown


def test_the_charts_read_in_dark_mode_on_a_phone(phone_factory, live_server, db) -> None:
    explainer._table()
    page = phone_factory(dark=True)
    page.goto(f"{live_server.url}/inside/", timeout=30_000)
    charts = page.locator("#inside-result svg[role=img]")
    assert charts.count() == 2
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert box and box["width"] > 300 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    charts.first.scroll_into_view_if_needed()
    screenshot(page, "inside-dark")
