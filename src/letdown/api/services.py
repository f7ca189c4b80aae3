"""Personal API tokens: made, revoked, and stamped when used. The token itself leaves this
module once, in the return value of `create_token`; only its digest is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError
from django.utils.translation import gettext as _

from letdown.accounts.models import User
from letdown.accounts.services import changing

from .models import ApiToken

TOKEN_PREFIX = "ld_"
VISIBLE_CHARS = 8  # after "ld_": enough to tell her tokens apart, far too few to guess the rest
# A token used again within this long keeps its stamp: a sensor polling every 10 seconds
# would otherwise write a row on every read.
LAST_USED_GRAIN = timedelta(minutes=1)


class TokenError(Exception):
    """A token that cannot be made or revoked as asked; the message is shown to her."""


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, user: User, name: str, now: datetime) -> tuple[ApiToken, str]:
    """A new token for this person, acting with her role in her household. Returns the row
    and the token, which is never shown again."""
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name (what will use it)."))
    if len(name) > 60:
        raise TokenError(_("A token's name has at most 60 characters."))
    household = user.household
    if household is None or not household.onboarded:
        raise TokenError(_("This account has no household yet."))
    # 256 random bits; the visible part is cut from the same random text.
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with changing(household):
            row = ApiToken.objects.create(
                household=household,
                user=user,
                name=name,
                prefix=token[: len(TOKEN_PREFIX) + VISIBLE_CHARS],
                digest=digest_of(token),
                created_at=now,
            )
    except IntegrityError:
        raise TokenError(_("You already have a token with that name.")) from None
    return row, token


def revoke_token(*, user: User, pk: int, now: datetime) -> ApiToken:
    """Revoke one of this person's own tokens; from then on it opens nothing."""
    household = user.household
    row = (
        ApiToken.objects.live().filter(household=household, user=user, pk=pk).first()
        if household is not None
        else None
    )
    if row is None or household is None:
        raise TokenError(_("No such token."))
    with changing(household):
        ApiToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(revoked_at=now)
    row.revoked_at = now
    return row


def note_use(*, token: ApiToken, now: datetime) -> None:
    """Stamp the token's last use, at most once a minute. Outside `changing` on purpose: the
    stamp is not her data, and bumping the data version would throw away her cached pages
    and statistics on every poll."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_GRAIN:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
