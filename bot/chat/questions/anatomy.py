"""The anatomy of an English question, read from word order rather than trusted to the parser.

spaCy's small model often misparses questions ("Which work on pharmacology did
Al-Biruni write?" makes "work" the verb), so the shape comes from the order of
words, with tags only as hints: an optional preposition, the question phrase
("In what year", "How many soldiers", "Which countries"), then either an
inverted auxiliary and the subject ("did Genghis Khan", "was Temüjin") or, with
none, the question phrase is the subject ("Who revealed ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WH_WORDS = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how"}
DO_FORMS = {"do", "does", "did"}
BE_FORMS = {"is", "are", "was", "were", "am"}
AUXILIARIES = DO_FORMS | BE_FORMS | {"can", "could", "will", "would", "shall", "should", "may", "might", "must",
                                     "has", "have", "had"}
_DEGREE = {"many", "much", "long", "old", "far", "often", "big", "large", "tall", "high", "fast", "soon", "early",
           "late", "large", "deep", "wide"}
_NAME_OF = re.compile(r"^(?:the\s+)?(?:name|title|nickname)\s+of\s+", re.I)


@dataclass(frozen=True)
class Shape:
    """Where the parts of a question are, as token indices into its ``doc``."""

    doc: object
    wh_start: int  # the question phrase, with a leading preposition ("In what year"); -1 when there is none
    wh_end: int
    role: str  # of the question phrase: "subject", "object", "adverbial", "attribute" or "none"
    aux: int  # the inverted auxiliary ("did", "was"); -1 when there is none
    subject: tuple[int, int] | None  # the subject after the auxiliary

    @property
    def wh_text(self) -> str:
        return self.doc[self.wh_start:self.wh_end].text if self.wh_start >= 0 else ""

    @property
    def wh_word(self) -> str:
        return next((t.lower_ for t in self.doc[max(0, self.wh_start):self.wh_end] if t.lower_ in WH_WORDS), "")

    def subject_text(self) -> str:
        return self.doc[self.subject[0]:self.subject[1]].text if self.subject else ""


def shape(doc) -> Shape:
    """The shape of ``doc`` (a parsed question)."""
    words = [t for t in doc if not t.is_punct or t.text in ("-", "'", "’")]
    if not words:
        return Shape(doc, -1, -1, "none", -1, None)
    i = 0
    if doc[0].pos_ == "ADP" and len(doc) > 1 and doc[1].lower_ in WH_WORDS:
        i = 1
    if doc[i].lower_ not in WH_WORDS:
        aux = 0 if doc[0].lower_ in AUXILIARIES else -1  # "Did Kim fly?": a yes/no question
        return Shape(doc, -1, -1, "none", aux, _noun_phrase(doc, 1) if aux == 0 else None)
    start, end = (0 if i == 1 else i), i + 1
    wh = doc[i].lower_
    if wh == "how" and end < len(doc) and doc[end].lower_ in _DEGREE:
        end += 1
        if doc[end - 1].lower_ in ("many", "much"):
            end = _nouns_after(doc, end)
    elif wh in ("what", "which", "whose"):
        end = _nouns_after(doc, end)
    adverbial = i == 1 or wh in ("when", "where", "why") or (wh == "how" and end - start == 1)
    measure = wh == "how" and end - start == 2 and doc[start + 1].lower_ not in ("many", "much")
    if end < len(doc) and doc[end].lower_ in AUXILIARIES:
        aux = end
        subject = _noun_phrase(doc, aux + 1, verb_follows=doc[aux].lower_ not in BE_FORMS)
        if subject is None or _verb_like(doc[aux + 1]):
            role = "adverbial" if adverbial or measure else "subject"  # "Who was named MVP?", "What was cut?"
            return Shape(doc, start, end, role, aux if role == "adverbial" else -1, subject)
        if adverbial or measure:
            role = "adverbial" if adverbial else "measure"
        elif doc[aux].lower_ in BE_FORMS and not any(_verb_like(t) for t in doc[subject[1]:]):
            role = "attribute"  # "Who was the Panthers' quarterback?", "What is the name of ...?"
        else:
            role = "object"
        return Shape(doc, start, end, role, aux, subject)
    return Shape(doc, start, end, "adverbial" if adverbial else "subject", -1, None)


def _nouns_after(doc, i: int) -> int:
    """End of the noun phrase a question word leads ('what share of the GDP of developed countries', 'which work on
    pharmacology'); a preposition is taken in only when an inverted auxiliary follows the phrase."""
    first = i
    while i < len(doc):
        t = doc[i]
        if t.lower_ in AUXILIARIES or t.tag_ in ("VBD", "VBZ", "MD") or (t.tag_ == "VBP" and i > first):
            break
        if t.pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "DET") or t.tag_ in ("POS", "HYPH", "VBN") or (
            i == first and t.tag_ in ("VB", "VBP") and not t.is_punct
        ):
            i += 1
            continue
        if t.pos_ == "ADP" and i > first and i + 1 < len(doc) and doc[i + 1].pos_ in ("NOUN", "PROPN", "DET", "ADJ", "VERB"):
            j = _nouns_after(doc, i + 1)
            if j < len(doc) and doc[j].lower_ in AUXILIARIES and j > i + 1:
                i = j
                continue
        break
    return i


def _noun_phrase(doc, i: int, verb_follows: bool = True) -> tuple[int, int] | None:
    """The noun phrase starting at ``i`` (the subject after an inverted auxiliary), or None."""
    if i >= len(doc) or doc[i].pos_ not in ("DET", "PROPN", "NOUN", "PRON", "ADJ", "NUM") or doc[i].tag_ == "WP":
        return None
    if doc[i].pos_ == "PRON":
        return (i, i + 1)
    j = i
    while j < len(doc):
        t = doc[j]
        if verb_follows and j > i and doc[j - 1].pos_ == "PROPN" and t.pos_ in ("NOUN", "VERB") and t.text.islower():
            break  # "did the Great Fire ravage ...": after a name, a lowercase word is the verb, whatever the tag
        if t.pos_ in ("PROPN", "DET", "NUM", "ADJ") or t.tag_ in ("POS", "HYPH", "NN", "NNS", "PRP$") or t.text in ("-", "'", "’"):
            j += 1
        elif t.lower_ in ("of", "to") and j > i and doc[j - 1].pos_ == "NOUN" and j + 1 < len(doc) and \
                doc[j + 1].pos_ in ("PROPN", "DET", "NOUN"):
            j += 1  # "the trip to Vladivostok", "the borders of North Korea"
        elif t.lower_ == "and" and j > i and j + 1 < len(doc) and doc[j + 1].pos_ in ("PROPN", "DET"):
            j += 1  # "Kim and Putin"
        else:
            break
    if verb_follows and j == len(doc) - 1 and doc[j].is_punct and j - i > 1 and doc[j - 1].pos_ != "PROPN":
        j -= 1  # "did Al-Biruni write?": the last word is the verb, whatever the tagger says
    while j > i and doc[j - 1].pos_ == "ADP":
        j -= 1
    return (i, j) if j > i else None


def _verb_like(token) -> bool:
    return token.tag_ in ("VBN", "VBG", "VB") or (token.pos_ == "ADV" and token.i + 1 < len(token.doc)
                                                   and token.doc[token.i + 1].tag_ in ("VBN", "VBG", "VB"))
