"""Getting started: sign-up creates a household, onboarding, login limits, members."""

import pytest
from django.urls import reverse

from letdown.accounts.models import Baby, Household, Lactation, User

from ..factories import PASSWORD, UserFactory


def test_first_signup_creates_a_household_then_onboarding(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "sam", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.url == reverse("onboarding")
    user = User.objects.get(username="sam")
    assert user.household is not None and not user.household.onboarded
    # Home sends her to onboarding until it is done.
    assert client.get(reverse("home")).url == reverse("onboarding")
    response = client.post(
        reverse("onboarding"),
        {
            "parent_name": "Sam",
            "baby_name": "Ada",
            "baby_birth_date": "2026-11-01",
            "twin_name": "Ben",
            "lactation_number": "2",
            "unit": "oz",
            "time_zone": "America/New_York",
        },
    )
    assert response.url == reverse("home")
    household = Household.objects.get()
    assert (household.parent_name, household.unit, household.time_zone) == (
        "Sam",
        "oz",
        "America/New_York",
    )
    lactation = Lactation.objects.get()
    assert lactation.number == 2
    assert sorted(b.name for b in Baby.objects.filter(lactation=lactation)) == ["Ada", "Ben"]
    assert client.get(reverse("home")).status_code == 200


def test_onboarding_explains_a_future_birth_date(client, db):
    client.post(
        reverse("signup"), {"username": "sam", "password1": PASSWORD, "password2": PASSWORD}
    )
    response = client.post(
        reverse("onboarding"),
        {
            "parent_name": "Sam",
            "baby_name": "Ada",
            "baby_birth_date": "2099-01-01",
            "lactation_number": "1",
            "unit": "ml",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 400
    assert b"cannot be in the future" in response.content
    assert not Household.objects.get().onboarded


def test_signup_is_closed_once_a_household_exists(client, family):
    response = client.get(reverse("signup"))
    assert response.status_code == 403
    assert b"Ask its owner to add you" in response.content


def test_signup_can_be_opened_by_the_self_hoster(client, family, settings):
    settings.OPEN_SIGNUP = True
    assert client.get(reverse("signup")).status_code == 200


def test_login_and_logout(client, family):
    response = client.post(
        reverse("login"), {"username": family.owner.username, "password": PASSWORD}
    )
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_login_attempts_are_rate_limited(client, family):
    for _ in range(4):
        response = client.post(
            reverse("login"), {"username": family.owner.username, "password": "wrong"}
        )
        assert response.status_code == 200
    fifth = client.post(reverse("login"), {"username": family.owner.username, "password": "x"})
    assert fifth.status_code == 429
    # Even the right password is refused while locked.
    locked = client.post(
        reverse("login"), {"username": family.owner.username, "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert b"Too many login attempts" in locked.content


def test_password_change(owner_client, family):
    response = owner_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    family.owner.refresh_from_db()
    assert family.owner.check_password("a new long passphrase 42")


def test_owner_adds_a_caregiver_who_sees_the_same_household(owner_client, family, client):
    response = owner_client.post(
        reverse("household_settings"),
        {
            "action": "member",
            "username": "partner",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": "caregiver",
        },
    )
    assert response.status_code == 302
    partner = User.objects.get(username="partner")
    assert partner.household == family.household and partner.role == "caregiver"


def test_a_new_baby_starts_the_next_lactation(owner_client, family):
    owner_client.post(
        reverse("household_settings"),
        {"action": "baby", "baby_name": "Cleo", "baby_birth_date": "2026-11-20"},
    )
    assert family.household.current_lactation().number == 2


def test_settings_reject_an_unknown_time_zone(owner_client, family):
    response = owner_client.post(
        reverse("household_settings"),
        {"action": "settings", "parent_name": "A", "unit": "ml", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 400
    family.household.refresh_from_db()
    assert family.household.time_zone == "Europe/London"


@pytest.mark.parametrize("name", ["household_settings", "password_change"])
def test_account_pages_need_login(name, client, db):
    assert client.get(reverse(name)).status_code == 302


def test_settings_show_only_her_household(owner_client, stranger_family):
    page = owner_client.get(reverse("household_settings"))
    assert stranger_family.owner.username.encode() not in page.content


def test_stranger_in_settings_sees_own_members(stranger_client, family):
    UserFactory(household=family.household, username="secret-partner")
    page = stranger_client.get(reverse("household_settings"))
    assert b"secret-partner" not in page.content


def test_a_caregiver_cannot_change_the_household_or_add_members(member_client, family):
    page = member_client.get(reverse("household_settings"))
    assert page.status_code == 200 and b"change the household" in page.content
    assert b'name="action" value="member"' not in page.content
    response = member_client.post(
        reverse("household_settings"),
        {"action": "member", "username": "x", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()
    member_client.post(
        reverse("household_settings"),
        {"action": "settings", "parent_name": "Hacked", "unit": "oz", "time_zone": "UTC"},
    )
    family.household.refresh_from_db()
    assert family.household.parent_name != "Hacked"


def test_onboarding_works_on_a_leap_day(client, db):
    import time_machine

    with time_machine.travel("2028-02-29 12:00Z"):
        client.post(
            reverse("signup"), {"username": "leap", "password1": PASSWORD, "password2": PASSWORD}
        )
        response = client.post(
            reverse("onboarding"),
            {
                "parent_name": "Lee",
                "baby_name": "Ada",
                "baby_birth_date": "2028-02-20",
                "lactation_number": "1",
                "unit": "ml",
                "time_zone": "UTC",
            },
        )
    assert response.status_code == 302
