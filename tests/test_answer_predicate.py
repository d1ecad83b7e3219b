"""A sentence that uses the question's verb with one of that verb's own nouns says what the question asks about
(spaCy parses and lemmatises both)."""

from __future__ import annotations

import pytest

from bot.answer.predicate import (
    asked_object, asked_possessed, asked_relation, asked_subject, changed_to, inverted, object_of, owner_of, question_predicates, shares_predicate,
    subject_of,
)


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


@pytest.mark.parametrize("sentence, old, new", [
    ("Brightwell has lowered the number of jobs it will cut to 950, from 1,150, after a union deal.", "1,150", "950"),
    ("The death toll rose to 14 from 11 on Friday.", "11", "14"),
])
def test_the_value_a_change_started_from_gives_way_to_the_value_it_went_to(nlp, sentence, old, new):
    start = sentence.index(old)
    found = changed_to(nlp(sentence), start, start + len(old))
    assert found is not None and sentence[found[0]:found[1]] == new


def test_a_value_that_is_no_change_has_no_new_value(nlp):
    sentence = "Brightwell will cut 1,150 jobs from its plant in Carrow."
    start = sentence.index("1,150")
    assert changed_to(nlp(sentence), start, start + len("1,150")) is None


@pytest.mark.parametrize("question, sentence, subject", [
    ("Who reported Kim Jong Il's death?", "In 2011 North Korea’s state media reported Kim Jong Il’s sudden demise.",
     "North Korea’s state media"),
    ("Who announced Kim Jong Il's death?", "In 2011 North Korea’s state media reported Kim Jong Il’s sudden demise.",
     "North Korea’s state media"),  # verbs of telling stand for one another
    ("Who announced Kim Jong Il's death?", "An account by Konstantin Pulikovsky revealed fascinating details.",
     None),  # telling of something else
    ("Who won the title?", "He won the title in 2019.", None),  # a pronoun subject names no one
    ("Who indicated that Kim would meet Vladimir Putin?", "The purpose of this visit is believed to be a meeting with "
     "Russian President Vladimir Putin, as indicated by a U.S. official.", "a U.S. official"),  # the passive's agent
    ("Which player was carried off the pitch by her teammates?", "Anna Berg is carried off the pitch by teammates "
     "Mia Holt and Jo Lund after her last game.", "Anna Berg"),  # a passive question asks the one it was done to
    ("Who was carried off the pitch by her teammates?", "After the final whistle her teammates carried Anna Berg off the "
     "pitch.", "Anna Berg"),  # ... whom the active sentence's verb takes
])
def test_a_who_question_asks_for_the_subject_of_its_verb_told_of_the_same_thing(nlp, question, sentence, subject):
    found = subject_of(nlp(sentence), asked_subject(nlp(question)))
    assert (sentence[found[0]:found[1]] if found else None) == subject


def test_a_who_question_about_a_light_verb_asks_for_no_subject(nlp):
    assert asked_subject(nlp("Who is Kim expected to meet?")) is None
    assert asked_subject(nlp("Who has the record?")) is None


@pytest.mark.parametrize("sentence, answer, expected", [
    ("Kim Jong Il, the father of Kim Jong Un, feared flying.", "Kim Jong Un", True),  # the son
    ("Kim Jong Un's father never flew.", "Kim Jong Un", True),
    ("The mausoleum holds Kim Jong Il and his father, Kim Il Sung.", "Kim Il Sung", False),
    ("Kim Il Sung, the father of Kim Jong Il, founded the state.", "Kim Il Sung", False),  # the relation as asked
])
def test_an_answer_at_the_other_end_of_the_asked_relation_is_inverted(nlp, sentence, answer, expected):
    relation = asked_relation(nlp("Who was Kim Jong Il's father?"))
    assert relation == ("father", "kim jong il")
    assert inverted(nlp(sentence), answer, relation) is expected


def test_a_measure_after_of_is_no_other_end_of_a_relation(nlp):
    relation = asked_relation(nlp("What was Jacksonville's estimated population in 2014?"))
    sentence = nlp("In 2014 the city had an estimated population of 853,382.")
    assert relation == ("population", "jacksonville") and not inverted(sentence, "853,382", relation)
