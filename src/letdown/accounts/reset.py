"""Forgotten password: Django's own reset by email when the server sends mail
(LETDOWN_EMAIL_URL); without it, the page says to ask the household's owner, who can make a
one-time link in Settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render


class PasswordResetView(auth_views.PasswordResetView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.EMAIL_URL:
            return render(request, "registration/password_reset_no_email.html")
        return super().dispatch(request, *args, **kwargs)
