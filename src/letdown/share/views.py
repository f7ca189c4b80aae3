"""Her report (page and PDF), her shares in Settings, and the pages a share link opens.

Members' pages go through `household_view`; creating and revoking a share is the owner's. A
link's pages go through `share_view`, which resolves the token to one household, read only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from letdown.accounts import policy
from letdown.accounts.access import household_of, household_view
from letdown.accounts.models import Household, Unit
from letdown.accounts.policy import Action as A
from letdown.babylog.ranges import NAPPY_SOURCES
from letdown.insights.views import page_content as insights_content
from letdown.logbook import selectors as logbook

from . import selectors, services
from .access import share_view
from .forms import PeriodForm, QuestionsForm, ShareForm
from .models import Share
from .pdf import PAGE_SIZES, PdfUnavailable, report_pdf
from .report import PeriodError, build_report, choose_period


def _report_context(request: HttpRequest, household: Household) -> tuple[dict[str, Any], int]:
    """The report of the period in the query string; 400 with the form's message if it is
    not one."""
    today = timezone.now().astimezone(household.tz).date()
    form = PeriodForm(request.GET or None)
    start: date | None = None
    end: date | None = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    try:
        first, last = choose_period(today, start, end)
    except PeriodError as error:
        form.add_error(None, str(error))
        first, last = choose_period(today, None, None)
    status = 400 if form.errors else 200
    if not form.is_bound:  # the default period, shown in the fields she may change
        form = PeriodForm(initial={"start": first, "end": last})
    report = build_report(household, first, last, timezone.now())
    context = {
        "report": report,
        "household": household,
        "unit": household.unit,
        "period_form": form,
        "nappy_sources": NAPPY_SOURCES,
        "query": f"?start={first.isoformat()}&end={last.isoformat()}",
    }
    return context, status


def _paper(request: HttpRequest, household: Household) -> str:
    """A4, or US Letter for a household that counts in ounces; ?paper= chooses."""
    asked = request.GET.get("paper", "")
    if asked in PAGE_SIZES:
        return asked
    return "letter" if household.unit == Unit.OZ else "a4"


def _pdf_response(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    report = context["report"]
    paper = _paper(request, report.household)
    try:
        pdf = report_pdf(context, paper)
    except PdfUnavailable:
        message = _(
            "The PDF cannot be made on this server: it needs Pango "
            "(apt-get install libpango-1.0-0 libpangoft2-1.0-0). The report page prints as well."
        )
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"letdown-report-{report.first.isoformat()}-{report.last.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@household_view
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    context, status = _report_context(request, household)
    context["questions_form"] = QuestionsForm(initial={"questions": context["report"].questions})
    context["can_change"] = policy.allows(request, A.SHARES_MANAGE)
    return render(request, "share/report.html", context, status=status)


@household_view
@require_GET
def report_download(request: HttpRequest) -> HttpResponse:
    context, status = _report_context(request, household_of(request))
    if status != 200:
        return render(request, "share/report.html", context, status=status)
    return _pdf_response(request, context)


@household_view(write=A.SHARES_MANAGE)
@require_POST
def report_questions(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    form = QuestionsForm(request.POST)
    if not form.is_valid():
        context, _status = _report_context(request, household)
        context.update(questions_form=form, can_change=True)
        return render(request, "share/report.html", context, status=400)
    services.save_questions(
        household=household, text=form.cleaned_data["questions"], now=timezone.now()
    )
    messages.success(request, _("Questions saved."))
    return redirect(reverse("report") + request.POST.get("query", ""))


@household_view(read=A.SHARES_MANAGE, write=A.SHARES_MANAGE)
@require_http_methods(["GET", "POST"])
def shares(request: HttpRequest) -> HttpResponse:
    """Settings → Share with your specialist: her links, their last visits, a new one."""
    household = household_of(request)
    now = timezone.now()
    form = ShareForm(request.POST or None)
    new_link = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = services.create_share(
            household=household,
            name=data["name"],
            now=now,
            days=data["days"],
            shows_report=data["shows_report"],
            shows_history=data["shows_history"],
            shows_insights=data["shows_insights"],
        )
        # Shown once: only its hash is kept.
        new_link = request.build_absolute_uri(reverse("share_link", args=[made.token]))
        to = data.get("email")
        if to and services.email_link(share=made.share, link=new_link, to=to):
            messages.success(request, _("The link was sent to %(to)s.") % {"to": to})
        elif to:
            messages.warning(
                request, _("The email could not be sent: copy the link below and send it yourself.")
            )
        form = ShareForm()
    context = {"form": form, "lines": selectors.shares_of(household, now), "new_link": new_link}
    status = 400 if form.errors else 200
    return render(request, "share/shares.html", context, status=status)


@household_view(write=A.SHARES_MANAGE)
@require_POST
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_of(request)
    share = get_object_or_404(Share, pk=pk, household=household)
    services.revoke_share(household=household, share=share, now=timezone.now())
    messages.success(request, _("The link for %(name)s no longer opens.") % {"name": share.name})
    return redirect("shares")


def _link_context(share: Share, token: str, part: str) -> dict[str, Any]:
    return {"share": share, "token": token, "part": part, "household": share.household}


@share_view(None)
def link_home(request: HttpRequest, share: Share, token: str) -> HttpResponse:
    for part in ("report", "history", "insights"):
        if getattr(share, f"shows_{part}"):
            return redirect(f"share_{part}", token)
    raise AssertionError("a share shows something (a database constraint)")


@share_view("report")
def link_report(request: HttpRequest, share: Share, token: str) -> HttpResponse:
    context, status = _report_context(request, share.household)
    context.update(_link_context(share, token, "report"))
    return render(request, "share/link_report.html", context, status=status)


@share_view("report")
def link_report_download(request: HttpRequest, share: Share, token: str) -> HttpResponse:
    context, status = _report_context(request, share.household)
    if status != 200:
        context.update(_link_context(share, token, "report"))
        return render(request, "share/link_report.html", context, status=status)
    return _pdf_response(request, context)


@share_view("history")
def link_history(request: HttpRequest, share: Share, token: str) -> HttpResponse:
    household = share.household
    now = timezone.now()
    today = now.astimezone(household.tz).date()
    try:
        until = date.fromisoformat(request.GET["until"]) if "until" in request.GET else today
    except ValueError:
        until = None
    context = _link_context(share, token, "history")
    if until is None:
        context["message"] = _("That is not a date.")
        return render(request, "share/link_error.html", context, status=400)
    until = max(min(until, today), date(2000, 1, 7))
    page = logbook.history_page(household, until, now)
    context.update(days=page.days, older=page.older, until=until)
    return render(request, "share/link_history.html", context)


@share_view("insights")
def link_insights(request: HttpRequest, share: Share, token: str) -> HttpResponse:
    context = {"content": insights_content(share.household, share=True)}
    context.update(_link_context(share, token, "insights"))
    return render(request, "share/link_insights.html", context)
