"""The REST API: tokens, scoping to her household, the resources, JSON errors, live taps
through the same services as the live screen, and a fixed number of queries per page."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from letdown.api.models import ApiToken
from letdown.api.services import create_token, revoke_token
from letdown.logbook.models import LetDown, Session, Tap

from ..factories import LetDownFactory, SessionFactory
from .conftest import STRANGER_MARK, STRANGER_VOLUME, Seeded, bearer

LISTS = ["sessions", "letdowns", "leaks", "bottle-feeds", "routines", "media"]
SINGLE = ["status", "insights"]


def _items(body: object) -> list[dict]:
    return body["items"] if isinstance(body, dict) else body  # type: ignore[return-value]


def _holds_stranger(response) -> bool:  # type: ignore[no-untyped-def]
    text = response.content.decode()
    return STRANGER_MARK in text or str(STRANGER_VOLUME) in text


# --- who may call --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*LISTS, *SINGLE, "sessions/1", "leaks/1"])
def test_anonymous_gets_401_as_json(db, path):
    response = Client().get(f"/api/v1/{path}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Bearer" in response.json()["error"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_wrong_or_revoked_token_gets_401(owner: Seeded):
    assert Client(**bearer(owner.token + "x")).get("/api/v1/sessions").status_code == 401
    row = ApiToken.objects.get(user=owner.family.owner)
    revoke_token(user=owner.family.owner, pk=row.pk, now=timezone.now())
    assert Client(**bearer(owner.token)).get("/api/v1/sessions").status_code == 401


def test_a_member_who_left_the_household_takes_no_access_with_her_token(owner: Seeded, stranger):
    member = owner.family.member
    _row, token = create_token(user=member, name="phone", now=timezone.now())
    assert Client(**bearer(token)).get("/api/v1/sessions").status_code == 200
    member.household = stranger.family.household
    member.save()
    assert Client(**bearer(token)).get("/api/v1/sessions").status_code == 401


def test_the_token_is_stored_hashed(owner: Seeded):
    row = ApiToken.objects.get(user=owner.family.owner)
    assert owner.token not in (row.digest, row.prefix)
    assert owner.token.startswith(row.prefix) and len(row.prefix) == 11
    assert len(owner.token) > 40


def test_last_use_is_stamped(owner: Seeded, api: Client):
    assert ApiToken.objects.get(user=owner.family.owner).last_used_at is None
    api.get("/api/v1/leaks")
    assert ApiToken.objects.get(user=owner.family.owner).last_used_at is not None


def test_answers_to_a_token_are_not_cached(api: Client):
    response = api.get("/api/v1/sessions")
    assert "no-store" in response["Cache-Control"]


# --- privacy: every endpoint ---------------------------------------------------------------


@pytest.mark.parametrize("path", LISTS + SINGLE)
def test_no_list_or_summary_holds_the_other_household(owner: Seeded, stranger: Seeded, path):
    mine = Client(**bearer(owner.token)).get(f"/api/v1/{path}")
    assert mine.status_code == 200
    assert not _holds_stranger(mine)
    # The stranger does see her own: the mark would be found if it leaked.
    theirs = Client(**bearer(stranger.token)).get(f"/api/v1/{path}")
    if path in LISTS:
        assert _holds_stranger(theirs)
        ids = {item["id"] for item in _items(mine.json())}
        assert stranger.objects[path] not in ids and owner.objects[path] in ids


@pytest.mark.parametrize("path", LISTS)
def test_a_strangers_object_answers_404(owner: Seeded, stranger: Seeded, path):
    api = Client(**bearer(owner.token))
    assert api.get(f"/api/v1/{path}/{owner.objects[path]}").status_code == 200
    response = api.get(f"/api/v1/{path}/{stranger.objects[path]}")
    assert response.status_code == 404
    assert response.json() == {"error": "Not found."}


def test_a_strangers_session_cannot_be_tapped_or_filtered(owner: Seeded, stranger: Seeded):
    api = Client(**bearer(owner.token))
    session_id = stranger.objects["sessions"]
    response = api.post(
        f"/api/v1/sessions/{session_id}/taps", {"type": "letdown"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Tap.objects.filter(session_id=session_id).count() == 0
    by_session = api.get(f"/api/v1/letdowns?session_id={session_id}")
    assert by_session.json()["items"] == []


# --- the resources -------------------------------------------------------------------------


def test_a_session_has_its_sides_volumes_letdowns_aids_anxiety_and_notes(owner: Seeded, api):
    body = api.get(f"/api/v1/sessions/{owner.objects['sessions']}").json()
    assert body["kind"] == "pumping" and body["running"] is False
    assert body["left_s"] == 20 * 60 and body["right_s"] == 0
    assert body["volume_left_ml"] == 80.0 and body["volume_right_ml"] == 40.0
    assert body["anxiety_before"] == 3 and body["aids"] == ["warm_compress"]
    assert body["notes"] == "notes alex-own-notes"
    assert body["time_to_first_letdown_s"] == 95
    assert [ld["offset_s"] for ld in body["letdowns"]] == [95]
    assert body["segments"][0]["side"] == "left"


def _walk(api: Client, url: str) -> list[int]:
    ids, cursor = [], None
    while True:
        page = api.get(url + (f"&cursor={cursor}" if cursor else "")).json()
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


def test_cursor_pages_walk_every_session_once_newest_first(owner: Seeded, api: Client):
    base = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    made = [
        SessionFactory(lactation=owner.family.lactation, started_at=base + timedelta(hours=i)).pk
        for i in range(7)
    ]
    # Two sessions at the same moment: the id breaks the tie, neither is skipped.
    made.append(SessionFactory(lactation=owner.family.lactation, started_at=base).pk)
    ids = _walk(api, "/api/v1/sessions?limit=3")
    assert sorted(ids) == sorted([*made, owner.objects["sessions"]])
    assert len(ids) == len(set(ids))
    times = [api.get(f"/api/v1/sessions/{pk}").json()["started_at"] for pk in ids]
    assert times == sorted(times, reverse=True)


def test_sessions_filter_by_time_range_and_kind(owner: Seeded, api: Client):
    lactation = owner.family.lactation
    nursing = SessionFactory(lactation=lactation, started_at=datetime(2026, 11, 10, tzinfo=UTC))
    late = SessionFactory(lactation=lactation, started_at=datetime(2026, 11, 25, tzinfo=UTC))
    in_range = api.get(
        "/api/v1/sessions",
        {"since": "2026-11-09T00:00:00+00:00", "until": "2026-11-21T00:00:00Z"},
    ).json()["items"]
    assert {s["id"] for s in in_range} == {nursing.pk, owner.objects["sessions"]}
    pumping = api.get("/api/v1/sessions?kind=pumping").json()["items"]
    assert [s["id"] for s in pumping] == [owner.objects["sessions"]]
    assert late.pk in {s["id"] for s in api.get("/api/v1/sessions").json()["items"]}


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("kind=swimming", "kind"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("since=2026-11-09T00:00:00", "since"),  # no offset: which midnight?
        ("since=yesterday", "since"),
        ("since=0320-12-17T13:45:14%2B22:40", "since"),  # PostgreSQL refused the offset: a 500
        ("until=2026-11-20T08:00:00%2B22:40", None),  # read as UTC: fine
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_bad_input_gets_a_400_in_json_with_a_clear_message(api: Client, query, words):
    response = api.get(f"/api/v1/sessions?{query}")
    if words is None:
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert words in response.json()["error"]


def test_a_body_that_is_not_json_gets_a_400(api: Client):
    response = api.post("/api/v1/sessions", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]


def test_routines_and_media_are_read_as_metadata(owner: Seeded, api: Client):
    routine = api.get(f"/api/v1/routines/{owner.objects['routines']}").json()
    assert [step["slug"] for step in routine["steps"]] == ["warm_drink", "pump_phases"]
    media = api.get("/api/v1/media").json()
    assert media[0]["content_type"] == "image/png" and media[0]["size_bytes"] == 8
    assert "file" not in media[0] and "url" not in media[0]


# --- a fixed number of queries -------------------------------------------------------------


def _queries(api: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["sessions", "letdowns", "leaks", "bottle-feeds"])
def test_a_page_of_100_costs_the_queries_of_a_page_of_1(owner: Seeded, api: Client, path):
    base = datetime(2026, 10, 1, tzinfo=UTC)
    lactation = owner.family.lactation
    for i in range(101):
        session = SessionFactory(lactation=lactation, started_at=base + timedelta(hours=i))
        LetDownFactory(session=session)
    api.get(f"/api/v1/{path}")  # the token's last use is stamped once a minute: now
    one = _queries(api, f"/api/v1/{path}?limit=1")
    hundred = _queries(api, f"/api/v1/{path}?limit=100")
    assert one == hundred
    assert hundred <= 4  # the token, the rows, their segments, their let-downs


# --- live taps through the API -------------------------------------------------------------


def _post(api: Client, url: str, body: dict, **headers: str):  # type: ignore[no-untyped-def]
    return api.post(url, json.dumps(body), content_type="application/json", **headers)


def test_start_and_tap_as_the_live_screen_does_and_a_retry_keeps_one(owner: Seeded, api):
    household = owner.family.household
    start = _post(
        api, "/api/v1/sessions", {"kind": "nursing", "side": "left"}, HTTP_IDEMPOTENCY_KEY="s-1"
    )
    assert start.status_code == 200, start.content
    again = _post(
        api, "/api/v1/sessions", {"kind": "nursing", "side": "left"}, HTTP_IDEMPOTENCY_KEY="s-1"
    )
    assert again.status_code == 200 and again.json()["tap"]["created"] is False
    session_id = start.json()["session"]["id"]
    assert again.json()["session"]["id"] == session_id
    assert Session.objects.filter(household=household).active().count() == 1

    event = str(uuid.uuid4())
    url = f"/api/v1/sessions/{session_id}/taps"
    first = _post(api, url, {"type": "letdown", "event_id": event})
    assert first.status_code == 200 and first.json()["message"] == "Let-down saved."
    retry = _post(api, url, {"type": "letdown"}, HTTP_IDEMPOTENCY_KEY=event)
    assert retry.json()["tap"] == {**first.json()["tap"], "created": False}
    assert LetDown.objects.filter(session_id=session_id).count() == 1
    # The tap row is the live screen's: its id, and who tapped.
    tap = Tap.objects.get(session_id=session_id, type="letdown")
    assert str(tap.tap_id) == event and tap.by == owner.family.owner

    end = _post(api, url, {"type": "end"}, HTTP_IDEMPOTENCY_KEY="end-1")
    assert end.json()["session"]["running"] is False
    assert Session.objects.get(pk=session_id).ended_at is not None


def test_a_second_start_names_the_running_session(owner: Seeded, api: Client):
    first = _post(api, "/api/v1/sessions", {"kind": "pumping", "side": "both"})
    second = _post(api, "/api/v1/sessions", {"kind": "nursing", "side": "left"})
    assert second.status_code == 409
    assert second.json()["session_id"] == first.json()["session"]["id"]


def test_a_reused_key_for_another_tap_is_refused(owner: Seeded, api: Client):
    start = _post(api, "/api/v1/sessions", {"kind": "nursing", "side": "left"})
    url = f"/api/v1/sessions/{start.json()['session']['id']}/taps"
    _post(api, url, {"type": "letdown"}, HTTP_IDEMPOTENCY_KEY="k")
    refused = _post(api, url, {"type": "pause"}, HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 409 and refused.json()["error"]


def test_a_tap_in_the_future_is_refused_with_a_message(owner: Seeded, api: Client):
    start = _post(api, "/api/v1/sessions", {"kind": "nursing", "side": "left"})
    url = f"/api/v1/sessions/{start.json()['session']['id']}/taps"
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    response = _post(api, url, {"type": "letdown", "at": later})
    assert response.status_code == 400 and "future" in response.json()["error"]


def test_a_caregivers_token_logs_and_a_reading_role_cannot(owner: Seeded):
    member = owner.family.member
    _row, token = create_token(user=member, name="partner", now=timezone.now())
    response = _post(
        Client(**bearer(token)), "/api/v1/sessions", {"kind": "nursing", "side": "left"}
    )
    assert response.status_code == 200
    member.role = "specialist"  # a role that reads only (any role but parent and caregiver)
    member.save()
    refused = _post(
        Client(**bearer(token)), "/api/v1/sessions", {"kind": "nursing", "side": "left"}
    )
    assert refused.status_code == 403 and refused.json()["error"]
    assert Client(**bearer(token)).get("/api/v1/sessions").status_code == 200


# --- status and insights -------------------------------------------------------------------


def test_status_shows_the_running_session_last_feed_and_todays_counts(owner: Seeded, api):
    idle = api.get("/api/v1/status").json()
    assert idle["running_session"] is None
    start = _post(api, "/api/v1/sessions", {"kind": "nursing", "side": "right"})
    _post(api, f"/api/v1/sessions/{start.json()['session']['id']}/taps", {"type": "letdown"})
    status = api.get("/api/v1/status").json()
    assert status["running_session"]["id"] == start.json()["session"]["id"]
    assert status["running_session"]["side"] == "right"
    assert status["today"]["sessions"] == {"nursing": 1}
    assert status["today"]["letdowns"] == 1
    started = datetime.fromisoformat(start.json()["session"]["started_at"])
    assert datetime.fromisoformat(status["last_feed_at"]) == started
    assert set(status["next_feed"]) == {"predicted_at", "earliest_at", "latest_at", "summary"}


def test_insights_come_from_the_cache_while_her_data_is_unchanged(owner: Seeded, api: Client):
    first = api.get("/api/v1/insights")
    assert first.status_code == 200 and first.json()["n_sessions"] == 1
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/api/v1/insights")
    assert again.json() == first.json()
    assert not any("logbook_session" in q["sql"] for q in queries.captured_queries)


# --- the schema and its page ---------------------------------------------------------------


def test_the_schema_and_docs_page_are_served_from_here(db):
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    assert "/api/v1/sessions/{session_id}/taps" in schema.json()["paths"]
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [("delete", "/api/v1/sessions", 405), ("get", "/api/v1/nothing-here", 404)],
)
def test_refusals_before_any_endpoint_are_json_too(api: Client, method, url, status):
    response = getattr(api, method)(url)
    assert response.status_code == status
    assert response.json()["error"]


def test_a_session_tapped_through_the_api_reads_back_with_its_sides_in_order(api: Client):
    now = timezone.now()

    def at(minutes: int) -> str:
        return (now - timedelta(minutes=minutes)).isoformat()

    start = _post(api, "/api/v1/sessions", {"kind": "nursing", "side": "left", "at": at(10)})
    url = f"/api/v1/sessions/{start.json()['session']['id']}"
    _post(api, f"{url}/taps", {"type": "letdown", "at": at(9)})
    _post(api, f"{url}/taps", {"type": "switch", "at": at(6)})
    _post(api, f"{url}/taps", {"type": "end", "at": at(1)})
    body = api.get(url).json()
    assert [segment["side"] for segment in body["segments"]] == ["left", "right"]
    assert (body["left_s"], body["right_s"]) == (240.0, 300.0)
    assert body["time_to_first_letdown_s"] == 60.0 and body["running"] is False


def test_an_id_beyond_any_row_or_a_parameter_given_twice_is_a_clear_4xx(client, family):
    from letdown.api.services import create_token

    _row, token = create_token(user=family.owner, name="t", now=timezone.now())
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    huge = 2**80
    listed = client.get(f"/api/v1/letdowns?session_id={huge}", **auth)
    # Nothing to list, whichever way the database met the number: never a 500.
    assert listed.status_code == 404 or (listed.status_code == 200 and not listed.json()["items"])
    assert client.get(f"/api/v1/sessions/{huge}", **auth).status_code == 404
    twice = client.get("/api/v1/leaks?cursor=a&cursor=b", **auth)
    assert twice.status_code == 400 and "cursor" in twice.json()["error"]
