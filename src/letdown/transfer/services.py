"""The one writer of imports: rows in the export document's shape (from letdown's own export
or any other app's file) stored in one transaction, which also bumps her data version. A file
with any problem writes nothing, and the answer names every row at fault and why."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connections,
    models,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from letdown.accounts.models import Baby, Household, Lactation
from letdown.accounts.services import changing
from letdown.babylog.models import MAX_WEIGHT_G, MIN_WEIGHT_G
from letdown.core.l10n import format_datetime, format_number
from letdown.core.units import format_volume, format_weight
from letdown.logbook.models import MAX_VOLUME_ML
from letdown.routines.media_types import MAX_BYTES, SNIFF_BYTES, sniff
from letdown.routines.models import clean_steps

from .document import KINDS, FieldError, KindSpec, decode, is_member
from .incoming import Incoming, Problem
from .models import ImportedRow

PREVIEW_ROWS = 5


@dataclass
class Outcome:
    created: Counter[str] = field(default_factory=Counter)
    already: Counter[str] = field(default_factory=Counter)  # imported before: left alone
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    preview: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def previews(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """(kind's name, its first rows as they will be stored), for the preview page."""
        return [
            (str(spec.label), self.preview[spec.name])
            for spec in KINDS
            if self.preview.get(spec.name)
        ]

    def skipped_counts(self) -> list[tuple[str, int]]:
        # A list for templates: a Counter answers 0 to `skipped.items` there.
        return sorted(self.skipped.items())

    def counts(self) -> list[tuple[str, int, int]]:
        """(kind's name, new, already imported) for every kind the file holds."""
        return [
            (str(spec.label), self.created[spec.name], self.already[spec.name])
            for spec in KINDS
            if self.created[spec.name] or self.already[spec.name]
        ]


class _Rollback(Exception):
    pass


def _rule_broken(kind: str, values: dict[str, Any]) -> str | None:
    """The database's check constraints, asked in Python so the message names the row (the
    database would only refuse the whole batch)."""
    start, end = values.get("started_at"), values.get("ended_at")
    if kind == "sessions" and end is not None and end <= start:
        return _("it ends before it starts")
    if kind == "segments" and end is not None and end < start:
        return _("it ends before it starts")
    for name in ("volume_left_ml", "volume_right_ml", "volume_ml"):
        volume = values.get(name)
        if volume is None:
            continue
        low_ok = volume > 0 if name == "volume_ml" else volume >= 0
        if not low_ok or volume > MAX_VOLUME_ML:
            return _("%(volume)s mL is not a volume we can store (0–%(max)s mL)") % {
                "volume": format_number(volume, 2, trim=True),
                "max": format_number(MAX_VOLUME_ML),
            }
    for name in ("aids", "routine_steps", "noticed", "sensations", "actions"):
        if name in values and not (
            isinstance(values[name], list) and all(isinstance(v, str) for v in values[name])
        ):
            return _("%(field)s must be a list of names") % {"field": name}
    if kind in ("routines", "routine_runs"):
        try:
            clean_steps(values.get("steps"), values.get("kind"))
        except ValidationError as error:
            return _("its steps cannot be played: %(why)s") % {"why": " ".join(error.messages)}
    anxiety = values.get("anxiety_before")
    if anxiety is not None and not 0 <= anxiety <= 10:
        return _("anxiety must be between 0 and 10")
    if kind == "lactations" and values.get("number", 1) < 1:
        return _("a lactation's number starts at 1")
    if kind == "run_events" and values.get("at_s", 0) < 0:
        return _("an event cannot come before its run started")
    if kind == "nappies":
        if not (values.get("wet") or values.get("dirty")):
            return _("a nappy is wet, dirty or both")
        if values.get("stool_colour") and not values.get("dirty"):
            return _("only a dirty nappy has a stool colour")
    if kind == "weighings":
        for name in ("weight_g", "after_feed_g"):
            weight = values.get(name)
            if weight is not None and not MIN_WEIGHT_G <= weight <= MAX_WEIGHT_G:
                return _(
                    "%(weight)s g is not a baby's weight we can store (%(min)s–%(max)s g): "
                    "is the weight unit right?"
                ) % {
                    "weight": format_number(weight, 2, trim=True),
                    "min": format_number(MIN_WEIGHT_G),
                    "max": format_number(MAX_WEIGHT_G),
                }
    return None


class _Writer:
    def __init__(self, household: Household, incoming: Incoming) -> None:
        self.household = household
        self.incoming = incoming
        self.outcome = Outcome(skipped=Counter(incoming.skipped), notes=list(incoming.notes))
        self.source = incoming.source
        self.known: dict[str, int] = dict(
            ImportedRow.objects.filter(household=household, source=self.source).values_list(
                "source_id", "object_id"
            )
        )
        # kind -> source id -> her row's id; None for rows refused or left out.
        self.ids: dict[str, dict[Any, int | None]] = {}
        self.now = timezone.now()
        self.saved_files: list[str] = []
        self.members: dict[str, int] = dict(
            get_user_model().objects.filter(household=household).values_list("username", "pk")
        )  # media written to storage, removed if rolled back
        self.lactations = list(
            Lactation.objects.filter(household=household).order_by("started_on", "number")
        )
        self.babies: list[tuple[int, str]] = list(
            Baby.objects.filter(household=household).values_list("pk", "name")
        )
        # The children another app's file names: with only one, her only baby is that child
        # whatever the name; with twins in the file, each needs a baby of that name here.
        self.baby_of: dict[str, int | str] = {}  # a child's name -> her baby, or why not
        self.children = {
            row["_baby"]
            for kind in ("nappies", "weighings")
            for row in incoming.data.get(kind, [])
            if row.get("_baby")
        }

    def _baby_for(self, child: str) -> int | str:
        """Her baby the file's child is (matched by name, first names enough), or why not."""
        if child not in self.baby_of:
            self.baby_of[child] = self._match_baby(child)
        return self.baby_of[child]

    def _match_baby(self, child: str) -> int | str:
        names = ", ".join(name for _pk, name in self.babies)
        if not self.babies:
            return _("add your baby in Settings first: there is no baby to log this for")
        key = child.casefold().split()
        for found in (
            [pk for pk, name in self.babies if name.casefold().split() == key],
            [pk for pk, name in self.babies if name.casefold().split()[:1] == key[:1]],
        ):
            if key and len(found) == 1:
                return found[0]
        if len(self.babies) == 1 and len(self.children) <= 1:
            return self.babies[0][0]
        if not child:
            return _("the file does not say which baby, and you have several (%(names)s)") % {
                "names": names
            }
        return _("no baby here is called %(child)s (yours: %(names)s); rename one in Settings") % {
            "child": repr(child),
            "names": names,
        }

    def _lactation_on(self, day: date) -> int | None:
        chosen = None
        for lactation in self.lactations:
            if lactation.started_on <= day or chosen is None:
                chosen = lactation.pk
        return chosen

    def _values(self, spec: KindSpec, row: dict[str, Any]) -> dict[str, Any] | None:
        """The row's model values, or None after noting its problems (or a refused parent)."""
        values: dict[str, Any] = {}
        where = row.get("_where", f"{spec.name} #?")
        refs = _references(spec)
        for f, member in _fields(spec):
            name = f.attname
            if member:
                # Who tapped: the member of her household with that username, if there is one.
                values[name] = self.members.get(row.get(f.name))  # type: ignore[arg-type]
                continue
            if name in refs:
                target = row.get(name)
                if target is None:
                    if name == "lactation_id":
                        values["lactation_id"] = None  # worked out from the date below
                        continue
                    if name == "baby_id" and "_baby" in row:
                        # Another app's child, by name: her baby of that name.
                        baby = self._baby_for(row["_baby"])
                        if isinstance(baby, str):
                            self.outcome.problems.append(Problem(where, baby))
                            return None
                        values[name] = baby
                        continue
                    if not f.null:
                        self.outcome.problems.append(
                            Problem(where, _("%(field)s is missing") % {"field": f.name})
                        )
                        return None
                    values[name] = None
                    continue
                mapped = self.ids.get(refs[name], {})
                if target not in mapped:
                    self.outcome.problems.append(
                        Problem(
                            where,
                            _("it points to %(kind)s %(id)s, not in the file")
                            % {"kind": refs[name], "id": repr(target)},
                        )
                    )
                    return None
                if mapped[target] is None:
                    return None  # its parent was refused: that problem is reported already
                values[name] = mapped[target]
                continue
            if name not in row:
                values[name] = f.get_default()
                if values[name] is None and getattr(f, "auto_now_add", False):
                    values[name] = self.now
                continue
            try:
                values[name] = decode(f, row[name])
            except FieldError as error:
                self.outcome.problems.append(Problem(where, str(error)))
                return None
        broken = _rule_broken(spec.name, values)
        if broken:
            self.outcome.problems.append(Problem(where, broken))
            return None
        if values.get("lactation_id", 0) is None:
            moment = values.get("started_at") or values.get("at")
            lactation_id = self._lactation_on(moment.date()) if moment else None
            if lactation_id is None:
                self.outcome.problems.append(
                    Problem(where, _("add your baby in Settings first: there is no lactation"))
                )
                return None
            values["lactation_id"] = lactation_id
        return values

    def _existing_lactation(self, values: dict[str, Any]) -> int | None:
        # Lactations are numbered per household: lactation 2 in the file is her lactation 2.
        for lactation in self.lactations:
            if lactation.number == values["number"]:
                return lactation.pk
        return None

    def _owner_known(self, spec: KindSpec, row: dict[str, Any]) -> bool:
        """A segment, let-down or run event whose session or run came in an earlier import:
        it came with it, and is not stored again."""
        owner = _OWNERS.get(spec.name)
        if owner is None:
            return False
        column, kind = owner
        return f"{kind}:{row.get(column)}" in self.known

    def _store_media(self, values: dict[str, Any], row: dict[str, Any]) -> bool:
        """Stores a media row's file, checked as an upload is: by its first bytes and its
        size, its content type taken from what it is, never from the file she brings (the
        media view serves it with that type)."""
        name = values["file"]
        content = self.incoming.media_files.get(name)
        if content is None:
            self.outcome.skipped[_("media without its file")] += 1
            return False
        file_type = sniff(content[:SNIFF_BYTES])
        if file_type is None or len(content) > MAX_BYTES[file_type.kind]:
            self.outcome.problems.append(
                Problem(
                    row.get("_where", "media"),
                    _("%(file)s is not a sound or photo we play") % {"file": name},
                )
            )
            return False
        if not _SAFE_NAME.fullmatch(name):
            name = f"{secrets.token_urlsafe(24)}.{file_type.extension}"
        values["file"] = default_storage.save(f"h{self.household.pk}/{name}", ContentFile(content))
        values["kind"], values["content_type"] = file_type.kind, file_type.content_type
        values["size_bytes"] = len(content)
        self.saved_files.append(values["file"])
        return True

    def write_kind(self, spec: KindSpec) -> None:
        rows = self.incoming.data.get(spec.name, [])
        mapped = self.ids.setdefault(spec.name, {})
        pending: list[tuple[Any, dict[str, Any]]] = []
        for row in rows:
            source_id = row["id"]
            key = f"{spec.name}:{source_id}"
            if key in self.known or self._owner_known(spec, row):
                mapped[source_id] = self.known.get(key)
                self.outcome.already[spec.name] += 1
                continue
            values = self._values(spec, row)
            if values is None:
                mapped[source_id] = None
                continue
            if spec.name == "lactations" and (pk := self._existing_lactation(values)):
                mapped[source_id] = pk
                self.outcome.already[spec.name] += 1
                continue
            if spec.name == "media" and not self._store_media(values, row):
                mapped[source_id] = None
                continue
            values["household_id"] = self.household.pk
            pending.append((source_id, values))
        if self.outcome.problems:
            # Nothing will be written; the rows below still get checked against these.
            for source_id, _ in pending:
                mapped[source_id] = 0
            return
        pks = _insert(spec.model, [values for _, values in pending])
        for (source_id, _), pk in zip(pending, pks, strict=True):
            mapped[source_id] = pk
        if spec.name == "lactations":
            self.lactations = list(
                Lactation.objects.filter(household=self.household).order_by("started_on", "number")
            )
        if spec.name not in _OWNERS:
            _insert(
                ImportedRow,
                [
                    {
                        "household_id": self.household.pk,
                        "source": self.source,
                        "source_id": f"{spec.name}:{source_id}",
                        "object_id": pk,
                        "created_at": self.now,
                    }
                    for (source_id, _), pk in zip(pending, pks, strict=True)
                ],
            )
        self.outcome.created[spec.name] = len(pending)
        self.outcome.preview[spec.name] = [
            _preview_row(spec, values, self.household, dict(self.babies))
            for _, values in pending[:PREVIEW_ROWS]
        ]


# A media file's name as letdown gives them (random letters, an extension): kept on import.
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}\.[a-z0-9]{2,5}")

