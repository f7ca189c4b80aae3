"""The choices on the "Inside your let-down" page, as a plain GET form built from the model's
page options (`explainer.PAGE_OPTIONS`), so the form offers exactly the precomputed combinations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from letdown.reflex.explainer import PAGE_DEFAULTS, PAGE_OPTIONS


def _value(option: object) -> str:
    return f"{option:g}" if isinstance(option, float) else str(option)


_LABELS = {
    "kind": {"breastfeed": _("Baby at the breast"), "pump": _("Pump, both sides")},
    "anxiety": {"0": _("Calm"), "0.3": _("A little"), "0.6": _("Quite"), "0.9": _("Very")},
    "warm_compress_min": {"0": _("None"), "5": _("5 min"), "10": _("10 min"), "20": _("20 min")},
    "baby_cry_s": {"0": _("No"), "30": _("30 s"), "120": _("2 min")},
    "lactation": {"first": _("No, first baby"), "later": _("Yes")},
}


def _choices(name: str) -> list[tuple[str, Any]]:
    labels = _LABELS.get(name, {})
    return [(_value(o), labels.get(_value(o), _value(o))) for o in PAGE_OPTIONS[name]]


def _radio(name: str, label: Any, typed: bool) -> forms.Field:
    initial = _value(PAGE_DEFAULTS[name])
    if typed:
        return forms.TypedChoiceField(
            label=label,
            choices=_choices(name),
            coerce=float,
            initial=initial,
            widget=forms.RadioSelect,
        )
    return forms.ChoiceField(
        label=label, choices=_choices(name), initial=initial, widget=forms.RadioSelect
    )


class ExplainerForm(forms.Form):
    kind = _radio("kind", _("Feeding or pumping"), typed=False)
    anxiety = _radio("anxiety", _("Stress or distraction during the session"), typed=True)
    warm_compress_min = _radio("warm_compress_min", _("Warm compress before"), typed=True)
    baby_cry_s = _radio("baby_cry_s", _("Hearing the baby cry just before"), typed=True)
    weeks_postpartum = _radio("weeks_postpartum", _("Weeks since the birth"), typed=True)
    lactation = _radio("lactation", _("Breastfed a baby before?"), typed=False)


DEFAULTS = {name: field.initial for name, field in ExplainerForm.base_fields.items()}
