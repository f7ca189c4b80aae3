"""Households, their members, lactations and babies: who the data belongs to."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    ML = "ml", _("mL")
    OZ = "oz", _("oz")


class Household(models.Model):
    """One family. Every row holding a family's data points here, and every query filters on
    it: that is how privacy is kept simple."""

    parent_name = models.CharField(_("your name"), max_length=80)
    unit = models.CharField(_("volume unit"), max_length=2, choices=Unit.choices, default=Unit.ML)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    onboarded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped on every write to the family's data, so cached statistics know when to recompute.
    data_version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.parent_name or f"household {self.pk}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def current_lactation(self) -> Lactation | None:
        return self.lactations.order_by("-number").first()


class Role(models.TextChoices):
    """What a member may do is decided in `policy` alone. PARENT is the household's owner
    (the value predates the word): everything, members and export included."""

    PARENT = "parent", _("Owner")
    CAREGIVER = "caregiver", _("Partner or caregiver")
    SPECIALIST = "specialist", _("Specialist (read only)")


class Clock(models.TextChoices):
    """How she reads times: '' follows her locale (24 h in Germany, 12 h in the US)."""

    LOCALE = "", _("As usual where I live")
    H24 = "24", _("24 hours (14:05)")
    H12 = "12", _("12 hours (2:05 PM)")


class User(AbstractUser):
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PARENT)
    # When they last used the app (at most an hour behind): Settings shows it to the owner.
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Her own language for every page and email; blank follows her browser (Accept-Language).
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    clock = models.CharField(
        _("clock"), max_length=2, choices=Clock.choices, blank=True, default=Clock.LOCALE
    )
    # The only thing of hers a public page shows: the name under her Learn comments. Empty
    # until she chooses one; never filled from her account name or her household's.
    public_name = models.CharField(
        _("name shown with your comments"), max_length=80, blank=True, default=""
    )


class Lactation(models.Model):
    """One period of breastfeeding (twins share one). Her first lactation is number 1."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="lactations")
    number = models.PositiveSmallIntegerField(_("which lactation"), default=1)
    started_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "number"], name="lactation_unique_number"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="lactation_number_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"lactation {self.number}"


class Baby(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="babies")
    lactation = models.ForeignKey(Lactation, on_delete=models.CASCADE, related_name="babies")
    name = models.CharField(_("baby's name"), max_length=80)
    birth_date = models.DateField(_("birth date"))

    class Meta:
        ordering = ["birth_date", "pk"]

    def __str__(self) -> str:
        return self.name
