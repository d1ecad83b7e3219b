"""Does a short answer have the form its question asks for?

Some questions say exactly what shape their answer takes: "how much did it cost" wants an amount of
money, "how fast" a speed, "what is the name of" a name, "which company" an organisation, "how many
trains" a number of trains, "what share" a percentage, "when" a date. When the best sentence's answer has no such thing ("How fast does the train
travel?" -> "20 hours"), the articles most likely do not say, however well the sentence matches: the
answerer refuses unless a close runner-up's answer has the right form. Questions whose answers take
many forms ("who", "what", "why") are not checked (``answer_kind`` is None).

And "how many trains" answered from a sentence that counts two things ("90 specialized carriages and
operates three trains") takes the number that counts trains (``counted_span``).
"""

from __future__ import annotations

import re

from bot.answer.qtype import DURATION_WORDS, RANK_QUESTION, QuestionProfile
from bot.answer.shape import dateline_end
from bot.answer.span import typed_entities
from bot.text import stem

NUMERIC_LABELS = frozenset({"DATE", "TIME", "QUANTITY", "CARDINAL", "MONEY", "PERCENT"})  # what spaCy's NER finds reliably

_RANK = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
                   r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|top|"
                   r"bottom|last)\b", re.I)
_FREQUENCY = re.compile(r"\b(?:(?:bi|semi-?)?annual(?:ly)?|yearly|monthly|weekly|daily|nightly|hourly|quarterly|"
                        r"fortnightly|every\s+(?:\w+\s+)?(?:day|night|week|month|year|season|decade|hour|minute|\d+\s+\w+)s?|"
                        r"(?:once|twice|three\s+times|four\s+times|\w+\s+times)\s+(?:a|an|per|each|every)\s+\w+|"
                        r"(?:each|per)\s+(?:day|week|month|year|season))\b", re.I)
_KINDS = [
    ("money", re.compile(r"\bhow much\b.*\b(?:cost|costs|pay|paid|spend|spent|charge|charged|funding|raise|raised|"
                         r"revenue|income|profit|salary|fine|fined)\b"
                         r"|\bwhat (?:is|was|were|are) the (?:\w+ )?(?:cost|price|salary|fee)\b"
                         r"|\bwhat (?:total |net |quarterly |annual )?(?:revenue|income|profit|sales) did\b", re.I)),
    # "What time will the forum start?": a time of day, not "Sunday to Wednesday"
    ("clock", re.compile(r"^\W*(?:at\s+)?what time (?:will|did|does|do|is|was|are|were)\b", re.I)),
    ("speed", re.compile(r"\bhow fast\b|\b(?:what|which|at what) (?:top )?speed\b", re.I)),
    # Not "what is it called": that asks for a term as often as a name ("cultural imperialism").
    ("name", re.compile(r"\bwhat (?:is|was|are|were) (?:the )?names? of\b", re.I)),
    ("organisation", re.compile(r"\b(?:which|what) (?:company|companies|firm|firms|corporation|manufacturer|"
                                r"carmaker|automaker|shipyard|business|businesses|carrier|airline|bank|retailer|startup|"
                                r"publisher|broadcaster|insurer|lender|brand)\b", re.I)),
    ("percent", re.compile(r"\b(?:what|which) (?:percentage|percent|proportion|share|fraction)\b", re.I)),
    # "How often is the forum held?": "annual", "twice a year", not "Sunday to Wednesday"
    ("frequency", re.compile(r"\bhow (?:often|frequently)\b|\bhow many times (?:a|an|per|each|every)\b", re.I)),
    ("count", re.compile(r"\bhow many\b", re.I)),
    ("duration", re.compile(r"\bhow long\b(?!\s+ago)", re.I)),
    # "How did he travel there?", "How will she get to Hanoi?": by what means, not where or why
    ("means", re.compile(r"^\W*how\s+(?:did|does|do|will|would|can|could)\b[^?]*\b(?:travel(?:l?ed|s)?|fl(?:y|ew|own)|"
                         r"commute[sd]?|journey(?:ed|s)?)\b|^\W*how\s+(?:did|does|do|will|would)\b[^?]*\b(?:go|get|come|"
                         r"return|arrive)\s+(?:back\s+)?(?:there\b|(?:to|in|at|from)\s+(?-i:[A-Z]))"
                         r"|\b(?:what|which)\s+(?:mode|means|form)s?\s+of\s+(?:transport|transportation|travel)\b", re.I)),
    # "Where did the fire start?", "In which city did his trip begin?": where something began, not where it went
    ("origin", re.compile(r"^\W*(?:where|(?:in|from|at) (?:what|which) (?:city|town|village|country|state|place|"
                          r"region|port|station|location|area)\b)[^?]*\b(?:begin|began|begun|start|started|"
                          r"commence|commenced|originate|originated|depart|departed|set (?:off|out))\b", re.I)),
    # "What position are they in the table?", "Where do they sit in the standings?": a rank ("11th"), not a place
    ("rank", re.compile(RANK_QUESTION, re.I)),
    ("place", re.compile(r"^\W*where\b", re.I)),
    # "When X happens, what is it called?" opens with a clause: its question is the second wh-word's
    ("date", re.compile(r"^\W*when\b(?![^?]*,\s*(?:what|who|whom|which|how|where|why)\b)|\b(?:what|which) (?:year|date|day|month)\b|\bsince when\b"
                        r"|^\W*(?:what|which)\b.*\bdate\b", re.I)),
]
# A question of these kinds is refused when no close sentence has an answer of its form; the others
# (a "when" answered "after the war" can be right) only look for one inside the best sentences.
REFUSED_KINDS = frozenset({"money", "speed", "name", "organisation", "count", "clock"})
# Kinds whose check is precise enough to pick the phrase of the form from a sentence's other phrases
# ("When is the launch scheduled?" -> not "because of high winds" but "April 23", in the same sentence).
REPICKED_KINDS = frozenset({"money", "speed", "percent", "count", "date", "duration", "means", "organisation", "rank"})
# Kinds whose lack costs a sentence this much (log-odds) instead of refusing: "how long" is answered "20 hours"
# or "6,650 km", rarely by a bare date ("April 2019"); "where" by a place, rarely by "as indicated by a U.S.
# official" -- but a sentence may still answer in words. "where" costs more: the fitted model rates a sentence
# restating the question 3 to 6 log-odds above the one naming the place (set by hand on the seed article's
# questions; SQuAD v1.1 answer_accuracy unchanged at 0.716, the seed set's 0.912 -> 0.941).
# "means" as "where": a sentence naming no vehicle nor "by air" rarely says how someone travelled, and the fitted
# model rates the one restating the question ("his journey to the city of Dalian") above the one that does.
# "origin" as "where": a sentence that tells where the trip went ("in Vladivostok, where they previously convened")
# does not tell where it began; one that says so names a start ("commenced in Pyongyang", "left from", "from").
DEMOTED_KINDS = {"duration": 3.0, "frequency": 3.0, "place": 6.0, "means": 6.0, "origin": 6.0}
_PLACE_NOUNS = frozenset("city town village capital country state province region area district island coast border "
                         "port harbour harbor home house school university hospital church station airport base camp "
                         "building street road river sea ocean lake mountain valley field stadium forum summit "
                         "premises site office headquarters".split())
