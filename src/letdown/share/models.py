"""A read-only link for her lactation specialist (a token, not an account), its visits, and the
questions she writes for the specialist on her report."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import Household

DEFAULT_DAYS = 14
MAX_DAYS = 90


class Share(models.Model):
    """What the link shows and until when. Only a hash of the token is kept: the link itself
    is shown once, when it is made, so a copy of the database opens nothing."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("who it is for"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    shows_report = models.BooleanField(_("the report"), default=True)
    shows_history = models.BooleanField(_("the history"), default=True)
    shows_insights = models.BooleanField(_("Insights"), default=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["household", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="share_expires_after_creation"
            ),
            models.CheckConstraint(
                condition=Q(shows_report=True) | Q(shows_history=True) | Q(shows_insights=True),
                name="share_shows_something",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class ShareVisit(models.Model):
    """One page seen through a share: the time only (no address, no browser)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="visits")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["household", "share", "at"])]

    def __str__(self) -> str:
        return f"visit {self.at:%Y-%m-%d %H:%M}"


class ReportQuestions(models.Model):
    """Her questions for the specialist, printed on the report. One per household."""

    household = models.OneToOneField(Household, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("questions for the specialist"), max_length=2000, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"questions of household {self.household_id}"
