"""HTML and Markdown for the web UI. Pure functions, no Gradio: every string shown is escaped here.

Article text and questions are untrusted: they go through ``html.escape`` (and,
for the Markdown chat, a Markdown escape first), so a ``<script>`` in an
article shows as text. Highlights are placed by the citation's character
offsets, never by searching for the quote.
"""

from __future__ import annotations

import re
from html import escape

from bot.types import Answer, AnswerSentence, Article, Checked, Citation, Notice, Token

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$-])")  # "<", ">", "&" are HTML-escaped after
_CONTEXT_CHARS = 700  # of a long paragraph, this much either side of the quote is shown
_NO_SEARCH = ("smalltalk", "clarify")  # replies made without searching: no sources, no "Searched for"

CSS = """
.bot-status { font-size: .92em; color: var(--body-text-color-subdued); padding: 2px 4px; }
.bot-status b { color: var(--body-text-color); }
.bot-status.warn { color: #b54708; }
.bot-error { color: #b42318; background: #fef3f2; border: 1px solid #fecdca; border-radius: 8px; padding: 8px 12px; }
.bot-ok { color: #05603a; background: #ecfdf3; border: 1px solid #abefc6; border-radius: 8px; padding: 8px 12px; }
.bot-sources { display: flex; flex-direction: column; gap: 10px; }
.bot-sources .src-top { font-size: .85em; color: var(--body-text-color-subdued); }
.bot-sources .src-empty { color: var(--body-text-color-subdued); padding: 24px 8px; text-align: center; }
.src-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
  background: var(--background-fill-primary); }
.src-card.related { border-style: dashed; }
.src-head { font-weight: 600; line-height: 1.35; }
.src-n { color: #fff; background: #4f46e5; border-radius: 6px; padding: 0 6px; margin-right: 6px; font-size: .85em; }
.related .src-n { background: #9ca3af; }
.src-meta { font-size: .82em; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
.src-passage { line-height: 1.55; margin: 0; white-space: pre-wrap; }
mark.cite { background: #fde68a; color: inherit; padding: 1px 2px; border-radius: 3px;
  box-shadow: inset 0 -2px 0 #f59e0b; }
mark.cite b.answer-words { font-weight: 700; text-decoration: underline; text-decoration-thickness: 2px; }
.related mark.cite { background: #e5e7eb; box-shadow: inset 0 -2px 0 #9ca3af; }
.src-open { margin-top: 8px; font-size: .85em; border: 1px solid var(--border-color-primary); border-radius: 6px;
  padding: 3px 10px; background: var(--background-fill-secondary); cursor: pointer; }
.src-open:hover { border-color: #4f46e5; color: #4f46e5; }
.src-refusal { font-weight: 600; }
.src-note { font-size: .85em; color: var(--body-text-color-subdued); }
.bot-article { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 12px 14px;
  background: var(--background-fill-primary); }
.bot-article .art-label { font-size: .75em; letter-spacing: .06em; text-transform: uppercase;
  color: var(--body-text-color-subdued); margin-bottom: 4px; }
.src-top .src-gen { white-space: nowrap; color: inherit; font-size: inherit; }
#library-table table, #library-table table * { font-family: var(--font) !important; }
.bot-article .art-body { white-space: pre-wrap; line-height: 1.6; max-height: 480px; overflow-y: auto;
  padding-right: 6px; }
.bot-article h3 { margin: 0 0 2px; }
.src-for { font-size: .85em; margin: 6px 0 0; padding-left: 8px; border-left: 3px solid #4f46e5; }
.src-for.unverified { border-left-color: #b54708; color: #b54708; }
"""
UNVERIFIED_MARK = "⚠ *(not verified)*"  # after a generated sentence the passages it cites do not back


def md_escape(text: str) -> str:
    """Text shown literally inside the chat's Markdown: no formatting, no HTML."""
    return escape(_MD_SPECIAL.sub(r"\\\1", text), quote=False)


def markers(answer: Answer) -> str:
    return " ".join(f"\\[{c.n}\\]" for c in answer.citations)


