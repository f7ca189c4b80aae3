"""Who may see what: every view that shows family data goes through `household_view`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import Household

V = TypeVar("V", bound=Callable[..., HttpResponse])


def household_of(request: HttpRequest) -> Household:
    household = getattr(request.user, "household", None)
    assert household is not None, "household_view guarantees a household"
    return household


def household_view(view: V) -> V:
    """Logged in, with a household that finished onboarding; otherwise sent where they can
    get one. Views then scope every query with `household_of(request)`."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        household = getattr(request.user, "household", None)
        if household is None or not household.onboarded:
            return redirect("onboarding")
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
