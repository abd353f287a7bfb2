"""Write tests/stories/test_screen.yml: Rasa test stories for the screen.

A form story spells out every slot the validation action sets, which makes
these stories long and easy to get subtly wrong by hand; they are generated
from the short paths below. tests/scripts/test_screen_stories.py checks that
the committed file matches this script, so edit here and run `make stories`.

`rasa test` does not run custom actions: the slot values written here are
the ones the validation action sets for these words, which
tests/scripts/test_screen_stories.py checks against the real parsers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "stories" / "test_screen.yml"

# (what the visitor types, its intent, the slots the validation action sets);
# the first slot is the question being answered.
Answer = Tuple[str, str, Dict[str, Any]]


def asked(answers: List[Answer]) -> List[Answer]:
    """Only the answers to questions the screen asks: it skips those that can no longer change the suggestion."""
    from actions.screen import remaining_questions

    slots: Dict[str, Any] = {}
    kept = []
    for answer in answers:
        question = next(iter(answer[2]))
        if question in remaining_questions(slots):
            kept.append(answer)
            slots.update(answer[2])
    return kept


def a(slot: str, text: str, intent: str, value: Any, **more: Any) -> Answer:
    return (text, intent, {slot: value, **more})


SELF_ADULT: List[Answer] = [
    a("screen_for", "me", "screen_answer", "self"),
    a("screen_age", "im 34", "screen_answer", "adult"),
]
QUIET: List[Answer] = [  # nothing that points above standard outpatient
    a("asq_wish_dead", "no", "deny", False),
    a("withdrawal", "nope", "deny", False, medical_daily_care=False),
    a("phq_interest", "not at all", "screen_answer", 0),
    a("phq_mood", "several days", "screen_answer", 1),
    a("unmanageable", "no", "deny", False),
    a("use_frequency", "once a month maybe", "screen_answer", "less"),
    a("outpatient_failed", "no", "deny", False),
    a("home_safe", "yes", "affirm", True),
]
# The schedule question, asked only when IOP is suggested.
SCHEDULE: List[Answer] = [a("can_attend", "yes", "affirm", True)]


def replace(answers: List[Answer], slot: str, text: str, intent: str, value: Any, **more: Any) -> List[Answer]:
    return [a(slot, text, intent, value, **more) if next(iter(ans[2])) == slot else ans for ans in answers]


# The answers as buttons send them (see actions/screen_messages.py).
BUTTONS_LOVED_ONE: List[Answer] = [
    a("screen_for", "someone i care about", "screen_answer", "other"),
    a("screen_age", "18 or older", "screen_answer", "adult"),
]
BUTTONS_QUIET: List[Answer] = [
    a("asq_wish_dead", "no", "deny", False),
    a("withdrawal", "neither", "screen_answer", False, medical_daily_care=False),
    a("phq_interest", "several days", "screen_answer", 1),
    a("phq_mood", "more than half the days", "screen_answer", 2),
    a("unmanageable", "no", "deny", False),
    a("use_frequency", "every week", "screen_answer", "weekly"),
    a("outpatient_failed", "no", "deny", False),
    a("home_safe", "yes", "affirm", True),
]

PATHS: Dict[str, List[Answer]] = {
    "to standard outpatient": SELF_ADULT + QUIET,
    "to IOP, daily use": SELF_ADULT + replace(QUIET, "use_frequency", "every day", "screen_answer", "daily") + SCHEDULE,
    "to PHP, daily life unmanageable": SELF_ADULT + replace(QUIET, "unmanageable", "yeah", "affirm", True),
    "to residential, home not safe": SELF_ADULT + replace(QUIET, "home_safe", "not really", "deny", False),
    "to inpatient, withdrawal": SELF_ADULT
    + replace(QUIET, "withdrawal", "yes, shakes and sweats", "screen_answer", True, medical_daily_care=False),
    "for a teenage son to IOP, skipping questions": [
        a("screen_for", "my son, he's 16", "screen_answer", "other", screen_age="minor"),
        a("asq_wish_dead", "no", "deny", False),
        a("withdrawal", "not sure", "screen_answer", "skipped", medical_daily_care="skipped"),
        a("phq_interest", "sometimes", "screen_answer", 1),
        a("phq_mood", "nearly every day", "screen_answer", 3),
        a("unmanageable", "no", "deny", False),
        a("use_frequency", "every day", "screen_answer", "daily"),
        a("outpatient_failed", "no", "deny", False),
        a("home_safe", "yes", "affirm", True),
        a("can_attend", "after school works", "screen_answer", "evenings"),
    ],
    "for a loved one with the buttons, to standard outpatient": BUTTONS_LOVED_ONE + BUTTONS_QUIET,
}


def header(title: str, start_text: str = "can you check which care fits me") -> List[str]:
    return [
        f"  - story: screen {title}",
        "    steps:",
        "      - user: |",
        f"          {start_text}",
        "        intent: start_screen",
        "      - action: action_reset_screen",
        "      - action: screen_form",
        "      - active_loop: screen_form",
    ]


def render_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def slot(name: str, value: Any) -> List[str]:
    return ["      - slot_was_set:", f"          - {name}: {render_value(value)}"]


def user(text: str, intent: str) -> List[str]:
    return ["      - user: |", f"          {text}", f"        intent: {intent}"]


def answer_steps(answers: List[Answer], then: Any = None) -> List[str]:
    """The answers, each followed by the form's slots and the next question.

    `then` is the question asked after the last answer (None: the form is done).
    """
    lines = slot("requested_slot", next(iter(answers[0][2])))
    for i, (text, intent, values) in enumerate(answers):
        lines += user(text, intent)
        lines += ["      - action: screen_form"]
        for name, value in values.items():
            lines += slot(name, value)
        lines += slot("requested_slot", next(iter(answers[i + 1][2])) if i + 1 < len(answers) else then)
    return lines


def completion(outcome: str = "suggested") -> List[str]:
    lines = ["      - active_loop: null", "      - action: action_screen_result"]
    lines += slot("screen_outcome", outcome)
    if outcome == "suggested":
        lines += ["      - action: utter_screen_offer_intake"]
    return lines


def leaves_for_crisis() -> List[str]:
    return [
        "      - action: action_crisis_response",
        "      - action: action_deactivate_loop",
        "      - active_loop: null",
    ]


def stories() -> List[str]:
    out = [
        "# Generated by scripts/make_screen_stories.py: edit that script, not this file.",
        'version: "3.1"',
        "",
        "stories:",
    ]
    for title, answers in PATHS.items():
        out += header(title) + answer_steps(asked(answers)) + completion()
        out.append("")

    # The result is followed by the offer of intake; yes opens a handoff.
    out += header("then yes to intake") + answer_steps(SELF_ADULT + QUIET) + completion()
    out += user("yes please", "affirm") + ["      - action: action_request_handoff", ""]

    # ... and no leaves the door open.
    out += header("then no to intake", "check which care fits") + answer_steps(SELF_ADULT + QUIET) + completion()
    out += user("not now", "deny") + ["      - action: utter_screen_declined_intake", ""]

    # A yes to thoughts of suicide in the past weeks: priority follow-up, no offer needed.
    answers = SELF_ADULT + [a("asq_wish_dead", "yeah", "affirm", True), a("asq_now", "no", "deny", False)] + QUIET[1:]
    out += header("with recent thoughts of suicide, not now") + answer_steps(answers) + completion("priority")
    out.append("")

    # A yes to thoughts of suicide right now ends the screen at once.
    answers = SELF_ADULT + [a("asq_wish_dead", "yes", "affirm", True), a("asq_now", "yes", "affirm", True)]
    out += header("with thoughts of suicide right now") + answer_steps(answers)
    out += completion("crisis")
    out.append("")

    # A crisis message at the first question, and in the middle.
    out += header("crisis at the first question") + slot("requested_slot", "screen_for")
    out += user("i want to kill myself", "crisis") + leaves_for_crisis() + [""]

    out += header("crisis in the middle") + answer_steps(SELF_ADULT + QUIET[:2], then="phq_interest")
    out += user("i took a whole bottle of pills", "crisis") + leaves_for_crisis() + [""]

    # A question in the middle is answered, then the screen resumes.
    out += header("interrupted by a question") + answer_steps(SELF_ADULT, then="asq_wish_dead")
    out += user("how much does it cost", "faq/cost")
    out += ["      - action: action_answer_faq", "      - action: screen_form", "      - active_loop: screen_form"]
    out += answer_steps(QUIET) + completion()
    out.append("")

    out += header("interrupted twice, by are you a bot and by a question") + answer_steps(
        SELF_ADULT + QUIET[:3], then="phq_mood"
    )
    out += user("am i talking to a real person", "bot_challenge")
    out += ["      - action: utter_iamabot", "      - action: screen_form", "      - active_loop: screen_form"]
    out += user("do you take my insurance", "faq/insurance")
    out += ["      - action: action_answer_faq", "      - action: screen_form", "      - active_loop: screen_form"]
    out += answer_steps(QUIET[3:]) + completion()
    out.append("")

    # Stop ends it politely; start_screen restarts it.
    out += header("stopped, then started again") + answer_steps(SELF_ADULT, then="asq_wish_dead")
    out += user("stop the questions", "stop")
    out += [
        "      - action: action_deactivate_loop",
        "      - active_loop: null",
        "      - action: utter_screen_stopped",
    ]
    out += user("start the questions again", "start_screen")
    out += ["      - action: action_reset_screen", "      - action: screen_form", "      - active_loop: screen_form"]
    out += answer_steps(SELF_ADULT + QUIET) + completion()
    out.append("")

    out += header("restarted from the middle") + answer_steps(SELF_ADULT + QUIET[:2], then="phq_interest")
    out += user("can we start over", "start_screen")
    out += [
        "      - action: action_reset_screen",
        "      - action: screen_form",
        "      - active_loop: screen_form",
        "",
    ]

    out += header("asking for a person in the middle") + answer_steps(SELF_ADULT, then="asq_wish_dead")
    out += user("can i just talk to someone", "human_handoff")
    out += [
        "      - action: action_deactivate_loop",
        "      - active_loop: null",
        "      - action: action_request_handoff",
        "",
    ]

    out += header("goodbye in the middle") + answer_steps(SELF_ADULT, then="asq_wish_dead")
    out += user("bye", "goodbye")
    out += ["      - action: action_deactivate_loop", "      - active_loop: null", "      - action: utter_goodbye", ""]
    return out


def render() -> str:
    return "\n".join(stories()).rstrip() + "\n"


def main() -> int:
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
