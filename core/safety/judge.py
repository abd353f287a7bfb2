"""Steps 3 and 4: judge each match in its clause (negation, past, generic
subject, idiom), then decide. `assess` is the one entry point and never raises.
"""

from __future__ import annotations

import bisect
import importlib
import itertools
import logging
import re
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Pattern, Sequence, Set, Tuple

from core.safety.normalise import forms_of
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
_BOUNDARY_TOKENS = _PUNCT | _CONJUNCTIONS  # a clause ends at one of these
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
    r"last (?:spring|summer|fall|autumn|winter|christmas|thanksgiving)|"
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
        # grief: someone who died of it ("grieving my friend who overdosed")
        r"\b(?:grieving|grieve|mourning|mourn|miss|missing|lost|remember|remembering|funeral|memorial|"
        r"anniversary|dreams? about|dreaming about|thinking about) (?:for |of )?(?:\w+ ){0,4}?who "
        r"(?:overdosed|killed (?:himself|herself|themselves)|took (?:his|her|their) (?:own )?life|died)\b",
        # a boss is not a threat to life ("my boss is going to kill me")
        r"\b(?:boss|manager|supervisor|teacher|coach|professor|editor)(?: \w+){0,2}? (?:is going to|is gonna|will|"
        r"would|wants to|is about to) (?:kill|murder) me\b",
        # how the program handles it: a question about the service, not a disclosure
        r"\b(?:do|does|can|will|would|how do|how does|how will) (?:the )?(?:counselors?|counsellors?|therapists?|"
        r"staff|doctors?|groups?|program|iop|you guys|your team|your staff|clinicians?) (?:\w+ ){0,2}?"
        r"(?:help|deal|handle|work|cope|support|treat|address)\w* (?:\w+ ){0,2}?(?:with |on )?"
        r"(?:suicidal (?:thoughts|feelings|ideation)|thoughts of (?:suicide|self harm|hurting (?:myself|yourself|"
        r"themselves|oneself))|self harm|suicide|overdoses?)\b",
        r"\bwhat (?:happens|do you do|would you do|do (?:they|counselors|staff) do) (?:if|when) (?:someone|somebody|"
        r"a client|a patient|a member|people|anyone) (?:\w+ ){0,4}?(?:talks?|talking|mentions?|brings? up|says?|"
        r"shares?|admits?) (?:about )?(?:suicide|suicidal (?:thoughts|feelings)|self harm|hurting (?:himself|herself|"
        r"themselves)|wanting to die)\b",
        r"\bwhat (?:if|happens if|do i do if|should i do if) i (?:have|get|start having|ever have) (?:thoughts|urges|"
        r"feelings) (?:of|about) (?:suicide|hurting myself|self harm|killing myself|wanting to die|dying) "
        r"(?:during|in|while in|at) (?:treatment|the program|group|iop|a session|sessions)\b",
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


# ---------------------------------------------------------------------------
# The word prefilter: which rules can match a form at all, read from the rules' own patterns.
#
# A rule's pattern is a sequence of words, spaces and boundaries with a few wildcards
# (`\w+`, `.{0,60}`) among them. Every match of it contains whole words that the pattern
# spells out, such as "kill" and "myself": a form (the normaliser's output: tokens of
# [a-z0-9] or , . ? with one space between them) that has none of the words one of them
# could be cannot be matched, and the rule is not run on it. The analysis below works on
# the parsed pattern and over-approximates whatever it does not model (a wildcard), so it
# can only keep a rule that could not match, never skip one that could:
# tests/core/test_safety_disguise.py checks it on the corpus and on strings generated
# from the rules themselves. Most rules are skipped on most long messages this way.
# ---------------------------------------------------------------------------

try:  # the parser the re module itself uses
    import sre_constants as _sc
    import sre_parse as _sp
except ImportError:  # pragma: no cover - Python 3.11 and newer keep them private
    _sp = importlib.import_module("re._parser")
    _sc = importlib.import_module("re._constants")

_WILD = "\x00"  # any run of characters, maybe empty, maybe word characters
_BND = "\x01"  # a word boundary or an end of the text: the characters around it are not one word
_DIGITS = "\x02"  # one or more digits
_NUMBER = "#"  # the word that stands for any token of digits alone
_PREFIX = "*"  # "oxy*": the word that stands for any token starting with "oxy"
_DELIMS = (" ", _BND)
_CAP = 256  # spellings enumerated for one sequence before its largest part is summarised
_SPLIT_RE = re.compile("[ \x01]")
# How often a word turns up in ordinary messages, roughly: rarer words make better evidence
# that a rule may match (and better anchors for its windows). Only speed depends on this.
_VERY_COMMON = frozenset(
    "i a an the to of in on at by for with from and or but so if not no my me you your he she it they them "
    "his her him we us our is am are was were be been do does did have has had will would can just all that "
    "this there what how when up out about like get got go going want know think one some any".split()
)
_COMMON = frozenset(
    "mine their being done could should may might must now then than here who why off over down again too "
    "much many more very really still even only also gone feel time day today tonight every thing things "
    "way back make take took said say see life people good bad well ok okay need needs thinking thought "
    "feeling felt used use come came tell told ask give gave try trying work home night week year years "
    "month months last first next new old little long great right left put keep let mean because though yet "
    "since while where which whose whom each other own same few lot both such".split()
)
_PREFIXES: Set[str] = set()  # filled once the prefilters are made
_PREFIX_LENGTHS: List[int] = []
_DIGIT_RUN_RE = re.compile("[0-9]+")
# A form holds nothing else; anything else turns the word prefilter off for that text.
_NOT_FORM_RE = re.compile(r"[^a-z0-9 ,.?]")

