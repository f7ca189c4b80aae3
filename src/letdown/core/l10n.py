"""Dates, times and numbers written the way her locale writes them: the one formatter every
page, the report and the charts go through. The patterns are CLDR's (through Babel), so "18 Oct
2026, 14:05" in a UK household and "Oct 18, 2026, 2:05 PM" in a US one come from the same call.

Her locale is her language plus a region: the region of her household's time zone
(Europe/London is GB), or else the region her browser names (en-GB), or else the language's
usual one. Her clock (12 or 24 hours) is her own choice, by default the locale's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from asgiref.local import Local
from babel import Locale, UnknownLocaleError, localedata
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.core import get_global
from django.utils import timezone, translation

Clock = Literal["12", "24"]
DateStyle = Literal[
    "medium", "long", "weekday", "weekday_long", "weekday_year", "day_month", "month_year"
]

# Each language named in itself (never translated), so someone who reads none of the others
# finds hers in the switch.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "de": "Deutsch"}

# Where the time zone names no region, or the locale does not exist for it.
_USUAL_REGION = {"en": "US", "es": "ES", "de": "DE"}

# CLDR skeletons: which fields, in the order and punctuation the locale gives them.
_DATE_SKELETONS: dict[str, str] = {
    "medium": "yMMMd",  # 18 Oct 2026 · Oct 18, 2026 · 18 oct 2026 · 18.10.2026
    "long": "yMMMMd",  # 18 October 2026
    "weekday": "MMMEd",  # Sun 18 Oct
    "weekday_long": "MMMMEEEEd",  # Sunday 18 October
    "day_month": "MMMd",  # 18 Oct
    "month_year": "yMMM",  # Oct 2026
    "weekday_year": "yMMMEd",  # Sun 18 Oct 2026
}


@dataclass(frozen=True)
class Formats:
    """What decides how a moment or a number is written for this request."""

    locale: str  # a Babel locale id: en_GB, en_US, es_ES, de_AT
    clock: Clock

    @property
    def key(self) -> str:
        """For cache keys: a page kept for one format must not be served in another."""
        return f"{self.locale}:{self.clock}"


_state = Local()


def region_of_time_zone(name: str) -> str | None:
    """GB for Europe/London, US for America/Chicago; None for UTC and the like."""
    region = get_global("zone_territories").get(name)
    return str(region) if region and region != "001" else None


def locale_for(language: str, *, time_zone: str = "", browser_region: str = "") -> str:
    """The Babel locale id for a language, taking the region from the household's time zone,
    then from the browser, then the language's usual one; a pair CLDR lacks is skipped."""
    language = language.split("-")[0].lower() or "en"
    for region in (
        region_of_time_zone(time_zone),
        browser_region.upper(),
        _USUAL_REGION.get(language),
    ):
        if region and localedata.exists(f"{language}_{region}"):
            return f"{language}_{region}"
    return language if localedata.exists(language) else "en_US"


def browser_region(accept_language: str, language: str) -> str:
    """The region of the first Accept-Language entry in `language` (en-GB → GB), or ''."""
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().replace("_", "-")
        pieces = tag.split("-")
        if len(pieces) >= 2 and pieces[0].lower() == language and len(pieces[-1]) == 2:
            return pieces[-1].upper()
    return ""


def as_clock(value: str, locale: str) -> Clock:
    """Her chosen clock, or the locale's when she has not chosen."""
    if value == "12":
        return "12"
    if value == "24":
        return "24"
    return locale_clock(locale)


def locale_clock(locale: str) -> Clock:
    """The clock the locale uses when she has not chosen: 12 when its short time has AM/PM."""
    pattern = Locale.parse(locale).time_formats["short"].pattern
    return "12" if "a" in pattern or "h" in pattern else "24"


def activate(formats: Formats) -> None:
    _state.formats = formats


def deactivate() -> None:
    if hasattr(_state, "formats"):
        del _state.formats


