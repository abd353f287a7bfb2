"""Reading the screen's answers as people type them.

"yeah", "nah", "like twice a week", "seven", "my son he's 16", "idk", or a
button's payload. Each parser returns the answer's value, SKIP when the
person chose not to answer or does not know, or UNREADABLE when the words
do not answer the question (the form then asks once more).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, List, Optional, Sequence, Tuple


class _Sentinel:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


SKIP = _Sentinel("SKIP")
UNREADABLE = _Sentinel("UNREADABLE")

# A hedged yes/no ("sometimes", "maybe") that a question does not want read
# as a yes: kept as this value, so the clinician sees it and no rule fires.
UNSURE = "unsure"


def normalize(text: Any) -> str:
    """Lower case, apostrophes dropped ("don't" -> "dont"), punctuation to spaces."""
    t = str(text or "").lower()
    t = re.sub(r"[\u2018\u2019\u02bc`']", "", t)
    t = re.sub(r"(\d)\s*%", r"\1 percent", t)
    t = re.sub(r"[^a-z0-9/+.]+", " ", t)
    t = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", t)  # keep decimal points only
    return " ".join(t.split())


def _phrase(p: str) -> str:
    return rf"(?<![a-z0-9]){p}(?![a-z0-9])"


def has(t: str, patterns: Iterable[str]) -> bool:
    """Whether the normalized text contains one of the regex patterns as whole words."""
    return any(re.search(_phrase(p), t) for p in patterns)


def first_match(t: str, table: Sequence[Tuple[str, Any]]) -> Any:
    """The value of the first (pattern, value) row whose pattern occurs in t."""
    for pattern, value in table:
        if re.search(_phrase(pattern), t):
            return value
    return None


SKIP_WORDS = [
    r"skip(ped)?( (it|this|this one|that))?",
    r"pass",
    r"next question",
    r"n/a",
    r"(id )?rather not( say| answer| tell)?",
    r"prefer not( to)?( say| answer)?",
    r"(i )?dont (want|wanna) (to )?(answer|say)",
    r"no comment",
    r"idk",
    r"dk",
    r"(i )?(dont|do not) know",
    r"dunno",
    r"(im )?not sure",
    r"unsure",
    r"no idea",
    r"no clue",
    r"(i )?cant say",
    r"hard to say",
    r"not certain",
    r"i have no idea",
]

YES_WORDS = [
    r"y",
    r"ye+s+",
    r"yes+ir",
    r"yea+h*",
    r"yeh",
    r"ya+h?",
    r"ye+p+",
    r"yu+p+",
    r"sure",
    r"ok(ay)?",
    r"k",
    r"definitely",
    r"absolutely",
    r"of course",
    r"correct",
    r"true",
    r"affirm",
    r"totally",
    r"for sure",
    r"i (do|have|am|did)",
    r"(he|she|it) (does|has|is|did)",
    r"they (do|have|are|did)",
    r"i think so",
    r"always",
    r"all the time",
    r"often",
    r"a lot",
    r"mostly",
    r"usually",
    r"every time",
]
NO_WORDS = [
    r"n",
    r"no+",
    r"nope",
    r"nah+",
    r"na",
    r"nay",
    r"never",
    r"not",
    r"none",
    r"nothing",
    r"neither",
    r"negative",
    r"deny",
    r"no way",
    r"dont",
    r"doesnt",
    r"didnt",
    r"havent",
    r"hasnt",
    r"isnt",
    r"arent",
    r"wasnt",
    r"cant",
    r"cannot",
    r"wont",
    r"do not",
    r"have not",
    r"has not",
    r"did not",
]
HEDGE_WORDS = [
    r"some ?times",
    r"sometime",
    r"kind of",
    r"kinda",
    r"sort of",
    r"sorta",
    r"a (little )?bit",
    r"a little",
    r"maybe",
    r"probably",
    r"possibly",
    r"perhaps",
    r"occasionally",
    r"at times",
    r"(every )?now and (then|again)",
    r"once in a while",
    r"once or twice",
    r"a (few|couple( of)?) times",
    r"on and off",
    r"off and on",
    r"somewhat",
    r"partly",
    r"here and there",
    r"not always",
    r"(it )?depends",
    r"rarely",
    r"hardly( ever)?",
    r"barely",
    r"not (very )?much",
    r"not often",
    r"a little bit",
    r"yes and no",
]
_YES_LEAD = re.compile(r"^(y|ye+s+|yea+h*|yeh|ya+h?|ye+p+|yu+p+|sure|ok(ay)?|definitely|absolutely|correct|affirm)$")
_NO_LEAD = re.compile(r"^(n|no+|nope|nah+|na|never|not|negative|deny)$")


def is_skip(t: str) -> bool:
    return has(t, SKIP_WORDS)


_QUESTION_START = re.compile(
    r"^(what|whats|how|hows|why|when|where|who|which|do|does|did|can|could|would|will|is|are|was|should|shall|may|"
    r"whom|whose|any|tell me)\b"
)


def looks_like_question(text: Any) -> bool:
    """A question to the assistant rather than an answer: a question mark, or a question's first word."""
    raw = str(text or "")
    return "?" in raw or bool(_QUESTION_START.match(normalize(raw)))


