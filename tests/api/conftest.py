"""Two households with one of everything the API serves. The stranger's rows carry values
that appear nowhere in the owner's (STRANGER_MARK, odd volumes), so an answer that held any
of them would be caught by a plain search of its text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from letdown.api.services import create_token
from letdown.routines.models import Media

from ..conftest import Family, make_family
from ..factories import BottleFeedFactory, LeakFactory, LetDownFactory, SessionFactory
from ..routines.factories import RoutineFactory

STRANGER_MARK = "zebra-quokka-7731"
STRANGER_VOLUME = 123.456


@dataclass
class Seeded:
    family: Family
    token: str
    objects: dict[str, int]  # the pk of one row of each kind, by endpoint name


def seed(family: Family, mark: str, volume: float) -> dict[str, int]:
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    session = SessionFactory(
        lactation=family.lactation,
        kind="pumping",
        started_at=at,
        ended_at=at + timedelta(minutes=20),
        volume_left_ml=volume,
        volume_right_ml=volume / 2,
        anxiety_before=3,
        aids=["warm_compress"],
        notes=f"notes {mark}",
    )
    # Not a real choice: a recognisable value, so a leaked let-down would be found.
    letdown = LetDownFactory(session=session, at=at + timedelta(seconds=95), noticed=[mark])
    leak = LeakFactory(lactation=family.lactation, notes=f"leak {mark}")
    feed = BottleFeedFactory(lactation=family.lactation, volume_ml=volume, notes=f"feed {mark}")
    routine = RoutineFactory(household=family.household, name=f"R {mark}"[:60])
    media = Media.objects.create(
        household=family.household,
        kind="image",
        name=f"photo {mark}",
        file=ContentFile(b"\x89PNG\r\n\x1a\n", name="baby.png"),
        content_type="image/png",
        size_bytes=8,
    )
    return {
        "sessions": session.pk,
        "letdowns": letdown.pk,
        "leaks": leak.pk,
        "bottle-feeds": feed.pk,
        "routines": routine.pk,
        "media": media.pk,
    }


@pytest.fixture
def owner(family: Family) -> Seeded:
    _row, token = create_token(user=family.owner, name="dashboard", now=timezone.now())
    return Seeded(family, token, seed(family, "alex-own-notes", 80.0))


@pytest.fixture
def stranger(db: None) -> Seeded:
    family = make_family("Stranger")
    family.household.parent_name = STRANGER_MARK
    family.household.save()
    _row, token = create_token(user=family.owner, name="theirs", now=timezone.now())
    return Seeded(family, token, seed(family, STRANGER_MARK, STRANGER_VOLUME))


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def api(owner: Seeded) -> Client:
    return Client(**bearer(owner.token))
