"""Question in, ``Answer`` out: the LangChain chain every front end calls.

``Engine`` holds what an answer needs (settings, the index reader, the
answerer), built lazily and never global: a process makes one and passes it
to the CLI, the web UI or the evaluator. The chain is composed from
``langchain_core`` runnables: validate -> retrieve (a ``BaseRetriever``) ->
answer. The answerer sits behind the ``Answerer`` protocol so LLM backends can
plug in at the same seam.
"""

from __future__ import annotations

import time
import unicodedata
from typing import Protocol

from bot.errors import QuestionError
from bot.settings import Settings
from bot.types import Answer, Evidence, Filters


class Answerer(Protocol):
    def answer(self, question: str, standalone: str, evidence: list[Evidence], timings: dict) -> Answer: ...


def clean_question(text: str, max_chars: int) -> str:
    """Control characters become spaces; empty and oversized questions are refused."""
    if text is None:
        raise QuestionError("empty question: ask something about the articles")
    if len(text) > max_chars:
        raise QuestionError(f"question too long ({len(text)} characters; the limit is {max_chars})")
    cleaned = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise QuestionError("empty question: ask something about the articles")
    return cleaned


class Engine:
    def __init__(self, settings: Settings, reader=None, answerer: Answerer | None = None, embedder=None):
        self.settings = settings
        self._embedder = embedder  # a shared, already loaded embedder (tests, the evaluator)
        self._reader = reader
        self._answerer = answerer
        self._answerer_generation = None

    @property
    def reader(self):
        if self._reader is None:
            from bot.embeddings import CachedEmbeddings, load_embedder
            from bot.retrieve.hybrid import IndexReader

            reader = IndexReader(self.settings)  # opens (and checks) the index before the slow model load
            reader._embedder = CachedEmbeddings(self._embedder or load_embedder(self.settings))
            self._reader = reader
        return self._reader

    @property
    def answerer(self) -> Answerer:
        reader = self.reader
        if self._answerer is None or self._answerer_generation != reader.generation:
            if self._answerer is None or hasattr(self._answerer, "idf"):
                from bot.answer.extractive import ExtractiveAnswerer

                self._answerer = ExtractiveAnswerer(
                    self.settings, reader.embedder, reader.bm25.idf(), reader.bm25.default_idf()
                )
            self._answerer_generation = reader.generation
        return self._answerer

    def warm_up(self) -> None:
        """Load the models now rather than on the first question."""
        self.answerer.nlp  # noqa: B018 - the property loads spaCy
        getattr(self.answerer, "reader", None)  # and the reading model
        self.reader.embedder.embed_query("warm up")

    def chain(self):
        from langchain_core.runnables import RunnableLambda

        return RunnableLambda(self._prepare) | RunnableLambda(self._retrieve) | RunnableLambda(self._answer)

    def ask(self, question: str, standalone: str | None = None, filters: Filters | None = None, k: int | None = None) -> Answer:
        return self.chain().invoke(
            {"question": question, "standalone_question": standalone, "filters": filters or Filters(), "k": k}
        )

    def _prepare(self, state: dict) -> dict:
        limit = self.settings.answer.max_question_chars
        question = clean_question(state["question"], limit)
        standalone = clean_question(state.get("standalone_question") or question, limit * 2)
        self.reader.refresh()  # a finished rebuild is picked up here, between questions
        return {**state, "question": question, "standalone_question": standalone, "timings": {}, "t0": time.perf_counter()}

    def _retrieve(self, state: dict) -> dict:
        from bot.retrieve.langchain import HybridRetriever, document_to_evidence

        k = state.get("k") or self.settings.retrieval.k
        retriever = HybridRetriever(reader=self.reader, k=k, filters=state["filters"], timings=state["timings"])
        started = time.perf_counter()
        documents = retriever.invoke(state["standalone_question"])
        state["timings"]["retrieve_ms"] = (time.perf_counter() - started) * 1000
        return {**state, "evidence": [document_to_evidence(d) for d in documents]}

    def _answer(self, state: dict) -> Answer:
        answer = self.answerer.answer(state["question"], state["standalone_question"], state["evidence"], state["timings"])
        answer.timings_ms["total_ms"] = (time.perf_counter() - state["t0"]) * 1000
        return answer
