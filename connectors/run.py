"""`python -m connectors.run <rasa run arguments>`: `rasa run`, with its API token from the environment.

`rasa run --auth-token T` would show T to every local user in `ps`. Here the
token comes from RASA_TOKEN (the process's environment, readable only by its
owner) and is handed to Rasa's own command line parser inside the process, so
it never appears in any process's arguments. Our fix for Rasa 3.6's action-reply
check (rasa_patched/validator.py: a validator built once, not on every custom
action) is applied first.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

TOKEN_VARIABLE = "RASA_TOKEN"


def arguments(argv: List[str], token: Optional[str]) -> List[str]:
    """Rasa's arguments with the API token added; refuses to run Rasa's API without one."""
    if any(a == "--auth-token" or a.startswith("--auth-token=") for a in argv):
        raise SystemExit("connectors.run: give the token in RASA_TOKEN, not on the command line")
    if not token:
        raise SystemExit(f"connectors.run: {TOKEN_VARIABLE} is not set; Rasa's HTTP API is never left open")
    return ["run", *argv, "--auth-token", token]


def main() -> None:
    sys.argv = ["rasa", *arguments(sys.argv[1:], os.environ.get(TOKEN_VARIABLE))]
    from rasa_patched import validator

    validator.apply()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
