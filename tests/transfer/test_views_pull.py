"""Settings → Your data → Pull from your Baby Buddy: the same preview and confirmation as a
file, against a Baby Buddy answering on this machine (babybuddy_server.py). Her API key is
used for the pull and kept nowhere; every way the pull can fail is a form error (a 400 with
the reason by the field at fault), never a 500, and writes nothing."""

from __future__ import annotations

import socket

import pytest
from django.test import Client
from django.views.debug import SafeExceptionReporterFilter

from letdown.babylog.models import Nappy, Weighing
from letdown.logbook.models import BottleFeed, Session
from letdown.transfer import babybuddy_api
from letdown.transfer.models import PendingImport

from ..conftest import Family
from .babybuddy_server import TOKEN


def _pull(client: Client, url: str, token: str = TOKEN, **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "url": url,
        "token": token,
        "time_zone": "Europe/London",
        "unit": "ml",
        "weight_unit": "kg",
        **fields,
    }
    return client.post("/data/pull/", {f"pull-{k}": v for k, v in data.items()})


def _nothing_written(family: Family) -> bool:
    household = family.household
    return not (
        Session.objects.filter(household=household).exists()
        or Nappy.objects.filter(household=household).exists()
        or PendingImport.objects.filter(household=household).exists()
    )


def test_the_page_offers_the_pull_with_her_units(owner_client: Client) -> None:
    page = owner_client.get("/data/").content.decode()
    assert 'action="/data/pull/#pull"' in page
    assert 'type="password" name="pull-token"' in page
    assert '<option value="kg" selected>' in page  # she counts in mL: kilograms


def test_preview_then_confirm_pulls_once_and_keeps_no_token(
    owner_client: Client, family: Family, babybuddy: str
) -> None:
    response = _pull(owner_client, babybuddy)
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    assert "Baby Buddy at 127.0.0.1" in page
    # Counts per kind and the first rows as they will be stored, in her time and units.
    assert "Nappies" in page and "Weights" in page and "Sessions" in page
    assert "29 Apr 2025, 08:00" in page  # the first nappy, 08:00 in London
    assert "3\u202f810 g" in page
    assert TOKEN not in page
    assert not Session.objects.filter(household=family.household).exists()
    pending = PendingImport.objects.get(household=family.household)
    # What is kept until she confirms is what was pulled; the token is in none of it.
    assert TOKEN.encode() not in bytes(pending.content)
    assert all(TOKEN not in str(getattr(pending, f.attname)) for f in pending._meta.fields)
    assert TOKEN not in str(dict(owner_client.session))
    # Nor in an error report of this request.
    report = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert report["pull-token"] != TOKEN and report["pull-url"] == babybuddy

    confirmed = owner_client.post(f"/data/import/{pending.pk}/confirm/")
    assert confirmed.status_code == 302
    assert Session.objects.filter(household=family.household).count() == 3
    assert BottleFeed.objects.filter(household=family.household).count() == 1
    assert Nappy.objects.filter(household=family.household).count() == 3
    assert Weighing.objects.get(household=family.household).weight_g == 3810

    # Pulling again: everything is already here, nothing new is stored.
    again = _pull(owner_client, babybuddy)
    assert again.status_code == 200
    pending = PendingImport.objects.get(household=family.household)
    assert owner_client.post(f"/data/import/{pending.pk}/confirm/").status_code == 302
    assert Session.objects.filter(household=family.household).count() == 3
    assert Nappy.objects.filter(household=family.household).count() == 3
    assert Weighing.objects.filter(household=family.household).count() == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("path", "token", "field", "message"),
    [
        ("", "wrong-token", "token", "Baby Buddy refused the token"),
        ("nothing/", TOKEN, "url", "answered 404"),
        ("html/", TOKEN, "url", "did not answer JSON (text/html): is it a Baby Buddy server?"),
        ("broken/", TOKEN, "url", "is not a Baby Buddy list"),
        ("garbled/", TOKEN, "url", "did not answer JSON: is it a Baby Buddy server?"),
        ("redirect/", TOKEN, "url", "sends us on to http://elsewhere.invalid/"),
    ],
)
def test_a_pull_that_fails_is_a_form_error_and_writes_nothing(
    owner_client: Client,
    family: Family,
    babybuddy: str,
    path: str,
    token: str,
    field: str,
    message: str,
) -> None:
    response = _pull(owner_client, babybuddy + path, token)
    assert response.status_code == 400
    errors = response.context["pull_form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    assert message.split(":")[0] in response.content.decode().replace("&#x27;", "'")
    assert token not in response.content.decode()  # never shown back
    assert _nothing_written(family)


def test_a_refused_token_is_told_in_her_language(
    owner_client: Client, family: Family, babybuddy: str
) -> None:
    family.owner.language = "de"
    family.owner.save()
    response = _pull(owner_client, babybuddy, "wrong-token")
    assert response.status_code == 400
    assert response.context["pull_form"].errors["token"] == [
        "Baby Buddy hat den API-Schlüssel abgelehnt (siehe dort die Benutzereinstellungen)"
    ]


def test_an_unreachable_server_is_a_form_error(owner_client: Client, family: Family) -> None:
    response = _pull(owner_client, f"http://127.0.0.1:{_closed_port()}/")
    assert response.status_code == 400
    assert "cannot reach Baby Buddy" in response.context["pull_form"].errors["url"][0]
    assert _nothing_written(family)


@pytest.mark.parametrize(
    ("limit", "value", "path", "message"),
    [
        # The real limits are 10 s a request and 20 MB a pull; the test's are smaller.
        ("TIMEOUT_S", 0.3, "slow/", "did not answer within 0.3 s"),
        ("MAX_BYTES", 100_000, "huge/", "sent more than"),
    ],
)
def test_a_slow_or_endless_server_is_given_up_on(
    owner_client: Client,
    family: Family,
    babybuddy: str,
    monkeypatch: pytest.MonkeyPatch,
    limit: str,
    value: float,
    path: str,
    message: str,
) -> None:
    monkeypatch.setattr(babybuddy_api, limit, value)
    response = _pull(owner_client, babybuddy + path)
    assert response.status_code == 400
    assert message in response.context["pull_form"].errors["url"][0]
    assert _nothing_written(family)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://babybuddy.example/", "must start with http:// or https://"),
        ("file:///etc/passwd", "must start with http:// or https://"),
        ("babybuddy.example", "must start with http:// or https://"),
        ("http://me:secret@babybuddy.example/", "leave the password out"),
        ("http://babybuddy.example:99999/", "not a web address we can read"),
        ("http://[::1/", "not a web address we can read"),
    ],
)
def test_an_address_that_is_not_http_is_refused_before_any_request(
    owner_client: Client, family: Family, url: str, message: str
) -> None:
    response = _pull(owner_client, url)
    assert response.status_code == 400
    assert message in response.context["pull_form"].errors["url"][0]
    assert _nothing_written(family)


