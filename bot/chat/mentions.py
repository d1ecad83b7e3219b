"""Mentions: the names, noun phrases and answers an exchange offers, with a kind and a role each.

Read from spaCy's parse and NER, corrected where the small model slips: a name
NER cut short is extended over the proper nouns next to it ("Genghis Khan"),
a "person" after "in", "trip to" or "the city of" is a place, "the name of X"
names X, and a long answer (a sentence) offers the noun phrase it opens with.
"""

from __future__ import annotations

import re

from bot.chat.questions.anatomy import WH_WORDS

MOTION_VERBS = {"get", "gets", "got", "go", "goes", "went", "gone", "going", "travel", "travels", "traveled",
                "travelled", "traveling", "travelling", "come", "comes", "came", "coming", "head", "headed",
                "fly", "flies", "flew", "flown", "return", "returned", "move", "moved", "drive", "drove", "ride", "rode",
                "trip", "journey", "visit", "flight", "way", "route", "road"}
PLACE_PREPOSITIONS = {"in", "at", "from", "near", "into", "inside", "outside", "through", "across"}
_PLACE_NOUNS = {"city", "town", "capital", "village", "port", "region", "province", "country", "state", "county"}
# Common nouns that name a person by role: "he" / "him" after "the leader's rail cars" is the leader (no name to find)
PERSON_NOUNS = frozenset(
    "leader president official minister premier chancellor king queen prince princess emperor dictator chief "
    "executive ceo director manager coach player captain spokesman spokeswoman spokesperson defector analyst "
    "diplomat senator governor mayor judge lawyer founder chairman chairwoman secretary ambassador general "
    "commander officer envoy father mother son daughter brother sister wife husband grandfather successor "
    "predecessor driver pilot soldier candidate politician lawmaker ruler monarch astronaut scientist".split())
ROLE_ONLY = 2.0  # salience a person named only by role gives up to one named by name
_LABEL_KIND = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "group",
               "ORG": "group", "DATE": "time", "TIME": "time", "CARDINAL": "number", "QUANTITY": "number",
               "MONEY": "number", "PERCENT": "number", "ORDINAL": "number", "EVENT": "thing", "PRODUCT": "thing",
               "WORK_OF_ART": "thing", "LAW": "thing", "LANGUAGE": "thing"}
ASKED = [(re.compile(r"^(?:who|whom)\b", re.I), "person"),
          (re.compile(r"^(?:where\b|(?:in |at |to |from )?(?:what|which)(?: [\w-]+)?? (?:city|country|place|town|state|"
                      r"region|stadium|venue)\b)", re.I), "place"),
          (re.compile(r"^(?:what|which)(?: [\w-]+)?? (?:team|band|group|network|company|organi[sz]ation|body|party|"
                      r"agency|countries|nations)\b", re.I), "group")]
MALE, FEMALE = {"he", "him", "his", "himself"}, {"she", "her", "hers", "herself"}
# How much each place a mention comes from counts (see the module docstring).
def entity_kind(entity) -> str | None:
    """An entity's kind; a "person" after "in/at/from", "trip to" or in "the city of X" is a place."""
    kind = _LABEL_KIND.get(entity.label_)
    root = entity.root
    prep = root.head if root.dep_ in ("pobj", "compound") and root.head.pos_ == "ADP" else None
    if prep is None and entity.start > 0 and entity.doc[entity.start - 1].pos_ == "ADP":
        prep = entity.doc[entity.start - 1]
    if kind in ("person", "group", None) and prep is not None and (
        prep.lower_ in PLACE_PREPOSITIONS
        or (prep.lower_ == "to" and prep.head.lower_ in MOTION_VERBS)
        or (prep.lower_ == "to" and entity.start > 1 and entity.doc[entity.start - 2].lower_ in MOTION_VERBS)
        or (prep.lower_ == "of" and prep.head.lower_ in _PLACE_NOUNS)
    ):
        return "place"
    return kind


def is_wh(span) -> bool:
    return any(t.tag_ in ("WP", "WDT", "WRB", "WP$") for t in span)


def names(doc) -> list:
    """Named things in ``doc``: NER entities, and runs of proper nouns NER missed ("Temüjin"), without "'s"."""
    from spacy.tokens import Span

    if isinstance(doc, Span):
        return [s for s in names(doc.doc) if s.start >= doc.start and s.end <= doc.end]
    spans, covered = [], set()
    for e in doc.ents:
        start, end = e.start, e.end - (1 if e[-1].tag_ == "POS" or e[-1].text in ("'s", "’s", "'") else 0)
        if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"):
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].ent_type_ in ("", e.label_):
                start -= 1  # "Genghis Khan", where NER took "Khan" only
        if end > start:
            spans.append(Span(doc, start, end, label=e.label_))
            covered.update(range(start, end))
    i = 0
    while i < len(doc):
        if doc[i].pos_ == "PROPN" and i not in covered and doc[i].lower_ not in WH_WORDS:
            j = i
            while j < len(doc) and (doc[j].pos_ == "PROPN" or doc[j].text == "-") and j not in covered:
                j += 1
            spans.append(doc[i:j])
            i = j
        else:
            i += 1
    return sorted(spans, key=lambda s: s.start)


