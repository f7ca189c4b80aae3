"""Reader comments under the Learn articles. Comments are public posts, not family data: they
carry no household, and the commenter's email is kept for moderators only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .articles import article_url

NAME_MAX_CHARS = 80
EMAIL_MAX_CHARS = 254
WEBSITE_MAX_CHARS = 200
BODY_MAX_CHARS = 3000


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    SPAM = "spam", _("Spam")


class CommentQuerySet(models.QuerySet["Comment"]):
    def on_article(self, slug: str) -> CommentQuerySet:
        return self.filter(article_slug=slug)

    def approved(self) -> CommentQuerySet:
        return self.filter(status=CommentStatus.APPROVED)


class Comment(models.Model):
    """One reply under an article. `parent` is always a top-level comment: threads are one
    level deep, so a reply to a reply is attached to the comment that started the thread."""

    article_slug = models.SlugField(_("article"), max_length=100)
    # A deleted comment leaves its replies standing, as top-level comments: a commenter
    # removing her own words must not remove other people's.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learn_comments",
        verbose_name=_("account"),
        help_text=_("Set when the commenter was logged in; only that account may delete it."),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_CHARS)
    # Asked of a commenter without an account; a member's account stands for it (empty).
    email = models.EmailField(_("email"), max_length=EMAIL_MAX_CHARS, blank=True)
    website = models.URLField(_("website"), max_length=WEBSITE_MAX_CHARS, blank=True)
    body = models.TextField(_("comment"), max_length=BODY_MAX_CHARS)
    status = models.CharField(
        _("status"), max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article_slug", "status", "created_at"], name="comment_article"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CommentStatus.values), name="comment_status_valid"
            ),
            models.CheckConstraint(condition=~models.Q(body=""), name="comment_body_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), BODY_MAX_CHARS),
                name="comment_body_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.article_slug}"

    def get_absolute_url(self) -> str:
        # Lets a moderator jump from the admin to the comment in place ("View on site").
        return f"{article_url(self.article_slug)}#comment-{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.status == CommentStatus.APPROVED
