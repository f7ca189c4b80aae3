"""A live session as a pure projection of its taps. The phones append taps (start, let-down,
switch, pause, resume, end, undo, reopen), each with an id the phone made and the moment she
tapped; this module alone decides what they mean. It imports nothing from Django, so the same
taps in any order, sent any number of times, always give the same session."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

START = "start"
LETDOWN = "letdown"
SWITCH = "switch"
PAUSE = "pause"
RESUME = "resume"
END = "end"
UNDO = "undo"
REOPEN = "reopen"  # resume a session after a mistaken End
TAP_TYPES = (START, LETDOWN, SWITCH, PAUSE, RESUME, END, UNDO, REOPEN)
UNDOABLE = frozenset({LETDOWN, END})

# A second Let-down tap this soon after the last let-down is the same let-down: a double tap,
# or both parents tapping it.
SAME_LETDOWN = timedelta(seconds=10)
# Two Switch taps this close together (two phones, or a bounce of the thumb) are one switch.
SAME_SWITCH = timedelta(seconds=2)
# How long "Let-down saved · Undo" and "Session ended · Undo" are offered.
UNDO_WINDOW = timedelta(seconds=30)
# How long after End an ended session can still be resumed from its page.
REOPEN_WINDOW = timedelta(minutes=10)
# A session has a positive length even when ended in the instant it started.
SHORTEST_SESSION = timedelta(seconds=1)

# What a tap did, for the answer to the phone that sent it.
APPLIED = "applied"
SAME_AS_LAST = "same_as_last"  # merged into the let-down or switch just before it
NO_CHANGE = "no_change"  # pause while paused, resume while running, switch while double pumping
AFTER_END = "after_end"  # kept in the log, changes nothing
UNDONE = "undone"  # cancelled by a later undo tap


@dataclass(frozen=True)
class Tap:
    id: str
    type: str
    at: datetime
    side: str = ""  # the side a session starts on (start taps only)
    target: str = ""  # the tap an undo cancels


@dataclass(frozen=True)
class Span:
    """A stretch on one side (or both) with no pause in it; `end` is None while it runs."""

    side: str
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class LetdownMark:
    """One let-down: its first tap (whose id names it), its moment and side, and every tap
    that counted as the same let-down."""

    tap_id: str
    at: datetime
    side: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class SessionState:
    started_at: datetime
    ended_at: datetime | None
    side: str  # the side in use now, or the one a resume goes back to
    paused: bool
    segments: tuple[Span, ...]
    letdowns: tuple[LetdownMark, ...]
    outcomes: dict[str, str] = field(default_factory=dict, compare=False)
    end_tap: str = ""  # the tap that ended it, which an undo can cancel

    @property
    def running(self) -> bool:
        return self.ended_at is None


def _other_side(side: str) -> str:
    return {"left": "right", "right": "left"}.get(side, side)


def _order(tap: Tap) -> tuple[datetime, int, str]:
    # The start comes first even when a tap shares its instant; the id breaks other ties, so
    # the order does not depend on the order taps arrived in.
    return (tap.at, 0 if tap.type == START else 1, tap.id)


def project(taps: Iterable[Tap]) -> SessionState:
    """The session that these taps describe. Duplicates (the same id) count once; order of
    arrival does not matter."""
    unique = {tap.id: tap for tap in sorted(taps, key=_order)}
    starts = [tap for tap in unique.values() if tap.type == START]
    if not starts:
        raise ValueError("a session's taps begin with a start")
    start = min(starts, key=_order)
    undone = {
        tap.target
        for tap in unique.values()
        if tap.type == UNDO and tap.target in unique and unique[tap.target].type in UNDOABLE
    }
    outcomes: dict[str, str] = {tap.id: UNDONE for tap in unique.values() if tap.id in undone}
    side = start.side
    open_since: datetime | None = start.at
    ended_at: datetime | None = None
    end_tap = ""
    spans: list[Span] = []
    letdowns: list[LetdownMark] = []
    last_switch: datetime | None = None

    def close(at: datetime) -> None:
        nonlocal open_since
        if open_since is not None:
            spans.append(Span(side, open_since, at))
            open_since = None

    for tap in sorted(unique.values(), key=_order):
        # A boundary never goes back in time: End may have been moved a second on (a session
        # ended in the instant it started), and a tap in that second comes after it.
        moment = max(tap.at, spans[-1].end or tap.at) if spans else tap.at
        if open_since is not None:
            moment = max(moment, open_since)
        if tap.id in undone or tap.type == UNDO:
            outcomes.setdefault(tap.id, APPLIED)
            continue
        if tap is start or tap.type == START:
            outcomes[tap.id] = APPLIED if tap is start else NO_CHANGE
            continue
        if tap.type == REOPEN:
            if ended_at is None:
                outcomes[tap.id] = NO_CHANGE
            else:
                # The time between End and the reopen counts as a pause.
                open_since = max(moment, ended_at)
                ended_at, end_tap = None, ""
                outcomes[tap.id] = APPLIED
            continue
        if ended_at is not None:
            outcomes[tap.id] = AFTER_END
            continue
        if tap.type == LETDOWN:
            last = letdowns[-1] if letdowns else None
            if last is not None and tap.at - last.at < SAME_LETDOWN:
                letdowns[-1] = LetdownMark(last.tap_id, last.at, last.side, (*last.members, tap.id))
                outcomes[tap.id] = SAME_AS_LAST
            else:
                letdowns.append(LetdownMark(tap.id, tap.at, side, (tap.id,)))
                outcomes[tap.id] = APPLIED
        elif tap.type == SWITCH:
            if last_switch is not None and tap.at - last_switch < SAME_SWITCH:
                outcomes[tap.id] = SAME_AS_LAST
            elif side not in ("left", "right"):
                outcomes[tap.id] = NO_CHANGE
            else:
                # A switch while paused carries on at once on the other side.
                close(moment)
                side = _other_side(side)
                open_since = moment
                last_switch = tap.at
                outcomes[tap.id] = APPLIED
        elif tap.type == PAUSE:
            outcomes[tap.id] = APPLIED if open_since is not None else NO_CHANGE
            close(moment)
        elif tap.type == RESUME:
            outcomes[tap.id] = APPLIED if open_since is None else NO_CHANGE
            if open_since is None:
                open_since = moment
        elif tap.type == END:
            ended_at = max(moment, start.at + SHORTEST_SESSION)
            close(ended_at)
            end_tap = tap.id
            outcomes[tap.id] = APPLIED
    if open_since is not None:
        spans.append(Span(side, open_since, None))
    return SessionState(
        started_at=start.at,
        ended_at=ended_at,
        side=side,
        paused=ended_at is None and open_since is None,
        segments=tuple(spans),
        letdowns=tuple(letdowns),
        outcomes=outcomes,
        end_tap=end_tap,
    )


def active_seconds(state: SessionState, now: datetime) -> float:
    """Time on the breast or pump, pauses left out; a running stretch counts up to `now`."""
    stop = state.ended_at or now
    return sum(max(0.0, ((s.end or stop) - s.start).total_seconds()) for s in state.segments)


def taps_from_rows(
    *,
    started_at: datetime,
    ended_at: datetime | None,
    segments: Sequence[tuple[str, datetime, datetime | None]],
    letdown_times: Sequence[datetime],
    new_id: Callable[[], object],
) -> list[Tap]:
    """The taps that give a session stored as rows (logged before sessions kept their taps,
    made by the demo, or written by a tool). Overlapping stretches, which a race could leave
    before taps existed, are cut where the next one begins."""
    taps: list[Tap] = []

    def emit(type: str, at: datetime, side: str = "") -> None:
        taps.append(Tap(str(new_id()), type, at, side=side))

    ordered = sorted(segments, key=lambda s: s[1])
    side = ordered[0][0] if ordered else "both"
    emit(START, started_at, side)
    running = True
    if ordered and ordered[0][1] > started_at:
        emit(PAUSE, started_at)
        running = False
    for index, (seg_side, seg_start, seg_end) in enumerate(ordered):
        if index > 0 or not running:
            if running and seg_side != side:
                emit(SWITCH, seg_start)
            elif not running:
                pair = {seg_side, side} == {"left", "right"}
                emit(SWITCH if pair else RESUME, seg_start)
        side, running = seg_side, True
        following = ordered[index + 1][1] if index + 1 < len(ordered) else None
        ends = [t for t in (seg_end, following, ended_at) if t is not None]
        end = min(ends) if ends else None
        if end is not None and end != following and end != ended_at:
            emit(PAUSE, end)
            running = False
    for at in letdown_times:
        emit(LETDOWN, at)
    if ended_at is not None:
        emit(END, ended_at)
    return taps
