"""Dates as the bot stores and compares them: ISO 8601 strings, epoch seconds for Chroma's range filters."""

from __future__ import annotations

import datetime as dt


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
