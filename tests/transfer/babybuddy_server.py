"""A small Baby Buddy on this machine, started by the tests: it answers as Baby Buddy's REST
API does (token auth, pages of `results` linked by `next`, children, feedings, pumping, diaper
changes, weights), and, under a few path prefixes, as servers that are not Baby Buddy or that
misbehave. Never the internet."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

TOKEN = "0123456789abcdef0123456789abcdef01234567"
CHILDREN = [
    {"id": 1, "first_name": "Robin", "last_name": "Lee", "birth_date": "2025-04-01",
     "birth_time": None, "slug": "robin-lee", "picture": None},
]  # fmt: skip
FEEDINGS = [
    # Baby Buddy's API writes her local time with its offset.
    {"id": 11, "child": 1, "start": "2025-04-29T09:29:00+01:00", "end": "2025-04-29T09:45:00+01:00",
     "duration": "00:16:00", "type": "breast milk", "method": "left breast", "amount": None,
     "notes": "sleepy", "tags": []},
    {"id": 12, "child": 1, "start": "2025-04-29T12:00:00+01:00", "end": "2025-04-29T12:10:00+01:00",
     "duration": "00:10:00", "type": "formula", "method": "bottle", "amount": 90.0,
     "notes": "", "tags": []},
    {"id": 13, "child": 1, "start": "2025-04-29T15:00:00+01:00", "end": "2025-04-29T15:20:00+01:00",
     "duration": "00:20:00", "type": "breast milk", "method": "both breasts", "amount": None,
     "notes": "", "tags": []},
]  # fmt: skip
PUMPING = [
    {"id": 5, "child": 1, "start": "2025-04-29T10:00:00+01:00", "end": "2025-04-29T10:15:00+01:00",
     "duration": "00:15:00", "amount": 60.0, "notes": "", "tags": []},
]  # fmt: skip
CHANGES = [
    {"id": 21, "child": 1, "time": "2025-04-29T08:00:00+01:00", "wet": True, "solid": False,
     "color": "", "amount": None, "notes": "", "tags": []},
    {"id": 22, "child": 1, "time": "2025-04-29T11:30:00+01:00", "wet": True, "solid": True,
     "color": "yellow", "amount": None, "notes": "", "tags": []},
    {"id": 23, "child": 1, "time": "2025-04-29T16:10:00+01:00", "wet": False, "solid": True,
     "color": "green", "amount": 1.0, "notes": "", "tags": []},
]  # fmt: skip
WEIGHTS = [
    {"id": 31, "child": 1, "weight": 3.81, "date": "2025-04-29", "notes": "", "tags": []},
]  # fmt: skip
LISTS = {
    "children": CHILDREN,
    "feedings": FEEDINGS,
    "pumping": PUMPING,
    "changes": CHANGES,
    "weight": WEIGHTS,
}


class _BabyBuddy(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        url = urlsplit(self.path)
        mode, _, rest = url.path.strip("/").partition("/")
        if mode == "html":  # a web page, not an API
            return self._send(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
        if mode == "redirect":  # sends her elsewhere
            self.send_response(302)
            self.send_header("Location", "http://elsewhere.invalid/api/feedings/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if mode == "slow":  # answers after the pull gave up
            time.sleep(1.5)
            return self._json(200, {"results": [], "next": None})
        if mode == "huge":  # more than a pull takes
            return self._send(200, b'{"results": [' + b" " * 200_000 + b"]}", "application/json")
        if mode == "broken":  # JSON, not Baby Buddy's shape
            return self._json(200, [{"results": "no"}])
        if mode == "garbled":  # says JSON, is not
            return self._send(200, b'{"results": [', "application/json")
        if self.headers.get("Authorization") != f"Token {TOKEN}":
            return self._json(401, {"detail": "Invalid token."})
        if mode != "api":
            return self._json(404, {"detail": "Not found."})
        query = parse_qs(url.query)
        offset, limit = int(query.get("offset", ["0"])[0]), 2  # small pages: `next` is followed
        rows = LISTS.get(rest.strip("/"))
        if rows is None:
            return self._json(404, {"detail": "Not found."})
        more = offset + limit < len(rows)
        host = f"http://{self.headers['Host']}"
        return self._json(
            200,
            {
                "count": len(rows),
                "next": f"{host}{url.path}?limit={limit}&offset={offset + limit}" if more else None,
                "previous": None,
                "results": rows[offset : offset + limit],
            },
        )

    def _json(self, status: int, body: object) -> None:
        self._send(status, json.dumps(body).encode(), "application/json")

    def _send(self, status: int, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def babybuddy() -> Iterator[str]:
    """The address of a Baby Buddy answering on this machine, ending with a slash."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BabyBuddy)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
