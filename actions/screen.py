"""The level-of-care screen as a Rasa form: asking, reading answers, the result.

The scoring, the parsing of free-text answers and the wording live in plain
modules (screen_scoring, answer_parsing, screen_messages); this module only
connects them to Rasa.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answer_parsing as parse
from actions.handoff import handoff_payload
from actions.profile import load_profile
from actions.program_facts import schedule as schedule_facts
from actions.screen_messages import format_result, question_options, question_text, summary_for_staff
from actions.screen_scoring import Suggestion, suggest_level
from bot.safety import crisis_reply

FORM = "screen_form"
SKIPPED = "skipped"
RETRY_SLOT = "screen_retry"
RESULT_SLOT = "screen_result"
OUTCOME_SLOT = "screen_outcome"

# The order of the questions; asq_now is asked only after a yes to asq_wish_dead.
QUESTIONS: List[str] = [
    "screen_for",
    "screen_age",
    "asq_wish_dead",
    "asq_now",
    "withdrawal",
    "medical_daily_care",
    "phq_interest",
    "phq_mood",
    "unmanageable",
    "use_frequency",
    "outpatient_failed",
    "home_safe",
    "readiness",
    "can_attend",
]

PARSERS: Dict[str, Callable[[str], Any]] = {
    "screen_for": parse.parse_who,
    "screen_age": parse.parse_age,
    "asq_wish_dead": parse.parse_yes_no,
    "asq_now": parse.parse_yes_no,
    "withdrawal": parse.parse_yes_no,
    "medical_daily_care": parse.parse_yes_no,
    "phq_interest": parse.parse_phq_item,
    "phq_mood": parse.parse_phq_item,
    "unmanageable": parse.parse_yes_no,
    "use_frequency": parse.parse_frequency,
    "outpatient_failed": parse.parse_yes_no,
    "home_safe": parse.parse_yes_no,
    "readiness": lambda text: parse.parse_scale(text, 0, 10),
    "can_attend": parse.parse_yes_no,
}


def answers_from_slots(slots: Dict[str, Any]) -> Dict[str, Any]:
    """The screen's answers, with skipped questions as None."""
    return {q: (None if slots.get(q) in (None, SKIPPED) else slots.get(q)) for q in QUESTIONS}


def remaining_questions(slots: Dict[str, Any]) -> List[str]:
    """The questions still to ask, given the answers so far.

    A yes to "thoughts of killing yourself right now" ends the screen at once:
    the result action turns it into the crisis response.
    """
    if slots.get("asq_now") is True:
        return []
    questions = list(QUESTIONS)
    if slots.get("asq_wish_dead") is not True:
        questions.remove("asq_now")
    return questions


class ValidateScreenForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_screen_form"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        return remaining_questions(tracker.slots)


def read_answer(slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
    """Turn a typed answer into the slot's value; ask again once, then skip."""
    if value is None or value == SKIPPED:
        return {slot: value}
    parsed = PARSERS[slot](str(value))
    if parsed is parse.SKIP:
        return {slot: SKIPPED, RETRY_SLOT: None}
    if parsed is parse.UNREADABLE:
        if tracker.get_slot(RETRY_SLOT) != slot:
            dispatcher.utter_message(response="utter_screen_not_understood")
            return {slot: None, RETRY_SLOT: slot}
        dispatcher.utter_message(response="utter_screen_skipping")
        return {slot: SKIPPED, RETRY_SLOT: None}
    values = {slot: parsed, RETRY_SLOT: None}
    if slot == "screen_for" and tracker.get_slot("screen_age") is None:
        # "my son, he's 16" answers the next question too.
        age = parse.parse_age(str(value))
        if age not in (parse.SKIP, parse.UNREADABLE):
            values["screen_age"] = age
    return values


def answer_validator(slot: str):
    async def validate(self, value, dispatcher, tracker, domain):
        return read_answer(slot, value, dispatcher, tracker)

    validate.__name__ = f"validate_{slot}"
    return validate


# FormValidationAction calls validate_<slot> for each slot filled this turn;
# every question is read the same way, by its own parser.
for _slot in QUESTIONS:
    setattr(ValidateScreenForm, f"validate_{_slot}", answer_validator(_slot))


class AskScreenQuestion:
    """Asks one question, worded for "you" or "your loved one".

    A mixin, so the action server registers only the concrete ask actions below.
    """

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher, tracker, domain):
        if self.slot == QUESTIONS[0]:
            dispatcher.utter_message(response="utter_screen_intro")
        text = question_text(self.slot, tracker.get_slot("screen_for"), tracker.get_slot("screen_age"))
        buttons = [{"title": label, "payload": value} for label, value in question_options(self.slot)]
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


# One ask action per question, registered with the action server by subclassing.
ASK_ACTIONS = {
    slot: type(f"Ask_{slot}", (AskScreenQuestion, Action), {"slot": slot}) for slot in QUESTIONS
}


class ActionResetScreen(Action):
    """Clears earlier answers so the screen can be taken again."""

    def name(self) -> Text:
        return "action_reset_screen"

    async def run(self, dispatcher, tracker, domain):
        return [SlotSet(q, None) for q in QUESTIONS + [RETRY_SLOT, RESULT_SLOT, OUTCOME_SLOT]]


def screen_result_payload(suggestion: Suggestion, answers: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "level": suggestion.level,
        "reasons": list(suggestion.reasons),
        "flags": list(suggestion.flags),
        "answers": answers,
    }


class ActionScreenResult(Action):
    """The suggestion in plain words, its payload for staff, and the offer of intake."""

    def name(self) -> Text:
        return "action_screen_result"

    async def run(self, dispatcher, tracker, domain):
        answers = answers_from_slots(tracker.slots)
        suggestion = suggest_level(answers)
        result = screen_result_payload(suggestion, answers)
        summary = summary_for_staff(suggestion, answers)
        if answers.get("asq_now") is True:
            dispatcher.utter_message(text=crisis_reply(about_other=answers.get("screen_for") == "other"))
            reason = "Crisis: during the screen, a yes to thoughts of suicide right now."
            dispatcher.utter_message(json_message=handoff_payload(reason, "crisis", summary) | {"screen_result": result})
            return [SlotSet(RESULT_SLOT, result), SlotSet(OUTCOME_SLOT, "crisis")]
        profile = load_profile()
        text = format_result(suggestion, answers.get("screen_for"), answers.get("screen_age"), schedule_facts(profile))
        dispatcher.utter_message(text=text)
        dispatcher.utter_message(json_message={"screen_result": result})
        if "asq_non_acute" in suggestion.flags:
            reason = "Screen: recent thoughts of suicide (not right now); priority follow-up."
            dispatcher.utter_message(response="utter_screen_priority_follow_up")
            dispatcher.utter_message(json_message=handoff_payload(reason, "urgent", summary) | {"screen_result": result})
            return [SlotSet(RESULT_SLOT, result), SlotSet(OUTCOME_SLOT, "priority")]
        # A rule follows "suggested" with utter_screen_offer_intake, a separate
        # action so that a "yes" to that offer can be told apart.
        return [SlotSet(RESULT_SLOT, result), SlotSet(OUTCOME_SLOT, "suggested")]
