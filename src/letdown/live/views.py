"""The live session: Start, the session screen, and every tap on it (let-down, switch, pause,
resume, end, undo, resume after end). Taps are form POSTs that work without JavaScript; sent
with `Accept: application/json` they answer the session's state instead of a redirect, which
is how the screen stays instant and how a phone that was offline sends its taps later.

Each tap may carry `event_id` (a UUID the phone made: a retry is stored once) and `at` (when
she tapped, ISO 8601 with an offset, by the phone's clock corrected to the server's)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from letdown.accounts import policy
from letdown.accounts.access import household_of, household_view
from letdown.accounts.policy import Action as A
from letdown.logbook import projection as p
from letdown.logbook import services as logbook
from letdown.logbook.forms import LetDownDetailsForm
from letdown.logbook.models import JoinedStart, Kind, LetDown, Session, Side, Tap
from letdown.logbook.selectors import session_taps
from letdown.routines.selectors import live_step

from . import services

START_CHOICES = {
    (Kind.NURSING, Side.LEFT),
    (Kind.NURSING, Side.RIGHT),
    (Kind.PUMPING, Side.LEFT),
    (Kind.PUMPING, Side.RIGHT),
    (Kind.PUMPING, Side.BOTH),
    (Kind.HAND_EXPRESSION, Side.LEFT),
    (Kind.HAND_EXPRESSION, Side.RIGHT),
    (Kind.HAND_EXPRESSION, Side.BOTH),
}


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _moment(request: HttpRequest) -> datetime | None:
    """`at` as sent; None when the phone sent none (a plain form): the server's clock."""
    raw = request.POST.get("at", "").strip()
    if not raw:
        return None
    try:
        at = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise logbook.LogbookError(_("That moment is not an ISO 8601 time.")) from exc
    if at.tzinfo is None:
        raise logbook.LogbookError(_("That moment needs its offset from UTC."))
    return at


def _error(request: HttpRequest, error: logbook.LogbookError, now: datetime) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"error": str(error), "server_time": now.isoformat()}, status=error.status
        )
    return render(request, "logbook/error.html", {"message": str(error)}, status=error.status)


def _gone(request: HttpRequest, now: datetime) -> HttpResponse:
    """A tap for a session that is not there (deleted on another phone, or a Start the server
    refused): a final answer, so the phone's outbox shows it and moves on to the next tap."""
    if not _wants_json(request):
        raise Http404
    message = _("That session is no longer here: this tap could not be kept.")
    return JsonResponse({"error": message, "server_time": now.isoformat()}, status=404)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def state_json(session: Session, state: p.SessionState, now: datetime) -> dict[str, Any]:
    """The projection as the phones and the API read it."""
    stop = state.ended_at or now
    side_s = {"left": 0.0, "right": 0.0}
    for span in state.segments:
        seconds = max(0.0, ((span.end or stop) - span.start).total_seconds())
        for side in ("left", "right"):
            if span.side in (side, "both"):
                side_s[side] += seconds
    undo = None
    last = state.letdowns[-1] if state.letdowns else None
    if state.end_tap and now - stop <= p.UNDO_WINDOW:
        undo = {"tap_id": state.end_tap, "type": p.END, "until": _iso(stop + p.UNDO_WINDOW)}
    elif last is not None and state.running and now - last.at <= p.UNDO_WINDOW:
        undo = {"tap_id": last.tap_id, "type": p.LETDOWN, "until": _iso(last.at + p.UNDO_WINDOW)}
    return {
        "id": session.pk,
        "kind": session.kind,
        "started_at": _iso(state.started_at),
        "ended_at": _iso(state.ended_at),
        "running": state.running,
        "paused": state.paused,
        "side": state.side,
        "segments": [
            {"side": s.side, "start": _iso(s.start), "end": _iso(s.end)} for s in state.segments
        ],
        "letdowns": [
            {
                "tap_id": m.tap_id,
                "at": _iso(m.at),
                "offset_s": max(0.0, (m.at - state.started_at).total_seconds()),
                "side": m.side,
            }
            for m in state.letdowns
        ],
        "active_s": {"left": side_s["left"], "right": side_s["right"]},
        "active_total_s": p.active_seconds(state, now),
        "undo": undo,
        "end_tap": state.end_tap or None,
        "start_tap": state.start_tap or None,
        "reopen_until": _iso(state.ended_at + p.REOPEN_WINDOW) if state.ended_at else None,
        "urls": {
            "live": reverse("session_live", args=[session.pk]),
            "edit": reverse("session_edit", args=[session.pk]),
            "state": reverse("session_state", args=[session.pk]),
        },
    }


