"""Follow-ups resolve to the right thing, or are asked back (bot.chat.rewrite, antecedents, questions, ellipsis).

Each earlier exchange is given as the rewriter sees it (``Exchange``: standalone
question, answer, cited sentence, the passage around it), so these specify the
rewrite independently of how good the answers are. Real spaCy; no index, no
answerer. The sentences come from the seed article and the SQuAD subset.
"""

from __future__ import annotations

import pytest

from bot.chat.antecedents import Exchange
from bot.chat.questions.anatomy import shape
from bot.chat.questions.clauses import clause
from bot.chat.rewrite import fill_clarification, resolve_follow_up, rewrite_follow_up

TRIP_SENTENCE = ("The question of whether Kim could undertake the arduous 20-hour journey by rail once more has become "
                 "a subject of great interest and scrutiny in the media.")
PULIKOVSKY_PASSAGE = (
    "Interestingly, all of these trips were undertaken by train, showcasing his aversion to air travel. "
    "Shedding light on the opulence and extravagance of these trips, an account from 2002 by Konstantin Pulikovsky, "
    "a Russian official who accompanied Kim Jong Il on a three-week visit to Moscow, revealed fascinating details. "
    "The train that transported Kim Jong Il and his entourage was said to be laden with cases of expensive French "
    "wine, and passengers were treated to sumptuous meals featuring delicacies such as fresh lobster."
)
PULIKOVSKY_SENTENCE = PULIKOVSKY_PASSAGE.split(". ")[1] + "."


def lemma(nlp):
    from bot.chat.antecedents import lemma_of

    return lemma_of


# ---- pronouns resolve by kind and role --------------------------------------------------------------------------


def test_he_and_there_resolve_to_the_person_and_place_of_the_trip_not_to_a_place_read_as_a_person(nlp):
    trip = Exchange("How long does the trip to Vladivostok take?", "20-hour", TRIP_SENTENCE, TRIP_SENTENCE)
    assert rewrite_follow_up("Who did he meet there?", [trip], nlp) == "Who did Kim meet in Vladivostok?"


def test_there_names_the_place_an_answer_described(nlp):
    meeting = Exchange("Where did Kim and Putin meet in 2019?", "the eastern city of Vladivostok",
                       "They previously convened in the eastern city of Vladivostok in April 2019.")
    assert rewrite_follow_up("How long did it take him to get there?", [meeting], nlp) == \
        "How long did it take Kim to get to Vladivostok?"


def test_his_goes_to_the_person_the_question_was_about_when_the_passage_says_whose_train(nlp):
    visit = Exchange("How long was Kim Jong Il's visit to Moscow?", "three-week", PULIKOVSKY_SENTENCE, PULIKOVSKY_PASSAGE)
    assert rewrite_follow_up("What did his train carry?", [visit], nlp) == "What did Kim Jong Il's train carry?"


def test_a_person_named_in_the_answer_is_preferred_over_a_group_in_the_question(nlp):
    hired = Exchange("Who did the Broncos hire as their new head coach?", "Gary Kubiak")
    assert rewrite_follow_up("Who did he replace?", [hired], nlp) == "Who did Gary Kubiak replace?"


def test_the_subject_of_the_cited_sentence_outranks_the_person_the_question_asked_for(nlp):
    successor = Exchange("Who did Genghis Khan assign as his successor?", "Ögedei Khan",
                         "Before Genghis Khan died, he assigned Ögedei Khan as his successor.")
    assert rewrite_follow_up("In what year did he die?", [successor], nlp) == "In what year did Genghis Khan die?"


@pytest.mark.parametrize(("previous", "follow_up", "expected"), [
    ("How many trains does North Korea run for its leader?", "What does the first one do?",
     "What does the first train do?"),
    ("What kind of plane does Kim use?", "Which one did Kim Jong Il use?", "Which plane did Kim Jong Il use?"),
    ("Who won the race?", "Was Kim the one who trained hardest?", "Was Kim the one who trained hardest?"),  # "the one who"
])
def test_one_is_the_noun_the_previous_question_asked_about(nlp, previous, follow_up, expected):
    assert rewrite_follow_up(follow_up, [Exchange(previous, "three")], nlp) == expected


