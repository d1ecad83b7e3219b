""""This mausoleum serves as the final resting place of ...": a sentence that names what it is about only by pointing
back answers "where" through the sentence before it, and the two are cited together."""

from __future__ import annotations

from bot.answer.answer_type import fits
from bot.answer.demonstrative import pointed_noun

BEFORE = ("The symbolic value of these trains is exemplified by a life-sized replica of one of the carriages, which is "
          "permanently on display at a mausoleum situated on the outskirts of Pyongyang.")
POINTING = ("This mausoleum serves as the final resting place for the embalmed bodies of Kim Jong Il, the former "
            "leader, and his esteemed father, Kim Il Sung.")


def test_a_sentence_that_opens_with_this_and_a_noun_points_back_to_that_noun(nlp):
    assert pointed_noun(nlp(POINTING)).text == "mausoleum"
    assert pointed_noun(nlp("This is the final resting place of Kim Il Sung.")) is None  # no noun pointed to
    assert pointed_noun(nlp("The mausoleum serves as the final resting place of Kim Il Sung.")) is None


def test_a_thing_said_to_be_somewhere_answers_where(nlp):
    doc = nlp(BEFORE)
    phrase = "a mausoleum situated on the outskirts of Pyongyang"
    at = BEFORE.index(phrase)
    assert fits("place", doc, at, at + len(phrase))
    assert not fits("place", doc, BEFORE.index("a life-sized replica"), BEFORE.index(" of one"))


def test_where_is_answered_through_the_sentence_the_answering_one_points_back_to(seed_engine):
    answer = seed_engine.ask("Where is Kim Il Sung buried?")
    assert answer.answerable and answer.answer == "a mausoleum situated on the outskirts of Pyongyang"
    quote = answer.citations[0].quote
    assert quote.startswith("The symbolic value") and "This mausoleum serves as the final resting place" in quote
