"""Shows every time in the household's own time zone; notes when each member was last active."""

from collections.abc import Callable
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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
