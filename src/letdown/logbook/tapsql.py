"""The usual live tap in hand-written SQL: read her session, append the tap, write what it
changed. Building each of these statements through the ORM cost more CPU than the rest of the
request together (see `bench/bench_taps.py`), so this one path, and only this one, skips it.
Values still go through each field's own conversion, so both databases store exactly what
the ORM would."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection, models

from letdown.core import rows

from .models import Segment, Session

# What a tap reads of its session; any other field loads on first use (see core.rows).
SESSION_FIELDS = (
    "id",
    "household_id",
    "lactation_id",
    "kind",
    "started_at",
    "ended_at",
    "live_checkpoint",
)


@cache
def _session_sql() -> str:
    table = connection.ops.quote_name(Session._meta.db_table)
    return (
        f"SELECT {rows.columns(Session, 's', SESSION_FIELDS)} FROM {table} s "  # noqa: S608
        "WHERE s.id = %s AND s.household_id = %s"
    )


def session(pk: int, household_pk: int) -> Session | None:
    """Her session with its checkpoint, or None when she has no such session."""
    low, high = connection.ops.integer_field_range("BigAutoField")
    if not low <= pk <= high:  # no row has such an id (and the driver would refuse it)
        return None
    with connection.cursor() as cursor:
        cursor.execute(_session_sql(), [pk, household_pk])
        row = cursor.fetchone()
    return None if row is None else rows.instance(Session, row, SESSION_FIELDS)


@cache
def _insert_sql(model: type[models.Model]) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    q = connection.ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(q(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({marks})", fields  # noqa: S608


def insert(row: models.Model) -> None:
    """One new row, as `row.save()` would write it (no primary key is read back)."""
    sql, fields = _insert_sql(type(row))
    with connection.cursor() as cursor:
        cursor.execute(sql, [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields])


def close_open_segment(session_pk: int, end: datetime) -> None:
    """The end of her session's open stretch (there is at most one)."""
    sql = (
        f"UPDATE {Segment._meta.db_table} SET ended_at = %s "  # noqa: S608
        "WHERE session_id = %s AND ended_at IS NULL"
    )
    _execute(sql, [connection.ops.adapt_datetimefield_value(end), session_pk])


def _execute(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def save_fields(row: models.Model, *names: str) -> None:
    """UPDATE these fields of one row by its primary key."""
    fields = rows.fields(type(row), names)
    params = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
    sql = _update_sql(type(row), names)
    _execute(sql, [*params, row.pk])


@cache
def _update_sql(model: type[models.Model], names: tuple[str, ...]) -> str:
    q = connection.ops.quote_name
    assignments = ", ".join(f"{q(f.column)} = %s" for f in rows.fields(model, names))
    pk = q(model._meta.pk.column)
    return f"UPDATE {q(model._meta.db_table)} SET {assignments} WHERE {pk} = %s"  # noqa: S608
