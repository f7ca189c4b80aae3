"""Login throttling that holds behind a proxy: the lockout counts the real client address, and
failures for one account from many addresses only slow new attempts, briefly, and never on a
browser she has logged in with before."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letdown.accounts import throttle

from ..cache_table import cache_table_text
from ..factories import PASSWORD

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


def _via_proxy(client_ip: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_behind_a_proxy_a_stranger_locks_out_only_himself(family, behind_proxy):
    name = family.owner.username
    attacker = _via_proxy("198.51.100.7")
    for _ in range(4):
        assert _login(attacker, name, "wrong").status_code == 200
    assert _login(attacker, name, "wrong").status_code == 429
    assert _login(attacker, name, PASSWORD).status_code == 429
    # She comes through the same proxy from her own address and gets in.
    response = _login(_via_proxy("203.0.113.9"), name, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_lockout(family):
    name = family.owner.username
    for n in range(4):
        forged = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert _login(forged, name, "wrong").status_code == 200
    forged = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.98")
    assert _login(forged, name, "wrong").status_code == 429
    forged = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert _login(forged, name, PASSWORD).status_code == 429


def test_failures_from_many_addresses_slow_the_account_for_a_minute_at_most(family, behind_proxy):
    name = family.owner.username
    with time_machine.travel(timezone.now(), tick=False) as clock:
        # Forty failures, each from a new address: axes alone would never stop them.
        for n in range(40):
            clock.shift(timedelta(seconds=throttle.delay_s(n) + 1))
            assert _login(_via_proxy(f"198.51.100.{n}"), name, "wrong").status_code == 200
        refused = _login(_via_proxy("203.0.113.9"), name, PASSWORD)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) <= throttle.MAX_DELAY_S
        assert "many failed attempts to log in to this account" in refused.content.decode()
        assert "wait 60 seconds" in refused.content.decode()
        # A minute later the right password works, from a browser never seen before.
        clock.shift(timedelta(seconds=throttle.MAX_DELAY_S))
        assert _login(_via_proxy("203.0.113.9"), name, PASSWORD).status_code == 302


def test_a_browser_she_logged_in_with_before_is_never_slowed(family, behind_proxy):
    name = family.owner.username
    phone = _via_proxy("203.0.113.9")
    assert _login(phone, name, PASSWORD).status_code == 302
    assert throttle.DEVICE_COOKIE in phone.cookies
    phone.post(reverse("logout"))
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(throttle.FREE_FAILURES + 6):
            _login(_via_proxy(f"198.51.100.{n}"), name, "wrong")
        assert throttle.wait_s(username=name, now=timezone.now()) > 0
        assert _login(_via_proxy("192.0.2.50"), name, PASSWORD).status_code == 429
        assert _login(phone, name, PASSWORD).status_code == 302


def test_the_delay_grows_and_stops_growing():
    delays = [throttle.delay_s(n) for n in range(throttle.FREE_FAILURES + 10)]
    assert delays[: throttle.FREE_FAILURES] == [0.0] * throttle.FREE_FAILURES
    assert delays[throttle.FREE_FAILURES : throttle.FREE_FAILURES + 4] == [1.0, 2.0, 4.0, 8.0]
    assert max(delays) == throttle.MAX_DELAY_S == delays[-1]


def test_failures_count_for_the_account_however_its_name_is_typed(family, behind_proxy):
    name = family.owner.username
    # Upper case, capitalised, and with a full-width first letter ("ｕser1"): NFKC and case.
    typings = [name.upper(), name.capitalize(), chr(ord(name[0]) + 0xFEE0) + name[1:]]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(throttle.FREE_FAILURES + 2):
            clock.shift(timedelta(seconds=throttle.delay_s(n) + 1))
            typed = typings[n % len(typings)]
            assert _login(_via_proxy(f"198.51.100.{n}"), typed, "wrong").status_code == 200
        # Past the free allowance, however the failures spelt her name, the next attempt waits.
        assert _login(_via_proxy("203.0.113.9"), name, PASSWORD).status_code == 429


def test_the_cache_keeps_no_names_people_tried(db, behind_proxy):
    for n in range(3):
        _login(_via_proxy(f"198.51.100.{n}"), "Wilhelmina", "wrong")
    stored = cache_table_text()
    assert stored  # the failures are counted in the table
    assert "wilhelmina" not in stored.casefold()
