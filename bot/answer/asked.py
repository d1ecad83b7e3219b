"""What a question asks, read once from its parse, and what that makes of each candidate sentence.

The extractive answerer scores sentences with a fitted model; what the question itself says about its
answer is applied on top, by hand: the form of the answer ("how long" wants a duration, "where" a place),
what someone did ("What did Sweden do?" -> the verb with its object), who someone is ("Who is Yang
Moo-jin?" -> the whole appositive), and the modality ("Who is Kim expected to meet?" is not answered by
a past meeting; "When did it launch?" not by the date it was once set for).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from bot.answer.answer_type import DEMOTED_KINDS, answer_kind, fits, formed_answer
from bot.answer.definition import as_someone, asked_name, bearer_of, described, which_name
from bot.answer.echo import ECHO_PENALTY, beyond_the_question, echoed_answer, echoes, question_names
from bot.answer.modality import (
    ENDED_FOR_LATEST_PENALTY, LATER_EVENT_PENALTY, PAST_FOR_EXPECTED_PENALTY, PLANNED_FOR_DONE_PENALTY,
    asks_about_the_done, asks_about_the_expected, told_as_ended, told_as_past, told_as_planned, told_of_a_later_event,
)
from bot.answer.predicate import (
    asked_object, asked_possessed, asked_relation, asked_subject, inverted, object_of, owner_of, question_predicates,
    shares_predicate, subject_of,
)
from bot.answer.quantity import after_the_change, asked_unit, asks_before_a_change, in_the_unit, numbers, other_count
from bot.answer.qtype import QuestionProfile, question_profile
from bot.answer.shape import acted, asks_action, located
from bot.answer.wording import asked_description, description
from bot.temporal import question_time
from bot.text import stem

# Set by hand, not fitted: a numeric question ("how long", "when", "how many") answered with a span holding no such
# number is the reader's most common unforced error on news, rarer in SQuAD (the fitted weight would be near zero;
# these values cost 0.3 points of sentence choice there).
READER_TYPE_PRIORS = {"reader_typed": 0.5, "reader_untyped": -3.0}
# "Who won Super Bowl 50?" is not answered by a sentence about Super Bowl XIX, nor "When did Aurora-2 launch?" by one
# about Aurora-1 alone: a sentence naming another instance of a numbered name, and not the asked one, pays this.
OTHER_INSTANCE_PENALTY = 3.0
# "Who was the Carolina Panthers' quarterback?" is not answered by "running back Jonathan Stewart": a name titled
# with another role pays this (set by hand like the modality penalties).
OTHER_ROLE_PENALTY = 2.0
# Set by hand: a sentence that has the verb a "Who <verb> ...?" question asks the subject of, with a named subject (2
# left "Who announced that Kim Jong Il had died?" to a sentence about another account; 3 changes no SQuAD answer)
SUBJECT_PRIOR = 3.0
# Set by hand: "Who was Kim Jong Il's father?" answered by the other end of the relation ("Kim Jong Il, the father of
# Kim Jong Un") is known wrong
INVERTED_PENALTY = 4.0
# Set by hand: a sentence that puts describing words on the thing "How does the writer describe X?" asks about, and
# matches the question about as well as the best (its match at most DESCRIBED_GAP below: "the devastating effects of
# the pandemic" is no answer to "What sort of effect has the border closure had?")
DESCRIBED_PRIOR = 3.0
DESCRIBED_GAP = 0.1
_ROLE = re.compile(r"^\W*(?i:who\s+(?:is|was|are|were)\s+(?:the\s+)?)(?:[^?]*?['’]s?\s+)?(?:current\s+|new\s+|former\s+)?"
                   r"(?P<role>[a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2})\s*\??\s*$")
_COMMA_BREAK = re.compile(r",\s*((?:and|or)\s+)?")
_WORD_BREAK = re.compile(r"\s+(?:and|or)\s+")
_ORDINAL_WORDS = frozenset("first second third fourth fifth sixth last final".split())
_NAME_QUESTIONS = frozenset({"who", "which", "where"})
_TITLE_POS = frozenset({"NOUN", "ADJ", "VERB", "ADV"})
_ORDINALS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "1st": "1", "2nd": "2", "3rd": "3", "4th": "4"}
_PERIOD = re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+(quarter|half)\b|\b([QH])([1-4])\b", re.I)
_ID = r"\b(?:[IVXLC]+|\d{1,3})\b"
_IDS = _ID + r"(?:(?:\s*,\s*|\s*,?\s+(?:and|or|&|to|through)\s+)" + _ID + r")*"
_NUMBERED = re.compile(r"\b((?:[A-Z][\w’']*\s+){0,3}[A-Z][\w’']*)[\s-]+([IVXLC]+|\d{1,3})\b")


@dataclass(frozen=True)
class Judged:
    """What the question's hand-set rules make of one sentence's short answer."""

    answer: str
    fits: bool  # the answer has the form the question asks for (or its lack was paid for in ``prior``)
    planned: bool  # a date something was set for, when the question asks when it happened
    prior: float  # log-odds added to the sentence model's
    described: bool = False  # the answer is the sentence's description of what the question asks described


@dataclass(frozen=True)
class Asked:
    profile: QuestionProfile
    kind: str | None  # the answer's form (``answer_type.answer_kind``)
    action: bool  # "What did X do?"
    expected: bool  # "Who is Kim expected to meet?"
    done: bool  # "When did Aurora-2 launch?"
    named: str | None  # "Who is Yang Moo-jin?" -> "Yang Moo-jin"
    predicates: dict  # the question's verbs with their nouns (``predicate.question_predicates``)
    numbered: tuple = ()  # numbered names it asks about, as (name, number): ("Super Bowl", "50")
    role: str | None = None  # the role a "Who was the team's quarterback?" asks about: "quarterback"
    names: frozenset = frozenset()  # its proper nouns, which its answer is not (``echo.question_names``)
    object_verb: str | None = None  # "What does the railway cross?" asks for the object of "cross"
    ordinals: tuple = ()  # the ordinal nouns it asks about: "the third train" -> (("third", "train"),)
    possessed: str | None = None  # "Which club's Jarrod Bowen ...?" asks for the owner of "bowen"
    subject_verb: tuple | None = None  # "Who reported X?" asks for the subject of "report" (``predicate.asked_subject``)
    words: frozenset = frozenset()  # its words and their lemmas, lowercased
    latest: bool = False  # "Who is currently ...?": what holds now
    which_name: str | None = None  # "Which Kim rode the train?" asks which bearer of the name "Kim"
    unit: str | None = None  # "What is its range in miles?" asks for miles
    numbers: frozenset = frozenset()  # the numbers it gives: "How many of his four trips ...?" -> {"4"}
    before_a_change: bool = False  # "How many jobs were originally to be cut?" asks for the value a change started from
    described: object = None  # "How does the writer describe X?" asks for the words put on X (``wording.Described``)
    relation: tuple | None = None  # "Who was Kim Jong Il's father?" -> ("father", "kim jong il")

    @classmethod
    def of(cls, question: str, doc) -> Asked:
        """``doc``: the question parsed by the answerer's spaCy pipeline."""
        described = asked_description(doc)  # "In what state are the bodies kept?" asks no place
        profile = question_profile(question, lambda _: doc)
        if described:  # nor a head noun other than the described one ("state")
            profile = replace(profile, labels=frozenset(), head=profile.head if profile.head == stem(described.noun) else None)
        return cls(profile, None if described else answer_kind(question),
                   asks_action(question),
                   asks_about_the_expected(question), asks_about_the_done(question), asked_name(question),
                   question_predicates(doc), _numbered(question), _role(question), question_names(doc),
                   asked_object(doc), _ordinal_nouns(doc), asked_possessed(doc), asked_subject(doc), _words(doc),
                   asks_latest(question), which_name(doc), asked_unit(question), numbers(doc),
                   asks_before_a_change(question), described, asked_relation(doc))

    def has_form(self, doc, answer: str) -> bool:
        """``answer`` (a slice of the sentence ``doc``) has the form the question asks for (any, when it names none)."""
        at = doc.text.find(answer)
        return self.kind is None or (at >= 0 and fits(self.kind, doc, at, at + len(answer)))

    def shares_predicate(self, doc) -> bool:
        return shares_predicate(self.predicates, doc)

    def judge(self, doc, answer: str, phrases: list, features: dict) -> Judged:
        """The sentence ``doc``'s short ``answer`` given the form asked for (among its ``phrases`` if need be), and the
        hand-set prior its sentence gets (``features``: the sentence model's, for the reader's type)."""
        echoed = False
        # a name is asked for, and it is not one the question gives ("Who is Les Frazier?" asks about the name it gives:
        # "former Bills defensive coordinator Les Frazier" describes him)
        if (self.profile.wh in _NAME_QUESTIONS or self.kind == "name") and not self.named:
            answer, echoed = beyond_the_question(doc, answer, phrases, self.names)
            phrases = [p for p in phrases if not echoes(doc, p.start, p.end, self.names)]  # nor is a phrase of the form
        answer, fits = formed_answer(doc, answer, phrases, self.profile)
        told = subject_of(doc, self.subject_verb) if self.subject_verb else None
        told = told if told and not echoes(doc, told[0], told[1], self.names) else None
        if told:  # "Who reported X?": the subject of "reported" in the sentence, whatever its kind ("state media"), or
            at = doc.text.find(answer)  # the reader's part of it ("Henry Kissinger" of "US Secretary of State ...")
            inside = at >= 0 and told[0] <= at and at + len(answer) <= told[1] and answer.strip()
            answer, fits = (answer if inside else doc.text[told[0]:told[1]]), True
        answer = self._the_object(doc, answer) if self.object_verb else answer
        answer = self._on_the_ordinal(doc, answer) if self.ordinals else answer
        owner = owner_of(doc, self.possessed) if self.possessed else None
        answer = doc.text[owner[0]:owner[1]] if owner else answer  # "West Ham’s Jarrod Bowen" -> "West Ham"
        answer = acted(doc, answer) if self.action else answer
        answer = answer if self.before_a_change else after_the_change(doc, answer)
        answer = in_the_unit(doc.text, answer, self.unit) if self.unit else answer
        counted = other_count(doc, answer, self.numbers) if self.kind == "count" and self.numbers else answer
        answer = counted or answer
        answer = described(doc, answer, self.named) if self.named else answer
        bearer = bearer_of(doc, answer, self.which_name) if self.which_name else answer
        answer = bearer or answer  # "Which Kim ...?" is answered by a Kim
        answer = as_someone(doc, answer) if self.profile.wh == "who" else answer
        prior = sum(READER_TYPE_PRIORS.get(name, 0.0) for name in features) + (SUBJECT_PRIOR if told else 0.0)
        words = description(doc, self.described, self.words) if self.described else None
        describing = bool(words) and features.get("gap", 0.0) <= DESCRIBED_GAP
        if words:  # "his controversial decision" for "How does the writer describe Putin's choice ...?"
            answer, fits, prior = words, True, prior + (DESCRIBED_PRIOR if describing else 0.0)
        if not fits and self.kind in DEMOTED_KINDS:
            prior, fits = prior - DEMOTED_KINDS[self.kind], True
        prior -= PAST_FOR_EXPECTED_PENALTY if self.expected and told_as_past(doc, answer) else 0.0
        prior -= LATER_EVENT_PENALTY if told_of_a_later_event(doc, answer, self.words) else 0.0
        prior -= ENDED_FOR_LATEST_PENALTY if self.latest and told_as_ended(doc.text, answer) else 0.0
        planned = self.done and told_as_planned(doc, answer)
        prior -= PLANNED_FOR_DONE_PENALTY if planned else 0.0
        # the other instance may be the answer itself ("Which satellite will Aurora-2 replace?" -> "Aurora-1"); one
        # that is not makes the sentence no answer at all (refused unless a close runner-up is about the asked one)
        if self.names_another_instance(doc.text.replace(answer, " ")):
            prior, fits = prior - OTHER_INSTANCE_PENALTY, False
        prior -= OTHER_ROLE_PENALTY if self.role and _titled_otherwise(doc, answer, self.role) else 0.0
        if self.relation and inverted(doc, answer, self.relation):  # "the father of Kim Jong Un" is no father of his
            prior, fits = prior - INVERTED_PENALTY, False
        if bearer is None or counted is None:  # no Kim for "Which Kim?"; no number but those the question gives
            prior, fits = prior - OTHER_ROLE_PENALTY, False
        if echoed:  # re-picked, or nothing else of the sentence could answer
            prior, fits = prior - ECHO_PENALTY, fits and not echoed_answer(doc, answer, self.names)
        return Judged(answer, fits, planned, prior, describing)

    def _the_object(self, doc, answer: str) -> str:
        """For "What does X <verb>?", the object of that verb in the sentence, unless the answer is part of it."""
        found = object_of(doc, self.object_verb)
        at = doc.text.find(answer)
        if found is None or (at >= 0 and found[0] <= at and at + len(answer) <= found[1]):
            return answer
        return doc.text[found[0]:found[1]]

    def _on_the_ordinal(self, doc, answer: str) -> str:
        """"What is the third train used for?" asked of a sentence that lists "an advance train responsible for ...,
        the train housing the leader ..., and a third train designated for accommodating everyone else": an answer
        in another item of the list (one that names the same noun) is replaced by the asked item."""
        at = doc.text.find(answer)
        items = list_items(doc.text)
        mine = next(((a, b) for a, b in items if a <= at and at + len(answer) <= b), None) if at >= 0 else None
        if mine is None:  # the answer runs across items: no single item to replace
            return answer
        for word, noun in self.ordinals:
            naming = [(a, b) for a, b in items if any(t.lemma_.lower() == noun and a <= t.idx < b for t in doc)]
            if mine not in naming:
                continue
            said = next((t for t in doc if t.dep_ == "amod" and (t.lower_, t.head.lemma_.lower()) == (word, noun)), None)
            if said is not None:  # "a third train designated for ..."
                asked = next(((a, b) for a, b in items if a <= said.idx < b), None)
            else:  # "an advance train ..., the train housing the leader ...": the second one named
                place = _ORDINALS.get(word)
                asked = naming[int(place) - 1] if place and int(place) <= len(naming) and len(naming) > 1 else None
            if asked is not None and asked != mine:
                return doc.text[asked[0]:asked[1]]
        return answer

    def names_another_instance(self, sentence: str) -> bool:
        """``sentence`` numbers a name the question numbers ("Super Bowl XIX" for "Super Bowl 50") but never as asked."""
        for name, number in self.numbered:
            if name in ("quarter", "half"):
                found = [number for period, number in _periods(sentence) if period == name]
            else:
                words = r"\s+".join(re.escape(w) for w in name.split())
                runs = re.findall(words + r"s?[\s-]+(" + _IDS + r")\b", sentence)  # "Super Bowls I and II"
                found = [number for run in runs for number in re.findall(_ID, run)]
            if found and number not in found:
                return True
        return False


