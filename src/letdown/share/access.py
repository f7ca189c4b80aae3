"""The gate of a share link: the token in the URL is the only key. It resolves to one
household, read only: anything but GET or HEAD is refused (405), a revoked or expired token
or a part the share does not show answers 404, and every answer says not to store or index
it (and not to pass the token on as a referrer)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from letdown.accounts import policy
from letdown.accounts.policy import Action

from . import selectors, services
from .models import Share

ShareView = Callable[..., HttpResponse]


def _read_only_headers(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def share_view(part: str | None) -> Callable[[ShareView], Callable[..., HttpResponse]]:
    """`part` is "report", "history" or "insights" (what the share must show), or None."""

    def decorate(view: ShareView) -> Callable[..., HttpResponse]:
        # Exempt from CSRF so that a POST gets this gate's 405, never reaching a form.
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
            now = timezone.now()
            share: Share | None = selectors.open_share(token, now)
            if share is None:
                raise Http404
            if request.method not in ("GET", "HEAD"):
                return _read_only_headers(HttpResponseNotAllowed(["GET", "HEAD"]))
            # The link reads as the specialist role: never more than that role allows.
            if not policy.can(policy.Specialist(household_id=share.household_id), Action.READ):
                raise Http404
            if part is not None and not getattr(share, f"shows_{part}"):
                raise Http404
            services.record_visit(share=share, now=now)
            timezone.activate(share.household.tz)
            return _read_only_headers(view(request, share, token, *args, **kwargs))

        return wrapper

    return decorate
