"""`rasa data validate`, strict, minus the three warnings our design causes.

Rasa warns about (a) responses used only from custom actions, which its
validator cannot see, (b) the `faq` retrieval intent found both in the
domain and in the training data, and (c) `check_safety`, an intent our
pipeline sets and nobody trains. Any other warning fails the check, as
`--fail-on-warnings` would. Unused intents and responses are caught by
scripts/check_unused.py, which does know about actions.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_USED = re.compile(r"The utterance '([^']+)' is not used in any story or rule")
ALLOWED = [
    re.compile(r"duplicated intents have been found across multiple domain files: faq$"),
    # Set by nlu/crisis_check.py, never trained (scripts/check_unused.py checks it is used).
    re.compile(r"The intent 'check_safety' is listed in the domain file, but is not found in the NLU training data"),
]


def named_in_actions() -> set:
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").glob("*.py"))
    return set(re.findall(r"""["'](utter_[A-Za-z0-9_/]+)["']""", code)) | {"utter_faq"}


def main() -> int:
    run = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--data", "data", "--domain", "domain.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    output = run.stdout + run.stderr
    from_actions = named_in_actions()
    problems = []
    for line in output.splitlines():
        if "UserWarning" not in line:
            continue
        message = line.split("UserWarning:", 1)[1].strip()
        unused = NOT_USED.search(message)
        if unused and unused.group(1) in from_actions:
            continue
        if any(p.search(message) for p in ALLOWED):
            continue
        problems.append(message)
    for message in problems:
        print(f"validate: {message}")
    if run.returncode != 0:
        print(output[-4000:])
        print("validate: rasa data validate failed")
        return 1
    if problems:
        return 1
    print("validate: training data and domain are consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