# Words that, before a sign in the same clause, say it is absent ("no shakes", "never had a seizure").
_NEGATORS = r"(?:no|not|never|none|nothing|without|dont|doesnt|didnt|havent|hasnt|wasnt|werent|isnt|arent|cant|nor)"
_CLAUSE_BREAK = re.compile(r"\b(?:but|though|although|except|however|only|just)\b")
# "no one" and "nobody" open a sentence without answering no ("nobody uses at home").
_NOBODY_LEAD = re.compile(r"^(no ?one|nobody|noone|not anyone|not one)\b")


def _lead(t: str) -> Optional[bool]:
    """The answer the first word gives, if it is a plain yes or no."""
    if _NOBODY_LEAD.match(t):
        return None
    first = t.split()[0]
    if _YES_LEAD.match(first):
        return True
    if _NO_LEAD.match(first):
        return False
    return None


def _signs(t: str, signs: Sequence[str], denied: bool) -> bool:
    for clause in _CLAUSE_BREAK.split(t):
        for sign in signs:
            m = re.search(_phrase(sign), clause)
            if m and bool(re.search(_phrase(_NEGATORS), clause[: m.start()])) is denied:
                return True
    return False


def sign_present(t: str, signs: Sequence[str]) -> bool:
    """Whether one of `signs` is said in a clause that does not deny it.

    "no shakes" denies; "never had a seizure but last time i saw things" does
    not deny the second clause.
    """
    return _signs(t, signs, denied=False)


def parse_yes_no(text: Any, hedge: Any = True, also_yes: Sequence[str] = ()) -> Any:
    """True, False, `hedge` for "sometimes"/"maybe", SKIP or UNREADABLE.

    `hedge` is what a hedged answer means for this question: a yes where a
    partial yes matters (thoughts of suicide, withdrawal signs), else UNSURE.
    `also_yes` are words that answer yes on their own ("shakes", "sweats").
    A plain yes or no in front decides, whatever explanation follows ("yes,
    once, when I stopped", "no, I'm not sure it matters"); only a hedge right
    after it ("yes sometimes", "yes and no") makes it a hedge.
    """
    t = normalize(text)
    if not t:
        return UNREADABLE
    words = t.split()
    if any(re.match(_phrase(p), t) for p in SKIP_WORDS):
        return SKIP  # "not sure", "no idea": the first word is not a no
    lead = _lead(t)
    if lead is not None:
        right_after = " ".join(words[1:4])
        if has(right_after, HEDGE_WORDS) or re.match(r"and (no|yes)\b", right_after):
            return hedge
        if lead is False and also_yes and sign_present(t, also_yes):
            return True  # "no seizures, but I see things when I stop"
        return lead
    if also_yes and sign_present(t, also_yes):
        return True
    if also_yes and _signs(t, also_yes, denied=True):
        return False  # "he has never had the shakes"
    if is_skip(t):
        return SKIP
    if has(t, HEDGE_WORDS):
        return hedge
    pos = has(t, YES_WORDS)
    neg = has(t, NO_WORDS)
    if pos and not neg:
        return True
    if neg and not pos:
        return False
    return UNREADABLE