def _answer(result: logbook.TapResult, now: datetime) -> dict[str, Any]:
    return {
        "server_time": now.isoformat(),
        "tap": {
            "id": result.tap.id,
            "type": result.tap.type,
            "at": _iso(result.tap.at),
            "outcome": result.outcome,
            "created": result.created,
        },
        "message": outcome_message(result),
        "session": state_json(result.session, result.state, now),
    }


def outcome_message(result: logbook.TapResult) -> str:
    outcome, type = result.outcome, result.tap.type
    if outcome == p.AFTER_END:
        return _("This session had already ended.")
    if outcome == p.SAME_AS_LAST and type == p.LETDOWN:
        return _("Same let-down: taps within 10 seconds count as one.")
    if outcome == p.SAME_AS_LAST and type == p.SWITCH:
        return _("Already switched.")
    if type == p.LETDOWN:
        return _("Let-down saved.")
    if type == p.END:
        return _("Session ended.")
    if type == p.UNDO:
        return _("Undone.")
    if type == p.REOPEN:
        return _("Resumed.")
    return ""


@household_view(write=A.LIVE)
@require_POST
def session_start(request: HttpRequest) -> HttpResponse:
    household = household_of(request)
    now = timezone.now()
    kind, _sep, side = request.POST.get("kind_side", "").partition(":")
    try:
        if (kind, side) not in START_CHOICES:
            raise logbook.LogbookError(_("Choose what to start."))
        lactation = household.current_lactation()
        assert lactation is not None, "onboarding creates the first lactation"
        result = logbook.start_session(
            household=household,
            lactation=lactation,
            kind=kind,
            side=side,
            at=_moment(request) or now,
            now=now,
            tap_id=request.POST.get("event_id"),
            by=request.user,  # type: ignore[arg-type]
        )
    except logbook.LogbookError as error:
        if error.other is None:
            return _error(request, error, now)
        if _wants_json(request):
            running = error.other
            taps = session_taps(running)
            state = p.project(taps) if taps else None
            return JsonResponse(
                {
                    "server_time": now.isoformat(),
                    "outcome": "already_running",
                    "message": _("A session is already running: here it is."),
                    "session": state_json(running, state, now) if state else None,
                    "url": reverse("session_live", args=[running.pk]),
                }
            )
        messages.info(request, _("A session is already running: here it is."))
        return redirect("session_live", error.other.pk)
    if _wants_json(request):
        return JsonResponse(
            {**_answer(result, now), "url": reverse("session_live", args=[result.session.pk])}
        )
    return redirect("session_live", result.session.pk)


