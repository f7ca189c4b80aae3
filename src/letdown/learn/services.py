"""Writes for Learn comments: posting (with a per-address rate limit kept in Django's cache),
deleting one's own comment, and the moderators' approve / spam decisions."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from letdown.accounts.models import User

from .models import Comment, CommentStatus

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
) -> Comment:
    """A new comment, waiting for moderation."""
    return Comment.objects.create(
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


def delete_own_comment(*, comment: Comment) -> None:
    # Replies to it stay, as top-level comments (the parent key is SET_NULL).
    comment.delete()


def moderate(comments: QuerySet[Comment], *, status: CommentStatus, now: datetime) -> int:
    """Set the moderation status of many comments at once; returns how many changed."""
    return comments.exclude(status=status).update(status=status, moderated_at=now)
