"""What is expected is not answered by what happened.

News mixes reports of what happened with expectations ("The purpose of this visit is believed to be a
meeting with Putin", "Kim may repeat his 2019 journey"). A question about what is expected ("Who is Kim
Jong Un expected to meet?") matched against both tends to pick a past report that restates more of its
words ("In 2018 ... he met with President Xi Jinping"). For such a question, a sentence that tells its
answer in the past tense ranks lower.
"""

from __future__ import annotations

import re

from bot.answer.shape import located

# Set by hand on the seed article (the past reports outranked the expectation by 0.6 log-odds); SQuAD asks about
# the past and is unchanged.
PAST_FOR_EXPECTED_PENALTY = 2.0

_EXPECTED = re.compile(
    r"\b(?:is|are|was|were)\s+(?:\w+\s+){0,4}?(?:expected|likely|set|scheduled|due|going|planning|poised|slated|"
    r"rumou?red|believed)\s+to\b|\bwill\b|\b(?:plans?|intends?|hopes?)\s+to\b",
    re.I,
)
_PERFECT = frozenset({"have", "has", "had", "having"})
_PAST_AUXILIARIES = frozenset({"did", "was", "were"})


def asks_about_the_expected(question: str) -> bool:
    """"Who is Kim expected to meet?", "Where will they meet?": a question about what is expected to happen."""
    return bool(_EXPECTED.search(question))


def told_as_past(doc, answer: str) -> bool:
    """The short ``answer`` is told by the parsed sentence ``doc`` as what happened: the first verb above it is in the
    past tense or the perfect ("he met with President Xi Jinping", "has utilized his train for meetings with Putin")."""
    at, inside = located(doc, answer)
    if not inside:
        return False
    token = min(inside, key=lambda t: len(list(t.ancestors)))
    for above in [token, *token.ancestors]:  # up to the first finite verb: a participle takes its tense
        if above.pos_ not in ("VERB", "AUX"):
            continue
        auxiliaries = {c.lower_ for c in above.children if c.dep_ in ("aux", "auxpass")} - {"to"}
        if auxiliaries:
            return bool(auxiliaries & (_PERFECT | _PAST_AUXILIARIES))
        if above.tag_ in ("VBD", "VBZ", "VBP"):
            return above.tag_ == "VBD"
    return False


# The converse: "When did Aurora-2 launch?" asks what happened, and a report of the date it was then set for ("pushed
# back to April 23") does not answer it. Set by hand like the penalty above.
PLANNED_FOR_DONE_PENALTY = 2.0
_DONE = re.compile(r"^\W*when\s+(?:did|was|were)\b(?![^?]*\b(?:expected|scheduled|set|planned|due|slated|supposed|"
                   r"meant|intended)\b)", re.I)
_PLANNING = frozenset("postpone delay push move set schedule reschedule plan slate bring put bump".split())
_PLANNED = frozenset("due scheduled set planned slated expected supposed meant".split())
# A verb of these relations heads a clause of its own: a planning verb above it plans something else. A headline's
# "postpones Aurora-2 launch to April 9" parses "launch" as a verb (its object): the walk goes on up to "postpones".
_CLAUSE_HEADS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "conj", "acl", "csubj", "parataxis"})


def asks_about_the_done(question: str) -> bool:
    """"When did Aurora-2 launch?", "When was the valve found?": when something happened, not when it was due."""
    return bool(_DONE.search(question))


def told_as_planned(doc, answer: str) -> bool:
    """The short ``answer`` is a date something was set for, not when it happened: the first verb above it (its date's,
    if it has one) plans ("pushed back to April 23", "set for March 21"), is what was due ("had been due to lift off on
    April 9") or is in the future ("will launch the satellite on March 21")."""
    at, inside = located(doc, answer)
    if not inside:
        return False
    dates = [e.root for e in doc.ents if e.label_ in ("DATE", "TIME") and at <= e.start_char < at + len(answer)]
    token = dates[0] if dates else min(inside, key=lambda t: len(list(t.ancestors)))  # the date, if the answer has one
    for verb in (t for t in token.ancestors if t.pos_ in ("VERB", "AUX")):  # up to its clause's head
        if any(c.lower_ in ("will", "would", "shall") for c in verb.children if c.dep_ in ("aux", "auxpass")):
            return True
        if verb.lemma_.lower() in _PLANNING or (verb.dep_ == "xcomp" and verb.head.lower_ in _PLANNED):
            return True
        if verb.dep_ in _CLAUSE_HEADS:
            return False
    return False


