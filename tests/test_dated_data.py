"""The dated test corpus (tests/data/dated_news/) and its questions (tests/data/dated_qa.jsonl).

Three stories change over several reports: a satellite launch rescheduled twice, a port authority
chief taking and leaving office, an outbreak count going up. Each question carries the day it is
asked (``as_of``); the right answer changes with it. The checks here are on the data itself and on
the pure date code the answers depend on (publication dates, relative references); answering
them is the engine's job.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest

from bot.temporal.questions import question_time, relative_references
from bot.corpus import load_corpus
from conftest import DATA

CORPUS = DATA / "dated_news"
QA = [json.loads(line) for line in (DATA / "dated_qa.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
KINDS = {"as_of", "latest", "when", "plain"}


@pytest.fixture(scope="module")
def articles():
    scan = load_corpus(CORPUS)
    assert not scan.skipped and not scan.date_notes
    return {a.id: a for a in scan.articles}


def day(article) -> dt.date | None:
    return dt.date.fromisoformat(article.date[:10]) if article.date else None


def test_the_dated_corpus_mixes_every_date_source(articles):
    sources = {a.id: a.date_source for a in articles.values()}
    assert set(sources.values()) == {"front_matter", "path", "dateline", None}
    assert sources["2024/05/06/harlow-measles-outbreak"] == "path"  # a date in the folders
    assert sources["20230202-marsh-takes-office"] == "path"  # a compact date in the file name
    assert sources["aurora-2-weather-delay"] == "dateline"  # "CAPE MOREAU, April 8, 2024 -"
    assert articles["aurora-2-reaches-orbit"].date == "2024-04-25T08:30:00"  # "Published: 2024-04-25 08:30"
    assert articles["harlow-measles-41-cases"].date == "2024-05-31"  # "Published: May 31, 2024"
    assert [a.id for a in articles.values() if a.date is None] == ["measles-vaccination-explainer"]


def test_qa_lines_are_in_the_bot_eval_format_with_an_as_of_date(articles):
    assert len(QA) >= 40 and len({q["id"] for q in QA}) == len(QA)
    for q in QA:
        assert {"id", "question", "answers", "doc_ids", "unanswerable", "as_of", "kind", "topic"} <= set(q), q["id"]
        assert q["kind"] in KINDS, q["id"]
        assert dt.date.fromisoformat(q["as_of"]).isoformat() == q["as_of"]
        assert bool(q["answers"]) != q["unanswerable"], q["id"]
        assert all(doc in articles for doc in q["doc_ids"]), q["id"]
        assert bool(q["doc_ids"]) != q["unanswerable"], q["id"]


def test_gold_evidence_is_never_dated_after_the_question(articles):
    for q in QA:
        for doc in q["doc_ids"]:
            published = day(articles[doc])
            assert published is None or published <= dt.date.fromisoformat(q["as_of"]), (q["id"], doc)


def test_gold_answers_are_verbatim_in_the_named_articles_except_resolved_dates(articles):
    for q in QA:
        if q["kind"] == "when":
            continue
        texts = [articles[doc].text for doc in q["doc_ids"]]
        for gold in q["answers"]:
            assert any(gold in text for text in texts), (q["id"], gold)


def test_unanswerable_questions_are_asked_before_any_dated_report_of_their_story(articles):
    refused = [q for q in QA if q["unanswerable"]]
    assert len(refused) >= 3
    for q in refused:
        as_of = dt.date.fromisoformat(q["as_of"])
        earlier = [a.id for a in articles.values() if day(a) and day(a) <= as_of and q["topic"] in a.text]
        assert earlier == [], q["id"]


def test_when_answers_come_from_relative_references_resolved_against_the_article_date(articles):
    whens = [q for q in QA if q["kind"] == "when"]
    assert len(whens) >= 8
    for q in whens:
        article = articles[q["doc_ids"][0]]
        phrase = q["evidence"].split(" ", 1)[-1] if q["evidence"].startswith("on ") else q["evidence"]
        found = [r for r in relative_references(article.text, article.date) if r.text == phrase]
        assert found, (q["id"], phrase)
        resolved = found[0].window
        shown = resolved.day.isoformat() if resolved.day else resolved.describe()
        assert any(gold in shown for gold in q["answers"]), (q["id"], shown)
        assert not any(gold in article.text for gold in q["answers"] if gold[0].isdigit()), \
            f"{q['id']}: the date must need resolving, not be written out"


def test_the_right_answer_changes_with_the_as_of_date():
    by_question = defaultdict(dict)
    for q in QA:
        by_question[q["question"]][q["as_of"]] = tuple(q["answers"])
    changing = [question for question, answers in by_question.items() if len(set(answers.values())) >= 2]
    assert len(changing) >= 6, changing


def test_latest_and_as_of_questions_read_as_such():
    for q in QA:
        intent = question_time(q["question"], dt.date.fromisoformat(q["as_of"]))
        assert intent.latest == (q["kind"] == "latest"), q["id"]
