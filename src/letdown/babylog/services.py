"""Writes of nappies and weighings: each one transaction opened by `changing`."""

from __future__ import annotations

from django.db import models

from letdown.accounts.models import Household
from letdown.accounts.services import changing

from .models import Nappy, Weighing


def save_nappy(*, household: Household, nappy: Nappy) -> Nappy:
    """A new nappy, or her change to one (a dirty nappy that was wet too, its colour)."""
    assert nappy.household_id == household.pk and nappy.baby.household_id == household.pk
    if not nappy.dirty:
        nappy.stool_colour = ""
    with changing(household):
        nappy.save()
    return nappy


def save_weighing(*, household: Household, weighing: Weighing) -> Weighing:
    assert weighing.household_id == household.pk and weighing.baby.household_id == household.pk
    with changing(household):
        weighing.save()
    return weighing


def delete_entry(*, household: Household, entry: models.Model) -> None:
    assert isinstance(entry, Nappy | Weighing) and entry.household_id == household.pk
    with changing(household):
        entry.delete()
