"""Personal API tokens. A token is shown once, when it is made; only its SHA-256 digest and a
short prefix (to tell tokens apart in Settings) are stored, so a copy of the database or a
backup holds nothing that opens the API."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import Household


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=16)  # the visible start of the token: "ld_3fA9c2Qe"
    digest = models.CharField(max_length=64, unique=True)  # sha256 hex of the whole token
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["household", "user"])]
        constraints = [
            # Two live tokens of one person with one name could not be told apart in Settings.
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_token_name_unique_while_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
