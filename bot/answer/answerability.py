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
from pathlib import Path

from bot.answer.span import load_weights, log_odds

SENTENCE_MODEL_PATH = Path(__file__).with_name("sentence_model.json")
# Set by hand: a runner-up whose answer has the asked-for form replaces a best sentence whose answer
# lacks it only when this close (the sentence model's log-odds with the priors).
FORM_MARGIN = 1.0


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
