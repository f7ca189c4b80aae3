"""Routine pages: the list, the builder, each step's page, the player (whose state lives on the
server) and the media library. Every query is scoped to the household asking; else a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from letdown.accounts import policy
from letdown.accounts.access import household_of, household_view
from letdown.accounts.policy import Action as A
from letdown.logbook.models import Kind, Session

from . import selectors, services
from .catalogue import IMAGERY_SCRIPT, SESSION_KINDS, STEP_TYPES, StepType
from .forms import AddStepForm, MediaUploadForm, RenameForm, RoutineForm, StepSettingsForm
from .media_types import MAX_BYTES
from .models import Media, Routine, RoutineRun

# The whole request may carry the biggest file plus the form around it; a larger body is turned
# away before Django reads it to disk.
_MAX_UPLOAD_REQUEST_BYTES = max(MAX_BYTES.values()) + 64 * 1024


def _routine(request: HttpRequest, pk: int) -> Routine:
    return get_object_or_404(Routine, pk=pk, household=household_of(request))


def _run(request: HttpRequest, pk: int) -> RoutineRun:
    return get_object_or_404(
        RoutineRun.objects.select_related("session"), pk=pk, household=household_of(request)
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# --- routines and the builder -----------------------------------------------------------------


@household_view
@require_GET
def routine_list(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    context = {
        "routines": Routine.objects.filter(household=household),
        "active_run": selectors.active_run(household),
        "kinds": [(kind, Kind(kind).label) for kind in SESSION_KINDS],
        "media_count": Media.objects.filter(household=household).count(),
        "can_edit": policy.allows(request, A.ROUTINE_EDIT),
        "can_play": policy.allows(request, A.ROUTINE_PLAY),
        "can_see_media": policy.allows(request, A.MEDIA_READ),
    }
    return render(request, "routines/list.html", context)


@household_view(read=A.ROUTINE_EDIT, write=A.ROUTINE_EDIT)
@require_http_methods(["GET", "POST"])
def routine_new(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    form = RoutineForm(request.POST or None, initial={"kind": Kind.PUMPING})
    if request.method == "POST" and form.is_valid():
        routine = services.create_routine(
            household=household,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            steps=[],
        )
        return redirect("routines:edit", routine.pk)
    return render(request, "routines/new.html", {"form": form}, status=400 if form.errors else 200)


@household_view(write=A.ROUTINE_EDIT)
@require_POST
def routine_from_default(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in SESSION_KINDS:
        return render(
            request, "routines/error.html", {"message": _("Choose what it is for.")}, status=400
        )
    routine = services.create_default_routine(household=household_of(request), kind=kind)
    messages.success(request, _("Here is a short routine to start from; change it as you like."))
    return redirect("routines:edit", routine.pk)


def _plays(
    step_type: StepType, params: dict[str, Any], household_media: list[Media]
) -> Media | None:
    """The file a step will play: the one she chose, else (for the cry and the photo) her
    newest; None when there is nothing to play."""
    if step_type.media is None:
        return None
    chosen = next((m for m in household_media if m.pk == params.get("media_id")), None)
    if chosen is None and step_type.media_required:
        return services.newest_media(household_media, step_type.media)
    return chosen


def _builder(request: HttpRequest, routine: Routine, **forms: Any) -> HttpResponse:
    household = household_of(request)
    household_media = list(Media.objects.filter(household=household))  # newest first
    has_errors = any(form.errors for form in forms.values())
    steps = []
    for index, step in enumerate(routine.steps):
        step_type = STEP_TYPES[step["slug"]]
        form = forms.pop(f"step_{index}", None) or StepSettingsForm(
            step_type=step_type,
            params=step["params"],
            household=household,
            prefix=f"s{index}",
        )
        steps.append(
            {
                "index": index,
                "type": step_type,
                "params": step["params"],
                "form": form,
                "plays": _plays(step_type, step["params"], household_media),
            }
        )
    context = {
        "routine": routine,
        "steps": steps,
        "rename_form": forms.get("rename_form") or RenameForm(instance=routine),
        "add_form": forms.get("add_form") or AddStepForm(kind=routine.kind),
    }
    return render(request, "routines/edit.html", context, status=400 if has_errors else 200)


@household_view(read=A.ROUTINE_EDIT, write=A.ROUTINE_EDIT)
@require_http_methods(["GET", "POST"])
def routine_edit(request: HttpRequest, pk: int) -> HttpResponse:
    routine = _routine(request, pk)
    if request.method == "POST":
        form = RenameForm(request.POST, instance=routine)
        if not form.is_valid():
            return _builder(request, routine, rename_form=form)
        services.rename_routine(routine=form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("routines:edit", routine.pk)
    return _builder(request, routine)


@household_view(write=A.ROUTINE_EDIT)
@require_POST
def routine_step_add(request: HttpRequest, pk: int) -> HttpResponse:
    routine = _routine(request, pk)
    form = AddStepForm(request.POST, kind=routine.kind)
    if not form.is_valid():
        return _builder(request, routine, add_form=form)
    steps = [*routine.steps, {"slug": form.cleaned_data["slug"], "params": {}}]
    return _save_steps(request, routine, steps, anchor=f"step-{len(steps) - 1}")


def _save_steps(
    request: HttpRequest, routine: Routine, steps: list[dict[str, Any]], anchor: str = ""
) -> HttpResponse:
    try:
        services.save_steps(routine=routine, steps=steps)
    except ValidationError as error:
        return render(
            request, "routines/error.html", {"message": " ".join(error.messages)}, status=400
        )
    return redirect(reverse("routines:edit", args=[routine.pk]) + (f"#{anchor}" if anchor else ""))


def _step_index(routine: Routine, index: int) -> int:
    if not 0 <= index < len(routine.steps):
        raise Http404
    return index


@household_view(write=A.ROUTINE_EDIT)
@require_POST
def routine_step_update(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    routine = _routine(request, pk)
    index = _step_index(routine, index)
    step = routine.steps[index]
    form = StepSettingsForm(
        request.POST,
        step_type=STEP_TYPES[step["slug"]],
        params=step["params"],
        household=routine.household,
        prefix=f"s{index}",
    )
    if not form.is_valid():
        return _builder(request, routine, **{f"step_{index}": form})
    steps = list(routine.steps)
    steps[index] = {"slug": step["slug"], "params": {**step["params"], **form.params()}}
    messages.success(request, _("Saved."))
    return _save_steps(request, routine, steps, anchor=f"step-{index}")


@household_view(write=A.ROUTINE_EDIT)
@require_POST
def routine_step_move(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    routine = _routine(request, pk)
    index = _step_index(routine, index)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    steps = list(routine.steps)
    if 0 <= target < len(steps):
        steps[index], steps[target] = steps[target], steps[index]
    return _save_steps(
        request, routine, steps, anchor=f"step-{max(min(target, len(steps) - 1), 0)}"
    )


@household_view(write=A.ROUTINE_EDIT)
@require_POST
def routine_step_remove(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    routine = _routine(request, pk)
    index = _step_index(routine, index)
    steps = [step for i, step in enumerate(routine.steps) if i != index]
    return _save_steps(request, routine, steps)


@household_view(read=A.ROUTINE_EDIT, write=A.ROUTINE_EDIT)
@require_http_methods(["GET", "POST"])
def routine_delete(request: HttpRequest, pk: int) -> HttpResponse:
    routine = _routine(request, pk)
    if request.method == "POST":
        services.delete_routine(routine=routine)
        messages.success(request, _("Routine deleted."))
        return redirect("routines:list")
    return render(request, "routines/delete.html", {"routine": routine})


@household_view
@require_GET
def step_info(request: HttpRequest, slug: str) -> HttpResponse:
    step_type = STEP_TYPES.get(slug)
    if step_type is None:
        raise Http404
    return render(request, "routines/step_info.html", {"step": step_type})


# --- the player -------------------------------------------------------------------------------


@household_view(write=A.ROUTINE_PLAY)
@require_POST
def routine_start(request: HttpRequest, pk: int) -> HttpResponse:
    routine = _routine(request, pk)
    if not routine.steps:
        messages.info(request, _("Add a step first."))
        return redirect("routines:edit", routine.pk)
    run = services.start_run(routine=routine, at=timezone.now())
    return redirect("routines:player", run.pk)


@household_view
@require_GET
def run_player(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not policy.allows(request, A.ROUTINE_PLAY):
        # Read only (a specialist): the player's every button writes, and plays her photos.
        return redirect("routines:list")
    state = services.run_state(run, timezone.now())
    steps = selectors.player_steps(run)
    context = {
        "run": run,
        "state": state,
        "state_json": services.state_as_json(run, state),
        "steps": steps,
        "current_step": None if state.index is None else steps[state.index],
        "controls": [
            ("back", _("Back")),
            ("resume", _("Resume")) if state.paused else ("pause", _("Pause")),
            ("next", _("Next")),
        ],
        "player_text": selectors.player_text(),
        "imagery_lines": [_(line.text) for line in IMAGERY_SCRIPT],
        "imagery_durations_s": [line.duration_s for line in IMAGERY_SCRIPT],
        "start_sides": selectors.start_sides(run.kind),
    }
    return render(request, "routines/player.html", context)


@household_view
@require_GET
@never_cache
def run_state(request: HttpRequest, pk: int) -> JsonResponse:
    run = _run(request, pk)
    return JsonResponse(services.state_as_json(run, services.run_state(run, timezone.now())))


@household_view(write=A.ROUTINE_PLAY)
@require_POST
def run_event(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    event_type = request.POST.get("type", "")
    position_text = request.POST.get("position", "")
    # A routine has at most MAX_STEPS steps of two sides; anything longer is not a position.
    # isdigit() alone accepts "²", which int() refuses: only short ASCII digit strings count.
    plain = position_text.isascii() and position_text.isdigit() and len(position_text) <= 3
    position = int(position_text) if plain else None
    if event_type not in services.CLIENT_EVENT_TYPES:
        if _wants_json(request):
            return JsonResponse({"error": _("Unknown action.")}, status=400)
        return render(request, "routines/error.html", {"message": _("Unknown action.")}, status=400)
    state = services.append_event(run=run, type=event_type, at=timezone.now(), position=position)
    if _wants_json(request):
        return JsonResponse(services.state_as_json(run, state))
    if request.POST.get("back_to") == "session" and run.session_id is not None:
        return redirect("session_live", run.session_id)
    return redirect("routines:player", run.pk)


@household_view(write=A.ROUTINE_PLAY)
@require_POST
def run_finish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    services.finish_run(run=run, at=timezone.now())
    return redirect("routines:player", run.pk)


@household_view(write=A.ROUTINE_PLAY)
@require_POST
def run_session(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Start pumping now": the Logbook session starts and the routine carries on in it."""
    run = _run(request, pk)
    household = household_of(request)
    side = request.POST.get("side", "")
    if side not in {value for value, _label in selectors.start_sides(run.kind)}:
        return render(request, "routines/error.html", {"message": _("Choose a side.")}, status=400)
    if run.session_id is not None:
        return redirect("session_live", run.session_id)
    lactation = household.current_lactation()
    assert lactation is not None, "onboarding creates the first lactation"
    session = services.carry_into_session(
        run=run,
        lactation=lactation,
        side=side,
        at=timezone.now(),
        by=request.user,  # type: ignore[arg-type]
    )
    return redirect("session_live", session.pk)


