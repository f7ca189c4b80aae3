"""Her records as the database driver returns them (`Rows`: tuples, times as POSIX seconds),
turned into plain records (`records_from_rows`) or straight into the core's numpy columns
(`columns_from_rows`).

The two agree exactly, value for value (a test holds them to it): the columns are what the
page uses, since at two years of records the plain records alone took longer to build than
all the statistics; the records are the readable reference, and what the tests build.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from .clock import DAY_S, EPOCH_ORDINAL, local_seconds
from .columns import Columns
from .records import FeedRecord, LeakRecord, SessionRecord
from .table import NURSING, session_table

# (id, kind, started_s, ended_s or None, volume_left_ml, volume_right_ml, anxiety_before,
#  aids as JSON text or a list, lactation_id)
SessionRow = tuple[int, str, float, float | None, Any, Any, Any, Any, int]


@dataclass(frozen=True)
class Rows:
    """Her records as the database returns them; times in POSIX seconds, in no set order."""

    birth_dates: dict[int, date]  # by lactation: the youngest baby's birth date
    sessions: Sequence[SessionRow]
    letdowns: Sequence[tuple[int, float]]  # (session_id, at_s)
    leaks: Sequence[tuple[float, int]]  # (at_s, lactation_id)
    bottle_feeds: Sequence[tuple[float, int]]  # (at_s, lactation_id): those topping up no session


def _moment(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(round(epoch_s, 3), UTC)


def _offsets_s(started_s: float, letdowns_s: list[float]) -> tuple[float, ...]:
    # The rule of `letdown_offsets_s` in the logbook's facts, on seconds: sorted, and a
    # let-down tapped a moment before the start counts at 0.
    return tuple(sorted(max(0.0, round(at_s - started_s, 3)) for at_s in letdowns_s))


def _aids_parser() -> Callable[[list[str] | str | None], frozenset[str]]:
    """Parses the aids column, once per distinct value: she uses a handful of combinations,
    and JSON arrives as text from both backends when Django's converters are skipped."""
    parsed: dict[str, frozenset[str]] = {}

    def aids(value: list[str] | str | None) -> frozenset[str]:
        if not isinstance(value, str):
            return frozenset(value or ())
        if value not in parsed:
            parsed[value] = frozenset(json.loads(value))
        return parsed[value]

    return aids


def records_from_rows(
    rows: Rows, tz: ZoneInfo
) -> tuple[list[SessionRecord], list[LeakRecord], list[FeedRecord]]:
    """Plain records, times rounded to the millisecond (SQLite's date functions count whole
    milliseconds, so both backends give the same)."""
    letdowns_s: dict[int, list[float]] = {}
    for session_id, at_s in rows.letdowns:
        letdowns_s.setdefault(session_id, []).append(at_s)
    sessions = []
    aids_of = _aids_parser()
    for row in rows.sessions:
        pk, kind, started_s, ended_s, left, right, anxiety, aids, lactation_id = row
        started_at = _moment(started_s)
        birth = rows.birth_dates.get(lactation_id)
        sessions.append(
            SessionRecord(
                id=pk,
                kind=kind,
                started_at=started_at,
                ended_at=None if ended_s is None else _moment(ended_s),
                letdown_offsets_s=_offsets_s(started_s, letdowns_s.get(pk, [])),
                volume_left_ml=left,
                volume_right_ml=right,
                anxiety_before=anxiety,
                aids=aids_of(aids),
                lactation_id=lactation_id,
                # The birth date is her local date, so the session's day must be too: a night
                # feed at 00:30 in Paris is 23:30 UTC the day before.
                weeks_since_birth=(
                    (started_at.astimezone(tz).date() - birth).days / 7 if birth else None
                ),
            )
        )
    leaks = [LeakRecord(at=_moment(at_s), lactation_id=lactation) for at_s, lactation in rows.leaks]
    # A feed is a nursing session's start, or a bottle feed that did not top one up;
    # pumping is counted by the core from the sessions themselves.
    feeds = [
        FeedRecord(at=s.started_at, lactation_id=s.lactation_id)
        for s in sessions
        if s.kind == NURSING
    ]
    feeds += [
        FeedRecord(at=_moment(at_s), lactation_id=lactation)
        for at_s, lactation in rows.bottle_feeds
    ]
    return sessions, leaks, feeds


