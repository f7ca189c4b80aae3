"""Every URL pattern answers with a strict Content-Security-Policy and a narrow
Permissions-Policy; every response to a member is `Cache-Control: private, no-store`; no page
carries inline script or style, which the policy would block."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from letdown.accounts.models import Baby
from letdown.babylog.models import Nappy, Weighing
from letdown.learn.articles import load_articles
from letdown.learn.models import Comment
from letdown.reminders.models import PushSubscription, Reminder
from letdown.routines.models import Media
from letdown.share.services import create_share

from .factories import BottleFeedFactory, LeakFactory, LetDownFactory, SessionFactory
from .responses import body
from .routines.factories import RoutineFactory, RunFactory


def _patterns(resolvers: list[Any], prefix: str = "", namespace: str = "") -> list[tuple]:
    found = []
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # Django's own admin; its index is walked below
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            found += _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), namespace.strip(":"), entry.name))
    return found


PATTERNS = _patterns(get_resolver().url_patterns)


@pytest.fixture
def objects(family) -> dict[str, Any]:
    session = SessionFactory(lactation=family.lactation)
    baby = Baby.objects.filter(household=family.household).first()
    share = create_share(household=family.household, name="Anna, IBCLC", now=timezone.now())
    routine = RoutineFactory(household=family.household)
    media = Media.objects.create(
        household=family.household,
        kind="image",
        name="Robin",
        file=ContentFile(b"\x89PNG\r\n\x1a\n", name="robin.png"),
        content_type="image/png",
        size_bytes=8,
    )
    comment = Comment.objects.create(
        article_slug=next(iter(load_articles())),
        author=family.owner,
        name="Alex",
        email="alex@example.org",
        body="Thank you",
        created_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    return {
        "session": session,
        "letdown": LetDownFactory(session=session),
        "leak": LeakFactory(lactation=family.lactation),
        "feed": BottleFeedFactory(lactation=family.lactation),
        "routine": routine,
        "run": RunFactory(routine=routine),
        "media": media,
        "comment": comment,
        "member": family.member,
        "nappy": Nappy.objects.create(
            household=family.household, baby=baby, at=session.started_at, wet=True
        ),
        "weighing": Weighing.objects.create(
            household=family.household, baby=baby, at=session.started_at, weight_g=4200
        ),
        "share": share.share,
        "share_token": share.token,
        "reminder": Reminder.objects.create(
            household=family.household, user=family.owner, kind="pump_at", times=["07:00"]
        ),
        "device": PushSubscription.objects.create(
            household=family.household,
            user=family.owner,
            name="Phone",
            endpoint="https://push.example.net/1",
            p256dh="x",
            auth="y",
        ),
    }


OWNERS = {
    "letdown_edit": "letdown",
    "leak_detail": "leak",
    "feed_edit": "feed",
    "member": "member",
    "nappy_edit": "nappy",
    "weighing_edit": "weighing",
    "babylog_delete": "nappy",
    "share_revoke": "share",
}


def _url(pattern: str, namespace: str, name: str, objects: dict[str, Any]) -> str:
    """The pattern filled in with the family's own objects, so pages render, not 404."""
    if name in {"player", "run_state", "run_event", "run_finish", "run_session"}:
        owner = "run"
    elif name in {"media_file", "media_delete"}:
        owner = "media"
    elif namespace == "routines":
        owner = "routine"
    elif namespace == "reminders":
        owner = "device" if name == "device_delete" else "reminder"
    elif namespace == "learn":
        owner = "comment"
    elif name in OWNERS:
        owner = OWNERS[name]
    else:
        owner = "session"  # the session's own pages, and a let-down added to it
    values = {
        "pk": str(objects[owner].pk),
        "session_pk": str(objects["session"].pk),
        "index": "0",
        "what": "nappy" if name == "babylog_delete" else "session",
        "tap_id": "00000000-0000-0000-0000-000000000000",
        "uidb64": "MQ",
        "token": objects["share_token"] if name.startswith("share_") else "set-password",
        "start": _start_tap(objects["session"]),
        "tap": "letdown",
        "slug": objects["comment"].article_slug if namespace == "learn" else "warm_drink",
        # The API answers a logged-in browser 401 (it takes tokens only), whatever the id.
        **{f"{name}_id": "1" for name in ("session", "letdown", "leak", "feed", "routine")},
        "media_id": "1",
    }
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], pattern)


def _start_tap(session: Any) -> str:
    """The id of the tap that started the session (its taps are made from its rows)."""
    from django.utils import timezone

    from letdown.logbook.models import Tap
    from letdown.logbook.services import store_taps_from_rows

    if not Tap.objects.filter(session=session).exists():
        store_taps_from_rows([session], timezone.now())
    return str(Tap.objects.get(session=session, type="start").tap_id)


INLINE = re.compile(
    rb"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style[\s>]|\sstyle=|\son[a-z]+=",
    re.IGNORECASE,
)


def _check(response: Any, url: str, *, member: bool) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, url
    assert "script-src 'self';" in csp and "style-src 'self';" in csp, url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert "frame-ancestors 'none'" in csp, url
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp, url
    policy = response.headers.get("Permissions-Policy", "")
    assert "microphone=(self)" in policy and "screen-wake-lock=(self)" in policy, url
    assert "camera=()" in policy and "geolocation=()" in policy, url
    if member:
        directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, url
    content = body(response)  # read to the end, so a streamed file is closed
    if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
        assert INLINE.search(content) is None, (url, INLINE.search(content))


def test_every_url_pattern_sends_the_headers_to_a_member(owner_client, objects):
    statuses = {}
    for pattern, namespace, name in PATTERNS:
        if name == "logout":
            continue  # walked last: it ends the session
        url = _url(pattern, namespace, name, objects)
        response = owner_client.get(url)
        statuses[url] = response.status_code
        _check(response, url, member=True)
    # The walk reached real pages, not a wall of 404s.
    assert sum(status == 200 for status in statuses.values()) >= 25, statuses
    assert [url for url, status in statuses.items() if status == 404] == []
    _check(owner_client.get("/admin/"), "/admin/", member=True)
    _check(owner_client.post("/account/logout/"), "/account/logout/", member=True)


def test_every_url_pattern_sends_the_headers_to_a_visitor(objects):
    client = Client()
    for pattern, namespace, name in PATTERNS:
        url = _url(pattern, namespace, name, objects)
        _check(client.get(url), url, member=False)


def test_family_pages_are_not_kept_in_a_shared_phones_cache(owner_client, family):
    for url in ["/", "/history/", "/insights/", "/account/household/"]:
        response = owner_client.get(url)
        assert response.status_code == 200
        assert "no-store" in response.headers["Cache-Control"], url
        assert "private" in response.headers["Cache-Control"], url
