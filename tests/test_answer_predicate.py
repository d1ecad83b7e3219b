"""A sentence that uses the question's verb with one of that verb's own nouns says what the question asks about
(spaCy parses and lemmatises both)."""

from __future__ import annotations

import pytest

from bot.answer.predicate import question_predicates, shares_predicate


@pytest.mark.parametrize("question, sentence, shares", [
    ("When did North Korea close its borders?",
     "The decision to close the borders of his beloved land in the early months of 2020 was necessary.", True),
    ("When did North Korea close its borders?",
     "The journey crossed a river that serves as the border between North Korea and Russia.", False),
    ("When did North Korea close its borders?", "The borders were closed in early 2020.", True),  # passive, lemmas
    ("Who did Kim meet in Hanoi?", "In Hanoi, Kim met US President Donald Trump.", True),  # "met" is "meet"
    ("Who did Kim meet in Hanoi?", "Kim's meeting in Hanoi was with US President Donald Trump.", False),  # no verb
    ("Where did Kim travel in 2018?", "In 2018 Kim travelled to Singapore by plane.", True),
    ("What is the train called?", "The train is called the Taeyangho.", False),  # light verbs carry no event
])
def test_a_sentence_shares_the_questions_predicate_only_with_its_verb_and_one_of_its_nouns(
        nlp, question, sentence, shares):
    assert shares_predicate(question_predicates(nlp(question)), nlp(sentence)) is shares


def test_a_question_without_a_verb_of_its_own_has_no_predicate(nlp):
    assert question_predicates(nlp("Who is the leader of North Korea?")) == {}
    assert shares_predicate({}, nlp("Kim Jong Un is the leader of North Korea.")) is False

