"""One Web Push to one subscription: encrypted for the browser (aes128gcm), signed with the
server's VAPID key, with a short TTL and a topic so a newer reminder replaces an older one
still waiting at the push service."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
from pywebpush import WebPushException, webpush

from . import vapid

TIMEOUT_S = 10


@dataclass(frozen=True)
class PushResult:
    ok: bool
    status: int | None  # the push service's answer; None when it could not be reached
    detail: str = ""

    @property
    def gone(self) -> bool:
        """The browser unsubscribed, or the push service forgot it: never try it again."""
        return self.status in (404, 410)


def send(
    *, endpoint: str, p256dh: str, auth: str, payload: dict[str, Any], ttl_s: int, topic: str
) -> PushResult:
    claims: dict[str, str | int] = {"sub": vapid.subject()}
    try:
        response = webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=json.dumps(payload),
            vapid_private_key=vapid.vapid(),
            vapid_claims=claims,
            ttl=ttl_s,
            timeout=TIMEOUT_S,
            headers={"Topic": topic, "Urgency": "high"},
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        return PushResult(ok=False, status=status, detail=str(error).splitlines()[0][:200])
    except (requests.RequestException, ValueError) as error:
        return PushResult(ok=False, status=None, detail=f"{type(error).__name__}"[:200])
    return PushResult(ok=True, status=getattr(response, "status_code", None))
