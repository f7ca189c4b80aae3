"""The login page: Django's own, with the per-account soft throttle of `throttle` around it
(axes' per-address lockout acts inside authenticate())."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.forms import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext

from . import throttle
from .views import signup_open


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # "Create an account" only where sign-up is open; elsewhere it led to a refusal.
        return {**super().get_context_data(**kwargs), "signup_open": signup_open()}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        wait = throttle.wait_s(username=username, now=timezone.now())
        if wait and not throttle.known_device(request, username=username):
            # Refused before the password is looked at: waiting is the only way to guess on.
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                ValidationError(
                    ngettext(
                        "There were many failed attempts to log in to this account. Please "
                        "wait %(s)d second and try again.",
                        "There were many failed attempts to log in to this account. Please "
                        "wait %(s)d seconds and try again.",
                        wait,
                    )
                    % {"s": wait},
                    code="throttled",
                ),
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if form.has_error("__all__", "invalid_login"):
            throttle.record_failure(username=form.data.get("username", ""), now=timezone.now())
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        username = form.get_user().get_username()
        throttle.forget_failures(username=username)
        throttle.remember_device(self.request, response, username=username)
        return response