# Kinds stored only with the row they belong to: (the column pointing to it, its kind).
_OWNERS = {
    "taps": ("session_id", "sessions"),
    "segments": ("session_id", "sessions"),
    "letdowns": ("session_id", "sessions"),
    "run_events": ("run_id", "routine_runs"),
}


@cache
def _fields(spec: KindSpec) -> list[tuple[models.Field[Any, Any], bool]]:
    """(field, whether it names a member), worked out once per kind rather than per row. Her
    own values first, so a row under a refused parent still has its own faults named."""
    return [(f, is_member(f)) for f in sorted(spec.fields(), key=lambda f: f.is_relation)]


@cache
def _references(spec: KindSpec) -> dict[str, str]:
    return spec.references()


def _preparer(field: models.Field[Any, Any], db: Any) -> Callable[[Any], Any]:
    """What bulk_create's per-value preparation does, without its per-call overhead for the
    values an import holds by the ten thousand: moments, numbers, text, ids."""
    if isinstance(field, models.DateTimeField) and db.vendor == "sqlite":
        # Django stores SQLite moments as naive UTC text, str(datetime) style.
        return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
    if isinstance(
        field,
        models.DateTimeField
        | models.FloatField
        | models.IntegerField
        | models.CharField
        | models.TextField
        | models.ForeignKey,
    ) and not isinstance(field, models.FileField):
        return lambda v: v
    return lambda v: field.get_db_prep_save(v, db)


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> list[int]:
    """Inserts rows (every concrete field but the id, by attname) and returns their ids, in
    order. bulk_create spent most of an import of two years of records
    (`bench/bench_transfer.py`) building model instances and preparing values one call at a
    time; this writes the same statements
    (multi-row INSERT … RETURNING, as bulk_create does on both databases) with the values
    prepared as bulk_create prepares them."""
    if not rows:
        return []
    db = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops = db.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    pk = ops.quote_name(model._meta.pk.column)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(1, min(500, 30000 // len(fields)))  # under SQLite's limit of bound values
    prepared = [(f.attname, _preparer(f, db)) for f in fields]
    ids: list[int] = []
    if db.vendor == "postgresql":
        # One array per column: psycopg parses a statement's placeholders on every call, and
        # for 500 rows of a dozen values that parsing cost more than PostgreSQL's work.
        arrays = ", ".join(f"%s::{f.db_type(db)}[]" for f in fields)
        with db.cursor() as cursor:
            for start in range(0, len(rows), 5000):
                chunk = rows[start : start + 5000]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) "
                    f"RETURNING {pk}",
                    [[prepare(values[name]) for values in chunk] for name, prepare in prepared],
                )
                ids += [row[0] for row in cursor.fetchall()]
        return ids
    with db.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params = [prepare(values[name]) for values in chunk for name, prepare in prepared]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "
                f"RETURNING {pk}",
                params,
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


