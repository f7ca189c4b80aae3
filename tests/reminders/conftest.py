"""Reminder tests send real pushes, only ever to a push service the test runs on 127.0.0.1:
any connection elsewhere fails the test."""

from __future__ import annotations

import socket

import pytest

_connect = socket.socket.connect


@pytest.fixture(autouse=True)
def _no_third_party(monkeypatch: pytest.MonkeyPatch) -> None:
    def only_local(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in (
            "127.0.0.1",
            "::1",
            "localhost",
        ):
            raise AssertionError(f"a reminder test tried to reach {address}")
        return _connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", only_local)
