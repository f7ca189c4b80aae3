"""The share form, the report's period and her questions for the specialist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from letdown.core.forms import VisibleCharField

from .models import DEFAULT_DAYS, MAX_DAYS


class ShareForm(forms.Form):
    name = VisibleCharField(
        label=_("Who it is for"),
        max_length=80,
        help_text=_("For example “Anna, IBCLC”: it is only shown to you."),
    )
    days = forms.IntegerField(
        label=_("Open for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
    shows_report = forms.BooleanField(label=_("The report"), required=False, initial=True)
    shows_history = forms.BooleanField(label=_("The history"), required=False, initial=True)
    shows_insights = forms.BooleanField(label=_("Insights"), required=False, initial=True)
    email = forms.EmailField(
        label=_("Send it by email to (optional)"),
        required=False,
        help_text=_("The specialist's address. The link is also shown here, to copy."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not settings.EMAIL_URL:  # this server sends no mail: she copies the link
            del self.fields["email"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"shows_{part}") for part in ("report", "history", "insights")):
            raise forms.ValidationError(_("Choose at least one thing the link shows."))
        return data


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class QuestionsForm(forms.Form):
    questions = VisibleCharField(
        label=_("Questions for the specialist"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Printed on the first page of the report, and shown through a share."),
    )
