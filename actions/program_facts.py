"""Sentences about THIS program, built from its profile, one function per topic.

Each function returns None when the profile has nothing to say, so the general
answer stands alone rather than an invented fact.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Sequence

from core.profile import Profile


def join_words(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def contact_line(p: Profile) -> Optional[str]:
    if not p.phone:
        return None
    line = f"You can reach {p.name} at {p.phone}"
    if p.phone_hours:
        line += f" ({p.phone_hours})"
    return line + "."


def schedule(p: Profile) -> Optional[str]:
    if not p.tracks:
        return None
    parts = [f"{t.name or 'A track'}: {t.days}, {t.times}" for t in p.tracks]
    return f"At {p.name}: " + "; ".join(parts) + "."


def teens(p: Profile) -> Optional[str]:
    t = p.adolescent_track
    if t is None:
        return None
    return f"{p.name} runs a track for teens: {t.days}, {t.times}."


def cost(p: Profile) -> Optional[str]:
    parts = []
    if p.price:
        parts.append(sentence(f"At {p.name}: {p.price}"))
    offers = [w for w, on in (("a sliding scale", p.sliding_scale), ("payment plans", p.payment_plans)) if on]
    if offers:
        parts.append(f"We offer {join_words(offers)}.")
    return " ".join(parts) or None


def insurance(p: Profile) -> Optional[str]:
    if not p.insurers:
        return None
    line = f"{p.name} works with {join_words(p.insurers)}."
    if p.phone:
        line += f" Call {p.phone} and we can check your benefits with you."
    return line


def contact(p: Profile) -> Optional[str]:
    parts = [contact_line(p)] if p.phone else []
    if p.address:
        parts.append(f"We are at {p.address}.")
    if p.website:
        parts.append(f"Website: {p.website}")
    return " ".join(parts) or None


def languages(p: Profile) -> Optional[str]:
    if not p.languages:
        return None
    return f"{p.name} offers care in {join_words(p.languages)}."


def how_to_start(p: Profile) -> Optional[str]:
    return contact_line(p)


TOPICS: Dict[str, Callable[[Profile], Optional[str]]] = {
    "schedule": schedule,
    "teens": teens,
    "cost": cost,
    "insurance": insurance,
    "contact": contact,
    "languages": languages,
    "how_to_start": how_to_start,
}


def program_facts(topic: str, p: Profile) -> Optional[str]:
    """The program-specific sentence for an FAQ topic, or None."""
    build = TOPICS.get(topic)
    return build(p) if build else None
