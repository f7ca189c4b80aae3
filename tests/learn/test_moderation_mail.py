"""Moderators hear about new comments: an email when LETDOWN_EMAIL_URL is set (checked with
Django's in-memory outbox and against a real SMTP server on this machine), and a count on the
admin index either way."""

from __future__ import annotations

import email
import email.policy
import logging
import os
import subprocess
import sys
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from letdown.accounts.models import User
from letdown.email_url import parse_email_url
from letdown.learn.models import Comment, CommentStatus

from ..factories import UserFactory
from ..mail import Sink, free_port

URL = "/learn/leaks/"
COMMENTER_EMAIL = "robin.private@example.org"


def _data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Robin",
        "email": COMMENTER_EMAIL,
        "website": "",
        "body": "Firm pressure worked for me at night.",
        "parent": "",
        "leave_empty": "",
    }
    data.update(overrides)
    return data


def _moderators() -> list[User]:
    boss = UserFactory(username="boss", email="boss@example.org", is_staff=True, is_superuser=True)
    helper = UserFactory(username="helper", email="helper@example.org", is_staff=True)
    helper.user_permissions.add(
        Permission.objects.get(codename="change_comment", content_type__app_label="learn")
    )
    # Staff without the permission, an inactive moderator and one with no address get nothing.
    UserFactory(username="other-staff", email="staff@example.org", is_staff=True)
    UserFactory(
        username="gone", email="gone@example.org", is_staff=True, is_superuser=True, is_active=False
    )
    UserFactory(username="no-address", email="", is_staff=True, is_superuser=True)
    return [boss, helper]


# --- LETDOWN_EMAIL_URL --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mail.example.org",
            {
                "EMAIL_HOST": "mail.example.org",
                "EMAIL_PORT": 25,
                "EMAIL_USE_TLS": False,
                "EMAIL_USE_SSL": False,
                "EMAIL_HOST_USER": "",
                "EMAIL_TIMEOUT": 10,
                "DEFAULT_FROM_EMAIL": "letdown@mail.example.org",
            },
        ),
        (
            "smtp+tls://me%40example.org:p%3Ass@mail.example.org?from=noreply@example.org",
            {
                "EMAIL_PORT": 587,
                "EMAIL_USE_TLS": True,
                "EMAIL_HOST_USER": "me@example.org",
                "EMAIL_HOST_PASSWORD": "p:ss",
                "DEFAULT_FROM_EMAIL": "noreply@example.org",
                "SERVER_EMAIL": "noreply@example.org",
            },
        ),
        (
            "smtps://u:p@mail.example.org:2465?timeout=3",
            {"EMAIL_PORT": 2465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False, "EMAIL_TIMEOUT": 3},
        ),
    ],
)
def test_email_url_becomes_django_settings(url: str, expected: dict[str, object]) -> None:
    settings = parse_email_url(url).as_django_settings()
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert {key: settings[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.org", "must start with smtp://"),
        ("smtp://", "names no mail server host"),
        ("smtp://mail.example.org:99999", "not a valid address"),
        ("smtp://mail.example.org?tls=1", "unknown parameter(s): tls"),
        ("smtp://mail.example.org?timeout=soon", "timeout must be"),
        ("smtp://mail.example.org?from=nobody", "from must be an email address"),
    ],
)
def test_a_bad_email_url_says_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_email_url(url)


def test_settings_read_letdown_email_url_from_the_environment(tmp_path: Any) -> None:
    code = (
        "from letdown import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL)"
    )
    env = {
        **os.environ,
        "LETDOWN_DATA_DIR": str(tmp_path),
        "LETDOWN_EMAIL_URL": "smtp+tls://u:p@mail.example.org?from=mods@example.org",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
        "mods@example.org",
    ]


def test_without_an_email_url_the_app_sends_nothing() -> None:
    from letdown import settings as letdown_settings

    if letdown_settings.EMAIL_URL:
        pytest.skip("LETDOWN_EMAIL_URL is set in this environment")
    assert letdown_settings.EMAIL_BACKEND == "django.core.mail.backends.dummy.EmailBackend"


# --- The email, with Django's in-memory outbox -------------------------------------------


@pytest.fixture
def mail_on(settings: Any) -> None:
    settings.EMAIL_URL = "smtp://mail.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.django_db