def sentence_marks(sentence: AnswerSentence) -> str:
    """A generated sentence's citation markers, and the mark of one its citations do not back."""
    return "".join(f" \\[{n}\\]" for n in sentence.citations) + ("" if sentence.verified else " " + UNVERIFIED_MARK)


def fallback_note(reason: str) -> str:
    return f"*The LLM's answer is not shown ({md_escape(reason)}); the extractive answer:*\n\n"


class StreamingBubble:
    """The chat bubble while an answer streams: text as it comes, each generated sentence's markers
    (or its removal, ``llm.unverified = "drop"``) once it is checked; a notice replaces what came before."""

    def __init__(self):
        self.done = ""  # Markdown of the checked sentences
        self.tail = ""  # text since the last checked sentence

    def add(self, event) -> str:
        if isinstance(event, Token):
            self.tail += event.text
        elif isinstance(event, Checked):
            self.done += (md_escape(self.tail) + sentence_marks(event.sentence)) if event.shown else ""
            self.tail = ""
        elif isinstance(event, Notice):
            self.done, self.tail = fallback_note(event.text), ""
        return self.done + md_escape(self.tail)


def chat_message(answer: Answer) -> str:
    """The chat bubble of a finished answer: text, citation markers (after each sentence of a generated
    answer, with a mark on any its citations do not back), and the search used for a follow-up."""
    body = fallback_note(answer.fallback) if answer.fallback else ""
    if answer.sentences:
        body += " ".join(md_escape(s.text) + sentence_marks(s) for s in answer.sentences)
    else:
        body += md_escape(answer.answer)
    if answer.citations and not answer.sentences:
        body += " " + markers(answer)
    if answer.kind == "refusal" and answer.related:
        body += "\n\n*Related passages that do not answer it are shown beside the chat.*"
    if answer.kind not in _NO_SEARCH and answer.standalone_question and answer.standalone_question != answer.question:
        body += f"\n\n*Searched for:* “{md_escape(answer.standalone_question)}”"
    return body


def error_message(text: str) -> str:
    return "**Error:** " + md_escape(text)


def sources_html(answer: Answer | None, passage) -> str:
    """The sources panel for one answer, naming the index generation it came from.
    ``passage(citation) -> (paragraph, start, end)`` supplies context."""
    if answer is None or answer.kind in _NO_SEARCH:
        return '<div class="bot-sources"><div class="src-empty">Sources of the selected answer appear here.</div></div>'
    parts = [f'<div class="src-top">Sources for “{escape(answer.question)}”'
             + (f' · <span class="src-gen">index {escape(answer.generation)}</span>' if answer.generation else "")
             + "</div>"]
    if answer.citations:
        parts += [_card(c, passage(c), "citation", _citing(answer, c.n)) for c in answer.citations]
    else:
        parts.append(f'<div class="src-refusal">{escape(answer.answer)}</div>')
        if answer.related:
            parts.append('<div class="src-note">Closest passages found; they do not answer the question:</div>')
            parts += [_card(c, passage(c), "related") for c in answer.related]
    return '<div class="bot-sources">' + "".join(parts) + "</div>"


def _citing(answer: Answer, n: int) -> str:
    """Which sentences of a generated answer cite passage ``n``, each marked verified or not."""
    return "".join(
        f'<div class="src-for{"" if s.verified else " unverified"}" data-verified="{str(s.verified).lower()}">'
        f'{"✓ backs" if s.verified else "⚠ does not back"}: “{escape(s.text)}”</div>'
        for s in answer.sentences if n in s.citations
    )


def _card(citation: Citation, context: tuple[str, int, int], kind: str, citing: str = "") -> str:
    label = f"{citation.n}" if kind == "citation" else "related"
    return (
        f'<div class="src-card {kind}" data-kind="{kind}" data-n="{citation.n}" data-path="{escape(citation.path)}" '
        f'data-start="{citation.start}" data-end="{citation.end}">'
        f'<div class="src-head"><span class="src-n">{label}</span>{escape(citation.title)}</div>'
        f'<div class="src-meta">{_meta(citation.date, citation.source, citation.path)}</div>'
        f'<p class="src-passage">{_passage(citation, context)}</p>{citing}'
        f'<button class="src-open" data-open="{kind}:{citation.n}">Open article ↗</button></div>'
    )


