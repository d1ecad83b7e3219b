"""Which articles a query may read: the user's filters and the time the question names.

Both are decided from the index's manifest (every article's date and source), before any
search: filters that match no article at all are the user's mistake and say so, and the
articles a question's time rules out (published after its as-of date, or before a past window
it names) are never searched. Undated articles are never ruled out by time: nothing says when
they were written.
"""

from __future__ import annotations

import datetime as dt
import dataclasses

from bot.errors import FilterMatchError
from bot.temporal import DateWindow
from bot.types import Filters, Query


def scoped_filters(query: Query, articles: dict[str, dict]) -> Filters:
    """The query's filters narrowed to the articles its time admits (``admits_nothing`` tells when
    none is); ``articles`` is the manifest's article table (id -> {"date", "source", ...})."""
    filters = query.filters
    matching = [i for i, entry in articles.items() if _matches(filters, i, entry)]
    if filters.active and not matching:
        raise FilterMatchError(f"no indexed article matches {describe_filters(filters)}")
    window = publication_window(query)
    if window is None:
        return filters
    admitted = [i for i in matching if _published_within(articles[i].get("date"), window)]
    if len(admitted) == len(articles):
        return filters
    return dataclasses.replace(filters, articles=tuple(sorted(admitted)) or (NOTHING,))


NOTHING = "\x00no-article"  # an article id no article has: a filter that admits nothing


def admits_nothing(filters: Filters) -> bool:
    return filters.articles == (NOTHING,)


def publication_window(query: Query) -> DateWindow | None:
    """When evidence for ``query`` may have been published, or None for any time."""
    if query.time is not None:
        return query.time.publication_window()
    if query.as_of is not None:
        return DateWindow(None, query.as_of)
    return None


def describe_filters(filters: Filters) -> str:
    parts = []
    if filters.source:
        parts.append(f"--source {filters.source!r}")
    if filters.since:
        parts.append(f"--since {filters.since}")
    if filters.until:
        parts.append(f"--until {filters.until}")
    if filters.articles:
        parts.append("--article " + ", ".join(filters.articles))
    return " and ".join(parts)


def _matches(filters: Filters, article_id: str, entry: dict) -> bool:
    if filters.source and entry.get("source") != filters.source:
        return False
    if filters.articles and article_id not in filters.articles:
        return False
    day = _day(entry.get("date"))
    if filters.since and (day is None or day < dt.date.fromisoformat(filters.since)):
        return False
    return not (filters.until and (day is None or day > dt.date.fromisoformat(filters.until)))


def _published_within(date: str | None, window: DateWindow) -> bool:
    day = _day(date)
    return day is None or window.contains(day)


def _day(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso[:10]) if iso else None