def _session(request: HttpRequest, pk: int) -> Session:
    try:
        return Session.objects.for_household(household_of(request)).get(pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404 from exc


def live_state(session: Session) -> p.SessionState:
    """A session's projection: from its checkpoint when it has one, else from its log."""
    if session.live_checkpoint:  # kept in step with the log by every tap
        return p.Fold.resume(session.live_checkpoint).state()
    taps = session_taps(session)
    if not taps:  # a session stored as rows only: its taps are made on its first tap
        taps = p.taps_from_rows(
            started_at=session.started_at,
            ended_at=session.ended_at,
            segments=[(s.side, s.started_at, s.ended_at) for s in session.segments.all()],
            letdown_times=[ld.at for ld in session.letdowns.all()],
            new_id=iter(range(10**9)).__next__,
        )
    return p.project(taps)


@household_view
@require_GET
def session_live(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not policy.allows(request, A.LIVE):
        # Read only (a specialist): the session's own page, which offers no tap.
        return redirect("session_edit", session.pk)
    now = timezone.now()
    state = live_state(session)
    if not state.running and not _wants_json(request):
        return redirect("session_edit", session.pk)
    household = household_of(request)
    details_for = request.GET.get("letdown", "")
    letdown = LetDown()
    if details_for:
        letdown = (
            LetDown.objects.filter(session=session, tap_id=_uuid_or_none(details_for)).first()
            or letdown
        )
    context = {
        "session": session,
        "urls": _screen_urls(session.pk),
        "live": state,
        "live_json": {
            "server_time": now.isoformat(),
            "version": household.data_version,
            "session": state_json(session, state, now),
        },
        "letdown": letdown,
        "details_form": LetDownDetailsForm(instance=letdown, kind=session.kind),
        "household": household,
        "live_text": live_text(),
        **live_step(session),
    }
    return render(request, "live/session.html", context)


TAP_NAMES = ("letdown", "switch", "pause", "resume", "end", "undo", "reopen")


def _screen_urls(pk: int) -> dict[str, str]:
    urls = {name: reverse(f"session_{name}", args=[pk]) for name in TAP_NAMES}
    return {
        **urls,
        "state": reverse("session_state", args=[pk]),
        "details": reverse("letdown_details", args=[pk, "TAP"]),
        "edit": reverse("session_edit", args=[pk]),
    }


# A session started on a phone without a connection has no id yet: its screen and its taps
# name it by its start tap's id (a UUID the phone made) until the server has it.
PENDING = "00000000-0000-4000-8000-000000000000"


def _pending_urls() -> dict[str, str]:
    urls = {name: reverse("started_tap", args=[PENDING, name]) for name in TAP_NAMES}
    return {
        **urls,
        "state": reverse("started_state", args=[PENDING]),
        "details": reverse("started_details", args=[PENDING, "TAP"]),
        "edit": reverse("started", args=[PENDING]),
    }


@household_view
@require_GET
def started_offline(request: HttpRequest) -> HttpResponse:
    """The session screen for a session the phone started but could not send yet: kept by the
    service worker, drawn by live.js from the start tap in the phone's outbox (named in the
    address's fragment). Online it is replaced by the session's own screen at once."""
    if not policy.allows(request, A.LIVE):
        return redirect("home")
    household = household_of(request)
    now = timezone.now()
    context = {
        "pending": PENDING,
        "urls": _pending_urls(),
        "live_json": {"server_time": now.isoformat(), "version": household.data_version},
        "details_form": LetDownDetailsForm(),
        "letdown": LetDown(),
        "household": household,
        "live_text": {**live_text(), **_kind_names()},
    }
    return render(request, "live/session.html", context)


def _kind_names() -> dict[str, str]:
    return {f"kind_{value}": str(label) for value, label in Kind.choices}


def _started(request: HttpRequest, start: uuid.UUID) -> int:
    """The id of her session started by this tap; 404 while the server has not got it."""
    household = household_of(request)
    pk = (
        Tap.objects.filter(household=household, tap_id=start, type=p.START)
        .values_list("session_id", flat=True)
        .first()
    )
    if pk is None:  # a Start that found her partner's session running names that one
        pk = (
            JoinedStart.objects.filter(household=household, tap_id=start)
            .values_list("session_id", flat=True)
            .first()
        )
    if pk is None:
        raise Http404
    return pk


@household_view
@require_GET
def started(request: HttpRequest, start: uuid.UUID) -> HttpResponse:
    """Where the screen of a session started offline goes once the phone has sent its Start."""
    try:
        pk = _started(request, start)
    except Http404:
        # Refused (another session was running by then) or never sent: nothing to show.
        messages.info(request, _("That session was not started here."))
        return redirect("home")
    return redirect("session_live", pk)


@household_view
@require_GET
def started_state(request: HttpRequest, start: uuid.UUID) -> HttpResponse:
    return session_state(request, _started(request, start))


@household_view(write=A.LIVE)
@require_POST
def started_tap(request: HttpRequest, start: uuid.UUID, tap: str) -> HttpResponse:
    if tap not in TAP_NAMES:
        raise Http404
    try:
        pk = _started(request, start)
    except Http404:
        return _gone(request, timezone.now())
    return _tap(request, pk, tap)


@household_view(write=A.LIVE)
@require_POST
def started_details(request: HttpRequest, start: uuid.UUID, tap_id: str) -> HttpResponse:
    return letdown_details(request, _started(request, start), tap_id)


def live_text() -> dict[str, str]:
    """The sentences the screen's script shows, translated here so the script holds none."""
    return {
        "side_left": _("Left side"),
        "side_right": _("Right side"),
        "side_both": _("Both sides"),
        "one_letdown": _("{n} let-down"),
        "letdowns": _("{n} let-downs"),
        "saved": _("Let-down saved."),
        "saved_here": _("Let-down saved on this phone; it is sent when the connection is back."),
        "same_letdown": _("Same let-down: taps within 10 seconds count as one."),
        "ended": _("Session ended."),
        "ended_here": _(
            "Session ended, saved on this phone; it is sent when the connection is back."
        ),
        "after_end": _("This session had already ended."),
        "unsent_one": _("{n} tap saved on this phone, not sent yet."),
        "unsent": _("{n} taps saved on this phone, not sent yet."),
        "refused": _("A tap was refused by the server."),
    }


def _uuid_or_none(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


@household_view
@require_GET
def session_state(request: HttpRequest, pk: int) -> JsonResponse:
    """The projection: polled by a second phone, read by the API's clients."""
    session = _session(request, pk)
    household = household_of(request)
    now = timezone.now()
    return JsonResponse(
        {
            "server_time": now.isoformat(),
            "version": household.data_version,
            "session": state_json(session, live_state(session), now),
        }
    )


@household_view
@require_GET
def sessions_running(request: HttpRequest) -> JsonResponse:
    """Her household's running sessions: none or one."""
    now = timezone.now()
    running = Session.objects.for_household(household_of(request)).active()
    return JsonResponse(
        {
            "server_time": now.isoformat(),
            "sessions": [state_json(s, live_state(s), now) for s in running],
        }
    )


def _tap(request: HttpRequest, pk: int, type: str) -> HttpResponse:
    household = household_of(request)
    now = timezone.now()
    try:
        result = services.tap(
            household=household,
            session_pk=pk,
            type=type,
            at=_moment(request),
            now=now,
            tap_id=request.POST.get("event_id"),
            target=request.POST.get("target"),
            by=request.user,  # type: ignore[arg-type]
        )
    except logbook.SessionMissing:
        return _gone(request, now)
    except logbook.LogbookError as error:
        return _error(request, error, now)
    if _wants_json(request):
        return JsonResponse(_answer(result, now))
    message = outcome_message(result)
    if result.outcome == p.AFTER_END:
        messages.info(request, message)
        return redirect("session_edit", pk)
    if not result.state.running:
        return redirect(reverse("session_edit", args=[pk]) + "?ended=1")
    url = reverse("session_live", args=[pk])
    if type == p.LETDOWN:
        mark = next((m for m in result.state.letdowns if result.tap.id in m.members), None)
        if mark is not None:
            url += f"?letdown={mark.tap_id}"  # offers Undo and the details chips
        if result.outcome == p.SAME_AS_LAST:
            messages.info(request, message)
    elif message:
        messages.info(request, message)
    return redirect(url)


def _tap_view(type: str) -> Any:
    @household_view(write=A.LIVE)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return _tap(request, pk, type)

    view.__name__ = f"session_{type}"
    return view


session_letdown = _tap_view(p.LETDOWN)
session_switch = _tap_view(p.SWITCH)
session_pause = _tap_view(p.PAUSE)
session_resume = _tap_view(p.RESUME)
session_end = _tap_view(p.END)
session_undo = _tap_view(p.UNDO)
session_reopen = _tap_view(p.REOPEN)


@household_view(write=A.LIVE)
@require_POST
def letdown_details(request: HttpRequest, pk: int, tap_id: str) -> HttpResponse:
    """The chips of one let-down, saved the moment she taps one. Named by its tap, which the
    phone knows even before the tap reached the server."""
    household = household_of(request)
    session = _session(request, pk)
    letdown = _letdown_of_tap(session, tap_id)
    if letdown is None:
        if _wants_json(request):
            return JsonResponse({"error": _("No such let-down.")}, status=404)
        raise Http404
    form = LetDownDetailsForm(request.POST, instance=letdown, kind=session.kind)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"error": _("Those details are not valid.")}, status=400)
        return render(request, "logbook/error.html", {"message": form.errors}, status=400)
    logbook.save_entry(household=household, entry=form.save(commit=False))
    if _wants_json(request):
        return JsonResponse({"saved": True, "server_time": timezone.now().isoformat()})
    messages.success(request, _("Details saved."))
    return redirect("session_live", session.pk)


def _letdown_of_tap(session: Session, tap_id: str) -> LetDown | None:
    """The let-down a tap counted towards (its own, or the one it was the same as)."""
    key = _uuid_or_none(tap_id)
    if key is None:
        return None
    row = LetDown.objects.filter(session=session, tap_id=key).first()
    if row is not None or not Tap.objects.filter(session=session, tap_id=key).exists():
        return row
    # Which let-down a tap was the same as is kept in the log only (not the checkpoint).
    taps = session_taps(session)
    mark = next((m for m in p.project(taps).letdowns if key in m.members), None)
    return LetDown.objects.filter(session=session, tap_id=mark.tap_id).first() if mark else None
