"""Retrieval: the index reader, hybrid search and its sentence re-score (``hybrid``, ``rerank``),
and the LangChain retriever adapter (``langchain``, imported on demand)."""

from bot.retrieve.hybrid import IndexReader, OpenGeneration, Retrieval, fuse, hybrid_search, rerank

__all__ = ["IndexReader", "OpenGeneration", "Retrieval", "fuse", "hybrid_search", "rerank"]
