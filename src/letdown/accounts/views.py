"""Sign-up (the first account creates a household), onboarding and household settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import policy, services
from .access import household_of, household_view
from .forms import (
    HouseholdSettingsForm,
    LanguageForm,
    MemberEmailForm,
    MemberForm,
    MemberRoleForm,
    NewBabyForm,
    OnboardingForm,
    PublicNameForm,
    SignupForm,
)
from .models import Baby, Household, Role, User
from .policy import Action as A


def signup_open() -> bool:
    """Open on a fresh install; after that, members are added from inside a household,
    unless the self-hoster runs a shared instance (LETDOWN_OPEN_SIGNUP=1)."""
    return bool(getattr(settings, "OPEN_SIGNUP", False)) or not Household.objects.exists()


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not signup_open():
        return render(request, "registration/signup_closed.html", status=403)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save(commit=False)
            user.household = Household.objects.create()
            user.role = Role.PARENT
            user.save()
        login(request, user, backend="letdown.accounts.backends.HouseholdModelBackend")
        return redirect("onboarding")
    return render(
        request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.household is None:
        user.household = Household.objects.create()
        user.save(update_fields=["household"])
    household = user.household
    if household.onboarded:
        return redirect("home")
    if request.method == "POST":
        policy.require(request, A.HOUSEHOLD_CHANGE)  # the household is its owner's to set up
    form = OnboardingForm(request.POST or None, initial={"time_zone": "UTC"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            services.update_household(
                household=household,
                parent_name=data["parent_name"],
                unit=data["unit"],
                time_zone=data["time_zone"],
                onboarded=True,
            )
            services.add_lactation(
                household=household,
                number=data["lactation_number"],
                birth_date=data["baby_birth_date"],
                baby_names=[name for name in (data["baby_name"], data["twin_name"]) if name],
            )
        return redirect("home")
    return render(
        request, "accounts/onboarding.html", {"form": form}, status=400 if form.errors else 200
    )


@household_view(write=A.HOUSEHOLD_CHANGE)
@require_http_methods(["GET", "POST"])
def household_settings(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    action = request.POST.get("action")
    if action == "member":
        policy.require(request, A.MEMBERS_MANAGE)
    settings_form = HouseholdSettingsForm(
        request.POST if action == "settings" else None,
        initial={
            "parent_name": household.parent_name,
            "unit": household.unit,
            "time_zone": household.time_zone,
        },
    )
    baby_form = NewBabyForm(request.POST if action == "baby" else None)
    member_form = MemberForm(request.POST if action == "member" else None, household=household)
    if action == "settings" and settings_form.is_valid():
        services.update_household(household=household, **settings_form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("household_settings")
    if action == "baby" and baby_form.is_valid():
        last = household.current_lactation()
        services.add_lactation(
            household=household,
            number=(last.number + 1) if last else 1,
            birth_date=baby_form.cleaned_data["baby_birth_date"],
            baby_names=[baby_form.cleaned_data["baby_name"]],
        )
        messages.success(
            request, _("Welcome, %(name)s!") % {"name": baby_form.cleaned_data["baby_name"]}
        )
        return redirect("household_settings")
    if action == "member" and member_form.is_valid():
        member = member_form.save(commit=False)
        member.household = household
        member.role = member_form.cleaned_data["role"]
        member.email = member_form.cleaned_data["email"]
        member.save()
        messages.success(request, _("%(name)s can now log in.") % {"name": member.username})
        return redirect("household_settings")
    context = {
        "settings_form": settings_form,
        "baby_form": baby_form,
        "member_form": member_form,
        "language_form": LanguageForm(
            initial={"language": request.user.language, "clock": request.user.clock}  # type: ignore[union-attr]
        ),
        "members": household.members.order_by("username"),
        "babies": Baby.objects.filter(household=household).select_related("lactation"),
        "can_change": policy.allows(request, A.HOUSEHOLD_CHANGE),
        "can_manage_members": policy.allows(request, A.MEMBERS_MANAGE),
        "can_export": policy.allows(request, A.DATA_EXPORT),
        "can_share": policy.allows(request, A.SHARES_MANAGE),
        "public_name_form": _public_name_form(request),
    }
    bound = action in {"settings", "baby", "member"}
    return render(request, "accounts/settings.html", context, status=400 if bound else 200)


def _public_name_form(request: HttpRequest) -> PublicNameForm | None:
    """Her name on Learn comments, for those who may comment (a specialist may not)."""
    if not policy.allows(request, A.COMMENT_POST):
        return None
    return PublicNameForm(initial={"public_name": request.user.public_name})  # type: ignore[union-attr]


@household_view(read=A.COMMENT_POST, write=A.COMMENT_POST)
@require_http_methods(["GET", "POST"])
def public_name(request: HttpRequest) -> HttpResponse:
    """The name shown with her Learn comments: her own, whatever her role, and never taken
    from her account; Settings shows this form, and this page again when it needs a fix."""
    user: User = request.user  # type: ignore[assignment]
    form = PublicNameForm(
        request.POST if request.method == "POST" else None,
        initial={"public_name": user.public_name},
    )
    if form.is_valid():
        services.set_public_name(user=user, public_name=form.cleaned_data["public_name"])
        messages.success(request, _("Saved."))
        return redirect(reverse("household_settings") + "#public-name")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/public_name.html", {"form": form}, status=status)


@household_view(read=A.MEMBERS_MANAGE, write=A.MEMBERS_MANAGE)
@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, pk: int) -> HttpResponse:
    """One member, for the owner: role, email, deactivate or remove, a password-reset link."""
    household = household_of(request)
    member = get_object_or_404(User, pk=pk, household=household)
    action = request.POST.get("action", "")
    role_form = MemberRoleForm(
        request.POST if action == "role" else None, initial={"role": member.role}
    )
    email_form = MemberEmailForm(
        request.POST if action == "email" else None, initial={"email": member.email}
    )
    reset_link = ""
    try:
        if action == "role" and role_form.is_valid():
            services.change_role(
                household=household, member=member, role=role_form.cleaned_data["role"]
            )
            messages.success(request, _("Role changed."))
            return redirect("member", member.pk)
        if action in {"deactivate", "activate"}:
            active = action == "activate"
            services.set_active(household=household, member=member, active=active)
            done = _("%(name)s can log in again.") if active else _("%(name)s is logged out.")
            messages.success(request, done % {"name": member.username})
            return redirect("member", member.pk)
        if action == "remove" and request.POST.get("confirm") == "yes":
            services.remove_member(household=household, member=member)
            messages.success(request, _("%(name)s was removed.") % {"name": member.username})
            return redirect("household_settings")
    except services.MemberError as error:
        return _member_page(request, member, role_form, email_form, error=str(error), status=409)
    if action == "email" and email_form.is_valid():
        services.set_email(member=member, email=email_form.cleaned_data["email"])
        messages.success(request, _("Saved."))
        return redirect("member", member.pk)
    if action == "reset_link":
        # Shown once, in this answer only: nothing keeps it but the page she is looking at.
        reset_link = request.build_absolute_uri(services.password_reset_path(member))
    if action == "remove":
        unconfirmed = _("Tick the box to confirm the removal.")
        return _member_page(request, member, role_form, email_form, error=unconfirmed, status=400)
    if action and action not in {"role", "email", "reset_link"}:
        return _member_page(request, member, role_form, email_form, status=400)
    bound = action in {"role", "email"}
    return _member_page(
        request, member, role_form, email_form, reset_link=reset_link, status=400 if bound else 200
    )


def _member_page(
    request: HttpRequest,
    member: User,
    role_form: MemberRoleForm,
    email_form: MemberEmailForm,
    *,
    reset_link: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "member": member,
        "role_form": role_form,
        "email_form": email_form,
        "reset_link": reset_link,
        "reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "error": error,
        "is_self": member.pk == request.user.pk,
    }
    return render(request, "accounts/member.html", context, status=status)


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The language switch on public pages and her language and clock in Settings: a member's
    choice is kept on her account (every device, emails too), a visitor's in a cookie. The
    address stays the same: she goes back to the page she was on."""
    policy.require(request, A.LANGUAGE)
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "logbook/error.html",
            {"message": _("Choose one of the languages offered.")},
            status=400,
        )
    chosen = form.cleaned_data["language"]
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    user = request.user
    if user.is_authenticated:
        user.language = chosen
        fields = ["language"]
        if "clock" in request.POST:
            user.clock = form.cleaned_data["clock"]
            fields.append("clock")
        user.save(update_fields=fields)
    if chosen:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response
