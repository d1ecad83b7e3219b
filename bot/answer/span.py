"""The short answer inside a sentence.

A question and the sentence that answers it share words (the anchors); the
answer is what the sentence adds. Candidates are the runs of words between
anchors, the named entities that add a word, the noun phrases headed by the
noun asked about ("which forum"), and inside each run its noun phrases and
comma-separated pieces; nothing longer than a short clause. Each candidate is
scored (log-odds, ``WEIGHTS``) by the type of answer the question asks for
(spaCy NER labels, see qtype.py), by that noun, by cue words ("why" wants a
reason, "how" a means), by how close it sits to the anchors and whether the
words around it are those around the question's wh-word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answer.qtype import CONTEXT, DURATION_WORDS, QuestionProfile

MAX_WORDS = 12  # a candidate longer than this is penalised; one 4 words longer is dropped
_REASON = re.compile(r"\b(?:because|due to|owing to|since|so that|in order|in response|as a result|result of|"
                     r"caused by|thanks to|for fear|to avoid|to prevent|to protect|to ensure|to allow|to make)\b", re.I)
_MEANS = re.compile(r"\b(?:by|through|via|using|with|thanks to|means of)\b", re.I)
_BRACKETED = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class Span:
    start: int  # character offsets into the sentence
    end: int
    text: str
    score: float
    features: dict | None = None


def is_anchor(token, stems: frozenset[str], stem) -> bool:
    return not token.is_stop and not token.is_punct and stem(token.lower_) in stems


def candidates(doc, question: QuestionProfile) -> list[Span]:
    from bot.lexical import _stemmer

    stem = _stemmer().stemWord
    anchors = [i for i, t in enumerate(doc) if is_anchor(t, question.stems, stem)]
    if not anchors:
        return []
    is_anchor_at = set(anchors)
    pieces = []  # (first token, last token + 1)
    run: list[int] = []
    for token in doc:
        if token.i in is_anchor_at:
            pieces.extend(_runs(doc, run))
            run = []
        else:
            run.append(token.i)
    pieces.extend(_runs(doc, run))
    for ent in doc.ents:
        if any(t.i not in is_anchor_at and not t.is_stop and not t.is_punct for t in ent):
            pieces.append((ent.start, ent.end))
    if question.head:  # "which forum" -> "the annual Eastern Economic Forum", though "forum" is an anchor
        pieces.extend((c.start, c.end) for c in doc.noun_chunks if stem(c.root.lower_) == question.head)
    for first, last in list(pieces):
        if _words(doc, first, last) > 2:  # "The embargo had a" holds the answer "The embargo"
            pieces.extend(_parts(doc, first, last))
    pieces = [(a, b) for a, b in pieces if _words(doc, a, b) <= MAX_WORDS + 4]  # a whole clause is no short answer
    seen, out = set(), []
    for first, last in pieces:
        first, last = _trim(doc, first, last)
        if last <= first or (first, last) in seen:
            continue
        seen.add((first, last))
        f = features(doc, first, last, anchors, question, stem)
        if f is None:
            continue
        score = sum(WEIGHTS.get(name, 0.0) * value for name, value in f.items())
        span = doc[first:last]
        out.append(Span(span.start_char - doc[0].idx, span.end_char - doc[0].idx, span.text, score, f))
    return out


def _runs(doc, indices: list[int]) -> list[tuple[int, int]]:
    return [(indices[0], indices[-1] + 1)] if indices else []


def _trim(doc, first: int, last: int) -> tuple[int, int]:
    while first < last and (doc[first].is_punct or doc[first].is_space or doc[first].lower_ in ("and", "or", "but")):
        first += 1
    while last > first and (doc[last - 1].is_punct or doc[last - 1].is_space or doc[last - 1].lower_ in ("and", "or")):
        last -= 1
    return first, last


def _words(doc, first: int, last: int) -> int:
    return sum(not t.is_punct for t in doc[first:last])


def _parts(doc, first: int, last: int) -> list[tuple[int, int]]:
    """Smaller candidates inside a run: noun phrases with their attachments, clauses."""
    span = doc[first:last]
    parts = []
    for chunk in span.noun_chunks:
        head = chunk.root
        left, right = max(head.left_edge.i, first), min(head.right_edge.i + 1, last)
        parts.append((chunk.start, chunk.end))
        if right - left <= MAX_WORDS + 2:
            parts.append((left, right))
    cut = first  # clause-sized pieces, split at commas, semicolons and dashes
    for token in span:
        if token.text in {",", ";", ":", "--", "\u2013", "\u2014", "("} and token.i > cut:
            parts.append((cut, token.i))
            cut = token.i + 1
    parts.append((cut, last))
    return [(a, b) for a, b in parts if b > a and _words(doc, a, b) <= MAX_WORDS + 4]


# Log-odds that a candidate holds the answer: a logistic regression over the
# features below, fitted on SQuAD v1.1 dev sentences that hold the answer and
# checked on the v2.0 subset's answerable questions (other articles).
WEIGHTS = {
    "bias": -6.69, "typed": 1.27, "untyped": -1.02, "head": 0.8, "cue": 1.54, "near": 3.25, "n_near": 0.03,
    "after": 0.33, "before": 0.4, "attached": 0.23, "context": 0.44, "context_swapped": 0.46, "entity": 0.33,
    "propn": 0.49, "starts_adp": 0.41, "verb": 0.11, "novel_share": 2.87, "words": 0.06, "long": 0.06,
    "weak": -1.27, "bracketed": -1.0,  # set by hand: no bracketed note in the training sentences
    "numeric": 0.5,  # by hand: a number answers "how many" better than "a day"; SQuAD's long gold spans disagree
}


def features(doc, first: int, last: int, anchors: list[int], question: QuestionProfile, stem) -> dict[str, float] | None:
    """What speaks for the span doc[first:last] being the answer; None when it cannot be."""
    span = doc[first:last]
    content = [t for t in span if not t.is_stop and not t.is_punct]
    novel = [t for t in content if stem(t.lower_) not in question.stems]
    if not novel:
        return None
    f: dict[str, float] = {"bias": 1.0}
    if question.labels:
        typed = [e for e in typed_entities(span, question) if any(t in novel for t in e)]
        if question.wh == "how long":  # a duration, not just any date
            typed = [e for e in typed if DURATION_WORDS.search(e.text)]
        f["typed" if typed else "untyped"] = 1.0
        if question.wh in ("how long", "how many", "how much") and any(t.like_num for e in typed for t in e):
            f["numeric"] = 1.0  # "20 hours" answers "how long" better than "a day"
    if question.head and any(stem(t.lower_) == question.head for t in span):
        f["head"] = 1.0
    if (question.wh == "why" and _REASON.search(span.text)) or (question.wh == "how" and _MEANS.search(span.text)):
        f["cue"] = 1.0
    distance = min(min(abs(a - first), abs(a - (last - 1))) for a in anchors)
    f["near"] = 1.0 / (1 + distance)
    f["after"] = float(first > anchors[-1])
    f["before"] = float(last <= anchors[0])
    f["n_near"] = float(sum(1 for a in anchors if first - 3 <= a < last + 3))
    root = span.root
    f["attached"] = float(root.head.i in set(anchors) or root.head.head.i in set(anchors))
    words = _words(doc, first, last)
    f["words"] = float(words)
    f["long"] = float(max(0, words - MAX_WORDS))
    f["weak"] = float(len(content) == 1 and content[0].pos_ not in ("PROPN", "NOUN", "NUM"))
    f["bracketed"] = float(bool(_BRACKETED.fullmatch(span.text)))
    f["entity"] = float(any(e.start == first and e.end == last for e in doc.ents))
    f["propn"] = float(any(t.pos_ in ("PROPN", "NUM") for t in novel))
    f["starts_adp"] = float(doc[first].pos_ == "ADP")
    f["verb"] = float(any(t.pos_ == "VERB" for t in span))
    f["novel_share"] = len(novel) / len(content)
    if question.left or question.right:
        left = {stem(t.lower_) for t in doc[max(0, first - CONTEXT): first] if not t.is_stop and not t.is_punct}
        right = {stem(t.lower_) for t in doc[last: last + CONTEXT] if not t.is_stop and not t.is_punct}
        f["context"] = float(len(question.left & left) + len(question.right & right))
        f["context_swapped"] = float(len(question.left & right) + len(question.right & left))
    return f


_COUNTS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})


def typed_entities(span, question: QuestionProfile) -> list:
    """Entities of ``span`` of a type the question asks for; for a count, a number
    spaCy's NER missed counts too ("over 2,000" with its modifiers)."""
    found = [e for e in span.ents if e.label_ in question.labels and not _frequency_word(e)]
    if question.labels & _COUNTS:
        covered = {t.i for e in span.ents for t in e}
        doc = span.doc
        for token in span:
            if token.like_num and token.i not in covered and token.pos_ == "NUM":
                first = max(token.left_edge.i, span.start)
                found.append(doc[first: token.i + 1])
                covered.update(range(first, token.i + 1))
    return sorted(found, key=lambda e: e.start)


