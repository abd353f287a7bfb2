"""Who is really on the other end of a request, when the gateway sits behind a proxy.

Sign-in throttling and the audit log count by address. Behind a reverse proxy
every request comes from the proxy, so one guesser would lock out all staff,
and the audit log would name the proxy. With TRUSTED_PROXIES set, the address
is the right-most X-Forwarded-For entry that is not one of our proxies (the
left ones are whatever the client chose to send). Without it, headers are
ignored: anyone could write them.

aiohttp-remotes does this too, but its strict mode refuses every request that
does not pass through the proxy (health checks, `python -m bot chat` on the
same machine), and its relaxed mode trusts any sender.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Iterable, Optional, Sequence

from bot.config import Network
from bot.web_keys import SETTINGS


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: Optional[str], forwarded_for: Iterable[str], trusted: Sequence[Network]) -> str:
    """The client's address: the peer's, or through trusted proxies the last hop they vouch for."""
    peer = peer or "?"
    if not trusted or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def of_request(request) -> str:
    """The client's address of an aiohttp request, with the gateway's TRUSTED_PROXIES."""
    return client_address(
        request.remote, request.headers.getall("X-Forwarded-For", []), request.config_dict[SETTINGS].trusted_proxies
    )
