"""Questions that ask who or what someone is ("Who is Yang Moo-jin?"): the answer is what the article says
they are, whole.

News introduces people in an appositive ("Yang Moo-jin, the president of the University of North Korean
Studies in South Korea, said ...") or with a copula ("Karakulov is a defector from ..."). The reader
tends to pick the appositive's head alone ("the president", "a defector"), which is true but says almost
nothing: the answer becomes the whole appositive (or the copula's complement), when it describes the
name the question asks about.
"""

from __future__ import annotations

import re

from bot.answer.shape import located

_DEFINITION = re.compile(r"^\W*(?:who|what)\s+(?:is|was|are|were)\s+(?P<name>[^?]+?)\s*\??\s*$", re.I)
_NAME_WORD = re.compile(r"^(?:[A-Z0-9][\w.'’-]*|of|the|de|van|von|al|bin|la|le|da)$")
MAX_WORDS = 25  # a longer description is a clause of its own, not an introduction: keep the reader's span


def asked_name(question: str) -> str | None:
    """The name a "Who is X?" / "What is X?" question asks about (every word of it a name's), else None."""
    found = _DEFINITION.match(question)
    if not found:
        return None
    words = found.group("name").split()
    if not words or not words[0][:1].isupper() or not all(_NAME_WORD.match(w) for w in words):
        return None
    return found.group("name")


def described(doc, answer: str, name: str) -> str:
    """``answer`` (a slice of the parsed sentence ``doc``) widened to the whole appositive or copula complement
    that describes ``name``; anything else is returned as it is."""
    at, inside = located(doc, answer)
    if at < 0:
        return answer
    roots = [t for t in inside if t.head not in inside or t.head.i == t.i]
    if len(roots) != 1:
        return answer
    head = _describing(roots[0])
    if head is None or not _names(head.head if head.dep_ == "appos" else _subject(head.head), name):
        return answer
    tokens = [t for t in head.subtree if not t.is_punct or t.i < head.right_edge.i]
    while tokens and (tokens[-1].is_punct or tokens[-1].pos_ in ("CCONJ", "ADP")):
        tokens.pop()
    if not tokens or len(tokens) > MAX_WORDS or not (tokens[0].idx <= at and at + len(answer) <= _end(tokens[-1])):
        return answer
    return doc.text[tokens[0].idx:_end(tokens[-1])]


def _describing(token):
    """The appositive or copula complement ``token`` heads or lies in, if any."""
    while token is not None:
        if token.dep_ == "appos" or (token.dep_ == "attr" and token.head.lemma_ == "be"):
            return token
        if token.head.i == token.i or token.dep_ in ("ROOT", "nsubj", "nsubjpass", "dobj", "relcl", "advcl", "ccomp"):
            return None
        token = token.head
    return None


def _subject(verb):
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _names(token, name: str) -> bool:
    """``token`` is (the head of) the asked name: one of its words."""
    return token is not None and token.text.lower() in {w.lower() for w in re.split(r"[\s\-.,'’]+", name) if w}


def _end(token) -> int:
    return token.idx + len(token.text)


def as_someone(doc, answer: str) -> str:
    """A "who" answer made a noun phrase: without the preposition it opens with ("between the two leaders" -> "the two
    leaders"), and a clause cut to its subject when it opens with it ("A pharmacy technician once qualified has to
    register ..." -> "A pharmacy technician"; "that Putin is expected" -> "Putin")."""
    at, inside = located(doc, answer)
    if len(inside) > 2 and inside[0].dep_ == "mark":  # "that", "whether": the clause after it
        inside = inside[1:]
    if len(inside) < 2:
        return answer
    if inside[0].pos_ == "ADP" and inside[0].dep_ in ("prep", "agent"):
        objects = [c for c in inside[0].children if c.dep_ == "pobj" and c in inside]
        if objects and objects[0].right_edge.i >= max(t.i for t in inside if not t.is_punct):  # the answer is the phrase
            return doc.text[inside[1].idx:at + len(answer)]
    roots = [t for t in inside if t.head not in inside or t.head.i == t.i]  # the clause's verb, if the answer is one
    subjects = [t for t in inside if t.dep_ in ("nsubj", "nsubjpass") and len(roots) == 1 and t.head == roots[0]
                and t.head.i > t.right_edge.i]  # two when the parser splits one ("New York" and "based filmmakers")
    if subjects and min(t.left_edge.i for t in subjects) == inside[0].i:
        return doc.text[inside[0].idx:_end(doc[max(t.right_edge.i for t in subjects)])]
    return answer


_WHICH_NAME = re.compile(r"^\W*(?i:which)\s+((?:[A-Z][\w.'’-]*\s+)*[A-Z][\w.'’-]*)(?=\s*(?:,|\?|$|\s+[a-z]))")


def which_name(question_doc) -> str | None:
    """The name a "Which Kim rode the train ...?" question asks which bearer of: the capitalised words after "which"
    when they are the asking phrase's head, not a modifier of a noun ("Which American president" asks for a
    president); the last of them ("Which Super Bowl" -> "Bowl")."""
    found = _WHICH_NAME.match(question_doc.text)
    if not found:
        return None
    after = next((t for t in question_doc if t.idx >= found.end(1) and not t.is_space), None)
    if after is not None and (after.pos_ in ("NOUN", "PROPN") or (after.head.i > after.i and after.head.pos_ == "NOUN")):
        return None  # "Which Carolina Panthers wide receiver": the name describes a receiver
    return found.group(1).split()[-1]


def bearer_of(doc, answer: str, name: str) -> str | None:
    """The person's name in ``answer`` that has the word ``name`` ("Kim Jong Il’s sudden demise" -> "Kim Jong Il"),
    ``answer`` when it has the word otherwise ("the 50th Super Bowl"), else the sentence's name that has it nearest to
    the answer ("... by Konstantin Pulikovsky, who accompanied Kim Jong Il" -> "Kim Jong Il"); None when none has."""
    word = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    at = max(doc.text.find(answer), 0)
    bearers = [e for e in doc.ents if e.label_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY",
                                                        "PERCENT") and word.search(e.text)]
    inside = [e for e in bearers if at <= e.start_char and e.end_char <= at + len(answer) and e.label_ == "PERSON"]
    if inside:  # "Kim Jong Il’s sudden demise" -> "Kim Jong Il"; "Kim Jong Il, the father of Kim Jong Un" -> the first
        return re.sub(r"['’]s$", "", inside[0].text)
    if word.search(answer):
        return answer
    if not bearers:
        return None
    return min(bearers, key=lambda e: abs(e.start_char - at)).text
