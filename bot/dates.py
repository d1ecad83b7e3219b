"""Dates as the bot stores and compares them, and where an article's publication date is found.

Stored dates are ISO 8601 strings (a day, or a date-time when the source gives the
time); Chroma's range filters compare epoch seconds. ``article_date`` finds an
article's publication date, in this order: front matter, HTML metadata, a date
in the file name or path, a "Published:" line or dateline in the first lines of
the body. Everything here is pure: no file access, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

DateSource = Literal["front_matter", "html", "path", "dateline"]

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
            "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
EARLIEST_YEAR, LATEST_YEAR = 1800, 2199  # a "date" outside these years is a number that happens to fit

# Full names, or abbreviations with an optional dot ("Sept. 3"): the dot after "June" ends a sentence.
MONTH_PATTERN = (r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|jun(?:e|\.)?|jul(?:y|\.)?"
                 r"|aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)")
_WEEKDAY_PATTERN = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_TIME = r"(?:[ T,]+(?:at\s+)?(?P<time>\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?)(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|UTC|GMT))?)?"

_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME, re.I)
_SLASHED = re.compile(r"(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})" + _TIME, re.I)
_MONTH_FIRST = re.compile(
    rf"(?:{_WEEKDAY_PATTERN},?\s+)?(?P<month>{MONTH_PATTERN})\s+(?P<d>\d{{1,2}}){_ORDINAL},?\s+(?P<y>\d{{4}})" + _TIME, re.I)
_DAY_FIRST = re.compile(
    rf"(?:{_WEEKDAY_PATTERN},?\s+)?(?P<d>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>{MONTH_PATTERN}),?\s+(?P<y>\d{{4}})" + _TIME, re.I)
_TEXT_DATES = (_ISO, _SLASHED, _MONTH_FIRST, _DAY_FIRST)

# In a file name or path: 2022-07-13, 2022_07_13, 2022/07/13, 2022.07.13 or 20220713, not inside a longer number.
_PATH_DATE = re.compile(r"(?<!\d)(?P<y>(?:18|19|20|21)\d{2})(?P<sep>[-_/.]?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?!\d)")
# Lines that announce a date: "Published: ...", "Posted on ...", "Updated 3 Sept 2023".
_LABELLED = re.compile(r"^\W*(?P<label>(?:first\s+)?published|posted|date[d]?|updated|last\s+updated)\b\s*(?:on|at)?\s*[:\-\u2013\u2014]?\s*(?P<rest>.+)$", re.I)
# A wire-style dateline: "WASHINGTON, Sept. 3, 2023 (Reuters) -": capitals, a date, then a dash.
# Capitals beyond ASCII too: "TROMSØ, October 14, 2025 —", "MÁLAGA, ...".
CAPITALS = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"
_DATELINE = re.compile(rf"^\W*[{CAPITALS}][{CAPITALS} .'\u2019-]{{1,40}}(?:,\s*[{CAPITALS}][A-Za-z .]{{1,30}})?,\s+"
                       r"(?P<rest>.{6,60}?)\s*(?:\([^)]{1,30}\)\s*)?[-\u2013\u2014]")
HEADER_LINES = 12  # how far into the body a publication date is looked for


@dataclass(frozen=True)
class FoundDate:
    iso: str  # ISO 8601 day or date-time
    source: DateSource


def date_epoch(iso: str | None) -> int | None:
    """Seconds since 1970 (UTC) of an ISO date or date-time; None for None."""
    if not iso:
        return None
    parsed = dt.datetime.fromisoformat(iso)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return int(parsed.timestamp())


def end_of_day_epoch(iso: str) -> int:
    """The last second of the day ``iso`` falls on: "until 2023-09-05" includes that whole day."""
    day = dt.date.fromisoformat(iso[:10])
    return date_epoch((day + dt.timedelta(days=1)).isoformat()) - 1


def parse_day(value: str | None) -> str | None:
    """``YYYY-MM-DD`` (surrounding spaces ignored) as an ISO date; None for empty; ``ValueError`` otherwise."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) != 10:  # fromisoformat also takes "20230905" and week dates: not what the user typed
        raise ValueError(f"{text!r} is not a YYYY-MM-DD date")
    return dt.date.fromisoformat(text).isoformat()


def day_of(iso: str | None) -> dt.date | None:
    """The calendar day of a stored ISO date or date-time (its own day, whatever the time zone)."""
    return dt.date.fromisoformat(iso[:10]) if iso else None


def normalize_date(value) -> str | None:
    """An ISO 8601 string for a date given as ``date``/``datetime`` or as text ("2023-09-05",
    "2023-09-05T10:30:00Z", "2023/09/05", "Sept. 5, 2023", "Tuesday 5 September 2023 14:00");
    None when it is not one whole, real date. Numeric day/month orders (05/09/2023) are refused:
    they mean different days in the US and elsewhere."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = " ".join(str(value).split()).strip(" .,;")
    try:  # the ISO forms first, exactly as given (keeps the seconds and the offset)
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if EARLIEST_YEAR <= parsed.year <= LATEST_YEAR and re.match(r"\d{4}-\d{2}-\d{2}", text):
            return parsed.date().isoformat() if len(text) <= 10 else parsed.isoformat()
    except ValueError:
        pass
    for pattern in _TEXT_DATES:
        match = pattern.fullmatch(text)
        if match:
            return _from_match(match)
    return None


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first whole date (with its year) written in ``text``: (ISO string, start, end)."""
    found = []
    for pattern in _TEXT_DATES:
        for match in pattern.finditer(text):
            if not _inside_word(text, match.start(), match.end()):
                iso = _from_match(match)
                if iso:
                    found.append((match.start(), -match.end(), iso))
                    break
    if not found:
        return None
    start, neg_end, iso = min(found)
    return iso, start, -neg_end