def test_a_new_comment_emails_every_moderator(
    mail_on: None, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _moderators()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _data(), REMOTE_ADDR="203.0.113.10")
    assert response.status_code == 302
    [message] = mail.outbox
    assert sorted(message.to) == ["boss@example.org", "helper@example.org"]
    assert "Unexpected let-down and leaks" in message.subject
    assert "Robin" in message.body and "Firm pressure worked" in message.body
    assert "/admin/learn/comment/?status__exact=pending" in message.body
    # The commenter's address stays in the admin.
    assert COMMENTER_EMAIL not in message.body and COMMENTER_EMAIL not in message.subject


@pytest.mark.django_db
def test_no_email_without_an_email_url(
    settings: Any, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _moderators()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _data(), REMOTE_ADDR="203.0.113.11")
    assert mail.outbox == []
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() == 1


@pytest.mark.django_db
def test_a_bot_comment_sends_no_email(
    mail_on: None, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _moderators()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _data(leave_empty="http://spam.example"), REMOTE_ADDR="203.0.113.12")
    assert mail.outbox == [] and not Comment.objects.exists()


@pytest.mark.django_db
def test_a_refused_comment_sends_no_email(
    mail_on: None, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _moderators()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _data(body=""), REMOTE_ADDR="203.0.113.13")
    assert response.status_code == 400 and mail.outbox == []


# --- The email, through a real SMTP server on 127.0.0.1 ----------------------------------


@pytest.mark.django_db
def test_the_email_reaches_a_real_smtp_server(
    settings: Any,
    smtp_sink: tuple[Sink, int],
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sink, port = smtp_sink
    url = f"smtp://127.0.0.1:{port}?from=letdown@example.org&timeout=5"
    settings.EMAIL_URL = url
    for name, value in parse_email_url(url).as_django_settings().items():
        setattr(settings, name, value)
    _moderators()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _data(), REMOTE_ADDR="203.0.113.14")
    assert response.status_code == 302
    [(sender, recipients, content)] = sink.messages
    assert sender == "letdown@example.org"
    assert sorted(recipients) == ["boss@example.org", "helper@example.org"]
    message = email.message_from_string(content, policy=email.policy.default)
    # A folded header keeps the space it was folded at; the words are what matter.
    assert message["Subject"].strip() == (
        "[letdown] New comment awaiting moderation on “Unexpected let-down and leaks”"
    )
    assert "Firm pressure worked" in message.get_content()
    assert COMMENTER_EMAIL not in content


@pytest.mark.django_db
def test_a_mail_server_that_is_down_loses_no_comment(
    settings: Any,
    client: Client,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"smtp://127.0.0.1:{free_port()}?timeout=2"  # nothing listens there
    settings.EMAIL_URL = url
    for name, value in parse_email_url(url).as_django_settings().items():
        setattr(settings, name, value)
    _moderators()
    with (
        caplog.at_level(logging.WARNING, logger="letdown.learn.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(URL, _data(), REMOTE_ADDR="203.0.113.15")
    assert response.status_code == 302
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() == 1
    assert "could not email the moderators" in caplog.text


# --- The count on the admin index ---------------------------------------------------------


def _pending(n: int) -> None:
    for i in range(n):
        Comment.objects.create(
            article_slug="leaks",
            name=f"R{i}",
            email="r@example.org",
            body="Hello there.",
            status=CommentStatus.PENDING,
        )
    Comment.objects.create(
        article_slug="leaks",
        name="Done",
        email="d@example.org",
        body="Approved.",
        status=CommentStatus.APPROVED,
    )


@pytest.mark.django_db
def test_admin_index_shows_how_many_comments_await_moderation(client: Client) -> None:
    [boss, _helper] = _moderators()
    _pending(2)
    client.force_login(boss)
    html = client.get(reverse("admin:index")).content.decode()
    assert "2 comments awaiting moderation" in html
    assert 'href="/admin/learn/comment/?status__exact=pending"' in html


@pytest.mark.django_db
def test_admin_index_says_one_comment_in_the_singular(client: Client) -> None:
    [boss, _helper] = _moderators()
    _pending(1)
    client.force_login(boss)
    assert "1 comment awaiting moderation" in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_staff_who_cannot_see_comments_get_no_count(client: Client) -> None:
    _moderators()
    _pending(2)
    client.force_login(User.objects.get(username="other-staff"))
    html = client.get(reverse("admin:index")).content.decode()
    assert "awaiting moderation" not in html


@pytest.mark.django_db
def test_a_parent_without_staff_rights_is_sent_to_the_admin_login(owner_client: Client) -> None:
    response = owner_client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
