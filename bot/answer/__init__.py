"""Answerers: retrieved evidence in, a cited ``Answer`` out.

Every answerer follows the ``Answerer`` protocol and is chosen by
``settings.answer.backend`` through ``make_answerer``. What must hold for every
backend lives in the pipeline (``bot.engine``), not here: the refusal without
evidence, the check that each citation quotes its article exactly, the index
generation and timings on the answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from bot.errors import ConfigError
from bot.settings import Settings
from bot.types import Answer, Checked, Done, Notice, Token

if TYPE_CHECKING:
    from bot.models import Models
    from bot.retrieve import Retrieval

REFUSAL = "The articles don't say."


class Answerer(Protocol):
    """Turns a retrieval into an answer, streaming its text as it is written."""

    def warm_up(self) -> None:
        """Load whatever the first answer would otherwise wait for."""

    def stream(self, retrieval: Retrieval) -> Iterator[Token | Checked | Notice | Done]:
        """Pieces of the answer text (``Token``), then exactly one ``Done`` with the whole ``Answer``.
        A generating answerer also says when a sentence is complete and checked (``Checked``), and why
        it gave up on its own answer for the one that follows (``Notice``)."""

    def condense(self, question: str, history: list[tuple[str, str | None]]) -> str | None:
        """Optional: ``question`` made standalone given earlier (standalone question, answer or None)
        turns, or None to leave it to the rule-based rewriter (``bot.chat.rewrite``)."""


def refusal(retrieval: Retrieval, related=(), score: float = 0.0) -> Answer:
    """"The articles don't say.", with passages that came close (not citations)."""
    return Answer(
        question=retrieval.query.question, standalone_question=retrieval.query.standalone, answer=REFUSAL,
        answerable=False, related=tuple(related), timings_ms=retrieval.timings, retrieved=retrieval.evidence,
        score=score, kind="refusal",
    )


def make_answerer(settings: Settings, models: Models) -> Answerer:
    """The answerer ``settings.answer.backend`` names."""
    backend = settings.answer.backend
    if backend == "extractive":
        from bot.answer.extractive import ExtractiveAnswerer

        return ExtractiveAnswerer(settings, models)
    if backend == "llm":
        from bot.answer.llm.answerer import LLMAnswerer

        return LLMAnswerer(settings, models)
    raise ConfigError(f"unknown answer.backend {backend!r}: use 'extractive' or 'llm'")
