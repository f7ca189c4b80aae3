"""letdown's own data document: every row of a household's family data, kind by kind, as
plain JSON values. Export writes it; the importers build the same shape from other apps'
files, so one writer stores them all.

Rows are read and written field by field from the models' own definitions, so a field added to
a model travels in the export without a change here (`tests/transfer` checks every model that
belongs to a household is listed in KINDS).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections, models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from letdown.accounts.models import Baby, Household, Lactation
from letdown.babylog.models import Nappy, Weighing
from letdown.logbook.models import BottleFeed, Leak, LetDown, Segment, Session, Tap
from letdown.routines.models import Media, Routine, RoutineRun, RunEvent
from letdown.share.models import ReportQuestions

SCHEMA_VERSION = 1
FORMAT = "letdown-export"


@dataclass(frozen=True)
class KindSpec:
    name: str  # the key in the document and the CSV file's name
    model: type[models.Model]
    label: str | Promise = field(compare=False)  # what the import preview calls them

    def fields(self) -> list[models.Field[Any, Any]]:
        """Every stored field but the row's own id and its household (implied)."""
        return [
            f
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.name != "household"
        ]

    def columns(self) -> list[str]:
        return ["id"] + [column_of(f) for f in self.fields()]

    def references(self) -> dict[str, str]:
        """{column: kind name} for the foreign keys, which importers remap to new ids."""
        return {
            f.attname: KIND_OF_MODEL[f.related_model]  # type: ignore[index]
            for f in self.fields()
            if f.is_relation and f.related_model in KIND_OF_MODEL
        }


def is_member(field: models.Field[Any, Any]) -> bool:
    """A foreign key to a person of the household (who tapped): accounts are not exported,
    so it travels as the person's username."""
    return field.is_relation and field.related_model is get_user_model()


def column_of(field: models.Field[Any, Any]) -> str:
    # Foreign keys travel as the id of the row they point to in the same document
    # ("session_id"); a person as her username ("by").
    return field.name if is_member(field) else field.attname


# In the order they can be written: a row only points to kinds above it.
KINDS: tuple[KindSpec, ...] = (
    KindSpec("lactations", Lactation, _("Lactations")),
    KindSpec("babies", Baby, _("Babies")),
    KindSpec("sessions", Session, _("Sessions")),
    KindSpec("taps", Tap, _("Taps on the live screen")),
    KindSpec("segments", Segment, _("Side segments")),
    KindSpec("letdowns", LetDown, _("Let-downs")),
    KindSpec("leaks", Leak, _("Leaks")),
    KindSpec("bottle_feeds", BottleFeed, _("Bottle feeds")),
    KindSpec("routines", Routine, _("Routines")),
    KindSpec("routine_runs", RoutineRun, _("Routine runs")),
    KindSpec("run_events", RunEvent, _("Routine steps played")),
    KindSpec("media", Media, _("Photos and sounds")),
    KindSpec("nappies", Nappy, _("Nappies")),
    KindSpec("weighings", Weighing, _("Weights")),
    KindSpec("report_questions", ReportQuestions, _("Questions for the specialist")),
)
KIND_OF_MODEL: dict[type[models.Model], str] = {k.model: k.name for k in KINDS}
KIND_BY_NAME: dict[str, KindSpec] = {k.name: k for k in KINDS}
HOUSEHOLD_FIELDS = ("parent_name", "unit", "time_zone")


