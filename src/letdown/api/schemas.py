"""What the API reads and answers, as pydantic models: the OpenAPI schema is generated from
these, and every answer is checked against them on its way out. Answers are plain pydantic
models, validated and written as JSON by pydantic's core in one step (ninja's own path wraps
each value for Django objects and writes JSON in Python: 10 times slower for a page of 100)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, Field

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _iso_text(value: object) -> object:
    # pydantic would read 0.5 or "1700000000" as seconds since 1970: a moment must be written
    # out, with its offset, so that nobody's number is taken for a time by accident.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO.match(value):
        raise ValueError("write a moment in ISO 8601 with its offset: 2026-11-20T08:00:00+01:00")
    return value


def _in_utc(value: datetime) -> datetime:
    # Taken to UTC here: PostgreSQL refuses offsets past ±16 hours that Python reads, and the
    # database keeps UTC anyway. Years far from ours are a typo, not a filter.
    if not 1900 <= value.year <= 2999:
        raise ValueError("write a moment between the years 1900 and 2999")
    return value.astimezone(UTC)


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_in_utc)]

KindName = Literal["nursing", "pumping", "hand_expression"]
SideName = Literal["left", "right", "both"]
TapName = Literal["letdown", "switch", "pause", "resume", "end", "undo", "reopen"]


class ErrorOut(BaseModel):
    error: str = Field(description="What went wrong, in a sentence for a person.")
    details: list[dict[str, Any]] | None = None


class SegmentOut(BaseModel):
    side: SideName
    started_at: datetime
    ended_at: datetime | None


class LetDownOut(BaseModel):
    id: int
    session_id: int
    at: datetime
    offset_s: float = Field(description="Seconds from the session's start.")
    side: SideName
    noticed: list[str]
    sensations: list[str]
    mood: str
    tap_id: uuid.UUID | None


class SessionOut(BaseModel):
    id: int
    kind: KindName
    started_at: datetime
    ended_at: datetime | None
    running: bool
    source: str = Field(description='"" when logged in letdown; else the app it came from.')
    lactation_id: int
    left_s: float = Field(description="Time on the left side (both sides count for each).")
    right_s: float
    active_s: float = Field(description="Time on any side, pauses left out.")
    volume_left_ml: float | None
    volume_right_ml: float | None
    anxiety_before: int | None
    aids: list[str]
    notes: str
    time_to_first_letdown_s: float | None
    segments: list[SegmentOut]
    letdowns: list[LetDownOut]


class SessionPage(BaseModel):
    items: list[SessionOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next (older) page.")


class LetDownPage(BaseModel):
    items: list[LetDownOut]
    next_cursor: str | None


class LeakOut(BaseModel):
    id: int
    lactation_id: int
    at: datetime
    side: str
    trigger: str
    amount: str
    actions: list[str]
    notes: str


class LeakPage(BaseModel):
    items: list[LeakOut]
    next_cursor: str | None


class BottleFeedOut(BaseModel):
    id: int
    lactation_id: int
    at: datetime
    milk: Literal["expressed", "formula"]
    volume_ml: float
    session_id: int | None
    notes: str


class BottleFeedPage(BaseModel):
    items: list[BottleFeedOut]
    next_cursor: str | None


class RoutineStepOut(BaseModel):
    slug: str
    params: dict[str, Any]


class RoutineOut(BaseModel):
    id: int
    name: str
    kind: KindName
    steps: list[RoutineStepOut]
    created_at: datetime
    updated_at: datetime


class MediaOut(BaseModel):
    id: int
    kind: Literal["audio", "image"]
    name: str
    content_type: str
    size_bytes: int
    duration_s: float | None
    created_at: datetime


class NextFeedOut(BaseModel):
    predicted_at: datetime | None
    earliest_at: datetime | None
    latest_at: datetime | None
    summary: str


class TodayOut(BaseModel):
    since: datetime = Field(description="Her local midnight.")
    sessions: dict[str, int] = Field(description="Sessions started today, by kind.")
    letdowns: int
    leaks: int
    bottle_feeds: int
    pumped_ml: float
    bottle_ml: float


class LiveSegmentOut(BaseModel):
    side: SideName
    start: datetime
    end: datetime | None


class LiveLetdownOut(BaseModel):
    tap_id: str
    at: datetime
    offset_s: float
    side: str


class LiveSessionOut(BaseModel):
    """A session's live state, as the live screen reads it."""

    id: int
    kind: KindName
    started_at: datetime
    ended_at: datetime | None
    running: bool
    paused: bool
    side: str | None
    segments: list[LiveSegmentOut]
    letdowns: list[LiveLetdownOut]
    active_s: dict[str, float]
    active_total_s: float
    undo: dict[str, Any] | None
    end_tap: str | None
    reopen_until: datetime | None
    urls: dict[str, str]


class StatusOut(BaseModel):
    server_time: datetime
    running_session: LiveSessionOut | None
    last_feed_at: datetime | None
    next_side: Literal["left", "right"] | None = Field(
        description="The side her last nursing session ended on: start there next."
    )
    next_feed: NextFeedOut
    today: TodayOut


class StartIn(Schema):
    kind: KindName
    side: SideName
    at: Moment | None = Field(None, description="When she tapped; now when left out.")
    event_id: uuid.UUID | None = Field(
        None, description="Made by the client: a retry is kept once."
    )


class TapIn(Schema):
    type: TapName
    at: Moment | None = None
    event_id: uuid.UUID | None = None
    target: uuid.UUID | None = Field(None, description="Undo only: the tap it cancels.")


class TapOut(BaseModel):
    id: str
    type: str
    at: datetime
    outcome: str
    created: bool = Field(description="False when this was a retry of a tap already kept.")


class TapAnswer(BaseModel):
    server_time: datetime
    tap: TapOut
    message: str
    session: LiveSessionOut


class CurveOut(BaseModel):
    kind: KindName
    n_sessions: int
    n_censored: int
    median_s: float | None
    median_lower_s: float | None
    median_upper_s: float | None
    summary: str


class InsightsOut(BaseModel):
    computed_at: datetime
    n_sessions: int
    first_letdown: list[CurveOut]
    recent_median_s: float | None
    recent_days: int
    what_helps: str
    pump_switch_time_s: float | None
    pump_switch_summary: str
    letdowns_per_session: dict[str, float | None]
    n_leaks: int
    leaks_summary: str
    next_feed: NextFeedOut
    rhythm_summary: str
