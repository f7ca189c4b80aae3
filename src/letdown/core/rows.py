"""Model instances read by hand-written SQL, for the few statements every live tap runs (her
login, her session). Building a query through the ORM costs far more CPU than running it
(`bench/bench_taps.py`); these skip the building and keep the rest: each value goes through
the same converters the ORM applies, and the instance is made by `Model.from_db`, so fields
not read load on first use as with `.only()`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import CharField
from django.db.models.functions import Cast

M = TypeVar("M", bound=models.Model)


def as_text(field: str) -> Cast:
    """A timestamp (or JSON) column read as its text, for the caller to parse: on SQLite the
    driver's and Django's converters cost more per value than `datetime.fromisoformat` on the
    text (`bench/bench_choices.py` prints both), which adds up over two years of records.
    The text parses the same way on both databases."""
    return Cast(field, output_field=CharField())


@cache
def fields(model: type[models.Model], names: tuple[str, ...] | None = None) -> tuple[Any, ...]:
    """The concrete fields named (every one when `names` is None), in that order."""
    if names is None:
        return tuple(model._meta.concrete_fields)
    return tuple(model._meta.get_field(name) for name in names)


def columns(model: type[models.Model], alias: str, names: tuple[str, ...] | None = None) -> str:
    """`alias.column, ...` for a SELECT list."""
    q = connection.ops.quote_name
    return ", ".join(f"{alias}.{q(field.column)}" for field in fields(model, names))


@cache
def _converters(model: type[models.Model], names: tuple[str, ...] | None) -> tuple[Any, ...]:
    made = []
    for field in fields(model, names):
        col = field.get_col(model._meta.db_table)
        made.append(
            (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
        )
    return tuple(made)


def instance(model: type[M], values: Sequence[Any], names: tuple[str, ...] | None = None) -> M:
    """The instance the ORM would make of these column values."""
    converted = []
    for value, (col, converters) in zip(values, _converters(model, names), strict=True):
        for convert in converters:
            value = convert(value, col, connection)
        converted.append(value)
    attnames = [field.attname for field in fields(model, names)]
    return model.from_db(connection.alias, attnames, converted)
