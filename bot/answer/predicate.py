"""Does a sentence say what the question asks about: its verb with one of its own arguments?

"When did North Korea close its borders?" is answered by "The decision to close the borders of his
beloved land in the early months of 2020 ...", which shares the question's verb and that verb's object,
not by "... crossing a river that serves as the border between North Korea and Russia", which shares
more words but not the predicate. The sentence match (embeddings, term overlap) counts words; this
checks the relation: a verb of the question (not a light one: be, have, do, ...) used as a verb in
the sentence, with a noun that was its subject or object in the question as its subject, object or
the object of one of its prepositions in the sentence. Both parsed by spaCy; lemmas compared ("closed" is
"close", "began" is "begin").
"""

from __future__ import annotations

# Verbs that carry no event of their own: "What did he do", "Who has the record", "What is it called"
_LIGHT = frozenset("be have do get make take give go come become say call use know include".split())
_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "attr", "oprd", "agent", "pobj", "dative"})
_PRONOUN_TAGS = frozenset({"PRP", "PRP$", "WP", "WP$", "WDT", "WRB", "EX"})


def question_predicates(question_doc) -> dict[str, frozenset[str]]:
    """The question's verbs (lemmas), each with the lemmas of the nouns it governs."""
    out: dict[str, frozenset[str]] = {}
    for verb in question_doc:
        if verb.pos_ != "VERB" or verb.lemma_.lower() in _LIGHT:
            continue
        nouns = {_lemma(t) for t in _arguments(verb) if t.pos_ in ("NOUN", "PROPN") and t.tag_ not in _PRONOUN_TAGS}
        if nouns:
            out[verb.lemma_.lower()] = frozenset(nouns)
    return out


def shares_predicate(predicates: dict[str, frozenset[str]], sentence_doc) -> bool:
    """Some verb of the question is a verb of the sentence with one of the question's nouns as its argument."""
    if not predicates:
        return False
    for verb in sentence_doc:
        nouns = predicates.get(verb.lemma_.lower()) if verb.pos_ == "VERB" else None
        if nouns and any(_lemma(t) in nouns for t in _arguments(verb)):
            return True
    return False


def asked_object(question_doc) -> str | None:
    """The verb (lemma) whose object the question asks for: "What does the railway cross ...?" -> "cross"; None
    for a light verb ("What did he do?", "What is it called?") or when "what" is no object."""
    for token in question_doc:
        verb = token.head
        # a verb, or what the tagger took for a noun but the parse gives an auxiliary ("What does the railway cross")
        is_verb = verb.pos_ == "VERB" or any(c.dep_ == "aux" for c in verb.children)
        if token.lower_ == "what" and token.dep_ in ("dobj", "obj") and is_verb and verb.lemma_.lower() not in _LIGHT:
            return verb.lemma_.lower()
    return None


def object_of(sentence_doc, verb_lemma: str) -> tuple[int, int] | None:
    """Where, in the sentence ``sentence_doc``, the object of the verb ``verb_lemma`` is (character offsets), with
    what hangs on it ("crossing a river that serves as the border" -> "a river that serves as the border"); None
    when the sentence has no such verb with a noun for object."""
    for verb in sentence_doc:
        # a verb, or what the tagger took for a noun but the parse gives a subject ("This route highlights ...")
        is_verb = verb.pos_ == "VERB" or any(c.dep_ in ("nsubj", "aux") for c in verb.children)
        if not is_verb or verb.lemma_.lower() != verb_lemma:
            continue
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj") and c.tag_ not in _PRONOUN_TAGS), None)
        if obj is not None:
            tokens = list(obj.subtree)
            return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return None


def _arguments(verb):
    """The verb's subject and objects, and the objects of its prepositions ("travel to Beijing")."""
    for child in verb.children:
        if child.dep_ in _ARGUMENTS:
            yield child
        elif child.dep_ == "prep":
            yield from (c for c in child.children if c.dep_ == "pobj")


def _lemma(token) -> str:
    return token.lemma_.lower()


def asked_possessed(question_doc) -> str | None:
    """What the question asks the owner of: "Which club's Jarrod Bowen scored?" -> "bowen", "Whose train ...?" ->
    "train" (the possessed word, lower case); None when it asks no owner."""
    for token in question_doc:
        if token.lower_ == "whose" and token.dep_ == "poss":
            return token.head.lower_
        if token.lower_ in ("which", "what") and token.dep_ == "det" and token.head.dep_ == "poss":
            return token.head.head.lower_
    return None


def owner_of(sentence_doc, possessed: str) -> tuple[int, int] | None:
    """Where, in ``sentence_doc``, the owner of the word ``possessed`` is ("West Ham’s Jarrod Bowen" -> "West Ham"),
    without its "’s"; None when no mention of it has an owner."""
    for token in sentence_doc:
        if token.lower_ != possessed and token.lemma_.lower() != possessed:
            continue
        owner = next((c for c in token.children if c.dep_ == "poss" and c.tag_ not in _PRONOUN_TAGS), None)
        # "the son of former Marshall star QB Chad Pennington": the owner is the name "of" gives
        of = [c for p in token.children if p.lower_ == "of" for c in p.children if c.dep_ == "pobj"]
        if owner is None and of and of[0].pos_ == "PROPN":
            first = of[0]
            while first.i > 0 and sentence_doc[first.i - 1].pos_ == "PROPN":  # the name, not "former ... star"
                first = sentence_doc[first.i - 1]
            return first.idx, of[0].idx + len(of[0].text)
        if owner is not None:
            words = [t for t in owner.subtree if t.dep_ != "case"]
            return words[0].idx, words[-1].idx + len(words[-1].text)
    return None
