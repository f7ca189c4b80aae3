"""Shows every time in the household's own time zone, in the member's own language and date
formats; notes when each member was last active."""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from letdown.core import l10n

from .models import User


class HouseholdTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        household = getattr(user, "household", None) if user and user.is_authenticated else None
        if household is not None:
            timezone.activate(household.tz)
        else:
            timezone.deactivate()
        return self.get_response(request)


class MemberLanguageMiddleware:
    """After Django's LocaleMiddleware (browser, then the switch's cookie): a member's own
    language from Settings wins. Then the date and number formats for her language, her
    household's region and her clock (core/l10n.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        member = user if user is not None and user.is_authenticated else None
        chosen = getattr(member, "language", "")
        if chosen and chosen in dict(settings.LANGUAGES):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        language = translation.get_language() or settings.LANGUAGE_CODE
        household = getattr(member, "household", None)
        locale = l10n.locale_for(
            language,
            time_zone=household.time_zone if household is not None else "",
            browser_region=l10n.browser_region(
                request.headers.get("Accept-Language", ""), language
            ),
        )
        l10n.activate(l10n.Formats(locale, l10n.as_clock(getattr(member, "clock", ""), locale)))
        try:
            return self.get_response(request)
        finally:
            l10n.deactivate()


# At most one write per member per this long: Settings shows "last active" to the hour.
LAST_SEEN_EVERY = timedelta(hours=1)


class LastSeenMiddleware:
    """Stamps a member's last activity, at most once an hour, so a page costs no write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            seen = user.last_seen_at
            if seen is None or now - seen >= LAST_SEEN_EVERY:
                User.objects.filter(pk=user.pk).update(last_seen_at=now)
                user.last_seen_at = now
        return self.get_response(request)
