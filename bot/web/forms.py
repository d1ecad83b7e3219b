"""The web UI's form fields read as the bot's values: the filters and the "As of" day. A bad value
is a ``ConfigError`` naming the field it was typed in."""

from __future__ import annotations

import datetime as dt

from bot.errors import ConfigError


def parse_filters(source: str | None, since: str | None, until: str | None):
    """The filter fields of the chat form as ``Filters`` (a bad date names its field)."""
    from bot.types import Filters

    return Filters.parse(source, since, until, labels=("From date", "To date"))


def parse_as_of(value: str | None) -> dt.date | None:
    """The form's "As of" field (blank: today); a bad date names the field."""
    from bot.dates import parse_day

    try:
        day = parse_day(value)
    except ValueError:
        raise ConfigError(f"As of date {(value or '').strip()!r} is not a date: use YYYY-MM-DD") from None
    return dt.date.fromisoformat(day) if day else None
