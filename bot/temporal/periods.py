"""Periods of time written in English ("June 2023", "last week", "on Tuesday", "the first half of
2023", "mid-2019"), resolved to a ``DateWindow`` of calendar days against a reference day.

The reference day is the as-of date for a question, the publication date for an article's own
words. A phrase that leaves the year out means the nearest such period on or before the reference
day, or on or after it when the words around it speak of the future ("will meet on Tuesday").
Pure functions: no clock, no model. ``bot.temporal.questions`` builds on them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.temporal.windows import (
    ONE_DAY,
    DateWindow,
    add_months,
    month_end,
    month_window,
    nearest_day,
    nearest_month,
    nearest_weekday,
    part_of,
    pick_side,
    week_window,
    year_window,
)
from bot.dates import MONTH_PATTERN, MONTHS, WEEKDAYS

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_NUMBER = r"(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_YEAR = r"(?:1[89]\d\d|2[01]\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_PARTS = {"early": 0, "start": 0, "beginning": 0, "first": 0, "mid": 1, "middle": 1, "late": 2, "end": 2, "last": 2,
          "final": 2, "closing": 2}
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


def _num(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _day_form(m, ref, reading):
    month, day = _month(m["month"]), int(re.match(r"\d+", m["d"]).group())
    if m["y"]:
        try:
            return DateWindow(dt.date(int(m["y"]), month, day), dt.date(int(m["y"]), month, day))
        except ValueError:
            return None
    before, after = nearest_day(month, day, ref, False), nearest_day(month, day, ref, True)
    return pick_side(before and _single(before), after and _single(after), ref, reading.future, reading.nearest)


def _iso_form(m, ref, reading):
    try:
        day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    return DateWindow(day, day)


def _month_year_form(m, ref, reading):
    return month_window(int(m["y"]), _month(m["month"]))


def _month_relative_year_form(m, ref, reading):
    year = ref.year + {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
    return month_window(year, _month(m["month"]))


def _bare_month_form(m, ref, reading):
    month = _month(m["month"])
    before, after = (month_window(nearest_month(month, ref, side), month) for side in (False, True))
    return pick_side(before, after, ref, reading.future, reading.nearest)


def _year_form(m, ref, reading):
    return year_window(int(m["y"]))


def _decade_form(m, ref, reading):
    first = int(m["decade"])
    window = DateWindow(dt.date(first, 1, 1), dt.date(first + 9, 12, 31))
    return part_of(window, _PARTS[m["part"].lower()]) if m["part"] else window


def _season_form(m, ref, reading):
    first, last = _SEASONS[m["season"].lower()]

    def season(year: int) -> DateWindow:  # winter Y is December Y-1 to February Y (Y's January falls in it)
        if first > last:
            return DateWindow(dt.date(year - 1, 12, 1), month_end(year, 2))
        return DateWindow(dt.date(year, first, 1), month_end(year, last))

    if m["y"]:
        return season(int(m["y"]))
    around = [season(year) for year in range(ref.year - 2, ref.year + 3)]  # a winter spans two years
    rel = (m["rel"] or "").lower()
    if rel == "last":
        return [w for w in around if w.end < ref][-1]
    if rel == "next":
        return next(w for w in around if w.start > ref)
    if rel == "this":
        return next(w for w in around if w.end >= ref)
    before = [w for w in around if w.start <= ref][-1]
    after = next(w for w in around if w.end >= ref)
    return pick_side(before, after, ref, reading.future, reading.nearest)


def _weekend_form(m, ref, reading):
    """"last weekend" is the one before this Monday-to-Sunday week's; "the weekend" the nearest one."""
    saturday = week_window(ref).start + dt.timedelta(days=5)
    rel = (m["rel"] or "the").lower()
    if rel == "last" or (rel == "the" and not reading.future and ref < saturday):
        saturday -= dt.timedelta(weeks=1)
    elif rel in ("next", "coming") or (rel == "the" and reading.future and ref > saturday + ONE_DAY):
        saturday += dt.timedelta(weeks=1)
    return DateWindow(saturday, saturday + ONE_DAY)


