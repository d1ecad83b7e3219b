"""What kind of answer a question wants, as spaCy entity labels.

"how long" wants a duration, "how many" a count, "when" a date, "who" a name.
The labels are those of spaCy's English NER (OntoNotes): PERSON, ORG, GPE,
DATE, TIME, QUANTITY, CARDINAL, MONEY, PERCENT, ...
"""

from __future__ import annotations

import re
from functools import lru_cache

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
