"""Nappy and weight forms: weights entered in her unit (grams, or ounces to 0.1) and stored in
grams; every rule the database holds is explained next to the field."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import Baby, Household, Unit
from letdown.core.units import from_g, to_g, weight_unit

from .models import MAX_WEIGHT_G, MIN_WEIGHT_G, Nappy, StoolColour, Weighing

FUTURE_GRACE = timedelta(minutes=2)


class _DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def _not_future(value: datetime) -> datetime:
    if value.year < 2000:
        raise forms.ValidationError(_("This date is too far in the past."))
    if value > timezone.now() + FUTURE_GRACE:
        raise forms.ValidationError(_("This time is in the future."))
    return value


class _BabyChoice(forms.ModelChoiceField[Baby]):
    def label_from_instance(self, obj: Baby) -> str:
        return str(obj.name)


class NappyForm(forms.ModelForm[Nappy]):
    class Meta:
        model = Nappy
        fields = ("at", "wet", "dirty", "stool_colour")
        widgets = {"at": _DateTimeLocal(), "stool_colour": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stool_colour"].choices = list(StoolColour.choices)  # type: ignore[attr-defined]
        self.fields["stool_colour"].required = False

    def clean_at(self) -> datetime:
        return _not_future(self.cleaned_data["at"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("wet") and not data.get("dirty"):
            raise forms.ValidationError(_("Tick wet, dirty or both."))
        if data.get("stool_colour") and not data.get("dirty"):
            self.add_error("stool_colour", _("A stool colour goes with a dirty nappy."))
        return data


class WeightField(forms.FloatField):
    def __init__(self, *, unit: str, **kwargs: Any) -> None:
        low, high = from_g(MIN_WEIGHT_G, unit), from_g(MAX_WEIGHT_G, unit)
        step = "0.1" if unit == Unit.OZ else "1"
        message = _("Enter a weight between %(low)s and %(high)s %(unit)s.") % {
            "low": low,
            "high": high,
            "unit": weight_unit(unit),
        }
        super().__init__(
            min_value=low,
            max_value=high,
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": step}),
            error_messages={"min_value": message, "max_value": message},
            **kwargs,
        )


class WeighingForm(forms.ModelForm[Weighing]):
    class Meta:
        model = Weighing
        fields = ("baby", "at")
        widgets = {"at": _DateTimeLocal()}
        field_classes = {"baby": _BabyChoice}

    def __init__(self, *args: Any, household: Household, babies: list[Baby], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household
        unit = household.unit
        name = weight_unit(unit)
        self.fields["baby"].queryset = Baby.objects.filter(  # type: ignore[attr-defined]
            household=household, pk__in=[b.pk for b in babies] or [self.instance.baby_id]
        )
        self.fields["baby"].empty_label = None  # type: ignore[attr-defined]
        self.fields["weight"] = WeightField(unit=unit, label=_("Weight (%s)") % name)
        self.fields["after_feed"] = WeightField(
            unit=unit,
            required=False,
            label=_("Weight after the feed (%s), for a weighed feed") % name,
            help_text=_(
                "Weigh before and after the feed, same clothes and nappy, on a scale that "
                "reads 2 g or 0.1 oz: the difference is what the baby took."
            ),
        )
        if self.instance.pk:
            self.initial["weight"] = from_g(self.instance.weight_g, unit)
            self.initial["after_feed"] = from_g(self.instance.after_feed_g, unit)

    def clean_at(self) -> datetime:
        return _not_future(self.cleaned_data["at"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        before, after = data.get("weight"), data.get("after_feed")
        if before is not None and after is not None and after < before:
            self.add_error(
                "after_feed",
                _(
                    "This is less than the weight before the feed: weigh in the same clothes "
                    "and nappy, or leave it empty."
                ),
            )
        return data

    def save(self, commit: bool = True) -> Weighing:
        unit = self.household.unit
        self.instance.weight_g = to_g(self.cleaned_data["weight"], unit) or 0
        self.instance.after_feed_g = to_g(self.cleaned_data.get("after_feed"), unit)
        return super().save(commit)
