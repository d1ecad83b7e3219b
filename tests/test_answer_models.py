"""The fitted answer models shipped in bot/answer/*.json match the features the code computes."""

from __future__ import annotations

import json
import re

import pytest

from bot.answer.answerability import SENTENCE_MODEL_PATH, answerability_features
from bot.answer.qtype import question_profile
from bot.answer.qa_model import WEIGHTS_PATH
from bot.answer.span import MODEL_PATH, candidates


def _weights(path, key="weights"):
    return json.loads(path.read_text(encoding="utf-8"))[key]


def test_shipped_models_say_what_they_were_trained_on():
    for path in (MODEL_PATH, SENTENCE_MODEL_PATH):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert "not in tests/data/squad_*_subset" in data["trained_on"]
        assert data["held_out_report"]["questions"] >= 50
    from safetensors import safe_open

    with safe_open(str(WEIGHTS_PATH), "pt") as reader:
        about = reader.metadata()
        names = set(reader.keys())
    assert "not in tests/data/squad_*_subset" in about["trained_on"]
    assert json.loads(about["held_out_report"])["questions"] > 100
    assert {"qa_head.weight", "qa_head.bias"} <= names
    layers = json.loads(about["layers"])
    shipped = {int(m.group(1)) for m in map(re.compile(r"\.layer\.(\d+)\.").search, names) if m}
    assert layers and shipped == set(layers)  # the fine-tuned layers, all of them, and no others


def test_phrase_features_of_a_real_sentence_are_known_to_the_phrase_model(nlp):
    weights = _weights(MODEL_PATH)
    question = "How long does the trip to Vladivostok take?"
    sentence = "The armored train needs about 20 hours to reach Vladivostok from the border."
    spans = candidates(nlp(sentence), question_profile(question, nlp))
    names = {name for span in spans for name in span.features}
    assert spans and {"near", "typed", "numeric", "constituent"} <= names
    known = names & set(weights)
    assert len(known) >= 0.9 * len(names), sorted(names - set(weights))


def test_answerability_features_are_known_to_the_answerability_model():
    weights = _weights(SENTENCE_MODEL_PATH, "answerable_weights")
    sentence = {"match": 0.5, "dense": 0.6, "lexical": 0.4, "phrase": 0.3, "typed": 1.0}
    features = answerability_features([sentence, {**sentence, "match": 0.4}], [1.0, 0.2])
    assert set(features) <= set(weights) | {"bias"}
    sentence_weights = _weights(SENTENCE_MODEL_PATH)
    assert {"match", "dense", "lexical", "rank", "phrase", "gap", "reader"} <= set(sentence_weights)
