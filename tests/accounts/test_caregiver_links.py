"""A caregiver changes only what she logged herself in the last 7 days: the pages she reads
offer her no link that would answer 403 (an edit form for her partner's entry, or her own
from last month)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letdown.accounts.models import Baby
from letdown.babylog.models import Nappy, Weighing

from ..conftest import Family
from ..factories import BottleFeedFactory, LeakFactory, SessionFactory

HREF = re.compile(r'href="(/[^"#]*)"')


def test_no_link_a_caregiver_is_offered_answers_403(
    member_client: Client, owner_client: Client, family: Family
) -> None:
    now = timezone.now()
    baby = Baby.objects.filter(household=family.household).first()
    logged = (
        (family.owner, now - timedelta(days=1)),  # her partner's: not hers to change
        (family.member, now - timedelta(days=10)),  # her own, but too long ago
        (family.member, now - timedelta(hours=3)),  # her own, lately: hers to change
    )
    forms = []  # per entry logged above: its edit forms
    for who, at in logged:
        SessionFactory(lactation=family.lactation, started_at=at, created_by=who)
        LeakFactory(lactation=family.lactation, at=at + timedelta(hours=2), created_by=who)
        feed = BottleFeedFactory(
            lactation=family.lactation, at=at + timedelta(hours=1), created_by=who
        )
        nappy = Nappy.objects.create(
            household=family.household, baby=baby, at=at, wet=True, created_by=who
        )
        weighing = Weighing.objects.create(
            household=family.household, baby=baby, at=at, weight_g=4000, created_by=who
        )
        forms.append(
            {
                reverse("feed_edit", args=[feed.pk]),
                reverse("nappy_edit", args=[nappy.pk]),
                reverse("weighing_edit", args=[weighing.pk]),
            }
        )
    seen: set[str] = set()
    back_then = reverse("history") + f"?until={(now - timedelta(days=9)).date()}"
    pages = [reverse("home"), reverse("history"), back_then]
    refused = []
    while pages:
        page = pages.pop()
        if page in seen:
            continue
        seen.add(page)
        response = member_client.get(page)
        if response.status_code == 403:
            refused.append(page)
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(response.content.decode()):
            if link.startswith(("/static/", "/logout", "/learn", "/inside", "/accounts/logout")):
                continue
            if len(seen) < 200:
                pages.append(link.replace("&amp;", "&"))
    assert refused == [], refused
    # Her own recent feed, nappy and weighing are still a tap away; the others listed plain.
    partners, old, recent = forms
    history = "".join(
        member_client.get(page).content.decode() for page in (reverse("history"), back_then)
    )
    assert history.count('class="entry feed"') == 3
    assert all(f'href="{url}"' in history for url in recent)
    assert not any(url in history for url in partners | old)
    # The owner changes anything: every entry linked.
    mine = owner_client.get(reverse("history")).content.decode()
    assert all(f'href="{url}"' in mine for url in partners | recent)