# "Kim's trip to Russia may be followed by a subsequent visit to China, where he would meet with President Xi
# Jinping": Xi belongs to the visit after the trip. A question that says nothing of that later event ("Who is Kim
# expected to meet if he goes to Russia?") is not answered from it. Set by hand like the penalties above.
LATER_EVENT_PENALTY = 3.0
_LATER_EVENT = re.compile(r"\b(?:followed\s+by|subsequent(?:ly)?|afterwards?|thereafter|later\s+(?:visit|trip|stop|"
                          r"meeting|leg))\b", re.I)
_ABOUT_LATER = re.compile(r"\b(?:after|afterwards?|then|next|later|subsequent(?:ly)?|following|followed|thereafter)\b",
                          re.I)
_GENERIC_EVENTS = frozenset("visit trip journey meeting stop leg tour travel summit event".split())


def told_of_a_later_event(doc, answer: str, question_words: frozenset[str]) -> bool:
    """The short ``answer`` is told of an event the sentence ``doc`` puts after another ("may be followed by a
    subsequent visit to China, where he would meet ..."), and the question (its lowercased content words
    ``question_words``) names nothing of that later event: neither "after"/"next" nor a word that describes it."""
    at = doc.text.find(answer)
    marker = next((m for m in _LATER_EVENT.finditer(doc.text, 0, max(at, 0))), None) if at > 0 else None
    if marker is None or _ABOUT_LATER.search(" ".join(question_words)):
        return False
    described = {t.lemma_.lower() for t in doc if marker.end() <= t.idx < at and t.pos_ in ("NOUN", "PROPN")}
    described |= {t.lower_ for t in doc if marker.end() <= t.idx < at and t.pos_ == "PROPN"}
    return not ((described - _GENERIC_EVENTS) & question_words)


# "Who is currently managing Corrbridge?" is not answered by "Corrbridge sacked manager Luis Ferraz": one removed
# from a post, or leaving it, no longer holds it. Set by hand like the penalties above.
ENDED_FOR_LATEST_PENALTY = 5.0  # as sure a sign as the question gives: the post is held by someone else
_REMOVED_BEFORE = re.compile(r"\b(?:sack|fir|remov|oust|dismiss|replac|depos|ax)(?:ed|es|s)\s+(?:[a-z][\w-]*\s+){0,3}$")
# "Ann Marsh resigned", "Marsh, who ran it since 2019, will step down", "The director, Dr. Solheim, has stepped down"
_LEAVING_AFTER = re.compile(r"^\s*,?\s*(?:,[^,]{0,80},\s*)?(?:has\s+|had\s+|have\s+|was\s+|were\s+|will\s+|is\s+to\s+)?"
                            r"(?:been\s+)?(?:resign|quit|step(?:ped|s)?\s+down|stood\s+down|left\b|leaves\b|"
                            r"sacked|fired|removed|ousted|dismissed|replaced)", re.I)


def told_as_ended(text: str, answer: str) -> bool:
    """The sentence ``text`` tells of ``answer`` (someone) being removed from a post or leaving it: "sacked manager
    Luis Ferraz", "removed chief executive Daniel Varga", "Ann Marsh resigned", "Marsh will step down", "the
    director, Dr. Ingrid Solheim, has stepped down"."""
    at = text.find(answer)
    if at < 0 or not answer[:1].isupper():  # a name
        return False
    return bool(_REMOVED_BEFORE.search(text[:at]) or _LEAVING_AFTER.match(text[at + len(answer):]))
