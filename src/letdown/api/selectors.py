"""The API's reads: every query filters on her household, and a page is a fixed number of
queries however long (the related rows come in one query per kind, not one per row).

Lists are newest first and paged by a cursor: the (moment, id) of the last row given, so a
page stays right while she logs new rows, and the next page is an index range, not an
OFFSET over years."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from letdown.accounts.models import Household
from letdown.logbook.facts import letdown_offsets_s, session_facts
from letdown.logbook.models import BottleFeed, Leak, LetDown, Segment, Session
from letdown.routines.models import Media, Routine

M = TypeVar("M", bound=Model)
MAX_LIMIT = 100


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Window:
    since: datetime | None
    until: datetime | None
    cursor: str | None
    limit: int


def encode_cursor(at: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at_text, pk_text = raw.split("|")
        at, pk = datetime.fromisoformat(at_text), int(pk_text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor(_("That cursor is not one this API gave: start again without it.")) from exc
    if at.tzinfo is None:
        raise BadCursor(_("That cursor is not one this API gave: start again without it."))
    return at, pk


def _page(qs: QuerySet[M], field: str, window: Window) -> tuple[list[M], str | None]:
    """Newest first by `field` then id, `limit` rows after the cursor, and the next cursor."""
    if window.since is not None:
        qs = qs.filter(**{f"{field}__gte": window.since})
    if window.until is not None:
        qs = qs.filter(**{f"{field}__lt": window.until})
    if window.cursor:
        at, pk = decode_cursor(window.cursor)
        qs = qs.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": pk}))
    rows = list(qs.order_by(f"-{field}", "-pk")[: window.limit + 1])
    more = len(rows) > window.limit
    rows = rows[: window.limit]
    last = rows[-1] if rows else None
    return rows, encode_cursor(getattr(last, field), last.pk) if more and last else None


def _letdown_json(letdown: LetDown, started_at: datetime) -> dict[str, Any]:
    return {
        "id": letdown.pk,
        "session_id": letdown.session_id,
        "at": letdown.at,
        "offset_s": letdown_offsets_s(started_at, [letdown.at])[0],
        "side": letdown.side,
        "noticed": letdown.noticed,
        "sensations": letdown.sensations,
        "mood": letdown.mood,
        "tap_id": letdown.tap_id,
    }


def session_json(session: Session, now: datetime) -> dict[str, Any]:
    """Needs `segments` and `letdowns` prefetched (`_sessions`): no query of its own."""
    segments = list(session.segments.all())
    letdowns = list(session.letdowns.all())
    facts = session_facts(
        started_at=session.started_at,
        ended_at=session.ended_at,
        segments=[(s.side, s.started_at, s.ended_at) for s in segments],
        letdown_times=[ld.at for ld in letdowns],
        volume_left_ml=session.volume_left_ml,
        volume_right_ml=session.volume_right_ml,
        now=now,
    )
    return {
        "id": session.pk,
        "kind": session.kind,
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "running": session.ended_at is None,
        "source": session.source,
        "lactation_id": session.lactation_id,
        "left_s": facts.left_s,
        "right_s": facts.right_s,
        "active_s": facts.active_s,
        "volume_left_ml": session.volume_left_ml,
        "volume_right_ml": session.volume_right_ml,
        "anxiety_before": session.anxiety_before,
        "aids": session.aids,
        "notes": session.notes,
        "time_to_first_letdown_s": facts.time_to_first_letdown_s,
        "segments": [
            {"side": s.side, "started_at": s.started_at, "ended_at": s.ended_at}
            for s in segments
        ],
        "letdowns": [_letdown_json(ld, session.started_at) for ld in letdowns],
    }


def _sessions(household: Household) -> QuerySet[Session]:
    # The related rows are read through the (household, session) indexes, filtered on her
    # household like every other query.
    return Session.objects.for_household(household).prefetch_related(
        Prefetch("segments", queryset=Segment.objects.filter(household=household)),
        Prefetch(
            "letdowns", queryset=LetDown.objects.filter(household=household).order_by("at", "pk")
        ),
    )


def session_page(
    household: Household, window: Window, kind: str | None, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    qs = _sessions(household)
    if kind:
        qs = qs.filter(kind=kind)
    rows, cursor = _page(qs, "started_at", window)
    return [session_json(s, now) for s in rows], cursor


def session_detail(household: Household, pk: int, now: datetime) -> dict[str, Any] | None:
    session = _sessions(household).filter(pk=pk).first()
    return session_json(session, now) if session is not None else None


def letdown_page(
    household: Household, window: Window, session_id: int | None
) -> tuple[list[dict[str, Any]], str | None]:
    qs = LetDown.objects.filter(household=household).select_related("session")
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    rows, cursor = _page(qs, "at", window)
    return [_letdown_json(ld, ld.session.started_at) for ld in rows], cursor


def letdown_detail(household: Household, pk: int) -> dict[str, Any] | None:
    row = LetDown.objects.filter(household=household, pk=pk).select_related("session").first()
    return _letdown_json(row, row.session.started_at) if row is not None else None


def _fields(row: Model, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


LEAK_FIELDS = ("id", "lactation_id", "at", "side", "trigger", "amount", "actions", "notes")
FEED_FIELDS = ("id", "lactation_id", "at", "milk", "volume_ml", "session_id", "notes")


def leak_page(household: Household, window: Window) -> tuple[list[dict[str, Any]], str | None]:
    rows, cursor = _page(Leak.objects.filter(household=household), "at", window)
    return [_fields(row, LEAK_FIELDS) for row in rows], cursor


def leak_detail(household: Household, pk: int) -> dict[str, Any] | None:
    row = Leak.objects.filter(household=household, pk=pk).first()
    return _fields(row, LEAK_FIELDS) if row is not None else None


def feed_page(household: Household, window: Window) -> tuple[list[dict[str, Any]], str | None]:
    rows, cursor = _page(BottleFeed.objects.filter(household=household), "at", window)
    return [_fields(row, FEED_FIELDS) for row in rows], cursor


def feed_detail(household: Household, pk: int) -> dict[str, Any] | None:
    row = BottleFeed.objects.filter(household=household, pk=pk).first()
    return _fields(row, FEED_FIELDS) if row is not None else None


ROUTINE_FIELDS = ("id", "name", "kind", "steps", "created_at", "updated_at")
MEDIA_FIELDS = ("id", "kind", "name", "content_type", "size_bytes", "duration_s", "created_at")


def routines(household: Household) -> list[dict[str, Any]]:
    return [_fields(r, ROUTINE_FIELDS) for r in Routine.objects.filter(household=household)]


def routine_detail(household: Household, pk: int) -> dict[str, Any] | None:
    row = Routine.objects.filter(household=household, pk=pk).first()
    return _fields(row, ROUTINE_FIELDS) if row is not None else None


def media(household: Household) -> list[dict[str, Any]]:
    """What her files are, never the files: those are served by the routines' own view."""
    return [_fields(m, MEDIA_FIELDS) for m in Media.objects.filter(household=household)]


def media_detail(household: Household, pk: int) -> dict[str, Any] | None:
    row = Media.objects.filter(household=household, pk=pk).first()
    return _fields(row, MEDIA_FIELDS) if row is not None else None