def date_in_path(rel: str) -> str | None:
    """A date in the file name (``2022-07-13-title.txt``, ``20220713.txt``), else in the folders
    (``2022/07/13/title.txt``); None when there is none or it is not a real day."""
    parts = rel.replace("\\", "/").split("/")
    for candidate in (parts[-1], "/".join(parts[:-1])):
        for match in _PATH_DATE.finditer(candidate):
            day = _real_day(int(match["y"]), int(match["m"]), int(match["d"]))
            if day is not None:
                return day.isoformat()
    return None


def announces_date(line: str) -> bool:
    """``line`` only dates the article ("Published: 2025-05-13", "Posted on 3 Sept 2023", "2023-09-03"): no title."""
    labelled = _LABELLED.match(line)
    if labelled:
        return bool(normalize_date(labelled["rest"]) or _leading_date(labelled["rest"]))
    return normalize_date(line.strip("*_#()[] ")) is not None


def dateline_date(body: str, max_lines: int = HEADER_LINES) -> str | None:
    """The publication date announced in the first non-empty lines of ``body``: a "Published:" (or
    "Posted", "Date", "Updated") line, a line that is only a date, a byline ending in a date
    ("By Jane Doe | Sept. 3, 2023"), or a wire dateline ("WASHINGTON, Sept. 3, 2023 -"). A date
    without a year ("LONDON, March 5 (Reuters) -") is not taken: the year would be a guess. A
    "Published" date wins over an "Updated" one."""
    updated = None
    for line in _first_lines(body, max_lines):
        labelled = _LABELLED.match(line)
        if labelled:
            iso = normalize_date(labelled["rest"]) or _leading_date(labelled["rest"])
            if iso and "updated" in labelled["label"].lower():
                updated = updated or iso
                continue
            if iso:
                return iso
        iso = normalize_date(line.strip("*_#()[] "))
        if iso is None and re.match(r"^\W*by\s", line, re.I):
            iso = _trailing_date(line)
        if iso is None:
            dateline = _DATELINE.match(line)
            iso = normalize_date(dateline["rest"]) if dateline else None
        if iso:
            return iso
    return updated


def article_date(front_matter_date, html_date, rel: str, body: str) -> tuple[FoundDate | None, list[str]]:
    """An article's publication date and where it came from, plus a note for every date that was
    given but could not be read (the article then falls back to the next source, or stays undated).

    When the path gives only the day and the first lines give the same day with a time, the time
    is kept: reports from one day then sort in the order they were published.
    """
    notes = []
    for given, source in ((front_matter_date, "front_matter"), (html_date, "html")):
        if given in (None, ""):
            continue
        iso = normalize_date(given)
        if iso:
            return FoundDate(iso, source), notes
        notes.append(f"{_describe(source)} date {str(given).strip()!r} is not a date (use ISO 8601, e.g. 2023-09-05)")
    in_path, in_body = date_in_path(rel), dateline_date(body)
    if in_path:
        if in_body and in_body[:10] == in_path and len(in_body) > 10:
            return FoundDate(in_body, "dateline"), notes
        return FoundDate(in_path, "path"), notes
    if in_body:
        return FoundDate(in_body, "dateline"), notes
    return None, notes


def human_day(day: dt.date | str, reference: dt.date | None = None) -> str:
    """'3 May 2024'; '3 May' when ``reference`` falls in the same year (for "an earlier report, 28 April")."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    text = f"{day.day} {MONTH_NAMES[day.month - 1]}"
    return text if reference is not None and reference.year == day.year else f"{text} {day.year}"


def _describe(source: str) -> str:
    return {"front_matter": "front matter", "html": "HTML metadata"}.get(source, source)


def _first_lines(body: str, count: int) -> list[str]:
    lines = []
    for line in body.splitlines():
        if line.strip():
            lines.append(line.strip())
            if len(lines) == count:
                break
    return lines


def _leading_date(text: str) -> str | None:
    found = find_date(text)
    return found[0] if found and found[1] == 0 else None


def _trailing_date(line: str) -> str | None:
    found = find_date(line)
    return found[0] if found and not line[found[2]:].strip(" .)|") else None


def _inside_word(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())


def _from_match(match: re.Match) -> str | None:
    groups = match.groupdict()
    month = int(groups["m"]) if groups.get("m") else MONTHS.get(groups["month"].lower().rstrip("."))
    day = _real_day(int(match["y"]), month or 0, int(match["d"]))
    if day is None:
        return None
    if not groups.get("time"):
        return day.isoformat()
    clock = _clock(groups["time"])
    if clock is None:
        return day.isoformat()
    moment = dt.datetime.combine(day, clock)
    tz = (groups.get("tz") or "").upper()
    if tz in ("Z", "UTC", "GMT"):
        moment = moment.replace(tzinfo=dt.timezone.utc)
    elif tz:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        moment = moment.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))))
    return moment.isoformat()


def _clock(text: str) -> dt.time | None:
    match = re.match(r"(\d{1,2})[:.](\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([ap])?", text.strip(), re.I)
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[4].lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return dt.time(hour, minute, second)


def _real_day(year: int, month: int, day: int) -> dt.date | None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def checked_as_of(as_of: dt.date | None) -> dt.date:
    """The as-of date a question is answered at: today unless given; a future one is refused."""
    today = dt.date.today()
    if as_of is None:
        return today
    if as_of > today:
        from bot.errors import QuestionError

        raise QuestionError(f"the as-of date {as_of.isoformat()} is in the future: use today ({today.isoformat()}) "
                            "or an earlier day")
    return as_of
