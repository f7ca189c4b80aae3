"""What every request reads (her login session, her user and household) and a live tap reads
(her session) is hand-written SQL; it must give exactly what the ORM gives, on both
databases."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session as LoginSession
from django.db import models
from django.test import Client
from django.utils import timezone

from letdown.accounts.backends import HouseholdModelBackend
from letdown.accounts.models import User
from letdown.accounts.session_store import SessionStore
from letdown.logbook import tapsql
from letdown.logbook.models import Session
from tests.conftest import Family


def _values(instance: models.Model) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_user_and_her_household_are_what_the_orm_reads(family: Family) -> None:
    family.owner.last_login = timezone.now()
    family.owner.save()
    expected = User.objects.select_related("household").get(pk=family.owner.pk)

    user = HouseholdModelBackend().get_user(family.owner.pk)

    assert user is not None
    assert _values(user) == _values(expected)
    assert user.household is not None
    assert _values(user.household) == _values(expected.household)
    assert user.household.tz == expected.household.tz  # type: ignore[union-attr]


def test_no_such_user_or_a_deactivated_one_is_nobody(family: Family) -> None:
    backend = HouseholdModelBackend()
    assert backend.get_user(10**9) is None
    assert backend.get_user("not a number") is None
    User.objects.filter(pk=family.member.pk).update(is_active=False)
    assert backend.get_user(family.member.pk) is None


def test_a_user_without_a_household_yet_has_none(db: None) -> None:
    user = User.objects.create_user("new", password="x" * 12)
    found = HouseholdModelBackend().get_user(user.pk)
    assert found is not None and found.household is None


def test_a_login_session_is_read_until_it_expires(owner_client: Client, family: Family) -> None:
    key = owner_client.cookies["sessionid"].value
    assert SessionStore(key).load()["_auth_user_id"] == str(family.owner.pk)
    assert owner_client.get("/").status_code == 200

    LoginSession.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None  # a new one is made, never the expired key again
    assert owner_client.get("/").status_code == 302  # sent to log in


def test_a_session_of_hers_is_what_the_orm_reads(family: Family) -> None:
    from letdown.logbook import services

    now = timezone.now()
    made = services.start_session(
        household=family.household,
        lactation=family.lactation,
        kind="pumping",
        side="both",
        at=now,
        now=now,
    ).session
    expected = Session.objects.get(pk=made.pk)

    found = tapsql.session(made.pk, family.household.pk)

    assert found is not None
    assert {name: getattr(found, name) for name in tapsql.SESSION_FIELDS} == {
        name: getattr(expected, name) for name in tapsql.SESSION_FIELDS
    }
    assert found.notes == expected.notes  # a field not read loads on first use


def test_anothers_session_is_not_hers(family: Family, stranger_family: Family) -> None:
    from letdown.logbook import services

    now = timezone.now()
    theirs = services.start_session(
        household=stranger_family.household,
        lactation=stranger_family.lactation,
        kind="nursing",
        side="left",
        at=now,
        now=now,
    ).session
    assert tapsql.session(theirs.pk, family.household.pk) is None


def test_an_id_beyond_any_row_is_no_session(family: Family) -> None:
    assert tapsql.session(2**70, family.household.pk) is None
    assert tapsql.session(-(2**70), family.household.pk) is None
