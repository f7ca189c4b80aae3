"""accounts.policy: deny by default; a caregiver changes only what they logged, for 7 days; a
specialist (an account, or a share link's actor) writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from letdown.accounts import policy
from letdown.accounts.models import Role
from letdown.accounts.policy import Action, Specialist, can
from letdown.logbook.models import BottleFeed, Leak, LetDown, Session

from ..factories import BottleFeedFactory, LeakFactory, LetDownFactory, SessionFactory, UserFactory

NOW = timezone.now()


def test_an_unknown_action_is_refused_to_everyone(family):
    for actor in (family.owner, family.member, Specialist(household_id=family.household.pk)):
        assert not can(actor, "household.burn")
        assert not can(actor, "")
    assert not can(None, "household.read")


def test_the_owner_may_do_every_named_action(family):
    assert all(can(family.owner, action) for action in Action)


def test_a_specialist_reads_and_writes_nothing(family):
    account = UserFactory(household=family.household, role=Role.SPECIALIST)
    link = Specialist(household_id=family.household.pk)
    for actor in (account, link):
        # The language of her own pages is hers to choose; it writes nothing of the family.
        assert [a for a in Action if can(actor, a)] == [Action.READ, Action.LANGUAGE]
    session = SessionFactory(lactation=family.lactation, created_by=account)
    assert not can(account, Action.ENTRY_CHANGE, session)


def test_a_caregiver_may_not_manage_media_members_routines_or_data(family):
    refused = {a for a in Action if not can(family.member, a)}
    assert refused == {
        Action.ROUTINE_EDIT,
        Action.MEDIA_UPLOAD,
        Action.MEDIA_DELETE,
        Action.HOUSEHOLD_CHANGE,
        Action.MEMBERS_MANAGE,
        Action.SHARES_MANAGE,
        Action.DATA_EXPORT,
        Action.DATA_IMPORT,
        Action.HOUSEHOLD_DELETE,
    }


def test_nobody_acts_on_another_households_entry(family, stranger_family):
    theirs = LeakFactory(lactation=stranger_family.lactation, created_by=stranger_family.member)
    assert not can(family.owner, Action.ENTRY_CHANGE, theirs)
    assert not can(
        stranger_family.member,
        Action.ENTRY_CHANGE,
        LeakFactory(lactation=family.lactation, created_by=stranger_family.member),
    )


@pytest.mark.parametrize("days_ago", [0, 6.9])
def test_a_caregiver_changes_what_they_logged_this_week(family, days_ago):
    at = NOW - timedelta(days=days_ago)
    leak = LeakFactory(lactation=family.lactation, at=at, created_by=family.member)
    assert can(family.member, Action.ENTRY_CHANGE, leak, now=NOW)
    assert can(family.member, Action.ENTRY_DELETE, leak, now=NOW)


def test_a_caregiver_cannot_change_their_entry_after_7_days_nor_the_owners(family):
    old = LeakFactory(
        lactation=family.lactation, at=NOW - timedelta(days=8), created_by=family.member
    )
    hers = LeakFactory(lactation=family.lactation, at=NOW, created_by=family.owner)
    nobodys = LeakFactory(lactation=family.lactation, at=NOW)
    for leak in (old, hers, nobodys):
        assert not can(family.member, Action.ENTRY_CHANGE, leak, now=NOW)
        assert not can(family.member, Action.ENTRY_DELETE, leak, now=NOW)
        assert can(family.owner, Action.ENTRY_DELETE, leak, now=NOW)


def test_a_caregiver_edits_and_deletes_their_own_feed_through_the_pages(family, member_client):
    feed = BottleFeedFactory(lactation=family.lactation, at=NOW, created_by=family.member)
    edit = member_client.post(
        reverse("feed_edit", args=[feed.pk]),
        {
            "at": timezone.localtime(NOW).strftime("%Y-%m-%dT%H:%M"),
            "milk": "formula",
            "volume": "70",
        },
    )
    assert edit.status_code == 302
    feed.refresh_from_db()
    assert feed.milk == "formula"
    assert member_client.post(reverse("delete", args=["feed", feed.pk])).status_code == 302
    assert not BottleFeed.objects.filter(pk=feed.pk).exists()


def test_a_caregiver_cannot_delete_the_owners_entries_and_is_told_why(family, member_client):
    yesterday = NOW - timedelta(days=1)
    session = SessionFactory(
        lactation=family.lactation, started_at=yesterday, created_by=family.owner
    )
    rows = {
        "session": session,
        "letdown": LetDownFactory(session=session, created_by=family.owner),
        "leak": LeakFactory(lactation=family.lactation, at=yesterday, created_by=family.owner),
        "feed": BottleFeedFactory(
            lactation=family.lactation, at=yesterday, created_by=family.owner
        ),
    }
    for what, row in rows.items():
        response = member_client.post(reverse("delete", args=[what, row.pk]))
        assert response.status_code == 403
        assert b"only what they logged themselves" in response.content
        assert type(row).objects.filter(pk=row.pk).exists()


def test_what_a_caregiver_logs_is_marked_as_theirs(family, member_client):
    member_client.post(reverse("leak_quick"))
    member_client.post(reverse("session_start"), {"kind_side": "pumping:both"})
    session = Session.objects.get(household=family.household)
    member_client.post(reverse("session_letdown", args=[session.pk]))
    assert Leak.objects.get(household=family.household).created_by == family.member
    assert session.created_by == family.member
    assert LetDown.objects.get(session=session).created_by == family.member
    assert can(family.member, Action.ENTRY_DELETE, session)


def test_a_caregiver_sees_no_edit_form_on_the_owners_session(family, member_client, owner_client):
    session = SessionFactory(lactation=family.lactation, started_at=NOW - timedelta(hours=2))
    assert (
        b"Delete this session"
        not in member_client.get(reverse("session_edit", args=[session.pk])).content
    )
    assert (
        b"Delete this session"
        in owner_client.get(reverse("session_edit", args=[session.pk])).content
    )


def test_rows_from_before_count_as_the_first_owners(family):
    """The migration's fill: rows nobody was marked on become the household's first owner's."""
    from importlib import import_module

    migration = import_module("letdown.logbook.migrations.0005_created_by")
    leak = LeakFactory(lactation=family.lactation)
    second_owner = UserFactory(household=family.household, role=Role.PARENT)
    migration._owner_logged_the_past(apps, None)
    leak.refresh_from_db()
    assert leak.created_by == family.owner != second_owner


def test_the_403_page_names_the_refusal(member_client):
    response = member_client.get(reverse("transfer:data"))
    assert response.status_code == 403
    assert b"Only the household" in response.content and b"export" in response.content
    assert policy.refusal(None, Action.DATA_EXPORT).startswith("Only the household")
