"""Pulling her history straight from a Baby Buddy server's API with the command line: a small
server on this machine, started by the test, answers as Baby Buddy's REST API does
(babybuddy_server.py). Never the internet. The same pull in Settings: test_views_pull.py."""

from __future__ import annotations

from letdown.babylog.models import Nappy, Weighing
from letdown.cli import main
from letdown.logbook.models import BottleFeed, Session

from .babybuddy_server import TOKEN


def _pull(family, url: str, token: str = TOKEN) -> int:  # type: ignore[no-untyped-def]
    household = str(family.household.pk)
    return main(
        ["import", "--household", household, "--source", "babybuddy", "--url", url,
         "--token", token, "--tz", "Europe/London", "--unit", "ml"]
    )  # fmt: skip


def test_her_baby_buddy_history_is_pulled_once(family, babybuddy, capsys):
    assert _pull(family, babybuddy) == 0
    sessions = Session.objects.filter(household=family.household, source="babybuddy")
    assert sorted(sessions.values_list("kind", flat=True)) == ["nursing", "nursing", "pumping"]
    first = sessions.get(notes="sleepy")
    assert first.started_at.isoformat() == "2025-04-29T08:29:00+00:00"  # 09:29 in London (BST)
    pumped = sessions.get(kind="pumping")
    assert (pumped.volume_left_ml, pumped.volume_right_ml) == (30.0, 30.0)
    feed = BottleFeed.objects.get(household=family.household)
    assert (feed.milk, feed.volume_ml) == ("formula", 90.0)
    # Her diaper changes and weights, on her baby (Robin in Baby Buddy, her only baby here).
    baby = family.lactation.babies.get()
    nappies = Nappy.objects.filter(household=family.household, baby=baby).order_by("at")
    assert [(n.wet, n.dirty, n.stool_colour) for n in nappies] == [
        (True, False, ""),
        (True, True, "yellow"),
        (False, True, "green"),
    ]
    assert nappies[0].at.isoformat() == "2025-04-29T07:00:00+00:00"
    weighing = Weighing.objects.get(household=family.household, baby=baby)
    assert weighing.weight_g == 3810
    capsys.readouterr()

    assert _pull(family, babybuddy) == 0  # again: nothing new
    assert "0 new" in capsys.readouterr().out
    assert Session.objects.filter(household=family.household).count() == 3
    assert Nappy.objects.filter(household=family.household).count() == 3


def test_a_wrong_token_or_address_says_so_and_writes_nothing(family, babybuddy, capsys):
    assert _pull(family, babybuddy, token="wrong") == 2
    assert "refused the token" in capsys.readouterr().err
    assert _pull(family, "ftp://example.invalid/") == 2
    assert "http://" in capsys.readouterr().err
    assert _pull(family, babybuddy + "nothing/") == 2
    assert "answered 404" in capsys.readouterr().err
    assert not Session.objects.filter(household=family.household).exists()