def test_it_in_what_kind_of_thing_is_it_points_back_but_not_in_what_time_is_it(nlp):
    named = Exchange("What is the name of Kim's aircraft?", "Chammae-1")
    assert rewrite_follow_up("What kind of plane is it?", [named], nlp) != "What kind of plane is it?"
    assert rewrite_follow_up("What time is it?", [named], nlp) == "What time is it?"


def test_after_who_is_x_he_is_x_not_the_subject_of_the_sentence_that_describes_x(nlp):
    passage = ("On the other hand, Russian President Vladimir Putin has opted to avoid air travel altogether. Instead, "
               "he now exclusively utilizes a specially designed armored train for his journeys, as revealed by Gleb "
               "Karakulov, a defector from Putin's secretive elite security service.")
    described = Exchange("Who is Gleb Karakulov?", "a defector from Putin's secretive elite security service",
                         passage[passage.index("Instead"):], passage)
    assert rewrite_follow_up("What did he reveal?", [described], nlp) == "What did Gleb Karakulov reveal?"


def test_a_pronoun_sentence_subject_is_read_back_into_the_passage(nlp):
    passage = ("Russian President Vladimir Putin has opted to avoid air travel altogether. Instead, he now exclusively "
               "utilizes a specially designed armored train, as revealed by Gleb Karakulov.")
    travel = Exchange("How does the Russian president travel now?", "armored train", passage.split(". ")[1], passage)
    rewritten = rewrite_follow_up("Why did he stop flying?", [travel], nlp)
    assert "Vladimir Putin stop flying" in rewritten and "Karakulov" not in rewritten


def test_he_and_him_in_one_question_are_two_people(nlp):
    meet = Exchange("Who is Kim Jong Un expected to meet in Russia?", "Vladimir Putin")
    assert rewrite_follow_up("Where will he meet him?", [meet], nlp) == "Where will Kim Jong Un meet Vladimir Putin?"


def test_him_is_not_the_named_subject_of_his_own_clause_by_a_longer_name(nlp):
    # the answer as the reader gave it, clipped to open with Kim's full name
    xi = Exchange("Which leader did Kim go to see four times in China?",
                  "Kim Jong-un, traveled to China on four separate occasions to meet with Chinese President Xi Jinping",
                  "Over the course of two years, the leader of North Korea, Kim Jong-un, traveled to China on four "
                  "separate occasions to meet with Chinese President Xi Jinping.")
    assert rewrite_follow_up("When Kim didn't take the train to see him, how did he travel?", [xi], nlp) == (
        "When Kim didn't take the train to see President Xi Jinping, how did he travel?")


def test_it_is_the_place_just_answered_rather_than_an_equally_salient_name(nlp):
    hanoi = Exchange("Which city did Kim ride his train to for two and a half days to see Trump?", "Hanoi, Vietnam",
                     "Additionally, for a meeting with Trump in Hanoi, Vietnam, Kim opted to take his train on a "
                     "two-and-a-half day journey.")
    assert rewrite_follow_up("What country is it in?", [hanoi], nlp) == "What country is Hanoi in?"


def test_it_somewhere_is_a_place_and_a_question_led_in_by_a_statement_asks_its_last_sentences_kind(nlp):
    dalian = Exchange("In 2018 Kim flew abroad to see Xi Jinping. Which city did he go to?", "Dalian in northeastern China",
                      "In a significant diplomatic move, when Kim Jong-un embarked on his journey to the city of Dalian "
                      "in northeastern China in 2018 to meet with President Xi Jinping, it marked a historic occasion.")
    assert rewrite_follow_up("Which part of China is it in?", [dalian], nlp) == "Which part of China is Dalian in?"


def test_her_is_the_person_answered_not_the_one_the_question_says_is_he(nlp):
    married = Exchange("Whom did Temüjin marry when he was around 16?", "Börte")
    assert rewrite_follow_up("Who kidnapped her?", [married], nlp) == "Who kidnapped Börte?"


