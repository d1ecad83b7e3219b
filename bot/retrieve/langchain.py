"""The LangChain face of retrieval: ``HybridRetriever`` is a plain ``BaseRetriever``.

The bot's own chain passes typed ``Evidence`` between its steps; this adapter is
for LangChain apps that want the bot's retrieval (``retriever.invoke(question)``
gives ``Document``s whose metadata carry the chunk's offsets and scores).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from bot.retrieve.hybrid import hybrid_search
from bot.types import Chunk, Evidence, Filters


class HybridRetriever(BaseRetriever):
    """A LangChain retriever over the bot's index: usable from any LangChain app."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    reader: Any  # bot.retrieve.IndexReader
    k: int = 5
    filters: Filters = Filters()
    timings: Any = None  # a dict filled with per-stage milliseconds (Any: pydantic would copy a dict)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [evidence_to_document(e) for e in hybrid_search(self.reader, query, self.k, self.filters, self.timings)]


_CHUNK_FIELDS = ("id", "article_id", "index", "start", "end", "title", "path", "date", "source", "url")


def evidence_to_document(evidence: Evidence) -> Document:
    chunk = evidence.chunk
    meta = {f: getattr(chunk, f) for f in _CHUNK_FIELDS}
    meta.update(score=evidence.score, dense_rank=evidence.dense_rank, bm25_rank=evidence.bm25_rank)
    return Document(page_content=chunk.text, metadata=meta, id=chunk.id)


def document_to_evidence(document: Document) -> Evidence:
    meta = document.metadata
    chunk = Chunk(text=document.page_content, **{f: meta.get(f) for f in _CHUNK_FIELDS})
    return Evidence(chunk=chunk, score=meta["score"], dense_rank=meta["dense_rank"], bm25_rank=meta["bm25_rank"])
