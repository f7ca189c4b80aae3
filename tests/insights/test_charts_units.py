"""The Insights page draws the volume chart in the household's unit, and a change of unit (which
changes none of her data) is not answered from the charts cached in the other unit."""

from __future__ import annotations

import pytest
import time_machine

from .test_views import NOW, URL, add_history


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _volume_caption(client) -> str:
    """The volume chart's y-axis caption, written in HTML above its bars."""
    page = client.get(URL).content.decode()
    figure = page[
        page.index('id="chart-volume-title"') : page.index(
            "</figure>", page.index('id="chart-volume-title"')
        )
    ]
    assert 'class="ld-bar' in figure
    start = figure.index('<p class="chart-y">') + len('<p class="chart-y">')
    return figure[start : figure.index("</p>", start)]


def test_the_volume_chart_follows_her_unit_through_the_cache(family, owner_client, pinned):
    add_history(family, days=14)
    household = family.household
    assert _volume_caption(owner_client) == "Median mL"
    household.unit = "oz"
    household.save(update_fields=["unit"])
    assert _volume_caption(owner_client) == "Median oz"
    page = owner_client.get(URL).content.decode()
    assert "Volumes in this chart are in mL" not in page
    household.unit = "ml"
    household.save(update_fields=["unit"])
    assert _volume_caption(owner_client) == "Median mL"
