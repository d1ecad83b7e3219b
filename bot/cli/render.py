"""Plain-text rendering of an ``Answer`` for the terminal.

The answer first, then numbered citations: title, date and source, the quoted
passage, and where it is (path:start-end, character offsets into the article).
Control characters from questions or articles are shown as spaces, so nothing
read from a file can drive the terminal.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

import click

from bot.types import Answer, AnswerSentence, Citation

UNVERIFIED_MARK = "(not verified)"


def render_answer(answer: Answer, width: int = 100) -> str:
    lines = []
    if answer.standalone_question and answer.standalone_question != answer.question:
        lines.append(searched_line(answer.standalone_question))
    lines.append(printable(answer_text(answer)))
    return "\n".join(lines) + render_sources(answer, width)


def sentence_marks(sentence: AnswerSentence, shown: bool = True) -> str:
    """What follows a generated sentence: its citation markers, and a mark when the cited text does not back it."""
    if not shown:
        return ""
    return "".join(f" [{n}]" for n in sentence.citations) + ("" if sentence.verified else f" {UNVERIFIED_MARK}")


def answer_text(answer: Answer) -> str:
    """The answer's text; a generated answer sentence by sentence, each with its markers."""
    if not answer.sentences:
        return answer.answer
    return " ".join(s.text + sentence_marks(s) for s in answer.sentences)


def searched_line(standalone: str) -> str:
    """The standalone question a follow-up was searched as."""
    return f"(searched: {printable(standalone)})"


def render_sources(answer: Answer, width: int = 100) -> str:
    """What follows the answer's text: its citations, or the related passages of a refusal."""
    lines = []
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        lines.extend(_cite(c, width) for c in answer.citations)
    if answer.related:
        lines.append("")
        lines.append("Related passages (they do not answer it):")
        lines.extend(_cite(c, width) for c in answer.related)
    return "".join("\n" + line for line in lines)


def printable(text: str) -> str:
    return "".join(" " if unicodedata.category(ch).startswith("C") and ch != "\n" else ch for ch in text)


def _cite(c: Citation, width: int) -> str:
    head = f"[{c.n}] {printable(c.title)}" + (f" ({c.date})" if c.date else "") + (f", {printable(c.source)}" if c.source else "")
    quote = textwrap.fill(
        f"\u201c{' '.join(printable(c.quote).split())}\u201d", width=width, initial_indent="    ", subsequent_indent="     "
    )
    return f"{head}\n{_bold_answer(quote, c)}\n    {c.path}:{c.start}-{c.end}"


def _bold_answer(quote: str, c: Citation) -> str:
    """The answer's words in bold inside the quote (a terminal shows it; ``typer.echo`` strips it when piped)."""
    if c.answer_start is None or c.answer_end is None:
        return quote
    words = " ".join(printable(c.quote[c.answer_start - c.start: c.answer_end - c.start]).split())
    pattern = r"\s+".join(re.escape(w) for w in words.split())
    found = re.search(pattern, quote) if pattern else None
    if found is None:
        return quote
    return quote[: found.start()] + click.style(found.group(), bold=True, underline=True) + quote[found.end():]
