"""The pipeline every answerer runs in (fast: fake embedder and answerer, real Chroma, BM25 and files).

What must hold whatever the answerer: the answer streams through the LangChain chain as it is
written; no evidence means a refusal without calling the answerer; citations that do not quote
their article exactly are dropped; the answer says which index generation it came from.
"""

from __future__ import annotations

import dataclasses

from bot.answer import REFUSAL, make_answerer
from bot.engine import Engine
from bot.types import Done, Filters, Token


def test_the_answer_streams_through_the_chain_as_the_answerer_writes_it(fake_engine, fake_answerer):
    events = list(fake_engine.stream("How long does the trip to Vladivostok take?"))
    tokens = [e.text for e in events if isinstance(e, Token)]
    assert isinstance(events[-1], Done) and all(isinstance(e, Token) for e in events[:-1])
    answer = events[-1].answer
    assert len(tokens) == len(answer.answer.split(" ")) > 1  # word by word, as the fake wrote it
    assert "".join(tokens) == answer.answer
    assert fake_answerer.asked == ["How long does the trip to Vladivostok take?"]


def test_the_chain_is_a_langchain_runnable_that_streams_events(fake_engine):
    from langchain_core.runnables import Runnable

    chain = fake_engine.chain()
    assert isinstance(chain, Runnable)
    events = list(chain.stream({"question": "Who travels by train?", "standalone": None, "filters": Filters(), "k": 2}))
    assert isinstance(events[-1], Done) and len(events[-1].answer.retrieved) == 2


def test_answers_carry_the_index_generation_and_timings(fake_engine):
    answer = fake_engine.ask("Who travels by train?")
    assert answer.generation == "gen-000001"
    assert {"retrieve_ms", "total_ms"} <= set(answer.timings_ms)


def test_no_evidence_is_a_refusal_without_calling_the_answerer(fake_engine, fake_answerer):
    answer = fake_engine.ask("Who travels by train?", filters=Filters(source="No Such Paper"))
    assert answer.answer == REFUSAL and not answer.answerable and answer.kind == "refusal"
    assert fake_answerer.asked == []


def test_a_citation_that_does_not_quote_its_article_exactly_is_dropped(fast_seed, fake_models, fake_answerer):
    class Misquoting:
        def warm_up(self):
            pass

        def stream(self, retrieval):
            for event in fake_answerer.stream(retrieval):
                if isinstance(event, Done):
                    good = event.answer.citations[0]
                    bad = dataclasses.replace(good, n=2, quote=good.quote.upper())
                    shifted = dataclasses.replace(good, n=3, start=good.start + 1)
                    event = Done(dataclasses.replace(event.answer, citations=(good, bad, shifted)))
                yield event

    answer = Engine(fast_seed, fake_models, answerer=Misquoting()).ask("Who travels by train?")
    assert [c.n for c in answer.citations] == [1]


def test_an_answer_left_with_no_exact_citation_becomes_a_refusal(fast_seed, fake_models, fake_answerer):
    class Inventing:
        def warm_up(self):
            pass

        def stream(self, retrieval):
            for event in fake_answerer.stream(retrieval):
                if isinstance(event, Done):
                    cite = dataclasses.replace(event.answer.citations[0], quote="words the article never had")
                    event = Done(dataclasses.replace(event.answer, citations=(cite,)))
                yield event

    answer = Engine(fast_seed, fake_models, answerer=Inventing()).ask("Who travels by train?")
    assert not answer.answerable and answer.answer == REFUSAL and answer.citations == ()


def test_warm_up_warms_the_answerer(fake_engine, fake_answerer):
    fake_engine.warm_up()
    assert fake_answerer.warmed


def test_the_backend_setting_chooses_the_answerer(fake_models):
    from bot.answer.extractive import ExtractiveAnswerer
    from bot.settings import Settings

    assert isinstance(make_answerer(Settings(), fake_models), ExtractiveAnswerer)
