"""Sign-up, onboarding and household settings forms."""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm, UsernameField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from letdown.core.forms import VisibleCharField
from letdown.core.l10n import LANGUAGE_NAMES
from letdown.core.text import looks_alike

from .models import Clock, Household, Role, Unit, User

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


class SignupForm(UserCreationForm[User]):
    class Meta:
        model = User
        fields = ("username",)
        # Django's own username field: it NFKC-normalises what is typed ("ｓａｍ" is "sam").
        field_classes = {"username": UsernameField}


def _not_future(value: date) -> date:
    if value > timezone.localdate():
        raise forms.ValidationError(_("The birth date cannot be in the future."))
    # Counted in days: replace(year=...) fails on 29 February.
    if value < timezone.localdate() - timedelta(days=5 * 365):
        raise forms.ValidationError(_("That birth date is more than five years ago."))
    return value


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            choices=[(tz, tz.replace("_", " ")) for tz in TIME_ZONES],
            label=_("Time zone"),
            **kwargs,  # type: ignore[arg-type]
        )


class OnboardingForm(forms.Form):
    parent_name = VisibleCharField(label=_("Your name"), max_length=80)
    baby_name = VisibleCharField(label=_("Baby's name"), max_length=80)
    baby_birth_date = forms.DateField(
        label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    twin_name = VisibleCharField(label=_("Twin's name (if twins)"), max_length=80, required=False)
    lactation_number = forms.TypedChoiceField(
        label=_("Is this your first baby to breastfeed?"),
        coerce=int,
        choices=[(1, _("Yes, my first")), (2, _("No, my second")), (3, _("Third or later"))],
        initial=1,
    )
    unit = forms.ChoiceField(label=_("Volumes in"), choices=Unit.choices, initial=Unit.ML)
    time_zone = TimeZoneField()

    def clean_baby_birth_date(self) -> date:
        return _not_future(self.cleaned_data["baby_birth_date"])


class HouseholdSettingsForm(forms.Form):
    parent_name = VisibleCharField(label=_("Name of the breastfeeding parent"), max_length=80)
    unit = forms.ChoiceField(label=_("Volumes in"), choices=Unit.choices)
    time_zone = TimeZoneField()


class NewBabyForm(forms.Form):
    """A new baby starts a new lactation, so insights can compare this one with earlier ones."""

    baby_name = VisibleCharField(label=_("Baby's name"), max_length=80)
    baby_birth_date = forms.DateField(
        label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_baby_birth_date(self) -> date:
        return _not_future(self.cleaned_data["baby_birth_date"])


class MemberForm(UserCreationForm[User]):
    """A new member of her household. Django's username field already NFKC-normalises the
    name (so a full-width "ａlice" is "alice") and refuses one taken in any case; a name that
    only looks like a member's ("аlice" in Cyrillic) is refused too, so no one can pass for
    her partner in the household's list."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.CAREGIVER)
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("Where a password-reset email goes, when this server sends email."),
    )

    class Meta:
        model = User
        fields = ("username",)
        # Django's own username field: it NFKC-normalises what is typed ("ｓａｍ" is "sam").
        field_classes = {"username": UsernameField}

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.household = household

    def clean_username(self) -> str:
        username: str = super().clean_username()
        if self.has_error("username"):
            return username  # taken already: one message is enough
        for member in self.household.members.values_list("username", flat=True):
            if looks_alike(username, member):
                raise forms.ValidationError(
                    _(
                        "“%(name)s” looks too much like “%(member)s”, who is already in your "
                        "household. Please choose a name that looks different."
                    ),
                    code="confusable",
                    params={"name": username, "member": member},
                )
        return username


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MemberEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Where a password-reset email goes, when this server sends email."),
    )


def _language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES.get(code, code)) for code, _name in settings.LANGUAGES]


class LanguageForm(forms.Form):
    """Her language (blank: as her browser asks) and, for a member, her clock."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    clock = forms.ChoiceField(label=_("Times"), choices=Clock.choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("As my browser asks")),
            *_language_choices(),
        ]


class PublicNameForm(forms.Form):
    public_name = VisibleCharField(
        label=_("Name shown with your Learn comments"),
        max_length=80,
        required=False,
        help_text=_(
            "The only thing of yours anyone else sees with a comment: not your account name, "
            "nor your household's. Empty until you choose one. Comments you already posted "
            "keep the name they were posted with."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        error_messages={"max_length": _("Please keep the name under %(limit_value)s characters.")},
    )
