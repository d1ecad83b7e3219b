"""What earlier turns of a conversation offer a follow-up question to point back to.

From the last few exchanges (standalone question + answer) spaCy's parser and
NER collect antecedents: people, places, groups and things, ordered by
salience (the answer first when the earlier question asked "who" or "where";
subjects before objects). ``bot.chat.rewrite`` puts them in place of pronouns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

MOTION_VERBS = {"get", "gets", "got", "go", "goes", "went", "gone", "going", "travel", "travels", "traveled",
                "travelled", "traveling", "travelling", "come", "comes", "came", "coming", "head", "headed",
                "fly", "flies", "flew", "flown", "return", "returned", "move", "moved", "drive", "drove", "ride", "rode"}
PLACE_PREPOSITIONS = {"in", "at", "from", "near", "into", "inside", "outside", "through", "across"}
_PLACE_NOUNS = {"city", "town", "capital", "village", "port", "region", "province", "country"}
_LABEL_KIND = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "group",
               "ORG": "group", "DATE": "time", "TIME": "time", "CARDINAL": "number", "QUANTITY": "number",
               "MONEY": "number", "PERCENT": "number", "ORDINAL": "number", "EVENT": "event"}
_SUBJECT_FIRST = {"nsubj": 0, "nsubjpass": 0, "dobj": 1, "attr": 2, "pobj": 3}


@dataclass
class Antecedents:
    people: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # "Kim and Putin", organisations, plural nouns
    places: list[str] = field(default_factory=list)
    things: list[str] = field(default_factory=list)

    def add(self, kind: str, texts) -> None:
        bucket = getattr(self, kind)
        bucket.extend(t for t in texts if t and t.lower() not in {b.lower() for b in bucket})


def antecedents(history: Sequence[tuple[str, str | None]], nlp) -> Antecedents:
    found = Antecedents()
    for standalone, answer in reversed(history):
        q = nlp(standalone)
        a = nlp(answer) if answer else None
        asked = _askedentity_kind(q)
        q_people, q_places = entities(q, "person"), entities(q, "place")
        a_people, a_places = (entities(a, "person"), entities(a, "place")) if a is not None else ([], [])
        short_answer = a is not None and len(a) <= 8 and any(t.pos_ == "PROPN" or t.tag_ == "NN" for t in a)
        if asked == "place" and short_answer and not a_places:
            a_places, a_people = [_strip_preposition(a)], []  # "Where?" -> "Vladivostok", whatever NER calls it
        if asked == "person" and short_answer and not a_people and any(t.pos_ == "PROPN" for t in a):
            a_people = [a.text.strip(" .")]
        subjects = [p for p in q_people if _main_subject(q, p)]  # "Who did Kim meet?" -> "he" is still Kim
        answer_first = asked == "person" and not subjects
        found.add("people", a_people + q_people if answer_first else q_people + a_people)
        found.add("places", a_places + q_places if asked == "place" else q_places + a_places)
        together = q_people + [p for p in a_people if p not in q_people] if asked == "person" else q_people
        if len(together) >= 2:
            found.add("groups", [" and ".join(together[:2])])
        found.add("groups", [c for c, plural in noun_phrases(q) if plural])
        found.add("groups", entities(q, "group"))
        found.add("things", [c for c, plural in noun_phrases(q) if not plural])
        found.add("things", [e.text for e in q.ents if e.label_ in ("GPE", "ORG", "FAC", "LOC", "PRODUCT")])
    return found


def _main_subject(doc, name: str) -> bool:
    return any(e.text == name and e.root.dep_ in ("nsubj", "nsubjpass") and e.root.head.dep_ == "ROOT"
               for e in doc.ents)


def _askedentity_kind(doc) -> str | None:
    first = doc[0].lower_ if len(doc) else ""
    if first in ("who", "whom", "whose"):
        return "person"
    if first == "where" or re.search(r"\b(?:what|which) (?:city|country|place|town)\b", doc.text, re.I):
        return "place"
    return None


def entity_kind(entity) -> str | None:
    """An entity's kind; a "person" after "in/at/from" or in "the city of X" is a place (small-model NER slips)."""
    kind = _LABEL_KIND.get(entity.label_)
    if kind == "person":
        root = entity.root
        prep = root.head if root.dep_ == "pobj" else None
        if prep is not None and (
            prep.lower_ in PLACE_PREPOSITIONS
            or (prep.lower_ == "to" and prep.head.lower_ in MOTION_VERBS)
            or (prep.lower_ == "of" and prep.head.lower_ in _PLACE_NOUNS)
        ):
            return "place"
    return kind


def entities(doc, kind: str) -> list[str]:
    return [e.text for e in doc.ents if entity_kind(e) == kind]


def is_wh(span) -> bool:
    return any(t.tag_ in ("WP", "WDT", "WRB", "WP$") for t in span)


def noun_phrases(doc) -> list[tuple[str, bool]]:
    """Common-noun phrases, most salient first: subjects, objects, then others; in 'the X of Y' and "Y's X" Y comes first."""
    person_tokens = {t.i for e in doc.ents if entity_kind(e) in ("person", "time", "number") for t in e}
    ranked = []
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.tag_.startswith("W") or root.pos_ == "PRON" or root.i in person_tokens:
            continue
        owner = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "of" else root
        rank = _SUBJECT_FIRST.get(owner.dep_, 4) - (0.5 if owner is not root else 0)
        if is_wh(chunk):  # "how many trains" -> "the trains"
            words = [t for t in chunk if not t.tag_.startswith("W") and t.lower_ not in ("many", "much")]
            text = "the " + doc[words[0].i: chunk.end].text if words and root.pos_ == "NOUN" else None
        else:
            text = _lower_determiner(chunk)
        if text:
            ranked.append((rank, chunk.start, text, root.tag_ in ("NNS", "NNPS")))
        for owner in (c for c in root.children if c.dep_ == "poss" and c.pos_ in ("NOUN", "PROPN")):
            if owner.i not in person_tokens:  # "the plane's range": "it" is more likely the plane
                ranked.append((rank - 0.5, owner.left_edge.i, doc[owner.left_edge.i: owner.i + 1].text, owner.tag_ in ("NNS", "NNPS")))
    return [(text, plural) for _, _, text, plural in sorted(ranked)]


def _lower_determiner(chunk) -> str:
    """'The train' at the start of a question reads 'the train' inside another one."""
    first = chunk[0]
    if first.pos_ == "DET" and first.i == 0:
        return first.lower_ + chunk.text[len(first.text):]
    return chunk.text


def _strip_preposition(doc) -> str:
    """'in Vladivostok' -> 'Vladivostok'."""
    start = next((t.i for t in doc if t.pos_ != "ADP"), 0)
    return doc[start:].text.strip(" .")
