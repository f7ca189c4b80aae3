"""One-tap nappies from home, the nappy and weight forms. Every object is looked up in the
asking member's household; anything else is a 404."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from letdown.accounts import policy
from letdown.accounts.access import household_of, household_view
from letdown.accounts.models import Baby
from letdown.accounts.policy import Action as A

from . import selectors, services
from .forms import NappyForm, WeighingForm
from .models import Nappy, Weighing

QUICK_KINDS = {"wet": (True, False), "dirty": (False, True), "both": (True, True)}


def _day_url(at: datetime) -> str:
    day = timezone.localtime(at).date()
    return reverse("history") + f"?until={day.isoformat()}#day-{day.isoformat()}"


@household_view(write=A.ENTRY_ADD)
@require_POST
def nappy_quick(request: HttpRequest) -> HttpResponse:
    """The one-tap buttons on home: a nappy now; the colour of a dirty one on the next screen."""
    household = household_of(request)
    kind = QUICK_KINDS.get(request.POST.get("kind", ""))
    baby_id = request.POST.get("baby", "")
    if kind is None or not baby_id.isdigit():
        return render(
            request, "logbook/error.html", {"message": _("Choose a nappy to log.")}, status=400
        )
    baby = get_object_or_404(Baby, pk=int(baby_id), household=household)
    nappy = Nappy(
        household=household,
        baby=baby,
        at=timezone.now(),
        wet=kind[0],
        dirty=kind[1],
        created_by=request.user,  # type: ignore[misc]
    )
    services.save_nappy(household=household, nappy=nappy)
    return redirect("nappy_edit", nappy.pk)


@household_view(read=A.ENTRY_CHANGE, write=A.ENTRY_CHANGE)
@require_http_methods(["GET", "POST"])
def nappy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_of(request)
    nappy = get_object_or_404(Nappy.objects.select_related("baby"), pk=pk, household=household)
    policy.require(request, A.ENTRY_CHANGE, nappy)
    form = NappyForm(request.POST or None, instance=nappy)
    if request.method == "POST" and form.is_valid():
        services.save_nappy(household=household, nappy=form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect(_day_url(nappy.at))
    return render(
        request,
        "babylog/nappy_form.html",
        {"form": form, "nappy": nappy},
        status=400 if form.errors else 200,
    )


@household_view(read=A.ENTRY_ADD, write=A.ENTRY_ADD)
@require_http_methods(["GET", "POST"])
def weighing_new(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    babies = selectors.current_babies(household)
    weighing = Weighing(household=household, created_by=request.user)  # type: ignore[misc]
    initial: dict[str, object] = {"at": timezone.localtime()}
    if (baby_id := request.GET.get("baby", "")).isdigit():
        initial["baby"] = int(baby_id)
    return _weighing_form(request, weighing, babies, initial)


@household_view(read=A.ENTRY_CHANGE, write=A.ENTRY_CHANGE)
@require_http_methods(["GET", "POST"])
def weighing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_of(request)
    weighing = get_object_or_404(Weighing, pk=pk, household=household)
    policy.require(request, A.ENTRY_CHANGE, weighing)
    return _weighing_form(request, weighing, selectors.current_babies(household), {})


def _weighing_form(
    request: HttpRequest, weighing: Weighing, babies: list[Baby], initial: dict[str, object]
) -> HttpResponse:
    household = household_of(request)
    form = WeighingForm(
        request.POST or None, instance=weighing, household=household, babies=babies, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        services.save_weighing(household=household, weighing=form.save(commit=False))
        messages.success(request, _("Weight saved."))
        return redirect(_day_url(weighing.at))
    return render(
        request,
        "babylog/weighing_form.html",
        {"form": form, "weighing": weighing},
        status=400 if form.errors else 200,
    )


DELETABLE = {"nappy": Nappy, "weighing": Weighing}


@household_view(read=A.ENTRY_DELETE, write=A.ENTRY_DELETE)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    model = DELETABLE.get(what)
    if model is None:
        raise Http404
    household = household_of(request)
    entry = get_object_or_404(model, pk=pk, household=household)
    policy.require(request, A.ENTRY_DELETE, entry)
    if request.method == "POST":
        services.delete_entry(household=household, entry=entry)
        messages.success(request, _("Deleted."))
        return redirect(_day_url(entry.at))  # type: ignore[attr-defined]
    keep_url = reverse("nappy_edit" if what == "nappy" else "weighing_edit", args=[entry.pk])
    return render(
        request, "logbook/delete.html", {"obj": entry, "what": what, "keep_url": keep_url}
    )
