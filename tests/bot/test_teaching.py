"""Teaching the assistant: marking messages (store), the topics staff pick from, the export for review."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta, timezone

import pytest
import yaml
from rasa.shared.nlu.training_data.entities_parser import ENTITY_REGEX
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from sqlalchemy import select

from bot import teaching
from bot.config import REPO_ROOT
from bot.store import audit
from bot.store import conversations as convo
from bot.store import corrections as store
from bot.store.models import Message
from bot.teaching import Topic


def messages(db, conversation_id):
    with db.sessions() as s:
        return {
            m.author: m.id
            for m in s.execute(select(Message).where(Message.conversation_id == conversation_id)).scalars()
        }


@pytest.fixture
def conversation(db):
    """A conversation with one visitor message and one bot reply: (conversation id, {author: message id})."""
    cid, _ = db.call(convo.record_visitor_message, "sms", "+15550100001", "how much does it cost me")
    db.call(convo.record_reply, cid, "bot", "Sorry, I didn't get that.")
    return cid, messages(db, cid)


# -- the store ---------------------------------------------------------------------------
def test_a_visitor_message_is_marked_once_and_a_second_mark_replaces_the_first(db, conversation):
    cid, ids = conversation
    first = db.call(store.mark, ids["visitor"], "faq/insurance", False, "ana")
    second = db.call(store.mark, ids["visitor"], "parking", True, "ben")
    assert first["id"] == second["id"] and second["conversation_id"] == cid
    marked = db.call(store.since, None)
    assert [(c["text"], c["intent"], c["new_topic"], c["staff_username"]) for c in marked] == [
        ("how much does it cost me", "parking", True, "ben")
    ]
    assert db.call(store.of_conversation, cid) == {ids["visitor"]: second}


def test_only_a_visitors_message_can_be_marked(db, conversation):
    _, ids = conversation
    with pytest.raises(store.CorrectionError, match="Only a visitor's message"):
        db.call(store.mark, ids["bot"], "faq/cost", False, "ana")
    assert db.call(store.since, None) == []


def test_an_unknown_message_is_none(db):
    assert db.call(store.mark, 424242, "faq/cost", False, "ana") is None


def test_corrections_since_a_date(db, conversation):
    _, ids = conversation
    db.call(store.mark, ids["visitor"], "faq/cost", False, "ana")
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    assert len(db.call(store.since, datetime.now(timezone.utc) - timedelta(minutes=1))) == 1
    assert db.call(store.since, later) == []


# -- topics --------------------------------------------------------------------------------
DOMAIN = {
    "intents": ["greet", {"crisis": {"use_entities": []}}, "faq", "brand_new_intent"],
    "responses": {
        "utter_greet": [{"text": "Hi"}],
        "utter_faq/cost": [{"text": "..."}],
        "utter_faq/vs_php": [{"text": "..."}],
    },
}


def test_topics_are_the_intents_and_the_faq_topics_without_the_bare_faq_intent():
    assert teaching.topics_from_domain(DOMAIN) == (
        Topic("faq/cost", "FAQ: cost", True),
        Topic("faq/vs_php", "FAQ: vs php", True),
        Topic("greet", "Greeting", False),
        Topic("crisis", "Crisis", False),
        Topic("brand_new_intent", "Brand new intent", False),
    )


def test_the_real_domain_gives_every_faq_topic_and_the_crisis_intent():
    topics = teaching.load_topics()
    names = {t.name for t in topics}
    assert {"faq/cost", "faq/insurance", "crisis", "human_handoff"} <= names and "faq" not in names
    with open(REPO_ROOT / "domain.yml", encoding="utf-8") as f:
        faq_responses = [k for k in yaml.safe_load(f)["responses"] if k.startswith("utter_faq/")]
    assert sum(t.faq for t in topics) == len(faq_responses)


@pytest.mark.parametrize(
    "name, shown",
    [
        ("faq/cost", "FAQ: cost"),
        ("faq/work_school", "FAQ: work school"),
        ("new_topic/parking_lot", "New topic: parking lot"),
        ("human_handoff", "Asks for a person"),
        ("nlu_fallback", "Not understood"),
        ("some_intent", "Some intent"),
    ],
)
def test_labels(name, shown):
    assert teaching.label(name) == shown


TOPICS = teaching.topics_from_domain(DOMAIN)


@pytest.mark.parametrize(
    "intent, new_topic, chosen",
    [
        ("faq/cost", "", ("faq/cost", False)),
        (" greet ", "  ", ("greet", False)),
        ("", "Parking & transport", ("parking_transport", True)),
        ("", "  Café hours?? ", ("cafe_hours", True)),
        ("", "Cost", ("faq/cost", False)),  # a "new" topic that exists is that topic
        ("", "greet", ("greet", False)),
    ],
)
def test_choosing_a_topic(intent, new_topic, chosen):
    assert teaching.choose(TOPICS, intent, new_topic) == chosen


@pytest.mark.parametrize(
    "intent, new_topic, problem",
    [
        ("", "", "Pick a topic from the list, or type a new one"),
        ("faq/cost", "parking", "not both"),
        ("faq/made_up", "", "not one the assistant knows"),
        ("faq", "", "not one the assistant knows"),
        ("", "!!", "starting with a letter"),
        ("", "42 things", "starting with a letter"),
        ("", "x" * 41, "under 40"),
    ],
)
def test_a_bad_choice_is_refused_with_a_reason(intent, new_topic, problem):
    with pytest.raises(teaching.TopicError, match=problem):
        teaching.choose(TOPICS, intent, new_topic)


# -- the export ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, line",
    [
        ("how much\n is it?\t", "how much is it?"),
        ("a\x00b\u200bc", "abc"),
        ("call me on (555) 123-4567 or +1 555 123 4567", "call me on 555-0100 or 555-0100"),
        ("i'm 17 and it's 2 pm", "i'm 17 and it's 2 pm"),
        ("mail me at jo.doe+x@mail.example.org please", "mail me at someone@example.com please"),
        ('is [iop](type) ok? [x]{"a": 1} [y][z]', 'is [iop] (type) ok? [x] {"a": 1} [y] [z]'),
        ("- starts with a dash: and # a hash", "- starts with a dash: and # a hash"),
        ("   ", ""),
    ],
)
def test_one_line(text, line):
    assert teaching.one_line(text) == line
    assert not ENTITY_REGEX.search(teaching.one_line(text))


def mark(text, intent, new_topic=False):
    return {"text": text, "intent": intent, "new_topic": new_topic}


MARKED = [
    mark("how much is it", "faq/cost"),
    mark("How much is it", "faq/cost"),
    mark("how  much is it", "faq/cost"),  # the same once made one line
    mark("'quoted' \"twice\" and: colons # too", "faq/cost"),
    mark("where do i park", "parking", new_topic=True),
    mark("i want to die", "crisis"),
    mark("   ", "greet"),  # nothing to learn from
    mark("ok so basically my brother is using again and " * 30, "faq/family"),
]


def read_back(text):
    """What Rasa itself reads from the file: {intent or faq/topic: [examples]}."""
    data = RasaYAMLReader().reads(text)
    found = {}
    for example in data.training_examples:
        key = example.get("intent_response_key") or example.get("intent")
        found.setdefault(key, []).append(example.get("text"))
    return found


def test_the_export_is_rasa_nlu_that_rasa_reads_back_grouped_sorted_and_deduplicated():
    text = teaching.nlu_yaml(MARKED, scope="marked since 2025-01-01")
    long = teaching.one_line("ok so basically my brother is using again and " * 30)
    assert read_back(text) == {
        "crisis": ["i want to die"],
        "faq/cost": ["'quoted' \"twice\" and: colons # too", "How much is it"],  # once, whatever the case
        "faq/family": [long],
        "new_topic/parking": ["where do i park"],
    }
    assert 'version: "3.1"' in text and "    examples: |\n      - 'quoted'" in text
    assert f"      - {long}\n" in text  # never folded
    assert teaching.example_count(text) == 5


def test_the_export_says_it_is_for_review_and_marks_new_topics():
    text = teaching.nlu_yaml(MARKED)
    header = text.split("version:")[0]
    assert all(line.startswith("#") for line in header.splitlines())
    assert "FOR REVIEW, NOT TRAINING DATA" in header and "Do not copy this file into data/ unread" in header
    assert "5 examples in 4 topics" in header
    new_topic_at = text.index("- intent: new_topic/parking")
    assert "# NEW TOPIC 'parking'" in text[:new_topic_at] and "utter_faq/parking" in text[:new_topic_at]
    assert text.index("- intent: faq/family") < new_topic_at  # new topics come last


def test_an_empty_export_is_still_valid():
    text = teaching.nlu_yaml([])
    assert read_back(text) == {} and teaching.example_count(text) == 0


@pytest.mark.parametrize(
    "path, refused",
    [
        (REPO_ROOT / "data" / "nlu_corrections.yml", True),
        (REPO_ROOT / "data" / "sub" / "x.yml", True),
        (REPO_ROOT / "data" / ".." / "data" / "nlu.yml", True),
        (REPO_ROOT / "var" / "nlu_corrections.yml", False),
        (REPO_ROOT / "data_review.yml", False),
    ],
)
def test_the_export_never_goes_into_the_training_data(path, refused):
    assert (teaching.refused_path(path) is not None) is refused


def test_write_export_writes_a_private_file_and_audits(db, conversation, tmp_path):
    _, ids = conversation
    db.call(store.mark, ids["visitor"], "faq/cost", False, "ana")
    out = tmp_path / "review" / "corrections.yml"
    assert teaching.write_export(db.url, out, None) == 1
    assert read_back(out.read_text()) == {"faq/cost": ["how much does it cost me"]}
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert teaching.write_export(db.url, out, datetime.now(timezone.utc) + timedelta(days=1)) == 0
    entries = db.call(audit.entries, "cli", "export_corrections")
    assert [e["detail"] for e in entries][-1] == "1 example"
    with pytest.raises(ValueError, match="data/"):
        teaching.write_export(db.url, REPO_ROOT / "data" / "corrections.yml", None)
