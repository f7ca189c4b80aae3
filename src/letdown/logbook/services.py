"""Operations that write the logbook. Each is one transaction opened by `changing`, which bumps
the household's data version (what cached pages, statistics and a second phone watch) and
queues concurrent writes of one family behind each other.

A live session is its log of taps (`Tap`): a tap is appended, and the session's rows
(its end, segments and let-downs) are brought in step with `projection.project` of the log in
the same transaction, so pages and statistics read plain rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext as _

from letdown.accounts.models import Household, Lactation, User
from letdown.accounts.services import changing

from . import projection as p
from . import tapsql
from .models import JoinedStart, Kind, LetDown, Segment, Session, Side, Tap
from .selectors import TAP_FIELDS, session_taps, tap_of

# Phones' clocks drift; each answer tells the phone the server's time and the phone corrects
# its taps by the offset it measures, so only a little slack is needed.
FUTURE_TOLERANCE = timedelta(seconds=5)
LIVE_TAPS = frozenset({p.LETDOWN, p.SWITCH, p.PAUSE, p.RESUME, p.END, p.UNDO, p.REOPEN})


class LogbookError(Exception):
    """A tap or an entry that cannot be kept as sent; the message is shown to her."""

    def __init__(self, message: str, *, other: Session | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.other = other
        self.status = status


class SessionMissing(LogbookError):
    """No such session in her household (the view answers 404)."""

    def __init__(self) -> None:
        super().__init__(_("No such session."), status=404)


@dataclass(frozen=True)
class TapResult:
    session: Session
    tap: p.Tap
    state: p.SessionState
    created: bool  # False when the tap was stored already (a retry)
    was_running: bool = True  # before this tap

    @property
    def ended_it(self) -> bool:
        """This tap ended a running session (what routines record their steps on)."""
        return self.created and self.was_running and not self.state.running

    @property
    def outcome(self) -> str:
        return self.state.outcomes.get(self.tap.id, p.APPLIED)


def _tap_uuid(tap_id: str | uuid.UUID | None) -> uuid.UUID:
    if tap_id is None or tap_id == "":
        return uuid.uuid4()
    try:
        return tap_id if isinstance(tap_id, uuid.UUID) else uuid.UUID(str(tap_id))
    except ValueError as exc:
        raise LogbookError(_("That tap id is not a UUID.")) from exc


def _check_moment(at: datetime, now: datetime) -> None:
    if at.year < 2000:
        raise LogbookError(_("That moment is too far in the past."))
    if at > now + FUTURE_TOLERANCE:
        raise LogbookError(_("That moment is in the future: check the phone's clock."))


def _stored_tap(household: Household, tap_id: uuid.UUID) -> Tap | None:
    return Tap.objects.filter(household=household, tap_id=tap_id).select_related("session").first()


def _retry(stored: Tap, type: str) -> TapResult:
    """The answer to a tap sent again: what it did the first time."""
    if stored.type != type:
        raise LogbookError(_("That tap id belongs to another tap."), status=409)
    session = stored.session
    return TapResult(session, stored.as_tap(), p.project(session_taps(session)), created=False)


def start_session(
    *,
    household: Household,
    lactation: Lactation,
    kind: str,
    side: str,
    at: datetime,
    now: datetime,
    tap_id: str | uuid.UUID | None = None,
    by: User | None = None,
) -> TapResult:
    """A new running session. While one runs, LogbookError names it in `other`: a second
    phone's Start opens the running session instead of making another."""
    if kind not in Kind.values or side not in Side.values:
        raise LogbookError(_("Choose what to start."))
    tap_uuid = _tap_uuid(tap_id)
    _check_moment(at, now)
    try:
        with changing(household):
            stored = _stored_tap(household, tap_uuid)
            if stored is not None:
                return _retry(stored, p.START)
            running = Session.objects.for_household(household).active().first()
            if running is None:
                session, tap = _open_session(
                    household, lactation, kind, side, at, now, tap_uuid, by
                )
            elif tap_id is not None:
                _join(household, tap_uuid, running)
    except IntegrityError:
        # The database's backstop: one running session per household, one row per tap id.
        stored = _stored_tap(household, tap_uuid)
        if stored is not None:
            return _retry(stored, p.START)
        running = Session.objects.for_household(household).active().first()
        if running is None:
            raise
        if tap_id is not None:
            with changing(household):
                _join(household, tap_uuid, running)
        raise LogbookError(_("A session is already running."), other=running) from None
    if running is not None:
        raise LogbookError(_("A session is already running."), other=running)
    state = p.project([tap.as_tap()])
    return TapResult(session, tap.as_tap(), state, created=True)


