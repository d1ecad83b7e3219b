"""How well each sentence matches a question: the signal shared by the
second-stage chunk re-ranking (bot/retrieve/hybrid.py) and the answerer's sentence
choice (bot/answer/extractive.py).

A sentence scores by the mean of its embedding's cosine with the question and
the IDF-weighted share of the question's terms it contains. A chunk is as good
as its best sentence: a question is usually answered by one sentence, and a
chunk-level vector or BM25 score dilutes that sentence with its neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    def __init__(self, embedder, idf: dict[str, float], unknown_idf: float):
        self.embedder = embedder
        self.idf = idf
        self.unknown_idf = unknown_idf

    def weight(self, words: frozenset[str]) -> float:
        return sum(self.idf.get(t, self.unknown_idf) for t in words)

    def match(self, question: str, sentences: list[str]) -> list[SentenceMatch]:
        if not sentences:
            return []
        vectors = self.embedder.embed_documents([question, *sentences])
        q_vec, q_terms = vectors[0], terms(question)
        q_weight = self.weight(q_terms) or 1.0
        out = []
        for text, vec in zip(sentences, vectors[1:]):
            s_terms = terms(text)
            out.append(SentenceMatch(
                dense=float(sum(a * b for a, b in zip(q_vec, vec))),
                lexical=self.weight(q_terms & s_terms) / q_weight,
                novel=bool(s_terms - q_terms),
            ))
        return out
