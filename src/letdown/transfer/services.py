"""The one writer of imports: rows in the export document's shape (from letdown's own export
or any other app's file) stored in one transaction, which also bumps her data version. A file
with any problem writes nothing, and the answer names every row at fault and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, models, transaction

from letdown.accounts.models import Household, Lactation
from letdown.logbook.models import MAX_VOLUME_ML
from letdown.logbook.services import touch
from letdown.routines.models import clean_steps

from .document import KINDS, FieldError, KindSpec, decode
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

    def skipped_counts(self) -> list[tuple[str, int]]:
        # A list for templates: a Counter answers 0 to `skipped.items` there.
        return sorted(self.skipped.items())

    def counts(self) -> list[tuple[str, int, int]]:
        """(kind, new, already imported) for every kind the file holds, in writing order."""
        return [
            (spec.name, self.created[spec.name], self.already[spec.name])
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
        return "it ends before it starts"
    if kind == "segments" and end is not None and end < start:
        return "it ends before it starts"
    for name in ("volume_left_ml", "volume_right_ml", "volume_ml"):
        volume = values.get(name)
        if volume is None:
            continue
        low_ok = volume > 0 if name == "volume_ml" else volume >= 0
        if not low_ok or volume > MAX_VOLUME_ML:
            return f"{volume:g} mL is not a volume we can store (0–{MAX_VOLUME_ML} mL)"
    for name in ("aids", "routine_steps", "noticed", "sensations", "actions"):
        if name in values and not (
            isinstance(values[name], list) and all(isinstance(v, str) for v in values[name])
        ):
            return f"{name} must be a list of names"
    if kind in ("routines", "routine_runs"):
        try:
            clean_steps(values.get("steps"), values.get("kind"))
        except ValidationError as error:
            return f"its steps cannot be played: {' '.join(error.messages)}"
    anxiety = values.get("anxiety_before")
    if anxiety is not None and not 0 <= anxiety <= 10:
        return "anxiety must be between 0 and 10"
    if kind == "lactations" and values.get("number", 1) < 1:
        return "a lactation's number starts at 1"
    if kind == "run_events" and values.get("at_s", 0) < 0:
        return "an event cannot come before its run started"
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
        self.saved_files: list[str] = []  # media written to storage, removed if rolled back
        self.lactations = list(
            Lactation.objects.filter(household=household).order_by("started_on", "number")
        )

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
        refs = spec.references()
        # Her own values first, so a row under a refused parent still has its own faults named.
        for f in sorted(spec.fields(), key=lambda f: f.attname in refs):
            name = f.attname
            if name in refs:
                target = row.get(name)
                if target is None:
                    if name == "lactation_id":
                        values["lactation_id"] = None  # worked out from the date below
                        continue
                    if not f.null:
                        self.outcome.problems.append(Problem(where, f"{f.name} is missing"))
                        return None
                    values[name] = None
                    continue
                mapped = self.ids.get(refs[name], {})
                if target not in mapped:
                    self.outcome.problems.append(
                        Problem(where, f"it points to {refs[name]} {target!r}, not in the file")
                    )
                    return None
                if mapped[target] is None:
                    return None  # its parent was refused: that problem is reported already
                values[name] = mapped[target]
                continue
            if name not in row:
                values[name] = f.get_default()
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
                    Problem(where, "add your baby in Settings first: there is no lactation")
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

    def write_kind(self, spec: KindSpec) -> None:
        rows = self.incoming.data.get(spec.name, [])
        mapped = self.ids.setdefault(spec.name, {})
        pending: list[tuple[Any, models.Model, dict[str, Any]]] = []
        auto_times = [
            f.attname
            for f in spec.fields()
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        for row in rows:
            source_id = row["id"]
            key = f"{spec.name}:{source_id}"
            if key in self.known:
                mapped[source_id] = self.known[key]
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
            if spec.name == "media":
                content = self.incoming.media_files.get(values["file"])
                if content is None:
                    mapped[source_id] = None
                    self.outcome.skipped["media without its file"] += 1
                    continue
                values["file"] = default_storage.save(
                    f"h{self.household.pk}/{values['file']}", ContentFile(content)
                )
                self.saved_files.append(values["file"])
            obj = spec.model(household=self.household, **values)
            pending.append((source_id, obj, {name: values[name] for name in auto_times}))
        if self.outcome.problems:
            # Nothing will be written; the rows below still get checked against these.
            for source_id, _, _ in pending:
                mapped[source_id] = 0
            return
        spec.model._default_manager.bulk_create([obj for _, obj, _ in pending], batch_size=1000)
        for _, obj, times in pending:
            if any(times.values()):
                # auto_now fields were set to now on insert; keep the exported moments.
                spec.model._default_manager.filter(pk=obj.pk).update(
                    **{k: v for k, v in times.items() if v}
                )
        for source_id, obj, _ in pending:
            mapped[source_id] = obj.pk
        if spec.name == "lactations":
            self.lactations += [obj for _, obj, _ in pending]  # type: ignore[misc]
        ImportedRow.objects.bulk_create(
            [
                ImportedRow(
                    household=self.household,
                    source=self.source,
                    source_id=f"{spec.name}:{source_id}",
                    object_id=obj.pk,
                )
                for source_id, obj, _ in pending
            ],
            batch_size=1000,
        )
        self.outcome.created[spec.name] = len(pending)
        self.outcome.preview[spec.name] = [
            _preview_row(spec, obj, self.household) for _, obj, _ in pending[:PREVIEW_ROWS]
        ]


def _preview_row(spec: KindSpec, obj: models.Model, household: Household) -> dict[str, Any]:
    """A row as she will see it: moments in her time zone, empty values left out."""
    shown: dict[str, Any] = {}
    for f in spec.fields():
        if f.is_relation:
            continue
        value = getattr(obj, f.attname)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, datetime):
            value = value.astimezone(household.tz).strftime("%Y-%m-%d %H:%M:%S")
        shown[str(f.verbose_name)] = value
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
    writer = _Writer(household, incoming)
    try:
        with transaction.atomic():
            for spec in KINDS:
                writer.write_kind(spec)
            if writer.outcome.problems or dry_run:
                raise _Rollback
            if sum(writer.outcome.created.values()):
                touch(household)
    except _Rollback:
        _remove(writer.saved_files)
        return writer.outcome
    except (IntegrityError, DatabaseError) as error:
        # A rule the checks above do not know of; still nothing is written.
        _remove(writer.saved_files)
        writer.outcome.problems.append(Problem("file", f"the database refused it ({error})"))
        return writer.outcome
    writer.outcome.written = True
    return writer.outcome