WITHDRAWAL_SIGNS = [
    r"shak(es|y|ing|e)",
    r"sweat(s|s|y|ing)?",
    r"tremors?",
    r"trembl(e|es|ing)",
    r"seizures?",
    r"fits?",
    r"dts",
    r"d t s",
    r"delirium( tremens)?",
    r"hallucinat(e|es|ed|ing|ions?)",
    r"seeing things",
    r"hearing things",
    r"see(ing)? (stuff|things)",
    r"hear(ing)? (stuff|things|voices)",
    r"withdrawals?",
    r"dope ?sick",
    r"sick when",
    r"the sweats",
    r"the shakes",
    r"see(ing|s)? (bugs|spiders|snakes|people|shadows)",
    r"(bugs|spiders|things) crawling",
    r"(saw|seen) (things|stuff|bugs|spiders|people)",
    r"heard (things|voices)",
]


# -- medical safety: withdrawal signs, or daily medical care, in one question --
# Both point to the same level (inpatient / medically managed withdrawal), so the screen asks them together;
# the answer still says which, for the clinician and for the result's words.
WITHDRAWAL = "withdrawal"
MEDICAL = "medical_daily_care"
# A yes that does not say which ("yes", "yes, once"): the screen asks which one.
WHICH = _Sentinel("WHICH")

MEDICAL_SIGNS = [
    r"medical( condition| care| issue| problem| thing| stuff)?",
    r"(a |the )?condition",
    r"nurs(e|es|ing)",
    r"(doctor|dr) (every day|daily|each day)",
    r"(daily|every day) (medical )?care",
    r"diabet(es|ic)",
    r"insulin",
    r"dialysis",
    r"cirrhosis",
    r"(liver|kidney|heart|lung) (failure|disease|problems?|condition|issues?)",
    r"cancer",
    r"chemo(therapy)?",
    r"wounds?",
    r"oxygen",
    r"pregnan(t|cy)",
    r"copd",
    r"home health",
    r"(bed ?ridden|bedbound|in a wheelchair)",
]
_BOTH = [r"both( of (them|those|these))?", r"all of (it|that|them|those)", r"(the )?two of them"]
_NEITHER = [r"neither( one| of (them|those|these))?", r"none of (it|that|them|those|these)", r"no to (both|all)"]
_FIRST = [r"(the )?first( one)?", r"withdrawal"]
_SECOND = [r"(the )?second( one)?", r"(the )?(other|last)( one)?"]


def parse_health(text: Any, which: bool = False) -> Any:
    """{WITHDRAWAL: bool, MEDICAL: bool} from one answer to both questions, or WHICH, SKIP, UNREADABLE.

    A sign named and not denied is a yes to its half; the half not named is a no ("yes, I get the shakes").
    On the withdrawal half a partial yes is a yes, as the withdrawal question always read it. `which` reads
    the answer to "which one?" after a yes that did not say: "the first", "the other one".
    """
    t = normalize(text)
    if not t:
        return UNREADABLE
    if any(re.match(_phrase(p), t) for p in SKIP_WORDS):
        return SKIP
    if has(t, _NEITHER):
        return {WITHDRAWAL: False, MEDICAL: False}
    if has(t, _BOTH) and not re.match(r"^(no|not|nope|nah)\b", t):
        return {WITHDRAWAL: True, MEDICAL: True}
    withdrawal, medical = sign_present(t, WITHDRAWAL_SIGNS), sign_present(t, MEDICAL_SIGNS)
    if which and not (withdrawal or medical):
        withdrawal, medical = has(t, _FIRST), has(t, _SECOND)
    if withdrawal or medical:
        return {WITHDRAWAL: withdrawal, MEDICAL: medical}
    answer = parse_yes_no(t, hedge=True)
    if answer is True:
        return WHICH
    if answer is False or _signs(t, WITHDRAWAL_SIGNS + MEDICAL_SIGNS, denied=True):
        return {WITHDRAWAL: False, MEDICAL: False}
    return answer


