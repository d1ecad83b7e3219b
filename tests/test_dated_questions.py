"""Dated news, end to end with the real models: tests/data/dated_news (three stories that change
over twelve reports) and tests/data/dated_qa.jsonl, whose right answers change with the as-of date."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.evaluate import contains
from tests.conftest import DATA

pytestmark = pytest.mark.slow
QUESTIONS = [json.loads(line) for line in (DATA / "dated_qa.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def dated_engine(tmp_path_factory, models):
    from bot.engine import Engine
    from bot.index import build
    from bot.settings import Settings

    settings = Settings().with_overrides(corpus={"dir": DATA / "dated_news"},
                                         index={"dir": tmp_path_factory.mktemp("dated") / "index"})
    build(settings, models=models)
    return Engine(settings, models)


def ask(engine, row):
    return engine.ask(row["question"], as_of=dt.date.fromisoformat(row["as_of"]))


def test_nothing_published_after_the_as_of_date_is_ever_cited(dated_engine):
    for row in QUESTIONS:
        answer = ask(dated_engine, row)
        for cite in answer.citations + answer.related:
            assert cite.date is None or cite.date[:10] <= row["as_of"], (row["id"], cite.article_id)


def test_questions_asked_before_any_report_are_refused(dated_engine):
    early = [row for row in QUESTIONS if row["unanswerable"]]
    assert early and all(not ask(dated_engine, row).answerable for row in early)


def test_the_same_question_gets_the_answer_of_its_as_of_date(dated_engine):
    changing = {}
    for row in QUESTIONS:
        if not row["unanswerable"]:
            changing.setdefault(row["question"], []).append(row)
    changing = {q: rows for q, rows in changing.items() if len({r["answers"][0] for r in rows}) > 1}
    assert len(changing) >= 3
    right = sum(contains(ask(dated_engine, r).answer, tuple(r["answers"])) for rows in changing.values() for r in rows)
    total = sum(len(rows) for rows in changing.values())
    assert right / total >= 0.8, f"{right}/{total}"


def test_answers_from_dated_reports_say_as_of_when(dated_engine):
    row = next(r for r in QUESTIONS if r["id"] == "port-boxes-latest")
    answer = ask(dated_engine, row)
    assert answer.answer.startswith("As of 3 January 2025: 1.62 million")
    assert "an earlier report" in answer.answer and len(answer.citations) >= 2


def test_the_dated_set_is_mostly_answered_right(dated_engine):
    """Guards the measured level (0.93 when written: 41 of 44, refusals counted as right when due)."""
    right = 0
    for row in QUESTIONS:
        answer = ask(dated_engine, row)
        right += (not answer.answerable) if row["unanswerable"] else contains(answer.answer, tuple(row["answers"]))
    assert right / len(QUESTIONS) >= 0.85, f"{right}/{len(QUESTIONS)}"


def test_when_it_happened_is_not_a_date_it_was_once_set_for_after_the_plans_changed(dated_engine):
    row = next(r for r in QUESTIONS if r["id"] == "aurora-launched-when")  # set for March 21, April 9, April 23
    answer = ask(dated_engine, row)
    assert contains(answer.answer, tuple(row["answers"])) and "April 9" not in answer.answer


def test_a_date_set_once_and_never_changed_answers_when_it_happened(dated_engine):
    row = next(r for r in QUESTIONS if r["id"] == "measles-clinic-when")  # "will open ... on Monday"
    assert contains(ask(dated_engine, row).answer, tuple(row["answers"]))
