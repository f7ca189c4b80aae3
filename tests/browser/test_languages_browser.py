"""letdown in Spanish and German on a 390 px phone: home, a live session, history, Insights,
a Learn article and the routine player show no English word and nothing wider than the
screen (German words are long). Screenshots go to test-artifacts/lang-<language>-<page>.png."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from letdown.routines import services as routines
from tests.factories import start

from ..insights.test_views import add_history
from .conftest import PHONE, screenshot

# Words that only English uses on these pages; German and Spanish share none of them
# ("Start", "Pause", "Routine", "Baby" are German too, so they are not here).
ENGLISH = {
    "the",
    "and",
    "your",
    "with",
    "without",
    "session",
    "sessions",
    "let-down",
    "let-downs",
    "today",
    "history",
    "insights",
    "settings",
    "resume",
    "leak",
    "leaks",
    "nursing",
    "pumping",
    "breast",
    "minutes",
    "week",
    "weeks",
    "feed",
    "feeds",
    "learn",
    "more",
    "back",
    "next",
    "side",
    "left",
    "right",
    "end",
    "undo",
    "switch",
    "step",
    "steps",
    "play",
    "log",
}
# Learn articles are content (Markdown per language, written separately): their titles, in
# links on any page, and their text are left out; the page's own words around them are checked.
ARTICLE_TITLES = 'a[href^="/learn/"]:not([href="/learn/"]):not([href^="/learn/sources"])'
ARTICLE_CONTENT = ".learn-article > h1, .learn-article > .lede, .reviewed, .article-body, "
ARTICLE_CONTENT += ".references-section ol, .changelog ul"


def _english_words(page: Page, skip: str = "") -> set[str]:
    text = page.evaluate(
        """(skip) => {
            if (skip) document.querySelectorAll(skip).forEach(e => e.remove());
            return document.body.innerText;
        }""",
        skip,
    )
    return {w for w in re.findall(r"[a-z][a-z-]*", text.lower()) if w in ENGLISH}


def _check(page: Page, url: str, name: str, skip: str = ARTICLE_TITLES) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    wide = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, name)
    assert wide <= PHONE["width"], f"{name}: {wide}px wide"
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('main *, nav *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                         && getComputedStyle(e).visibility !== 'hidden'
                         && e.getClientRects().length)
            .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40))"""
    )
    assert overflowing == [], f"{name}: past the right edge: {overflowing[:5]}"
    assert _english_words(page, skip) == set(), f"{name}: English left"


@pytest.mark.parametrize("language", ["es", "de"])
def test_the_phone_pages_speak_her_language(phone_factory, live_server, family, language):
    family.owner.language = language
    family.owner.save()
    add_history(family, days=35, now=timezone.now())
    routine = routines.create_routine(
        household=family.household,
        name="Abend",
        kind="pumping",
        steps=[{"slug": "warm_compress"}, {"slug": "breast_massage"}, {"slug": "pump_phases"}],
    )
    page = phone_factory(family.owner)
    base = live_server.url
    _check(page, base + "/", f"lang-{language}-home")
    _check(page, base + "/history/", f"lang-{language}-history")
    _check(page, base + "/insights/", f"lang-{language}-insights")
    _check(
        page,
        base + "/learn/what-is-let-down/",
        f"lang-{language}-article",
        f"{ARTICLE_TITLES}, {ARTICLE_CONTENT}",
    )
    page.goto(base + f"/routines/{routine.pk}/")
    page.locator(f'form[action="/routines/{routine.pk}/start/"] button').first.click()
    page.wait_for_url(re.compile(r"/routines/runs/\d+/"))
    _check(page, page.url, f"lang-{language}-routine-player")
    session = start(family.lactation, "pumping", "both", timezone.now())
    _check(page, base + f"/sessions/{session.pk}/", f"lang-{language}-live-session")


def test_a_visitor_switches_the_login_page_to_german(phone_factory, live_server):
    page = phone_factory()
    page.goto(live_server.url + "/account/login/")
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_url(re.compile(r"/account/login/"))
    assert page.get_by_role("button", name="Anmelden").is_visible()
    assert page.evaluate("document.documentElement.lang") == "de"
    screenshot(page, "lang-de-login")
