"""kill -9 during a stream of taps loses no acknowledged tap: the real server (`letdown serve`,
granian with two processes) on a data directory of its own, or a PostgreSQL database of its
own when the suite runs on PostgreSQL."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from ..test_cli import _env, _free_port, _wait_for_health

SETUP = """
import json
from datetime import date
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.utils import timezone
from letdown.accounts.models import Household, Lactation, User
from letdown.logbook import services
household = Household.objects.create(parent_name="Kill", onboarded=True)
lactation = Lactation.objects.create(household=household, started_on=date(2026, 11, 1))
user = User.objects.create_user("kill", password="x" * 20, household=household)
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "letdown.accounts.backends.HouseholdModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.save()
now = timezone.now()
started = services.start_session(
    household=household, lactation=lactation, kind="pumping", side="both", at=now, now=now
)
print(json.dumps({"cookie": store.session_key, "session": started.session.pk}))
"""

STORED = "SELECT tap_id FROM logbook_tap WHERE type = 'letdown'"


def _stored(env: dict[str, str]) -> list[str]:
    """The let-down taps in the server's database, read straight from it."""
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return [str(row[0]) for row in conn.execute(STORED)]
    with sqlite3.connect(Path(env["LETDOWN_DATA_DIR"]) / "letdown.sqlite3") as conn:
        return [str(uuid.UUID(row[0])) for row in conn.execute(STORED)]


@pytest.fixture
def server_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = _env(tmp_path)
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield env
        return
    import psycopg

    name = f"letdown_kill_{uuid.uuid4().hex[:8]}"
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlparse(url)._replace(path=f"/{name}").geturl()
    env["LETDOWN_SECRET_KEY"] = "kill-test-secret-key-" + "x" * 40
    try:
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage_shell(env: dict[str, str], code: str) -> object:
    out = subprocess.run(
        [sys.executable, "-m", "letdown.cli", "manage", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "letdown.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: kill -9 reaches every worker
    )
    _wait_for_health(port, proc)
    return proc


def _tap(port: int, cookie: str, session: int, event_id: str) -> bool:
    """One let-down tap; True when the server acknowledged it as stored."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        token = "k" * 32
        conn.request(
            "POST",
            f"/sessions/{session}/letdown/",
            body=f"event_id={event_id}&csrfmiddlewaretoken={token}",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Cookie": f"sessionid={cookie}; csrftoken={token}",
                "X-CSRFToken": token,
            },
        )
        response = conn.getresponse()
        body = response.read()
        return response.status == 200 and json.loads(body)["tap"]["id"] == event_id
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def test_kill_9_during_a_stream_of_taps_loses_no_acknowledged_tap(server_env):
    port = _free_port()
    proc = _serve(server_env, port)
    setup = _manage_shell(server_env, SETUP)
    assert isinstance(setup, dict)
    cookie, session = setup["cookie"], setup["session"]
    acknowledged: list[str] = []
    unanswered: list[str] = []
    stop = threading.Event()

    def stream() -> None:
        # A phone taps until a tap gets no answer; it keeps that one to send again.
        while not stop.is_set():
            event_id = str(uuid.uuid4())
            if not _tap(port, cookie, session, event_id):
                unanswered.append(event_id)
                return
            acknowledged.append(event_id)

    phones = [threading.Thread(target=stream) for _ in range(4)]
    for phone in phones:
        phone.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # mid-stream, master and workers at once
    # communicate() reads the dead server's output to its end and closes the pipe.
    output = proc.communicate(timeout=10)[0]
    time.sleep(0.5)
    stop.set()
    for phone in phones:
        phone.join(timeout=10)
    assert len(acknowledged) >= 40, output

    stored = set(_stored(server_env))
    assert set(acknowledged) <= stored

    # Back up, the phones send again what got no answer: each is stored once.
    proc = _serve(server_env, port)
    try:
        for event_id in unanswered + acknowledged[:5]:
            assert _tap(port, cookie, session, event_id)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=20)
    stored_after = _stored(server_env)
    assert len(stored_after) == len(set(stored_after))
    assert set(acknowledged) | set(unanswered) <= set(stored_after)
