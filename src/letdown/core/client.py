"""The address of the person at the other end of a request, for the login lockout and the
comment rate limit.

Straight from the socket (REMOTE_ADDR) unless the request comes from a proxy the self-hoster
trusts (LETDOWN_TRUSTED_PROXIES): then from X-Forwarded-For, read from the right, skipping
the trusted proxies' own hops. Everything left of the first untrusted hop was written by the
client and is ignored, so no one picks their own address by sending the header.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# An IPv6 household or attacker holds a whole /64: counting its addresses one by one would
# give an attacker 2**64 fresh starts.
IPV6_PREFIX = 64


def parse_networks(entries: Iterable[str]) -> list[IPNetwork]:
    """Addresses or CIDR ranges, as the setting spells them; a typo stops the server at start
    rather than quietly trusting nothing (or everything)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"LETDOWN_TRUSTED_PROXIES: {entry!r} is not an address or a CIDR range"
            ) from error
    return networks


def _address(hop: str) -> IPAddress | None:
    """One hop of X-Forwarded-For; some proxies add a port ("203.0.113.9:4711", "[::1]:80")."""
    hop = hop.strip()
    if hop.startswith("[") and "]" in hop:
        hop = hop[1 : hop.index("]")]
    elif hop.count(":") == 1:
        hop = hop.split(":")[0]
    try:
        return ipaddress.ip_address(hop)
    except ValueError:
        return None


def _key(address: IPAddress) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False).network_address)
    return str(address)


def client_address(request: HttpRequest) -> str | None:
    """The client's address as a string (an IPv6 client as its /64), for counting requests;
    None for a request with no socket address (one made in code, such as a test's login),
    which django-axes stores as none rather than as an address that is not one."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    trusted = parse_networks(settings.TRUSTED_PROXIES)
    if not any(remote in network for network in trusted):
        return _key(remote)
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # not written by a proxy of ours: the last hop we trust is the client
        client = address
        if not any(address in network for network in trusted):
            break
    return _key(client)
