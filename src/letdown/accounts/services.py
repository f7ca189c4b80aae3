"""Writes to a household's data. Every write to family data runs inside `changing`, which is
what cached pages and statistics and a second phone rely on to see it."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session as StoredSession
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import Baby, Household, Lactation, Role, User

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
        lock = _LockFile(path)
        _writer.files = {**getattr(_writer, "files", {}), path: lock}
    fcntl.flock(lock.file, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock.file, fcntl.LOCK_UN)


class _LockFile:
    """A thread's descriptor on the lock file, kept for the thread's life and closed when the
    thread's locals go (a server's request thread ending), not left to the garbage collector."""

    def __init__(self, path: str) -> None:
        self.file = open(path, "a")  # noqa: SIM115 - closed in __del__

    def __del__(self) -> None:
        self.file.close()


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


# --- members -----------------------------------------------------------------------------------


class MemberError(Exception):
    """A change to the members that would leave the household without an owner."""


def _check_an_owner_stays(household: Household, member: User, *, role: str, active: bool) -> None:
    """Refuses to leave no active owner. Called inside `changing`, which holds the household's
    write lock: two owners demoting each other at once queue, and the second sees the first."""
    if member.role != Role.PARENT or (role == Role.PARENT and active):
        return
    others = household.members.filter(role=Role.PARENT, is_active=True).exclude(pk=member.pk)
    if not others.exists():
        raise MemberError(
            _("%(name)s is the household's last owner: make another member an owner first.")
            % {"name": member.username}
        )


def _member(household: Household, member: User) -> User:
    # Read again under the lock: the form's copy may be behind a change made meanwhile.
    return household.members.get(pk=member.pk)


def change_role(*, household: Household, member: User, role: str) -> None:
    if role not in Role.values:
        raise ValueError(f"not a role: {role!r}")
    with changing(household):
        fresh = _member(household, member)
        _check_an_owner_stays(household, fresh, role=role, active=fresh.is_active)
        User.objects.filter(pk=fresh.pk).update(role=role)
    member.role = role


def set_active(*, household: Household, member: User, active: bool) -> None:
    """A deactivated member cannot log in, and every browser they are logged in on is
    logged out at once; reactivated, they log in again with their password."""
    with changing(household):
        fresh = _member(household, member)
        _check_an_owner_stays(household, fresh, role=fresh.role, active=active)
        User.objects.filter(pk=fresh.pk).update(is_active=active)
        if not active:
            end_sessions(fresh)
    member.is_active = active


def remove_member(*, household: Household, member: User) -> None:
    """The account goes; what they logged stays in the household (no longer marked as theirs,
    so only an owner can change it)."""
    with changing(household):
        fresh = _member(household, member)
        _check_an_owner_stays(household, fresh, role=fresh.role, active=False)
        end_sessions(fresh)
        fresh.delete()


def end_sessions(user: User) -> int:
    """Logs `user` out everywhere: their sessions are deleted from the session store (the
    database store, Django's default and ours). Returns how many there were."""
    now = timezone.now()
    pk = str(user.pk)
    theirs = [
        stored.session_key
        for stored in StoredSession.objects.filter(expire_date__gt=now).iterator()
        if stored.get_decoded().get(SESSION_KEY) == pk
    ]
    StoredSession.objects.filter(session_key__in=theirs).delete()
    return len(theirs)


def password_reset_path(member: User) -> str:
    """A link with which `member` sets a new password: valid PASSWORD_RESET_TIMEOUT (24 h),
    and once, since setting a password (or logging in) changes what its token was made from."""
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    return reverse("password_reset_confirm", args=[uid, token])


def set_email(*, member: User, email: str) -> None:
    """Where a password-reset email goes (when the server sends mail)."""
    User.objects.filter(pk=member.pk).update(email=email)
    member.email = email


def set_public_name(*, user: User, public_name: str) -> None:
    """The name shown with her Learn comments from now on (comments already posted keep the
    name they were approved with)."""
    User.objects.filter(pk=user.pk).update(public_name=public_name)
    user.public_name = public_name


def remember_public_name(*, user: User, public_name: str) -> str:
    """Keep the name of her first comment as her public name, unless she already has one;
    returns the name she now has. One conditional UPDATE: two first comments posted at once
    from two tabs leave one of their names, never a mix of reads and writes."""
    if User.objects.filter(pk=user.pk, public_name="").update(public_name=public_name):
        user.public_name = public_name
    else:
        user.public_name = User.objects.values_list("public_name", flat=True).get(pk=user.pk)
    return user.public_name
