"""The choices on the "Inside your let-down" page, as a plain GET form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ExplainerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Feeding or pumping"),
        choices=[("breastfeed", _("Baby at the breast")), ("pump", _("Pump, both sides"))],
        initial="breastfeed",
        widget=forms.RadioSelect,
    )
    anxiety = forms.TypedChoiceField(
        label=_("Stress or distraction during the session"),
        choices=[("0", _("Calm")), ("0.3", _("A little")), ("0.6", _("Quite")), ("0.9", _("Very"))],
        coerce=float,
        initial="0",
        widget=forms.RadioSelect,
    )
    warm_compress_min = forms.TypedChoiceField(
        label=_("Warm compress before"),
        choices=[("0", _("None")), ("5", _("5 min")), ("10", _("10 min")), ("20", _("20 min"))],
        coerce=float,
        initial="0",
        widget=forms.RadioSelect,
    )
    baby_cry_s = forms.TypedChoiceField(
        label=_("Hearing the baby cry just before"),
        choices=[("0", _("No")), ("30", _("30 s")), ("120", _("2 min"))],
        coerce=float,
        initial="0",
        widget=forms.RadioSelect,
    )
    weeks_postpartum = forms.TypedChoiceField(
        label=_("Weeks since the birth"),
        choices=[("1", "1"), ("2", "2"), ("4", "4"), ("8", "8"), ("26", "26")],
        coerce=float,
        initial="8",
        widget=forms.RadioSelect,
    )
    lactation = forms.ChoiceField(
        label=_("Breastfed a baby before?"),
        choices=[("first", _("No, first baby")), ("later", _("Yes"))],
        initial="first",
        widget=forms.RadioSelect,
    )


DEFAULTS = {name: field.initial for name, field in ExplainerForm.base_fields.items()}
