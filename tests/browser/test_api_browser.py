"""Settings → API tokens and the API's docs page in a real browser: the token is made and
shown once, and the docs page (Swagger UI, served by letdown) draws every operation without
a request to anyone else and without breaking the Content-Security-Policy."""

from __future__ import annotations

from playwright.sync_api import expect

from letdown.api.models import ApiToken

from .conftest import screenshot


def test_a_parent_makes_a_token_and_reads_the_api_docs(phone, live_server, family) -> None:  # type: ignore[no-untyped-def]
    page = phone
    page.goto(f"{live_server.url}/account/household/", timeout=60_000)
    page.get_by_role("link", name="Tokens for programs").click()
    page.get_by_label("Name (what will use it)").fill("Home Assistant")
    page.get_by_role("button", name="Make a token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("ld_") and ApiToken.objects.get().prefix == token[:11]
    expect(page.get_by_role("button", name="Revoke “Home Assistant”")).to_be_visible()
    page.wait_for_load_state()  # the stylesheet too, not only the text
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"
    screenshot(page, "api-token-made")

    page.get_by_role("link", name="The API's documentation").click()
    expect(page.get_by_text("/api/v1/sessions/{session_id}/taps")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/v1/status")).to_be_visible()
    screenshot(page, "api-docs")
