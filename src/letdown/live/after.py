"""The pages after a session or a leak: the logbook's entry (its figures and its form) with the
Learn articles for what just happened, chosen here by Learn's selectors. They sit above the
logbook and Learn so that neither imports the other; the templates only render the choice."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from letdown.accounts import policy
from letdown.accounts.access import household_of, household_view
from letdown.accounts.policy import Action as A
from letdown.learn import selectors as learn
from letdown.logbook import selectors, services
from letdown.logbook.forms import LeakForm, SessionForm
from letdown.logbook.models import Kind, Leak


@household_view(write=A.ENTRY_CHANGE)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_of(request)
    session = selectors.session_or_404(household, pk)
    if request.method == "POST":
        policy.require(request, A.ENTRY_CHANGE, session)
    was = (session.started_at, session.ended_at)  # the form writes her new times on it
    form = SessionForm(request.POST or None, instance=session, household=household)
    if request.method == "POST" and form.is_valid():
        services.save_session_times(household=household, session=form.save(commit=False), was=was)
        messages.success(request, _("Saved."))
        return redirect(selectors.day_url(session.started_at))
    if session.kind != Kind.NURSING and not form.errors:
        # Focus lands on what she came to type (item: focus goes to the main action).
        form.fields["volume_left"].widget.attrs["autofocus"] = True
    now = timezone.now()
    facts = session.facts(now)
    context = {
        "session": session,
        "facts": facts,
        "form": form,
        "just_ended": request.GET.get("ended") == "1",
        "other_errors": bool(set(form.errors) - {"volume_left", "volume_right"}),
        "household": household,
        "recent_end": selectors.recent_end(session, now),
        "can_change": policy.allows(request, A.ENTRY_CHANGE, session),
        "can_delete": policy.allows(request, A.ENTRY_DELETE, session),
        "can_add": policy.allows(request, A.ENTRY_ADD),
        "can_live": policy.allows(request, A.LIVE),
        "changeable_letdowns": {
            ld.pk for ld in session.letdowns.all() if policy.allows(request, A.ENTRY_CHANGE, ld)
        },
        # After a slow or absent let-down: how to help it along (none after a quick one).
        "learn_articles": learn.articles_after_session(
            ended=session.ended_at is not None,
            time_to_first_letdown_s=facts.time_to_first_letdown_s,
            lactation_number=session.lactation.number,
        ),
    }
    return render(request, "logbook/session_edit.html", context, status=400 if form.errors else 200)


@household_view(write=A.ENTRY_CHANGE)
@require_http_methods(["GET", "POST"])
def leak_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation after logging a leak: what helps, the articles on leaks, and the
    details form."""
    household = household_of(request)
    leak = get_object_or_404(Leak, pk=pk, household=household)
    can_change = policy.allows(request, A.ENTRY_CHANGE, leak)
    if request.method == "POST" and not can_change:
        policy.require(request, A.ENTRY_CHANGE, leak)
    # A leak logged in one tap starts from her last answers; one she filled in keeps its own.
    defaults = selectors.leak_defaults(household)
    initial = {name: value for name, value in defaults.items() if not getattr(leak, name)}
    form = LeakForm(request.POST or None, instance=leak, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_entry(household=household, entry=form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect(selectors.day_url(leak.at))
    context = {
        "leak": leak,
        "form": form,
        "can_change": can_change,
        "learn_articles": learn.articles_after_leak(),
    }
    return render(request, "logbook/leak_detail.html", context, status=400 if form.errors else 200)
