"""Unit tests reach nothing beyond this machine (pytest-socket, configured in pyproject)."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


def test_a_connection_off_this_machine_is_refused():
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: nobody's


def test_this_machine_is_reachable():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