def _open_session(
    household: Household,
    lactation: Lactation,
    kind: str,
    side: str,
    at: datetime,
    now: datetime,
    tap_uuid: uuid.UUID,
    by: User | None,
) -> tuple[Session, Tap]:
    """The rows of a new running session: the session, its Start, its first stretch."""
    session = Session.objects.create(
        household=household, lactation=lactation, kind=kind, started_at=at, created_by=by
    )
    tap = Tap.objects.create(
        household=household,
        session=session,
        tap_id=tap_uuid,
        type=p.START,
        at=at,
        side=side,
        received_at=now,
        by=by,
    )
    Segment.objects.create(household=household, session=session, side=side, started_at=at)
    session.live_checkpoint = p.Fold(tap.as_tap()).checkpoint()
    session.save(update_fields=["live_checkpoint"])
    return session, tap


def _join(household: Household, start: uuid.UUID, running: Session) -> None:
    """Her phone's own Start (kept while offline) found her partner's session running: the taps
    the phone kept after it, sent under the Start's id, go to that session instead of being
    refused."""
    JoinedStart.objects.get_or_create(
        household=household, tap_id=start, defaults={"session": running}
    )


def record_tap(
    *,
    household: Household,
    session_pk: int,
    type: str,
    at: datetime | None,
    now: datetime,
    tap_id: str | uuid.UUID | None = None,
    target: str | None = None,
    by: User | None = None,
    any_age: bool = False,
) -> TapResult:
    """Append one tap to her session and bring its rows in step. A tap sent again (same id)
    is stored once and answered as the first time. `any_age` lets an undo from the session's
    page (deleting a let-down) reach past the 30-second undo window. Without `at` (a plain
    form) the tap is at the server's clock once the household's writes are its own, so taps
    without a moment never arrive out of order."""
    if type not in LIVE_TAPS:
        raise LogbookError(_("Unknown tap."))
    tap_uuid = _tap_uuid(tap_id)
    try:
        with changing(household):
            session = tapsql.session(session_pk, household.pk)
            if session is None:
                raise SessionMissing
            if at is None:
                at = now = timezone.now()
            new = p.Tap(str(tap_uuid), type, at, target=target or "")
            if type != p.UNDO and session.live_checkpoint:
                resumed = p.Fold.resume(session.live_checkpoint)
                # A retry of a stored tap fails the unique index on insert: see below.
                if resumed.comes_after(new):
                    return _take_next(session, resumed, new, now=now, by=by)
            return _replay_with(session, household, new, now=now, by=by, any_age=any_age)
    except IntegrityError:
        stored_row = _stored_tap(household, tap_uuid)
        if stored_row is None:
            raise
        if stored_row.session_id != session_pk:
            raise LogbookError(_("That tap id belongs to another session."), status=409) from None
        return _retry(stored_row, type)


def _check_new(session: Session, tap: p.Tap, now: datetime, ended_at: datetime | None) -> None:
    _check_moment(tap.at, now)
    if tap.at < session.started_at:
        raise LogbookError(_("That moment is before the session started."))
    if tap.type == p.REOPEN and ended_at is not None:
        if tap.at - ended_at > p.REOPEN_WINDOW:
            raise LogbookError(_("This session ended too long ago to resume it."))
        _check_none_other_running(session)


def _tap_row(session: Session, tap: p.Tap, now: datetime, by: User | None) -> Tap:
    return Tap(
        household_id=session.household_id,
        session_id=session.pk,
        tap_id=uuid.UUID(tap.id),
        type=tap.type,
        at=tap.at,
        target=uuid.UUID(tap.target) if tap.target else None,
        received_at=now,
        by=by,
    )


def _store(session: Session, tap: p.Tap, now: datetime, by: User | None) -> None:
    _tap_row(session, tap, now, by).save(force_insert=True)


