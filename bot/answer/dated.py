"""Answers from dated news: the newest report wins, and the answer says as of when.

News changes: a launch is rescheduled, a count rises, an official leaves office. When the
sentences that answer a question come from reports of different days, the newest one on or
before the as-of date is usually the one wanted (retrieval has already left out anything
published later). So among the sentences nearly as good as the best (within a margin of the
sentence model's log-odds, wider when the question asks for the latest), giving an answer of
the same kind, the newest report's answer is taken; an earlier report that said something
else is mentioned and cited too: "As of 3 May 2024: 42 (an earlier report, 28 April: 35)".

A "when" question answered by a relative date ("on Tuesday", "last week") gets that date
resolved against the report's own date: Tuesday in a Friday 2022-09-16 report is 13 September.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.dates import human_day
from bot.temporal import DateWindow, relative_references

RECENCY_MARGIN = 3.0  # log-odds: a newer report this close to the best sentence is preferred
LATEST_MARGIN = 5.0  # wider when the question asks for the latest ("now", "currently", "latest")
# Wider still for a report published in the window the question names ("in February"): what was reported
# then outranks a later report looking back, whose sentence may share more words with the question.
WINDOW_MARGIN = 8.0
EARLIER_MARGIN = 1.5  # an earlier report is mentioned only when about as good an answer as the one given


class Candidate(Protocol):
    """What this module needs of an answering sentence (``bot.answer.extractive.Sentence``)."""

    text: str
    answer: str
    score: float
    date: str | None  # ISO date of the report the sentence is in
    typed: bool  # its answer is of the kind the question asks for (a date for "when", ...)
    fits: bool  # its short answer has the asked form (or paid for its lack)
    planned: bool  # its answer is a date something was set for, and the question asks when it happened


@dataclass(frozen=True)
class DatedChoice:
    chosen: Candidate
    earlier: Candidate | None = None  # an earlier report that said something else


def newest_report(pool: Sequence[Candidate], latest: bool, when: bool = False,
                  window: DateWindow | None = None) -> DatedChoice:
    """The candidate to answer from, ``pool`` best first; ``when``: the question asks for a date, so
    two answers are the same when they resolve to the same day ("Wednesday" in a 2 January report
    and "January 1"). ``window``: when the asked-about events happened ("in May 2024"): the newest
    report of that time is wanted, not the newest of all (a November report's count of jobs cut
    is not what was announced in February)."""
    best = pool[0]
    margin = LATEST_MARGIN if latest else RECENCY_MARGIN
    usable = [c for c in pool if c.date and c.answer and (c.typed or not best.typed)]
    near = [c for c in usable if c.score >= best.score - margin]
    if not best.date or not near:
        return DatedChoice(best)
    if window is not None and not latest and (window.start or window.end):
        near += [c for c in usable if c not in near and c.score >= best.score - WINDOW_MARGIN
                 and _days_outside(_day(c.date), window) == 0]
        chosen = min(near, key=lambda c: (_days_outside(_day(c.date), window), -_day(c.date).toordinal(), -c.score))
    else:
        newest = max(near, key=lambda c: (_day(c.date), c.score))
        chosen = newest if _day(newest.date) > _day(best.date) else best
    said = answer_key(chosen, when)
    different = [c for c in near if _day(c.date) < _day(chosen.date) and c.typed == chosen.typed
                 and c.score >= chosen.score - EARLIER_MARGIN and answer_key(c, when) != said]
    earlier = max(different, key=lambda c: (_day(c.date), c.score)) if different else None
    return DatedChoice(chosen, earlier)


def unplanned_first(pool: Sequence[Candidate]) -> list:
    """``pool`` (best first) for a "When did it launch?" question: a date something was set for answers when it
    happened only if the plan held. When the reports planned different dates (it was postponed), a sentence that is no
    plan and has an answer of the asked form (``fits``), within ``LATEST_MARGIN`` of a planned best, goes first; the
    other plans are left out."""
    best = pool[0]
    done = [c for c in pool if not c.planned]
    plans = {_key(c.answer) for c in pool if c.planned and c.score >= best.score - LATEST_MARGIN}
    if best.planned and len(plans) > 1:
        near = [c for c in done if c.fits and c.score >= best.score - LATEST_MARGIN]
        if near:
            return near[:1] + [c for c in done if c is not near[0]]
    return [best] + [c for c in pool[1:] if not c.planned]


def answer_key(candidate: Candidate, when: bool) -> str:
    """What an answer says, for telling two reports apart: its words, or for a date the day it resolves to."""
    if when:
        found = _relative_date_in_answer(candidate, candidate.answer)
        if found is not None and found.window.start:
            return f"{found.window.start}..{found.window.end}"
    return _key(candidate.answer)


def dated_text(choice: DatedChoice, short: str, earlier_short: str | None) -> str:
    """'As of 3 May 2024: 42 (an earlier report, 28 April: 35)'; ``short`` alone for undated evidence."""
    if not choice.chosen.date:
        return short
    day = _day(choice.chosen.date)
    text = f"As of {human_day(day)}: {short}"
    if choice.earlier is not None and earlier_short:
        text += f" (an earlier report, {human_day(_day(choice.earlier.date), reference=day)}: {earlier_short})"
    return text


_DATED = re.compile(r"^As of [^:]{3,40}: (?P<short>.*?)(?: \(an earlier report, [^()]*\))?$", re.S)


def undated_text(text: str) -> str:
    """The short answer inside ``dated_text``'s wording: what a follow-up's pronoun may point back to."""
    found = _DATED.match(text or "")
    return found.group("short") if found else text


def resolved_when(candidate: Candidate, short: str) -> str:
    """A relative date in the short answer ("Monday", "last week") with the day it was, read against the
    report's date, beside the report's own words: "on Monday, 18 November 2024 (2024-11-18)", "yesterday
    (Saturday, 7 September 2024; 2024-09-07)"; ``short`` unchanged when there is none to resolve."""
    ref = _relative_date_in_answer(candidate, short)
    if ref is None:
        return short
    window = ref.window
    at = candidate.text.find(short)
    only_a_day_name = ref.start <= at and ref.end >= at + len(short) and _DAY_NAME.fullmatch(short.strip())
    if window.day is not None and only_a_day_name:
        on = "on " if candidate.text[:at].lower().endswith("on ") and not short.lower().startswith("on ") else ""
        return f"{on}{short}, {human_day(window.day)} ({window.day.isoformat()})"
    if window.day is not None:
        return f"{short} ({window.day.strftime('%A')}, {human_day(window.day)}; {window.day.isoformat()})"
    if window.start and window.end:
        return f"{short} ({window.describe()})"
    return short


_DAY_NAME = re.compile(r"(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day", re.I)


def _relative_date_in_answer(candidate: Candidate, short: str):
    if not candidate.date or not short:
        return None
    at = candidate.text.find(short)
    if at < 0:
        return None
    refs = [r for r in relative_references(candidate.text, candidate.date) if r.start < at + len(short) and r.end > at]
    return refs[0] if refs else None


def _days_outside(day: dt.date, window: DateWindow) -> int:
    """How many days ``day`` falls outside ``window`` (0 inside it)."""
    if window.start and day < window.start:
        return (window.start - day).days
    if window.end and day > window.end:
        return (day - window.end).days
    return 0


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso[:10])


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
