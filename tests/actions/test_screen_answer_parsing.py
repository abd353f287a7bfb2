"""The screen's free-text answers, as people type them, table by table."""

import pytest

from actions.answer_parsing import (
    ADULT,
    DAILY,
    EVENINGS,
    LESS,
    MINOR,
    MORNINGS,
    NONE,
    OTHER,
    SELF,
    SKIP,
    UNREADABLE,
    UNSURE,
    WEEKLY,
    WHICH,
    WITHDRAWAL_SIGNS,
    parse_age,
    parse_attendance,
    parse_frequency,
    parse_health,
    parse_home_safe,
    parse_phq_item,
    parse_scale,
    parse_tried_before,
    parse_who,
    parse_yes_no,
)

HEDGE = "hedged"

SKIPS = [
    "skip",
    "Skip this one",
    "pass",
    "I don't know",
    "idk",
    "dunno",
    "not sure",
    "no idea",
    "rather not say",
    "i dont want to answer that",
    "I’d rather not answer",
    "next question",
]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yes", True),
        ("Yes!", True),
        ("yeah", True),
        ("yea", True),
        ("yep", True),
        ("yup", True),
        ("ya", True),
        ("y", True),
        ("yesss", True),
        ("sure", True),
        ("definitely", True),
        ("i think so", True),
        ("of course", True),
        ("yes, shakes and sweats", True),
        ("/affirm", True),
        ("I have", True),
        ("they do", True),
        ("all the time", True),
        ("no", False),
        ("No.", False),
        ("nope", False),
        ("nah", False),
        ("n", False),
        ("never", False),
        ("not really", False),
        ("not at all", False),
        ("no, never", False),
        ("i dont think so", False),
        ("I don't", False),
        ("/deny", False),
        ("nothing like that", False),
        ("sometimes", HEDGE),
        ("kind of", HEDGE),
        ("kinda", HEDGE),
        ("a little", HEDGE),
        ("maybe", HEDGE),
        ("probably", HEDGE),
        ("once or twice", HEDGE),
        ("yes and no", HEDGE),
        ("now and then", HEDGE),
        ("yes sometimes", HEDGE),
        ("no but sometimes", HEDGE),
        ("probably not", HEDGE),
        ("", UNREADABLE),
        ("hmm", UNREADABLE),
        ("purple", UNREADABLE),
        ("what do you mean", UNREADABLE),
    ]
    + [(text, SKIP) for text in SKIPS],
)
def test_yes_no(text, expected):
    result = parse_yes_no(text, hedge=HEDGE)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("i get the shakes", True),
        ("he gets really shaky and sweats", True),
        ("she had a seizure once", True),
        ("seeing things", True),
        ("the DTs", True),
        ("nope", False),
        ("no shakes or anything", False),
        ("i dont get the shakes", False),  # the symptom, denied in its own clause
    ],
)
def test_withdrawal_signs_answer_yes_on_their_own(text, expected):
    assert parse_yes_no(text, hedge=True, also_yes=WITHDRAWAL_SIGNS) is expected


def test_the_hedge_is_the_questions_choice():
    assert parse_yes_no("sometimes", hedge=True) is True
    assert parse_yes_no("sometimes", hedge=UNSURE) == UNSURE