def _take_next(
    session: Session, fold: p.Fold, tap: p.Tap, *, now: datetime, by: User | None
) -> TapResult:
    """The usual tap: later than every tap before it. It is taken alone from the session's
    checkpoint and written as what it changed, in hand-written SQL (`tapsql`), so a tap costs
    the same in the first minute of a session as after a thousand taps, and little."""
    _check_new(session, tap, now, fold.ended_at)
    tapsql.insert(_tap_row(session, tap, now, by))
    was_running, opened_before = fold.ended_at is None, fold.open_since
    spans_before, letdowns_before = len(fold.spans), len(fold.letdowns)
    fold.take(tap)
    if len(fold.spans) > spans_before:  # the open stretch was closed
        closed = fold.spans[-1].end
        assert closed is not None, "a closed span has its end"
        tapsql.close_open_segment(session.pk, closed)
    if fold.open_since is not None and fold.open_since != opened_before:
        tapsql.insert(
            Segment(
                household_id=session.household_id,
                session_id=session.pk,
                side=fold.side,
                started_at=fold.open_since,
            )
        )
    if len(fold.letdowns) > letdowns_before:
        tap_id, at, side, _members = fold.letdowns[-1]
        tapsql.insert(
            LetDown(
                household_id=session.household_id,
                session_id=session.pk,
                at=at,
                side=side,
                tap_id=uuid.UUID(tap_id),
                created_by=by,
            )
        )
    session.ended_at = fold.ended_at
    session.live_checkpoint = fold.checkpoint()
    tapsql.save_fields(session, "ended_at", "live_checkpoint")
    return TapResult(session, tap, fold.state(), created=True, was_running=was_running)


def _replay_with(
    session: Session,
    household: Household,
    tap: p.Tap,
    *,
    now: datetime,
    by: User | None,
    any_age: bool,
) -> TapResult:
    """A tap out of order (a phone that was offline), an undo, or a retry: the whole log is
    replayed with it, and the rows follow."""
    # Her session's taps, and in the same query the tap with this id wherever it is in her
    # household: a retry is answered, a reused id refused.
    rows = Tap.objects.filter(
        models.Q(session=session) | models.Q(household=household, tap_id=tap.id)
    ).values_list("session_id", *TAP_FIELDS)
    if any(row[0] != session.pk for row in rows):
        raise LogbookError(_("That tap id belongs to another session."), status=409)
    taps = [tap_of(*row[1:]) for row in rows] or _taps_from_rows(session, now)
    stored = next((t for t in taps if t.id == tap.id), None)
    if stored is not None:
        if stored.type != tap.type:
            raise LogbookError(_("That tap id belongs to another tap."), status=409)
        return TapResult(session, stored, p.project(taps), created=False)
    before = p.project(taps)
    _check_new(session, tap, now, before.ended_at)
    _check_target(tap, taps, any_age)
    _store(session, tap, now, by)
    folded = p.fold([*taps, tap])
    after = folded.state()
    if before.ended_at is not None and after.ended_at is None:
        _check_none_other_running(session)
    _keep_rows_in_step(session, before, after, folded.checkpoint(), by)
    return TapResult(session, tap, after, created=True, was_running=before.running)


def _check_target(tap: p.Tap, taps: list[p.Tap], any_age: bool) -> None:
    if tap.type != p.UNDO:
        return
    undone = next((t for t in taps if t.id == tap.target and t.type in p.UNDOABLE), None)
    if undone is None:
        raise LogbookError(_("There is no let-down or end to undo."))
    if not any_age and tap.at - undone.at > p.UNDO_WINDOW:
        raise LogbookError(_("It is too late to undo that."))


def _check_none_other_running(session: Session) -> None:
    other = Session.objects.filter(household_id=session.household_id).active().first()
    if other is not None and other.pk != session.pk:
        raise LogbookError(
            _("Another session has started since: this one cannot run again."), other=other
        )


def _taps_from_rows(session: Session, now: datetime) -> list[p.Tap]:
    """Sessions logged before taps existed (or written as rows by a tool) get the taps that
    give their rows, stored once, the first time a tap arrives for them."""
    return store_taps_from_rows([session], now)[session.pk]


