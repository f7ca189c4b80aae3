"""Her reminder, as a form: what it follows, when, quiet hours, repeats and devices."""

from __future__ import annotations

import re
from datetime import time
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from letdown.core.forms import VisibleCharField

from .models import Basis, Kind, PushSubscription, Repeat

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_TIMES = 12


class ReminderForm(forms.Form):
    enabled = forms.BooleanField(label=_("On"), required=False, initial=True)
    kind = forms.ChoiceField(label=_("Remind me"), choices=Kind.choices, widget=forms.RadioSelect)
    basis = forms.ChoiceField(
        label=_("When a feed or pump is due"),
        choices=Basis.choices,
        initial=Basis.PREDICTED,
        widget=forms.RadioSelect,
        help_text=_(
            "The prediction comes from your own feeds at this time of day (Insights); while "
            "there are too few, no reminder is sent."
        ),
    )
    interval_minutes = forms.IntegerField(
        label=_("Fixed interval (minutes)"), min_value=15, max_value=24 * 60, initial=180
    )
    lead_minutes = forms.IntegerField(
        label=_("Remind me this many minutes before"), min_value=0, max_value=120, initial=0
    )
    times = forms.CharField(
        label=_("Pump at (times of day)"),
        required=False,
        help_text=_("Like 07:00, 13:30, 22:00"),
    )
    quiet_start = forms.TimeField(label=_("Quiet from"), required=False)
    quiet_end = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        help_text=_("Nothing is sent in between; 22:00 to 06:00 goes across midnight."),
    )
    repeat_minutes = forms.TypedChoiceField(
        label=_("Repeat"), choices=Repeat.choices, coerce=int, initial=Repeat.NONE
    )
    devices = forms.ModelMultipleChoiceField(
        label=_("Devices"),
        queryset=PushSubscription.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all your devices."),
    )

    def __init__(self, *args: Any, devices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["devices"].queryset = devices  # type: ignore[attr-defined]

    def clean_times(self) -> list[str]:
        text: str = self.cleaned_data["times"]
        found = []
        for part in filter(None, (p.strip() for p in re.split(r"[,\s;]+", text))):
            match = _TIME.match(part)
            if not match:
                raise forms.ValidationError(
                    _("“%(part)s” is not a time of day like 07:00."), params={"part": part}
                )
            found.append(time(int(match[1]), int(match[2])).strftime("%H:%M"))
        if len(found) > MAX_TIMES:
            raise forms.ValidationError(_("At most %(n)d times a day."), params={"n": MAX_TIMES})
        return sorted(set(found))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Kind.PUMP_AT and not data.get("times") and "times" in data:
            self.add_error("times", _("Give at least one time of day to pump at."))
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            self.add_error("quiet_end", _("Give both ends of the quiet hours, or neither."))
        return data


class DeviceForm(forms.Form):
    """What the page's script sends once the browser has subscribed."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)
    name = VisibleCharField(max_length=60)

    def clean_endpoint(self) -> str:
        endpoint: str = self.cleaned_data["endpoint"]
        if not endpoint.startswith("https://"):
            raise forms.ValidationError(_("A push service address must use https."))
        # The server will post to this address: only the browsers' push services, never an
        # address inside her network that a member could aim it at.
        host = (urlsplit(endpoint).hostname or "").lower()
        if not any(host == h or host.endswith("." + h) for h in settings.LETDOWN_PUSH_HOSTS):
            raise forms.ValidationError(_("That is not a known browser push service."))
        return endpoint
