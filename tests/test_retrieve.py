"""Hybrid retrieval over a real index: filters, the sentence re-ranking, the LangChain retriever."""

from __future__ import annotations

import pytest

from bot.retrieve import IndexReader, hybrid_search
from bot.retrieve.langchain import HybridRetriever
from bot.types import Filters

ARTICLES = {
    "harbour.md": ("Harbour reopens after storm", "2023-03-02", "Coast Gazette",
                   "The harbour reopened on Monday after the storm.\n\nFishing boats returned to the quay by noon. "
                   "The harbour master said repairs to the breakwater will cost 2 million euros."),
    "election.md": ("Mayor re-elected", "2023-05-10", "City Herald",
                    "The mayor won a second term with 61 percent of the vote.\n\nTurnout was the highest in "
                    "twenty years. The count finished shortly after midnight."),
    "bridge.md": ("Bridge repairs begin", "2023-07-21", "Coast Gazette",
                  "Repairs to the old stone bridge began in July.\n\nThe bridge will stay closed to cars for "
                  "six weeks. Cyclists and walkers may still cross."),
    "museum.md": ("Museum opens new wing", "2024-01-15", "City Herald",
                  "The city museum opened a new wing for its collection of maps.\n\nThe oldest map in the "
                  "collection dates from 1520. Entry to the new wing is free on Sundays."),
}


@pytest.fixture(scope="module")
def news_settings(tmp_path_factory, models):
    from bot.index import build
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("news")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, (title, date, source, body) in ARTICLES.items():
        (corpus / name).write_text(f'---\ntitle: "{title}"\ndate: {date}\nsource: {source}\n---\n{body}\n', encoding="utf-8")
    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": root / "index"})
    build(settings, models=models)
    return settings


@pytest.fixture(scope="module")
def reader(news_settings, models):
    return IndexReader(news_settings, models)


def articles_of(evidence) -> list[str]:
    return [e.chunk.article_id for e in evidence]


def test_the_article_that_answers_ranks_first(reader):
    evidence = hybrid_search(reader, "How long will the bridge stay closed to cars?", 4, Filters())
    assert articles_of(evidence)[0] == "bridge"
    assert evidence[0].score >= evidence[-1].score


def test_source_filter_keeps_only_that_source(reader):
    evidence = hybrid_search(reader, "What reopened or opened?", 4, Filters(source="City Herald"))
    assert evidence and {e.chunk.source for e in evidence} == {"City Herald"}
    assert set(articles_of(evidence)) <= {"election", "museum"}


def test_date_filters_are_inclusive_and_restrict_retrieval(reader):
    evidence = hybrid_search(reader, "repairs", 4, Filters(since="2023-05-10", until="2023-07-21"))
    assert set(articles_of(evidence)) == {"election", "bridge"}
    assert "harbour" not in articles_of(hybrid_search(reader, "harbour repairs", 4, Filters(since="2023-04-01")))


def test_article_filter_restricts_to_the_named_articles(reader):
    evidence = hybrid_search(reader, "When did the repairs begin?", 4, Filters(articles=("museum",)))
    assert evidence and set(articles_of(evidence)) == {"museum"}


def test_a_filter_nothing_matches_gives_no_evidence(reader):
    assert hybrid_search(reader, "storm", 4, Filters(source="Nobody's Paper")) == []


def test_hybrid_retriever_is_a_plain_langchain_retriever(reader, news_settings):
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    from bot.corpus import load_corpus

    texts = {a.id: a.text for a in load_corpus(news_settings.corpus.dir).articles}
    retriever = HybridRetriever(reader=reader, k=2)
    assert isinstance(retriever, BaseRetriever)
    documents = retriever.invoke("How much will the breakwater repairs cost?")
    assert len(documents) == 2 and all(isinstance(d, Document) for d in documents)
    top = documents[0]
    assert top.metadata["article_id"] == "harbour"
    assert {"id", "article_id", "start", "end", "title", "date", "source", "score"} <= set(top.metadata)
    assert texts["harbour"][top.metadata["start"]:top.metadata["end"]] == top.page_content
    assert top.metadata["source"] == "Coast Gazette" and top.metadata["date"].startswith("2023-03-02")


def test_retriever_fills_the_timings_it_is_given(reader):
    timings: dict = {}
    HybridRetriever(reader=reader, k=1, timings=timings).invoke("museum maps")
    assert {"embed_ms", "dense_ms", "bm25_ms", "rerank_ms"} <= set(timings)


def test_sentence_scorer_says_a_title_line_repeating_the_question_adds_nothing(reader):
    title, answer, unrelated = reader.opened().scorer.match(
        "When did the bridge repairs begin?",
        ["Bridge repairs begin", "Repairs to the old stone bridge began in July.", "Entry is free on Sundays."],
    )
    assert not title.novel and answer.novel and unrelated.novel
    assert answer.lexical > unrelated.lexical == 0.0
    assert answer.dense > unrelated.dense and answer.score > unrelated.score
