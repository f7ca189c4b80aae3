"""Operations that write the logbook. Each is one small transaction and bumps the
household's data version, which is what cached statistics and a second phone watch."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from letdown.accounts.models import Household, Lactation

from .models import Kind, LetDown, Segment, Session, Side


class LogbookError(Exception):
    """A request that would leave the log inconsistent; the message is shown to her."""

    def __init__(self, message: str, *, other: Session | None = None) -> None:
        super().__init__(message)
        self.other = other


def touch(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(data_version=F("data_version") + 1)


def start_session(
    *, household: Household, lactation: Lactation, kind: str, side: str, at: datetime
) -> Session:
    if kind not in Kind.values or side not in Side.values:
        raise LogbookError("Unknown kind or side.")
    with transaction.atomic():
        running = Session.objects.for_household(household).active().first()
        if running is not None:
            raise LogbookError("A session is already running.", other=running)
        session = Session.objects.create(
            household=household, lactation=lactation, kind=kind, started_at=at
        )
        Segment.objects.create(household=household, session=session, side=side, started_at=at)
        touch(household)
    return session


def _require_active(session: Session) -> None:
    if not session.is_active:
        raise LogbookError("This session has already ended.")


def record_letdown(*, session: Session, at: datetime) -> LetDown:
    """One tap: a let-down now, on the side being used (both when double pumping)."""
    _require_active(session)
    side = session.current_side() or Side.BOTH
    with transaction.atomic():
        letdown = LetDown.objects.create(
            household_id=session.household_id, session=session, at=at, side=side
        )
        touch(session.household)
    return letdown


def switch_side(*, session: Session, at: datetime) -> Segment:
    _require_active(session)
    current = session.current_side()
    new_side = {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT}.get(current, current)  # type: ignore[call-overload]
    with transaction.atomic():
        Segment.objects.filter(session=session, ended_at__isnull=True).update(ended_at=at)
        segment = Segment.objects.create(
            household_id=session.household_id, session=session, side=new_side, started_at=at
        )
        touch(session.household)
    return segment


def pause_session(*, session: Session, at: datetime) -> None:
    _require_active(session)
    with transaction.atomic():
        Segment.objects.filter(session=session, ended_at__isnull=True).update(ended_at=at)
        touch(session.household)


def resume_session(*, session: Session, at: datetime) -> None:
    _require_active(session)
    if session.open_segment() is not None:
        return  # a second phone resumed first: nothing to do
    with transaction.atomic():
        Segment.objects.create(
            household_id=session.household_id,
            session=session,
            side=session.current_side() or Side.LEFT,
            started_at=at,
        )
        touch(session.household)


def end_session(*, session: Session, at: datetime) -> None:
    if not session.is_active:
        return  # ended on the other phone already; ending twice is not an error
    # A session ended within the same second still has a positive length.
    at = max(at, session.started_at + timedelta(seconds=1))
    with transaction.atomic():
        Segment.objects.filter(session=session, ended_at__isnull=True).update(ended_at=at)
        Session.objects.filter(pk=session.pk).update(ended_at=at)
        session.ended_at = at
        # The routine played for this session writes the steps she used onto it (imported
        # here: the routines app builds on this module).
        from letdown.routines.services import record_routine_steps

        record_routine_steps(session=session, at=at)
        touch(session.household)
