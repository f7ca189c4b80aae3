"""Operations on routines, runs and media. The engine decides what a run is doing; these
functions store what happened, hand the engine its inputs and write the results where the
Logbook and Insights read them."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from letdown.accounts.models import Household, Lactation, User
from letdown.accounts.services import changing
from letdown.logbook import services as logbook
from letdown.logbook.models import Kind, Session
from letdown.logbook.selectors import pump_switch_time_s

from . import images
from .catalogue import STEP_TYPES, default_routine, validate_params
from .engine import EVENT_TYPES, Event, RunState, state_at, steps_used
from .media_types import MAX_BYTES, SNIFF_BYTES, sniff
from .models import Media, Routine, RoutineRun, RunEvent, clean_steps

# A run that ended this long before a session started still counts as that session's routine:
# she played it, then started the session from the Today screen.
RUN_BEFORE_SESSION_WINDOW = timedelta(minutes=30)
# The events a phone may post; session_started and finish come from the server.
CLIENT_EVENT_TYPES = frozenset({"pause", "resume", "next", "back", "skip", "letdown"})


def _seconds_since(start: datetime, at: datetime) -> float:
    return max((at - start).total_seconds(), 0.0)


# --- routines ---------------------------------------------------------------------------------


def _free_name(household: Household, name: str) -> str:
    taken = set(Routine.objects.filter(household=household).values_list("name", flat=True))
    if name not in taken:
        return name
    number = 2
    while f"{name} ({number})" in taken:
        number += 1
    return f"{name} ({number})"


def create_routine(
    *, household: Household, name: str, kind: str, steps: list[dict[str, Any]]
) -> Routine:
    routine = Routine(household=household, name=_free_name(household, name), kind=kind, steps=steps)
    routine.full_clean(exclude=["household"])
    with changing(household):
        routine.save()
    return routine


def create_default_routine(*, household: Household, kind: str) -> Routine:
    steps = [{"slug": s.slug, "params": dict(s.params)} for s in default_routine(kind)]
    return create_routine(household=household, name=str(Kind(kind).label), kind=kind, steps=steps)


def save_steps(*, routine: Routine, steps: list[dict[str, Any]]) -> None:
    """Replace the routine's steps; raises ValidationError for anything the catalogue refuses."""
    routine.steps = clean_steps(steps, routine.kind)
    with changing(routine.household):
        routine.save(update_fields=["steps", "updated_at"])


def rename_routine(*, routine: Routine) -> None:
    """Save the name the rename form put on the routine."""
    with changing(routine.household):
        routine.save(update_fields=["name", "updated_at"])


def delete_routine(*, routine: Routine) -> None:
    with changing(routine.household):
        routine.delete()


# --- runs -------------------------------------------------------------------------------------


def _usual_switch_s(household: Household) -> float | None:
    return pump_switch_time_s(household)


def newest_media(household_media: list[Media], kind: str | None) -> Media | None:
    """Her newest file of a kind (the list newest first, as Media orders it)."""
    return next((media for media in household_media if media.kind == kind), None)


def _snapshot_steps(routine: Routine) -> list[dict[str, Any]]:
    """The routine's steps as this run plays them. A cry or photo step with no file chosen (or
    one deleted since) plays her newest of that kind. A cry step plays for the recording's own
    length when the browser measured it (the catalogue clamps it into the step's range)."""
    household_media = list(Media.objects.filter(household_id=routine.household_id))  # newest first
    by_pk = {media.pk: media for media in household_media}
    steps = []
    for step in routine.steps:
        params = dict(step["params"])
        media = by_pk.get(params.get("media_id"))  # type: ignore[arg-type]
        if params.get("media_id") is not None and media is None:
            params["media_id"] = None  # deleted since the routine was built
        step_type = STEP_TYPES[step["slug"]]
        if media is None and step_type.media_required:
            media = newest_media(household_media, step_type.media)
            params["media_id"] = media.pk if media is not None else None
        if step["slug"] == "baby_cry" and media is not None and media.duration_s:
            params["duration_s"] = media.duration_s
        steps.append({"slug": step["slug"], "params": validate_params(step["slug"], params)})
    return steps


def start_run(*, routine: Routine, at: datetime) -> RoutineRun:
    """Start playing a routine; a run still going in the household is finished first, so there
    is only ever one to follow on the session screen."""
    household = routine.household
    with changing(household):
        for running in RoutineRun.objects.filter(household=household, finished_at__isnull=True):
            _finish(running, at)
        run = RoutineRun.objects.create(
            household=household,
            routine=routine,
            name=routine.name,
            kind=routine.kind,
            steps=_snapshot_steps(routine),
            usual_switch_s=_usual_switch_s(household),
            started_at=at,
        )
    return run


def _append(run: RoutineRun, type: str, at: datetime, position: int | None = None) -> RunEvent:
    return RunEvent.objects.create(
        household_id=run.household_id,
        run=run,
        at_s=_seconds_since(run.started_at, at),
        type=type,
        position=position,
    )


