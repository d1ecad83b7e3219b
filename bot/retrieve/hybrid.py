"""Hybrid retrieval: dense (Chroma) + BM25, fused by reciprocal rank, the best
``RERANK_POOL`` candidates then re-scored by their best-matching sentence.

``IndexReader`` opens the current generation read-only and re-opens when a
build switches ``CURRENT``, so a long-lived process (the web UI) answers from
the previous complete index until the new one is ready; the generation it
leaves is closed when the last search holding it is done (``generation``).
``hybrid_search``
returns typed ``Evidence``; ``bot.retrieve.langchain`` adapts it to LangChain.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import IndexCorruptError, RetrievalError
from bot.index.bm25 import Bm25Index
from bot.index.chroma import open_collection_for_reading
from bot.index.failures import chroma_failure
from bot.index.records import chroma_where, chunk_from_record
from bot.index.sentences import SentenceVectors
from bot.index.manifest import Manifest, read_current_manifest
from bot.index.store import unreadable
from bot.retrieve.generation import GenerationHold, OpenGeneration
from bot.retrieve.rerank import SentenceScorer
from bot.retrieve.scope import admits_nothing, scoped_filters
from bot.settings import Settings
from bot.text import sentence_spans
from bot.types import Chunk, Evidence, Filters, Query

if TYPE_CHECKING:
    from bot.models import Models

# A news story's lead sums it up (inverted pyramid): its first chunk gains this much (about a tenth of the spread of
# the candidates' scores). Set by hand on the seed article, where the lead answering "Who is Kim Jong Un expected to
# meet?" ranked 7th; chunks under a topic title (SQuAD's paragraphs) gain nothing.
LEAD_PRIOR = 0.15
RERANK_POOL = 12  # fused candidates re-scored sentence by sentence (their sentence vectors are stored)


@dataclass(frozen=True)
class Retrieval:
    """What retrieval hands the answerer: the evidence for one query, from one index generation."""

    query: Query
    evidence: tuple[Evidence, ...]
    generation: str  # the index generation searched, e.g. "gen-000003"
    scorer: SentenceScorer  # sentence/question matching with that generation's IDF table
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per stage, filled as the answer proceeds
    started: float = 0.0  # perf_counter() when retrieval began
    opened: OpenGeneration | None = None  # the generation searched, for reading more of it
    hold: GenerationHold | None = None  # keeps ``opened`` open until the answer is written

    def release(self) -> None:
        """The answer is written: the generation may be closed if a rebuild has replaced it."""
        if self.hold is not None:
            self.hold.release()

    def article_chunks(self, article_id: str) -> list[Chunk]:
        """Every chunk of one article, in article order (for a summary of it)."""
        if self.opened is None:
            return []
        got = self.opened.collection.get(where={"article_id": article_id}, include=["documents", "metadatas"])
        chunks = [chunk_from_record(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        return sorted(chunks, key=lambda c: c.start)


class IndexReader:
    """The current index generation, opened read-only; re-opened (thread-safely) when a build switches it."""

    def __init__(self, settings: Settings, models: Models):
        self.settings = settings
        self.models = models
        self._opening = threading.Lock()  # one refresh at a time
        self._switching = threading.Lock()  # taking a hold and switching generations exclude each other
        self._open: OpenGeneration | None = None
        self.refresh()

    def opened(self) -> OpenGeneration:
        """The generation answering now (use ``holding`` to keep it open while reading it)."""
        return self._open

    def hold(self) -> tuple[OpenGeneration, GenerationHold]:
        """The generation answering now, held open until the hold is released."""
        with self._switching:
            opened = self._open
            return opened, opened.hold()

    @contextmanager
    def holding(self) -> Iterator[OpenGeneration]:
        opened, hold = self.hold()
        try:
            yield opened
        finally:
            hold.release()

    @property
    def generation(self) -> Path:
        return self._open.generation

    @property
    def manifest(self) -> Manifest:
        return self._open.manifest

    @property
    def bm25(self) -> Bm25Index:
        return self._open.bm25

    @property
    def embedder(self):
        return self.models.query_embedder

    def refresh(self) -> None:
        generation, manifest = read_current_manifest(self.settings)
        if self._open is not None and generation == self._open.generation:
            return
        with self._opening:
            if self._open is not None and generation == self._open.generation:
                return
            collection = open_collection_for_reading(self.settings, generation, manifest)
            try:
                bm25 = Bm25Index.load(generation)
                stored = SentenceVectors.load(generation)
            except Exception as exc:
                collection.close()
                raise IndexCorruptError(unreadable(self.settings.index.dir)) from exc
            scorer = SentenceScorer(self.models.query_embedder, bm25.idf(), bm25.default_idf(), stored)
            with self._switching:
                previous, self._open = self._open, OpenGeneration(generation, manifest, collection, bm25, scorer)
            if previous is not None:
                previous.retire()

    def close(self) -> None:
        """Close the generation answering now, once no search holds it (the reader is done)."""
        if self._open is not None:
            self._open.retire()

    def warm_up(self) -> None:
        self.embedder.embed_query("warm up")

    def search(self, query: Query) -> Retrieval:
        """The ``query.k`` best chunks for the standalone question, within its filters and the time it
        names (see ``bot.retrieve.scope``). The ``Retrieval`` holds its generation open: ``release()``
        it when its answer is written (dropping it does too)."""
        started = time.perf_counter()
        opened, hold = self.hold()
        try:
            timings: dict[str, float] = {}
            filters = scoped_filters(query, opened.manifest.articles)
            evidence = [] if admits_nothing(filters) else hybrid_search(self, query.standalone, query.k, filters,
                                                                        timings, opened)
        except BaseException:
            hold.release()
            raise
        timings["retrieve_ms"] = (time.perf_counter() - started) * 1000
        return Retrieval(query, tuple(evidence), opened.generation.name, opened.scorer, timings, started, opened, hold)

    def dense(self, vector: list[float], n: int, filters: Filters, opened: OpenGeneration | None = None
              ) -> list[tuple[Chunk, float]]:
        opened = opened or self._open
        n = min(n, opened.manifest.chunk_count)
        if n <= 0:
            return []
        try:
            got = opened.collection.query(
                query_embeddings=[vector], n_results=n, where=chroma_where(filters),
                include=["documents", "metadatas", "distances"],
            )
        except Exception as exc:
            raise chroma_failure(self.settings, exc) or RetrievalError(f"dense search failed: {exc}".splitlines()[0]) from exc
        return [
            (chunk_from_record(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])
        ]

    def lexical(self, query: str, n: int, filters: Filters, opened: OpenGeneration | None = None
                ) -> list[tuple[Chunk, float]]:
        opened = opened or self._open
        hits = opened.bm25.search(query, n * 5 if filters.active else n)
        chunks = self.fetch([chunk_id for chunk_id, _ in hits], opened)
        out = [(chunks[i], s) for i, s in hits if i in chunks and filters.accepts(chunks[i])]
        return out[:n]

    def fetch(self, ids: list[str], opened: OpenGeneration | None = None) -> dict[str, Chunk]:
        if not ids:
            return {}
        try:
            got = (opened or self._open).collection.get(ids=ids, include=["documents", "metadatas"])
        except Exception as exc:
            raise chroma_failure(self.settings, exc) or RetrievalError(f"fetching chunks failed: {exc}".splitlines()[0]) from exc
        return {i: chunk_from_record(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}


def hybrid_search(reader: IndexReader, question: str, k: int, filters: Filters, timings: dict | None = None,
                  opened: OpenGeneration | None = None) -> list[Evidence]:
    """Top-``k`` chunks: dense and BM25 candidates fused by reciprocal rank, then
    the best few re-scored by their best sentence (see ``rerank``)."""
    if opened is None:
        with reader.holding() as held:
            return hybrid_search(reader, question, k, filters, timings, held)
    settings = reader.settings.retrieval
    t0 = time.perf_counter()
    vector = reader.embedder.embed_query(question)
    t1 = time.perf_counter()
    dense = reader.dense(vector, settings.candidates, filters, opened)
    t2 = time.perf_counter()
    lexical = reader.lexical(question, settings.candidates, filters, opened)
    t3 = time.perf_counter()
    pool = fuse(dense, lexical, settings.rrf_k)[: max(k, RERANK_POOL)]
    t_fused = time.perf_counter()
    scored = rerank(opened.scorer, question, pool)
    t4 = time.perf_counter()
    if timings is not None:
        timings.update(embed_ms=(t1 - t0) * 1000, dense_ms=(t2 - t1) * 1000, bm25_ms=(t3 - t2) * 1000,
                       fuse_ms=(t_fused - t3) * 1000, rescore_ms=(t4 - t_fused) * 1000, rerank_ms=(t4 - t3) * 1000)
    return [
        Evidence(chunk=e["chunk"], score=score, dense_rank=e["dense"][0] if e["dense"] else None,
                 bm25_rank=e["bm25"][0] if e["bm25"] else None)
        for score, e in scored[:k]
    ]


def fuse(dense: list[tuple[Chunk, float]], lexical: list[tuple[Chunk, float]], rrf_k: int) -> list[dict[str, Any]]:
    """Reciprocal rank fusion of the two lists, best first: one entry per chunk with its
    fused score and its (rank, score) in each list (None where it is missing)."""
    fused: dict[str, dict[str, Any]] = {}
    for name, hits in (("dense", dense), ("bm25", lexical)):
        for rank, (chunk, score) in enumerate(hits):
            entry = fused.setdefault(chunk.id, {"chunk": chunk, "rrf": 0.0, "dense": None, "bm25": None})
            entry["rrf"] += 1.0 / (rrf_k + rank + 1)
            entry[name] = (rank, score)
    return sorted(fused.values(), key=lambda e: -e["rrf"])


def rerank(scorer, question: str, pool: list[dict[str, Any]]) -> list[tuple[float, dict[str, Any]]]:
    """Candidates by chunk cosine + 0.3 x BM25 (relative to the best) + best sentence match.

    Candidates are the fused lists' union; a chunk missing from the dense list
    gets the lowest dense score seen, one missing from BM25 gets nothing.
    """
    if not pool:
        return []
    dense_floor = min((e["dense"][1] for e in pool if e["dense"]), default=0.0)
    bm25_top = max((e["bm25"][1] for e in pool if e["bm25"]), default=0.0) or 1.0
    spans = [[e["chunk"].text[a:b] for a, b in sentence_spans(e["chunk"].text)] for e in pool]
    matches = scorer.match(question, [s for sentences in spans for s in sentences], [e["chunk"].text for e in pool])
    scored, offset = [], 0
    for entry, sentences in zip(pool, spans):
        own, offset = matches[offset: offset + len(sentences)], offset + len(sentences)
        best = max((m.score for m in own if m.novel), default=0.0)  # a title line repeating the question scores nothing
        dense_score = entry["dense"][1] if entry["dense"] else dense_floor
        bm25_score = entry["bm25"][1] / bm25_top if entry["bm25"] else 0.0
        lead = LEAD_PRIOR if entry["chunk"].opens_story else 0.0
        scored.append((dense_score + 0.3 * bm25_score + best + lead, entry))
    scored.sort(key=lambda pair: -pair[0])
    return scored