@household_view(write=A.ROUTINE_PLAY)
@require_POST
def session_follow(request: HttpRequest, session_pk: int) -> HttpResponse:
    """Carry the routine she is playing into a session she started from the Today screen."""
    household = household_of(request)
    session = get_object_or_404(Session, pk=session_pk, household=household)
    run = selectors.run_to_follow(session)
    if run is None or not session.is_active:
        return redirect("session_live", session.pk)
    if not services.follow_in_session(run=run, session=session, at=timezone.now()):
        messages.info(request, _("This session already follows a routine."))
    return redirect("session_live", session.pk)


# --- media ------------------------------------------------------------------------------------


def _media_page(
    request: HttpRequest, form: MediaUploadForm, status: int = 200, error: str = ""
) -> HttpResponse:
    household = household_of(request)
    context = {
        "form": form,
        "error": error,
        "player_text": selectors.player_text(),
        "media": Media.objects.filter(household=household),
        "audio_max_mb": MAX_BYTES["audio"] // (1024 * 1024),
        "image_max_mb": MAX_BYTES["image"] // (1024 * 1024),
        "used_bytes": services.media_used_bytes(household),
        "quota_bytes": services.media_quota_bytes(),
        "can_upload": policy.allows(request, A.MEDIA_UPLOAD),
        "can_delete": policy.allows(request, A.MEDIA_DELETE),
    }
    return render(request, "routines/media.html", context, status=status)


