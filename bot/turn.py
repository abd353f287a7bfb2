"""The shapes of one turn, shared by every channel: what came in, what goes out."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

# NUL and the other C0 controls but tab and line breaks: no database keeps NUL in text, none means anything,
# and none is valid in XML 1.0 (TwiML).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def storable(text: str) -> str:
    """Text every store can keep: half an emoji (a lone surrogate) becomes U+FFFD, control characters go."""
    whole = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return CONTROL_CHARACTERS.sub("", whole)


# A client's own message id (REST `message_id`, the web chat's `message_id`): letters, digits, - and _.
CLIENT_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def client_message_key(address: str, message_id: str) -> str:
    """The stored id of a client's message: scoped to its sender, so one sender's ids never shadow another's."""
    digest = hashlib.sha256(f"{address}\0{message_id}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"c-{digest[:40]}"


@dataclass
class Reply:
    """One message for the visitor, in the channel-neutral shape of Rasa's REST replies."""

    text: Optional[str] = None
    buttons: List[Dict[str, Any]] = field(default_factory=list)
    custom: Optional[Dict[str, Any]] = None
    author: str = "bot"  # bot | system | staff
    staff_name: Optional[str] = None

    def as_rest(self, recipient_id: str) -> Dict[str, Any]:
        out: Dict[str, Any] = {"recipient_id": recipient_id}
        if self.text:
            out["text"] = self.text
        if self.buttons:
            out["buttons"] = self.buttons
        if self.custom:
            out["custom"] = self.custom
        if self.staff_name:
            out["staff_name"] = self.staff_name
        return out

    def stored(self) -> Tuple[str, str, Optional[Dict[str, Any]], Optional[str]]:
        payload = {"buttons": self.buttons, "custom": self.custom} if (self.buttons or self.custom) else None
        return (self.author, self.text or "", payload, self.staff_name)


@dataclass
class Inbound:
    channel: str  # web | sms | rest
    address: str  # sender id, socket session or phone number
    text: str
    channel_message_id: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None


@dataclass
class Outcome:
    conversation_id: Optional[str]
    replies: List[Reply]
    duplicate: bool = False
    refused: bool = False  # too long to read: nothing was kept, and the visitor was told why
    kept: bool = True  # False only when neither the store nor the journal could keep the message
