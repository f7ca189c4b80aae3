"""Health check for self-hosters' container probes: 200 only when a page could be served, 503
with the reasons otherwise."""

from __future__ import annotations

import logging
import tempfile
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from letdown.accounts.models import Household

log = logging.getLogger(__name__)


@cache
def _migrations_on_disk() -> frozenset[tuple[str, str]]:
    # The package's migrations do not change while the process runs.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes())


def _database_problem() -> str | None:
    # A connection kept open from an earlier request can go on reading a file that a new one
    # can no longer open; every page opens new ones, so the check does too. (Not inside a
    # transaction, where closing would throw the transaction away: only tests are there.)
    if not connection.in_atomic_block:
        connection.close()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {Household._meta.db_table} LIMIT 1")  # noqa: S608
            cursor.fetchall()
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = set(cursor.fetchall())
    except DatabaseError:
        # The details (host, user, path) go to the log, not to whoever asks /health.
        log.exception("health: the database cannot be read")
        return "database unavailable"
    missing = sorted(f"{app}.{name}" for app, name in _migrations_on_disk() - applied)
    if missing:
        return "migrations not applied: " + ", ".join(missing)
    return None


def _writable_problem(what: str, directory: Path) -> str | None:
    """Creating a file is the test: permission bits say nothing to root, or of a full or
    read-only disk. A directory not made yet is made, as the first upload would."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError:
        log.exception("health: cannot write in %s", directory)
        return f"{what} not writable"
    return None


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    database = _database_problem()
    reasons = [
        reason
        for reason in (
            database,
            _writable_problem("data directory", Path(settings.DATA_DIR)),
            _writable_problem("media directory", Path(settings.MEDIA_ROOT)),
        )
        if reason
    ]
    if reasons:
        state = "ok" if database is None else database.split(":")[0].removeprefix("database ")
        body = {"status": "error", "database": state, "reasons": reasons}
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
