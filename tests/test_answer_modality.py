"""A question about what is expected is not answered by a report of what happened (bot.answer.modality; spaCy only)."""

from __future__ import annotations

import pytest

from bot.answer.modality import asks_about_the_done, asks_about_the_expected, told_as_past, told_as_planned
from bot.types import Chunk


@pytest.mark.parametrize("question, expected", [
    ("Who is Kim Jong Un expected to meet?", True), ("Where will they meet?", True),
    ("When is the launch scheduled to take place?", True), ("What does Russia plan to buy?", True),
    ("Who did Kim meet in 2018?", False), ("Who is Kim Jong Un?", False), ("Where was the summit held?", False),
])
def test_questions_about_what_is_expected(question, expected):
    assert asks_about_the_expected(question) is expected


@pytest.mark.parametrize("sentence, answer, past", [
    ("In 2018 he met with President Xi Jinping in Dalian.", "President Xi Jinping", True),
    ("Kim traveled to China four times, meeting Chinese President Xi Jinping.", "Chinese President Xi Jinping", True),
    ("Kim has utilized his train for meetings with world leaders such as Putin.", "Putin", True),
    ("The purpose of this visit is believed to be a meeting with Russian President Vladimir Putin.",
     "Russian President Vladimir Putin", False),
    ("The meeting is likely to take place in the eastern city of Vladivostok.", "the eastern city of Vladivostok", False),
    ("Kim may repeat his 2019 journey with a trip to Russia.", "Russia", False),
    ("Kim will meet Putin.", "an answer not in the sentence", False),
])
def test_an_answer_told_in_the_past_tense_or_the_perfect_is_a_report(nlp, sentence, answer, past):
    assert told_as_past(nlp(sentence), answer) is past


@pytest.mark.parametrize("title, index, lead", [
    ("Kim Jong Un may repeat his 2019 journey to Russia", 0, True),
    ("Kim Jong Un may repeat his 2019 journey to Russia", 1, False),
    ("1973 oil crisis", 0, False),
])
def test_only_the_first_chunk_of_a_story_under_a_headline_is_its_lead(title, index, lead):
    chunk = Chunk(id="c", article_id="a", index=index, start=0, end=4, text="Text", title=title)
    assert chunk.opens_story is lead


@pytest.mark.parametrize("question, done", [
    ("When did Aurora-2 launch?", True), ("When was the faulty valve found?", True), ("When did Kim Jong Il die?", True),
    ("When was the launch scheduled?", False), ("When is the launch?", False), ("Who found the valve?", False),
])
def test_questions_about_when_something_happened(question, done):
    assert asks_about_the_done(question) is done


@pytest.mark.parametrize("sentence, answer, planned", [
    ("The launch has been pushed back a second time, to April 23, because of high winds.", "April 23", True),
    ("Kestrel postpones Aurora-2 launch to April 9 after valve fault", "April 9", True),
    ("The satellite had been due to lift off on April 9, a date set after a faulty valve was found.",
     "April 9, a date set after a faulty valve was found", True),
    ("Kestrel Aerospace will launch the satellite on March 21 from Cape Moreau.", "March 21", True),
    ("The fault was found during a fuelling test on Sunday, when a pressure reading rose.", "on Sunday", False),
    ("A rocket lifted off from Cape Moreau at 9:02 a.m. on Wednesday, a day later than planned.", "Wednesday", False),
    ("Kim Jong Il died of a heart attack in 2011.", "2011", False),
])
def test_a_date_something_was_set_for_is_not_when_it_happened(nlp, sentence, answer, planned):
    assert told_as_planned(nlp(sentence), answer) is planned
