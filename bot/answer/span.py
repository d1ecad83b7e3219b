"""The short answer inside a sentence.

A question and the sentence that answers it share words (the anchors); the
answer is what the sentence adds. Candidates are the sentence's constituents
(each word's subtree in spaCy's parse, its noun phrases, named entities) and
the runs of words between anchors, cut at commas; nothing longer than a short
clause. Each candidate is scored in log-odds by a logistic model over
features of the candidate, the question and the parse: the answer type asked
for (spaCy NER labels, see qtype.py), the noun asked about ("which forum"),
cue words ("why" wants a reason), distance to the anchors, the grammatical
role of the phrase and the words around it. The weights live in
``span_model.json``, fitted by ``scripts/fit_span_model.py`` on SQuAD v1.1 dev
articles other than the ones ``bot eval`` is measured on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.answer.qtype import CONTEXT, DURATION_WORDS, ROLES, QuestionProfile
from bot.text import stem

MAX_WORDS = 12  # a candidate longer than this is penalised; one 4 words longer is dropped
_REASON = re.compile(r"\b(?:because|due to|owing to|since|so that|in order|in response|as a result|result of|"
                     r"caused by|thanks to|for fear|to avoid|to prevent|to protect|to ensure|to allow|to make)\b", re.I)
_MEANS = re.compile(r"\b(?:by|through|via|using|with|thanks to|means of)\b", re.I)
_BRACKETED = re.compile(r"\[[^\]]*\]")
_FUNCTION_POS = frozenset({"DET", "ADP", "AUX", "CCONJ", "SCONJ", "PART", "PRON"})
MODEL_PATH = Path(__file__).with_name("span_model.json")


@dataclass(frozen=True)
class Span:
    start: int  # character offsets into the sentence
    end: int
    text: str
    score: float
    features: dict | None = None


@lru_cache(maxsize=8)
def load_weights(path: Path = MODEL_PATH, key: str = "weights") -> dict[str, float]:
    """A fitted model's weights, shipped beside the code (see scripts/fit_*_model.py)."""
    return json.loads(path.read_text(encoding="utf-8"))[key]


def log_odds(weights: dict[str, float], features: dict[str, float]) -> float:
    """A fitted logistic model's score of one row of features (unknown features weigh nothing)."""
    return sum(weights.get(name, 0.0) * value for name, value in features.items())


def is_anchor(token, stems: frozenset[str], stem) -> bool:
    return not token.is_stop and not token.is_punct and stem(token.lower_) in stems


def candidates(doc, question: QuestionProfile, weights: dict[str, float] | None = None) -> list[Span]:
    """Every candidate answer phrase of ``doc`` with its score; [] when the sentence shares no word with the question."""
    weights = load_weights() if weights is None else weights
    anchors = [i for i, t in enumerate(doc) if is_anchor(t, question.stems, stem)]
    if not anchors:
        return []
    out = []
    for first, last in sorted(_bounds(doc, anchors, question, stem)):
        f = features(doc, first, last, anchors, question, stem)
        if f is None:
            continue
        score = log_odds(weights, f)
        span = doc[first:last]
        out.append(Span(span.start_char - doc[0].idx, span.end_char - doc[0].idx, span.text, score, f))
    return out


def _bounds(doc, anchors: list[int], question: QuestionProfile, stem) -> set[tuple[int, int]]:
    is_anchor_at = set(anchors)
    pieces: list[tuple[int, int]] = []
    run: list[int] = []
    for token in doc:  # the runs of words between anchors
        if token.i in is_anchor_at:
            pieces.extend(_runs(run))
            run = []
        else:
            run.append(token.i)
    pieces.extend(_runs(run))
    for token in doc:  # constituents: a word with everything it governs, or with its modifiers only
        pieces.append((token.left_edge.i, token.right_edge.i + 1))
        pieces.append((token.left_edge.i, token.i + 1))
    pieces.extend((e.start, e.end) for e in doc.ents)
    pieces.extend((c.start, c.end) for c in doc.noun_chunks)
    for first, last in list(pieces):
        if _words(doc, first, last) > 2:  # "The embargo had a" holds the answer "The embargo"
            pieces.extend(_parts(doc, first, last))
    out = set()
    for first, last in pieces:
        first, last = _trim(doc, first, last)
        if last > first and _words(doc, first, last) <= MAX_WORDS + 4:  # a whole clause is no short answer
            out.add((first, last))
    return out


def _runs(indices: list[int]) -> list[tuple[int, int]]:
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
    """Clause-sized pieces of a run, split at commas, semicolons and dashes."""
    parts, cut = [], first
    for token in doc[first:last]:
        if token.text in {",", ";", ":", "--", "\u2013", "\u2014", "("} and token.i > cut:
            parts.append((cut, token.i))
            cut = token.i + 1
    parts.append((cut, last))
    return parts


