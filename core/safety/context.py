"""What the net is told about the screen question a visitor is answering.

Two questions of the level-of-care screen ask about danger on purpose:

- `withdrawal` ("...or have you ever had a seizure or the DTs?"): a yes is history,
  and the screen's withdrawal rule takes it (medically managed withdrawal first);
- `asq_wish_dead` (the ASQ's "in the past few weeks, have you wished you were dead,
  or had thoughts of killing yourself?"): a yes follows the ASQ: 988 at once, then
  the acuity question ("right now?"), then a priority follow-up if not acute.

In answer to one of those, a match of the kind the question asked about counts only
when the message puts it here and now ("yes, and I'm having one right now"). Every
other kind of danger counts as always, and so does any danger in any other state.

The ask action sends `{MARKER: <slot>}` beside its question; the gateway keeps it,
never shows it, and passes it back here with the visitor's next message.
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Optional

from core.safety.judge import NOT_CRISIS, Assessment, assess
from core.safety.normalise import normalise

MARKER = "screen_question"

ANSWERED_HISTORY: Dict[str, FrozenSet[str]] = {
    "withdrawal": frozenset({"medical"}),
    "asq_wish_dead": frozenset({"suicide"}),
}


def history_kinds(asked: Optional[str]) -> FrozenSet[str]:
    """The kinds of danger that the question `asked` asks about as history (none for any other question)."""
    return ANSWERED_HISTORY.get(asked or "", frozenset())


# Words that put a danger here and now, in a message answering a question about history.
_NOW = re.compile(
    r"\b(?:right now|now|tonight|today|this (?:minute|second|morning|afternoon|evening)|at the moment|as we speak|"
    r"currently|going to|gonna|about to|plan(?:ning)? to|ready to|(?:i am|im|he is|hes|she is|shes|they are|theyre|"
    r"is|are) (?:having|seizing|convulsing|shaking|passing out|not breathing|turning))\b"
)


_PARTS = re.compile(r"[.,;:!?\n]+|\b(?:and|but|then|also|plus)\b", re.IGNORECASE)


def says_now(text: str) -> bool:
    return any(_NOW.search(form) for form in normalise(text))


def assess_answer(text: str, asked: Optional[str]) -> Assessment:
    """`assess`, for a message answering the screen question `asked` (None: any other message)."""
    verdict = assess(text)
    kinds = history_kinds(asked)
    if not verdict.is_crisis or verdict.category not in kinds or says_now(text):
        return verdict
    # The verdict names one kind; another kind of danger may ride along ("...and I took all my pills").
    for part in _PARTS.split(text):
        other = assess(part) if part.strip() else NOT_CRISIS
        if other.is_crisis and other.category not in kinds:
            return other
    return NOT_CRISIS
