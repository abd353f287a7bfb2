"""The router against a fake Rasa on 127.0.0.1 and the real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import List

import aiohttp
import pytest
from fakes import Recorder, dead_url
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from bot.events import Events
from bot.metrics import Metrics
from bot.rasa_client import RasaClient
from bot.router import CRISIS_REASON, UNAVAILABLE_REASON, Router
from bot.store import conversations as convo
from bot.store.models import Handoff, utcnow
from bot.turn import Inbound, Reply
from core.limits import MAX_MESSAGE_CHARS
from core.wording import Contact

CONTACT = Contact("Test IOP", "(555) 010-0100", "weekdays 9 to 5")
CRISIS = "i want to kill myself"
CRISIS_ABOUT_FRIEND = "my friend took a bottle of pills and wont wake up"
FAQ = "how much does iop cost"


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def recorder():
    return Recorder()


def make_router(db, http, rasa_url, recorder, staff_online=0):
    events = Events()
    events.subscribe(recorder.notify)
    return Router(
        db,
        RasaClient(http, rasa_url, timeout=5),
        contact=lambda: CONTACT,
        staff_online=lambda: staff_online,
        events=events,
        metrics=Metrics(),
    )


@pytest.fixture
def router(db, http, fake_rasa, recorder):
    return make_router(db, http, fake_rasa.url, recorder)


def texts(replies: List[Reply]) -> List[str]:
    return [r.text for r in replies if r.text]


def is_crisis_reply(text: str) -> bool:
    return "911" in text and "988" in text and "741741" in text


async def put_in_mode(router, address: str, mode: str) -> str:
    outcome = await router.handle(Inbound("sms", address, "hello"))
    cid = outcome.conversation_id
    if mode in ("waiting", "human"):
        handoff = await router.db.run(convo.request_person, cid, "Visitor asked for a person.", "normal", "")
        if mode == "human":
            assert await router.db.run(convo.claim, handoff["id"], "Dana")
    return cid


async def handoffs(router, cid):
    return await router.db.run(convo.handoffs_of, cid)


async def transcript(router, cid):
    return await router.db.run(convo.conversation_transcript, cid)


# -- bot mode ------------------------------------------------------------------


async def test_bot_mode_passes_the_message_to_rasa_and_keeps_both_sides(router, fake_rasa):
    fake_rasa.says({"text": "About $250 a day.", "buttons": [{"title": "More", "payload": "/more"}]})
    outcome = await router.handle(Inbound("rest", "visitor-1", FAQ, metadata={"lang": "en"}))
    assert [r.as_rest("visitor-1") for r in outcome.replies] == [
        {"recipient_id": "visitor-1", "text": "About $250 a day.", "buttons": [{"title": "More", "payload": "/more"}]}
    ]
    # Rasa knows the conversation by its id, never by the visitor's address.
    assert fake_rasa.received == [
        {"sender": outcome.conversation_id, "message": FAQ, "metadata": {"lang": "en", "channel": "rest"}}
    ]
    messages = (await transcript(router, outcome.conversation_id))["messages"]
    assert [(m["author"], m["text"]) for m in messages] == [("visitor", FAQ), ("bot", "About $250 a day.")]
    assert messages[1]["payload"]["buttons"] == [{"title": "More", "payload": "/more"}]


async def test_a_handoff_payload_opens_a_ticket_and_never_reaches_the_visitor(router, fake_rasa, recorder):
    fake_rasa.says(
        {"text": "Okay, I'm asking someone from our team to join this chat."},
        {
            "custom": {
                "handoff": {
                    "reason": "Visitor asked for a person.",
                    "priority": "normal",
                    "summary": "Asked about cost.",
                }
            }
        },
    )
    outcome = await router.handle(Inbound("rest", "v", "can i talk to a person"))
    assert all("handoff" not in (r.custom or {}) for r in outcome.replies)
    assert texts(outcome.replies)[0].startswith("Okay, I'm asking")
    assert "nobody is online right now" in texts(outcome.replies)[1]  # no staff signed in
    assert "(555) 010-0100" in texts(outcome.replies)[1]
    [ticket] = await handoffs(router, outcome.conversation_id)
    assert (ticket["reason"], ticket["priority"], ticket["summary"]) == (
        "Visitor asked for a person.",
        "normal",
        "Asked about cost.",
    )
    assert (await transcript(router, outcome.conversation_id))["mode"] == "waiting"
    assert ("queue", {"conversation_id": outcome.conversation_id, "handoff_id": ticket["id"]}) in recorder.events


@pytest.mark.parametrize(
    "request_, expected_priority",
    [
        ({"reason": "Crisis in the screen", "priority": "crisis", "summary": "s"}, "crisis"),
        ({"reason": "Non-acute", "priority": "urgent"}, "urgent"),
        ({"priority": "whenever"}, "normal"),
    ],
)
async def test_handoff_priority_is_taken_from_the_payload_when_valid(router, fake_rasa, request_, expected_priority):
    fake_rasa.says({"custom": {"handoff": request_, "screen_result": {"level": "iop"}}})
    outcome = await router.handle(Inbound("rest", "v", "yes connect me"))
    [ticket] = await handoffs(router, outcome.conversation_id)
    assert ticket["priority"] == expected_priority
    assert 'Screen result: {"level": "iop"}' in ticket["summary"]
    # The screen result rides on for the channel; only the control payload is taken out.
    assert outcome.replies[0].custom == {"screen_result": {"level": "iop"}}


async def test_the_acknowledgement_does_not_repeat_the_phone_the_assistant_just_gave(router, fake_rasa):
    fake_rasa.says(
        {"text": "Okay."},
        {"text": "If you'd rather talk now: call (555) 010-0100."},
        {"custom": {"handoff": {"reason": "r", "priority": "normal"}}},
    )
    outcome = await router.handle(Inbound("rest", "v", "person please"))
    assert sum("(555) 010-0100" in t for t in texts(outcome.replies)) == 1


async def test_acknowledgement_gives_the_queue_position_when_staff_are_online(db, http, fake_rasa, recorder):
    router = make_router(db, http, fake_rasa.url, recorder, staff_online=2)
    fake_rasa.says({"custom": {"handoff": {"reason": "r", "priority": "normal"}}})
    await router.handle(Inbound("rest", "first", "person please"))
    outcome = await router.handle(Inbound("rest", "second", "person please"))
    assert "1 person is ahead of you" in texts(outcome.replies)[0]


# -- crisis ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["bot", "waiting", "human"])
@pytest.mark.parametrize("rasa_up", [True, False])
async def test_the_crisis_reply_is_first_in_every_mode_with_rasa_up_or_down(
    db, http, fake_rasa, recorder, mode, rasa_up
):
    router = make_router(db, http, fake_rasa.url if rasa_up else dead_url(), recorder)
    cid = await put_in_mode(router, "+15550100", mode)
    fake_rasa.received.clear()
    outcome = await router.handle(Inbound("sms", "+15550100", CRISIS))
    assert outcome.conversation_id == cid
    assert is_crisis_reply(outcome.replies[0].text)
    assert fake_rasa.received == []  # the safety net answers before the assistant
    tickets = await handoffs(router, cid)
    assert [t["priority"] for t in tickets] == ["crisis"]
    if mode == "bot":
        assert tickets[0]["reason"] == CRISIS_REASON
    # Someone already talking with staff is not told to wait in a queue.
    assert len(outcome.replies) == (1 if mode == "human" else 2)
    assert recorder.events[-1] == ("crisis", {"conversation_id": cid, "handoff_id": tickets[0]["id"]})
    messages = (await transcript(router, cid))["messages"]
    assert [m["text"] for m in messages[-len(outcome.replies) - 1 :]] == [CRISIS] + texts(outcome.replies)


async def test_crisis_about_someone_else_is_said_for_them(router):
    outcome = await router.handle(Inbound("rest", "v", CRISIS_ABOUT_FRIEND))
    from core import wording

    assert outcome.replies[0].text == wording.crisis_reply(about_other=True)


class BrokenDatabase:
    async def run(self, fn, *args):
        raise OperationalError("SELECT 1", {}, Exception("database is down"))


@pytest.mark.parametrize("rasa_up", [True, False])
async def test_a_dead_database_never_costs_the_visitor_the_crisis_lines(http, fake_rasa, recorder, rasa_up):
    router = make_router(BrokenDatabase(), http, fake_rasa.url if rasa_up else dead_url(), recorder)
    outcome = await router.handle(Inbound("sms", "+1555", CRISIS))
    assert is_crisis_reply(outcome.replies[0].text)


async def test_a_dead_database_on_an_ordinary_message_gets_the_phone_and_crisis_lines(http, fake_rasa, recorder):
    router = make_router(BrokenDatabase(), http, fake_rasa.url, recorder)
    outcome = await router.handle(Inbound("sms", "+1555", FAQ))
    [reply] = outcome.replies
    assert "(555) 010-0100" in reply.text and "911" in reply.text and "988" in reply.text
    assert fake_rasa.received == []


async def test_a_retried_crisis_message_gets_the_crisis_lines_again_but_one_ticket(router):
    first = await router.handle(Inbound("sms", "+1555", CRISIS, channel_message_id="SM1"))
    again = await router.handle(Inbound("sms", "+1555", CRISIS, channel_message_id="SM1"))
    assert again.duplicate and is_crisis_reply(again.replies[0].text)
    assert len(await handoffs(router, first.conversation_id)) == 1


async def test_a_failing_notifier_does_not_stop_the_crisis_path(db, http, fake_rasa):
    async def broken(kind, data):
        raise RuntimeError("console down")

    events = Events()
    events.subscribe(broken)
    router = Router(db, RasaClient(http, fake_rasa.url), contact=lambda: CONTACT, events=events)
    outcome = await router.handle(Inbound("rest", "v", CRISIS))
    assert is_crisis_reply(outcome.replies[0].text) and len(outcome.replies) == 2


# -- the assistant fails -----------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        (500, {"error": "boom"}),
        (200, []),  # Rasa's answer when a custom action failed
        (200, "not a list"),
        None,  # nobody listening
    ],
)
async def test_when_the_assistant_fails_the_visitor_gets_an_apology_and_a_person(db, http, fake_rasa, recorder, answer):
    router = make_router(db, http, dead_url() if answer is None else fake_rasa.url, recorder)
    if answer is not None:
        fake_rasa.answer = lambda body: answer
    outcome = await router.handle(Inbound("rest", "v", FAQ))
    [reply] = outcome.replies
    assert "(555) 010-0100" in reply.text and "911" in reply.text and "988" in reply.text
    assert reply.author == "system"
    [ticket] = await handoffs(router, outcome.conversation_id)
    assert (ticket["reason"], ticket["priority"]) == (UNAVAILABLE_REASON, "urgent")
    assert FAQ in ticket["summary"]
    data = await transcript(router, outcome.conversation_id)
    assert [m["text"] for m in data["messages"]] == [FAQ, reply.text]  # the message is kept
    assert data["mode"] == "waiting"
    assert router.metrics.assistant_failures._value.get() == 1


# -- waiting and human mode ---------------------------------------------------------


async def test_while_waiting_the_visitor_hears_back_at_once_and_rasa_is_not_asked(router, fake_rasa):
    cid = await put_in_mode(router, "+1555", "waiting")
    fake_rasa.received.clear()
    outcome = await router.handle(Inbound("sms", "+1555", "hello? anyone there"))
    assert texts(outcome.replies) == [
        "Thanks, I've added that for the team; they'll see it as soon as someone is back."
    ]
    assert fake_rasa.received == []
    assert (await transcript(router, cid))["messages"][-1]["author"] == "system"


async def test_a_callback_number_given_while_waiting_is_stored_on_the_ticket(router):
    cid = await put_in_mode(router, "+1555", "waiting")
    outcome = await router.handle(Inbound("sms", "+1555", "call me at 555 010 1234 after 5pm"))
    assert "(555) 010-1234" in texts(outcome.replies)[0]
    [ticket] = await handoffs(router, cid)
    assert (ticket["callback_number"], ticket["callback_time"]) == ("(555) 010-1234", "after 5pm")
    # Once stored, a later number is just a message for the team.
    outcome = await router.handle(Inbound("sms", "+1555", "or 555 010 9999"))
    assert "added that for the team" in texts(outcome.replies)[0]


async def test_crisis_lines_are_said_again_once_when_the_wait_grows(router):
    cid = await put_in_mode(router, "+1555", "waiting")
    with router.db.sessions.begin() as s:
        s.execute(
            update(Handoff).where(Handoff.conversation_id == cid).values(created_at=utcnow() - timedelta(minutes=11))
        )
    first = await router.handle(Inbound("sms", "+1555", "still here"))
    second = await router.handle(Inbound("sms", "+1555", "still here"))
    assert any("988" in t for t in texts(first.replies))
    assert not any("988" in t for t in texts(second.replies))


async def test_in_human_mode_the_message_waits_for_staff_silently(router, fake_rasa):
    cid = await put_in_mode(router, "+1555", "human")
    fake_rasa.received.clear()
    outcome = await router.handle(Inbound("sms", "+1555", "thanks for your help"))
    assert outcome.replies == [] and fake_rasa.received == []
    assert (await transcript(router, cid))["messages"][-1]["text"] == "thanks for your help"


async def test_waiting_without_a_ticket_goes_back_to_the_assistant(router, fake_rasa):
    cid = await put_in_mode(router, "+1555", "waiting")
    with router.db.sessions.begin() as s:
        s.execute(update(Handoff).where(Handoff.conversation_id == cid).values(status="resolved"))
    outcome = await router.handle(Inbound("sms", "+1555", FAQ))
    assert texts(outcome.replies) == [f"echo: {FAQ}"]
    assert (await transcript(router, cid))["mode"] == "bot"


async def test_a_repeated_message_id_is_answered_once_and_the_retry_hears_the_same_answer(router, fake_rasa):
    first = await router.handle(Inbound("sms", "+1555", FAQ, channel_message_id="SM9"))
    again = await router.handle(Inbound("sms", "+1555", FAQ, channel_message_id="SM9"))
    assert again.duplicate and texts(again.replies) == texts(first.replies) == [f"echo: {FAQ}"]
    assert len(fake_rasa.received) == 1
    messages = (await transcript(router, first.conversation_id))["messages"]
    assert [m["author"] for m in messages] == ["visitor", "bot"]


async def test_metrics_count_crises_and_handoffs(router):
    await router.handle(Inbound("web", "s1", CRISIS))
    text = router.metrics.render().decode()
    assert 'helpline_crisis_detections_total{channel="web"} 1.0' in text
    assert 'helpline_handoffs_requested_total{priority="crisis"} 1.0' in text
    assert 'helpline_reply_seconds_count{channel="web"} 1.0' in text


# -- messages longer than any channel accepts --------------------------------------


async def test_a_message_over_the_limit_is_refused_with_the_crisis_lines_and_not_kept(router, fake_rasa):
    long = "so i was wondering about the schedule and " * (MAX_MESSAGE_CHARS // 40)
    assert len(long) > MAX_MESSAGE_CHARS
    outcome = await router.handle(Inbound("rest", "long-1", long))
    assert outcome.refused and outcome.conversation_id is None
    [reply] = outcome.replies
    assert f"{MAX_MESSAGE_CHARS:,}" in reply.text and "988" in reply.text and "911" in reply.text
    assert fake_rasa.received == []
    assert await router.db.run(convo.conversation_by_address, "rest", "long-1") is None


async def test_a_crisis_in_a_message_over_the_limit_still_takes_the_crisis_path(router):
    long = "the wait list is long and work is hard. " * (MAX_MESSAGE_CHARS // 40) + CRISIS
    outcome = await router.handle(Inbound("rest", "long-2", long))
    assert not outcome.refused and is_crisis_reply(outcome.replies[0].text)
    assert [h["priority"] for h in await handoffs(router, outcome.conversation_id)] == ["crisis"]


async def test_a_message_at_the_limit_is_read(router, fake_rasa):
    text = ("where do i park " * MAX_MESSAGE_CHARS)[:MAX_MESSAGE_CHARS]
    outcome = await router.handle(Inbound("rest", "long-3", text))
    assert not outcome.refused and [m["message"] for m in fake_rasa.received] == [text]


# -- the screen question the visitor is answering ----------------------------------

WITHDRAWAL_QUESTION = "When you cut down or stop, do you get shakes or sweats? Or have you ever had a seizure?"
SEIZURE_HISTORY = "yes i had a seizure once when i stopped drinking"


async def test_after_the_withdrawal_question_a_past_seizure_is_an_answer_not_a_crisis(router, fake_rasa):
    fake_rasa.says({"text": WITHDRAWAL_QUESTION}, {"custom": {"screen_question": "withdrawal"}})
    asked = await router.handle(Inbound("web", "s1", "start the screen"))
    assert [r.as_rest("s1") for r in asked.replies] == [{"recipient_id": "s1", "text": WITHDRAWAL_QUESTION}]
    fake_rasa.says({"text": "Thanks. Next question."})
    answer = await router.handle(Inbound("web", "s1", SEIZURE_HISTORY))
    assert texts(answer.replies) == ["Thanks. Next question."]
    assert await handoffs(router, answer.conversation_id) == []


async def test_the_question_counts_for_the_next_message_only_and_danger_now_is_still_a_crisis(router, fake_rasa):
    fake_rasa.says({"text": WITHDRAWAL_QUESTION}, {"custom": {"screen_question": "withdrawal"}})
    await router.handle(Inbound("web", "s2", "start the screen"))
    now = await router.handle(Inbound("web", "s2", "im having a seizure right now"))
    assert is_crisis_reply(now.replies[0].text)
    # another visitor, never asked: the same words take the crisis path
    elsewhere = await router.handle(Inbound("web", "s3", SEIZURE_HISTORY))
    assert is_crisis_reply(elsewhere.replies[0].text)
    # and the first visitor's next message is no longer an answer to that question
    fake_rasa.says({"text": "ok"})
    await router.handle(Inbound("web", "s4", "hello"))
    later = await router.handle(Inbound("web", "s2", SEIZURE_HISTORY))
    assert is_crisis_reply(later.replies[0].text)


# -- waiting in crisis: no queue position, no minutes, 988 in every line ------------


@pytest.mark.parametrize("staff_online", [0, 2])
async def test_a_visitor_in_crisis_is_never_given_a_place_in_line(db, http, fake_rasa, recorder, staff_online):
    router = make_router(db, http, fake_rasa.url, recorder, staff_online=staff_online)
    fake_rasa.says({"custom": {"handoff": {"reason": "r", "priority": "normal"}}})
    for sender in ("a", "b", "c"):  # a queue already
        await router.handle(Inbound("rest", sender, "person please"))
    outcome = await router.handle(Inbound("rest", "d", CRISIS))
    first, then = texts(outcome.replies)
    assert is_crisis_reply(first)
    assert "988" in then and "ahead" not in then and "minutes" not in then
    assert ("signed in" in then) is (staff_online == 0)  # said at once when nobody is there
    # ...and never after a promise that a person is being asked now.
    assert ("being called" in then) is (staff_online > 0)
    assert "asking a person" not in first and "join this conversation now" not in first
    again = await router.handle(Inbound("rest", "d", "are you there"))
    [line] = texts(again.replies)
    assert "988" in line and "number" not in line and "in line" not in line


async def test_a_callback_number_from_a_visitor_in_crisis_is_kept_and_the_reply_carries_988(router):
    await router.handle(Inbound("rest", "f", CRISIS))
    outcome = await router.handle(Inbound("rest", "f", "call me at 555 010 1234 tonight"))
    [line] = texts(outcome.replies)
    assert "(555) 010-1234" in line and "988" in line and "in line" not in line


async def test_a_crisis_request_from_the_assistant_is_acknowledged_the_same_way(router, fake_rasa):
    fake_rasa.says({"custom": {"handoff": {"reason": "Crisis in the screen", "priority": "crisis"}}})
    outcome = await router.handle(Inbound("rest", "e", "yes right now"))
    [then] = texts(outcome.replies)
    assert "988" in then and "ahead" not in then


@pytest.mark.parametrize("broken", ["\ud83d", "\x00", "\x07"])
async def test_a_crisis_with_half_an_emoji_or_a_nul_is_kept_and_escalated(router, broken):
    outcome = await router.handle(Inbound("web", "w1", f"i want to kill myself {broken}tonight"))
    assert is_crisis_reply(outcome.replies[0].text)
    [ticket] = await handoffs(router, outcome.conversation_id)
    assert ticket["priority"] == "crisis"
    [kept] = [
        m["text"] for m in (await transcript(router, outcome.conversation_id))["messages"] if m["author"] == "visitor"
    ]
    assert "kill myself" in kept and "\x00" not in kept and "\x07" not in kept
