"""Regression guard: `bot eval` on the SQuAD v1.1 dev subset (402 questions, 201 paragraphs).

Floors sit a little below what the engine reaches (see the README's quality
table), so a change that costs retrieval or answer quality fails here. Every
citation of every answer must be an exact slice of its article.
"""

from __future__ import annotations

import pytest
from conftest import SQUAD_V1


@pytest.fixture(scope="module")
def squad_v1_eval(squad_v1_settings):
    from bot.evaluate import run

    return run(squad_v1_settings, SQUAD_V1 / "qa.jsonl", SQUAD_V1 / "corpus", index=squad_v1_settings.index.dir)


@pytest.mark.slow
def test_every_citation_on_the_eval_set_is_an_exact_slice_of_its_article(squad_v1_eval):
    metrics, rows = squad_v1_eval
    assert metrics["citation_offsets_ok"] == 1.0
    assert all(all(row["offsets_ok"]) for row in rows)
    assert sum(bool(row["first_citation"]) for row in rows) >= 0.95 * len(rows)


@pytest.mark.slow
def test_retrieval_finds_the_right_paragraph(squad_v1_eval):
    metrics, _ = squad_v1_eval
    assert metrics["n_questions"] == 402
    assert metrics["recall@1"] >= 0.85
    assert metrics["recall@5"] >= 0.96
    assert metrics["mrr"] >= 0.9


@pytest.mark.slow
def test_answers_are_short_and_usually_right(squad_v1_eval):
    metrics, rows = squad_v1_eval
    assert metrics["evidence_accuracy"] >= 0.80  # measured 0.841
    assert metrics["answer_accuracy"] >= 0.68  # measured 0.714
    assert metrics["f1"] >= 0.57  # measured 0.630
    assert metrics["median_answer_words"] <= 6  # measured 3
    refused = [row for row in rows if not row["answerable"]]
    assert len(refused) <= 0.05 * len(rows)  # every question in this set has an answer; measured 3%


@pytest.mark.parametrize("text, gold", [
    ("known as \u201cChammae-1,\u201d named after the goshawk", "Chammae-1"),
    ("the \u2018Chammae-1\u2019 plane", "Chammae-1"),
    ("a long trip \u2014 20 hours", "20 hours"),
])
def test_an_answer_in_curly_quotes_or_beside_a_dash_still_matches_its_gold_answer(text, gold):
    from bot.evaluate import contains

    assert contains(text, (gold,))
