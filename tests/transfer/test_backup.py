"""`letdown backup` while taps are being written, then `letdown restore`: every let-down the
writer saw committed before the backup began is in the restored copy. Real processes, a real
database file (or PostgreSQL database), real threads writing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

LETDOWN = str(Path(sys.executable).with_name("letdown"))

# Two threads, one household each, storing let-downs as fast as the database takes them and
# printing each id once its transaction has committed (what a phone sees as acknowledged).
WRITER = """
import sys, threading
import django
django.setup()
from django.db import connection, transaction
from django.utils import timezone
from letdown.accounts.models import Household, Lactation
from letdown.logbook.models import LetDown, Session

stop = threading.Event()
printing = threading.Lock()

def write(n):
    if connection.vendor == "sqlite":
        # Keep every commit in the -wal file until the backup has run, as a busy server's
        # recent commits are: a copy of the database file alone would miss all of them.
        connection.cursor().execute("PRAGMA wal_autocheckpoint=0")
    household = Household.objects.create(parent_name=f"writer {n}", onboarded=True)
    lactation = Lactation.objects.create(
        household=household, number=1, started_on=timezone.now().date()
    )
    session = Session.objects.create(
        household=household, lactation=lactation, kind="pumping", started_at=timezone.now()
    )
    while not stop.is_set():
        with transaction.atomic():
            letdown = LetDown.objects.create(
                household=household, session=session, at=timezone.now(), side="both"
            )
        with printing:
            print(letdown.pk, flush=True)
    connection.close()

threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
for thread in threads:
    thread.start()
sys.stdin.read()
stop.set()
for thread in threads:
    thread.join()
"""


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LETDOWN_MEDIA_ROOT")}
    env.update(LETDOWN_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="letdown.settings")
    env.pop("LETDOWN_SECRET_KEY", None)  # the data directory makes its own, which is backed up
    return env


def _postgres_url(suffix: str) -> str:
    import psycopg

    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    name = f"{name}_{suffix}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def _engines() -> list[str]:
    url = os.environ.get("DATABASE_URL", "")
    return ["sqlite", "postgresql"] if url.startswith("postgres") else ["sqlite"]


@pytest.fixture(params=_engines())
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


def _restored_letdown_ids(engine: str, data_dir: Path, url: str | None) -> set[int]:
    if engine == "sqlite":
        with sqlite3.connect(data_dir / "letdown.sqlite3") as conn:
            return {row[0] for row in conn.execute("SELECT id FROM logbook_letdown")}
    import psycopg

    assert url
    with psycopg.connect(url) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM logbook_letdown")}


MAKE_VAPID_KEY = "from letdown.reminders import vapid; vapid.public_key()"


def test_backup_while_taps_are_written_then_restore_loses_nothing_acknowledged(
    tmp_path: Path, engine: str
) -> None:
    env = _base_env(tmp_path / "live")
    restore_env = _base_env(tmp_path / "restored")
    restored_url = None
    if engine == "postgresql":
        env["DATABASE_URL"] = _postgres_url("backup_live")
        restored_url = restore_env["DATABASE_URL"] = _postgres_url("backup_restored")
    subprocess.run([LETDOWN, "manage", "migrate", "-v", "0"], env=env, check=True)
    media = tmp_path / "live" / "media" / "h1"
    media.mkdir(parents=True)
    (media / "cry.webm").write_bytes(b"\x1aE\xdf\xa3 her baby's cry")
    # The Web Push key reminders made on first use (phones' subscriptions depend on it).
    subprocess.run(
        [LETDOWN, "manage", "shell", "-c", MAKE_VAPID_KEY],
        env=env,
        check=True,
    )

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged: list[int] = []

    def read_acks() -> None:
        assert writer.stdout is not None
        for line in writer.stdout:
            acknowledged.append(int(line))

    reader = threading.Thread(target=read_acks)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while len(acknowledged) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        before_backup = set(acknowledged)
        assert len(before_backup) >= 200, "the writer did not get going"
        archive = tmp_path / "letdown-backup.tar.gz"
        subprocess.run([LETDOWN, "backup", str(archive)], env=env, check=True)
        after_backup = len(acknowledged)
        time.sleep(0.3)
    finally:
        assert writer.stdin is not None
        writer.stdin.close()
        writer.wait(timeout=60)
        reader.join(timeout=60)
        assert writer.stdout is not None
        writer.stdout.close()  # read to its end by the reader; closed here
    assert writer.returncode == 0
    # The taps kept coming while the backup ran: the snapshot was taken under load.
    assert after_backup > len(before_backup)

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "secret_key", "vapid_private_key.pem", "media/h1/cry.webm"} <= names

    subprocess.run([LETDOWN, "restore", str(archive)], env=restore_env, check=True)
    restored = _restored_letdown_ids(engine, tmp_path / "restored", restored_url)
    assert before_backup <= restored, f"{len(before_backup - restored)} acknowledged let-downs lost"
    assert (tmp_path / "restored" / "secret_key").read_text() == (
        tmp_path / "live" / "secret_key"
    ).read_text()
    assert (tmp_path / "restored" / "vapid_private_key.pem").read_bytes() == (
        tmp_path / "live" / "vapid_private_key.pem"
    ).read_bytes()
    assert (tmp_path / "restored" / "media" / "h1" / "cry.webm").read_bytes().endswith(b"cry")


def test_restore_refuses_a_data_directory_that_is_not_empty(tmp_path: Path) -> None:
    env = _base_env(tmp_path / "live")
    (tmp_path / "live").mkdir()
    with sqlite3.connect(tmp_path / "live" / "letdown.sqlite3") as conn:
        conn.execute("CREATE TABLE kept (note TEXT)")
        conn.execute("INSERT INTO kept VALUES ('her data')")
    archive = tmp_path / "b.tar.gz"
    subprocess.run([LETDOWN, "backup", str(archive)], env=env, check=True, capture_output=True)
    before = (tmp_path / "live" / "letdown.sqlite3").read_bytes()
    done = subprocess.run(
        [LETDOWN, "restore", str(archive)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "not empty" in done.stderr
    assert (tmp_path / "live" / "letdown.sqlite3").read_bytes() == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"hello")
    done = subprocess.run(
        [LETDOWN, "restore", str(not_a_backup)],
        env=_base_env(tmp_path / "new"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Cannot read" in done.stderr
    assert not (tmp_path / "new").exists()