# Fields whose models leave their names to Django ("started at", in English whatever her
# language): named here for the preview, with the words the other models use. A field with
# neither a translated name nor one here is bookkeeping (a tap's id, a file's size in bytes)
# and is left out of the preview.
PREVIEW_NAMES: dict[str, Promise] = {
    "side": gettext_lazy("side"),
    "started_at": gettext_lazy("started"),
    "started_on": gettext_lazy("started"),
    "ended_at": gettext_lazy("ended"),
    "finished_at": gettext_lazy("ended"),
    "at": gettext_lazy("time"),
    "baby_id": gettext_lazy("baby"),
    "name": gettext_lazy("name"),
    "kind": gettext_lazy("kind"),
}


def preview_name(f: models.Field[Any, Any]) -> str | None:
    """The field's name in her language, or None for bookkeeping she need not see."""
    if isinstance(f.verbose_name, Promise):
        return str(f.verbose_name)
    name = PREVIEW_NAMES.get(f.attname)
    return None if name is None else str(name)


def _preview_row(
    spec: KindSpec, values: dict[str, Any], household: Household, babies: dict[int, str]
) -> dict[str, Any]:
    """A row as she will see it: moments in her time zone, volumes and weights in her unit,
    choices by their names, which baby (twins), empty values and bookkeeping left out."""
    shown: dict[str, Any] = {}
    for f in spec.fields():
        value = values.get(f.attname)
        label = preview_name(f)
        if label is None:
            continue
        if f.attname == "baby_id" and value in babies:
            shown[label] = babies[value]
            continue
        if f.is_relation or value in (None, "", [], {}):
            continue
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        if isinstance(value, datetime):
            value = format_datetime(value, tz=household.tz)
        elif f.attname.endswith("_g") and isinstance(value, int | float):
            value = format_weight(value, household.unit)
        elif f.attname.endswith("_ml") and isinstance(value, int | float):
            value = format_volume(value, household.unit)
        elif f.choices:
            value = dict(f.flatchoices).get(value, value)
        shown[label] = value
    return shown


