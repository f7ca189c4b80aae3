"""Personal API tokens in Settings and from the `letdown token` command: made and shown
once, listed by name with their last use, revoked; each person sees only their own."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from letdown.api.models import ApiToken
from letdown.cli import main

from .conftest import bearer


def _made_token(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'<code id="new-token"[^>]*>(ld_[^<]+)</code>', response.content.decode())
    assert found, response.content.decode()
    return found.group(1)


def test_settings_makes_a_token_shown_once_that_opens_the_api(owner_client: Client, family):
    response = owner_client.post("/account/tokens/", {"name": "Home Assistant"})
    assert response.status_code == 200
    token = _made_token(response)
    assert Client(**bearer(token)).get("/api/v1/status").status_code == 200
    page = owner_client.get("/account/tokens/").content.decode()
    assert "Home Assistant" in page and token[:11] in page
    assert token not in page  # never shown again
    assert "never used" not in page and "last used" in page  # used once, just now


def test_a_token_without_a_name_or_with_a_name_taken_is_refused(owner_client: Client):
    assert owner_client.post("/account/tokens/", {"name": "  "}).status_code == 400
    owner_client.post("/account/tokens/", {"name": "script"})
    refused = owner_client.post("/account/tokens/", {"name": "script"})
    assert refused.status_code == 400 and "already" in refused.content.decode()
    assert ApiToken.objects.count() == 1


def test_revoking_a_token_closes_the_api_to_it(owner_client: Client, family):
    token = _made_token(owner_client.post("/account/tokens/", {"name": "nightly-export"}))
    row = ApiToken.objects.get()
    assert owner_client.post(f"/account/tokens/{row.pk}/revoke/").status_code == 302
    assert Client(**bearer(token)).get("/api/v1/status").status_code == 401
    page = owner_client.get("/account/tokens/").content.decode()
    assert "revoked" in page and "<strong>nightly-export</strong>" not in page


def test_a_stranger_cannot_see_or_revoke_her_tokens(owner_client, stranger_client, family):
    token = _made_token(owner_client.post("/account/tokens/", {"name": "secret-script"}))
    row = ApiToken.objects.get()
    assert "secret-script" not in stranger_client.get("/account/tokens/").content.decode()
    assert stranger_client.post(f"/account/tokens/{row.pk}/revoke/").status_code == 404
    assert Client(**bearer(token)).get("/api/v1/status").status_code == 200


def test_a_member_of_her_household_cannot_revoke_her_token(owner_client, member_client):
    owner_client.post("/account/tokens/", {"name": "hers"})
    row = ApiToken.objects.get()
    assert member_client.post(f"/account/tokens/{row.pk}/revoke/").status_code == 404
    assert ApiToken.objects.live().count() == 1


def test_the_token_page_needs_a_login(db):
    response = Client().get("/account/tokens/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_letdown_token_create_prints_a_working_token_once(family, capsys):
    assert main(["token", "create", "--user", family.member.username, "--name", "sensor"]) == 0
    out = capsys.readouterr()
    token = out.out.strip()
    assert token.startswith("ld_") and "only this once" in out.err
    assert Client(**bearer(token)).get("/api/v1/status").status_code == 200
    assert main(["token", "list", "--user", family.member.username]) == 0
    listed = capsys.readouterr().out
    assert "sensor" in listed and token not in listed
    pk = ApiToken.objects.get().pk
    assert main(["token", "revoke", "--user", family.member.username, str(pk)]) == 0
    assert Client(**bearer(token)).get("/api/v1/status").status_code == 401


@pytest.mark.parametrize(
    "argv",
    [
        ["token", "create", "--user", "nobody", "--name", "x"],
        ["token", "revoke", "--user", "OWNER", "999"],
    ],
)
def test_letdown_token_refuses_clearly(family, capsys, argv):
    argv = [family.owner.username if a == "OWNER" else a for a in argv]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("letdown: ")
