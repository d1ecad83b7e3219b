"""Phrasings of seed-article questions a reader asks, each needing one of the answerer's rules about what
is asked: the expected meeting, not the one after it; the subject of the asked verb; which Kim; the unit; a count
the question does not give; a sentence that states the asked relation."""

from __future__ import annotations

import pytest


@pytest.mark.slow
@pytest.mark.parametrize("question, expected, wrong", [
    ("Who is Kim expected to meet?", "Putin", "Xi"),
    ("Who is Kim expected to meet if he goes to Russia?", "Putin", "Xi"),  # Xi is met on the visit after it
    ("Who reported Kim Jong Il's death?", "state media", "Pulikovsky"),
    ("Who announced Kim Jong Il's death?", "state media", "Pulikovsky"),  # "announced" for the article's "reported"
    ("Who announced that Kim Jong Il had died on a train journey?", "state media", "Pulikovsky"),
    ("Which Kim rode the train to Moscow in 2002?", "Kim Jong Il", "Pulikovsky"),
    ("What is the maximum range of Kim's plane in miles?", "5,700 miles", "kilometers"),
    ("How many of his four trips to China were by train?", "two", "four"),  # the question's own four is no answer
    ("How does the writer describe Putin's choice to invade Ukraine?", "controversial", "air travel"),  # the words on it
    ("Who was Kim Jong Il's father?", "Kim Il Sung", "Kim Jong Un"),  # "the father of Kim Jong Un" is the son
    ("What kind of situation has Kim been in since the pandemic measures?", "unprecedented", "devastating"),
])
def test_a_rephrased_question_is_answered_with_what_it_asks(seed_engine, question, expected, wrong):
    answer = seed_engine.ask(question)
    assert answer.answerable and expected in answer.answer and wrong not in answer.answer


@pytest.mark.slow
def test_a_sentence_that_states_the_asked_relation_answers_though_it_names_no_country(seed_engine):
    # "The decision to close the borders of his beloved land in the early months of 2020 ..."
    assert "the early months of 2020" in seed_engine.ask("When did North Korea close its borders?").answer
    assert not seed_engine.ask("When did North Korea not close its borders?").answerable
