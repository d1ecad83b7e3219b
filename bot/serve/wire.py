"""Answers on the wire between ``bot serve`` and its clients: an ``Answer`` as the JSON the server
sends (``answer_to_json``) and back (``answer_from_json``)."""

from __future__ import annotations

import datetime as dt

from bot.types import Answer, AnswerSentence, Citation


def answer_from_json(data: dict) -> Answer:
    """The ``Answer`` a server sent (``Answer.to_json`` plus kind, score and generation)."""
    def cite(c: dict) -> Citation:
        return Citation(n=c["n"], article_id=c["article_id"], title=c["title"], start=c["start"], end=c["end"],
                        quote=c["quote"], date=c.get("date"), source=c.get("source"), path=c.get("path", ""),
                        answer_start=c.get("answer_start"), answer_end=c.get("answer_end"))

    return Answer(
        question=data["question"], standalone_question=data["standalone_question"], answer=data["answer"],
        answerable=data["answerable"], citations=tuple(cite(c) for c in data.get("citations", ())),
        related=tuple(cite(c) for c in data.get("related", ())), timings_ms=dict(data.get("timings_ms", {})),
        score=float(data.get("score", 0.0)), kind=data.get("kind", "answer"), generation=data.get("generation"),
        as_of=dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else None, time=data.get("time"),
        backend=data.get("backend", "extractive"), model=data.get("model"), prompt_version=data.get("prompt_version"),
        sentences=tuple(sentence_from_json(s) for s in data.get("sentences", ())),
        sentences_written=int(data.get("sentences_written", 0)), fallback=data.get("fallback"),
    )


def sentence_from_json(data: dict) -> AnswerSentence:
    return AnswerSentence(data["text"], tuple(data.get("citations", ())), bool(data.get("verified", False)))


def answer_to_json(answer: Answer) -> dict:
    return {**answer.to_json(), "score": answer.score, "kind": answer.kind, "generation": answer.generation}
