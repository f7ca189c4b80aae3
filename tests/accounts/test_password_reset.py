"""Forgotten password: by email when LETDOWN_EMAIL_URL is set (Django's in-memory outbox, and
once through a real SMTP server on this machine); otherwise the page says to ask the owner."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import subprocess
import sys
import threading
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letdown.accounts import reset, throttle
from letdown.email_url import parse_email_url

from ..factories import UserFactory
from ..mail import Sink, free_port

URL = "/account/password/reset/"
NEW = "a-new-long-password-7"


@pytest.fixture
def mail_on(settings: Any) -> None:
    settings.EMAIL_URL = "smtp://mail.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _sent() -> list[mail.EmailMessage]:
    """The outbox once every reset email on its way has gone (they leave after the answer)."""
    for thread in threading.enumerate():
        if thread.name == reset.SENDING:
            thread.join(timeout=10)
    return mail.outbox


def _link(body: str) -> str:
    [link] = re.findall(r"http://testserver(/account/password/reset/\S+/)", body)
    return link


def _choose(link: str, password: str) -> int:
    client = Client()
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    return done.status_code


def _logs_in(username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


@pytest.mark.django_db
def test_without_email_the_page_says_to_ask_the_owner(settings: Any, client: Client) -> None:
    settings.EMAIL_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    UserFactory(email="sam@example.org")
    page = client.get(URL)
    assert page.status_code == 200
    assert "Ask the household" in page.content.decode()
    client.post(URL, {"email": "sam@example.org"})
    assert _sent() == []


@pytest.mark.django_db
def test_the_login_page_links_to_the_reset(client: Client) -> None:
    assert URL in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_a_reset_by_email_sets_a_new_password_once(mail_on: None, client: Client) -> None:
    user = UserFactory(email="Sam@Example.org")
    page = client.get(URL)
    assert 'name="email"' in page.content.decode()
    response = client.post(URL, {"email": "sam@example.org"})
    assert response.status_code == 302 and response["Location"] == "/account/password/reset/sent/"
    [message] = _sent()
    assert message.to == ["Sam@Example.org"]
    assert "choose a new password" in message.subject
    assert user.username in message.body and "24 hours" in message.body
    link = _link(message.body)
    assert _choose(link, NEW) == 302
    assert _logs_in(user.username, NEW)
    again = Client().get(link, follow=True).content.decode()
    assert "This link no longer works" in again


@pytest.mark.django_db
def test_an_unknown_address_looks_the_same_and_sends_nothing(mail_on: None, client: Client) -> None:
    UserFactory(email="sam@example.org")
    response = client.post(URL, {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == "/account/password/reset/sent/"
    assert _sent() == []


@pytest.mark.django_db
def test_a_deactivated_member_gets_no_reset_email(mail_on: None, client: Client) -> None:
    UserFactory(email="gone@example.org", is_active=False)
    client.post(URL, {"email": "gone@example.org"})
    assert _sent() == []


@pytest.mark.django_db
def test_the_reset_email_goes_through_a_real_smtp_server(
    settings: Any, smtp_sink: tuple[Sink, int], client: Client
) -> None:
    sink, port = smtp_sink
    url = f"smtp://127.0.0.1:{port}?from=letdown@example.org&timeout=5"
    settings.EMAIL_URL = url
    for name, value in parse_email_url(url).as_django_settings().items():
        setattr(settings, name, value)
    user = UserFactory(email="sam@example.org")
    assert client.post(URL, {"email": "sam@example.org"}).status_code == 302
    _sent()
    [(sender, recipients, content)] = sink.messages
    assert sender == "letdown@example.org" and recipients == ["sam@example.org"]
    message = email.message_from_string(content, policy=email.policy.default)
    assert message["Subject"].strip() == "letdown: choose a new password"
    link = _link(message.get_content())
    assert _choose(link, NEW) == 302
    assert _logs_in(user.username, NEW)


class _SlowServer(Sink):
    """A mail server that holds each message until it is let go."""

    def __init__(self) -> None:
        super().__init__()
        self.let_go = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        while not self.let_go.is_set():
            await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.django_db
def test_the_answer_does_not_wait_for_the_mail_server(settings: Any, client: Client) -> None:
    # Were it to wait, a known address would be answered later than an unknown one.
    slow = _SlowServer()
    port = free_port()
    controller = Controller(slow, hostname="127.0.0.1", port=port)
    controller.start()
    let_go_anyway = threading.Timer(3, slow.let_go.set)  # a form that waits: not forever
    let_go_anyway.start()
    try:
        url = f"smtp://127.0.0.1:{port}?from=letdown@example.org&timeout=20"
        settings.EMAIL_URL = url
        for name, value in parse_email_url(url).as_django_settings().items():
            setattr(settings, name, value)
        UserFactory(email="sam@example.org")
        assert client.post(URL, {"email": "sam@example.org"}).status_code == 302
        answered_before_sent = not slow.let_go.is_set() and slow.messages == []
        slow.let_go.set()
        _sent()
        assert answered_before_sent
        assert [recipients for _sender, recipients, _content in slow.messages] == [
            ["sam@example.org"]
        ]
    finally:
        let_go_anyway.cancel()
        slow.let_go.set()
        controller.stop()


def test_a_console_email_url_prints_mail() -> None:
    settings = parse_email_url("console:").as_django_settings()
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["DEFAULT_FROM_EMAIL"] == "letdown@localhost"
    with_from = parse_email_url("console:?from=me@example.org").as_django_settings()
    assert with_from["DEFAULT_FROM_EMAIL"] == "me@example.org"
    with pytest.raises(ValueError, match="unknown parameter"):
        parse_email_url("console:?timeout=3")


def test_settings_read_a_console_email_url(tmp_path: Any) -> None:
    code = "from letdown import settings as s; print(s.EMAIL_BACKEND, s.PASSWORD_RESET_TIMEOUT)"
    env = {**os.environ, "LETDOWN_DATA_DIR": str(tmp_path), "LETDOWN_EMAIL_URL": "console:"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["django.core.mail.backends.console.EmailBackend", "86400"]


def _ask(address: str, client_ip: str = "203.0.113.5") -> tuple[int, str]:
    response = Client(REMOTE_ADDR=client_ip).post(URL, {"email": address})
    return response.status_code, response.get("Location", "")


@pytest.mark.django_db
def test_one_address_gets_three_emails_an_hour_and_the_answer_never_tells(
    mail_on: None,
) -> None:
    UserFactory(email="sam@example.org")
    sent = (302, "/account/password/reset/sent/")
    # From different clients, so only the address's own limit is met.
    known = [_ask("sam@example.org", f"203.0.113.{i}") for i in range(5)]
    unknown = [_ask("nobody@example.org", f"198.51.100.{i}") for i in range(5)]
    assert known == unknown == [sent] * 5
    assert [m.to for m in _sent()] == [["sam@example.org"]] * throttle.RESET_PER_ADDRESS
    # However it is typed, it is the same address.
    _ask("SAM@example.org ", "192.0.2.1")
    assert len(_sent()) == throttle.RESET_PER_ADDRESS


@pytest.mark.django_db
def test_one_client_is_refused_after_ten_requests_an_hour(mail_on: None) -> None:
    for i in range(throttle.RESET_PER_CLIENT):
        UserFactory(email=f"member{i}@example.org")
        assert _ask(f"member{i}@example.org") == (302, "/account/password/reset/sent/")
    UserFactory(email="sam@example.org")
    refused = Client(REMOTE_ADDR="203.0.113.5").post(URL, {"email": "sam@example.org"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "Too many reset requests" in refused.content.decode()
    assert len(_sent()) == throttle.RESET_PER_CLIENT
    # Another client is not held back by this one.
    assert _ask("sam@example.org", "198.51.100.7")[0] == 302
    assert _sent()[-1].to == ["sam@example.org"]


@pytest.mark.django_db
def test_the_limit_is_per_hour() -> None:
    now = timezone.now()
    later = now + timedelta(seconds=throttle.RESET_WINDOW_S)
    taken = [throttle.take("t", "a@example.org", limit=2, window_s=3600, now=now) for _ in range(3)]
    assert taken == [True, True, False]
    assert throttle.take("t", "b@example.org", limit=2, window_s=3600, now=now)
    assert throttle.take("t", "a@example.org", limit=2, window_s=3600, now=later)


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_instant_never_send_more_than_the_limit(mail_on: None) -> None:
    UserFactory(email="sam@example.org")
    statuses: list[int] = []
    errors: list[BaseException] = []

    def ask(i: int) -> None:
        try:
            statuses.append(_ask("sam@example.org", f"203.0.113.{i}")[0])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [302] * 8
    assert len(_sent()) == throttle.RESET_PER_ADDRESS
