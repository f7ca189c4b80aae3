"""Her history pulled straight from her Baby Buddy server's REST API (feedings, pumping, diaper
changes and weights, with her children's names), written as the CSV files Baby Buddy's own
export makes, so that one reader (`formats.read_babybuddy`) takes both and a row keeps its
Baby Buddy id either way: pulling after importing the export adds nothing twice.

Only the server she names is asked: a redirect, or a `next` link to another host, is refused.
Each request waits at most TIMEOUT_S, the whole pull at most DEADLINE_S, and reads at most
MAX_BYTES: a slow or endless server gets a clear message, not a hung page. Her token is used
for these requests and kept nowhere."""

from __future__ import annotations

import csv
import http.client
import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from letdown.core.l10n import format_number

from .formats import MAX_ROWS, FormatError


class PullError(FormatError):
    """The pull cannot go on; `field` is the form field at fault (the address or the token)."""

    def __init__(self, message: str, field: str = "url") -> None:
        super().__init__(message)
        self.field = field


PAGE = 500
TIMEOUT_S = 10
DEADLINE_S = 45  # under the server's 60 s for a request
MAX_BYTES = 20 * 1024 * 1024  # what she may upload as a file
_CHILD = ("child_id", "child_first_name", "child_last_name")
_CHANGE = ("time", "wet", "solid", "color", "amount", "notes")
ENDPOINTS = {
    "feeding.csv": ("feedings", ("id", "start", "end", "type", "method", "amount", "notes")),
    "pumping.csv": ("pumping", ("id", "start", "end", "amount", "notes")),
    "diaperchange.csv": ("changes", ("id", *_CHILD, *_CHANGE)),
    "weight.csv": ("weight", ("id", *_CHILD, "weight", "date", "notes")),
}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx answer is raised as an HTTPError, and named to her


_OPENER = urllib.request.build_opener(_NoRedirects)


def check_url(url: str) -> str:
    """Her Baby Buddy's address without a trailing slash, or FormatError saying what is wrong."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise PullError(gettext("this is not a web address we can read")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PullError(gettext("the Baby Buddy address must start with http:// or https://"))
    if parts.username or parts.password:
        raise PullError(gettext("leave the password out of the address: the token is enough"))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")).rstrip("/")


class _Pull:
    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.host = urllib.parse.urlsplit(base).netloc
        self.token = token
        self.read_bytes = 0
        self.deadline = time.monotonic() + DEADLINE_S

    def _answer(self, url: str) -> bytes:
        request = urllib.request.Request(
            url, headers={"Authorization": f"Token {self.token}", "Accept": "application/json"}
        )
        timeout = min(TIMEOUT_S, self.deadline - time.monotonic())
        if timeout <= 0:
            raise PullError(
                gettext("Baby Buddy took more than %(seconds)d s to answer: try again")
                % {"seconds": DEADLINE_S}
            )
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                body: bytes = response.read(MAX_BYTES - self.read_bytes + 1)
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                raise PullError(
                    gettext("Baby Buddy refused the token (see its user settings)"), "token"
                ) from None
            if 300 <= error.code < 400:
                raise PullError(
                    gettext("%(url)s sends us on to %(target)s: enter the address Baby Buddy is at")
                    % {
                        "url": url,
                        "target": error.headers.get("Location") or gettext("another address"),
                    }
                ) from None
            if error.code == 404:
                raise PullError(
                    gettext(
                        "Baby Buddy answered 404 for %(url)s: is this the address of a Baby "
                        "Buddy server?"
                    )
                    % {"url": url}
                ) from None
            raise PullError(
                gettext("Baby Buddy answered %(code)d for %(url)s")
                % {"code": error.code, "url": url}
            ) from None
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise PullError(
                    gettext("Baby Buddy at %(url)s did not answer within %(seconds)s s: is it up?")
                    % {"url": self.base, "seconds": format_number(TIMEOUT_S, 1, trim=True)}
                ) from None
            raise PullError(
                gettext("cannot reach Baby Buddy at %(url)s (%(reason)s)")
                % {"url": self.base, "reason": reason}
            ) from None
        except ValueError:  # an address urllib cannot use
            raise PullError(gettext("this is not a web address we can reach")) from None
        self.read_bytes += len(body)
        if self.read_bytes > MAX_BYTES:
            raise PullError(
                gettext("Baby Buddy sent more than %(mb)d MB: too much to take")
                % {"mb": MAX_BYTES >> 20}
            )
        if kind != "application/json":
            raise PullError(
                gettext("%(url)s did not answer JSON (%(type)s): is it a Baby Buddy server?")
                % {"url": url, "type": kind}
            )
        return body

    def page(self, url: str) -> tuple[list[dict[str, Any]], str | None]:
        body = self._answer(url)
        try:
            page = json.loads(body)
        except (ValueError, RecursionError):
            raise PullError(
                gettext("%(url)s did not answer JSON: is it a Baby Buddy server?") % {"url": url}
            ) from None
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise PullError(
                gettext("%(url)s is not a Baby Buddy list (no 'results')") % {"url": url}
            )
        rows, next_url = page["results"], page.get("next")
        if not all(isinstance(row, dict) for row in rows) or not isinstance(next_url, str | None):
            raise PullError(
                gettext("%(url)s answered a list we cannot read: is it a Baby Buddy server?")
                % {"url": url}
            )
        return rows, next_url

    def rows(self, endpoint: str) -> list[dict[str, Any]]:
        url: str | None = f"{self.base}/api/{endpoint}/?limit={PAGE}&offset=0"
        rows: list[dict[str, Any]] = []
        while url:
            if urllib.parse.urlsplit(url).netloc != self.host:
                raise PullError(
                    gettext("Baby Buddy sent us on to another server (%(url)s): refused")
                    % {"url": url}
                )
            page, url = self.page(url)
            rows += page
            if len(rows) > MAX_ROWS:
                raise PullError(
                    gettext("Baby Buddy holds more than %(count)s %(what)s")
                    % {"count": format_number(MAX_ROWS), "what": endpoint}
                )
        return rows


def _local(value: Any, tz: ZoneInfo) -> str:
    """An API moment (ISO 8601 with its offset) as the export writes it: her local time."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)  # left for the reader to name, with its row
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def fetch_babybuddy(url: str, token: str, *, tz: ZoneInfo) -> bytes:
    """Her feedings, pumping, diaper changes and weights from the Baby Buddy server at `url`,
    as a zip of the CSV files its export writes (times in `tz`; amounts and weights as stored,
    she says their units)."""
    pull = _Pull(check_url(url), token)
    children = {
        row.get("id"): (str(row.get("first_name") or ""), str(row.get("last_name") or ""))
        for row in pull.rows("children")
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        for name, (endpoint, columns) in ENDPOINTS.items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(columns)
            for row in pull.rows(endpoint):
                first, last = children.get(row.get("child"), ("", ""))
                row = {
                    **row,
                    "child_id": row.get("child"),
                    "child_first_name": first,
                    "child_last_name": last,
                }
                writer.writerow(
                    [
                        _local(row.get(column), tz)
                        if column in ("start", "end", "time")
                        else ("" if row.get(column) is None else row.get(column))
                        for column in columns
                    ]
                )
            files.writestr(name, text.getvalue())
    return archive.getvalue()
