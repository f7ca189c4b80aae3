"""Views build the context; templates and their tags only format it. So once a page's first
template starts rendering, no SQL query runs: a tag that read the database (the session's
lactation, a routine's run, the articles to offer) would show up here, and its cost would grow
with what the page shows rather than stay fixed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from letdown.routines import services as routines

from .factories import LeakFactory, LetDownFactory, SessionFactory


@contextmanager
def queries_while_rendering() -> Iterator[list[str]]:
    """The SQL run after the first template began to render (filled in on exit)."""
    started: list[int] = []
    late: list[str] = []

    def on_render(**kwargs: object) -> None:
        if not started:
            started.append(len(queries.captured_queries))

    template_rendered.connect(on_render, dispatch_uid="queries_while_rendering")
    try:
        with CaptureQueriesContext(connection) as queries:
            yield late
    finally:
        template_rendered.disconnect(dispatch_uid="queries_while_rendering")
    assert started, "no template was rendered"
    late += [query["sql"] for query in queries.captured_queries[started[0] :]]


def _get(client, url: str) -> tuple[str, list[str]]:
    with queries_while_rendering() as late:
        response = client.get(url)
        assert response.status_code == 200
    return response.content.decode(), late


def test_a_slow_session_page_offers_articles_without_querying_while_rendering(owner_client, family):
    started = timezone.now() - timedelta(hours=1)
    # Ended with no let-down: the page offers the articles on helping let-down along.
    session = SessionFactory(
        lactation=family.lactation, started_at=started, ended_at=started + timedelta(minutes=20)
    )
    page, late = _get(owner_client, reverse("session_edit", args=[session.pk]))
    assert "No let-down logged this time" in page
    assert "/learn/helping-let-down/" in page
    assert late == []


def test_a_leak_page_offers_articles_without_querying_while_rendering(owner_client, family):
    leak = LeakFactory(lactation=family.lactation)
    page, late = _get(owner_client, reverse("leak_detail", args=[leak.pk]))
    assert "Read more:" in page
    assert late == []


@pytest.mark.parametrize("letdowns", [1, 6])
def test_the_live_screen_shows_the_routine_without_querying_while_rendering(
    owner_client, family, letdowns
):
    routine = routines.create_routine(
        household=family.household,
        name="Pumping at the office",
        kind="pumping",
        steps=[{"slug": "breathing", "params": {}}, {"slug": "pump_phases", "params": {}}],
    )
    run = routines.start_run(routine=routine, at=timezone.now() - timedelta(seconds=30))
    response = owner_client.post(reverse("routines:run_session", args=[run.pk]), {"side": "both"})
    assert response.status_code == 302
    session = family.lactation.sessions.get()
    for second in range(letdowns):
        LetDownFactory(session=session, at=session.started_at + timedelta(seconds=second))
    page, late = _get(owner_client, response.url)
    assert "Pump phases" in page
    assert late == []