# -- tried treatment before, and it did not hold ---------------------------
# An answer that names a service is an answer here, not a question about it.
TREATMENT_WORDS = [
    r"counsel+(ing|or|ors)?",
    r"therap(y|ist|ists)",
    r"outpatient",
    r"iop",
    r"php",
    r"rehab",
    r"detox",
    r"treatment",
    r"programs?",
    r"groups?",
    r"meetings?",
    r"aa",
    r"na",
    r"al ?anon",
    r"smart( recovery)?",
    r"12 ?step",
    r"sponsor",
    r"psychiatrist",
    r"(a|my|the|his|her) (doctor|dr)",
    r"suboxone|methadone|vivitrol|naltrexone",
    r"sober living",
]
_NOT_HELD = [
    r"(didnt|did not|doesnt|does not|never) (work|help|stick|last|hold)",
    r"(wasnt|was not|isnt|is not) (working|helping|enough)",
    r"nothing (stuck|worked|helped|changed)",
    r"relaps(e|ed|ing)",
    r"(went|go|going|got) back( to (it|using|drinking))?",
    r"back (to|on) (it|using|drinking)",
    r"(started|using|drinking) again",
    r"(couldnt|could not|cant|cannot|wasnt able to) (stop|stay|quit|cut|keep)",
    r"(kept|keeps|still) (using|drinking|going back)",
    r"still (drinks?|drank|uses?|used|smokes?|gets? high)",
    r"(dropped|drop|fell|falls) (out|off)",
    r"(quit|stopped) going",
    r"lasted",
    r"only (lasted|made it)",
]
_HOLDING = [
    r"(is|are|its|theyre|been) (working|helping|going well)",
    r"(clean|sober) (for|since)",
    r"\d+ (days|weeks|months|years) (clean|sober)",
]
_NEVER_TRIED = [
    r"(never|havent|have not|not) (tried|been|done|gone)",
    r"first time",
    r"nothing yet",
    r"no (treatment|help) (yet|before|ever)",
]


def parse_tried_before(text: Any) -> Any:
    """Tried outpatient care or support groups and could not cut down or stay stopped: True, False, UNSURE..."""
    t = normalize(text)
    if not t:
        return UNREADABLE
    if has(t, _NOT_HELD):
        return True
    tried = has(t, TREATMENT_WORDS)
    if tried and has(t, _HOLDING):
        return False  # "NA is working, 6 weeks clean"
    if has(t, _NEVER_TRIED):
        return False
    answer = parse_yes_no(t, hedge=UNSURE)
    if answer is UNREADABLE and tried and not looks_like_question(text):
        return True  # "went to AA for a year": naming what was tried, and not that it holds, answers yes
    return answer


# -- is home a safe place to recover ---------------------------------------
_UNSAFE_HOME = [
    r"violen(t|ce)",
    r"(hits|hit|beats|beat|hurts|hurt|chokes|choked|threatens|threatened) (me|her|him|us|them)",
    r"abus(e|es|ed|ive)",
    r"(not|isnt|never) safe",
    r"unsafe",
    r"scar(y|ed|es)",
    r"afraid",
    r"(everyone|everybody|they|he|she|roommates?|parents?|mom|dad|husband|wife|partner|boyfriend|girlfriend) "
    r"(all )?(uses?|using|drinks?|drinking|deals?|dealing|gets? high|smokes?)",
    r"(drugs|dealing|using|drinking) (in|at) (the )?(house|home|apartment|place)",
]
_SAFE_HOME = [
    r"(no ?one|nobody|noone|not anyone) (uses?|using|drinks?|drinking)",
    r"(its|is|feels|home is|house is) (safe|fine|good|ok|okay|quiet)",
    r"safe (there|at home|enough)",
    r"(live|living) alone",
]


