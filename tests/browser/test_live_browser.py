"""The live session in a real browser at a phone's size: taps kept offline and sent later,
Pause that stops the clock, Undo after End, and an installable app."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from letdown.logbook import services as logbook
from letdown.logbook.models import LetDown, Session, Tap
from letdown.logbook.projection import SHORTEST_SESSION

from .conftest import screenshot

LETDOWN = {"name": "Let-down", "exact": True}


def _seconds(text: str) -> int:
    parts = [int(p) for p in text.strip().split(":")]
    return sum(value * 60**i for i, value in enumerate(reversed(parts)))


def _start_pumping(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Pump both sides").click()
    expect(page.get_by_role("button", **LETDOWN)).to_be_visible()
    return Session.objects.get()


def _keep_home_for_offline_start(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
    page.reload()  # home through the worker: it keeps home and the screen for an offline start
    page.wait_for_function(
        "() => caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k)"
        ".then(c => c.match('/sessions/started/'))))).then(found => found.some(Boolean))"
    )


def test_taps_made_offline_are_kept_through_a_reload_and_sent_once_when_back(
    phone, live_server, family
):
    page = phone
    session = _start_pumping(page, live_server)
    # Once the service worker controls the page it keeps a copy of the live screen.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => caches.keys().then(keys => Promise.all(keys.map(k => caches.open(k)"
        ".then(c => c.match(location.pathname))))).then(found => found.some(Boolean))"
    )
    went_offline = timezone.now()
    page.context.set_offline(True)
    for _ in range(3):
        page.get_by_role("button", **LETDOWN).click()
    page.get_by_role("button", name="End session").click()
    expect(page.locator("[data-sync]")).to_contain_text("4 taps saved on this phone")
    expect(page.locator("[data-undo-text]")).to_contain_text("saved on this phone")
    screenshot(page, "live-offline-light")
    assert not Tap.objects.filter(session=session).exclude(type="start").exists()

    page.reload()  # offline: the kept copy of the screen, with her taps on top
    expect(page.get_by_role("heading", name="Pumping")).to_be_visible()
    expect(page.locator("[data-sync]")).to_contain_text("4 taps saved on this phone")
    expect(page.locator("[data-letdown-count]")).to_contain_text("1 let-down")
    screenshot(page, "live-offline-after-reload")

    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible(timeout=15_000)
    taps = Tap.objects.filter(session=session).exclude(type="start").order_by("at")
    assert [t.type for t in taps] == ["letdown", "letdown", "letdown", "end"]
    assert all(went_offline <= t.at <= t.received_at for t in taps)  # the moments she tapped
    assert len({t.tap_id for t in taps}) == 4
    assert LetDown.objects.filter(session=session).count() == 1  # three taps, one let-down
    session.refresh_from_db()
    # A session ended within its first second still lasts one (projection.SHORTEST_SESSION).
    assert session.ended_at == max(taps.last().at, session.started_at + SHORTEST_SESSION)


def test_a_session_started_offline_is_kept_on_the_phone_and_sent_with_its_taps(
    phone, live_server, family
):
    page = phone
    _keep_home_for_offline_start(page, live_server)
    went_offline = timezone.now()
    page.context.set_offline(True)
    page.get_by_role("button", name="Pump both sides").click()
    # The kept screen, drawn from the Start on the phone: she can tap at once.
    expect(page.get_by_role("heading", name="Pumping")).to_be_visible(timeout=10_000)
    page.get_by_role("button", **LETDOWN).click()
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("[data-sync]")).to_contain_text("2 taps saved on this phone")
    expect(page.locator("[data-letdown-count]")).to_contain_text("1 let-down")
    screenshot(page, "live-started-offline")
    page.reload()  # still offline: the same screen, from the phone
    expect(page.locator("[data-letdown-count]")).to_contain_text("1 let-down")
    assert not Session.objects.exists()

    page.context.set_offline(False)
    # The server has her Start: its own screen for the session takes over, taps included.
    expect(page).to_have_url(re.compile(r"/sessions/\d+/$"), timeout=20_000)
    expect(page.get_by_text("Paused", exact=True)).to_be_visible(timeout=15_000)
    expect(page.locator("[data-sync]")).to_be_hidden(timeout=15_000)  # every tap answered
    session = Session.objects.get()
    taps = list(Tap.objects.filter(session=session).order_by("at"))
    assert [t.type for t in taps] == ["start", "letdown", "pause"]
    assert all(went_offline <= t.at <= t.received_at for t in taps)  # when she tapped
    assert session.started_at == taps[0].at and session.kind == "pumping"
    assert LetDown.objects.filter(session=session).count() == 1


def test_a_start_kept_offline_joins_the_session_her_partner_started(phone, live_server, family):
    page = phone
    _keep_home_for_offline_start(page, live_server)
    page.context.set_offline(True)
    page.get_by_role("button", name="Pump both sides").click()
    expect(page.get_by_role("heading", name="Pumping")).to_be_visible(timeout=10_000)
    # Meanwhile her partner starts a feed on his phone, which is online.
    now = timezone.now()
    partners = logbook.start_session(
        household=family.household,
        lactation=family.lactation,
        kind="nursing",
        side="left",
        at=now,
        now=now,
        by=family.member,
    ).session
    page.get_by_role("button", **LETDOWN).click()
    expect(page.locator("[data-sync]")).to_contain_text("1 tap saved on this phone")

    page.context.set_offline(False)
    # Her Start opens his session, and the let-down she tapped lands in it.
    expect(page).to_have_url(re.compile(rf"/sessions/{partners.pk}/$"), timeout=20_000)
    expect(page.locator("[data-sync]")).to_be_hidden(timeout=15_000)
    expect(page.locator("[data-letdown-count]")).to_contain_text("1 let-down", timeout=10_000)
    screenshot(page, "live-started-offline-joined")
    assert Session.objects.count() == 1
    assert LetDown.objects.get().session == partners


def test_start_answers_at_once_online(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Nurse left").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    assert Session.objects.get().kind == "nursing"
    # A second Start on another phone opens the running session instead of a second one.
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name=re.compile("Open"))).to_be_visible()
    assert Session.objects.count() == 1


def test_pause_stops_the_timer(phone, live_server, family):
    page = phone
    _start_pumping(page, live_server)
    timer = page.locator("[data-live-timer]")
    page.wait_for_function(
        "() => document.querySelector('[data-live-timer]').textContent.trim() !== '0:00'"
    )
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Paused", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    paused_at = _seconds(timer.inner_text())
    page.wait_for_timeout(3000)  # the point of the test: three seconds pass
    assert _seconds(timer.inner_text()) == paused_at
    page.reload()
    assert _seconds(page.locator("[data-live-timer]").inner_text()) == paused_at
    page.get_by_role("button", name="Resume").click()
    page.wait_for_function(
        f"() => {{ const p = document.querySelector('[data-live-timer]').textContent.split(':');"
        f" return Number(p[0]) * 60 + Number(p[1]) > {paused_at}; }}"
    )


def test_end_then_undo_keeps_the_session_running(phone, live_server, family):
    page = phone
    session = _start_pumping(page, live_server)
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", name="Session ended")).to_be_visible()
    screenshot(page, "session-ended-undo")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("button", **LETDOWN)).to_be_visible()
    session.refresh_from_db()
    assert session.ended_at is None


def test_letdown_undo_and_chips_saved_as_tapped(phone, live_server, family):
    page = phone
    session = _start_pumping(page, live_server)
    page.get_by_role("button", **LETDOWN).click()
    expect(page.locator("[data-undo-text]")).to_have_text(re.compile("Let-down saved"))
    page.get_by_text("Add details").click()  # the chips fold under one row
    with page.expect_response(lambda r: "/details/" in r.url and r.status == 200):
        page.get_by_text("Felt it").click()
    letdown = LetDown.objects.get(session=session)
    assert letdown.noticed == ["felt"]
    page.reload()  # the chips survive a reload: they are on the server
    page.wait_for_function("() => window.letdownLive !== undefined")  # the screen's script runs
    with page.expect_response(lambda r: "/undo/" in r.url) as undo:
        page.get_by_role("button", name="Undo").click()
    assert undo.value.status == 200, undo.value.text()
    expect(page.locator("[data-letdown-count]")).to_contain_text("0 let-downs")
    page.wait_for_function("() => window.letdownOutbox.all().then(items => items.length === 0)")
    assert not LetDown.objects.filter(session=session).exists()


def test_the_app_is_installable(phone, live_server, family):
    page = phone
    page.goto(live_server.url + "/")
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert page.request.get(live_server.url + icon["src"]).status == 200
    assert page.request.get(live_server.url + "/favicon.ico").status == 200
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
