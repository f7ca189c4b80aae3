"""Forms of the routine builder and the media library. Ranges come from the catalogue, so a
form can only offer what the engine accepts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from letdown.accounts.models import Household
from letdown.core.forms import VisibleCharField
from letdown.core.units import duration

from .catalogue import NumberParam, StepType, step_types_for
from .models import Media, MediaKind, Routine

# Lengths offered in the builder: a list to pick from is easier one-handed than typing seconds.
_DURATION_PRESETS_S = (
    5,
    10,
    15,
    20,
    30,
    45,
    60,
    90,
    120,
    180,
    240,
    300,
    420,
    600,
    900,
    1200,
    1800,
    2700,
    3600,
)


def _duration_choices(param: NumberParam, current: int | None) -> list[tuple[int, str]]:
    if param.maximum - param.minimum <= 10:
        # A short range (a breath's length): every second of it.
        values = set(range(param.minimum, param.maximum + 1))
    else:
        values = {p for p in _DURATION_PRESETS_S if param.minimum <= p <= param.maximum}
    values |= {param.minimum, param.maximum, param.default}
    if current is not None:
        values.add(current)
    return [(value, duration(value)) for value in sorted(values)]


class RoutineForm(forms.ModelForm[Routine]):
    class Meta:
        model = Routine
        fields = ("name", "kind")
        widgets = {"kind": forms.RadioSelect}
        field_classes = {"name": VisibleCharField}


class RenameForm(forms.ModelForm[Routine]):
    class Meta:
        model = Routine
        fields = ("name",)
        field_classes = {"name": VisibleCharField}


class AddStepForm(forms.Form):
    slug = forms.ChoiceField(label=gettext_lazy("Add a step"))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.slug, _(s.title)) for s in step_types_for(kind)]
        self.fields["slug"].choices = choices  # type: ignore[attr-defined]


class StepSettingsForm(forms.Form):
    """The settings of one step in a routine, built from the step's catalogue entry."""

    def __init__(
        self,
        *args: Any,
        step_type: StepType,
        params: dict[str, Any],
        household: Household,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", params)
        super().__init__(*args, **kwargs)
        self.step_type = step_type
        for param in step_type.number_params:
            if param.minimum == param.maximum:
                continue  # fixed by the step (the imagery script sets its own length)
            current = params.get(param.name)
            label = {
                "duration_s": _("How long"),
                "inhale_s": _("Breathe in for"),
                "exhale_s": _("Breathe out for"),
            }.get(param.name, param.name)
            if param.name == "duration_s" and step_type.per_side_allowed:
                label = _("How long (each side when per side)")
            self.fields[param.name] = forms.TypedChoiceField(
                label=label, choices=_duration_choices(param, current), coerce=int
            )
        if step_type.per_side_allowed:
            self.fields["per_side"] = forms.BooleanField(
                label=_("One breast, then the other"), required=False
            )
        if step_type.media is not None:
            queryset = Media.objects.filter(household=household, kind=step_type.media)
            self.fields["media_id"] = forms.ModelChoiceField(
                label=_("Your recording") if step_type.media == "audio" else _("Your photo"),
                queryset=queryset,
                required=False,
                empty_label=(
                    _("None: a calm sound made on the phone")
                    if step_type.slug == "relaxing_sound"
                    else _("Your newest recording")
                    if step_type.media == "audio"
                    else _("Your newest photo")
                ),
            )
            if isinstance(params.get("media_id"), int):
                self.initial["media_id"] = params["media_id"]

    def params(self) -> dict[str, Any]:
        """The cleaned settings, in the shape the catalogue validates."""
        data = dict(self.cleaned_data)
        if "media_id" in data:
            data["media_id"] = data["media_id"].pk if data["media_id"] else None
        return data


class MediaUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What is it?"), choices=MediaKind.choices, widget=forms.RadioSelect
    )
    name = VisibleCharField(label=gettext_lazy("Name"), max_length=80, required=False)
    # The phone's picker offers only what can play (sniffed again on the server).
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "audio/*,image/jpeg,image/png,image/webp"}
        ),
    )
    # The recording's length as the recorder timed it (seconds); sent by the recorder only.
    duration_s = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=0)
