"""Answers from dated reports: the newest report wins and the answer says as of when; an earlier
report that said something else is mentioned; relative dates in "when" answers are resolved."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from bot.answer.dated import dated_text, newest_report, resolved_when, undated_text


def sentence(answer, score, date, text=None, typed=True):
    return SimpleNamespace(answer=answer, score=score, date=date, typed=typed, text=text or f"It is {answer}.")


def test_a_newer_report_nearly_as_good_as_the_best_wins():
    old, new = sentence("12", 6.0, "2024-05-06"), sentence("27", 4.0, "2024-05-17")
    choice = newest_report([old, new], latest=False)
    assert choice.chosen is new and choice.earlier is old
    assert dated_text(choice, "27", "12") == "As of 17 May 2024: 27 (an earlier report, 6 May: 12)"


def test_a_newer_report_far_worse_than_the_best_does_not_win():
    old, new = sentence("12", 6.0, "2024-05-06"), sentence("27", 2.0, "2024-05-17")
    assert newest_report([old, new], latest=False).chosen is old


def test_latest_questions_reach_further_for_the_newest_report():
    old, new = sentence("12", 6.0, "2024-05-06"), sentence("27", 2.0, "2024-05-17")
    assert newest_report([old, new], latest=True).chosen is new


def test_an_answer_of_the_wrong_kind_never_wins_by_being_newer():
    old, new = sentence("12", 6.0, "2024-05-06"), sentence("the clinic", 5.5, "2024-05-17", typed=False)
    assert newest_report([old, new], latest=True).chosen is old


def test_reports_that_agree_are_not_called_earlier_reports():
    old, new = sentence("41", 6.0, "2024-05-20"), sentence("41", 5.0, "2024-05-31")
    choice = newest_report([old, new], latest=False)
    assert choice.chosen is new and choice.earlier is None
    assert dated_text(choice, "41", None) == "As of 31 May 2024: 41"


def test_undated_evidence_is_answered_as_before():
    best, other = sentence("20 hours", 6.0, None), sentence("a day", 5.9, "2024-05-31")
    choice = newest_report([best, other], latest=True)
    assert choice.chosen is best and dated_text(choice, "20 hours", None) == "20 hours"


@pytest.mark.parametrize("text, short, published, expected", [
    ("The board voted on Wednesday to appoint her.", "Wednesday", "2023-01-12", "on Wednesday, 11 January 2023 (2023-01-11)"),
    ("Tuesday was the day.", "Tuesday", "2023-01-12", "Tuesday, 10 January 2023 (2023-01-10)"),
    ("The line opened yesterday.", "yesterday", "2024-09-08", "yesterday (Saturday, 7 September 2024; 2024-09-07)"),
    ("The first case was confirmed last week.", "last week", "2024-05-06", "last week (29 April – 5 May 2024)"),
    ("The launch is now set for March 21.", "March 21", "2024-03-04", "March 21 (Thursday, 21 March 2024; 2024-03-21)"),
    ("It flew in 2019.", "2019", "2024-03-04", "2019"),  # nothing relative: unchanged
])
def test_a_when_answer_given_as_a_relative_date_keeps_the_reports_words_and_gives_the_day(text, short, published, expected):
    assert resolved_when(sentence(short, 1.0, published, text), short) == expected


@pytest.mark.parametrize("worded, short", [
    ("As of 1 May 2024: Maria Lindqvist", "Maria Lindqvist"),
    ("As of 3 May 2024: 42 (an earlier report, 28 April: 35)", "42"),
    ("Vladivostok", "Vladivostok"),
])
def test_a_follow_up_points_back_to_the_short_answer_not_its_date_wording(worded, short):
    assert undated_text(worded) == short


def test_a_question_naming_a_time_is_answered_from_the_report_of_that_time_not_the_newest():
    from bot.temporal import DateWindow
    february = DateWindow(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    looking_back = sentence("1,150 jobs", 7.8, "2024-05-22", "It will cut 1,150 jobs, up from the 800 it announced in February.")
    then = sentence("800 jobs", 0.5, "2024-02-06", "It will cut 800 jobs this year.")
    assert newest_report([looking_back, then], latest=False, window=february).chosen is then
    assert newest_report([looking_back, then], latest=False).chosen is looking_back  # no window: as before


def test_a_report_of_the_asked_time_far_worse_than_the_best_does_not_win():
    from bot.temporal import DateWindow
    february = DateWindow(dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    best, weak = sentence("1,150", 9.0, "2024-05-22"), sentence("46 million euros", -1.0, "2024-02-06")
    assert newest_report([best, weak], latest=False, window=february).chosen is best


def test_a_date_something_was_only_set_for_gives_way_to_when_it_happened():
    from bot.answer.dated import unplanned_first
    set_for = SimpleNamespace(answer="April 9", score=4.5, planned=True, fits=True)
    reset = SimpleNamespace(answer="April 23", score=3.3, planned=True, fits=True)
    happened = SimpleNamespace(answer="on Wednesday", score=0.9, planned=False, fits=True)
    assert unplanned_first([set_for, reset, happened]) == [happened]
    far = SimpleNamespace(answer="on Wednesday", score=-3.0, planned=False, fits=True)
    assert unplanned_first([set_for, reset, far]) == [set_for, far]  # too far below: the best stays, other plans out
    held = SimpleNamespace(answer="on Thursday", score=2.0, planned=False, fits=True)
    assert unplanned_first([set_for, held])[0] is set_for  # one plan, never changed: it may well have held