def whole_ms(seconds: np.ndarray) -> np.ndarray:
    """`round(s, 3) * 1000` for each value, as exact integers (int64).

    Python's `round` goes half to even on the exact binary value of the float, which numpy's
    `round` (scale, round, unscale) does not always match; the records are rounded by Python,
    so the columns are rounded here in integers, the same way, for finite |s| < 2**52.
    """
    seconds = np.asarray(seconds, dtype=float)
    mantissa, exponent = np.frexp(np.abs(seconds))
    # |s| * 1000 = scaled / 2**shift exactly, with scaled < 2**63.
    scaled = (mantissa * 2.0**53).astype(np.int64) * 1000
    shift = (53 - exponent).astype(np.int64)
    tiny = shift > 63  # |s| * 1000 < 0.5: rounds to 0
    shift = np.clip(shift, 1, 63)
    quotient = scaled >> shift
    remainder = scaled - (quotient << shift)
    half = np.int64(1) << (shift - 1)
    quotient += (remainder > half) | ((remainder == half) & (quotient % 2 == 1))
    quotient[tiny] = 0
    return np.where(seconds < 0, -quotient, quotient)


def _seconds(ms: np.ndarray) -> np.ndarray:
    # The float nearest the exact millisecond value, as `round(s, 3)` and datetimes give it.
    return ms.astype(float) / 1000.0


def columns_from_rows(rows: Rows, tz: ZoneInfo) -> Columns:
    """The core's columns, with no datetime and no record per row: the same values as
    `columns_from_records(*records_from_rows(rows, tz), tz)`."""
    count = len(rows.sessions)
    if count:
        ids, kinds, started, ended, left, right, anxiety, aids, lactations = zip(
            *rows.sessions, strict=True
        )
    else:
        ids = kinds = started = ended = left = right = anxiety = aids = lactations = ()
    id_array = np.array(ids, dtype=np.int64)
    kind = _strings(kinds)
    started_raw_s = np.array(started, dtype=float)
    ended_raw_s = np.array(ended, dtype=float)  # NaN while running
    finished = ~np.isnan(ended_raw_s)
    started_ms = whole_ms(started_raw_s)
    started_s = _seconds(started_ms)
    # Exact to the millisecond, as the records' datetimes subtract.
    duration_s = np.full(count, np.nan)
    duration_s[finished] = _seconds(whole_ms(ended_raw_s[finished]) - started_ms[finished])
    lactation_id = np.array(lactations, dtype=np.int64)

    # Her clock at the start: the hour, and the local date that weeks since the birth are
    # counted from (see `records_from_rows`).
    local_s = local_seconds(started_s, tz)
    lactations_used, lactation_index = np.unique(lactation_id, return_inverse=True)
    birth_day = np.array(
        [
            rows.birth_dates[int(lactation)].toordinal() - EPOCH_ORDINAL
            if int(lactation) in rows.birth_dates
            else np.nan
            for lactation in lactations_used
        ],
        dtype=float,
    )[lactation_index]
    weeks = (np.floor(local_s / DAY_S) - birth_day) / 7

    letdown_session, offsets_s = _letdown_offsets_s(rows.letdowns, id_array, started_raw_s)
    aid_slugs, aid_used = _aid_columns(aids)
    table = session_table(
        ids=id_array,
        kind=kind,
        started_s=started_s,
        duration_s=duration_s,
        finished=finished,
        anxiety=np.array(anxiety, dtype=float),
        lactation_id=lactation_id,
        weeks_since_birth=weeks,
        volume_left_ml=np.array(left, dtype=float),
        volume_right_ml=np.array(right, dtype=float),
        letdown_session=letdown_session,
        letdown_offsets_s=offsets_s,
        aid_slugs=aid_slugs,
        aid_used=aid_used,
        local_hour=np.floor(local_s / 3600).astype(np.int64) % 24,
    )

    leak_s, leak_lactation_id = _stamps(rows.leaks)
    bottle_s, bottle_lactation_id = _stamps(rows.bottle_feeds)
    nursing = kind == NURSING
    feed_s = np.concatenate((started_s[nursing], bottle_s))
    feed_lactation_id = np.concatenate((lactation_id[nursing], bottle_lactation_id))
    # Her latest record of any kind, the first one listed on a tie (as the records' `max`).
    stamps_s = np.concatenate((started_s, leak_s, feed_s))
    stamp_lactations = np.concatenate((lactation_id, leak_lactation_id, feed_lactation_id))
    return Columns(
        sessions=table,
        n_running=int(count - finished.sum()),
        latest_lactation_id=int(stamp_lactations[np.argmax(stamps_s)]) if len(stamps_s) else None,
        leak_s=leak_s,
        leak_lactation_id=leak_lactation_id,
        feed_s=feed_s,
        feed_lactation_id=feed_lactation_id,
    )


