""""Who is X?" is answered with what the article says X is, whole: the appositive or the copula's complement."""

from __future__ import annotations

import pytest

from bot.answer.definition import as_someone, asked_name, bearer_of, described, which_name


@pytest.mark.parametrize("question, name", [
    ("Who is Yang Moo-jin?", "Yang Moo-jin"),
    ("What is Chammae-1?", "Chammae-1"),
    ("who was Kim Il Sung", "Kim Il Sung"),
    ("Who is the current leader of North Korea?", None),  # asks for a name, does not give one
    ("Who is Kim expected to meet?", None),
    ("What is the name of the plane?", None),
])
def test_a_definition_question_names_what_it_asks_about(question, name):
    assert asked_name(question) == name


@pytest.mark.parametrize("name, sentence, reader_answer, answer", [
    ("Yang Moo-jin", "According to Yang Moo-jin, the president of the University of North Korean Studies in South Korea, "
     "Kim's potential second visit to Russia holds significant implications.", "the president",
     "the president of the University of North Korean Studies in South Korea"),
    ("Gleb Karakulov", "He now uses an armored train, as revealed by Gleb Karakulov, a defector from Putin's secretive "
     "elite security service.", "a defector", "a defector from Putin's secretive elite security service"),
    ("Anna Petrova", "Anna Petrova is a railway engineer from Omsk.", "a railway engineer",
     "a railway engineer from Omsk"),
    # the appositive describes someone else: the reader's span stays
    ("Anna Petrova", "Anna Petrova met Ivan Sokolov, a defector from the security service, in Omsk.", "a defector",
     "a defector"),
])
def test_the_answer_is_the_whole_description_of_the_asked_name(nlp, name, sentence, reader_answer, answer):
    assert described(nlp(sentence), reader_answer, name) == answer


@pytest.mark.parametrize("sentence, answer, someone", [
    ("The meeting between the two leaders is likely to take place in Vladivostok.", "between the two leaders",
     "the two leaders"),
    ("The plan was drawn up by the architect Anna Petrova.", "by the architect Anna Petrova", "the architect Anna Petrova"),
    ("A pharmacy technician once qualified has to register as a professional on the council.",
     "A pharmacy technician once qualified has to register as a professional", "A pharmacy technician once qualified"),
    ("Denver linebacker Von Miller was named Super Bowl MVP.", "Denver linebacker Von Miller", "Denver linebacker Von Miller"),
    ("After a Denver punt, Carolina drove to the 45-yard line.", "After a Denver punt, Carolina drove",
     "After a Denver punt, Carolina drove"),  # a clause that opens with a phrase is left whole
    ("In the 1910s New York–based filmmakers were attracted to Jacksonville.", "New York–based filmmakers were attracted",
     "New York–based filmmakers"),
    ("It is worth noting that Putin is expected to be present in Vladivostok.", "that Putin is expected", "Putin"),
])
def test_a_who_answer_is_a_noun_phrase(nlp, sentence, answer, someone):
    assert as_someone(nlp(sentence), answer) == someone


@pytest.mark.parametrize("question, name", [
    ("Which Kim rode the train to Moscow in 2002?", "Kim"),
    ("Which Kim, unlike his father, sometimes chooses to fly?", "Kim"),
    ("Which American president has Kim met?", None),  # asks for a president: "American" describes it
    ("Which Carolina Panthers wide receiver suffered a torn ACL?", None),
    ("Which city did Kim fly to?", None),
])
def test_a_which_question_may_ask_which_bearer_of_a_name(nlp, question, name):
    assert which_name(nlp(question)) == name


def test_which_kim_is_answered_by_the_kim_of_the_sentence_not_another_name(nlp):
    sentence = ("An account from 2002 by Konstantin Pulikovsky, a Russian official who accompanied Kim Jong Il on a "
                "three-week visit to Moscow, revealed fascinating details.")
    doc = nlp(sentence)
    assert bearer_of(doc, "Konstantin Pulikovsky", "Kim") == "Kim Jong Il"
    assert bearer_of(doc, "Kim Jong Il", "Kim") == "Kim Jong Il"
    assert bearer_of(nlp("Putin rode the train to Moscow."), "Putin", "Kim") is None  # no Kim: no answer
    death = nlp("In 2011 North Korea’s state media reported Kim Jong Il’s sudden demise due to a heart attack.")
    assert bearer_of(death, "Kim Jong Il’s sudden demise", "Kim") == "Kim Jong Il"  # the name, not what it owns
    bowl = nlp("Goodell spoke about the 50th Super Bowl on Sunday.")
    assert bearer_of(bowl, "the 50th Super Bowl", "Bowl") == "the 50th Super Bowl"  # not a person: left whole
