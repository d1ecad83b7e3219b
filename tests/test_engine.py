"""The pipeline every answerer runs in (fast: fake embedder and answerer, real Chroma, BM25 and files).

What must hold whatever the answerer: the answer streams through the LangChain chain as it is
written; no evidence means a refusal without calling the answerer; citations that do not quote
their article exactly are dropped; the answer says which index generation it came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.answer import REFUSAL, make_answerer
from bot.engine import Engine
from bot.errors import FilterMatchError, QuestionError
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


@pytest.fixture
def dated_engine(tmp_path, fake_models, fake_answerer):
    """One report, published on 1 May 2024."""
    from bot.index import build
    from bot.settings import Settings

    corpus = tmp_path / "dated"
    corpus.mkdir()
    (corpus / "2024-05-01-bridge.txt").write_text("Bridge reopens\n\nThe old bridge reopened to cars on Tuesday.\n")
    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": tmp_path / "dated-index"})
    build(settings, models=fake_models)
    return Engine(settings, fake_models, answerer=fake_answerer)


def test_nothing_published_by_the_as_of_date_is_a_refusal_without_calling_the_answerer(dated_engine, fake_answerer):
    answer = dated_engine.ask("When did the bridge reopen?", as_of=dt.date(2024, 4, 30))
    assert answer.answer == REFUSAL and not answer.answerable and answer.kind == "refusal"
    assert answer.as_of == dt.date(2024, 4, 30)
    assert fake_answerer.asked == []
    assert dated_engine.ask("When did the bridge reopen?", as_of=dt.date(2024, 5, 1)).answerable


def test_filters_that_match_no_article_say_so(fake_engine, fake_answerer):
    with pytest.raises(FilterMatchError, match="no indexed article matches --source 'No Such Paper'"):
        fake_engine.ask("Who travels by train?", filters=Filters(source="No Such Paper"))
    with pytest.raises(FilterMatchError, match="--since 2020-01-01"):  # the seed article is undated
        fake_engine.ask("Who travels by train?", filters=Filters(since="2020-01-01"))
    assert fake_answerer.asked == []


def test_a_future_as_of_date_is_refused_in_one_line(fake_engine):
    with pytest.raises(QuestionError, match="is in the future"):
        fake_engine.ask("Who travels by train?", as_of=dt.date.today() + dt.timedelta(days=1))


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
