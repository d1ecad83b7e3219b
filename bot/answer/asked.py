"""What a question asks, read once from its parse, and what that makes of each candidate sentence.

The extractive answerer scores sentences with a fitted model; what the question itself says about its
answer is applied on top, by hand: the form of the answer ("how long" wants a duration, "where" a place),
what someone did ("What did Sweden do?" -> the verb with its object), who someone is ("Who is Yang
Moo-jin?" -> the whole appositive), and the modality ("Who is Kim expected to meet?" is not answered by
a past meeting; "When did it launch?" not by the date it was once set for).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer.answer_type import DEMOTED_KINDS, answer_kind, formed_answer
from bot.answer.definition import asked_name, described
from bot.answer.modality import (PAST_FOR_EXPECTED_PENALTY, PLANNED_FOR_DONE_PENALTY, asks_about_the_done,
                                 asks_about_the_expected, told_as_past, told_as_planned)
from bot.answer.predicate import question_predicates, shares_predicate
from bot.answer.qtype import QuestionProfile, question_profile
from bot.answer.shape import acted, asks_action

# Set by hand, not fitted: a numeric question ("how long", "when", "how many") answered with a span holding no such
# number is the reader's most common unforced error on news, rarer in SQuAD (the fitted weight would be near zero;
# these values cost 0.3 points of sentence choice there).
READER_TYPE_PRIORS = {"reader_typed": 0.5, "reader_untyped": -3.0}


@dataclass(frozen=True)
class Judged:
    """What the question's hand-set rules make of one sentence's short answer."""

    answer: str
    fits: bool  # the answer has the form the question asks for (or its lack was paid for in ``prior``)
    planned: bool  # a date something was set for, when the question asks when it happened
    prior: float  # log-odds added to the sentence model's


@dataclass(frozen=True)
class Asked:
    profile: QuestionProfile
    kind: str | None  # the answer's form (``answer_type.answer_kind``)
    action: bool  # "What did X do?"
    expected: bool  # "Who is Kim expected to meet?"
    done: bool  # "When did Aurora-2 launch?"
    named: str | None  # "Who is Yang Moo-jin?" -> "Yang Moo-jin"
    predicates: dict  # the question's verbs with their nouns (``predicate.question_predicates``)

    @classmethod
    def of(cls, question: str, doc) -> Asked:
        """``doc``: the question parsed by the answerer's spaCy pipeline."""
        return cls(question_profile(question, lambda _: doc), answer_kind(question), asks_action(question),
                   asks_about_the_expected(question), asks_about_the_done(question), asked_name(question),
                   question_predicates(doc))

    def shares_predicate(self, doc) -> bool:
        return shares_predicate(self.predicates, doc)

    def judge(self, doc, answer: str, phrases: list, features: dict) -> Judged:
        """The sentence ``doc``'s short ``answer`` given the form asked for (among its ``phrases`` if need be), and the
        hand-set prior its sentence gets (``features``: the sentence model's, for the reader's type)."""
        answer, fits = formed_answer(doc, answer, phrases, self.profile)
        answer = acted(doc, answer) if self.action else answer
        answer = described(doc, answer, self.named) if self.named else answer
        prior = sum(READER_TYPE_PRIORS.get(name, 0.0) for name in features)
        if not fits and self.kind in DEMOTED_KINDS:
            prior, fits = prior - DEMOTED_KINDS[self.kind], True
        prior -= PAST_FOR_EXPECTED_PENALTY if self.expected and told_as_past(doc, answer) else 0.0
        planned = self.done and told_as_planned(doc, answer)
        prior -= PLANNED_FOR_DONE_PENALTY if planned else 0.0
        return Judged(answer, fits, planned, prior)
