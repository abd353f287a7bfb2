import pytest

from actions.program_facts import TOPICS, join_words, program_facts
from core.profile import load_profile, parse_profile


@pytest.mark.parametrize(
    "items, expected",
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_join_words(items, expected):
    assert join_words(items) == expected


FULL_EXPECTED = {
    "schedule": "At Test Valley IOP: Morning track: Mon, Wed, Fri, 9am-12pm; Evening track: Tue, Thu, 6pm-9pm.",
    "teens": "Test Valley IOP runs a track for teens: Mon and Wed, 4pm-7pm.",
    "cost": "At Test Valley IOP: $200 per day before insurance. We offer a sliding scale.",
    "insurance": (
        "Test Valley IOP works with Aetna and Cigna. Call (555) 010-0100 and we can check your benefits with you."
    ),
    "contact": "You can reach Test Valley IOP at (555) 010-0100 (weekdays 9 to 5). We are at 1 Test Road, Testville. "
    "Website: https://test-valley.example",
    "languages": "Test Valley IOP offers care in English, Spanish and Vietnamese.",
    "how_to_start": "You can reach Test Valley IOP at (555) 010-0100 (weekdays 9 to 5).",
}


@pytest.mark.parametrize("topic, expected", sorted(FULL_EXPECTED.items()))
def test_facts_from_a_full_profile(full_profile, topic, expected):
    assert program_facts(topic, load_profile()) == expected


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_an_empty_profile_invents_nothing(minimal_profile, topic):
    assert program_facts(topic, load_profile()) is None


@pytest.mark.parametrize("topic", ["what_is_iop", "duration", "detox", "no_such_topic"])
def test_general_topics_have_no_program_facts(full_profile, topic):
    assert program_facts(topic, load_profile()) is None


def test_every_topic_is_covered_by_the_table():
    assert set(FULL_EXPECTED) == set(TOPICS)


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"price": "Free."}, "At P: Free."),
        ({"sliding_scale": True, "payment_plans": True}, "We offer a sliding scale and payment plans."),
        ({"payment_plans": True}, "We offer payment plans."),
        ({"sliding_scale": False}, None),
    ],
)
def test_cost_variants(fields, expected):
    assert program_facts("cost", parse_profile({"name": "P", **fields})) == expected


def test_insurance_without_phone_does_not_invent_one():
    assert program_facts("insurance", parse_profile({"name": "P", "insurers": ["Aetna"]})) == "P works with Aetna."


def test_phone_hours_are_optional():
    assert program_facts("how_to_start", parse_profile({"name": "P", "phone": "555"})) == "You can reach P at 555."
