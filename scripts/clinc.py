"""CLINC150 (Larson et al. 2019, CC BY 3.0) as out-of-scope examples.

`data/nlu_clinc.yml` is made from its training splits by `make clinc`; its
validation splits are for scoring only (scripts/eval_understanding.py). Intents
that the assistant handles, or that can be about treatment here (asking for a
person's phone, the insurance, an appointment, directions to the office), are
never taught as out of scope.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "clinc150" / "data_train_val.json"
OUT = ROOT / "data" / "nlu_clinc.yml"
PER_INTENT = 3
SEED = 150

# In scope for a helpline, per the data set's README, and ours: booking,
# paying, directions and application status can all be about the program.
IN_SCOPE = frozenset(
    """
greeting goodbye thank_you yes no maybe are_you_a_bot what_can_i_ask_you what_is_your_name who_made_you
who_do_you_work_for how_old_are_you where_are_you_from user_name change_user_name change_ai_name
change_language current_location insurance insurance_change cancel repeat make_call
schedule_meeting meeting_schedule calendar calendar_update reminder reminder_update directions distance
share_location pay_bill bill_balance bill_due min_payment application_status
""".split()
)


def source_path() -> Path:
    return Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE


def load(path: Path) -> Dict[str, List[Tuple[str, str]]]:
    return json.loads(path.read_text(encoding="utf-8"))


def unrelated(pairs: List[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """The pairs whose intent is out of scope for the helpline ("oos" included)."""
    return [(text, intent) for text, intent in pairs if intent not in IN_SCOPE]


def training_sample(data: Dict[str, List[Tuple[str, str]]]) -> List[str]:
    """All of oos_train, and PER_INTENT queries of each unrelated intent, the same every time."""
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for text, intent in unrelated(data["train"]):
        by_intent[intent].append(text)
    rng = random.Random(SEED)
    texts = [text for text, _ in data["oos_train"]]
    for intent in sorted(by_intent):
        texts += rng.sample(sorted(by_intent[intent]), PER_INTENT)
    return list(dict.fromkeys(t.strip() for t in texts if t.strip()))


def main() -> int:
    texts = training_sample(load(source_path()))
    lines = [
        'version: "3.1"',
        "# Made by `make clinc` (scripts/clinc.py) from CLINC150's training splits",
        "# (Larson et al. 2019, CC BY 3.0). Do not edit by hand.",
        "nlu:",
        "  - intent: out_of_scope",
        "    examples: |",
    ] + [f"      - {text}" for text in texts]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(texts)} out-of-scope examples written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
