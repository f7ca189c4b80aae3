"""Every write to family data bumps the household's data version in its own transaction,
the admin's included: cached pages and a second phone rely on it."""

from __future__ import annotations

from django.contrib.admin.sites import site
from django.test import RequestFactory

from letdown.accounts.models import Baby, Household
from letdown.accounts.services import changing

from ..factories import UserFactory


def _version(household: Household) -> int:
    return Household.objects.get(pk=household.pk).data_version


def test_an_admin_edit_of_a_baby_bumps_the_version(family):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    baby = Baby.objects.get(household=family.household)
    before = _version(family.household)
    baby.name = "Robin"
    site._registry[Baby].save_model(request, baby, form=None, change=True)
    assert _version(family.household) == before + 1


def test_an_admin_edit_of_the_household_never_writes_an_old_version_back(family):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    stale = Household.objects.get(pk=family.household.pk)
    with changing(family.household):  # her phone writes meanwhile
        pass
    current = _version(family.household)
    stale.parent_name = "Sam"
    site._registry[Household].save_model(request, stale, form=None, change=True)
    assert _version(family.household) == current + 1
    assert Household.objects.get(pk=family.household.pk).parent_name == "Sam"


def test_a_refused_write_leaves_the_version_as_it_was(family):
    before = _version(family.household)
    try:
        with changing(family.household):
            raise ValueError("refused")
    except ValueError:
        pass
    assert _version(family.household) == before
