"""The window each form of period phrase stands for: one builder per form of the grammar in
``bot.temporal.periods``, called as ``(match, reference day, reading) -> DateWindow | None``.

A form that leaves the year out is read as the nearest such period before or after the reference
day (``pick_side``), as the ``Reading`` says. Pure functions: no clock, no model.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.dates import MONTHS, WEEKDAYS
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
from bot.text import NUMBER_WORDS

_NUMBER_WORDS = {"a": 1, "an": 1} | {word: int(digits) for word, digits in NUMBER_WORDS.items()}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
PARTS = {"early": 0, "start": 0, "beginning": 0, "first": 0, "mid": 1, "middle": 1, "late": 2, "end": 2, "last": 2,
         "final": 2, "closing": 2}  # the third of a period a word picks: "early", "mid", "late" June


def _num(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def day_form(m, ref, reading):
    month, day = _month(m["month"]), int(re.match(r"\d+", m["d"]).group())
    if m["y"]:
        try:
            return DateWindow(dt.date(int(m["y"]), month, day), dt.date(int(m["y"]), month, day))
        except ValueError:
            return None
    before, after = nearest_day(month, day, ref, False), nearest_day(month, day, ref, True)
    return pick_side(before and _single(before), after and _single(after), ref, reading.future, reading.nearest)


def iso_form(m, ref, reading):
    try:
        day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    return DateWindow(day, day)


def month_year_form(m, ref, reading):
    return month_window(int(m["y"]), _month(m["month"]))


def month_relative_year_form(m, ref, reading):
    year = ref.year + {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
    return month_window(year, _month(m["month"]))


def bare_month_form(m, ref, reading):
    month = _month(m["month"])
    before, after = (month_window(nearest_month(month, ref, side), month) for side in (False, True))
    return pick_side(before, after, ref, reading.future, reading.nearest)


def year_form(m, ref, reading):
    return year_window(int(m["y"]))


def decade_form(m, ref, reading):
    first = int(m["decade"])
    window = DateWindow(dt.date(first, 1, 1), dt.date(first + 9, 12, 31))
    return part_of(window, PARTS[m["part"].lower()]) if m["part"] else window


def season_form(m, ref, reading):
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


def weekend_form(m, ref, reading):
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


def named_day_form(m, ref, reading):
    """"today", "this morning", "yesterday evening", "last night", "the day after tomorrow"."""
    words = " ".join(m.group().lower().split())
    offset = _NAMED_DAYS.get(words, _NAMED_DAYS.get(words.split()[0]))
    day = ref + dt.timedelta(days=offset)
    return DateWindow(day, day)


def unit_form(m, ref, reading):
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


def rolling_form(m, ref, reading):
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


def ago_form(m, ref, reading):
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


def weekday_form(m, ref, reading):
    weekday = WEEKDAYS[m["wd"].lower()]
    rel = (m["rel"] or "").lower()
    if rel == "last":
        return _single(nearest_weekday(weekday, ref, future=False, strictly=True))
    if rel in ("next", "coming"):
        return _single(nearest_weekday(weekday, ref, future=True, strictly=True))
    return _single(nearest_weekday(weekday, ref, future=reading.future))


def earlier_later_form(m, ref, reading):
    unit = m["unit"].lower()
    whole = {"week": week_window(ref), "month": month_window(ref.year, ref.month), "year": year_window(ref.year)}[unit]
    if m["dir"].lower() == "earlier":
        return DateWindow(whole.start, max(whole.start, ref - ONE_DAY))
    return DateWindow(min(whole.end, ref + ONE_DAY), whole.end)


def _single(day: dt.date) -> DateWindow:
    return DateWindow(day, day)