def asks_latest(question: str) -> bool:
    """"Who is currently ...?", "the latest ...": the newest state is asked for (read the same on any day)."""
    return question_time(question, dt.date(2000, 1, 1)).latest


def _words(doc) -> frozenset:
    return frozenset(t.lower_ for t in doc if not t.is_punct) | frozenset(t.lemma_.lower() for t in doc if not t.is_punct)


def list_items(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` between commas, "and" and "or": the items of any list it holds. With a serial comma
    ("A, B and B2, and C") an "and" inside an item does not end it."""
    commas = [(m.start(), m.end()) for m in _COMMA_BREAK.finditer(text)]
    words = [(m.start(), m.end()) for m in _WORD_BREAK.finditer(text)]
    if commas and _COMMA_BREAK.match(text, commas[-1][0])[1]:  # the last comma has its "and": a serial comma
        cuts = commas
    else:
        cuts = sorted(commas + [w for w in words if not commas or w[0] > commas[-1][0]])
    bounds = [0] + [end for _, end in cuts]
    ends = [start for start, _ in cuts] + [len(text.rstrip(".!?"))]
    return list(zip(bounds, ends))


def _ordinal_nouns(doc) -> tuple:
    """("third", "train") for "the third train" or "the third of the trains" in the question ``doc``."""
    out = []
    for t in doc:
        if t.lower_ not in _ORDINAL_WORDS:
            continue
        if t.dep_ == "amod" and t.head.pos_ == "NOUN":
            out.append((t.lower_, t.head.lemma_.lower()))
        of = [c for p in t.children if p.lower_ == "of" for c in p.children if c.dep_ == "pobj" and c.pos_ == "NOUN"]
        if of:
            out.append((t.lower_, of[0].lemma_.lower()))
    return tuple(out)


def _numbered(question: str) -> tuple:
    """The numbered names of ``question``, and the quarter or half of a year it asks about ("the fourth quarter",
    "Q4": ("quarter", "4")); not "Can I" (a one-word name numbered "I" is the pronoun)."""
    named = [(name, number) for name, number in _NUMBERED.findall(question) if number != "I" or " " in name]
    return tuple(named + _periods(question))


def _periods(text: str) -> list[tuple[str, str]]:
    out = []
    for ordinal, period, letter, digit in _PERIOD.findall(text):
        if ordinal:
            out.append((period.lower(), _ORDINALS[ordinal.lower()]))
        elif digit in "12" or letter.upper() == "Q":
            out.append(("quarter" if letter.upper() == "Q" else "half", digit))
    return out


def _role(question: str) -> str | None:
    found = _ROLE.match(question)
    return found.group("role").split()[-1] if found else None


def _titled_otherwise(doc, answer: str, role: str) -> bool:
    """``answer`` is a name right after a title in lower case that is not ``role`` ("running back Jonathan Stewart")."""
    at, _ = located(doc, answer)
    first = next((t for t in doc if t.idx >= at), None) if at >= 0 else None
    if first is None or not first.text[:1].isupper():
        return False
    title = []
    for token in reversed(doc[:first.i]):
        if not token.text.islower() or token.pos_ not in _TITLE_POS or token.tag_ in ("VBD", "VBZ", "VBP"):
            break
        title.append(token.lower_)
    return bool(title) and role not in title