def parse_home_safe(text: Any) -> Any:
    """Whether home is a safe place to recover (no one using there, no violence): True, False, UNSURE..."""
    t = normalize(text)
    if not t:
        return UNREADABLE
    unsafe = [c for c in _CLAUSE_BREAK.split(t) if has(c, _UNSAFE_HOME) and not has(c, _SAFE_HOME)]
    if unsafe:
        return False  # any danger at home outweighs the rest ("nobody uses, but he gets violent")
    if has(t, _SAFE_HOME):
        return True
    return parse_yes_no(t, hedge=UNSURE)


# -- who the screen is for --------------------------------------------------
SELF = "self"
OTHER = "other"

_OTHER_WORDS = [
    r"son",
    r"daughter",
    r"kids?",
    r"child(ren)?",
    r"boy",
    r"girl",
    r"teen(ager)?",
    r"step ?(son|daughter|kid)",
    r"husband",
    r"wife",
    r"spouse",
    r"partner",
    r"boy ?friend",
    r"girl ?friend",
    r"bf",
    r"gf",
    r"fiance(e)?",
    r"mom",
    r"mum",
    r"mother",
    r"dad",
    r"father",
    r"parents?",
    r"brother",
    r"sister",
    r"sibling",
    r"bro",
    r"sis",
    r"cousin",
    r"uncle",
    r"aunt(ie)?",
    r"nephew",
    r"niece",
    r"grand ?(son|daughter|child|ma|pa|mother|father)",
    r"friend",
    r"bestie",
    r"room ?mate",
    r"co ?worker",
    r"loved one",
    r"family( member)?",
    r"relative",
    r"client",
    r"patient",
    r"employee",
    r"someone( else)?",
    r"somebody( else)?",
    r"another person",
    r"(for )?(him|her|them)",
    r"not me",
    r"other",
    r"someone i care about",
    r"someone i love",
]
# "i" and "im" lead "im asking for my son" too, so only these settle it up front.
_SELF_LEAD = re.compile(r"^(me|myself|self|mine|its me|its for me|for me|just me|only me)\b")
_SELF_WORDS = [r"me", r"myself", r"self", r"i", r"im", r"mine", r"my ?self", r"i am"]


def parse_who(text: Any) -> Any:
    """SELF ("me") or OTHER ("my son", "someone I care about")."""
    t = normalize(text)
    if not t:
        return UNREADABLE
    if is_skip(t):
        return SKIP
    if re.match(r"^(not me|not for me)\b", t):
        return OTHER
    if _SELF_LEAD.match(t):
        return SELF
    if has(t, _OTHER_WORDS):
        return OTHER
    if has(t, _SELF_WORDS):
        return SELF
    return UNREADABLE


# -- age ---------------------------------------------------------------------
ADULT = "adult"
MINOR = "minor"

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_DECADES = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}


def numbers_in(t: str) -> List[float]:
    """Numbers written as digits or words, in order: "thirty four" -> 34."""
    out: List[float] = []
    words = t.split()
    i = 0
    while i < len(words):
        w = words[i]
        m = re.match(r"^(\d+(?:\.\d+)?)", w)
        if m:
            out.append(float(m.group(1)))
        elif w in _TENS:
            value = _TENS[w]
            if i + 1 < len(words) and words[i + 1] in _UNITS and 0 < _UNITS[words[i + 1]] < 10:
                value += _UNITS[words[i + 1]]
                i += 1
            out.append(float(value))
        elif w in _UNITS:
            out.append(float(_UNITS[w]))
        i += 1
    return out


_MINOR_LIMITS = [
    r"under (18|eighteen)",
    r"(younger|less) than (18|eighteen)",
    r"below (18|eighteen)",
    r"not (yet )?(18|eighteen)",
    r"under ?age",
    r"not an adult",
    r"not (yet )?(a )?grown ?up",
]
_ADULT_LIMITS = [
    r"(over|above|older than) (18|eighteen)",
    r"(18|eighteen) (or|and) (over|older|up|above)",
    r"18\+",
    r"(18|eighteen) plus",
    r"at least (18|eighteen)",
]
_MINOR_WORDS = [
    r"minor",
    r"teen(ager|age)?s?",
    r"adolescent",
    r"high ?school(er)?",
    r"middle ?school",
    r"junior high",
    r"juvenile",
]
_ADULT_WORDS = [r"adult", r"grown( ?up)?", r"of age", r"retired", r"senior", r"college", r"middle aged"]


