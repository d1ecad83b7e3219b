"""Rewrite a follow-up question into one that stands alone, without an LLM.

spaCy's parser and NER do the work. The last few exchanges (standalone
question + answer) give the antecedents (``bot.chat.antecedents``): people, places,
groups and things, most salient first. Then:

* pronouns that point back are replaced: he/him/his/she/her -> a person,
  they/them/their -> two people or a group, it/its -> a thing, there -> a place
  (with "to"/"in"); expletive "it" ("how long did it take", "is it true
  that") and existential "there" ("how many carriages are there") are left alone,
  and so is a pronoun whose antecedent is in the question itself;
* an elliptic follow-up ("And in 2011?", "What about Moscow?", "And when?")
  is the previous question with one part swapped: the phrase of the same kind
  (a date for a date, a place for a place, the question word for a question word);
* a question with no topic of its own ("Why?", "How long did it take?") borrows
  the previous question in parentheses;
* anything else already stands alone and is returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.chat.antecedents import (
    MOTION_VERBS,
    PLACE_PREPOSITIONS,
    Antecedents,
    antecedents,
    entity_kind,
    is_wh,
    noun_phrases,
)

HISTORY_TURNS = 3  # earlier exchanges searched for antecedents, newest first

_DISCOURSE = re.compile(r"^\s*(?:and|but|so|also|then|ok|okay|well|now)\b\s*,?\s*", re.I)
_ELLIPSIS = re.compile(
    r"^\s*(?:(?:and|but|so)\s+)?(?:what|how)\s+about\s+(?P<a>.+)$"
    r"|^\s*(?:and|also|same\s+for|same\s+question\s+for|what\s+of)\s+(?P<b>.+)$"
    r"|^\s*(?P<c>(?:in|on|at|during|before|after|from|to|by|with|for)\s+.+)$"
    r"|^\s*(?P<d>(?:when|where|why|how|who|whom|what|which)(?:\s+\w+){0,2})\s*$",
    re.I,
)
_FINITE_VERB_TAGS = {"VB", "VBD", "VBP", "VBZ", "MD"}
_PERSON = {"he", "him", "his", "she", "her", "hers"}
_GROUP = {"they", "them", "their", "theirs"}
_THING = {"it", "its"}
_OBJECT_FORMS = {"him", "them"}
_BE = {"is", "are", "was", "were", "be", "been", "being", "'s", "'re"}
_TAKE = {"take", "takes", "took", "taken", "taking"}
_DO = {"do", "does", "did", "done", "doing"}



def rewrite_follow_up(question: str, history: Sequence[tuple[str, str | None]], nlp) -> str:
    """``question`` made standalone from ``history``: (standalone question, answer or None if refused), oldest first."""
    if not history or not question.strip():
        return question
    previous = history[-1][0]
    context = antecedents(history[-HISTORY_TURNS:], nlp)
    body = _DISCOURSE.sub("", question, count=1) if _DISCOURSE.match(question) else question
    fragment = _elliptic_fragment(body, nlp)
    if fragment is not None:
        return _capitalize(_fill_ellipsis(previous, fragment, context, nlp))
    doc = nlp(body)
    resolved = _resolve_pronouns(doc, context)
    if resolved != doc.text:
        return _capitalize(resolved)
    if not _has_topic(doc):
        return f"{question.strip().rstrip('?').rstrip()} ({previous.strip().rstrip('?').rstrip()})?"
    return question


def _resolve_pronouns(doc, context: Antecedents) -> str:
    out = []
    for token in doc:
        replacement = _antecedent_for(token, context)
        out.append((replacement if replacement is not None else token.text) + token.whitespace_)
    return "".join(out).strip()


def _antecedent_for(token, context: Antecedents) -> str | None:
    low = token.lower_
    before = token.doc[: token.i]
    own_people = [e.text for e in token.doc.ents if entity_kind(e) == "person"]
    possessive = token.tag_ == "PRP$" or low in ("his", "hers", "theirs")
    if low in _PERSON:
        if low in _OBJECT_FORMS or (low == "her" and not possessive):
            others = [p for p in context.people if p not in own_people]
            return others[0] if others else None  # "Where did Kim meet him?": him is not Kim
        if any(entity_kind(e) == "person" for e in before.ents):
            return None  # "Did Kim say he would go?"
        return _possessive(context.people[0], possessive) if context.people else None
    if low in _GROUP:
        if len([e for e in before.ents if entity_kind(e) == "person"]) >= 2 or _has_subject_phrase(before, plural=True):
            return None
        return _possessive(context.groups[0], possessive) if context.groups else None
    if low in _THING:
        if _expletive(token) or _has_subject_phrase(before, plural=False) or not context.things:
            return None
        return _possessive(context.things[0], low == "its")
    if low == "there" and _place_there(token) and context.places:
        if any(entity_kind(e) == "place" for e in before.ents):
            return None
        previous = token.doc[token.i - 1] if token.i else None
        if previous is not None and previous.pos_ == "ADP":
            return context.places[0]
        return ("to " if token.head.lower_ in MOTION_VERBS else "in ") + context.places[0]
    return None


def _possessive(name: str, possessive: bool) -> str:
    if not possessive:
        return name
    return name + ("'" if name.endswith("s") else "'s")


def _has_subject_phrase(span, plural: bool) -> bool:
    for chunk in span.noun_chunks:
        root = chunk.root
        if root.dep_ in ("nsubj", "nsubjpass") and root.pos_ in ("NOUN", "PROPN") and not is_wh(chunk):
            if (root.tag_ in ("NNS", "NNPS")) == plural:
                return True
    return False


def _expletive(token) -> bool:
    """'it' that points at nothing: 'how long did it take', 'is it true that', 'what time is it', 'why did he do it'."""
    doc, head = token.doc, token.head
    following = [t for t in doc[token.i + 1:] if t.pos_ not in ("ADV", "PART")][:1]
    if token.dep_ == "expl" or (following and following[0].lower_ in _TAKE):
        return True
    if token.dep_ in ("nsubj", "nsubjpass") and any(
        c.dep_ in ("ccomp", "xcomp", "csubj") and c.i > token.i for c in head.children
    ):
        return True
    if head.lower_ in _DO and token.dep_ == "dobj":
        return True  # "why did he do it": the event, not a thing
    return head.lower_ in _BE and any(c.dep_ == "attr" and is_wh(c.subtree) for c in head.children)


def _place_there(token) -> bool:
    """'go there' is a place; 'is there a kitchen' and 'how many carriages are there' are existential."""
    if token.tag_ == "EX":
        return False
    head = token.head
    if head.lower_ in _BE:
        return not any(c.dep_ in ("nsubj", "attr") and c.pos_ == "NOUN" for c in head.children)
    return True


def _has_topic(doc) -> bool:
    """A question naming anything (a noun, name or number) has a topic of its own."""
    return any(t.pos_ in ("NOUN", "PROPN", "NUM") and t.tag_ not in ("WP", "WDT") for t in doc) or bool(doc.ents)


def _elliptic_fragment(text: str, nlp) -> str | None:
    """'And in 2011?' -> 'in 2011'; None when ``text`` has a verb of its own (a whole question)."""
    match = _ELLIPSIS.match(text.strip().rstrip("?!. "))
    if not match:
        return None
    fragment = next(g for g in match.groups() if g is not None).strip()
    if any(t.tag_ in _FINITE_VERB_TAGS for t in nlp(fragment)):
        return None
    return fragment


def _fill_ellipsis(previous: str, fragment: str, context: Antecedents, nlp) -> str:
    prev = nlp(previous)
    framed = nlp(f"And {_resolve_pronouns(nlp(fragment), context)}?")  # NER reads a bare name better in a frame
    frag = framed[1:-1]
    body = previous.strip().rstrip("?").rstrip()
    if not len(frag):
        return f"{body} ({fragment})?"
    if is_wh(frag[:3]) and frag[0].pos_ in ("ADP", "SCONJ", "ADV", "PRON", "DET"):
        return _swap_question_word(prev, frag.text, body)
    leading_prep = frag[0].lower_ if frag[0].pos_ == "ADP" else None
    last = frag[-1].i
    head_entity = next((e for e in frag.ents if e.start <= last < e.end), None)
    kind = entity_kind(head_entity) if head_entity is not None else None
    if kind == "person" and leading_prep in PLACE_PREPOSITIONS:
        kind = "place"
    same_kind = [e for e in prev.ents if entity_kind(e) == kind] if kind else []
    if same_kind:
        target = same_kind[-1]  # the last one: "When did Kim meet Putin?" + "and Trump?" swaps Putin
        before = prev[target.start - 1] if target.start > 0 else None
        if leading_prep and before is not None and before.pos_ == "ADP":
            return previous[: before.idx] + frag.text + previous[target.end_char:]
        return previous[: target.start_char] + head_entity.text + previous[target.end_char:]
    if leading_prep:
        same_prep = [t for t in prev if t.lower_ == leading_prep and t.dep_ == "prep"]
        if same_prep:
            phrase = prev[same_prep[-1].left_edge.i: same_prep[-1].right_edge.i + 1]
            return previous[: phrase.start_char] + frag.text + previous[phrase.end_char:]
        return f"{body} {frag.text}?"
    if kind is None:
        phrases = noun_phrases(prev)
        where = previous.lower().find(phrases[0][0].lower()) if phrases else -1
        if where >= 0:
            return previous[:where] + frag.text + previous[where + len(phrases[0][0]):]
    return f"{body} ({frag.text})?"


def _swap_question_word(prev, wh_phrase: str, body: str) -> str:
    """'How did Kim Jong Il die?' + 'when' -> 'When did Kim Jong Il die?'; 'Did Kim fly?' + 'when' -> 'When did Kim fly?'."""
    verb = next((t for t in prev if t.pos_ in ("AUX", "VERB")), None)
    if verb is None or (verb.i > 0 and (verb.pos_ != "AUX" or not is_wh(prev[: verb.i]))):
        return f"{wh_phrase} ({body})?"  # "Who met Kim?" + "when": no clean swap
    rest = prev[verb.i:].text.rstrip("?").rstrip()
    return f"{wh_phrase} {rest[:1].lower() + rest[1:] if verb.i == 0 else rest}?"


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
