"""Program facts filled into staff's saved replies: "{phone}" becomes the number in program.yml."""

from __future__ import annotations

import re
from typing import Dict, Optional

from core.profile import Profile

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def facts(profile: Optional[Profile]) -> Dict[str, str]:
    """The facts a saved reply may name, by placeholder; those the profile leaves empty are absent."""
    if profile is None:
        return {}
    found = {
        "program_name": profile.name,
        "phone": profile.phone,
        "text_number": profile.text_number,
        "address": profile.address,
        "website": profile.website,
        "phone_hours": profile.phone_hours,
        "price": profile.price,
        "languages": ", ".join(profile.languages) if profile.languages else None,
        "insurers": ", ".join(profile.insurers) if profile.insurers else None,
    }
    return {name: str(value) for name, value in found.items() if value}


NAMES = ("program_name", "phone", "text_number", "address", "website", "phone_hours", "price", "languages", "insurers")


def fill(text: str, profile: Optional[Profile]) -> str:
    """The text with every known placeholder filled; an unknown or unset one is left for staff to see and fix."""
    known = facts(profile)
    return PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), text)


def missing(text: str, profile: Optional[Profile]) -> list[str]:
    """Placeholders in the text that the profile cannot fill (shown to the admin who saves it)."""
    known = facts(profile)
    return sorted({m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1) not in known})
