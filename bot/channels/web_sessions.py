"""Web chat session ids the gateway issued, and only those.

A session id is the conversation's address: whoever holds it reads the
transcript and receives the staff replies. So a browser may bring back an id
only if this gateway made it: 32 random hex digits followed by their
HMAC-SHA256 (truncated to 128 bits) under a key only the gateway knows. A
made-up or altered id (`0000000000000000`, another visitor's guessed one) is
never confirmed; its bearer gets a new session.

The key is derived (HKDF) from the gateway's secret, so every replica that
shares CONSOLE_SECRET_KEY accepts the ids the others issued.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

RANDOM_HEX = 32
MAC_HEX = 32
ISSUED = re.compile(rf"^[0-9a-f]{{{RANDOM_HEX + MAC_HEX}}}$")
KEY_PURPOSE = b"helpline web chat session ids v1"


class SessionIds:
    def __init__(self, key: bytes):
        if len(key) < 32:
            raise ValueError("a web session key needs at least 32 bytes")
        self._key = key

    @classmethod
    def from_secret(cls, secret: bytes) -> "SessionIds":
        """A key of its own, derived from the gateway's secret: one secret to keep, two uses kept apart."""
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(secret)
        return cls(key)

    @classmethod
    def ephemeral(cls) -> "SessionIds":
        """A random key: ids last as long as this process (tests, a gateway without a configured secret)."""
        return cls(secrets.token_bytes(32))

    def _mac(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode("ascii"), hashlib.sha256).hexdigest()[:MAC_HEX]

    def new(self) -> str:
        nonce = secrets.token_hex(RANDOM_HEX // 2)
        return nonce + self._mac(nonce)

    def issued(self, value: Any) -> bool:
        """True only for an id this key made."""
        if not isinstance(value, str) or not ISSUED.match(value):
            return False
        nonce, mac = value[:RANDOM_HEX], value[RANDOM_HEX:]
        return hmac.compare_digest(mac, self._mac(nonce))