@pytest.mark.parametrize(
    "text, expected",
    [
        ("me", SELF),
        ("Me", SELF),
        ("myself", SELF),
        ("for me", SELF),
        ("it's for me", SELF),
        ("just me", SELF),
        ("me, im an adult", SELF),
        ("im 34", SELF),
        ("my son", OTHER),
        ("my son he's 16", OTHER),
        ("My daughter", OTHER),
        ("my husband", OTHER),
        ("a friend", OTHER),
        ("someone i care about", OTHER),
        ("someone else", OTHER),
        ("not me", OTHER),
        ("im asking for my brother", OTHER),
        ("for my kid", OTHER),
        ("my mom", OTHER),
        ("my partner", OTHER),
        ("both", UNREADABLE),
        ("yes", UNREADABLE),
        ("", UNREADABLE),
        ("skip", SKIP),
        ("idk", SKIP),
    ],
)
def test_who(text, expected):
    assert parse_who(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("im 34", ADULT),
        ("45", ADULT),
        ("22 years old", ADULT),
        ("18", ADULT),
        ("eighteen", ADULT),
        ("thirty four", ADULT),
        ("thirty-four", ADULT),
        ("in his 20s", ADULT),
        ("in her forties", ADULT),
        ("adult", ADULT),
        ("an adult", ADULT),
        ("18 or older", ADULT),
        ("over 18", ADULT),
        ("18+", ADULT),
        ("yes", ADULT),
        ("yeah", ADULT),
        ("17", MINOR),
        ("he's 16", MINOR),
        ("my son he's 16", MINOR),
        ("she is 14", MINOR),
        ("sixteen", MINOR),
        ("under 18", MINOR),
        ("younger than 18", MINOR),
        ("teen", MINOR),
        ("a teenager", MINOR),
        ("he's in high school", MINOR),
        ("no", MINOR),
        ("nope", MINOR),
        ("idk maybe 16", MINOR),
        ("skip", SKIP),
        ("not sure", SKIP),
        ("my kid", UNREADABLE),
        ("purple", UNREADABLE),
        ("", UNREADABLE),
    ],
)
def test_age(text, expected):
    assert parse_age(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my son he's 16", MINOR),
        ("me, im 34", ADULT),
        ("me", UNREADABLE),
        ("yes its me", UNREADABLE),
        ("my son", UNREADABLE),
    ],
)
def test_age_from_the_answer_to_who_reads_only_ages(text, expected):
    assert parse_age(text, yes_no=False) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("not at all", 0),
        ("Not at all", 0),
        ("no", 0),
        ("never", 0),
        ("nope", 0),
        ("not really", 0),
        ("0", 0),
        ("several days", 1),
        ("a few days", 1),
        ("some days", 1),
        ("sometimes", 1),
        ("a little", 1),
        ("yes", 1),
        ("3 days", 1),
        ("not often", 1),
        ("1", 1),
        ("kinda", 1),
        ("more than half the days", 2),
        ("most days", 2),
        ("often", 2),
        ("a lot", 2),
        ("10 days", 2),
        ("2", 2),
        ("4 days a week", 2),
        ("nearly every day", 3),
        ("every day", 3),
        ("everyday", 3),
        ("all the time", 3),
        ("always", 3),
        ("3", 3),
        ("14 days", 3),
        ("yes nearly every day", 3),
        ("idk", SKIP),
        ("no idea", SKIP),
        ("skip", SKIP),
        ("7", UNREADABLE),
        ("purple", UNREADABLE),
        ("", UNREADABLE),
    ],
)
def test_phq_item(text, expected):
    assert parse_phq_item(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("every day", DAILY),
        ("everyday", DAILY),
        ("Daily", DAILY),
        ("pretty much daily", DAILY),
        ("all day every day", DAILY),
        ("every night", DAILY),
        ("most days", DAILY),
        ("twice a day", DAILY),
        ("5 days a week", DAILY),
        ("6 times a week", DAILY),
        ("like twice a week", WEEKLY),
        ("twice a week", WEEKLY),
        ("3x a week", WEEKLY),
        ("once a week", WEEKLY),
        ("weekly", WEEKLY),
        ("every week", WEEKLY),
        ("on weekends", WEEKLY),
        ("every weekend", WEEKLY),
        ("every other day", WEEKLY),
        ("4 times a month", WEEKLY),
        ("idk, like twice a week", WEEKLY),
        ("once a month maybe", LESS),
        ("a few times a month", LESS),
        ("less often", LESS),
        ("rarely", LESS),
        ("every couple weeks", LESS),
        ("quit 2 weeks ago", LESS),
        ("clean for 10 days", LESS),
        ("not in the last 30 days", NONE),
        ("not in the last month", NONE),
        ("havent used in 30 days", NONE),
        ("stopped 2 months ago", NONE),
        ("not anymore", NONE),
        ("I don't drink anymore", NONE),
        ("no", NONE),
        ("0", NONE),
        ("sober for a year", NONE),
        ("idk", SKIP),
        ("no idea", SKIP),
        ("skip", SKIP),
        ("sometimes", UNREADABLE),
        ("purple", UNREADABLE),
        ("", UNREADABLE),
    ],
)
def test_frequency(text, expected):
    assert parse_frequency(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("7", 7),
        ("seven", 7),
        ("Seven", 7),
        ("like a 6", 6),
        ("8/10", 8),
        ("8 out of 10", 8),
        ("10!!", 10),
        ("maybe a 4", 4),
        ("6 or 7", 6),
        ("7.5", 7),
        ("0", 0),
        ("zero", 0),
        ("ten", 10),
        ("100%", 10),
        ("completely ready", 10),
        ("not ready at all", 0),
        ("idk 5", 5),
        ("skip", SKIP),
        ("idk", SKIP),
        ("11", UNREADABLE),
        ("-", UNREADABLE),
        ("not very ready", UNREADABLE),
        ("purple", UNREADABLE),
    ],
)
def test_scale(text, expected):
    assert parse_scale(text, 0, 10) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mornings", MORNINGS),
        ("mornings work", MORNINGS),
        ("Yes, mornings", MORNINGS),
        ("evenings", EVENINGS),
        ("evenings only", EVENINGS),
        ("i could do evenings", EVENINGS),
        ("only after work", EVENINGS),
        ("no mornings, but evenings are fine", EVENINGS),
        ("yes", True),
        ("either works", True),
        ("both", True),
        ("mornings or evenings both fine", True),
        ("no", False),
        ("nope", False),
        ("no i work nights", False),
        ("maybe", UNSURE),
        ("not sure", SKIP),
        ("skip", SKIP),
        ("purple", UNREADABLE),
    ],
)
def test_attendance(text, expected):
    assert parse_attendance(text) == expected


