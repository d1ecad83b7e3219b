"""Time in questions and in article text, without a model.

``question_time(question, as_of)`` reads what a question says about time:

* ``latest`` ("latest", "most recent", "now", "currently", "still", "so far", "as of today",
  "the last launch"): the newest evidence on or before the as-of date is wanted;
* a window of days ("in 2019", "in June", "last week", "yesterday", "this year", "between 2019
  and 2021", "before 2020", "after March 2021", "in the first half of 2023", "mid-2019");
* "as of March 2021": an earlier as-of date (the newest evidence on or before it);
* "before the summit": an event whose date the corpus has to give (``events``).

Windows say when the asked-about events happened. A report of a period is published during or
after it, never before it starts (forecasts aside), and no evidence published after the as-of
date may be used: ``TimeIntent.admits`` and ``TimeIntent.publication_window`` encode that.
``search_question`` drops the words that would only mislead retrieval ("currently", "last week",
"as of March 2021"); absolute dates stay, since articles write them out ("in April 2019").

``relative_references(text, published)`` finds the relative dates in an article's own words ("on
Tuesday", "yesterday", "last week", "earlier this month", "on March 5") and resolves each against
the article's date, forwards when the words around it speak of the future ("will launch on
Tuesday", "postponed to Friday"): a Friday 2022-09-16 article's "on Tuesday" is 2022-09-13.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.temporal.periods import Anchor, Reading, anchor_at
from bot.temporal.windows import DateWindow
from bot.dates import human_day

ONE_DAY = dt.timedelta(days=1)
_PREPOSITION = re.compile(
    r"(?P<prep>between|from|before|after|since|until|till|through|throughout|up\s+to|as\s+of|by\s+the\s+end\s+of"
    r"|by|prior\s+to|ahead\s+of|following|in|during|on|of|for|at|within|over|around|circa)\s+", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:and|to|until|till|through|-|\u2013|\u2014)\s*", re.I)
_LATEST = re.compile(
    r"(?:latest|newest|most\s+recent(?:ly)?|right\s+now|as\s+of\s+(?:today|now)|now|currently|current"
    r"|at\s+present|presently|at\s+the\s+moment|these\s+days|nowadays|still|so\s+far|to\s+date|up\s+to\s+date"
    r"|recently|lately|today(?:'s)?|yet(?=\s*[?.!]?\s*$)"
    r"|(?<=the )last(?=\s+(?!(?:\d+|two|three|four|five|six|seven|eight|nine|ten|few|several|couple)\b)"
    r"(?!(?:day|week|weekend|month|year|night|time\s+(?:period|frame))s?\b)[a-z]))(?!\w)", re.I)
_EVENT = re.compile(
    r"(?P<event>(?:the|his|her|their|its|this|that|a|an)\s+(?:[\w'\u2019-]+\s+){0,4}?[\w'\u2019-]+)"
    r"(?=\s*(?:[?.!,;]|$|\b(?:and|or|but|when|while|where)\b))", re.I)
_EVENT_RELATIONS = {"before", "after", "since", "until", "till", "prior to", "ahead of", "following"}
_KEEP_FOR_SEARCH = {"in", "during", "on", "of", "for", "at", "between", "from", "throughout", "around", "circa", "over",
                    "within", "bare"}
_FUTURE = re.compile(
    r"\b(?:will|won't|shall|would|going\s+to|plans?\s+to|planning\s+to|intends?\s+to|aims?\s+to|expects?\s+to|upcoming"
    r"|(?:is|are|was|were|be|been|now)\s+(?:now\s+)?(?:scheduled|set|due|expected|slated|planned|poised|likely)\s+to)\b|'ll\b",
    re.I)
_SCHEDULING = re.compile(r"\b(?:(?:re)?schedul(?:e|es|ed|ing)|sets?|reset|postpon(?:e|es|ed|ing)|delay(?:s|ed|ing)?"
                         r"|push(?:es|ed|ing)?\s+back|mov(?:e|es|ed|ing)|plan(?:s|ned|ning)?|slated|due|pencil+ed\s+in"
                         r"|target(?:s|ed|ing)?|aim(?:s|ed|ing)?|expect(?:s|ed|ing)?|brought\s+forward)\b", re.I)
_TARGET_PREPOSITION = re.compile(r"\b(?:to|until|till|for|by)\s+(?:next\s+)?$", re.I)
_SENTENCE_BREAK = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]\s*|\s-\s")


@dataclass(frozen=True)
class TimePhrase:
    """One time phrase found at ``text[start:end]``."""

    text: str
    start: int
    end: int
    kind: str  # "latest", "window" (when events happened), "as_of" (an earlier as-of date) or "event"
    relation: str = "bare"  # the preposition before it: "in", "between", "before", "after", "since", "as of", ...
    window: DateWindow | None = None
    relative: bool = False  # meaningless without the reference day ("last week", "in June", "on Tuesday")


@dataclass(frozen=True)
class EventReference:
    """"before the summit": a window bounded by an event the articles have to date."""

    relation: str  # "before", "after", "since", "until", ...
    event: str  # "the summit"
    start: int
    end: int


@dataclass(frozen=True)
class TimeIntent:
    question: str
    as_of: dt.date  # evidence published after it is never used ("as of March 2021" moves it earlier)
    latest: bool = False  # the newest evidence on or before ``as_of`` is wanted
    window: DateWindow | None = None  # when the asked-about events happened (the hull of every window found)
    phrases: tuple[TimePhrase, ...] = ()
    events: tuple[EventReference, ...] = ()
    search_question: str = ""  # the question without the words that only mislead retrieval
    future: bool = False  # the question speaks of the future ("will", "next week", "scheduled")

    @property
    def timed(self) -> bool:
        return bool(self.phrases or self.events)

    def describe(self) -> str | None:
        """What to show the user beside the standalone question: 'June 2023', 'latest, as of 3 May
        2024', 'as of 31 March 2021'; None when the question says nothing about time."""
        parts = [self.window.describe()] if self.window else []
        if self.latest:
            parts.append(f"latest as of {human_day(self.as_of)}")
        elif any(p.kind == "as_of" for p in self.phrases):
            parts.append(f"as of {human_day(self.as_of)}")
        return ", ".join(parts) or None

    def publication_window(self) -> DateWindow:
        """When evidence may have been published: never after ``as_of``; not before a past window
        starts (a report of June is written in June or later; the plans of a future one earlier)."""
        start = self.window.start if self.window and self.window.start and self.window.start <= self.as_of else None
        return DateWindow(start, self.as_of)

    def admits(self, published: str | dt.date | None) -> bool | None:
        """Whether evidence published on ``published`` fits; None for undated evidence (the caller
        decides: it can be neither ruled in nor out by date)."""
        if published is None:
            return None
        day = dt.date.fromisoformat(published[:10]) if isinstance(published, str) else published
        return self.publication_window().contains(day)


