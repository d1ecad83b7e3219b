"""What the question asks, applied to each sentence by hand: another numbered instance, another role (spaCy only)."""

from __future__ import annotations

import pytest

from bot.answer.asked import OTHER_INSTANCE_PENALTY, OTHER_ROLE_PENALTY, Asked
from bot.answer.modality import ENDED_FOR_LATEST_PENALTY, LATER_EVENT_PENALTY
from bot.answer.span import candidates


@pytest.mark.parametrize("question, sentence, other", [
    ("Which team won Super Bowl 50?", "The Bay Area last hosted in 1985 (Super Bowl XIX), won by the home team 49ers.",
     True),
    ("Which team won Super Bowl 50?", "The Denver Broncos defeated the Carolina Panthers to earn their third Super Bowl "
     "title.", False),  # no number: it may be the one asked about
    ("When did Aurora-2 launch?", "Aurora-1, the satellite Aurora-2 will replace, was still working.", False),
    ("When did Aurora-2 launch?", "Aurora-1 was launched in 2009.", True),
    ("Can I see the Boeing 737?", "I saw the Boeing 747 land.", True),
    ("Who was the Most Valuable Player of Super Bowl II?", "Bart Starr (MVP of Super Bowls I and II) appeared.", False),
    ("What was Uber's revenue in the fourth quarter?", "In the third quarter, Uber generated $394 million.", True),
    ("What was Uber's revenue in Q3?", "In the third quarter, Uber generated $394 million.", False),
])
def test_a_sentence_about_another_numbered_instance_is_not_about_the_asked_one(nlp, question, sentence, other):
    asked = Asked.of(question, nlp(question))
    assert asked.names_another_instance(sentence) is other


@pytest.mark.parametrize("question, sentence, answer, penalty", [
    ("Who was the Carolina Panthers' quarterback?", "The backfield featured Pro Bowl running back Jonathan Stewart, "
     "who led the team.", "Jonathan Stewart", OTHER_ROLE_PENALTY),
    ("Who was the Carolina Panthers' quarterback?", "After each team punted, Panthers quarterback Cam Newton appeared "
     "to complete a pass.", "Cam Newton", 0.0),
    ("Which team won Super Bowl 50?", "The Bay Area last hosted Super Bowl XIX, won by the 49ers.", "the 49ers",
     OTHER_INSTANCE_PENALTY),  # and the sentence answers nothing: refused unless a close one is about Super Bowl 50
    ("Who is Kim expected to meet?", "Kim will meet Russian President Vladimir Putin.", "Russian President Vladimir Putin",
     0.0),
    ("Which satellite will Aurora-2 replace?", "The new satellite will take over from Aurora-1 in June.", "Aurora-1", 0.0),
])
def test_the_hand_set_prior_of_a_sentence(nlp, question, sentence, answer, penalty):
    asked = Asked.of(question, nlp(question))
    judged = asked.judge(nlp(sentence), answer, [], {})
    assert judged.answer == answer and judged.prior == -penalty
    assert judged.fits is (penalty != OTHER_INSTANCE_PENALTY)


LATER_VISIT = ("Kim's trip to Russia may be followed by a subsequent visit to China, where he would meet with President "
               "Xi Jinping.")


@pytest.mark.parametrize("question, penalty", [
    ("Who is Kim expected to meet if he goes to Russia?", LATER_EVENT_PENALTY),  # Xi belongs to the later visit
    ("Who would Kim meet in China?", 0.0),  # asked about that later visit
    ("Who would Kim meet after Russia?", 0.0),
])
def test_an_answer_told_of_a_later_event_does_not_answer_a_question_about_the_first(nlp, question, penalty):
    judged = Asked.of(question, nlp(question)).judge(nlp(LATER_VISIT), "President Xi Jinping", [], {})
    assert judged.answer == "President Xi Jinping" and judged.prior == -penalty


THREE_TRAINS = ("These three trains consist of an advance train responsible for meticulously inspecting the rails, the "
                "train housing the leader and his immediate entourage, and a third train designated for accommodating "
                "everyone else.")


