"""BM25 over the stored chunks (bm25s), rebuilt from Chroma's records at each build."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BM25_DIR = "bm25"
_IDS = "chunk_ids.json"


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), return_ids=False, show_progress=False)


def build_bm25(ids: list[str], texts: list[str], generation: Path) -> None:
    import bm25s

    out = generation / BM25_DIR
    out.mkdir(parents=True, exist_ok=True)
    (out / _IDS).write_text(json.dumps(ids), encoding="utf-8")
    if not texts:
        return
    corpus_tokens = bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(corpus_tokens, show_progress=False)
    retriever.save(str(out))


@dataclass
class Bm25Index:
    ids: list[str]
    retriever: object | None

    @classmethod
    def load(cls, generation: Path) -> "Bm25Index":
        import bm25s

        folder = generation / BM25_DIR
        ids = json.loads((folder / _IDS).read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(folder), mmap=True) if ids else None
        return cls(ids=ids, retriever=retriever)

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """Up to ``n`` (chunk id, score) pairs with a positive score, best first."""
        tokens = tokenize([query])
        if self.retriever is None or not tokens or not tokens[0]:
            return []
        docs, scores = self.retriever.retrieve(tokens, k=min(n, len(self.ids)), show_progress=False, n_threads=1)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of each stemmed term over the chunks."""
        cached = getattr(self, "_idf", None)
        if cached is not None:
            return cached
        import math

        import numpy as np

        table: dict[str, float] = {}
        if self.retriever is not None:
            indptr = np.asarray(self.retriever.scores["indptr"])
            df = np.diff(indptr)
            n = len(self.ids)
            for term, column in self.retriever.vocab_dict.items():
                freq = int(df[column]) if column < len(df) else 0
                table[term] = math.log(1 + (n - freq + 0.5) / (freq + 0.5))
        self._idf = table
        return table

    def default_idf(self) -> float:
        import math

        return math.log(1 + (len(self.ids) + 0.5) / 0.5)  # a term no chunk has