Clause = FrozenSet[str]  # one of these words is in every match
Cnf = Tuple[Clause, ...]  # all of these clauses hold for a match of one alternative


def _cost(word: str) -> int:
    return 100 if word in _VERY_COMMON else 10 if word in _COMMON else 1


def _summary(options: List[str]) -> List[str]:
    """Two spellings standing for many: empty (if one is) and a wildcard that keeps the
    delimiters every non-empty spelling starts and ends with."""
    full = [o for o in options if o]
    out = [""] if len(full) < len(options) else []
    if full:
        pre = next((d for d in _DELIMS if all(o[0] == d for o in full)), "")
        post = next((d for d in _DELIMS if all(o[-1] == d for o in full)), "")
        out.append(pre + _WILD + post)
    return out


def _join(first: List[str], second: List[str]) -> List[str]:
    if len(first) * len(second) > _CAP:
        if len(second) >= len(first):
            second = _summary(second)
        else:
            first = _summary(first)
        if len(first) * len(second) > _CAP:
            first, second = _summary(first), _summary(second)
    return list(dict.fromkeys(a + b for a in first for b in second))


def _item_options(op, av) -> List[str]:
    """The spellings one parsed item can match (wildcards for what is not modelled)."""
    if op is _sc.LITERAL:
        return [chr(av)]
    if op is _sc.AT:
        if av is _sc.AT_NON_BOUNDARY:
            return [""]
        if av in (_sc.AT_BOUNDARY, _sc.AT_BEGINNING, _sc.AT_BEGINNING_STRING, _sc.AT_END, _sc.AT_END_STRING):
            return [_BND]
        return [_WILD]
    if op in (_sc.ASSERT, _sc.ASSERT_NOT):
        return [""]  # zero width: what is matched around it is adjacent
    if op is _sc.IN:
        if all(
            (kind is _sc.CATEGORY and value in (_sc.CATEGORY_DIGIT, _sc.CATEGORY_UNI_DIGIT))
            or (kind is _sc.RANGE and 48 <= value[0] <= value[1] <= 57)
            for kind, value in av
        ):
            return [_DIGITS]
        chars: List[str] = []
        for kind, value in av:
            if kind is _sc.LITERAL:
                chars.append(chr(value))
            elif kind is _sc.CATEGORY and value in (_sc.CATEGORY_SPACE, _sc.CATEGORY_UNI_SPACE):
                chars.append(" ")  # a form's only white space
            else:
                return [_WILD]
        return list(dict.fromkeys(chars)) if len(chars) <= 8 else [_WILD]
    if op is _sc.BRANCH:
        out: List[str] = []
        for alternative in av[1]:
            out.extend(_options(alternative))
        out = list(dict.fromkeys(out))
        return out if len(out) <= _CAP else _summary(out)
    if op is _sc.SUBPATTERN:
        group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            return [_WILD]
        return _options(body)
    if op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT):
        low, high, body = av
        inner = _options(body)
        if high == 0:
            return [""]
        if high == 1:
            return list(dict.fromkeys(([""] if low == 0 else []) + inner))
        for same in (" ", _DIGITS):
            if all(o == same for o in inner):
                return ([""] if low == 0 else []) + [same]
        repeated = [o for o in _summary(inner) if o]
        return ([""] if low == 0 else []) + (repeated or [""])
    return [_WILD]  # NOT_LITERAL, ANY, group references, anything else


# Memos while the module loads, by the identity of a parsed sequence (kept alive beside it).
_OPTIONS_MEMO: Dict[int, Tuple[object, List[str]]] = {}
_CLAUSES_MEMO: Dict[Tuple[int, bool, bool], Tuple[object, List[FrozenSet[str]]]] = {}


def _options(seq) -> List[str]:
    memo = _OPTIONS_MEMO.get(id(seq))
    if memo is not None and memo[0] is seq:
        return memo[1]
    out = [""]
    for op, av in seq:
        out = _join(out, _item_options(op, av))
    _OPTIONS_MEMO[id(seq)] = (seq, out)
    return out


_WORDS_MEMO: Dict[Tuple[str, bool, bool], FrozenSet[str]] = {}


_PART_MEMO: Dict[str, str] = {}


def _part_word(part: str) -> str:
    """The word a part of a spelling is sure to be in a form ("" when it may be anything):
    itself if made of [a-z0-9] only, as a form's word tokens are; _NUMBER for digits; and
    "head*" (a token starting with head) for head followed by a wildcard."""
    word = _PART_MEMO.get(part)
    if word is None:
        head = part.rstrip(_WILD)
        if part.isascii() and part.isalnum() and (part.islower() or part.isdigit()):
            word = part
        elif part and not part.strip(_DIGITS):
            word = _NUMBER
        elif head != part and len(head) >= 3 and _part_word(head) == head:
            word = head + _PREFIX
        else:
            word = ""
        _PART_MEMO[part] = word
    return word