@contextmanager
def override(formats: Formats) -> Iterator[None]:
    """These formats for a block (a test, an email to a member), then the ones before."""
    before: Formats | None = getattr(_state, "formats", None)
    activate(formats)
    try:
        yield
    finally:
        if before is None:
            deactivate()
        else:
            activate(before)


def for_household(language: str, time_zone: str, clock: str = "") -> Formats:
    """The formats a member of a household in `time_zone` reads, in `language`."""
    locale = locale_for(language, time_zone=time_zone)
    return Formats(locale, as_clock(clock, locale))


def current() -> Formats:
    """The request's formats, or the active language's usual ones (a command, an email)."""
    formats: Formats | None = getattr(_state, "formats", None)
    language = translation.get_language() or "en"
    if formats is not None and formats.locale.split("_")[0] == language.split("-")[0]:
        return formats
    if formats is not None:
        # translation.override() to another language (an email in the member's language):
        # keep the region and her clock where the pair exists.
        region = formats.locale.partition("_")[2]
        return Formats(locale_for(language, browser_region=region), formats.clock)
    locale = locale_for(language)
    return Formats(locale, locale_clock(locale))


def _locale() -> Locale:
    try:
        return Locale.parse(current().locale)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_US")


def _local(moment: dt.datetime, tz: dt.tzinfo | None = None) -> dt.datetime:
    """In `tz`, or else the active zone (her household's, in a request)."""
    if not timezone.is_aware(moment):
        return moment
    return moment.astimezone(tz) if tz is not None else timezone.localtime(moment)


def _tidy(text: str) -> str:
    # CLDR puts a narrow no-break space before AM/PM; a plain no-break space keeps "2:05 PM"
    # on one line in every font.
    return text.replace("\u202f", "\u00a0")


def format_date(
    value: dt.date | dt.datetime, style: DateStyle = "medium", *, tz: dt.tzinfo | None = None
) -> str:
    if isinstance(value, dt.datetime):
        value = _local(value, tz).date()
    if style == "long":
        # The locale's own long date: a skeleton's fuzzy match can shorten the month.
        return _tidy(babel_dates.format_date(value, "long", locale=_locale()))
    return _tidy(babel_dates.format_skeleton(_DATE_SKELETONS[style], value, locale=_locale()))


def format_time(
    value: dt.datetime | dt.time, *, seconds: bool = False, tz: dt.tzinfo | None = None
) -> str:
    if isinstance(value, dt.datetime):
        value = _local(value, tz).time()
    hours = "h" if current().clock == "12" else "H"
    skeleton = f"{hours}ms" if seconds else f"{hours}m"
    return _tidy(babel_dates.format_skeleton(skeleton, value, locale=_locale()))


def format_datetime(
    value: dt.datetime, style: DateStyle = "medium", *, tz: dt.tzinfo | None = None
) -> str:
    """'18 Oct 2026, 14:05' in a UK household, 'Oct 18, 2026, 2:05 PM' in a US one."""
    locale = _locale()
    pattern = str(babel_dates.get_datetime_format("medium", locale=locale))
    day, clock = format_date(value, style, tz=tz), format_time(value, tz=tz)
    return _tidy(pattern.replace("{1}", day).replace("{0}", clock))


def format_number(
    value: float, decimals: int = 0, *, trim: bool = False, sign: bool = False
) -> str:
    """1,234.5 or 1.234,5: grouping and decimal mark by locale, `decimals` places (at most,
    with `trim`: 3.5 and 3, as "{:g}" writes them); `sign` writes + before a positive one."""
    places = ("#" if trim else "0") * decimals
    pattern = "#,##0" + ("." + places if decimals else "")
    if sign:
        pattern = f"+{pattern};-{pattern}"
    return babel_numbers.format_decimal(value, format=pattern, locale=_locale())


def first_weekday() -> int:
    """0 for Monday (most of Europe), 6 for Sunday (the US)."""
    return int(_locale().first_week_day)


def weekday_names(width: Literal["abbreviated", "wide"] = "abbreviated") -> list[str]:
    """The week's day names from her first day on."""
    names = _locale().days["format"][width]
    start = first_weekday()
    return [names[(start + i) % 7] for i in range(7)]
