"""The server's VAPID key pair: made on first use and kept in the data directory, so the
subscriptions browsers made with its public key keep working across restarts (and backups).
Several app servers on one database share one key through LETDOWN_VAPID_PRIVATE_KEY."""

from __future__ import annotations

import base64
import fcntl
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid02


def key_path() -> Path:
    return Path(settings.DATA_DIR) / "vapid_private_key.pem"


@cache
def _load(path: Path) -> Vapid02:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Two workers starting at once must not each write a different key: one makes it under
    # a lock, the other reads what it made.
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            vapid = Vapid02()
            vapid.generate_keys()
            pem = vapid.private_pem()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
    return Vapid02.from_pem(path.read_bytes())


@cache
def _from_setting(text: str) -> Vapid02:
    return Vapid02.from_pem(text.encode()) if "-----BEGIN" in text else Vapid02.from_string(text)


def vapid() -> Vapid02:
    if text := settings.LETDOWN_VAPID_PRIVATE_KEY:
        return _from_setting(text)
    return _load(key_path())


def public_key() -> str:
    """The application server key a browser subscribes with (uncompressed P-256 point,
    base64url without padding)."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def subject() -> str:
    """Who runs this server, for push services that want a contact (VAPID's `sub`)."""
    return settings.LETDOWN_VAPID_SUBJECT
