"""How well each sentence matches a question: the signal shared by the
second-stage chunk re-ranking (bot/retrieve/hybrid.py) and the answerer's sentence
choice (bot/answer/extractive.py).

A sentence scores by the mean of its embedding's cosine with the question and
the IDF-weighted share of the question's terms it contains. A chunk is as good
as its best sentence: a question is usually answered by one sentence, and a
chunk-level vector or BM25 score dilutes that sentence with its neighbours.
Sentence vectors are looked up in the index (``bot.index.sentences``, stored
when the chunk was indexed); only a sentence the index lacks is embedded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bot.text import terms


@dataclass(frozen=True)
class SentenceMatch:
    dense: float  # cosine of the sentence and question embeddings
    lexical: float  # IDF-weighted share of the question's terms present in the sentence
    novel: bool  # has a content term the question lacks: otherwise it cannot answer it

    @property
    def score(self) -> float:
        return 0.5 * self.dense + 0.5 * self.lexical


class SentenceScorer:
    """Thread-safe: it holds read-only tables; the embedder it falls back on is itself thread-safe."""

    def __init__(self, embedder, idf: dict[str, float], unknown_idf: float, stored=None):
        self.embedder = embedder
        self.idf = idf
        self.unknown_idf = unknown_idf
        self.stored = stored  # bot.index.sentences.SentenceVectors of the generation, or None

    def vectors(self, sentences: list[str], chunks: Iterable[str] = ()) -> np.ndarray:
        """A row per sentence: stored with one of ``chunks`` (the chunk texts they come from), else embedded."""
        from bot.index.sentences import chunk_sentences

        known: dict[str, np.ndarray] = {}
        if self.stored is not None:
            wanted = set(sentences)
            for chunk in dict.fromkeys(chunks):
                rows = self.stored.for_chunk(chunk)
                if rows is not None:
                    known.update((s, v) for s, v in zip(chunk_sentences(chunk), rows) if s in wanted)
        missing = [s for s in dict.fromkeys(sentences) if s not in known]
        if missing:
            known.update(zip(missing, np.asarray(self.embedder.embed_documents(missing), dtype=np.float32)))
        return np.stack([known[s] for s in sentences])

    def weight(self, words: frozenset[str]) -> float:
        return sum(self.idf.get(t, self.unknown_idf) for t in words)

    def match(self, question: str, sentences: list[str], chunks: Iterable[str] = ()) -> list[SentenceMatch]:
        """How well each sentence matches the question; ``chunks`` are the texts the sentences were cut
        from, where their stored vectors are found."""
        if not sentences:
            return []
        q_vec = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        dense = self.vectors(sentences, chunks) @ q_vec
        q_terms = terms(question)
        q_weight = self.weight(q_terms) or 1.0
        out = []
        for text, cosine in zip(sentences, dense):
            s_terms = terms(text)
            out.append(SentenceMatch(
                dense=float(cosine),
                lexical=self.weight(q_terms & s_terms) / q_weight,
                novel=bool(s_terms - q_terms),
            ))
        return out
