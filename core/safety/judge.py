"""Steps 3 and 4: judge each match in its clause (negation, past, generic
subject, idiom), then decide. `assess` is the one entry point and never raises.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Pattern, Sequence, Tuple

from core.safety.normalise import normalise
from core.safety.rules import REL, RULES, SELF, SENDER, THIRD, WITNESS, Rule

log = logging.getLogger(__name__)

CATEGORIES = ("suicide", "self_harm", "overdose", "medical", "violence")


@dataclass(frozen=True)
class Assessment:
    is_crisis: bool
    about_other: bool  # the person in danger is someone else ("my friend took a bottle of pills")
    category: Optional[str]  # one of CATEGORIES; None when not a crisis
    matched: Optional[str]  # short label and snippet for staff; None when not a crisis


NOT_CRISIS = Assessment(False, False, None, None)

# Only the start and the end of a huge paste are read: a message is a chat or an SMS,
# and the bound keeps the check fast whatever arrives.
_MAX_CHARS = 20000


_PUNCT = {",", ".", "?"}
_CONJUNCTIONS = {"and", "but", "so", "because", "though", "although", "however", "then", "yet", "plus", "also"}
_QUESTION_STARTS = {
    "do",
    "does",
    "did",
    "can",
    "could",
    "would",
    "will",
    "is",
    "are",
    "was",
    "were",
    "what",
    "how",
    "why",
    "when",
    "where",
    "who",
    "which",
    "should",
    "shall",
    "may",
    "any",
    "anyone",
    "anybody",
    "if",
    "whats",
    "hows",
}
_SELF_WORDS = {"i", "me", "my", "myself", "mine", "we", "us", "our"}
_OTHER_WORDS = {
    "he",
    "she",
    "they",
    "him",
    "her",
    "them",
    "his",
    "hers",
    "their",
    "himself",
    "herself",
    "themselves",
    "guy",
    "girl",
    "man",
    "woman",
    "lady",
    "dude",
    "boy",
} | set(REL[3:-1].split("|"))
_GENERIC_WORDS = {
    "someone",
    "somebody",
    "anyone",
    "anybody",
    "people",
    "person",
    "persons",
    "patients",
    "patient",
    "clients",
    "client",
    "folks",
    "individuals",
    "you",
    "your",
    "yourself",
    "one",
    "those",
    "members",
    "adults",
    "adolescents",
    "teens",
    "teenagers",
    "users",
    "addicts",
    "alcoholics",
    "veterans",
    "kids",
    "children",
    "youth",
    "loved",
}
_POSSESSIVES = {"my", "our", "his", "her", "their"}
_THEY = {"they", "them", "their", "themselves"}
_NOBODY = {"nobody", "none"}
# Subjects that make a violent phrase an idiom ("it hit me", "my boss will kill me").
_NEUTRAL_WORDS = {
    "it",
    "this",
    "that",
    "reality",
    "grief",
    "life",
    "work",
    "job",
    "boss",
    "manager",
    "supervisor",
    "teacher",
    "coach",
    "sponsor",
    "professor",
    "counselor",
    "therapist",
    "landlord",
    "bank",
    "wallet",
    "commute",
    "traffic",
    "heat",
    "drinking",
    "using",
    "withdrawal",
    "cravings",
    "guilt",
    "shame",
}
_NEGATIONS = {
    "not",
    "never",
    "dont",
    "doesnt",
    "didnt",
    "wont",
    "wouldnt",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "havent",
    "hasnt",
    "aint",
    "nor",
    "neither",
    "without",
    "no",
    "stopped",
    "quit",
    "nobody",
}
# "not even joking, ...", "i dont know why i ...": the negation is about something else.
_NEGATION_RELEASED_BY = {
    "know",
    "care",
    "mean",
    "lie",
    "lying",
    "joke",
    "joking",
    "kid",
    "kidding",
    "sure",
    "understand",
    "matter",
    "okay",
    "ok",
    "fine",
    "well",
    "good",
}
_NEGATION_RELEASED_FIRST = {"stop", "even", "able", "see"}
_PRONOUNS = {"i", "he", "she", "they", "we", "you", "it"}

_PAST_RE = re.compile(
    r"\b(?:(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|few|couple|couple of|some) "
    r"(?:\w+ )?(?:years?|decades?) (?:ago|back|now|clean|sober)|years ago|last year|months ago|a few months back|"
    r"in (?:19|20)\d\d|since (?:19|20)\d\d|back in|back then|when (?:i|we|he|she|they) (?:was|were) "
    r"(?:a|\d+|young|younger|little|in|growing|using|drinking|\w+ing)|as a (?:kid|child|teen|teenager|young)|"
    r"growing up|"
    r"in (?:high school|college|middle school|junior high|my teens|my twenties|my 20s|my thirties|my youth)|"
    r"used to|in the past|long time ago|a long time|a while (?:ago|back)|history of|previously|clean since|"
    r"sober since|been (?:clean|sober|free)|(?:clean|sober) (?:for|from)|years (?:clean|sober)|months (?:clean|sober)|"
    r"in recovery|survived|survivor|(?:havent|have not|hasnt) (?:in|since)|it has been (?:a long time|years)|"
    r"its been (?:a long time|years)|last time|recovered|healed|before i got (?:clean|sober)|"
    r"(?:didnt|did not|never) happen again)\b|\bbefore ?$"
)
_PRESENT_RE = re.compile(
    r"\b(?:again|right now|now|tonight|today|currently|this time|at the moment|as we speak|"
    r"this morning|this evening|this afternoon)\b"
)
# For a generic subject ("someone"): something that places the danger here and now.
_HERE_NOW_RE = re.compile(
    r"\b(?:right now|now|currently|tonight|at the moment|as we speak|here|just|"
    r"in front of me|next to me|with me|at this|at my|in my|at the|this party|outside|"
    r"in the (?:bathroom|house|car|room|hallway|street|parking lot|kitchen)|at (?:work|school))\b"
)
_HYPOTHETICAL = {"if", "when", "whether", "case", "after", "during", "once", "whenever"}
_RELATIVE = {"who", "that", "which", "with", "whos", "whose", "if", "when", "whether", "after", "during", "once"}
_SINGULAR_GENERIC = {"someone", "somebody", "anyone", "anybody", "person"}
_LAUGH_RE = re.compile(r"\b(?:lol|lmao|lmfao|haha+|hehe|jk|rofl)\b")

# Phrases that contain a rule's words but mean something else; a match inside one is dropped.
_NEUTRALISERS: Sequence[Pattern[str]] = [
    re.compile(p)
    for p in (
        r"\b(?:died|dying|death|deaths|passed away|lost (?:\w+ ){0,3}to|loss to|losing (?:\w+ ){0,3}to) "
        r"(?:by |to |from |of |after )?(?:an |a |his |her |their )?(?:suicide|overdose|overdosing|od)\b",
        r"\b(?:scared|afraid|worried|terrified|fear|fears|nervous|risk) (?:of|about) (?:an |another )?"
        r"(?:overdose|overdosing|relapse|relapsing)\b",
        r"\bsigns? (?:of|that) (?:an |a )?(?:overdose|overdosing|withdrawal|seizure)\b",
        r"\b(?:dying|die|dead|killing|kill) (?:to|for) (?:know|see|get|start|try|hear|a|some|my|the)\b",
        r"\b(?:phone|battery|car|laptop|plant|plants|conversation|party|chat) (?:is |was )?(?:dying|dead|died)\b",
        r"\b(?:almost|nearly) (?:died|had a heart attack|killed)\b",
        r"\boverdos\w* on (?:netflix|tv|television|chocolate|sugar|caffeine|coffee|candy|sweets|pizza|youtube|tiktok|"
        r"shows|work|love|sunshine|carbs|cake|cookies|junk food|video games|games|anime|memes|true crime|podcasts)\b",
    )
]
_CATEGORY_NEUTRALISERS: Dict[str, Pattern[str]] = {
    # accidents and chores are not self-harm
    "self_harm": re.compile(
        r"\b(?:under control|well managed|in remission|"
        r"accident|accidentally|by mistake|shaving|cooking|on the stove|on the oven|"
        r"in the kitchen|making dinner|chopping|at the gym|working out|playing|lifting|fell|"
        r"slipped|tripped|practice)\b"
    ),
    # urges and thoughts that are under control are history for the clinician, not a crisis now
    "suicide": re.compile(r"\b(?:under control|well managed|in remission)\b"),
    # taking medicine as prescribed is not an overdose
    "overdose": re.compile(
        r"\b(?:as prescribed|like i am supposed to|like (?:i was|i am|im) told|"
        r"like (?:the|my) doctor (?:said|told me|prescribed)|on time|on schedule)\b"
    ),
}
# A past event said to be coming back ("i used to cut ... i want to do it again").
_RECURRENCE_RE = re.compile(
    r"\b(?:want|wanna|urge|urges|tempted|started|starting|start|doing|did|done|took|thinking|feel|feeling|going|"
    r"gonna|relapsed|back to)\b(?:\s+\S+){0,8}?\s+\bagain\b"
    r"|\b(?:it is|its|they are|theyre|thoughts are|urges are|feelings are) (?:all )?(?:back|coming back)\b"
)
_CATEGORY_ORDER = {"suicide": 0, "overdose": 1, "self_harm": 2, "violence": 3, "medical": 4}


@dataclass
class _Hit:
    rule: Rule
    start: int
    end: int
    about_other: bool
    snippet: str


def _tokenise(text: str) -> Tuple[List[str], List[int]]:
    tokens: List[str] = []
    starts: List[int] = []
    for m in re.finditer(r"\S+", text):
        tokens.append(m.group(0))
        starts.append(m.start())
    return tokens, starts


def _is_boundary(token: str) -> bool:
    return token in _PUNCT or token in _CONJUNCTIONS


def _clause_bounds(tokens: List[str], first: int, last: int) -> Tuple[int, int]:
    start = first
    while start > 0 and not _is_boundary(tokens[start - 1]):
        start -= 1
    end = last
    while end + 1 < len(tokens) and not _is_boundary(tokens[end + 1]):
        end += 1
    return start, end


def _negated(tokens: List[str], clause_start: int, first: int) -> bool:
    window_start = max(clause_start, first - 5)
    for j in range(first - 1, window_start - 1, -1):
        word = tokens[j]
        if word not in _NEGATIONS:
            continue
        if word == "no" and j + 1 < first and tokens[j + 1] in ("way", "matter", "one", "idea"):
            continue
        between = tokens[j + 1 : first]
        if between and (between[0] in _NEGATION_RELEASED_FIRST or any(t in _NEGATION_RELEASED_BY for t in between)):
            return False
        if any(t in _PRONOUNS for t in between):
            return False
        return True
    return False


def _subject(tokens: List[str], first: int, limit: int = 15) -> Tuple[str, int]:
    """The nearest word before the match that says who: self, other, generic, nobody, neutral or none."""
    other_sentence = False
    for j in range(first - 1, max(-1, first - 1 - limit), -1):
        word = tokens[j]
        prev = tokens[j - 1] if j > 0 else ""
        if word in (".", "?"):
            # a person named in an earlier sentence may still be the subject; a generic word may not
            other_sentence = True
            continue
        if word in _NOBODY:
            if other_sentence:
                continue
            return "nobody", j
        if word in _SELF_WORDS:
            return "self", j
        if word in _GENERIC_WORDS and other_sentence and prev not in _POSSESSIVES:
            continue
        if word in _GENERIC_WORDS:
            if prev in _POSSESSIVES:
                return "other", j
            if word == "loved" and j + 1 < len(tokens) and tokens[j + 1] == "one":
                return "generic", j
            if word == "loved":
                continue
            return "generic", j
        if word in _OTHER_WORDS:
            if prev in ("a", "an", "any", "some") and word in ("friend", "kid", "teen", "teenager", "child", "person"):
                return "generic", j
            if word in _THEY:
                # "if someone in group says they want to ...": they is the generic someone
                for k in range(j - 1, max(-1, j - 8), -1):
                    if tokens[k] in _PUNCT:
                        break
                    if (
                        tokens[k] in _GENERIC_WORDS
                        and tokens[k] != "you"
                        and (k == 0 or tokens[k - 1] not in _POSSESSIVES)
                    ):
                        return "generic", k
            return "other", j
        if word in _NEUTRAL_WORDS:
            return "neutral", j
    return "none", -1


def _judge(
    rule: Rule, text: str, tokens: List[str], starts: List[int], m: "re.Match[str]", neutral: List[Tuple[int, int]]
) -> Tuple[Optional[_Hit], bool]:
    """A hit if the match means danger; the flag says it was dropped only for being in the past."""
    span_start, span_end = m.span()
    snippet = m.group(0).strip(" ,.?")
    # token indices covering the match
    first = max(0, bisect.bisect_right(starts, span_start) - 1)
    if starts[first] + len(tokens[first]) <= span_start and first + 1 < len(tokens):
        first += 1
    last = first
    while last + 1 < len(tokens) and starts[last + 1] < span_end:
        last += 1
    while first < last and tokens[first] in _PUNCT:
        first += 1
    c_start, c_end = _clause_bounds(tokens, first, last)
    clause = " ".join(tokens[c_start : c_end + 1])

    if any(n_start < span_end and span_start < n_end for n_start, n_end in neutral):
        return None, False
    category_neutraliser = _CATEGORY_NEUTRALISERS.get(rule.category)
    if category_neutraliser is not None and category_neutraliser.search(clause):
        return None, False
    if rule.hyperbole_prone and _LAUGH_RE.search(clause):
        return None, False
    if _negated(tokens, c_start, first):
        return None, False

    # distant past, unless the clause itself says it is happening again or now
    scope = clause
    if (
        c_start >= 2
        and tokens[c_start - 1] == ","
        and c_start - _clause_bounds(tokens, c_start - 2, c_start - 2)[0] <= 6
    ):
        scope = " ".join(tokens[_clause_bounds(tokens, c_start - 2, c_start - 2)[0] : c_start]) + " " + scope
    if c_end + 2 < len(tokens) and tokens[c_end + 1] == ",":
        f_start, f_end = _clause_bounds(tokens, c_end + 2, c_end + 2)
        if f_end - f_start <= 5:
            scope = scope + " " + " ".join(tokens[f_start : f_end + 1])
    if _PAST_RE.search(scope) and not _PRESENT_RE.search(clause):
        return None, True

    question = tokens[c_start] in _QUESTION_STARTS if c_start < len(tokens) else False
    prefix = tokens[c_start:first]
    who, at = _subject(tokens, first)
    if rule.who == SELF:
        if who == "nobody":
            return None, False
        if rule.needs_subject and who in ("none", "neutral", "self"):
            return None, False
        if rule.category == "violence" and who == "neutral":
            return None, False
        return _Hit(rule, span_start, span_end, False, snippet), False
    if rule.who == SENDER:
        if who not in ("self", "none") and not snippet.startswith("i "):
            return None, False
        return _Hit(rule, span_start, span_end, False, snippet), False

    if who == "nobody":
        return None, False
    if rule.needs_subject and who in ("none", "neutral"):
        return None, False
    if who == "generic" and not rule.always:
        # "someone overdosed in the bathroom" reports an event; "people who have had
        # suicidal thoughts", "what if someone ..." and "when you stop drinking" do not.
        relative = any(t in _RELATIVE for t in tokens[at + 1 : first]) or any(t in _HYPOTHETICAL for t in prefix)
        lenient = question or relative or tokens[at] not in _SINGULAR_GENERIC
        if lenient and not (_HERE_NOW_RE.search(clause) and not question):
            return None, False
    if question and not rule.always and rule.category in ("overdose", "medical", "violence"):
        hypothetical = any(t in _HYPOTHETICAL for t in prefix)
        if who == "none" or (hypothetical and not _PRESENT_RE.search(clause)):
            return None, False

    if rule.who == WITNESS:
        about_other = True
    elif rule.who == THIRD:
        about_other = who != "self" or any(
            t in ("himself", "herself", "themselves", "him", "her", "them") for t in snippet.split()
        )
    elif who == "other":
        about_other = True
    elif who == "none" or who == "neutral":
        about_other = rule.default_other
    else:
        about_other = False
    return _Hit(rule, span_start, span_end, about_other, snippet), False


_ALL_KEYS = tuple(sorted({key for rule in RULES for key in rule.keys}))
_RULE_KEYS = [(rule, frozenset(rule.keys)) for rule in RULES]


def _assess_form(text: str) -> Tuple[List[_Hit], List[Tuple[Rule, int]]]:
    present = {key for key in _ALL_KEYS if key in text}
    tokens: List[str] = []
    starts: List[int] = []
    neutral: Optional[List[Tuple[int, int]]] = None
    hits: List[_Hit] = []
    past: List[Tuple[Rule, int]] = []
    for rule, keys in _RULE_KEYS:
        if keys.isdisjoint(present):
            continue
        for m in rule.regex.finditer(text):
            if neutral is None:
                tokens, starts = _tokenise(text)
                neutral = [n.span() for neutraliser in _NEUTRALISERS for n in neutraliser.finditer(text)]
            hit, was_past = _judge(rule, text, tokens, starts, m, neutral)
            if hit is not None:
                hits.append(hit)
            elif was_past:
                past.append((rule, m.end()))
    return hits, past


def _decide(hits: List[_Hit]) -> Assessment:
    best = min(hits, key=lambda h: (_CATEGORY_ORDER.get(h.rule.category, 9), h.start))
    about_other = all(h.about_other for h in hits)
    snippet = best.snippet if len(best.snippet) <= 60 else best.snippet[:57] + "..."
    return Assessment(True, about_other, best.rule.category, f"{best.rule.label}: {snippet}")


def _assess(text: str) -> Assessment:
    if len(text) > _MAX_CHARS:
        half = _MAX_CHARS // 2
        text = text[:half] + "\n" + text[-half:]
    past_seen: List[Tuple[Rule, str, int]] = []
    for form in normalise(text):
        hits, past = _assess_form(form)
        if hits:
            return _decide(hits)
        past_seen.extend((rule, form, end) for rule, end in past)
    for rule, form, end in past_seen:
        if rule.category in ("suicide", "self_harm", "overdose"):
            again = _RECURRENCE_RE.search(form, end)
            if again:
                tokens = form[again.start() :].split()
                before = form[max(0, again.start() - 30) : again.start()].split()[-3:]
                if not any(t in _NEGATIONS for t in before + tokens[:1]):
                    return Assessment(True, False, rule.category, f"{rule.label}, again: {again.group(0)[:40]}")
    return NOT_CRISIS


# Used only if the careful path itself fails: a blunt check so a bug never silences a cry for help.
_FALLBACK_RE = re.compile(
    r"suicid|kill (?:my|him|her)self|kms|unalive|want(?:s)? to die|overdos|not breathing|"
    r"self.?harm|cut(?:ting)? myself|end (?:my|his|her) life|seiz"
)


def assess(text: str) -> Assessment:
    """Whether a visitor's message may mean that someone is in danger now. Never raises."""
    try:
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        if not text.strip():
            return NOT_CRISIS
        return _assess(text)
    except Exception:  # pragma: no cover - the net must not take the gateway down with it
        log.exception("safety net failed on a message; using the fallback check")
        try:
            m = _FALLBACK_RE.search(str(text).casefold())
        except Exception:
            return NOT_CRISIS
        if m:
            return Assessment(True, False, "suicide", f"fallback: {m.group(0)}")
        return NOT_CRISIS
