"""A specialist's link: a token, not an account; read only; 404 once revoked or expired."""

from __future__ import annotations

import email
import email.policy
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letdown.cli import main as letdown_main
from letdown.email_url import parse_email_url
from letdown.share import services
from letdown.share.models import ReportQuestions, Share, ShareVisit

from ..factories import LetDownFactory, SessionFactory


def _make_link(owner_client, **extra) -> str:
    data = {"name": "Anna, IBCLC", "days": 14, "shows_report": "on", "shows_history": "on"}
    data.update(extra)
    response = owner_client.post(reverse("shares"), data)
    assert response.status_code == 200
    return re.search(r'value="http://testserver(/s/[^"]+/)"', response.content.decode()).group(1)


def test_owner_makes_a_link_that_shows_report_and_history_read_only(owner_client, family):
    session = SessionFactory(
        lactation=family.lactation,
        started_at=timezone.now() - timedelta(hours=2),
        notes="Hard latch on the left",
    )
    LetDownFactory(session=session)
    link = _make_link(owner_client)
    token = link.split("/")[2]
    share = Share.objects.get(household=family.household)
    assert share.token_hash != token and token not in share.token_hash
    specialist = Client()
    response = specialist.get(link)
    assert response.status_code == 302
    report = specialist.get(response["Location"])
    assert report.status_code == 200
    assert "no-store" in report["Cache-Control"] and "noindex" in report["X-Robots-Tag"]
    assert "Hard latch on the left" in report.content.decode()
    history = specialist.get(f"{link}history/")
    assert history.status_code == 200 and "no-store" in history["Cache-Control"]
    assert 'href="/sessions/' not in history.content.decode()  # no way to the edit pages
    # Not chosen: Insights answers 404.
    assert specialist.get(f"{link}insights/").status_code == 404
    for url in (link, f"{link}report/", f"{link}history/"):
        assert specialist.post(url, {"anything": "1"}).status_code == 405
    assert ShareVisit.objects.filter(share=share).count() == 3
    listing = owner_client.get(reverse("shares")).content.decode()
    assert "Anna, IBCLC" in listing and "3 pages seen" in listing


def test_insights_through_a_share(owner_client, family):
    link = _make_link(owner_client, shows_insights="on")
    response = Client().get(f"{link}insights/")
    assert response.status_code == 200 and "Insights" in response.content.decode()


def test_revoked_link_answers_404_at_once(owner_client, family):
    link = _make_link(owner_client)
    specialist = Client()
    assert specialist.get(f"{link}report/").status_code == 200
    share = Share.objects.get(household=family.household)
    assert owner_client.post(reverse("share_revoke", args=[share.pk])).status_code == 302
    for url in (link, f"{link}report/", f"{link}report/pdf/", f"{link}history/"):
        assert specialist.get(url).status_code == 404


def test_expired_link_answers_404(family):
    made = services.create_share(
        household=family.household, name="Anna", now=timezone.now() - timedelta(days=3), days=2
    )
    assert Client().get(reverse("share_report", args=[made.token])).status_code == 404


def test_a_made_up_token_answers_404(db):
    assert Client().get(reverse("share_report", args=["x" * 43])).status_code == 404


def test_a_link_lasts_at_most_90_days(owner_client, family):
    response = owner_client.post(
        reverse("shares"), {"name": "Anna", "days": 91, "shows_report": "on"}
    )
    assert response.status_code == 400
    assert not Share.objects.exists()
    with pytest.raises(services.ShareError):
        services.create_share(household=family.household, name="Anna", now=timezone.now(), days=0)


def test_a_link_that_shows_nothing_is_refused(owner_client, family):
    response = owner_client.post(reverse("shares"), {"name": "Anna", "days": 14})
    assert response.status_code == 400
    assert "Choose at least one thing the link shows." in response.content.decode()


def test_caregiver_cannot_make_or_revoke_links(member_client, family):
    made = services.create_share(household=family.household, name="Anna", now=timezone.now())
    assert member_client.get(reverse("shares")).status_code == 403
    assert member_client.post(reverse("shares"), {"name": "B", "days": 3}).status_code == 403
    assert member_client.post(reverse("share_revoke", args=[made.share.pk])).status_code == 403
    assert Share.objects.get().revoked_at is None


def test_stranger_gets_404_revoking_her_link(stranger_client, family):
    made = services.create_share(household=family.household, name="Anna", now=timezone.now())
    assert stranger_client.post(reverse("share_revoke", args=[made.share.pk])).status_code == 404
    assert Share.objects.get().revoked_at is None
    assert "share-line" not in stranger_client.get(reverse("shares")).content.decode()


