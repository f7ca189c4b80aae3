"""Writes to a household's data. Every write to family data runs inside `changing`, which is
what cached pages and statistics and a second phone rely on to see it."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction

from .models import Baby, Household, Lactation

_writer = threading.local()


@contextmanager
def _one_writer_at_a_time() -> Iterator[None]:
    """On SQLite, writers queue on a lock file next to the database, outside any transaction.

    SQLite lets one writer in at a time, and the others wait in its busy handler, which
    sleeps and polls (up to 100 ms a turn): four phones tapping at once then wait hundreds
    of milliseconds for a few milliseconds of work. A lock on a file (each thread has its
    own descriptor, so threads of one process exclude each other too) wakes the next writer
    the moment the last one commits. Taken only by an outermost transaction, so a thread
    never waits for it while holding SQLite's own lock."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    path = f"{connection.settings_dict['NAME']}.writer-lock"
    lock = getattr(_writer, "files", {}).get(path)
    if lock is None:
        lock = open(path, "a")  # noqa: SIM115 - kept open for the thread's life
        _writer.files = {**getattr(_writer, "files", {}), path: lock}
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def changing(household: Household | int) -> Iterator[None]:
    """One transaction that bumps the household's data version before anything else.

    The bump takes the household row's write lock until commit (SQLite's IMMEDIATE
    transactions take the database's at BEGIN), so two phones' writes to one family queue
    instead of interleaving: a read inside the block sees every write committed before it.
    Nested in another transaction it is a savepoint: a refused write leaves the outer intact."""
    pk = household if isinstance(household, int) else household.pk
    with _one_writer_at_a_time(), transaction.atomic(), connection.cursor() as cursor:
        # Hand-written: every write of every page starts here, a live tap included.
        cursor.execute(_BUMP, [pk])
        yield


_BUMP = f"UPDATE {Household._meta.db_table} SET data_version = data_version + 1 WHERE id = %s"  # noqa: S608
_SETTINGS = ("parent_name", "unit", "time_zone", "onboarded")


def update_household(*, household: Household, **values: object) -> None:
    """Her name, unit, time zone (and onboarding done). Only those columns are written: the
    data version loaded with the request may be behind by now."""
    unknown = set(values) - set(_SETTINGS)
    if unknown:
        raise ValueError(f"not household settings: {sorted(unknown)}")
    for name, value in values.items():
        setattr(household, name, value)
    with changing(household):
        household.save(update_fields=list(values))


def add_lactation(
    *, household: Household, number: int, birth_date: date, baby_names: list[str]
) -> Lactation:
    """A new lactation with its baby (or twins), born on `birth_date`."""
    with changing(household):
        lactation = Lactation.objects.create(
            household=household, number=number, started_on=birth_date
        )
        for name in baby_names:
            Baby.objects.create(
                household=household, lactation=lactation, name=name, birth_date=birth_date
            )
    return lactation
