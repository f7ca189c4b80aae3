"""Settings → Your data: export her data, import another app's file or pull from her Baby Buddy
server after a preview. Only the breastfeeding parent; everything scoped to her household."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from letdown.accounts.access import household_of, household_view
from letdown.accounts.models import Household
from letdown.accounts.policy import Action as A

from .babybuddy_api import PullError, fetch_babybuddy
from .export import export_csv_zip, export_json, export_json_zip
from .formats import FormatError, default_weight_unit, read
from .forms import MAX_UPLOAD_BYTES, ExportForm, ImportForm, PullForm
from .incoming import Problem
from .models import PendingImport
from .services import Outcome, import_rows

# Room for the form's other fields and the multipart boundaries around the file.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
PENDING_FOR = timedelta(hours=1)


def _initial(household: Household) -> dict[str, str]:
    return {
        "time_zone": household.time_zone,
        "unit": household.unit,
        "weight_unit": default_weight_unit(household.unit),
    }


def _import_form(household: Household, data: object = None, files: object = None) -> ImportForm:
    return ImportForm(data, files, initial=_initial(household))  # type: ignore[arg-type]


def _pull_form(household: Household, data: object = None) -> PullForm:
    # Prefixed: its zone and unit fields sit on the page beside the import form's.
    return PullForm(data, initial=_initial(household), prefix="pull")  # type: ignore[arg-type]


def _page(
    request: HttpRequest, household: Household, status: int = 200, **forms: object
) -> HttpResponse:
    """The data page, with the form she sent (and its errors) in place of its blank one."""
    context = {
        "export_form": ExportForm(),
        "import_form": _import_form(household),
        "pull_form": _pull_form(household),
        **forms,
    }
    return render(request, "transfer/data.html", context, status=status)


@household_view(read=A.DATA_EXPORT)
@require_GET
def data_page(request: HttpRequest) -> HttpResponse:
    return _page(request, household_of(request))


@household_view(read=A.DATA_EXPORT)
@require_GET
def export_download(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _page(request, household, 400, export_form=form)
    now = timezone.now()
    stamp = now.astimezone(household.tz).strftime("%Y-%m-%d")
    media = form.cleaned_data["with_media"]
    if form.cleaned_data["format"] == "csv":
        body, kind, name = export_csv_zip(household, now=now, media=media), "zip", "csv.zip"
    elif media:
        body, kind, name = export_json_zip(household, now=now), "zip", "zip"
    else:
        body, kind, name = export_json(household, now=now), "json", "json"
    response = HttpResponse(
        body, content_type="application/zip" if kind == "zip" else "application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="letdown-{stamp}.{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _read(pending: PendingImport, household: Household, *, dry_run: bool) -> Outcome:
    try:
        incoming = read(
            pending.source,
            bytes(pending.content),
            pending.file_name,
            tz=ZoneInfo(pending.time_zone),
            unit=pending.unit,
            weight_unit=pending.weight_unit,
        )
    except FormatError as error:
        return Outcome(problems=[Problem(_("the file"), str(error))])
    return import_rows(household=household, incoming=incoming, dry_run=dry_run)


@household_view(read=A.DATA_IMPORT, write=A.DATA_IMPORT)
@require_POST
def import_preview(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    # Refused before the body is read: a 100 MB upload is not parsed, stored or kept.
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
        return _page(request, household, 413, too_big=MAX_UPLOAD_BYTES // (1024 * 1024))
    form = _import_form(household, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, household, 400, import_form=form)
    uploaded = form.cleaned_data["file"]
    source = form.cleaned_data["source"]
    return _preview(request, household, source, form.cleaned_data, uploaded.name, uploaded.read())


def _preview(
    request: HttpRequest,
    household: Household,
    source: str,
    fields: dict[str, str],
    name: str,
    content: bytes,
) -> HttpResponse:
    """Keeps what she brought until she confirms, and shows what importing it would store."""
    # One waiting import per household; imports left waiting by anyone are cleared out after
    # an hour (they can be 20 MB each).
    PendingImport.objects.filter(
        Q(household=household) | Q(created_at__lt=timezone.now() - PENDING_FOR)
    ).delete()
    pending = PendingImport.objects.create(
        household=household,
        source=source,
        file_name=name[:200],
        content=content,
        time_zone=fields["time_zone"],
        unit=fields["unit"],
        weight_unit=fields.get("weight_unit") or default_weight_unit(fields["unit"]),
    )
    outcome = _read(pending, household, dry_run=True)
    context = {"pending": pending, "outcome": outcome}
    return render(request, "transfer/preview.html", context, status=200 if outcome.ok else 400)


@sensitive_post_parameters("pull-token")  # never in an error report
@household_view(read=A.DATA_IMPORT, write=A.DATA_IMPORT)
@require_POST
def pull_preview(request: HttpRequest) -> HttpResponse:
    """Pulls her history from her Baby Buddy server now, and previews it like a file. What
    was pulled waits for her confirmation; her token does not: it is not stored anywhere,
    and confirming imports exactly what she saw."""
    household = household_of(request)
    form = _pull_form(household, request.POST)
    if not form.is_valid():
        return _page(request, household, 400, pull_form=form)
    url = form.cleaned_data["url"]
    try:
        content = fetch_babybuddy(
            url, form.cleaned_data["token"], tz=ZoneInfo(form.cleaned_data["time_zone"])
        )
    except FormatError as error:
        form.add_error(error.field if isinstance(error, PullError) else "url", str(error))
        return _page(request, household, 400, pull_form=form)
    name = _("Baby Buddy at %(host)s") % {"host": urlsplit(url).netloc}
    return _preview(request, household, "babybuddy", form.cleaned_data, name, content)


@household_view(read=A.DATA_IMPORT, write=A.DATA_IMPORT)
@require_http_methods(["POST"])
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_of(request)
    pending = PendingImport.objects.filter(
        household=household, pk=pk, created_at__gte=timezone.now() - PENDING_FOR
    ).first()
    if pending is None:
        raise Http404
    outcome = _read(pending, household, dry_run=False)
    if not outcome.ok:
        context = {"pending": pending, "outcome": outcome}
        return render(request, "transfer/preview.html", context, status=400)
    pending.delete()
    created = sum(outcome.created.values())
    messages.success(
        request,
        _("Imported: %(created)d new rows, %(already)d already here.")
        % {"created": created, "already": sum(outcome.already.values())},
    )
    return redirect("transfer:data")
