"""GET /health: 200 when the app and its database work, 503 when the database does not."""

import json
import os
import subprocess
import sys

from django.urls import reverse


def test_health_ok(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_503_when_the_database_is_down(tmp_path):
    # A real unreachable PostgreSQL (nothing listens on port 1), in a fresh process.
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='localhost').get('/health');"
        "print(json.dumps([r.status_code, r.json()]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "letdown.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "LETDOWN_DATA_DIR": str(tmp_path),
        "LETDOWN_STATIC_FINDERS": "1",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    status, body = json.loads(out.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body["database"] == "unavailable"