def test_an_answer_in_another_item_of_a_list_gives_way_to_the_asked_ordinal_item(nlp):
    sentence = THREE_TRAINS
    question = "What is the third train used for?"
    asked = Asked.of(question, nlp(question))
    doc = nlp(sentence)
    judged = asked.judge(doc, "an advance train responsible for meticulously inspecting the rails", [], {})
    assert judged.answer == "a third train designated for accommodating everyone else"
    # asked about the advance train, or about a first train no item names: the answer stays
    other = "What is the advance train responsible for?"
    assert Asked.of(other, nlp(other)).judge(doc, "meticulously inspecting the rails", [], {}).answer == \
        "meticulously inspecting the rails"
    first = "What does the first train do?"
    assert Asked.of(first, nlp(first)).judge(doc, "an advance train", [], {}).answer == "an advance train"


def test_the_second_of_a_list_is_the_second_item_that_names_the_noun(nlp):
    sentence = THREE_TRAINS
    question = "Who travels on the second of the three trains?"
    asked = Asked.of(question, nlp(question))
    assert asked.ordinals == (("second", "train"),)
    judged = asked.judge(nlp(sentence), "an advance train responsible for meticulously inspecting the rails", [], {})
    assert judged.answer == "the train housing the leader and his immediate entourage"


@pytest.mark.parametrize("text, items", [
    ("a scout, the leader and his staff, and the rest", ["a scout", "the leader and his staff", "the rest"]),
    ("a scout, the leader and the rest", ["a scout", "the leader", "the rest"]),
    ("a scout and the rest", ["a scout", "the rest"]),
])
def test_list_items_keep_an_and_inside_an_item_when_the_list_has_a_serial_comma(text, items):
    from bot.answer.asked import list_items

    assert [text[a:b] for a, b in list_items(text)] == items


def test_a_company_asked_for_is_picked_from_its_sentence_but_not_the_questions_own_name(nlp):
    question = ("Ramon Fernandez, who warned that shipping rates were relatively low, is the chief financial officer "
                "of which carrier?")
    sentence = ("“Each actor will have to be responsible to ensure that the market remains reasonable amid rates that "
                "are relatively low,” CMA CGM Chief Financial Officer Ramon Fernandez told reporters Friday.")
    asked = Asked.of(question, nlp(question))
    doc = nlp(sentence)
    judged = asked.judge(doc, "Each actor", candidates(doc, asked.profile), {})
    assert judged.fits and judged.answer == "CMA CGM"


def test_a_count_is_what_a_change_went_to_unless_the_question_asks_where_it_started(nlp):
    sentence = "Brightwell has lowered the number of jobs it will cut to 950, from 1,150, after reaching a deal."
    now = "How many jobs is Brightwell still planning to cut?"
    assert Asked.of(now, nlp(now)).judge(nlp(sentence), "1,150", [], {}).answer == "950"
    before = "How many jobs was Brightwell originally planning to cut?"
    assert Asked.of(before, nlp(before)).judge(nlp(sentence), "1,150", [], {}).answer == "1,150"


@pytest.mark.parametrize("sentence, answer, ended", [
    ("Corrbridge Athletic sacked manager Luis Ferraz on Sunday.", "Luis Ferraz", True),
    ("The board removed chief executive Daniel Varga on Tuesday.", "Daniel Varga", True),
    ("Harbour chief Ann Marsh resigned on Friday.", "Ann Marsh", True),
    ("Marsh will step down in June.", "Marsh", True),
    ("The director of the mission, Dr. Ingrid Solheim, has stepped down.", "Dr. Ingrid Solheim", True),  # an appositive
    ("Dean Hollis will take charge of the first team as caretaker manager.", "Dean Hollis", False),
])
def test_someone_removed_from_a_post_or_leaving_it_does_not_answer_who_holds_it_now(nlp, sentence, answer, ended):
    question = "Who is currently managing Corrbridge Athletic?"
    judged = Asked.of(question, nlp(question)).judge(nlp(sentence), answer, [], {})
    assert (judged.prior == -ENDED_FOR_LATEST_PENALTY) is ended
    asked_then = "Who managed Corrbridge Athletic?"  # not about now: no penalty
    assert Asked.of(asked_then, nlp(asked_then)).judge(nlp(sentence), answer, [], {}).prior == 0.0
