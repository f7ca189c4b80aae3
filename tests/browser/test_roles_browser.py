"""A caregiver tries to delete the owner's session, in a real browser, and cannot."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from letdown.logbook.models import Session

from ..factories import SessionFactory
from .conftest import screenshot


def test_a_caregiver_cannot_delete_the_owners_session(phone_factory, live_server, family):
    session = SessionFactory(
        lactation=family.lactation,
        started_at=timezone.now() - timedelta(hours=3),
        created_by=family.owner,
    )
    page = phone_factory(family.member)

    # Her session's page shows it, with nothing to change or delete it.
    page.goto(live_server.url + reverse("session_edit", args=[session.pk]))
    expect(page.get_by_role("heading", name="Nursing")).to_be_visible()
    expect(page.get_by_role("link", name="Delete this session")).to_have_count(0)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)

    # The delete page itself, typed in: refused, saying why.
    delete_url = live_server.url + reverse("delete", args=["session", session.pk])
    response = page.goto(delete_url)
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("only what they logged themselves")
    screenshot(page, "roles-caregiver-refused")

    # A hand-made POST, with the browser's own CSRF token, is refused too.
    page.goto(live_server.url + reverse("leak_new"))  # a form of hers sets the CSRF cookie
    answer = page.evaluate(
        """async (url) => {
            const token = document.cookie.split("; ").find(c => c.startsWith("csrftoken="));
            const answer = await fetch(url, {
                method: "POST",
                headers: {"X-CSRFToken": token ? token.split("=")[1] : ""},
                credentials: "same-origin",
            });
            return {token: Boolean(token), status: answer.status, text: await answer.text()};
        }""",
        delete_url,
    )
    # Refused by the role, not by a missing token: the page says why.
    assert answer["token"] and answer["status"] == 403
    assert "only what they logged themselves" in answer["text"]
    assert Session.objects.filter(pk=session.pk).exists()

    # The owner, on her phone, can.
    owner = phone_factory(family.owner)
    owner.goto(live_server.url + reverse("session_edit", args=[session.pk]))
    owner.get_by_role("link", name="Delete this session").click()
    owner.get_by_role("button", name="Delete").click()
    expect(owner.get_by_role("heading", name="History")).to_be_visible()
    assert not Session.objects.filter(pk=session.pk).exists()


def test_the_owner_deactivates_a_member_whose_phone_is_logged_in(
    phone_factory, live_server, family
):
    partner = phone_factory(family.member)
    partner.goto(live_server.url + reverse("history"))
    expect(partner.get_by_role("heading", name="History")).to_be_visible()

    owner = phone_factory(family.owner)
    owner.goto(live_server.url + reverse("household_settings"))
    members = owner.locator("table.members")
    expect(members).to_contain_text(family.member.username)
    expect(members).to_contain_text("Partner or caregiver")
    screenshot(owner, "roles-settings-members")
    owner.get_by_role("link", name=f"Manage {family.member.username}").click()
    owner.get_by_role("button", name="Make a password-reset link").click()
    link = owner.locator("[data-reset-link]")
    expect(link).to_have_value(re.compile(r"/account/password/reset/[^/]+/[^/]+/$"))
    screenshot(owner, "roles-member-page")
    owner.get_by_role("button", name="Deactivate").click()
    expect(owner.get_by_text("is logged out")).to_be_visible()

    # Her partner's next tap lands on the login page.
    partner.get_by_role("link", name="Today").click()
    expect(partner.get_by_role("button", name="Log in")).to_be_visible()
    assert "/account/login/" in partner.url