def mentions(doc, subject, skip_nouns_in=frozenset()):
    """(text, kind, plural, role, salience) for each name and noun phrase of ``doc``; salience is added to the
    score of where the mention comes from."""
    out, used = [], set()
    if subject is not None:  # a question: the subject its shape found (none when the question phrase is it)
        in_subject = set(range(*subject)) if subject != () else set()
    else:  # a sentence: the main clause's subject
        in_subject = {t.i for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"}
    people = []
    for span in names(doc):
        root = span.root
        if span.start in skip_nouns_in and doc[span.start].tag_ != "POS":
            continue
        if root.dep_ in ("amod", "compound", "nmod") and root.head.pos_ == "NOUN" and root.head.i > span.end - 1 and \
                span.start > 0 and doc[span.start - 1].pos_ == "DET":
            continue  # "an Israeli troop withdrawal", "the Onon and Kherlen rivers": a modifier, not a referent
        kind = entity_kind(span) if span.label_ else None
        if kind == "place" and subject is None and not after_preposition(span):
            kind = None  # in article text, a place is somewhere things happen: "in Dalian", "to the city of Otrar"
        owner = span.end < len(doc) and (doc[span.end].tag_ == "POS" or span.root.dep_ == "poss")
        role = "subject" if any(t.i in in_subject for t in span) and not owner else "object"
        if span.label_ and kind in ("time", "number"):
            continue
        out.append((span.text, kind or "name", span[-1].tag_ == "NNPS", role, 0.5 if owner else 0.0))
        used.update(t.i for t in span)
        if kind == "person" or (kind is None and span[0].tag_ == "NNP"):
            people.append(span)
    for a, b in zip(people, people[1:]):  # "Kim and Putin"
        if b.start - a.end == 1 and doc[a.end].lower_ == "and":
            out.append((f"{a.text} and {b.text}", "group", True, "subject" if a.start in in_subject else "object", 0.0))
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.pos_ != "NOUN" or root.i in used or chunk[0].lower_ in ("which", "what", "whose") or root.i in skip_nouns_in:
            continue  # "which city" is what the answer fills
        text = noun_text(chunk)
        if not text:
            continue
        for prep in (c for c in root.children if c.dep_ == "prep" and c.lower_ in ("to", "of", "from", "in")):
            objects = [g for g in prep.children if g.dep_ == "pobj" and g.pos_ == "PROPN"]
            if objects and prep.i == chunk.end:  # "his visit to Moscow"
                text += " " + doc[prep.i: objects[0].i + 1].text
        role = "subject" if root.i in in_subject or root.dep_ in ("nsubj", "nsubjpass") else "object"
        kind = _noun_kind(root)
        # "the range of the plane", "the plane's range": "it" is more likely the plane than its range
        attribute = any(c.dep_ == "poss" and not _personal(c) for c in root.children) or any(
            c.dep_ == "prep" and c.lower_ == "of" for c in root.children)
        # a person named by role ("the Russian president") yields to a person named by name ("Vladimir Putin")
        out.append((text, kind, root.tag_ == "NNS", role, -3.0 if attribute else -ROLE_ONLY if kind == "person" else 0.0))
        for owner in [c for c in root.children if c.dep_ == "poss" and c.pos_ == "NOUN" and not attribute
                      and _noun_kind(c) == "person"]:  # "the leader's carriages": the leader is mentioned too
            out.append((_lower_first(doc[owner.left_edge.i: owner.i + 1]), "person", owner.tag_ == "NNS", role,
                        -ROLE_ONLY))
        if attribute:
            for owner in [c for c in root.children if c.dep_ == "poss" and c.pos_ == "NOUN"] + [
                    g for c in root.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                    if g.dep_ == "pobj" and g.pos_ == "NOUN"]:
                owned = doc[owner.left_edge.i: owner.i + 1]
                out.append((_lower_first(owned), _noun_kind(owner), owner.tag_ == "NNS", role, 0.5))
    return out


def _personal(token) -> bool:
    """An owner that makes a possession rather than an attribute: 'Kim Jong Il's train', 'his train'."""
    return token.tag_ == "PRP$" or token.ent_type_ == "PERSON" or token.lemma_.lower() in PERSON_NOUNS


def _noun_kind(noun) -> str:
    """A common noun's kind: "city" a place, "the leader" a person, anything else a thing."""
    if noun.lower_ in _PLACE_NOUNS:
        return "place"
    # not "its leader", "their leader": owned by a pronoun for a thing or a group, it names no one to point to
    owned_by_it = any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in noun.children)
    return "person" if noun.lemma_.lower() in PERSON_NOUNS and not owned_by_it else "thing"