def _words(spelling: str, left_ok: bool, right_ok: bool) -> FrozenSet[str]:
    """Whole words (and word beginnings) of a form that a match spelled so must contain."""
    key = (spelling, left_ok, right_ok)
    found = _WORDS_MEMO.get(key)
    if found is None:
        parts = _SPLIT_RE.split(spelling)
        last = len(parts) - 1
        words = set()
        for i, part in enumerate(parts):
            if i == 0 and not left_ok:
                continue  # at an edge of the match: maybe the end of a longer word
            word = _part_word(part)
            if word and i == last and not right_ok and not word.endswith(_PREFIX):
                # at the other edge only the beginning of a word is sure
                word = word + _PREFIX if word != _NUMBER and len(word) >= 3 else ""
            if word:
                words.add(word)
        found = _WORDS_MEMO[key] = frozenset(words)
    return found


def _clause_score(clause: Clause) -> Tuple[int, int]:
    """A clause is as telling as its commonest word, then as its number of words."""
    return (max(map(_cost, clause)), len(clause))


def _clauses(seq, left_ok: bool, right_ok: bool) -> List[Clause]:
    """Clauses every match of `seq` satisfies; `left_ok`/`right_ok`: whether what is just
    outside it is known to be a space or a boundary."""
    memo_key = (id(seq), left_ok, right_ok)
    memo = _CLAUSES_MEMO.get(memo_key)
    if memo is not None and memo[0] is seq:
        return memo[1]
    items = list(seq)
    options = [_item_options(op, av) for op, av in items]
    out: List[Clause] = []

    def delimited(i: int, step: int, edge_ok: bool) -> bool:
        """Whether the character next to item i (before it if step is -1, after if 1) is
        known to be a space or a boundary, whatever the items in between match."""
        j = i + step
        while 0 <= j < len(items):
            ends = {(o[-1] if step < 0 else o[0]) if o else "" for o in options[j]}
            if any(c not in _DELIMS and c != "" for c in ends):
                return False
            if "" not in ends:
                return True
            j += step
        return edge_ok

    def segment(first: int, last: int, spellings: List[str]) -> None:
        """Clauses from the spellings of items[first:last + 1] taken together: sets of words
        that each spelling has one of (a few, disjoint, chosen greedily, rare words first)."""
        left, right = delimited(first, -1, left_ok), delimited(last, 1, right_ok)
        sets = list(dict.fromkeys(_words(s, left, right) for s in spellings))
        if sets and all(len(ws) == 1 for ws in sets):
            out.append(frozenset().union(*sets))  # one word each: the clause is all of them
            return
        for _ in range(3):
            if not sets or not all(sets):
                return
            cover: Dict[str, Set[int]] = {}
            for index, ws in enumerate(sets):
                for w in ws:
                    cover.setdefault(w, set()).add(index)
            chosen: Set[str] = set()
            uncovered = set(range(len(sets)))
            while uncovered:
                best = max(cover, key=lambda w: (len(cover[w] & uncovered) / _cost(w), w))
                chosen.add(best)
                uncovered -= cover[best]
            out.append(frozenset(chosen))
            sets = [ws - chosen for ws in sets]

    # the sequence spelled out in segments of at most _CAP spellings each
    start, spellings = 0, [""]
    for i, opts in enumerate(options):
        if len(spellings) * len(opts) > _CAP:
            segment(start, i - 1, spellings)
            start, spellings = i, [""]
        spellings = _join(spellings, opts)
    segment(start, len(items) - 1, spellings)

    for i, (op, av) in enumerate(items):
        if op not in (_sc.BRANCH, _sc.SUBPATTERN, _sc.MAX_REPEAT, _sc.MIN_REPEAT):
            continue
        left, right = delimited(i, -1, left_ok), delimited(i, 1, right_ok)
        if op is _sc.BRANCH:
            per_alternative = [_clauses(alternative, left, right) for alternative in av[1]]
            if per_alternative and all(per_alternative):
                out.append(frozenset().union(*(min(c, key=_clause_score) for c in per_alternative)))
        elif op is _sc.SUBPATTERN:
            if not (av[1] or av[2]):
                out.extend(_clauses(av[3], left, right))
        elif av[0] >= 1:  # a repeat that happens at least once
            body = _options(av[2])
            left = left and all(o[-1] in _DELIMS for o in body if o)
            right = right and all(o[0] in _DELIMS for o in body if o)
            out.extend(_clauses(av[2], left, right))
    out = list(dict.fromkeys(out))
    _CLAUSES_MEMO[memo_key] = (seq, out)
    return out


