"""Playwright driving Debian's Chromium against the live test server, at a phone's size.
Any request to a host other than the test server fails the test: no third parties. So does
anything the Content-Security-Policy (on, as in production) blocks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    sync_playwright,
)

# A Baby Buddy answering on this machine, for pulling from it in Settings.
from ..transfer.babybuddy_server import babybuddy  # noqa: F401

# Playwright's sync API runs an event loop in this thread; the live server's database work
# is still synchronous, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LETDOWN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
    # A working fake microphone, MediaRecorder and audio output on a 127.0.0.1 page.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
# Reported by the page itself (the event) and by Chromium (its console message), so a
# violation is caught whichever way it surfaces, on every page of every context.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + event.blockedURI
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""
POLICY_COMPLAINTS = ("Content Security Policy", "CSP violation", "Permissions-Policy")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _new_context(
    browser: Browser, live_server_url: str, dark: bool
) -> tuple[BrowserContext, list[str], list[str]]:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        color_scheme="dark" if dark else "light",
        permissions=["microphone"],
    )
    server = urlparse(live_server_url).netloc
    foreign: list[str] = []

    def only_our_server(route: Route) -> None:
        url = route.request.url
        if urlparse(url).netloc == server or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", only_our_server)
    violations: list[str] = []
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def note_violation(message: ConsoleMessage) -> None:
        text = message.text
        # Chromium also reports a Permissions-Policy feature it does not know: a typo there
        # would leave a feature allowed.
        if any(mark in text for mark in POLICY_COMPLAINTS):
            violations.append(f"{message.page.url if message.page else '?'}: {text}")

    context.on("console", note_violation)
    return context, foreign, violations


@pytest.fixture
def phone_factory(browser: Browser, live_server) -> Iterator:  # type: ignore[no-untyped-def]
    """Opens phones (browser contexts) logged in as a user; checks none talked to a third party."""
    opened: list[tuple[BrowserContext, list[str], list[str]]] = []

    def open_phone(user=None, *, dark: bool = False) -> Page:  # type: ignore[no-untyped-def]
        context, foreign, violations = _new_context(browser, live_server.url, dark)
        opened.append((context, foreign, violations))
        if user is not None:
            client = Client()
            client.force_login(user, backend="letdown.accounts.backends.HouseholdModelBackend")
            cookie = client.cookies["sessionid"]
            context.add_cookies(
                [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.set_default_navigation_timeout(30_000)  # the first page of a run starts the server up
        return page

    yield open_phone
    for context, foreign, violations in opened:
        context.close()
        assert foreign == [], f"requests left for third parties: {foreign}"
        assert violations == [], f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def phone(phone_factory, family) -> Page:  # type: ignore[no-untyped-def]
    return phone_factory(family.owner)


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