_SITUATED = frozenset({"situate", "locate", "base", "lie", "sit", "stand", "house"})
_CURRENCY = re.compile(r"[$£€¥₩₽]|\b(?:dollars?|euros?|pounds?|yen|yuan|won|rubles?|roubles?|rupees?|francs?|"
                       r"marks?|cents?|pence|USD|EUR|GBP)\b", re.I)
_SPEED = re.compile(r"\b(?:per|an|a) (?:hour|second|minute)\b|\bmph\b|\bkm/h\b|\bkph\b|\bknots?\b|/h\b|\bmach\b", re.I)
_VAGUE_COUNTS = re.compile(r"\b(?:several|dozens?|hundreds|thousands|millions|billions|scores|a few|many|no|none)\b",
                           re.I)
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "NORP", "LAW",
                          "LANGUAGE"})
_DATE_WORDS = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(?:mon|tues|wednes|"
                         r"thurs|fri|satur|sun)day\b|\b(?:yesterday|today|tomorrow|tonight|spring|summer|autumn|winter|"
                         r"century|decade)\b", re.I)
_STARTS = re.compile(r"\b(?:begin|began|begun|beginning|begins|start|started|starting|starts|commenc\w*|originat\w*|"
                     r"depart\w*|set (?:off|out)|sets (?:off|out)|setting (?:off|out))\b", re.I)
_QUOTES = "\"“”‘’«»"
_CLOCK = re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\b|p\.?m\b|am\b|pm\b|o['’]clock\b|ET\b|GMT\b|UTC\b)|\b(?:noon|midnight|"
                    r"dawn|dusk|morning|afternoon|evening|night)\b", re.I)
_NAMED_AS = re.compile(r"\s*,?\s*as\s+(?:its|their|his|her|the|a|an)\s", re.I)
_LOCATIVE = frozenset({"in", "at", "near", "to", "from", "into", "outside", "inside", "around", "across"})
# Nouns that name a vehicle on their own ("a Chinese plane"), and what else follows "by", "on" or "aboard" ("by air").
_VEHICLES = (r"train|plane|airplane|aeroplane|aircraft|airliner|jet|limousine|motorcade|ship|boat|yacht|ferry|helicopter|"
             r"bus|flight")
