"""The REST API at /api/v1/: her household's data to read, and the live session's taps to
send, with a personal token (`Authorization: Bearer ld_…`). Generated from these functions:
the OpenAPI schema at /api/v1/openapi.json and a page to read it at /api/v1/docs.

Each endpoint gates (the token, her role), validates (pydantic, from the signature), acts
through the same selectors and services as the pages, and answers JSON. Anything refused is
JSON too: `{"error": "a sentence"}` with a 4xx."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

# The function `ninja.Header(...)` calls: ninja's stubs type the shortcut as an annotation only.
from ninja.params.functions import Header
from ninja.security import HttpBearer
from pydantic import Field, TypeAdapter

from letdown.accounts.models import Household, Role, User
from letdown.insights import words
from letdown.insights.selectors import insights_for
from letdown.live import services as live
from letdown.live.views import live_state, outcome_message, state_json
from letdown.logbook import services as logbook
from letdown.logbook.selectors import home_summary, local_midnight

from . import schemas as s
from . import selectors
from .models import ApiToken
from .services import digest_of, note_use

# Roles whose tokens may log (taps); any other role a household gains reads only.
WRITERS = frozenset({Role.PARENT, Role.CAREGIVER})
# uuid5 namespace for Idempotency-Key values that are not UUIDs themselves.
IDEMPOTENCY_NAMESPACE = uuid.UUID("8f5d7f0e-3f7c-4a39-9b1e-6a0c2f4d9e11")


class TokenAuth(HttpBearer):
    openapi_description = (
        "A personal token made in Settings → API tokens, or by `letdown token create`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        row = (
            ApiToken.objects.live()
            .filter(digest=digest_of(token))
            .select_related("user__household")
            .first()
        )
        if row is None:
            return None
        user: User = row.user
        household = user.household
        # A member who left the household (or was switched off) takes no token with them.
        if not user.is_active or household is None or household.pk != row.household_id:
            return None
        if not household.onboarded:
            return None
        note_use(token=row, now=timezone.now())
        request.user = user  # members' answers are never cached (core.middleware)
        return row


api = NinjaAPI(
    title="letdown API",
    version="1",
    description=(
        "Her household's logbook, routines and insights, scoped to the token's household and "
        "acting with its person's role. Times are UTC (ISO 8601); volumes are in mL."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

ERRORS: dict[int, Any] = {400: s.ErrorOut, 401: s.ErrorOut, 404: s.ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 403: s.ErrorOut, 409: s.ErrorOut}


@functools.cache
def _adapter(shape: Any) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


def _json(shape: Any, data: Any) -> HttpResponse:
    """`data` checked against `shape` (what the schema says of the answer) and written as JSON,
    both by pydantic's core."""
    adapter = _adapter(shape)
    return HttpResponse(
        adapter.dump_json(adapter.validate_python(data)),
        content_type="application/json; charset=utf-8",
    )


def _error(request: HttpRequest, message: str, status: int, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"error": message, **extra}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {"where": ".".join(str(part) for part in e.get("loc", ())), "problem": str(e.get("msg"))}
        for e in exc.errors
    ]
    message = "; ".join(f"{d['where']}: {d['problem']}" for d in details) or _("Invalid request.")
    return _error(request, message, 400, details=details)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request,
        _("A valid API token is needed: send it as 'Authorization: Bearer <token>'."),
        401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, _("Not found."), 404)


@api.exception_handler(OverflowError)
def _id_beyond_any_row(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id larger than the database's integers (SQLite's driver refuses to convert it): no
    # row has it.
    return _error(request, _("Not found."), 404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, str(exc), exc.status_code)


def _household(request: HttpRequest) -> Household:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    household = token.user.household
    assert household is not None, "TokenAuth lets in members of a household only"
    return household


def _writer(request: HttpRequest) -> User:
    user: User = request.auth.user  # type: ignore[attr-defined]
    if user.role not in WRITERS:
        raise HttpError(403, _("This account reads only: it cannot log."))
    return user