def parse_age(text: Any, yes_no: bool = True) -> Any:
    """ADULT or MINOR from "im 34", "he's 16", "under 18", "a teenager".

    The question asks "18 or older?", so a plain yes or no answers it too;
    `yes_no=False` reads only ages, for text that answered another question.
    """
    t = normalize(text)
    if not t:
        return UNREADABLE
    if has(t, _MINOR_LIMITS):
        return MINOR
    if has(t, _ADULT_LIMITS):
        return ADULT
    decade = re.search(r"(?<![a-z0-9])([1-9]0)s(?![a-z0-9])", t)
    if decade:
        return MINOR if int(decade.group(1)) < 18 else ADULT
    for word in _DECADES:
        if has(t, [word]):
            return ADULT
    ages = [n for n in numbers_in(t) if 5 <= n <= 120]
    if ages:
        return MINOR if ages[0] < 18 else ADULT
    if is_skip(t):
        return SKIP
    if has(t, _MINOR_WORDS):
        return MINOR
    if has(t, _ADULT_WORDS):
        return ADULT
    if yes_no:
        answer = parse_yes_no(t, hedge=UNREADABLE)
        if answer is True:
            return ADULT
        if answer is False:
            return MINOR
    return UNREADABLE


# -- PHQ-2 items: over the last two weeks, how often ---------------------------
_PHQ_TABLE: Tuple[Tuple[str, int], ...] = (
    (r"not at all", 0),
    (r"not really", 0),
    (r"not once", 0),
    (r"not (very )?often", 1),
    (r"not much", 1),
    (r"not (every|each) day", 2),
    (r"not always", 2),
    (r"not all the time", 2),
    (r"(nearly|almost|pretty much|just about) (every|each) ?day", 3),
    (r"(nearly|almost) daily", 3),
    (r"more than half( of)?( the)?( days| time)?", 2),
    (r"over half", 2),
    (r"half (the|of the) (days|time)", 2),
    (r"most (days|of the time|of the days)", 2),
    (r"majority", 2),
    (r"more often than not", 2),
    (r"every ?day", 3),
    (r"every single day", 3),
    (r"daily", 3),
    (r"each day", 3),
    (r"all (day|the time)", 3),
    (r"always", 3),
    (r"constantly", 3),
    (r"non ?stop", 3),
    (r"24/7", 3),
    (r"every waking", 3),
    (r"several days", 1),
    (r"(a )?few days", 1),
    (r"some days", 1),
    (r"a couple( of)?( days)?", 1),
    (r"some ?times", 1),
    (r"occasionally", 1),
    (r"once in a while", 1),
    (r"(every )?now and (then|again)", 1),
    (r"once or twice", 1),
    (r"here and there", 1),
    (r"on and off", 1),
    (r"off and on", 1),
    (r"rarely", 1),
    (r"a (little )?bit", 1),
    (r"a little", 1),
    (r"kind of", 1),
    (r"kinda", 1),
    (r"sort of", 1),
    (r"somewhat", 1),
    (r"often", 2),
    (r"a lot", 2),
    (r"lots", 2),
    (r"many days", 2),
    (r"frequently", 2),
    (r"usually", 2),
    (r"quite a (bit|lot)", 2),
    (r"most", 2),
    (r"never", 0),
    (r"none", 0),
    (r"nothing", 0),
    (r"no+", 0),
    (r"nope", 0),
    (r"nah+", 0),
    (r"zero", 0),
    (r"(im|i am|ive been) (fine|ok|okay|good)", 0),
    # A bare yes says it happened, not how often: the least it can mean.
    (r"ye+s+|yea+h*|yep|yup|ya+h?|yeh|i have|they have|he has|she has", 1),
)


