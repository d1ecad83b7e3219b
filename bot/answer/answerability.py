"""Do the retrieved articles answer the question at all? The answerability model, and the answer-form check.

A logistic model (``answerable_weights`` in ``sentence_model.json``, fitted by
scripts/fit_sentence_model.py) reads features of the best parsed sentences and gives the
probability that they answer; below ``answer.refusal_threshold`` the answerer refuses. Then a
question that says what form its answer takes ("how much did it cost", "how fast", "what is
the name of", "which company", "how many") is refused when the chosen answer lacks that form
and no close runner-up has it (``bot.answer.answer_type``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

from bot.answer.span import load_weights, log_odds

SENTENCE_MODEL_PATH = Path(__file__).with_name("sentence_model.json")
# Set by hand: a runner-up whose answer has the asked-for form replaces a best sentence whose answer
# lacks it only when this close (the sentence model's log-odds with the priors).
FORM_MARGIN = 1.0
# Set by hand: how far down the pool (best first) a sentence that states the question's own relation may be to answer
# a question the model would refuse ("When did North Korea close its borders?": "The decision to close the borders
# of his beloved land in the early months of 2020 ..." names no country, and the model reads it as no answer).
STATED_DEPTH = 3
_NEGATED = re.compile(r"\b(?:not|never|no)\b|n['’]t\b", re.I)


def answerability_features(features: list[dict], scores: list[float]) -> dict[str, float]:
    """What the parsed sentences, best first, say about whether the articles answer at all."""
    top = features[0]
    return {
        "bias": 1.0, "top_score": scores[0], "top_match": top["match"], "top_phrase": top.get("phrase", 0.0),
        "match": max(f["match"] for f in features), "dense": max(f["dense"] for f in features),
        "lexical": max(f["lexical"] for f in features), "runner_up_gap": scores[0] - scores[1] if len(scores) > 1 else 5.0,
        "typed": top.get("typed", 0.0) + top.get("typed_numeric", 0.0),
        "untyped": top.get("untyped", 0.0) + top.get("untyped_numeric", 0.0), "no_phrase": top.get("no_phrase", 0.0),
        "top_reader": top.get("reader", 0.0), "reader": max(f.get("reader", 0.0) for f in features),
        "top_reader_untyped": top.get("reader_untyped", 0.0), "top_head_absent": top.get("head_absent", 0.0),
        "top_predicate": top.get("predicate", 0.0),
    }


def answerable_probability(features: list[dict], scores: list[float]) -> float:
    weights = load_weights(SENTENCE_MODEL_PATH, "answerable_weights")
    logodds = log_odds(weights, answerability_features(features, scores))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, logodds))))


def with_the_asked_form(pool: list) -> list | None:
    """``pool`` (best first, each with ``.fits`` and ``.score``) with the best sentence whose answer has
    the form the question asks for first; None (refuse) when no sentence close to the best has it."""
    best = pool[0]
    if best.fits:
        return pool
    fitting = [s for s in pool[1:] if s.fits and s.score >= best.score - FORM_MARGIN]
    if not fitting:
        return None
    return [fitting[0]] + [s for s in pool if s is not fitting[0]]


def answering_pool(pool: list, threshold: float, question: str, names: Callable[[], frozenset],
                   evidence: list) -> tuple[list | None, float]:
    """The sentences to answer from, best first, and the confidence that they answer; None (refuse) when the
    answerability model is below ``threshold`` and no sentence states what is asked, or when no sentence close to the
    best has the asked form. ``names``: the question's names (``echo.question_names``) and ``evidence`` (what was
    retrieved) are read only then."""
    by_model = sorted(pool, key=lambda s: -s.fitted)  # as the answerability model was fitted: no priors
    confidence = answerable_probability([s.features for s in by_model], [s.fitted for s in by_model])
    if confidence >= threshold:
        return with_the_asked_form(pool), confidence
    stated = stated_answer(pool, question, names(), retrieved_by_article(evidence))
    if stated is None:
        return None, confidence
    return [stated] + [s for s in pool if s is not stated], threshold


def stated_answer(pool: list, question: str, names: frozenset, retrieved: dict[str, str]):
    """A sentence near the top of ``pool`` that states the question's own relation (its verb with one of that verb's
    nouns: the ``predicate`` feature) with an answer of the asked kind, or that puts describing words on what "How
    does the writer describe X?" asks about (``described``), in an article whose retrieved text names every name the
    question gives (runs of lower-case words); None for a negated question ("When was he not appointed?")."""
    if _NEGATED.search(question):
        return None
    for sentence in pool[:STATED_DEPTH]:
        typed = sentence.features.get("typed") or sentence.features.get("typed_numeric")
        passage = retrieved.get(sentence.evidence.chunk.article_id, "")
        states = (sentence.features.get("predicate") and sentence.fits and typed) or sentence.described
        if states and all(" ".join(name) in passage for name in names):
            return sentence
    return None


def retrieved_by_article(evidence: list) -> dict[str, str]:
    """Each article's retrieved chunks (``Evidence``), joined and lower-cased."""
    out: dict[str, str] = {}
    for ev in evidence:
        out[ev.chunk.article_id] = out.get(ev.chunk.article_id, "") + "\n" + ev.chunk.text.lower()
    return out
