"""Sentence vectors, embedded once at index time and stored beside BM25 in the generation folder.

Re-scoring candidates sentence by sentence (``bot.retrieve.rerank``) needs
each sentence's vector; embedding them at question time cost most of a warm
answer. A build embeds every chunk's sentences (``bot.text.sentence_spans``,
as the scorer cuts them) and stores them under ``sentences/``:

- ``vectors.npy``: one float16 row per distinct sentence text (float16 halves
  the disk and changes a cosine by about 1e-4);
- ``keys.npy``: a hash of each row's sentence text;
- ``chunks.npy``, ``offsets.npy``, ``rows.npy``: chunk text hashes (sorted),
  and for the i-th of them the rows ``rows[offsets[i]:offsets[i + 1]]``, its
  sentences in order.

A reader finds a chunk's sentence vectors by the hash of its text; a build
reuses the previous generation's row for every sentence text it still holds
(an edited chunk keeps its unchanged sentences' vectors), so an incremental
build embeds only new sentences.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.index.records import text_hash
from bot.text import sentence_spans

SENTENCES_DIR = "sentences"
STORED_DTYPE = np.float16
EMBED_BATCH = 256  # sentences per progress step


def chunk_sentences(text: str) -> list[str]:
    """A chunk's sentences, as the scorer and the answerer cut them."""
    return [text[a:b] for a, b in sentence_spans(text)]


@dataclass
class SentenceVectors:
    """The stored sentence vectors of one generation (memory-mapped: a lookup touches only its rows)."""

    vectors: np.ndarray
    hashes: np.ndarray  # sorted chunk text hashes, bytes
    offsets: np.ndarray
    rows: np.ndarray
    folder: Path | None = None

    @classmethod
    def load(cls, generation: Path) -> "SentenceVectors | None":
        """The generation's sentence vectors, or None when it has none (made before they were stored)."""
        folder = generation / SENTENCES_DIR
        if not (folder / "vectors.npy").is_file():
            return None
        return cls(np.load(folder / "vectors.npy", mmap_mode="r"), np.load(folder / "chunks.npy"),
                   np.load(folder / "offsets.npy"), np.load(folder / "rows.npy"), folder)

    def by_sentence(self) -> dict[bytes, int]:
        """Row of each stored sentence, by ``sentence_key`` (what a build reuses)."""
        if self.folder is None or not (self.folder / "keys.npy").is_file():
            return {}
        return {key: row for row, key in enumerate(np.load(self.folder / "keys.npy").tolist())}

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def for_chunk(self, text: str) -> np.ndarray | None:
        """float32 vectors of ``chunk_sentences(text)``, in order, or None when the chunk is not stored."""
        return self.for_hash(text_hash(text))

    def for_hash(self, chunk_hash: str) -> np.ndarray | None:
        key = chunk_hash.encode("ascii")
        i = int(np.searchsorted(self.hashes, key))
        if i >= len(self.hashes) or self.hashes[i] != key:
            return None
        return np.asarray(self.vectors[self.rows[self.offsets[i]:self.offsets[i + 1]]], dtype=np.float32)


def write_sentence_vectors(generation: Path, chunk_texts: list[str], previous: SentenceVectors | None,
                           embed: Callable[[list[str]], np.ndarray],
                           progress: Callable[[int, int], None] | None = None) -> int:
    """Store the sentence vectors of these chunks; return how many sentences had to be embedded.
    ``embed`` turns texts into float32 rows; it is called only when something is new."""
    chunks = {text_hash(t): t for t in chunk_texts}
    sentences = list(dict.fromkeys(s for t in chunks.values() for s in chunk_sentences(t)))
    known: dict[str, np.ndarray] = {}
    reusable = previous.by_sentence() if previous is not None else {}
    for sentence in sentences:
        row = reusable.get(sentence_key(sentence))
        if row is not None:
            known[sentence] = np.asarray(previous.vectors[row], dtype=np.float32)
    missing = [s for s in sentences if s not in known]
    missing.sort(key=len)  # similar lengths together: batches carry little padding
    for start in range(0, len(missing), EMBED_BATCH):
        part = missing[start:start + EMBED_BATCH]
        known.update(zip(part, np.asarray(embed(part), dtype=np.float32)))
        if progress is not None:
            progress(min(start + EMBED_BATCH, len(missing)), len(missing))

    row_of: dict[str, int] = {}
    hashes = sorted(chunks)
    offsets, rows = [0], []
    for chunk_hash in hashes:
        for sentence in chunk_sentences(chunks[chunk_hash]):
            rows.append(row_of.setdefault(sentence, len(row_of)))
        offsets.append(len(rows))
    dimension = len(next(iter(known.values()))) if known else 0
    vectors = np.zeros((len(row_of), dimension), dtype=STORED_DTYPE)
    for sentence, row in row_of.items():
        vectors[row] = known[sentence]
    folder = generation / SENTENCES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "vectors.npy", vectors)
    np.save(folder / "keys.npy", np.array([sentence_key(s) for s in row_of], dtype="S32"))
    np.save(folder / "chunks.npy", np.array([h.encode("ascii") for h in hashes], dtype="S40"))
    np.save(folder / "offsets.npy", np.array(offsets, dtype=np.int64))
    np.save(folder / "rows.npy", np.array(rows, dtype=np.int32))
    (folder / "about.json").write_text(json.dumps({"sentences": len(row_of), "chunks": len(hashes),
                                                   "dtype": np.dtype(STORED_DTYPE).name}), encoding="utf-8")
    return len(missing)


def sentence_key(sentence: str) -> bytes:
    """A short hash of a sentence's text (hex: numpy's bytes arrays drop trailing zero bytes)."""
    return hashlib.blake2b(sentence.encode("utf-8"), digest_size=16).hexdigest().encode("ascii")


def embed_matrix(embedder, texts: list[str]) -> np.ndarray:
    """float32 rows from any embedder: the ONNX one's array directly, a LangChain one's lists converted."""
    if hasattr(embedder, "embed_array"):
        return embedder.embed_array(texts)
    return np.asarray(embedder.embed_documents(texts), dtype=np.float32)


def check_sentence_vectors(generation: Path, dimension: int) -> list[str]:
    """What is wrong with a generation's stored sentence vectors (none stored is not wrong: the
    scorer then embeds sentences as it needs them)."""
    if not (generation / SENTENCES_DIR).exists():
        return []
    try:
        stored = SentenceVectors.load(generation)
        if stored is None:
            return ["sentences: vectors.npy is missing"]
        vectors, offsets, rows = np.asarray(stored.vectors), stored.offsets, stored.rows
        problems = []
        if vectors.ndim != 2 or (len(vectors) and vectors.shape[1] != dimension):
            problems.append(f"sentences: vectors of shape {vectors.shape}, the index's dimension is {dimension}")
        elif not np.isfinite(vectors).all():
            problems.append("sentences: its vectors are not finite numbers")
        if len(offsets) != len(stored.hashes) + 1 or offsets[0] != 0 or offsets[-1] != len(rows) \
                or (np.diff(offsets) < 0).any():
            problems.append("sentences: its chunk offsets are malformed")
        elif len(rows) and (rows.min() < 0 or rows.max() >= len(vectors)):
            problems.append("sentences: its rows point past its vectors")
        return problems
    except Exception as exc:  # numpy on damaged files: many kinds
        detail = f"{type(exc).__name__}: {exc}".splitlines()[0]
        return [f"sentences: its files are unreadable ({detail})"]