@dataclass(frozen=True)
class RelativeDate:
    """A relative date in an article's words, ``text[start:end]``, resolved against its publication date."""

    text: str
    start: int
    end: int
    window: DateWindow
    future: bool  # read forwards ("will launch on Tuesday", "postponed to Friday")

    @property
    def day(self) -> dt.date | None:
        return self.window.day


def question_time(question: str, as_of: dt.date) -> TimeIntent:
    """What ``question`` says about time, resolved against ``as_of`` (see the module docstring)."""
    future = bool(_FUTURE.search(question)) or bool(re.search(r"\b(?:next|upcoming|coming|tomorrow)\b", question, re.I))
    phrases, events = _scan(question, as_of, future)
    cutoff = as_of
    for phrase in phrases:
        if phrase.kind == "as_of" and phrase.window is not None and phrase.window.end:
            cutoff = min(cutoff, phrase.window.end)
    windows = [p.window for p in phrases if p.kind == "window" and p.window is not None]
    latest = any(p.kind in ("latest", "as_of") for p in phrases)
    return TimeIntent(
        question=question, as_of=cutoff, latest=latest, window=_hull(windows) if windows else None,
        phrases=tuple(phrases), events=tuple(events), future=future,
        search_question=_without(question, [p for p in phrases if _misleads_search(p)]),
    )


def relative_references(text: str, published: dt.date | str, start: int = 0, end: int | None = None) -> list[RelativeDate]:
    """Every relative date in ``text[start:end]`` resolved against the article's date ``published``."""
    ref = dt.date.fromisoformat(published[:10]) if isinstance(published, str) else published
    end = len(text) if end is None else end
    found, cursor = [], start
    for word in re.finditer(r"\b\w", text[:end]):
        pos = word.start()
        if pos < max(cursor, start):
            continue
        preposition = _PREPOSITION.match(text, pos)  # "rescheduled for Saturday": the preposition tells the tense
        tense = _tense_at(text, preposition.end() if preposition else pos, max(start, found[-1].end if found else 0))
        future = tense is not None
        reading = Reading(future=future, nearest=tense != "modal")  # "will open in June" said in September: next June
        anchor = anchor_at(text, preposition.end(), ref, reading) if preposition else None
        if anchor is None or not anchor.relative or anchor.end > end:
            anchor = anchor_at(text, pos, ref, reading, bare=True)
        if anchor is None or not anchor.relative or anchor.end > end:
            continue
        found.append(RelativeDate(text[anchor.start:anchor.end], anchor.start, anchor.end, anchor.window, future))
        cursor = anchor.end
    return found


def resolve_relative(phrase: str, published: dt.date | str, future: bool = False) -> DateWindow | None:
    """One relative phrase ("on Tuesday", "last week", "earlier this month") resolved against the
    article date, forwards when ``future``; None when it is not a time phrase. Without ``future`` a
    date that leaves out its year is its clearly nearest occurrence ("March 21" in a March 4
    article is this March 21, whatever the tense)."""
    ref = dt.date.fromisoformat(published[:10]) if isinstance(published, str) else published
    text = phrase.strip()
    preposition = _PREPOSITION.match(text)
    reading = Reading(future=future, nearest=not future)
    anchor = anchor_at(text, preposition.end(), ref, reading) if preposition else None
    if anchor is None or anchor.end != len(text):
        anchor = anchor_at(text, 0, ref, reading)
    return anchor.window if anchor is not None and anchor.end == len(text) else None


