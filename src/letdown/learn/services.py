"""Writes for Learn comments: posting (with a per-address rate limit kept in Django's cache, and
a note by email to the moderators when mail is set up), deleting one's own comment, and the
moderators' approve / spam decisions."""

from __future__ import annotations

import hashlib
import logging
import smtplib
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from letdown.accounts.models import User
from letdown.accounts.services import remember_public_name

from . import selectors
from .articles import load_articles
from .models import Comment, CommentStatus

logger = logging.getLogger(__name__)

# Three comments in ten minutes from one address is more than a person typing on a phone
# needs, and few enough to make a flood of spam slow.
COMMENTS_PER_WINDOW = 3
RATE_WINDOW_S = 10 * 60


def _rate_key(address: str) -> str:
    # Hashed with the secret key, so the cache table never holds a reader's IP address.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{address}".encode()).hexdigest()[:32]
    return f"learn:comment-times:{digest}"


def _recent_post_times(address: str, now: datetime) -> list[float]:
    times: list[float] = cache.get(_rate_key(address), [])
    return [t for t in times if t > now.timestamp() - RATE_WINDOW_S]


def rate_limited(*, address: str, now: datetime) -> bool:
    return len(_recent_post_times(address, now)) >= COMMENTS_PER_WINDOW


def count_post(*, address: str, now: datetime) -> None:
    """Remember one more post from `address`. A sliding window of post times, rather than a
    counter, because the database cache's incr() would reset the expiry on every post."""
    times = [*_recent_post_times(address, now), now.timestamp()]
    cache.set(_rate_key(address), times, timeout=RATE_WINDOW_S)


def post_comment(
    *,
    article_slug: str,
    parent: Comment | None,
    author: User | None,
    name: str,
    email: str,
    website: str,
    body: str,
    now: datetime,
    review_url: str = "",
) -> Comment:
    """A new comment, waiting for moderation. Once it is saved, the moderators get an email
    pointing at `review_url` (the comment in the admin), when LETDOWN_EMAIL_URL is set.
    A member's first comment makes its name her public name (kept for the next ones)."""
    with transaction.atomic():
        if author is not None:
            remember_public_name(user=author, public_name=name)
        comment = Comment.objects.create(
            article_slug=article_slug,
            parent=parent,
            author=author,
            name=name,
            email=email,
            website=website,
            body=body,
            status=CommentStatus.PENDING,
            created_at=now,
        )
    if settings.EMAIL_URL:
        # After the commit: a rolled-back comment must not be announced, and a slow mail
        # server must not hold the transaction open.
        transaction.on_commit(lambda: notify_moderators(comment=comment, review_url=review_url))
    return comment


def notify_moderators(*, comment: Comment, review_url: str) -> int:
    """Email every moderator with an address about a new comment; returns how many were
    sent. A mail server that is down or refuses is logged, never shown to the commenter: her
    comment is already saved and waits in the admin either way."""
    recipients = selectors.moderator_emails()
    if not recipients:
        return 0
    article = load_articles().get(comment.article_slug)
    title = article.title if article is not None else comment.article_slug
    # The commenter's email stays in the admin: mail can travel unencrypted.
    body = "\n\n".join(
        part
        for part in (
            _("%(name)s commented on “%(title)s”. The comment waits for moderation:")
            % {"name": comment.name, "title": title},
            Truncator(comment.body).chars(600),
            _("Approve it or mark it as spam: %(url)s") % {"url": review_url} if review_url else "",
        )
        if part
    )
    try:
        return send_mail(
            subject=_("[letdown] New comment awaiting moderation on “%(title)s”")
            % {"title": title},
            message=body,
            from_email=None,
            recipient_list=recipients,
        )
    except (OSError, smtplib.SMTPException):
        logger.warning("could not email the moderators about comment %s", comment.pk, exc_info=True)
        return 0


def delete_own_comment(*, comment: Comment) -> None:
    # Replies to it stay, as top-level comments (the parent key is SET_NULL).
    comment.delete()


def moderate(comments: QuerySet[Comment], *, status: CommentStatus, now: datetime) -> int:
    """Set the moderation status of many comments at once; returns how many changed."""
    return comments.exclude(status=status).update(status=status, moderated_at=now)
