"""Writes of shares and report questions: each one transaction inside `changing`."""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from letdown.accounts.models import Household
from letdown.accounts.services import changing

from .models import DEFAULT_DAYS, MAX_DAYS, ReportQuestions, Share, ShareVisit

logger = logging.getLogger(__name__)


class ShareError(ValueError):
    """A share that cannot be made as asked; the message is shown to her."""


def token_hash(token: str) -> str:
    # The token has 256 random bits: a plain hash is as safe as a slow one and lets the
    # lookup be one indexed equality.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewShare:
    share: Share
    token: str  # shown once; only its hash is stored


def create_share(
    *,
    household: Household,
    name: str,
    now: datetime,
    days: int = DEFAULT_DAYS,
    shows_report: bool = True,
    shows_history: bool = True,
    shows_insights: bool = True,
) -> NewShare:
    name = name.strip()
    if not name:
        raise ShareError(_("Name who the link is for."))
    if not 1 <= days <= MAX_DAYS:
        raise ShareError(_("A link lasts from 1 to %(max)s days.") % {"max": MAX_DAYS})
    if not (shows_report or shows_history or shows_insights):
        raise ShareError(_("Choose at least one thing the link shows."))
    token = secrets.token_urlsafe(32)
    with changing(household):
        share = Share.objects.create(
            household=household,
            name=name[:80],
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
            shows_report=shows_report,
            shows_history=shows_history,
            shows_insights=shows_insights,
        )
    return NewShare(share=share, token=token)


def revoke_share(*, household: Household, share: Share, now: datetime) -> None:
    """At once: the next request through the link is a 404. Revoking twice keeps the first
    time."""
    assert share.household_id == household.pk
    with changing(household):
        Share.objects.filter(pk=share.pk, revoked_at__isnull=True).update(revoked_at=now)
    share.refresh_from_db(fields=["revoked_at"])


def record_visit(*, share: Share, now: datetime) -> None:
    """A page seen through the share. Not inside `changing`: a visit changes nothing she
    logged, and bumping her data version would throw away her cached pages and statistics
    on every page the specialist opens."""
    with transaction.atomic():
        ShareVisit.objects.create(household_id=share.household_id, share=share, at=now)


def save_questions(*, household: Household, text: str, now: datetime) -> ReportQuestions:
    """Her questions for the specialist; `changing` holds the household's lock, so two
    phones saving at once keep one row (the database allows only one)."""
    with changing(household):
        questions, _created = ReportQuestions.objects.update_or_create(
            household=household, defaults={"text": text, "updated_at": now}
        )
    return questions


def email_link(*, share: Share, link: str, to: str) -> bool:
    """Sends the new link to the specialist; False when the mail server would not take it
    (the link is made all the same, and shown to her to copy)."""
    context = {"share": share, "link": link, "parent": share.household.parent_name}
    try:
        sent = send_mail(
            subject=render_to_string("share/link_email_subject.txt", context).strip(),
            message=render_to_string("share/link_email.txt", context),
            from_email=None,
            recipient_list=[to],
        )
    except (OSError, smtplib.SMTPException):
        logger.warning("could not email share %s", share.pk, exc_info=True)
        return False
    return sent == 1