def _scan(text: str, ref: dt.date, future: bool) -> tuple[list[TimePhrase], list[EventReference]]:
    phrases: list[TimePhrase] = []
    events: list[EventReference] = []
    cursor = 0
    for word in re.finditer(r"\b\w", text):
        pos = word.start()
        if pos < cursor:
            continue
        found = _phrase_at(text, pos, ref, future)
        if isinstance(found, EventReference):
            events.append(found)
            cursor = found.end
        elif found is not None:
            phrases.append(found)
            cursor = found.end
    return phrases, events


def _phrase_at(text: str, pos: int, ref: dt.date, future: bool) -> TimePhrase | EventReference | None:
    preposition = _PREPOSITION.match(text, pos)
    if preposition:
        relation = " ".join(preposition["prep"].lower().split())
        anchor = anchor_at(text, preposition.end(), ref, Reading(future))
        if anchor is not None:
            return _with_relation(text, pos, relation, anchor, ref, future)
        if relation in _EVENT_RELATIONS:
            event = _EVENT.match(text, preposition.end())
            if event:
                return EventReference(relation, event["event"], pos, event.end())
    latest = _LATEST.match(text, pos)
    if latest and (pos == 0 or not text[pos - 1].isalnum()):
        return TimePhrase(latest.group(), pos, latest.end(), "latest")
    anchor = anchor_at(text, pos, ref, Reading(future), bare=True)
    if anchor is not None:
        return TimePhrase(text[pos:anchor.end], pos, anchor.end, "window", "bare", anchor.window, anchor.relative)
    return None


def _with_relation(text: str, pos: int, relation: str, anchor: Anchor, ref: dt.date, future: bool) -> TimePhrase:
    window, end, relative = anchor.window, anchor.end, anchor.relative
    if relation in ("between", "from"):
        join = _RANGE_JOIN.match(text, end)
        second = anchor_at(text, join.end(), ref, Reading(future)) if join else None
        if second is not None:
            if anchor.relative and not second.relative and second.window.end:  # "from June to August 2023"
                anchor = anchor_at(text, anchor.start, second.window.end) or anchor
                window, relative = anchor.window, False
            window = _hull([window, second.window])
            end, relative = second.end, relative or second.relative
    kind = "window"
    if relation == "as of":
        kind = "as_of"
    elif relation in ("before", "prior to", "ahead of"):
        window = DateWindow(None, window.start - ONE_DAY) if window.start else window
    elif relation in ("after", "following"):
        window = DateWindow(window.end + ONE_DAY, None) if window.end else window
    elif relation == "since":
        window = DateWindow(window.start, None)
    elif relation in ("until", "till", "through", "up to", "by the end of", "by"):
        window = DateWindow(None, window.end)
    return TimePhrase(text[pos:end], pos, end, kind, relation, window, relative)


def _misleads_search(phrase: TimePhrase) -> bool:
    """Latest words, relative periods ("last week") and bounds ("before 2020", "as of May") are not
    words the answering sentence contains; absolute periods it does ("in April 2019")."""
    if phrase.kind in ("latest", "as_of"):
        return True
    return phrase.relative or phrase.relation not in _KEEP_FOR_SEARCH


def _without(question: str, phrases: list[TimePhrase]) -> str:
    out = question
    for phrase in sorted(phrases, key=lambda p: -p.start):
        out = out[:phrase.start] + out[phrase.end:]
    out = re.sub(r"\s+([?.!,;])", r"\1", re.sub(r"[ \t]{2,}", " ", out)).strip()
    out = re.sub(r"^[,;]\s*|,\s*(?=[?.!]$)", "", out)
    if not re.search(r"[A-Za-z]{2}", out):
        return question
    return out[:1].upper() + out[1:] if question[:1].isupper() else out


def _tense_at(text: str, pos: int, floor: int) -> str | None:
    """How the clause before ``pos`` (from the last comma, dash or sentence start, or the previous
    date) speaks of the future: "modal" ("will launch on Tuesday"), "target" ("postponed to Friday",
    "had been set for April 23": a date aimed at, which may since have passed), or None ("..., she
    announced on Monday")."""
    window = max(0, pos - 400)
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text, window, pos)]
    breaks += [m.end() for m in _CLAUSE_BREAK.finditer(text, window, pos) if m.end() < pos]
    context = text[max([floor, window] + breaks):pos]
    if _FUTURE.search(context):
        return "modal"
    if _TARGET_PREPOSITION.search(context) and _SCHEDULING.search(context):
        return "target"
    return None


def _hull(windows: list[DateWindow]) -> DateWindow:
    starts = [w.start for w in windows]
    ends = [w.end for w in windows]
    return DateWindow(None if None in starts else min(starts), None if None in ends else max(ends))
