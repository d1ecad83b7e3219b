"""What kind of answer a question wants, as spaCy entity labels.

"how long" wants a duration, "how many" a count, "when" a date, "who" a name.
The labels are those of spaCy's English NER (OntoNotes): PERSON, ORG, GPE,
DATE, TIME, QUANTITY, CARDINAL, MONEY, PERCENT, ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.text import stem

_RANKED_IN = r"\b(?:table|league|standings|division|rankings?|chart|charts|poll|conference|group|leaderboard)\b"
RANK_QUESTION = (r"\b(?:what|which) (?:position|place|rank|ranking|spot)\b[^?]*" + _RANKED_IN
                 + r"|\b(?:what|which) (?:position|place) (?:are|is|was|were) [^?]*\bin\b"  # "What position were they in?"
                 + r"|\bwhere\b[^?]*\b(?:sit|sits|sat|stand|stands|lie|lies|finish|finished|rank|ranked)\b[^?]*" + _RANKED_IN)
_RULES: list[tuple[str, frozenset[str]]] = [
    (r"\bhow long\b", frozenset({"TIME", "DATE", "QUANTITY"})),
    (r"\bhow (?:much|many)\b.*\b(?:money|cost|costs|pay|paid|worth|spend|spent|price|dollars|budget|funding)\b",
     frozenset({"MONEY"})),
    (r"\b(?:what|which) (?:percentage|percent|proportion|share|fraction)\b|\bhow much of\b", frozenset({"PERCENT"})),
    (r"\bhow many\b", frozenset({"CARDINAL", "QUANTITY"})),
    (r"\bhow much\b", frozenset({"MONEY", "QUANTITY", "PERCENT", "CARDINAL"})),
    (r"\bhow (?:old|large|big|tall|far|high|fast|heavy|deep|wide|long ago)\b", frozenset({"QUANTITY", "CARDINAL", "DATE"})),
    (r"^\W*when\b|\b(?:what|which) (?:year|years|date|day|month|decade|century|era|time|season)\b"
     r"|\bhow long ago\b|\bsince when\b", frozenset({"DATE", "TIME"})),
    (r"^\W*(?:who|whom|whose)\b|\bby whom\b|\b(?:what|which) (?:person|man|woman|president|leader|king|queen|"
     r"emperor|player|coach|general|author|artist|scientist|minister|official|company|companies|organization|"
     r"organisation|team|group|party|university|agency|band|firm)\b", frozenset({"PERSON", "ORG", "NORP"})),
    (RANK_QUESTION, frozenset({"ORDINAL"})),  # "What position are they in the table?" (before "where")
    (r"^\W*where\b|\bin what (?:country|city|state|place|region)\b|\b(?:what|which) (?:country|countries|city|"
     r"cities|state|place|region|continent|town|location|area|province|island|river|mountain|nation)\b",
     frozenset({"GPE", "LOC", "FAC", "ORG"})),
    (r"\bwhat (?:language|nationality|religion)\b", frozenset({"NORP", "LANGUAGE"})),
]
_COMPILED = [(re.compile(p, re.I), labels) for p, labels in _RULES]


@lru_cache(maxsize=4096)
def expected_labels(question: str) -> frozenset[str]:
    """Entity labels that would answer ``question``; empty when the type is open."""
    for pattern, labels in _COMPILED:
        if pattern.search(question):
            return labels
    return frozenset()


DURATION_WORDS = re.compile(
    r"\b(?:second|minute|hour|day|night|week|month|year|decade|century|centuries)s?\b|\d+-(?:hour|day|week|month|year)",
    re.I,
)


_WH = re.compile(
    r"\bhow (?:many|much|long|old|large|big|tall|far|high|fast|heavy|deep|wide|often)\b|\bwhy\b|\bwhom?\b|\bwhose\b"
    r"|\bwhen\b|\bwhere\b|\bwhich\b|\bwhat\b|\bhow\b",
    re.I,
)


@dataclass(frozen=True)
class QuestionProfile:
    """What the answer extractor needs to know about a question."""

    text: str
    stems: frozenset[str]  # stemmed content words: a sentence's words among these are "anchors"
    labels: frozenset[str]  # entity labels that would answer it (empty: open question)
    wh: str  # "why", "how", "how many", "who", "what", ... or "" (e.g. "Name a ...")
    head: str | None  # stem of the noun asked about: "what sea" -> "sea", "how many sons" -> "son"
    left: frozenset[str] = frozenset()  # content stems just before the wh-phrase ...
    right: frozenset[str] = frozenset()  # ... and just after it: the answer sits between the same words
    role: str = ""  # the wh-phrase's grammatical role: "subject" in "Who met Putin?" ...
    governor: str | None = None  # ... and the stem of the word it depends on ("met"): the answer sits there too


def question_profile(question: str, nlp) -> QuestionProfile:
    """Parse ``question`` once (``nlp`` is a spaCy pipeline) into a ``QuestionProfile``."""
    doc = nlp(question)
    stems = {stem(t.lower_) for t in doc if not t.is_stop and not t.is_punct}
    found = _WH.search(question)
    wh = " ".join(found.group().lower().split()) if found else ""
    wh = {"whom": "who", "whose": "who"}.get(wh, wh)
    head, left, right, labels = None, frozenset(), frozenset(), expected_labels(question)
    role, governor = "", None
    for token in doc:
        if token.tag_ not in ("WDT", "WP", "WP$", "WRB"):
            continue
        phrase = token.head if token.dep_ in ("det", "poss") else token
        if token.lower_ in ("what", "which") and token.dep_ == "det" and token.head.pos_ in ("NOUN", "PROPN"):
            head = stem(token.head.lower_)
            labels = labels or expected_labels(f"which {token.head.lower_}")  # "which Russian official"
        counted = token.head.head  # "how many buildings": the answer counts buildings
        if token.lower_ == "how" and token.head.lower_ in ("many", "much") and counted.pos_ == "NOUN" \
                and counted.i == token.head.i + 1:
            head, phrase = stem(counted.lower_), counted
        first, last = min(token.i, phrase.i), max(token.i, phrase.i) + 1
        left = _content_stems(doc[max(0, first - CONTEXT): first], stem)
        right = _content_stems(doc[last: last + CONTEXT], stem)
        role = ROLES.get(phrase.dep_, phrase.dep_)
        governor = stem(phrase.head.lower_) if phrase.head is not phrase else None
        break
    return QuestionProfile(question, frozenset(stems), labels, wh, head, left, right, role, governor)


CONTEXT = 4  # tokens each side of an answer compared with those each side of the wh-phrase


def _content_stems(tokens, stem) -> frozenset[str]:
    return frozenset(stem(t.lower_) for t in tokens if not t.is_stop and not t.is_punct)


ROLES = {
    "nsubj": "subject", "nsubjpass": "subject", "csubj": "subject", "dobj": "object", "obj": "object",
    "attr": "complement", "acomp": "complement", "oprd": "complement", "pobj": "oblique", "advmod": "adverbial",
}
