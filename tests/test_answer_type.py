"""An answer has the form its question asks for: money, a speed, a name, an organisation, a count (spaCy only)."""

from __future__ import annotations

import pytest

from bot.answer.answer_type import answer_kind, counted_span, fits, formed_answer, reader_type_features
from bot.answer.qa_model import Reading
from bot.answer.qtype import question_profile
from bot.answer.span import candidates
from bot.answer.answerability import with_the_asked_form
from bot.text import stem


@pytest.mark.parametrize("question, kind", [
    ("How much did Kim's armored train cost to build?", "money"),
    ("What was the price of the ticket?", "money"),
    ("How fast does the train travel?", "speed"),
    ("What is the name of the river on the border?", "name"),
    ("When imperialism impacts social norms of a state, what is it called?", None),
    ("Which company built the train?", "organisation"),
    ("How many trains does North Korea operate?", "count"),
    ("What share of pupils had both doses?", "percent"),
    ("When is the launch scheduled?", "date"),
    ("What is the latest launch date for Aurora-2?", "date"),
    ("Who is Kim expected to meet?", None),
    ("How long is the trip?", "duration"),
    ("How long ago did the trip happen?", None),
    ("Where will Kim meet Putin?", "place"),
    ("How much of the budget went to defence?", None),
    ("How did he travel there?", "means"),
    ("How will Kim get to Russia?", "means"),
    ("What mode of transport did Putin choose?", "means"),
    ("In which city did Kim's 2019 trip to meet Putin begin?", "origin"),
    ("Where did the fire start?", "origin"),
    ("In what year did the plague begin in England?", "date"),
    ("Where did the train set off from?", "origin"),
    ("Where will the summit take place?", "place"),
    ("How did the Mongols come to power?", None),
    ("By what means is imperialism administered?", None),
    ("What is the starting price of the Steam Deck OLED?", "money"),
    ("How much venture funding has Rainforest raised so far?", "money"),
    ("What total revenue did Nike report for the quarter?", "money"),
    ("What time will the Eastern Economic Forum start?", "clock"),
    ("What time period saw the most growth?", None),
    ("Ramon Fernandez is the chief financial officer of which carrier?", "organisation"),
    ("What position are Corrbridge currently in the Premier Division?", "rank"),
    ("What position were they in when the manager was sacked?", "rank"),
    ("Where did the club finish in the league?", "rank"),
    ("What position does Yang hold?", None),  # a post, not a rank
    ("What place did Kim visit?", None),
    ("How often is the Eastern Economic Forum held?", "frequency"),
    ("How many times a year do they meet?", "frequency"),
])
def test_questions_that_say_what_form_their_answer_takes(question, kind):
    assert answer_kind(question) == kind


@pytest.mark.parametrize("kind, sentence, answer, expected", [
    ("money", "The train cost $3 million to build.", "$3 million", True),
    ("money", "The trip takes 20 hours on the train.", "20 hours", False),
    ("speed", "The train travels at 60 kilometres per hour.", "60 kilometres per hour", True),
    ("speed", "Kim may spend 20 hours on his armored train.", "20 hours", False),
    ("name", "The plane is known as \u201cChammae-1,\u201d after a bird.", "Chammae-1", True),
    ("name", "The journey traced the eastern coast before crossing a river.", "the eastern coast", False),
    ("name", "The committee created the 50 fund as its philanthropic initiative.", "the 50 fund", True),
    ("name", "The committee created the 50 fund to help young people.", "the 50 fund", False),
    ("organisation", "The train was built by Hyundai Rotem in 2001.", "Hyundai Rotem", True),
    ("organisation", "He uses a specially designed armored train.", "a specially designed armored train", False),
    ("organisation", "The engine was designed by Anna Petrova in 1990.", "Anna Petrova", False),
    ("count", "North Korea operates three trains.", "three trains", True),
    ("count", "The train is heavily armored.", "heavily armored", False),
    ("percent", "The share stood at 86 percent.", "86 percent", True),
    ("date", "The launch was pushed back to April 23.", "April 23", True),
    ("date", "The Aurora-2 launch was pushed back.", "The Aurora-2 launch", False),
    ("duration", "Kim may spend 20 hours on his armored train.", "20 hours", True),
    ("duration", "The bridge is 5 kilometres long.", "5 kilometres", True),
    ("duration", "The leaders met in Vladivostok in April 2019.", "April 2019", False),
    ("place", "The meeting is likely to take place in the eastern city of Vladivostok.", "the eastern city of Vladivostok",
     True),
    ("place", "The trip is to meet Putin, as indicated by a U.S. official.", "as indicated by a U.S. official", False),
    ("place", "Many hospital pharmacies are within the premises of the hospital.", "the premises of the hospital", True),
    ("place", "His body was returned to his birthplace in Khentii Aimag, where many assume he is buried.", "Khentii Aimag",
     True),
    ("place", "The plan was backed by Anna Petrova in 1990.", "Anna Petrova", False),
    ("means", "It was the first time a leader had traveled abroad by air.", "by air", True),
    ("means", "Kim borrowed a Chinese plane to travel to Singapore.", "a Chinese plane", True),
    ("means", "Kim embarked on his journey to the city of Dalian in 2018.", "the city of Dalian", False),
    ("origin", "The trip commenced in the North Korean capital of Pyongyang.", "the North Korean capital of Pyongyang",
     True),
    ("origin", "They met in Vladivostok, where they previously convened in April 2019.", "Vladivostok", False),
    ("origin", "The train left from Pyongyang at dawn.", "Pyongyang", True),
    ("origin", "The journey began at dawn on Tuesday.", "dawn on Tuesday", False),
    ("clock", "The Steam Deck OLED goes on sale on November 16th at 1pm ET.", "November 16th at 1pm ET", True),
    ("organisation", "CMA CGM Chief Financial Officer Ramon Fernandez told reporters Friday.", "Friday", False),
    ("count", "Man United vs Chelsea final score as Scott McTominay brace gives Ten Hag vital win", "Ten Hag vital win",
     False),  # "Ten" of a name, not a number
    ("count", "McTominay now has six goals this season.", "six goals", True),
    ("clock", "Putin will attend the forum, scheduled from Sunday to Wednesday.", "Sunday to Wednesday", False),
    # "from" tells where only of its own object
    ("origin", "Putin will be in Vladivostok for the forum, scheduled from Sunday to Wednesday.", "Vladivostok", False),
])
def test_an_answer_is_checked_against_the_form_asked_for(nlp, kind, sentence, answer, expected):
    start = sentence.index(answer)
    assert fits(kind, nlp(sentence), start, start + len(answer)) is expected


