"""Sessions (nursing, pumping, hand expression) with their side segments and let-downs,
unexpected let-downs / leaks, and bottle feeds. Times are stored in UTC."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import Household, Lactation

from . import projection
from .facts import SessionFacts, session_facts

MAX_VOLUME_ML = 500  # per side per session; more than this is a typo, not a record


class Kind(models.TextChoices):
    NURSING = "nursing", _("Nursing")
    PUMPING = "pumping", _("Pumping")
    HAND_EXPRESSION = "hand_expression", _("Hand expression")


class Side(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BOTH = "both", _("Both")


class Aid(models.TextChoices):
    """Techniques used and triggers present. Slugs are shared with the routine catalogue,
    the reflex model and the insights core."""

    WARM_DRINK = "warm_drink", _("Warm drink")
    WARM_COMPRESS = "warm_compress", _("Warm compress")
    BREAST_MASSAGE = "breast_massage", _("Breast massage")
    HAND_EXPRESSION = "hand_expression", _("Hand expression")
    RELAXING_MUSIC = "relaxing_music", _("Relaxing music")
    IMAGERY = "imagery", _("Imagery")
    BREATHING = "breathing", _("Meditation / breathing")
    BABY_CRY = "baby_cry", _("Baby's cry recording")
    BABY_PHOTO = "baby_photo", _("Baby's photo")
    SCENT_CLOTH = "scent_cloth", _("Scent cloth")
    SKIN_TO_SKIN = "skin_to_skin", _("Skin-to-skin")
    BABY_NEARBY = "baby_nearby", _("Baby nearby")


class Noticed(models.TextChoices):
    FELT = "felt", _("Felt it")
    MILK_FLOW = "milk_flow", _("Milk spraying or flowing")
    BABY_SWALLOWING = "baby_swallowing", _("Baby's sucking changed / swallowing")
    PUMP_FLOW = "pump_flow", _("Pump flow")


class Sensation(models.TextChoices):
    TINGLING = "tingling", _("Tingling")
    PINS_AND_NEEDLES = "pins_and_needles", _("Pins and needles")
    FULLNESS = "fullness", _("Fullness")
    PAIN = "pain", _("Pain")
    NONE = "none", _("Nothing")


class Mood(models.TextChoices):
    FINE = "fine", _("Fine")
    LOW = "low", _("Sudden low")
    ANXIOUS = "anxious", _("Anxious")


class LeakTrigger(models.TextChoices):
    BABY_CRYING = "baby_crying", _("A baby crying")
    THINKING_OF_BABY = "thinking_of_baby", _("Thinking of the baby")
    MISSED_FEED = "missed_feed", _("A missed or late feed")
    WARMTH = "warmth", _("Warm shower or bath")
    INTIMACY = "intimacy", _("Intimacy")
    UNKNOWN = "unknown", _("Don't know")


class LeakAmount(models.TextChoices):
    DAMP = "damp", _("Damp")
    WET = "wet", _("Wet")
    SOAKED = "soaked", _("Soaked")


class LeakAction(models.TextChoices):
    PADS = "pads", _("Breast pads")
    PRESSURE = "pressure", _("Firm pressure")
    FED = "fed", _("Fed the baby")
    PUMPED = "pumped", _("Pumped")


class Milk(models.TextChoices):
    EXPRESSED = "expressed", _("Expressed milk")
    FORMULA = "formula", _("Formula")


class SessionQuerySet(models.QuerySet["Session"]):
    def for_household(self, household: Household) -> SessionQuerySet:
        return self.filter(household=household)

    def active(self) -> SessionQuerySet:
        # By id, not the model's "-started_at": that order makes SQLite walk her whole history
        # through the start-time index instead of the small index of open sessions. There is
        # at most one running session per household (a unique index holds it).
        return self.filter(ended_at__isnull=True).order_by("pk")

    def overlapping(
        self, started_at: datetime, ended_at: datetime | None, exclude_pk: int | None = None
    ) -> SessionQuerySet:
        """Sessions whose time overlaps [started_at, ended_at); an open end means 'still on'."""
        qs = self.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=started_at))
        if ended_at is not None:
            qs = qs.filter(started_at__lt=ended_at)
        if exclude_pk is not None:
            qs = qs.exclude(pk=exclude_pk)
        return qs

    def with_details(self) -> SessionQuerySet:
        return self.prefetch_related("segments", "letdowns")


class Session(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    lactation = models.ForeignKey(Lactation, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    volume_left_ml = models.FloatField(_("left volume"), null=True, blank=True)
    volume_right_ml = models.FloatField(_("right volume"), null=True, blank=True)
    anxiety_before = models.PositiveSmallIntegerField(_("anxiety before"), null=True, blank=True)
    aids = models.JSONField(_("techniques and triggers"), default=list, blank=True)
    routine_steps = models.JSONField(default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    # Where the log of taps stands (projection.Fold.checkpoint): the next tap in order is
    # taken from here alone. Empty: the next tap replays the whole log.
    live_checkpoint = models.JSONField(null=True, blank=True, editable=False)
    # "" for a session logged here; otherwise the app it was imported from ("babybuddy",
    # "huckleberry", ...). Imported sessions carry no let-downs, so Insights leaves them out
    # of let-down statistics.
    source = models.CharField(_("imported from"), max_length=16, blank=True, default="")
    # Who logged it: a caregiver may change and delete only what they logged (accounts.policy).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["household", "started_at"]),
        ]
        constraints = [
            # At most one running session per household, however many phones tap Start at
            # once. It is also the small index through which every page finds that session.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_at__isnull=True),
                name="one_running_session",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("started_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(volume_left_ml__isnull=True)
                | Q(volume_left_ml__gte=0, volume_left_ml__lte=MAX_VOLUME_ML),
                name="session_volume_left_sane",
            ),
            models.CheckConstraint(
                condition=Q(volume_right_ml__isnull=True)
                | Q(volume_right_ml__gte=0, volume_right_ml__lte=MAX_VOLUME_ML),
                name="session_volume_right_sane",
            ),
            models.CheckConstraint(
                condition=Q(anxiety_before__isnull=True) | Q(anxiety_before__lte=10),
                name="session_anxiety_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def open_segment(self) -> Segment | None:
        for segment in self.segments.all():
            if segment.ended_at is None:
                return segment
        return None

    def current_side(self) -> str | None:
        segments = list(self.segments.all())
        return segments[-1].side if segments else None

    @property
    def is_paused(self) -> bool:
        return self.is_active and self.open_segment() is None

    def active_clock(self) -> tuple[datetime | None, float]:
        """What her running session's timer shows without the pauses, independent of now:
        (the moment it would have started had it never paused, None while paused; the
        seconds before the open stretch). Needs `segments` prefetched."""
        done = sum(
            (s.ended_at - s.started_at).total_seconds()
            for s in self.segments.all()
            if s.ended_at is not None
        )
        open_segment = self.open_segment()
        if open_segment is None:
            return None, done
        return open_segment.started_at - timedelta(seconds=done), done

    def facts(self, now: datetime) -> SessionFacts:
        """Derived figures; needs `segments` and `letdowns` prefetched to stay query-free."""
        return session_facts(
            started_at=self.started_at,
            ended_at=self.ended_at,
            segments=[(s.side, s.started_at, s.ended_at) for s in self.segments.all()],
            letdown_times=[ld.at for ld in self.letdowns.all()],
            volume_left_ml=self.volume_left_ml,
            volume_right_ml=self.volume_right_ml,
            now=now,
        )


class Segment(models.Model):
    """A stretch of one side (or both, for double pumping) with no pause in it."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="segments")
    side = models.CharField(max_length=5, choices=Side.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [
            models.Index(fields=["household", "started_at"]),
            # Scoped look-ups of a page's sessions' segments: household and session together.
            models.Index(fields=["household", "session"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="segment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} from {self.started_at:%H:%M:%S}"


class LetDown(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="letdowns")
    # The Let-down tap it came from (the first, when several taps were the same let-down);
    # empty for a let-down added afterwards on the session's page.
    tap_id = models.UUIDField(null=True, blank=True, editable=False)
    at = models.DateTimeField(_("time"))
    side = models.CharField(_("side"), max_length=5, choices=Side.choices)
    noticed = models.JSONField(_("how you noticed"), default=list, blank=True)
    sensations = models.JSONField(_("sensations"), default=list, blank=True)
    mood = models.CharField(_("mood at let-down"), max_length=8, choices=Mood.choices, blank=True)
    # Who logged it: a caregiver may change and delete only what they logged (accounts.policy).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["household", "at"]),
            models.Index(fields=["household", "session"]),
        ]

    def __str__(self) -> str:
        return f"let-down {self.at:%Y-%m-%d %H:%M:%S} ({self.side})"


class TapType(models.TextChoices):
    START = projection.START, _("Start")
    LETDOWN = projection.LETDOWN, _("Let-down")
    SWITCH = projection.SWITCH, _("Switch side")
    PAUSE = projection.PAUSE, _("Pause")
    RESUME = projection.RESUME, _("Resume")
    END = projection.END, _("End")
    UNDO = projection.UNDO, _("Undo")
    REOPEN = projection.REOPEN, _("Resume after End")


class Tap(models.Model):
    """One tap on a live session, as the phone sent it: appended, never changed. Segments,
    let-downs and the session's end are kept equal to `projection.project` of these."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="taps")
    tap_id = models.UUIDField()  # made by the phone, so that a retry is recognised
    type = models.CharField(max_length=8, choices=TapType.choices)
    at = models.DateTimeField()  # when she tapped, by the phone's corrected clock
    side = models.CharField(max_length=5, choices=Side.choices, blank=True)  # start only
    target = models.UUIDField(null=True, blank=True)  # undo only: the tap it cancels
    received_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["household", "session"])]
        constraints = [
            # A retried tap is stored once, whichever phone or request sends it again.
            models.UniqueConstraint(fields=["household", "tap_id"], name="tap_stored_once"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.at:%Y-%m-%d %H:%M:%S}"

    def as_tap(self) -> projection.Tap:
        return projection.Tap(
            id=str(self.tap_id),
            type=self.type,
            at=self.at,
            side=self.side,
            target=str(self.target) if self.target else "",
        )


class JoinedStart(models.Model):
    """A Start that found another session running (her partner's phone started one while hers
    was offline). The Start is not a tap of that session, but its id names it from then on:
    the taps her phone kept under this id go to the session that was running."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    tap_id = models.UUIDField()
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "tap_id"], name="start_joined_once"),
        ]

    def __str__(self) -> str:
        return f"start {self.tap_id} joined session {self.session_id}"


