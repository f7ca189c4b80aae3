"""Logbook pages: home, the live session screen, leaks, bottle feeds and history.
Every query is scoped to the household of the person asking; anything else is a 404."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from letdown.accounts import policy
from letdown.accounts.access import household_of, household_view
from letdown.accounts.models import Household, Lactation, User
from letdown.accounts.policy import Action as A
from letdown.babylog.selectors import current_babies

from . import selectors, services
from .forms import (
    FeedForm,
    LeakForm,
    LetDownEditForm,
    PastSessionForm,
)
from .models import BottleFeed, Leak, LetDown, Session, Side


def _owned(model: type[models.Model], household: Household, pk: int, **extra: Any) -> Any:
    return get_object_or_404(model, pk=pk, household=household, **extra)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _current_lactation(household: Household) -> Lactation:
    lactation = household.current_lactation()
    assert lactation is not None, "onboarding creates the first lactation"
    return lactation


@household_view
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    now = timezone.now()
    summary = selectors.home_summary(household, now)
    context = {
        "household": household,
        "active": summary.active,
        "next_side": summary.next_side,
        "last_feed_at": summary.last_feed_at,
        "today": summary.today,
        "median": summary.median,
        "now": now,
        "can_log": policy.allows(request, A.ENTRY_ADD),
        "can_live": policy.allows(request, A.LIVE),
        "babies": current_babies(household),
    }
    return render(request, "logbook/home.html", context)


@household_view(read=A.ENTRY_ADD, write=A.ENTRY_ADD)
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    # The last hour to start from: most often she logs a feed just after it.
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"started_at": now - timedelta(hours=1), "ended_at": now}
    form = PastSessionForm(request.POST or None, household=household, initial=initial)
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.lactation = _current_lactation(household)
        session.created_by = _user(request)
        services.add_past_session(
            household=household, session=session, side=form.cleaned_data["side"], now=timezone.now()
        )
        messages.success(request, _("Session added."))
        return redirect(selectors.day_url(session.started_at))
    return render(
        request, "logbook/session_new.html", {"form": form}, status=400 if form.errors else 200
    )


@household_view(read=A.ENTRY_ADD, write=A.ENTRY_ADD)
@require_http_methods(["GET", "POST"])
def letdown_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a let-down she forgot to tap, to a session (running or ended)."""
    session = selectors.session_or_404(household_of(request), pk)
    letdown = LetDown(household_id=session.household_id, session=session)
    letdown.created_by = _user(request)
    letdown.side = session.current_side() or Side.BOTH
    return _letdown_form(request, letdown, LetDownEditForm(request.POST or None, instance=letdown))


@household_view(read=A.ENTRY_CHANGE, write=A.ENTRY_CHANGE)
@require_http_methods(["GET", "POST"])
def letdown_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letdown = _owned(LetDown, household_of(request), pk)
    policy.require(request, A.ENTRY_CHANGE, letdown)
    return _letdown_form(request, letdown, LetDownEditForm(request.POST or None, instance=letdown))


def _letdown_form(request: HttpRequest, letdown: LetDown, form: LetDownEditForm) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        services.log_letdown_at(
            household=household_of(request),
            letdown=form.save(commit=False),
            now=timezone.now(),
            by=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("Saved."))
        return redirect("session_edit", letdown.session_id)
    return render(
        request,
        "logbook/letdown_form.html",
        {"form": form, "letdown": letdown},
        status=400 if form.errors else 200,
    )