def _lower_first(span) -> str:
    first = span[0]
    return (first.lower_ + span.text[len(first.text):]) if first.pos_ == "DET" else span.text


def noun_text(chunk) -> str | None:
    """'The train' -> 'the train'; 'how many trains' -> 'the trains'; 'his visit' keeps 'his' for the rewriter."""
    words = [t for t in chunk if not (t.tag_.startswith("W") or t.lower_ in ("many", "much"))]
    if not words:
        return None
    start = words[0].i
    text = chunk.doc[start:chunk.end].text
    if start != chunk.start or (words[0].pos_ != "DET" and words[0].tag_ not in ("PRP$", "NNP", "POS") and
                                not any(t.tag_ == "POS" for t in chunk)):
        text = ("the " + text) if words[0].pos_ != "DET" and chunk.doc[start].tag_ != "PRP$" else text
    first = chunk.doc[start]
    if first.pos_ == "DET":
        text = first.lower_ + text[len(first.text):]
    # "the name of Kim's plane" names the plane
    match = re.match(r"^(?:the\s+)?(?:name|title)\s+of\s+(.+)$", text, re.I)
    return match.group(1) if match else text


def after_preposition(span) -> bool:
    doc = span.doc
    i = span.start - 1
    while i >= 0 and doc[i].pos_ in ("DET", "ADJ", "PROPN", "PUNCT") and doc[i].text not in (",", ";"):
        i -= 1
    return i >= 0 and doc[i].pos_ == "ADP"


def answer_kind(doc) -> str:
    kinds = [entity_kind(e) for e in doc.ents]
    if kinds and len(doc.ents[0]) >= len(doc) - 2:
        return kinds[0] or "thing"
    return "name" if any(t.pos_ == "PROPN" for t in doc) else "thing"


def sentence_subject(doc, before) -> str | None:
    """The cited sentence's main subject ('It is worth noting that Kim ...' -> Kim); a pronoun is read back into
    the text before it ('He now uses a train' after a sentence about Putin -> Putin)."""
    subjects = [t for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"]
    if subjects and subjects[0].dep_ in ("nsubj", "nsubjpass") and subjects[0].lower_ == "it":
        subjects = [t for t in doc if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ in ("ccomp", "xcomp")]
    if not subjects:
        return None
    token = subjects[0]
    if token.dep_ == "nsubjpass":  # "Jacksonville was ravaged by a fire": the fire did it
        agent = [g for c in token.head.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        if not agent:
            return None
        token = agent[0]
        chunk = next((c for c in doc.noun_chunks if c.root == token), None)
        span = next((s for s in names(doc) if s.start <= token.i < s.end), None)
        return span.text if span is not None else (noun_text(chunk) if chunk is not None and token.pos_ == "NOUN" else None)
    if token.lower_ in MALE | FEMALE and before is not None:
        people = [s for s in names(before) if s.label_ == "PERSON"]
        return people[-1].text if people else None
    span = next((s for s in names(doc) if s.start <= token.i < s.end), None)
    return span.text if span is not None else None


def short_answer(answer: str | None, nlp, asked: str | None) -> str | None:
    """The answer as a phrase that can stand in a question: itself when short; of a long one (a sentence, a list),
    its first name of the kind asked for, or the noun phrase it opens with ('the caravan that came from ...'); a
    person or place answer that opens with a name is that name."""
    if not answer or not answer.strip():
        return None
    doc = nlp(answer)
    if asked in ("person", "place") and len(doc) > 1:
        opening = next((s for s in names(doc) if s.start == 0), None)
        end = opening.end if opening is not None else 0
        while 0 < end < len(doc) and (doc[end].tag_ == "POS" or doc[end].pos_ == "PROPN"):
            end += 1  # "Levi's Stadium"
        if opening is not None and end < len(doc):
            return doc[:end].text  # "Dalian in northeastern", "Levi's Stadium in the San": the name, not the clipping
    if len(answer.split()) <= 10 and " with " not in answer:
        return answer.strip()
    chunk = next(iter(doc.noun_chunks), None)
    if chunk is not None and chunk.start <= 1 and chunk.root.pos_ in ("NOUN", "PROPN"):
        return doc[chunk.start:chunk.end].text
    for span in names(doc):
        if asked is not None and entity_kind(span) == asked:
            return span.text
    return None




def asked_kind(question: str) -> str | None:
    """What kind of thing a question asks for: 'Who ...' a person, 'Where ...' a place, 'Which team ...' a group; of a
    question led in by a statement ("In 2018 Kim flew to see Xi. Which city did he go to?"), its last sentence."""
    asking = re.split(r"(?<=[.!?])\s+(?=[A-Z])", question.strip())[-1]
    return next((kind for pattern, kind in ASKED if pattern.search(asking)), None)
