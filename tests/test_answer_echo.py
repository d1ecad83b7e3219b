"""An answer is not a name the question already gives: "Who said ... Putin?" is not answered "Putin"."""

from __future__ import annotations

import pytest

from bot.answer.echo import beyond_the_question, echoes, question_names
from bot.answer.qtype import question_profile
from bot.answer.span import candidates

SENTENCE = ("The purpose of this visit is believed to be a meeting with Russian President Vladimir Putin, "
            "as indicated by a U.S. official.")


@pytest.mark.parametrize("question, names", [
    ("Who said the visit was a meeting with Putin?", {("putin",)}),
    ("Which part of China is Dalian in?", {("dalian",)}),  # answered by a part of China
    ("Who did Genghis Khan assign as his successor?", {("genghis", "khan")}),
    ("Which Super Bowl did Roger Goodell speak about?", {("roger", "goodell")}),  # asks about "Super Bowl"
    ("Who is older, Kim or Putin?", set()),  # a choice: the answer is named by the question
])
def test_the_names_a_question_gives(nlp, question, names):
    assert question_names(nlp(question)) == names


@pytest.mark.parametrize("question, sentence, phrase, echoed", [
    ("Who said the visit was a meeting with Putin?", SENTENCE, "Russian President Vladimir Putin", True),
    ("Who said the visit was a meeting with Putin?", SENTENCE, "a U.S. official", False),
    # the same last word names someone else, or the name only qualifies the answer
    ("Who did Genghis Khan assign as his successor?", "Genghis Khan chose Ögedei Khan as his successor.",
     "Ögedei Khan", False),
    ("Who revealed that Putin travels by train?", "It was revealed by Gleb Karakulov, a defector from Putin's "
     "secretive elite security service.", "Gleb Karakulov, a defector from Putin's secretive elite security service",
     False),
])
def test_an_answer_echoes_the_question_when_its_head_is_a_name_the_question_gives(nlp, question, sentence, phrase,
                                                                                  echoed):
    doc = nlp(sentence)
    at = sentence.index(phrase)
    assert echoes(doc, at, at + len(phrase), question_names(nlp(question))) is echoed


@pytest.mark.parametrize("question, sentence, phrase, echoed", [
    # a pair the question's own name is half of
    ("Who will Kim meet in Vladivostok?", "The meeting between the two leaders is likely to take place in Vladivostok.",
     "between the two leaders", True),
    ("Who will Kim meet?", "Both leaders are expected in Vladivostok.", "Both leaders", True),
    ("Who attended the summit?", "The two leaders attended the summit.", "The two leaders", False),  # names no one
    # a title set beside the question's name describes it, in either order
    ("Who will Kim Jong Un meet?", "Kim Jong Un, the current leader of North Korea, has met world leaders.",
     "the current leader of North Korea", True),
    ("Who did Kim Jong-un meet?", "The leader of North Korea, Kim Jong-un, met Chinese President Xi Jinping.",
     "The leader of North Korea, Kim Jong-un", True),
    ("Who did Kim Jong-un meet?", "The leader of North Korea, Kim Jong-un, met Chinese President Xi Jinping.",
     "Chinese President Xi Jinping", False),
])
def test_a_pair_or_a_title_beside_the_questions_name_echoes_it(nlp, question, sentence, phrase, echoed):
    doc = nlp(sentence)
    at = sentence.index(phrase)
    assert echoes(doc, at, at + len(phrase), question_names(nlp(question))) is echoed


def repicked(nlp, question: str, sentence: str, answer: str) -> tuple[str, bool]:
    """``beyond_the_question`` on ``answer``, a span of ``sentence``, among the sentence's candidate phrases."""
    doc = nlp(sentence)
    phrases = candidates(doc, question_profile(question, nlp))
    return beyond_the_question(doc, answer, phrases, question_names(nlp(question)))


def test_a_pair_is_replaced_only_by_a_name_of_its_sentence(nlp):
    question = "Who will Kim meet in Vladivostok?"
    sentence = "According to U.S. reports, the meeting between the two leaders is likely to take place in Vladivostok."
    assert repicked(nlp, question, sentence, "the two leaders") == ("the two leaders", True)


def test_a_name_the_echoed_answer_ran_on_to_replaces_it(nlp):
    question = "What was the name of Watt's partner?"
    sentence = ("The centrifugal governor was adopted by James Watt for use on a steam engine in 1788 after Watt’s "
                "partner Boulton saw one at a flour mill.")
    answer = "James Watt for use on a steam engine in 1788 after Watt’s partner Boulton"
    assert repicked(nlp, question, sentence, answer) == ("Boulton", True)


def test_a_name_question_is_not_answered_with_a_name_it_gives(seed_engine):
    answer = seed_engine.ask("What is the name of the U.S. official who said Kim would meet Putin?")
    assert "Putin" not in answer.answer


def test_the_engine_does_not_answer_who_kim_meets_with_the_pair_he_is_half_of(seed_engine):
    answer = seed_engine.ask("Who will Kim meet in Vladivostok?")
    assert "two leaders" not in answer.answer and "U.S. reports" not in answer.answer


def test_an_echoed_answer_is_replaced_by_another_phrase_of_its_sentence_not_by_a_part_of_it(nlp):
    question = "Who said the visit was a meeting with Putin?"
    assert repicked(nlp, question, SENTENCE, "Russian President Vladimir Putin") == ("a U.S. official", True)
    assert repicked(nlp, question, SENTENCE, "a U.S. official") == ("a U.S. official", False)


def test_the_engine_does_not_answer_with_the_questions_own_name(seed_engine):
    answer = seed_engine.ask("Who said the visit's purpose was a meeting with Putin?")
    assert answer.answerable and answer.answer == "a U.S. official"
    assert "as indicated by a U.S. official" in answer.citations[0].quote


def test_who_is_x_is_answered_by_what_describes_x_even_with_x_in_it(nlp):
    from bot.answer.asked import Asked

    question = "Who is Les Frazier?"
    sentence = "The Jets have interviewed former Bills defensive coordinator Les Frazier for the job."
    doc = nlp(sentence)
    judged = Asked.of(question, nlp(question)).judge(doc, "former Bills defensive coordinator Les Frazier", [], {})
    assert judged.answer == "former Bills defensive coordinator Les Frazier" and judged.fits


def test_an_echoed_answer_gives_way_to_what_the_span_held_beside_the_name_not_to_what_describes_it(nlp):
    question = "Which part of China is Dalian in?"
    sentence = "Kim embarked on his journey to the city of Dalian in northeastern China in 2018."
    assert repicked(nlp, question, sentence, "Dalian in northeastern China")[0] == "northeastern China"
    question = "Which world leaders has Kim Jong Un met on his train?"
    sentence = ("Kim Jong Un, the current leader of North Korea, who is 39 years old, has used his train for meetings "
                "with world leaders, including Russian President Vladimir Putin.")
    answer = "Kim Jong Un, the current leader of North Korea, who is 39 years old"
    other, echoed = repicked(nlp, question, sentence, answer)
    assert echoed and "North Korea" not in other and "39" not in other
