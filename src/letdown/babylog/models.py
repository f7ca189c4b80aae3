"""What a specialist judges milk transfer by: the baby's wet and dirty nappies (with the
stool's colour) and weight, including a weighed feed (before and after on the same scale).

Beside the logbook, below it: the logbook's history shows these rows, so this app imports
nothing from the logbook. Weights are stored in grams (`weight_g`), shown in her unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import Baby, Household

# A baby's weight outside this range is a typo (grams).
MIN_WEIGHT_G = 300
MAX_WEIGHT_G = 30_000


class StoolColour(models.TextChoices):
    MECONIUM = "meconium", _("Black or dark green (meconium)")
    GREEN = "green", _("Green or brown (changing)")
    YELLOW = "yellow", _("Yellow")
    PALE = "pale", _("Pale or chalky")


class Nappy(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    baby = models.ForeignKey(Baby, on_delete=models.CASCADE, related_name="nappies")
    at = models.DateTimeField(_("time"))
    wet = models.BooleanField(_("wet"), default=False)
    dirty = models.BooleanField(_("dirty"), default=False)
    stool_colour = models.CharField(
        _("stool colour"), max_length=10, choices=StoolColour.choices, blank=True
    )

    # Who logged it: a caregiver may change and delete only what they logged (accounts.policy).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["household", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(wet=True) | Q(dirty=True), name="nappy_wet_or_dirty"
            ),
            models.CheckConstraint(
                condition=Q(dirty=True) | Q(stool_colour=""), name="nappy_colour_only_if_dirty"
            ),
        ]

    def __str__(self) -> str:
        return f"nappy {self.at:%Y-%m-%d %H:%M}"


class Weighing(models.Model):
    """The baby's weight; with `after_feed_g`, a weighed feed: `weight_g` before the feed,
    `after_feed_g` after it, on the same scale and in the same clothes, so the difference
    is what the baby took."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    baby = models.ForeignKey(Baby, on_delete=models.CASCADE, related_name="weighings")
    at = models.DateTimeField(_("time"))
    weight_g = models.FloatField(_("weight"))
    after_feed_g = models.FloatField(_("weight after the feed"), null=True, blank=True)

    # Who logged it: a caregiver may change and delete only what they logged (accounts.policy).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["household", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_g__gte=MIN_WEIGHT_G, weight_g__lte=MAX_WEIGHT_G),
                name="weighing_weight_sane",
            ),
            models.CheckConstraint(
                condition=Q(after_feed_g__isnull=True)
                | Q(after_feed_g__gte=MIN_WEIGHT_G, after_feed_g__lte=MAX_WEIGHT_G),
                name="weighing_after_feed_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"weighing {self.at:%Y-%m-%d %H:%M}"

    @property
    def intake_g(self) -> float | None:
        return None if self.after_feed_g is None else self.after_feed_g - self.weight_g
