"""The largest visitor message any channel accepts, in characters.

Longer ones are refused with a clear message that carries the crisis lines,
unless the safety net (which reads any length) finds a crisis in them: then
they take the crisis path like any other. SMS stays below it by nature
(Twilio delivers at most 1,600 characters in one inbound message).
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 4000
