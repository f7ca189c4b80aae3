"""Forgotten password: Django's own reset by email when the server sends mail
(LETDOWN_EMAIL_URL); without it, the page says to ask the household's owner, who can make a
one-time link in Settings.

Requests are limited (`throttle`): past a few an hour from one client the form answers 429;
past a few emails an hour to one address, nothing more is sent but the answer is the same
"sent" page, so the form never tells whether an address has an account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from letdown.core.client import client_address

from . import throttle


class PasswordResetView(auth_views.PasswordResetView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.EMAIL_URL:
            return render(request, "registration/password_reset_no_email.html")
        if request.method == "POST":
            client = client_address(request)
            if client is not None and not throttle.take(
                "reset-client",
                client,
                limit=throttle.RESET_PER_CLIENT,
                window_s=throttle.RESET_WINDOW_S,
                now=timezone.now(),
            ):
                busy = render(request, "registration/password_reset_busy.html", status=429)
                busy["Retry-After"] = str(throttle.RESET_WINDOW_S)
                return busy
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # Counted for any address typed, one with an account or not: the same answer either way.
        if throttle.take(
            "reset-address",
            form.cleaned_data["email"],
            limit=throttle.RESET_PER_ADDRESS,
            window_s=throttle.RESET_WINDOW_S,
            now=timezone.now(),
        ):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())
