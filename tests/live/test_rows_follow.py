"""Whichever way a tap is taken (alone from the session's checkpoint when it comes in order,
or by replaying the whole log when it is late, an undo or a retry), the stored rows are the
projection of the log."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from letdown.logbook import projection as p
from letdown.logbook import services
from letdown.logbook.models import Session

from .test_concurrency import assert_rows_follow_the_taps

TYPES = [p.LETDOWN, p.LETDOWN, p.SWITCH, p.PAUSE, p.RESUME, p.END, p.REOPEN, p.UNDO]


@pytest.mark.parametrize("seed", range(12))
def test_rows_are_the_projection_after_every_tap(family, seed):
    rng = random.Random(seed)
    t0 = timezone.now() - timedelta(hours=2)
    now = timezone.now()
    result = services.start_session(
        household=family.household,
        lactation=family.lactation,
        kind="nursing",
        side=rng.choice(["left", "right", "both"]),
        at=t0,
        now=now,
    )
    session = result.session
    sent: list[p.Tap] = [result.tap]
    clock = 0.0
    for _ in range(40):
        clock += rng.choice([0.5, 1.5, 5, 12, 40, 90])
        # Mostly in order; now and then a tap from a phone that was offline, or sent again.
        moment = clock - rng.choice([0, 0, 0, 0, 30, 200]) if rng.random() < 0.3 else clock
        type = rng.choice(TYPES)
        target = ""
        if type == p.UNDO:
            undoable = [t for t in sent if t.type in p.UNDOABLE]
            if not undoable:
                continue
            target = rng.choice(undoable).id
        tap_id = rng.choice(sent).id if rng.random() < 0.05 else str(uuid.uuid4())
        try:
            result = services.record_tap(
                household=family.household,
                session_pk=session.pk,
                type=type,
                at=t0 + timedelta(seconds=max(moment, 0)),
                now=now,
                tap_id=tap_id,
                target=target,
                any_age=True,
            )
        except services.LogbookError:
            continue  # refused (a reused id, a late reopen): nothing may have changed
        finally:
            assert_rows_follow_the_taps(Session.objects.get(pk=session.pk))
        if result.created:
            sent.append(result.tap)