def _letdown_offsets_s(
    letdowns: Sequence[tuple[int, float]], session_ids: np.ndarray, started_raw_s: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each let-down's session (an index into `session_ids`) and offset from its start, sorted
    by session and then by offset, with the records' rounding and clamping at 0."""
    if not len(letdowns) or not len(session_ids):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    # Session ids travel as floats here, exactly (they are far below 2**53).
    flat = np.fromiter(chain.from_iterable(letdowns), dtype=float, count=2 * len(letdowns))
    letdown_ids, letdown_raw_s = flat[0::2].astype(np.int64), flat[1::2]
    by_id = np.argsort(session_ids)
    session = by_id[np.searchsorted(session_ids[by_id], letdown_ids).clip(0, len(by_id) - 1)]
    # A let-down of a session not loaded (none should be) is left out.
    known = session_ids[session] == letdown_ids
    session = session[known]
    # As the records do it: the raw moments subtracted, then rounded to the millisecond.
    offsets_ms = np.maximum(whole_ms(letdown_raw_s[known] - started_raw_s[session]), 0)
    if offsets_ms.max(initial=0) < 2**32:
        # One integer key (session, then offset) sorts several times quicker than a lexsort;
        # equal keys are equal offsets of one session, so their order does not matter.
        in_order = np.argsort((session << 32) | offsets_ms)
    else:  # a let-down logged weeks after its session started
        in_order = np.lexsort((offsets_ms, session))
    return session[in_order], _seconds(offsets_ms[in_order])


def _strings(values: Sequence[str]) -> np.ndarray:
    """A numpy string array of a column with a few distinct values (quicker than np.array)."""
    distinct = list(dict.fromkeys(values))
    code = {value: index for index, value in enumerate(distinct)}
    codes = np.fromiter(map(code.__getitem__, values), dtype=np.intp, count=len(values))
    return np.array(distinct, dtype=str)[codes]


def _stamps(rows: Sequence[tuple[float, int]]) -> tuple[np.ndarray, np.ndarray]:
    if not len(rows):
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    at_s, lactation_id = zip(*rows, strict=True)
    return _seconds(whole_ms(np.array(at_s, dtype=float))), np.array(lactation_id, dtype=np.int64)


def _aid_columns(values: Sequence[Any]) -> tuple[tuple[str, ...], np.ndarray]:
    """The slugs used and a bool matrix (session x slug), parsing each distinct value once."""
    parse = _aids_parser()
    try:
        distinct = list(dict.fromkeys(values))
    except TypeError:  # a driver that decodes JSON gives lists
        values = [tuple(value) if isinstance(value, list) else value for value in values]
        distinct = list(dict.fromkeys(values))
    position = {value: index for index, value in enumerate(distinct)}
    slug_sets = [parse(list(value) if isinstance(value, tuple) else value) for value in distinct]
    slugs = tuple(sorted(set().union(*slug_sets)))
    per_value = np.array(
        [[slug in slug_set for slug in slugs] for slug_set in slug_sets], dtype=bool
    ).reshape(len(distinct), len(slugs))
    index = np.fromiter(map(position.__getitem__, values), dtype=np.int64, count=len(values))
    return slugs, per_value[index]