_WAYS = _VEHICLES + r"|air|sea|land|road|rail|railway|car|convoy|coach|foot|bicycle|bike|motorcycle"
_MEANS = re.compile(r"\bby\s+(?:\w+\s+){0,2}?(?:" + _WAYS + r")s?\b|\b(?:on|aboard|in)\s+(?:\S+\s+){0,3}?(?:" + _WAYS
                    + r")s?\b|\b(?:" + _VEHICLES + r")s?\b", re.I)


def answer_kind(question: str) -> str | None:
    """The form ``question``'s answer must take ("money", "speed", "name", "organisation", "count", "means"...), or None."""
    return next((kind for kind, pattern in _KINDS if pattern.search(question)), None)


def fits(kind: str | None, doc, start: int, end: int) -> bool:
    """Whether ``doc.text[start:end]`` (a sentence parsed by spaCy) has the form ``kind`` asks for."""
    if kind is None:
        return True
    text = doc.text[start:end]
    tokens = [t for t in doc if t.idx < end and t.idx + len(t.text) > start]
    entities = [e for e in doc.ents if e.start_char < end and e.end_char > start]
    # "5½" too; not the "Ten" of "Ten Hag", a name
    numbers = any((t.like_num and t.pos_ != "PROPN") or any(c.isdigit() for c in t.text) for t in tokens)
    if kind == "money":
        return any(e.label_ == "MONEY" for e in entities) or (numbers and bool(_CURRENCY.search(text)))
    if kind == "speed":
        return numbers and bool(_SPEED.search(text))
    if kind == "clock":
        return any(e.label_ == "TIME" for e in entities) or bool(_CLOCK.search(text))
    if kind == "percent":
        return any(e.label_ == "PERCENT" for e in entities) or (numbers and bool(re.search(r"%|\bper ?cent", text, re.I)))
    if kind == "date":
        years = re.search(r"\b(?:1\d{3}|20\d{2})s?\b", text)  # not any number: "Aurora-2" dates nothing
        return any(e.label_ in ("DATE", "TIME") for e in entities) or bool(years) or bool(_DATE_WORDS.search(text))
    if kind == "count":
        return numbers or bool(_VAGUE_COUNTS.search(text))
    if kind == "origin":
        # "from" says where only of its own object: "left from Pyongyang", not "in Vladivostok ... from Sunday"
        came_from = any(t.lower_ == "from" and (t.idx + len(t) <= start <= t.idx + len(t) + 1 or start <= t.idx < end)
                        for t in doc)
        return bool(_STARTS.search(doc.text) or came_from) and fits("place", doc, start, end)
    if kind == "place":  # a place named as the phrase's head, not a modifier ("a U.S. official" names a person)
        inside = {t.i for t in tokens}
        heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
        heads += [c for t in heads if t.pos_ == "ADP" for c in t.children if c.dep_ == "pobj"]  # "in Dalian"
        # a thing said to be somewhere: "a mausoleum situated on the outskirts of Pyongyang"
        heads += [w for t in heads for c in t.children if c.dep_ == "acl" and c.lemma_.lower() in _SITUATED
                  for w in c.subtree if w.ent_type_ in ("GPE", "LOC", "FAC")]
        return any(t.ent_type_ in ("GPE", "LOC", "FAC", "ORG") or t.lower_.removesuffix("s") in _PLACE_NOUNS
                   or t.lower_ in _PLACE_NOUNS or _placed(t) for t in heads)
    if kind == "frequency":
        return bool(_FREQUENCY.search(text))
    if kind == "rank":
        return any(e.label_ == "ORDINAL" for e in entities) or bool(_RANK.search(text))
    if kind == "duration":  # a length of time or a measure, not a point in time
        return bool(DURATION_WORDS.search(text)) or any(e.label_ == "QUANTITY" for e in entities)
    if kind == "means":
        return bool(_MEANS.search(text))
    if kind == "organisation":
        return any(e.label_ in ("ORG", "FAC", "NORP", "GPE") for e in entities) or (
            any(t.pos_ == "PROPN" and t.ent_type_ not in NUMERIC_LABELS for t in tokens)  # not "Friday"
            and not any(e.label_ == "PERSON" for e in entities))
    if kind == "name":
        if _NAMED_AS.match(doc.text[end:]):
            return True  # "created the 50 fund as its philanthropic initiative": whatever its spelling, a name
        quoted = start > 0 and doc.text[start - 1] in _QUOTES or any(q in text for q in _QUOTES)
        capitalised = any(t.text[:1].isupper() for t in tokens if t.i > 0)
        term = len([t for t in tokens if not t.is_punct]) == 1  # a bare word: "tögrög" names a currency
        return quoted or capitalised or term or any(t.pos_ == "PROPN" for t in tokens) \
            or any(e.label_ in _NAME_LABELS for e in entities)
    return True


