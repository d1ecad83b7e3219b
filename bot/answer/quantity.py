"""Quantities as the question wants them: in the unit it names, and as a change left them.

"What is its maximum range in miles?" is answered by the sentence's "5,700 miles", not the "about 9,200
kilometers" beside it; "How many jobs is it still planning to cut?" by the 950 of "lowered the number of jobs
it will cut to 950, from 1,150", unless the question asks where the change started ("originally", "before").
"""

from __future__ import annotations

import re

from bot.answer.predicate import changed_to
from bot.answer.shape import located
from bot.text import NUMBER_WORDS

_BEFORE_A_CHANGE = re.compile(
    r"\b(?:from|originally|initially|at\s+first|first|previously|before|earlier|prior|old|up\s+from|down\s+from)\b", re.I)


def asks_before_a_change(question: str) -> bool:
    """"How many jobs were originally to be cut?": the value a change started from is asked for."""
    return bool(_BEFORE_A_CHANGE.search(question))


def after_the_change(doc, answer: str) -> str:
    """"to 950, from 1,150": a value changed from is not what the sentence says now."""
    at = doc.text.find(answer)
    found = changed_to(doc, at, at + len(answer)) if at >= 0 else None
    return doc.text[found[0]:found[1]] if found else answer


_UNITS = ("miles|kilometers|kilometres|km|meters|metres|feet|inches|centimeters|centimetres|pounds|lbs|kilograms|kg|tons"
          "|tonnes|litres|liters|gallons|dollars|euros|yen|yuan|rupees|hours|minutes|seconds|days|weeks|months|years"
          "|percent|mph|knots|degrees")
_IN_UNIT = re.compile(rf"\bin\s+(?:terms\s+of\s+)?({_UNITS})\b", re.I)


def asked_unit(question: str) -> str | None:
    found = _IN_UNIT.search(question)
    return found.group(1).lower() if found else None


def in_the_unit(text: str, answer: str, unit: str) -> str:
    """"about 9,200 kilometers" for "... in miles?" gives way to the sentence's "5,700 miles"."""
    stem = unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit  # "mile" of "miles"
    if re.search(rf"\b{stem}", answer, re.I):
        return answer
    found = re.search(rf"(?:(?:about|around|approximately|roughly|nearly|almost|some|over|more\s+than|up\s+to)\s+)?"
                      rf"\d[\d,.]*(?:\s+(?:million|billion|thousand))?[\s-]+{stem}s?\b", text, re.I)
    return found.group(0) if found else answer


_COUNT_WORDS = {**NUMBER_WORDS, "dozen": "12", "hundred": "100"}
_YEAR = re.compile(r"1[89]\d\d|20\d\d")


def numbers(doc) -> frozenset[str]:
    """The numbers a parsed text gives, as digits: "four trips" and "4 trips" both give "4"."""
    return frozenset(_digits(t) for t in doc if t.like_num)


def other_count(doc, answer: str, given: frozenset[str]) -> str | None:
    """For "How many of his four trips were by train?": ``answer`` when it has a number the question did not
    ``given`` ("four separate occasions" has none), else another number of the sentence ``doc`` with what it counts
    ("two of these trips were made by train" -> "two of these trips"); None when the sentence has no other."""
    inside = [t for t in located(doc, answer)[1] if t.like_num]
    if not inside or any(_digits(t) not in given for t in inside):
        return answer
    other = next((t for t in doc if t.like_num and _digits(t) not in given and t.ent_type_ not in ("DATE", "TIME")
                  and not _YEAR.fullmatch(t.text)), None)
    return _count_phrase(doc, other) if other is not None else None


def _digits(token) -> str:
    return _COUNT_WORDS.get(token.lower_, token.text.replace(",", ""))


def _count_phrase(doc, number) -> str:
    """The number with what it counts: "approximately twelve trips", "two of these trips"."""
    if number.dep_ == "nummod" and number.head.i > number.i:
        return doc.text[number.left_edge.idx:number.head.idx + len(number.head.text)]
    words = [t for t in number.subtree if not t.is_punct]
    return doc.text[words[0].idx:words[-1].idx + len(words[-1].text)]
