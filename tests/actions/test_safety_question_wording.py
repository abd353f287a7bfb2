"""The safety question as Rasa itself renders it: about "everyone" when a loved one is meant."""

from pathlib import Path

import pytest
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def rasa_domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.mark.parametrize("about, asks", [("other", "Is everyone safe right now?"), (None, "Are you safe right now?")])
async def test_the_safety_question_follows_whom_it_is_about(rasa_domain, about, asks):
    tracker = DialogueStateTracker.from_events("visitor", [SlotSet("safety_about", about)], rasa_domain.slots)
    nlg = TemplatedNaturalLanguageGenerator(rasa_domain.responses)
    reply = await nlg.generate("utter_check_safety", tracker, "rest")
    assert reply["text"].endswith(asks)
    assert "988" in reply["text"] and "911" in reply["text"]
