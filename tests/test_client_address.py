"""Whose address a request counts against: the socket's, unless a trusted proxy forwarded it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from letdown.core.client import client_address, parse_networks


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_a_request_not_from_a_trusted_proxy_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_forwarded_client_counts(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    assert client_address(_request("10.0.0.2", "203.0.113.9")) == "203.0.113.9"
    # Two proxies of ours in a row; the client's own header in front is ignored.
    request = _request("10.0.0.2", "1.2.3.4, 203.0.113.9, 192.0.2.1")
    assert client_address(request) == "203.0.113.9"


def test_the_rightmost_untrusted_hop_is_the_client_even_when_the_client_forges_hops(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client sent "X-Forwarded-For: 10.9.9.9" hoping to pass for a proxy of ours.
    assert client_address(_request("10.0.0.2", "10.9.9.9, 203.0.113.9")) == "203.0.113.9"
    assert client_address(_request("10.0.0.2", "junk, 203.0.113.9")) == "203.0.113.9"


def test_ports_and_ipv6_hops(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    assert client_address(_request("10.0.0.2", "203.0.113.9:4711")) == "203.0.113.9"
    # An IPv6 client counts as its /64: its other 2**64 addresses are not fresh starts.
    assert client_address(_request("fd00::1", "[2001:db8:1:2:3:4:5:6]:80")) == "2001:db8:1:2::"
    assert client_address(_request("2001:db8:1:2::9")) == "2001:db8:1:2::"


def test_no_forwarded_header_from_a_proxy_counts_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"


def test_a_mistyped_setting_is_refused():
    with pytest.raises(ImproperlyConfigured, match="10.0.0.300"):
        parse_networks(["10.0.0.300"])


def test_a_request_without_a_socket_address_has_none(settings):
    # A login made in code (force_login) has no REMOTE_ADDR; axes stores the address in an
    # IP column, which PostgreSQL checks.
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) is None
