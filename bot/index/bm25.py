"""BM25 over the stored chunks (bm25s), rebuilt from Chroma's records at each build.

The one place that knows the BM25 files of a generation: ``bm25/`` holds
bm25s's own files and ``chunk_ids.json``, the chunk id of each BM25 document.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from bot.text import stemmer, tokenize

BM25_DIR = "bm25"
_IDS = "chunk_ids.json"


def ids_path(generation: Path) -> Path:
    """The file every complete generation has: the chunk ids BM25 indexes, in its order."""
    return generation / BM25_DIR / _IDS


def read_ids(generation: Path) -> list[str]:
    """Raises ``OSError``/``ValueError`` when the file is missing or damaged."""
    ids = json.loads(ids_path(generation).read_text(encoding="utf-8"))
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValueError(f"{ids_path(generation)} is not a list of chunk ids")
    return ids


def build_bm25(ids: list[str], texts: list[str], generation: Path) -> None:
    import bm25s

    out = generation / BM25_DIR
    out.mkdir(parents=True, exist_ok=True)
    ids_path(generation).write_text(json.dumps(ids), encoding="utf-8")
    if not texts:
        return
    corpus_tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer(), show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(corpus_tokens, show_progress=False)
    retriever.save(str(out))


@dataclass
class Bm25Index:
    ids: list[str]
    retriever: object | None
    _idf: dict[str, float] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, generation: Path) -> "Bm25Index":
        import bm25s

        ids = read_ids(generation)
        retriever = bm25s.BM25.load(str(generation / BM25_DIR), mmap=True) if ids else None
        return cls(ids=ids, retriever=retriever)

    def close(self) -> None:
        """Let go of the memory-mapped BM25 files (a closed index finds nothing)."""
        self.retriever = None

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """Up to ``n`` (chunk id, score) pairs with a positive score, best first."""
        tokens = tokenize([query])
        if self.retriever is None or not tokens or not tokens[0]:
            return []
        docs, scores = self.retriever.retrieve(tokens, k=min(n, len(self.ids)), show_progress=False, n_threads=1)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def idf(self) -> dict[str, float]:
        """Inverse document frequency of each stemmed term over the chunks (computed once)."""
        if self._idf is None:
            import numpy as np

            table: dict[str, float] = {}
            if self.retriever is not None:
                df = np.diff(np.asarray(self.retriever.scores["indptr"]))
                n = len(self.ids)
                for term, column in self.retriever.vocab_dict.items():
                    freq = int(df[column]) if column < len(df) else 0
                    table[term] = math.log(1 + (n - freq + 0.5) / (freq + 0.5))
            self._idf = table
        return self._idf

    def default_idf(self) -> float:
        """The IDF of a term no chunk has."""
        return math.log(1 + (len(self.ids) + 0.5) / 0.5)