def test_how_many_takes_the_number_that_counts_the_thing_asked_about(nlp):
    sentence = "North Korea possesses a total of 90 specialized carriages and operates three trains at once."
    doc = nlp(sentence)
    start = sentence.index("90")
    span = counted_span(doc, start, sentence.index(" and"), stem("trains"))
    assert span is not None and sentence[span[0]:span[1]] == "three trains"
    assert counted_span(doc, start, sentence.index(" and"), stem("carriages")) is None  # it counts them already


class _Scored:
    def __init__(self, score: float, fits: bool):
        self.score, self.fits = score, fits


def test_an_answer_without_the_asked_form_is_refused_unless_a_close_runner_up_has_it():
    best, close, far = _Scored(3.0, False), _Scored(2.5, True), _Scored(0.5, True)
    assert with_the_asked_form([best, close, far])[0] is close
    assert with_the_asked_form([best, far]) is None
    assert with_the_asked_form([close, best]) == [close, best]


@pytest.mark.parametrize("question, sentence, reader_answer, expected", [
    ("When is the Aurora-2 launch scheduled?", "CAPE MOREAU, April 8, 2024 \u2014 The launch of the Aurora-2 satellite has "
     "been pushed back a second time, to April 23, because of high winds forecast on Monday.", "because of high winds",
     "April 23"),
    ("What share of Harlow County pupils had both doses of the measles vaccine?", "In Harlow County, the share of pupils "
     "with both doses of the measles, mumps and rubella vaccine stood at 86 percent.", "mumps", "86 percent"),
    ("How did Kim travel to Moscow?", "In 2001 Kim Jong Il went to Moscow by armored train, a trip of nine days.",
     "Kim Jong Il", "by armored train"),
    ("What position were the club in when the manager was sacked?", "The club sacked its manager after a home defeat "
     "left the club 17th in the Premier Division.", "The club sacked its manager", "17th"),  # the rank alone
    ("How often is the forum held?", "Putin will attend the annual Eastern Economic Forum from Sunday to Wednesday.",
     "Sunday to Wednesday", "annual"),  # a frequency, found in the sentence when no phrase of it is one
    ("How often do the leaders meet?", "The two leaders meet twice a year in Beijing.", "Beijing", "twice a year"),
])
def test_an_answer_without_the_asked_form_is_replaced_by_its_sentences_phrase_of_that_form(
        nlp, question, sentence, reader_answer, expected):
    profile = question_profile(question, nlp)
    doc = nlp(sentence)
    answer, stands = formed_answer(doc, reader_answer, candidates(doc, profile), profile)
    assert answer == expected and stands


def test_a_when_answer_with_no_date_anywhere_in_its_sentence_is_kept_but_a_speed_is_not(nlp):
    sentence = "The train left after the summit ended."
    doc = nlp(sentence)
    for question, stands in [("When did the train leave?", True), ("How fast did the train leave?", False)]:
        profile = question_profile(question, nlp)
        assert formed_answer(doc, "after the summit ended", candidates(doc, profile), profile) == (
            "after the summit ended", stands)


def test_a_reader_span_that_cuts_a_date_is_still_a_date(nlp):
    sentence = "The decision to close the borders in the early months of 2020 was necessary."
    doc = nlp(sentence)
    start = sentence.index("early")
    reading = Reading(start, sentence.index(" was"), "early months of 2020", 1.0)
    assert reader_type_features(doc, reading, question_profile("When did North Korea close its borders?", nlp)) == {
        "reader_typed": 1.0}
    necessary = Reading(sentence.index("necessary"), len(sentence) - 1, "necessary", 1.0)
    assert reader_type_features(doc, necessary, question_profile("When did North Korea close its borders?", nlp)) == {
        "reader_untyped": 1.0}