def _prefilter(regex: Pattern[str], parsed) -> Optional[List[Tuple[list, Cnf]]]:
    """Each alternative of the pattern with the clauses a form must meet for it to match
    there; None when some alternative gives nothing to go on (the rule is always run)."""
    if regex.flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE):
        return None
    try:
        top = list(parsed)
        branches = [i for i, (op, _) in enumerate(top) if op is _sc.BRANCH]
        rest = [op for op, _ in top if op is not _sc.BRANCH]
        if len(branches) == 1 and all(op in (_sc.AT, _sc.ASSERT, _sc.ASSERT_NOT) for op in rest):
            # the pattern is one alternation (a shared `\b` factored out): judge each alternative
            at = branches[0]
            alternatives = [top[:at] + list(alt) + top[at + 1 :] for alt in top[at][1][1]]
        else:
            alternatives = [top]
        out = []
        for alternative in alternatives:
            clauses = sorted(_clauses(alternative, False, False), key=_clause_score)[:6]
            if not clauses:
                return None
            out.append((alternative, tuple(clauses)))
        return out
    except Exception:  # pragma: no cover - an unknown construct: no prefilter, the rule is always run
        log.exception("no word prefilter for %r", regex.pattern[:60])
        return None


def _may_match(dnf: Optional[Tuple[Cnf, ...]], words: Optional[Set[str]]) -> bool:
    if dnf is None or words is None:
        return True
    for cnf in dnf:
        for clause in cnf:
            if clause.isdisjoint(words):
                break
        else:
            return True
    return False


def _form_words(text: str) -> Optional[Set[str]]:
    """The tokens of a form, or None if `text` is not shaped like one (no prefilter then)."""
    if _NOT_FORM_RE.search(text):
        return None
    words = set(text.split(" "))
    if any(w.isdigit() for w in words):
        words.add(_NUMBER)
    if len(words) < 100:
        # few words: each one's beginnings looked up
        heads = [w[:n] for w in words for n in _PREFIX_LENGTHS if n <= len(w)]
        words.update(h + _PREFIX for h in heads if h in _PREFIXES)
    elif _PREFIXES:
        ordered = sorted(words)
        for head in _PREFIXES:  # a word starting with head sorts at or after it
            i = bisect.bisect_left(ordered, head)
            if i < len(ordered) and ordered[i].startswith(head):
                words.add(head + _PREFIX)
    return words


_FAR = 10**9  # no bound


def _can_be_space(op, av) -> bool:
    if op is _sc.LITERAL:
        return av == 32
    if op is _sc.IN:
        for kind, value in av:
            if kind is _sc.LITERAL and value != 32:
                continue
            if kind is _sc.RANGE and not value[0] <= 32 <= value[1]:
                continue
            if kind is _sc.CATEGORY and value in (
                _sc.CATEGORY_WORD,
                _sc.CATEGORY_DIGIT,
                _sc.CATEGORY_NOT_SPACE,
                _sc.CATEGORY_UNI_WORD,
                _sc.CATEGORY_UNI_DIGIT,
                _sc.CATEGORY_UNI_NOT_SPACE,
            ):
                continue
            return True  # a space, a negated set, or a class that may hold one
        return False
    return True  # ANY, NOT_LITERAL


_INTERNED: Dict[tuple, tuple] = {}  # while the module loads


def _plain(seq) -> tuple:
    """The parsed pattern as plain tuples, each distinct part made once (quicker to walk
    than the parser's objects, and parts shared by many rules are analysed once)."""
    out = []
    for op, av in getattr(seq, "data", seq):
        if op is _sc.BRANCH:
            av = (av[0], tuple(_plain(alternative) for alternative in av[1]))
        elif op is _sc.SUBPATTERN:
            av = (av[0], av[1], av[2], _plain(av[3]))
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT):
            av = (av[0], av[1], _plain(av[2]))
        elif op in (_sc.ASSERT, _sc.ASSERT_NOT):
            av = (av[0], _plain(av[1]))
        elif op is _sc.IN:
            av = tuple(av)
        out.append((op, av))
    node = tuple(out)
    return _INTERNED.setdefault(node, node)


_EXTENT_MEMO: Dict[int, Tuple[object, Tuple[int, int]]] = {}


def _extent(seq) -> Tuple[int, int]:
    memo = _EXTENT_MEMO.get(id(seq))
    if memo is not None and memo[0] is seq:
        return memo[1]
    result = _extent_of(seq)
    _EXTENT_MEMO[id(seq)] = (seq, result)
    return result


def _extent_of(seq) -> Tuple[int, int]:
    """(most spaces a match of `seq` consumes, most spaces an attempt reads ahead of its start,
    lookaheads included). In a form each space is one token further on."""
    consumed = ahead = 0
    for op, av in seq:
        if op in (_sc.LITERAL, _sc.NOT_LITERAL, _sc.ANY, _sc.IN):
            used = read = 1 if _can_be_space(op, av) else 0
        elif op is _sc.AT:
            used = read = 0
        elif op is _sc.BRANCH:
            extents = [_extent(alternative) for alternative in av[1]]
            used, read = max(e[0] for e in extents), max(e[1] for e in extents)
        elif op is _sc.SUBPATTERN:
            used, read = _extent(av[3])
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT):
            low, high, body = av
            b_used, b_read = _extent(body)
            if high == 0:
                used = read = 0
            elif high == _sc.MAXREPEAT:
                used = _FAR if b_used else 0
                read = _FAR if b_used else b_read
            else:
                used = high * b_used
                read = (high - 1) * b_used + b_read
        elif op in (_sc.ASSERT, _sc.ASSERT_NOT):
            direction, body = av
            used = 0
            read = _extent(body)[1] if direction == 1 else 0  # a lookbehind reads what is before
        else:
            used = read = _FAR
        ahead = min(_FAR, max(ahead, consumed + read))
        consumed = min(_FAR, consumed + used)
    return consumed, max(ahead, consumed)