def _found(row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None:
        raise Http404
    return row


class ListFilters(Schema):
    since: s.Moment | None = Field(None, description="From this moment (inclusive).")
    until: s.Moment | None = Field(None, description="Before this moment.")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of a page.")
    limit: int = Field(50, ge=1, le=selectors.MAX_LIMIT)

    def window(self) -> selectors.Window:
        return selectors.Window(self.since, self.until, self.cursor, self.limit)


def _paged(result: tuple[list[dict[str, Any]], str | None]) -> dict[str, Any]:
    items, cursor = result
    return {"items": items, "next_cursor": cursor}


def _list(fn: Any, *args: Any) -> dict[str, Any]:
    try:
        return _paged(fn(*args))
    except selectors.BadCursor as exc:
        raise HttpError(400, str(exc)) from None


@api.get("/", auth=None, include_in_schema=False)
def index(request: HttpRequest) -> dict[str, str]:
    """Where to read about the API (open to anyone: it holds no data)."""
    return {"openapi": request.path + "openapi.json", "docs": request.path + "docs"}


# --- status ------------------------------------------------------------------------------------


@api.get("/status", response={200: s.StatusOut, **ERRORS}, tags=["status"])
def status(request: HttpRequest) -> HttpResponse:
    """What a home sensor polls: the running session, the last feed, the side to start on,
    the predicted next feed and today's counts (from the same cached figures as home)."""
    household = _household(request)
    now = timezone.now()
    summary = home_summary(household, now)
    next_feed = insights_for(household, now).rhythm.next_feed
    today = summary.today
    running = summary.active
    return _json(
        s.StatusOut,
        {
            "server_time": now,
            "running_session": state_json(running, live_state(running), now) if running else None,
            "last_feed_at": summary.last_feed_at,
            "next_side": summary.next_side,
            "next_feed": _next_feed(next_feed, household.tz),
            "today": {
                "since": local_midnight(now.astimezone(household.tz).date(), household),
                "sessions": today.sessions_by_kind,
                "letdowns": today.letdowns,
                "leaks": today.leaks,
                "bottle_feeds": today.bottle_feeds,
                "pumped_ml": today.pumped_ml,
                "bottle_ml": today.bottle_ml,
            },
        },
    )


def _next_feed(next_feed: Any, tz: Any) -> dict[str, Any]:
    return {
        "predicted_at": next_feed.predicted_at,
        "earliest_at": next_feed.earliest_at,
        "latest_at": next_feed.latest_at,
        "summary": words.next_feed_summary(next_feed, tz),
    }


# --- sessions and their live taps --------------------------------------------------------------


@api.get("/sessions", response={200: s.SessionPage, **ERRORS}, tags=["sessions"])
def sessions(
    request: HttpRequest, filters: Query[ListFilters], kind: s.KindName | None = None
) -> HttpResponse:
    """Her sessions, newest first, with per-side times, volumes, let-downs, aids, anxiety
    and notes."""
    household = _household(request)
    return _json(
        s.SessionPage,
        _list(selectors.session_page, household, filters.window(), kind, timezone.now()),
    )


@api.get("/sessions/{session_id}", response={200: s.SessionOut, **ERRORS}, tags=["sessions"])
def session(request: HttpRequest, session_id: int) -> HttpResponse:
    row = selectors.session_detail(_household(request), session_id, timezone.now())
    return _json(s.SessionOut, _found(row))


def _tap_id(event_id: uuid.UUID | None, idempotency_key: str | None) -> uuid.UUID | None:
    """The tap's id: the event id the client made, or its Idempotency-Key (a UUID as it is,
    any other text turned into one), so that sending the same request again keeps one tap."""
    from_key = None
    if idempotency_key:
        try:
            from_key = uuid.UUID(idempotency_key)
        except ValueError:
            from_key = uuid.uuid5(IDEMPOTENCY_NAMESPACE, idempotency_key)
    if event_id is not None and from_key is not None and event_id != from_key:
        raise HttpError(400, _("event_id and Idempotency-Key name two different taps."))
    return event_id or from_key


def _tap_answer(result: logbook.TapResult, now: datetime) -> dict[str, Any]:
    return {
        "server_time": now,
        "tap": {
            "id": result.tap.id,
            "type": result.tap.type,
            "at": result.tap.at,
            "outcome": result.outcome,
            "created": result.created,
        },
        "message": outcome_message(result),
        "session": state_json(result.session, result.state, now),
    }


IDEMPOTENCY = Header(
    None,
    alias="Idempotency-Key",
    max_length=200,
    description="Send the same key again (a retry) and the tap is kept once.",
)


@api.post("/sessions", response={200: s.TapAnswer, **WRITE_ERRORS}, tags=["sessions"])
def start(
    request: HttpRequest, body: s.StartIn, idempotency_key: str | None = IDEMPOTENCY
) -> HttpResponse:
    """Start a live session: the same Start tap as the live screen's."""
    household = _household(request)
    user = _writer(request)
    now = timezone.now()
    lactation = household.current_lactation()
    assert lactation is not None, "an onboarded household has a lactation"
    try:
        result = logbook.start_session(
            household=household,
            lactation=lactation,
            kind=body.kind,
            side=body.side,
            at=body.at or now,
            now=now,
            tap_id=_tap_id(body.event_id, idempotency_key),
            by=user,
        )
    except logbook.LogbookError as error:
        if error.other is not None:
            return _error(request, str(error), 409, session_id=error.other.pk)
        return _error(request, str(error), error.status)
    return _json(s.TapAnswer, _tap_answer(result, now))


@api.post(
    "/sessions/{session_id}/taps", response={200: s.TapAnswer, **WRITE_ERRORS}, tags=["sessions"]
)
def tap(
    request: HttpRequest,
    session_id: int,
    body: s.TapIn,
    idempotency_key: str | None = IDEMPOTENCY,
) -> HttpResponse:
    """A tap on a running session (let-down, switch, pause, resume, end, undo, resume after
    end), stored and projected exactly as a tap on the live screen."""
    household = _household(request)
    user = _writer(request)
    now = timezone.now()
    try:
        result = live.tap(
            household=household,
            session_pk=session_id,
            type=body.type,
            at=body.at,
            now=now,
            tap_id=str(tap_id) if (tap_id := _tap_id(body.event_id, idempotency_key)) else None,
            target=str(body.target) if body.target else None,
            by=user,
        )
    except logbook.SessionMissing:
        raise Http404 from None
    except logbook.LogbookError as error:
        return _error(request, str(error), error.status)
    return _json(s.TapAnswer, _tap_answer(result, now))


# --- other logbook rows ------------------------------------------------------------------------


@api.get("/letdowns", response={200: s.LetDownPage, **ERRORS}, tags=["logbook"])
def letdowns(
    request: HttpRequest, filters: Query[ListFilters], session_id: int | None = None
) -> HttpResponse:
    """Let-downs in sessions, newest first."""
    page = _list(selectors.letdown_page, _household(request), filters.window(), session_id)
    return _json(s.LetDownPage, page)


@api.get("/letdowns/{letdown_id}", response={200: s.LetDownOut, **ERRORS}, tags=["logbook"])
def letdown(request: HttpRequest, letdown_id: int) -> HttpResponse:
    return _json(s.LetDownOut, _found(selectors.letdown_detail(_household(request), letdown_id)))


@api.get("/leaks", response={200: s.LeakPage, **ERRORS}, tags=["logbook"])
def leaks(request: HttpRequest, filters: Query[ListFilters]) -> HttpResponse:
    """Unexpected let-downs and leaks between sessions, newest first."""
    return _json(s.LeakPage, _list(selectors.leak_page, _household(request), filters.window()))


@api.get("/leaks/{leak_id}", response={200: s.LeakOut, **ERRORS}, tags=["logbook"])
def leak(request: HttpRequest, leak_id: int) -> HttpResponse:
    return _json(s.LeakOut, _found(selectors.leak_detail(_household(request), leak_id)))


@api.get("/bottle-feeds", response={200: s.BottleFeedPage, **ERRORS}, tags=["logbook"])
def bottle_feeds(request: HttpRequest, filters: Query[ListFilters]) -> HttpResponse:
    """Bottle and supplement feeds, newest first."""
    page = _list(selectors.feed_page, _household(request), filters.window())
    return _json(s.BottleFeedPage, page)


@api.get("/bottle-feeds/{feed_id}", response={200: s.BottleFeedOut, **ERRORS}, tags=["logbook"])
def bottle_feed(request: HttpRequest, feed_id: int) -> HttpResponse:
    return _json(s.BottleFeedOut, _found(selectors.feed_detail(_household(request), feed_id)))


# --- routines, media, insights -----------------------------------------------------------------


@api.get("/routines", response={200: list[s.RoutineOut], **ERRORS}, tags=["routines"])
def routines(request: HttpRequest) -> HttpResponse:
    return _json(list[s.RoutineOut], selectors.routines(_household(request)))


@api.get("/routines/{routine_id}", response={200: s.RoutineOut, **ERRORS}, tags=["routines"])
def routine(request: HttpRequest, routine_id: int) -> HttpResponse:
    return _json(s.RoutineOut, _found(selectors.routine_detail(_household(request), routine_id)))


@api.get("/media", response={200: list[s.MediaOut], **ERRORS}, tags=["routines"])
def media(request: HttpRequest) -> HttpResponse:
    """Her files' names, kinds and sizes; the files themselves are not served here."""
    return _json(list[s.MediaOut], selectors.media(_household(request)))


@api.get("/media/{media_id}", response={200: s.MediaOut, **ERRORS}, tags=["routines"])
def media_item(request: HttpRequest, media_id: int) -> HttpResponse:
    return _json(s.MediaOut, _found(selectors.media_detail(_household(request), media_id)))


@api.get("/insights", response={200: s.InsightsOut, **ERRORS}, tags=["insights"])
def insights(request: HttpRequest) -> HttpResponse:
    """The headline figures of Insights, from the results cached until her data changes."""
    household = _household(request)
    results = insights_for(household)
    return _json(
        s.InsightsOut,
        {
            "computed_at": results.computed_at,
            "n_sessions": results.n_sessions,
            "first_letdown": [
                {
                    "kind": curve.kind,
                    "n_sessions": curve.n_sessions,
                    "n_censored": curve.n_censored,
                    "median_s": curve.median.value_s,
                    "median_lower_s": curve.median.lower_s,
                    "median_upper_s": curve.median.upper_s,
                    "summary": words.curve_summary(curve),
                }
                for curve in results.first_letdown.curves
            ],
            "recent_median_s": results.first_letdown.recent_median_s,
            "recent_days": results.first_letdown.recent_days,
            "what_helps": words.what_helps_summary(results.what_helps),
            "pump_switch_time_s": results.pump_switch.switch_time_s,
            "pump_switch_summary": words.pump_switch_summary(results.pump_switch),
            "letdowns_per_session": {c.kind: c.mean_count for c in results.letdowns.counts},
            "n_leaks": results.leaks.n_leaks,
            "leaks_summary": words.leaks_summary(results.leaks),
            "next_feed": _next_feed(results.rhythm.next_feed, household.tz),
            "rhythm_summary": words.rhythm_summary(results.rhythm),
        },
    )
