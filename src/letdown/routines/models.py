"""Saved routines, the runs that play them (an append-only event log per run) and the family's
own media files (the baby's cry, a calm track, the baby's photo)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import Household
from letdown.logbook.models import Kind, Session

from .catalogue import STEP_TYPES, StepConfig, StepError, StepType, validate_params
from .engine import EVENT_TYPES, Event

MAX_STEPS = 20  # a routine longer than this is a mistake, and a long screen at 3 a.m.


def clean_steps(raw: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """Steps as stored: a list of {"slug", "params"}, each validated by the catalogue.

    Raises ValidationError with the catalogue's sentence for anything it refuses."""
    if not isinstance(raw, list):
        raise ValidationError(_("Steps must be a list."))
    if len(raw) > MAX_STEPS:
        raise ValidationError(_("A routine holds at most %(n)d steps.") % {"n": MAX_STEPS})
    steps: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("slug"), str):
            raise ValidationError(_("Each step needs a slug."))
        slug = item["slug"]
        params = item.get("params") or {}
        if not isinstance(params, dict):
            raise ValidationError(_("A step's settings must be a mapping."))
        try:
            validated = validate_params(slug, params)
        except StepError as error:
            raise ValidationError(error.message(gettext)) from None
        if kind is not None and kind not in STEP_TYPES[slug].for_kinds:
            raise ValidationError(
                _("%(step)s is not part of a %(kind)s routine.")
                % {"step": gettext(STEP_TYPES[slug].title), "kind": Kind(kind).label}
            )
        steps.append({"slug": slug, "params": validated})
    return steps


def step_configs(steps: Sequence[dict[str, Any]]) -> list[StepConfig]:
    return [StepConfig(slug=step["slug"], params=step["params"]) for step in steps]


class Routine(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("for"), max_length=16, choices=Kind.choices)
    steps = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["household", "name"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.steps = clean_steps(self.steps, self.kind)

    def step_configs(self) -> list[StepConfig]:
        return step_configs(self.steps)

    def step_types(self) -> list[StepType]:
        return [STEP_TYPES[step["slug"]] for step in self.steps]


class RoutineRun(models.Model):
    """One play of a routine. Its steps are a snapshot, so editing the routine later does not
    change what this run shows or records; its events are rows, appended, never changed."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    routine = models.ForeignKey(
        Routine, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    steps = models.JSONField(default=list)
    # Her own time to first let-down when the run started (None: the engine's default), kept so
    # every later look at the run replays the same pump phases.
    usual_switch_s = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    session = models.OneToOneField(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="routine_run"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["household", "started_at"])]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%Y-%m-%d %H:%M}"

    def step_configs(self) -> list[StepConfig]:
        return step_configs(self.steps)


class RunEvent(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(RoutineRun, on_delete=models.CASCADE, related_name="events")
    at_s = models.FloatField()
    type = models.CharField(max_length=16, choices=[(t, t) for t in sorted(EVENT_TYPES)])
    position = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        # pk breaks ties: two taps in the same instant replay in the order they were stored.
        ordering = ["at_s", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(at_s__gte=0), name="run_event_at_s_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.type} at {self.at_s:.1f} s"

    def as_event(self) -> Event:
        return Event(at_s=self.at_s, type=self.type, position=self.position)


def media_path(instance: Media, filename: str) -> str:
    """A folder per household; the file name is the random one `save_media` gave it."""
    return f"h{instance.household_id}/{filename}"


class MediaKind(models.TextChoices):
    AUDIO = "audio", _("Sound")
    IMAGE = "image", _("Photo")


class Media(models.Model):
    """A file of hers. Stored under MEDIA_ROOT in a folder of her household with a random name,
    and served only through a view that checks who asks; MEDIA_ROOT is never served directly."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=MediaKind.choices)
    name = models.CharField(_("name"), max_length=80)
    file = models.FileField(upload_to=media_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    # The length of a recording as the browser measured it while recording; a recorder's WebM
    # file often carries none, and the cry step plays for this long.
    duration_s = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "media"
        indexes = [models.Index(fields=["household", "kind"])]

    def __str__(self) -> str:
        return self.name