def _placed(token) -> bool:
    """A proper noun that is somewhere: the object of "in", "at", "near" ... ("in Khentii Aimag", which the NER takes for
    a person's name), not a date."""
    return (token.pos_ == "PROPN" and token.dep_ == "pobj" and token.head.lower_ in _LOCATIVE
            and token.ent_type_ not in ("DATE", "TIME", "NORP"))


def formed_answer(doc, answer: str, phrases: list, profile: QuestionProfile) -> tuple[str, bool]:
    """A sentence's short ``answer`` (a slice of ``doc.text``) made of the form ``profile``'s question asks for, when
    one of its ``phrases`` (``span.candidates``) is: "how many trains" takes the number of trains, a "when" whose
    answer holds no date the sentence's best phrase that does. Returns the answer and whether it may stand
    (False: it lacks a form the question insists on)."""
    kind = answer_kind(profile.text)
    start = max(0, doc.text.find(answer))
    end = start + len(answer)
    counted = counted_span(doc, start, end, profile.head) if kind == "count" else None
    if counted is not None:
        start, end = counted
        answer = doc.text[start:end]
    fitting = fits(kind, doc, start, end)
    if not fitting and kind in REPICKED_KINDS:
        floor = dateline_end(doc.text)  # "CAPE MOREAU, April 8, 2024 —" dates the report, it answers nothing
        formed = [p for p in phrases if p.start >= floor and fits(kind, doc, p.start, p.end)]
        if formed:
            answer, fitting = max(formed, key=lambda p: (_specific(kind, p.text), p.score)).text, True
    answer = _the_rank(answer) if kind == "rank" else answer
    if kind == "frequency":  # "the annual Eastern Economic Forum" -> "annual"; found in the sentence if need be
        found = _FREQUENCY.search(answer) or _FREQUENCY.search(doc.text)
        answer, fitting = (found.group(), True) if found else (answer, fitting)
    return answer, fitting or kind not in REFUSED_KINDS | DEMOTED_KINDS.keys()


def _the_rank(answer: str) -> str:
    """"left the club 17th in the Premier Division" -> "17th"."""
    ranked = next((m for m in _RANK.finditer(answer) if m.group().lower() not in ("top", "bottom", "last")), None)
    return ranked.group() if ranked else answer


def _specific(kind: str, phrase: str) -> bool:
    """The most specific phrase of a form comes first: "April 23" over "Monday", "27" over "dozens", "by air"
    over "Kim Il Sung's flight" (which only mentions a vehicle); the phrase model's score decides the rest."""
    if kind == "means":
        return phrase.lower().startswith(("by ", "aboard ", "on "))
    return any(c.isdigit() for c in phrase)


def counted_span(doc, start: int, end: int, head: str | None) -> tuple[int, int] | None:
    """For "how many <head>": when the answer's number counts something else and another number of the
    sentence counts ``head`` (a stem), that number with its noun phrase; else None."""
    if not head:
        return None

    def counts_head(token) -> bool:
        return token.like_num and stem(token.head.lower_) == head and token.head.i > token.i

    inside = [t for t in doc if start <= t.idx < end and t.like_num]
    if not inside or any(counts_head(t) for t in inside):
        return None
    counting = [t for t in doc if counts_head(t)]
    if not counting:
        return None
    noun = counting[0].head
    first = min(t.i for t in noun.lefts) if list(noun.lefts) else noun.i
    first = max(first, counting[0].left_edge.i)
    while doc[first].pos_ in ("DET", "ADP") and first < counting[0].i:
        first += 1
    return doc[first].idx, noun.idx + len(noun.text)


def reader_type_features(doc, reading, profile: QuestionProfile) -> dict[str, float]:
    """Whether the reader's span is of the type a numeric question asks for ("how long" -> a duration)."""
    if not profile.labels or not profile.labels <= NUMERIC_LABELS:
        return {}
    region = doc.char_span(reading.start, reading.end, alignment_mode="expand")
    if region is None:
        return {}
    # An entity the span cuts counts ("early months of 2020" of "the early months of 2020"): the answer is widened to it.
    cut = [e for e in doc.ents if e.start < region.end and e.end > region.start]
    region = doc[min([region.start] + [e.start for e in cut]): max([region.end] + [e.end for e in cut])]
    typed = typed_entities(region, profile)
    if profile.wh == "how long":
        typed = [e for e in typed if DURATION_WORDS.search(e.text)]
    return {"reader_typed": 1.0} if typed else {"reader_untyped": 1.0}
