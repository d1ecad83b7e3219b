"""The llm backend: a language model writes the answer, every sentence is checked against what it cites.

The chain for one question (the engine has already retrieved): passages of
numbered sentences (``passages.py``) -> the versioned prompt (``prompt.py``) ->
the chat model, streamed -> the reply parsed as it comes (``parse.py``) -> each
sentence verified as soon as it is complete (``verify.py``). Text streams as
``Token``s; each finished sentence is announced by a ``Checked`` event.

Every cited id maps to an exact span of an article by construction; ids that
name no passage sentence are dropped. A sentence the verifier does not back is
shown marked or dropped (``llm.unverified``). If no sentence is backed, or the
model call fails (unreachable, timeout, unknown model, empty reply), the
extractive answer comes instead, after a ``Notice`` saying why; with
``llm.strict`` a failure is an ``LLMError``. Model calls run at most
``llm.max_concurrency`` at once.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from bot.answer import refusal
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.llm.parse import DraftSentence, StreamParser, is_refusal, valid_id
from bot.answer.llm.passages import Passages, number_passages
from bot.answer.llm.prompt import PROMPT_VERSION, answer_messages
from bot.errors import ConfigError, LLMError
from bot.models import Models
from bot.retrieve import Retrieval
from bot.settings import Settings
from bot.types import Answer, AnswerSentence, Checked, Citation, Done, Notice, Token

NOTHING_VERIFIED = "nothing the model wrote is backed by the passages it cites"


@dataclass
class _Draft:
    """What one answer has accumulated while streaming."""

    passages: Passages
    sentences: list[AnswerSentence] = field(default_factory=list)
    shown: list[bool] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)  # sentence id -> citation number
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    model: str | None = None


class LLMAnswerer:
    def __init__(self, settings: Settings, models: Models, fallback=None):
        self.settings = settings
        self.llm = settings.llm
        self.models = models
        self.fallback = fallback or ExtractiveAnswerer(settings, models)  # any Answerer; extractive by default
        self._slots = threading.BoundedSemaphore(self.llm.max_concurrency)
        self._verifier = None
        self._failure: tuple[float, str] | None = None  # (when, why) the model last failed

    @property
    def verifier(self):
        if self._verifier is None:
            from bot.answer.llm.verify import Verifier

            self._verifier = Verifier(self.models.query_embedder, self.models.nlp)
        return self._verifier

    def warm_up(self) -> None:
        self.models.chat_model  # noqa: B018 - a missing llm.base_url is a ConfigError now, not at the first question
        self.fallback.warm_up()
        self.verifier  # noqa: B018

    # ---- follow-ups ---------------------------------------------------------------------------
    def condense(self, question: str, history: list[tuple[str, str | None]]) -> str | None:
        """``question`` made standalone by the model, or None (then the rule-based rewriter runs)."""
        from bot.answer.llm.condense import condense_follow_up

        if not self.llm.condense or self._recent_failure():
            return None
        try:
            with self._slots:
                return condense_follow_up(self.models.chat_model, question, history,
                                          self.settings.answer.max_question_chars)
        except ConfigError:
            raise
        except Exception as exc:  # the model call failed: the rule-based rewriter takes over
            error = self._failed(exc)
            if self.llm.strict:
                raise error from exc
            return None

    # ---- answers ------------------------------------------------------------------------------
    def stream(self, retrieval: Retrieval) -> Iterator[Token | Checked | Notice | Done]:
        passages = number_passages(retrieval.evidence, self.llm.max_passages)
        if (why := self._recent_failure()) is not None:
            yield from self._fall_back(retrieval, why)
            return
        started = time.perf_counter()
        draft, parser = _Draft(passages), StreamParser()
        try:
            for delta in self._generate(answer_messages(passages, retrieval.query.standalone), draft):
                yield from self._read(parser.feed(delta), draft)
            yield from self._read(parser.close(), draft)
            if not parser.text:
                raise LLMError(f"the LLM at {self.llm.base_url or self.llm.provider} sent an empty reply")
        except LLMError as exc:
            if self.llm.strict:
                raise
            self._failure = (time.monotonic(), str(exc))
            yield from self._fall_back(retrieval, str(exc))
            return
        retrieval.timings["llm_ms"] = (time.perf_counter() - started) * 1000
        if draft.refused:
            answer = refusal(retrieval)
        elif not any(s.verified for s in draft.sentences):
            yield from self._fall_back(retrieval, NOTHING_VERIFIED, warn=False, written=len(draft.sentences))
            return
        else:
            answer = self._answer(retrieval, draft)
        yield Done(dataclasses.replace(answer, backend="llm", model=draft.model or self.llm.model,
                                       prompt_version=PROMPT_VERSION, sentences_written=len(draft.sentences)))

    def _generate(self, messages, draft: _Draft) -> Iterator[str]:
        """The reply's text as the model writes it; any failure of the call is one ``LLMError``."""
        deadline = time.monotonic() + self.llm.timeout_s
        model = self.models.chat_model  # a ConfigError here is the user's to fix, not a failure to fall back from
        with self._slots:
            try:
                for chunk in model.stream(messages):
                    name = (chunk.response_metadata or {}).get("model_name") or (chunk.response_metadata or {}).get("model")
                    if name:
                        draft.model = PurePath(name).name  # llama.cpp names its model by the file's path
                    if isinstance(chunk.content, str) and chunk.content:
                        yield chunk.content
                    if time.monotonic() > deadline:
                        raise TimeoutError("timed out")
            except Exception as exc:
                raise self._failed(exc) from exc

    def _read(self, items: list[str | DraftSentence], draft: _Draft) -> Iterator[Token | Checked]:
        for item in items:
            if isinstance(item, str):
                yield Token(item)
            elif not draft.sentences and not draft.refused and is_refusal(item.text):
                draft.refused = True  # "The articles don't say." is an answer, not a claim to verify
            elif not draft.refused:
                sentence, shown = self._check(item, draft)
                yield Checked(sentence, shown)

    def _check(self, item: DraftSentence, draft: _Draft) -> tuple[AnswerSentence, bool]:
        cited = [draft.passages.get(i) for i in item.ids if valid_id(i)]
        cited = [s for s in cited if s is not None]  # ids naming no passage sentence are dropped, never shown
        verified = bool(cited) and self.verifier.check(item.text, [s.text for s in cited]).verified
        shown = verified or self.llm.unverified == "mark"
        numbers = []
        if shown:
            for source in cited:
                if source.id not in draft.numbers:
                    draft.numbers[source.id] = len(draft.citations) + 1
                    draft.citations.append(source.citation(draft.numbers[source.id]))
                numbers.append(draft.numbers[source.id])
        sentence = AnswerSentence(item.text, tuple(numbers), verified)
        draft.sentences.append(sentence)
        draft.shown.append(shown)
        return sentence, shown

    def _answer(self, retrieval: Retrieval, draft: _Draft) -> Answer:
        sentences = tuple(s for s, shown in zip(draft.sentences, draft.shown) if shown)
        return Answer(
            question=retrieval.query.question, standalone_question=retrieval.query.standalone,
            answer=" ".join(s.text for s in sentences), answerable=True, citations=tuple(draft.citations),
            timings_ms=retrieval.timings, retrieved=retrieval.evidence,
            score=sum(s.verified for s in draft.sentences) / len(draft.sentences), sentences=sentences,
        )

    def _fall_back(self, retrieval: Retrieval, why: str, warn: bool = True, written: int = 0
                   ) -> Iterator[Notice | Token | Done]:
        """The extractive answer, after a notice saying why it replaces the model's."""
        yield Notice(f"{why}; answering without the LLM" if warn else f"{why}; showing the extractive answer")
        for event in self.fallback.stream(retrieval):
            if isinstance(event, Done):
                event = Done(dataclasses.replace(event.answer, fallback=why, sentences_written=written))
            yield event

    def _failed(self, exc: BaseException) -> LLMError:
        from bot.answer.llm.client import describe_failure

        error = exc if isinstance(exc, LLMError) else LLMError(describe_failure(exc, self.llm))
        if not self.llm.strict:
            self._failure = (time.monotonic(), str(error))
        return error

    def _recent_failure(self) -> str | None:
        """Why the model failed, if it did within ``llm.retry_after_s``: it is not asked again meanwhile."""
        failure = self._failure
        if failure is None or time.monotonic() - failure[0] > self.llm.retry_after_s:
            return None
        return failure[1]
