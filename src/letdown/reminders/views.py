"""Reminders in Settings: her reminders, her devices, the log and a test; the device
subscription the page's script posts; and the small endpoint the open app polls for a banner."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from letdown.accounts import policy
from letdown.accounts.access import household_of, household_view
from letdown.accounts.models import User

from . import selectors, services, vapid
from .forms import DeviceForm, ReminderForm
from .models import Reminder


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _values(form: ReminderForm) -> dict[str, object]:
    return {k: v for k, v in form.cleaned_data.items() if k != "devices"}


def _page(
    request: HttpRequest, form: ReminderForm, editing: Reminder | None, status: int = 200
) -> HttpResponse:
    household, user = household_of(request), _user(request)
    reminders = list(selectors.reminders_of(household, user))
    context = {
        "form": form,
        "editing": editing,
        "reminders": reminders,
        "devices": list(selectors.devices_of(household, user)),
        "log": selectors.log_of(household, user),
        "any_enabled": any(r.enabled for r in reminders),
        "public_key": vapid.public_key(),
    }
    return render(request, "reminders/settings.html", context, status=status)


@household_view(read=policy.Action.REMINDERS, write=policy.Action.REMINDERS)
def reminders_page(request: HttpRequest) -> HttpResponse:
    household, user = household_of(request), _user(request)
    devices = selectors.devices_of(household, user)
    form = ReminderForm(request.POST if request.method == "POST" else None, devices=devices)
    if request.method != "POST":
        return _page(request, form, None)
    if not form.is_valid():
        return _page(request, form, None, status=400)
    services.save_reminder(
        household=household,
        user=user,
        reminder=None,
        values=_values(form),
        devices=list(form.cleaned_data["devices"]),
    )
    messages.success(request, _("Reminder saved."))
    return redirect("reminders:settings")


def _own_reminder(request: HttpRequest, pk: int) -> Reminder:
    # Reminders are per person: a partner's are hers to see, not his, and a stranger's 404.
    return get_object_or_404(Reminder, pk=pk, household=household_of(request), user=_user(request))


@household_view(read=policy.Action.REMINDERS, write=policy.Action.REMINDERS)
def reminder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = _own_reminder(request, pk)
    devices = selectors.devices_of(household_of(request), _user(request))
    initial = {
        "enabled": reminder.enabled,
        "kind": reminder.kind,
        "basis": reminder.basis,
        "interval_minutes": reminder.interval_minutes,
        "lead_minutes": reminder.lead_minutes,
        "times": ", ".join(reminder.times),
        "quiet_start": reminder.quiet_start,
        "quiet_end": reminder.quiet_end,
        "repeat_minutes": reminder.repeat_minutes,
        "devices": list(reminder.devices.all()),
    }
    form = ReminderForm(
        request.POST if request.method == "POST" else None, initial=initial, devices=devices
    )
    if request.method != "POST":
        return _page(request, form, reminder)
    if not form.is_valid():
        return _page(request, form, reminder, status=400)
    services.save_reminder(
        household=household_of(request),
        user=_user(request),
        reminder=reminder,
        values=_values(form),
        devices=list(form.cleaned_data["devices"]),
    )
    messages.success(request, _("Reminder saved."))
    return redirect("reminders:settings")


@household_view(read=policy.Action.REMINDERS, write=policy.Action.REMINDERS)
@require_POST
def reminder_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.delete_reminder(reminder=_own_reminder(request, pk))
    messages.success(request, _("Reminder deleted."))
    return redirect("reminders:settings")


@household_view(read=policy.Action.REMINDERS, write=policy.Action.REMINDERS)
@require_POST
def device_add(request: HttpRequest) -> JsonResponse:
    try:
        data = json.loads(request.body)
        keys = data.get("keys") or {}
        form = DeviceForm(
            {
                "endpoint": data.get("endpoint"),
                "p256dh": keys.get("p256dh"),
                "auth": keys.get("auth"),
                "name": data.get("name"),
            }
        )
    except (ValueError, AttributeError):
        return JsonResponse({"error": _("This is not a subscription.")}, status=400)
    if not form.is_valid():
        return JsonResponse(
            {"error": _("This is not a subscription."), "fields": form.errors}, status=400
        )
    subscription = services.save_subscription(
        household=household_of(request), user=_user(request), **form.cleaned_data
    )
    return JsonResponse({"id": subscription.pk, "name": subscription.name}, status=201)


@household_view(read=policy.Action.REMINDERS, write=policy.Action.REMINDERS)
@require_POST
def device_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(
        selectors.devices_of(household_of(request), _user(request)), pk=pk
    )
    services.delete_subscription(subscription=subscription)
    messages.success(request, _("Device removed."))
    return redirect("reminders:settings")


@household_view(read=policy.Action.REMINDERS, write=policy.Action.REMINDERS)
@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    delivery = services.send_test(
        household=household_of(request), user=_user(request), now=timezone.now()
    )
    messages.info(
        request, _("Test: %(outcome)s.") % {"outcome": delivery.get_outcome_display().lower()}
    )
    return redirect("reminders:settings")


@household_view(read=policy.Action.REMINDERS)
@require_GET
def due_banner(request: HttpRequest) -> JsonResponse:
    """What the open app shows at the top of the page: the reminder that stands now, if any.
    `poll: false` tells a page of someone with no reminder on to stop asking."""
    household, user = household_of(request), _user(request)
    has_any = selectors.reminders_of(household, user).filter(enabled=True).exists()
    found = selectors.standing(household, user, timezone.now()) if has_any else None
    if found is None:
        return JsonResponse({"poll": has_any, "due": None})
    reminder, fire = found
    payload = services.payload(reminder, fire.fire_at)
    return JsonResponse(
        {
            "poll": True,
            "due": {
                "key": f"{reminder.pk}:{fire.fire_at.isoformat()}",
                "body": payload["body"],
                "url": payload["url"],
                "action": payload["action"],
            },
        }
    )
