"""An extractive summary of one article: its few most central sentences, each with exact offsets.

Centrality is LexRank-style: sentences are nodes, cosine similarities of their vectors the edge
weights, and a PageRank walk over them scores each sentence by how much of the article it
echoes. News puts the news first, so the walk's restarts favour early sentences (a biased,
"personalised" PageRank, as in PositionRank) instead of a flat lead bonus. The picks skip a
sentence too similar to one already taken, and come back in article order.

The vectors are the caller's: the embedder's sentence vectors, or ``tfidf_vectors`` (no model).
``bench/bench_summary.py`` compares the two against hand-written reference summaries.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answer.shape import dateline_end
from bot.text import paragraph_spans, sentence_spans, tokenize

MIN_WORDS = 6  # shorter spans are headings, captions, bylines
_HEADER_LINE = re.compile(r"^[A-Z][\w ]{0,24}:\s")  # "Source: ...", "Published: ..."
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")


@dataclass(frozen=True)
class SummarySentence:
    start: int
    end: int
    text: str  # == article text[start:end]
    score: float  # centrality, higher is more central
    position: int  # index among the candidate sentences (0 = the first)


def summary_candidates(text: str) -> list[tuple[int, int]]:
    """Sentences a summary may quote: whole sentences of the body, without headings, header lines
    ("Published: ..."), or a leading wire dateline."""
    spans = []
    for p_start, p_end in paragraph_spans(text):
        for start, end in sentence_spans(text, p_start, p_end):
            sentence = text[start:end]
            if _HEADER_LINE.match(sentence) or not _SENTENCE_END.search(sentence):
                continue
            start += dateline_end(sentence)
            if len(text[start:end].split()) >= MIN_WORDS:
                spans.append((start, end))
    return spans


def tfidf_vectors(sentences: Sequence[str]) -> list[dict[str, float]]:
    """Sparse, L2-normalised TF-IDF vectors over stemmed content words; the IDF is the article's own."""
    tokens = tokenize(list(sentences))
    df = Counter(term for words in tokens for term in set(words))
    n = len(tokens)
    vectors = []
    for words in tokens:
        weights = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in Counter(words).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    return vectors


def summarize(text: str, k: int = 3, spans: Sequence[tuple[int, int]] | None = None, vectors=None,
              lead_weight: float = 0.5, damping: float = 0.85, max_similarity: float = 0.6) -> list[SummarySentence]:
    """The ``k`` most central of ``spans`` (default ``summary_candidates(text)``), in article order.

    ``vectors``: one per span, dense (any sequence of floats, e.g. the embedder's) or sparse
    (``tfidf_vectors``' dicts); default TF-IDF. ``lead_weight`` in [0, 1] is the share of the walk's
    restarts given to early sentences (weight 1/(position+1)) rather than spread evenly.
    """
    spans = list(summary_candidates(text) if spans is None else spans)
    if not spans or k <= 0:
        return []
    if vectors is None:
        vectors = tfidf_vectors([text[a:b] for a, b in spans])
    if len(vectors) != len(spans):
        raise ValueError(f"{len(vectors)} vectors for {len(spans)} sentences")
    similarity = _similarities(vectors)
    scores = _centrality(similarity, lead_weight, damping)
    chosen: list[int] = []
    for i in sorted(range(len(spans)), key=lambda i: (-scores[i], i)):
        if all(similarity[i][j] <= max_similarity for j in chosen):
            chosen.append(i)
        if len(chosen) == k:
            break
    return [SummarySentence(spans[i][0], spans[i][1], text[spans[i][0]:spans[i][1]], scores[i], i) for i in sorted(chosen)]


def _similarities(vectors) -> list[list[float]]:
    if vectors and isinstance(vectors[0], dict):
        def dot(a, b):
            if len(a) > len(b):
                a, b = b, a
            return sum(w * b.get(t, 0.0) for t, w in a.items())
        unit = vectors
    else:
        import numpy as np

        matrix = np.asarray(vectors, dtype=float)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix = matrix / np.where(norms == 0, 1.0, norms)
        return np.clip(matrix @ matrix.T, 0.0, None).tolist()
    n = len(unit)
    out = [[0.0] * n for _ in range(n)]
    for i in range(n):
        out[i][i] = 1.0
        for j in range(i + 1, n):
            out[i][j] = out[j][i] = max(0.0, dot(unit[i], unit[j]))
    return out


def _centrality(similarity: list[list[float]], lead_weight: float, damping: float, rounds: int = 100) -> list[float]:
    """Personalised PageRank over the similarity graph (self-loops dropped); restarts favour the lead."""
    n = len(similarity)
    position = [1.0 / (i + 1) for i in range(n)]
    total = sum(position)
    restart = [(1 - lead_weight) / n + lead_weight * p / total for p in position]
    out_weight = [sum(similarity[i][j] for j in range(n) if j != i) for i in range(n)]
    scores = [1.0 / n] * n
    for _ in range(rounds):
        spread = [0.0] * n
        dangling = 0.0
        for i in range(n):
            if out_weight[i] == 0:
                dangling += scores[i]
                continue
            share = scores[i] / out_weight[i]
            for j in range(n):
                if j != i and similarity[i][j]:
                    spread[j] += share * similarity[i][j]
        new = [(1 - damping) * restart[j] + damping * (spread[j] + dangling * restart[j]) for j in range(n)]
        if sum(abs(a - b) for a, b in zip(new, scores)) < 1e-9:
            return new
        scores = new
    return scores