def test_they_is_a_group_answer_and_them_a_band(nlp):
    attack = Exchange("Which two countries launched a surprise attack on Israel on October 6, 1973?", "Syria and Egypt")
    assert rewrite_follow_up("On which holiday did they attack?", [attack], nlp) == (
        "On which holiday did Syria and Egypt attack?")
    band = Exchange("Which band headlined the Super Bowl 50 halftime show?", "Coldplay")
    assert "Coldplay" in rewrite_follow_up("Which special guests performed with them?", [band], nlp)


def test_it_is_the_thing_or_event_the_question_was_about(nlp):
    fire = Exchange("When did the Great Fire ravage downtown Jacksonville?", "May 3, 1901",
                    "On May 3, 1901, downtown Jacksonville was ravaged by a fire that started as a kitchen fire.")
    assert rewrite_follow_up("How did it start?", [fire], nlp) == "How did the Great Fire start?"
    network = Exchange("Which network broadcast Super Bowl 50 in the U.S.?", "CBS")
    assert rewrite_follow_up("How much did it charge for a commercial?", [network], nlp) == (
        "How much did CBS charge for a commercial?")


def test_that_is_what_the_previous_exchange_established(nlp):
    travel = Exchange("How does Putin travel now?", "armored train")
    assert rewrite_follow_up("Who revealed that?", [travel], nlp) == "Who revealed that Putin travels now by armored train?"
    pulled = Exchange("When did the United States pull out of the Bretton Woods Accord?", "August 15, 1971")
    assert rewrite_follow_up("Which country followed after that?", [pulled], nlp) == (
        "Which country followed after the United States pulled out of the Bretton Woods Accord on August 15, 1971?")


def test_that_with_a_noun_is_the_same_noun_named_before(nlp):
    visit = Exchange("Which Russian official accompanied Kim Jong Il on his visit to Moscow?", "Konstantin Pulikovsky")
    rewritten = rewrite_follow_up("How long was that visit?", [visit], nlp)
    assert rewritten.startswith("How long was") and "visit to Moscow" in rewritten


# ---- "why?", "and when?", "what about X?" -----------------------------------------------------------------------


@pytest.mark.parametrize(("previous", "answer", "follow_up", "expected"), [
    ("What were cut?", "the subsidies", "Why?", "Why were the subsidies cut?"),
    ("Which countries sought to distance themselves from US policy?", "Some European nations and Japan", "Why?",
     "Why did some European nations and Japan seek to distance themselves from US policy?"),
    ("How many soldiers did Genghis Khan gather for the invasion?", "around 100,000", "Why?",
     "Why did Genghis Khan gather around 100,000 soldiers for the invasion?"),
    ("When did Kim close the borders of North Korea?", "2020", "Why?", "Why did Kim close the borders of North Korea?"),
    ("How did Kim Jong Il die?", "a heart attack", "And when?", "When did Kim Jong Il die?"),
    ("What did Inalchuq attack?", "the caravan", "Why did that happen?", "Why did Inalchuq attack the caravan?"),
], ids=["subject-passive", "subject-do-support", "object-how-many", "adverbial", "and-when", "why-did-that-happen"])
def test_a_bare_question_word_asks_the_previous_question_again_with_its_answer_in_place(
        nlp, previous, answer, follow_up, expected):
    assert rewrite_follow_up(follow_up, [Exchange(previous, answer)], nlp) == expected


@pytest.mark.parametrize(("previous", "follow_up", "expected"), [
    ("What was the Panthers' regular season record?", "And the Broncos'?", "What was the Broncos' regular season record?"),
    ("What is the advance train responsible for?", "And the third train?", "What is the third train responsible for?"),
    ("Which work on pharmacology did Al-Biruni write?", "And Sabur Ibn Sahl?",
     "Which work on pharmacology did Sabur Ibn Sahl write?"),
    ("What was the price of oil before the 1973 embargo?", "And by March 1974?", "What was the price of oil by March 1974?"),
    ("Who did the radio play-by-play in Denver?", "What about in North Carolina?",
     "Who did the radio play-by-play in North Carolina?"),
    # another attribute of the same thing: asked of it, not put in brackets after a "how many" that cannot answer it
    ("How many people can Kim's plane carry?", "And its range?", "What is Kim's plane's range?"),
    ("How many trips did Kim Jong Il make abroad?", "And his fears?", "What were Kim Jong Il's fears?"),
], ids=["owner", "same-head-noun", "name", "date", "place", "its-attribute", "his-attribute-past"])
def test_an_elliptic_follow_up_swaps_the_part_of_its_kind(nlp, previous, follow_up, expected):
    assert rewrite_follow_up(follow_up, [Exchange(previous, None)], nlp) == expected


