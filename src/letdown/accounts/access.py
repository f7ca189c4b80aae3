"""Who may see what: every view that shows family data goes through `household_view`, which
asks `policy` whether the one asking may do what the request's method means."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, overload

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

from . import policy
from .models import Household

V = TypeVar("V", bound=Callable[..., HttpResponse])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def household_of(request: HttpRequest) -> Household:
    household: Household | None = getattr(request.user, "household", None)
    assert household is not None, "household_view guarantees a household"
    return household


@overload
def household_view(view: V) -> V: ...
@overload
def household_view(
    *, read: str | None = policy.Action.READ, write: str | None = None
) -> Callable[[V], V]: ...
def household_view(
    view: V | None = None,
    *,
    read: str | None = policy.Action.READ,
    write: str | None = None,
) -> V | Callable[[V], V]:
    """Logged in, with a household that finished onboarding (otherwise sent where they can
    get one), and allowed by `policy`: `read` for GET and HEAD, `write` for anything else.
    No `write` answers every POST with 405: a view that writes must say which action it is.
    Views then scope every query with `household_of(request)` and ask `policy.require` about
    an object."""

    def decorate(view: V) -> V:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            household = getattr(request.user, "household", None)
            if household is None or not household.onboarded:
                return redirect("onboarding")
            action = read if request.method in SAFE_METHODS else write
            if action is None:
                # A view that names no write action takes no write: nothing to ask the policy.
                allowed = ["GET", "HEAD"] if read is not None else []
                return HttpResponseNotAllowed(allowed)
            policy.require(request, action)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate(view) if view is not None else decorate
