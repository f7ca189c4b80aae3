"""Pulling her history straight from a Baby Buddy server's API: a small server on this
machine, started by the test, answers as Baby Buddy's REST API does (token auth, pages of
`results` linked by `next`). Never the internet."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from letdown.cli import main
from letdown.logbook.models import BottleFeed, Session

TOKEN = "0123456789abcdef0123456789abcdef01234567"
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


class _BabyBuddy(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self.headers.get("Authorization") != f"Token {TOKEN}":
            return self._send(401, {"detail": "Invalid token."})
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        offset, limit = int(query.get("offset", ["0"])[0]), 2  # small pages: `next` is followed
        rows = {"/api/feedings/": FEEDINGS, "/api/pumping/": PUMPING}.get(url.path)
        if rows is None:
            return self._send(404, {"detail": "Not found."})
        more = offset + limit < len(rows)
        host = f"http://{self.headers['Host']}"
        return self._send(
            200,
            {
                "count": len(rows),
                "next": f"{host}{url.path}?limit={limit}&offset={offset + limit}" if more else None,
                "previous": None,
                "results": rows[offset : offset + limit],
            },
        )

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def babybuddy() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BabyBuddy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _pull(family, url: str, token: str = TOKEN) -> int:  # type: ignore[no-untyped-def]
    household = str(family.household.pk)
    return main(
        ["import", "--household", household, "--source", "babybuddy", "--url", url,
         "--token", token, "--tz", "Europe/London", "--unit", "ml"]
    )  # fmt: skip


def test_her_baby_buddy_history_is_pulled_once(family, babybuddy, capsys):
    assert _pull(family, babybuddy) == 0
    sessions = Session.objects.filter(household=family.household, source="babybuddy")
    assert sorted(sessions.values_list("kind", flat=True)) == ["nursing", "nursing", "pumping"]
    first = sessions.get(notes="sleepy")
    assert first.started_at.isoformat() == "2025-04-29T08:29:00+00:00"  # 09:29 in London (BST)
    pumped = sessions.get(kind="pumping")
    assert (pumped.volume_left_ml, pumped.volume_right_ml) == (30.0, 30.0)
    feed = BottleFeed.objects.get(household=family.household)
    assert (feed.milk, feed.volume_ml) == ("formula", 90.0)
    capsys.readouterr()

    assert _pull(family, babybuddy) == 0  # again: nothing new
    assert "0 new" in capsys.readouterr().out
    assert Session.objects.filter(household=family.household).count() == 3


def test_a_wrong_token_or_address_says_so_and_writes_nothing(family, babybuddy, capsys):
    assert _pull(family, babybuddy, token="wrong") == 2
    assert "refused the token" in capsys.readouterr().err
    assert _pull(family, "ftp://example.invalid/") == 2
    assert "http://" in capsys.readouterr().err
    assert _pull(family, babybuddy + "nothing/") == 2
    assert "answered 404" in capsys.readouterr().err
    assert not Session.objects.filter(household=family.household).exists()
