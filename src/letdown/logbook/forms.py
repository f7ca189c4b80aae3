"""Forms for the logbook. Volumes are entered in her unit and stored in mL; every rule the
database enforces is also explained here, next to the field."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import Household, Unit
from letdown.core import l10n
from letdown.core.forms import VisibleCharField
from letdown.core.units import ML_PER_OZ, from_ml, to_ml

from .models import (
    MAX_VOLUME_ML,
    Aid,
    BottleFeed,
    Kind,
    Leak,
    LeakAction,
    LetDown,
    Mood,
    Noticed,
    Sensation,
    Session,
    Side,
)

# A few seconds of grace: phones' clocks and the server's disagree a little.
FUTURE_GRACE = timedelta(minutes=2)
EDGE_GRACE = timedelta(seconds=1)


def _clock(at: datetime) -> str:
    return l10n.format_time(at, seconds=True)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        # Seconds matter: let-down offsets are counted from the session's start.
        super().__init__(format="%Y-%m-%dT%H:%M:%S", attrs={"step": "1"})


EARLIEST_YEAR = 2000  # older dates are typos, and year 1 cannot even be converted to UTC


def _not_future(value: datetime) -> datetime:
    # The local year is checked before any arithmetic that could overflow near year 1.
    if value.year < EARLIEST_YEAR:
        raise forms.ValidationError(_("This date is too far in the past."))
    if value > timezone.now() + FUTURE_GRACE:
        raise forms.ValidationError(_("This time is in the future."))
    return value


class VolumeField(forms.FloatField):
    def __init__(self, *, unit: str, **kwargs: Any) -> None:
        limit = MAX_VOLUME_ML if unit == Unit.ML else round(MAX_VOLUME_ML / ML_PER_OZ, 1)
        kwargs.setdefault("required", False)
        super().__init__(
            min_value=0,
            max_value=limit,
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            error_messages={
                "max_value": _("More than %(limit)s %(unit)s is not a plausible volume.")
                % {"limit": limit, "unit": unit},
                "min_value": _("A volume cannot be negative."),
            },
            **kwargs,
        )


def _chips(choices: Any, label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class LetDownDetailsForm(forms.ModelForm[LetDown]):
    noticed = _chips(Noticed.choices, _("How did you notice it?"))
    sensations = _chips(Sensation.choices, _("Sensations"))
    mood = forms.ChoiceField(
        label=_("Mood at let-down"),
        choices=Mood.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = LetDown
        fields = ("noticed", "sensations", "mood")

    def __init__(self, *args: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind is None and self.instance.session_id:
            kind = self.instance.session.kind
        if kind == Kind.NURSING:  # no pump at the breast
            field = self.fields["noticed"]
            field.choices = [c for c in field.choices if c[0] != Noticed.PUMP_FLOW]  # type: ignore[attr-defined]


class LetDownEditForm(LetDownDetailsForm):
    at = forms.DateTimeField(label=_("Time"), widget=DateTimeLocalInput())
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)

    class Meta:
        model = LetDown
        fields = ("at", "side", "noticed", "sensations", "mood")

    def clean_at(self) -> datetime:
        at = _not_future(self.cleaned_data["at"])
        session = self.instance.session
        end = session.ended_at or timezone.now() + FUTURE_GRACE
        if not session.started_at <= at <= end:
            raise forms.ValidationError(_("A let-down must fall within its session."))
        return at


def overlap_error(other: Session) -> forms.ValidationError:
    url = reverse("session_edit", args=[other.pk])
    return forms.ValidationError(
        format_html(
            '{} <a href="{}">{}</a>',
            _("This overlaps another session:"),
            url,
            _session_label(other),
        )
    )


class SessionForm(forms.ModelForm[Session]):
    """Editing a session, or filling in its details after ending it."""

    aids = _chips(Aid.choices, _("Techniques and triggers"))
    anxiety_before = forms.TypedChoiceField(
        label=_("How anxious did you feel before? (0 calm – 10 very)"),
        choices=[("", "–")] + [(i, str(i)) for i in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Session
        fields: tuple[str, ...] = ("started_at", "ended_at", "anxiety_before", "aids", "notes")
        widgets = {
            "started_at": DateTimeLocalInput(),
            "ended_at": DateTimeLocalInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"notes": VisibleCharField}

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        unit = household.unit
        self.fields["volume_left"] = VolumeField(unit=unit, label=_("Left (%s)") % unit)
        self.fields["volume_right"] = VolumeField(unit=unit, label=_("Right (%s)") % unit)
        if self.instance.pk:
            self.initial["volume_left"] = from_ml(self.instance.volume_left_ml, unit)
            self.initial["volume_right"] = from_ml(self.instance.volume_right_ml, unit)
        if self.instance.pk and self.instance.ended_at is None:
            del self.fields["ended_at"]  # still running: it is ended with the End button
        else:
            self.fields["ended_at"].required = True

    def _unchanged_or(self, name: str) -> datetime:
        # Saving volumes must not shift a time by the sub-second part the form cannot show.
        if self.instance.pk and name not in self.changed_data:
            kept: datetime = getattr(self.instance, name)
            return kept
        return _not_future(self.cleaned_data[name])

    def clean_started_at(self) -> datetime:
        return self._unchanged_or("started_at")

    def clean_ended_at(self) -> datetime:
        return self._unchanged_or("ended_at")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_at"), data.get("ended_at", self.instance.ended_at)
        if start and end and end <= start:
            self.add_error("ended_at", _("The end must be after the start."))
        elif start:
            other = (
                Session.objects.for_household(self.household)
                .overlapping(start, end, exclude_pk=self.instance.pk)
                .first()
            )
            if other is not None:
                self.add_error(None, overlap_error(other))
            elif self.instance.pk:
                self._fit_contents(start, end)
        return data

    def _fit_contents(self, start: datetime, end: datetime | None) -> None:
        """What the session holds must stay inside it, or every figure counted from its start
        is wrong (a let-down before the start shows at 0:00). An edit that would leave a
        let-down or a side (and the pauses between sides) outside is refused, naming each:
        only she knows where it belongs. The form shows whole seconds, so anything within
        the second of an edge is inside."""
        outside: list[str] = []
        for letdown in self.instance.letdowns.order_by("at"):
            if letdown.at < start - EDGE_GRACE or (end and letdown.at > end + EDGE_GRACE):
                outside.append(_("the let-down at %(time)s") % {"time": _clock(letdown.at)})
        segments = list(self.instance.segments.order_by("started_at", "pk"))
        old_start, old_end = self.instance.started_at, self.instance.ended_at
        for index, segment in enumerate(segments):
            # The stretch that began at the session's start moves with it, and the one that
            # ended at its end moves with that (services.save_session_times); a side in
            # between is hers to place.
            seg_start, seg_end = segment.started_at, segment.ended_at
            if index == 0 and abs(seg_start - old_start) <= EDGE_GRACE:
                seg_start = start
            last = index == len(segments) - 1
            if last and old_end and seg_end and end and abs(seg_end - old_end) <= EDGE_GRACE:
                seg_end = end
            if (
                seg_start < start - EDGE_GRACE
                or (end and seg_end and seg_end > end + EDGE_GRACE)
                or (seg_end is not None and seg_end <= seg_start)
            ):
                outside.append(
                    _("the %(side)s side from %(start)s to %(end)s")
                    % {
                        "side": segment.get_side_display().lower(),
                        "start": _clock(segment.started_at),
                        "end": _clock(segment.ended_at) if segment.ended_at else _("now"),
                    }
                )
        if outside:
            self.add_error(
                None,
                _(
                    "With these times, %(what)s would fall outside the session. Choose times "
                    "around them, or change or delete a let-down first."
                )
                % {"what": ", ".join(outside)},
            )

    def save(self, commit: bool = True) -> Session:
        unit = self.household.unit
        self.instance.volume_left_ml = to_ml(self.cleaned_data.get("volume_left"), unit)
        self.instance.volume_right_ml = to_ml(self.cleaned_data.get("volume_right"), unit)
        return super().save(commit)


class PastSessionForm(SessionForm):
    """A session logged afterwards, when she could not tap during it."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)

    class Meta(SessionForm.Meta):
        fields = ("kind", "started_at", "ended_at", "anxiety_before", "aids", "notes")


