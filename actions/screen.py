"""The level-of-care screen as a Rasa form: asking, reading answers, the result.

The scoring, the parsing of free-text answers and the wording live in plain
modules (screen_scoring, answer_parsing, screen_messages); this module only
connects them to Rasa.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answer_parsing as parse
from actions import screen_scoring as scoring
from actions.faq import faq_answer
from actions.program_facts import schedule as schedule_facts
from actions.program_facts import teens as teen_schedule_facts
from actions.screen_messages import (
    format_result,
    question_options,
    question_text,
    summary_for_staff,
)
from actions.screen_scoring import Suggestion, suggest_level
from core import handoff
from core.profile import load_profile
from core.safety.context import MARKER, assess_answer, history_kinds
from core.wording import crisis_reply

FORM = "screen_form"
SKIPPED = "skipped"
RETRY_SLOT = "screen_retry"
# The retry slot's value after a yes to the health question that did not say which half it meant.
WHICH_HEALTH = "withdrawal:which"
RESULT_SLOT = "screen_result"
OUTCOME_SLOT = "screen_outcome"

# The order of the questions; asq_now is asked only after a yes (or no
# answer) to asq_wish_dead. The withdrawal question asks about daily medical
# care too and fills both slots; medical_daily_care is asked on its own only
# when the safety net took the withdrawal answer. Readiness is not asked: the
# clinician who calls back asks it.
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
    "can_attend",
]

# What a hedged answer ("sometimes", "maybe") means depends on the question:
# on the suicide-risk and withdrawal questions a partial yes is a yes, as
# those screens intend; elsewhere it is kept as "unsure" for the clinician.
PARSERS: Dict[str, Callable[[str], Any]] = {
    "screen_for": parse.parse_who,
    "screen_age": parse.parse_age,
    "asq_wish_dead": lambda text: parse.parse_yes_no(text, hedge=True),
    "asq_now": lambda text: parse.parse_yes_no(text, hedge=True),
    "withdrawal": parse.parse_health,
    "medical_daily_care": lambda text: parse.parse_yes_no(text, hedge=parse.UNSURE),
    "phq_interest": parse.parse_phq_item,
    "phq_mood": parse.parse_phq_item,
    "unmanageable": lambda text: parse.parse_yes_no(text, hedge=parse.UNSURE),
    "use_frequency": parse.parse_frequency,
    "outpatient_failed": parse.parse_tried_before,
    "home_safe": parse.parse_home_safe,
    "can_attend": parse.parse_attendance,
}


def answer_about_history(tracker: Tracker) -> Optional[List[Dict[str, Any]]]:
    """A message the model took for a crisis that answers the screen question asking about it as history.

    "Yes, I had a seizure once" to the withdrawal question, "yes, I've thought about killing myself" to the
    ASQ's first question: the screen takes the answer and goes on (for the ASQ, to 988 and the acuity
    question). None when the message is not such an answer, or says the danger is now: then it is a crisis.
    """
    slot = tracker.get_slot("requested_slot")
    text = (tracker.latest_message or {}).get("text") or ""
    if tracker.active_loop_name != FORM or not history_kinds(slot) or assess_answer(text, slot).is_crisis:
        return None
    parsed = PARSERS[slot](text)
    if not isinstance(parsed, dict):
        # It speaks of the very thing asked about (a seizure, thoughts of suicide): a yes. On the ASQ not
        # knowing is the riskier answer anyway; on the health question daily medical care is then asked alone.
        parsed = {slot: True}
    return [SlotSet(name, value) for name, value in parsed.items()] + [SlotSet(RETRY_SLOT, None), FollowupAction(FORM)]


def asking_which_health(tracker: Tracker, slot: Optional[str]) -> bool:
    """The health question got a bare yes and the form now asks which half it was."""
    return slot == "withdrawal" and tracker.get_slot(RETRY_SLOT) == WHICH_HEALTH


def answers_from_slots(slots: Mapping[str, Any]) -> Dict[str, Any]:
    """The screen's answers, with skipped questions as None."""
    return {q: (None if slots.get(q) in (None, SKIPPED) else slots.get(q)) for q in QUESTIONS}