_INFO_KEYS = itertools.count()
_LOOKAROUND_WORDS: Set[str] = set()  # words the patterns look for around a match (for VOCABULARY)


def _lookaround_words(seq) -> Set[str]:
    """Words spelled inside lookaheads and lookbehinds ("suicide prevention" is read, not matched)."""
    found: Set[str] = set()
    for op, av in seq:
        if op in (_sc.ASSERT, _sc.ASSERT_NOT):
            for spelling in _options(av[1]):
                found.update(w for w in _words(spelling, True, True) if w != _NUMBER)
        elif op is _sc.BRANCH:
            for alternative in av[1]:
                found |= _lookaround_words(alternative)
        elif op is _sc.SUBPATTERN:
            found |= _lookaround_words(av[3])
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT):
            found |= _lookaround_words(av[2])
    return found


class _RuleInfo:
    """A rule's regex with what lets most texts skip it, and most of a long one be skipped."""

    def __init__(self, regex: Pattern[str], keys: Sequence[str] = ()) -> None:
        self.regex = regex
        self.key = next(_INFO_KEYS)  # a cheap dictionary key (a pattern's own hash is not)
        self.keys = tuple(keys)
        self.dnf: Optional[Tuple[Cnf, ...]] = None  # per alternative, clauses a form must meet
        # Per alternative: its clauses, and how many tokens before one of their words its match may start.
        self.windows: Optional[List[Tuple[Cnf, int]]] = None
        self.reach = _FAR  # how many tokens past its start any attempt may read
        try:
            parsed = _plain(_sp.parse(regex.pattern, regex.flags))
            alternatives = _prefilter(regex, parsed)
        except Exception:  # pragma: no cover - no prefilter, no windows: the rule is always run whole
            log.exception("cannot read %r", regex.pattern[:60])
            return
        if alternatives is None:
            return
        _LOOKAROUND_WORDS.update(_lookaround_words(parsed))
        self.dnf = tuple(cnf for _, cnf in alternatives)
        try:
            self.reach = _extent(list(parsed))[1]
            windows = [(cnf, _extent(alternative)[0]) for alternative, cnf in alternatives]
        except Exception:  # pragma: no cover - no windows: the rule is run on the whole text
            log.exception("no extent for %r", regex.pattern[:60])
            return
        if regex.match("") is None and self.reach < 200 and all(back < 200 for _, back in windows):
            self.windows = windows  # (no windows for a rule that matches nothing, or reads far)

    def may_match(self, text: str, words: Optional[Set[str]]) -> bool:
        return _may_match(self.dnf, words) and (not self.keys or any(key in text for key in self.keys))


# Every rule with its prefilter and its keys (the substrings one of which a match contains).
_RULE_INFO = [(rule, _RuleInfo(rule.regex, rule.keys)) for rule in RULES]
_NEUTRALISER_INFO = [_RuleInfo(n) for n in _NEUTRALISERS]
# The patterns the judge asks about a match's clause, with their word prefilters.
_CATEGORY_NEUTRALISER_INFO = {category: _RuleInfo(p) for category, p in _CATEGORY_NEUTRALISERS.items()}
_LAUGH_INFO = _RuleInfo(_LAUGH_RE)
_PAST_INFO = _RuleInfo(_PAST_RE)
_PRESENT_INFO = _RuleInfo(_PRESENT_RE)
_HERE_NOW_INFO = _RuleInfo(_HERE_NOW_RE)
_RECURRENCE_INFO = _RuleInfo(_RECURRENCE_RE)
# Which rules a word of a form may bring into play (see _candidates).
_RULES_BY_WORD: Dict[str, List[int]] = {}
_ALWAYS_RUN: List[int] = []
for _index, (_, _info) in enumerate(_RULE_INFO):
    if _info.dnf is None:
        _ALWAYS_RUN.append(_index)
    else:
        for _word in frozenset().union(*(cnf[0] for cnf in _info.dnf)):
            _RULES_BY_WORD.setdefault(_word, []).append(_index)
_INDEXED_WORDS = frozenset(_RULES_BY_WORD)
# The word beginnings any prefilter asks for: a form's words include "head*" when one starts so.
_PREFIXES.update(
    word[:-1]
    for info in [i for _, i in _RULE_INFO]
    + _NEUTRALISER_INFO
    + list(_CATEGORY_NEUTRALISER_INFO.values())
    + [_LAUGH_INFO, _PAST_INFO, _PRESENT_INFO, _HERE_NOW_INFO, _RECURRENCE_INFO]
    for cnf in info.dnf or ()
    for clause in cnf
    for word in clause
    if word.endswith(_PREFIX)
)
# Every word the patterns spell and the judge reads: what normalise may read a spelled-out
# or leetspeak word as ("k i l l", "5uicide").
VOCABULARY: FrozenSet[str] = frozenset(
    {word.rstrip(_PREFIX) for words in _WORDS_MEMO.values() for word in words if word != _NUMBER}
    | {word.rstrip(_PREFIX) for word in _LOOKAROUND_WORDS}
    | set().union(
        _PUNCT,
        _CONJUNCTIONS,
        _QUESTION_STARTS,
        _SELF_WORDS,
        _OTHER_WORDS,
        _GENERIC_WORDS,
        _POSSESSIVES,
        _NOBODY,
        _NEUTRAL_WORDS,
        _NEGATIONS,
        _NEGATION_RELEASED_BY,
        _NEGATION_RELEASED_FIRST,
        _PRONOUNS,
        _HYPOTHETICAL,
        _RELATIVE,
        _VERY_COMMON,
        _COMMON,
    )
    - _PUNCT
)
_PREFIX_LENGTHS.extend(sorted({len(head) for head in _PREFIXES}))
for _memo in (_INTERNED, _OPTIONS_MEMO, _CLAUSES_MEMO, _EXTENT_MEMO, _WORDS_MEMO, _PART_MEMO):
    _memo.clear()  # needed only while the module loads
