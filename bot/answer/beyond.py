"""A follow-up asks beyond what was already answered, about what it put in.

"What share was non-Hispanic white in 1970?" -> "75.8%", then "And in 2010?": the sentence that best
matches "... in 2010?" often still reads "down from 75.8% in 1970", and the reader picks the old value
again. A short answer that repeats an answer already given (``Query.given``) is replaced by another
phrase of its sentence (of the asked type first, then the one right after the words the follow-up put
in: "the Seminole called it Wacca Pilatka and the British called it the Cow Ford"), and that sentence
ranks a little lower; a sentence with no other phrase drops out.

What the follow-up put in (``Query.focus``: "Sweden" in "What about Sweden?", "North Carolina" for
"there") is what the answer is about: when some sentence names it, those that do not (nor the
sentence before them, when they open with "he" or "this") rank well below. Nothing changes for a
question with nothing given and no focus.
"""

from __future__ import annotations

import re

from bot.answer.shape import points_back, sentence_before
from bot.text import stem

REPEAT_PENALTY = 1.0  # set by hand: log-odds a sentence loses when its answer had to be re-picked
# Set by hand: log-odds a sentence loses when it is not about what the follow-up put in. What an elliptic follow-up
# swapped in is the very thing asked about; a pronoun's referent is only a participant ("Who held the record before
# him?" is answered by "The past record was held by John Elway", which does not name him).
OFF_FOCUS_PENALTY = {True: 5.0, False: 2.5}
SHORT_ANSWER_WORDS = 4  # a phrase inside a given answer this short repeats it; inside a longer one it need not
MAX_FOCUS_WORDS = 6  # a longer put-in is a whole statement ("after that" -> "after the US pulled out of ..."), no focus
_HEAD_END = re.compile(r"\s+(?:of|who|which|that|whose|from|with)\s+|['\u2019]s\b|,", re.I)
_STOP = frozenset("a an the in on at of to by for from with and or his her its their there about".split())


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


def repeats(answer: str, given: tuple[str, ...]) -> bool:
    """``answer`` holds an answer already given, or is held by a short one (whole words)."""
    mine = _words(answer)
    for g in given:
        theirs = _words(g)
        if not theirs.strip():
            continue
        if theirs in mine or (mine in theirs and len(theirs.split()) <= SHORT_ANSWER_WORDS):
            return True
    return False


def focus_heads(focus: tuple[str, ...], elliptic: bool = False) -> frozenset[str]:
    """The stems that name the phrase put in: the content words before any "of", possessive or clause
    ("Börte of the Onggirat tribe" -> börte, "Chu'Tsai's" -> chu, tsai), of an elliptic follow-up only the last
    ("And the third train?" is about third trains, not trains). None when several phrases were put in ("Where will
    he meet him?": the answer may name neither)."""
    if len(focus) != 1 or len(re.findall(r"\w+", focus[0])) > MAX_FOCUS_WORDS:
        return frozenset()
    words = [stem(w.lower()) for w in _head_words(focus[0])]
    return frozenset(words[-1:] if elliptic else words)


def _head_words(phrase: str) -> list[str]:
    """The content words of ``phrase`` before any "of", possessive or clause, as written."""
    return [w for w in re.findall(r"\w+", _HEAD_END.split(phrase, maxsplit=1)[0]) if w.lower() not in _STOP]


def names_focus(text: str, heads: frozenset[str]) -> bool:
    return any(stem(w) in heads for w in re.findall(r"\w+", text.lower()))


def on_focus(pool: list, sentences: list, focus: tuple[str, ...], elliptic: bool = False) -> list:
    """``pool`` with the sentences not about ``focus`` demoted, when some sentence of it is; best first.
    ``sentences``: all the evidence's sentences (with ``.evidence``, ``.start``, ``.end``, ``.text``), for the
    sentence before one that opens by pointing back ("He", "This")."""
    heads = focus_heads(focus, elliptic)
    if not heads:
        return pool
    about = [s for s in pool if _about(s, sentences, heads)]
    if not about:
        return pool
    for sentence in pool:
        if sentence not in about:
            sentence.score -= OFF_FOCUS_PENALTY[elliptic]
    return sorted(pool, key=lambda s: -s.score)


