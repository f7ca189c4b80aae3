"""Accessibility: axe-core over every page a crawl reaches, at a phone's size, light and dark.
Zero violations. The crawl follows same-site links from Today (logged in, with a running
session, a routine playing, a confirmation on screen and a month of data) and from the login
page (logged out)."""

from __future__ import annotations

import re
from collections import deque
from datetime import timedelta
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from letdown.routines import services as routines
from letdown.routines.catalogue import STEP_TYPES
from tests.factories import (
    BottleFeedFactory,
    LeakFactory,
    LetDownFactory,
    SessionFactory,
    start,
)

from .axe import axe_source, violations
from .conftest import ARTIFACTS
from .test_routines_browser import _png, _wav

# Not pages: files, downloads, and Django's own admin and the API's Swagger UI (a developer's
# tools from those projects, not letdown's screens; Swagger UI has contrast and nesting
# violations of its own).
NOT_PAGES = ("/sw.js", "/manifest", "/favicon", "/static/", "/data/export", "/admin/", "/api/")
MAX_PAGES = 70


def _is_page(path: str) -> bool:
    if path.startswith("/routines/media/") and path != "/routines/media/":
        return False  # her recordings and photos
    if path.endswith("/pdf/"):
        return False  # the report's PDF: a download
    return not path.startswith(NOT_PAGES)


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


def _seed(family) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    for day in range(1, 4):
        at = now - timedelta(days=day)
        pumped = SessionFactory(lactation=family.lactation, kind="pumping", started_at=at)
        LetDownFactory(session=pumped)
        SessionFactory(lactation=family.lactation, started_at=at - timedelta(hours=3))
        LeakFactory(lactation=family.lactation, at=at - timedelta(hours=5), amount="wet")
        BottleFeedFactory(lactation=family.lactation, at=at - timedelta(hours=6))
    cry = routines.save_media(
        household=family.household,
        uploaded=SimpleUploadedFile("cry.wav", _wav()),
        name="Robin crying",
        duration_s=3,
    )
    routines.save_media(
        household=family.household, uploaded=SimpleUploadedFile("p.png", _png()), name="Robin"
    )
    steps = [{"slug": slug, "params": {}} for slug in STEP_TYPES]
    routine = routines.create_routine(
        household=family.household, name="Everything", kind="pumping", steps=steps
    )
    routines.start_run(routine=routine, at=now - timedelta(minutes=2))
    start(family.lactation, "pumping", "both", now - timedelta(minutes=1))
    assert cry.pk


def _crawl(page, base: str, start_path: str, axe: str, seen: set[str]) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def]
    host = urlparse(base).netloc
    queue = deque([start_path])
    found: dict[str, list[dict]] = {}
    start_count = len(seen)
    while queue and len(seen) - start_count < MAX_PAGES:
        path = queue.popleft()
        # One page per kind of address: /feeds/1/edit/ and /feeds/2/edit/ are one screen,
        # and history's "Earlier" repeats it.
        key = re.sub(r"\d+", "N", path.split("?")[0])
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state("load")
        problems = violations(page, axe)
        if problems:
            found[path] = problems
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urldefrag(href)[0]
            parsed = urlparse(url)
            if parsed.netloc != host:
                continue
            link = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if _is_page(parsed.path):
                queue.append(link)
    return found


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_no_axe_violations_on_any_page(phone_factory, live_server, family, axe, dark):
    _seed(family)
    page = phone_factory(family.owner, dark=dark)
    # A confirmation on screen (a message) the first time a page is seen.
    page.goto(live_server.url + "/feeds/new/")
    page.get_by_label("Volume (ml)").fill("40")
    page.get_by_text("Formula").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Feed saved.")).to_be_visible()
    found = violations(page, axe)
    seen: set[str] = set()
    logged_in = _crawl(page, live_server.url, "/", axe, seen)
    # Every screen a parent uses was reached (the crawl follows links, so a broken one shows).
    screens = ("/", "/history/", "/insights/", "/learn/", "/inside/", "/data/", "/routines/N/")
    running = ("/sessions/N/", "/routines/runs/N/", "/session/N/delete/", "/leaks/N/")
    for path in screens + running:
        assert path in seen, path
    assert len(seen) >= 35, sorted(seen)
    visitor = phone_factory(None, dark=dark)
    logged_out = _crawl(visitor, live_server.url, "/account/login/", axe, set())
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-pages-{'dark' if dark else 'light'}.txt").write_text("\n".join(sorted(seen)))
    everything = {"history with a confirmation": found, **logged_in, **logged_out}
    report = {path: problems for path, problems in everything.items() if problems}
    assert report == {}, "\n".join(
        f"{path}: {v['id']} ({v['help']}) at {v['nodes']}"
        for path, problems in report.items()
        for v in problems
    )
