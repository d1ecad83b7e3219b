"""A sentence that uses the question's verb with one of that verb's own nouns says what the question asks about
(spaCy parses and lemmatises both)."""

from __future__ import annotations

import pytest

from bot.answer.predicate import asked_object, asked_possessed, object_of, owner_of, question_predicates, shares_predicate


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



@pytest.mark.parametrize("question, verb", [
    ("What does the railway cross at the border with Russia?", "cross"),  # "cross" tagged a noun, parsed a verb
    ("What did Kim borrow to travel to Singapore?", "borrow"),
    ("What did Sweden do?", None),  # light verbs: the answer is the action, not an object
    ("What is the plane called?", None),
    ("What happened in 2011?", None),  # "what" is the subject
])
def test_a_what_question_may_ask_for_the_object_of_its_verb(nlp, question, verb):
    assert asked_object(nlp(question)) == verb


def test_the_object_of_a_verb_is_the_whole_phrase_it_governs(nlp):
    sentence = ("The journey then proceeded along the country's aged railway system, tracing the eastern coast, "
                "before eventually crossing a river that serves as the border between North Korea and Russia.")
    doc = nlp(sentence)
    start, end = object_of(doc, "cross")
    assert sentence[start:end] == "a river that serves as the border between North Korea and Russia"
    assert object_of(doc, "borrow") is None


def test_a_what_question_about_a_verbs_object_is_answered_with_that_object_not_a_fragment(seed_engine):
    answer = seed_engine.ask("What does the railway cross at the border with Russia?")
    assert answer.answer == "a river that serves as the border between North Korea and Russia"


@pytest.mark.parametrize("question, possessed", [
    ("Which club's Jarrod Bowen and Mohammed Kudus scored to extend Manchester United's run?", "bowen"),
    ("Whose train was laden with French wine?", "train"),
    ("Which club did Jarrod Bowen join?", None),
])
def test_a_question_may_ask_for_the_owner_of_something(nlp, question, possessed):
    assert asked_possessed(nlp(question)) == possessed


def test_the_owner_is_the_possessive_before_the_thing_owned_without_its_s(nlp):
    sentence = "Goals from West Ham’s Jarrod Bowen and Mohammed Kudus extended Manchester United’s miserable run."
    at = owner_of(nlp(sentence), "bowen")
    assert sentence[at[0]:at[1]] == "West Ham"
    assert owner_of(nlp(sentence), "goal") is None
    # "the son of X": the name "of" gives, not the words before it
    son = "Marshall will start freshman Cole Pennington, who is the son of former Marshall star QB Chad Pennington."
    at = owner_of(nlp(son), "son")
    assert son[at[0]:at[1]] == "QB Chad Pennington"


def test_which_clubs_player_is_answered_with_the_club(nlp):
    from bot.answer.asked import Asked

    question = "Which club's Jarrod Bowen and Mohammed Kudus scored to extend Manchester United's miserable run?"
    sentence = ("Goals from West Ham’s Jarrod Bowen and Mohammed Kudus extended Manchester United’s miserable run in "
                "the English Premier League.")
    assert Asked.of(question, nlp(question)).judge(nlp(sentence), "English", [], {}).answer == "West Ham"


def test_the_object_of_a_verb_the_tagger_took_for_a_noun(nlp):
    sentence = ("This arduous and time-consuming route highlights the logistical challenges faced by high-level "
                "diplomatic visits in the region.")
    at = object_of(nlp(sentence), "highlight")
    assert sentence[at[0]:at[1]] == "the logistical challenges faced by high-level diplomatic visits in the region"
