"""Quantities as the question wants them: in the unit it names, and as a change left them."""

from __future__ import annotations

import pytest

from bot.answer.quantity import asked_unit, asks_before_a_change, in_the_unit, numbers, other_count

RANGE = "The plane boasts a maximum range of about 9,200 kilometers (or 5,700 miles), although it never flew that far."


@pytest.mark.parametrize("question, unit", [
    ("What is the maximum range of Kim's plane in miles?", "miles"),
    ("How long is the trip in hours?", "hours"),
    ("What is the maximum range of Kim's plane?", None),
    ("What happened in Vladivostok?", None),
])
def test_a_question_may_name_the_unit_it_wants(question, unit):
    assert asked_unit(question) == unit


@pytest.mark.parametrize("answer, unit, expected", [
    ("about 9,200 kilometers", "miles", "5,700 miles"),
    ("about 9,200 kilometers", "kilometers", "about 9,200 kilometers"),  # already in that unit
    ("about 9,200 kilometers", "feet", "about 9,200 kilometers"),  # the sentence has no other: unchanged
])
def test_an_answer_is_given_in_the_unit_asked_when_the_sentence_has_it(answer, unit, expected):
    assert in_the_unit(RANGE, answer, unit) == expected


@pytest.mark.parametrize("question, before", [
    ("How many jobs is Brightwell still planning to cut?", False),
    ("How many jobs did Brightwell originally plan to cut?", True),
    ("What was the death toll before the update?", True),
])
def test_a_question_may_ask_where_a_change_started(question, before):
    assert asks_before_a_change(question) is before


FOUR = ("Over the course of two years, from 2018 to 2019, Kim Jong-un traveled to China on four separate occasions to "
        "meet with Chinese President Xi Jinping.")
TWO = "Interestingly, two of these trips were made by train, while the other two were made on Kim’s personal jet."


@pytest.mark.parametrize("sentence, answer, expected", [
    (TWO, "two of these trips were made by train, while the other two",
     "two of these trips were made by train, while the other two"),  # a count of its own: kept
    ("Six catches for 163 yards left him with 812 yards through the first four games.",
     "163 yards left him with 812 yards", "163 yards left him with 812 yards"),  # which count is meant: the reader's
    (FOUR, "four separate occasions", None),  # the question's own four, and no other count (years are no count)
    (TWO, "two of these trips", "two of these trips"),
])
def test_a_count_the_question_gives_is_no_answer_to_how_many_of_them(nlp, sentence, answer, expected):
    question = nlp("How many of his four trips to China were by train?")
    assert other_count(nlp(sentence), answer, numbers(question)) == expected
