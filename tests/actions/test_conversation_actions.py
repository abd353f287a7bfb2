"""The FAQ, greeting, fallback and handoff actions, run on JSON trackers."""

import pytest
from rasa_sdk.events import FollowupAction, SlotSet

from actions.fallback import ActionFallback
from actions.faq import ActionAnswerFaq
from actions.greet import ActionGreet
from actions.handoff import ActionCrisisResponse, ActionRequestHandoff
from actions.safety_check import ActionAcknowledgeSituation
from core.wording import crisis_reply


def shown(dispatcher):
    """What the visitor would see: text, buttons and custom payloads."""
    return [{k: m[k] for k in ("text", "response", "buttons", "custom") if m.get(k)} for m in dispatcher.messages]


async def test_greet_names_the_program(full_profile, dispatcher, tracker_from, domain):
    events = await ActionGreet().run(dispatcher, tracker_from("greet"), domain)
    assert events == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_greet"
    assert message["program_name"] == "Test Valley IOP"


async def test_faq_adds_program_facts_to_the_general_answer(full_profile, dispatcher, tracker_from, domain):
    events = await ActionAnswerFaq().run(dispatcher, tracker_from("faq_cost"), domain)
    assert events == []
    general = domain["responses"]["utter_faq/cost"][0]["text"]
    assert shown(dispatcher) == [
        {"text": f"{general}\n\nAt Test Valley IOP: $200 per day before insurance. We offer a sliding scale."}
    ]


async def test_faq_with_an_empty_profile_gives_the_general_answer_only(
    minimal_profile, dispatcher, tracker_from, domain
):
    await ActionAnswerFaq().run(dispatcher, tracker_from("faq_cost"), domain)
    assert shown(dispatcher) == [{"text": domain["responses"]["utter_faq/cost"][0]["text"]}]


async def test_faq_on_a_general_topic(full_profile, dispatcher, tracker_from, domain):
    await ActionAnswerFaq().run(dispatcher, tracker_from("faq_what_is_iop"), domain)
    [message] = shown(dispatcher)
    assert message["text"] == domain["responses"]["utter_faq/what_is_iop"][0]["text"]
    assert "Test Valley" not in message["text"]


async def test_faq_with_an_unknown_topic_falls_back(full_profile, dispatcher, tracker_from, domain):
    assert await ActionAnswerFaq().run(dispatcher, tracker_from("faq_unknown_key"), domain) == []
    assert shown(dispatcher) == [{"response": "utter_fallback"}]


@pytest.mark.parametrize("fixture", ["fallback_first", "fallback_after_understood"])
async def test_first_miss_asks_to_rephrase(fixture, dispatcher, tracker_from, domain):
    assert await ActionFallback().run(dispatcher, tracker_from(fixture), domain) == [SlotSet("misunderstood", "once")]
    assert shown(dispatcher) == [{"response": "utter_fallback"}]


async def test_first_out_of_scope_message_shows_what_the_assistant_can_do(dispatcher, tracker_from, domain):
    tracker = tracker_from("fallback_first")
    tracker.latest_message["intent"] = {"name": "out_of_scope", "confidence": 0.9}
    assert await ActionFallback().run(dispatcher, tracker, domain) == [SlotSet("misunderstood", "once")]
    assert shown(dispatcher) == [{"response": "utter_out_of_scope"}]


async def test_second_miss_in_a_row_offers_a_person(dispatcher, tracker_from, domain):
    events = await ActionFallback().run(dispatcher, tracker_from("fallback_second"), domain)
    assert events == [SlotSet("misunderstood", "again")]
    assert dispatcher.messages == []


async def test_handoff_request_tells_the_visitor_and_asks_the_gateway(full_profile, dispatcher, tracker_from, domain):
    events = await ActionRequestHandoff().run(dispatcher, tracker_from("handoff_request"), domain)
    assert events == []
    assert shown(dispatcher) == [
        {"response": "utter_handoff_requested"},
        {"text": "If you'd rather talk now: You can reach Test Valley IOP at (555) 010-0100 (weekdays 9 to 5)."},
        {
            "custom": {
                "handoff": {
                    "reason": "Visitor asked for a person.",
                    "priority": "normal",
                    "summary": "Visitor asked for a person.\nAsked about: cost, insurance.\n"
                    'Last messages: "how much does it cost" | "do u take aetna" | "can i talk to a real person pls"',
                }
            }
        },
    ]