def features(doc, first: int, last: int, anchors: list[int], question: QuestionProfile, stem) -> dict[str, float] | None:
    """What speaks for the span doc[first:last] being the answer; None when it cannot be."""
    span = doc[first:last]
    content = [t for t in span if not t.is_stop and not t.is_punct]
    novel = [t for t in content if stem(t.lower_) not in question.stems]
    if not novel:
        return None
    wh = question.wh or "none"
    f: dict[str, float] = {"bias": 1.0}
    if question.labels:
        typed = [e for e in typed_entities(span, question) if any(t in novel for t in e)]
        if question.wh == "how long":  # a duration, not just any date
            typed = [e for e in typed if DURATION_WORDS.search(e.text)]
        f["typed" if typed else "untyped"] = 1.0
        if typed and typed[0].start == first and typed[-1].end == last:
            f["typed_exact"] = 1.0
        if question.wh in ("how long", "how many", "how much") and any(t.like_num for e in typed for t in e):
            f["numeric"] = 1.0  # "20 hours" answers "how long" better than "a day"
    if question.head and any(stem(t.lower_) == question.head for t in span):
        f["head"] = 1.0
    if (question.wh == "why" and _REASON.search(span.text)) or (question.wh == "how" and _MEANS.search(span.text)):
        f["cue"] = 1.0
    anchor_set = set(anchors)
    distance = min(min(abs(a - first), abs(a - (last - 1))) for a in anchors)
    f["near"] = 1.0 / (1 + distance)
    f["after"] = float(first > anchors[-1])
    f["before"] = float(last <= anchors[0])
    f["n_near"] = float(sum(1 for a in anchors if first - 3 <= a < last + 3))
    f["has_anchor"] = float(any(first <= a < last for a in anchors))
    root = span.root
    f["attached"] = float(root.head.i in anchor_set or root.head.head.i in anchor_set)
    f["constituent"] = float(root.left_edge.i == first and root.right_edge.i + 1 == last)
    words = _words(doc, first, last)
    f["words"] = float(words)
    f["long"] = float(max(0, words - MAX_WORDS))
    f[f"words={min(words, 6)}"] = 1.0
    f[f"{wh}|words={min(words, 6)}"] = 1.0
    f["weak"] = float(len(content) == 1 and content[0].pos_ not in ("PROPN", "NOUN", "NUM"))
    f["bracketed"] = float(bool(_BRACKETED.fullmatch(span.text)))
    entity = next((e for e in doc.ents if e.start == first and e.end == last), None)
    f["entity"] = float(entity is not None)
    if entity is not None:
        f[f"{wh}|ent={entity.label_}"] = 1.0
    f["propn"] = float(any(t.pos_ in ("PROPN", "NUM") for t in novel))
    f["starts_adp"] = float(doc[first].pos_ == "ADP")
    f["verb"] = float(any(t.pos_ == "VERB" for t in span))
    f["novel_share"] = len(novel) / len(content)
    f[f"first={doc[first].pos_}"] = 1.0
    f[f"last={doc[last - 1].pos_}"] = 1.0
    f["ends_function_word"] = float(doc[last - 1].pos_ in _FUNCTION_POS)
    f[f"root={root.dep_}"] = 1.0
    f[f"{wh}|root={root.dep_}"] = 1.0
    f[f"{wh}|root_pos={root.pos_}"] = 1.0
    f[f"head_dep={root.head.dep_}"] = 1.0
    role = ROLES.get(root.dep_, root.dep_)
    f[f"role={question.role}>{role}"] = 1.0  # the answer plays the wh-phrase's part
    if f["attached"]:
        f[f"attached_role={question.role}>{role}"] = 1.0
    if question.governor and stem(root.head.lower_) == question.governor:
        f["same_governor"] = 1.0
        f[f"same_governor_role={question.role}>{role}"] = 1.0
    if first > 0:
        f[f"prev={_word_class(doc[first - 1])}"] = 1.0
    if last < len(doc):
        f[f"next={_word_class(doc[last])}"] = 1.0
    if question.left or question.right:
        left = {stem(t.lower_) for t in doc[max(0, first - CONTEXT): first] if not t.is_stop and not t.is_punct}
        right = {stem(t.lower_) for t in doc[last: last + CONTEXT] if not t.is_stop and not t.is_punct}
        f["context"] = float(len(question.left & left) + len(question.right & right))
        f["context_swapped"] = float(len(question.left & right) + len(question.right & left))
    return f


def _word_class(token) -> str:
    """A neighbour word as a feature: function words themselves ("of", "by"), others by part of speech."""
    return token.lower_ if token.is_stop or token.is_punct else token.pos_


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

