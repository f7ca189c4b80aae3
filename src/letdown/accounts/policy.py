"""Who may do what in a household: the one place roles are decided. Every view asks `can`
(or `require`, which answers a refusal with a 403 page); an action not named here is refused
to everyone, owner included, so a new view must be given its action before anyone can use it.

Actors are household members (`User`) or a `Specialist`: a read-only reader who holds a share
link rather than an account. Both carry a `role`; a link's gate builds a `Specialist` and asks
the same questions, so a share can never do more than the specialist role allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Role

# A caregiver may fix what they logged themselves, for this long after the moment it records.
CAREGIVER_EDIT_WINDOW = timedelta(days=7)


class Action(StrEnum):
    READ = "household.read"  # her log, history, insights, routines, settings (to look at)
    MEDIA_READ = "media.read"  # the baby's photos and recordings (played by routines)
    ENTRY_ADD = "entry.add"  # a past session, let-down, leak or bottle feed
    ENTRY_CHANGE = "entry.change"  # obj: the entry
    ENTRY_DELETE = "entry.delete"  # obj: the entry
    LIVE = "session.live"  # start a session, tap on a running one
    ROUTINE_PLAY = "routine.play"
    ROUTINE_EDIT = "routine.edit"
    MEDIA_UPLOAD = "media.upload"
    MEDIA_DELETE = "media.delete"
    HOUSEHOLD_CHANGE = "household.change"  # her name, unit, time zone, a new baby
    MEMBERS_MANAGE = "members.manage"  # invite, change a role, remove, reset a password
    SHARES_MANAGE = "shares.manage"  # create and revoke a specialist's link
    DATA_EXPORT = "data.export"  # export and backups
    DATA_IMPORT = "data.import"
    HOUSEHOLD_DELETE = "household.delete"
    COMMENT_POST = "comment.post"  # a comment under a Learn article
    REMINDERS = "reminders.own"  # her own reminders and the devices they reach
    API_TOKENS = "api.tokens"  # her own API tokens (each acts with her role)
    LANGUAGE = "own.language"  # her own language and clock (anyone's: a visitor's is a cookie)


class Actor(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def pk(self) -> Any: ...
    @property
    def household_id(self) -> int | None: ...


@dataclass(frozen=True)
class Specialist:
    """Someone reading through a share link: no account, only a household and the role."""

    household_id: int
    role: str = Role.SPECIALIST
    pk: None = None


_OWN_ENTRY_ACTIONS = frozenset({Action.ENTRY_CHANGE, Action.ENTRY_DELETE})

ALLOWED: dict[str, frozenset[Action]] = {
    Role.PARENT: frozenset(Action),
    Role.CAREGIVER: frozenset(
        {
            Action.READ,
            Action.MEDIA_READ,
            Action.ENTRY_ADD,
            Action.ENTRY_CHANGE,
            Action.ENTRY_DELETE,
            Action.LIVE,
            Action.ROUTINE_PLAY,
            Action.COMMENT_POST,
            Action.REMINDERS,
            Action.API_TOKENS,
            Action.LANGUAGE,
        }
    ),
    # Reads her log and insights; never writes, never sees the baby's photos and sounds.
    Role.SPECIALIST: frozenset({Action.READ, Action.LANGUAGE}),
}

# What the 403 page says, per action refused.
REFUSALS: dict[str, Any] = {
    Action.ENTRY_CHANGE: _(
        "A partner or caregiver can change only what they logged themselves, for 7 days."
    ),
    Action.ENTRY_DELETE: _(
        "A partner or caregiver can delete only what they logged themselves, for 7 days."
    ),
    Action.MEDIA_READ: _("The baby's photos and recordings are for the household only."),
    Action.MEDIA_UPLOAD: _("Only the household's owner can add photos and recordings."),
    Action.MEDIA_DELETE: _("Only the household's owner can delete photos and recordings."),
    Action.ROUTINE_EDIT: _("Only the household's owner can change routines."),
    Action.HOUSEHOLD_CHANGE: _("Only the household's owner can change the household."),
    Action.MEMBERS_MANAGE: _("Only the household's owner can manage members."),
    Action.SHARES_MANAGE: _("Only the household's owner can share the log."),
    Action.DATA_EXPORT: _("Only the household's owner can export or back up the data."),
    Action.DATA_IMPORT: _("Only the household's owner can import data."),
    Action.HOUSEHOLD_DELETE: _("Only the household's owner can delete the household."),
}
READ_ONLY = _("Your access to this household is read only.")
NOT_ALLOWED = _("You are not allowed to do this.")


def _moment_of(obj: Any) -> datetime | None:
    return getattr(obj, "started_at", None) or getattr(obj, "at", None)


def _own_recent(actor: Actor, obj: Any, now: datetime) -> bool:
    """Logged by this actor, about a moment less than 7 days ago."""
    if actor.pk is None or getattr(obj, "created_by_id", None) != actor.pk:
        return False
    moment = _moment_of(obj)
    return moment is not None and now - moment <= CAREGIVER_EDIT_WINDOW


def can(actor: Actor | None, action: str, obj: Any = None, *, now: datetime | None = None) -> bool:
    """Whether `actor` may do `action` (on `obj`, for actions on one entry). Without `obj` the
    answer for an entry action is whether they may on some entry (a form before its save).
    `actor` None is someone not logged in: only a Learn comment and the language of the pages
    are theirs to choose."""
    if actor is None:
        return action in (Action.COMMENT_POST, Action.LANGUAGE)
    allowed = ALLOWED.get(actor.role, frozenset())
    if action not in allowed:
        return False
    if obj is not None:
        if getattr(obj, "household_id", actor.household_id) != actor.household_id:
            return False
        if action in _OWN_ENTRY_ACTIONS and actor.role != Role.PARENT:
            return _own_recent(actor, obj, now or timezone.now())
    return True


def refusal(actor: Actor | None, action: str) -> str:
    if actor is not None and actor.role == Role.SPECIALIST:
        return str(READ_ONLY)
    return str(REFUSALS.get(action, NOT_ALLOWED))


def actor_of(request: HttpRequest) -> Actor | None:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def allows(request: HttpRequest, action: str, obj: Any = None) -> bool:
    return can(actor_of(request), action, obj)


def require(request: HttpRequest, action: str, obj: Any = None) -> None:
    """Refuses with a 403 page saying why, unless the one asking may do `action`."""
    actor = actor_of(request)
    if not can(actor, action, obj):
        raise PermissionDenied(refusal(actor, action))
