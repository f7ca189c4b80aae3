"""Settings → Members: the owner sees each member's role and last activity, changes a role,
deactivates or removes a member (logged out at once) and makes a one-time password-reset link;
the household never loses its last owner, even when two owners act at the same moment."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session as StoredSession
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letdown.accounts import services
from letdown.accounts.models import Role, User
from letdown.logbook.models import Leak

from ..conftest import make_family
from ..factories import PASSWORD, LeakFactory, UserFactory


def _logged_in(user: User) -> Client:
    """A real login (a session row in the store), as her phone has."""
    client = Client()
    assert (
        client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def _manage(client: Client, member: User, action: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("member", args=[member.pk]), {"action": action, **data})


def test_settings_list_members_with_role_and_last_activity(family, owner_client):
    User.objects.filter(pk=family.member.pk).update(last_seen_at=None)
    page = owner_client.get(reverse("household_settings")).content.decode()
    assert family.owner.username in page and family.member.username in page
    assert "Owner" in page and "Partner or caregiver" in page
    assert "never" in page  # the member has not been seen yet
    assert reverse("member", args=[family.member.pk]) in page


def test_a_caregiver_sees_the_members_but_no_way_to_manage_them(family, member_client):
    page = member_client.get(reverse("household_settings")).content.decode()
    assert family.owner.username in page
    assert reverse("member", args=[family.owner.pk]) not in page


def test_last_activity_is_stamped_at_most_once_an_hour(family):
    client = Client()
    client.force_login(family.member, backend="letdown.accounts.backends.HouseholdModelBackend")
    start = timezone.now() + timedelta(days=1)
    with time_machine.travel(start, tick=False):
        client.get(reverse("home"))
    family.member.refresh_from_db()
    assert family.member.last_seen_at == start
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        client.get(reverse("home"))
    family.member.refresh_from_db()
    assert family.member.last_seen_at == start
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        client.get(reverse("home"))
    family.member.refresh_from_db()
    assert family.member.last_seen_at == start + timedelta(minutes=61)


def test_the_owner_changes_a_role(family, owner_client):
    response = _manage(owner_client, family.member, "role", role=Role.SPECIALIST)
    assert response.status_code == 302
    family.member.refresh_from_db()
    assert family.member.role == Role.SPECIALIST


def test_the_last_owner_cannot_be_demoted_deactivated_or_removed(family, owner_client):
    attempts = [
        ("role", {"role": Role.CAREGIVER}),
        ("deactivate", {}),
        ("remove", {"confirm": "yes"}),
    ]
    for action, data in attempts:
        response = _manage(owner_client, family.owner, action, **data)
        assert response.status_code == 409, action
        assert "last owner" in response.content.decode()
    family.owner.refresh_from_db()
    assert family.owner.role == Role.PARENT and family.owner.is_active


def test_with_a_second_owner_the_first_can_step_down(family, owner_client):
    UserFactory(household=family.household, role=Role.PARENT)
    assert _manage(owner_client, family.owner, "role", role=Role.CAREGIVER).status_code == 302
    family.owner.refresh_from_db()
    assert family.owner.role == Role.CAREGIVER


def test_an_inactive_owner_does_not_count_as_the_one_that_stays(family, owner_client):
    UserFactory(household=family.household, role=Role.PARENT, is_active=False)
    assert _manage(owner_client, family.owner, "remove", confirm="yes").status_code == 409


def test_deactivating_logs_the_member_out_at_once(family, owner_client):
    phone = _logged_in(family.member)
    assert phone.get(reverse("home")).status_code == 200
    sessions_before = StoredSession.objects.count()
    assert _manage(owner_client, family.member, "deactivate").status_code == 302
    assert StoredSession.objects.count() == sessions_before - 1
    response = phone.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    # Nor can they log in again, until she reactivates them.
    assert (
        Client()
        .post(reverse("login"), {"username": family.member.username, "password": PASSWORD})
        .status_code
        == 200
    )
    assert _manage(owner_client, family.member, "activate").status_code == 302
    assert _logged_in(family.member).get(reverse("home")).status_code == 200


def test_an_inactive_member_with_a_surviving_session_is_still_refused(family):
    """The session store is not the only guard: each request checks is_active."""
    phone = _logged_in(family.member)
    User.objects.filter(pk=family.member.pk).update(is_active=False)
    assert phone.get(reverse("home")).status_code == 302


def test_removing_a_member_ends_their_sessions_and_keeps_what_they_logged(family, owner_client):
    leak = LeakFactory(lactation=family.lactation, created_by=family.member)
    phone = _logged_in(family.member)
    other_phone = _logged_in(family.owner)
    assert _manage(owner_client, family.member, "remove").status_code == 400  # unconfirmed
    assert _manage(owner_client, family.member, "remove", confirm="yes").status_code == 302
    assert not User.objects.filter(pk=family.member.pk).exists()
    assert phone.get(reverse("home")).status_code == 302
    assert other_phone.get(reverse("home")).status_code == 200  # her own sessions stay
    leak = Leak.objects.get(pk=leak.pk)
    assert leak.created_by is None


def test_a_stranger_cannot_manage_another_households_member(family, stranger_client):
    assert _manage(stranger_client, family.member, "remove", confirm="yes").status_code == 404
    assert stranger_client.get(reverse("member", args=[family.member.pk])).status_code == 404
    assert User.objects.filter(pk=family.member.pk).exists()


def test_an_unknown_member_action_is_a_400(family, owner_client):
    assert _manage(owner_client, family.member, "promote").status_code == 400


def _reset_link(owner_client: Client, member: User) -> str:
    page = _manage(owner_client, member, "reset_link").content.decode()
    [link] = re.findall(r'value="(http://testserver/account/password/reset/[^"]+)"', page)
    return link.removeprefix("http://testserver")


def _set_password(link: str, password: str) -> Client:
    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
    )
    return client


def test_a_reset_link_sets_a_new_password_once(family, owner_client):
    link = _reset_link(owner_client, family.member)
    page = Client().get(link, follow=True).content.decode()
    assert "Choose a new password" in page
    _set_password(link, "a-new-long-password-7")
    login = {"username": family.member.username, "password": "a-new-long-password-7"}
    assert Client().post(reverse("login"), login).status_code == 302
    again = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in again


def test_a_reset_link_expires_after_24_hours(family, owner_client, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 24 * 60 * 60
    link = _reset_link(owner_client, family.member)
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        assert "Choose a new password" in Client().get(link, follow=True).content.decode()
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert "This link no longer works" in Client().get(link, follow=True).content.decode()


def test_a_caregiver_cannot_make_a_reset_link(family, member_client):
    response = _manage(member_client, family.owner, "reset_link")
    assert response.status_code == 403
    assert "/account/password/reset/" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner() -> None:
    family = make_family()
    second = UserFactory(household=family.household, role=Role.PARENT)
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def demote(index: int, member: User) -> None:
        try:
            barrier.wait()
            services.change_role(household=family.household, member=member, role=Role.CAREGIVER)
            outcomes[index] = "done"
        except services.MemberError as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(0, family.owner)),
        threading.Thread(target=demote, args=(1, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(o).__name__ for o in outcomes) == ["MemberError", "str"], outcomes
    owners = User.objects.filter(household=family.household, role=Role.PARENT, is_active=True)
    assert owners.count() == 1