# Texts shorter than this are scanned whole: windows would cost more than they save.
_WINDOWS_FROM = 600


# ---------------------------------------------------------------------------
# One form, read once: tokens, clause boundaries and the facts about each clause that
# the judge asks for, kept so that a thousand matches in one clause cost no more than one.
# ---------------------------------------------------------------------------


class _Form:
    def __init__(self, text: str, words: Optional[Set[str]]) -> None:
        self.text = text
        self.words = words
        self.tokens, self.starts = _tokenise(text, words is not None)
        self._boundaries: Optional[List[int]] = None
        self._neutral: Optional[Tuple[List[int], List[int]]] = None
        self._hypothetical: Optional[List[int]] = None
        self._clauses: Dict[Tuple[int, int], str] = {}
        self._facts: Dict[Tuple[int, str], bool] = {}
        self._gates: Dict[int, bool] = {}
        self._positions: Dict[str, List[int]] = {}

    def clause_bounds(self, first: int, last: int) -> Tuple[int, int]:
        """As a walk to the nearest boundary token on each side would find them."""
        b = self._boundaries
        if b is None:
            b = self._boundaries = [i for i, t in enumerate(self.tokens) if t in _BOUNDARY_TOKENS]
        i = bisect.bisect_left(b, first)  # boundaries before `first` are b[:i]
        start = b[i - 1] + 1 if i else 0
        j = bisect.bisect_right(b, last)  # boundaries after `last` are b[j:]
        end = b[j] - 1 if j < len(b) else len(self.tokens) - 1
        return start, end

    def clause(self, start: int, end: int) -> str:
        key = (start, end)
        text = self._clauses.get(key)
        if text is None:
            text = self._clauses[key] = " ".join(self.tokens[start : end + 1])
        return text

    def finds(self, info: "_RuleInfo", text: Callable[[], str]) -> bool:
        """Whether `info.regex` matches in `text()`, a stretch of this form: asked once per
        pattern and stretch, and not at all when the form lacks the words it needs."""
        gate = self._gates.get(info.key)
        if gate is None:
            gate = self._gates[info.key] = _may_match(info.dnf, self.words)
        if not gate:
            return False
        key = (info.key, text())
        value = self._facts.get(key)
        if value is None:
            value = self._facts[key] = info.regex.search(key[1]) is not None
        return value

    def neutral_overlaps(self, span_start: int, span_end: int) -> bool:
        """Whether a neutralising phrase overlaps the span (bisection over sorted spans)."""
        if self._neutral is None:
            spans = sorted(
                n.span() for info in _NEUTRALISER_INFO if _may_match(info.dnf, self.words) for n in self.finditer(info)
            )
            starts = [s for s, _ in spans]
            reach: List[int] = []
            furthest = -1
            for _, end in spans:
                furthest = max(furthest, end)
                reach.append(furthest)
            self._neutral = (starts, reach)
        starts, reach = self._neutral
        i = bisect.bisect_left(starts, span_end)  # spans that start before the match ends
        return i > 0 and reach[i - 1] > span_start

    def finditer(self, info: _RuleInfo) -> Iterator["re.Match[str]"]:
        """`info.regex.finditer(text)`: the same matches, searched for only near the words
        one of which each match contains, when the text is long.

        For each alternative of the rule, the clause whose words are fewest here: every
        match of that alternative contains one of them and starts at most `back` tokens
        before it. Each stretch is searched up to `reach` tokens past its last possible
        start, so no lookahead and no `$` is cut short, and from where the last match
        ended, as the whole-text search would go on."""
        text, tokens, starts, words = self.text, self.tokens, self.starts, self.words
        windows = info.windows
        if windows is None or words is None or len(text) < _WINDOWS_FROM or text[0] != " " or text[-1] != " ":
            yield from info.regex.finditer(text)
            return
        # For each alternative, the words of its rarest clause (every match of it holds one)
        # mark where its matches may be; its other clauses must have a word close by.
        spans: List[Tuple[int, int]] = []  # token ranges where a match may start
        cover = 0
        for cnf, back in windows:
            if any(clause.isdisjoint(words) for clause in cnf):
                continue  # this alternative cannot match here
            anchors = sorted(i for word in cnf[0].intersection(words) for i in self.positions(word))
            for clause in cnf[1:] if len(anchors) > 2 else ():
                if not anchors:
                    break
                others = sorted(i for word in clause.intersection(words) for i in self.positions(word))
                anchors = [a for a in anchors if _near(others, a, back + 2)]
            cover += len(anchors) * (back + 3)
            if cover > len(tokens):
                yield from info.regex.finditer(text)  # most of the text anyway
                return
            spans.extend((max(0, a - back - 2), a) for a in anchors)
        spans.sort()
        merged: List[List[int]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        n = len(tokens)
        done = 0
        for lo, hi in merged:
            limit = starts[hi + 1] if hi + 1 < n else len(text)
            far = hi + info.reach + 3
            end = starts[far] if far < n else len(text)
            for m in info.regex.finditer(text, max(starts[lo], done), end):
                if m.start() >= limit:
                    break
                done = m.end()
                yield m

    def positions(self, word: str) -> List[int]:
        """Indices of the tokens equal to `word` (for _NUMBER: made of digits; for "head*":
        starting with head)."""
        found = self._positions.get(word)
        if found is None:
            text, starts = self.text, self.starts
            if word == _NUMBER:
                found = [
                    bisect.bisect_left(starts, m.start())
                    for m in _DIGIT_RUN_RE.finditer(text)
                    if text[m.start() - 1 : m.start()] == " " and text[m.end() : m.end() + 1] == " "
                ]
            elif word.endswith(_PREFIX):
                found = []
                needle = " " + word[:-1]
                at = text.find(needle)
                while at >= 0:
                    found.append(bisect.bisect_left(starts, at + 1))
                    at = text.find(needle, at + 1)
            else:
                found = []
                needle = " " + word + " "
                at = text.find(needle)
                while at >= 0:
                    found.append(bisect.bisect_left(starts, at + 1))
                    at = text.find(needle, at + len(word) + 1)
            self._positions[word] = found
        return found

    def any_hypothetical(self, start: int, end: int) -> bool:
        """Whether tokens[start:end] holds a word of _HYPOTHETICAL."""
        if end <= start:
            return False
        if self._hypothetical is None:
            self._hypothetical = [i for i, t in enumerate(self.tokens) if t in _HYPOTHETICAL]
        i = bisect.bisect_left(self._hypothetical, start)
        return i < len(self._hypothetical) and self._hypothetical[i] < end


def _near(positions: List[int], a: int, distance: int) -> bool:
    """Whether the sorted `positions` hold one within `distance` of `a`."""
    i = bisect.bisect_left(positions, a - distance)
    return i < len(positions) and positions[i] <= a + distance


def _tokenise(text: str, is_form: bool) -> Tuple[List[str], List[int]]:
    if is_form:
        # a form: tokens separated by spaces, found without a regex
        parts = text.split(" ")
        at = list(itertools.accumulate(map((1).__add__, map(len, parts)), initial=0))
        if len(parts) > 2 and parts[0] == parts[-1] == "" and "" not in parts[1:-1]:
            return parts[1:-1], at[1:-2]  # " a b c ": one space before, between and after
        pairs = [(p, i) for p, i in zip(parts, at) if p]
        return [p for p, _ in pairs], [i for _, i in pairs]
    tokens: List[str] = []
    starts: List[int] = []
    for m in re.finditer(r"\S+", text):
        tokens.append(m.group(0))
        starts.append(m.start())
    return tokens, starts


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


def _judge(rule: Rule, form: _Form, m: "re.Match[str]") -> Tuple[Optional[_Hit], bool]:
    """A hit if the match means danger; the flag says it was dropped only for being in the past.

    Each question about the match's clause is answered once per clause (`form.finds`), so
    the cost of a match does not grow with the length of its clause."""
    tokens, starts = form.tokens, form.starts
    span_start, span_end = m.span()
    snippet = m.group(0).strip(" ,.?")
    # token indices covering the match
    first = max(0, bisect.bisect_right(starts, span_start) - 1)
    if starts[first] + len(tokens[first]) <= span_start and first + 1 < len(tokens):
        first += 1
    last = max(first, bisect.bisect_left(starts, span_end) - 1)
    while first < last and tokens[first] in _PUNCT:
        first += 1
    c_start, c_end = form.clause_bounds(first, last)

    def clause() -> str:
        return form.clause(c_start, c_end)

    if form.neutral_overlaps(span_start, span_end):
        return None, False
    category_neutraliser = _CATEGORY_NEUTRALISER_INFO.get(rule.category)
    if category_neutraliser is not None and form.finds(category_neutraliser, clause):
        return None, False
    if rule.hyperbole_prone and form.finds(_LAUGH_INFO, clause):
        return None, False
    if _negated(tokens, c_start, first):
        return None, False

    def past_scope() -> str:
        # the clause, with a short clause before or after it when only a comma is between
        scope = clause()
        if c_start >= 2 and tokens[c_start - 1] == ",":
            before = form.clause_bounds(c_start - 2, c_start - 2)[0]
            if c_start - before <= 6:
                scope = " ".join(tokens[before:c_start]) + " " + scope
        if c_end + 2 < len(tokens) and tokens[c_end + 1] == ",":
            f_start, f_end = form.clause_bounds(c_end + 2, c_end + 2)
            if f_end - f_start <= 5:
                scope = scope + " " + " ".join(tokens[f_start : f_end + 1])
        return scope

    # distant past, unless the clause itself says it is happening again or now
    if form.finds(_PAST_INFO, past_scope) and not form.finds(_PRESENT_INFO, clause):
        return None, True

    question = tokens[c_start] in _QUESTION_STARTS if c_start < len(tokens) else False
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
        relative = any(t in _RELATIVE for t in tokens[at + 1 : first]) or form.any_hypothetical(c_start, first)
        lenient = question or relative or tokens[at] not in _SINGULAR_GENERIC
        if lenient and not (form.finds(_HERE_NOW_INFO, clause) and not question):
            return None, False
    if question and not rule.always and rule.category in ("overdose", "medical", "violence"):
        hypothetical = form.any_hypothetical(c_start, first)
        if who == "none" or (hypothetical and not form.finds(_PRESENT_INFO, clause)):
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


def _assess_form(text: str) -> Tuple[List[_Hit], List[Tuple[Rule, int]]]:
    words = _form_words(text)
    form: Optional[_Form] = None
    hits: List[_Hit] = []
    past: List[Tuple[Rule, int]] = []  # only wanted while there is no hit
    # Once a hit is about the sender, the decision can change only through a hit that
    # _decide would put first: a category earlier in _CATEGORY_ORDER, or the same one
    # earlier in the text. Other matches need no judging.
    best: Optional[Tuple[int, int]] = None
    settled = False
    for rule, info in _candidates(words):
        order = _CATEGORY_ORDER.get(rule.category, 9)
        if settled and best is not None and order > best[0]:
            continue
        if not info.may_match(text, words):
            continue
        if form is None and len(text) >= _WINDOWS_FROM:
            form = _Form(text, words)
        for m in form.finditer(info) if form is not None else rule.regex.finditer(text):
            if settled and best is not None and (order, m.start()) >= best:
                break
            if form is None:
                form = _Form(text, words)
            hit, was_past = _judge(rule, form, m)
            if hit is not None:
                hits.append(hit)
                if best is None or (order, hit.start) < best:
                    best = (order, hit.start)
                settled = settled or not hit.about_other
            elif was_past and not hits:
                past.append((rule, m.end()))
    return hits, past


def _candidates(words: Optional[Set[str]]) -> List[Tuple[Rule, _RuleInfo]]:
    """The rules that may match a form with these words, in their order: each alternative of
    a rule needs a word of its first clause, so a rule none of whose first clauses has a word
    here is left out without looking at it (found through _RULES_BY_WORD)."""
    if words is None:
        return _RULE_INFO
    found = set(_ALWAYS_RUN)
    for word in words.intersection(_INDEXED_WORDS):
        found.update(_RULES_BY_WORD[word])
    return [_RULE_INFO[i] for i in sorted(found)]


def _decide(hits: List[_Hit]) -> Assessment:
    best = min(hits, key=lambda h: (_CATEGORY_ORDER.get(h.rule.category, 9), h.start))
    about_other = all(h.about_other for h in hits)
    snippet = best.snippet if len(best.snippet) <= 60 else best.snippet[:57] + "..."
    return Assessment(True, about_other, best.rule.category, f"{best.rule.label}: {snippet}")


def _recurrences(form: str, ends: List[int]) -> Dict[int, Optional["re.Match[str]"]]:
    """`_RECURRENCE_RE.search(form, end)` for each end, scanning each stretch of the form once:
    a search from `end` finds the same match as one from any earlier end whose match starts
    at or after `end`."""
    found: Dict[int, Optional["re.Match[str]"]] = {}
    current: Optional["re.Match[str]"] = None
    searched = False
    if ends and not _may_match(_RECURRENCE_INFO.dnf, _form_words(form)):
        searched = True  # the form lacks the words: no search would find anything
    for end in sorted(set(ends)):
        if not searched or (current is not None and current.start() < end):
            current = _RECURRENCE_RE.search(form, end)
            searched = True
        found[end] = current
    return found


_FIRST_TOKEN_RE = re.compile(r"\S+")


def _assess(text: str) -> Assessment:
    if len(text) > _MAX_CHARS:
        half = _MAX_CHARS // 2
        text = text[:half] + " . " + text[-half:]  # a seam, not a line break to be read across
    forms: List[str] = []
    past_seen: List[Tuple[Rule, int, int]] = []  # rule, which form, where its match ended
    for index, form in enumerate(forms_of(text)):
        forms.append(form)
        hits, past = _assess_form(form)
        if hits:
            return _decide(hits)
        past_seen.extend((rule, index, end) for rule, end in past)
    recurring = {"suicide", "self_harm", "overdose"}
    lookups = [
        _recurrences(form, [end for rule, i, end in past_seen if i == index and rule.category in recurring])
        for index, form in enumerate(forms)
    ]
    for rule, index, end in past_seen:
        if rule.category in recurring:
            form = forms[index]
            again = lookups[index][end]
            if again:
                first_token = _FIRST_TOKEN_RE.search(form, again.start())
                after = [first_token.group(0)] if first_token else []
                before = form[max(0, again.start() - 30) : again.start()].split()[-3:]
                if not any(t in _NEGATIONS for t in before + after):
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
