"""One index generation opened for reading, and when it may be let go.

A long-lived process (``bot web``, ``bot serve``) re-opens the index after
every rebuild. The generation it replaces holds a Chroma client (its SQLite and
HNSW files stay open, even after a build deletes them) and memory maps of its
BM25 and sentence-vector files: left open, every rebuild would add descriptors,
deleted-but-open files and memory until a restart. So each search holds the
generation it reads (``hold``) until its answer is written; the reader
``retire``s the old generation when it switches, and the last holder to let go
closes it.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

from bot.index.bm25 import Bm25Index
from bot.retrieve.rerank import SentenceScorer


class OpenGeneration:
    """One index generation opened for reading; a search holds one of these from start to end."""

    def __init__(self, generation: Path, manifest, opened_collection, bm25: Bm25Index, scorer: SentenceScorer):
        self.generation = generation
        self.manifest = manifest
        self.bm25 = bm25
        self.scorer = scorer
        self._opened_collection = opened_collection  # bot.index.chroma.ReadingCollection
        self._lock = threading.Lock()
        self._holders = 0
        self._retired = False
        self.closed = False

    @property
    def collection(self) -> Any:
        return self._opened_collection.collection

    def hold(self) -> GenerationHold:
        """Keep this generation open until the hold is released (or dropped)."""
        return GenerationHold(self)

    def retire(self) -> None:
        """No new search will use this generation: close it once nobody holds it."""
        with self._lock:
            self._retired = True
            idle = self._holders == 0
        if idle:
            self.close()

    def _acquire(self) -> None:
        with self._lock:
            self._holders += 1

    def _release(self) -> None:
        with self._lock:
            self._holders -= 1
            done = self._retired and self._holders == 0
        if done:
            self.close()

    def close(self) -> None:
        """Release the Chroma client and the memory maps (a search must not be using them)."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
        self._opened_collection.close()
        self.bm25.close()
        self.scorer.stored = None  # the sentence vectors' memory map goes with the last reference


class GenerationHold:
    """A search's claim on an ``OpenGeneration``: ``release()`` it when done; dropping it releases it too."""

    def __init__(self, opened: OpenGeneration):
        opened._acquire()
        self._release = weakref.finalize(self, opened._release)  # runs once: release() or garbage collection

    def release(self) -> None:
        self._release()
