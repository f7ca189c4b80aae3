"""Django's database sessions, read by hand-written SQL: every request of a logged-in member
reads its session row (see letdown.core.rows for why)."""

from __future__ import annotations

from functools import cache

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from letdown.core import rows


@cache
def _sql() -> str:
    table = connection.ops.quote_name(Session._meta.db_table)
    return (
        f"SELECT {rows.columns(Session, 's')} FROM {table} s "  # noqa: S608
        "WHERE s.session_key = %s AND s.expire_date > %s"
    )


class SessionStore(DatabaseStore):
    def _get_session_from_db(self) -> Session | None:
        if not self.session_key:  # also what the ORM's lookup would find: nothing
            return None
        with connection.cursor() as cursor:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(_sql(), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return rows.instance(Session, row)
