"""YAML front matter at the top of a ``.md``/``.txt`` article, read as plain ``key: value`` metadata.

Front matter that is not plain metadata (YAML aliases, deep nesting, more than ``MAX_FRONT_MATTER``
characters) is refused with an ``ArticleError`` naming the file; dates stay the strings they were
written as, for ``bot.dates`` to read.
"""

from __future__ import annotations

import functools
import re

from bot.errors import ArticleError

_FRONT_MATTER_OPEN = re.compile(r"\A---[ \t]*\r?\n")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
MAX_FRONT_MATTER = 64 * 1024  # characters; real front matter is a few hundred
MAX_FRONT_MATTER_NESTING = 64  # no article's metadata nests deeper; yaml recurses once a level


def _nesting(text: str) -> int:
    """How deep ``text``'s brackets and braces nest (quoted ones count too: only a bound is wanted)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def split_front_matter(text: str, rel: str) -> tuple[dict, str]:
    """The front matter's fields (empty without front matter) and the body after it, untouched."""
    if not _FRONT_MATTER_OPEN.match(text):
        return {}, text
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ArticleError(f"{rel}: front matter opened with '---' is never closed")
    import yaml

    if len(match.group(1)) > MAX_FRONT_MATTER:
        raise ArticleError(f"{rel}: front matter longer than {MAX_FRONT_MATTER // 1024} KB")
    if _nesting(match.group(1)) > MAX_FRONT_MATTER_NESTING:  # YAML would recurse to Python's limit, slowly
        raise ArticleError(f"{rel}: malformed front matter (nested too deeply)")
    try:
        meta = yaml.load(match.group(1), Loader=_front_matter_loader()) or {}  # noqa: S506 - a SafeLoader
    except RecursionError:
        raise ArticleError(f"{rel}: malformed front matter (nested too deeply)") from None
    except yaml.YAMLError as exc:
        problem = str(getattr(exc, "problem", None) or exc).splitlines()[0]
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""  # +1 for 0-based, +1 for the opening ---
        raise ArticleError(f"{rel}: malformed front matter ({where}{problem})") from exc
    if not isinstance(meta, dict):
        raise ArticleError(f"{rel}: malformed front matter (expected 'key: value' lines)")
    return meta, text[match.end():]


@functools.cache
def _front_matter_loader():
    """PyYAML's safe loader, with two changes. No anchors and aliases: a few hundred bytes of nested
    aliases (a "billion laughs") expand to gigabytes when the values are turned into text. Dates stay
    the strings they were written as: ``bot.dates`` reads them (YAML would turn 2023-09-05 into a date,
    and fail on 2023-13-45 outright)."""
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise yaml.composer.ComposerError(
                    None, None, "YAML anchors and aliases (&name, *name) are not allowed", event.start_mark
                )
            return super().compose_node(parent, index)

    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return FrontMatterLoader
