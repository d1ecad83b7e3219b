"""A question that names a time ("in February") is answered from the reports of that time, a changed
value is read as what it changed to, and a "when" answer keeps the report's words beside the day."""

from __future__ import annotations

import datetime as dt

import pytest

REPORTS = {
    "cuts-announced.md": """---
title: Fenwick Mills to cut 600 jobs
date: 2024-02-06
---
Fenwick Mills will cut 600 jobs this year, most of them at its spinning plant in Dunmore, the company said.

The company lost 30 million euros last year.
""",
    "cuts-raised.md": """---
title: Fenwick Mills raises job cuts to 900
date: 2024-05-22
---
Fenwick Mills will cut 900 jobs, up from the 600 it announced in February, and will close the Dunmore plant.

The board removed chief executive Anna Brook on Tuesday, two months after she announced the first cuts.
""",
    "cuts-lowered.md": """---
title: Fenwick Mills lowers job cuts after union deal
date: 2024-11-19
---
Fenwick Mills has lowered the number of jobs it will cut to 750, from 900, after an agreement with the union.
""",
}


@pytest.fixture(scope="module")
def dated_engine(tmp_path_factory, models):
    from bot.engine import Engine
    from bot.index import build
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("dated_windows")
    corpus = root / "corpus"
    corpus.mkdir()
    for name, text in REPORTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings().with_overrides(corpus={"dir": corpus}, index={"dir": root / "index"})
    build(settings, models=models)
    return Engine(settings, models)


@pytest.mark.slow
def test_a_question_naming_a_month_is_answered_from_that_months_report(dated_engine):
    answer = dated_engine.ask("How many job cuts did Fenwick Mills announce in February?", as_of=dt.date(2024, 12, 1))
    assert answer.answerable and "600" in answer.answer and "900" not in answer.answer.split("(")[0]
    assert "6 February 2024" in answer.answer


@pytest.mark.slow
def test_the_latest_count_is_what_the_newest_report_changed_it_to(dated_engine):
    answer = dated_engine.ask("How many jobs is Fenwick Mills still planning to cut?", as_of=dt.date(2024, 12, 1))
    assert answer.answerable and answer.answer.startswith("As of 19 November 2024: 750")


@pytest.mark.slow
def test_a_relative_day_is_answered_with_the_reports_words_and_the_day_it_was(dated_engine):
    answer = dated_engine.ask("When did the board remove Anna Brook?", as_of=dt.date(2024, 12, 1))
    assert answer.answerable and "on Tuesday, 21 May 2024 (2024-05-21)" in answer.answer
    assert "two months" not in answer.answer
