"""Step 2: the rules, each a pattern with a category, whose danger it names, and
the substrings one of which any of its matches contains (a cheap prefilter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Pattern, Sequence, Tuple

# Filler that people put between the words that matter ("i just really want to die").
ADV = (
    r"(?:(?:just|really|honestly|literally|seriously|actually|kind of|sort of|so|fucking|fuckin|fkn|"
    r"effing|truly|genuinely|totally|completely|lowkey|highkey|ngl|tbh|still|even|also|only|"
    r"probably|maybe|might|definitely|def|sometimes|often|always|constantly|like|almost|"
    r"all|finally|already|now|gonna|going to|want to|about to|seriously|fr|lol|idk|kinda) ){0,4}"
)
REL = (
    r"(?:friend|friends|son|daughter|brother|sister|mom|mother|mum|dad|father|husband|wife|boyfriend|"
    r"girlfriend|bf|gf|partner|roommate|roomie|cousin|uncle|aunt|grandma|grandmother|grandpa|"
    r"grandfather|nephew|niece|kid|kids|child|children|teen|teenager|baby|fiance|fiancee|ex|neighbor|"
    r"neighbour|coworker|buddy|bestie|bff|stepdad|stepmom|stepfather|stepmother|stepson|stepdaughter|"
    r"grandson|granddaughter|spouse|sibling|sis|bro|husbands|wifes|moms|dads)"
)
PERSON = rf"(?:him|her|them|someone|somebody|people|everyone|everybody|my {REL}|his {REL}|her {REL}|our {REL}|the kids|the baby|that guy|this guy)"
DRUG = (
    r"(?:pills?|meds|medications?|medicine|tablets?|capsules?|xanax|bars|benzos?|klonopin|valium|"
    r"ativan|oxy\w*|percocets?|percs?|vicodin|norco|opioids?|opiates?|heroin|dope|fentanyl|morphine|"
    r"methadone|suboxone|subs|tylenol|acetaminophen|advil|ibuprofen|aspirin|sleeping pills|"
    r"sleeping meds|sleep meds|ambien|trazodone|seroquel|lithium|insulin|antidepressants?|prozac|"
    r"zoloft|lexapro|wellbutrin|gabapentin|gabas?|adderall|coke|cocaine|meth|molly|ecstasy|mdma|"
    r"ketamine|ghb|kratom|nyquil|benadryl|dxm|edibles|drugs|china white|blues|m30s?|painkillers?|"
    r"pain pills|sleeping tablets|tabs)\b"
)
TARGET = (
    r"(?:my|his|her|that|this|the) (?:boss|manager|supervisor|teacher|coworker|landlord|neighbor|dealer|ex|man|"
    r"guy|woman|person|dude|bastard|asshole|lady|bitch|prick|creep|cop|officer)"
)
WEAPON = r"(?:gun|pistol|handgun|rifle|shotgun|knife|knives|machete|weapon|blade|bat|axe|hammer)"


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------

# whose danger a rule describes
SELF = "self"  # the sender ("kill myself", "end my life", "hitting me")
SCAN = "scan"  # decided from the nearest subject before the match
THIRD = "third"  # someone else by construction ("himself"), unless generic
SENDER = "sender"  # the sender may hurt someone else: spoken to directly
WITNESS = "witness"  # someone else is being hurt ("he is beating her")


@dataclass(frozen=True)
class Rule:
    category: str
    label: str
    regex: Pattern[str]
    who: str = SCAN
    default_other: bool = False  # no subject found: assume someone else (nobody texts "not breathing" about themselves)
    needs_subject: bool = False  # only with a person as subject (otherwise too ambiguous)
    hyperbole_prone: bool = False  # dropped when the clause laughs ("lol", laughing emoji)
    always: bool = False  # method or lethal-dose questions: no question/generic leniency
    keys: Tuple[str, ...] = ()  # cheap prefilter: a match always contains one of these substrings


def _rule(category: str, label: str, pattern: str, **kw) -> Rule:
    return Rule(category, label, re.compile(pattern), keys=_KEYS[label], **kw)


# Substrings one of which every match of a rule contains. Checking them with `in` skips
# most rules on most messages, which keeps the check in the tens of microseconds;
# tests/core/test_safety.py proves on the corpus that no key list hides a match.
_KEYS: Dict[str, Tuple[str, ...]] = {
    "kill myself": ("self", "me off"),
    "unalive": ("unaliv", "self delet"),
    "suicide": ("suicide",),
    "suicidal": ("suicidal",),
    "thoughts of dying": ("thought", "think"),
    "wants to die": ("die", "dead", "alive", "exist", "here", "disappear", "vanish", "wake", "gone", "sleep", "heaven"),
    "wishes to be dead": ("dead", "born", "alive", "here", "gone"),
    "wishes not to exist": ("wish",),
    "hopes not to wake": ("wake", "make it"),
    "doesn't want to live": ("want", "wanna", "wish"),
    "not sure i want to live": ("want",),
    "no reason to live": ("reason", "point", "live", "worth"),
    "tired of living": ("tired", "sick", "done", "exhausted"),
    "giving up on life": (" up on ",),
    "better off without me": ("better", "happier", "easier", "fine", "ok", "nicer", "safer"),
    "better off without them": ("better", "happier"),
    "better off dead": ("dead", "die"),
    "nobody would miss me": ("nobody",),
    "end it all": ("end", "finish"),
    "end it": ("end",),
    "take my life": ("life",),
    "end their life": ("life",),
    "can't go on": ("cant",),
    "won't make it": ("dont think", "make it"),
    "goodbye": ("goodbye", "farewell", "for me", "the end", "my last"),
    "suicide note": ("note", "letter"),
    "won't be here": (
        "be here",
        "be around",
        "be alive",
        "be a ",
        "myself",
        "my funeral",
        "my own",
        "my death",
        "my grave",
        "my suicide",
        "checking out",
        "if i die",
        "if i am dead",
        "if i was dead",
        "at least",
    ),
    "giving things away": ("away",),
    "when i'm gone": ("i am gone", "i am dead", "i am not here"),
    "tonight is the night": ("night", "day", "do it"),
    "hanging or jumping": ("hang", "hung", "noose", "jump", "step", "walk", "throw"),
    "cutting wrists or throat": ("wrist", "throat"),
    "means at hand": (
        "rope",
        "noose",
        "garage",
        "engine running",
        "courage",
        "nerve",
        "guts",
        "roof",
        "edge",
        "bridge",
        "overpass",
        "tracks",
        "balcony",
        "cliff",
        "staring at",
        "loaded",
        "lined up",
        "counting out",
        "laid out",
    ),
    "locked in with means": ("locked", "barricaded", "shut"),
    "means ready": (
        "counted",
        "poured out",
        "in front of me",
        "lap",
        "in my hand",
        "ready",
        "in my mouth",
        "next to me",
        "beside me",
        "pointed at me",
        "loaded",
    ),
    "at a dangerous place": ("edge of", "ledge", "tracks", "railing", "rooftop", "bridge", "roof", "overpass"),
    "not safe with myself": ("not safe", "feel safe", "keep myself safe", "stay safe", "be safe"),
    "farewell to loved ones": ("tell ",),
    "gun to head": ("gun", "pistol", "barrel", "blow my", "bullet", "on myself"),
    "crash on purpose": ("drive", "driving", "drove", "crash", "steer", "swerv"),
    "stockpiling pills": ("sav", "stockpil", "hoard", "stash", "enough"),
    "lethal dose question": ("lethal", "fatal", "deadly", "killing", "how", "way"),
    "want out of life": ("want",),
    "no way out": ("way out",),
    "sleep and never wake": ("sleep", "eyes", "lie down"),
    "be with them in heaven": ("heaven", "other side", "afterlife"),
    "talking about suicide (someone)": ("talk", "say", "said", "threat", "text"),
    "kill themselves": ("self", "selves"),
    "feels like dying": ("dying", "going to die"),
    "hurting myself": ("myself",),
    "hurting themselves": ("himself", "herself", "themselves"),
    "self harm": ("self ",),
    "cutting": ("cut", "burn", "deep", "relaps", "urge", "razor", "blade", " sh "),
    "bleeding": ("bleed", "blood"),
    "overdose": ("overdos",),
    "took too many": (
        "took",
        "tak",
        "had",
        "swallow",
        "popp",
        "downed",
        "snort",
        "shot up",
        "shooting up",
        "inject",
        "did",
        "done",
        "used",
        "ate",
        "chug",
    ),
    "drug count": ("took", "taken", "swallow", "popped", "ate", "downed", "snort"),
    "mixed drugs": ("mixed",),
    "laced": ("laced",),
    "alcohol with sedatives": ("drank", "drinking", "had", "downed", "took", "popped", "taking", "snorted", "did"),
    "naloxone given": ("narcan", "naloxone"),
    "not breathing": ("breath", "pulse", "snoring", "gurgl", "choking"),
    "can't breathe": ("breath",),
    "turning blue": ("blue", "purple", "grey", "gray"),
    "seizure": ("seiz", "fit", "convuls", "grand mal", "shaking", "jerking", "twitching", "thrashing", "eyes"),
    "hallucinating": (
        "see",
        "saw",
        "hear",
        "feel",
        "felt",
        "smell",
        "voices",
        "crawling",
        "hallucinat",
        "moving",
        "melting",
        "breathing",
        "spinning",
        "talking to",
    ),
    "DTs": ("dts", "delirium"),
    "foaming or vomiting blood": ("foam", "froth", "blood", "choking on"),
    "unresponsive": (
        "wake",
        "waking",
        "respond",
        "unrespons",
        "unconscious",
        "consciousness",
        "passed out",
        "blacked out",
        "collapsed",
        "nodd",
        "slumped",
        "hunched",
        "keeled",
        "eyes open",
        "cant ",
        "moving",
    ),
    "heart attack or stroke": ("heart", "stroke", "cardiac", "chest", "numb", "cant feel"),
    "call 911": ("911", "9 1 1", "ambulance", "paramedic", "emts", "emergency"),
    "being hurt by someone": (
        "hitting",
        "beating",
        "punching",
        "chok",
        "strangl",
        "hurting",
        "attacking",
        "stabbing",
        "kicking",
        "slapping",
        "raping",
        "assaulting",
        "abusing",
        "threatening",
        "molesting",
        "shooting",
        "burning",
        "smother",
        "suffocat",
        "chasing",
        "stalking",
    ),
    "hurt by someone (past or habitual)": (
        "neck",
        "throat",
        "my mouth",
        "hit",
        "beat",
        "punch",
        "chok",
        "strangl",
        "attack",
        "stab",
        "kick",
        "slap",
        "rape",
        "assault",
        "abuse",
        "threat",
        "molest",
        "shot",
        "smother",
        "hurt",
        "push",
        "shove",
        "threw",
        "dragg",
        "grabb",
    ),
    "being abused": ("being", "been getting", "getting"),
    "threatened to kill": ("threat", "swore", "promised", "says", "said", "screaming", "keeps saying"),
    "going to kill me": ("kill", "murder", "shoot", "stab", "hurt", "beat", "strangle", "choke", "burn"),
    "armed person": ("gun", "pistol", "rifle", "knife", "knives", "machete", "weapon", "blade", "bat", "axe", "hammer"),
    "objects thrown": ("throw", "threw", "thrown"),
    "not safe": ("safe", "life", "danger", "let me", "let us", "locked", "hiding", "home"),
    "afraid of being hurt": ("scared", "afraid", "terrified", "worried"),
    "break-in or stalker": ("break", "broke", "getting in", "someone is", "following", "chasing", "stalking"),
    "someone else being hurt": (
        "hit",
        "beat",
        "punch",
        "chok",
        "strangl",
        "hurt",
        "attack",
        "stab",
        "kick",
        "slap",
        "abus",
        "rap",
        "molest",
        "threat",
    ),
    "wants to hurt someone": (
        "kill",
        "murder",
        "shoot",
        "stab",
        "hurt",
        "strangle",
        "choke",
        "attack",
        "beat",
        "smash",
        "jump",
    ),
    "school or workplace attack": (" up ",),
    "armed with intent": ("gun", "pistol", "rifle"),
    "spanish: suicide": ("morir", "matar", "suicid", "vivir"),
    "spanish: overdose or not breathing": ("sobredosis", "respira", "despierta", "muriendo"),
    # Danger said without trigger words, by kind (tests/data/crisis_kinds.yml; each key is a literal of its rule).
    "means within reach": (
        "gun",
        "pistol",
        "rifle",
        "shotgun",
        "rope",
        "noose",
        "cord",
        "belt",
        "razor",
        "blade",
        "pills",
        "bottle",
        "loaded",
    ),
    "rope tied": ("tied", "hung", "hanging"),
    "enough not to wake up": ("wake up",),
    "all of it at once": ("all of it", "everything", "all of them", "whole bag", "whole bottle"),
    "at a dangerous place, now": (
        "overpass",
        "bridge",
        "roof",
        "ledge",
        "cliff",
        "tracks",
        "platform",
        "river",
        "dam",
        "lake",
        "quarry",
        "top floor",
        "sill",
    ),
    "on a high place or the tracks": (
        "bridge",
        "overpass",
        "ledge",
        "cliff",
        "roof",
        "tracks",
        "railroad",
        "railing",
        "parapet",
    ),
    "at the edge of a height": ("edge",),
    "means made ready": ("ready", "loaded", "set up", "picked out", "laid out"),
    "will not live long": ("live", "alive", "survive", "last", "problem", "burden"),
    "confused and lost": ("know where i am",),
    "seeing what is not there": ("there", "here", "real", "else"),
    "giving belongings away": ("gave", "giving", "given", "signed", "settled"),
    "letters left": ("letter", "note"),
    "goodbye letters": ("letter", "note"),
    "last words": (
        "last time",
        "before i go",
        "blame yourselves",
        "remember",
        "say goodbye",
        "said goodbye",
        "saying goodbye",
        "for me",
        "make sure",
        "password",
        "its over",
        "it is over",
    ),
    "cannot trust myself": ("trust myself",),
    "may not last the night": ("be here", "make it", "hold on", "last", "survive", "get through", "keep going"),
    "about to do something": ("do",),
    "picturing not being here": ("not being", "being here", "no point"),
    "someone else not safe": ("safe",),
    "sent a picture of the means": ("pic", "photo", "picture"),
    "someone else at a dangerous place": ("roof", "ledge", "bridge", "overpass", "tracks", "edge"),
    "left with a weapon": ("with his", "with her", "with their", "with a "),
    "threatens to jump": ("jump",),
    "not answering behind a door": ("answer", "respond", "open"),
    "breathing badly": ("breath",),
    "grey and cold": ("gray", "grey", "blue", "purple"),
    "heart racing after using": ("heart", "chest"),
    "passing out": ("passing out", "pupils", "nodding"),
    "hallucinating in withdrawal": (
        "hear",
        "see",
        "saw",
        "spiders",
        "bugs",
        "shadows",
        "picking at",
        "where she is",
        "where he is",
    ),
    "choking on vomit": ("choking",),
    "child got into drugs": ("got into", "ate", "swallowed"),
    "door being beaten": ("door",),
    "hiding from someone": ("hiding",),
    "armed and waiting": ("waiting for", "when he", "when she", "when they", "going after"),
    "threat to end them": ("end me", "end us", "end both", "finish me", "finish us", "finish both"),
    "going to make them pay": ("pay",),
    "break-in now": ("break", "breaking"),
    "weapon waved": ("waving", "pointing", "swinging", "coming at"),
    "driving drunk with a child": ("drunk", "high", "wasted"),
    "hands on someone": ("hands on",),
}


WANT_TO = (
    r"(?:want|wants|wanted|wanting|wish|wishes|wished|wishing|ready|going|deserve|deserves|"
    r"should|hope|hoping|pray|praying|about|trying|tryna|plan|planning|plans|"
    r"need|needs|decided|might as well|may as well|better off|tempted|urge|urges)"
)
DIE = (
    r"(?:die|be dead|not be alive|not exist|stop existing|not be here anymore|disappear forever|"
    r"disappear permanently|disappear for good|disappear and never come back|vanish forever|not wake up|never wake up|be gone forever|cease to exist|"
    r"sleep forever|go to sleep forever|be with (?:him|her|them|my \w+) in heaven)"
)
NOT_DIE_IDIOM = (
    r"(?! (?:of|from) (?:embarrassment|boredom|laughter|laughing|cringe|shame|heat|hunger|"
    r"curiosity|old age|happiness)| laughing| for (?:my|you|him|her|them|this)| someday| one day|"
    r"eventually| young| happy| of natural)"
)

NOT_DYING_IDIOM = (
    r"(?! (?:to|of|for|laughing|inside|over here|if|when|someday|one day|eventually|"
    r"from (?:embarrassment|boredom|laughter|cringe)))"
)

RULES: Sequence[Rule] = (
    # --- suicide -----------------------------------------------------------------
    _rule(
        "suicide",
        "kill myself",
        r"\b(?:kill|killing|killed|kills|off|offing|offed|end|ending|unalive|unaliving|"
        r"delete|deleting|shoot|shooting|hang|hanging|hung|drown|drowning|poison|poisoning|suffocate|"
        r"stab|stabbing) (?:my ?self|me off)\b",
        who=SELF,
    ),
    _rule("suicide", "unalive", r"\b(?:unalive|unaliving|unalived|self delete|self deleting)\b"),
    _rule(
        "suicide",
        "suicide",
        r"\bsuicide\b(?! (?:prevention|awareness|hotline|lifeline|line|number|risk|loss|survivors?|"
        r"questions?|screen|screening|statistics|rates?|training|assessment|bereavement|support|items?|"
        r"policy|policies))",
    ),
    _rule(
        "suicide",
        "suicidal",
        r"\bsuicidal\b(?! (?:people|patients|clients|individuals|folks|teens|adults|"
        r"kids|youth|veterans|persons?|person s|family members))",
    ),
    _rule(
        "suicide",
        "thoughts of dying",
        r"\b(?:thoughts?|thinking|think|thought) (?:of|about) (?:dying|death|not being here|not existing|"
        r"ending it|ending my life|ending things|taking my life|not waking up)\b",
    ),
    _rule(
        "suicide",
        "wants to die",
        rf"\b{WANT_TO} (?:(?:to|that|2|i|i could|i would|i will|i can|he|she) )?{ADV}(?:to )?{DIE}\b{NOT_DIE_IDIOM}",
    ),
    _rule(
        "suicide",
        "wishes to be dead",
        rf"\b(?:wish|wishes|wished|wishing|hope|hoping|pray|praying) (?:that )?(?:i|he|she) {ADV}"
        r"(?:was|were|would be|could be|am|is) (?:dead|never born|not alive|not here|gone forever)\b",
    ),
    _rule(
        "suicide",
        "wishes not to exist",
        rf"\b(?:wish|wishes|wished) (?:i|he|she) {ADV}(?:was never born|wasnt born|had never been born|"
        r"didnt exist|did not exist|wasnt alive|wasnt here|could disappear|could just disappear|"
        r"could die|would die|dont wake up|wouldnt wake up|would not wake up|never woke up|could sleep forever)",
    ),
    _rule(
        "suicide",
        "hopes not to wake",
        rf"\b(?:hope|hoping|pray|praying|wish) (?:that )?(?:i|he|she) {ADV}(?:dont|do not|wont|never|doesnt|"
        r"dont ever) (?:wake up|wake|make it)\b",
    ),
    _rule(
        "suicide",
        "doesn't want to live",
        rf"\b(?:dont|doesnt|didnt|no longer|never|not) {ADV}(?:want|wanna|wants|wish) (?:to )?{ADV}(?:live|be alive|exist|"
        r"wake up|go on|keep living|continue living|be on this earth|see tomorrow|see another day|be here anymore|"
        r"be here any ?more|be here no more|be around anymore|be around any ?more)\b"
        r"(?! (?:like|this way|that way|with (?:this|my|the) (?:addiction|drinking|using)|on my own|my life like|"
        r"without help|in (?:this|that) (?:house|town|city|apartment)))"
        rf"|\b(?:dont|doesnt|didnt|no longer|never|not) {ADV}(?:want|wanna|wants|wish) (?:to )?{ADV}(?:be here|be around)\b"
        r"(?= ?(?:[.,?]|$|anymore|any longer|on this earth|because|and))",
    ),
    _rule(
        "suicide",
        "not sure i want to live",
        r"\b(?:not sure|dont know|unsure|no idea) (?:if |whether )?(?:i|he|she) (?:want|wants|even want) "
        r"(?:to )?(?:live|be alive|be here|keep living|keep going|wake up)\b(?! like)",
    ),
    _rule(
        "suicide",
        "no reason to live",
        r"\b(?:no|nothing|zero|not any|not a single) (?:\w+ )?(?:reason|reasons|point) (?:left )?(?:to|in|for) "
        r"(?:live|living|go on|going on|be alive|being alive|life|wake up|keep going|stay)\b"
        r"|\bnothing (?:left )?to live for\b|\bno point (?:anymore|in anything|in life)\b"
        r"|\bwhat is the point (?:of|in) (?:living|life|being alive|going on|waking up|anything|"
        r"even trying anymore|it all)\b|\bwhat is the point anymore\b"
        r"|\b(?:life|living) (?:is not|isnt|aint|is no longer|not|no longer) worth (?:living|it)\b"
        r"|\bnot worth living\b"
        r"|\b(?:dont|cant|do not|no longer|never) see (?:the|a|any) point (?:in |of |to )?(?:living|life|being alive|"
        r"going on|anything|waking up|trying anymore|anymore|any ?more)\b",
    ),
    _rule(
        "suicide",
        "tired of living",
        rf"\b(?:tired|sick|done|exhausted) (?:of |with )?{ADV}(?:living|being alive|existing|life|this life|"
        r"being here|waking up)\b(?! (?:like|this way|with my|in|at))",
    ),
    _rule(
        "suicide",
        "giving up on life",
        r"\b(?:give|giving|gave|given) up on (?:life|living|myself and everything|everything and everyone)\b",
    ),
    _rule(
        "suicide",
        "better off without me",
        r"\b(?:better off|better|happier|easier) (?:off )?(?:without me|if i (?:was|were|wasnt|am|died|was not|"
        r"were not|never existed|didnt exist|disappeared|killed myself)\b(?: (?:gone|dead|here|around|alive|born))?|"
        r"when i am gone|with me gone|once i am gone)"
        r"|\b(?:better|easier|happier|fine|okay|ok)\b(?: \w+){0,4} (?:if|when|once) i (?:just |finally )?(?:wasnt|werent|"
        r"was not|were not|am not|was gone|were gone|am gone|was dead|were dead|died|disappeared|left for good) ?"
        r"(?:around|here|alive)?(?: anymore)?\b"
        r"|\beveryone would be (?:fine|better|happier|okay|ok) without me\b"
        r"|\b(?:better|happier|easier|nicer|safer)(?: \w+){1,2} without me\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "better off without them",
        r"\b(?:better off|better|happier) (?:off )?(?:without (?:him|her|them)|if (?:he|she|they) "
        r"(?:was|were|died|wasnt) (?:gone|dead|not here))\b",
        who=THIRD,
    ),
    _rule(
        "suicide",
        "better off dead",
        r"\b(?:better off dead|rather be dead|would rather die|rather die|might as well be dead|may as well be dead|"
        r"might as well die|may as well die|prefer to be dead|be better off dead)\b",
        hyperbole_prone=True,
    ),
    _rule(
        "suicide",
        "nobody would miss me",
        r"\bnobody (?:would|will|is going to|gonna|is gonna|even) (?:\w+ )?(?:miss me|notice (?:if|when|that) i|"
        r"care (?:if|when) i (?:die|died|was gone|am gone|disappeared|killed|wasnt here)|notice i am gone|"
        r"cry (?:if|when) i)"
        r"|\bnobody (?:would |will |even |really )*(?:care|cares|notice|notices|mind) (?:if|whether) i "
        r"(?:live|lived) or (?:die|died)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "end it all",
        r"\b(?:end|ending|ended|finish|finishing) (?:it all|everything|it for good|it tonight|it now|it today|"
        r"it soon|it forever|my life|my own life|my suffering|it once and for all|it permanently|"
        r"this life|this miserable life)\b",
    ),
    _rule(
        "suicide",
        "end it",
        rf"\b(?:want|wanna|going|ready|about|plan|planning|decided|thinking about|thinking of|think about|"
        rf"should|need|gonna|time|feel like|felt like|close to|considering|contemplating|thought of|"
        rf"think of) (?:to )?{ADV}(?:end|ending) (?:it|things|everything)"
        r"(?= ?(?:[.,?]|$|tonight|now|today|soon|for good|forever|already|and|because|i|please))"
        r"|\b(?:to|and|then) end it(?: all)?(?= ?(?:[.,?]|$))",
    ),
    _rule("suicide", "take my life", r"\b(?:take|taking|took) (?:my|his|her|their) (?:own )?life\b"),
    _rule("suicide", "end their life", r"\b(?:end|ending) (?:his|her|their) (?:own )?life\b", who=THIRD),
    _rule(
        "suicide",
        "can't go on",
        r"\bcant (?:go on|carry on|keep going|keep living|do this anymore|do it anymore|do life anymore|"
        r"do this any ?more|take it anymore|take it any ?more|take this anymore|take this any ?more|"
        r"take the pain|take much more|take anymore|take any ?more|handle (?:it|this|life) anymore|"
        r"live with myself|live like this anymore)\b"
        r"(?! (?:alone|on my own|by myself|without help|with (?:my|the|this) (?:drinking|using)|"
        r"drinking|using|to))",
    ),
    _rule(
        "suicide",
        "won't make it",
        r"\b(?:dont think i (?:can|will|could) (?:go on|keep going|make it through (?:the night|tonight)|"
        r"do this anymore|take (?:it|this) anymore)|not going to make it through (?:the night|tonight))\b",
    ),
    _rule(
        "suicide",
        "goodbye",
        rf"\b(?:say|saying|said|texted|texting|text|sent|send|sending|posted|posting|post|wrote|writing|write|"
        rf"leaving|left) {ADV}(?:my |a |his |her |their |some )?(?:final |last )?(?:goodbyes?|farewells?) "
        r"to (?:everyone|every one|you all|yall|all of you|everybody|the world|this world|my family|"
        r"my kids|my children|my friends|my loved ones|my parents|all)\b"
        r"|\bthis is (?:my )?(?:final |last )?goodbye\b|\bgoodbye (?:forever|cruel world|world|everyone)\b"
        r"|\bfinal goodbye\b|\bmy last (?:goodbye|words)\b|\bthis is my last (?:message|text)\b"
        r"|\b(?:this is|it is|that is) (?:the end|it) for me\b|\bthis is the end(?= ?(?:[.,?]|$))"
        r"|\b(?:texted|sent|messaged|posted|wrote|left) (?:me |us |everyone |it )?(?:a )?goodbye"
        r"(?: (?:text|message|note|letter|post|video))?\b"
        r"|\bgoodbye (?:text|message|note|letter|post|video)\b"
        r"|\b(?:told|telling|tells|texted|texting) (?:all )?(?:his|her|their|my) (?:friends|family|parents|kids|"
        r"siblings|sister|brother|mom|dad|girlfriend|boyfriend) goodbye\b",
    ),
    _rule(
        "suicide",
        "suicide note",
        r"\b(?:wrote|writing|written|finished|finishing) (?:my|his|her) note\b(?! (?:to|for|on) (?:the|my|your))"
        r"|\b(?:suicide|goodbye|farewell) (?:note|letter|letters|notes)\b"
        r"|\b(?:wrote|written|finished) (?:all )?(?:my|the) (?:letters|notes)\b(?=.{0,30}\b(?:its time|it is time|"
        r"goodbye|tonight|im ready|i am ready)\b)"
        r"|\b(?:wrote|writing|written|left|leaving) (?:a |my )?(?:note|letter|letters|notes) (?:to|for) (?:my family|"
        r"everyone|my kids|my children|my parents|my wife|my husband|my mom|my dad) (?:saying goodbye|explaining|"
        r"for when|for after|to find)\b",
    ),
    _rule(
        "suicide",
        "won't be here",
        r"\b(?:wont|will not|not going to|wouldnt|might not|may not|dont plan to|do not plan to|dont expect to) be "
        r"(?:here|around|alive) (?:tomorrow|much longer|for long|anymore|any ?more|by morning|next week|after tonight|"
        r"to see|after (?:this|the) (?:weekend|week|month)|after today|by (?:the weekend|next week|monday|friday)|"
        r"for (?:my|his|her|the) (?:\w+ )?(?:birthday|christmas|wedding|graduation))\b"
        r"|\b(?:wont|will not|not going to|dont plan to) be alive\b"
        r"|\b(?:dont|cant|do not|cannot) (?:see|picture|imagine) myself (?:being )?(?:alive|here|around|living) "
        r"(?:next|in|by|for|much|a|anymore|any ?more)\b"
        r"|\b(?:picturing|imagining|planning|planned|dreaming about|thinking about|fantasizing about|fantasising about)"
        r" my (?:own )?(?:funeral|death|grave|suicide)\b"
        r"|\b(?:i am|im) (?:just )?checking out(?= ?(?:[.,?]|$|for good|permanently|early|tonight))"
        r"|\bif i (?:die|died|am dead|was dead) (?:tonight|today|right now|in my sleep)\b"
        r"|\bat least (?:the pain|it all|everything|all this|the hurting) (?:would |will )?(?:stop|stops|end|ends|be over)\b"
        r"|\b(?:wont|not going to) be a (?:problem|burden) (?:to|for) (?:anyone|anybody|you|them|everyone) "
        r"(?:much longer|for long|anymore|after tonight)\b",
    ),
    _rule(
        "suicide",
        "giving things away",
        r"\b(?:giving|gave|give|given) (?:away )?(?:all )?(?:of )?my (?:stuff|things|belongings|possessions|"
        r"pets|dog|cat) away\b|\b(?:giving|gave|given) away (?:all )?(?:of )?my (?:stuff|things|belongings|"
        r"possessions|pets|dog|cat)\b",
    ),
    _rule("suicide", "when i'm gone", r"\b(?:when|after|once) i am (?:gone|dead|not here)\b(?! (?:to|for|at|on))"),
    _rule(
        "suicide",
        "tonight is the night",
        r"\b(?:tonight|today) is (?:the )?(?:night|day)\b(?=.{0,60}\b(?:goodbye|do it|end|die|kill|sorry|"
        r"love you all|jump|pills)\b)"
        r"|\b(?:going to|ready to|time to|gonna|will) (?:finally )?do it (?:tonight|today|now)\b"
        r"|\b(?:ready|planned|plan|note|goodbye|sorry|pills)\b.{0,60}\b(?:tonight|today) is (?:the )?(?:night|day)\b",
    ),
    _rule(
        "suicide",
        "hanging or jumping",
        r"\b(?:hang|hanging|hung) (?:myself|himself|herself|themselves)\b|\bnoose\b"
        rf"|\b(?:jump|jumping|jumped|throw myself|step|stepping|walk|walking) {ADV}(?:off|from|in front of|into) "
        r"(?:a |the |this |my |that |an )?(?:\w+ )?(?:bridge|building|roof|rooftop|balcony|cliff|overpass|"
        r"parking garage|garage|train|bus|car|truck|traffic|window|ledge|tower|highway|freeway|subway)\b"
        r"|\b(?:am going to|going to|gonna|about to|want to|ready to) jump\b(?= ?(?:[.,?]|$|off))",
    ),
    _rule(
        "suicide",
        "means at hand",
        r"\b(?:bought|got|have|buying|tied|found|hung|hanging) (?:a |the |some |my )?(?:rope|noose)\b"
        r"(?!.{0,40}\b(?:climb\w*|gym|boat\w*|camping|swing|tow\w*|moving|dog|jump rope|tug)\b)"
        r"|\b(?:engine|car|motor) (?:is |was )?(?:running|on) in (?:the|a|my) (?:closed |shut )?garage\b"
        r"|\b(?:in|into) (?:the|my|a) (?:closed |shut )?garage with the (?:engine|car|motor) (?:running|on)\b"
        r"|\b(?:sitting|sat) in (?:my|the) car with the engine running\b"
        r"|\b(?:courage|nerve|guts) to (?:do it|jump|end it|go through with it|let go|pull the trigger|finally do it)\b"
        rf"|\b(?:staring at|loaded|lined up|counting out|laid out) (?:all )?(?:my|the|a|these|his|her) (?:\w+ )?"
        rf"(?:gun|pistol|rifle|shotgun|rope|razor|razors|blade|blades|noose|{DRUG})\b"
        r"|\b(?:on|at|standing on|sitting on|up on|edge of) (?:the |a |this )?(?:roof|rooftop|ledge|edge|bridge|overpass|"
        r"train tracks|tracks|balcony railing|cliff)\b.{0,60}\b(?:courage|nerve|guts|jump|end it|goodbye|do it|let go)\b",
    ),
    # Danger said without the trigger words: the means ready, a dangerous place, "not safe", a farewell.
    _rule(
        "suicide",
        "means ready",
        rf"\b{DRUG} (?:are |is )?(?:all )?(?:counted out|poured out|in front of me|in my hands?|in my mouth|"
        r"ready (?:tonight|for tonight|now|right now|to go))\b"
        rf"|\b(?:{WEAPON}|rope|noose|razors?|blades?) (?:are |is )?(?:all )?(?:loaded |ready )?(?:in front of me|"
        r"on my lap|in my lap|in my hands?|in my mouth|next to me|beside me|pointed at me)\b"
        rf"|\b(?:have|got|holding|hold) (?:a |the |my )?(?:loaded )?(?:{WEAPON}|rope|noose) (?:in my (?:lap|hands?|mouth)|"
        r"on my lap|next to me|beside me|pointed at me)\b"
        r"|\b(?:gun|pistol|rifle|shotgun) (?:is )?loaded and\b",
    ),
    _rule(
        "suicide",
        "at a dangerous place",
        r"\b(?:standing|sitting|sat|stood) (?:on|at) (?:the |a |this )?(?:bridge|roof|rooftop|overpass) (?:right )?now\b"
        r"|\b(?:i am|standing|sitting|sat|stood|stand|sit|up|here) (?:\w+ ){0,3}?(?:on|at|by) (?:the |a |this )?"
        r"(?:edge of (?:the |a |this )?(?:roof|rooftop|bridge|building|cliff|parking garage|platform|overpass)|"
        r"(?:train |railroad |rail )?tracks|ledge|rooftop edge|railing of (?:the |a |this )?(?:bridge|balcony|overpass))\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "not safe with myself",
        r"\bi am not safe\b(?! (?:to|for) (?:drive|work|be around kids))"
        r"|\b(?:cant|cannot|can not|dont think i can|unable to|not able to|dont know if i can) (?:keep myself|stay|be) safe\b"
        r"|\b(?:dont|do not|no longer|not) feel safe (?:with myself|around myself|by myself|alone|right now|tonight)\b"
        r"|\bnot safe (?:with|around|from) myself\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "farewell to loved ones",
        rf"\btell (?:my {REL}|my family|everyone|them all|mom|dad) (?:that )?i (?:love|loved|am sorry|m sorry)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "locked in with means",
        rf"\b(?:locked|barricaded|shut) (?:himself|herself|themselves|myself) in (?:the |a |my |his |her |their )?\w+ "
        rf"(?:with (?:\w+ )?(?:{DRUG}|{WEAPON}|rope|belt|cord|pills)|and (?:wont|will not|isnt|is not|doesnt) (?:come out|answer|"
        r"respond|open))",
        who=THIRD,
    ),
    _rule(
        "suicide",
        "cutting wrists or throat",
        r"\b(?:slit|slitting|slash|slashing|cut|cutting) (?:my |his |her )?(?:wrists?|throat)\b",
    ),
    _rule(
        "suicide",
        "gun to head",
        r"\b(?:gun|pistol|barrel) (?:to|in|against) (?:my|his|her) (?:head|mouth|temple|chest)\b"
        r"|\bblow my (?:brains|head) (?:out|off)\b|\bput a bullet in (?:my|his|her)\b"
        r"|\b(?:use|using|turn|turning) (?:it|them|this|that|the \w+|a \w+|my \w+) on myself\b",
    ),
    _rule(
        "suicide",
        "crash on purpose",
        r"\b(?:drive|driving|drove|crash|crashing|steer|steering|swerve|swerving) (?:my |the )?(?:car |truck )?"
        r"(?:into|off|over) (?:a |the |an )?(?:wall|tree|bridge|cliff|oncoming traffic|traffic|pole|river|lake|semi|"
        r"overpass|pier|embankment|ledge|edge|guardrail|barrier|ocean|truck|highway|road)\b"
        r"|\bcrash (?:my car |the car )?on purpose\b",
    ),
    _rule(
        "suicide",
        "stockpiling pills",
        rf"\b(?:saving|saved|stockpiling|stockpiled|stockpile|hoarding|hoarded|stashing|stashed) "
        rf"(?:up )?(?:all )?(?:of )?(?:my |enough |his |her )?{DRUG}\b"
        rf"|\b(?:have|got|has) enough {DRUG} to\b",
    ),
    _rule(
        "suicide",
        "lethal dose question",
        r"\b(?:lethal|fatal|deadly|killing) (?:dose|amount|quantity|number)\b"
        r"|\bhow (?:much|many) (?:\w+ ){0,5}(?:would|will|does it|to|it takes to|it would take to|do i need to|"
        r"does it take to|would it take to|can) (?:\w+ )?(?:kill|die|overdose|end it|not wake up|stop (?:my|your|a) heart)\b"
        r"|\b(?:how|best way|easiest way|fastest way|painless way|quickest way|ways|surest way) (?:to|do i|can i|"
        r"could i) (?:kill (?:myself|yourself|someone|a person|me)|die|commit suicide|end (?:my|your|it)|"
        r"overdose on purpose|hang myself|not wake up)\b",
        always=True,
    ),
    _rule(
        "suicide",
        "want out of life",
        r"\bwant (?:out of (?:life|this life|this world|here for good)|out (?:[.,] )?(?:permanently|forever|"
        r"for good))\b|\bwant (?:it all|everything|the pain|it|this) to (?:stop|end) (?:forever|permanently|for good)\b",
    ),
    _rule(
        "suicide",
        "no way out",
        r"\b(?:see|there is|have|got|found|seeing) (?:no|not (?:a|any)) (?:other )?way out\b"
        r"|\bdont see (?:a|any) (?:other )?way out\b|\bonly way out is\b",
    ),
    _rule(
        "suicide",
        "sleep and never wake",
        r"\b(?:sleep|go to sleep|fall asleep|close my eyes|lie down) (?:and|to) (?:never|not) (?:wake up|"
        r"open them|wake)\b|\bpermanent sleep\b|\bsleep forever\b",
    ),
    _rule(
        "suicide",
        "be with them in heaven",
        r"\b(?:be|go|join|see) (?:with )?(?:him|her|them|my \w+) (?:again )?(?:in heaven|on the other side|"
        r"in the afterlife)\b",
    ),
    _rule(
        "suicide",
        "talking about suicide (someone)",
        r"\b(?:talking|talks|talked|saying|says|said|threatening|threatens|threatened|texting) (?:about |to )?"
        r"(?:suicide|killing (?:himself|herself|themselves)|ending it|ending (?:his|her|their) life|dying|"
        r"not wanting to live|wanting to die|kill (?:himself|herself|themselves))\b",
        who=THIRD,
    ),
    _rule(
        "suicide",
        "kill themselves",
        r"\b(?:kill|killing|killed|off|offing|unalive|unaliving|shoot|shooting) "
        r"(?:himself|herself|themselves)\b",
        who=THIRD,
    ),
    _rule(
        "medical",
        "feels like dying",
        rf"\b(?:i|he|she|they|we) (?:am|is|are) {ADV}(?:dying|going to die)\b{NOT_DYING_IDIOM}"
        rf"|\b(?:feel|feels|felt|think|thought) (?:like )?(?:i|he|she) (?:am|is|was) {ADV}(?:dying|going to die)\b"
        rf"{NOT_DYING_IDIOM}",
        hyperbole_prone=True,
    ),
    # --- self-harm ---------------------------------------------------------------
    _rule(
        "self_harm",
        "hurting myself",
        rf"\b(?:cut|cuts|cutting|slice|slicing|carve|carving|burn|burns|burning|burned|burnt|hurt|hurts|hurting|"
        rf"harm|harming|hit|hitting|punch|punching|scratch|scratching|bite|biting|starve|starving|bruise|"
        rf"bruising|injure|injuring|mutilate|mutilating) {ADV}myself\b"
        r"|\b(?:do|doing|did|done) (?:something|anything) (?:stupid |bad |drastic |dangerous |permanent )?to myself\b",
        who=SELF,
    ),
    _rule(
        "self_harm",
        "hurting themselves",
        rf"\b(?:cut|cuts|cutting|burn|burns|burning|burned|hurt|hurts|hurting|harm|harming|hit|hitting|"
        rf"starve|starving|injure|injuring) {ADV}(?:himself|herself|themselves)\b",
        who=THIRD,
    ),
    _rule(
        "self_harm",
        "self harm",
        r"\bself (?:harm|harming|harmed|harms|injury|injuring|injure|injured|mutilat\w*)\b"
        r"(?! (?:history|awareness|scars?|recovery|group|support|resources?|prevention))",
    ),
    _rule(
        "self_harm",
        "cutting",
        rf"\b(?:want|wanna|need|urge|urges|going|gonna|tempted|craving|started|start|starting|been|keep|"
        rf"relapsed on|relapse on|back to|used to) (?:to )?{ADV}(?:cutting|cut|burning|burn)"
        r"(?= ?(?:[.,?]|$|again|tonight|now|so bad|really bad|deep|deeper|my|myself|every|and))"
        r"(?! (?:my (?:hair|hours|losses|nails|food|spending|drinking|intake|budget)))"
        r"|\b(?:cutting|cut|burning|burned) (?:again|deeper|too deep|my (?:arms?|wrists?|legs?|thighs?|skin|stomach|hips?))\b"
        r"|\bcut (?:too )?deep\b|\bwent too deep\b|\b(?:relapsed|relapse|relapsing) (?:on|with) (?:sh|cutting)\b"
        r"|\burges? to (?:sh|cut|self harm|burn)\b|\b(?:want|wanna|going|gonna|about|need|tempted|ready) to sh\b"
        r"|\b(?:razor|blade) (?:is )?(?:in my hand|ready|out|next to me)\b",
    ),
    _rule(
        "self_harm",
        "bleeding",
        r"\b(?:bleeding (?:a lot|badly|bad|heavily|everywhere|so much|really bad|wont stop)|"
        r"(?:wont|cant|will not|doesnt|isnt) stop (?:the )?bleeding|blood everywhere|a lot of blood|lots of blood)\b",
    ),
    # --- overdose ----------------------------------------------------------------
    _rule(
        "overdose",
        "overdose",
        r"\boverdos(?:e|ed|ing|es)\b(?! (?:prevention|awareness|risk|signs?|symptoms?|training|kits?|deaths?|"
        r"rates?|statistics|crisis|epidemic|reversal|response|education|risks))",
    ),
    _rule(
        "overdose",
        "took too many",
        rf"\b(?:took|take|taken|taking|swallowed|swallow|swallowing|popped|popping|downed|snorted|"
        rf"shot up|shooting up|injected|did|done|used|ate|chugged) {ADV}"
        r"(?:like |about |around |maybe |almost |over |at least |nearly )?"
        r"(?:a whole|the whole|an entire|the entire|(?:my|his|her|their) (?:whole|entire)|half (?:a|the|my|his|her)|"
        r"all|all of|a full|a bunch|bunch|a lot|a ton|a handful|"
        r"handfuls|way too many|way too much|too many|too much|a few too many|enough|double|triple|"
        r"\d{2,}|twenty|thirty|forty|fifty|sixty|a hundred|dozens|a bottle|a whole bottle|the bottle|"
        r"the rest|everything|every)"
        rf"(?: of)?(?: (?:my|his|her|their|the|these|those|them|it|a|mine))?(?: \w+)?(?: of)?(?: (?:my|his|her|the))?"
        rf"(?: {DRUG}|(?: bottle| pack| box| strip| sheet| script| prescription| supply| stash)(?: of \w+)?)"
        r"|\b(?:took|swallowed|popped|shot up|used|did|done|snorted|injected) (?:way )?too (?:much|many)"
        r"(?= ?(?:[.,?]|$|again|and|i|tonight|just|now|please|fentanyl|heroin|dope|of))"
        rf"|\b(?:took|taken|swallowed|had|used|popped) (?:way |a lot |much |a bunch |so much )?more (?:of )?(?:\w+ ){{0,3}}?"
        rf"(?:{DRUG}|pills|meds) than (?:\w+ )?(?:should|supposed|prescribed|allowed|meant|normal|usual)"
        rf"|\b(?:took|swallowed|popped) every (?:single )?(?:pill|tablet|capsule)\b"
        r"|\b(?:took|swallowed|popped|snorted|did|used) (?:a bunch|a lot|a ton|a handful|everything|all of it|"
        r"the whole thing|all of them|them all) (?:again|tonight|just now|at once|all at once)\b",
    ),
    _rule(
        "overdose",
        "drug count",
        rf"\b(?:took|taken|swallowed|popped|ate|downed|snorted) (?:like |about |maybe |almost |over )?"
        rf"(?:\d{{2,}}|twenty|thirty|forty|fifty|a hundred) (?:of (?:my|his|her|the) )?(?:\w+ )?{DRUG}\b",
    ),
    _rule(
        "overdose",
        "mixed drugs",
        rf"\bmixed (?:my |his |her |some )?(?:\w+ )?{DRUG} (?:and|with) (?:\w+ ){{0,3}}?"
        r"(?:alcohol|booze|drinking|liquor|vodka|whiskey|beer|wine|fentanyl|heroin|opioids?|benzos?|xanax|pills|"
        r"methadone|oxy\w*)\b",
        needs_subject=True,
    ),
    _rule(
        "overdose",
        "alcohol with sedatives",
        r"\b(?:drank|drinking|had|downed) (?:\w+ ){0,5}?(?:and|then|with|plus|on top of) (?:\w+ )?(?:took|popped|taking|"
        r"did|snorted|take) (?:\w+ ){0,3}?(?:xanax|benzos?|klonopin|valium|ativan|bars|oxy\w*|percocets?|percs?|"
        r"opioids?|fentanyl|heroin|sleeping pills|ambien|methadone)\b"
        r"|\b(?:took|popped|taking|snorted|did) (?:\w+ ){0,3}?(?:xanax|benzos?|klonopin|valium|ativan|bars|oxy\w*|"
        r"percocets?|percs?|opioids?|fentanyl|heroin|sleeping pills|ambien|methadone) (?:and|then|with|plus|on top of) "
        r"(?:\w+ ){0,2}?(?:drank|drinking|a bottle|a fifth|vodka|whiskey|booze|alcohol)\b",
        needs_subject=True,
    ),
    _rule(
        "overdose",
        "laced",
        r"\b(?:was|is|got|been|must have been|must be|think it was|think it is) laced\b",
        needs_subject=True,
    ),
    _rule(
        "overdose",
        "naloxone given",
        rf"\b(?:gave|give|giving|given|used|using|administered|sprayed|hit) (?:him|her|them|my \w+ )?{ADV}"
        r"(?:some |a |the |another |two |2 |three |3 )?(?:dose |doses |shot |spray |sprays )?(?:of )?"
        r"(?:narcan|naloxone)\b(?! (?:training|kits?|class|classes|program))"
        r"|\b(?:narcan|naloxone) (?:isnt|is not|not|didnt|did not|wont|doesnt) (?:working|work|help)\b"
        r"|\bneed (?:narcan|naloxone) (?:now|right now|asap|fast|please)\b"
        r"|\bwhere is (?:the|your|my) (?:narcan|naloxone)\b",
    ),
    # --- medical emergency ----------------------------------------------------------
    _rule(
        "medical",
        "not breathing",
        rf"\b(?:not|isnt|arent|wasnt|stopped|stops|barely|hardly|not really|has stopped|is not) {ADV}breathing\b"
        r"|\b(?:breathing|breath|breathes|breaths) (?:is |has |sounds |seems |looks |got |gotten |went |keeps )?"
        r"(?:really |very |so |kind of |super )?(?:slow|shallow|stopped|weird|strange|gurgling|funny|wrong|off|raspy|"
        r"rattly|rattling|irregular|stopping)\b"
        r"|\bno pulse\b|\b(?:making|is making) (?:weird |strange |loud )?(?:snoring|gurgling|choking) (?:sounds|noises)\b",
        default_other=True,
    ),
    _rule(
        "medical",
        "can't breathe",
        r"\b(?:cant|cannot|can barely|hard to|struggling to|trouble|difficulty|unable to) breath(?:e|ing)\b"
        r"(?! (?:through my nose|in this heat))",
        hyperbole_prone=True,
    ),
    _rule(
        "medical",
        "turning blue",
        r"\b(?:turning|turned|going|gone|went) (?:\w+ )?(?:blue|purple|grey|gray)\b"
        r"|\b(?:lips|face|skin|fingers|fingertips|nails) (?:are |is |look |looks |turning |going |went )?"
        r"(?:all |really |kind of )?(?:blue|purple|grey|gray)\b|\bblue lips\b",
        default_other=True,
    ),
    _rule(
        "medical",
        "seizure",
        rf"\b(?:having|had|just had|is having|in the middle of) {ADV}(?:a |another |multiple |several |two |a few )?"
        r"(?:withdrawal )?(?:seizures?|fits?|convulsions?|grand mal)\b(?! (?:disorder|history|meds|medication))"
        r"|\b(?:seizing|seizuring|convulsing|fitting on the floor|shaking uncontrollably)\b"
        r"|\beyes (?:are |have |just )?(?:rolled|rolling|rolled back|rolling back|rolled up|rolling up)\b"
        r"|\b(?:shaking|jerking|twitching|thrashing) (?:\w+ )?(?:on the (?:floor|ground|bed)|uncontrollably|all over and)\b",
    ),
    _rule(
        "medical",
        "hallucinating",
        rf"\b(?:seeing|see|saw|hearing|hear|heard|feeling|feel|felt|smelling|smell) {ADV}(?:\w+ ){{1,3}}?"
        r"(?:that |which |who )?(?:are not|arent|isnt|is not|were not|werent|wasnt|aint) (?:really )?"
        r"(?:there|real|playing|happening|on)\b"
        rf"|\b(?:am|is|are|been|keep|keeps|kept|started|start|starting|was|now) {ADV}(?:seeing|hearing) "
        r"(?:things|stuff|shit|voices|bugs|spiders|snakes|shadows)\b"
        r"(?! (?:more|differently|clearly|clearer|in a|from|positive|better|through|about|on (?:tv|the news|"
        r"social)|online|for|at (?:group|work|church|meetings)|in (?:group|therapy|class)|with|like))"
        r"|(?:^|[.,?] )(?:seeing|hearing) (?:things|stuff|voices|bugs|spiders|snakes|shadows)\b"
        r"(?! (?:more|differently|clearly|clearer|in a|from|positive|better|through|about|for|with|like))"
        r"|\bhearing voices\b|\bvoices (?:are )?(?:telling|tell|told) (?:me|him|her) to\b"
        r"|\b(?:talking|talks|talked|screaming|yelling|shouting|waving) (?:to|at) (?:people|someone|somebody|things|"
        r"nobody|ghosts|\w+) (?:who|that|which) (?:are not|arent|isnt|is not|were not|werent|wasnt) "
        r"(?:really )?(?:there|real|in the room|here)\b"
        r"|\b(?:bugs|insects|ants|spiders|something|things) (?:are )?crawling (?:on|under|all over|in|across) "
        r"(?:my|his|her|their|the|me|him)\b"
        r"|\bhallucinat(?:ing|e|es|ed|ions?)\b"
        r"|\b(?:walls|floor|ceiling|room|ground) (?:are |is |keep |keeps )?(?:moving|melting|breathing|crawling|spinning "
        r"and moving)\b"
        r"|\b(?:hear|hears|hearing|heard) (?:people |voices |someone |things )?(?:whispering|whispers|calling my name|"
        r"talking when nobody is there|that arent there)\b",
    ),
    _rule(
        "medical",
        "DTs",
        r"\b(?:having|has|have|had|got|getting|in|into|going into|gone into|with|think i have|think he has) "
        r"(?:the )?(?:dts|delirium tremens|withdrawal delirium)\b",
    ),
    _rule(
        "medical",
        "foaming or vomiting blood",
        r"\b(?:foaming|frothing) at the mouth\b|\b(?:throwing up|vomiting|puking|coughing up|coughing|peeing|"
        r"pooping|shitting) (?:up )?blood\b|\bchoking on (?:his|her|their|my) (?:own )?(?:vomit|puke|throw up|tongue)\b",
        default_other=True,
    ),
    _rule(
        "medical",
        "unresponsive",
        r"\b(?:wont|will not|cant|doesnt|isnt|is not|not) (?:wake|waking|wake up|waking up|respond|responding)\b"
        r"(?! (?:to (?:my |your |his |her )?(?:texts?|emails?|calls?|messages?|treatment|meds|medication|therapy)|"
        r"in time|early|on time|for work|before))"
        r"|\bcant (?:wake|get) (?:him|her|them|my \w+|\w+) (?:up|to wake up|to respond)\b"
        r"|\bunresponsive\b|\bunconscious\b(?! bias)|\blost consciousness\b"
        r"|\b(?:passed out|blacked out|collapsed|nodding out|nodded out) (?:and|but) (?:\w+ ){0,2}(?:wont|cant|isnt|"
        r"not|is not|doesnt|hit (?:his|her|my) head)\b"
        r"|\b(?:he|she|they|friend|brother|sister|son|daughter|dad|mom|husband|wife|boyfriend|girlfriend|"
        r"someone) (?:just |has |is |suddenly )?(?:collapsed|passed out)\b"
        r"|\b(?:slumped|hunched|keeled) (?:over|down)\b(?! (?:my|his|her|a) (?:desk|laptop|phone|books?))"
        r"|\b(?:cant|can barely|can hardly) keep (?:my|his|her|their) eyes open\b"
        r"|\b(?:isnt|is not|not|stopped|wont|cant|hasnt|arent) (?:\w+ )?moving\b(?! (?:on|forward|out|in|house|away|"
        r"fast|there|to|here|back|along|ahead))",
        default_other=True,
    ),
    _rule(
        "medical",
        "heart attack or stroke",
        rf"\b(?:having|is having|think i am having|think he is having|think she is having) {ADV}(?:a )?"
        r"(?:heart attack|stroke|cardiac arrest)\b"
        r"|\bchest (?:pain|pains|hurts|is tight|feels tight|is crushing|tightness)\b|\bpain in my chest\b"
        r"|\b(?:left )?arm (?:is |went |feels )?numb\b|\bcant feel my (?:legs|arms|body|face|hands)\b",
    ),
    _rule(
        "medical",
        "call 911",
        r"\b(?:call|calling|called|dial|dialing|dialed|need|needs|get|send|sending) (?:an )?(?:911|9 1 1|ambulance|"
        r"paramedics|emts|an ambulance)\b(?! (?:on|for (?:a|my) (?:ankle|cat)))"
        r"|\b(?:this is|it is|its|having|there is) (?:an |a )?(?:medical )?emergency\b",
    ),
    # --- violence -------------------------------------------------------------------
    _rule(
        "violence",
        "being hurt by someone",
        rf"\b(?:is |are |keeps |keep |kept |been |started |starts |was )?{ADV}(?:hitting|beating|punching|choking|"
        r"strangling|hurting|attacking|stabbing|kicking|slapping|raping|assaulting|abusing|threatening|"
        r"molesting|shooting at|burning|smothering|suffocating|chasing|stalking|strangle|choke) me\b"
        r"(?! (?:up|with (?:questions|texts|calls|work))|on (?:instagram|facebook|snap|social|tiktok))",
        who=SELF,
    ),
    _rule(
        "violence",
        "hurt by someone (past or habitual)",
        r"\b(?:hit|hits|beat|beats|punched|punches|choked|chokes|strangled|strangles|attacked|attacks|stabbed|"
        r"stabs|kicked|kicks|slapped|slaps|raped|rapes|assaulted|assaults|abused|abuses|threatened|threatens|"
        r"molested|molests|shot|smothered|hurts|hurt) me\b"
        r"(?! (?:up|out|to it|at|in (?:a |the |that |this )?(?:game|chess|cards|race|argument|pool|poker|court|match)|"
        r"that|with (?:a |the )?(?:bill|fee|question)|hard that|like|how|when i realized))"
        r"|\b(?:pushed|shoved|threw|dragged|grabbed) me (?:down|into|against|across|by|off|out of|to the (?:floor|ground))\b"
        r"|\b(?:hands?|arms?|belt|rope|cord|fingers) (?:around|on|over|against) my (?:neck|throat|mouth)\b",
        who=SELF,
        needs_subject=True,
    ),
    _rule(
        "violence",
        "objects thrown",
        r"\b(?:throwing|threw|throws|thrown) (?:things|stuff|shit|plates|bottles|chairs|furniture|dishes|glass|"
        r"a \w+|the \w+|knives|a knife) at (?:me|us|her|him|my \w+|the kids|the baby)\b",
        who=SELF,
    ),
    _rule(
        "violence",
        "being abused",
        rf"\b(?:being|been getting|getting|am being|is being) {ADV}(?:abused|beaten|beat up|hit|attacked|raped|"
        r"assaulted|threatened|stalked|choked|strangled|trafficked|held against my will|kidnapped|molested|"
        r"hurt by (?:him|her|them|my \w+))\b",
    ),
    _rule(
        "violence",
        "threatened to kill",
        rf"\b(?:threatening to|threatened to|threatens to|swore to|swore he would|swore she would|promised to|"
        rf"says (?:he|she|they) (?:will|would|is going to|are going to)|said (?:he|she|they) (?:would|will|"
        rf"was going to|is going to|were going to)|screaming (?:that )?(?:he|she|they) (?:is|are|will) going to|"
        rf"screaming (?:that )?(?:he|she|they) will|keeps saying (?:he|she|they) will) {ADV}(?:kill|murder|shoot|stab|"
        r"hurt|beat|strangle|choke|burn) (?:me|us|my (?:kids|children|baby|son|daughter|mom|dad)|the kids|the baby)\b",
    ),
    _rule(
        "violence",
        "going to kill me",
        rf"\b(?:going to|gonna|about to|trying to|tried to|will|would|wants to|is coming to|coming to) {ADV}"
        r"(?:kill|murder|shoot|stab|hurt|beat|strangle|choke|burn) (?:me|us|my (?:kids|children|baby)|the kids|the baby)\b"
        r"(?! (?:if|when|once|for|lol|haha|lmao|jk|over|at|after|before|because|with (?:those|these|this|that)))"
        r"(?!.{0,40}\b(?:lol|haha|lmao|jk)\b)",
        hyperbole_prone=True,
    ),
    _rule(
        "violence",
        "armed person",
        rf"\b(?:he|she|they|someone|somebody|a guy|a man|my {REL}|his {REL}|her {REL}|the man|this guy|that guy) "
        rf"(?:is |has |just )?{ADV}(?:has|have|got|holding|pulled|pulled out|waving|pointing|pointed|came at me with|"
        rf"grabbed|carrying|brought|with|is holding|is waving|has got|threatening me with|threatened me with) "
        rf"(?:a |his |her |the |my |their |an )?{WEAPON}\b(?! (?:collection|license|permit|safe|locked|for hunting|range))"
        rf"|\b(?:outside|at|in|near|by) (?:my|our|the) (?:house|door|apartment|window|work|car|room|place) with (?:a |an )?{WEAPON}\b"
        rf"|\b(?:texted|sent|showed|send|sending|posted) (?:me |us )?(?:a |some )?(?:picture|photo|pic|pics|photos|video|selfie) "
        rf"(?:of|with) (?:a |an |his |her |their )?{WEAPON}\b"
        rf"|\bthreaten(?:ed|ing|s)? (?:me|us|her|him|my \w+) with (?:a |an |his |her )?{WEAPON}\b",
    ),
    _rule(
        "violence",
        "not safe",
        r"\b(?:dont|do not|doesnt) feel safe (?:at home|here|with him|with her|with them|around him|around her|"
        r"in my (?:home|house|apartment)|at my (?:house|place)|going home)\b"
        r"|\bnot safe (?:at home|here|with him|with her|in my house|in this house)\b"
        r"|\b(?:scared|afraid|terrified|fear|fearing) for my (?:life|safety)\b"
        r"|\b(?:i am|we are|he is|she is|they are|kids are|baby is|i am in|we are in) (?:in )?(?:danger|in danger)\b"
        r"(?! (?:of (?:losing|relapsing|failing)))"
        r"|\b(?:wont|will not|doesnt|does not|isnt) let (?:me|us) (?:leave|go|out)\b"
        r"|\blocked (?:me|us) (?:in|inside)\b|\bhiding from (?:him|her|them|my \w+)\b"
        r"|\b(?:scared|afraid|terrified|too scared|too afraid) to (?:go|come) (?:back )?home\b",
        who=SELF,
    ),
    _rule(
        "violence",
        "afraid of being hurt",
        r"\b(?:scared|afraid|terrified|worried) (?:that )?(?:he|she|they|my \w+) (?:is going to|will|might|could|"
        r"would|is gonna) (?:kill|hurt|beat|hit|shoot|stab) (?:me|us|the kids|my kids|the baby|my \w+|her|him)\b",
    ),
    _rule(
        "violence",
        "break-in or stalker",
        r"\b(?:breaking|broke|trying to break|is breaking|broken|getting) (?:into|in) (?:my|our|the) "
        r"(?:house|home|apartment|place|room|door|car)\b|\bsomeone is (?:in|inside) (?:my|our) (?:house|home|"
        r"apartment|room)\b|\b(?:someone|a guy|a man|he|she) is (?:following|chasing|stalking) (?:me|us)\b",
        who=SELF,
    ),
    _rule(
        "violence",
        "someone else being hurt",
        rf"\b(?:hitting|beating|punching|choking|strangling|hurting|attacking|stabbing|kicking|slapping|abusing|"
        rf"raping|molesting|threatening|beat|beats|hits|hit|chokes|choked|raped|abuses|abused) {ADV}"
        r"(?:her|him|them|my (?:little |baby |big |older |younger |)(?:mom|mother|sister|brother|kids|children|son|"
        r"daughter|baby|dad|father|wife|husband|"
        r"grandma|grandpa)|the kids|the baby|his (?:wife|kids|girlfriend)|her (?:kids|son|daughter))\b"
        r"(?! (?:up|back|when (?:i|we) (?:was|were))|feelings)",
        who=WITNESS,
        needs_subject=True,
    ),
    _rule(
        "violence",
        "wants to hurt someone",
        rf"\b(?:i am going to|i will|i am gonna|i want to|i wanna|i am about to|i am ready to|i plan to|"
        rf"i am planning to|i feel like|i might|i am scared i will|i am afraid i will|i am afraid i might|"
        rf"i am scared i might|urge to|urges to|thinking about|thinking of|going to|gonna|want to|about to|"
        rf"really want to) {ADV}(?:kill|murder|shoot|stab|hurt|strangle|choke|attack|beat up|"
        r"beat the shit out of|beat the crap out of|beat|smash|jump) "
        rf"(?:{PERSON}|{TARGET}|someone|somebody|people|anyone|everyone|him|her|them|that \w+|this \w+)\b"
        rf"|\b(?:i could|could really|i might|i am scared i could|i am afraid i could) {ADV}(?:hurt|stab|shoot|"
        rf"attack|beat up|strangle) (?:{PERSON}|{TARGET}|someone|somebody|people|anyone|him|her|them)\b"
        r"(?! (?:up$|if (?:he|she|they) (?:eats|takes|touches my food)|lol|haha|lmao|jk|for (?:this|that|a)))",
        who=SENDER,
    ),
    # A few unambiguous Spanish phrases: the program serves Spanish speakers, and the
    # crisis reply still reaches them even before a Spanish-speaking person joins.
    _rule(
        "suicide",
        "spanish: suicide",
        r"\b(?:me quiero morir|quiero morir(?:me)?|me voy a (?:matar|suicidar)|quiero (?:matarme|suicidarme)|"
        r"voy a (?:matarme|suicidarme)|me quiero (?:matar|suicidar)|no quiero (?:seguir )?vivir(?! (?:asi|as\u00ed))|"
        r"pienso en (?:matarme|suicidarme|morir))\b",
        who=SELF,
    ),
    _rule(
        "overdose",
        "spanish: overdose or not breathing",
        r"\b(?:sobredosis|no respira|no despierta|se esta muriendo|se est\u00e1 muriendo)\b",
    ),
    _rule(
        "violence",
        "armed with intent",
        r"\b(?:i have|i got|i have got|i grabbed|i took|i bought|i found|i am holding|got|grabbed) (?:my |a |the |his |her "
        r"|\w+s )?(?:\w+ )?(?:gun|pistol|handgun|rifle|shotgun)\b"
        r"(?=.{0,60}\b(?:make (?:him|her|them|\w+) pay|get even|revenge|use it|going to do it|end it|kill|hurt|shoot)\b)"
        r"|\b(?:make (?:him|her|them|\w+) pay|get even|revenge|use it|going to do it|end it|kill|hurt|shoot)\b"
        r".{0,60}\b(?:i have|i got|i have got|i grabbed|i took|i bought|i found|i am holding|got|grabbed) (?:my |a |the |"
        r"his |her |\w+s )?(?:\w+ )?(?:gun|pistol|handgun|rifle|shotgun)\b",
        who=SENDER,
    ),
    _rule(
        "violence",
        "school or workplace attack",
        r"\b(?:shoot|shooting|bomb|bombing|attack|attacking) up (?:the|my|a|this) (?:school|office|work|church|mall|"
        r"place|class)\b|\bshoot up (?:the|my) school\b",
    ),
    # --- danger said without trigger words, by kind ------------------------------------------------
    # means or place
    _rule(
        "suicide",
        "means within reach",
        r"\b(?:got|have|holding|bought|took out|grabbed|found|loaded|filled|sitting with|have got)\b(?: \w+){0,6}? "
        r"(?:my |the |a |his |her |my \w+s )?(?:\w+ )?(?:gun|pistol|rifle|shotgun|rope|noose|cord|belt|razors?|blades?|pills|bottle of \w+(?: \w+)?|whole bottle)\b(?: \S+){0,8}? (?:on my lap|in my lap|in my hands?|in my pocket|next to me|beside me|in front of me|right here|on the bed|on the (?:kitchen )?table|on the edge|right now|tonight)\b"
        r"|\b(?:gun|pistol|rifle|shotgun|rope|noose|cord|belt|razors?|blades?|pills|bottle of \w+(?: \w+)?|whole bottle) (?:is|are) (?:\w+ ){0,2}?(?:sitting|lying|laid out|lined up|ready)\b(?: \w+){0,3}? "
        r"(?:on|in|next to|beside)\b"
        r"|\bloaded (?:it|the gun|my gun|the pistol)\b(?: \w+){0,6}? (?:next to me|beside me|on (?:my )?(?:lap|bed)|"
        r"in my hand)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "rope tied",
        r"\b(?:rope|cord|noose|belt) is (?:already )?(?:tied|hung|hanging)\b",
        who=SELF,
    ),
    _rule(
        "overdose",
        "enough not to wake up",
        r"\b(?:enough|all of it|everything|so)\b(?: \w+){0,6}? (?:to make sure |so |that )?i (?:dont|do not|wont|will not|"
        r"never) wake up\b",
        who=SELF,
    ),
    _rule(
        "overdose",
        "all of it at once",
        r"\b(?:do|take|use|mix|mixing|taking|doing) (?:all of it|everything i (?:have|got)(?: left)?|all of them|"
        r"the whole (?:bag|bottle))\b(?: \w+){0,6}? (?:at once|tonight|so it (?:finally )?stops|dont care what happens)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "at a dangerous place, now",
        r"\b(?:i am|standing|sitting|sat|parked|drove(?: out)?|walked(?: out)?) (?:\w+ ){0,2}?(?:on|at|by|to|in) (?:the |a |this |my )?(?:overpass|bridge|roof|rooftop|ledge|cliff(?: road)?|train tracks|tracks|(?:train )?platform|river|dam|lake|quarry|top floor|(?:window )?sill)\b"
        r".{0,80}\b(?:keep (?:walking|going|getting|moving) closer|walk in|jump|let go|dont plan on getting on|"
        r"not getting on|water is|trucks are|engine off|so quiet|window open|been sitting|leaning over|looking down|"
        r"dont see the point|going to walk)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "on a high place or the tracks",
        # Someone standing on a bridge or the tracks is in danger; someone merely "on the
        # bridge" may be driving to work, so that needs a word that it is now.
        r"\b(?:standing|sitting|lying|laying|waiting) (?:right )?(?:on|at|atop|on top of|at the top of|up on) "
        r"(?:the |a |this |that )?(?:\w+ ){0,2}?(?:bridge|overpass|ledge|cliff|rooftop|roof|train tracks|tracks|railroad tracks|railing|parapet)\b(?! (?:street|st|road|rd|avenue|ave|lane|clinic|office|club|game|games|tournament|party|fixing|repairing|cleaning|working|shoveling|installing))"
        r"|\bi am (?:right )?(?:on|at|up on|on top of) (?:the |a |this |that )?(?:\w+ ){0,2}?(?:ledge|railing|parapet|train tracks|tracks|railroad tracks)\b(?! (?:street|st|road|rd|avenue|ave|lane|clinic|office|club|game|games|tournament|party|fixing|repairing|cleaning|working|shoveling|installing))"
        r"|\bon (?:the |a |top of the )?(?:\w+ ){0,2}?(?:bridge|overpass|ledge|cliff|rooftop|roof|train tracks|tracks|railroad tracks|railing|parapet)\b(?: ,)?(?: \w+){0,2}? "
        r"(?:waiting|looking down|alone|right now|tonight|thinking|ready|one last time)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "at the edge of a height",
        r"\b(?:at|on|over|near|to) the (?:very )?edge of (?:the |a |this |that )?(?:\w+ ){0,3}?"
        r"(?:roof|rooftop|bridge|cliff|building|garage|platform|balcony|overpass|tracks|quarry|dam)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "means made ready",
        r"\b(?:have|got|has|i have|ive got) (?:the|my|a) (?:gun|pistol|rifle|shotgun|rope|noose|pills|blade|razor|cord)s? "
        r"(?:all )?(?:ready|loaded|set up|picked out|laid out)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "will not live long",
        r"\bi (?:will not|wont|am not going to) (?:live|be alive|survive|last) (?:that long|long enough|much longer|"
        r"till then|until then|to see (?:it|that|then))\b"
        r"|\b(?:soon|after tonight|tomorrow|before long) i (?:will not|wont) be a (?:problem|burden)\b"
        r"|\bi (?:will not|wont) be a (?:problem|burden) (?:for|to) (?:\w+ ){1,2}?(?:much longer|for long|soon|"
        r"after tonight)\b",
        who=SELF,
    ),
    # farewells
    _rule(
        "suicide",
        "giving belongings away",
        r"\b(?:gave|giving|given) (?:away )?(?:all )?(?:my|his|her) \w+(?: \w+)? (?:to|away)\b.{0,60}"
        r"\b(?:wont need|better care|take care|where i am going|when i am gone|after i am gone)\b"
        r"|\b(?:keeps|keep|been|is|started) giving (?:all )?(?:his|her|their|my) (?:stuff|things|belongings|\w+) away\b"
        r"|\bsigned (?:my|his|her) \w+ over to\b.{0,40}\bsettled\b"
        r"|\b(?:everything|it all) is settled now\b",
    ),
    _rule(
        "suicide",
        "letters left",
        r"\b(?:wrote|written|left|writing|finished) (?:a |the )?(?:letters?|notes?) (?:for|to) (?:everyone|everybody|"
        r"my \w+|all of them|my family)\b.{0,60}\b(?:table|before i go|for after|i am done|quiet now|goodbye|its time|"
        r"counter|drawer|bed)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "last words",
        r"\b(?:this is|its|it is) the last time (?:i will|ill|you will) (?:bother|hear from|talk to|text|write)\b"
        r"|\bsorry for everything before i go\b|\b(?:please )?(?:dont|do not) blame yourselves\b"
        r"|\bso (?:somebody|someone|people) remembers? me\b"
        r"|\b(?:called|texted|messaged) (?:everyone|everybody|all the people) i love to say goodbye\b"
        r"|\btake care of (?:the|my) (?:baby|kids|dog|cat|son|daughter|children) for me\b"
        r"|\bmake sure (?:someone|somebody) (?:checks on|feeds|takes care of|looks after) my (?:cat|dog|kids|pets?)\b"
        r"|\bdeleted (?:all )?my (?:accounts|social media|profiles)\b.{0,50}\bpasswords?\b"
        r"|\b(?:its|it is) over\b.{0,30}\bthank (?:you|u) for everything\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "goodbye letters",
        r"\b(?:left|written|writing|finished|leaving) (?:my )?(?:goodbye |final |last )?(?:letters|notes) (?:for|to) "
        r"(?:everyone|everybody|all of them|my family|my kids|my children|my loved ones|the people i love|my parents)\b"
        r"(?! (?:about|on|with|for when|explaining|saying where|telling them|so they know|while i am at|until))"
        r"|\b(?:left|wrote|written|writing|finished|leaving) (?:a |my )?(?:goodbye|final|suicide) (?:letter|note)\b",
        who=SELF,
    ),
    # not safe
    _rule(
        "suicide",
        "cannot trust myself",
        r"\bi (?:dont|do not|cant|cannot|no longer) trust myself\b(?! (?:around|with|near|not to) "
        r"(?:alcohol|drinks?|beer|wine|bars?|weed|pills|dope|drugs|money|the bottle))",
        who=SELF,
    ),
    _rule(
        "suicide",
        "may not last the night",
        r"\b(?:cant promise|not sure|dont know if|dont think|doubt) (?:that )?(?:i will|ill|i can|i am going to) "
        r"(?:still )?(?:be here|make it|last|survive|get through|hold on)\b(?: \w+){0,4}? "
        r"(?:morning|tomorrow|the night|tonight|much longer|through the night)\b"
        r"|\b(?:dont know|idk|not sure) how (?:much )?(?:longer|long) i can (?:hold on|keep going|last)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "about to do something",
        r"\b(?:going to|about to|afraid i will|scared i will|scared of what i (?:will|might|am going to)|"
        r"afraid of what i (?:will|might|am going to)) do\b(?: \w+){0,4}? (?:i cant take back|to myself|"
        r"if i (?:stay|am) alone|really bad)\b"
        r"|\bdo something (?:really )?(?:bad|stupid|i cant take back) to myself\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "picturing not being here",
        r"\b(?:picturing|imagining|thinking about|think about) not being (?:here|around|alive)\b"
        r"|\bno point (?:in )?(?:me )?being (?:here|alive|around)\b",
        who=SELF,
    ),
    _rule(
        "suicide",
        "someone else not safe",
        r"\b(?:he|she|they) (?:is|are) not safe (?:alone|with (?:himself|herself|themselves)|right now|tonight)\b"
        r"|\b(?:he|she|they) (?:isnt|arent) safe (?:alone|with (?:himself|herself|themselves)|right now|tonight)\b",
        who=THIRD,
    ),
    # someone else in danger now
    _rule(
        "suicide",
        "sent a picture of the means",
        r"\b(?:sent|texted|snapchatted) me (?:a )?(?:pic|picture|photo) of (?:a |the |his |her )?(?:\w+ )?"
        r"(?:pill bottle|pills|gun|rope|noose|razor|blade|bottle)\b",
        who=THIRD,
    ),
    _rule(
        "suicide",
        "someone else at a dangerous place",
        r"\b(?:he|she|they|my \w+) (?:is|are|has been) (?:up |standing |sitting |out )?on (?:the |a )?"
        r"(?:roof|rooftop|ledge|bridge|overpass|edge|tracks)\b.{0,60}\b(?:wont come down|will not come down|"
        r"right now|going to jump|on facetime|crying|saying goodbye|wont get off|wont answer)\b",
        who=THIRD,
    ),
    _rule(
        "suicide",
        "left with a weapon",
        r"\b(?:walked|went|ran|drove|left|took off) (?:out |off )?with (?:his|her|their|a) (?:\w+ )?"
        r"(?:gun|rifle|pistol|shotgun|rope)\b",
        who=THIRD,
    ),
    _rule(
        "suicide",
        "threatens to jump",
        r"\b(?:going to|about to|wants to|threatening to|threatened to|said he will|said she will) jump"
        r"(?: off)?\b(?! (?:in|on|into|at|start|through|ship|the gun|right in))",
    ),
    _rule(
        "overdose",
        "not answering behind a door",
        r"\b(?:in the bathroom|in there|locked in|in his room|in her room)\b.{0,60}\b(?:wont|will not|isnt|is not|"
        r"not) (?:answer|answering|respond|responding|open|opening)\b.{0,60}\b(?:used|using|shoot|shooting|high|"
        r"pills|dope|overdosed|quiet)\b",
        default_other=True,
    ),
    # medical emergency now
    _rule(
        "medical",
        "confused and lost",
        r"\b(?:confused|disoriented|dizzy|cant think|cannot think|spinning|blacking out)\b(?: \S+){0,8}? "
        r"(?:dont|do not) know where i am\b"
        r"|\b(?:dont|do not) know where i am\b(?: \S+){0,8}? (?:confused|disoriented|cant think|cannot think|"
        r"cant see|spinning|cant remember)\b",
        who=SELF,
    ),
    _rule(
        "medical",
        "seeing what is not there",
        # Hallucinations in withdrawal: delirium tremens.
        r"\b(?:stopped|quit|quitting|detoxing|withdrawing|without a drink|last drink|coming off)\b(?: \S+){0,12}? "
        r"(?:seeing|hearing|see|hear) (?:people|things|bugs|spiders|voices|someone|shadows|snakes)\b(?: \S+){0,3}? "
        r"(?:(?:who |that )?(?:are|is) not (?:there|here|real)|(?:who |that )?(?:arent|isnt) (?:there|here|real)|"
        r"nobody else (?:can )?(?:sees?|hears?))",
        who=SELF,
    ),
    _rule(
        "medical",
        "breathing badly",
        r"\b(?:only|barely|hardly) breathing\b|\bbreathing (?:every few seconds|really slow|so slow|funny|weird)\b"
        r"|\b(?:cant|cannot) catch (?:my|his|her|their) breath\b.{0,60}\b(?:after using|using|pills|took|heart)\b",
        default_other=True,
    ),
    _rule(
        "medical",
        "grey and cold",
        r"\b(?:he|she|they|lips|skin|face) (?:is |are |looks? |turning |went )?(?:all )?(?:gray|grey|blue|purple)"
        r"(?: and cold| and not)\b|\b(?:gray|grey|blue) and cold\b",
        default_other=True,
    ),
    _rule(
        "medical",
        "heart racing after using",
        r"\b(?:heart|chest)\b(?: \w+){0,4}? (?:racing|pounding|wont slow|will not slow|hurts|tight)\b.{0,60}"
        r"\b(?:after using|using|pills|laced|took|coke|meth|speed|molly)\b",
    ),
    _rule(
        "medical",
        "passing out",
        r"\b(?:keeps|keep|is|been) passing out\b|\bpupils (?:are )?(?:tiny|pinned|pinpoint)\b"
        r"|\bnodding (?:out|off) and (?:wont|will not|cant)\b",
        default_other=True,
    ),
    _rule(
        "medical",
        "hallucinating in withdrawal",
        r"\b(?:hear|hearing|heard|see|seeing|saw) (?:people|voices|things|shadows|spiders|bugs)\b.{0,80}"
        r"\b(?:stopped|quit|off (?:benzos|the|my|alcohol)|detox|withdrawal|day \d|days ago|since \w+day|benzos)\b"
        r"|\b(?:stopped|quit|detox|detoxing|withdrawal|off benzos)\b.{0,80}\b(?:spiders|bugs|shadows) "
        r"(?:all over|crawling|moving|everywhere)\b"
        r"|\b(?:doesnt|does not) know where (?:she|he) is\b.{0,80}\b(?:stopped|quit|drinking|detox)\b"
        r"|\b(?:stopped|quit) drinking\b.{0,60}\bpicking at the air\b",
    ),
    _rule(
        "medical",
        "choking on vomit",
        r"\bchoking on (?:it|(?:his|her|their|my) (?:vomit|puke|throw up))\b",
        default_other=True,
    ),
    _rule(
        "overdose",
        "child got into drugs",
        r"\b(?:the baby|the toddler|my baby|my toddler|the kid|my kid|my son|my daughter|the dog)\b(?: \w+){0,3}? "
        r"(?:got into|ate|swallowed) (?:some of |all of |a bunch of )?(?:my|his|her|the|some) (?:\w+ )?(?:pills|meds|medicine|edibles|drugs|gummies)\b",
        who=THIRD,
    ),
    # danger from or to another person, now
    _rule(
        "violence",
        "door being beaten",
        r"\b(?:banging|pounding|kicking|beating|bashing) (?:on )?(?:the |my )?(?:\w+ )?door\b.{0,80}"
        r"\b(?:bat|knife|gun|regret|hurt|kill|end me|drunk|my kids|my daughter|my son|hiding)\b",
        who=WITNESS,
    ),
    _rule(
        "violence",
        "hiding from someone",
        r"\bhiding (?:in|under|from|with)\b.{0,50}\b(?:looking for (?:us|me)|(?:he|she|they) (?:is|are) coming|"
        r"find (?:us|me)|outside the door)\b",
        who=SELF,
    ),
    _rule(
        "violence",
        "armed and waiting",
        r"\b(?:have|got|grabbed) (?:a |my |the )?(?:knife|gun|bat|pistol)\b.{0,40}\b(?:waiting for|going after|"
        r"when (?:he|she|they) (?:gets|pulls|comes))\b",
        who=SENDER,
    ),
    _rule(
        "violence",
        "threat to end them",
        r"\b(?:he|she|they) (?:will|is going to|said he will|said she will|is gonna) (?:end|finish) (?:me|us|both of us)\b"
        r"|\bends? both of us\b",
        who=WITNESS,
    ),
    _rule(
        "violence",
        "going to make them pay",
        r"\bmake (?:him|her|them) pay\b.{0,60}\b(?:going there|on my way|know where (?:he|she|they) lives?)\b",
        who=SENDER,
    ),
    _rule(
        "violence",
        "break-in now",
        r"\b(?:someone|somebody|a guy|a man|he|they) (?:is |are )?(?:breaking|trying to break) in\b",
        who=WITNESS,
    ),
    _rule(
        "violence",
        "weapon waved",
        r"\b(?:waving|pointing|swinging) (?:a |his |her |the )?(?:gun|pistol|rifle|knife|bat|machete)\b"
        r"|\bcoming at (?:me|us|her|him) with (?:a |his |her )?(?:knife|bat|gun|hammer|weapon|bottle)\b",
        who=WITNESS,
    ),
    _rule(
        "violence",
        "driving drunk with a child",
        r"\b(?:drive|driving|drove) (?:off |away )?(?:drunk|high|wasted)\b.{0,30}\b(?:baby|kids|children|with)\b"
        r"|\b(?:baby|kids|children)\b.{0,30}\b(?:drive|driving|drove) (?:off |away )?(?:drunk|high|wasted)\b",
        who=WITNESS,
    ),
    _rule(
        "violence",
        "hands on someone",
        r"\b(?:put|putting|lay|laying) my hands on (?:her|him|them|my \w+)\b",
        who=SENDER,
    ),
)