def _about(sentence, sentences: list, heads: frozenset[str]) -> bool:
    if names_focus(sentence.text, heads):
        return True
    previous = sentence_before(sentence, sentences) if points_back(sentence.text) else None
    return previous is not None and names_focus(previous.text, heads)


def beyond(pool: list, given: tuple[str, ...], focus: tuple[str, ...] = (), elliptic: bool = False) -> list:
    """``pool`` (sentences with ``.answer``, ``.phrases``, ``.text``, ``.score``), best first,
    with no short answer repeating one of ``given``; the focus of an ``elliptic`` follow-up marks where the new
    answer is (right after it)."""
    if not given:
        return pool
    if not elliptic:  # "What country is it in?" of "Hanoi, Vietnam": only Hanoi, what "it" is, was given
        given = tuple(part for g in given for part in [f for f in focus if _words(f).strip() and _words(f) in _words(g)]
                      or [g])
    kept = []
    for sentence in pool:
        if repeats(sentence.answer, given):
            others = [p for p in sentence.phrases if not repeats(p.text, given)]
            if not others:
                continue
            mentions = focus_mentions(sentence.text, focus) if elliptic else []
            sentence.answer = max(others, key=lambda p: _preference(p, mentions)).text
            sentence.score -= REPEAT_PENALTY
        kept.append(sentence)
    return sorted(kept, key=lambda s: -s.score)


def focus_mentions(text: str, focus: tuple[str, ...]) -> list[int]:
    """Where mentions of the phrase put in end in ``text``: its words in a row ("a third train"), else any of them."""
    heads = focus_heads(focus)
    if not heads:
        return []
    words = _head_words(focus[0])
    whole = [m.end() for m in re.finditer(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", text, re.I)]
    return whole or [m.end() for m in re.finditer(r"\w+", text) if stem(m.group().lower()) in heads]


def _preference(phrase, mentions: list[int]) -> tuple:
    """Of the other phrases: one of the asked type, then one not restating the question's verb ("the Cow Ford", not
    "called the Cow Ford"), then a whole constituent ("a construction manager, design engineer or project manager",
    not "manager, design engineer"), then the nearest one after a mention of the focus, then the phrase model's
    score."""
    features = phrase.features or {}
    typed = bool(features.get("typed"))
    fresh = not (features.get("has_anchor") and features.get("verb"))  # a question word, likely its verb
    whole = bool(features.get("constituent"))
    before = [end for end in mentions if end <= phrase.start]
    return typed, fresh, whole, bool(before), -(phrase.start - max(before)) if before else 0, phrase.score


# Set by hand: log-odds a sentence gains for being the one the previous answer cited, or next to it. A follow-up
# ("Whom did he meet?" after "How many times did Kim visit China?") is most often about the same passage.
NEAR_PREVIOUS_PRIOR = 1.0
RESTATED_SHARE = 0.75  # an answer this much made of the question's words restates it ("the United States pulled out")


def near_previous(pool: list, sentences: list, cited: tuple = (), question: str = "") -> list:
    """``pool`` with the sentences the previous answer ``cited`` (``Citation``s: article, start, end), and the
    sentence either side of them, raised a little when their answer has the asked form; best first. Unchanged for a
    question that is no follow-up."""
    if not cited:
        return pool
    ordered = sorted(sentences, key=lambda s: (s.evidence.chunk.article_id, s.start))
    near: set[int] = set()
    for i, sentence in enumerate(ordered):
        article = sentence.evidence.chunk.article_id
        if any(c.article_id == article and sentence.start < c.end and sentence.end > c.start for c in cited):
            near |= {id(s) for s in ordered[max(0, i - 1):i + 2] if s.evidence.chunk.article_id == article}
    if not near:
        return pool
    asked = set(_words(question).split())
    for sentence in pool:  # with an answer of the asked form, not the question's own words: the passage may hold no
        words = _words(sentence.answer).split()  # answer to the follow-up at all
        restated = sum(w in asked for w in words) >= RESTATED_SHARE * len(words)
        sentence.score += NEAR_PREVIOUS_PRIOR if id(sentence) in near and sentence.formed and not restated else 0.0
    return sorted(pool, key=lambda s: -s.score)
