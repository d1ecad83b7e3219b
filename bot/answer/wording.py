""""How does the writer describe X?" asks for the words the article puts on X, not for a fact about it.

"How does the writer describe Putin's choice to invade Ukraine?" -> "his controversial decision"; "What kind of
screens are the cars fitted with?" -> "state-of-the-art flat-screen televisions"; "In what state are the bodies
kept?" -> "the embalmed bodies". The question names a thing (the described noun, with what hangs on it); a sentence
that mentions it (the same noun, or another noun with the same complement: "choice to invade Ukraine" / "decision
to invade Ukraine") with describing words the question does not use (adjectives, participles, compounds) answers
with that mention: its describing words and its noun.
"""

from __future__ import annotations

from dataclasses import dataclass

_DESCRIBING_VERBS = frozenset({"describe", "characterize", "characterise", "label", "call", "portray", "depict", "term"})
_KINDS = frozenset({"kind", "kinds", "sort", "sorts", "type", "types"})
_STATES = frozenset({"state", "condition", "shape"})
_DESCRIBING_DEPS = frozenset({"amod", "compound", "nmod", "advmod", "npadvmod"})
_DESCRIBING_POS = frozenset({"ADJ", "VERB", "NOUN"})
_NOUNS = frozenset({"NOUN", "PROPN"})
_TEXT_WORDS = frozenset({"writer", "article", "piece", "author", "story", "report", "reporter", "text", "it"})


@dataclass(frozen=True)
class Described:
    """The thing a question asks the description of: its noun's lemma and the content lemmas hanging on it."""

    noun: str
    complement: frozenset  # its nouns and verbs after it: "choice to invade Ukraine" -> {"invade"}


def asked_description(doc) -> Described | None:
    """What ``doc`` (a parsed question) asks to be described: "How does the writer describe X?", "What kind of X
    ...?", "In what state are X ...?"; None for any other question."""
    for token in doc:
        if token.lemma_.lower() in _DESCRIBING_VERBS and token.pos_ == "VERB" and _asks_how(doc, token):
            thing = next((c for c in token.children if c.dep_ == "dobj" and c.pos_ in _NOUNS), None)
            return _described(thing)
        if token.lower_ in _KINDS and token.i > 0 and doc[token.i - 1].lower_ in ("what", "which"):
            if _classifies(token):
                return None
            of = next((c for c in token.children if c.lower_ == "of"), None)
            return _described(next((c for c in of.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None) if of else None)
        if token.lower_ in _STATES and token.i > 1 and doc[token.i - 1].lower_ == "what" and doc[token.i - 2].lower_ == "in":
            return _described(next((t for t in doc if t.i > token.i and t.dep_ in ("nsubj", "nsubjpass", "attr")), None))
    return None


def _classifies(kind) -> bool:
    """"What kind of plane is Chammae-1?" asks what Chammae-1 is (its own words), not how planes are described: a
    form of "be" right after "kind of X", and no verb after it ("... are the cars fitted with?" asks a description)."""
    doc = kind.doc
    after = max(t.i for t in kind.subtree) + 1  # the word right after "kind of plane"
    return after < len(doc) and doc[after].lemma_ == "be" and not any(t.pos_ == "VERB" for t in doc[after + 1:])


def _asks_how(doc, verb) -> bool:
    """"How does the writer describe ...?" / "What did the report call ...?": the verb is asked how or what of."""
    return any(t.lower_ in ("how", "what") and t.head == verb for t in doc)


def _described(noun) -> Described | None:
    if noun is None or noun.pos_ != "NOUN" or noun.lower_ in _TEXT_WORDS:  # "In what state is Yale?" asks a place
        return None
    complement = frozenset(t.lemma_.lower() for t in noun.subtree
                           if t.i > noun.i and not t.is_stop and t.pos_ in ("NOUN", "VERB"))
    return Described(noun.lemma_.lower(), complement)


def description(doc, described: Described, question_words: frozenset) -> str | None:
    """The mention of ``described`` in the sentence ``doc`` with its describing words (a slice of ``doc.text``), when
    it has describing words of its own (not among ``question_words``); None otherwise."""
    named = [t for t in doc if t.lemma_.lower() == described.noun or t.lower_ == described.noun]
    for token in named or doc:  # the noun itself, else another noun with its complement
        head = _mention(token, described)
        if head is None:
            continue
        left = [t for t in head.subtree if t.i < head.i]
        describing = [t for t in left if t.dep_ in _DESCRIBING_DEPS and t.pos_ in _DESCRIBING_POS
                      and t.lemma_.lower() not in question_words and t.lower_ not in question_words
                      and t.lemma_.lower() != described.noun]
        if describing:
            start = head.left_edge.idx
            return doc.text[start:head.idx + len(head.text)]
    return None


def _mention(token, described: Described):
    """The noun ``token`` makes a mention of the described thing: the noun itself ("screens" in "flat-screen
    televisions" makes "televisions"), or a noun whose complement shares the question's ("decision to invade")."""
    if token.lemma_.lower() == described.noun or token.lower_ == described.noun:
        head = token
        while head.dep_ in ("compound", "amod", "nmod") and head.head.pos_ == "NOUN" and head.head.i > head.i:
            head = head.head
        return head if head.pos_ == "NOUN" else None
    if token.pos_ == "NOUN" and described.complement:
        after = {t.lemma_.lower() for t in token.subtree if t.i > token.i}
        if described.complement <= after:
            return token
    return None
