"""Reminders each person sets, the devices (push subscriptions) they reach, and the log of
what was sent. The log's unique (reminder, fire_at) is what makes a reminder go once, however
many runners look at the same minute."""

from __future__ import annotations

from datetime import time, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import Household

from . import due


class Kind(models.TextChoices):
    FEED_DUE = due.FEED_DUE, _("Feed or pump due")
    PUMP_AT = due.PUMP_AT, _("Pump at set times")


class Basis(models.TextChoices):
    PREDICTED = due.PREDICTED, _("My predicted next feed (Insights)")
    AFTER_START = due.AFTER_START, _("A fixed time after the last session started")
    AFTER_END = due.AFTER_END, _("A fixed time after the last session ended")


class Repeat(models.IntegerChoices):
    NONE = 0, _("Once")
    EVERY_15 = 15, _("Every 15 minutes until I start")
    EVERY_30 = 30, _("Every 30 minutes until I start")
    EVERY_60 = 60, _("Every hour until I start")


# Consecutive failed pushes after which a device is no longer tried (it stays listed, so she
# sees why and can remove it or turn it on again from that phone).
MAX_FAILURES = 5


class PushSubscription(models.Model):
    """One browser on one of her devices, as its Push API subscription."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    name = models.CharField(_("device name"), max_length=60)
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    failures = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["household", "user"])]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.failures < MAX_FAILURES


class Reminder(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    enabled = models.BooleanField(_("on"), default=True)
    kind = models.CharField(_("remind me"), max_length=16, choices=Kind.choices)
    basis = models.CharField(
        _("due from"), max_length=16, choices=Basis.choices, default=Basis.PREDICTED
    )
    interval_minutes = models.PositiveSmallIntegerField(_("fixed interval (minutes)"), default=180)
    lead_minutes = models.PositiveSmallIntegerField(_("minutes before it is due"), default=0)
    times = models.JSONField(_("times of day"), default=list, blank=True)  # ["07:00", ...]
    quiet_start = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet until"), null=True, blank=True)
    repeat_minutes = models.PositiveSmallIntegerField(
        _("repeat"), choices=Repeat.choices, default=Repeat.NONE
    )
    # None ticked: every device of hers.
    devices = models.ManyToManyField(PushSubscription, blank=True, related_name="reminders")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["household", "user"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval_minutes__gte=15, interval_minutes__lte=24 * 60),
                name="reminder_interval_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(lead_minutes__lte=120), name="reminder_lead_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(repeat_minutes__in=[0, 15, 30, 60]),
                name="reminder_repeat_choice",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def rule(self) -> due.Rule:
        return due.Rule(
            kind=self.kind,
            basis=self.basis,
            interval=timedelta(minutes=self.interval_minutes),
            lead=timedelta(minutes=self.lead_minutes),
            times=tuple(time.fromisoformat(t) for t in self.times),
            quiet_start=self.quiet_start,
            quiet_end=self.quiet_end,
            repeat=timedelta(minutes=self.repeat_minutes) if self.repeat_minutes else None,
        )


class Outcome(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    PARTLY = "partly", _("Sent to some devices")
    FAILED = "failed", _("Failed")
    NO_DEVICE = "no_device", _("No device to send to")


class Delivery(models.Model):
    """One reminder (or test) sent, to all the devices it went to. Stored before the push
    goes out: the unique index lets one runner in per (reminder, fire_at)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reminder = models.ForeignKey(
        Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )  # None: a test she asked for
    due_at = models.DateTimeField()
    fire_at = models.DateTimeField()
    created_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SENDING)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["household", "user", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "fire_at"], name="reminder_fires_once"),
        ]

    def __str__(self) -> str:
        return f"{self.fire_at:%Y-%m-%d %H:%M} {self.outcome}"


class RunnerLease(models.Model):
    """One row per runner name: the process holding it until `expires_at` runs the minute's
    check; the others skip it. (The unique delivery row still guards a lease that ran out.)"""

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=80)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.holder}"
