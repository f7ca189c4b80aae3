"""Forgotten password: Django's own reset by email when the server sends mail
(LETDOWN_EMAIL_URL); without it, the page says to ask the household's owner, who can make a
one-time link in Settings.

Requests are limited (`throttle`): past a few an hour from one client the form answers 429;
past a few emails an hour to one address, nothing more is sent but the answer is the same
"sent" page, so the form never tells whether an address has an account. Nor does its timing:
the email goes out after the answer (`ResetForm`), so an address with an account is not
answered later, by the mail server's round trip, than one without."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.utils import timezone

from letdown.core.client import client_address

from . import throttle

log = logging.getLogger(__name__)

# The threads that send reset emails are named so (tests wait for them).
SENDING = "letdown-reset-email"


def _send(message: EmailMessage, member_pk: int) -> None:
    try:
        message.send()
    except Exception:  # a mail server that refuses or is down: the answer went already
        log.exception("could not send the password reset email to member %s", member_pk)


class ResetForm(PasswordResetForm):
    """Django's reset form, with the email written in the request (her language) and sent
    from a thread of its own once the answer is on its way."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        assert html_email_template_name is None, "letdown's reset email is plain text"
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMessage(subject, body, from_email, [to_email])
        threading.Thread(
            target=_send, args=(message, context["user"].pk), name=SENDING, daemon=True
        ).start()


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm

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
