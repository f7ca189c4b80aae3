"""The soft, per-account half of login throttling.

django-axes locks one account for one client address after a few failures (settings.py). An
attacker with many addresses gets a few guesses from each, so failures for an account are also
counted whatever their address: past a free allowance, every new attempt for that account
waits a little longer, up to a minute. A minute is long enough to make guessing slow (about 60
guesses an hour) and short enough that no one can lock her out for long. A browser she has
logged in with before carries a signed cookie naming the account and skips the wait, so
strangers cannot slow her on her own phone at all.

Asking for a password-reset email is limited too, by the address typed and by the client
asking: a few emails an hour to any one address (an inbox is not flooded), a few more requests
an hour from one client (no one sprays the form with guessed addresses).
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from datetime import datetime
from typing import TypedDict

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

# Failures for one account, from any address, before attempts start to wait.
FREE_FAILURES = 10
MAX_DELAY_S = 60
# Failures are forgotten an hour after the last one.
WINDOW_S = 60 * 60

DEVICE_COOKIE = "letdown_device"
DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60
_DEVICE_SALT = "letdown.accounts.throttle.device"
_ACCOUNTS_PER_DEVICE = 5


def _account(username: str) -> str:
    # One counter however the name is typed ("Alice", "ａlice"); hashed, so the cache table
    # keeps no list of names people tried.
    name = unicodedata.normalize("NFKC", username).casefold().strip()
    return hashlib.sha256(f"{settings.SECRET_KEY}|{name}".encode()).hexdigest()[:32]


class _Failures(TypedDict):
    failures: int
    last: float  # a Unix timestamp


def _cache_key(username: str) -> str:
    return f"login-failures:{_account(username)}"


def delay_s(failures: int) -> float:
    """How long after the last failure the next attempt must wait: nothing within the free
    allowance, then 1, 2, 4 ... seconds, never more than MAX_DELAY_S."""
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(2 ** (failures - FREE_FAILURES), MAX_DELAY_S))


def wait_s(*, username: str, now: datetime) -> int:
    """Whole seconds before an attempt for this account is taken; 0 when it may go ahead."""
    record: _Failures | None = cache.get(_cache_key(username))
    if not record:
        return 0
    remaining = record["last"] + delay_s(record["failures"]) - now.timestamp()
    return max(math.ceil(remaining), 0)


def record_failure(*, username: str, now: datetime) -> None:
    key = _cache_key(username)
    record: _Failures | None = cache.get(key)
    failures = record["failures"] if record else 0
    cache.set(key, _Failures(failures=failures + 1, last=now.timestamp()), WINDOW_S)


def forget_failures(*, username: str) -> None:
    cache.delete(_cache_key(username))


# Password-reset emails: per address typed, per client address, per hour.
RESET_PER_ADDRESS = 3
RESET_PER_CLIENT = 10
RESET_WINDOW_S = 60 * 60


def take(bucket: str, who: str, *, limit: int, window_s: int, now: datetime) -> bool:
    """Takes one of `limit` slots for `who` in this window of `window_s` seconds; False when
    all are taken. Each slot is claimed with the cache's `add`, which one caller alone wins
    (the database cache's primary key), so requests at the same instant never take more."""
    window = int(now.timestamp()) // window_s
    key = f"{bucket}:{_account(who)}:{window}"
    return any(cache.add(f"{key}:{slot}", 1, window_s) for slot in range(limit))


def _device_accounts(request: HttpRequest) -> list[str]:
    try:
        accounts = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""),
            salt=_DEVICE_SALT,
            max_age=DEVICE_COOKIE_MAX_AGE_S,
        )
    except signing.BadSignature:
        return []
    return accounts if isinstance(accounts, list) else []


def known_device(request: HttpRequest, *, username: str) -> bool:
    return _account(username) in _device_accounts(request)


def remember_device(request: HttpRequest, response: HttpResponse, *, username: str) -> None:
    account = _account(username)
    accounts = [a for a in _device_accounts(request) if a != account]
    accounts = [*accounts, account][-_ACCOUNTS_PER_DEVICE:]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(accounts, salt=_DEVICE_SALT),
        max_age=DEVICE_COOKIE_MAX_AGE_S,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
