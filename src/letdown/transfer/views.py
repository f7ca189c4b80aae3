"""Settings → Your data: export her data, import another app's file after a preview. Only the
breastfeeding parent; everything scoped to her household."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from letdown.accounts.access import household_of, household_view
from letdown.accounts.models import Household
from letdown.accounts.policy import Action as A

from .export import export_csv_zip, export_json, export_json_zip
from .formats import FormatError, read
from .forms import MAX_UPLOAD_BYTES, ExportForm, ImportForm
from .incoming import Problem
from .models import PendingImport
from .services import Outcome, import_rows

# Room for the form's other fields and the multipart boundaries around the file.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024
PENDING_FOR = timedelta(hours=1)


def _import_form(household: Household, data: object = None, files: object = None) -> ImportForm:
    return ImportForm(
        data,  # type: ignore[arg-type]
        files,  # type: ignore[arg-type]
        initial={"time_zone": household.time_zone, "unit": household.unit},
    )


@household_view(read=A.DATA_EXPORT)
@require_GET
def data_page(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    context = {"export_form": ExportForm(), "import_form": _import_form(household)}
    return render(request, "transfer/data.html", context)


@household_view(read=A.DATA_EXPORT)
@require_GET
def export_download(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    form = ExportForm(request.GET)
    if not form.is_valid():
        context = {"export_form": form, "import_form": _import_form(household)}
        return render(request, "transfer/data.html", context, status=400)
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
        context = {
            "export_form": ExportForm(),
            "import_form": _import_form(household),
            "too_big": MAX_UPLOAD_BYTES // (1024 * 1024),
        }
        return render(request, "transfer/data.html", context, status=413)
    form = _import_form(household, request.POST, request.FILES)
    if not form.is_valid():
        context = {"export_form": ExportForm(), "import_form": form}
        return render(request, "transfer/data.html", context, status=400)
    uploaded = form.cleaned_data["file"]
    # One waiting upload per household; uploads left waiting by anyone are cleared out after
    # an hour (they can be 20 MB each).
    PendingImport.objects.filter(
        Q(household=household) | Q(created_at__lt=timezone.now() - PENDING_FOR)
    ).delete()
    pending = PendingImport.objects.create(
        household=household,
        source=form.cleaned_data["source"],
        file_name=uploaded.name[:200],
        content=uploaded.read(),
        time_zone=form.cleaned_data["time_zone"],
        unit=form.cleaned_data["unit"],
    )
    outcome = _read(pending, household, dry_run=True)
    context = {"pending": pending, "outcome": outcome}
    return render(request, "transfer/preview.html", context, status=200 if outcome.ok else 400)


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
