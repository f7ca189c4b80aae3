"""Shows every time in the household's own time zone."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


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
