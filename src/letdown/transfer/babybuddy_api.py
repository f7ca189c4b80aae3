"""Her history pulled straight from her Baby Buddy server's REST API (its feedings and
pumping), written as the CSV files Baby Buddy's own export makes, so that one reader
(`formats.read_babybuddy`) takes both and a row keeps its Baby Buddy id either way: pulling
after importing the export adds nothing twice.

Only the server she names is asked: a `next` link to another host is refused."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .formats import MAX_ROWS, FormatError

PAGE = 500
TIMEOUT_S = 20
ENDPOINTS = {
    "feeding.csv": ("feedings", ("id", "start", "end", "type", "method", "amount", "notes")),
    "pumping.csv": ("pumping", ("id", "start", "end", "amount", "notes")),
}


def _get(url: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Token {token}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise FormatError("Baby Buddy refused the token (see its user settings)") from None
        raise FormatError(f"Baby Buddy answered {error.code} for {url}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise FormatError(f"cannot reach Baby Buddy at {url} ({error})") from None
    except ValueError:
        raise FormatError(f"{url} did not answer JSON: is it a Baby Buddy server?") from None


def _local(value: str | None, tz: ZoneInfo) -> str:
    """An API moment (ISO 8601 with its offset) as the export writes it: her local time."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # left for the reader to name, with its row
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _rows(base: str, endpoint: str, token: str) -> list[dict[str, Any]]:
    host = urllib.parse.urlsplit(base).netloc
    url: str | None = f"{base}/api/{endpoint}/?limit={PAGE}&offset=0"
    rows: list[dict[str, Any]] = []
    while url:
        if urllib.parse.urlsplit(url).netloc != host:
            raise FormatError(f"Baby Buddy sent us on to another server ({url}): refused")
        page = _get(url, token)
        results = page.get("results")
        if not isinstance(results, list):
            raise FormatError(f"{url} is not a Baby Buddy list (no 'results')")
        rows += [row for row in results if isinstance(row, dict)]
        if len(rows) > MAX_ROWS:
            raise FormatError(f"Baby Buddy holds more than {MAX_ROWS} {endpoint}")
        url = page.get("next")
    return rows


def fetch_babybuddy(url: str, token: str, *, tz: ZoneInfo) -> bytes:
    """Her feedings and pumping from the Baby Buddy server at `url`, as a zip of the CSV
    files its export writes (times in `tz`, amounts as stored: she says their unit)."""
    base = url.rstrip("/")
    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise FormatError("the Baby Buddy address must start with http:// or https://")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        for name, (endpoint, columns) in ENDPOINTS.items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(columns)
            for row in _rows(base, endpoint, token):
                writer.writerow(
                    [
                        _local(row.get(column), tz)
                        if column in ("start", "end")
                        else ("" if row.get(column) is None else row.get(column))
                        for column in columns
                    ]
                )
            files.writestr(name, text.getvalue())
    return archive.getvalue()
