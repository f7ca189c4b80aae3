"""The owner shares her log with a specialist, who opens it in a fresh browser: the report
and history, read only; once revoked the link is a 404."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from ..factories import LetDownFactory, SessionFactory
from .conftest import screenshot


def test_owner_shares_then_revokes(phone_factory, phone, live_server, family) -> None:  # type: ignore[no-untyped-def]
    session = SessionFactory(
        lactation=family.lactation, started_at=timezone.now() - timedelta(hours=3)
    )
    LetDownFactory(session=session)
    page = phone
    page.goto(f"{live_server.url}/account/share/", timeout=60_000)
    page.get_by_label("Who it is for").fill("Anna, IBCLC")
    page.get_by_role("button", name="Make the link").click()
    link = page.get_by_label("The link").input_value()
    assert "/s/" in link

    specialist = phone_factory()  # a fresh context: no cookies, no account
    specialist.goto(link, timeout=60_000)
    expect(specialist.get_by_role("heading", name="At a glance")).to_be_visible()
    expect(specialist.get_by_text("Read-only view of")).to_be_visible()
    screenshot(specialist, "share-report-light")
    specialist.get_by_role("link", name="History").click()
    expect(specialist.get_by_role("heading", name="History")).to_be_visible()
    expect(specialist.locator(".entry.nursing")).to_have_count(1)
    assert specialist.locator(".entry a").count() == 0
    refused = specialist.request.post(link + "history/", data={"x": "1"})
    assert refused.status == 405

    page.goto(f"{live_server.url}/account/share/")
    expect(page.get_by_text("pages seen")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("no longer opens")).to_be_visible()
    response = specialist.goto(link + "report/")
    assert response is not None and response.status == 404
