import pytest

from bot.client_address import client_address
from bot.config import parse_networks

PROXIES = parse_networks("10.0.0.5, 192.168.0.0/16, ::1")


@pytest.mark.parametrize(
    "peer, forwarded, trusted, expected",
    [
        # No proxies configured: the headers are never believed.
        ("203.0.113.7", ["198.51.100.1"], (), "203.0.113.7"),
        # Through our proxy: the client it saw.
        ("10.0.0.5", ["198.51.100.1"], PROXIES, "198.51.100.1"),
        # A client that forges the header only adds entries on the left.
        ("10.0.0.5", ["6.6.6.6, 198.51.100.1"], PROXIES, "198.51.100.1"),
        ("10.0.0.5", ["6.6.6.6", "198.51.100.1"], PROXIES, "198.51.100.1"),
        # Two of our proxies in a row.
        ("10.0.0.5", ["198.51.100.1, 192.168.4.4"], PROXIES, "198.51.100.1"),
        # Straight to the gateway, not through a proxy: its headers are ignored.
        ("203.0.113.7", ["198.51.100.1"], PROXIES, "203.0.113.7"),
        # Through the proxy but with no header (a health check): the proxy itself.
        ("10.0.0.5", [], PROXIES, "10.0.0.5"),
        # Every hop is ours: the left-most.
        ("::1", ["192.168.1.1, 10.0.0.5"], PROXIES, "192.168.1.1"),
        (None, [], PROXIES, "?"),
    ],
)
def test_client_address(peer, forwarded, trusted, expected):
    assert client_address(peer, forwarded, trusted) == expected


def test_parse_networks_names_what_is_wrong():
    assert parse_networks("") == ()
    with pytest.raises(ValueError, match="'proxy.local' is not an IP address"):
        parse_networks("10.0.0.1, proxy.local")
