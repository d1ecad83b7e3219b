"""A span of calendar days (``DateWindow``) and the calendar arithmetic periods are built from:
month and week windows, months added with the day clamped, the nearest weekday / month / day on one
side of a reference day, thirds, halves and quarters of a window. Pure functions, no clock."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from bot.dates import human_day

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class DateWindow:
    """Calendar days from ``start`` to ``end``, both included; None is open-ended."""

    start: dt.date | None
    end: dt.date | None

    def __post_init__(self):
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"a window cannot end ({self.end}) before it starts ({self.start})")

    @property
    def day(self) -> dt.date | None:
        """The one day this window is, when it is exactly one day."""
        return self.start if self.start is not None and self.start == self.end else None

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def since_until(self) -> tuple[str | None, str | None]:
        """The window as the ISO days ``Filters(since=..., until=...)`` takes."""
        return (self.start.isoformat() if self.start else None, self.end.isoformat() if self.end else None)

    def describe(self) -> str:
        """'2019', 'June 2023', '5 June 2023', '5–11 September 2022', 'until 31 December 2019', ..."""
        start, end = self.start, self.end
        if start is None and end is None:
            return "any time"
        if start is None:
            return f"until {human_day(end)}"
        if end is None:
            return f"since {human_day(start)}"
        if start == end:
            return human_day(start)
        whole_months = start.day == 1 and end == month_end(end.year, end.month)
        if whole_months and start.month == 1 and end.month == 12:
            return str(start.year) if start.year == end.year else f"{start.year}\u2013{end.year}"
        if whole_months:
            first, last = human_day(start)[2:].strip(), human_day(end)[len(str(end.day)) + 1:]
            if (start.year, start.month) == (end.year, end.month):
                return last
            if start.year == end.year:
                return f"{first.rsplit(' ', 1)[0]}\u2013{last}"
            return f"{first} \u2013 {last}"
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}\u2013{human_day(end)}"
        if start.year == end.year:
            return f"{human_day(start, reference=end)} \u2013 {human_day(end)}"
        return f"{human_day(start)} \u2013 {human_day(end)}"

def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_window(year: int, month: int) -> DateWindow:
    return DateWindow(dt.date(year, month, 1), month_end(year, month))


def year_window(year: int) -> DateWindow:
    return DateWindow(dt.date(year, 1, 1), dt.date(year, 12, 31))


def week_window(day: dt.date) -> DateWindow:
    """The Monday-to-Sunday week ``day`` falls in."""
    monday = day - dt.timedelta(days=day.weekday())
    return DateWindow(monday, monday + dt.timedelta(days=6))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def nearest_weekday(weekday: int, ref: dt.date, future: bool, strictly: bool = False) -> dt.date:
    """The ``weekday`` (0 = Monday) nearest ``ref`` on its side: on or before it, or on or after it
    when ``future``; ``strictly`` skips ``ref`` itself ("last Tuesday" said on a Tuesday)."""
    if future:
        ahead = (weekday - ref.weekday()) % 7 or (7 if strictly else 0)
        return ref + dt.timedelta(days=ahead)
    back = (ref.weekday() - weekday) % 7 or (7 if strictly else 0)
    return ref - dt.timedelta(days=back)


def nearest_month(month: int, ref: dt.date, future: bool) -> int:
    """The year of the ``month`` nearest ``ref`` on its side ("in June" said in March 2024 is June 2023)."""
    if future:
        return ref.year if month >= ref.month else ref.year + 1
    return ref.year if month <= ref.month else ref.year - 1


def nearest_day(month: int, day: int, ref: dt.date, future: bool) -> dt.date | None:
    """The ``month``/``day`` nearest ``ref`` on its side; February 29 is the nearest leap day."""
    step = 1 if future else -1
    for offset in range(9):
        year = ref.year + step * offset
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if (candidate >= ref) if future else (candidate <= ref):
            return candidate
    return None


def pick_side(before: DateWindow | None, after: DateWindow | None, ref: dt.date, future: bool, nearest: bool) -> DateWindow | None:
    """Of a period's occurrence on or before ``ref`` and the one on or after it, the one the tense
    points to; with ``nearest`` the clearly closer one (at most half as far) wins whatever the tense,
    as it does in news copy: "the launch window on March 21" in a March 4 article is this March."""
    if before is None or after is None or before == after:
        return before or after
    if nearest:
        near, far = sorted((before, after), key=lambda w: _distance(w, ref))
        if 2 * _distance(near, ref) <= _distance(far, ref):
            return near
    return after if future else before


def _distance(window: DateWindow, ref: dt.date) -> int:
    if window.contains(ref):
        return 0
    return min(abs((window.start - ref).days), abs((window.end - ref).days))


def part_of(window: DateWindow, part: int, parts: int = 3) -> DateWindow:
    """The ``part``-th of ``parts`` equal pieces of a closed window (early/mid/late = thirds); whole
    months or years stay whole when they can ("late 2019" is September to December)."""
    start, end = window.start, window.end
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.day == 1 and end == month_end(end.year, end.month) and (months % parts == 0 or months >= 12):
        size, extra = divmod(months, parts)
        first = part * size + min(part, extra)
        count = size + (1 if part < extra else 0)
        lo = add_months(start, first)
        return DateWindow(lo, _last_day_of_month(add_months(lo, count - 1)))
    days = (end - start).days + 1
    if days < parts:  # "the first quarter of Tuesday", "mid- weekend": too short to cut, the whole of it
        return window
    cuts = [start + dt.timedelta(days=round(days * i / parts)) for i in range(parts + 1)]
    if days == month_end(start.year, start.month).day and parts == 3:  # a month: 1-10, 11-20, 21-end
        cuts = [start, start.replace(day=11), start.replace(day=21), end + ONE_DAY]
    return DateWindow(cuts[part], cuts[part + 1] - ONE_DAY)


def _last_day_of_month(day: dt.date) -> dt.date:
    return month_end(day.year, day.month)
