from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from letdown.accounts.forms import TimeZoneField
from letdown.accounts.models import Unit

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


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
            ("babybuddy", "Baby Buddy (feeding.csv, pumping.csv, or a zip)"),
            ("huckleberry", "Huckleberry (CSV)"),
            ("babytracker", "Baby Tracker (nursing.csv, pump.csv, …, or a zip)"),
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

    def clean_file(self) -> object:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is too big: at most %(mb)d MB.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return uploaded