def _passage(citation: Citation, context: tuple[str, int, int]) -> str:
    text, start, end = _window(*context)
    words = answer_words(citation, citation.start - start)  # ``start`` is where the quote begins in ``text``
    return highlighted(text, start, end, words=words)


def _meta(date: str | None, source: str | None, path: str) -> str:
    return " · ".join(escape(p) for p in (date or "undated", source or "unknown source", path) if p)


def _window(text: str, start: int, end: int) -> tuple[str, int, int]:
    """A long paragraph cut to the quote and some context around it, on word boundaries."""
    a, b = max(0, start - _CONTEXT_CHARS), min(len(text), end + _CONTEXT_CHARS)
    if a > 0:
        a = text.find(" ", a, start) + 1 or a
    cut = text.rfind(" ", end, b) if b < len(text) else -1
    b = cut if cut > 0 else b
    head, tail = ("… " if a > 0 else ""), (" …" if b < len(text) else "")
    return head + text[a:b] + tail, start - a + len(head), end - a + len(head)


def highlighted(text: str, start: int, end: int, mark_id: str | None = None,
                words: tuple[int, int] | None = None) -> str:
    """``text`` escaped, with ``text[start:end]`` wrapped in a ``<mark>``, and inside it the answer's
    ``words`` (offsets into ``text``) in a ``<b class="answer-words">``."""
    ident = f' id="{mark_id}"' if mark_id else ""
    inner = escape(text[start:end])
    if words is not None and start <= words[0] < words[1] <= end:
        a, b = words
        inner = f'{escape(text[start:a])}<b class="answer-words">{escape(text[a:b])}</b>{escape(text[b:end])}'
    return (f"{escape(text[:start])}<mark class=\"cite\"{ident} data-start=\"{start}\" data-end=\"{end}\">"
            f"{inner}</mark>{escape(text[end:])}")


def answer_words(citation: Citation, text_start: int) -> tuple[int, int] | None:
    """The citation's answer words as offsets into a text that starts at article offset ``text_start``."""
    if citation.answer_start is None or citation.answer_end is None:
        return None
    return citation.answer_start - text_start, citation.answer_end - text_start


def article_html(citation: Citation, article: Article | None) -> str:
    """The whole cited article with the cited span marked (the indexed passage if the file changed)."""
    if article is not None:
        text, start, end, note = article.text, citation.start, citation.end, ""
        title, meta = article.title, _meta(article.date, article.source, article.path)
    else:
        offset = citation.chunk_start
        text, start, end = citation.chunk_text, citation.start - offset, citation.end - offset
        title, meta = citation.title, _meta(citation.date, citation.source, citation.path)
        note = ('<div class="src-note">The article file is gone or changed since indexing: '
                "showing the indexed passage.</div>")
    return (
        f'<div class="bot-article" data-start="{citation.start}" data-end="{citation.end}">'
        f'<div class="art-label">Whole article · cited passage highlighted</div>'
        f"<h3>{escape(title)}</h3><div class=\"src-meta\">{meta}</div>{note}"
        f'<div class="art-body">{highlighted(text, start, end, "cited-span", answer_words(citation, citation.start - start))}'
        "</div></div>"
    )


def status_html(info, building: bool = False, error: str | None = None) -> str:
    """The line saying which index answers. ``info`` is a ``bot.library.IndexInfo`` or None."""
    if error:
        return f'<div class="bot-status warn">{escape(error)}</div>'
    if info is None:
        return ('<div class="bot-status warn">No index yet: open the <b>Library</b> tab and press '
                "<b>Rebuild index</b> (or run <code>bot index</code>).</div>")
    when = info.created_at.replace("T", " ").replace("+00:00", " UTC")
    text = (f"Answering from index <b>{escape(info.generation)}</b> · built {escape(when)} · "
            f"{info.articles} article{'s' * (info.articles != 1)}, {info.chunks} chunks")
    if building:
        text += " · <b>rebuilding…</b> answers come from this index until the new one is complete"
    return f'<div class="bot-status">{text}</div>'


def notice_html(text: str, ok: bool) -> str:
    return f'<div class="{"bot-ok" if ok else "bot-error"}">{escape(text)}</div>'
