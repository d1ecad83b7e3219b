"""The ONNX models on the answer path compute what their torch originals compute.

The embedder and the QA span model run on onnxruntime, from a graph built out
of the shipped weights (``bot.onnx_bert``); sentence-transformers and the torch
reader are the references.
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.embeddings import model_path
from bot.settings import DEFAULT_EMBEDDER
from conftest import SQUAD_V1

pytestmark = pytest.mark.slow

TEXTS = [
    "Who won Super Bowl 50?",
    "The Denver Broncos defeated the Carolina Panthers 24–10 to earn their third Super Bowl title. " * 8,  # cut at 256
    "Résumé: naïve café, 北京, emoji 🙂 and tabs\tinside.",
    "x",
]


@pytest.fixture(scope="module")
def passages() -> list[str]:
    return [p.read_text(encoding="utf-8")[:1500] for p in sorted((SQUAD_V1 / "corpus").glob("*.txt"))[:6]]


def test_onnx_embedder_gives_sentence_transformers_vectors(embedder):
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(model_path(DEFAULT_EMBEDDER)), device="cpu")
    expected = reference.encode(TEXTS, normalize_embeddings=True)
    got = np.array(embedder.embed_documents(TEXTS))
    assert type(embedder).__name__ == "OnnxEmbedder"
    assert got.shape == expected.shape
    assert np.min(np.sum(got * expected, axis=1)) > 0.99999
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_a_text_embeds_the_same_alone_and_in_a_padded_batch(embedder):
    alone = np.array([embedder.embed_query(t) for t in TEXTS])
    batched = np.array(embedder.embed_documents(TEXTS))
    assert np.abs(alone - batched).max() < 1e-5


def test_onnx_reader_gives_the_torch_readers_logits_and_spans(models, passages):
    from bot.answer.qa_torch import TorchQAModel

    reference = TorchQAModel.load()
    for question in ("Who led the Mongols?", "When did the oil crisis start?", "How many people live in Jacksonville?"):
        got = models.qa_model.read_passages(question, passages)
        expected = reference.read_passages(question, passages)
        for a, b in zip(got, expected):
            assert a.offsets == b.offsets
            assert np.abs(a.start_logits - b.start_logits).max() < 1e-3
            assert np.abs(a.end_logits - b.end_logits).max() < 1e-3
            assert a.span(coverage=0.5).text == b.span(coverage=0.5).text
            assert a.span().text == b.span().text


def test_a_long_question_is_cut_so_the_passage_still_fits(models, passages):
    question = "Which " + "very " * 200 + "important ruler led the Mongols?"
    (passage,) = models.qa_model.read_passages(question, passages[:1])
    assert passage.offsets and passage.offsets[-1][1] > len(passages[0]) * 0.5


def test_bot_ask_imports_neither_torch_nor_gradio(seed_settings):
    import json
    import os
    import subprocess
    import sys

    probe = (
        "import sys, runpy\n"
        "sys.argv = ['bot', 'ask', 'How long did the trip to Vladivostok take?', '--json']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = ('torch', 'sentence_transformers', 'transformers', 'gradio')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_CORPUS__DIR=str(seed_settings.corpus.dir), BOT_INDEX__DIR=str(seed_settings.index.dir))
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=600)
    answer_line, modules_line = done.stdout.strip().splitlines()[-2:]
    assert json.loads(answer_line)["answerable"], done.stderr
    assert modules_line == "[]"
