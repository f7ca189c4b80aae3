"""The login backend: Django's own, with her household fetched together with the user, since
every page needs both."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection

from letdown.core import rows

from .models import Household, User


@cache
def _user_sql() -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT {rows.columns(User, 'u')}, {rows.columns(Household, 'h')} "  # noqa: S608
        f"FROM {q(User._meta.db_table)} u "
        f"LEFT JOIN {q(Household._meta.db_table)} h ON h.id = u.household_id WHERE u.id = %s"
    )


class HouseholdModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        # Every request of a logged-in member runs this, every live tap included: hand-written
        # SQL (see letdown.core.rows), the same rows as select_related("household").get().
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        with connection.cursor() as cursor:
            cursor.execute(_user_sql(), [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        width = len(rows.fields(User))
        user = rows.instance(User, row[:width])
        household = rows.instance(Household, row[width:]) if row[width] is not None else None
        User._meta.get_field("household").set_cached_value(user, household)
        return user if self.user_can_authenticate(user) else None