async def test_handoff_after_the_offer_says_why(minimal_profile, dispatcher, tracker_from, domain):
    await ActionRequestHandoff().run(dispatcher, tracker_from("handoff_after_offer"), domain)
    messages = shown(dispatcher)
    assert messages[0] == {"response": "utter_handoff_requested"}
    # no phone in the profile: no invented contact line
    assert len(messages) == 2
    handoff = messages[1]["custom"]["handoff"]
    assert handoff["reason"].startswith("Visitor accepted the offer of a person")
    assert handoff["priority"] == "normal"


@pytest.mark.parametrize("fixture, about_other", [("crisis_self", False), ("crisis_other", True)])
async def test_crisis_lines_come_first_then_an_urgent_handoff(fixture, about_other, dispatcher, tracker_from, domain):

    events = await ActionCrisisResponse().run(dispatcher, tracker_from(fixture), domain)
    assert events == []
    first, second = shown(dispatcher)
    assert first == {"text": crisis_reply(about_other=about_other)}
    for line in ("911", "988", "741741"):
        assert line in first["text"]
    assert second["custom"]["handoff"]["priority"] == "crisis"
    assert second["custom"]["handoff"]["reason"].startswith("Crisis")


async def test_a_real_question_in_the_middle_of_the_screen_is_answered(full_profile, dispatcher, tracker_from, domain):
    await ActionAnswerFaq().run(dispatcher, tracker_from("screen_question_in_the_middle"), domain)
    [message] = shown(dispatcher)
    assert message["text"].startswith(domain["responses"]["utter_faq/vs_outpatient"][0]["text"][:40])


@pytest.mark.parametrize(
    "fixture, slot",
    [
        ("screen_crisis_words_answering_asq", "asq_wish_dead"),
        ("screen_crisis_words_answering_withdrawal", "withdrawal"),
    ],
)
async def test_a_yes_in_crisis_words_to_a_screen_question_about_history_is_its_answer(
    fixture, slot, full_profile, dispatcher, tracker_from, domain
):
    events = await ActionCrisisResponse().run(dispatcher, tracker_from(fixture), domain)
    assert events[0] == SlotSet(slot, True)
    assert events[-2:] == [SlotSet("screen_retry", None), FollowupAction("screen_form")]
    assert shown(dispatcher) == []  # the screen goes on; for the ASQ the next question gives 988 first


async def test_danger_now_while_answering_the_asq_is_a_crisis(full_profile, dispatcher, tracker_from, domain):
    assert await ActionCrisisResponse().run(dispatcher, tracker_from("screen_crisis_now_answering_asq"), domain) == []
    first, request = shown(dispatcher)
    assert first["text"] == crisis_reply()
    assert request["custom"]["handoff"]["priority"] == "crisis"


async def test_a_safety_check_first_acknowledges_the_loved_one_situation(dispatcher, tracker_from, domain):
    events = await ActionAcknowledgeSituation().run(dispatcher, tracker_from("check_safety_loved_one"), domain)
    assert shown(dispatcher) == [{"response": "utter_ack_loved_one"}]
    assert events == [SlotSet("safety_about", "other")]
    assert "utter_ack_loved_one" in domain["responses"]


async def test_a_safety_check_with_no_clear_situation_acknowledges_nothing(dispatcher, tracker_from, domain):
    events = await ActionAcknowledgeSituation().run(dispatcher, tracker_from("check_safety_unclear"), domain)
    assert dispatcher.messages == []
    assert events == [SlotSet("safety_about", None)]


def test_every_situation_has_an_acknowledgement_and_the_question_asks_about_others(domain):
    from actions.safety_check import ACKNOWLEDGEMENT
    from core.situations import SITUATIONS

    assert set(ACKNOWLEDGEMENT) == set(SITUATIONS)
    for response in ACKNOWLEDGEMENT.values():
        assert domain["responses"][response][0]["text"]
    other = [v for v in domain["responses"]["utter_check_safety"] if v.get("condition")]
    assert "988" in other[0]["text"] and "911" in other[0]["text"]