def same(result, expected) -> bool:
    """Booleans and sentinels by identity (True is not 1 here), hedges by value."""
    return result == expected if isinstance(expected, str) else result is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a plain yes or no in front decides, whatever follows
        ("yes, once, when i quit drinking last year", True),
        ("yeah i have, after my dad passed i felt that way", True),
        ("yes but i'm not sure it matters", True),
        ("no, not really since the summer", False),
        ("nah i don't think that's an issue", False),
        # a hedge right after it is still a hedge
        ("yeah sometimes", HEDGE),
        ("yes and no", HEDGE),
        # "not sure" opens with "not" but is no answer
        ("not sure honestly", SKIP),
    ],
)
def test_a_yes_or_no_with_an_explanation(text, expected):
    assert same(parse_yes_no(text, hedge=HEDGE), expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("never had a fit but last time i stopped i was seeing spiders on the ceiling", True),
        ("no seizures, he just gets the sweats at night", True),
        ("no, nothing like that", False),
        ("he has never had the shakes", False),
    ],
)
def test_a_withdrawal_sign_counts_in_its_own_clause(text, expected):
    assert parse_yes_no(text, hedge=True, also_yes=WITHDRAWAL_SIGNS) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("i did outpatient counseling for a year and went right back to it", True),
        ("she tried AA and a therapist, nothing worked", True),
        ("yes", True),
        ("meetings, a couple of times, but i couldn't stay stopped", True),
        ("he saw a therapist all last year and he still drinks every weekend", True),
        ("went to AA for a year", True),
        ("i tried counseling", True),
        ("she did a few months of outpatient", True),
        ("what is AA?", UNREADABLE),  # a question in the middle of the screen, answered as one
        ("does outpatient count", UNREADABLE),
        ("i go to smart recovery and it's helping, 3 months sober", False),
        ("never tried anything like that", False),
        ("no this would be the first time", False),
        ("not sure what counts", SKIP),
    ],
)
def test_tried_before_reads_a_service_as_an_answer(text, expected):
    assert same(parse_tried_before(text), expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yes, it's just me and my cat", True),
        ("nobody drinks at my place", True),
        ("i live alone so it's fine", True),
        ("my roommates all use", False),
        ("nobody uses there but my ex shows up and gets violent", False),
        ("no, my husband drinks every night", False),
        ("not really safe, no", False),
    ],
)
def test_home_safe_reads_danger_at_home_as_not_safe(text, expected):
    assert same(parse_home_safe(text), expected)


def test_a_hedged_home_answer_is_unsure():
    assert parse_home_safe("kind of") == UNSURE


# -- withdrawal signs and daily medical care, asked as one question ---------------------
W, M = "withdrawal", "medical_daily_care"
NEITHER = {W: False, M: False}
ONLY_W = {W: True, M: False}
ONLY_M = {W: False, M: True}
BOTH = {W: True, M: True}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("no", NEITHER),
        ("nah", NEITHER),
        ("Neither", NEITHER),
        ("no to both", NEITHER),
        ("none of that", NEITHER),
        ("no, i feel fine when i stop", NEITHER),
        ("he has never had the shakes", NEITHER),
        ("no, i see my doctor once a year for a checkup", NEITHER),
        ("yes, the shakes every morning", ONLY_W),
        ("yeah i sweat a ton and can't sleep when i quit", ONLY_W),
        ("i had a seizure once when i stopped drinking", ONLY_W),
        ("no seizures, but i saw spiders on the ceiling last time", ONLY_W),
        ("Withdrawal signs", ONLY_W),
        ("sometimes i get shaky", ONLY_W),
        ("daily medical care", ONLY_M),
        ("no withdrawal, but i'm on dialysis and a nurse checks on me every day", ONLY_M),
        ("not the shakes, but she's diabetic and needs insulin shots from a nurse", ONLY_M),
        ("yes he has heart failure and home health comes daily", ONLY_M),
        ("both", BOTH),
        ("both of those, he shakes and he has cirrhosis", BOTH),
        ("he gets the shakes and a nurse changes his wound dressing daily", BOTH),
        ("yes", WHICH),
        ("yes, once", WHICH),
        ("maybe", WHICH),
        ("skip", SKIP),
        ("idk", SKIP),
        ("not sure", SKIP),
        ("purple", UNREADABLE),
        ("", UNREADABLE),
    ],
)
def test_health_question_reads_each_half(text, expected):
    assert parse_health(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the first one", ONLY_W),
        ("the withdrawal", ONLY_W),
        ("the other one", ONLY_M),
        ("the second", ONLY_M),
        ("a medical condition", ONLY_M),
        ("both", BOTH),
        ("yes", WHICH),
    ],
)
def test_which_half_after_a_bare_yes(text, expected):
    assert parse_health(text, which=True) == expected


def test_first_and_second_mean_nothing_outside_the_which_question():
    assert parse_health("the first time i tried to stop") == UNREADABLE
