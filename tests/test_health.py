"""GET /health: 200 when a page could be served, 503 with the reasons when the database cannot
be read, migrations are missing or the data directory cannot be written."""

import ctypes
import json
import os
import subprocess
import sys

from django.db import connection
from django.urls import reverse


def test_health_ok(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def _run(code: str, env: dict[str, str], preexec_fn=None) -> list:
    # SQLite unless the test names a database, even when the suite runs on PostgreSQL.
    inherited = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "letdown.settings",
        "LETDOWN_STATIC_FINDERS": "1",
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec_fn,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_health_503_when_the_database_is_down(tmp_path):
    # A real unreachable PostgreSQL (nothing listens on port 1), in a fresh process.
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/health');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    env = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "LETDOWN_DATA_DIR": str(tmp_path)}
    status, body = _run(code, env)
    assert status == 503
    assert body["database"] == "unavailable"
    assert body["reasons"] == ["database unavailable"]


def _without_root_file_access() -> None:
    """Run as root (CI does), a process still reads a file whatever its mode; without these
    two capabilities, it obeys the mode like anyone else."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_health_503_when_the_sqlite_file_becomes_unreadable(tmp_path):
    # The server process has answered before (its connection is open) when the file becomes
    # unreadable: /health must not answer from the connection it kept.
    code = (
        "import django, json, os; django.setup();"
        "from django.conf import settings;"
        "from django.core.management import call_command;"
        "from django.test import Client;"
        "call_command('migrate', verbosity=0);"
        "c = Client(HTTP_HOST='localhost');"
        "before = c.get('/health').status_code;"
        "os.chmod(settings.SQLITE_PATH, 0);"
        "after = [c.get('/health') for _ in range(3)];"
        "print(json.dumps([before, [r.status_code for r in after], after[-1].json()]))"
    )
    before, after, body = _run(
        code, {"LETDOWN_DATA_DIR": str(tmp_path)}, preexec_fn=_without_root_file_access
    )
    assert before == 200
    assert after == [503, 503, 503]
    assert body == {
        "status": "error",
        "database": "unavailable",
        "reasons": ["database unavailable"],
    }


def test_health_503_when_a_migration_is_not_applied(client, db):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'learn'")
    response = client.get(reverse("health"))
    assert response.status_code == 503
    reasons = response.json()["reasons"]
    assert len(reasons) == 1
    assert reasons[0].startswith("migrations not applied: learn.")


def test_health_503_when_the_data_directory_cannot_be_written(client, db, settings, tmp_path):
    not_a_directory = tmp_path / "data"
    not_a_directory.write_text("a file where the data directory should be")
    settings.DATA_DIR = not_a_directory
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["reasons"] == ["data directory not writable"]
