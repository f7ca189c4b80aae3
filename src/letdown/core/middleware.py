"""Headers every response carries: a strict Content-Security-Policy, a Permissions-Policy that
allows only what the app uses, and `Cache-Control: private, no-store` on anything sent to a
logged-in member, so family pages do not come back from a shared phone's cache (or its back
button) after logout."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = settings.CONTENT_SECURITY_POLICY
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        user = getattr(request, "user", None)
        # Every page a member sees shows the family's data (her name in the menu, at least);
        # a login page or a public article for a visitor may stay cacheable.
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
