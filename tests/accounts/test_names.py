"""Names and words she types must have something visible in them; a new member's name must
not pass for a member's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from letdown.accounts.models import User
from letdown.learn.models import Comment
from letdown.logbook.models import Session
from letdown.routines.models import Routine

from ..factories import PASSWORD, SessionFactory, UserFactory

ZWSP = "\u200b"


def _add_member(client, username: str):
    return client.post(
        reverse("household_settings"),
        {
            "action": "member",
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": "caregiver",
        },
    )


def test_a_cyrillic_look_alike_of_a_member_is_refused(owner_client, family):
    UserFactory(household=family.household, username="alice")
    response = _add_member(owner_client, "\u0430lice")
    assert response.status_code == 400
    assert "looks too much like “alice”" in response.content.decode()
    assert not User.objects.filter(username="\u0430lice").exists()


def test_a_full_width_name_is_normalised_and_refused_as_taken(owner_client, family):
    UserFactory(household=family.household, username="alice")
    response = _add_member(owner_client, "ａlice")
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username__iexact="alice").count() == 1


def test_a_look_alike_of_someone_in_another_household_is_allowed(owner_client, stranger_family):
    UserFactory(household=stranger_family.household, username="bob")
    assert _add_member(owner_client, "b\u043eb").status_code == 302


def test_a_name_that_looks_different_is_added(owner_client, family):
    UserFactory(household=family.household, username="alice")
    assert _add_member(owner_client, "alicia").status_code == 302


@pytest.mark.parametrize("blank", [ZWSP, " \u3164 ", "\u2060\ufeff"])
def test_a_comment_of_invisible_characters_is_refused(client, db, blank):
    response = client.post(
        "/learn/leaks/",
        {"name": "Robin", "email": "r@example.org", "body": blank, "leave_empty": ""},
    )
    assert response.status_code == 400
    assert "Please write your comment." in response.content.decode()
    response = client.post(
        "/learn/leaks/",
        {"name": blank, "email": "r@example.org", "body": "Hello", "leave_empty": ""},
    )
    assert response.status_code == 400
    assert "Please enter your name" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_name_of_invisible_characters_is_refused(owner_client, family):
    response = owner_client.post(
        reverse("household_settings"),
        {"action": "settings", "parent_name": ZWSP, "unit": "ml", "time_zone": "UTC"},
    )
    assert response.status_code == 400
    family.household.refresh_from_db()
    assert family.household.parent_name == "Alex"
    response = owner_client.post(reverse("routines:new"), {"name": ZWSP, "kind": "nursing"})
    assert response.status_code == 400
    assert not Routine.objects.filter(household=family.household).exists()


def test_notes_of_invisible_characters_are_stored_as_no_notes(owner_client, family):
    session = SessionFactory(lactation=family.lactation)
    response = owner_client.post(
        reverse("session_edit", args=[session.pk]),
        {
            "started_at": "2026-11-20T08:00:00",
            "ended_at": "2026-11-20T08:15:00",
            "notes": f" {ZWSP}\u2800 ",
        },
    )
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).notes == ""


def test_signup_stores_the_nfkc_form_of_the_name(client, db):
    response = client.post(
        reverse("signup"), {"username": "ｓａｍ", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert User.objects.get().username == "sam"