def parse_phq_item(text: Any) -> Any:
    """0-3 as the PHQ-2 scores it: not at all, several days, more than half, nearly every day."""
    t = normalize(text)
    if not t:
        return UNREADABLE
    if is_skip(t):
        return SKIP
    days = re.search(_phrase(r"(?P<n>\d+|" + "|".join(_UNITS) + r") (?:days?|times)(?P<week> (a|per|each) week)?"), t)
    if days:
        n = numbers_in(days.group("n"))[0] * (2 if days.group("week") else 1)  # the PHQ asks about two weeks
        return 0 if n == 0 else 1 if n < 7 else 2 if n < 12 else 3
    if re.fullmatch(r"[0-3]", t):
        return int(t)
    value = first_match(t, _PHQ_TABLE)
    return UNREADABLE if value is None else value


# -- how often using now -------------------------------------------------------
DAILY = "daily"
WEEKLY = "weekly"
LESS = "less"
NONE = "none"

_DAY_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365}
_COUNT = (
    r"(?P<n>\d+|a|an|once|twice|thrice|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|a few|a couple(?: of)?|few|couple(?: of)?|several)"
)


def _count(word: str) -> float:
    word = word.replace(" of", "")
    if word in ("a", "an", "once"):
        return 1
    if word == "twice":
        return 2
    if word == "thrice":
        return 3
    if word in ("a few", "few", "several"):
        return 3
    if word in ("a couple", "couple"):
        return 2
    found = numbers_in(word)
    return found[0] if found else 1


def _stopped_days(t: str) -> Optional[float]:
    """Days since stopping, from "quit 2 weeks ago" or "sober for 10 days"."""
    if not has(
        t,
        [
            r"stopped",
            r"quit",
            r"sober",
            r"clean",
            r"abstinent",
            r"last (used|drank|drink|use|time)",
            r"havent (used|drank|had)",
            r"have not (used|drank|had)",
            r"since",
        ],
    ):
        return None
    m = re.search(_phrase(_COUNT + r" (?P<unit>days?|weeks?|months?|years?)"), t)
    if not m:
        return None
    return _count(m.group("n")) * _DAY_UNITS[m.group("unit")]


_FREQUENCY_TABLE: Tuple[Tuple[str, str], ...] = (
    (r"not (in|for) (the )?(last|past) (30 days|thirty days|month|few months|couple( of)? months|year)", NONE),
    (r"not (any ?more|anymore|at the moment|right now|currently)", NONE),
    (r"no longer", NONE),
    (r"(havent|have not|dont|do not|not) (been )?(us(ed|ing|e)|drink(ing)?|drank|drunk)", NONE),
    (r"every other (day|night)", WEEKLY),
    (r"every other week", LESS),
    (r"every (few|couple( of)?) weeks", LESS),
    (r"(nearly|almost|pretty much|just about) (every|each) ?(day|night)", DAILY),
    (r"most (days|nights)", DAILY),
    (r"every ?(day|night|morning|evening)", DAILY),
    (r"each (day|night)", DAILY),
    (r"(nearly |almost )?daily", DAILY),
    (r"nightly", DAILY),
    (r"all day", DAILY),
    (r"all the time", DAILY),
    (r"constantly", DAILY),
    (r"24/7", DAILY),
    (r"non ?stop", DAILY),
    (r"(a|per) day", DAILY),
    (r"(a|per|each|every) week(end)?", WEEKLY),
    (r"weekly", WEEKLY),
    (r"(on )?(the )?weekends?", WEEKLY),
    (r"every (saturday|sunday|friday|monday|tuesday|wednesday|thursday)", WEEKLY),
    (r"(a|per|each|every) (month|year)", LESS),
    (r"monthly", LESS),
    (r"less( often| than (that|weekly|monthly))?", LESS),
    (r"rarely", LESS),
    (r"once in a while", LESS),
    (r"occasionally", LESS),
    (r"hardly( ever)?", LESS),
    (r"(every )?now and (then|again)", LESS),
    (r"special occasions?", LESS),
    (r"holidays", LESS),
    (r"not (very )?often", LESS),
    (r"not much", LESS),
    (r"stopped|quit|sober|clean|abstinent", NONE),
    (r"never|none|nothing|not at all|no+|nope|nah+|zero", NONE),
)


