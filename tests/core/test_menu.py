"""The bottom menu shows where she is: "More" stands out on every page it leads to (Learn and
the model page; Settings and the pages Settings opens), with the place in it marked."""

from __future__ import annotations

import re

import pytest


def _menu(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200
    return re.search(r'<nav class="top".*?</nav>', response.content.decode(), re.S).group(0)


def _marked(menu: str) -> dict[str, str]:
    """Each menu link's name and its aria-current ("" when it has none)."""
    return {
        name: current or ""
        for current, name in re.findall(
            r'<a href="[^"]*" ?(?:aria-current="(\w+)")?>([^<]+)</a>', menu
        )
    }


@pytest.mark.parametrize(
    ("path", "place"),
    [
        ("/data/", "Settings"),
        ("/reminders/", "Settings"),
        ("/account/tokens/", "Settings"),
        ("/account/share/", "Settings"),
        ("/account/public-name/", "Settings"),
        ("/learn/sources/", "Learn"),
        ("/inside/", "Learn"),
    ],
)
def test_more_stands_out_on_the_pages_it_leads_to(owner_client, path, place):
    menu = _menu(owner_client, path)
    assert '<summary class="current">' in menu
    marked = _marked(menu)
    assert marked[place] == "true"
    assert [name for name, current in marked.items() if current] == [place]


def test_the_page_a_menu_entry_names_is_the_current_page(owner_client):
    assert _marked(_menu(owner_client, "/account/household/"))["Settings"] == "page"
    assert _marked(_menu(owner_client, "/learn/"))["Learn"] == "page"
    assert _marked(_menu(owner_client, "/history/"))["History"] == "page"


def test_more_is_plain_elsewhere(owner_client):
    for path in ("/", "/history/", "/insights/"):
        menu = _menu(owner_client, path)
        assert "<summary>" in menu
        assert _marked(menu)["Learn"] == _marked(menu)["Settings"] == ""