class Leak(models.Model):
    """An unexpected let-down between sessions."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    lactation = models.ForeignKey(Lactation, on_delete=models.CASCADE, related_name="leaks")
    at = models.DateTimeField(_("time"))
    side = models.CharField(_("side"), max_length=5, choices=Side.choices, blank=True)
    trigger = models.CharField(
        _("what set it off"), max_length=20, choices=LeakTrigger.choices, blank=True
    )
    amount = models.CharField(_("how much"), max_length=8, choices=LeakAmount.choices, blank=True)
    actions = models.JSONField(_("what you did"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    # Who logged it: a caregiver may change and delete only what they logged (accounts.policy).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["household", "at"])]

    def __str__(self) -> str:
        return f"leak {self.at:%Y-%m-%d %H:%M}"


class BottleFeed(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    lactation = models.ForeignKey(Lactation, on_delete=models.CASCADE, related_name="feeds")
    at = models.DateTimeField(_("time"))
    milk = models.CharField(_("milk"), max_length=10, choices=Milk.choices)
    volume_ml = models.FloatField(_("volume"))
    session = models.ForeignKey(
        Session,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="top_ups",
        verbose_name=_("topping up the session"),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    # Who logged it: a caregiver may change and delete only what they logged (accounts.policy).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["household", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(volume_ml__gt=0, volume_ml__lte=MAX_VOLUME_ML),
                name="feed_volume_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milk} {self.volume_ml:g} mL {self.at:%Y-%m-%d %H:%M}"
