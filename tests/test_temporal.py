"""Time in questions (resolved against an as-of date) and relative dates in article text (resolved
against the article's date): ``bot.temporal.questions`` and the periods under it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.temporal.windows import DateWindow, part_of, year_window
from bot.temporal.questions import question_time, relative_references, resolve_relative

D = dt.date
AS_OF = D(2024, 3, 20)  # a Wednesday


def window(question: str, as_of: dt.date = AS_OF) -> tuple[dt.date | None, dt.date | None] | None:
    found = question_time(question, as_of).window
    return (found.start, found.end) if found else None


@pytest.mark.parametrize(
    "question",
    [
        "What is the latest launch date for Aurora-2?",
        "What is the most recent count of measles cases?",
        "Who heads the port authority now?",
        "Who is currently the chief executive?",
        "Who is the current chief executive?",
        "Is Ellen Marsh still the chief executive?",
        "How many cases have been confirmed so far?",
        "How many cases are there as of today?",
        "Has the rocket launched yet?",
        "When was the last launch attempt?",
        "Who leads the authority today?",
        "What is the newest figure?",
    ],
)
def test_latest_words_ask_for_the_newest_evidence_and_leave_the_search(question):
    intent = question_time(question, AS_OF)
    assert intent.latest and intent.window is None and intent.as_of == AS_OF
    assert len(intent.search_question) < len(question)
    assert intent.describe() == "latest as of 20 March 2024"


@pytest.mark.parametrize(
    "question",
    ["Who knows the route?", "Where is the nowhere train?", "What was the last week of June like for Kim?",
     "How long did the trip take?", "What did the stillness mean?", "May I ask who the minister is?",
     "Kim may travel to Russia: who may he meet?", "Who led the march?"],
)
def test_questions_without_time_have_no_intent(question):
    intent = question_time(question, AS_OF)
    assert not intent.latest and intent.as_of == AS_OF
    if "last week of June" not in question:
        assert intent.window is None and not intent.timed and intent.search_question == question
        assert intent.describe() is None


@pytest.mark.parametrize(
    "question, start, end",
    [
        ("Where did Kim and Putin meet in 2019?", D(2019, 1, 1), D(2019, 12, 31)),
        ("What happened during 2019?", D(2019, 1, 1), D(2019, 12, 31)),
        ("What happened in June 2018?", D(2018, 6, 1), D(2018, 6, 30)),
        ("What happened in June of 2018?", D(2018, 6, 1), D(2018, 6, 30)),
        ("What happened in June?", D(2023, 6, 1), D(2023, 6, 30)),  # the last June on or before as-of
        ("What happened in March?", D(2024, 3, 1), D(2024, 3, 31)),  # as-of falls in March: this March
        ("What happened in May?", D(2023, 5, 1), D(2023, 5, 31)),
        ("What happened on May 5?", D(2023, 5, 5), D(2023, 5, 5)),
        ("What happened on March 5?", D(2024, 3, 5), D(2024, 3, 5)),
        ("What happened on 5 June 2023?", D(2023, 6, 5), D(2023, 6, 5)),
        ("What happened on 2023-06-05?", D(2023, 6, 5), D(2023, 6, 5)),
        ("What happened on Sept. 3, 2023?", D(2023, 9, 3), D(2023, 9, 3)),
        ("What happened yesterday?", D(2024, 3, 19), D(2024, 3, 19)),
        ("What happened last week?", D(2024, 3, 11), D(2024, 3, 17)),
        ("What happened this week?", D(2024, 3, 18), D(2024, 3, 24)),
        ("What happened last month?", D(2024, 2, 1), D(2024, 2, 29)),  # a leap February
        ("How many cases this year?", D(2024, 1, 1), D(2024, 12, 31)),
        ("How many cases last year?", D(2023, 1, 1), D(2023, 12, 31)),
        ("What happened on Tuesday?", D(2024, 3, 19), D(2024, 3, 19)),
        ("What happened on Wednesday?", D(2024, 3, 20), D(2024, 3, 20)),  # as-of is a Wednesday: that day
        ("What happened last Wednesday?", D(2024, 3, 13), D(2024, 3, 13)),
        ("What is planned for next Tuesday?", D(2024, 3, 26), D(2024, 3, 26)),
        ("What will happen on Friday?", D(2024, 3, 22), D(2024, 3, 22)),  # future tense looks forward
        ("What happened three days ago?", D(2024, 3, 17), D(2024, 3, 17)),
        ("What happened two weeks ago?", D(2024, 3, 4), D(2024, 3, 10)),
        ("What happened in the last two weeks?", D(2024, 3, 7), D(2024, 3, 20)),
        ("What happened over the past week?", D(2024, 3, 14), D(2024, 3, 20)),
        ("What happened over the weekend?", D(2024, 3, 16), D(2024, 3, 17)),
        ("What changed between 2019 and 2021?", D(2019, 1, 1), D(2021, 12, 31)),
        ("What happened from June to August 2022?", D(2022, 6, 1), D(2022, 8, 31)),
        ("What happened between March 5 and April 2, 2022?", D(2022, 3, 5), D(2022, 4, 2)),
        ("How many cases before 2020?", None, D(2019, 12, 31)),
        ("Who led the company after March 2021?", D(2021, 4, 1), None),
        ("Who has led it since 2020?", D(2020, 1, 1), None),
        ("What happened until May 2019?", None, D(2019, 5, 31)),
        ("What was the growth in the first half of 2023?", D(2023, 1, 1), D(2023, 6, 30)),
        ("What was the growth in the second half of 2023?", D(2023, 7, 1), D(2023, 12, 31)),
        ("What was the growth in the third quarter of 2023?", D(2023, 7, 1), D(2023, 9, 30)),
        ("What was the growth in Q4 2023?", D(2023, 10, 1), D(2023, 12, 31)),
        ("What happened in early 2020?", D(2020, 1, 1), D(2020, 4, 30)),
        ("What happened in mid-2019?", D(2019, 5, 1), D(2019, 8, 31)),
        ("What happened in late 2019?", D(2019, 9, 1), D(2019, 12, 31)),
        ("What happened in the early months of 2020?", D(2020, 1, 1), D(2020, 4, 30)),
        ("What happened in early June?", D(2023, 6, 1), D(2023, 6, 10)),
        ("What happened in late February 2024?", D(2024, 2, 21), D(2024, 2, 29)),
        ("What happened at the end of last year?", D(2023, 9, 1), D(2023, 12, 31)),
        ("What happened in the summer of 2023?", D(2023, 6, 1), D(2023, 8, 31)),
        ("What happened last summer?", D(2023, 6, 1), D(2023, 8, 31)),
        ("What happened in the winter of 2024?", D(2023, 12, 1), D(2024, 2, 29)),
        ("How many people lived there in the 1990s?", D(1990, 1, 1), D(1999, 12, 31)),
        ("What happened in February 2024?", D(2024, 2, 1), D(2024, 2, 29)),
        ("What happened in February 2023?", D(2023, 2, 1), D(2023, 2, 28)),
    ],
)
def test_time_phrases_become_date_windows(question, start, end):
    assert window(question) == (start, end)


@pytest.mark.parametrize(
    "question, as_of, start, end",
    [
        ("What happened last week?", D(2023, 1, 2), D(2022, 12, 26), D(2023, 1, 1)),  # a Monday: the week before spans New Year
        ("What happened last month?", D(2024, 1, 15), D(2023, 12, 1), D(2023, 12, 31)),
        ("What happened yesterday?", D(2024, 1, 1), D(2023, 12, 31), D(2023, 12, 31)),
        ("What happened in December?", D(2024, 1, 5), D(2023, 12, 1), D(2023, 12, 31)),
        ("What happened in January?", D(2024, 1, 5), D(2024, 1, 1), D(2024, 1, 31)),
        ("What happened on February 29?", D(2025, 6, 1), D(2024, 2, 29), D(2024, 2, 29)),  # the last leap day
        ("What happened on February 29?", D(2024, 2, 28), D(2020, 2, 29), D(2020, 2, 29)),
        ("What happened on December 31?", D(2024, 1, 1), D(2023, 12, 31), D(2023, 12, 31)),
        ("What happened in the past month?", D(2024, 3, 31), D(2024, 3, 1), D(2024, 3, 31)),
        ("What happened last year?", D(2024, 1, 1), D(2023, 1, 1), D(2023, 12, 31)),
        ("What will happen next month?", D(2023, 12, 15), D(2024, 1, 1), D(2024, 1, 31)),
        ("What happened last Sunday?", D(2024, 3, 17), D(2024, 3, 10), D(2024, 3, 10)),
        ("What happened last weekend?", D(2024, 3, 17), D(2024, 3, 9), D(2024, 3, 10)),
    ],
)
def test_windows_across_year_boundaries_and_leap_days(question, as_of, start, end):
    assert window(question, as_of) == (start, end)


def test_as_of_a_date_moves_the_cutoff_earlier_and_asks_for_the_newest_before_it():
    intent = question_time("How many cases had been confirmed as of March 10?", AS_OF)
    assert intent.latest and intent.window is None and intent.as_of == D(2024, 3, 10)
    assert intent.search_question == "How many cases had been confirmed?"
    assert intent.describe() == "latest as of 10 March 2024"
    later = question_time("Who ran the port as of 2025?", AS_OF)  # a cutoff after as-of changes nothing
    assert later.as_of == AS_OF


def test_absolute_periods_stay_in_the_search_question_relative_ones_leave_it():
    assert question_time("Where did Kim and Putin meet in 2019?", AS_OF).search_question == "Where did Kim and Putin meet in 2019?"
    assert question_time("What happened in June 2018?", AS_OF).search_question == "What happened in June 2018?"
    assert question_time("What did the minister say last week?", AS_OF).search_question == "What did the minister say?"
    assert question_time("Currently, who heads the authority?", AS_OF).search_question == "Who heads the authority?"
    assert question_time("How many cases before 2020?", AS_OF).search_question == "How many cases?"


def test_ambiguous_may_is_the_month_only_when_written_as_one():
    assert window("May I ask what happened in May?") == (D(2023, 5, 1), D(2023, 5, 31))
    assert window("Kim may travel in May 2019: where?") == (D(2019, 5, 1), D(2019, 5, 31))
    assert window("What may happen on May 5?") == (D(2023, 5, 5), D(2023, 5, 5))
    assert window("What may happen?") is None
    assert window("What did Kim say in may?") is None  # lower-case "may" is the verb


def test_a_bare_year_or_month_is_not_a_window_without_a_preposition():
    assert window("How many of the 2000 soldiers returned?") is None
    assert window("Who won the 2019 election?") is None
    assert window("What did June Carter sing?") is None


def test_a_window_and_latest_together():
    intent = question_time("Who was the current chief executive in late 2022?", AS_OF)
    assert intent.latest and (intent.window.start, intent.window.end) == (D(2022, 9, 1), D(2022, 12, 31))
    assert intent.describe() == "September\u2013December 2022, latest as of 20 March 2024"


def test_an_event_bound_is_left_for_the_corpus_to_date():
    intent = question_time("What did Kim say before the summit?", AS_OF)
    assert intent.window is None and [(e.relation, e.event) for e in intent.events] == [("before", "the summit")]
    assert intent.timed and intent.search_question == "What did Kim say before the summit?"


def test_publication_window_never_passes_as_of_and_starts_with_a_past_window():
    intent = question_time("What happened in June?", AS_OF)
    assert intent.publication_window() == DateWindow(D(2023, 6, 1), AS_OF)
    assert intent.admits("2023-07-02") and intent.admits("2024-03-20T23:00:00")
    assert not intent.admits("2023-05-31") and not intent.admits("2024-03-21")
    assert intent.admits(None) is None  # undated evidence: the caller decides
    upcoming = question_time("What is planned for next week?", AS_OF)  # plans are published before
    assert upcoming.publication_window() == DateWindow(None, AS_OF)
    assert question_time("Who is the chief executive?", D(2024, 3, 1)).admits("2024-03-02") is False


@pytest.mark.parametrize(
    "start, end, shown",
    [
        (D(2019, 1, 1), D(2019, 12, 31), "2019"),
        (D(2019, 1, 1), D(2021, 12, 31), "2019\u20132021"),
        (D(2023, 6, 1), D(2023, 6, 30), "June 2023"),
        (D(2023, 3, 1), D(2023, 5, 31), "March\u2013May 2023"),
        (D(2022, 12, 1), D(2023, 2, 28), "December 2022 \u2013 February 2023"),
        (D(2023, 6, 5), D(2023, 6, 5), "5 June 2023"),
        (D(2022, 9, 5), D(2022, 9, 11), "5\u201311 September 2022"),
        (D(2022, 9, 26), D(2022, 10, 2), "26 September \u2013 2 October 2022"),
        (D(2022, 12, 26), D(2023, 1, 1), "26 December 2022 \u2013 1 January 2023"),
        (None, D(2019, 12, 31), "until 31 December 2019"),
        (D(2021, 4, 1), None, "since 1 April 2021"),
    ],
)
def test_windows_are_shown_as_people_write_them(start, end, shown):
    assert DateWindow(start, end).describe() == shown


def test_parts_of_a_year_and_of_a_month():
    assert [part_of(year_window(2019), i) for i in range(3)] == [
        DateWindow(D(2019, 1, 1), D(2019, 4, 30)), DateWindow(D(2019, 5, 1), D(2019, 8, 31)),
        DateWindow(D(2019, 9, 1), D(2019, 12, 31))]
    february = DateWindow(D(2024, 2, 1), D(2024, 2, 29))
    assert part_of(february, 2) == DateWindow(D(2024, 2, 21), D(2024, 2, 29))


# ---- relative dates in an article's own words, against its publication date

FRIDAY = D(2022, 9, 16)


@pytest.mark.parametrize(
    "phrase, day",
    [
        ("on Tuesday", D(2022, 9, 13)),  # the example
        ("Tuesday", D(2022, 9, 13)),
        ("on Friday", D(2022, 9, 16)),
        ("last Friday", D(2022, 9, 9)),
        ("this Monday", D(2022, 9, 12)),
        ("next Tuesday", D(2022, 9, 20)),
        ("yesterday", D(2022, 9, 15)),
        ("last night", D(2022, 9, 15)),
        ("today", D(2022, 9, 16)),
        ("this morning", D(2022, 9, 16)),
        ("tomorrow", D(2022, 9, 17)),
        ("the day before yesterday", D(2022, 9, 14)),
        ("two days ago", D(2022, 9, 14)),
        ("on March 5", D(2022, 3, 5)),
        ("on September 20", D(2022, 9, 20)),  # four days on beats a year back, whatever the tense
        ("on September 1", D(2022, 9, 1)),
    ],
)
def test_relative_days_resolve_against_the_article_date(phrase, day):
    assert resolve_relative(phrase, FRIDAY).day == day


@pytest.mark.parametrize(
    "phrase, start, end",
    [
        ("last week", D(2022, 9, 5), D(2022, 9, 11)),
        ("this week", D(2022, 9, 12), D(2022, 9, 18)),
        ("earlier this week", D(2022, 9, 12), D(2022, 9, 15)),
        ("earlier this month", D(2022, 9, 1), D(2022, 9, 15)),
        ("later this month", D(2022, 9, 17), D(2022, 9, 30)),
        ("last month", D(2022, 8, 1), D(2022, 8, 31)),
        ("earlier this year", D(2022, 1, 1), D(2022, 9, 15)),
        ("late last year", D(2021, 9, 1), D(2021, 12, 31)),
        ("over the weekend", D(2022, 9, 10), D(2022, 9, 11)),
        ("in June", D(2022, 6, 1), D(2022, 6, 30)),
    ],
)
def test_relative_ranges_resolve_against_the_article_date(phrase, start, end):
    assert resolve_relative(phrase, FRIDAY) == DateWindow(start, end)


def test_future_readings_look_forward():
    assert resolve_relative("on Tuesday", FRIDAY, future=True).day == D(2022, 9, 20)
    assert resolve_relative("on September 20", FRIDAY, future=True).day == D(2022, 9, 20)
    assert resolve_relative("in June", FRIDAY, future=True) == DateWindow(D(2023, 6, 1), D(2023, 6, 30))


def test_resolve_relative_returns_none_for_what_is_not_a_time():
    assert resolve_relative("the summit", FRIDAY) is None
    assert resolve_relative("on Tuesday and more", FRIDAY) is None


def test_relative_references_in_text_read_the_tense_around_each():
    text = ("The company said on Monday it would launch the rocket on Thursday. The launch, postponed on "
            "Tuesday, will now take place on Friday. The launch was rescheduled for Saturday. Crews met "
            "last week and again yesterday. It was first planned in 2019, and on March 5 the count was 12.")
    found = [(r.text, r.window.describe(), r.future) for r in relative_references(text, FRIDAY)]
    assert found == [
        ("Monday", "12 September 2022", False),
        ("Thursday", "22 September 2022", True),  # "would launch ... on Thursday"
        ("Tuesday", "13 September 2022", False),  # "postponed on Tuesday": when it was postponed
        ("Friday", "16 September 2022", True),
        ("Saturday", "17 September 2022", True),  # "rescheduled for Saturday"
        ("last week", "5\u201311 September 2022", False),
        ("yesterday", "15 September 2022", False),
        ("March 5", "5 March 2022", False),  # "in 2019" is absolute: not a relative reference
    ]
    for ref in relative_references(text, FRIDAY):
        assert text[ref.start:ref.end] == ref.text


def test_relative_references_take_a_string_date_and_a_span():
    text = "Intro. Officials met on Tuesday. Then on Wednesday."
    start = text.index("Officials")
    found = relative_references(text, "2022-09-16T10:00:00+00:00", start, text.index(" Then"))
    assert [(r.text, r.day) for r in found] == [("Tuesday", D(2022, 9, 13))]


def test_may_in_article_text_is_a_month_only_when_it_is_one():
    text = "Officials may decide on Tuesday. The office opened on May 3. May I add one thing?"
    assert [r.text for r in relative_references(text, FRIDAY)] == ["Tuesday", "May 3"]


WORDS = ["in", "on", "the", "last", "next", "this", "early", "late", "mid-", "first", "half", "of", "between", "and",
         "before", "after", "since", "as", "May", "may", "June", "Feb", "29", "31", "2024", "2019", "1990s", "week",
         "weekend", "month", "year", "Tuesday", "yesterday", "ago", "two", "past", "summer", "winter", "Q4", "latest",
         "still", "now", "?", ",", "-", "2023-02-29", "2024-02-29", "quarter", "end", "days", "later", "earlier"]


@settings(max_examples=500, deadline=None, database=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.dates(D(1999, 1, 1), D(2030, 12, 31)))
def test_any_mix_of_time_words_resolves_without_error(words, as_of):
    text = " ".join(words)
    intent = question_time(text, as_of)
    assert intent.as_of <= as_of
    if intent.window is not None:  # DateWindow itself refuses an end before its start
        assert intent.window.describe()
    for found in relative_references(text, as_of):
        assert text[found.start:found.end] == found.text


@pytest.mark.parametrize("text, as_of", [
    ("first quarter of this Tuesday", D(2000, 8, 3)),  # a part of a window shorter than its parts
    ("mid- next weekend", D(2000, 10, 28)),
    ("next winter", D(1999, 12, 31)),  # the winter after one that straddles New Year
])
def test_time_words_found_by_fuzzing_resolve_without_error(text, as_of):
    intent = question_time(text, as_of)
    assert intent.window is None or intent.window.start <= intent.window.end
