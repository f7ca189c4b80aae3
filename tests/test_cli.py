"""The `letdown` command: serve migrates a fresh data directory and serves with granian."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from letdown.cli import choose_data_dir


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        LETDOWN_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SETTINGS_MODULE="letdown.settings",
    )
    env.pop("LETDOWN_SECRET_KEY", None)  # the data directory gets one of its own
    return env


def _wait_for_health(port: int, proc: subprocess.Popen[str]) -> dict[str, str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else "server exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                return json.loads(r.read())
        except OSError:
            time.sleep(0.3)
    raise AssertionError("letdown serve did not answer /health")


def test_serve_migrates_a_fresh_data_dir_and_answers_health(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path)
    env["LETDOWN_ACCESS_LOG"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "letdown.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert _wait_for_health(port, proc) == {"status": "ok", "database": "ok"}
        login = f"http://127.0.0.1:{port}/account/login/?next=/history/%3Fq%3Dprivate"
        with urllib.request.urlopen(login, timeout=5) as r:
            page = r.read().decode()
        assert "letdown" in page
        css = page.split('rel="stylesheet" href="/static/', 1)[1].split('"', 1)[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/{css}", timeout=5) as r:
            assert r.status == 200 and b"--letdown" in r.read()
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0]
    assert f"letdown data directory: {tmp_path / 'data'}" in out
    # The access log names the request but neither her address nor its query string.
    assert '"GET /account/login/" 200' in out
    assert "private" not in out and "127.0.0.1 -" not in out
    db = tmp_path / "data" / "letdown.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0


def test_demo_keeps_to_its_own_data_directory(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The demo's household and known password never land in her real data directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert choose_data_dir("demo", None, {}) == str(tmp_path / "letdown-demo")
    assert choose_data_dir("demo", "/x", {}) == "/x"
    assert choose_data_dir("demo", None, {"LETDOWN_DATA_DIR": "/scripted"}) is None
    assert choose_data_dir("serve", None, {}) is None  # her real one, from the settings
    assert choose_data_dir("serve", "/named", {"LETDOWN_DATA_DIR": "/env"}) == "/named"
