"""Question in, ``Answer`` out: the LangChain chain every front end calls.

``Engine`` holds what an answer needs (settings, the shared ``Models``, the
index reader, the answerer), built lazily and never global: a process makes
one and passes it to the CLI, the web UI or the evaluator. The chain is a
``langchain_core`` runnable: prepare (check the question, pick up a finished
rebuild) -> retrieve (typed ``Retrieval``) -> answer (a generator, so the
answer streams). What holds for every answerer is enforced here: no evidence
means a refusal without calling the answerer, and a citation whose quote is not
the exact slice of its article at its offsets is dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import unicodedata
from collections.abc import Iterator

from bot.answer import REFUSAL, Answerer, make_answerer, refusal
from bot.dates import checked_as_of
from bot.errors import QuestionError
from bot.models import Models
from bot.settings import Settings
from bot.temporal import question_time
from bot.types import Answer, Citation, Done, Filters, Query, Token


def clean_question(text: str | None, max_chars: int) -> str:
    """Control characters become spaces; empty and oversized questions are refused."""
    if text is None:
        raise QuestionError("empty question: ask something about the articles")
    if len(text) > max_chars:
        raise QuestionError(f"question too long ({len(text)} characters; the limit is {max_chars})")
    cleaned = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise QuestionError("empty question: ask something about the articles")
    return cleaned


def quotes_exactly(citation: Citation) -> bool:
    """The citation's quote is its chunk's text at the cited offsets (the chunk is an exact slice of the article)."""
    start, end = citation.start - citation.chunk_start, citation.end - citation.chunk_start
    return 0 <= start < end <= len(citation.chunk_text) and citation.chunk_text[start:end] == citation.quote


class Engine:
    def __init__(self, settings: Settings, models: Models | None = None, answerer: Answerer | None = None,
                 reader=None):
        self.settings = settings
        self.models = models or Models(settings)
        self._reader = reader
        self._answerer = answerer

    @property
    def reader(self):
        """The index reader; opening it checks the index before any model loads."""
        if self._reader is None:
            from bot.retrieve import IndexReader

            self._reader = IndexReader(self.settings, self.models)
        return self._reader

    @property
    def answerer(self) -> Answerer:
        if self._answerer is None:
            self._answerer = make_answerer(self.settings, self.models)
        return self._answerer

    def warm_up(self) -> None:
        """Open the index and load the models now rather than on the first question."""
        self.reader.warm_up()
        self.answerer.warm_up()

    def chain(self):
        from langchain_core.runnables import RunnableGenerator, RunnableLambda

        return RunnableLambda(self._prepare) | RunnableLambda(self._retrieve) | RunnableGenerator(self._answer)

    def stream(self, question: str, standalone: str | None = None, filters: Filters | None = None,
               k: int | None = None, as_of: dt.date | None = None, given: tuple[str, ...] = (),
               focus: tuple[str, ...] = (), elliptic: bool = False, after: tuple = ()) -> Iterator[Token | Done]:
        """The answer's text as it is written (``Token``s), then ``Done`` with the checked ``Answer``.
        ``as_of`` (default today): evidence published after it is never used. ``given``: answers an elliptic
        follow-up asks beyond ("And in 2010?" after "75.8%"), not to be repeated; ``focus``: what a follow-up put in
        ("the British" in "And the British?"), which the answering sentence should be about, all the more when
        ``elliptic`` (the follow-up swapped it into the previous question); ``after``: the citations of the answer a
        follow-up follows."""
        request = {"question": question, "standalone": standalone, "filters": filters or Filters(), "k": k,
                   "as_of": as_of, "given": tuple(given), "focus": tuple(focus),
                   "elliptic": elliptic, "after": tuple(after)}
        yield from self.chain().stream(request)

    def ask(self, question: str, standalone: str | None = None, filters: Filters | None = None,
            k: int | None = None, as_of: dt.date | None = None) -> Answer:
        events = list(self.stream(question, standalone, filters, k, as_of))
        return events[-1].answer

    def _prepare(self, request: dict) -> Query:
        limit = self.settings.answer.max_question_chars
        question = clean_question(request["question"], limit)
        standalone = clean_question(request["standalone"] or question, limit * 2)
        as_of = checked_as_of(request.get("as_of"))
        self.reader.refresh()  # a finished rebuild is picked up here, between questions
        return Query(question, standalone, request["filters"], request["k"] or self.settings.retrieval.k,
                     as_of=as_of, time=question_time(standalone, as_of), given=request.get("given", ()),
                     focus=request.get("focus", ()), elliptic=request.get("elliptic", False),
                     after=request.get("after", ()))

    def _retrieve(self, query: Query):
        return self.reader.search(query)

    def _answer(self, retrievals) -> Iterator[Token | Done]:
        for retrieval in retrievals:  # the chain hands the generator one retrieval
            try:
                yield from self._answer_one(retrieval)
            finally:  # written, failed or abandoned: a rebuild may now close the generation it read
                retrieval.release()

    def _answer_one(self, retrieval) -> Iterator[Token | Done]:
        started = retrieval.started
        if not retrieval.evidence:  # nothing to read: refuse without calling the answerer
            yield Token(REFUSAL)
            yield Done(self._finish(refusal(retrieval), retrieval, started))
            return
        for event in self.answerer.stream(retrieval):
            yield Done(self._finish(event.answer, retrieval, started)) if isinstance(event, Done) else event

    def _finish(self, answer: Answer, retrieval, started: float) -> Answer:
        citations = tuple(c for c in answer.citations if quotes_exactly(c))
        related = tuple(c for c in answer.related if quotes_exactly(c))
        if answer.answerable and answer.citations and not citations:
            answer = refusal(retrieval, related, answer.score)  # nothing it said can be shown with its source
        query = retrieval.query
        kept = {c.n for c in citations}
        sentences = tuple(dataclasses.replace(s, citations=tuple(n for n in s.citations if n in kept))
                          for s in answer.sentences)  # a sentence never points at a dropped citation
        answer = dataclasses.replace(answer, citations=citations if answer.answerable else (), related=related,
                                     generation=retrieval.generation, sentences=sentences, as_of=query.as_of,
                                     time=query.time.describe() if query.time else None)
        answer.timings_ms["total_ms"] = (time.perf_counter() - started) * 1000
        return answer