@household_view(read=A.MEDIA_READ)
@require_GET
def media_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind")
    return _media_page(request, MediaUploadForm(initial={"kind": kind or "audio"}))


def _upload_error(request: HttpRequest, form: MediaUploadForm, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": message}, status=400)
    form.add_error("file", message)
    return _media_page(request, form, status=400)


@csrf_protect
def _media_upload(request: HttpRequest) -> HttpResponse:
    form = MediaUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        if _wants_json(request):
            message = " ".join(str(m) for errors in form.errors.values() for m in errors)
            return JsonResponse({"error": message}, status=400)
        return _media_page(request, form, status=400)
    try:
        media = services.save_media(
            household=household_of(request),
            uploaded=form.cleaned_data["file"],
            name=form.cleaned_data["name"],
            duration_s=form.cleaned_data["duration_s"],
            expected_kind=form.cleaned_data["kind"],
        )
    except services.MediaError as error:
        return _upload_error(request, form, str(error))
    if _wants_json(request):
        return JsonResponse(
            {
                "id": media.pk,
                "name": media.name,
                "url": reverse("routines:media_file", args=[media.pk]),
            }
        )
    messages.success(request, _("Saved."))
    return redirect("routines:media")


@household_view(write=A.MEDIA_UPLOAD)
@require_POST
@csrf_exempt  # checked by _media_upload, once the size is known to be acceptable
def media_upload(request: HttpRequest) -> HttpResponse:
    # Refuse an oversized body from its declared length, before anything is written to disk;
    # Django reads no more than Content-Length, so the header cannot understate the body.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > _MAX_UPLOAD_REQUEST_BYTES:
        message = _(
            "This file is too big: a sound can be at most %(audio)d MB, a photo %(image)d MB."
        ) % {
            "audio": MAX_BYTES["audio"] // (1024 * 1024),
            "image": MAX_BYTES["image"] // (1024 * 1024),
        }
        if _wants_json(request):
            return JsonResponse({"error": message}, status=400)
        return _media_page(request, MediaUploadForm(), status=400, error=message)
    return _media_upload(request)


@household_view(read=A.MEDIA_READ)
@require_GET
def media_file(request: HttpRequest, pk: int) -> HttpResponse:
    media = get_object_or_404(Media, pk=pk, household=household_of(request))
    try:
        handle = media.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=media.content_type)
    # Her baby's photo and cry must not stay in a shared phone's cache after logout.
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    # A streaming response; household_view's type bound only names HttpResponse.
    return response  # type: ignore[return-value]


@household_view(write=A.MEDIA_DELETE)
@require_POST
def media_delete(request: HttpRequest, pk: int) -> HttpResponse:
    media = get_object_or_404(Media, pk=pk, household=household_of(request))
    services.delete_media(media=media)
    messages.success(request, _("Deleted."))
    return redirect("routines:media")