def _finish(run: RoutineRun, at: datetime) -> None:
    if run.finished_at is None:
        _append(run, "finish", at)
        run.finished_at = at
        RoutineRun.objects.filter(pk=run.pk).update(finished_at=at)


def engine_events(run: RoutineRun) -> list[Event]:
    """Everything that happened in the run: its own events, and every let-down tapped in the
    session it carried into. Let-downs are read from the Logbook here (and only here), so the
    session screen's Let-down button moves the pump phases without writing twice."""
    events = [event.as_event() for event in run.events.all()]
    if run.session_id is not None:
        letdown_times = run.session.letdowns.values_list("at", flat=True)  # type: ignore[union-attr]
        events.extend(
            Event(at_s=_seconds_since(run.started_at, at), type="letdown")
            for at in letdown_times
            if at >= run.started_at
        )
    return events


def run_state(run: RoutineRun, now: datetime) -> RunState:
    return state_at(
        run.step_configs(),
        engine_events(run),
        _seconds_since(run.started_at, now),
        usual_switch_s=run.usual_switch_s,
    )


def append_event(
    *, run: RoutineRun, type: str, at: datetime, position: int | None = None
) -> RunState:
    """A tap in the player. A let-down goes to the session's log when the run has one."""
    if type not in CLIENT_EVENT_TYPES:
        raise ValueError(f"Unknown event type {type!r}; expected one of {sorted(EVENT_TYPES)}")
    household = run.household
    with changing(household):
        if type == "letdown" and run.session is not None and run.session.is_active:
            logbook.record_tap(
                household=household, session_pk=run.session.pk, type="letdown", at=at, now=at
            )
        elif run.finished_at is None:
            _append(run, type, at, position)
        state = run_state(run, at)
        if state.finished and run.finished_at is None:
            _finish(run, at)
    return state


def finish_run(*, run: RoutineRun, at: datetime) -> None:
    with changing(run.household):
        _finish(run, at)


def start_session_from_run(
    *, run: RoutineRun, lactation: Lactation, side: str, at: datetime, by: User | None = None
) -> Session:
    """A Logbook session of the run's kind that the run carries into.
    Raises logbook.LogbookError when a session is already running."""
    with changing(run.household):
        session = logbook.start_session(
            household=run.household,
            lactation=lactation,
            kind=run.kind,
            side=side,
            at=at,
            now=at,
            by=by,
        ).session
        follow_in_session(run=run, session=session, at=at)
    return session


def carry_into_session(
    *, run: RoutineRun, lactation: Lactation, side: str, at: datetime, by: User | None = None
) -> Session:
    """Start pumping now: a new session, or the one already running (started on the other
    phone, say), which the run then follows unless another run already does."""
    try:
        return start_session_from_run(run=run, lactation=lactation, side=side, at=at, by=by)
    except logbook.LogbookError as error:
        running = error.other
        if running is None:
            raise
        if not RoutineRun.objects.filter(session=running).exists():
            follow_in_session(run=run, session=running, at=at)
        return running


def _run_for_session(session: Session) -> RoutineRun | None:
    """The run that went with a session: the one carried into it, else one she played in the
    half hour before it started and then started the session herself."""
    linked = RoutineRun.objects.filter(session=session).first()
    if linked is not None:
        return linked
    window_start = session.started_at - RUN_BEFORE_SESSION_WINDOW
    return (
        RoutineRun.objects.filter(
            household_id=session.household_id,
            session__isnull=True,
            started_at__lte=session.started_at,
        )
        .filter(
            Q(finished_at__isnull=True, started_at__gte=window_start)
            | Q(finished_at__gte=window_start)
        )
        .order_by("-started_at")
        .first()
    )


def record_routine_steps(*, session: Session, at: datetime) -> list[dict[str, Any]]:
    """Called when a session ends: finish the run that went with it and write the steps that
    ran long enough onto the session (`routine_steps`), adding their techniques to its aids."""
    run = _run_for_session(session)
    if run is None:
        return []
    end = run.finished_at or at
    if run.session_id is None:
        run.session = session
        run.save(update_fields=["session"])
    _finish(run, at)
    used = steps_used(
        run.step_configs(),
        engine_events(run),
        _seconds_since(run.started_at, end),
        usual_switch_s=run.usual_switch_s,
    )
    routine_steps = [
        {"step": step.step_slug, "aid": step.aid, "duration_s": round(step.duration_s)}
        for step in used
    ]
    aids = list(session.aids or [])
    aids.extend(step.aid for step in used if step.aid and step.aid not in aids)
    # dict.fromkeys keeps the order and drops a technique two steps share.
    session.aids = list(dict.fromkeys(aids))
    session.routine_steps = routine_steps
    Session.objects.filter(pk=session.pk).update(aids=session.aids, routine_steps=routine_steps)
    return routine_steps


def state_as_json(run: RoutineRun, state: RunState) -> dict[str, Any]:
    data = asdict(state)
    data["step_active_s"] = list(state.step_active_s)
    data["run_id"] = run.pk
    data["session_id"] = run.session_id
    data["step_count"] = len(run.steps)
    if state.index is not None:
        step = run.steps[state.index]
        data["step_title"] = _(STEP_TYPES[step["slug"]].title)
        data["params"] = step["params"]
    return data


