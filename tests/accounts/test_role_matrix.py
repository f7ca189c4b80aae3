"""Every URL × every role, pinned: what the owner, a caregiver, a specialist account, a stranger
(the owner of another household) and someone not logged in get for a GET and for a POST.

The table is checked against the URL resolver, so a new view without a row fails
`test_every_view_has_a_row`. The objects in the URLs are the owner's (logged by her, yesterday):
a caregiver may see them but not change them; what a caregiver may do with what they logged
themselves is in test_policy.py. Django's admin is left out: it has its own staff gate."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from letdown.accounts.models import Baby, Role, User
from letdown.api.services import create_token
from letdown.babylog.models import Nappy, Weighing
from letdown.learn.articles import load_articles
from letdown.learn.models import Comment
from letdown.logbook.models import Tap
from letdown.reminders.models import PushSubscription, Reminder
from letdown.routines.models import Media
from letdown.share.services import create_share

from ..conftest import Family, make_family
from ..factories import (
    BottleFeedFactory,
    LeakFactory,
    LetDownFactory,
    SessionFactory,
    UserFactory,
    start,
)
from ..responses import body
from ..routines.factories import RoutineFactory, RunFactory

PERSONAS = ("owner", "caregiver", "specialist", "stranger", "anonymous")


def _patterns(resolvers: list[Any], prefix: str = "", namespace: str = "") -> list[tuple]:
    found = []
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith(("admin/", "api/v1/")):
                continue  # Django's admin has its staff gate; the API its tokens (tests/api)
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            found += _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace.strip(':')}:{entry.name}" if namespace else entry.name
            found.append((name, prefix + str(entry.pattern)))
    return found


PATTERNS = dict(_patterns(get_resolver().url_patterns))

# name: (GET, POST), each the status for owner, caregiver, specialist, stranger, anonymous.
# 302 for anonymous is the way to the login page; 403 is the "not allowed" page; 404 for a
# stranger is another household's object; 405 a method the view does not take. A screen whose
# every button writes sends a specialist (read only) to what she may read instead: the live
# screen to the session's page, a routine's player to the routines, the offline live screen
# home (tests/accounts/test_read_only.py).
MATRIX: dict[str, tuple[str, str]] = {
    "api_tokens:revoke": ("405 405 403 405 302", "302 404 403 404 302"),
    "api_tokens:tokens": ("200 200 403 200 302", "400 400 403 400 302"),
    "babylog_delete": ("200 403 403 404 302", "302 403 403 404 302"),
    "delete": ("200 403 403 404 302", "302 403 403 404 302"),
    "favicon": ("200 200 200 200 200", "405 405 405 405 405"),
    "feed_edit": ("200 403 403 404 302", "200 403 403 404 302"),
    "feed_new": ("200 200 403 200 302", "200 200 403 200 302"),
    "health": ("200 200 200 200 200", "405 405 405 405 405"),
    "history": ("200 200 200 200 302", "405 405 405 405 302"),
    "home": ("200 200 200 200 302", "405 405 405 405 302"),
    "household_settings": ("200 200 200 200 302", "200 403 403 200 302"),
    "inside:explainer": ("200 200 200 200 200", "405 405 405 405 405"),
    "insights:index": ("200 200 200 200 302", "405 405 405 405 302"),
    "leak_detail": ("200 200 200 404 302", "200 403 403 404 302"),
    "leak_new": ("200 200 403 200 302", "200 200 403 200 302"),
    "leak_quick": ("405 405 405 405 302", "302 302 403 302 302"),
    "language": ("405 405 405 405 405", "302 302 302 302 302"),
    "javascript_catalog": ("200 200 200 200 200", "405 405 405 405 405"),
    "learn:article": ("200 200 200 200 200", "400 400 403 400 400"),
    "learn:comment_delete": ("200 404 404 404 302", "302 404 404 404 302"),
    "learn:index": ("200 200 200 200 200", "405 405 405 405 405"),
    "learn:sources": ("200 200 200 200 200", "405 405 405 405 405"),
    "letdown_add": ("200 200 403 404 302", "200 200 403 404 302"),
    "letdown_details": ("405 405 405 405 302", "404 404 403 404 302"),
    "letdown_edit": ("200 403 403 404 302", "200 403 403 404 302"),
    "login": ("200 200 200 200 200", "200 200 200 200 200"),
    "logout": ("405 405 405 405 405", "302 302 302 302 302"),
    "manifest": ("200 200 200 200 200", "405 405 405 405 405"),
    "member": ("200 403 403 404 302", "200 403 403 404 302"),
    "nappy_edit": ("200 403 403 404 302", "200 403 403 404 302"),
    "nappy_quick": ("405 405 405 405 302", "400 400 403 400 302"),
    "offline": ("200 200 200 200 200", "405 405 405 405 405"),
    "onboarding": ("302 302 302 302 302", "302 302 302 302 302"),
    "password_change": ("200 200 200 200 302", "200 200 200 200 302"),
    "password_change_done": ("200 200 200 200 302", "405 405 405 405 302"),
    "public_name": ("200 200 403 200 302", "302 302 403 302 302"),
    "password_reset": ("200 200 200 200 200", "200 200 200 200 200"),
    "password_reset_complete": ("200 200 200 200 200", "405 405 405 405 405"),
    "password_reset_confirm": ("200 200 200 200 200", "200 200 200 200 200"),
    "password_reset_done": ("200 200 200 200 200", "405 405 405 405 405"),
    "reminders:delete": ("405 405 403 405 302", "302 404 403 404 302"),
    "reminders:device_add": ("405 405 403 405 302", "400 400 403 400 302"),
    "reminders:device_delete": ("405 405 403 405 302", "302 404 403 404 302"),
    "reminders:due": ("200 200 403 200 302", "405 405 405 405 302"),
    "reminders:edit": ("200 404 403 404 302", "400 404 403 404 302"),
    "reminders:settings": ("200 200 403 200 302", "400 400 403 400 302"),
    "reminders:test": ("405 405 403 405 302", "302 302 403 302 302"),
    "report": ("200 200 200 200 302", "405 405 405 405 302"),
    "report_pdf": ("200 200 200 200 302", "405 405 405 405 302"),
    "report_questions": ("405 405 405 405 302", "302 403 403 302 302"),
    "routines:delete": ("200 403 403 404 302", "302 403 403 404 302"),
    "routines:edit": ("200 403 403 404 302", "400 403 403 404 302"),
    "routines:from_default": ("405 405 405 405 302", "400 403 403 400 302"),
    "routines:list": ("200 200 200 200 302", "405 405 405 405 302"),
    "routines:media": ("200 200 403 200 302", "405 405 405 405 302"),
    "routines:media_delete": ("405 405 405 405 302", "302 403 403 404 302"),
    "routines:media_file": ("200 200 403 404 302", "405 405 405 405 302"),
    "routines:media_upload": ("405 405 405 405 302", "400 403 403 400 302"),
    "routines:new": ("200 403 403 200 302", "200 403 403 200 302"),
    "routines:player": ("200 200 302 404 302", "405 405 405 405 302"),
    "routines:run_event": ("405 405 405 405 302", "400 400 403 404 302"),
    "routines:run_finish": ("405 405 405 405 302", "302 302 403 404 302"),
    "routines:run_session": ("405 405 405 405 302", "400 400 403 404 302"),
    "routines:run_state": ("200 200 200 404 302", "405 405 405 405 302"),
    "routines:session_follow": ("405 405 405 405 302", "302 302 403 404 302"),
    "routines:start": ("405 405 405 405 302", "302 302 403 404 302"),
    "routines:step_add": ("405 405 405 405 302", "400 403 403 404 302"),
    "routines:step_info": ("200 200 200 200 302", "405 405 405 405 302"),
    "routines:step_move": ("405 405 405 405 302", "302 403 403 404 302"),
    "routines:step_remove": ("405 405 405 405 302", "302 403 403 404 302"),
    "routines:step_update": ("405 405 405 405 302", "400 403 403 404 302"),
    "service_worker": ("200 200 200 200 200", "405 405 405 405 405"),
    "session_edit": ("200 200 200 404 302", "200 403 403 404 302"),
    "session_end": ("405 405 405 405 302", "302 302 403 404 302"),
    "session_letdown": ("405 405 405 405 302", "302 302 403 404 302"),
    "session_live": ("200 200 302 404 302", "405 405 405 405 302"),
    "session_new": ("200 200 403 200 302", "200 200 403 200 302"),
    "session_pause": ("405 405 405 405 302", "302 302 403 404 302"),
    "session_reopen": ("405 405 405 405 302", "400 400 403 404 302"),
    "session_resume": ("405 405 405 405 302", "302 302 403 404 302"),
    "session_start": ("405 405 405 405 302", "400 400 403 400 302"),
    "session_state": ("200 200 200 404 302", "405 405 405 405 302"),
    "session_switch": ("405 405 405 405 302", "302 302 403 404 302"),
    "session_undo": ("405 405 405 405 302", "400 400 403 404 302"),
    "sessions_running": ("200 200 200 200 302", "405 405 405 405 302"),
    "share_history": ("200 200 200 200 200", "405 405 405 405 405"),
    "share_insights": ("200 200 200 200 200", "405 405 405 405 405"),
    "share_link": ("302 302 302 302 302", "405 405 405 405 405"),
    "share_report": ("200 200 200 200 200", "405 405 405 405 405"),
    "share_report_pdf": ("200 200 200 200 200", "405 405 405 405 405"),
    "share_revoke": ("405 405 405 405 302", "302 403 403 404 302"),
    "shares": ("200 403 403 200 302", "200 403 403 200 302"),
    "signup": ("403 403 403 403 403", "403 403 403 403 403"),
    "started": ("302 302 302 302 302", "405 405 405 405 302"),
    "started_details": ("405 405 405 405 302", "404 404 403 404 302"),
    "started_offline": ("200 200 302 200 302", "405 405 405 405 302"),
    "started_state": ("200 200 200 404 302", "405 405 405 405 302"),
    "started_tap": ("405 405 405 405 302", "302 302 403 404 302"),
    "transfer:data": ("200 403 403 200 302", "405 405 405 405 302"),
    "transfer:export": ("400 403 403 400 302", "405 405 405 405 302"),
    "transfer:import": ("405 403 403 405 302", "400 403 403 400 302"),
    "transfer:import_confirm": ("405 403 403 405 302", "404 403 403 404 302"),
    "transfer:pull": ("405 403 403 405 302", "400 403 403 400 302"),
    "weighing_edit": ("200 403 403 404 302", "200 403 403 404 302"),
    "weighing_new": ("200 200 403 200 302", "200 200 403 200 302"),
}


class World:
    def __init__(self, family: Family, stranger: Family, specialist: User) -> None:
        self.family, self.stranger, self.specialist = family, stranger, specialist
        owner = family.owner
        yesterday = timezone.now() - timedelta(days=1)
        self.session = SessionFactory(
            lactation=family.lactation, started_at=yesterday, created_by=owner
        )
        self.letdown = LetDownFactory(session=self.session, created_by=owner)
        self.leak = LeakFactory(lactation=family.lactation, at=yesterday, created_by=owner)
        self.feed = BottleFeedFactory(lactation=family.lactation, at=yesterday, created_by=owner)
        self.live = start(
            family.lactation, "pumping", "both", timezone.now() - timedelta(minutes=5)
        )
        self.routine = RoutineFactory(household=family.household)
        self.run = RunFactory(routine=self.routine)
        self.media = Media.objects.create(
            household=family.household,
            kind="image",
            name="Robin",
            file=ContentFile(b"\x89PNG\r\n\x1a\n", name="robin.png"),
            content_type="image/png",
            size_bytes=8,
        )
        baby = Baby.objects.filter(household=family.household).first()
        self.nappy = Nappy.objects.create(
            household=family.household, baby=baby, at=yesterday, wet=True, created_by=owner
        )
        self.weighing = Weighing.objects.create(
            household=family.household, baby=baby, at=yesterday, weight_g=4200, created_by=owner
        )
        self.reminder = Reminder.objects.create(
            household=family.household, user=owner, kind="pump_at", times=["07:00"]
        )
        self.device = PushSubscription.objects.create(
            household=family.household,
            user=owner,
            name="Phone",
            endpoint="https://fcm.googleapis.com/fcm/send/1",
            p256dh="x",
            auth="y",
        )
        self.token, _secret = create_token(user=owner, name="Home Assistant", now=timezone.now())
        made = create_share(household=family.household, name="Anna, IBCLC", now=timezone.now())
        self.share, self.share_token = made.share, made.token
        self.start_tap = str(Tap.objects.get(session=self.live, type="start").tap_id)
        self.comment = Comment.objects.create(
            article_slug=next(iter(load_articles())),
            author=owner,
            name="Alex",
            email="alex@example.org",
            body="Thank you",
            created_at=yesterday,
        )

    def url(self, name: str) -> str:
        pattern = PATTERNS[name]
        namespace, _sep, short = name.rpartition(":")
        live_views = {
            "session_live",
            "session_state",
            "letdown_details",
        } | {f"session_{t}" for t in ("letdown", "switch", "pause", "resume", "end", "undo")}
        pk = {
            "letdown_edit": self.letdown.pk,
            "leak_detail": self.leak.pk,
            "feed_edit": self.feed.pk,
            "member": self.family.member.pk,
            "routines:player": self.run.pk,
            "routines:run_state": self.run.pk,
            "routines:run_event": self.run.pk,
            "routines:run_finish": self.run.pk,
            "routines:run_session": self.run.pk,
            "routines:media_file": self.media.pk,
            "routines:media_delete": self.media.pk,
            "learn:comment_delete": self.comment.pk,
            "nappy_edit": self.nappy.pk,
            "weighing_edit": self.weighing.pk,
            "babylog_delete": self.nappy.pk,
            "share_revoke": self.share.pk,
            "reminders:edit": self.reminder.pk,
            "reminders:delete": self.reminder.pk,
            "reminders:device_delete": self.device.pk,
            "api_tokens:revoke": self.token.pk,
        }.get(name)
        if pk is None:
            if namespace == "routines":
                pk = self.routine.pk
            elif short in live_views:
                pk = self.live.pk
            else:
                pk = self.session.pk
        values = {
            "pk": str(pk),
            "session_pk": str(self.live.pk),
            "index": "0",
            "what": "nappy" if name == "babylog_delete" else "session",
            "tap_id": "00000000-0000-0000-0000-000000000000",
            "slug": self.comment.article_slug if namespace == "learn" else "warm_drink",
            "uidb64": "MQ",
            "token": self.share_token if short.startswith("share_") else "set-password",
            "start": self.start_tap,
            "tap": "letdown",
        }
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], pattern)

    def client(self, persona: str) -> Client:
        client = Client()
        user = {
            "owner": self.family.owner,
            "caregiver": self.family.member,
            "specialist": self.specialist,
            "stranger": self.stranger.owner,
        }.get(persona)
        if user is not None:
            client.force_login(user, backend="letdown.accounts.backends.HouseholdModelBackend")
        return client


@pytest.fixture
def world(family: Family) -> World:
    specialist = UserFactory(household=family.household, role=Role.SPECIALIST)
    return World(family, make_family("Stranger"), specialist)


def _statuses(world: World, name: str, persona: str) -> tuple[int, int]:
    """GET then POST, as `persona`; whatever the POST changed is rolled back afterwards, so
    each persona meets the same household."""
    url = world.url(name)
    client = world.client(persona)
    with transaction.atomic():
        response = client.get(url)
        got = response.status_code
        body(response)  # read to the end, so a streamed file is closed
        posted = client.post(url).status_code
        transaction.set_rollback(True)
    # A page cached for a data version the rollback took back must not be served.
    caches["pages"].clear()
    return got, posted


def test_every_view_has_a_row() -> None:
    assert sorted(set(PATTERNS) - set(MATRIX)) == [], "add the new view to MATRIX"
    assert sorted(set(MATRIX) - set(PATTERNS)) == [], "a row for a view that is gone"


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_each_role_gets_what_the_table_says(world: World, name: str) -> None:
    got = {
        persona: _statuses(world, name, persona)
        # The owner last: her POST may delete a file, which no rollback brings back.
        for persona in ("anonymous", "stranger", "specialist", "caregiver", "owner")
    }
    expected = {
        persona: (int(MATRIX[name][0].split()[i]), int(MATRIX[name][1].split()[i]))
        for i, persona in enumerate(PERSONAS)
    }
    assert got == expected