def test_an_elliptic_follow_up_asks_beyond_the_previous_answer_and_the_part_it_swapped_out(nlp):
    previous = Exchange("What did the Seminole call the narrow river crossing at Jacksonville?", "Wacca Pilatka")
    resolution = resolve_follow_up("And the British?", [previous], nlp)
    assert resolution.standalone == "What did the British call the narrow river crossing at Jacksonville?"
    assert resolution.given == ("Wacca Pilatka", "Seminole")
    assert resolution.focus == ("the British",) and resolution.elliptic


def test_a_follow_up_with_a_pronoun_is_about_its_referent_and_asks_beyond_the_previous_answer(nlp):
    """"Who supervises it?" after "Who manages the job?" / "An architect": a new question about the same thing, whose
    answer is someone else; the sentence that answers names the referent (``Query.focus``)."""
    resolution = resolve_follow_up("Who supervises it?", [Exchange("Who normally manages a large-scale construction job?",
                                                                   "An architect")], nlp)
    assert resolution.standalone == "Who supervises a large-scale construction job?"
    assert resolution.given == ("An architect",)
    assert resolution.focus == ("a large-scale construction job",)
    assert not resolution.elliptic
    there = resolve_follow_up("Who called the play-by-play there?",
                              [Exchange("Which radio station carried the game in North Carolina?", "WBT")], nlp)
    assert there.standalone == "Who called the play-by-play in North Carolina?" and there.focus == ("in North Carolina",)


def test_a_question_whose_only_topic_is_a_bare_definite_noun_borrows_the_previous_statement(nlp):
    beat = Exchange("Which team did the Broncos beat in the AFC Championship Game?", "New England Patriots")
    assert rewrite_follow_up("What was the score?", [beat], nlp) == (
        "What was the score (the Broncos beat New England Patriots in the AFC Championship Game)?")
    hanoi = Exchange("Where did Kim meet Trump by train?", "Hanoi, Vietnam")
    assert rewrite_follow_up("How long was the journey?", [hanoi], nlp) == (
        "How long was the journey (Kim met Trump by train in Hanoi)?")
    assert rewrite_follow_up("When was the meeting?", [hanoi], nlp) == (
        "When was the meeting (Kim met Trump by train in Hanoi)?")
    assert rewrite_follow_up("How long was the journey to Hanoi?", [hanoi], nlp) == "How long was the journey to Hanoi?"


def test_a_question_asking_only_a_time_of_that_borrows_the_previous_statement(nlp):
    """"What year was that?", "In which month was that?": the noun is what is asked, not a topic."""
    borrowed = Exchange("Where did Kim borrow a plane from to fly to Singapore?", "China")
    for follow_up in ("What year was that?", "In which month was that?", "When was this?"):
        assert rewrite_follow_up(follow_up, [borrowed], nlp) == (
            follow_up[:-1] + " (Kim borrowed a plane from to fly to Singapore in China)?")
    assert rewrite_follow_up("What does that approach allow for?", [borrowed], nlp) == (
        "What does that approach allow for?")  # a topic of its own: the article may say "this approach" too
    assert rewrite_follow_up("In which month was the forum held?", [borrowed], nlp) == "In which month was the forum held?"


def test_them_points_to_counted_things(nlp):
    """"approximately twelve trips" answers how many; "them" after it is the trips, not nobody."""
    cited = "Throughout his rule, he only made approximately twelve trips abroad, with the majority being to China."
    trips = Exchange("How many times did Kim Jong Il travel abroad?", "approximately twelve trips", cited, cited)
    assert rewrite_follow_up("Where did most of them go?", [trips], nlp) == "Where did most of the trips go?"


