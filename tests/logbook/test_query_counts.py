"""Pages run a fixed number of SQL queries, however long her history."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from letdown.learn import selectors as learn

from ..factories import BottleFeedFactory, LeakFactory, LetDownFactory, SessionFactory


def add_history(family, n: int, *, days_ago: int = 1) -> None:
    start = timezone.now() - timedelta(days=days_ago)
    for i in range(n):
        session = SessionFactory(
            lactation=family.lactation, started_at=start - timedelta(hours=3 * i), kind="pumping"
        )
        LetDownFactory(session=session)
        LetDownFactory(session=session, at=session.started_at + timedelta(minutes=5))
        LeakFactory(lactation=family.lactation, at=session.started_at + timedelta(minutes=30))
        BottleFeedFactory(lactation=family.lactation, at=session.started_at + timedelta(hours=1))


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["home", "history"])
def test_query_count_does_not_grow_with_history(name, owner_client, family):
    add_history(family, 1)
    small = count(owner_client, reverse(name))
    add_history(family, 20)
    assert count(owner_client, reverse(name)) == small


def test_history_query_count_when_the_page_jumps_over_a_gap(owner_client, family):
    # Nothing in the last three days: the page looks further back for her newest day.
    add_history(family, 1, days_ago=10)
    small = count(owner_client, reverse("history"))
    add_history(family, 20, days_ago=12)
    assert count(owner_client, reverse("history")) == small


def test_live_and_edit_pages_do_not_query_per_letdown(owner_client, family):
    session = SessionFactory(lactation=family.lactation)
    LetDownFactory(session=session)
    small = count(owner_client, reverse("session_edit", args=[session.pk]))
    for minute in range(2, 12):
        LetDownFactory(session=session, at=session.started_at + timedelta(minutes=minute))
    assert count(owner_client, reverse("session_edit", args=[session.pk])) == small


def test_the_articles_after_a_slow_session_cost_no_query(owner_client, family):
    # A quick let-down gets no articles; a slow one gets three, chosen by the view.
    quick = SessionFactory(lactation=family.lactation)
    LetDownFactory(session=quick, at=quick.started_at + timedelta(seconds=95))
    slow = SessionFactory(
        lactation=family.lactation, started_at=quick.started_at - timedelta(hours=3)
    )
    LetDownFactory(session=slow, at=slow.started_at + timedelta(minutes=7))
    quick_url = reverse("session_edit", args=[quick.pk])
    slow_url = reverse("session_edit", args=[slow.pk])
    assert "/learn/helping-let-down/" not in owner_client.get(quick_url).content.decode()
    assert "/learn/helping-let-down/" in owner_client.get(slow_url).content.decode()
    assert count(owner_client, slow_url) == count(owner_client, quick_url)


def test_the_articles_after_a_leak_cost_no_query(owner_client, family, monkeypatch):
    leak = LeakFactory(lactation=family.lactation)
    url = reverse("leak_detail", args=[leak.pk])
    assert "/learn/leaks/" in owner_client.get(url).content.decode()
    with_articles = count(owner_client, url)
    monkeypatch.setattr(learn, "AFTER_LEAK", ())  # Learn offers nothing after a leak
    assert "/learn/leaks/" not in owner_client.get(url).content.decode()
    assert count(owner_client, url) == with_articles
    add_history(family, 20)
    assert count(owner_client, url) == with_articles
