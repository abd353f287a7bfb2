"""Reading a tracker's event list: what the visitor said and what went wrong.

Plain functions over the JSON events Rasa sends to the action server, so they
are tested without a server.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Sequence

FALLBACK_ACTION = "action_fallback"


def user_turns(events: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    return [e for e in events if e.get("event") == "user"]


def intent_label(user_event: Mapping[str, Any]) -> str:
    """`faq/cost` for a retrieval intent, else the intent name."""
    parse = user_event.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent == "faq":
        key = faq_key(parse)
        return f"faq/{key}" if key else intent
    return intent


def faq_key(parse_data: Mapping[str, Any]) -> str | None:
    """The sub-intent picked by the ResponseSelector (`cost` for `faq/cost`)."""
    selector = (parse_data.get("response_selector") or {}).get("faq") or {}
    full = ((selector.get("response") or {}).get("intent_response_key")) or ""
    prefix, _, key = full.partition("/")
    return key if prefix == "faq" and key else None


def consecutive_misses(events: Sequence[Mapping[str, Any]]) -> int:
    """How many visitor turns in a row the bot failed, counting the current one.

    Called while action_fallback is running for the latest turn, so that turn
    counts as a miss; earlier turns count while the bot answered them with
    action_fallback.
    """
    misses = 1
    answered_with_fallback = False
    seen_latest_user = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "action" and event.get("name") == FALLBACK_ACTION:
            answered_with_fallback = True
        elif kind == "user":
            if not seen_latest_user:
                seen_latest_user = True
            elif answered_with_fallback:
                misses += 1
            else:
                break
            answered_with_fallback = False
        elif kind == "session_started":
            break
    return misses


def last_bot_action(events: Sequence[Mapping[str, Any]]) -> str | None:
    """The last action before the latest visitor message, listening aside."""
    seen_user = False
    for event in reversed(events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


def recent_visitor_texts(events: Sequence[Mapping[str, Any]], limit: int = 3) -> List[str]:
    texts = [str(e.get("text") or "").strip() for e in user_turns(events)]
    texts = [t for t in texts if t and not t.startswith("/")]
    return texts[-limit:]


def topics_asked(events: Iterable[Mapping[str, Any]]) -> List[str]:
    """FAQ topics in the order first asked, for the staff summary."""
    topics: Dict[str, None] = {}
    for e in user_turns(list(events)):
        label = intent_label(e)
        if label.startswith("faq/"):
            topics.setdefault(label[4:].replace("_", " "), None)
    return list(topics)


def handoff_summary(reason: str, events: Sequence[Mapping[str, Any]]) -> str:
    """A few lines so staff know why they are here without reading everything."""
    lines = [reason]
    topics = topics_asked(events)
    if topics:
        lines.append("Asked about: " + ", ".join(topics) + ".")
    recent = recent_visitor_texts(events)
    if recent:
        lines.append("Last messages: " + " | ".join(f'"{t[:200]}"' for t in recent))
    return "\n".join(lines)