def store_taps_from_rows(
    sessions: list[Session], now: datetime, start_ids: dict[int, uuid.UUID] | None = None
) -> dict[int, list[p.Tap]]:
    """Store the taps that give these sessions' rows (the demo's sessions, sessions entered
    afterwards, a session edited by hand), and name each let-down by its tap. A let-down that
    had a tap keeps its id, and so does a Start in `start_ids`: a phone's retry of either is
    still recognised. A few queries, however many sessions."""
    start_ids = start_ids or {}
    pks = [session.pk for session in sessions]
    segments: dict[int, list[tuple[str, datetime, datetime | None]]] = {pk: [] for pk in pks}
    for session_id, side, start, end in Segment.objects.filter(session_id__in=pks).values_list(
        "session_id", "side", "started_at", "ended_at"
    ):
        segments[session_id].append((side, start, end))
    letdowns: dict[int, list[LetDown]] = {pk: [] for pk in pks}
    for letdown in LetDown.objects.filter(session_id__in=pks).order_by("at", "pk"):
        letdowns[letdown.session_id].append(letdown)
    made: dict[int, list[p.Tap]] = {}
    rows: list[Tap] = []
    named: list[LetDown] = []
    for session in sessions:
        taps = p.taps_from_rows(
            started_at=session.started_at,
            ended_at=session.ended_at,
            segments=segments[session.pk],
            letdown_times=[ld.at for ld in letdowns[session.pk]],
            new_id=uuid.uuid4,
        )
        kept = iter([start_ids.get(session.pk)] + [ld.tap_id for ld in letdowns[session.pk]])
        taps = [
            replace(tap, id=str(kept_id))
            if tap.type in (p.START, p.LETDOWN) and (kept_id := next(kept)) is not None
            else tap
            for tap in taps
        ]
        made[session.pk] = taps
        rows.extend(
            Tap(
                household_id=session.household_id,
                session_id=session.pk,
                tap_id=uuid.UUID(tap.id),
                type=tap.type,
                at=tap.at,
                side=tap.side,
                received_at=now,
            )
            for tap in taps
        )
        letdown_taps = [tap for tap in taps if tap.type == p.LETDOWN]
        for letdown, tap in zip(letdowns[session.pk], letdown_taps, strict=True):
            if letdown.tap_id is None:
                letdown.tap_id = uuid.UUID(tap.id)
                named.append(letdown)
    Tap.objects.bulk_create(rows, batch_size=2000)
    LetDown.objects.bulk_update(named, ["tap_id"], batch_size=2000)
    return made


def _keep_rows_in_step(
    session: Session,
    before: p.SessionState,
    after: p.SessionState,
    checkpoint: dict[str, Any],
    by: User | None,
) -> None:
    """Write what the replayed log changed, and the checkpoint the next tap starts from."""
    session.ended_at, session.live_checkpoint = after.ended_at, checkpoint
    Session.objects.filter(pk=session.pk).update(
        ended_at=after.ended_at, live_checkpoint=checkpoint
    )
    if before.segments != after.segments:
        Segment.objects.filter(session=session).delete()
        Segment.objects.bulk_create(
            Segment(
                household_id=session.household_id,
                session=session,
                side=span.side,
                started_at=span.start,
                ended_at=span.end,
            )
            for span in after.segments
        )
    old, new = _marks(before), _marks(after)
    if old == new:
        return
    if new[: len(old)] == old:
        LetDown.objects.bulk_create(
            _letdown_row(session, m, by) for m in after.letdowns[len(old) :]
        )
    else:
        _resync_letdowns(session, after, by)


def _marks(state: p.SessionState) -> list[tuple[str, datetime, str]]:
    return [(m.tap_id, m.at, m.side) for m in state.letdowns]


def _letdown_row(session: Session, mark: p.LetdownMark, by: User | None) -> LetDown:
    return LetDown(
        household_id=session.household_id,
        session=session,
        at=mark.at,
        side=mark.side,
        tap_id=uuid.UUID(mark.tap_id),
        created_by=by,
    )


def _resync_letdowns(session: Session, after: p.SessionState, by: User | None) -> None:
    """A late, earlier or undone tap regrouped the let-downs: each keeps its row (and the
    details she chose on it) when any of its taps had one; rows of undone taps go."""
    group_of = {member: i for i, mark in enumerate(after.letdowns) for member in mark.members}
    kept: dict[int, LetDown] = {}
    gone: list[int] = []
    for row in session.letdowns.filter(tap_id__isnull=False).order_by("at", "pk"):
        group = group_of.get(str(row.tap_id))
        if group is None:
            gone.append(row.pk)
        elif group in kept:
            _merge_details(kept[group], row)
            gone.append(row.pk)
        else:
            kept[group] = row
    LetDown.objects.filter(pk__in=gone).delete()
    for i, mark in enumerate(after.letdowns):
        if i not in kept:
            _letdown_row(session, mark, by).save()
            continue
        row = kept[i]
        row.tap_id, row.at, row.side = uuid.UUID(mark.tap_id), mark.at, mark.side
        row.save()