def test_a_token_with_spaces_or_newlines_is_refused(owner_client: Client, babybuddy: str) -> None:
    response = _pull(owner_client, babybuddy, "abc\r\nX-Evil: 1")
    assert response.status_code == 400
    assert "letters and digits" in response.context["pull_form"].errors["token"][0]


def test_a_caregiver_may_not_pull(member_client: Client, family: Family, babybuddy: str) -> None:
    assert _pull(member_client, babybuddy).status_code == 403
    assert _nothing_written(family)


def test_a_stranger_cannot_confirm_her_pull(
    owner_client: Client, stranger_client: Client, family: Family, babybuddy: str
) -> None:
    assert _pull(owner_client, babybuddy).status_code == 200
    pending = PendingImport.objects.get(household=family.household)
    assert stranger_client.post(f"/data/import/{pending.pk}/confirm/").status_code == 404
    assert not Session.objects.exists() and not Nappy.objects.exists()
    assert PendingImport.objects.filter(pk=pending.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_confirming_a_pull_twice_at_once_stores_it_once(family: Family, babybuddy: str) -> None:
    """Two taps on Import (two tabs, a double tap) in real threads, each with its own database
    connection: the second import waits for the first and finds its rows already here."""
    from ..live.test_concurrency import _phones, at_once

    first, second = _phones(family.owner, 2)
    assert _pull(first, babybuddy).status_code == 200
    pending = PendingImport.objects.get(household=family.household)
    answers = at_once(
        [lambda c=c: c.post(f"/data/import/{pending.pk}/confirm/") for c in (first, second)]
    )
    assert sorted(a.status_code for a in answers) in ([302, 302], [302, 404])  # type: ignore[attr-defined]
    assert Nappy.objects.filter(household=family.household).count() == 3
    assert Weighing.objects.filter(household=family.household).count() == 1
    assert Session.objects.filter(household=family.household).count() == 3
