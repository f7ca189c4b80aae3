"""A live session as a pure projection of its taps. The phones append taps (start, let-down,
switch, pause, resume, end, undo, reopen), each with an id the phone made and the moment she
tapped; this module alone decides what they mean. It imports nothing from Django, so the same
taps in any order, sent any number of times, always give the same session."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

START = "start"
LETDOWN = "letdown"
SWITCH = "switch"
PAUSE = "pause"
RESUME = "resume"
END = "end"
UNDO = "undo"
REOPEN = "reopen"  # resume a session after a mistaken End
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
    start_tap: str = ""  # the phone that started it names it by this before it has an id

    @property
    def running(self) -> bool:
        return self.ended_at is None


def _other_side(side: str) -> str:
    return {"left": "right", "right": "left"}.get(side, side)


def _order(tap: Tap) -> tuple[datetime, int, str]:
    # The start comes first even when a tap shares its instant; the id breaks other ties, so
    # the order does not depend on the order taps arrived in.
    return (tap.at, 0 if tap.type == START else 1, tap.id)


class Fold:
    """The meaning of the taps so far, taken one tap at a time in their order. `project` runs
    it over a whole log; a checkpoint of it, kept with the session, lets the next tap in order
    be taken alone (what a tap costs then does not grow with the session)."""

    def __init__(self, start: Tap) -> None:
        self.start_id, self.started_at = start.id, start.at
        self.side = start.side
        self.open_since: datetime | None = start.at
        self.ended_at: datetime | None = None
        self.end_tap = ""
        self.last_switch: datetime | None = None
        self.boundary = start.at  # the newest start or end of a stretch
        self.last_key: tuple[datetime, int, str] = _order(start)
        self.spans: list[Span] = []  # stretches closed by the taps taken
        self.letdowns: list[tuple[str, datetime, str, list[str]]] = []  # (id, at, side, taps)
        self.outcomes: dict[str, str] = {start.id: APPLIED}

    def take(self, tap: Tap, undone: frozenset[str] = frozenset()) -> None:
        """One tap, later in the order than every tap taken before it."""
        self.last_key = max(self.last_key, _order(tap))
        # A boundary never goes back in time: End may have been moved a second on (a session
        # ended in the instant it started), and a tap in that second comes after it.
        moment = max(tap.at, self.boundary)
        outcomes = self.outcomes
        if tap.id in undone or tap.type == UNDO:
            outcomes[tap.id] = UNDONE if tap.id in undone else APPLIED
        elif tap.type == START:
            outcomes.setdefault(tap.id, NO_CHANGE)
        elif tap.type == REOPEN:
            if self.ended_at is None:
                outcomes[tap.id] = NO_CHANGE
            else:
                # The time between End and the reopen counts as a pause.
                self._open(moment)
                self.ended_at, self.end_tap = None, ""
                outcomes[tap.id] = APPLIED
        elif self.ended_at is not None:
            outcomes[tap.id] = AFTER_END
        elif tap.type == LETDOWN:
            if self.letdowns and tap.at - self.letdowns[-1][1] < SAME_LETDOWN:
                self.letdowns[-1][3].append(tap.id)
                outcomes[tap.id] = SAME_AS_LAST
            else:
                self.letdowns.append((tap.id, tap.at, self.side, [tap.id]))
                outcomes[tap.id] = APPLIED
        elif tap.type == SWITCH:
            if self.last_switch is not None and tap.at - self.last_switch < SAME_SWITCH:
                outcomes[tap.id] = SAME_AS_LAST
            elif self.side not in ("left", "right"):
                outcomes[tap.id] = NO_CHANGE
            else:
                # A switch while paused carries on at once on the other side.
                self._close(moment)
                self.side = _other_side(self.side)
                self._open(moment)
                self.last_switch = tap.at
                outcomes[tap.id] = APPLIED
        elif tap.type == PAUSE:
            outcomes[tap.id] = APPLIED if self.open_since is not None else NO_CHANGE
            self._close(moment)
        elif tap.type == RESUME:
            outcomes[tap.id] = APPLIED if self.open_since is None else NO_CHANGE
            if self.open_since is None:
                self._open(moment)
        elif tap.type == END:
            self.ended_at = max(moment, self.started_at + SHORTEST_SESSION)
            self._close(self.ended_at)
            self.end_tap = tap.id
            outcomes[tap.id] = APPLIED

    def _open(self, at: datetime) -> None:
        self.open_since = self.boundary = at

    def _close(self, at: datetime) -> None:
        if self.open_since is not None:
            self.spans.append(Span(self.side, self.open_since, at))
            self.open_since, self.boundary = None, at

    def state(self) -> SessionState:
        spans = list(self.spans)
        if self.open_since is not None:
            spans.append(Span(self.side, self.open_since, None))
        return SessionState(
            started_at=self.started_at,
            ended_at=self.ended_at,
            side=self.side,
            paused=self.ended_at is None and self.open_since is None,
            segments=tuple(spans),
            letdowns=tuple(LetdownMark(i, at, s, tuple(m)) for i, at, s, m in self.letdowns),
            outcomes=self.outcomes,
            end_tap=self.end_tap,
            start_tap=self.start_id,
        )

    def checkpoint(self) -> dict[str, Any]:
        """The fold as JSON, kept with the session: the next tap in order carries on from it.
        A let-down keeps only its first tap's id (the others matter only to a replay)."""

        def iso(at: datetime | None) -> str | None:
            return at.isoformat() if at is not None else None

        return {
            "start": [self.start_id, iso(self.started_at)],
            "side": self.side,
            "open_since": iso(self.open_since),
            "ended_at": iso(self.ended_at),
            "end_tap": self.end_tap,
            "last_switch": iso(self.last_switch),
            "boundary": iso(self.boundary),
            "last_key": [iso(self.last_key[0]), self.last_key[1], self.last_key[2]],
            "spans": [[span.side, iso(span.start), iso(span.end)] for span in self.spans],
            "letdowns": [[i, iso(at), side] for i, at, side, _taps in self.letdowns],
        }

    @classmethod
    def resume(cls, checkpoint: dict[str, Any]) -> Fold:
        """The fold a checkpoint kept, ready to take the next tap in order."""

        def at(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value is not None else None

        start_id, started = checkpoint["start"]
        fold = cls(Tap(start_id, START, datetime.fromisoformat(started)))
        fold.outcomes = {}
        fold.side = checkpoint["side"]
        fold.open_since = at(checkpoint["open_since"])
        fold.ended_at = at(checkpoint["ended_at"])
        fold.end_tap = checkpoint["end_tap"]
        fold.last_switch = at(checkpoint["last_switch"])
        fold.boundary = datetime.fromisoformat(checkpoint["boundary"])
        key_at, key_rank, key_id = checkpoint["last_key"]
        fold.last_key = (datetime.fromisoformat(key_at), key_rank, key_id)
        fold.spans = [
            Span(side, datetime.fromisoformat(start), datetime.fromisoformat(end))
            for side, start, end in checkpoint["spans"]
        ]
        fold.letdowns = [
            (i, datetime.fromisoformat(moment), side, [i])
            for i, moment, side in checkpoint["letdowns"]
        ]
        return fold

    def comes_after(self, tap: Tap) -> bool:
        """Whether `tap` falls after every tap taken, so that it can be taken alone."""
        return _order(tap) > self.last_key


def fold(taps: Iterable[Tap]) -> Fold:
    """The whole log folded in order. Duplicates (the same id) count once; the order the taps
    arrived in does not matter."""
    ordered = sorted({tap.id: tap for tap in taps}.values(), key=_order)
    starts = [tap for tap in ordered if tap.type == START]
    if not starts:
        raise ValueError("a session's taps begin with a start")
    undoable = {tap.id for tap in ordered if tap.type in UNDOABLE}
    undone = frozenset(t.target for t in ordered if t.type == UNDO and t.target in undoable)
    result = Fold(starts[0])
    for tap in ordered:
        if tap is not starts[0]:
            result.take(tap, undone)
    return result


def project(taps: Iterable[Tap]) -> SessionState:
    """The session that these taps describe."""
    return fold(taps).state()


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
