"""A specialist's account reads; nothing it is offered writes. Screens whose every button
writes send her to what she may read, and the pages she reads show no button that would
answer 403."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letdown.accounts.models import Baby, Role
from letdown.babylog.models import Nappy
from letdown.learn.articles import load_articles

from ..conftest import Family
from ..factories import BottleFeedFactory, SessionFactory, UserFactory, start
from ..routines.factories import RoutineFactory, RunFactory


@pytest.fixture
def specialist_client(family: Family) -> Client:
    client = Client()
    specialist = UserFactory(household=family.household, role=Role.SPECIALIST)
    client.force_login(specialist, backend="letdown.accounts.backends.HouseholdModelBackend")
    return client


def test_the_live_screen_sends_her_to_the_sessions_page(
    specialist_client: Client, owner_client: Client, family: Family
) -> None:
    live = start(family.lactation, "pumping", "both", timezone.now() - timedelta(minutes=5))
    response = specialist_client.get(reverse("session_live", args=[live.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("session_edit", args=[live.pk])
    page = specialist_client.get(response["Location"]).content.decode()
    for writes in ("session_letdown", "session_end", "session_pause", "delete"):
        assert (
            reverse(writes, args=["session", live.pk] if writes == "delete" else [live.pk])
            not in page
        )
    assert '<form method="post" class="card' not in page
    assert "read only" in page
    # The owner still gets the live screen.
    assert owner_client.get(reverse("session_live", args=[live.pk])).status_code == 200


def test_home_offers_her_no_start_and_leads_to_the_sessions_page(
    specialist_client: Client, family: Family
) -> None:
    live = start(family.lactation, "nursing", "left", timezone.now() - timedelta(minutes=5))
    page = specialist_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("session_edit", args=[live.pk])}"' in page
    assert f'href="{reverse("session_live", args=[live.pk])}"' not in page
    assert 'name="kind_side"' not in page and reverse("session_new") not in page
    # The screen a phone keeps for a session started offline: home instead.
    assert specialist_client.get(reverse("started_offline"))["Location"] == reverse("home")


def test_history_links_her_only_to_pages_she_can_read(
    specialist_client: Client, owner_client: Client, family: Family
) -> None:
    yesterday = timezone.now() - timedelta(days=1)
    session = SessionFactory(lactation=family.lactation, started_at=yesterday)
    feed = BottleFeedFactory(lactation=family.lactation, at=yesterday + timedelta(hours=2))
    baby = Baby.objects.filter(household=family.household).first()
    nappy = Nappy.objects.create(
        household=family.household, baby=baby, at=yesterday, wet=True, created_by=family.owner
    )
    forms = (reverse("feed_edit", args=[feed.pk]), reverse("nappy_edit", args=[nappy.pk]))
    mine = owner_client.get(reverse("history")).content.decode()
    assert all(url in mine for url in forms)
    page = specialist_client.get(reverse("history")).content.decode()
    assert not any(url in page for url in forms)
    assert "Nappy" in page and "mL" in page  # still listed, as plain lines
    assert reverse("session_edit", args=[session.pk]) in page


def test_the_menu_and_learn_offer_her_nothing_to_write(
    specialist_client: Client, owner_client: Client
) -> None:
    add_member = reverse("household_settings") + "#add-member"
    assert add_member in owner_client.get(reverse("home")).content.decode()
    assert add_member not in specialist_client.get(reverse("home")).content.decode()
    article = reverse("learn:article", args=[next(iter(load_articles()))])
    assert 'id="reply"' in owner_client.get(article).content.decode()
    page = specialist_client.get(article).content.decode()
    assert 'id="reply"' not in page and "read only" in page


def test_a_routine_player_sends_her_to_the_routines(
    specialist_client: Client, family: Family
) -> None:
    run = RunFactory(routine=RoutineFactory(household=family.household))
    response = specialist_client.get(reverse("routines:player", args=[run.pk]))
    assert response["Location"] == reverse("routines:list")
    page = specialist_client.get(response["Location"]).content.decode()
    assert reverse("routines:player", args=[run.pk]) not in page
