""""How does the writer describe X?", "What kind of X ...?", "In what state are X ...?" ask for the words the article
puts on X: its mention with its describing words (spaCy only)."""

from __future__ import annotations

import pytest

from bot.answer.asked import Asked
from bot.answer.wording import asked_description, description


@pytest.mark.parametrize("question, noun", [
    ("How does the writer describe Putin's choice to invade Ukraine?", "choice"),
    ("How did officials describe the damage?", "damage"),
    ("What kind of screens are the cars fitted with?", "screen"),
    ("In what state are the bodies kept?", "body"),
])
def test_a_question_asking_for_a_description_names_the_described_thing(nlp, question, noun):
    assert asked_description(nlp(question)).noun == noun


@pytest.mark.parametrize("question", [
    "What kind of plane is Chammae-1?",  # what Chammae-1 is, in its own sentence
    "In what state is Yale?",  # a place
    "How does the article describe Kim Jong Il?",  # a person: no noun to find describing words on
    "Who described the damage?",
    "What did the train carry?",
])
def test_other_questions_ask_for_no_description(nlp, question):
    assert asked_description(nlp(question)) is None


@pytest.mark.parametrize("question, sentence, expected", [
    ("How does the writer describe Putin's choice to invade Ukraine?",  # another noun, the same complement
     "Putin, following his controversial decision to invade Ukraine in early 2022, has opted to avoid air travel.",
     "his controversial decision"),
    ("What kind of screens are the cars fitted with?",  # "screen" inside a compound: the whole mention
     "These carriages are equipped with cutting-edge communication devices and state-of-the-art flat-screen "
     "televisions.", "state-of-the-art flat-screen televisions"),
    ("In what state are the bodies kept?", "The mausoleum holds the embalmed bodies of two leaders.",
     "the embalmed bodies"),
    ("How did officials describe the damage?", "Officials said the damage was limited.", None),  # no describing word on it
    ("How did officials describe the severe damage?", "The severe damage closed the road.", None),  # only the question's
])
def test_the_description_is_the_mention_with_its_describing_words(nlp, question, sentence, expected):
    doc = nlp(question)
    words = frozenset(t.lower_ for t in doc) | frozenset(t.lemma_.lower() for t in doc)
    assert description(nlp(sentence), asked_description(doc), words) == expected


def test_a_described_question_asks_no_place_and_its_describing_sentence_answers(nlp):
    question = "In what state are the bodies of the two leaders kept?"
    asked = Asked.of(question, nlp(question))
    assert asked.kind is None and not asked.profile.labels  # not a US state
    sentence = nlp("This mausoleum serves as the final resting place for the embalmed bodies of the two leaders.")
    judged = asked.judge(sentence, "This mausoleum", [], {"gap": 0.0})
    assert judged.answer == "the embalmed bodies" and judged.described and judged.prior > 0
    far = asked.judge(sentence, "This mausoleum", [], {"gap": 0.3})  # a sentence that matches far worse: no prior
    assert far.answer == "the embalmed bodies" and not far.described and far.prior == 0
