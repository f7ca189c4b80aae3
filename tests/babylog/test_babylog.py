"""Nappies and weights: one tap from home, her unit, history, and nobody else's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from letdown.accounts.models import Baby, Unit
from letdown.babylog.models import Nappy, StoolColour, Weighing
from letdown.babylog.ranges import nappy_range
from letdown.babylog.services import save_nappy, save_weighing
from letdown.core.units import format_weight

from ..factories import BabyFactory


def _baby(family) -> Baby:
    return Baby.objects.get(household=family.household)


def test_home_shows_one_tap_nappy_buttons_for_each_twin(owner_client, family):
    BabyFactory(lactation=family.lactation, name="Kit")
    page = owner_client.get(reverse("home")).content.decode()
    assert page.count('name="kind" value="dirty"') == 2
    assert "Kit" in page


def test_one_tap_dirty_nappy_then_its_colour(owner_client, family):
    baby = _baby(family)
    version = family.household.data_version
    response = owner_client.post(reverse("nappy_quick"), {"baby": baby.pk, "kind": "dirty"})
    nappy = Nappy.objects.get(household=family.household)
    assert response.status_code == 302 and response["Location"] == reverse(
        "nappy_edit", args=[nappy.pk]
    )
    assert nappy.dirty and not nappy.wet
    family.household.refresh_from_db()
    assert family.household.data_version > version
    at = timezone.localtime(nappy.at).strftime("%Y-%m-%dT%H:%M")
    owner_client.post(
        reverse("nappy_edit", args=[nappy.pk]),
        {"at": at, "dirty": "on", "wet": "on", "stool_colour": "yellow"},
    )
    nappy.refresh_from_db()
    assert nappy.wet and nappy.stool_colour == StoolColour.YELLOW
    history = owner_client.get(reverse("history")).content.decode()
    assert "Robin: Nappy · wet + dirty (Yellow)" in history


def test_a_nappy_neither_wet_nor_dirty_is_refused_with_a_message(owner_client, family):
    nappy = save_nappy(
        household=family.household,
        nappy=Nappy(household=family.household, baby=_baby(family), at=timezone.now(), wet=True),
    )
    at = timezone.localtime(nappy.at).strftime("%Y-%m-%dT%H:%M")
    response = owner_client.post(reverse("nappy_edit", args=[nappy.pk]), {"at": at})
    assert response.status_code == 400
    assert "Tick wet, dirty or both." in response.content.decode()


def test_bad_quick_nappy_is_a_400(owner_client, family):
    response = owner_client.post(reverse("nappy_quick"), {"baby": "x", "kind": "wet"})
    assert response.status_code == 400


def test_weighed_feed_in_ounces_is_kept_to_a_tenth(owner_client, family):
    family.household.unit = Unit.OZ
    family.household.save()
    baby = _baby(family)
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = owner_client.post(
        reverse("weighing_new"),
        {"baby": baby.pk, "at": at, "weight": "141.1", "after_feed": "143.4"},
    )
    assert response.status_code == 302
    weighing = Weighing.objects.get(household=family.household)
    assert weighing.intake_g == pytest.approx(2.3 * 28.349523125)
    assert format_weight(weighing.weight_g, Unit.OZ) == "8 lb 13.1 oz"
    page = owner_client.get(reverse("weighing_edit", args=[weighing.pk])).content.decode()
    assert 'value="141.1"' in page and 'value="143.4"' in page
    assert "Weighed feed · took +2.3 oz" in owner_client.get(reverse("history")).content.decode()


def test_weight_after_a_feed_below_the_weight_before_is_refused(owner_client, family):
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = owner_client.post(
        reverse("weighing_new"),
        {"baby": _baby(family).pk, "at": at, "weight": "4012", "after_feed": "3990"},
    )
    assert response.status_code == 400
    assert "less than the weight before the feed" in response.content.decode()
    assert not Weighing.objects.exists()


def test_a_weight_out_of_range_is_refused(owner_client, family):
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = owner_client.post(
        reverse("weighing_new"), {"baby": _baby(family).pk, "at": at, "weight": "40"}
    )
    assert response.status_code == 400
    assert "Enter a weight between 300 and 30000 g." in response.content.decode()


def test_usual_nappy_ranges_by_day_of_life():
    assert (nappy_range(1).wet_at_least, nappy_range(1).dirty_at_least) == (1, 1)
    assert (nappy_range(4).wet_at_least, nappy_range(4).dirty_at_least) == (3, 2)
    assert (nappy_range(6).wet_at_least, nappy_range(6).dirty_at_least) == (5, 2)
    assert (nappy_range(20).wet_at_least, nappy_range(20).dirty_at_least) == (6, 2)
    assert nappy_range(60).dirty_at_least is None
    assert nappy_range(-1) is None


@pytest.fixture
def their_rows(stranger_family):
    baby = Baby.objects.get(household=stranger_family.household)
    household = stranger_family.household
    nappy = save_nappy(
        household=household,
        nappy=Nappy(household=household, baby=baby, at=timezone.now(), wet=True),
    )
    weighing = save_weighing(
        household=household,
        weighing=Weighing(
            household=household, baby=baby, at=timezone.now() - timedelta(hours=1), weight_g=4000
        ),
    )
    return baby, nappy, weighing


def test_stranger_gets_404_for_nappies_weights_and_babies(owner_client, their_rows):
    baby, nappy, weighing = their_rows
    assert owner_client.get(reverse("nappy_edit", args=[nappy.pk])).status_code == 404
    assert owner_client.get(reverse("weighing_edit", args=[weighing.pk])).status_code == 404
    for what, pk in (("nappy", nappy.pk), ("weighing", weighing.pk)):
        assert owner_client.post(reverse("babylog_delete", args=[what, pk])).status_code == 404
    response = owner_client.post(reverse("nappy_quick"), {"baby": baby.pk, "kind": "wet"})
    assert response.status_code == 404
    assert Nappy.objects.count() == 1 and Weighing.objects.count() == 1


def test_delete_a_nappy(owner_client, family):
    nappy = save_nappy(
        household=family.household,
        nappy=Nappy(household=family.household, baby=_baby(family), at=timezone.now(), wet=True),
    )
    assert owner_client.post(reverse("babylog_delete", args=["nappy", nappy.pk])).status_code == 302
    assert not Nappy.objects.exists()
