"""The API's reads: every query filters on her household, and a page is a fixed number of
queries however long (the related rows come in one query per kind, not one per row).

Lists are newest first and paged by a cursor: the (moment, id) of the last row given, so a
page stays right while she logs new rows, and the next page is an index range, not an
OFFSET over years."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from letdown.accounts.models import Household
from letdown.core.rows import as_text
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


def _window(qs: QuerySet[Any], field: str, window: Window) -> tuple[list[Any], bool]:
    """Newest first by `field` then id: `limit` rows after the cursor, and whether there are
    more."""
    if window.since is not None:
        qs = qs.filter(**{f"{field}__gte": window.since})
    if window.until is not None:
        qs = qs.filter(**{f"{field}__lt": window.until})
    if window.cursor:
        at, pk = decode_cursor(window.cursor)
        qs = qs.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": pk}))
    rows = list(qs.order_by(f"-{field}", "-pk")[: window.limit + 1])
    return rows[: window.limit], len(rows) > window.limit


def _next_cursor(rows: list[Any], field: str, more: bool) -> str | None:
    if not (more and rows):
        return None
    last = rows[-1]
    if isinstance(last, dict):
        return encode_cursor(last[field], last["id"])
    return encode_cursor(getattr(last, field), last.pk)


def _page(qs: QuerySet[M], field: str, window: Window) -> tuple[list[M], str | None]:
    rows, more = _window(qs, field, window)
    return rows, _next_cursor(rows, field, more)


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


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    # SQLite keeps UTC without an offset; PostgreSQL writes one (its session runs in UTC).
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class _Json:
    """JSON lists as text, each distinct text parsed once (her aids come in a few sets)."""

    def __init__(self) -> None:
        self.seen: dict[str | None, Any] = {None: []}

    def __call__(self, text: str | None) -> Any:
        if text not in self.seen:
            self.seen[text] = json.loads(text)  # type: ignore[arg-type]
        return list(self.seen[text])


SESSION_FIELDS = (
    "id",
    "kind",
    "source",
    "lactation_id",
    "volume_left_ml",
    "volume_right_ml",
    "anxiety_before",
    "notes",
)
SESSION_TEXT = {
    "started": as_text("started_at"),
    "ended": as_text("ended_at"),
    "aids_": as_text("aids"),
}
LETDOWN_ROW = ("id", "session_id", "side", "mood", "tap_id")
LETDOWN_TEXT = {
    "at_": as_text("at"),
    "noticed_": as_text("noticed"),
    "sensations_": as_text("sensations"),
}


def _session_rows(
    qs: QuerySet[Session], window: Window | None
) -> tuple[list[dict[str, Any]], str | None]:
    values = qs.values(*SESSION_FIELDS, **SESSION_TEXT)
    rows, more = _window(values, "started_at", window) if window else (list(values), False)
    parse = _Json()
    for row in rows:
        row["started_at"] = _moment(row.pop("started"))
        row["ended_at"] = _moment(row.pop("ended"))
        row["aids"] = parse(row.pop("aids_"))
    return rows, _next_cursor(rows, "started_at", more)


def _sessions_json(
    household: Household, rows: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Sessions as the API gives them, with their sides and let-downs: two more queries
    (through the (household, session) indexes) whatever the number of sessions. Plain rows,
    not model instances: for a page of 100, building and prefetching instances cost more
    than the rest of the request."""
    pks = [row["id"] for row in rows]
    by_session: dict[int, list[tuple[datetime | None, int, str, datetime | None]]] = {
        pk: [] for pk in pks
    }
    for session_id, side, started_text, ended_text, pk in (
        # Unordered: ORDER BY started_at made SQLite walk all her segments through the
        # (household, started_at) index instead of the page's through (household, session).
        Segment.objects.filter(household=household, session_id__in=pks)
        .order_by()
        .values_list("session_id", "side", as_text("started_at"), as_text("ended_at"), "pk")
    ):
        by_session[session_id].append((_moment(started_text), pk, side, _moment(ended_text)))
    segments: dict[int, list[dict[str, Any]]] = {
        session_id: [
            {"side": side, "started_at": start, "ended_at": end}
            for start, _pk, side, end in sorted(rows)
        ]
        for session_id, rows in by_session.items()
    }
    letdowns: dict[int, list[dict[str, Any]]] = {pk: [] for pk in pks}
    parse = _Json()
    for row in (
        LetDown.objects.filter(household=household, session_id__in=pks)
        .order_by()  # as for the segments: in order below
        .values(*LETDOWN_ROW, **LETDOWN_TEXT)
    ):
        row["at"] = _moment(row.pop("at_"))
        row["noticed"] = parse(row.pop("noticed_"))
        row["sensations"] = parse(row.pop("sensations_"))
        letdowns[row["session_id"]].append(row)
    for own in letdowns.values():
        own.sort(key=lambda letdown: (letdown["at"], letdown["id"]))
    out = []
    for row in rows:
        own_segments, own_letdowns = segments[row["id"]], letdowns[row["id"]]
        facts = session_facts(
            started_at=row["started_at"],
            ended_at=row["ended_at"],
            segments=[(s["side"], s["started_at"], s["ended_at"]) for s in own_segments],
            letdown_times=[ld["at"] for ld in own_letdowns],
            volume_left_ml=row["volume_left_ml"],
            volume_right_ml=row["volume_right_ml"],
            now=now,
        )
        for letdown, offset_s in zip(own_letdowns, facts.letdown_offsets_s, strict=True):
            letdown["offset_s"] = offset_s
        out.append(
            {
                **row,
                "running": row["ended_at"] is None,
                "left_s": facts.left_s,
                "right_s": facts.right_s,
                "active_s": facts.active_s,
                "time_to_first_letdown_s": facts.time_to_first_letdown_s,
                "segments": own_segments,
                "letdowns": own_letdowns,
            }
        )
    return out


def session_page(
    household: Household, window: Window, kind: str | None, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    qs = Session.objects.for_household(household)
    if kind:
        qs = qs.filter(kind=kind)
    rows, cursor = _session_rows(qs, window)
    return _sessions_json(household, rows, now), cursor


def session_detail(household: Household, pk: int, now: datetime) -> dict[str, Any] | None:
    rows, _ = _session_rows(Session.objects.for_household(household).filter(pk=pk), None)
    return _sessions_json(household, rows, now)[0] if rows else None


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