_NAMED_DAYS = {"today": 0, "tonight": 0, "this": 0, "earlier": 0, "later": 0, "yesterday": -1, "last": -1,
               "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}


def _named_day_form(m, ref, reading):
    """"today", "this morning", "yesterday evening", "last night", "the day after tomorrow"."""
    words = " ".join(m.group().lower().split())
    offset = _NAMED_DAYS.get(words, _NAMED_DAYS.get(words.split()[0]))
    day = ref + dt.timedelta(days=offset)
    return DateWindow(day, day)


def _unit_form(m, ref, reading):
    rel, unit = m["rel"].lower(), m["unit"].lower()
    if rel in ("past", "previous") and not m["the"]:
        rel = "last"
    months = {"month": 1, "year": 12}.get(unit)
    if m["the"] and rel in ("past", "last", "previous"):  # "the past week": the last seven days, today included
        start = add_months(ref, -months) + ONE_DAY if months else ref - dt.timedelta(days=6)
        return DateWindow(start, ref)
    if m["the"] and rel == "coming":  # "the coming week": the next seven days, today included
        return DateWindow(ref, add_months(ref, months) - ONE_DAY if months else ref + dt.timedelta(days=6))
    step = {"last": -1, "this": 0, "next": 1, "coming": 1, "previous": -1, "past": -1}[rel]
    if unit == "week":
        return week_window(ref + dt.timedelta(weeks=step))
    if unit == "month":
        first = add_months(ref.replace(day=1), step)
        return month_window(first.year, first.month)
    return year_window(ref.year + step)


def _rolling_form(m, ref, reading):
    count, unit = _num(m["n"]), m["unit"].lower()
    if unit == "day":
        start = ref - dt.timedelta(days=count - 1)
    elif unit == "week":
        start = ref - dt.timedelta(weeks=count) + ONE_DAY
    elif unit == "month":
        start = add_months(ref, -count) + ONE_DAY
    else:
        start = add_months(ref, -12 * count) + ONE_DAY
    return DateWindow(start, ref)


def _ago_form(m, ref, reading):
    count, unit = _num(m["n"]), m["unit"].lower()
    if unit == "day":
        day = ref - dt.timedelta(days=count)
        return DateWindow(day, day)
    if unit == "week":
        return week_window(ref - dt.timedelta(weeks=count))
    if unit == "month":
        first = add_months(ref.replace(day=1), -count)
        return month_window(first.year, first.month)
    return year_window(ref.year - count)


def _weekday_form(m, ref, reading):
    weekday = WEEKDAYS[m["wd"].lower()]
    rel = (m["rel"] or "").lower()
    if rel == "last":
        return _single(nearest_weekday(weekday, ref, future=False, strictly=True))
    if rel in ("next", "coming"):
        return _single(nearest_weekday(weekday, ref, future=True, strictly=True))
    return _single(nearest_weekday(weekday, ref, future=reading.future))


def _earlier_later_form(m, ref, reading):
    unit = m["unit"].lower()
    whole = {"week": week_window(ref), "month": month_window(ref.year, ref.month), "year": year_window(ref.year)}[unit]
    if m["dir"].lower() == "earlier":
        return DateWindow(whole.start, max(whole.start, ref - ONE_DAY))
    return DateWindow(min(whole.end, ref + ONE_DAY), whole.end)


def _single(day: dt.date) -> DateWindow:
    return DateWindow(day, day)


_PART_WORDS = (r"(?P<part>early|mid|middle|late|(?:the\s+)?(?:start|beginning|middle|end)\s+of"
               r"|(?:the\s+)?(?:early|first|last|final|closing)\s+(?:months?|weeks?|days?|part)\s+of|(?:the\s+)?(?:early|late)\s+part\s+of)")
_FRACTION = r"(?:the\s+)?(?P<which>first|second|third|fourth|1st|2nd|3rd|4th|final|last)\s+(?P<piece>half|quarter)\s+of\s+"
_SHORT_FRACTION = r"(?P<letter>[QH])(?P<which>[1-4])\s*(?P<y>" + _YEAR + r")\b"

_FORMS: list[_Form] = [
    _Form(re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"), _iso_form, False, True, "day"),
    _Form(re.compile(rf"(?:{_WEEKDAY},?\s+)?(?P<month>{MONTH_PATTERN})\s+(?P<d>{_DAY})(?!\d)(?:,?\s+(?P<y>{_YEAR}))?\b", re.I),
          _day_form, False, True, "day", case_sensitive_month=True),
    _Form(re.compile(rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<month>{MONTH_PATTERN})(?:,?\s+(?P<y>{_YEAR}))?\b", re.I),
          _day_form, False, True, "day", case_sensitive_month=True),
    _Form(re.compile(rf"(?P<month>{MONTH_PATTERN})\s+(?:of\s+)?(?P<y>{_YEAR})\b", re.I), _month_year_form, False, True, "month",
          case_sensitive_month=True),
    _Form(re.compile(rf"(?P<month>{MONTH_PATTERN})\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b", re.I),
          _month_relative_year_form, True, True, "month", case_sensitive_month=True),
    _Form(re.compile(rf"(?P<month>{MONTH_PATTERN})(?![\w-])", re.I), _bare_month_form, True, False, "month", case_sensitive_month=True),
    _Form(re.compile(rf"(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?(?P<decade>1[89]\d0|2[01]\d0)'?s\b", re.I),
          _decade_form, False, True, "decade"),
    _Form(re.compile(rf"(?P<y>{_YEAR})(?![\w'-])"), _year_form, False, False, "year"),
    _Form(re.compile(rf"(?:the\s+)?(?:(?P<rel>last|this|next)\s+)?(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?(?P<y>{_YEAR}))?\b", re.I),
          _season_form, True, True, "season"),
    _Form(re.compile(r"the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)|(?:earlier|later)\s+today|today|tonight"
                     r"|this\s+(?:morning|afternoon|evening)|yesterday(?:\s+(?:morning|afternoon|evening))?|last\s+night"
                     r"|tomorrow(?:\s+(?:morning|afternoon|evening|night))?", re.I),
          _named_day_form, True, True, "day"),
    _Form(re.compile(r"(?P<the>the\s+)?(?P<rel>last|this|next|coming|past|previous)\s+(?P<unit>week|month|year)(?!\w)", re.I),
          _unit_form, True, True, "unit"),
    _Form(re.compile(r"(?:(?P<rel>last|this|next|coming|the)\s+)weekend\b", re.I), _weekend_form, True, True, "weekend"),
    _Form(re.compile(rf"(?:the\s+)?(?:past|last|previous)\s+(?P<n>{_NUMBER})\s+(?P<unit>day|week|month|year)s?\b", re.I),
          _rolling_form, True, True, "rolling"),
    _Form(re.compile(rf"(?P<n>{_NUMBER})\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I), _ago_form, True, True, "ago"),
    _Form(re.compile(rf"(?:(?P<rel>last|this|next|coming)\s+)?(?P<wd>{_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?\b", re.I),
          _weekday_form, True, True, "weekday"),
    _Form(re.compile(r"(?P<dir>earlier|later)\s+(?:this|that|in\s+the)\s+(?P<unit>week|month|year)\b", re.I),
          _earlier_later_form, True, True, "unit"),
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
            third = _PARTS.get(word[1] if word[0] == "the" else word[0], 0)
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