def asq_finished(slots: Mapping[str, Any]) -> bool:
    """Both ASQ questions that will be asked have been asked."""
    wish, now = slots.get("asq_wish_dead"), slots.get("asq_now")
    return wish is False or (wish is not None and now is not None)


def ends_in_crisis(slots: Mapping[str, Any]) -> bool:
    return asq_finished(slots) and scoring.is_acute(answers_from_slots(slots))


def remaining_questions(slots: Mapping[str, Any]) -> List[str]:
    """The questions still in play, given the answers so far.

    An acute answer to the suicide-risk questions ends the screen at once:
    the result action turns it into the crisis response.
    """
    if ends_in_crisis(slots):
        return []
    questions = list(QUESTIONS)
    if slots.get("asq_wish_dead") is False:
        questions.remove("asq_now")
    answers = answers_from_slots(slots)
    if not scoring.asks_schedule(answers):
        questions.remove("can_attend")
    # Questions whose answer can no longer change the suggestion are not asked: the screen stays short
    # (withdrawal or daily nursing care already mean inpatient; "unmanageable" already means PHP; daily
    # use already means IOP). Those that raise a flag for the clinician, like mood and home, are always
    # asked; the schedule is asked only where it is about the suggested level's hours.
    return [q for q in questions if answers.get(q) is not None or not scoring.cannot_change(q, answers)]


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


def read_answer(
    slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Optional[DomainDict] = None
) -> Dict[str, Any]:
    """Turn a typed answer into the slot's value; ask again once, then skip.

    A question in the middle of the screen (it looks like one and answers nothing) is answered here,
    and the form asks its own question again.
    """
    if value is None or value == SKIPPED:
        return {slot: value}
    which = asking_which_health(tracker, slot)
    parsed = parse.parse_health(str(value), which=True) if which else PARSERS[slot](str(value))
    if parsed is parse.WHICH:
        if not which:
            # "yes, once": the form asks again which of the two it was (see AskScreenQuestion).
            return {slot: None, RETRY_SLOT: WHICH_HEALTH}
        # A yes twice without saying which: withdrawal is the half whose risk is worse to miss.
        parsed = {parse.WITHDRAWAL: True, parse.MEDICAL: SKIPPED}
    if isinstance(parsed, dict):
        return {**parsed, RETRY_SLOT: None}
    if parsed is parse.UNREADABLE and parse.looks_like_question(value):
        answer = faq_answer(tracker, domain or {})
        if answer:
            dispatcher.utter_message(**answer)
        return {slot: None}
    if parsed is parse.SKIP:
        if slot == "withdrawal":
            return {slot: SKIPPED, parse.MEDICAL: SKIPPED, RETRY_SLOT: None}
        return {slot: SKIPPED, RETRY_SLOT: None}
    if parsed is parse.UNREADABLE:
        if tracker.get_slot(RETRY_SLOT) != slot:
            dispatcher.utter_message(response="utter_screen_not_understood")
            return {slot: None, RETRY_SLOT: slot}
        values = {slot: SKIPPED, RETRY_SLOT: None}
        if slot == "withdrawal":
            values[parse.MEDICAL] = SKIPPED  # the question asked about both
        # Skipping the acuity question after a yes ends the screen for the
        # crisis response; "I'll skip that one" would read wrongly before it.
        if not ends_in_crisis({**tracker.slots, **values}):
            dispatcher.utter_message(response="utter_screen_skipping")
        return values
    values = {slot: parsed, RETRY_SLOT: None}
    if slot == "screen_for" and tracker.get_slot("screen_age") is None:
        # "my son, he's 16" answers the next question too.
        age = parse.parse_age(str(value), yes_no=False)
        if age in (parse.ADULT, parse.MINOR):
            values["screen_age"] = age
    return values


def answer_validator(slot: str):
    async def validate(self, value, dispatcher, tracker, domain):
        return read_answer(slot, value, dispatcher, tracker, domain)

    validate.__name__ = f"validate_{slot}"
    return validate


