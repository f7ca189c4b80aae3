"""The same API request sent by several threads at once (a client retrying on a slow network,
two scripts with one key): real threads, each with its own connection, on whichever database
the suite runs on. One session, one let-down, however many arrive."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from letdown.api.models import ApiToken
from letdown.api.services import create_token
from letdown.logbook.models import LetDown, Session, Tap

from ..conftest import make_family
from ..live.test_concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)
CLIENTS = 6


def _send(token: str, url: str, body: dict, key: str):  # type: ignore[no-untyped-def]
    def send() -> tuple[int, dict]:
        response = Client().post(
            url,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY=key,
        )
        return response.status_code, response.json()

    return send


def test_one_start_and_one_letdown_whatever_the_number_of_retries_at_once():
    family = make_family()
    _row, token = create_token(user=family.owner, name="script", now=timezone.now())
    start = {"kind": "nursing", "side": "left"}
    answers = at_once([_send(token, "/api/v1/sessions", start, "start-1")] * CLIENTS)
    assert {status for status, _ in answers} == {200}
    ids = {body["session"]["id"] for _, body in answers}
    assert len(ids) == 1 and Session.objects.filter(household=family.household).count() == 1
    assert sum(body["tap"]["created"] for _, body in answers) == 1

    url = f"/api/v1/sessions/{ids.pop()}/taps"
    answers = at_once([_send(token, url, {"type": "letdown"}, "ld-1")] * CLIENTS)
    assert {status for status, _ in answers} == {200}
    assert LetDown.objects.filter(household=family.household).count() == 1
    assert Tap.objects.filter(household=family.household, type="letdown").count() == 1
    assert ApiToken.objects.get().last_used_at is not None
