from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from letdown.accounts.forms import TimeZoneField
from letdown.accounts.models import Unit

from .babybuddy_api import check_url
from .formats import WEIGHT_UNITS, FormatError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _weight_unit() -> forms.ChoiceField:
    # Optional: left out, it follows her unit (kg for mL, lb for oz).
    return forms.ChoiceField(
        label=_("Baby weights without a unit are in"),
        choices=[(unit, unit) for unit in WEIGHT_UNITS],
        required=False,
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("json", _("JSON: everything, to move to another letdown")),
            ("csv", _("CSV: a zip of spreadsheets, one per kind")),
        ],
        widget=forms.RadioSelect,
        initial="json",
    )
    with_media = forms.BooleanField(label=_("Include my photos and sounds"), required=False)


class ImportForm(forms.Form):
    source = forms.ChoiceField(
        label=_("From"),
        choices=[
            ("babybuddy", _("Baby Buddy (feeding.csv, pumping.csv, or a zip)")),
            ("huckleberry", "Huckleberry (CSV)"),
            ("babytracker", _("Baby Tracker (nursing.csv, pump.csv, …, or a zip)")),
            ("csv", _("A CSV file in letdown's generic format")),
            ("letdown", _("A letdown export (JSON, or zip with media)")),
        ],
    )
    file = forms.FileField(label=_("File"))
    time_zone = TimeZoneField(help_text=_("The zone the file's times were written in."))
    unit = forms.ChoiceField(
        label=_("Amounts without a unit are in"),
        choices=Unit.choices,
    )
    weight_unit = _weight_unit()

    def clean_file(self) -> object:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is too big: at most %(mb)d MB.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return uploaded


class PullForm(forms.Form):
    """Her Baby Buddy's address and API token, to pull from it. The token is used for the pull
    and kept nowhere: not in the page (never shown back), not in the database."""

    url = forms.CharField(
        label=_("Baby Buddy's address"),
        max_length=500,
        widget=forms.TextInput(
            attrs={
                "inputmode": "url",
                "placeholder": "https://babybuddy.example",
                "spellcheck": "false",
            }
        ),
    )
    token = forms.CharField(
        label=_("Your Baby Buddy API key"),
        max_length=200,
        help_text=_("In Baby Buddy: your user settings → API key. Used once, not kept."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    time_zone = TimeZoneField(help_text=_("Baby Buddy's own time zone, for weights' dates."))
    unit = forms.ChoiceField(label=_("Baby Buddy's amounts are in"), choices=Unit.choices)
    weight_unit = _weight_unit()

    def clean_url(self) -> str:
        try:
            return check_url(self.cleaned_data["url"])
        except FormatError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].strip()
        if not token.isascii() or not token.isprintable() or any(c.isspace() for c in token):
            raise forms.ValidationError(
                _("A Baby Buddy API key is letters and digits: copy it from its user settings.")
            )
        return token
