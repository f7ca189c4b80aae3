"""letdown in Spanish and German on a 390 px phone: home, a live session, history, Insights,
a Learn article, the routine player, Settings, her data's page (export, import, Baby Buddy)
and an import that finds a bad row show no English word and nothing wider than the screen
(German words are long); the menu at the bottom keeps each word on one line, inside its place,
with no marker a page's stylesheet lent it. Screenshots go to
test-artifacts/lang-<language>-<page>.png, the menu's to lang-<language>-<page>-nav.png."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from letdown.routines import services as routines
from tests.factories import start

from ..insights.test_views import add_history
from ..transfer.test_views import SAMPLES
from .conftest import ARTIFACTS, PHONE, screenshot

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
    # Settings and her data (import, export, Baby Buddy) and an import's problems; not
    # "import", "export", "format", "problem", "name", "kind" or "zone": German has them.
    "file",
    "files",
    "line",
    "problems",
    "nothing",
    "imported",
    "rows",
    "cancel",
    "preview",
    "skipped",
    "time",
    "read",
    "already",
    "new",
    "only",
    "here",
    "address",
    "amounts",
    "choose",
    "weights",
    "nappies",
    "not",
    "cannot",
    "missing",
    "empty",
}
# A file's name is her file's ("pumping.csv"), a time zone's its own ("America/New_York"):
# not words of the page.
FILE_NAME = re.compile(r"[\w-]+\.(?:csv|zip|json|xlsx)\b")
TIME_ZONE = re.compile(r"\b[A-Z][A-Za-z]+/[\w/+-]+")
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
    text = FILE_NAME.sub(" ", TIME_ZONE.sub(" ", text).lower())
    return {w for w in re.findall(r"[a-z][a-z-]*", text) if w in ENGLISH}


# Each place of the menu at the bottom: its word on one line, at least 4 px inside its place
# (its highlight) on either side, and no ::before marker (Insights' `details > summary::before`
# once put a "▸" beside "More").
NAV_PROBLEMS = """() => [...document.querySelectorAll('nav.top > a, nav.top summary')]
  .flatMap(e => {
    const words = e.textContent.trim(), place = e.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(e);
    const text = range.getBoundingClientRect();
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    const marker = getComputedStyle(e, '::before').content;
    const problems = [];
    if (lines.size > 1) problems.push(`${words}: on ${lines.size} lines`);
    if (text.left < place.left + 4 || text.right > place.right - 4)
        problems.push(`${words}: against its edges (${text.width} of ${place.width} px)`);
    if (marker !== 'none' && marker !== 'normal') problems.push(`${words}: a marker ${marker}`);
    return problems;
})"""


def _check(page: Page, url: str | None, name: str, skip: str = ARTICLE_TITLES) -> None:
    """The page at `url` (None: the page as it is, after a form was sent)."""
    if url is not None:
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
    nav = page.locator("nav.top")
    if nav.count():
        nav.screenshot(path=str(ARTIFACTS / f"{name}-nav.png"))
        assert page.evaluate(NAV_PROBLEMS) == [], f"{name}: the menu"
    assert _english_words(page, skip) == set(), f"{name}: English left"


@pytest.mark.parametrize("language", ["es", "de"])
def test_the_phone_pages_speak_her_language(phone_factory, live_server, family, language):
    family.owner.language = language
    family.owner.save()
    # Settings lists the members by name: a long one must fit a phone as well.
    family.member.username = "grandmother.rosalind"
    family.member.save()
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
    _check(page, base + "/account/household/", f"lang-{language}-settings")
    _check(page, base + "/data/", f"lang-{language}-data")
    # An import with a bad row: the preview names it, in her language.
    bad = (
        (SAMPLES / "huckleberry.csv")
        .read_bytes()
        .replace(b"2025-04-29 12:00,", b"2025-13-45 12:00,")
    )
    page.select_option("#id_source", "huckleberry")
    page.set_input_files(
        "#id_file", files=[{"name": "huckleberry.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.locator('form[action="/data/import/"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/data/import/"))
    assert page.locator(".errors li").count() == 1
    _check(page, None, f"lang-{language}-import-problem")
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
