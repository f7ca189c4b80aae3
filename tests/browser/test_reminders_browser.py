"""Reminders in a real Chromium. Headless Chromium has no push service: pushManager.subscribe
fails there ("Registration failed - permission denied", whatever the permission says), so a
subscription through the real Push API cannot be made here. These tests cover what can run:
the permission request from her tap and the page's answer when subscribing fails, the
in-page banner at the due time with its "Start session", and the service worker's own push
handler, fed a push message through Chromium's DevTools protocol."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from letdown.reminders import services

from .conftest import screenshot


def _remind_now(user, **values):  # type: ignore[no-untyped-def]
    """A pump reminder due a minute ago on her clock."""
    local = timezone.now().astimezone(user.household.tz) - timedelta(minutes=1)
    return services.save_reminder(
        household=user.household,
        user=user,
        reminder=None,
        values={"kind": "pump_at", "times": [local.strftime("%H:%M")], **values},
        devices=[],
    )


def _poll(page, script: str, seconds: float = 20):  # type: ignore[no-untyped-def]
    """The script's answer once it is truthy, asked every 100 ms. Delivery, the worker's start
    and the icon's fetch are asynchronous: a loaded CI machine needed more than five seconds."""
    deadline = time.monotonic() + seconds
    while not (answer := page.evaluate(script)) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return answer


def test_the_open_app_shows_a_due_reminder_and_starts_from_it(phone, live_server, family):
    _remind_now(family.owner)
    phone.goto(live_server.url + "/history/")
    banner = phone.locator("[data-reminder-banner]")
    expect(banner).to_contain_text("Time to pump.")
    screenshot(phone, "reminder-banner")
    banner.get_by_role("link", name="Start session").click()
    phone.wait_for_url(live_server.url + "/#start")
    expect(phone.locator("#start")).to_be_visible()
    # Dismissed, it stays away for this due time, across pages.
    phone.locator("[data-reminder-banner] button").click()
    phone.goto(live_server.url + "/history/")
    phone.wait_for_function("() => document.readyState === 'complete'")
    phone.wait_for_timeout(500)
    expect(phone.locator("[data-reminder-banner]")).to_have_count(0)


def test_no_banner_without_a_due_reminder(phone, live_server, family):
    phone.goto(live_server.url + "/")
    with phone.expect_response(lambda r: r.url.endswith("/reminders/due/")) as answer:
        pass
    assert answer.value.json() == {"poll": False, "due": None}
    expect(phone.locator("[data-reminder-banner]")).to_have_count(0)


def test_permission_is_asked_from_her_tap_after_a_reminder_is_on(phone, live_server, family):
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    phone.goto(live_server.url + "/reminders/")
    expect(phone.get_by_role("button", name="Get notifications on this device")).to_have_count(0)
    phone.get_by_text("A new reminder").click()
    phone.get_by_label("Pump at set times").check()
    phone.get_by_label("Pump at (times of day)").fill("07:00")
    phone.get_by_role("button", name="Save reminder").click()
    expect(phone.get_by_text("Reminder saved.")).to_be_visible()
    button = phone.get_by_role("button", name="Get notifications on this device")
    expect(button).to_be_visible()
    expect(phone.get_by_label("This device's name")).to_have_value(re.compile(r"· Chrome$"))
    asked = phone.evaluate("() => Notification.permission")
    assert asked == "granted"  # granted to the context; the page still asks only on the tap
    button.click()
    # Headless Chromium has no push service, so the subscription fails: she is told, and the
    # banner is what this browser will get.
    expect(phone.locator("[data-push-status]")).to_contain_text("could not subscribe")
    expect(phone.locator("[data-no-push]")).to_be_visible()
    screenshot(phone, "reminders-settings")


def test_the_service_worker_shows_a_pushed_reminder(phone, live_server, family):
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    cdp = phone.context.new_cdp_session(phone)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    phone.goto(live_server.url + "/")
    # Ready means a worker is active; a push is delivered once it has finished activating.
    _poll(
        phone, """() => navigator.serviceWorker.ready.then(r => r.active.state === "activated")"""
    )
    registration = next(r for r in registrations if not r.get("isDeleted"))
    payload = services.payload(None, timezone.now())
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps({**payload, "body": "Time to pump."}),
        },
    )
    shown = _poll(
        phone,
        """() => navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list =>
             list.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url,
               actions: n.actions.map(a => a.title)})))""",
    )
    assert shown == [
        {
            "title": "letdown",
            "body": "Time to pump.",
            "tag": "letdown-reminder",
            "url": "/#start",
            "actions": ["Start session"],
        }
    ]


IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


def test_on_an_iphone_the_page_says_push_needs_the_home_screen_app(phone, live_server, family):
    # Chromium stands in for Safari here (its user agent only): the page reads the device
    # from it and, outside a home-screen app, says where notifications work.
    phone.add_init_script(
        f"Object.defineProperty(navigator, 'userAgent', {{get: () => {IPHONE_SAFARI!r}}});"
    )
    _remind_now(family.owner)
    phone.goto(live_server.url + "/reminders/")
    expect(phone.locator("[data-ios-note]")).to_be_visible()
    expect(phone.locator("[data-ios-note]")).to_contain_text("Add to Home Screen")
    expect(phone.get_by_label("This device's name")).to_have_value("iPhone · Safari")