def parse_frequency(text: Any) -> Any:
    """DAILY, WEEKLY, LESS (than weekly) or NONE (not in the last 30 days)."""
    t = normalize(text)
    if not t:
        return UNREADABLE
    # Counted answers first: "idk, like twice a week" is still twice a week.
    stopped = _stopped_days(t)
    if stopped is not None:
        return NONE if stopped >= 30 else LESS
    per = re.search(_phrase(_COUNT + r" ?(?:x|times?)? (?:a|per|each|every|in a) (?P<unit>day|week|month)"), t)
    if per:
        n, unit = _count(per.group("n")), per.group("unit")
        if unit == "day":
            return DAILY
        if unit == "week":
            return DAILY if n >= 5 else WEEKLY
        return WEEKLY if n >= 4 else LESS
    days_a_week = re.search(_phrase(_COUNT + r" (?:days|nights) (?:a|per|each) week"), t)
    if days_a_week:
        return DAILY if _count(days_a_week.group("n")) >= 5 else WEEKLY
    if is_skip(t):
        return SKIP
    if t in ("0", "zero"):
        return NONE
    value = first_match(t, _FREQUENCY_TABLE)
    return UNREADABLE if value is None else value


# -- a number on a scale ---------------------------------------------------
_SCALE_LOW = [r"not (ready )?at all", r"not ready( at all)?", r"zero"]
_SCALE_HIGH = [
    r"completely( ready)?",
    r"totally( ready)?",
    r"fully( ready)?",
    r"very ready",
    r"so ready",
    r"more than ready",
    r"100 percent",
    r"absolutely( ready)?",
    r"super ready",
    r"ready as ever",
]


def parse_scale(text: Any, low: int = 0, high: int = 10) -> Any:
    """A whole number from low to high: "7", "seven", "like a 6", "8/10", "6 or 7" (the first)."""
    t = normalize(text)
    if not t:
        return UNREADABLE
    percent = re.search(r"(\d+) percent", t)
    if percent and high == 10 and 0 <= int(percent.group(1)) <= 100:
        return round(int(percent.group(1)) / 10)
    found = numbers_in(re.sub(r"/\s*\d+|out of \d+|outta \d+", " ", t))
    if found:
        value = int(found[0])
        return value if low <= value <= high else UNREADABLE
    if is_skip(t):
        return SKIP
    if has(t, _SCALE_LOW):
        return low
    if not has(t, [r"not"]) and has(t, _SCALE_HIGH):
        return high
    return UNREADABLE


# -- could attend the hours --------------------------------------------------
MORNINGS = "mornings"
EVENINGS = "evenings"

_MORNING_WORDS = [r"mornings?", r"daytime", r"during the day"]
_EVENING_WORDS = [r"evenings?", r"nights?", r"after work", r"after school"]


def parse_attendance(text: Any) -> Any:
    """MORNINGS, EVENINGS, True (yes, either), False, UNSURE, SKIP or UNREADABLE."""
    t = normalize(text)
    if not t:
        return UNREADABLE
    if is_skip(t):
        return SKIP
    mornings = has(t, _MORNING_WORDS) and not has(t, [r"(no|not) (in the )?mornings?"])
    evenings = has(t, _EVENING_WORDS) and not has(t, [r"(no|not) (in the )?(evenings?|nights?)"])
    answer = parse_yes_no(t, hedge=UNSURE)
    if answer is False and not re.match(r"^(no|nope|nah)\b.*\b(but|only|except)\b", t):
        return False
    if has(t, [r"either", r"both", r"any ?time", r"whenever", r"any of (them|those)", r"(any|either) works"]):
        return True
    if mornings and evenings:
        return True
    if mornings:
        return MORNINGS
    if evenings:
        return EVENINGS
    return answer
