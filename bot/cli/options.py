"""Options shared by several commands, and the two things every command builds from them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

CorpusOpt = Annotated[Optional[Path], typer.Option("--corpus", help="Corpus folder (default: corpus/, or BOT_CORPUS__DIR).")]
IndexOpt = Annotated[Optional[Path], typer.Option("--index", help="Index folder (default: index/, or BOT_INDEX__DIR).")]
SourceOpt = Annotated[Optional[str], typer.Option("--source", help="Only articles from this source.")]
SinceOpt = Annotated[Optional[str], typer.Option("--since", help="Only articles dated on or after YYYY-MM-DD.")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", help="Only articles dated on or before YYYY-MM-DD.")]
ArticleOpt = Annotated[Optional[list[str]], typer.Option("--article", help="Only this article id (repeatable).")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="Answer as of this day, YYYY-MM-DD (default today): "
                                                 "nothing published later is read; 'latest' means newest up to it.")]
KOpt = Annotated[Optional[int], typer.Option("-k", "--k", min=1, max=100, help="Chunks to retrieve.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
BackendOpt = Annotated[Optional[str], typer.Option(
    "--backend", help="Answerer for this run: extractive or llm (default: answer.backend).")]
StrictLLMOpt = Annotated[bool, typer.Option(
    "--strict-llm", help="An LLM failure is an error (exit 1), not a warning followed by the extractive answer.")]


def load(corpus: Path | None = None, index: Path | None = None, backend: str | None = None, strict_llm: bool = False,
         **sections):
    """The settings, with the flags given on top; what looks like a mistake in them is warned about."""
    from bot.settings import config_warnings, load_settings

    for line in config_warnings():
        err(f"warning: {line}")
    return load_settings(corpus={"dir": corpus}, index={"dir": index}, answer={"backend": backend},
                         llm={"strict": True if strict_llm else None}, **sections)


def filters(source, since, until, article):
    from bot.types import Filters

    return Filters.parse(source, since, until, article)


def as_of(value: str | None):
    """``--as-of`` as a date (None when not given); a bad one is a one-line ``ConfigError``."""
    import datetime as dt

    from bot.dates import parse_day
    from bot.errors import ConfigError

    try:
        day = parse_day(value)
    except ValueError:
        raise ConfigError(f"--as-of {value.strip()!r} is not a date: use YYYY-MM-DD") from None
    return dt.date.fromisoformat(day) if day else None


def err(message: str) -> None:
    typer.echo(message, err=True)
