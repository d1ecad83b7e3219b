"""Periods of time written in English ("June 2023", "last week", "on Tuesday", "the first half of
2023", "mid-2019"), resolved to a ``DateWindow`` of calendar days against a reference day.

The reference day is the as-of date for a question, the publication date for an article's own
words. A phrase that leaves the year out means the nearest such period on or before the reference
day, or on or after it when the words around it speak of the future ("will meet on Tuesday").
Pure functions: no clock, no model. This module is the grammar (each form's pattern) and the
scan for the longest period at a position; ``bot.temporal.builders`` turns each form's match into
its window. ``bot.temporal.questions`` builds on them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.temporal.builders import (
    PARTS,
    ago_form,
    bare_month_form,
    day_form,
    decade_form,
    earlier_later_form,
    iso_form,
    month_relative_year_form,
    month_year_form,
    named_day_form,
    rolling_form,
    season_form,
    unit_form,
    weekday_form,
    weekend_form,
    year_form,
)
from bot.temporal.windows import DateWindow, part_of, year_window
from bot.dates import MONTH_PATTERN

_NUMBER = r"(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_YEAR = r"(?:1[89]\d\d|2[01]\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "final": -1, "last": -1}


@dataclass(frozen=True)
class Anchor:
    """A period written at ``text[start:end]``; ``relative`` when it means nothing without a reference day."""

    start: int
    end: int
    window: DateWindow
    relative: bool
    kind: str  # "day", "week", "month", "year", "part", "rolling", ...


@dataclass(frozen=True)
class Reading:
    """How to read a period that leaves its year out: towards the ``future`` or the past, and
    whether a clearly ``nearest`` occurrence overrides that (article text: yes; questions: no, "in
    June" asked in March is last June)."""

    future: bool = False
    nearest: bool = False


# ---- the grammar: each form is a regex at a position and a builder (match, ref, reading) -> window

Builder = Callable[[re.Match, dt.date, Reading], "DateWindow | None"]


@dataclass(frozen=True)
class _Form:
    pattern: re.Pattern
    build: Builder
    relative: bool  # needs the reference day
    bare: bool  # may stand without a preposition ("last week" yes, "2019" and "June" no)
    kind: str
    case_sensitive_month: bool = False  # "May" (the month) only capitalised


_PART_WORDS = (r"(?P<part>early|mid|middle|late|(?:the\s+)?(?:start|beginning|middle|end)\s+of"
               r"|(?:the\s+)?(?:early|first|last|final|closing)\s+(?:months?|weeks?|days?|part)\s+of|(?:the\s+)?(?:early|late)\s+part\s+of)")
_FRACTION = r"(?:the\s+)?(?P<which>first|second|third|fourth|1st|2nd|3rd|4th|final|last)\s+(?P<piece>half|quarter)\s+of\s+"
_SHORT_FRACTION = r"(?P<letter>[QH])(?P<which>[1-4])\s*(?P<y>" + _YEAR + r")\b"

_FORMS: list[_Form] = [
    _Form(re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"), iso_form, False, True, "day"),
    _Form(re.compile(rf"(?:{_WEEKDAY},?\s+)?(?P<month>{MONTH_PATTERN})\s+(?P<d>{_DAY})(?!\d)(?:,?\s+(?P<y>{_YEAR}))?\b", re.I),
          day_form, False, True, "day", case_sensitive_month=True),
    _Form(re.compile(rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<month>{MONTH_PATTERN})(?:,?\s+(?P<y>{_YEAR}))?\b", re.I),
          day_form, False, True, "day", case_sensitive_month=True),
    _Form(re.compile(rf"(?P<month>{MONTH_PATTERN})\s+(?:of\s+)?(?P<y>{_YEAR})\b", re.I), month_year_form, False, True, "month",
          case_sensitive_month=True),
    _Form(re.compile(rf"(?P<month>{MONTH_PATTERN})\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b", re.I),
          month_relative_year_form, True, True, "month", case_sensitive_month=True),
    _Form(re.compile(rf"(?P<month>{MONTH_PATTERN})(?![\w-])", re.I), bare_month_form, True, False, "month", case_sensitive_month=True),
    _Form(re.compile(rf"(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?(?P<decade>1[89]\d0|2[01]\d0)'?s\b", re.I),
          decade_form, False, True, "decade"),
    _Form(re.compile(rf"(?P<y>{_YEAR})(?![\w'-])"), year_form, False, False, "year"),
    _Form(re.compile(rf"(?:the\s+)?(?:(?P<rel>last|this|next)\s+)?(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(?P<y>{_YEAR}))?\b", re.I),
          season_form, True, True, "season"),
    _Form(re.compile(r"the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)|(?:earlier|later)\s+today|today|tonight"
                     r"|this\s+(?:morning|afternoon|evening)|yesterday(?:\s+(?:morning|afternoon|evening))?|last\s+night"
                     r"|tomorrow(?:\s+(?:morning|afternoon|evening|night))?", re.I),
          named_day_form, True, True, "day"),
    _Form(re.compile(r"(?P<the>the\s+)?(?P<rel>last|this|next|coming|past|previous)\s+(?P<unit>week|month|year)(?!\w)", re.I),
          unit_form, True, True, "unit"),
    _Form(re.compile(r"(?:(?P<rel>last|this|next|coming|the)\s+)weekend\b", re.I), weekend_form, True, True, "weekend"),
    _Form(re.compile(rf"(?:the\s+)?(?:past|last|previous)\s+(?P<n>{_NUMBER})\s+(?P<unit>day|week|month|year)s?\b", re.I),
          rolling_form, True, True, "rolling"),
    _Form(re.compile(rf"(?P<n>{_NUMBER})\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I), ago_form, True, True, "ago"),
    _Form(re.compile(rf"(?:(?P<rel>last|this|next|coming)\s+)?(?P<wd>{_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?\b", re.I),
          weekday_form, True, True, "weekday"),
    _Form(re.compile(r"(?P<dir>earlier|later)\s+(?:this|that|in\s+the)\s+(?P<unit>week|month|year)\b", re.I),
          earlier_later_form, True, True, "unit"),
]
_PART = re.compile(_PART_WORDS + r"[\s-]+", re.I)
_FRACTION_RE = re.compile(_FRACTION, re.I)
_SHORT_FRACTION_RE = re.compile(_SHORT_FRACTION)


def anchor_at(text: str, pos: int, ref: dt.date, reading: Reading = Reading(), bare: bool = False) -> Anchor | None:
    """The longest period written at ``text[pos:]``; with ``bare`` only the forms that can stand
    without a preposition (a bare "2019" or "June" is too often something else)."""
    best: Anchor | None = None
    for anchor in _candidates(text, pos, ref, reading, bare):
        if best is None or anchor.end > best.end:
            best = anchor
    return best


def _candidates(text, pos, ref, reading, bare):
    part = _PART.match(text, pos)
    if part:  # "early June", "mid-2019", "the end of last month": a third of what follows
        inner = anchor_at(text, part.end(), ref, reading, bare=False)
        if inner is not None and inner.window.start and inner.window.end and inner.window.start != inner.window.end:
            word = re.findall(r"[a-z]+", part["part"].lower())
            third = PARTS.get(word[1] if word[0] == "the" else word[0], 0)
            yield Anchor(pos, inner.end, part_of(inner.window, third), inner.relative, "part")
    fraction = _FRACTION_RE.match(text, pos)
    if fraction:
        inner = anchor_at(text, fraction.end(), ref, reading, bare=False)
        if inner is not None and inner.window.start and inner.window.end:
            yield _fraction(pos, inner, fraction["which"], fraction["piece"])
    short = _SHORT_FRACTION_RE.match(text, pos)
    if short:
        whole = Anchor(pos, short.end(), year_window(int(short["y"])), False, "year")
        yield _fraction(pos, whole, short["which"], "half" if short["letter"] == "H" else "quarter")
    for form in _FORMS:
        if bare and not form.bare:
            continue
        match = form.pattern.match(text, pos)
        if not match or (match.end() < len(text) and text[match.end() - 1].isalnum() and text[match.end()].isalnum()):
            continue
        if form.case_sensitive_month and match["month"].lower() == "may" and match["month"] != "May":
            continue  # "may" is a verb; only "May" is the month
        if bare and form.kind == "season" and not (match["rel"] or match["y"]):
            continue  # "summer camp": a season alone is a word, "last summer" a time
        try:
            window = form.build(match, ref, reading)
        except (ValueError, OverflowError, KeyError):
            window = None
        if window is not None:  # "March 5" and "in June" need the reference day's year as much as "last week"
            groups = match.groupdict()
            relative = groups["y"] is None if "y" in groups else form.relative
            yield Anchor(pos, match.end(), window, relative, form.kind)


def _fraction(pos: int, inner: Anchor, which: str, piece: str) -> Anchor:
    parts = 2 if piece.lower() == "half" else 4
    index = _ORDINALS[which.lower()] if which[0].isalpha() else int(which)
    index = parts if index == -1 else index
    return Anchor(pos, inner.end, part_of(inner.window, min(index, parts) - 1, parts), inner.relative, "part")