def _remove(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def import_rows(*, household: Household, incoming: Incoming, dry_run: bool) -> Outcome:
    """Stores `incoming` for `household` in one transaction, or nothing at all: when any row
    has a problem, or for a dry run (which writes, previews, and rolls back, so the preview
    shows exactly what would be stored)."""
    if incoming.problems:
        return Outcome(
            skipped=Counter(incoming.skipped),
            notes=list(incoming.notes),
            problems=list(incoming.problems),
        )
    writers: list[_Writer] = []
    try:
        # `changing` bumps her data version first, which also queues this import behind any
        # other write to her data (a second import of the same file then finds this one's rows).
        with changing(household):
            writer = _Writer(household, incoming)
            writers.append(writer)
            for spec in KINDS:
                writer.write_kind(spec)
            if writer.outcome.problems or dry_run or not sum(writer.outcome.created.values()):
                raise _Rollback  # nothing to keep: not even the version bump
    except _Rollback:
        _remove(writers[0].saved_files)
        return writers[0].outcome
    except (IntegrityError, DatabaseError) as error:
        # A rule the checks above do not know of; still nothing is written.
        outcome = writers[0].outcome if writers else Outcome()
        if writers:
            _remove(writers[0].saved_files)
        outcome.problems.append(
            Problem(_("the file"), _("the database refused it (%(error)s)") % {"error": error})
        )
        return outcome
    writer.outcome.written = True
    return writer.outcome
