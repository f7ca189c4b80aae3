"""What the shared cache (the database table `letdown_cache`) holds, as text: every key and
every value unpickled, so a test can say what a person reading that table would find."""

from __future__ import annotations

import base64
import pickle

from django.conf import settings
from django.db import connection


def cache_table_text() -> str:
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {connection.ops.quote_name(table)}")
        rows = cursor.fetchall()
    # The database cache stores each value as base64 of its pickle.
    return "\n".join(f"{key} {pickle.loads(base64.b64decode(value))!r}" for key, value in rows)
