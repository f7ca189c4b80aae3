"""A tap on the live screen: the logbook stores it, and when it ends the session the routine
that went with it writes the steps she used onto it, in the same transaction."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime

from letdown.accounts.models import Household, User
from letdown.accounts.services import changing
from letdown.logbook import services as logbook
from letdown.logbook.projection import END
from letdown.routines.services import record_routine_steps


def tap(
    *,
    household: Household,
    session_pk: int,
    type: str,
    at: datetime | None,
    now: datetime,
    tap_id: str | None = None,
    target: str | None = None,
    by: User | None = None,
) -> logbook.TapResult:
    # Only End can end a session: only then does the routine write in the same transaction.
    with changing(household) if type == END else nullcontext():
        result = logbook.record_tap(
            household=household,
            session_pk=session_pk,
            type=type,
            at=at,
            now=now,
            tap_id=tap_id,
            target=target,
            by=by,
        )
        if result.ended_it:
            assert result.state.ended_at is not None
            record_routine_steps(session=result.session, at=result.state.ended_at)
    return result