# FormValidationAction calls validate_<slot> for each slot filled this turn;
# every question is read the same way, by its own parser.
for _slot in QUESTIONS:
    setattr(ValidateScreenForm, f"validate_{_slot}", answer_validator(_slot))


def action_before_form(tracker: Tracker) -> Optional[str]:
    """The action that ran before the form this turn.

    The form asks through a copy of the tracker that ends with the form's own
    run; what came before tells a fresh start (action_reset_screen) and an
    answer (action_listen) from a return after an interruption.
    """
    seen_form = False
    for event in reversed(tracker.events):
        if event.get("event") != "action":
            continue
        if event.get("name") == FORM and not seen_form:
            seen_form = True
            continue
        return event.get("name")
    return None


class AskScreenQuestion:
    """Asks one question, worded for "you" or "your loved one".

    A mixin, so the action server registers only the concrete ask actions below.
    """

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher, tracker, domain):
        before = action_before_form(tracker)
        if before == "action_reset_screen":
            dispatcher.utter_message(response="utter_screen_intro")
        elif before not in (None, "action_listen", FORM):
            dispatcher.utter_message(response="utter_screen_resume")
        age = tracker.get_slot("screen_age")
        which = asking_which_health(tracker, self.slot)
        ask = WHICH_HEALTH if which else self.slot
        text = question_text(ask, tracker.get_slot("screen_for"), age)
        buttons = [{"title": label, "payload": value} for label, value in question_options(ask, age)]
        dispatcher.utter_message(text=text, buttons=buttons)
        if history_kinds(self.slot):
            # The gateway's safety net is told which question the next message answers (never shown).
            dispatcher.utter_message(json_message={MARKER: self.slot})
        return []


# One ask action per question, registered with the action server by subclassing.
ASK_ACTIONS = {slot: type(f"Ask_{slot}", (AskScreenQuestion, Action), {"slot": slot}) for slot in QUESTIONS}


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


def schedule_for(screen_age: Optional[str]) -> Optional[str]:
    profile = load_profile()
    return teen_schedule_facts(profile) if screen_age == "minor" else schedule_facts(profile)


class ActionScreenResult(Action):
    """The suggestion in plain words, its payload for staff, and what comes next."""

    def name(self) -> Text:
        return "action_screen_result"

    async def run(self, dispatcher, tracker, domain):
        answers = answers_from_slots(tracker.slots)
        suggestion = suggest_level(answers)
        result = screen_result_payload(suggestion, answers)
        summary = summary_for_staff(suggestion, answers)
        about_other = answers.get("screen_for") == "other"
        if scoring.ASQ_ACUTE in suggestion.flags:
            # The crisis lines are the first thing said this turn.
            dispatcher.utter_message(text=crisis_reply(about_other=about_other))
            reason = "Crisis: during the screen, thoughts of suicide right now (ASQ acuity question)."
            dispatcher.utter_message(
                json_message=handoff.build(reason, handoff.CRISIS, summary) | {handoff.SCREEN_RESULT: result}
            )
            return [SlotSet(RESULT_SLOT, result), SlotSet(OUTCOME_SLOT, "crisis")]
        text = format_result(
            suggestion, answers.get("screen_for"), answers.get("screen_age"), schedule_for(answers.get("screen_age"))
        )
        dispatcher.utter_message(text=text)
        dispatcher.utter_message(json_message={handoff.SCREEN_RESULT: result})
        if scoring.ASQ_NON_ACUTE in suggestion.flags:
            reason = "Screen: thoughts of suicide in the past few weeks, not right now; priority follow-up."
            dispatcher.utter_message(response="utter_screen_priority_follow_up")
            dispatcher.utter_message(
                json_message=handoff.build(reason, handoff.URGENT, summary) | {handoff.SCREEN_RESULT: result}
            )
            return [SlotSet(RESULT_SLOT, result), SlotSet(OUTCOME_SLOT, "priority")]
        # A rule follows "suggested" with utter_screen_offer_intake, a separate
        # action so that a "yes" to that offer can be told apart.
        return [SlotSet(RESULT_SLOT, result), SlotSet(OUTCOME_SLOT, "suggested")]