def encode_moment(value: datetime) -> str:
    """UTC, to the microsecond, always the same length: 2026-11-20T08:00:00.123456Z."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _as_is(value: Any) -> Any:
    return value


def _stored_moment(value: Any) -> str:
    # SQLite hands back Django's text, "2026-11-20 08:01:35.123457" in UTC, without the
    # fraction when it is zero; PostgreSQL an aware datetime.
    if isinstance(value, str):
        return value.replace(" ", "T") + (".000000Z" if len(value) == 19 else "Z")
    return encode_moment(value)


def _stored_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _encoder(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """From a value as the database driver returns it (Django's own converters are skipped:
    they cost more than everything else in an export) to its JSON value."""
    if is_member(field):
        return _as_is  # the username, read through the foreign key
    if isinstance(field, models.DateTimeField):
        return _stored_moment
    if isinstance(field, models.DateField):
        return lambda value: value if isinstance(value, str) else value.isoformat()
    if isinstance(field, models.UUIDField):
        return lambda value: str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))
    if isinstance(field, models.JSONField):
        return _stored_json
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.FloatField):
        return float
    if isinstance(field, models.FileField):
        # Only the file's own name: the folder carries the household's id on this server.
        return lambda value: str(value).rsplit("/", 1)[-1]
    return _as_is


class FieldError(ValueError):
    """A value a field cannot hold; the message (in her language) names the field as her
    file does."""


def _cannot_be(field: models.Field[Any, Any], value: Any) -> FieldError:
    return FieldError(
        gettext("%(field)s cannot be %(value)s") % {"field": field.name, "value": repr(value)}
    )


def decode(field: models.Field[Any, Any], value: Any) -> Any:
    """A JSON value back into what the model field stores; FieldError when it cannot be."""
    if value is None:
        if not field.null:
            raise FieldError(gettext("%(field)s is required") % {"field": field.name})
        return None
    try:
        return _converter(field)(value)
    except FieldError:
        raise
    except (TypeError, ValueError, AttributeError):
        raise _cannot_be(field, value) from None


def _moment(field: models.Field[Any, Any]) -> Callable[[Any], datetime]:
    def convert(value: Any) -> datetime:
        # Other apps' readers hand over datetimes; letdown's JSON holds text.
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise FieldError(
                gettext("%(field)s has no time zone: %(value)s")
                % {"field": field.name, "value": repr(value)}
            )
        return moment.astimezone(UTC)

    return convert


def _typed(*types: type) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            raise ValueError
        return value

    return convert


def _text(field: models.Field[Any, Any]) -> Callable[[Any], str]:
    allowed = {str(c[0]) for c in field.flatchoices} | {""} if field.choices else None
    limit = field.max_length

    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError
        if limit is not None and len(value) > limit:
            raise FieldError(
                gettext("%(field)s is longer than %(limit)d characters")
                % {"field": field.name, "limit": limit}
            )
        if allowed is not None and value not in allowed:
            raise _cannot_be(field, value)
        return value

    return convert


@cache
def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """One function per field, built once: an import calls them some 300,000 times."""
    if isinstance(field, models.DateTimeField):
        return _moment(field)
    if isinstance(field, models.UUIDField):
        return lambda value: value if isinstance(value, uuid.UUID) else uuid.UUID(value)
    if isinstance(field, models.DateField):
        return date.fromisoformat
    if isinstance(field, models.JSONField):
        return lambda value: value
    if isinstance(field, models.BooleanField):
        return _typed(bool)
    if isinstance(field, models.FloatField):
        number = _typed(int, float)
        return lambda value: float(number(value))
    if isinstance(field, models.IntegerField | models.ForeignKey):
        return _typed(int)
    if isinstance(field, models.CharField | models.TextField | models.FileField):
        return _text(field)
    return lambda value: value


def _rows(spec: KindSpec, household: Household) -> Iterator[dict[str, Any]]:
    fields = spec.fields()
    names = ["pk"] + [f"{f.name}__username" if is_member(f) else f.attname for f in fields]
    # Plain values, no model instances: two years of her records stay well under a second.
    # Ordered by id, the order they were stored, which an import keeps.
    queryset = spec.model._default_manager.filter(household=household).order_by("pk")
    columns = [(column_of(f), _encoder(f)) for f in fields]
    # The ORM writes the SQL (and its household filter); the driver's values are read as is.
    sql, params = queryset.values_list(*names).query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for values in rows:
        row = {"id": values[0]}
        for (column, convert), value in zip(columns, values[1:], strict=True):
            row[column] = None if value is None else convert(value)
        yield row


def export_document(household: Household, *, exported_at: datetime) -> dict[str, Any]:
    """Everything of hers, losslessly, as one JSON-ready dictionary."""
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "exported_at": encode_moment(exported_at),
        "household": {name: getattr(household, name) for name in HOUSEHOLD_FIELDS},
        "data": {spec.name: list(_rows(spec, household)) for spec in KINDS},
    }