def test_he_and_him_point_to_a_person_named_by_role(nlp):
    """"the leader's carriages" mentions the leader, a person: "him" is the leader, not asked back."""
    cars = Exchange("What do the leader's carriages have on board?", None)
    assert rewrite_follow_up("What does that equipment allow him to do?", [cars], nlp) == (
        "What does that equipment allow the leader to do?")
    coach = Exchange("Which team did the coach leave?", "the Wild")
    assert rewrite_follow_up("When was he fired?", [coach], nlp) == "When was the coach fired?"


# ---- nothing fits: ask back --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("previous", "answer", "follow_up", "ask_back"), [
    ("How many trains does North Korea operate when its leader travels?", "three", "Where was he born?",
     "Who do you mean by 'he'?"),
    ("What are most building construction jobs?", "small renovations", "When did she retire?",
     "Who do you mean by 'she'?"),
    ("How many brothers did Temüjin have?", "three", "What is the weather like there?",
     "Where do you mean by 'there'?"),
    ("Where did Kim meet Putin?", None, "Did he travel from there by train?", "Where do you mean by 'there'?"),
])
def test_a_pronoun_with_nothing_of_its_kind_to_point_to_is_asked_back(nlp, previous, answer, follow_up, ask_back):
    resolution = resolve_follow_up(follow_up, [Exchange(previous, answer)], nlp)
    assert resolution.ask_back == ask_back
    assert resolution.standalone == follow_up


def test_nothing_is_asked_back_without_a_previous_exchange_or_when_the_question_names_its_own_person(nlp):
    assert resolve_follow_up("Where was he born?", [], nlp).ask_back is None
    trains = Exchange("How many trains does North Korea operate?", "three")
    assert resolve_follow_up("Did Kim say he would go?", [trains], nlp).ask_back is None


@pytest.mark.parametrize(("reply", "expected"), [
    ("Kim Jong Il", "Where was Kim Jong Il born?"),
    ("I mean Kim Jong Il.", "Where was Kim Jong Il born?"),
    ("What is the capital of France?", None),
    ("Who was the first person to fly across the Atlantic in a balloon and survive?", None),
])
def test_a_reply_naming_someone_fills_the_word_that_was_asked_back(nlp, reply, expected):
    assert fill_clarification("Where was he born?", "he", reply, nlp) == expected


# ---- the clause behind a question --------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "answer", "statement"), [
    ("Who revealed that Putin travels by train?", "Gleb Karakulov", "Gleb Karakulov revealed that Putin travels by train"),
    ("Who was Jacksonville named after?", "Andrew Jackson", "Jacksonville was named after Andrew Jackson"),
    ("In what year was Temüjin elected khan?", "1186", "Temüjin was elected khan in 1186"),
    ("What share of the GDP does the construction industry make up?", "six to nine percent",
     "the construction industry makes up six to nine percent"),
    ("How old is Kim Jong Un?", "39", "Kim Jong Un is 39"),
    ("What is the largest city in Florida?", "Jacksonville", "Jacksonville is the largest city in Florida"),
])
def test_a_question_and_its_answer_read_as_one_statement(nlp, question, answer, statement):
    assert clause(shape(nlp(question)), answer, lemma(nlp)).statement() == statement


def test_it_is_a_thing_before_a_place_when_both_fit_as_well(nlp):
    arrival = ("According to U.S. reports, the meeting between the two leaders is likely to take place in the eastern city "
               "of Vladivostok, where they previously convened in April 2019, with Kim arriving in his distinctive "
               "green-and-yellow train.")
    colours = Exchange("What colours was Kim's train when he pulled into Vladivostok in 2019?",
                       "his distinctive green-and-yellow train", arrival, arrival)
    standalone = rewrite_follow_up("How many hours would a ride on it to Russia take this time?", [colours], nlp)
    assert "Vladivostok" not in standalone and "train" in standalone