def test_a_share_shows_only_its_own_household(owner_client, family, stranger_family):
    SessionFactory(
        lactation=stranger_family.lactation,
        started_at=timezone.now() - timedelta(hours=2),
        notes="the stranger's note",
    )
    link = _make_link(owner_client)
    page = Client().get(f"{link}report/").content.decode()
    assert "the stranger&#x27;s note" not in page and "the stranger's note" not in page


def test_cli_creates_lists_and_revokes_a_link(family, capsys):
    household = family.household.pk
    assert (
        letdown_main(
            [
                "share",
                "create",
                "--household",
                str(household),
                "--name",
                "Anna, IBCLC",
                "--days",
                "30",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    path = re.search(r"http://127\.0\.0\.1:8000(/s/\S+/)", out).group(1)
    share = Share.objects.get()
    assert (share.expires_at - share.created_at) == timedelta(days=30)
    assert Client().get(f"{path}report/").status_code == 200
    assert letdown_main(["share", "list", "--household", str(household)]) == 0
    listing = capsys.readouterr().out
    assert f"{share.pk}\tAnna, IBCLC\topen" in listing and "visits 1" in listing
    assert letdown_main(["share", "revoke", str(share.pk)]) == 0
    assert Client().get(f"{path}report/").status_code == 404
    assert letdown_main(["share", "list", "--household", str(household)]) == 0
    assert "revoked" in capsys.readouterr().out
    assert (
        letdown_main(
            ["share", "create", "--household", str(household), "--name", "A", "--days", "91"]
        )
        == 2
    )


@pytest.mark.django_db(transaction=True)
def test_two_phones_saving_questions_at_once_keep_one_row(family):
    errors: list[BaseException] = []

    def save(text: str) -> None:
        try:
            services.save_questions(household=family.household, text=text, now=timezone.now())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(f"question {i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ReportQuestions.objects.filter(household=family.household).count() == 1


@pytest.fixture
def mail_on(settings):
    settings.EMAIL_URL = "smtp://mail.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _emailed_link(body: str) -> str:
    return re.search(r"http://testserver(/s/\S+/)", body).group(1)


def test_the_link_is_emailed_to_the_specialist_when_the_server_sends_mail(
    mail_on, owner_client, family
):
    assert 'name="email"' in owner_client.get(reverse("shares")).content.decode()
    link = _make_link(owner_client, email="anna@example.org")
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "Alex shares her feeding log" in message.subject
    assert _emailed_link(message.body) == link and "the report, her history." in message.body
    assert Client().get(link, follow=True).status_code == 200
    listing = owner_client.get(reverse("shares")).content.decode()
    assert "anna@example.org" not in listing  # the address is not kept


def test_without_mail_there_is_no_email_field_and_nothing_is_sent(settings, owner_client):
    settings.EMAIL_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert 'name="email"' not in owner_client.get(reverse("shares")).content.decode()
    _make_link(owner_client, email="anna@example.org")
    assert mail.outbox == []


def test_a_mail_server_that_refuses_still_leaves_her_the_link(settings, owner_client, family):
    settings.EMAIL_URL = "smtp://127.0.0.1:9"  # nothing listens on the discard port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = owner_client.post(
        reverse("shares"),
        {"name": "Anna", "days": 14, "shows_report": "on", "email": "anna@example.org"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "could not be sent" in page
    assert re.search(r'value="http://testserver/s/[^"]+/"', page)
    assert Share.objects.filter(household=family.household).count() == 1


def test_an_address_that_is_not_one_is_a_400_and_makes_no_link(mail_on, owner_client, family):
    response = owner_client.post(
        reverse("shares"), {"name": "Anna", "days": 14, "shows_report": "on", "email": "anna@"}
    )
    assert response.status_code == 400 and "valid email address" in response.content.decode()
    assert not Share.objects.filter(household=family.household).exists()


def test_the_link_goes_through_a_real_smtp_server(settings, smtp_sink, owner_client):
    sink, port = smtp_sink
    url = f"smtp://127.0.0.1:{port}?from=letdown@example.org&timeout=5"
    settings.EMAIL_URL = url
    for name, value in parse_email_url(url).as_django_settings().items():
        setattr(settings, name, value)
    link = _make_link(owner_client, email="anna@example.org")
    [(sender, recipients, content)] = sink.messages
    assert sender == "letdown@example.org" and recipients == ["anna@example.org"]
    message = email.message_from_string(content, policy=email.policy.default)
    assert _emailed_link(message.get_content()) == link