# --- media ------------------------------------------------------------------------------------


class MediaError(Exception):
    """A file we will not keep; the message is shown to her next to the field."""


def default_media_name(kind: str) -> str:
    return _("Recording") if kind == "audio" else _("Photo")


def media_quota_bytes() -> int:
    return int(settings.MEDIA_QUOTA_MB) * 1024 * 1024


def media_used_bytes(household: Household) -> int:
    used = Media.objects.filter(household=household).aggregate(total=Sum("size_bytes"))["total"]
    return int(used or 0)


def _mb(size_bytes: int) -> str:
    return f"{size_bytes / (1024 * 1024):.1f}"


def _reencoded_photo(uploaded: UploadedFile) -> images.StoredImage:
    try:
        return images.reencode(uploaded)
    except images.ImageRefused as refused:
        if refused.reason == "too_many_pixels":
            raise MediaError(
                _(
                    "This photo has too many pixels to open safely%(size)s: a photo can have "
                    "at most %(mp)d megapixels."
                )
                % {
                    "size": f" ({refused.width} × {refused.height})" if refused.width else "",
                    "mp": images.MAX_PIXELS // 1_000_000,
                }
            ) from refused
        raise MediaError(
            _("This photo could not be read: it may be damaged. Try another copy of it.")
        ) from refused
    finally:
        uploaded.seek(0)


def save_media(
    *,
    household: Household,
    uploaded: UploadedFile,
    name: str,
    duration_s: float | None = None,
    expected_kind: str | None = None,
) -> Media:
    """Keep a file of hers after checking what it is from its first bytes and its size; a
    photo is decoded and written anew (images.py); the household's files stay within its
    quota (LETDOWN_MEDIA_QUOTA_MB)."""
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    file_type = sniff(head)
    if file_type is not None and expected_kind and file_type.kind != expected_kind:
        # Say what the file is and what was asked for: "not a sound or a photo" about a PNG
        # chosen as a sound sent her looking for a different file.
        raise MediaError(
            _("This file is a photo, not a sound: choose “Photo” above, or pick a recording.")
            if file_type.kind == "image"
            else _("This file is a sound, not a photo: choose “Sound” above, or pick a photo.")
        )
    if file_type is None:
        raise MediaError(
            _(
                "This file is not a sound or a photo we can play (try MP3, M4A, WebM, OGG, WAV, "
                "JPEG, PNG or WebP)."
            )
        )
    limit = MAX_BYTES[file_type.kind]
    if uploaded.size is None or uploaded.size > limit:
        raise MediaError(
            _("This file is too big: a %(kind)s can be at most %(mb)d MB.")
            % {
                "kind": _("sound") if file_type.kind == "audio" else _("photo"),
                "mb": limit // (1024 * 1024),
            }
        )
    if duration_s is not None and not 0 < duration_s < 24 * 3600:
        duration_s = None
    content: File[Any] = uploaded
    content_type, extension, size = file_type.content_type, file_type.extension, uploaded.size
    if file_type.kind == "image":
        photo = _reencoded_photo(uploaded)
        content = ContentFile(photo.data)
        content_type, extension, size = photo.content_type, photo.extension, len(photo.data)
    # A random name in a folder of her household: no file name of hers reaches the disk.
    content.name = f"{secrets.token_urlsafe(24)}.{extension}"
    # `changing` writes her household's row first and holds its lock until commit: two uploads
    # at once cannot both fit in the last space.
    with changing(household):
        used, quota = media_used_bytes(household), media_quota_bytes()
        if used + size > quota:
            raise MediaError(
                _(
                    "There is no room for this file: your recordings and photos may take "
                    "%(quota)s MB on this server, %(used)s MB are in use and this file needs "
                    "%(size)s MB. Delete something you no longer play to make room."
                )
                % {"quota": _mb(quota), "used": _mb(used), "size": _mb(size)}
            )
        media = Media.objects.create(
            household=household,
            kind=file_type.kind,
            name=name.strip()[:80] or default_media_name(file_type.kind),
            file=content,
            content_type=content_type,
            size_bytes=size,
            duration_s=duration_s,
        )
    return media


def delete_media(*, media: Media) -> None:
    """Delete the file from disk too; routines that used it play the step without it."""
    storage, path = media.file.storage, media.file.name
    with changing(media.household):
        media.delete()
    if path:
        storage.delete(path)


def follow_in_session(*, run: RoutineRun, session: Session, at: datetime) -> bool:
    """Carry a run into a session: from now on the session screen shows it, its let-downs move
    the pump phases, and the pump phases start if the run has not reached them.

    False, and nothing changed, when the session already follows another run (a stale page's
    "follow", or two phones at once): a session follows one run, as the database insists."""
    if RoutineRun.objects.filter(session=session).exclude(pk=run.pk).exists():
        return False
    try:
        with changing(run.household):
            run.session = session
            run.save(update_fields=["session"])
            _append(run, "session_started", at)
    except IntegrityError:  # the other phone won just now
        return False
    return True
