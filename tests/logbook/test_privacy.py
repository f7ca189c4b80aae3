"""Every logbook view: a stranger gets 404, the household's owner gets the page (what a
caregiver gets is pinned in tests/accounts/test_role_matrix.py)."""

import pytest
from django.urls import reverse

from letdown.logbook.models import LetDown

from ..factories import BottleFeedFactory, LeakFactory, LetDownFactory, SessionFactory


@pytest.fixture
def objects(family):
    ended = SessionFactory(lactation=family.lactation)
    letdown = LetDownFactory(session=ended)
    return {
        "session": ended,
        "letdown": letdown,
        "leak": LeakFactory(lactation=family.lactation),
        "feed": BottleFeedFactory(lactation=family.lactation),
    }


GET_VIEWS = [
    ("session_live", "session"),
    ("session_state", "session"),
    ("session_edit", "session"),
    ("letdown_add", "session"),
    ("letdown_edit", "letdown"),
    ("leak_detail", "leak"),
    ("feed_edit", "feed"),
]
POST_VIEWS = [
    ("session_letdown", "session"),
    ("session_switch", "session"),
    ("session_pause", "session"),
    ("session_resume", "session"),
    ("session_end", "session"),
    ("session_undo", "session"),
    ("session_reopen", "session"),
]
DELETE = ["session", "letdown", "leak", "feed"]


@pytest.mark.parametrize(("name", "what"), GET_VIEWS)
def test_stranger_gets_404_and_owner_gets_the_page(
    name, what, objects, stranger_client, owner_client
):
    url = reverse(name, args=[objects[what].pk])
    assert stranger_client.get(url).status_code == 404
    assert owner_client.get(url).status_code in (200, 302)


@pytest.mark.parametrize(("name", "what"), POST_VIEWS)
def test_stranger_cannot_act_on_a_session(name, what, objects, stranger_client):
    url = reverse(name, args=[objects[what].pk])
    assert stranger_client.post(url, {"mood": "low"}).status_code == 404
    assert LetDown.objects.count() == 1


@pytest.mark.parametrize("what", DELETE)
def test_stranger_cannot_delete(what, objects, stranger_client, owner_client):
    url = reverse("delete", args=[what, objects[what].pk])
    assert stranger_client.get(url).status_code == 404
    assert stranger_client.post(url).status_code == 404
    assert type(objects[what]).objects.filter(pk=objects[what].pk).exists()
    assert owner_client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["home", "history", "session_new", "leak_new", "feed_new"])
def test_household_pages_show_only_her_data(name, objects, stranger_client, member_client):
    marker = b"first at 1:40"
    assert member_client.get(reverse("history") + "?until=2026-11-20").content.count(marker) == 1
    page = stranger_client.get(reverse(name) + ("?until=2026-11-20" if name == "history" else ""))
    assert page.status_code == 200
    assert marker not in page.content
    assert member_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["home", "history", "session_new", "leak_new", "feed_new"])
def test_anonymous_is_sent_to_login(name, client, db):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_unknown_kind_of_thing_to_delete_is_404(owner_client):
    assert owner_client.get("/household/1/delete/").status_code == 404