@household_view(read=A.ENTRY_ADD, write=A.ENTRY_ADD)
@require_http_methods(["GET", "POST"])
def leak_new(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    leak = Leak(
        household=household, lactation=_current_lactation(household), created_by=_user(request)
    )
    initial = {"at": timezone.localtime(), **selectors.leak_defaults(household)}
    form = LeakForm(request.POST or None, instance=leak, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_entry(household=household, entry=form.save(commit=False))
        return redirect("leak_detail", leak.pk)
    return render(
        request, "logbook/leak_form.html", {"form": form}, status=400 if form.errors else 200
    )


@household_view(write=A.ENTRY_ADD)
@require_POST
def leak_quick(request: HttpRequest) -> HttpResponse:
    """The one-tap button on home: a leak now; details can be added on the next screen."""
    household = household_of(request)
    leak = Leak(
        household=household,
        lactation=_current_lactation(household),
        at=timezone.now(),
        created_by=_user(request),
    )
    services.save_entry(household=household, entry=leak)
    return redirect("leak_detail", leak.pk)


@household_view(read=A.ENTRY_ADD, write=A.ENTRY_ADD)
@require_http_methods(["GET", "POST"])
def feed_new(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    feed = BottleFeed(
        household=household, lactation=_current_lactation(household), created_by=_user(request)
    )
    initial: dict[str, Any] = {"at": timezone.localtime(), **selectors.feed_defaults(household)}
    if session_pk := request.GET.get("session"):
        initial["session"] = session_pk
    return _feed_form(request, feed, initial)


@household_view(read=A.ENTRY_CHANGE, write=A.ENTRY_CHANGE)
@require_http_methods(["GET", "POST"])
def feed_edit(request: HttpRequest, pk: int) -> HttpResponse:
    feed = _owned(BottleFeed, household_of(request), pk)
    policy.require(request, A.ENTRY_CHANGE, feed)
    return _feed_form(request, feed, {})


def _feed_form(request: HttpRequest, feed: BottleFeed, initial: dict[str, Any]) -> HttpResponse:
    household = household_of(request)
    form = FeedForm(request.POST or None, instance=feed, household=household, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_entry(household=household, entry=form.save(commit=False))
        messages.success(request, _("Feed saved."))
        return redirect(selectors.day_url(feed.at))
    return render(
        request,
        "logbook/feed_form.html",
        {"form": form, "feed": feed},
        status=400 if form.errors else 200,
    )


DELETABLE: dict[str, type[models.Model]] = {
    "session": Session,
    "letdown": LetDown,
    "leak": Leak,
    "feed": BottleFeed,
}


@household_view(read=A.ENTRY_DELETE, write=A.ENTRY_DELETE)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    model = DELETABLE.get(what)
    if model is None:
        raise Http404
    household = household_of(request)
    obj = _owned(model, household, pk) if model is not LetDown else _owned_letdown(household, pk)
    policy.require(request, A.ENTRY_DELETE, obj)
    if request.method == "POST":
        back = (
            reverse("session_edit", args=[obj.session_id])
            if isinstance(obj, LetDown)
            else selectors.day_url(getattr(obj, "started_at", None) or obj.at)
        )
        services.delete_entry(household=household, entry=obj, now=timezone.now())
        messages.success(request, _("Deleted."))
        return redirect(back)
    context = {
        "obj": obj,
        "what": what,
        "keep_url": _keep_url(obj),
        "unit": household.unit,
        "sides": _sides(obj) if isinstance(obj, Session) else [],
    }
    return render(request, "logbook/delete.html", context)


def _sides(session: Session) -> list[str]:
    """The sides a session used, in the order she first used them ("Left", "Right")."""
    sides = session.segments.order_by("started_at").values_list("side", flat=True)
    return [str(Side(side).label) for side in dict.fromkeys(sides)]


def _owned_letdown(household: Household, pk: int) -> LetDown:
    """A let-down with its session, which the delete screen names."""
    return get_object_or_404(LetDown.objects.select_related("session"), pk=pk, household=household)


def _keep_url(obj: models.Model) -> str:
    """Where "Keep it" goes back to: the page that offered Delete."""
    if isinstance(obj, Session):
        return reverse("session_edit", args=[obj.pk])
    if isinstance(obj, LetDown):
        return reverse("session_edit", args=[obj.session_id])
    if isinstance(obj, Leak):
        return reverse("leak_detail", args=[obj.pk])
    return reverse("feed_edit", args=[obj.pk])


@household_view
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    now = timezone.now()
    today = now.astimezone(household.tz).date()
    until_param = request.GET.get("until")
    try:
        until = date.fromisoformat(until_param) if until_param else today
    except ValueError:
        return render(
            request, "logbook/error.html", {"message": _("That is not a date.")}, status=400
        )
    # Nothing is logged in the future, and the calendar's ends must not overflow below.
    until = max(min(until, today), date(2000, 1, 7))
    page = selectors.history_page(household, until, now)
    context = {
        "days": page.days,
        "older": page.older,
        "household": household,
        "until": until,
        "paged": until < today,  # "before this date" only where she went back in time
        # The entries whose page is only a form, that she may change: the others are listed
        # without a link (a 403 is no place to send her).
        "changeable": {
            entry.url
            for day in page.days
            for entry in day.entries
            if entry.form_only and policy.allows(request, A.ENTRY_CHANGE, entry)
        },
    }
    return render(request, "logbook/history.html", context)