def _frequency_word(entity) -> bool:
    """spaCy labels "annual" or "daily" DATE, but they never answer "when"."""
    return entity.label_ in ("DATE", "TIME") and len(entity) == 1 and entity[0].pos_ == "ADJ"


def typed_phrase(doc, span: Span, question: QuestionProfile) -> tuple[int, int] | None:
    """Inside ``span``, the entity of the asked-for type nearest the anchors, with the
    noun it counts or modifies ("over 2,000" -> "over 2,000 buildings"); None if none."""
    from bot.lexical import _stemmer

    stem = _stemmer().stemWord
    region = doc.char_span(span.start, span.end, alignment_mode="expand")
    if region is None or not question.labels:
        return None
    typed = [e for e in typed_entities(region, question)
             if any(not is_anchor(t, question.stems, stem) and not t.is_punct for t in e)]
    if question.wh == "how long":
        typed = [e for e in typed if DURATION_WORDS.search(e.text)]
    if not typed:
        return None
    anchors = [t.i for t in doc if is_anchor(t, question.stems, stem)] or [region.start]
    entity = min(typed, key=lambda e: min(min(abs(a - e.start), abs(a - e.end + 1)) for a in anchors))
    first, last = entity.start, entity.end
    for other in typed:  # "Saudi Arabia and Iran": entities joined by a conjunction count as one answer
        if other.start >= last and all(t.text in (",", "and", "or") or t.is_space for t in doc[last:other.start]):
            last = other.end
    head = entity.root.head
    if entity.root.dep_ in ("compound", "amod", "nummod", "quantmod", "npadvmod") and head.pos_ == "NOUN" \
            and head.i >= last and head.i - first < 8 \
            and (not is_anchor(head, question.stems, stem) or stem(head.lower_) == question.head):
        first, last = min(first, head.left_edge.i), head.i + 1
    return doc[first].idx, doc[last - 1].idx + len(doc[last - 1].text)