def _merge_details(into: LetDown, other: LetDown) -> None:
    into.noticed = list(dict.fromkeys([*into.noticed, *other.noticed]))
    into.sensations = list(dict.fromkeys([*into.sensations, *other.sensations]))
    into.mood = into.mood or other.mood


# --- entries she writes with a form ------------------------------------------------------------


def save_entry(*, household: Household, entry: models.Model) -> None:
    """Save a leak, a bottle feed or a let-down's details, edited or new (forms validate; this
    writes). A session's own edits go through `save_session_times`."""
    with changing(household):
        entry.save()


def save_session_times(
    *, household: Household, session: Session, was: tuple[datetime, datetime | None]
) -> None:
    """Her edit of a session (times and details). Its sides follow its edges: the stretch
    that began at the old start begins at the new one, the one that ended at the old end
    ends at the new one (the form refuses an edit that would cut any other)."""
    old_start, old_end = was
    grace = timedelta(seconds=1)
    session.live_checkpoint = None  # edited by hand: the log is written again below
    with changing(household):
        session.save()
        segments = list(session.segments.order_by("started_at", "pk"))
        if segments and abs(segments[0].started_at - old_start) <= grace:
            segments[0].started_at = session.started_at
            segments[0].save(update_fields=["started_at"])
        last = segments[-1] if segments else None
        if (
            last is not None
            and last.ended_at is not None
            and old_end is not None
            and session.ended_at is not None
            and abs(last.ended_at - old_end) <= grace
        ):
            last.ended_at = session.ended_at
            last.save(update_fields=["ended_at"])
        _log_follows_rows(session, timezone.now())


def _log_follows_rows(session: Session, now: datetime) -> None:
    """She changed the session's rows by hand: its log is written again to give exactly these
    rows, so that a later tap (Resume after End, a phone's late tap) replays her edit instead
    of undoing it."""
    start = (
        Tap.objects.filter(session=session, type=p.START).values_list("tap_id", flat=True).first()
    )
    Tap.objects.filter(session=session).delete()
    Session.objects.filter(pk=session.pk).update(live_checkpoint=None)
    session.live_checkpoint = None
    store_taps_from_rows([session], now, {session.pk: start} if start else None)


def delete_entry(*, household: Household, entry: models.Model, now: datetime) -> None:
    """Delete one entry. A tapped let-down of a running session is undone through its log
    instead, so the next tap cannot bring it back."""
    if isinstance(entry, LetDown) and entry.tap_id is not None and entry.session.is_active:
        record_tap(
            household=household,
            session_pk=entry.session_id,
            type=p.UNDO,
            at=max(now, entry.at),
            now=max(now, entry.at),
            target=str(entry.tap_id),
            any_age=True,
        )
        return
    with changing(household):
        entry.delete()
        if isinstance(entry, LetDown):
            _log_follows_rows(entry.session, now)


def add_past_session(*, household: Household, session: Session, side: str, now: datetime) -> None:
    """A session logged afterwards: its rows and the start and end taps that give them."""
    assert session.ended_at is not None, "a past session has ended"
    with changing(household):
        session.household = household
        session.save()
        Segment.objects.create(
            household=household,
            session=session,
            side=side,
            started_at=session.started_at,
            ended_at=session.ended_at,
        )
        _taps_from_rows(session, now)


def log_letdown_at(
    *, household: Household, letdown: LetDown, now: datetime, by: User | None = None
) -> None:
    """A let-down she forgot to tap, added with its time and details. On a running session it
    goes through the log like a tap; on an ended one it is a plain row."""
    session = letdown.session
    if not session.is_active:
        with changing(household):
            letdown.save()
            _log_follows_rows(session, now)
        return
    with changing(household):
        result = record_tap(
            household=household,
            session_pk=session.pk,
            type=p.LETDOWN,
            at=letdown.at,
            now=now,
            by=by,
        )
        mark = next(m for m in result.state.letdowns if result.tap.id in m.members)
        row = LetDown.objects.get(session=session, tap_id=mark.tap_id)
        row.side, row.noticed, row.sensations = letdown.side, letdown.noticed, letdown.sensations
        row.mood = letdown.mood
        row.save()
        letdown.pk = row.pk
