"""Dates, times and numbers by her locale and clock, through the one formatter."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone, translation

from letdown.accounts.models import User
from letdown.core import l10n
from tests.conftest import Family

MOMENT = dt.datetime(2026, 10, 18, 13, 5, tzinfo=dt.UTC)  # 14:05 in London, 09:05 in New York


def _in(language: str, time_zone: str, clock: str = "", moment: dt.datetime = MOMENT) -> str:
    """The moment as a household in `time_zone` reads it."""
    locale = l10n.locale_for(language, time_zone=time_zone)
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        l10n.activate(l10n.Formats(locale, l10n.as_clock(clock, locale)))
        try:
            return l10n.format_datetime(moment).replace("\u00a0", " ")
        finally:
            l10n.deactivate()


def test_a_uk_household_reads_day_month_year_and_24_hours() -> None:
    assert _in("en", "Europe/London") == "18 Oct 2026, 14:05"


def test_a_us_household_reads_month_day_year_and_12_hours() -> None:
    two_pm_in_new_york = dt.datetime(2026, 10, 18, 18, 5, tzinfo=dt.UTC)
    assert _in("en", "America/New_York", moment=two_pm_in_new_york) == "Oct 18, 2026, 2:05 PM"
    assert _in("en", "America/New_York") == "Oct 18, 2026, 9:05 AM"
    assert _in("en", "America/Los_Angeles").endswith("6:05 AM")


def test_her_clock_overrides_the_locale() -> None:
    assert _in("en", "Europe/London", clock="12") == "18 Oct 2026, 2:05 pm"
    assert _in("en", "America/New_York", clock="24") == "Oct 18, 2026, 09:05"


def test_german_and_spanish_households() -> None:
    assert _in("de", "Europe/Berlin") == "18. Okt. 2026, 15:05"
    assert _in("es", "Europe/Madrid") == "18 oct 2026, 15:05"


def test_a_zone_without_a_region_takes_the_browsers_or_the_usual_one() -> None:
    assert l10n.locale_for("en", time_zone="UTC", browser_region="GB") == "en_GB"
    assert l10n.locale_for("en", time_zone="UTC") == "en_US"
    assert l10n.locale_for("de", time_zone="Europe/Vienna") == "de_AT"
    # A pair CLDR lacks falls through to the next choice.
    assert l10n.locale_for("de", time_zone="America/Chicago") == "de_DE"


def test_numbers_and_first_day_of_week_by_locale() -> None:
    for locale, number, first in (("de_DE", "1.234,5", 0), ("en_US", "1,234.5", 6)):
        l10n.activate(l10n.Formats(locale, "24"))
        try:
            with translation.override(locale[:2]):
                assert l10n.format_number(1234.5, 1) == number
                assert l10n.first_weekday() == first
        finally:
            l10n.deactivate()


def test_the_browser_region_is_read_from_accept_language() -> None:
    assert l10n.browser_region("en-GB,en;q=0.9", "en") == "GB"
    assert l10n.browser_region("de-AT, en", "en") == ""


@pytest.mark.django_db
def test_settings_shows_a_members_last_visit_as_her_household_writes_it(family: Family) -> None:
    family.household.time_zone = "America/New_York"
    family.household.save()
    User.objects.filter(pk=family.member.pk).update(last_seen_at=MOMENT)
    client = Client()
    client.force_login(family.owner, backend="letdown.accounts.backends.HouseholdModelBackend")
    page = client.get("/account/household/").content.decode().replace("\u00a0", " ")
    assert "Oct 18, 2026, 9:05 AM" in page
    family.owner.clock = "24"
    family.owner.save()
    page = client.get("/account/household/").content.decode()
    assert "Oct 18, 2026, 09:05" in page


def test_volumes_and_weights_take_her_decimal_mark() -> None:
    from letdown.core.units import format_change, format_volume, format_weight

    with l10n.override(l10n.Formats("de_DE", "24")), translation.override("de"):
        assert format_volume(103.5, "oz") == "3,5 oz"
        assert format_weight(3450, "oz") == "7 lb 9,7 oz"
        assert format_change(14.2, "oz") == "+0,5 oz"
    with l10n.override(l10n.Formats("en_US", "12")), translation.override("en"):
        assert format_volume(103.5, "oz") == "3.5 oz"
        assert format_volume(88.7, "oz") == "3 oz"
        assert format_volume(120, "ml") == "120 mL"
        assert format_change(-14.2, "oz") == "-0.5 oz"
