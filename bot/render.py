"""Plain-text rendering of an ``Answer`` for the terminal."""

from __future__ import annotations

import textwrap

from bot.types import Answer, Citation


def render_answer(answer: Answer) -> str:
    lines = []
    if answer.standalone_question and answer.standalone_question != answer.question:
        lines.append(f"(searched: {answer.standalone_question})")
    lines.append(answer.answer)
    if answer.citations:
        lines.append("")
        lines.extend(_cite(c) for c in answer.citations)
    if answer.related:
        lines.append("")
        lines.append("Related passages (they do not answer it):")
        lines.extend(_cite(c) for c in answer.related)
    return "\n".join(lines)


def _cite(c: Citation) -> str:
    head = f"[{c.n}] {c.title}" + (f" ({c.date})" if c.date else "") + (f", {c.source}" if c.source else "")
    quote = textwrap.fill(f"\u201c{c.quote}\u201d", width=100, initial_indent="    ", subsequent_indent="    ")
    return f"{head}\n{quote}\n    {c.path}:{c.start}-{c.end}"
