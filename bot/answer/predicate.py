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


# Verbs that tell who made something known: a question's "announced" is a sentence's "reported".
_TELLING = frozenset("announce report reveal disclose confirm declare state say tell".split())


def asked_subject(question_doc) -> tuple[str, frozenset[str], bool] | None:
    """The verb (lemma) whose subject a "Who ...?" question asks for, with the content words of what follows it, and
    whether it is passive: "Who reported Kim Jong Il's death?" -> ("report", {"kim", "jong", "il", "death"}, False);
    "Which player was chaired off by her teammates?" -> ("chair", {"teammate"}, True), the one chaired off. None for a
    light verb ("Who is ...?", "Who has ...?") or when "who" is not its subject."""
    for token in question_doc:
        verb = token.head
        if verb.pos_ != "VERB" or verb.lemma_.lower() in _LIGHT:
            continue
        if token.lower_ == "who" and token.dep_ == "nsubj":
            return verb.lemma_.lower(), _content_after(verb), False
        asked = token.lower_ == "who" or any(c.dep_ == "det" and c.lower_ in ("which", "what") for c in token.children)
        alone = not any(c.dep_ in ("nsubj", "nsubjpass", "xcomp") and c.i != token.i for c in verb.children)
        if asked and token.dep_ == "nsubjpass" and alone:  # not "Who is Kim expected to meet?"
            return verb.lemma_.lower(), _content_after(verb), True
    return None


def subject_of(sentence_doc, asked: tuple[str, frozenset[str], bool]) -> tuple[int, int] | None:
    """Where the named subject of the asked verb (for a verb of telling, of another one) is in the sentence, with what
    hangs on it, when what follows that verb shares a word with what followed it in the question ("North Korea’s
    state media reported Kim Jong Il’s sudden demise" for "Who announced Kim Jong Il's death?" -> "North Korea’s
    state media"); None when the sentence has no such verb, or its subject is a pronoun."""
    verb_lemma, words, passive = asked
    alike = _TELLING if verb_lemma in _TELLING else {verb_lemma}
    for verb in sentence_doc:
        told = _content_after(verb) | (_content_after(verb.head) if verb.dep_ == "advcl" else frozenset())
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in alike or not (told & words):
            continue
        if passive:  # the one it was done to: "Cranston is chaired off by teammates", "teammates chaired Cranston off"
            subject = next((c for c in verb.children if c.dep_ in ("nsubjpass", "dobj")), None)
        else:
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None and not passive:  # "..., as indicated by a U.S. official": the agent of the passive
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if subject is not None and subject.tag_ not in _PRONOUN_TAGS and subject.pos_ in ("NOUN", "PROPN"):
            # the name, not what describes it ("Gleb Karakulov, a defector from ...")
            aside = {t.i for c in subject.children if c.dep_ in ("relcl", "acl") or (  # "the historian Gasquet" is kept
                c.dep_ == "appos" and c.left_edge.i > 0 and c.doc[c.left_edge.i - 1].text == ",") for t in c.subtree}
            tokens = [t for t in subject.subtree if t.i not in aside]
            opened = next((i for i, t in enumerate(tokens) if t.text == "(" and i), None)  # "Gasquet (1908)"
            tokens = tokens[:opened] if opened else tokens
            while len(tokens) > 1 and tokens[-1].is_punct:
                tokens.pop()
            return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return None


def _content_after(verb) -> frozenset[str]:
    """The nouns and names of what a verb governs after it (its object, its clause), lemmatised; for a clause that
    says as whom it was told ("..., as indicated by a U.S. official"), all the verb it hangs on governs."""
    return frozenset(_lemma(t) for c in verb.children if c.i > verb.i and c.dep_ not in ("punct", "cc")
                     for t in c.subtree if t.pos_ in ("NOUN", "PROPN") and t.tag_ not in _PRONOUN_TAGS)


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


def changed_to(sentence_doc, start: int, end: int) -> tuple[int, int] | None:
    """The new value of a change whose old value is ``sentence_doc.text[start:end]``: "lowered the number of jobs
    it will cut to 950, from 1,150" (the old value, 1,150, is what "from" takes) -> 950; None when the span is
    not the object of a "from" whose head also takes a "to" with a number."""
    tokens = [t for t in sentence_doc if start <= t.idx < end]
    heads = [t for t in tokens if t.head not in tokens or t.head is t]
    if len(heads) != 1 or heads[0].dep_ != "pobj" or heads[0].head.lower_ != "from":
        return None
    changed = heads[0].head.head
    to = next((c for c in changed.children if c.dep_ == "prep" and c.lower_ == "to"), None)
    new = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if new is None or not any(t.like_num for t in new.subtree):
        return None
    words = list(new.subtree)
    return words[0].idx, words[-1].idx + len(words[-1].text)


def asked_relation(question_doc) -> tuple[str, str] | None:
    """The relation "Who was Kim Jong Il's father?" asks about: ("father", "kim jong il") -- the noun, lemmatised, and
    its named owner; None when the question names no owner of a noun."""
    for token in question_doc:
        if token.dep_ == "poss" and token.pos_ == "PROPN" and token.head.pos_ == "NOUN":
            owner = question_doc[token.left_edge.i: token.i + 1].text.lower()
            return token.head.lemma_.lower(), owner
    return None


def inverted(sentence_doc, answer: str, relation: tuple[str, str]) -> bool:
    """``answer`` is the other end of the asked relation in the sentence: for "Who was Kim Jong Il's father?", "Kim
    Jong Il, the father of Kim Jong Un" makes Kim Jong Un the son, not the father ("Kim Jong Un's father" too)."""
    noun, owner = relation
    wanted = answer.strip().lower()
    for token in sentence_doc:
        if token.lemma_.lower() != noun or not wanted:
            continue
        # named owners only: "an estimated population of 853,382" measures, it owns nothing
        owned_by = [c for p in token.children if p.lower_ == "of" for c in p.children if c.dep_ == "pobj"]
        owned_by += [c for c in token.children if c.dep_ == "poss" and c.tag_ not in _PRONOUN_TAGS]
        owned_by = [c for c in owned_by if c.pos_ == "PROPN"]
        for other in owned_by:
            text = sentence_doc[other.left_edge.i: other.right_edge.i + 1].text.lower()
            if wanted in text and owner not in text:
                return True
    return False
