"""The words and text rules of the SMS line, as pure functions.

Keywords, the fixed replies, buttons as numbered options and long replies cut
into texts. The handler in `bot.channels.sms` decides when each one applies.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from bot.turn import CONTROL_CHARACTERS

# Twilio's own lists (its STOP filtering on long codes): keeping ours the same
# means we never think a number can be texted when Twilio has blocked it.
STOP_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
START_KEYWORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})
# The visitor's own request to erase the conversation. Not one of Twilio's words (so Twilio never acts on it
# itself), no word a screen question takes as an answer, and no sign of danger: the crisis check runs first anyway.
DELETE_KEYWORDS = frozenset({"DELETE"})

MAX_INBOUND = 1600  # the most Twilio delivers in one inbound Body
MAX_TEXT = 1600  # the most Twilio accepts in one outbound Body

# One text should stay within Twilio's advice of about 320 characters: two
# concatenated GSM-7 segments (153 septets each). Text that needs UCS-2 (an
# emoji, most accented letters) gets three of its 67-unit segments so that
# Spanish replies are not shredded into many small texts.
GSM7_LIMIT = 2 * 153
UCS2_LIMIT = 3 * 67

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")  # each costs an escape septet too

# Typographic characters that would force a whole text into UCS-2 (less than
# half the room per segment) for no gain a reader would notice.
SMART_ENCODING = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2039": "'",
    "\u203a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00b7": "-",
    "\u02c6": "^",
    "\u02dc": "~",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}
_SMART = str.maketrans(SMART_ENCODING)

_EDGE_PUNCTUATION = " \t\r\n.,;:!?'\"`*_~()[]{}<>-"

Buttons = Sequence[Mapping[str, str]]
Options = Union[Buttons, Mapping[str, str]]


# -- keywords ----------------------------------------------------------------
def _bare(body: str) -> str:
    return (body or "").strip().strip(_EDGE_PUNCTUATION).strip().upper()


def classify_keyword(body: str) -> Optional[str]:
    """ "stop", "start", "help", "delete" or None: the whole message must be the keyword.

    Only a lone word counts ("STOP", " stop. "); "stop drinking" is a message
    for the assistant. "start" includes YES, as Twilio's own list does: the
    handler treats it as an opt-in only for a number that has opted out, so a
    "yes" answer in a conversation stays an answer.
    """
    word = _bare(body)
    if word in STOP_KEYWORDS:
        return "stop"
    if word in START_KEYWORDS:
        return "start"
    if word in HELP_KEYWORDS:
        return "help"
    if word in DELETE_KEYWORDS:
        return "delete"
    return None


# -- fixed replies -----------------------------------------------------------
# -- buttons -----------------------------------------------------------------
def _title(button: Mapping[str, str]) -> str:
    return " ".join(str(button.get("title") or button.get("payload") or "").split())


def button_options(buttons: Buttons) -> Dict[str, str]:
    """Digit -> payload, in the order the options were offered."""
    return {
        str(i): str(b.get("payload") or b.get("title") or "")
        for i, b in enumerate(buttons, start=1)
        if b.get("payload") or b.get("title")
    }


def render_buttons(text: str, buttons: Buttons) -> str:
    """The text with its buttons as one line of numbered options."""
    options = [f"{i} for {_title(b)}" for i, b in enumerate(buttons, start=1) if _title(b)]
    if not options:
        return text or ""
    # Titles with commas of their own ("Yes, mornings") need a stronger separator to stay readable.
    separator = "; " if any("," in o for o in options) else ", "
    line = "Reply " + separator.join(options)
    return f"{text.rstrip()}\n{line}" if text and text.strip() else line


_DIGIT_REPLY = re.compile(r"#?\s*(\d{1,2})")


def map_reply(body: str, options: Optional[Options]) -> Optional[str]:
    """The payload a reply picks from the last numbered options, or None.

    `options` is the list of buttons last offered, or their digit -> payload
    mapping. A digit counts only when it is one of the options ("7" after two
    options is an answer in its own right); the exact title of an option
    counts too.
    """
    if not options:
        return None
    bare = (body or "").strip().strip(_EDGE_PUNCTUATION).strip()
    if isinstance(options, Mapping):
        by_digit, titles = dict(options), {}
    else:
        by_digit = button_options(options)
        titles = {_title(b).casefold(): str(b.get("payload") or b.get("title")) for b in options if _title(b)}
    digit = _DIGIT_REPLY.fullmatch(bare)
    if digit:
        return by_digit.get(str(int(digit.group(1))))
    return titles.get(" ".join(bare.split()).casefold())


# -- text rules --------------------------------------------------------------
def clean_inbound(body: Optional[str]) -> str:
    return CONTROL_CHARACTERS.sub("", (body or "")[:MAX_INBOUND]).strip()


def smart_encode(text: str) -> str:
    """Swap typographic punctuation for its GSM-7 look-alike; drop stray control characters."""
    return CONTROL_CHARACTERS.sub("", (text or "").translate(_SMART))


def gsm7_length(text: str) -> Optional[int]:
    """Septets the text takes in GSM-7, or None when it needs UCS-2."""
    length = 0
    for ch in text:
        if ch in GSM7_BASIC:
            length += 1
        elif ch in GSM7_EXTENDED:
            length += 2
        else:
            return None
    return length


def ucs2_length(text: str) -> int:
    """UTF-16 code units: an emoji outside the basic plane takes two."""
    return len(text.encode("utf-16-le")) // 2


def encoding(text: str) -> str:
    return "GSM-7" if gsm7_length(text) is not None else "UCS-2"


def segments(text: str) -> int:
    """How many SMS segments Twilio bills for this text."""
    gsm = gsm7_length(text)
    if gsm is not None:
        return 1 if gsm <= 160 else -(-gsm // 153)
    units = ucs2_length(text)
    return 1 if units <= 70 else -(-units // 67)


_BOUNDARIES = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraphs
    re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"')\]])\s+|\s*\n\s*"),  # sentences and single line breaks
    re.compile(r"\s+"),  # words
)


def _hard_split(word: str, limit: int, length: Callable[[str], int]) -> List[Tuple[str, str]]:
    chunks: List[Tuple[str, str]] = []
    current = ""
    for ch in word:
        if current and length(current + ch) > limit:
            chunks.append((current, ""))
            current = ""
        current += ch
    if current:
        chunks.append((current, ""))
    return chunks


def _split(text: str, limit: int, length: Callable[[str], int], level: int) -> List[Tuple[str, str]]:
    """(chunk, separator that followed it) pairs, each chunk within the limit."""
    if length(text) <= limit:
        return [(text, "")]
    if level == len(_BOUNDARIES):
        return _hard_split(text, limit, length)
    pattern = _BOUNDARIES[level]
    pieces: List[Tuple[str, str]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.extend(
                _with_last_sep(_split(text[position : match.start()], limit, length, level + 1), match.group(0))
            )
        position = match.end()
    if position < len(text):
        pieces.extend(_split(text[position:], limit, length, level + 1))
    return _pack(pieces, limit, length)


def _with_last_sep(chunks: List[Tuple[str, str]], sep: str) -> List[Tuple[str, str]]:
    if chunks:
        chunks[-1] = (chunks[-1][0], sep)
    return chunks


def _pack(pieces: List[Tuple[str, str]], limit: int, length: Callable[[str], int]) -> List[Tuple[str, str]]:
    packed: List[Tuple[str, str]] = []
    current, current_sep = "", ""
    for piece, sep in pieces:
        candidate = f"{current}{current_sep}{piece}" if current else piece
        if current and length(candidate) > limit:
            packed.append((current, current_sep))
            candidate = piece
        current, current_sep = candidate, sep
    if current:
        packed.append((current, current_sep))
    return packed


def split_message(text: str, limit: Optional[int] = None) -> List[str]:
    """Cut a reply into texts at paragraph, then sentence, then word boundaries.

    A word is cut only when it alone is longer than a text. The limit counts
    GSM-7 septets, or UTF-16 units when the text needs UCS-2; by default it is
    GSM7_LIMIT or UCS2_LIMIT by the text's encoding.
    """
    text = smart_encode(text).strip()
    if not text:
        return []
    if gsm7_length(text) is not None:
        length: Callable[[str], int] = lambda s: gsm7_length(s) or 0  # noqa: E731
        budget = limit or GSM7_LIMIT
    else:
        length, budget = ucs2_length, limit or UCS2_LIMIT
    return [chunk.strip() for chunk, _ in _split(text, budget, length, 0) if chunk.strip()]