class LeakForm(forms.ModelForm[Leak]):
    actions = _chips(LeakAction.choices, _("What you did"))

    class Meta:
        model = Leak
        fields = ("at", "side", "trigger", "amount", "actions", "notes")
        widgets = {
            "at": DateTimeLocalInput(),
            "side": forms.RadioSelect,
            "trigger": forms.RadioSelect,
            "amount": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"notes": VisibleCharField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _drop_blank_choice(self, "side", "trigger", "amount")

    def clean_at(self) -> datetime:
        return _not_future(self.cleaned_data["at"])


def _drop_blank_choice(form: forms.BaseForm, *names: str) -> None:
    """Radio chips never offer "---------": a blank chip looked chosen and said nothing.
    An optional field is left empty by choosing none."""
    for name in names:
        field = form.fields[name]
        field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]


def _session_label(session: Session) -> str:
    return f"{session.get_kind_display()} {l10n.format_datetime(session.started_at, 'day_month')}"


class FeedForm(forms.ModelForm[BottleFeed]):
    class Meta:
        model = BottleFeed
        fields = ("at", "milk", "session", "notes")
        widgets = {
            "at": DateTimeLocalInput(),
            "milk": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"notes": VisibleCharField}

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        unit = household.unit
        self.fields["volume"] = VolumeField(unit=unit, label=_("Volume (%s)") % unit, required=True)
        if self.instance.pk:
            self.initial["volume"] = from_ml(self.instance.volume_ml, unit)
        # Only her own recent nursing sessions can be topped up.
        since = timezone.now() - timedelta(days=2)
        self.fields["session"].queryset = (  # type: ignore[attr-defined]
            Session.objects.for_household(household)
            .filter(kind=Kind.NURSING, started_at__gte=since)
            .order_by("-started_at")
        )
        self.fields["session"].required = False
        self.fields["session"].label_from_instance = _session_label  # type: ignore[attr-defined]
        self.fields["session"].empty_label = _("No, a feed on its own")  # type: ignore[attr-defined]
        _drop_blank_choice(self, "milk")
        # The volume first: it is what she came to type, on the number keyboard.
        self.order_fields(["volume", "milk", "at", "session", "notes"])

    def clean_at(self) -> datetime:
        return _not_future(self.cleaned_data["at"])

    def clean_volume(self) -> float:
        volume: float | None = self.cleaned_data["volume"]
        if volume is None or volume <= 0:
            raise forms.ValidationError(_("Enter how much the baby had."))
        return volume

    def save(self, commit: bool = True) -> BottleFeed:
        self.instance.volume_ml = to_ml(self.cleaned_data["volume"], self.household.unit) or 0
        return super().save(commit)
