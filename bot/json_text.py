"""JSON as the gateway writes it: dates and times in ISO 8601."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any


def json_dumps(data: Any) -> str:
    return json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, (datetime, date)) else str(v))
