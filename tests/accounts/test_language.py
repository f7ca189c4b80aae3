"""Her language: from the browser, from her account (Settings), from the switch a visitor
finds on public pages; the address never changes."""

from __future__ import annotations

import pytest
from django.test import Client

from letdown.accounts.models import User
from tests.conftest import Family

pytestmark = pytest.mark.django_db


def _lang(response) -> str:  # type: ignore[no-untyped-def]
    return response.headers["Content-Language"]


def test_a_visitor_gets_the_language_her_browser_asks_for() -> None:
    assert _lang(Client().get("/learn/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")) == "de"
    assert _lang(Client().get("/learn/", HTTP_ACCEPT_LANGUAGE="es-MX")) == "es"
    assert _lang(Client().get("/learn/", HTTP_ACCEPT_LANGUAGE="fr-FR")) == "en"


def test_the_switch_keeps_a_visitors_choice_and_the_address() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/learn/")
    assert b'action="/account/language/"' in page.content
    answer = client.post("/account/language/", {"language": "es", "next": "/learn/"})
    assert answer.status_code == 302 and answer["Location"] == "/learn/"
    again = client.get("/learn/")
    assert _lang(again) == "es" and '<html lang="es"' in again.content.decode()


def test_the_switch_never_sends_her_to_another_site() -> None:
    answer = Client().post(
        "/account/language/", {"language": "de", "next": "https://evil.example/"}
    )
    assert answer["Location"] == "/"


def test_a_language_not_offered_is_a_clear_400() -> None:
    answer = Client().post("/account/language/", {"language": "xx", "next": "/learn/"})
    assert answer.status_code == 400
    assert "Choose one of the languages offered." in answer.content.decode()


def test_her_own_language_wins_over_her_browser_on_every_device(family: Family) -> None:
    phone = Client(HTTP_ACCEPT_LANGUAGE="en-GB")
    phone.force_login(family.member, backend="letdown.accounts.backends.HouseholdModelBackend")
    answer = phone.post("/account/language/", {"language": "de", "clock": "12", "next": "/"})
    assert answer.status_code == 302
    member = User.objects.get(pk=family.member.pk)
    assert (member.language, member.clock) == ("de", "12")
    laptop = Client(HTTP_ACCEPT_LANGUAGE="es-ES")
    laptop.force_login(member, backend="letdown.accounts.backends.HouseholdModelBackend")
    assert _lang(laptop.get("/history/")) == "de"


def test_settings_offers_her_language_and_clock(owner_client: Client) -> None:
    page = owner_client.get("/account/household/").content.decode()
    assert 'name="language"' in page and 'name="clock"' in page
    assert "Deutsch" in page and "Español" in page


def test_back_to_the_browser_language(family: Family) -> None:
    family.owner.language = "de"
    family.owner.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    client.force_login(family.owner, backend="letdown.accounts.backends.HouseholdModelBackend")
    client.post("/account/language/", {"language": "", "next": "/"})
    assert User.objects.get(pk=family.owner.pk).language == ""
    assert _lang(client.get("/")) == "es"
